# ruff: noqa: RUF001, RUF002  (en dashes in locators and docstrings, as authors type them)
"""Pandoc-style citations in Markdown, rendered as Chicago notes (a Python-Markdown extension).

Syntax: Pandoc's (its manual's "Citation syntax", and its citeproc locator parser).
``[@key]``, ``[@key, 16]``, ``[@key, pp. 16–18]``, ``[@key, chap. 3]``, ``[@key p. 33]`` (the
comma is optional), ``[see @a, 16; also @b, 22–24]``; ``[-@key, 40]`` suppresses the author;
``@key`` and ``@key [p. 33]`` put the author's name in the sentence with the note on it
("Spade¹"). A locator is a label (CSL's terms, long or short, default page) and words that
are numbers, or ``{...}`` taken as written (``[@key{ii, A, D-Z}]``, ``[@key, {pp. iv, vi-xi}]``;
``[@key{}, 99 years later]`` has none); what follows is the suffix. Keys follow Pandoc's
grammar, with ``@{...}`` for anything else. Citations are found everywhere except code (spans,
fenced and indented blocks), HTML comments and tags, raw ``<code>``/``<pre>``, autolinks and
link targets; ``\\@`` escapes, and an ``@`` straight after a letter (an e-mail address) never
starts one. An ``@word`` outside brackets is a citation only when ``word`` is a key of the
bibliography, so handles and mentions print as written. A bracket holding an ``@key`` that
cannot be read prints as written and is listed in :func:`unreadable_citations` (the checks
warn, W034).

Every citation becomes one note, numbered together with the author's own ``[^x]`` notes in
reading order. Position decides the form: first citation of a work on the page -> full note;
later -> short note; the same single source as the note just before -> "Spade, 16." (or
"Ibid., 16." with ``ibid: true``). An ordinary footnote or a note citing several sources in
between breaks that chain. A citation inside the author's own footnote is written into that
footnote's text instead of getting a note of its own.

Note marks are placed as Pandoc places them in note styles: the space before a citation
goes, and a following punctuation mark moves in front of the mark ("text [@a]." -> "text.¹").

``mode: footnotes`` (the site) emits Python-Markdown footnotes, so Material's footnote
tooltips work. Python-Markdown 3.11 numbers footnotes in definition order by default, and
with ``USE_DEFINITION_ORDER: false`` in inline-processing order, which is breadth-first (a
note in a blockquote comes after the next paragraph's). Neither is reading order, so the
extension reserves every note's place in the footnote list, in reading order, before the
author's definitions are parsed, and keeps definition order on. ``mode: print`` (packets)
puts each note, the author's too, inline at its call site as
``<span class="footnote">…</span>`` for WeasyPrint's ``float: footnote``.

Unknown keys in brackets raise :class:`CitationError` (the first one on the page, in reading
order). ``link_citations: true`` links each note's title to the work's entry on the page.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import FootnoteExtension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from hooks.bibliography import Bibliography, Entry, bibliography_paths
from hooks.chicago import (
    EDITIONS,
    LOCATOR_TERMS,
    Chicago,
    Edition,
    Form,
    Locator,
    NoteItem,
    shorten,
    style,
)
from hooks.formatted import Formatted

KEY = r"\w(?:\w|[:.#$%&+?<>~/-](?=\w))*"
"""Pandoc's citation key: a letter, digit or _, then those or single internal punctuation."""

_KEY_AT = re.compile(rf"(?<![\w@.\\])(?P<minus>-)?@(?:(?P<key>{KEY})|\{{(?P<braced>[^{{}}]+)\}})")
"""A citation key where Pandoc reads one: ``@key``/``-@key`` not straight after a word (so
not in an e-mail address) nor after a backslash (``\\@`` escapes)."""
LOCATOR_SPELLINGS: dict[str, tuple[str, bool]] = {
    spelling.lower(): (label, plural)
    for label, (singular, plurals, _, _) in LOCATOR_TERMS.items()
    for plural, spellings in ((False, singular), (True, plurals))
    for spelling in spellings
}
"""Every locator label Pandoc accepts (CSL's terms, long and short) -> (term, plural)."""
_BRACKET = re.compile(r"\[([^\[\]]*@[^\[\]]*)\]")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")
_FOOTNOTE_DEF = re.compile(r"[ ]*\[\^([^\]]+)\]:[ ]*")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_CONTAINER = re.compile(r"(?:[-*+]|\d+[.)])\s|(?:!!!|\?\?\?\+?|===)\s?")
_INLINE_MASKS = re.compile(
    r"<!--.*?-->"
    r"|<(code|pre|kbd|samp|script|style)\b[^>]*>.*?</\1\s*>"
    r"|<[A-Za-z][A-Za-z0-9+.-]*:[^>\s]*>"  # autolink
    r"|<[^>\s@]+@[^>\s]+>"  # e-mail autolink
    r"|<[A-Za-z][\w:-]*(?:\s[^<>]*)?>"  # an HTML tag: its attributes are no place for notes
    r"|\]\([^)\n]*\)",  # link target
    re.S | re.I,
)
_MOVABLE = ".,;:!?"

Rendered = dict[int, tuple[str, tuple[Form, ...]]]
"""Citation start offset -> (note HTML, the form of each cite)."""


class CitationError(Exception):
    """An unknown citation key. ``str()`` is ``line N: unknown citation key 'x' (did you
    mean 'y'?)``; lines count from the start of the Markdown given to the converter (the site
    glue adds the file path and any front-matter offset)."""

    def __init__(self, line: int | None, key: str, suggestion: str | None = None) -> None:
        message = f"unknown citation key '{key}'"
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
        super().__init__(f"line {line}: {message}" if line else message)
        self.line, self.key, self.suggestion = line, key, suggestion


class Mode(StrEnum):
    """Pandoc's citation modes."""

    NORMAL = "normal"  # [@key]
    SUPPRESS_AUTHOR = "suppress-author"  # [-@key]: the sentence names the author already
    AUTHOR_IN_TEXT = "author-in-text"  # @key or @key [p. 33]: "Spade¹"


@dataclass(frozen=True)
class Cite:
    """One source in a citation: ``[see @key, 16, emphasis added]``."""

    key: str
    locator: Locator | None = None
    prefix: str = ""
    suffix: str = ""
    mode: Mode = Mode.NORMAL


@dataclass(frozen=True)
class Unreadable:
    """A bracket meant as a citation (it holds an ``@key``) that cannot be read as one. It
    prints as written; the checks warn with ``reason`` and ``hint``."""

    line: int
    start: int
    end: int
    reason: str
    hint: str


@dataclass(frozen=True)
class Citation:
    """One bracketed citation. ``start``/``end`` are offsets in the Markdown text; ``footnote``
    is the label of the author's footnote definition it sits in, if any."""

    cites: tuple[Cite, ...]
    line: int
    start: int
    end: int
    footnote: str | None = None

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(cite.key for cite in self.cites)


@dataclass(frozen=True)
class Note:
    """A numbered note on the page: either a citation or the author's own ``[^label]``."""

    number: int
    line: int
    citation: Citation | None = None
    label: str | None = None


class Position(StrEnum):
    """Where a cite stands relative to earlier notes on the page (the CSL positions)."""

    FIRST = "first"
    SUBSEQUENT = "subsequent"
    IBID = "ibid"
    IBID_WITH_LOCATOR = "ibid-with-locator"


@dataclass(frozen=True)
class CitationNote:
    """What a conversion cited, for "Sources" lists, back-links and packets.

    ``number`` is the note's number on the page (``None`` for a citation inside a footnote
    definition that is never referenced); ``anchor`` the id of the note's reference mark in
    the page (``""`` in print mode); ``inline`` is true for citations written into the
    author's own footnote.
    """

    number: int | None
    citation: Citation
    forms: tuple[Form, ...]
    html: str
    anchor: str = ""
    inline: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return self.citation.keys

    @property
    def line(self) -> int:
        return self.citation.line


# --------------------------------------------------------------------------- scanning


@dataclass
class _Definition:
    label: str
    start: int  # start of the "[^label]:" line
    body: int  # where the note text starts
    end: int
    indent: int


@dataclass
class _Page:
    """Everything the scanner found, by offset in ``text``."""

    text: str
    masked: bytearray
    definitions: list[_Definition] = field(default_factory=list)
    refs: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, label)
    citations: list[Citation] = field(default_factory=list)
    narratives: list[Citation] = field(default_factory=list)  # "@key", "@key [p. 33]"
    unreadable: list[Unreadable] = field(default_factory=list)
    escapes: list[int] = field(default_factory=list)
    _line_starts: list[int] | None = field(default=None, repr=False)

    def line(self, offset: int) -> int:
        if self._line_starts is None:  # by binary search: a page may hold thousands of notes
            self._line_starts = [0, *(m.end() for m in re.finditer("\n", self.text))]
        return bisect.bisect_right(self._line_starts, offset)

    def definition_at(self, offset: int) -> _Definition | None:
        for d in self.definitions:
            if d.start <= offset < d.end:
                return d
        return None


@functools.lru_cache(maxsize=4096)
def _scan(text: str) -> _Page:
    """Find the page's citations, footnotes and code, remembered by text: the site numbers
    every page's notes for the bibliography's back-links before it converts the page, from
    the same text (see :func:`hooks.references.converted_text`), so each page is scanned once.
    The result is shared: read it, never change it."""
    page = _Page(text, bytearray(len(text)))
    _scan_blocks(page)
    _scan_inline(page)
    defined = {d.label for d in page.definitions}
    markers = [(d.start, d.body) for d in page.definitions]
    for m in _FOOTNOTE_REF.finditer(text):
        if page.masked[m.start()] or _escaped(text, m.start()) or m.group(1) not in defined:
            continue
        if any(start <= m.start() < body for start, body in markers):
            continue
        page.refs.append((m.start(), m.end(), m.group(1)))
    brackets = []
    for m in _BRACKET.finditer(text):
        brackets.append(m.span())
        citation = _citation(page, m)
        if citation:
            page.citations.append(citation)
    _scan_narratives(page, brackets)
    taken = [(c.start, c.end) for c in [*page.citations, *page.narratives]]
    for m in re.finditer(r"\\@", text):
        if (
            not page.masked[m.start()]
            and not _escaped(text, m.start())
            and not any(s <= m.start() < e for s, e in taken)
        ):
            page.escapes.append(m.start())
    return page


def _escaped(text: str, pos: int) -> bool:
    """True when the character at ``pos`` is backslash-escaped."""
    count = 0
    while pos - count - 1 >= 0 and text[pos - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _scan_blocks(page: _Page) -> None:
    """Mask fenced and indented code; find the author's footnote definitions.

    Indentation is read the way Python-Markdown reads it: content of list items,
    admonitions, tabs and footnotes is indented by four spaces, so an indented code block
    inside them needs four more. That is a heuristic, not a Markdown parser, and it errs
    towards treating text as code (a citation in code is left alone, never mangled).
    """
    text = page.text
    fence: tuple[str, int] | None = None
    containers: list[int] = []
    blank_before, code_before = True, False
    current: _Definition | None = None
    offset = 0
    for raw_line in text.split("\n"):
        start, offset = offset, offset + len(raw_line) + 1
        stripped = raw_line.lstrip(" ")
        indent = len(raw_line) - len(stripped)
        if fence:
            page.masked[start:offset] = b"\x01" * (min(offset, len(text)) - start)
            if re.match(rf"{re.escape(fence[0])}{{{fence[1]},}}\s*$", stripped):
                fence = None
            continue
        if not stripped:
            blank_before = True
            continue
        if blank_before:
            while containers and indent < containers[-1]:
                containers.pop()
        base = containers[-1] if containers else 0
        if indent >= base + 4 and (blank_before or code_before):
            page.masked[start:offset] = b"\x01" * (min(offset, len(text)) - start)
            code_before, blank_before = True, False
            continue
        code_before = False
        if m := _FENCE.match(stripped):
            fence = (m.group(1)[0], len(m.group(1)))
            page.masked[start:offset] = b"\x01" * (min(offset, len(text)) - start)
            blank_before = False
            continue
        if current and blank_before and indent < current.indent + 4:
            current.end, current = start, None
        if m := _FOOTNOTE_DEF.match(raw_line):
            if current:
                current.end = start
            current = _Definition(m.group(1), start, start + m.end(), len(text), indent)
            page.definitions.append(current)
            containers.append(indent + 4)
        elif _CONTAINER.match(stripped):
            containers.append(indent + 4)
        blank_before = False


def _scan_inline(page: _Page) -> None:
    """Mask code spans first (they win over everything), then comments, raw code tags,
    autolinks and link targets."""
    text, masked = page.text, page.masked
    pos = 0
    ticks = re.compile(r"`+")
    while (m := ticks.search(text, pos)) is not None:
        pos = m.end()
        if masked[m.start()] or _escaped(text, m.start()):
            continue
        para_end = re.compile(r"\n[ \t]*\n").search(text, m.end())
        limit = para_end.start() if para_end else len(text)
        closing = re.compile(rf"(?<!`)`{{{len(m.group(0))}}}(?!`)").search(text, m.end(), limit)
        if closing:
            masked[m.start() : closing.end()] = b"\x01" * (closing.end() - m.start())
            pos = closing.end()
    for m in _INLINE_MASKS.finditer(text):
        if not masked[m.start()]:
            masked[m.start() : m.end()] = b"\x01" * (m.end() - m.start())


def _citation(page: _Page, m: re.Match[str]) -> Citation | None:
    """The citation in a ``[...@...]`` bracket, or None when it is something else. A bracket
    with a citation key that still cannot be read is remembered in ``page.unreadable``."""
    text, start, end = page.text, m.start(), m.end()
    if any(page.masked[start:end]) or _escaped(text, start):
        return None
    if start and text[start - 1] == "!":
        return None
    follow = text[end : end + 2]
    line_start = text.rfind("\n", 0, start) + 1
    if follow[:1] == "(" or (follow[:1] == "[" and follow != "[^"):
        return None
    if follow[:1] == ":" and not text[line_start:start].strip():
        return None  # a reference-link definition
    content = m.group(1)
    if re.search(r"\n[ \t]*\n", content) or not _KEY_AT.search(content):
        return None
    cites = []
    try:
        for part in content.split(";"):
            cites.append(_cite(part))
    except _Unreadable as problem:
        page.unreadable.append(Unreadable(page.line(start), start, end, *problem.args))
        return None
    definition = page.definition_at(start)
    return Citation(
        tuple(cites), page.line(start), start, end, definition.label if definition else None
    )


class _Unreadable(Exception):
    """(reason, hint) for a bracket that is meant as a citation but cannot be read."""


_SEMICOLONS = "Separate sources with semicolons: [see @spade2020, 16; also @firth2022]."


def _cite(part: str) -> Cite:
    """One ``prefix @key locator suffix`` item of a bracketed citation (Pandoc's grammar)."""
    keys = list(_KEY_AT.finditer(part))
    if not keys:
        what = part.strip()
        if not what:
            raise _Unreadable("an empty source between semicolons", "Remove the extra ';'.")
        raise _Unreadable(f"'{what}' names no source (no @key)", _SEMICOLONS)
    if len(keys) > 1:
        raise _Unreadable(f"two keys, '@{_key(keys[0])}' and '@{_key(keys[1])}', in one source",
                          _SEMICOLONS)  # fmt: skip
    item = keys[0]
    prefix = part[: item.start()].replace("\\@", "@").strip()
    locator, suffix = parse_locator(part[item.end() :])
    mode = Mode.SUPPRESS_AUTHOR if item.group("minus") else Mode.NORMAL
    return Cite(_key(item), locator, prefix, suffix.replace("\\@", "@").rstrip(), mode)


def _key(match: re.Match[str]) -> str:
    return match.group("key") or match.group("braced")


def parse_locator(text: str) -> tuple[Locator | None, str]:
    """Split what follows ``@key`` into a locator and a suffix, as Pandoc's citeproc does:
    an optional comma, then either ``{label value}`` (the value taken as written; the label,
    page by default, is still recognised) or a label and words that are numbers (with no
    label: words with a digit). Anything else is the suffix, kept as written."""
    body = text[1:] if text.startswith(",") else text
    body = body.lstrip()
    if body.startswith("{"):
        close = _closing_brace(body)
        if close is None:
            raise _Unreadable(
                "the '{' of the locator is never closed", "Write [@key, {pp. iv, vi-xi}]."
            )
        label, plural, value = _label(body[1:close].strip())
        suffix = body[close + 1 :]
        if not value.strip():
            return None, suffix
        if label == "page":
            value = _ROMAN_OR_ARABIC_RANGE.sub(r"\1–\2", value)
        return Locator("{" + value.strip() + "}", label, plural), suffix
    label, plural, rest = _label(body)
    explicit, pos = rest is not body, 0
    while word := _LOCATOR_WORD.match(rest, pos):
        unit = word.group("unit")
        if (word.group(1) and not pos) or not (
            re.search(r"\d", unit) or (explicit and _digit_like(unit))
        ):
            break
        pos = word.end()
    if not pos:
        return None, text
    return Locator(rest[:pos].strip(), label, plural), rest[pos:]


_LOCATOR_LABEL = re.compile(
    "("
    + "|".join(re.escape(s) for s in sorted(LOCATOR_SPELLINGS, key=len, reverse=True))
    + r")(?=[\s\d{(\[]|$)\s*",
    re.I,
)
_LOCATOR_WORD = re.compile(r"(\s*,)?\s*(?P<unit>(?:[\w\-–:]|\.(?=\w)|[(\[][\w\-–.]*[)\]])+)")
_ROMAN = re.compile(r"(?=[mdclxvi])m*(c[md]|d?c{0,3})(x[cl]|l?x{0,3})(i[xv]|v?i{0,3})", re.I)
_ROMAN_OR_ARABIC_RANGE = re.compile(r"\b(\d+|[mdclxvi]+)\s*(?:-|--|–)\s*(\d+|[mdclxvi]+)\b", re.I)


def _label(text: str) -> tuple[str, bool, str]:
    """(CSL term, plural, the rest) for a locator that may start with a label such as
    ``pp.`` or ``chap.``; the rest is ``text`` itself (the same object) when there is none."""
    if m := _LOCATOR_LABEL.match(text):
        label, plural = LOCATOR_SPELLINGS[m.group(1).lower()]
        return label, plural, text[m.end() :]
    return "page", False, text


def _digit_like(unit: str) -> bool:
    """Pandoc's "romans or digits": some part of the word is a number or a roman numeral."""
    return any(re.search(r"\d", p) or _ROMAN.fullmatch(p) for p in re.split(r"[^\w]+", unit) if p)


def _closing_brace(text: str) -> int | None:
    """Index of the '}' that closes the '{' at ``text[0]`` (braces nest)."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "{") - (char == "}")
        if depth == 0:
            return index
    return None


_LOCATOR_BRACKET = re.compile(r"[ \t]*\n?[ \t]*\[(?!\^)([^\[\]@\n]*)\](?![\[(:])")
"""``@key [p. 33]``: the locator and suffix of an author-in-text citation, in brackets after it
(Pandoc allows spaces and one line break between)."""


def _scan_narratives(page: _Page, brackets: list[tuple[int, int]]) -> None:
    """Find ``@key`` and ``@key [p. 33]`` outside brackets, code and addresses. Which of them
    are citations depends on the bibliography (see :func:`_page`)."""
    text, masked = page.text, page.masked
    inside = _spans_test(brackets)
    for m in _KEY_AT.finditer(text):
        if masked[m.start()] or inside(m.start()):
            continue
        end, locator, suffix = m.end(), None, ""
        if (bracket := _LOCATOR_BRACKET.match(text, end)) and not masked[bracket.start(1)]:
            try:
                locator, suffix = parse_locator(bracket.group(1))
                end = bracket.end()
            except _Unreadable:
                pass
        mode = Mode.SUPPRESS_AUTHOR if m.group("minus") else Mode.AUTHOR_IN_TEXT
        cite = Cite(_key(m), locator, "", suffix.rstrip(), mode)
        definition = page.definition_at(m.start())
        page.narratives.append(
            Citation(
                (cite,),
                page.line(m.start()),
                m.start(),
                end,
                definition.label if definition else None,
            )
        )


def _spans_test(spans: list[tuple[int, int]]) -> Callable[[int], bool]:
    """A test of whether an offset falls inside one of the sorted, disjoint ``spans``."""
    starts = [start for start, _ in spans]

    def inside(offset: int) -> bool:
        index = bisect.bisect_right(starts, offset) - 1
        return index >= 0 and offset < spans[index][1]

    return inside


def _page(text: str, known: Container[str] | None) -> _Page:
    """The scan of ``text`` with its author-in-text citations: an ``@word`` outside brackets
    is a citation when ``word`` is a key of the bibliography (``known``; None: every one), and
    otherwise prints as written (a handle, a mention), so no typo can break a page."""
    page = _scan(text)
    chosen = [c for c in page.narratives if known is None or c.cites[0].key in known]
    if not chosen:
        return page
    return replace(page, citations=sorted([*page.citations, *chosen], key=lambda c: c.start))


def parse_citations(text: str, known: Container[str] | None = None) -> list[Citation]:
    """Every citation in a Markdown text, in reading order (including those inside the
    author's footnote definitions, which carry that footnote's label). ``known`` (the
    bibliography, or its keys) decides which ``@word`` outside brackets are citations."""
    return _page(text, known).citations


def unreadable_citations(text: str) -> list[Unreadable]:
    """Brackets meant as citations that cannot be read (they print as written)."""
    return _scan(text).unreadable


def cited_keys(text: str, known: Container[str] | None = None) -> list[str]:
    """The keys a text cites, each once, in order of first citation."""
    return list(dict.fromkeys(key for c in parse_citations(text, known) for key in c.keys))


def number_notes(text: str, known: Container[str] | None = None) -> list[Note]:
    """The page's notes in number order, as the reader sees them: citations in the body and
    the author's referenced ``[^label]`` notes share one sequence, in reading order (a label
    referenced twice keeps its first number). Citations inside footnote definitions are not
    notes of their own; find them with :func:`parse_citations`."""
    return _number(_page(text, known))


def _number(page: _Page) -> list[Note]:
    events: list[tuple[int, Citation | str]] = [
        (c.start, c) for c in page.citations if c.footnote is None
    ]
    events += [(start, label) for start, _, label in page.refs if page.definition_at(start) is None]
    events.sort(key=lambda event: event[0])
    notes: list[Note] = []
    seen: set[str] = set()
    pending = [events]
    while pending:
        for offset, event in pending.pop(0):
            if isinstance(event, Citation):
                notes.append(Note(len(notes) + 1, event.line, citation=event))
            elif event not in seen:
                seen.add(event)
                notes.append(Note(len(notes) + 1, page.line(offset), label=event))
                nested = [
                    (s, label)
                    for s, _, label in page.refs
                    if (d := page.definition_at(s)) and d.label == event
                ]
                if nested:
                    pending.append(nested)
    return notes


def _positions(
    notes: Sequence[Note], inline: dict[str, list[Citation]]
) -> dict[tuple[int, int], Position]:
    """Each cite's position, keyed by (citation start offset, index in the citation).

    Same rules as CSL/Pandoc: the first citation of a work is FIRST; a note that cites one
    source, the same single source as the note right before it, is IBID (same locator, or
    none on both) or IBID_WITH_LOCATOR; anything else is SUBSEQUENT. A citation without a
    locator after one with a locator is SUBSEQUENT (an "Ibid." would wrongly repeat the page).
    """
    result: dict[tuple[int, int], Position] = {}
    seen: set[str] = set()
    previous: Cite | None = None
    for note in notes:
        if note.label is not None:
            for citation in inline.get(note.label, []):
                for index, cite in enumerate(citation.cites):
                    first = cite.key not in seen
                    result[citation.start, index] = Position.FIRST if first else Position.SUBSEQUENT
                    seen.add(cite.key)
            previous = None
            continue
        assert note.citation is not None
        cites = note.citation.cites
        for index, cite in enumerate(cites):
            if cite.key not in seen:
                position = Position.FIRST
            elif len(cites) == 1 and previous is not None and previous.key == cite.key:
                if cite.locator == previous.locator:
                    position = Position.IBID
                elif cite.locator is not None:
                    position = Position.IBID_WITH_LOCATOR
                else:
                    position = Position.SUBSEQUENT
            else:
                position = Position.SUBSEQUENT
            result[note.citation.start, index] = position
            seen.add(cite.key)
        previous = cites[0] if len(cites) == 1 else None
    return result


def unknown_keys(text: str, bibliography: Bibliography) -> list[CitationError]:
    """Every citation of a key the bibliography lacks (for checks that report them all)."""
    return [
        CitationError(c.line, key, bibliography.suggest(key))
        for c in parse_citations(text, bibliography)
        for key in c.keys
        if key not in bibliography
    ]


def render_sources(
    keys: Iterable[str],
    bibliography: Bibliography,
    edition: Edition = "chicago-17",
    headline: bool = False,
) -> str:
    """A "Sources" list: the bibliography entries of ``keys``, alphabetised, as HTML
    (``<ul class="sources">`` with ``<li id="ref-KEY">``). Unknown keys raise CitationError."""
    chicago = style(edition, headline=headline)
    entries = []
    for key in dict.fromkeys(keys):
        if key not in bibliography:
            raise CitationError(None, key, bibliography.suggest(key))
        entries.append(bibliography[key])
    entries.sort(key=chicago.sort_key)
    items = "".join(
        f'<li id="ref-{_attr(e.key)}">{chicago.bibliography_entry(e)}</li>\n' for e in entries
    )
    return f'<ul class="sources">\n{items}</ul>' if items else ""


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


# --------------------------------------------------------------------------- the extension

_UNSET = "\x00citations: defined later by the footnotes extension\x00"
"""Placeholder content that reserves a footnote's place in reading order (see
:meth:`_FootnoteWriter.author_note`)."""


class CitationExtension(Extension):
    """``markdown_extensions: - hooks.citations: {bibliography: bibliography.bib}``."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "bibliography": [
                "bibliography.bib",
                "Path of the bibliography (.bib, CSL .json or CSL .yaml), or a list of them.",
            ],
            "edition": ["chicago-17", "Chicago edition: chicago-17 or chicago-18."],
            "ibid": [False, "Write 'Ibid.' for consecutive citations of one source."],
            "headline": [
                False,
                "Print English titles in headline style (CMOS 8.159), as Zotero's sentence-case "
                "titles need; an entry whose langid is another language keeps its own.",
            ],
            "cache_dir": [".cache/bibliography", "Cache for the parsed .bib ('' for none)."],
            "mode": ["footnotes", "footnotes (web) or print (inline notes for WeasyPrint)."],
            "link_citations": [
                False,
                "Pandoc's link-citations: a note's title links to the work's entry "
                '(<li id="ref-KEY">) when the page lists it.',
            ],
        }
        super().__init__(**kwargs)
        if self.getConfig("edition") not in EDITIONS:
            raise ValueError(f"hooks.citations: edition must be one of {', '.join(EDITIONS)}")
        if self.getConfig("mode") not in {"footnotes", "print"}:
            raise ValueError("hooks.citations: mode must be 'footnotes' or 'print'")

    @property
    def chicago(self) -> Chicago:
        """The style this page's notes take (edition and capitalisation)."""
        return style(self.getConfig("edition"), headline=bool(self.getConfig("headline")))

    @property
    def bibliography(self) -> Bibliography:
        """Loaded on first use (memoised per process by :meth:`Bibliography.load`)."""
        return Bibliography.load_all(
            bibliography_paths(self.getConfig("bibliography")), self.getConfig("cache_dir") or None
        )

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        self.md = md
        if self.getConfig("mode") == "footnotes" and not any(
            isinstance(ext, FootnoteExtension) for ext in md.registeredExtensions
        ):
            md.registerExtensions(["footnotes"], {})
        # After whitespace normalisation (30), before raw HTML blocks are stashed (20).
        md.preprocessors.register(_CitationPreprocessor(md, self), "citations", 25)
        # Before the footnotes extension builds its list (50).
        md.treeprocessors.register(_ReleaseReservations(md), "citations-footnotes", 55)
        # After inline patterns (20) have made the note marks.
        md.treeprocessors.register(_SeparateAdjacentNoteMarks(md), "note-separators", 15)
        if self.getConfig("mode") == "print":  # after raw HTML is put back (30)
            md.postprocessors.register(_SeparateAdjacentPrintNotes(md), "note-separators", 25)
        md.citation_notes = []  # type: ignore[attr-defined]

    def reset(self) -> None:
        self.md.citation_notes = []  # type: ignore[attr-defined]


class _CitationPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, ext: CitationExtension) -> None:
        super().__init__(md)
        self.ext = ext
        self.listed: set[str] = set()

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        page = _scan(text)
        print_mode = self.ext.getConfig("mode") == "print"
        self.md.citation_notes = []  # type: ignore[attr-defined]
        if not (page.citations or page.narratives or page.escapes or (print_mode and page.refs)):
            return lines
        bibliography = self.ext.bibliography if page.citations or page.narratives else None
        if page.narratives and bibliography is not None:
            page = _page(text, bibliography)
            if not (page.citations or page.escapes or (print_mode and page.refs)):
                return lines
        for citation in page.citations:
            for key in citation.keys:
                if bibliography is not None and key not in bibliography:
                    raise CitationError(citation.line, key, bibliography.suggest(key))
        # Works this page lists with an id (a lesson's "Sources"), for link_citations.
        self.listed = set(re.findall(r'<li id="ref-([^"]+)"', text))
        notes = _number(page)
        inline: dict[str, list[Citation]] = {}
        for citation in page.citations:
            if citation.footnote is not None:
                inline.setdefault(citation.footnote, []).append(citation)
        # A definition nobody references is still listed (last) by Python-Markdown.
        numbered = {n.label for n in notes if n.label}
        unreferenced = [Note(0, 0, label=label) for label in inline if label not in numbered]
        where = _positions([*notes, *unreferenced], inline)
        number_of = {n.label: n.number for n in notes if n.label}
        rendered: Rendered = {c.start: self._render(c, where, bibliography) for c in page.citations}
        writer = (
            _PrintWriter(self.md, page, rendered)
            if print_mode
            else _FootnoteWriter(self.md, page, rendered)
        )
        chicago = self.ext.chicago
        writer.in_text = {
            c.start: chicago.author_in_text(bibliography[c.keys[0]])
            for c in page.citations
            if c.cites[0].mode is Mode.AUTHOR_IN_TEXT and bibliography is not None
        }
        records = []
        for note in notes:
            if note.citation is not None:
                html, forms = rendered[note.citation.start]
                anchor = writer.citation_note(note)
                records.append(CitationNote(note.number, note.citation, forms, html, anchor))
            else:
                writer.author_note(note)
        for label, citations in inline.items():
            for citation in citations:
                html, forms = rendered[citation.start]
                records.append(
                    CitationNote(number_of.get(label), citation, forms, html, inline=True)
                )
        records.sort(key=lambda r: (r.number or 1 << 30, r.citation.start))
        self.md.citation_notes = records  # type: ignore[attr-defined]
        return writer.finish().split("\n")

    def _render(
        self,
        citation: Citation,
        where: dict[tuple[int, int], Position],
        bibliography: Bibliography | None,
    ) -> tuple[str, tuple[Form, ...]]:
        assert bibliography is not None
        chicago = self.ext.chicago
        use_ibid = bool(self.ext.getConfig("ibid"))
        items, forms = [], []
        for index, cite in enumerate(citation.cites):
            position = where[citation.start, index]
            if position is Position.FIRST:
                form = Form.FULL
            elif position is Position.SUBSEQUENT:
                form = Form.SHORT
            elif use_ibid:
                form = Form.IBID
            else:  # "Morrison, 18." for a new page, the short note again without a locator
                form = Form.AUTHOR_ONLY if cite.locator else Form.SHORT
            if cite.mode is Mode.SUPPRESS_AUTHOR and form is not Form.IBID:
                form = Form.TITLE_ONLY
            forms.append(form)
            # "Ibid." alone already means "same page"; "Morrison, 18." repeats it.
            locator = None if form is Form.IBID and position is Position.IBID else cite.locator
            items.append(NoteItem(bibliography[cite.key], form, locator, cite.prefix, cite.suffix))
        sentence = citation.footnote is None
        memo_key = repr((sentence, [
            (item.entry.key, item.form.value, item.locator, item.prefix, item.suffix)
            for item in items
        ]))  # fmt: skip
        html = Formatted.of(bibliography, chicago.name).get(
            memo_key, lambda: chicago.note(items, sentence=sentence)
        )
        if self.ext.getConfig("link_citations"):
            html = _link_titles(html, [item.entry for item in items], self.listed)
        return html, tuple(forms)


def _link_titles(html: str, entries: Sequence[Entry], listed: set[str]) -> str:
    """Link each work's title in a note to its entry on the page (Pandoc's link-citations).
    The title is found as its text in the note, long form first, then the short title; a
    work the page does not list, or whose title the note does not show (Ibid.), gets no link."""
    cursor = 0
    for entry in entries:
        if _attr(entry.key) not in listed:
            continue
        for title in _titles(entry):
            at = html.find(title, cursor)
            if at >= 0 and "<" not in title:
                link = f'<a class="citation-link" href="#ref-{_attr(entry.key)}">{title}</a>'
                html = html[:at] + link + html[at + len(title) :]
                cursor = at + len(link)
                break
    return html


def _titles(entry: Entry) -> list[str]:
    """A work's title as a note may print it (HTML): with its subtitle, alone, short."""
    title, subtitle = entry.rich("title"), entry.rich("subtitle")
    short = entry.rich("shorttitle") if entry.has("shorttitle") else shorten(title)
    forms = [title + ": " + subtitle if subtitle else title, title, short]
    return list(dict.fromkeys(form.html() for form in forms if form))


class _Writer:
    """Collects non-overlapping edits to the Markdown text and applies them at the end."""

    def __init__(self, md: Markdown, page: _Page, rendered: Rendered) -> None:
        self.md, self.page, self.rendered = md, page, rendered
        self.edits: list[tuple[int, int, str]] = []
        for citation in page.citations:
            if citation.footnote is not None:
                self.edits.append(
                    (citation.start, citation.end, self.stash(rendered[citation.start][0]))
                )
        self.edits += [(pos, pos + 2, "@") for pos in page.escapes]
        self.in_text: dict[int, str] = {}  # author-in-text citation start -> the name (HTML)
        # Where each note mark will stand, by the end of its source text, so punctuation after
        # a run of marks ("[@a] [@b].") moves in front of all of them.
        self.marks = {end: start for start, end, _ in page.refs if not page.definition_at(start)}
        self.marks.update(
            {
                c.end: self._mark_start(c)
                for c in page.citations
                if c.footnote is None and c.cites[0].mode is not Mode.AUTHOR_IN_TEXT
            }
        )

    def stash(self, html: str) -> str:
        return self.md.htmlStash.store(html)

    def replace_citation(self, citation: Citation, replacement: str) -> None:
        """Replace a body citation by its note mark, placed as Pandoc and Chicago place note
        marks: no space before it, and a following punctuation mark moved in front of it (and
        of any note marks just before it), inside a closing quotation mark for . and ,."""
        text, masked = self.page.text, self.page.masked
        start, end = self._mark_start(citation), citation.end
        after = text[end : end + 1]
        movable = after and after in _MOVABLE and text[end + 1 : end + 2] != after
        if citation.start in self.in_text:  # "@spade2020 says" -> "Spade¹ says"
            name = self.stash(self.in_text[citation.start])
            if movable and not masked[end]:
                name, end = name + after, end + 1
            self.edits.append((citation.start, end, name + replacement))
            return
        if movable and not masked[end]:
            at = start
            while at in self.marks:
                at = self.marks[at]
            if after in ".," and at > 0 and text[at - 1] == "”":
                self.edits.append((at - 1, at, after + "”"))
            else:
                self.edits.append((at, at, after))
            end += 1
        self.edits.append((start, end, replacement))

    def _mark_start(self, citation: Citation) -> int:
        """Where a citation's note mark goes: the space before it is dropped."""
        text, start = self.page.text, citation.start
        if citation.cites[0].mode is Mode.AUTHOR_IN_TEXT:
            return start
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip():
            return len(text[:start].rstrip(" \t"))
        if _continues_paragraph(text, line_start):
            return len(text[:start].rstrip())  # a citation that starts a wrapped line
        return start

    def citation_note(self, note: Note) -> str:
        raise NotImplementedError

    def author_note(self, note: Note) -> None:
        raise NotImplementedError

    def finish(self) -> str:
        return _apply(self.page.text, self.edits)


class _FootnoteWriter(_Writer):
    """Web mode: each citation becomes a Python-Markdown footnote."""

    def __init__(self, md: Markdown, page: _Page, rendered: Rendered) -> None:
        super().__init__(md, page, rendered)
        self.footnotes = _active_footnotes(md)
        taken = {d.label for d in page.definitions}
        self.prefix = "cite"
        while any(label.startswith(self.prefix + "-") for label in taken):
            self.prefix += "x"

    def citation_note(self, note: Note) -> str:
        assert note.citation is not None
        label = f"{self.prefix}-{note.number}"
        self.footnotes.footnotes[label] = self.stash(self.rendered[note.citation.start][0])
        self.replace_citation(note.citation, f"[^{label}]")
        return self.footnotes.makeFootnoteRefId(label)

    def author_note(self, note: Note) -> None:
        """Reserve the author's footnote's place so the list follows reading order."""
        assert note.label is not None
        self.footnotes.footnotes.setdefault(note.label, _UNSET)


class _PrintWriter(_Writer):
    """Print mode: every note, the author's included, goes inline as a floating span."""

    def __init__(self, md: Markdown, page: _Page, rendered: Rendered) -> None:
        super().__init__(md, page, rendered)
        self.open, self.close = self.stash('<span class="footnote">'), self.stash("</span>")
        inner = [e for e in self.edits if self.page.definition_at(e[0])]
        self.edits = [e for e in self.edits if e not in inner]
        self.bodies = {}
        for d in page.definitions:
            body = _apply(page.text, [e for e in inner if d.start <= e[0] < d.end], d.body, d.end)
            self.bodies[d.label] = re.sub(r"\s*\n\s*", " ", body).strip()
            self.edits.append((d.start, d.end, ""))

    def citation_note(self, note: Note) -> str:
        assert note.citation is not None
        html = self.rendered[note.citation.start][0]
        self.replace_citation(note.citation, self.stash(f'<span class="footnote">{html}</span>'))
        return ""

    def author_note(self, note: Note) -> None:
        for start, end, label in self.page.refs:
            if label == note.label and self.page.definition_at(start) is None:
                self.edits.append((start, end, self.open + self.bodies[label] + self.close))


def _continues_paragraph(text: str, line_start: int) -> bool:
    """Whether the line starting at ``line_start`` continues the paragraph above it."""
    if line_start == 0:
        return False
    previous = text[text.rfind("\n", 0, line_start - 1) + 1 : line_start - 1]
    return bool(previous.strip()) and not previous.lstrip().startswith(("#", "|", "```", "~~~"))


def _apply(
    text: str, edits: list[tuple[int, int, str]], start: int = 0, end: int | None = None
) -> str:
    """Apply (start, end, replacement) edits, which must not overlap, to text[start:end]."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e, replacement in sorted(edits):
        out += [text[pos:s], replacement]
        pos = e
    out.append(text[pos:end])
    return "".join(out)


def _active_footnotes(md: Markdown) -> FootnoteExtension:
    """The footnotes extension whose processors are registered (if ``footnotes`` was listed
    twice, the last one wins), set to number notes by the order we reserve them in."""
    footnotes: FootnoteExtension = md.parser.blockprocessors["footnote"].footnotes  # type: ignore[attr-defined]
    footnotes.setConfig("USE_DEFINITION_ORDER", True)
    if "footnote-reorder" in md.treeprocessors:
        md.treeprocessors.deregister("footnote-reorder")
    return footnotes


class _ReleaseReservations(Treeprocessor):
    """Drop reserved places that no definition filled (our scanner saw a footnote that
    Python-Markdown did not), so no empty note is ever listed."""

    def run(self, root: Any) -> None:
        if "footnote" not in self.md.parser.blockprocessors:
            return
        footnotes = self.md.parser.blockprocessors["footnote"].footnotes  # type: ignore[attr-defined]
        for label in [k for k, v in footnotes.footnotes.items() if v == _UNSET]:
            del footnotes.footnotes[label]


NOTE_SEPARATOR = '<sup class="note-separator">,</sup>'


def _is_note_mark(element: Any) -> bool:
    return (
        element.tag == "sup"
        and len(element) == 1
        and "footnote-ref" in (element[0].get("class") or "").split()
    )


class _SeparateAdjacentNoteMarks(Treeprocessor):
    """Two note marks side by side ("country.[@a] [^b]" with no text between) read as one
    number: notes 6 and 7 looked like note 67, on the site and in print. Put a superscript
    comma between them, as printed books do."""

    def run(self, root: Any) -> None:
        for parent in root.iter():
            children = list(parent)
            for index in range(len(children) - 1, 0, -1):
                before, after = children[index - 1], children[index]
                if _is_note_mark(before) and _is_note_mark(after) and not before.tail:
                    separator = parent.makeelement("sup", {"class": "note-separator"})
                    separator.text = ","
                    parent.insert(index, separator)


class _SeparateAdjacentPrintNotes(Postprocessor):
    """The same comma in print, where a note is a ``<span class="footnote">`` (WeasyPrint
    floats it to the foot of the page and leaves its call): the spans reach the page from the
    HTML stash, after the tree is done, so they are separated in the finished HTML."""

    ADJACENT = re.compile(r'</span>(?=<span class="footnote">)')

    def run(self, text: str) -> str:
        return self.ADJACENT.sub("</span>" + NOTE_SEPARATOR, text)


def makeExtension(**kwargs: Any) -> CitationExtension:
    return CitationExtension(**kwargs)
