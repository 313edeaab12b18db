"""One entry model for the templates: BibTeX, biblatex and Better BibTeX spellings mapped in.

The templates ask for biblatex's field names only (``journaltitle``, ``location``, ``date``,
``institution``, ``url``...). :func:`canonical` rewrites an entry once into that vocabulary:

* aliases: ``journal`` -> ``journaltitle``, ``address`` -> ``location``, ``school`` ->
  ``institution``, ``origyear`` -> ``origdate``, ``hyphenation``/``language`` -> ``langid``;
* types: ``@phdthesis``/``@mastersthesis`` -> ``@thesis`` with its ``type``, ``@techreport`` ->
  ``@report``, ``@www``/``@electronic``/``@webpage`` -> ``@online``, ``@movie``/``@film`` ->
  ``@video``, ``@conference`` -> ``@inproceedings``, and a ``@misc`` whose ``howpublished`` is
  a URL (Better BibTeX's web pages) -> ``@online`` with that ``url``;
* dates: ``year``+``month``+``day`` -> ``date``; Zotero's timestamps lose their time of day;
  ``nodate``/"n.d." means no date;
* ``\\bibstring{key}`` anywhere -> its CMOS term (terms.py);
* optionally, headline-style capitalisation of English titles (titles.py).
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from hooks.bibliography import Entry
from hooks.chicago.terms import expand_bibstrings, is_english
from hooks.chicago.titles import headline_case

ALIASES = {
    "journal": "journaltitle",
    "address": "location",
    "school": "institution",
    "origyear": "origdate",
    "hyphenation": "langid",
    "annote": "annotation",
}
TYPES = {
    "www": "online", "electronic": "online", "webpage": "online", "website": "online",
    "movie": "video", "film": "video", "conference": "inproceedings", "techreport": "report",
    "phdthesis": "thesis", "mastersthesis": "thesis", "masterthesis": "thesis",
    "mvbook": "book", "bookinbook": "inbook", "suppcollection": "suppbook",
    "reference": "collection", "mvreference": "collection",
    "mvcollection": "collection", "mvproceedings": "proceedings", "talk": "unpublished",
    "speech": "unpublished", "presentation": "unpublished", "letters": "letter",
    "correspondence": "letter", "dataset": "misc", "software": "misc", "image": "misc",
    "artwork": "misc", "newsarticle": "article",
}  # fmt: skip
THESIS_TYPES = {
    "phdthesis": "phdthesis",
    "mastersthesis": "mastersthesis",
    "masterthesis": "mastersthesis",
}
TITLE_FIELDS = ("title", "subtitle", "booktitle", "booksubtitle", "maintitle", "mainsubtitle",
                "issuetitle", "issuesubtitle", "shorttitle")  # fmt: skip
_URL = re.compile(r"^\s*(?:\\url\s*\{([^{}]+)\}|\{?(https?://[^\s{}]+)\}?)\s*$")
_TIME = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_NO_DATE = {"nodate", "n.d.", "n. d.", "nd", "no date", "undated", "s.d."}

_memo: WeakKeyDictionary[Entry, dict[bool, Entry]] = WeakKeyDictionary()


def canonical(entry: Entry, headline: bool = False) -> Entry:
    """The entry in biblatex's vocabulary (memoised per entry and option)."""
    per = _memo.setdefault(entry, {})
    if headline not in per:
        per[headline] = _normalise(entry, headline)
    return per[headline]


def _normalise(entry: Entry, headline: bool) -> Entry:
    fields: dict[str, str] = {}
    for name, value in entry.fields.items():
        target = ALIASES.get(name, name)
        if target in fields and target != name:
            continue  # the biblatex spelling wins over the BibTeX one
        fields[target] = expand_bibstrings(value) if "\\bibstring" in value else value
    kind = entry.type
    if kind in THESIS_TYPES and not fields.get("type"):
        fields["type"] = THESIS_TYPES[kind]
    if kind == "techreport" and not fields.get("type"):
        fields["type"] = "techreport"
    kind = TYPES.get(kind, kind)
    if (m := _URL.match(fields.get("howpublished", ""))) is not None:
        fields.setdefault("url", m.group(1) or m.group(2))
        del fields["howpublished"]
        if kind == "misc" and not fields.get("publisher") and not fields.get("journaltitle"):
            kind = "online"
    for name in ("date", "urldate", "origdate", "eventdate"):
        if name in fields:
            fields[name] = _TIME.sub("", fields[name].strip())
    year = fields.get("year", "").strip()
    if year.lower().strip("{}") in _NO_DATE:
        fields.pop("year")
    if fields.get("date", "").strip().lower() in _NO_DATE:
        fields.pop("date")
    if kind == "online" and not fields.get("organization"):
        site = fields.get("journaltitle") or fields.get("howpublished") or fields.get("publisher")
        if site and not _URL.match(site):
            fields["organization"] = site
            for name in ("journaltitle", "howpublished"):
                if fields.get(name) == site:
                    del fields[name]
    if headline and all(is_english(fields.get(name, "")) for name in ("langid", "language")):
        for name in TITLE_FIELDS:
            if name in fields:
                fields[name] = headline_case(fields[name])
    persons = dict(entry.raw_persons)
    if kind == "video" and "director" not in persons and fields.get("editortype") == "director":
        persons["director"] = persons.pop("editor", [])
    return Entry(entry.key, kind, fields, persons, entry.line)
