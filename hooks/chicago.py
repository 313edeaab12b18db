# ruff: noqa: RUF001, RUF002, RUF003  (curly quotes and dashes are the point of this module)
"""Chicago notes-bibliography: full notes, short notes, "Ibid." and bibliography entries.

Built the way pybtex's ``style/template.py`` builds styles: each form is a short sequence of
small parts (names, titles, publication facts, locator, link) glued by :func:`join`, which
knows Chicago's punctuation: commas and periods go inside closing quotation marks
(American style); a title ending in ? or ! takes no period after it, but a comma the
sentence needs stays (“How Social Is the Animal?,” 339), as the Manual has advised since its
16th edition. Output is HTML; every character of data is escaped once, at the end
(:meth:`Rich.html`).

Sources for the rules, per edition (``chicago-17`` is the default):

* Forms by source type, Set Q acceptance strings, position rules: the project's research
  notes (``research/citations.md`` §3), built from reproductions of the CMOS quick guide.
* Names in notes: CMOS 17 §14.76 lists up to three authors, "First et al." for four or more;
  CMOS 18 gives "First et al." from three. Bibliography: 17 lists up to ten, else seven +
  "et al."; 18 lists up to six, else three + "et al." (the CSL styles encode the same numbers:
  et-al-min 4/use-first 1 and 11/7 in the 17th-edition style, 3/1 and 7/3 in the 18th).
* CMOS 18 differences applied here: no place of publication for books published after 1900
  (§14.30–31); month or season dropped when a journal gives volume/issue numbers; chapter page
  ranges dropped from the bibliography (§14.8, as the 18th-edition CSL style does). Repeated
  names are written out in both editions (18 §13.73 drops the 3-em dash; 17 allows either).
* Consecutive citations: CMOS 17 §14.34 / 18 §13.37 prefer a shortened form ("Morrison, 18."),
  "Ibid." stays available (``ibid: true`` in the extension).
* Page ranges: CMOS 17 §9.61 / 18 §9.63 (inclusive numbers): 336–46, 101–8, 321–28, 1087–89.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hooks.bibliography import MONTHS, Date, Entry, Name, Rich, Run, sortable

log = logging.getLogger("mkdocs.plugins.hooks.chicago")

Edition = Literal["chicago-17", "chicago-18"]
EDITIONS: tuple[Edition, ...] = ("chicago-17", "chicago-18")


class Form(StrEnum):
    """The note forms a citation can take, chosen by its position on the page."""

    FULL = "full"
    SHORT = "short"
    AUTHOR_ONLY = "author-only"
    IBID = "ibid"
    TITLE_ONLY = "title-only"  # Pandoc's suppress-author citation, see title_only()


# --------------------------------------------------------------------------- locators

# fmt: off
LOCATOR_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str, str]] = {
    # label: (singular spellings, plural spellings, Chicago abbreviation, plural abbreviation)
    "page": (("p.", "page", "pg."), ("pp.", "pages", "pgs."), "", ""),
    "chapter": (("chap.", "ch.", "chapter"), ("chaps.", "chs.", "chapters"), "chap.", "chaps."),
    "section": (("sec.", "section", "§"), ("secs.", "sections", "§§"), "sec.", "secs."),
    "paragraph": (("para.", "par.", "paragraph", "¶"), ("paras.", "pars.", "paragraphs", "¶¶"),
                  "para.", "paras."),
    "note": (("n.", "note"), ("nn.", "notes"), "n.", "nn."),
    "volume": (("vol.", "volume"), ("vols.", "volumes"), "vol.", "vols."),
    "part": (("pt.", "part"), ("pts.", "parts"), "pt.", "pts."),
    "figure": (("fig.", "figure"), ("figs.", "figures"), "fig.", "figs."),
    "line": (("l.", "line"), ("ll.", "lines"), "line", "lines"),
    "book": (("bk.", "book"), ("bks.", "books"), "bk.", "bks."),
    "column": (("col.", "column"), ("cols.", "columns"), "col.", "cols."),
    "verse": (("v.", "verse"), ("vv.", "verses"), "v.", "vv."),
    "folio": (("fol.", "folio"), ("fols.", "folios"), "fol.", "fols."),
    "issue": (("no.", "issue", "number"), ("nos.", "issues", "numbers"), "no.", "nos."),
    "opus": (("op.", "opus"), ("opp.", "opera"), "op.", "opp."),
    "sub verbo": (("s.v.", "sub verbo"), ("s.vv.", "sub verbis"), "s.v.", "s.vv."),
}
# fmt: on
"""The CSL locator terms Pandoc accepts, long and short; pages print with no label."""

_SPELLINGS = {
    spelling: (label, plural)
    for label, (singular, plurals, _, _) in LOCATOR_TERMS.items()
    for plural, spellings in ((False, singular), (True, plurals))
    for spelling in spellings
}
_LABEL = re.compile(
    "("
    + "|".join(re.escape(s) for s in sorted(_SPELLINGS, key=len, reverse=True))
    + r")(?=[\s\d{])\s*",
    re.I,
)
_TOKEN = r"(?:\d[\w.:]*|[ivxlcdm]+(?=$|[\s,;–—-])|[IVXLCDM]+(?=$|[\s,;–—-]))"
_VALUE = re.compile(rf"{_TOKEN}(?:\s*(?:--?|–|—|,|&|\band\b)\s*{_TOKEN})*")
_RANGE = re.compile(r"(\d+)\s*(?:--?|–|—)\s*(\d+)")
_DASH = re.compile(r"\s*(?:--?|—)\s*(?=\w)|\s*–\s*")


@dataclass(frozen=True)
class Locator:
    """Where in a work: ``label`` is a CSL term ("page", "chapter"...), ``value`` as written."""

    value: str
    label: str = "page"
    plural: bool = False

    def render(self) -> str:
        """Chicago form: pages bare ("336–46"), everything else labelled ("chaps. 3–4")."""
        value = self.value
        if not value.startswith("{"):
            value = _DASH.sub("–", value)
            if self.label == "page":
                value = _RANGE.sub(lambda m: page_range(m.group(1), m.group(2)), value)
        value = value.strip("{}")
        _, _, singular, plural = LOCATOR_TERMS[self.label]
        many = self.plural or bool(re.search(r"[–,&]|\band\b", value))
        abbreviation = plural if many else singular
        return f"{abbreviation} {value}" if abbreviation else value


def parse_locator(text: str) -> tuple[Locator | None, str]:
    """Split what follows ``@key,`` into a locator and a suffix, as Pandoc does.

    ``"pp. 16–18"`` -> page locator; ``"16, emphasis added"`` -> page 16 and suffix
    ``", emphasis added"``; ``"{ii, 3}"`` -> verbatim page locator; text that is not a
    locator at all comes back whole as the suffix (with its leading ``", "``).
    """
    body = text.lstrip()
    label, plural = "page", False
    if m := _LABEL.match(body):
        label, plural = _SPELLINGS[m.group(1).lower()]
        rest = body[m.end() :]
    else:
        rest = body
    if rest.startswith("{") and "}" in rest:
        end = rest.index("}") + 1
        return Locator(rest[:end], label, plural), rest[end:]
    if value := _VALUE.match(rest):
        return Locator(value.group(0), label, plural), rest[value.end() :]
    return None, ", " + body if body else ""


def page_range(first: str, last: str) -> str:
    """Abbreviate an inclusive page range per CMOS 17 §9.61 (18 §9.63).

    Under 100 and multiples of 100 keep all digits (71–72, 100–104); 101 through 109 keep
    only the changed part (101–8, 1103–4); otherwise keep at least two digits (321–28,
    1087–89, 1496–500). A range the author already abbreviated is normalised the same way.
    """
    a = int(first)
    if len(last) < len(first):  # "1087–9" means 1089
        last = first[: len(first) - len(last)] + last
    b = int(last)
    if b <= a or a < 100 or a % 100 == 0 or len(last) != len(first):
        return f"{first}–{last}"
    common = 0
    while common < len(first) and first[common] == last[common]:
        common += 1
    changed = last[common:]
    if a % 100 >= 10 and len(changed) < 2:
        changed = last[-2:]
    return f"{first}–{changed}"


# --------------------------------------------------------------------------- punctuation

_CLOSING = "”"


def join(sep: str, *parts: Rich | str | None) -> Rich:
    """Join the non-empty parts with ``sep``, punctuating as Chicago does (:func:`punctuate`)."""
    out = Rich()
    for part in parts:
        part = Rich.of(part) if isinstance(part, str) else part
        if not part:
            continue
        if not out:
            out = part
            continue
        mark, rest = (sep[0], sep[1:]) if sep[:1] in ".,;:" else ("", sep)
        out = punctuate(out, mark) + rest + part
    return out


def punctuate(text: Rich, mark: str) -> Rich:
    """Add ``mark`` after ``text``: inside a closing quotation mark for commas and periods;
    not at all for a period after ``.``, ``?`` or ``!`` (a comma after ? or ! stays)."""
    if not mark or not text:
        return text
    plain = text.plain
    body = plain.rstrip(_CLOSING + "’") if plain.endswith(_CLOSING) else plain
    if mark == "." and body.endswith((".", "?", "!")):
        return text
    if mark in ".," and len(body) < len(plain):
        cut = len(body)
        return text.slice(0, cut) + mark + text.slice(cut, len(plain))
    return text + mark


def paren(text: Rich) -> Rich:
    return "(" + text + ")" if text else text


def capitalize(text: Rich) -> Rich:
    """Capitalise the first letter (for prefixes and sentence starts, never names)."""
    plain = text.plain
    stripped = plain.lstrip()
    if not stripped or not stripped[0].islower():
        return text
    at = len(plain) - len(stripped)
    return (
        text.slice(0, at)
        + Rich((Run(stripped[0].upper(), text.slice(at, at + 1).runs[0].em),))
        + text.slice(at + 1, len(plain))
    )


def quoted(text: Rich) -> Rich:
    """Put a title in double quotation marks; quotation marks inside it become single."""
    if not text:
        return text
    inner = text.map_text(lambda s: s.replace("“", "‘").replace("”", "’"))
    return "“" + inner + "”"


_MARKUP = re.compile(
    r"(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])|(?<!\w)_(?!\s)([^_]+?)(?<!\s)_(?!\w)"
)


def inline_markup(text: str) -> Rich:
    """Author-written prefix/suffix text: plain, with ``*word*`` or ``_word_`` as italics."""
    runs, pos = [], 0
    for m in _MARKUP.finditer(text):
        runs += [Run(text[pos : m.start()]), Run(m.group(1) or m.group(2), em=True)]
        pos = m.end()
    runs.append(Run(text[pos:]))
    return Rich(tuple(r for r in runs if r.text))


# --------------------------------------------------------------------------- dates


def format_date(date: Date | None) -> str:
    """Dates as Chicago writes them: April 17, 2017; April 2017; Spring 2017; 1890–96."""
    if date is None:
        return ""
    if date.literal:
        return date.literal
    if date.end:
        return _date_range(date, date.end)
    text = _one_date(date)
    return f"{text}–" if date.open_end else text


def _one_date(d: Date) -> str:
    year = str(d.year) if d.year is not None else ""
    if d.season:
        return f"{d.season} {year}".strip()
    if d.month and d.day:
        return f"{MONTHS[d.month - 1]} {d.day}, {year}".rstrip(", ")
    if d.month:
        return f"{MONTHS[d.month - 1]} {year}".strip()
    return year


def _date_range(a: Date, b: Date) -> str:
    if a.year == b.year and a.month and a.month == b.month and a.day and b.day:
        return f"{MONTHS[a.month - 1]} {a.day}–{b.day}, {a.year}"
    if a.year == b.year and a.month and b.month:
        if a.day and b.day:
            return f"{MONTHS[a.month - 1]} {a.day}–{MONTHS[b.month - 1]} {b.day}, {a.year}"
        return f"{MONTHS[a.month - 1]}–{MONTHS[b.month - 1]} {a.year}"
    if not (a.month or b.month or a.season or b.season) and a.year and b.year:
        return _year_range(a.year, b.year)
    return f"{_one_date(a)}–{_one_date(b)}"


def _year_range(a: int, b: int) -> str:
    """Years within one century keep two digits (1890–96); across centuries all (1898–1903)."""
    if a // 100 == b // 100 and a % 100 and b > a:
        return f"{a}–{b % 100:02d}"
    return f"{a}–{b}"


# --------------------------------------------------------------------------- the style


@dataclass(frozen=True)
class Rules:
    """What changes between editions (see the module docstring for the sources)."""

    note_names: int
    bib_names: int
    bib_names_shown: int
    place: bool
    journal_month: bool
    chapter_pages_in_bib: bool


RULES: dict[str, Rules] = {
    "chicago-17": Rules(3, 10, 7, place=True, journal_month=True, chapter_pages_in_bib=True),
    "chicago-18": Rules(2, 6, 3, place=False, journal_month=False, chapter_pages_in_bib=False),
}

# fmt: off
BOOKS = {"book", "mvbook", "collection", "mvcollection", "proceedings", "mvproceedings",
         "reference", "mvreference", "manual", "booklet"}
CHAPTERS = {"incollection", "inbook", "inproceedings", "bookinbook", "suppbook", "inreference"}
FAMILIES = {
    **dict.fromkeys(BOOKS, "book"), **dict.fromkeys(CHAPTERS, "chapter"),
    "article": "article", "online": "online", "www": "online", "electronic": "online",
    "report": "report", "techreport": "report", "thesis": "thesis", "phdthesis": "thesis",
    "mastersthesis": "thesis", "unpublished": "unpublished", "interview": "interview",
    "misc": "misc", "audio": "misc",
}
"""Entry type -> the family whose forms it takes (``@audio`` with ``type = {podcast}`` is
``podcast``); any other type warns and is formatted as ``misc``."""
QUOTED_TITLES = {"chapter", "article", "online", "podcast", "thesis", "unpublished", "interview"}
THESIS_TYPES = {"phdthesis": "PhD diss.", "mathesis": "MA thesis",
                "mastersthesis": "master’s thesis"}
FUNCTION_WORDS = {"a", "an", "the", "and", "or", "nor", "but", "of", "in", "on", "for", "to",
                  "with", "by", "at", "from", "as", "&"}
CONTRIBUTOR_WORDS = {
    "note": ("ed. ", "trans. ", "ed. and trans. "),
    "bib": ("Edited by ", "Translated by ", "Edited and translated by "),
    "in": ("edited by ", "translated by ", "edited and translated by "),
}
# fmt: on


@dataclass(frozen=True)
class NoteItem:
    """One source inside a note: which entry, in which form, with the author's affixes."""

    entry: Entry
    form: Form = Form.FULL
    locator: Locator | None = None
    prefix: str = ""
    suffix: str = ""


class Chicago:
    """The Chicago forms for one edition. Results are memoised per (entry, form, locator);
    share one instance per edition (see :func:`style`) so pages reuse each other's work."""

    def __init__(self, edition: Edition = "chicago-17") -> None:
        if edition not in RULES:
            raise ValueError(f"unknown edition {edition!r}; use one of {', '.join(EDITIONS)}")
        self.edition = edition
        self.rules = RULES[edition]
        self._memo: dict[tuple[Entry, Form | str, Locator | None], Rich] = {}
        self._warned: set[str] = set()

    # -- public API: complete notes and entries as HTML

    def full_note(self, entry: Entry, locator: Locator | None = None) -> str:
        return self.note([NoteItem(entry, Form.FULL, locator)])

    def short_note(self, entry: Entry, locator: Locator | None = None) -> str:
        return self.note([NoteItem(entry, Form.SHORT, locator)])

    def author_only(self, entry: Entry, locator: Locator | None = None) -> str:
        """CMOS 17 §14.34: a consecutive citation of the same work: "Spade, 16." """
        return self.note([NoteItem(entry, Form.AUTHOR_ONLY, locator)])

    def ibid(self, entry: Entry, locator: Locator | None = None) -> str:
        return self.note([NoteItem(entry, Form.IBID, locator)])

    def note(self, items: Sequence[NoteItem], *, sentence: bool = True) -> str:
        """A whole note: sources joined by semicolons, the first prefix capitalised, a final
        period. With ``sentence=False`` (a citation inside the author's own footnote) the
        text is left as the author's sentence needs it: no capital, no period."""
        parts = []
        for index, item in enumerate(items):
            form = self.form(item.entry, item.form, item.locator)
            if item.form is Form.IBID and (item.prefix or index or not sentence):
                form = Rich.of("i") + form.slice(1, len(form.plain))
            prefix = inline_markup(item.prefix.strip())
            text = join(" ", prefix, form)
            if item.suffix.strip():
                suffix = item.suffix if item.suffix[:1] in ",;:. " else " " + item.suffix
                text = text + inline_markup(suffix.rstrip())
            parts.append(text)
        body = join("; ", *parts)
        if sentence:
            if items and items[0].prefix.strip():
                body = capitalize(body)
            body = punctuate(body, ".")
        return body.html()

    def bibliography_entry(self, entry: Entry) -> str:
        key = (entry, "bib", None)
        if key not in self._memo:
            family = self._family(entry)
            self._memo[key] = punctuate(getattr(self, f"_bib_{family}")(entry), ".")
        return self._memo[key].html()

    def sort_key(self, entry: Entry) -> tuple[str, str, int]:
        """Alphabetical by the first element of the bibliography entry (author surname,
        organisation or, failing those, title without an initial article), then title, year."""
        names, _ = self._head(entry)
        if names:
            head = " ".join(
                f"{n.surname} {n.given}" if not n.corporate else n.family for n in names
            )
        else:
            head = self._bib_head(entry).plain
        title = _drop_article(entry.get("title"))
        date = entry.date()
        return sortable(head or title), sortable(title), (date.year or 0) if date else 0

    # -- forms as rich text (no final period)

    def form(self, entry: Entry, form: Form, locator: Locator | None = None) -> Rich:
        key = (entry, form, locator)
        if key not in self._memo:
            loc = Rich.of(locator.render()) if locator else Rich()
            if form is Form.FULL:
                result = getattr(self, f"_note_{self._family(entry)}")(entry, loc)
            elif form is Form.IBID:
                result = join(", ", "Ibid.", loc)
            elif form is Form.TITLE_ONLY:
                result = title_only(self, entry, loc)
            elif form is Form.AUTHOR_ONLY and locator and self._short_head(entry):
                result = join(", ", self._short_head(entry), loc)
            else:
                result = join(", ", self._short_head(entry), self._short_title(entry), loc)
            self._memo[key] = result
        return self._memo[key]

    def _family(self, e: Entry) -> str:
        if e.type == "audio" and e.subtype == "podcast":
            return "podcast"
        family = FAMILIES.get(e.type)
        if family is None:
            if e.key not in self._warned:
                self._warned.add(e.key)
                log.warning(
                    "%s: entry '%s' has type @%s, which has no Chicago form; "
                    "formatting it as @misc",
                    e.line,
                    e.key,
                    e.type,
                )
            return "misc"
        return family

    # -- names

    def _names(
        self,
        names: Sequence[Name],
        limit: int,
        show: int,
        fmt: Callable[[Name, int], str],
        inverted: bool = False,
    ) -> str:
        """A list of names: A; A and B; A, B, and C; A et al. (``inverted``: Last, First, and B)."""
        cut = any(n.is_others for n in names)
        names = [n for n in names if not n.is_others]
        if not names:
            return ""
        if cut or len(names) > limit:
            shown = [fmt(n, i) for i, n in enumerate(names[:show])]
            return (", ".join(shown) + ", et al.") if show > 1 else f"{shown[0]} et al."
        texts = [fmt(n, i) for i, n in enumerate(names)]
        if len(texts) == 1:
            return texts[0]
        if len(texts) == 2:
            comma = "," if inverted and not names[0].corporate and names[0].given else ""
            return f"{texts[0]}{comma} and {texts[1]}"
        return ", ".join(texts[:-1]) + ", and " + texts[-1]

    def _names_note(self, names: Sequence[Name]) -> str:
        return self._names(names, self.rules.note_names, 1, lambda n, _: _given_first(n))

    def _surnames(self, names: Sequence[Name]) -> str:
        return self._names(
            names, self.rules.note_names, 1, lambda n, _: n.family if n.corporate else n.surname
        )

    def _names_bib(self, names: Sequence[Name]) -> str:
        rules = self.rules
        return self._names(names, rules.bib_names, rules.bib_names_shown, _inverted, True)

    def _head(self, e: Entry) -> tuple[tuple[Name, ...], str]:
        """Who leads the entry, and the role label after the names ("ed.", "eds.", "trans.")."""
        family = self._family(e)
        if e.authors or family in {"chapter", "article", "online", "podcast", "thesis"}:
            return e.authors, ""
        if e.editors and family in {"book", "misc", "report"}:
            return e.editors, "eds." if len(e.editors) > 1 else "ed."
        if e.translators and family == "book":
            return e.translators, "trans."
        organisation = {"report": "institution", "misc": "organization"}.get(family, "")
        org = e.get(organisation) if organisation else ""
        return ((Name(family=org, corporate=True),), "") if org else ((), "")

    def _head_note(self, e: Entry) -> Rich:
        names, role = self._head(e)
        return join(", ", self._names_note(names), role)

    def _short_head(self, e: Entry) -> Rich:
        names, _ = self._head(e)
        if names:
            return Rich.of(self._surnames(names))
        family = self._family(e)
        if family == "online":
            return e.rich("publisher") or e.rich("organization")
        return Rich()

    def _bib_head(self, e: Entry) -> Rich:
        names, role = self._head(e)
        if names:
            return join(", ", self._names_bib(names), role)
        family = self._family(e)
        if family == "online":
            return e.rich("publisher") or e.rich("organization")
        if family == "article":
            return e.rich("journaltitle").italic()
        return Rich()

    def _contributors(self, e: Entry, form: str, role: str = "") -> Rich:
        """Editors and translators after the title, in one of three forms: ``note`` "ed. X,
        trans. Y"; ``bib`` "Edited by X. Translated by Y."; ``in`` "edited by X, translated
        by Y" (inside a bibliography's "In *Book*, ..."). Those named at the head (``role``)
        are skipped."""
        editors = () if role in {"ed.", "eds."} else e.editors
        translators = () if role == "trans." else e.translators
        edited, translated, both = CONTRIBUTOR_WORDS[form]
        if editors and editors == translators:
            return Rich.of(both + self._names_note(editors))
        return join(
            ". " if form == "bib" else ", ",
            edited + self._names_note(editors) if editors else "",
            translated + self._names_note(translators) if translators else "",
        )

    # -- titles

    def _title(self, e: Entry, prefix: str = "") -> Rich:
        title = e.rich(prefix + "title")
        subtitle = e.rich(prefix + "subtitle")
        if title and subtitle:
            sep = " " if title.plain.rstrip().endswith(("?", "!")) else ": "
            title = title + sep + subtitle
        return title

    def _styled_title(self, e: Entry, text: Rich) -> Rich:
        return quoted(text) if self._family(e) in QUOTED_TITLES else text.italic()

    def _short_title(self, e: Entry) -> Rich:
        text = e.rich("shorttitle") if e.has("shorttitle") else shorten(e.rich("title"))
        if not text and self._family(e) == "interview":
            return Rich.of("interview")
        return self._styled_title(e, text)

    # -- publication facts

    def _date(self, e: Entry, name: str = "date") -> str:
        return format_date(e.date(name))

    def _pubfacts(self, e: Entry, bib: bool, publisher: Rich | None = None) -> Rich:
        """Place, publisher and date: "New York: Penguin Press, 2016"; reprints lead with the
        original date ("1902; repr., ..." in notes, "1902. Reprint, ..." in entries)."""
        date = e.date()
        year = date.year if date and date.year else None
        place = e.rich("location") if self.rules.place or (year and year < 1900) else Rich()
        publisher = e.rich("publisher") if publisher is None else publisher
        facts = join(", ", join(": ", place, publisher), self._date(e) or "n.d.")
        if e.has("origdate"):
            original = self._date(e, "origdate")
            return (
                join(". ", original, "Reprint, " + facts)
                if bib
                else join("; ", original, "repr., " + facts)
            )
        return facts

    def _link(self, e: Entry) -> Rich:
        """The DOI as a link (Chicago prefers it to a URL), else the URL."""
        doi = re.sub(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)", "", e.get("doi"), flags=re.I)
        url = f"https://doi.org/{doi}" if doi else e.get("url")
        return Rich.of(url, href=url) if url else Rich()

    def _access(self, e: Entry, bib: bool) -> str:
        """The access phrase, "accessed May 1, 2024" (or ``userd``'s wording, such as "last
        modified"). Callers use it only when an item has no date: Chicago does not require it."""
        when = self._date(e, "urldate")
        if not when:
            return ""
        label = e.get("userd") or "accessed"
        phrase = f"{label} {when}"
        return phrase[0].upper() + phrase[1:] if bib else phrase

    def _series(self, e: Entry) -> Rich:
        return join(" ", e.rich("series"), e.rich("number"))

    def _edition(self, e: Entry) -> str:
        edition = e.get("edition")
        return f"{_ordinal(int(edition))} ed." if edition.isdigit() else edition

    def _volume(self, e: Entry, bib: bool) -> Rich:
        if e.has("volumes") and not e.has("volume"):
            return Rich.of(f"{e.get('volumes')} vols.")
        if e.has("volume"):
            return Rich.of(("Vol. " if bib else "vol. ") + e.get("volume"))
        return Rich()

    def _book_title(self, e: Entry, bib: bool, prefix: str = "") -> Rich:
        """The italic title, with a multivolume work's main title and volume before it."""
        title = self._title(e, prefix).italic()
        if prefix == "" and e.has("maintitle") and e.has("volume"):
            main = self._title(e, "main").italic()
            return join(". " if bib else ", ", main, self._volume(e, bib) + ", " + title)
        return title

    def _bib_tail(self, e: Entry) -> Rich:
        """The entry's closing sentences: origin date for non-books, note, link."""
        origin = ""
        if e.has("origdate") and self._family(e) not in {"book", "chapter", "report"}:
            origin = f"Originally published {self._date(e, 'origdate')}"
        return join(". ", origin, e.rich("note"), self._link(e))

    # -- books (also collections: editors lead)

    def _note_book(self, e: Entry, loc: Rich) -> Rich:
        _, role = self._head(e)
        volume = self._volume(e, False) if not e.has("maintitle") else Rich()
        core = join(
            ", ",
            self._head_note(e),
            self._book_title(e, False),
            self._contributors(e, "note", role),
            self._edition(e),
            volume,
            self._series(e),
        )
        core = join(" ", core, paren(self._pubfacts(e, False)))
        return join(", ", core, loc, self._link(e))

    def _bib_book(self, e: Entry) -> Rich:
        _, role = self._head(e)
        volume = self._volume(e, True) if not e.has("maintitle") else Rich()
        return join(
            ". ",
            self._bib_head(e),
            self._book_title(e, True),
            self._contributors(e, "bib", role),
            capitalize(Rich.of(self._edition(e))),
            volume,
            self._series(e),
            self._pubfacts(e, True),
            self._bib_tail(e),
        )

    # -- chapters in books

    def _in_book(self, e: Entry, bib: bool) -> Rich:
        by = e.names("bookauthor")
        by_text = "by " + self._names_note(by) if by and by != e.authors else ""
        pages = Rich()
        if bib and self.rules.chapter_pages_in_bib and e.has("pages"):
            pages = Rich.of(Locator(e.get("pages")).render())
        book = join(
            ", ",
            self._title(e, "book").italic(),
            by_text,
            self._contributors(e, "in" if bib else "note"),
            self._edition(e),
            self._volume(e, False),
            pages,
        )
        return ("In " if bib else "in ") + book

    def _note_chapter(self, e: Entry, loc: Rich) -> Rich:
        core = join(
            ", ",
            self._head_note(e),
            quoted(self._title(e)),
            self._in_book(e, False),
            self._series(e),
        )
        core = join(" ", core, paren(self._pubfacts(e, False)))
        return join(", ", core, loc, self._link(e))

    def _bib_chapter(self, e: Entry) -> Rich:
        return join(
            ". ",
            self._bib_head(e),
            quoted(self._title(e)),
            self._in_book(e, True),
            self._series(e),
            self._pubfacts(e, True),
            self._bib_tail(e),
        )

    # -- journal, magazine and newspaper articles

    def _periodical(self, e: Entry) -> bool:
        """Magazines and newspapers are cited by date, without volume and issue."""
        return e.subtype in {"magazine", "newspaper"} or not (e.has("volume") or e.has("number"))

    def _journal_block(self, e: Entry) -> Rich:
        """The journal, volume, issue and date: *Journal* 111, no. 2 (April 2016)."""
        numbers = join(", ", e.rich("volume"), "no. " + e.get("number") if e.has("number") else "")
        date = e.date()
        if date and not self.rules.journal_month and date.year and not date.literal:
            when = (
                _year_range(date.year, date.end.year)
                if date.end and date.end.year
                else str(date.year)
            )
        else:
            when = format_date(date)
        return join(" ", e.rich("journaltitle").italic(), numbers, paren(Rich.of(when)))

    def _note_article(self, e: Entry, loc: Rich) -> Rich:
        head = join(", ", self._head_note(e), quoted(self._title(e)))
        if self._periodical(e):
            core = join(", ", head, e.rich("journaltitle").italic(), self._date(e), loc)
        else:
            core = join(": ", join(", ", head, self._journal_block(e)), loc)
        return join(", ", core, self._access(e, False) if not e.date() else "", self._link(e))

    def _bib_article(self, e: Entry) -> Rich:
        title = quoted(self._title(e))
        if self._periodical(e):
            signed = bool(e.authors)
            where = join(", ", e.rich("journaltitle").italic() if signed else "", self._date(e))
            return join(". ", self._bib_head(e), title, where, self._bib_tail(e))
        pages = Rich.of(Locator(e.get("pages")).render()) if e.has("pages") else Rich()
        return join(
            ". ",
            self._bib_head(e),
            title,
            join(": ", self._journal_block(e), pages),
            self._bib_tail(e),
        )

    # -- web pages and blog posts

    def _site(self, e: Entry) -> Rich:
        site = e.rich("organization")
        if site and e.subtype == "blog":
            return site.italic() + " (blog)"
        return site

    def _when(self, e: Entry, bib: bool) -> str:
        return self._date(e) or self._access(e, bib)

    def _note_online(self, e: Entry, loc: Rich) -> Rich:
        head = self._head_note(e)
        site = self._site(e) if e.get("organization") != head.plain else Rich()
        owner = e.rich("publisher")
        owner = owner if owner.plain not in {head.plain, e.get("organization")} else Rich()
        return join(
            ", ",
            head,
            quoted(self._title(e)),
            self._contributors(e, "note"),
            site,
            owner,
            self._when(e, False),
            loc,
            self._link(e),
        )

    def _bib_online(self, e: Entry) -> Rich:
        head = self._bib_head(e)
        site = self._site(e) if e.get("organization") not in {head.plain, ""} else Rich()
        owner = e.rich("publisher") if e.get("publisher") != head.plain else Rich()
        when = capitalize(Rich.of(self._when(e, True)))
        title = join(". ", quoted(self._title(e)), self._contributors(e, "bib"))
        if e.subtype == "blog":
            return join(". ", head, title, site, join(", ", owner, when), self._bib_tail(e))
        return join(". ", head, title, site, owner, when, self._bib_tail(e))

    # -- podcast episodes

    def _note_podcast(self, e: Entry, loc: Rich) -> Rich:
        show = "in " + e.rich("series").italic() if e.has("series") else Rich()
        return join(
            ", ",
            self._head_note(e),
            quoted(self._title(e)),
            self._date(e),
            show,
            e.rich("publisher"),
            "podcast",
            loc,
            self._link(e),
        )

    def _bib_podcast(self, e: Entry) -> Rich:
        show = "In " + e.rich("series").italic() if e.has("series") else Rich()
        return join(
            ". ",
            self._bib_head(e),
            quoted(self._title(e)),
            self._date(e),
            join(", ", show, e.rich("publisher")),
            "Podcast",
            self._bib_tail(e),
        )

    # -- reports

    def _report_facts(self, e: Entry, bib: bool) -> Rich:
        publisher = e.rich("publisher") or e.rich("institution")
        return self._pubfacts(e, bib, publisher)

    def _report_type(self, e: Entry) -> Rich:
        return join(" ", e.rich("type"), e.rich("number"))

    def _note_report(self, e: Entry, loc: Rich) -> Rich:
        core = join(
            ", ",
            self._head_note(e),
            self._title(e).italic(),
            self._report_type(e),
            e.rich("series"),
        )
        core = join(" ", core, paren(self._report_facts(e, False)))
        return join(", ", core, loc, self._link(e))

    def _bib_report(self, e: Entry) -> Rich:
        return join(
            ". ",
            self._bib_head(e),
            self._title(e).italic(),
            capitalize(self._report_type(e)),
            e.rich("series"),
            self._report_facts(e, True),
            self._bib_tail(e),
        )

    # -- theses and unpublished work

    def _descriptor(self, e: Entry) -> str:
        if self._family(e) == "thesis":
            kind = e.get("type")
            return THESIS_TYPES.get(kind.lower(), kind) or THESIS_TYPES.get(e.type, "thesis")
        return e.get("howpublished") or e.get("type") or "unpublished manuscript"

    def _note_thesis(self, e: Entry, loc: Rich) -> Rich:
        facts = join(", ", self._descriptor(e), e.rich("institution"), self._date(e) or "n.d.")
        core = join(" ", join(", ", self._head_note(e), quoted(self._title(e))), paren(facts))
        return join(", ", core, loc, self._link(e))

    def _bib_thesis(self, e: Entry) -> Rich:
        facts = join(
            ", ",
            capitalize(Rich.of(self._descriptor(e))),
            e.rich("institution"),
            self._date(e) or "n.d.",
        )
        return join(". ", self._bib_head(e), quoted(self._title(e)), facts, self._bib_tail(e))

    _note_unpublished = _note_thesis
    _bib_unpublished = _bib_thesis

    # -- interviews

    def _interview_by(self, e: Entry) -> str:
        interviewers = e.names("interviewer")
        return "interview by " + self._names_note(interviewers) if interviewers else "interview"

    def _venue(self, e: Entry) -> Rich:
        return e.rich("organization").italic() or e.rich("howpublished")

    def _note_interview(self, e: Entry, loc: Rich) -> Rich:
        return join(
            ", ",
            self._head_note(e),
            quoted(self._title(e)),
            self._interview_by(e),
            self._venue(e),
            self._date(e),
            loc,
            self._link(e),
        )

    def _bib_interview(self, e: Entry) -> Rich:
        return join(
            ". ",
            self._bib_head(e),
            quoted(self._title(e)),
            capitalize(Rich.of(self._interview_by(e))),
            join(", ", self._venue(e), self._date(e)),
            self._bib_tail(e),
        )

    # -- anything else (@misc and unknown types)

    def _misc_facts(self, e: Entry) -> Rich:
        names, _ = self._head(e)
        org = e.rich("organization") if not (names and names[0].corporate) else Rich()
        return join(
            ", ",
            join(": ", e.rich("location"), e.rich("publisher") or org),
            self._date(e) or "n.d.",
        )

    def _note_misc(self, e: Entry, loc: Rich) -> Rich:
        _, role = self._head(e)
        return join(
            ", ",
            self._head_note(e),
            self._title(e).italic(),
            self._contributors(e, "note", role),
            e.rich("howpublished"),
            self._misc_facts(e),
            self._access(e, False) if not e.date() else "",
            loc,
            self._link(e),
        )

    def _bib_misc(self, e: Entry) -> Rich:
        _, role = self._head(e)
        return join(
            ". ",
            self._bib_head(e),
            self._title(e).italic(),
            self._contributors(e, "bib", role),
            capitalize(e.rich("howpublished")),
            self._misc_facts(e),
            capitalize(Rich.of(self._access(e, True))) if not e.date() else "",
            self._bib_tail(e),
        )


def _given_first(n: Name) -> str:
    """Name order for notes: Martin Luther King Jr. (no comma before Jr. since CMOS 17)."""
    if n.corporate:
        return n.family
    return " ".join(p for p in (n.given, n.particle, n.family, n.suffix) if p)


def _inverted(n: Name, index: int = 0) -> str:
    """Bibliography order: only the first name is inverted (King, Martin Luther, Jr.;
    van Gennep, Arnold; crow, scott); the others keep note order."""
    if index or n.corporate:
        return _given_first(n)
    return ", ".join(p for p in (n.surname, n.given, n.suffix) if p)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _drop_article(title: str) -> str:
    return re.sub(r"^(?:A|An|The)\s+", "", title)


def shorten(title: Rich) -> Rich:
    """A short title when the entry gives none (Chicago: the key words of the main title, no
    more than about four): the main title before any colon, without an initial A/An/The,
    cut after four key words or five words in all, never ending on "and", "of", "the"...
    Give ``shorttitle`` in the .bib when this guess is not good enough."""
    plain = title.plain
    if m := re.search(r":\s", plain):
        plain = plain[: m.start()]
    start = len(plain) - len(_drop_article(plain))
    words, key_words = [], 0
    for word in re.finditer(r"\S+", plain[start:]):
        key = word.group(0).lower().strip(",;:") not in FUNCTION_WORDS
        if len(words) == 5 or (key and key_words == 4):
            break
        words.append(word)
        key_words += key
    while len(words) > 1 and words[-1].group(0).lower().strip(",;:") in FUNCTION_WORDS:
        words.pop()
    if not words:
        return title
    end = start + words[-1].end()
    while end > start and plain[end - 1] in ",;:":
        end -= 1
    return title.slice(start, end)


_STYLES: dict[str, Chicago] = {}


def style(edition: Edition = "chicago-17") -> Chicago:
    """The shared, memoising :class:`Chicago` for an edition."""
    if edition not in _STYLES:
        _STYLES[edition] = Chicago(edition)
    return _STYLES[edition]


# ------------------------------------------------------------------ Pandoc's citation modes
# Used by hooks.citations for ``[-@key]`` (suppress author) and ``@key`` (author in text); kept
# apart from the style's own forms above.


def title_only(chicago: Chicago, entry: Entry, loc: Rich) -> Rich:
    """A suppress-author note, ``[-@key, 40]``: the short form without the author's name, for a
    sentence that already names the author. Its title is CSL's short title, as Pandoc prints
    it: ``shorttitle``, else the main title without the subtitle ("*A Paradise Built in
    Hell*, 40")."""
    title = entry.rich("shorttitle") if entry.has("shorttitle") else entry.rich("title")
    return join(", ", chicago._styled_title(entry, title) if title else Rich(), loc)


def author_in_text(chicago: Chicago, entry: Entry) -> str:
    """What an author-in-text citation, ``@key``, prints in the sentence (HTML): the surnames
    of a short note ("Spade", "Piven and Cloward"), else the organisation, else the short title."""
    return (chicago._short_head(entry) or chicago._short_title(entry)).html()
