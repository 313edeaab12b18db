# ruff: noqa: RUF001, RUF002  (curly quotes and dashes are the point of this module)
"""Chicago notes-bibliography: full notes, short notes, "Ibid." and bibliography entries.

Built the way pybtex's ``style/template.py`` builds styles: each type's full note and
bibliography entry is a template in :mod:`hooks.chicago.templates`, a sequence of small named
parts (``part_<name>`` methods here: names, titles, publication facts, locator, link)
glued by :func:`~hooks.chicago.punctuation.join`, which knows Chicago's punctuation: commas
and periods go inside closing quotation marks
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from hooks.bibliography import Entry, Name, Rich, sortable
from hooks.chicago import names as nm
from hooks.chicago.dates import format_date, format_precision, year_range
from hooks.chicago.entry import canonical
from hooks.chicago.locators import Locator
from hooks.chicago.punctuation import capitalize, inline_markup, join, paren, punctuate, quoted
from hooks.chicago.templates import BIBLIOGRAPHY, NOTES, First, Node, Seq, Wrap
from hooks.chicago.terms import (
    ROLES,
    bibstring,
    edition_phrase,
    language_name,
    series_phrase,
)
from hooks.chicago.titles import drop_article, shorten

log = logging.getLogger("mkdocs.plugins.hooks.chicago")

Edition = Literal["chicago-17", "chicago-18"]
EDITIONS: tuple[Edition, ...] = ("chicago-17", "chicago-18")


class Form(StrEnum):
    """The note forms a citation can take, chosen by its position on the page."""

    FULL = "full"
    SHORT = "short"
    AUTHOR_ONLY = "author-only"
    IBID = "ibid"
    TITLE_ONLY = "title-only"  # Pandoc's suppress-author citation, ``[-@key, 40]``


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
FAMILIES = {
    "book": "book", "collection": "book", "proceedings": "book", "manual": "book",
    "booklet": "book", "periodical": "book",
    "incollection": "chapter", "inbook": "chapter", "inproceedings": "chapter",
    "inreference": "reference", "suppbook": "supplement",
    "article": "article", "online": "online", "report": "report", "thesis": "thesis",
    "unpublished": "unpublished", "interview": "interview", "misc": "misc", "audio": "misc",
    "letter": "letter", "video": "video", "music": "video",
}
"""Entry type (after :func:`canonical`) -> the family whose templates it takes (``@audio``
with ``type = {podcast}`` is ``podcast``); any other type warns and is formatted as ``misc``."""
QUOTED_TITLES = {"chapter", "article", "magazine", "online", "blog", "podcast", "thesis",
                 "unpublished", "interview"}
ROMAN_TITLES = {"letter"}
PRECISION = {
    "book": "year", "chapter": "year", "reference": "year", "supplement": "year",
    "report": "year", "thesis": "year", "video": "year",
    "article": "month", "magazine": "day", "online": "day", "blog": "day", "podcast": "day",
    "unpublished": "day", "interview": "day", "misc": "day", "letter": "day",
}
"""How much of a date each family prints (Zotero stores full dates for everything)."""
ABBREVIATED_BEFORE_NAMES = {"editor", "compiler", "translator"}
"""Roles CMOS abbreviates before the names in notes ("ed. X", "comp. X", "trans. X")."""
NOTE_IN_BIB = {"unpublished", "misc", "letter", "interview"}
"""Families whose bibliography form has a place for ``note`` (CMOS 14.217, 14.111): elsewhere
the field holds a cataloguer's remark (BibDesk keeps short titles there) and is not printed.
A remark meant for readers goes in biblatex's ``addendum``, which closes every entry."""
# fmt: on


@dataclass(frozen=True)
class NoteItem:
    """One source inside a note: which entry, in which form, with the author's affixes."""

    entry: Entry
    form: Form = Form.FULL
    locator: Locator | None = None
    prefix: str = ""
    suffix: str = ""


NO_TEXT = Rich()


@dataclass(frozen=True)
class Ctx:
    """What a part needs besides the entry: which form, and the cited place."""

    bib: bool = False
    loc: Rich = NO_TEXT


@dataclass(frozen=True)
class Role:
    """A contributor group: who, and the words CMOS uses for their role."""

    names: tuple[Name, ...]
    kind: str  # a terms.ROLES key ("editor", "compiler", "translator"...)

    def after(self) -> str:
        """After a leading name: "ed.", "eds.", "comp."."""
        singular, plural, _ = ROLES.get(self.kind, ROLES["editor"])
        return plural if len(self.names) > 1 else singular


class Chicago:
    """The Chicago forms for one edition. Results are memoised per (entry, form, locator);
    share one instance per edition (see :func:`style`) so pages reuse each other's work.

    ``headline`` turns on headline-style capitalisation of English titles (CMOS 17 §8.159) for
    bibliographies kept in sentence case (Zotero's habit); an entry opts out with ``langid``
    set to a non-English language."""

    def __init__(self, edition: Edition = "chicago-17", *, headline: bool = False) -> None:
        if edition not in RULES:
            raise ValueError(f"unknown edition {edition!r}; use one of {', '.join(EDITIONS)}")
        self.edition = edition
        self.headline = headline
        self.name = f"{edition}-headline" if headline else edition
        """What the notes depend on (edition and capitalisation), for caches of formatted text."""
        self.rules = RULES[edition]
        self._memo: dict[tuple[Entry, Form | str, Locator | None], Rich] = {}
        self._warned: set[str] = set()
        self._peers: dict[int, _Peers] = {}
        self._heads: dict[Entry, tuple[tuple[Name, ...], str]] = {}

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
            e = self._canonical(entry)
            template = BIBLIOGRAPHY[self._family(e)]
            self._memo[key] = punctuate(self._render(template, e, Ctx(bib=True)), ".")
        return self._memo[key].html()

    def sort_key(self, entry: Entry) -> tuple[str, str, int]:
        """Alphabetical by the first element of the bibliography entry (author surname,
        organisation or, failing those, title without an initial article), then title, year."""
        e = self._canonical(entry)
        names, _ = self._head(e)
        if names:
            head = " ".join(
                f"{n.surname} {n.given}" if not n.corporate else n.family for n in names
            )
        else:
            head = self._bib_head(e).plain
        title = drop_article(e.get("title"))
        date = e.date()
        return sortable(head or title), sortable(title), (date.year or 0) if date else 0

    # -- forms as rich text (no final period)

    def form(self, entry: Entry, form: Form, locator: Locator | None = None) -> Rich:
        key = (entry, form, locator)
        if key not in self._memo:
            e = self._canonical(entry)
            loc = Rich.of(locator.render()) if locator else Rich()
            if form is Form.FULL:
                result = self._render(NOTES[self._family(e)], e, Ctx(loc=loc))
                if e.has("shorthand"):  # CMOS 17 §14.33: "(hereafter cited as *CMS*)"
                    result = join(" ", result, paren("hereafter cited as " + e.rich("shorthand")))
            elif form is Form.IBID:
                result = join(", ", "Ibid.", loc)
            elif form is Form.TITLE_ONLY:
                result = join(", ", self._short_title(e), loc)
            elif e.has("shorthand") and form is not Form.TITLE_ONLY:  # *CMS*, 12
                result = join(", ", e.rich("shorthand"), loc)
            elif self._family(e) == "reference":  # *Work*, s.v. "Entry" (CMOS 17 §14.232)
                result = join(", ", self._short_title(e), self._sub_verbo(e, loc))
            elif form is Form.AUTHOR_ONLY and locator and self._short_head(e):
                result = join(", ", self._short_head(e), loc)
            else:
                result = join(", ", self._short_pair(e), loc)
            self._memo[key] = result
        return self._memo[key]

    def _short_pair(self, e: Entry) -> Rich:
        """Who and what: "Spade, *Mutual Aid*"; a letter's "to Russell" follows its writer
        with no comma, as in the full note: "White to Russell" (CMOS 17 §14.111)."""
        head, title = self._short_head(e), self._short_title(e)
        if self._family(e) == "letter" and title.plain.startswith("to "):
            return join(" ", head, title)
        return join(", ", head, title)

    def author_in_text(self, entry: Entry) -> str:
        """What an author-in-text citation, ``@key``, prints in the sentence (HTML): the
        surnames of a short note ("Spade", "Piven and Cloward"), else the organisation, else
        the short title."""
        e = self._canonical(entry)
        return (self._short_head(e) or self._short_title(e)).html()

    def _canonical(self, entry: Entry) -> Entry:
        e = canonical(entry, self.headline)
        e.owner = entry.owner
        return e

    def _family(self, e: Entry) -> str:
        """The template an entry takes: its type's, or a variant chosen by its subtype."""
        if e.type == "audio" and e.subtype == "podcast":
            return "podcast"
        if e.type == "article" and (
            e.subtype in {"magazine", "newspaper"}
            or not (e.has("journaltitle") or e.has("volume") or e.has("number"))
        ):
            return "magazine"  # cited by date, like an article with no journal numbering
        if e.type == "online" and e.subtype == "blog":
            return "blog"
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

    def _names_note(self, names: Sequence[Name]) -> str:
        return nm.name_list(names, self.rules.note_names, 1, lambda n, _: nm.given_first(n))

    def _surnames(self, e: Entry, names: Sequence[Name]) -> str:
        peers = self._peers_of(e)

        def surname(n: Name, _: int) -> str:
            if n.corporate:
                return n.family
            if n.given and peers.shares_surname(n):
                return f"{nm.initials(n.given)} {n.surname}"
            return n.surname

        return nm.name_list(names, self.rules.note_names, 1, surname)

    def _names_bib(self, names: Sequence[Name]) -> str:
        rules = self.rules
        return nm.name_list(names, rules.bib_names, rules.bib_names_shown, nm.inverted, True)

    def _roles(self, e: Entry) -> list[Role]:
        """Editors, compilers, translators... in biblatex order (``editor``, ``editora``-``c``
        with their ``editortype``s; ``translator``; a video's ``director``)."""
        roles = []
        for field_name in ("editor", "editora", "editorb", "editorc"):
            people = e.names(field_name)
            if people:
                kind = e.get(field_name + "type").lower() or "editor"
                roles.append(Role(people, kind if kind in ROLES else "editor"))
        if e.translators:
            roles.append(Role(e.translators, "translator"))
        return roles

    def _head(self, e: Entry) -> tuple[tuple[Name, ...], str]:
        """Who leads the entry, and the role label after the names ("ed.", "comps.")."""
        if e not in self._heads:
            self._heads[e] = self._find_head(e)
        return self._heads[e]

    def _find_head(self, e: Entry) -> tuple[tuple[Name, ...], str]:
        family = self._family(e)
        if family == "reference":
            return (), ""  # the work leads; an article's author follows its entry ("by X")
        if family in {"article", "magazine"} and not e.authors and not e.has("issuetitle"):
            roles = self._roles(e)  # an edited document: "George C. Brown, ed., “A Swedish"
            if roles and roles[0].kind != "with":
                return roles[0].names, roles[0].after()
        if e.authors or family in {"chapter", "article", "magazine", "podcast", "thesis"}:
            return e.authors, ""
        if family == "video" and e.names("director"):
            return (), ""
        roles = self._roles(e)
        if roles and family in {"book", "misc", "report", "online", "letter"}:
            first = roles[0]
            if first.kind != "with":
                return first.names, first.after()
        organisation = {"report": "institution", "misc": "organization", "book": "organization"}
        org = e.get(organisation.get(family, "")) if family in organisation else ""
        if family == "book" and e.type != "manual":
            org = ""
        return ((Name(family=org, corporate=True),), "") if org else ((), "")

    def _head_note(self, e: Entry) -> Rich:
        key = (e, "head", None)
        if key not in self._memo:
            names, role = self._head(e)
            who = _attributed(e, Rich.of(self._names_note(names))) if names else Rich()
            if names and e.has("nameaddon"):  # "Centinel [pseud.]" (CMOS 17 §14.80)
                who = who + " [" + e.rich("nameaddon") + "]"
            self._memo[key] = join(", ", who, role)
        return self._memo[key]

    def _short_head(self, e: Entry) -> Rich:
        names, _ = self._head(e)
        if e.has("shortauthor") and names is e.authors:
            return _attributed(e, e.rich("shortauthor"))
        if names:
            return _attributed(e, Rich.of(self._surnames(e, names)))
        if self._family(e) in {"online", "blog"}:
            return e.rich("publisher") or e.rich("organization")
        return Rich()

    def _bib_head(self, e: Entry) -> Rich:
        names, role = self._head(e)
        if names:
            return join(", ", self._names_bib(names), role)
        family = self._family(e)
        if family in {"online", "blog"}:
            return e.rich("publisher") or e.rich("organization")
        if family == "magazine":
            return e.rich("journaltitle").italic()
        return Rich()

    def _contributors(self, e: Entry, form: str, lead: str = "") -> Rich:
        """Editors, compilers and translators after the title, in one of three forms:
        ``note`` "ed. X, trans. Y"; ``bib`` "Edited by X. Translated by Y."; ``in`` "edited
        by X, translated by Y" (inside "In *Book*, ..."). Those named at the head (``lead``
        is their label) are skipped; "trans. from the Russian by" names ``origlanguage``."""
        roles = self._roles(e)
        if lead and roles and roles[0].after() == lead:
            roles = roles[1:]
        origin = language_name(e.get("origlanguage"))
        parts: list[str] = []
        while roles:
            role, roles = roles[0], roles[1:]
            abbreviation, _, phrase = ROLES[role.kind]
            if role.kind not in ABBREVIATED_BEFORE_NAMES:
                abbreviation = phrase
            if role.kind == "translator" and origin:
                phrase = f"translated from the {origin} by"
                abbreviation = f"trans. from the {origin} by"
            elif (
                role.kind == "editor"
                and roles
                and roles[0].kind == "translator"
                and roles[0].names == role.names
                and not origin
            ):
                abbreviation, phrase = "ed. and trans.", "edited and translated by"
                roles = roles[1:]
            who = self._names_note(role.names)
            if form == "note":
                parts.append(f"{abbreviation} {who}")
            else:
                parts.append(f"{phrase[0].upper() + phrase[1:] if form == 'bib' else phrase} {who}")
        return join(". " if form == "bib" else ", ", *parts)

    # -- titles

    def _title(self, e: Entry, prefix: str = "") -> Rich:
        title = e.rich(prefix + "title")
        subtitle = e.rich(prefix + "subtitle")
        if title and subtitle:
            sep = " " if title.plain.rstrip().endswith(("?", "!")) else ": "
            title = title + sep + subtitle
        plain = title.plain.rstrip()
        if plain.endswith(".") and not re.search(r"(?:\b\w|\.\w*|etc)\.$", plain):
            title = title.slice(0, len(plain) - 1)  # the sentence's own period follows
        return title

    def _styled(self, e: Entry, text: Rich) -> Rich:
        family = self._family(e)
        if family in QUOTED_TITLES or self._container(e):
            return quoted(text)
        if family in ROMAN_TITLES:
            return text
        return text.italic()

    def _main_title(self, e: Entry) -> Rich:
        """The styled title, with "[in Russian]" for a work in another language (CMOS 14.107)."""
        title = self._styled(e, self._title(e))
        language = language_name(e.get("langid") or e.get("language"))
        if language and not e.translators and e.get("language"):
            title = join(" ", title, f"[in {language}]")
        return join(", ", title, e.rich("titleaddon"))  # "Swedish Traveler,” pts. 1 and 2

    def _short_title(self, e: Entry) -> Rich:
        if self._family(e) == "reference":
            return shorten(self._ref_work(e))
        if e.has("shorttitle"):
            text = e.rich("shorttitle")
        elif e.has("subtitle"):
            text = shorten(e.rich("title"), questions=False)
        else:
            text = shorten(e.rich("title"))
        if self._peers_of(e).ambiguous(self, e, text):
            text = self._title(e)
        if not text and self._family(e) == "interview":
            return Rich.of("interview")
        if not text and self._family(e) == "letter":
            return Rich.of(format_date(e.date()))
        if not e.has("title"):  # a description standing for a title ("letters") is roman
            return text
        return join(" ", self.part_supp_kind(e, Ctx()), self._styled(e, text))

    # -- publication facts

    def _date(self, e: Entry, name: str = "date") -> str:
        if name != "date":
            return format_date(e.date(name))
        return self._when_published(e, PRECISION.get(self._family(e), "day"))

    def _when_published(self, e: Entry, precision: str) -> str:
        """The date as the family prints it, or the ``pubstate`` ("forthcoming", "in press")."""
        state = bibstring(e.get("pubstate"))
        date = e.date()
        if state and state not in {"repr.", "self-published"}:
            return state if not date or date.year is None else f"{state}"
        return format_precision(date, precision)

    def _publishers(self, e: Entry, name: str = "publisher") -> Rich:
        """A publisher list: co-publishers are joined with a slash (CMOS 17 §14.137)."""
        raw = e.raw(name)
        if " and " not in raw or (
            "{" in raw.replace(raw.strip("{}"), "", 1) and raw.startswith("{")
        ):
            return e.rich(name)
        pieces = _split_and(raw)
        if len(pieces) < 2 or any("," in p for p in pieces[:-1]):
            return e.rich(name)  # "Farrar, Straus and Giroux" is one firm
        from hooks.bibliography import decode_latex

        return join(" / ", *(decode_latex(p.strip()) for p in pieces))

    def _pubfacts(self, e: Entry, bib: bool, publisher: Rich | None = None) -> Rich:
        """Place, publisher and date: "New York: Penguin Press, 2016"; reprints lead with the
        original date ("1902; repr., ..." in notes, "1902. Reprint, ..." in entries), except
        for translations, whose original date is not a reprint's."""
        date = e.date()
        year = date.year if date and date.year else None
        place = e.rich("location") if self.rules.place or (year and year < 1900) else Rich()
        publisher = self._publishers(e) if publisher is None else publisher
        facts = join(", ", join(": ", place, publisher), self._date(e) or "n.d.")
        if e.has("origdate") and not e.translators and not e.has("origlanguage"):
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
        modified"). Used only when an item has no date, as CMOS 17 §14.12 asks."""
        when = self._date(e, "urldate")
        if not when:
            return ""
        label = e.get("userd") or "accessed"
        phrase = f"{label} {when}"
        return phrase[0].upper() + phrase[1:] if bib else phrase

    def _series(self, e: Entry) -> Rich:
        """ "Studies in Anarchism 14"; a number with no series name is "no. 14" (CMOS 14.123);
        a number that starts with words takes a comma: "Hakluyt Society Publications, 2nd ser.,
        106", "Middle American Research Records, vol. 1, no. 14" (CMOS 14.123, 14.180)."""
        if not e.has("series") and e.has("number"):
            return Rich.of(self._issue_number(e))
        number = e.get("number")
        numeric = re.match(r"\d+(?:[–-]\d+)?$|[IVXLC]+$", number) is not None
        return join(" " if numeric else ", ", e.rich("series"), e.rich("number"))

    def _edition(self, e: Entry) -> str:
        return edition_phrase(e.get("edition"))

    def _volume(self, e: Entry, bib: bool) -> Rich:
        if e.has("volumes") and not e.has("volume"):
            return Rich.of(f"{e.get('volumes')} vols.")
        if e.has("volume"):
            return Rich.of(("Vol. " if bib else "vol. ") + e.get("volume"))
        return Rich()

    def _book_title(self, e: Entry, bib: bool, prefix: str = "") -> Rich:
        """The italic title, with a multivolume work's main title and volume before it."""
        title = self._main_title(e) if prefix == "" else self._title(e, prefix).italic()
        if prefix == "" and e.has("maintitle") and e.has("volume"):
            main = self._title(e, "main").italic()
            if bib:  # Pelikan, Jaroslav. *The Christian Tradition*. Vol. 1, *The Emergence*.
                return join(". ", main, self._volume(e, bib) + ", " + title)
            # CMOS 17 §14.117: *The Emergence*, vol. 1 of *The Christian Tradition*
            part = "bk. " + e.get("part") if e.has("part") else ""
            return join(", ", title, join(", ", self._volume(e, bib), part) + " of " + main)
        return title

    def _pages(self, e: Entry) -> Rich:
        return Rich.of(Locator(e.get("pages")).render()) if e.has("pages") else Rich()

    def _bib_tail(self, e: Entry) -> Rich:
        """The entry's closing sentences: origin date for non-books, note, link."""
        origin = ""
        family = self._family(e)
        if e.has("origdate") and (
            family not in {"book", "chapter", "report"} or e.translators or e.has("origlanguage")
        ):
            origin = f"Originally published {self._date(e, 'origdate')}"
        note = e.rich("note") if family in NOTE_IN_BIB else Rich()
        return join(". ", origin, capitalize(note), self._link(e), capitalize(e.rich("addendum")))

    # -- the parts templates.py names (each ``part_<name>(entry, ctx)``)

    def part_head(self, e: Entry, c: Ctx) -> Rich:
        return self._bib_head(e) if c.bib else self._head_note(e)

    def part_title(self, e: Entry, c: Ctx) -> Rich:
        return self._main_title(e)

    def part_book_title(self, e: Entry, c: Ctx) -> Rich:
        return self._book_title(e, c.bib)

    def part_contributors(self, e: Entry, c: Ctx) -> Rich:
        return self._contributors(e, "bib" if c.bib else "note", self._head(e)[1])

    def part_edition(self, e: Entry, c: Ctx) -> Rich:
        return Rich.of(self._edition(e))

    def part_volume(self, e: Entry, c: Ctx) -> Rich:
        return self._volume(e, c.bib) if not e.has("maintitle") else Rich()

    def part_series(self, e: Entry, c: Ctx) -> Rich:
        return self._series(e)

    def part_plain_series(self, e: Entry, c: Ctx) -> Rich:
        return e.rich("series")

    def part_pubfacts(self, e: Entry, c: Ctx) -> Rich:
        publisher = self._book_publisher(e) if self._family(e) == "book" else None
        return self._pubfacts(e, c.bib, publisher)

    def part_locator(self, e: Entry, c: Ctx) -> Rich:
        return c.loc

    def part_link(self, e: Entry, c: Ctx) -> Rich:
        return self._link(e)

    def part_pages(self, e: Entry, c: Ctx) -> Rich:
        return self._pages(e)

    def part_tail(self, e: Entry, c: Ctx) -> Rich:
        return self._bib_tail(e)

    def part_date(self, e: Entry, c: Ctx) -> Rich:
        return Rich.of(self._date(e))

    def part_date_or_nd(self, e: Entry, c: Ctx) -> Rich:
        return Rich.of(self._date(e) or "n.d.")

    def part_access(self, e: Entry, c: Ctx) -> Rich:
        """ "accessed May 1, 2024", only for an item with no date of its own (CMOS 14.12)."""
        return Rich.of(self._access(e, c.bib)) if not e.date() else Rich()

    def part_howpublished(self, e: Entry, c: Ctx) -> Rich:
        return e.rich("howpublished")

    def part_publisher(self, e: Entry, c: Ctx) -> Rich:
        return e.rich("publisher")

    def part_kind(self, e: Entry, c: Ctx) -> Rich:
        """A medium or genre the Manual names after the title ("video", "PDF"), with a running
        time when ``pagetotal`` (or ``duration``) holds one: "video, 2:00" (CMOS 17 §14.267)."""
        kind = e.get("type")
        kind = bibstring(kind) if kind and kind.lower() != "blog" else ""
        duration = e.get("duration") or e.get("pagetotal")
        if not re.fullmatch(r"\d+(?::\d\d){1,2}", duration):
            duration = ""
        return join(", ", kind, duration)

    # books (also collections, manuals: editors or organisation lead)

    def _book_publisher(self, e: Entry) -> Rich:
        publisher = self._publishers(e)
        if not publisher and e.type == "manual":
            return e.rich("organization")  # the issuing body, even when it also leads
        if not publisher and e.type == "booklet":
            return e.rich("howpublished")
        return publisher

    # chapters in books

    def part_in_book(self, e: Entry, c: Ctx) -> Rich:
        """in *Book*, by X, ed. Y, 2nd ed., vol. 2 (chap. 7 in *Book* for an untitled chapter)."""
        bib = c.bib
        by = e.names("bookauthor")
        by_text = "by " + self._names_note(by) if by and by != e.authors else ""
        pages = Rich()
        if bib and self.rules.chapter_pages_in_bib and e.has("pages"):
            pages = self._pages(e)
        book = join(
            ", ",
            self._title(e, "book").italic(),
            by_text,
            self._contributors(e, "in" if bib else "note"),
            self._edition(e),
            self._volume(e, False),
            pages,
        )
        chapter = e.get("chapter")
        if chapter:  # CMOS 17 §14.9: "The Frontal Lobes," chap. 7 in *The Humanizing Brain*
            label = "Chap." if bib else "chap."
            return f"{label} {chapter} in " + book
        return ("In " if bib else "in ") + book

    # introductions, forewords, afterwords (biblatex's @suppbook; CMOS 17 §14.110)

    def part_supp_kind(self, e: Entry, c: Ctx) -> Rich:
        """ "introduction to": ``type``, else whichever of biblatex-chicago's ``introduction``,
        ``foreword``, ``afterword`` flags is set; only for ``@suppbook``."""
        if self._family(e) != "supplement":
            return Rich()
        kind = e.get("type") or next(
            (f"{name} to" for name in ("introduction", "foreword", "afterword") if e.has(name)),
            "introduction to",
        )
        return Rich.of(kind[0].upper() + kind[1:] if c.bib else kind)

    def part_supp_by(self, e: Entry, c: Ctx) -> Rich:
        by = e.names("bookauthor")
        return Rich.of("by " + self._names_note(by)) if by else Rich()

    # dictionaries and encyclopedias (CMOS 17 §14.232-33): cited by the entry, "s.v."

    def _ref_work(self, e: Entry) -> Rich:
        """The reference work: ``booktitle`` when the entry names its article in ``title``
        (Zotero's encyclopedia articles), else ``title`` (biblatex-chicago's ``lista`` form)."""
        return (self._title(e, "book") if e.has("booktitle") else self._title(e)).italic()

    def _sub_verbo(self, e: Entry, loc: Rich) -> Rich:
        """ "s.v. “Salvation”": the cited entry, else the article's title, else ``lista``
        ("s.vv." for several, as biblatex-chicago splits ``lista`` on "and")."""
        if loc:
            words = [loc]
        elif e.has("booktitle") and e.has("title"):
            words = [self._title(e)]
        else:
            words = [Rich.of(w.strip()) for w in re.split(r"\s+and\s+", e.get("lista")) if w]
        if not words:
            return Rich()
        return ("s.vv. " if len(words) > 1 else "s.v. ") + join(", ", *map(quoted, words))

    def part_ref_work(self, e: Entry, c: Ctx) -> Rich:
        return self._ref_work(e)

    def part_ref_facts(self, e: Entry, c: Ctx) -> Rich:
        """Only the facts given: well-known works are cited without them (CMOS 17 §14.232)."""
        return join(", ", join(": ", e.rich("location"), self._publishers(e)), self._date(e))

    def part_sub_verbo(self, e: Entry, c: Ctx) -> Rich:
        return self._sub_verbo(e, c.loc)

    def part_ref_by(self, e: Entry, c: Ctx) -> Rich:
        return Rich.of("by " + self._names_note(e.authors)) if e.authors else Rich()

    # journal, magazine and newspaper articles

    def part_journal(self, e: Entry, c: Ctx) -> Rich:
        """*Journal*, with its place when given (CMOS 17 §14.174, 14.193: *Victorian Poetry*
        (West Virginia University), *Lake Forester* (Lake Forest, IL); biblatex-chicago's
        "blog" there gives *Ward Six* (blog)) and the larger publication a blog is part of."""
        journal = join(" ", self._title(e, "journal").italic(), paren(e.rich("location")))
        return join(", ", journal, self._title(e, "main").italic())

    def part_signed_journal(self, e: Entry, c: Ctx) -> Rich:
        """An unsigned newspaper article's bibliography entry starts with the paper instead."""
        return self.part_journal(e, c) if e.authors else Rich()

    def _issue_number(self, e: Entry) -> str:
        number = e.get("number")
        if not number:
            return ""
        number = re.sub(r"\s*(?:--?|–|—|/)\s*", "–", number)
        many = bool(re.search(r"[–,&]|\band\b", number))
        return ("nos. " if many else "no. ") + number

    def part_journal_block(self, e: Entry, c: Ctx) -> Rich:
        """*Journal*, n.s., 111, no. 2 (April 2016); with no volume, *Journal*, no. 62 (1974)."""
        date = e.date()
        state = bibstring(e.get("pubstate"))
        if state and state not in {"repr.", "self-published"}:
            when = state
        elif date and not self.rules.journal_month and date.year and not date.literal:
            when = (
                year_range(date.year, date.end.year)
                if date.end and date.end.year
                else str(date.year)
            )
        else:
            when = self._date(e)
        series = series_phrase(e.get("series")) if e.has("series") else ""
        numbers = join(", ", e.rich("volume"), self._issue_number(e))
        journal = join(", ", self.part_journal(e, c), series)
        head = join(" " if e.has("volume") and not series else ", ", journal, numbers)
        return join(" ", head, paren(Rich.of(when)))

    def part_special_issue(self, e: Entry, c: Ctx) -> Rich:
        """CMOS 17 §14.187: in "Issue Title," ed. X, special issue, *Journal* ..."""
        if not e.has("issuetitle"):
            return Rich()
        editors = self._names_note(e.editors)
        words = ("edited by " if c.bib else "ed. ") + editors if editors else ""
        title = quoted(self._title(e, "issue"))
        return join(", ", ("In " if c.bib else "in ") + title, words, "special issue")

    # web pages and blog posts

    def part_site(self, e: Entry, c: Ctx) -> Rich:
        site = e.rich("organization")
        if not site or site.plain == self.part_head(e, c).plain:
            return Rich()
        return site.italic() + " (blog)" if self._family(e) == "blog" else site

    def part_owner(self, e: Entry, c: Ctx) -> Rich:
        owner = e.rich("publisher")
        skip = {self.part_head(e, c).plain, e.get("organization")}
        return owner if owner.plain not in skip else Rich()

    def part_when(self, e: Entry, c: Ctx) -> Rich:
        return Rich.of(self._date(e) or self._access(e, c.bib))

    # podcasts, films and videos (CMOS 17 §14.265), letters (§14.111)

    def part_show(self, e: Entry, c: Ctx) -> Rich:
        show = e.rich("series").italic()
        return ("In " if c.bib else "in ") + show if show else Rich()

    def _container(self, e: Entry) -> Rich:
        """The film, series or album a scene, episode or track belongs to: a part is quoted,
        the whole italic (CMOS 17 §14.265, 14.263: "Crop Duster Attack," *North by
        Northwest*)."""
        if self._family(e) not in {"video", "misc"}:
            return Rich()
        return (self._title(e, "book") or self._title(e, "main")).italic()

    def part_container(self, e: Entry, c: Ctx) -> Rich:
        return self._container(e)

    def part_directed(self, e: Entry, c: Ctx) -> Rich:
        directors = e.names("director")
        if not directors:
            return Rich()
        return Rich.of(("Directed by " if c.bib else "directed by ") + self._names_note(directors))

    def part_video_facts(self, e: Entry, c: Ctx) -> Rich:
        """(1959; Burbank, CA: Warner Home Video, 2000): a film's release year leads its
        video edition's facts (CMOS 17 §14.265)."""
        facts = join(", ", join(": ", e.rich("location"), self._publishers(e)), self._date(e))
        return join("; ", self._date(e, "origdate"), facts) if facts else facts

    def part_letter_head(self, e: Entry, c: Ctx) -> Rich:
        """ "Henry James to Edith Wharton": a title that already names the writer stands alone."""
        head = self._head_note(e)
        return Rich() if head and e.get("title").startswith(head.plain) else head

    # reports, theses and unpublished work

    def part_report_facts(self, e: Entry, c: Ctx) -> Rich:
        publisher = self._publishers(e) or self._publishers(e, "institution")
        return self._pubfacts(e, c.bib, publisher)

    def part_report_type(self, e: Entry, c: Ctx) -> Rich:
        return join(" ", Rich.of(bibstring(e.get("type"))), e.rich("number"))

    def _descriptor(self, e: Entry) -> str:
        if self._family(e) == "thesis":
            kind = e.get("type")
            return bibstring(kind) if kind else "PhD diss."
        return (
            e.get("howpublished")
            or bibstring(e.get("type"))
            or e.get("note")
            or "unpublished manuscript"
        )

    def part_thesis_facts(self, e: Entry, c: Ctx) -> Rich:
        descriptor = Rich.of(self._descriptor(e))
        return join(
            ", ",
            capitalize(descriptor) if c.bib else descriptor,
            e.rich("institution"),
            self._date(e) or "n.d.",
        )

    def part_unpublished_tail(self, e: Entry, c: Ctx) -> Rich:
        if not (e.get("howpublished") or e.get("type")):
            return self._link(e)  # the note already stood as the descriptor
        return self._bib_tail(e)

    # interviews and anything else

    def part_interview_by(self, e: Entry, c: Ctx) -> Rich:
        interviewers = e.names("interviewer")
        return Rich.of(
            "interview by " + self._names_note(interviewers) if interviewers else "interview"
        )

    def part_venue(self, e: Entry, c: Ctx) -> Rich:
        return e.rich("organization").italic() or e.rich("howpublished")

    def part_misc_facts(self, e: Entry, c: Ctx) -> Rich:
        names, _ = self._head(e)
        org = e.rich("organization") if not (names and names[0].corporate) else Rich()
        return join(
            ", ",
            join(": ", e.rich("location"), self._publishers(e) or org),
            self._date(e) or ("n.d." if not e.has("urldate") else ""),
        )

    # -- rendering a template

    def _render(self, node: Node, e: Entry, c: Ctx) -> Rich:
        if isinstance(node, str):
            return getattr(self, "part_" + node)(e, c)
        if isinstance(node, Seq):
            return join(node.sep, *(self._render(part, e, c) for part in node.parts))
        if isinstance(node, Wrap):
            inner = self._render(node.part, e, c)
            return paren(inner) if node.how == "paren" else capitalize(inner)
        if isinstance(node, First):
            for choice in node.choices:
                if result := self._render(choice, e, c):
                    return result
            return Rich()
        return Rich.of(node.text)

    # -- telling works and authors apart

    def _peers_of(self, e: Entry) -> _Peers:
        owner = e.owner
        if owner is None:
            return _NO_PEERS
        ident = id(owner)
        if ident not in self._peers:
            self._peers[ident] = _Peers(owner)
        return self._peers[ident]


def _attributed(e: Entry, who: Rich) -> Rich:
    """An author the work does not name is bracketed, "[Samuel Horsley]", or "[Ebenezer
    Cook?]" when the attribution is in doubt (CMOS 17 §14.79; biblatex-chicago's
    ``authortype = {anon}`` / ``{anon?}``)."""
    kind = e.get("authortype").strip().lower()
    if kind == "anon":
        return "[" + who + "]"
    if kind == "anon?":
        return "[" + who + "?]"
    return who


def _split_and(raw: str) -> list[str]:
    """Split a biblatex literal list on top-level " and "."""
    parts, depth, start = [], 0, 0
    i = 0
    while i < len(raw):
        ch = raw[i]
        depth += (ch == "{") - (ch == "}")
        if depth == 0 and raw.startswith(" and ", i):
            parts.append(raw[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    parts.append(raw[start:])
    return parts


def _fold(raw: str) -> str:
    return re.sub(r"[{}\\'\"`~^.\s]", "", raw).casefold()


class _Peers:
    """Who else is in the bibliography: surnames shared by different people (CMOS 14.29
    gives them initials in short notes) and works whose short notes would read the same.
    Built from the raw name parts, so it costs a pass over dicts, not a LaTeX decode."""

    def __init__(self, owner: Mapping[str, Entry] | None) -> None:
        self.owner = owner
        self.given_by_family: dict[str, set[str]] = {}
        self.works_by_family: dict[str, list[Entry]] = {}
        self.titles_by_short: dict[str, dict[str, set[str]]] = {}
        for entry in (owner or {}).values():
            people = entry.raw_persons.get("author") or entry.raw_persons.get("editor") or []
            self.works_by_family.setdefault(_head_key(entry), []).append(entry)
            for parts in people:
                given = _fold(parts[0])[:1]
                self.given_by_family.setdefault(_fold(parts[1] + parts[2]), set()).add(given)

    def shares_surname(self, name: Name) -> bool:
        return len(self.given_by_family.get(_fold(name.particle + name.family), ())) > 1

    def ambiguous(self, style: Chicago, e: Entry, short: Rich) -> bool:
        """Would another work by the same names print the same short title? Each group's
        short titles are worked out once, the first time one of its works is shortened."""
        key = _head_key(e)
        group = self.works_by_family.get(key, [])
        if len(group) < 2:
            return False
        if key not in self.titles_by_short:
            titles: dict[str, set[str]] = {}
            for other in group:
                o = canonical(other, style.headline)
                if o.has("shorttitle"):
                    theirs = o.rich("shorttitle")
                else:
                    theirs = shorten(o.rich("title"), questions=not o.has("subtitle"))
                titles.setdefault(theirs.plain.casefold(), set()).add(style._title(o).plain)
            self.titles_by_short[key] = titles
        return len(self.titles_by_short[key].get(short.plain.casefold(), ())) > 1


def _head_key(e: Entry) -> str:
    people = e.raw_persons.get("author") or e.raw_persons.get("editor") or []
    return "|".join(_fold(p[1] + p[2]) for p in people)


_NO_PEERS = _Peers(None)

_STYLES: dict[tuple[str, bool], Chicago] = {}


def style(edition: Edition = "chicago-17", *, headline: bool = False) -> Chicago:
    """The shared, memoising :class:`Chicago` for an edition (and capitalisation option)."""
    if (edition, headline) not in _STYLES:
        _STYLES[edition, headline] = Chicago(edition, headline=headline)
    return _STYLES[edition, headline]
