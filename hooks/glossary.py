"""A Python-Markdown extension that marks glossary terms in running text.

The first occurrence of each term on a page becomes ``<abbr title="definition">``, which
Material shows as a tooltip (``content.tooltips``); later occurrences, and any in a heading or
link, stay plain (like a textbook that defines a term where it first appears): a page dotted with
dozens of marks is harder to read and slower to set up on a phone. It does in one walk of the
page what Python-Markdown's ``abbr`` extension fed with the glossary did in two (``abbr`` marks
every occurrence, then the extras were unwrapped), which was a tenth of the citation-free
overhead of a 1,000-lesson build. Being a Markdown extension, not an MkDocs hook, it also runs
under Zensical. List it in ``mkdocs.yml`` as ``hooks.glossary`` with
``glossary: path/to/glossary.yml``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from functools import cache
from pathlib import Path

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, HTML_PLACEHOLDER_RE, STX, AtomicString

from hooks.loader import Problem, SourceError, display_path, load_glossary

UNMARKED_INSIDE = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}


@cache
def _load(path: str, mtime_ns: int) -> dict[str, str]:
    """Map every form of every term (as written, and capitalised) to its definition. The
    glossary is read and validated by the same loader as ``make check`` (:mod:`hooks.loader`),
    so a bad file is a ``file:line`` :class:`~hooks.loader.SourceError`, never a traceback."""
    del mtime_ns  # part of the cache key only, so an edited glossary is re-read
    forms: dict[str, str] = {}
    for term in load_glossary(Path(path), Path.cwd()).values():
        definition = " ".join(term.definition.split())
        for form in term.forms():
            forms.setdefault(form, definition)
            forms.setdefault(form[:1].upper() + form[1:], definition)
    return forms


def glossary_forms(path: Path) -> dict[str, str]:
    """The forms of ``path``'s terms. Raises :class:`~hooks.loader.SourceError`."""
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError as error:
        shown = display_path(path, Path.cwd())
        raise SourceError([Problem(shown, 1, f"cannot read file: {error.strerror}")]) from None
    return _load(str(path), mtime_ns)


class GlossaryExtension(Extension):
    def __init__(self, **kwargs: object) -> None:
        self.config = {"glossary": ["curriculum/glossary.yml", "Path of the glossary YAML file."]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:
        # After the page's own abbreviations (abbr, 7): their words are marked already.
        md.treeprocessors.register(
            GlossaryTerms(md, Path(self.getConfig("glossary"))), "glossary", 6
        )


@cache
def _pattern(forms: tuple[str, ...]) -> re.Pattern[str]:
    """Any form as a whole word, longest first (as ``abbr`` matches). "Whole" means no letter
    or digit right before or after it, not ``\b``: a term that ends in punctuation (``C++``,
    ``.*``) has no word boundary after it."""
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


PLACEHOLDER = re.compile(f"{re.escape(STX)}[^{re.escape(ETX)}]*{re.escape(ETX)}")
"""Python-Markdown's placeholders for stashed HTML and inline elements (``\x02wzxhzdk:4\x03``):
a term inside one (such as a term spelled ``wzxhzdk``) must stay unmarked, or the page loses
what the placeholder stands for."""


BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>]+")
"""An address printed as text: a term inside it ("…/survival-of-the-organized…") is not prose."""

QUOTE_ENTITY = {"&ldquo;": "\u201c", "&rdquo;": "\u201d", "&lsquo;": "\u2018", "&rsquo;": "\u2019"}
QUOTED = re.compile('["\u201c]([^"\u201c\u201d]+)["\u201d]')
TITLE_WORD = re.compile(r"[A-Z0-9]")
MINOR_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "in",
        "nor",
        "of",
        "on",
        "or",
        "the",
        "to",
        "up",
        "via",
        "vs",
        "with",
    ]
)
CONTENT_NOTE = "content-note"
"""The class of a content note (an admonition): it warns before reading, and a tooltip inside
it draws the eye from the warning to a definition."""


def _quoted_title(quoted: str) -> bool:
    """Whether quoted words are a title ("Solidarity, Not Charity"): every word capitalised
    except short joining words. A title names a work or a lesson; its words are not used as
    the term. Scare quotes ("'organizing'?") are not titles and keep their mark."""
    words = re.findall(r"[\w'\u2019-]+", quoted)
    return len(words) >= 2 and all(
        TITLE_WORD.match(word) or word.casefold() in MINOR_WORDS for word in words
    )


class GlossaryTerms(Treeprocessor):
    """Wrap the first occurrence of each term in running text in ``<abbr>``, in reading order."""

    def __init__(self, md: Markdown, glossary: Path) -> None:
        super().__init__(md)
        self.glossary = glossary
        self.forms: dict[str, str] = {}
        self.pattern: re.Pattern[str] | None = None

    def run(self, root: etree.Element) -> None:
        # Read on first use, not when the extension is loaded: MkDocs loads extensions while
        # it validates mkdocs.yml, before the build's checks report a bad glossary by line
        # (and before hooks/site.py has made the path absolute for `mkdocs -f elsewhere`).
        forms = glossary_forms(self.glossary)
        if forms is not self.forms:  # the same (cached) mapping on every page of a build
            self.forms, self.pattern = forms, _pattern(tuple(forms)) if forms else None
        if self.pattern is not None:
            self._walk(root, set(), unmarked=False)

    def _walk(self, element: etree.Element, seen: set[str], unmarked: bool) -> None:
        """Mark ``element``'s text, then each child and the text after it (its tail)."""
        unmarked = (
            unmarked
            or element.tag in UNMARKED_INSIDE
            or CONTENT_NOTE in (element.get("class") or "").split()
        )
        index = 0  # the first child not yet walked
        if not unmarked and _markable(element.text):
            element.text, marks = self._mark(element.text, seen)
            element[:0] = marks
            index = len(marks)
        while index < len(element):
            child = element[index]
            index += 1
            self._walk(child, seen, unmarked)
            if not unmarked and _markable(child.tail):
                child.tail, marks = self._mark(child.tail, seen)
                element[index:index] = marks
                index += len(marks)

    def _mark(self, text: str, seen: set[str]) -> tuple[str, list[etree.Element]]:
        """Split ``text`` at the terms not seen yet: the text before the first, and one
        ``<abbr>`` per term (the text up to the next as its tail)."""
        assert self.pattern is not None
        marks: list[etree.Element] = []
        head, last = text, 0
        stashed = [match.span() for match in PLACEHOLDER.finditer(text)]
        stashed += [match.span() for match in BARE_URL.finditer(text)]
        stashed += self._quoted_titles(text)
        for match in self.pattern.finditer(text):
            word = match.group(0)
            if word.casefold() in seen or any(
                start < match.end() and match.start() < end for start, end in stashed
            ):
                continue
            seen.add(word.casefold())
            if marks:
                marks[-1].tail = text[last : match.start()]
            else:
                head = text[: match.start()]
            mark = etree.Element("abbr", {"title": self.forms[word]})
            mark.text = AtomicString(word)
            marks.append(mark)
            last = match.end()
        if marks:
            marks[-1].tail = text[last:]
        return head, marks

    def _quoted_titles(self, text: str) -> list[tuple[int, int]]:
        """Spans of ``text`` that are quoted titles. With ``smarty`` the curly quotes are
        stashed (placeholders standing for ``&ldquo;``), so they are read back first."""
        shown, origin = [], []  # the text with quotes restored, and where each char came from
        position = 0
        for match in PLACEHOLDER.finditer(text):
            shown.append(text[position : match.start()])
            origin.extend(range(position, match.start()))
            stashed = self._stashed(match.group(0))
            quote = QUOTE_ENTITY.get(stashed, "")
            shown.append(quote)
            origin.extend([match.start()] * len(quote))
            position = match.end()
        shown.append(text[position:])
        origin.extend(range(position, len(text)))
        visible = "".join(shown)
        return [
            (origin[match.start()], origin[match.end() - 1] + 1)
            for match in QUOTED.finditer(visible)
            if _quoted_title(match.group(1))
        ]

    def _stashed(self, placeholder: str) -> str:
        """What a placeholder stands for, when it is stashed raw HTML (such as an entity)."""
        found = HTML_PLACEHOLDER_RE.fullmatch(placeholder)
        blocks = self.md.htmlStash.rawHtmlBlocks
        if found and int(found.group(1)) < len(blocks):
            return str(blocks[int(found.group(1))])
        return ""


def _markable(text: str | None) -> bool:
    return bool(text) and not isinstance(text, AtomicString)


def makeExtension(**kwargs: object) -> GlossaryExtension:
    return GlossaryExtension(**kwargs)
