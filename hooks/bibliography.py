"""Load ``bibliography.bib`` once, fast, with errors that point at a line.

pybtex does the parsing. Everything it gives back is turned into plain dicts and cached on
disk as JSON keyed by the file's content hash, so a warm load of a 5,000-entry file is a hash
plus a ``json.loads`` (no pybtex import at all). LaTeX is decoded lazily, only for the entries
a page actually cites, and memoised on the :class:`Entry`.

Both BibTeX and biblatex spellings are accepted (``journal``/``journaltitle``,
``address``/``location``, ``year``+``month`` or ISO ``date``...). ``crossref`` is resolved
biblatex-style (a parent's ``title`` becomes the child's ``booktitle``), ``@string`` and ``#``
come from pybtex.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from hooks.cachefile import cache_not_written, write_atomically
from hooks.latexmath import decode_math
from hooks.safety import safe_url

log = logging.getLogger("mkdocs.plugins.hooks.bibliography")

CACHE_FORMAT = 2
"""Bump when the cached JSON changes shape, so stale caches are ignored."""

NAME_FIELDS = (
    "author", "editor", "translator", "bookauthor", "interviewer", "editora", "editorb",
    "editorc", "director", "commentator", "introduction", "foreword", "afterword", "recipient",
)  # fmt: skip
"""Fields holding ``and``-separated person lists (pybtex itself only splits author/editor)."""

# fmt: off
VERBATIM_FIELDS = frozenset({
    "url", "doi", "urldate", "date", "origdate", "eventdate", "isbn", "issn", "crossref",
    "eprint", "file", "keywords",
})
# fmt: on
"""Fields never run through the LaTeX decoder (``--`` in a URL must stay two hyphens)."""

ALIASES: dict[str, tuple[str, ...]] = {
    "journaltitle": ("journaltitle", "journal"),
    "location": ("location", "address"),
    "institution": ("institution", "school"),
    "origdate": ("origdate", "origyear"),
}
"""biblatex name -> the spellings looked up, biblatex first."""

# fmt: off
INHERIT_SKIP = frozenset({
    "crossref", "xref", "ids", "entrysubtype", "shorttitle", "sortkey", "label", "options",
    "keywords",
})
# fmt: on
CHAPTER_TYPES = frozenset({"incollection", "inbook", "inproceedings", "bookinbook", "suppbook"})
PARENT_RENAMES = {"title": "booktitle", "subtitle": "booksubtitle", "titleaddon": "booktitleaddon"}
"""How a chapter inherits from its book, as biblatex does (BibTeX needs the fields duplicated)."""


class BibliographyError(Exception):
    """A problem in the .bib file. ``str()`` is ``path:line: message`` like a compiler."""

    def __init__(self, path: str | os.PathLike[str], line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class BibliographyWarning:
    """A problem the loader recovered from, as BibTeX and Pandoc do. ``kind`` is
    ``duplicate`` (the first entry is used), ``macro`` (an undefined ``@string``, read as
    empty), ``field`` (a field given twice, the first is used) or ``crossref`` (to an entry
    that does not exist, or in a circle: ignored)."""

    path: str
    line: int
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


# fmt: off
MACROS = {
    **{month[:3].lower(): month for month in (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December")},
    **{month.lower(): month for month in (
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December")},
    "sept": "September",
    "spring": "Spring", "summer": "Summer", "autumn": "Autumn", "fall": "Fall", "winter": "Winter",
}
# fmt: on
"""Macros every file may use unbraced: BibTeX's ``jan``..``dec``, and the full month and
season names hand-kept files write (``month = january``, ``month = spring``)."""


# --------------------------------------------------------------------------- rich text


@dataclass(frozen=True)
class Run:
    """A stretch of text with one style. ``href`` makes it a link."""

    text: str
    em: bool = False
    sc: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Rich:
    """Immutable styled text: what decoded fields are and what the formatter assembles.

    Kept deliberately tiny (italics, small caps, links) because that is all Chicago needs;
    HTML is produced only at the very end by :meth:`html`, so every character is escaped once.
    """

    runs: tuple[Run, ...] = ()

    @classmethod
    def of(cls, text: str, *, em: bool = False, href: str | None = None) -> Rich:
        return cls((Run(text, em=em, href=href),)) if text else cls()

    @property
    def plain(self) -> str:
        return "".join(run.text for run in self.runs)

    def __bool__(self) -> bool:
        return any(run.text for run in self.runs)

    def __add__(self, other: Rich | str) -> Rich:
        other = Rich.of(other) if isinstance(other, str) else other
        return Rich(self.runs + other.runs)

    def __radd__(self, other: str) -> Rich:
        return Rich.of(other) + self

    def italic(self) -> Rich:
        """Italicise; text already italic turns roman (a title within a title, CMOS 8.173)."""
        return Rich(tuple(Run(r.text, not r.em, r.sc, r.href) for r in self.runs))

    def map_text(self, func: Callable[[str], str]) -> Rich:
        return Rich(tuple(Run(func(r.text), r.em, r.sc, r.href) for r in self.runs))

    def slice(self, start: int, end: int) -> Rich:
        """The styled text between two offsets of :attr:`plain`."""
        runs, pos = [], 0
        for run in self.runs:
            lo, hi = max(start - pos, 0), min(end - pos, len(run.text))
            if lo < hi:
                runs.append(Run(run.text[lo:hi], run.em, run.sc, run.href))
            pos += len(run.text)
        return Rich(tuple(runs))

    def html(self) -> str:
        out: list[str] = []
        for run in _merge(self.runs):
            text = _escape(run.text)
            if run.sc:
                text = f'<span style="font-variant: small-caps">{text}</span>'
            if run.em:
                text = f"<em>{text}</em>"
            if run.href and safe_url(run.href):  # a `javascript:` url prints as text
                text = f'<a href="{_escape(run.href, quote=True)}">{text}</a>'
            out.append(text)
        return "".join(out)


def _merge(runs: tuple[Run, ...]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        last = merged[-1] if merged else None
        if last and (last.em, last.sc, last.href) == (run.em, run.sc, run.href):
            merged[-1] = Run(last.text + run.text, run.em, run.sc, run.href)
        else:
            merged.append(run)
    return merged


def _escape(text: str, quote: bool = False) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;") if quote else text


# --------------------------------------------------------------------------- LaTeX decoding

_TOKEN = re.compile(r"\\([A-Za-z]+)\s*|\\(.)|([{}])|(\$[^$]*\$)|([^\\{}$]+|\$)", re.S)
# fmt: off
_ITALIC_CMDS = {"emph", "textit", "mkbibemph", "textsl", "mkbibitalic"}
_QUOTE_CMDS = {"mkbibquote", "enquote", "textquote"}
_PLAIN_CMDS = {
    "textbf", "mkbibbold", "textrm", "textup", "textnormal", "textmd", "mbox", "hbox", "text",
    "textsf", "texttt", "url", "nolinkurl", "uppercase", "lowercase", "mkbibacro", "noopsort",
    "nocase",
}
_SCRIPTS = {
    "textsubscript": str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"),
    "textsuperscript": str.maketrans("0123456789+-=()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾"),
}
_ITALIC_SWITCHES = {"em", "itshape", "it", "sl", "slshape"}
_SYMBOLS = {
    "TeX": "TeX", "LaTeX": "LaTeX", "BibTeX": "BibTeX", "dots": "\u2026", "ldots": "\u2026",
    "textellipsis": "\u2026", "textquoteleft": "\u2018", "textquoteright": "\u2019",
    "textquotedblleft": "\u201c", "textquotedblright": "\u201d", "textendash": "\u2013",
    "textemdash": "\u2014", "slash": "/", "space": " ", "S": "\u00a7", "P": "\u00b6",
    "nobreakspace": "\u00a0", "textasciitilde": "~", "textbackslash": "\\", "ss": "\u00df",
    "i": "\u0131",
}
_CONTROL_SYMBOLS = {  # \, is a thin space; \- and \/ are typesetting hints with no text
    ",": "\u202f", "\\": " ", " ": " ", "-": "", "/": "", "@": "", "&": "&", "%": "%",
    "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", "~": "~",
}
# fmt: on


_LATEX_MARKUP = re.compile(r"\\|--|~|``|''|[?!]`|,,")
"""What latexcodec would change: commands, dash and quote ligatures, ties. Plain text (most
fields, including hyphens and apostrophes) skips the codec, which tokenises every character."""


def decode_latex(value: str) -> Rich:
    """Decode a BibTeX field to styled Unicode.

    latexcodec handles accents, dashes, ``\\&`` and TeX quotes; this adds what it leaves
    alone: ``\\emph``/``\\textit`` (italics), ``\\mkbibquote`` (quotation marks, alternating
    double/single when nested), ``\\textsc``, and drops grouping braces. Braces only protect
    case in BibTeX, and we never change case, so they have nothing else to do.
    """
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    text = codecs.decode(value, "ulatex") if _LATEX_MARKUP.search(value) else value
    tokens = list(_TOKEN.finditer(text))
    runs, _ = _parse_latex(tokens, 0, em=False, sc=False, quotes=0, closing=False)
    return _smart_quotes(Rich(tuple(runs)))


def _parse_latex(
    tokens: list[re.Match[str]], i: int, *, em: bool, sc: bool, quotes: int, closing: bool
) -> tuple[list[Run], int]:
    """Parse tokens until the matching ``}`` (when ``closing``) or the end."""
    runs: list[Run] = []
    while i < len(tokens):
        word, symbol, brace, math, text = tokens[i].groups()
        i += 1
        if brace == "}":
            if closing:
                return runs, i
            continue
        if brace == "{":
            inner, i = _parse_latex(tokens, i, em=em, sc=sc, quotes=quotes, closing=True)
            runs += inner
        elif text is not None:
            runs.append(Run(text, em, sc))
        elif math is not None:
            runs.append(Run(decode_math(math[1:-1]), em, sc))
        elif symbol is not None:
            runs.append(Run(_CONTROL_SYMBOLS.get(symbol, symbol), em, sc))
        elif word in _ITALIC_SWITCHES:
            em = not em
        elif word in _SYMBOLS:
            runs.append(Run(_SYMBOLS[word], em, sc))
        elif i < len(tokens) and tokens[i].group(3) == "{":  # a command with an argument
            if word not in _ITALIC_CMDS | _QUOTE_CMDS | _PLAIN_CMDS | _SCRIPTS.keys() | {"textsc"}:
                log.debug("unknown LaTeX command \\%s: keeping its argument", word)
            inner, i = _parse_latex(
                tokens,
                i + 1,
                em=(not em) if word in _ITALIC_CMDS else em,
                sc=sc or word == "textsc",
                quotes=quotes + (word in _QUOTE_CMDS),
                closing=True,
            )
            if word in _QUOTE_CMDS:
                left, right = ("\u201c", "\u201d") if quotes % 2 == 0 else ("\u2018", "\u2019")
                inner = [Run(left, em, sc), *inner, Run(right, em, sc)]
            elif word in _SCRIPTS:  # H\textsubscript{2}O -> H₂O where Unicode has the glyphs
                table = _SCRIPTS[word]
                inner = [
                    Run(r.text.translate(table), r.em, r.sc, r.href)
                    if all(ch in table for ch in map(ord, r.text))
                    else r
                    for r in inner
                ]
            runs += inner
    return runs, i


_ELISION = re.compile(
    r"(?:tis|twas|twere|til|till|em|n|cause|bout|burbs?|round|neath|\d0s|\d\ds?)\b", re.I
)
"""Words that begin with an apostrophe: 'Tis, 'Twas, the 'Burbs, rock 'n' roll, the '90s."""


def _smart_quotes(rich: Rich) -> Rich:
    """Turn straight quotes left in the data into curly ones (Chicago uses curly quotes).

    A word-initial ``'`` is an apostrophe, not an opening quote, before an elision ('Tis, the
    '90s) or when no closing single quote follows it; an opening single quote typed before an
    elision is corrected the same way.
    """
    plain = rich.plain
    runs, prev, at = [], " ", 0
    for run in rich.runs:
        chars = []
        for ch in run.text:
            if ch == '"':
                ch = "\u201c" if prev.isspace() or prev in "([{\u2018\u2014\u2013/" else "\u201d"
            elif ch == "`":
                ch = "\u2018"
            elif ch in "'\u2018" and (prev.isspace() or prev in "([{\u201c"):
                after = plain[at + 1 :]
                elided = _ELISION.match(after) or (ch == "'" and not _closes(after))
                ch = "\u2019" if elided else "\u2018"
            elif ch == "'":
                ch = "\u2019"
            chars.append(ch)
            prev = ch
            at += 1
        runs.append(Run("".join(chars), run.em, run.sc, run.href))
    return Rich(tuple(runs))


def _closes(text: str) -> bool:
    """Is there a closing single quote ahead (a ``'`` not followed by a letter)?"""
    return bool(re.search(r"['\u2019](?![A-Za-z])", text))


def _plain_name(value: str) -> str:
    return decode_latex(value).plain.strip() if value else ""


# --------------------------------------------------------------------------- data model


@dataclass(frozen=True)
class Name:
    """One person or organisation, decoded. ``corporate`` names are printed whole, unsplit."""

    given: str = ""
    particle: str = ""
    family: str = ""
    suffix: str = ""
    corporate: bool = False

    @property
    def surname(self) -> str:
        """The family name with its particle, as used in short notes ("van Gennep")."""
        return " ".join(p for p in (self.particle, self.family) if p)

    @property
    def is_others(self) -> bool:
        """BibTeX's ``and others``: the list was cut short by the author."""
        return self.family == "others" and not self.given


@dataclass(frozen=True)
class Date:
    """A calendar date or range parsed from ``date``/``year``/``month``/``day``.

    ``literal`` holds text that is not a date ("n.d.", "forthcoming") to print as written.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    season: str | None = None
    end: Date | None = None
    open_end: bool = False
    literal: str | None = None


SEASONS = {"21": "Spring", "22": "Summer", "23": "Autumn", "24": "Winter"}
# fmt: off
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
# fmt: on
_MONTH_LOOKUP = (
    {m.lower(): i for i, m in enumerate(MONTHS, 1)}
    | {m[:3].lower(): i for i, m in enumerate(MONTHS, 1)}
    | {"sept": 9}
)
_ISO = re.compile(r"^(-?\d{1,4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
"""ISO 8601 dates, with the time of day Zotero adds (``2012-01-07T15:02:49+00:00``) ignored."""


def parse_date(value: str) -> Date | None:
    """Parse an ISO 8601 / EDTF date as biblatex does: ``2020``, ``2020-04``, ``2020-04-01``,
    seasons ``2017-21``..``-24``, ranges ``1890/1896`` and open ranges ``2020/``."""
    value = value.strip()
    if not value:
        return None
    if "/" in value:
        start_text, end_text = value.split("/", 1)
        start = parse_date(start_text)
        if start is None or start.literal:
            return Date(literal=value)
        if not end_text.strip() or end_text.strip() == "..":
            return Date(start.year, start.month, start.day, start.season, open_end=True)
        end = parse_date(end_text)
        if end is None or end.literal:
            return Date(literal=value)
        return Date(start.year, start.month, start.day, start.season, end=end)
    m = _ISO.match(value)
    if not m:
        return Date(literal=value)
    year, month, day = m.groups()
    if month in SEASONS:
        return Date(int(year), season=SEASONS[month])
    if month and not 1 <= int(month) <= 12:
        return Date(literal=value)
    return Date(int(year), int(month) if month else None, int(day) if day else None)


def _date_from_parts(year: str, month: str, day: str) -> Date | None:
    """BibTeX ``year``/``month``/``day``; the month may be ``apr``, ``April``, ``4``, ``Spring``."""
    if not year:
        return None
    parsed = parse_date(year.replace("--", "/").replace("\u2013", "/"))
    if parsed is None or parsed.literal or parsed.end or not month:
        return parsed
    key = month.strip().rstrip(".").lower()
    if key.isdigit() and 1 <= int(key) <= 12:
        number: int | None = int(key)
    else:
        number = _MONTH_LOOKUP.get(key)
    if number is None:
        return Date(parsed.year, season=month.strip())
    return Date(parsed.year, number, int(day) if day.strip().isdigit() else None)


@dataclass(eq=False)
class Entry:
    """One bibliography entry. ``fields`` and name parts are raw LaTeX; the accessors decode
    on first use and remember the result (entries are shared across pages)."""

    key: str
    type: str
    fields: Mapping[str, str]
    raw_persons: Mapping[str, list[list[str]]]
    line: int
    owner: Mapping[str, Entry] | None = field(default=None, repr=False)
    """The bibliography the entry belongs to (short notes tell its works and authors apart)."""
    _rich: dict[str, Rich] = field(default_factory=dict, repr=False)
    _names: dict[str, tuple[Name, ...]] = field(default_factory=dict, repr=False)

    def raw(self, name: str) -> str:
        """The raw field value, looking through BibTeX/biblatex aliases."""
        for spelling in ALIASES.get(name, (name,)):
            if spelling in self.fields:
                return self.fields[spelling]
        return ""

    def has(self, name: str) -> bool:
        return bool(self.raw(name).strip()) or bool(self.raw_persons.get(name))

    def rich(self, name: str) -> Rich:
        """The decoded, styled value of a field (empty when missing)."""
        if name not in self._rich:
            value = self.raw(name)
            if name in VERBATIM_FIELDS:
                self._rich[name] = Rich.of(value.replace("{", "").replace("}", "").strip())
            else:
                self._rich[name] = decode_latex(value) if value else Rich()
        return self._rich[name]

    def get(self, name: str) -> str:
        """The decoded value of a field as plain text (empty when missing)."""
        return self.rich(name).plain.strip()

    def names(self, role: str) -> tuple[Name, ...]:
        """Decoded people for ``author``, ``editor``, ``translator``, ``bookauthor``..."""
        if role not in self._names:
            self._names[role] = tuple(
                _decode_name(parts) for parts in self.raw_persons.get(role, [])
            )
        return self._names[role]

    @property
    def authors(self) -> tuple[Name, ...]:
        return self.names("author")

    @property
    def editors(self) -> tuple[Name, ...]:
        return self.names("editor")

    @property
    def translators(self) -> tuple[Name, ...]:
        return self.names("translator")

    @property
    def subtype(self) -> str:
        """``entrysubtype`` for articles, ``type`` otherwise (blog, podcast...), lower case."""
        return (self.get("entrysubtype") or self.get("type")).lower()

    def date(self, name: str = "date") -> Date | None:
        """``date`` (else ``year``/``month``/``day``), ``origdate`` or ``urldate``, parsed.

        A journal's season may sit in biblatex's ``issue`` field ("Spring"); it joins the year.
        """
        if name != "date":
            return parse_date(self.get(name)) if self.raw(name) else None
        season = self.get("issue") if self.type == "article" else ""
        if not self.raw("date"):
            return _date_from_parts(self.get("year"), self.get("month") or season, self.get("day"))
        parsed = parse_date(self.get("date"))
        if parsed and parsed.year and season and not (parsed.month or parsed.season or parsed.end):
            return Date(parsed.year, season=season)
        return parsed


def _decode_name(parts: list[str]) -> Name:
    given, particle, family, suffix = parts
    corporate = (
        not (given or particle or suffix)
        and family.startswith("{")
        and family.endswith("}")
        and _balanced_group(family)
    )
    return Name(
        _plain_name(given),
        _plain_name(particle),
        _plain_name(family),
        _plain_name(suffix),
        corporate,
    )


def _balanced_group(text: str) -> bool:
    """True when ``text`` is one ``{...}`` group (so ``{A} and {B}`` is not)."""
    depth = 0
    for i, ch in enumerate(text):
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and i < len(text) - 1:
            return False
    return depth == 0


# --------------------------------------------------------------------------- loading


class Bibliography(Mapping[str, Entry]):
    """All entries of one .bib file, by key (keys are case-sensitive, as in Pandoc)."""

    _memo: ClassVar[dict[str, tuple[tuple[int, int, str], Bibliography]]] = {}
    """Per resolved path: the file's (mtime, size, cache_dir) when loaded, and the result."""

    def __init__(
        self,
        path: str,
        entries: dict[str, Entry],
        digest: str = "",
        cache_dir: str = "",
        warnings: tuple[BibliographyWarning, ...] = (),
    ) -> None:
        self.path = path
        self.entries = entries
        for entry in entries.values():
            entry.owner = self
        self.digest = digest  # of the file's bytes; empty when parsed from a string
        self.cache_dir = cache_dir  # where on-disk caches for this file go; empty for none
        self.warnings = warnings  # what the loader recovered from, in file order

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def suggest(self, key: str) -> str | None:
        """The closest existing key, for "did you mean" messages."""
        folded = {k.casefold(): k for k in self.entries}
        if key.casefold() in folded:
            return folded[key.casefold()]
        close = difflib.get_close_matches(key, list(self.entries), n=1, cutoff=0.6)
        return close[0] if close else None

    @classmethod
    def load(
        cls, path: str | os.PathLike[str], cache_dir: str | os.PathLike[str] | None = None
    ) -> Bibliography:
        """Parse ``path`` (memoised per process; cached on disk in ``cache_dir`` if given).

        Raises :class:`BibliographyError` for any problem in the file.
        """
        path = Path(path)
        try:
            stat = path.stat()
        except OSError as exc:
            raise BibliographyError(path, 0, f"cannot read bibliography: {exc.strerror}") from exc
        cache_key = str(Path(cache_dir).resolve()) if cache_dir else ""  # one memo per file
        resolved, stamp = str(path.resolve()), (stat.st_mtime_ns, stat.st_size, cache_key)
        if resolved in cls._memo and cls._memo[resolved][0] == stamp:
            return cls._memo[resolved][1]
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:32]
        cache_file = Path(cache_dir) / f"bib-{digest}-v{CACHE_FORMAT}.json" if cache_dir else None
        cached = _read_cache(cache_file) if cache_file else None
        if cached is None:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise BibliographyError(path, line, "file is not valid UTF-8") from exc
            cached = _parse_any(text, str(path))
            if cache_file:
                _write_cache(cache_file, *cached)
        records, warnings = cached
        bibliography = cls(
            str(path),
            _entries(records),
            digest,
            str(cache_dir or ""),
            tuple(BibliographyWarning(str(path), *warning) for warning in warnings),
        )
        cls._memo[resolved] = (stamp, bibliography)
        return bibliography

    _combined: ClassVar[dict[tuple[int, ...], Bibliography]] = {}

    @classmethod
    def load_all(
        cls,
        paths: Sequence[str | os.PathLike[str]],
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> Bibliography:
        """Several files as one (``bibliography:`` may list a ``.bib`` file and a Zotero
        export, and a lesson may cite from either). A key in two files is taken from the
        first file listed, with a warning, as Pandoc does."""
        loaded = [cls.load(path, cache_dir) for path in paths]
        if len(loaded) == 1:
            return loaded[0]
        ident = tuple(id(bibliography) for bibliography in loaded)
        if ident in cls._combined:
            return cls._combined[ident]
        entries: dict[str, Entry] = {}
        source: dict[str, Bibliography] = {}
        warnings: list[BibliographyWarning] = []
        for bibliography in loaded:
            warnings += bibliography.warnings
            for key, entry in bibliography.items():
                if key in entries:
                    first = source[key]
                    warnings.append(
                        BibliographyWarning(
                            bibliography.path,
                            entry.line,
                            "duplicate",
                            f"entry key '{key}' is also in {first.path} (line "
                            f"{entries[key].line}), which is used",
                        )
                    )
                else:
                    entries[key], source[key] = entry, bibliography
        digest = hashlib.sha256("".join(b.digest for b in loaded).encode()).hexdigest()[:32]
        combined = cls(
            loaded[0].path,
            entries,
            digest if all(b.digest for b in loaded) else "",
            loaded[0].cache_dir,
            tuple(warnings),
        )
        cls._combined = {ident: combined}  # the newest set only: files change between builds
        return combined

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> Bibliography:
        """Parse BibTeX given as a string (for tests and tools); never cached."""
        records, warnings = _parse(text, path)
        return cls(
            path, _entries(records), warnings=tuple(BibliographyWarning(path, *w) for w in warnings)
        )


Record = list[Any]
"""``[key, type, line, fields, persons]``: plain JSON values, what the disk cache holds."""
Warning = list[Any]
"""``[line, kind, message]`` of a :class:`BibliographyWarning`, as the disk cache holds it."""


def _entries(records: list[Record]) -> dict[str, Entry]:
    return {
        key: Entry(key, kind, fields, persons, line) for key, kind, line, fields, persons in records
    }


def _read_cache(cache_file: Path) -> tuple[list[Record], list[Warning]] | None:
    try:
        payload = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(payload, dict) or payload.get("format") != CACHE_FORMAT:
        return None
    return payload["entries"], payload["warnings"]


def _write_cache(cache_file: Path, records: list[Record], warnings: list[Warning]) -> None:
    """Write atomically so a crash or a parallel build never leaves half a file."""
    try:
        payload = {"format": CACHE_FORMAT, "entries": records, "warnings": warnings}
        write_atomically(cache_file, json.dumps(payload, ensure_ascii=False))
    except OSError as exc:  # a read-only checkout still builds, only slower
        cache_not_written(cache_file, exc)


_BRACES = re.compile(r"[{}@]")
_HEADER = re.compile(r"@[ \t]*([A-Za-z]+)[ \t]*([{(])[ \t\r\n]*([^\s,={}()\"#%']*)[ \t\r\n]*(=)?")


def _parse(text: str, path: str) -> tuple[list[Record], list[Warning]]:
    """Parse with pybtex, check what it lets through, resolve crossrefs, return plain records
    and the warnings for what BibTeX, too, reads past (a duplicate key, an undefined macro,
    a crossref to nowhere). Anything else wrong stops with :class:`BibliographyError`."""
    import pybtex.errors
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Person
    from pybtex.database.input.bibtex import DuplicateField, Parser, UndefinedMacro
    from pybtex.scanner import PybtexError, PybtexSyntaxError

    line_at = _LineIndex(text)
    headers = _check_structure(text, path, line_at)
    _bound_expansion(text, path, line_at)
    lines_of: dict[str, list[int]] = {}
    for key, line in headers:
        lines_of.setdefault(key.casefold(), []).append(line)
    with pybtex.errors.capture() as problems:
        try:
            data = Parser(macros=MACROS).parse_string(text)
        except PybtexError as exc:
            problems.append(exc)
    warnings: list[Warning] = []
    repeats: dict[str, int] = {}
    for exc in problems:
        message = str(exc)
        if isinstance(exc, UndefinedMacro):
            name = exc.args[0]
            warnings.append(
                [exc.lineno or 1, "macro", f"'{name}' is not a defined @string; read as empty"]
            )
        elif m := re.match(r"repeated bibliography entry: (.+)$", message):
            key = m.group(1).strip()
            seen = lines_of.get(key.casefold(), [1, 1])
            repeats[key.casefold()] = repeats.get(key.casefold(), 0) + 1
            line = seen[min(repeats[key.casefold()], len(seen) - 1)]
            warnings.append(
                [line, "duplicate", f"duplicate entry key '{key}' (first defined on line "
                 f"{seen[0]}, which is used)"]
            )  # fmt: skip
        elif isinstance(exc, DuplicateField):
            key = message.split(" ")[3]
            line = lines_of.get(key.casefold(), [1])[0]
            warnings.append([line, "field", f"{message}; the first is used"])
        elif isinstance(exc, PybtexSyntaxError):
            raise BibliographyError(path, exc.lineno or 1, f"{exc.error_type}: {exc.args[0]}")
        else:
            mentioned = [
                lines_of[w.casefold()][0]
                for w in re.findall(r"[^\s:,]+", message)
                if w.casefold() in lines_of
            ]
            raise BibliographyError(path, mentioned[0] if mentioned else 1, message)

    raw: dict[str, dict[str, Any]] = {}
    for key, entry in data.entries.items():
        fields = {name.lower(): value for name, value in entry.fields.items()}
        persons: dict[str, list[list[str]]] = {
            role.lower(): [_name_parts(p) for p in people] for role, people in entry.persons.items()
        }
        for role in NAME_FIELDS:
            if role in fields and role not in persons:
                persons[role] = [_name_parts(Person(n)) for n in split_name_list(fields.pop(role))]
            fields.pop(role, None)
        raw[key] = {
            "type": entry.type.lower(),
            "fields": fields,
            "persons": persons,
            "line": lines_of.get(key.casefold(), [1])[0],
        }
    for key in raw:
        _resolve_crossref(key, raw, warnings, set())
    warnings.sort(key=lambda warning: warning[0])
    records = [[key, r["type"], r["line"], r["fields"], r["persons"]] for key, r in raw.items()]
    return records, warnings


CSL_SUFFIXES = (".json", ".yaml", ".yml")
"""Bibliographies in CSL JSON or CSL YAML (Zotero's and Pandoc's formats), by file extension."""


def _parse_any(text: str, path: str) -> tuple[list[Record], list[Warning]]:
    """A ``.bib`` file, or a CSL JSON/YAML one, chosen by the file's extension as Pandoc does."""
    if path.lower().endswith(CSL_SUFFIXES):
        from hooks.csl import parse_csl

        return parse_csl(text, path)
    return _parse(text, path)


def bibliography_paths(
    setting: str | os.PathLike[str] | list[Any], root: Path | None = None
) -> list[Path]:
    """The files ``bibliography:`` in ``mkdocs.yml`` names (one path or a list), resolved
    against ``root`` when given."""
    paths = [setting] if isinstance(setting, (str, os.PathLike)) else list(setting)
    return [root / path if root else Path(path) for path in paths]


def _name_parts(person: Any) -> list[str]:
    """A pybtex ``Person`` as ``[given, particle, family, suffix]`` raw LaTeX strings."""
    p = person
    return [
        " ".join([*p.first_names, *p.middle_names]),
        " ".join(p.prelast_names),
        " ".join(p.last_names),
        " ".join(p.lineage_names),
    ]


def _resolve_crossref(
    key: str, raw: dict[str, dict[str, Any]], warnings: list[Warning], seen: set[str]
) -> None:
    """Copy missing fields from the ``crossref`` parent (recursively, biblatex renames). A
    crossref to a missing entry, or in a circle, is dropped with a warning, as BibTeX does."""
    record = raw[key]
    parent_key = record["fields"].get("crossref", "").strip()
    if not parent_key:
        return
    if parent_key in seen:
        del record["fields"]["crossref"]
        warnings.append([record["line"], "crossref", f"crossref cycle through '{parent_key}'"])
        return
    parent_key = next((k for k in raw if k.casefold() == parent_key.casefold()), parent_key)
    if parent_key not in raw:
        del record["fields"]["crossref"]
        warnings.append(
            [record["line"], "crossref", f"entry '{key}' has crossref '{parent_key}', which "
             "does not exist; the crossref is ignored"]
        )  # fmt: skip
        return
    _resolve_crossref(parent_key, raw, warnings, seen | {key})
    parent = raw[parent_key]
    chapter = record["type"] in CHAPTER_TYPES
    for name, value in parent["fields"].items():
        target = PARENT_RENAMES.get(name, name) if chapter else name
        if name in INHERIT_SKIP:
            continue
        record["fields"].setdefault(target, value)
    for role, people in parent["persons"].items():
        target = "bookauthor" if chapter and role == "author" else role
        record["persons"].setdefault(target, people)
    del record["fields"]["crossref"]


class _LineIndex:
    """Offset -> 1-based line number, by binary search over line starts."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __call__(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def _check_structure(text: str, path: str, line_at: _LineIndex) -> list[tuple[str, int]]:
    """Find each entry header and its line, and catch unbalanced braces and missing keys
    ourselves: pybtex reports those where it gave up, often many lines later."""
    headers: list[tuple[str, int]] = []
    pos = 0
    while (m := _HEADER.search(text, pos)) is not None:
        kind, opener, key, after = m.group(1).lower(), m.group(2), m.group(3), m.group(4)
        line = line_at(m.start())
        if kind == "comment":
            pos = m.end()
            continue
        if kind not in {"string", "preamble"}:
            if not key or after == "=":
                raise BibliographyError(
                    path,
                    line,
                    f"@{kind} entry has no key (expected '@type{{key, field = {{...}}, ...}}')",
                )
            headers.append((key, line))
        if opener == "(":
            pos = m.end()
            continue
        depth, end = 0, len(text)
        for brace in _BRACES.finditer(text, m.start(2)):
            ch = brace.group(0)
            if ch == "@":
                if depth == 1 and _starts_entry(text, brace.start()):
                    raise BibliographyError(path, line, _unclosed(kind, key))
                continue
            depth += 1 if ch == "{" else -1
            if depth == 0:
                end = brace.end()
                break
        if depth:
            raise BibliographyError(path, line, _unclosed(kind, key))
        pos = end
    return headers


MAX_EXPANSION = 100_000
"""Characters an ``@string`` macro or a field may expand to. Real ones are a few hundred; ten
levels of tenfold ``#`` concatenation make 10^10 and took pybtex minutes and gigabytes."""
_FIELD_START = re.compile(r"\s*,\s*([^\s,={}()\"#%']+)\s*=")
_VALUE_TOKEN = re.compile(r'\s*(?:([{"])|([^\s"#%\'(),={}]+)|(#)|([,})]))')


def _bound_expansion(text: str, path: str, line_at: _LineIndex) -> None:
    """Measure what every ``@string`` and field expands to, before pybtex expands it, and
    refuse one longer than :data:`MAX_EXPANSION`, naming its line. Runs after
    :func:`_check_structure`, so braces are balanced; anything unexpected ends the entry."""
    sizes: dict[str, int] = {}
    for header in _HEADER.finditer(text):
        kind, key, equals = header.group(1).lower(), header.group(3), header.group(4)
        if kind in {"comment", "preamble"}:
            continue
        pos = header.end()
        if kind == "string":
            if equals:
                size, _ = _value_size(text, pos, sizes)
                _refuse_if_huge(size, f"@string '{key}'", path, line_at(header.start()))
                sizes[key.casefold()] = size
            continue
        while (field := _FIELD_START.match(text, pos)) is not None:
            size, pos = _value_size(text, field.end(), sizes)
            where = f"field '{field.group(1)}' of '{key}'"
            _refuse_if_huge(size, where, path, line_at(field.start(1)))


def _value_size(text: str, pos: int, sizes: dict[str, int]) -> tuple[int, int]:
    """The expanded length of the value at ``pos`` (parts joined by ``#``), and its end."""
    total = 0
    while (token := _VALUE_TOKEN.match(text, pos)) is not None:
        opener, name, _join, closer = token.groups()
        if closer:
            return total, token.start(4)
        pos = token.end()
        if opener:
            end = _delimited_end(text, pos, opener)
            total += end - pos
            pos = end + 1
        elif name:
            total += sizes.get(name.casefold(), len(name))
    return total, pos


def _delimited_end(text: str, pos: int, opener: str) -> int:
    """Where the ``{...}`` or ``"..."`` value starting at ``pos`` closes (braces nest)."""
    depth = 0
    for index in range(pos, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and opener == "{":
                return index
            depth -= 1
        elif char == '"' and opener == '"' and depth == 0:
            return index
    return len(text)


def _refuse_if_huge(size: int, what: str, path: str, line: int) -> None:
    if size > MAX_EXPANSION:
        raise BibliographyError(
            path,
            line,
            f"{what} expands to {size:,} characters, over the limit of {MAX_EXPANSION:,} "
            "(macros joined with # that repeat each other)",
        )


def _starts_entry(text: str, i: int) -> bool:
    """An ``@type{`` at the start of a line inside an entry means the entry was never closed."""
    line_start = text.rfind("\n", 0, i) + 1
    return not text[line_start:i].strip() and bool(_HEADER.match(text, i))


def _unclosed(kind: str, key: str) -> str:
    what = f"entry '{key}'" if key else f"@{kind}"
    return f"unbalanced braces: {what} is never closed (a '}}' is missing)"


# --------------------------------------------------------------------------- checks

REQUIRED: dict[str, tuple[str, ...]] = {
    "book": ("author/editor", "title", "publisher", "date"),
    "collection": ("editor", "title", "publisher", "date"),
    "incollection": ("author", "title", "booktitle", "editor", "publisher", "date"),
    "inbook": ("author", "title", "booktitle", "publisher", "date"),
    "article": ("title", "journaltitle", "date"),
    "online": ("title", "url"),
    "audio": ("title", "date"),
    "report": ("title", "institution", "date"),
    "thesis": ("author", "title", "type", "institution", "date"),
    "phdthesis": ("author", "title", "institution", "date"),
    "mastersthesis": ("author", "title", "institution", "date"),
    "unpublished": ("author", "title"),
    "interview": ("author", "date"),
    "misc": ("title",),
}
"""What each supported type needs so the Chicago forms come out complete."""


def missing_fields(entry: Entry) -> list[str]:
    """Fields the entry's type needs but lacks (``"author/editor"`` means either will do).

    Besides the table above: journal articles (not magazine or newspaper ones) need a volume
    or number, and podcast episodes need ``series`` (the podcast's name) and ``url``. A web
    page may lack a date (many do; Chicago then uses an access date only if one is known).
    """
    needed = list(REQUIRED.get(entry.type, ("title",)))
    if entry.type == "article" and entry.subtype not in {"magazine", "newspaper"}:
        needed.append("volume/number")
    if entry.type == "audio" and entry.subtype == "podcast":
        needed += ["series", "url"]
    missing = []
    for item in needed:
        alternatives = item.split("/")
        if item == "date":
            present = entry.date() is not None
        else:
            present = any(entry.has(name) for name in alternatives)
        if not present:
            missing.append(item)
    return missing


def sortable(text: str) -> str:
    """Fold case and accents so "Ángel" files with "Angel" (CMOS letter-by-letter order)."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w\s]", "", stripped).casefold().strip()
