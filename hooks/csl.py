"""CSL JSON and CSL YAML bibliographies (Zotero's native export, Pandoc's other input formats)
read into the same records as ``.bib`` files, with biblatex field names, so one formatter
serves every source.

A CSL item's values are plain text with a little HTML-like markup (``<i>``, ``<b>``,
``<sc>``, ``<span class="nocase">``); they are written as the LaTeX the ``.bib`` loader
stores, escaping what LaTeX would read as markup, so :class:`hooks.bibliography.Entry`
decodes them back to exactly the text Zotero holds.
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

from hooks.bibliography import BibliographyError, Record, Warning

# fmt: off
TYPES: dict[str, tuple[str, str]] = {
    # CSL type: (biblatex type, entrysubtype)
    "article-journal": ("article", ""), "article-magazine": ("article", "magazine"),
    "article-newspaper": ("article", "newspaper"), "book": ("book", ""),
    "chapter": ("incollection", ""), "paper-conference": ("inproceedings", ""),
    "entry-encyclopedia": ("inreference", ""), "entry-dictionary": ("inreference", ""),
    "webpage": ("online", ""), "post-weblog": ("online", "blog"), "post": ("online", ""),
    "report": ("report", ""), "thesis": ("thesis", ""), "manuscript": ("unpublished", ""),
    "interview": ("interview", ""), "song": ("audio", ""), "broadcast": ("audio", ""),
    "personal_communication": ("letter", ""),
}
"""CSL item types and the biblatex types the formatter knows them by; others become @misc."""
CONTAINED = {"incollection", "inproceedings", "inreference"}
"""Types whose ``container-title`` is a book's title (``booktitle``), not a journal's."""
FIELDS = {
    "title": "title", "title-short": "shorttitle", "publisher": "publisher",
    "publisher-place": "location", "volume": "volume", "page": "pages", "edition": "edition",
    "collection-title": "series", "ISBN": "isbn", "ISSN": "issn", "DOI": "doi", "URL": "url",
    "genre": "type", "language": "langid", "number-of-volumes": "volumes",
    "version": "version", "medium": "howpublished", "archive": "archive",
}
"""CSL variable -> biblatex field, for those that map one to one."""
DATES = {"issued": "date", "accessed": "urldate", "original-date": "origdate",
         "event-date": "eventdate"}
PEOPLE = {"author": "author", "editor": "editor", "translator": "translator",
          "interviewer": "interviewer", "container-author": "bookauthor"}
# fmt: on
VERBATIM = {"url", "doi", "isbn", "issn", "date", "urldate", "origdate", "eventdate"}
"""Fields the ``.bib`` loader keeps verbatim (see :data:`hooks.bibliography.VERBATIM_FIELDS`)."""


def parse_csl(text: str, path: str) -> tuple[list[Record], list[Warning]]:
    """Records and warnings for a CSL JSON (``.json``) or CSL YAML (``.yaml``/``.yml``) file.

    A file that cannot be read at all raises :class:`BibliographyError` with its line; an
    item without an ``id`` is skipped and a repeated ``id`` keeps the first item, each with a
    warning, as for ``.bib`` files."""
    items = _items(text, path)
    lines = _id_lines(text, path)
    records: list[Record] = []
    warnings: list[Warning] = []
    seen: dict[str, int] = {}  # key -> how many items used it so far
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not str(item.get("id", "")).strip():
            warnings.append([1, "missing-id", f"item {index + 1} has no 'id', so it is skipped"])
            continue
        key = str(item["id"]).strip()
        where = lines.get(key) or [1]
        line = where[min(seen.get(key, 0), len(where) - 1)]
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            warnings.append(
                [line, "duplicate", f"duplicate entry key '{key}' (first defined on line "
                 f"{where[0]}, which is used)"]
            )  # fmt: skip
            continue
        records.append(_record(key, item, line))
    return records, warnings


def _items(text: str, path: str) -> list[Any]:
    if path.lower().endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BibliographyError(path, exc.lineno, f"CSL JSON syntax error: {exc.msg}") from None
    else:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 1
            raise BibliographyError(path, line, f"CSL YAML syntax error: {exc}") from None
        if isinstance(data, dict) and "references" in data:  # Pandoc's YAML metadata block
            data = data["references"]
    if not isinstance(data, list):
        raise BibliographyError(path, 1, "a CSL bibliography is a list of items")
    return data


_JSON_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)')
_YAML_ID = re.compile(r"^[ \t]*(?:-[ \t]+)?id:[ \t]*(.+?)[ \t]*$", re.M)


def _id_lines(text: str, path: str) -> dict[str, list[int]]:
    """Where each ``id`` is written (one pass, so a 5,000-item export stays fast)."""
    found: dict[str, list[int]] = {}
    pattern = _JSON_ID if path.lower().endswith(".json") else _YAML_ID
    for m in pattern.finditer(text):
        raw = m.group(1)
        key = str(json.loads(raw)) if raw.startswith('"') else raw.strip("'\"")
        found.setdefault(key, []).append(text.count("\n", 0, m.start()) + 1)
    return found


def _record(key: str, item: dict[str, Any], line: int) -> Record:
    kind, subtype = TYPES.get(str(item.get("type", "")), ("misc", ""))
    if kind == "online" and not item.get("URL"):
        kind = "misc"
    fields: dict[str, str] = {}
    if subtype:
        fields["entrysubtype"] = subtype
    for variable, name in FIELDS.items():
        if _text(item.get(variable)):
            fields[name] = _value(item[variable], name)
    container = _text(item.get("container-title"))
    if container:
        target = "booktitle" if kind in CONTAINED else "journaltitle"
        if kind in {"online", "misc"}:
            target = "organization"
        fields[target] = _latex(container)
    number = _text(item.get("issue")) or _text(item.get("number"))
    if number:
        fields["number"] = _latex(number)
    if _text(item.get("collection-number")):
        fields.setdefault("number", _latex(_text(item["collection-number"])))
    if kind in {"report", "thesis"} and "publisher" in fields:
        fields["institution"] = fields.pop("publisher")
    for variable, name in DATES.items():
        if (date := _date(item.get(variable))) is not None:
            fields[name] = date
    persons = {
        name: [_name(person) for person in item[variable] if isinstance(person, dict)]
        for variable, name in PEOPLE.items()
        if isinstance(item.get(variable), list) and item[variable]
    }
    return [key, kind, line, fields, persons]


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list)) else str(value).strip()


def _value(value: Any, field: str) -> str:
    text = _text(value)
    return text if field in VERBATIM else _latex(text)


_MARKUP = {
    "<i>": r"\emph{",
    "</i>": "}",
    "<b>": r"\textbf{",
    "</b>": "}",
    "<sc>": r"\textsc{",
    "</sc>": "}",
    '<span style="font-variant:small-caps;">': r"\textsc{",
    '<span class="nocase">': "{",
    "</span>": "}",
    "<sup>": "",
    "</sup>": "",
    "<sub>": "",
    "</sub>": "",
}
_SPECIAL = {
    "\\": "\\textbackslash ",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
}
_TOKENS = re.compile(
    "|".join(re.escape(tag) for tag in _MARKUP) + r"|--|``|''|[?!]`|,,|[\\{}$%&#_~]"
)


def _latex(text: str) -> str:
    """CSL rich text as the LaTeX the ``.bib`` loader would hold for it."""

    out = _TOKENS.sub(_replace, text)
    bare = out.replace(r"\{", "").replace(r"\}", "")
    if bare.count("{") == bare.count("}"):
        return out
    return _TOKENS.sub(lambda m: "" if m.group(0) in _MARKUP else _replace(m), text)  # bad tags


def _replace(m: re.Match[str]) -> str:
    token = m.group(0)
    if token in _MARKUP:
        return _MARKUP[token]
    if token in _SPECIAL:
        return _SPECIAL[token]
    return token[0] + "{}" + token[1:]  # "--" stays two hyphens, "``" two backticks


def _name(person: dict[str, Any]) -> list[str]:
    """``[given, particle, family, suffix]`` raw LaTeX; a ``literal`` name (an organisation)
    is braced whole, as ``{{Water Drop LA}}`` is in a ``.bib`` file."""
    if _text(person.get("literal")):
        return ["", "", "{" + _latex(_text(person["literal"])) + "}", ""]
    particle = " ".join(
        _text(person.get(part))
        for part in ("dropping-particle", "non-dropping-particle")
        if _text(person.get(part))
    )
    return [
        _latex(_text(person.get("given"))),
        _latex(particle),
        _latex(_text(person.get("family"))),
        _latex(_text(person.get("suffix"))),
    ]


def _date(value: Any) -> str | None:
    """A CSL date as the ISO 8601 / EDTF text biblatex's ``date`` field holds: date-parts
    (a range when two), ``season`` 1-4 as ``-21``..``-24``, ``raw`` and ``literal`` as
    written, and YAML's dates and bare years."""
    if value is None or value == "":
        return None
    if isinstance(value, (datetime.date, int)):
        return str(value.isoformat() if isinstance(value, datetime.date) else value)
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):  # old CSL YAML: [{year: 2009, month: 8}]
        value = {"date-parts": [[p.get("year"), p.get("month"), p.get("day")] for p in value]}
    if not isinstance(value, dict):
        return None
    if _text(value.get("literal")):
        return _text(value["literal"])
    if _text(value.get("raw")):
        return _text(value["raw"])
    parts = value.get("date-parts")
    if not isinstance(parts, list) or not parts:
        return None
    dates = [_iso(part, value.get("season")) for part in parts[:2] if isinstance(part, list)]
    dates = [d for d in dates if d]
    if not dates:
        return None
    return dates[0] if len(dates) == 1 or dates[0] == dates[1] else f"{dates[0]}/{dates[1]}"


def _iso(part: list[Any], season: Any) -> str:
    numbers = []
    for piece in part[:3]:
        if piece is None or str(piece).strip() == "":
            break
        try:
            numbers.append(int(str(piece).strip()))
        except ValueError:
            break
    if not numbers:
        return ""
    text = f"{numbers[0]:04d}" if numbers[0] >= 0 else str(numbers[0])
    if len(numbers) == 1 and str(season).strip() in {"1", "2", "3", "4"}:
        return f"{text}-{20 + int(str(season).strip())}"
    return "-".join([text, *(f"{n:02d}" for n in numbers[1:])])
