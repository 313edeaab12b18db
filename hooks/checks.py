"""Check every source file of the curriculum and report each problem with its file, line and column.

``check_project(root)`` is the one entry point. It runs the loader (front matter, course,
glossary) and then the checks the model cannot express: citations against ``bibliography.bib``,
the glossary, Markdown links, headings and admonitions, unsafe HTML, and the structure of the
BibTeX file itself. It never raises for bad input: every problem, however malformed the file,
comes back as a :class:`~hooks.loader.Problem` in the :class:`Report`.

The build (``hooks/site.py``) calls it first and stops on errors; contributors run it as
``make check`` or ``curriculum check``. Codes and what to do about them are listed in
:data:`CODES` and explained in ``CONTRIBUTING.md``.
"""

from __future__ import annotations

import bisect
import difflib
import posixpath
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown.extensions.toc import slugify

from hooks.loader import (
    Problem,
    SourceError,
    compose,
    display_path,
    load_course,
    load_curriculum,
    load_glossary,
    load_lesson,
    read_text,
)
from hooks.model import Curriculum

# --------------------------------------------------------------------------- the codes

CODES: dict[str, tuple[str, str]] = {
    "E000": ("error", "YAML syntax error"),
    "E001": ("error", "a field is missing, has the wrong type or an invalid value"),
    "E002": ("error", "unknown field (often a typo)"),
    "E003": ("error", "the file cannot be read as text (binary, not UTF-8, or empty)"),
    "E004": ("error", "two lessons use the same id"),
    "W005": ("warning", "a lesson's file name differs from its id"),
    "E010": ("error", "a track or a prerequisite names a lesson that does not exist"),
    "E011": ("error", "prerequisites go round in a circle"),
    "E012": ("error", "a lesson comes before its prerequisite in a track"),
    "E020": ("error", "the agenda's minutes do not add up to the duration"),
    "E030": ("error", "a citation uses a key that is not in bibliography.bib"),
    "E031": ("error", "a reading's key is not in bibliography.bib"),
    "E032": ("error", "a glossary term's or the course's source is not in bibliography.bib"),
    "W033": ("warning", "a citation key outside square brackets (it will print as plain text)"),
    "E034": ("error", "a citation written in a form the site cannot read"),
    "E040": ("error", "a key term is not in the glossary"),
    "W041": ("warning", "a glossary term that no lesson lists in key_terms"),
    "E050": ("error", "an unknown or wrongly capitalised admonition (box) name"),
    "E051": ("error", "an admonition (box) with no indented text under it"),
    "E060": ("error", "malformed BibTeX"),
    "E061": ("error", "unbalanced braces in BibTeX"),
    "E062": ("error", "two bibliography entries use the same key"),
    "W063": ("warning", "a bibliography entry lacks a field its type needs"),
    "W064": ("warning", "a bibliography entry that nothing cites"),
    "E070": ("error", "unsafe HTML or a javascript: address"),
    "W080": ("warning", "placeholder text (TODO) left in a published lesson"),
    "A101": ("error", "a link to a page or file that does not exist"),
    "A102": ("error", "a link to a section (#anchor) that does not exist"),
    "A103": ("warning", "an image without a description (alt text)"),
    "A104": ("warning", "link text that does not say where the link goes"),
    "A105": ("warning", "an http:// link (use https://)"),
    "A110": ("warning", "a heading skips a level"),
    "A111": ("warning", "a top-level (#) heading inside a lesson"),
}
"""Every code ``check_project`` can report: code -> (level, what it means)."""

ADMONITIONS = ("facilitator", "note", "example", "quote", "tip", "warning", "content-note")
"""Admonition (box) names lessons and pages may use, exactly as written (lower case)."""

UNINFORMATIVE = {
    "click here",
    "here",
    "link",
    "this link",
    "this page",
    "read more",
    "more",
    "click",
    "this",
}

LESSON_TEMPLATE_ANCHORS = {
    # Headings that hooks/templates/lesson.md.j2 writes around the lesson body.
    "what-you-will-learn",
    "framing-questions",
    "before-the-session-readings",
    "discussion-questions",
    "opening-questions",
    "analysis-questions",
    "application-questions",
    "activity",
    "activities",
    "key-terms",
    "session-plan",
    "sources",
}
GENERATED_PAGES = ("index.md", "glossary.md", "tags.md", "bibliography.md")
"""Pages hooks/site.py writes itself (besides lessons/ID.md and tracks/ID.md)."""

UNKNOWN_KEY_HINT = (
    "No entry in bibliography.bib has this key (the name after '@book{', '@online{' ...). "
    "Check the spelling, or add an entry for the work (CONTRIBUTING.md, 'Citing a source')."
)


# --------------------------------------------------------------------------- the report


@dataclass
class Report:
    """What ``check_project`` found, and the loaded sources when they are good enough.

    ``curriculum`` is set when the lessons, course and glossary loaded without errors;
    ``bibliography`` (a :class:`hooks.bibliography.Bibliography`) when the .bib file parsed.
    The build reuses both instead of reading the files again.
    """

    problems: list[Problem] = field(default_factory=list)
    curriculum: Curriculum | None = None
    bibliography: Any = None
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """``N errors, M warnings in K files``."""
        return (
            f"{_plural(len(self.errors), 'error')}, "
            f"{_plural(len(self.warnings), 'warning')} in {_plural(self.files, 'file')}"
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_problem(problem: Problem) -> str:
    """``path:line:col: CODE message`` and, when there is one, the hint on an indented line."""
    text = f"{problem.path}:{problem.line}:{problem.column}: {problem.code} {problem.message}"
    return f"{text}\n    {problem.hint}" if problem.hint else text


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, shown inline on pull requests."""
    kind = "error" if problem.level == "error" else "warning"
    message = problem.message + (f"\n{problem.hint}" if problem.hint else "")
    return (
        f"::{kind} file={_gh_property(problem.path)},line={problem.line},"
        f"col={problem.column},title={_gh_property(problem.code)}::{_gh_data(message)}"
    )


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _problem(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(path, max(line, 1), message, code, hint, max(column, 1), CODES[code][0])


# --------------------------------------------------------------------------- text helpers


class Lines:
    """Offsets in a text -> 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [match.end() for match in re.finditer("\n", text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index + 1, offset - self.starts[index] + 1

    def offset(self, line: int) -> int:
        """Offset where a 1-based line starts (the end of the text past the last line)."""
        return self.starts[line - 1] if 0 < line <= len(self.starts) else self.starts[-1]


@dataclass
class Source:
    """One readable text file, as the loader reads it (BOM dropped, line ends normalised)."""

    path: str  # as shown to people, relative to the project root
    text: str
    lines: Lines

    def at(self, offset: int) -> tuple[int, int]:
        return self.lines(offset)

    def problem(self, offset: int, code: str, message: str, hint: str = "") -> Problem:
        line, column = self.at(offset)
        return _problem(self.path, line, column, code, message, hint)


FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"(`+)(?!`)((?:(?!\n[ \t]*\n).)+?)(?<!`)\1(?!`)", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask_code(text: str) -> str:
    """Blank out fenced code, inline code and HTML comments, keeping every offset and line.

    Readers see code literally, so citations, links and HTML inside it are not checked.
    """
    out: list[str] = []
    fence: str | None = None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append(" " * len(line))
        elif fence is not None:
            if (
                match
                and match.group(1)[0] == fence[0]
                and len(match.group(1)) >= len(fence)
                and not line.strip().lstrip(fence[0])
            ):
                fence = None
            out.append(" " * len(line))
        else:
            out.append(line)
    masked = "\n".join(out)
    masked = HTML_COMMENT.sub(_blank, masked)
    return INLINE_CODE.sub(_blank, masked)


# --------------------------------------------------------------------------- citations

KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&\-+?<>~/](?=[A-Za-z0-9_]))*"
CITATION_KEY = re.compile(r"(?<![\w@.\\])-?@(?:\{(?P<braced>[^{}\s]+)\}|(?P<key>" + KEY + "))")
BRACKET = re.compile(r"(?<![\\!])\[(?P<inner>[^\[\]^][^\[\]]{0,600}?)](?![(\[])")


@dataclass(frozen=True)
class Citation:
    """A citation key found in Markdown text.

    ``kind`` is ``"cite"`` for a citation the renderer will turn into a note,
    ``"malformed"`` for a ``[...@key...]`` bracket it cannot read (it would print as written)
    and ``"bare"`` for an ``@key`` outside square brackets (also printed as written).
    """

    key: str
    start: int  # offset of the key's '@' in the text
    kind: str


def find_citations(text: str) -> list[Citation]:
    """Every citation key in a Markdown text, in order.

    Real citations come from the renderer's own parser (:func:`hooks.citations.parse_citations`)
    so the checker and the site always agree on what is a citation.
    """
    masked = mask_code(text)
    found: list[Citation] = []
    renderer = _renderer_citations(text, masked)
    spans = _Spans((start, end) for start, end, _ in renderer)
    masked = ADDRESSES.sub(_blank, masked)  # '@' in a web address is not a citation
    for start, end, keys in renderer:
        cursor = start
        for key in keys:
            at = _key_offset(text, key, cursor, end)
            found.append(Citation(key, at, "cite"))
            cursor = at + 1
    malformed = []
    for bracket in BRACKET.finditer(masked):
        if spans.covers(bracket.start()) or spans.covers(bracket.end() - 1):
            continue
        keys = list(CITATION_KEY.finditer(bracket.group("inner")))
        if keys:
            malformed.append(bracket.span())
        for key in keys:
            at = bracket.start("inner") + key.start() + key.group(0).index("@")
            found.append(Citation(key.group("braced") or key.group("key"), at, "malformed"))
    spans = _Spans([*spans.spans, *malformed])
    for key in CITATION_KEY.finditer(masked):
        if not spans.covers(key.start()):
            found.append(
                Citation(
                    key.group("braced") or key.group("key"),
                    key.start() + key.group(0).index("@"),
                    "bare",
                )
            )
    return sorted(found, key=lambda citation: citation.start)


ADDRESSES = re.compile(r"\]\([^)\n]*\)|<[^>\s]+>|\b(?:https?|ftp|mailto):[^\s)\]>]+", re.I)


class _Spans:
    """Non-overlapping (start, end) ranges, searchable in logarithmic time."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [start for start, _ in self.spans]

    def covers(self, offset: int) -> bool:
        index = bisect.bisect_right(self.starts, offset) - 1
        return index >= 0 and offset < self.spans[index][1]


def _renderer_citations(text: str, masked: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """(start, end, keys) of every citation, as the site's citation extension reads them."""
    try:
        from hooks.citations import parse_citations

        return [(c.start, c.end, tuple(c.keys)) for c in parse_citations(text)]
    except Exception:  # the renderer is missing or broken: fall back to a close approximation
        found = []
        for bracket in BRACKET.finditer(masked):
            inner = bracket.group("inner")
            if not re.fullmatch(r"\s*(?:[^;@]*?-?@[^;]+)(?:;\s*[^;@]*?-?@[^;]+)*", inner):
                continue
            keys = tuple(k.group("braced") or k.group("key") for k in CITATION_KEY.finditer(inner))
            if keys:
                found.append((bracket.start(), bracket.end(), keys))
        return found


def _key_offset(text: str, key: str, start: int, end: int) -> int:
    """Where ``@key`` or ``@{key`` starts inside a citation (plain ``find``: a regex per key
    would be compiled for every citation of a large bibliography)."""
    found = [text.find(marker + key, start, end) for marker in ("@", "@{")]
    return min((at for at in found if at >= 0), default=start)


# --------------------------------------------------------------------------- unsafe HTML

UNSAFE_TAG = re.compile(r"<\s*(script|iframe|object|embed|style)\b", re.I)
EVENT_HANDLER = re.compile(r"<[A-Za-z][^<>]*?\s(on[a-z]+)\s*=", re.I)
SCRIPT_URL = re.compile(r"\b(javascript|vbscript)\s*:(?=\S)|\bdata\s*:\s*text/html", re.I)


def unsafe_html(source: Source, text: str, start: int = 0) -> Iterator[Problem]:
    """Raw ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<style>``, ``on…=``
    handlers and ``javascript:`` addresses in ``text`` (found at ``start`` in the source)."""
    hint = (
        "Lessons, the glossary, the course and the bibliography may not run code or embed "
        "other sites. Remove it, or describe it in words and link to it."
    )
    for match in UNSAFE_TAG.finditer(text):
        tag = match.group(1).lower()
        yield source.problem(start + match.start(), "E070", f"raw <{tag}> tag is not allowed", hint)
    for match in EVENT_HANDLER.finditer(text):
        yield source.problem(
            start + match.start(1),
            "E070",
            f"inline event handler '{match.group(1).lower()}=' is not allowed",
            hint,
        )
    for match in SCRIPT_URL.finditer(text):
        scheme = match.group(0).split(":")[0].strip().lower()
        yield source.problem(
            start + match.start(), "E070", f"'{scheme}:' addresses are not allowed", hint
        )


# --------------------------------------------------------------------------- Markdown

HEADING = re.compile(r"^[ \t]*(#{1,6})[ \t]+(.*?)[ \t]*$", re.M)
ATTR_ID = re.compile(r"\{[^{}]*?#([\w:.-]+)[^{}]*\}")
HTML_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")
ADMONITION = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>!!!|\?\?\?\+?)[ \t]*(?P<name>[^\s\"]*)(?P<rest>.*)$", re.M
)
LINK = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\((?P<url><[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)"
)
REF_DEF = re.compile(r"^[ ]{0,3}\[(?P<label>[^\]^][^\]]*)\]:[ \t]*(?P<url><[^>\n]*>|\S+)", re.M)
REF_LINK = re.compile(r"(?<![\]\\!])\[(?P<text>[^\[\]\n]+)\]\[(?P<label>[^\[\]\n]*)\]")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)


def heading_text(raw: str) -> tuple[str, str | None]:
    """A heading's plain text (as the table of contents sees it) and its explicit id."""
    raw = re.sub(r"[ \t]+#+$", "", raw)
    explicit = None
    attr = re.search(r"\{([^{}]*)\}\s*$", raw)
    if attr:
        found = re.search(r"#([\w:.-]+)", attr.group(1))
        explicit = found.group(1) if found else None
        raw = raw[: attr.start()]
    raw = re.sub(r"\[(?:@|\^)[^\]]*\]", "", raw)  # citations and footnote references
    raw = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", raw)  # links keep their text
    raw = re.sub(r"<[^>]+>", "", raw)
    raw = re.sub(r"[*_`]", "", raw)
    return raw.strip(), explicit


def anchors_of(markdown: str) -> set[str]:
    """The ids Python-Markdown's toc and attr_list give a page's headings, plus HTML ids."""
    ids: set[str] = set()
    for match in HEADING.finditer(markdown):
        text, explicit = heading_text(match.group(2))
        anchor = explicit or slugify(text, "-")
        base, number = anchor, 1
        while anchor in ids:  # toc makes repeated headings unique: 'x', 'x_1', 'x_2'
            anchor, number = f"{base}_{number}", number + 1
        ids.add(anchor)
    ids.update(ATTR_ID.findall(markdown))
    ids.update(HTML_ID.findall(markdown))
    return ids


@dataclass
class Site:
    """The pages of the built site, by their path under docs/, and their anchors.

    ``anchors[page]`` is ``None`` for generated pages whose anchors the checker cannot know.
    """

    docs: Path
    anchors: dict[str, set[str] | None]
    any_track: bool = False

    def has_page(self, page: str) -> bool:
        return page in self.anchors or (self.any_track and page.startswith("tracks/"))


def markdown_problems(
    source: Source, masked: str, start: int, end: int, page: str, site: Site, top_level: int
) -> Iterator[Problem]:
    """Links, images, headings and admonitions in ``masked[start:end]``.

    ``page`` is where the text ends up on the site (for resolving relative links);
    ``top_level`` is the heading level the page already has above this text (1 for a lesson
    body, whose title the template prints as the only h1; 0 for a hand-written page).
    """
    region = masked[start:end]
    yield from _heading_problems(source, region, start, top_level)
    yield from _admonition_problems(source, region, start)
    definitions = {m.group("label").strip().lower(): m for m in REF_DEF.finditer(region)}
    for match in LINK.finditer(region):
        at = start + match.start()
        url = match.group("url").strip("<>")
        text = match.group("text")
        if match.group("bang"):
            if not text.strip():
                yield source.problem(
                    at,
                    "A103",
                    f"image '{url}' has no alt text",
                    "Describe the image between the brackets: "
                    "![A flyer for a free breakfast](flyer.png).",
                )
        else:
            yield from _link_text_problems(source, at, text)
        yield from _target_problems(source, start + match.start("url"), url, page, site)
    for match in REF_LINK.finditer(region):
        if match.group("text").lstrip().startswith(("@", "^")):
            continue
        yield from _link_text_problems(source, start + match.start(), match.group("text"))
        label = (match.group("label") or match.group("text")).strip().lower()
        if label not in definitions:
            yield source.problem(
                start + match.start(),
                "A101",
                f"reference link '[{match.group('text')}][{match.group('label')}]'"
                " has no matching '[label]: address' line",
                "Add the definition, or write the link inline: [text](address).",
            )
    for match in definitions.values():
        yield from _target_problems(
            source, start + match.start("url"), match.group("url").strip("<>"), page, site
        )
    for match in HTML_IMG.finditer(region):
        if not re.search(r"\balt\s*=\s*([\"'])\s*\S", match.group(0)):
            yield source.problem(
                start + match.start(),
                "A103",
                "image has no alt text",
                'Add alt="a short description of the image".',
            )


def _link_text_problems(source: Source, at: int, text: str) -> Iterator[Problem]:
    plain = re.sub(r"[*_`]", "", text).strip().strip(".:!").lower()
    if plain in UNINFORMATIVE:
        yield source.problem(
            at,
            "A104",
            f"link text '{text.strip()}' does not say where it goes",
            "Use the name of the page or document as the link text, e.g. "
            "'the [facilitator guide](facilitator-guide.md)'.",
        )


def _target_problems(source: Source, at: int, url: str, page: str, site: Site) -> Iterator[Problem]:
    if not url or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url) or url.startswith("//"):
        if url.lower().startswith("http://"):
            yield source.problem(
                at, "A105", f"link uses http: '{url}'", "Use https:// if the site supports it."
            )
        return
    path, _, anchor = url.partition("#")
    path = unquote(path.split("?", 1)[0])
    if not path:
        target = page
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
        if target.startswith("../") or target == "..":
            yield source.problem(
                at, "A101", f"link '{url}' points outside the site", _link_hint(page)
            )
            return
    if not site.has_page(target):
        if not target.endswith(".md") and (site.docs / target).is_file():
            return  # a picture, PDF or other file under docs/
        as_page = target.rstrip("/") + ".md"
        if site.has_page(as_page) or site.has_page(target.rstrip("/") + "/index.md"):
            yield source.problem(
                at,
                "A101",
                f"link '{url}' points at a web address, not at the Markdown file",
                f"Link to the file instead: "
                f"'{posixpath.relpath(as_page, posixpath.dirname(page) or '.')}'.",
            )
            return
        if not target.endswith(".md"):
            yield source.problem(
                at,
                "A101",
                f"link '{url}' points to a file that does not exist",
                "Put pictures and other files under docs/assets/ and link to "
                "them from there, e.g. '../assets/flyer.png' from a lesson.",
            )
            return
        guess = difflib.get_close_matches(target, list(site.anchors), n=1)
        hint = (
            f"Did you mean '{posixpath.relpath(guess[0], posixpath.dirname(page) or '.')}'?"
            if guess
            else _link_hint(page)
        )
        yield source.problem(at, "A101", f"link '{url}' points to a page that does not exist", hint)
        return
    known = site.anchors.get(target)
    if anchor and known is not None and anchor not in known:
        guess = difflib.get_close_matches(anchor, sorted(known), n=1)
        yield source.problem(
            at,
            "A102",
            f"link '{url}': there is no section '#{anchor}' on {target}",
            f"Did you mean '#{guess[0]}'?"
            if guess
            else "Anchors are headings in lower case with spaces as hyphens: "
            "'## Group agreements' is '#group-agreements'.",
        )


def _link_hint(page: str) -> str:
    if page.startswith("lessons/"):
        return (
            "From a lesson, link to another lesson as 'other-id.md' and to site pages as "
            "'../glossary.md' or '../facilitator-guide.md'."
        )
    return "Link to pages by their file under docs/, e.g. 'about.md' or 'lessons/some-id.md'."


def _heading_problems(source: Source, region: str, start: int, top_level: int) -> Iterator[Problem]:
    previous = top_level
    for match in HEADING.finditer(region):
        level = len(match.group(1))
        at = start + match.start(1)
        if top_level == 1 and level == 1:
            yield source.problem(
                at,
                "A111",
                "a lesson body should not use '#' headings",
                "The page prints the lesson title as the top heading; start "
                "the lesson's sections with '##'.",
            )
        elif level > previous + 1:
            yield source.problem(
                at,
                "A110",
                f"heading jumps from level {previous} to {level}",
                f"Use {'#' * (previous + 1)} here, or add the missing level "
                "above it. Screen-reader users navigate by heading level.",
            )
        previous = level


def _admonition_problems(source: Source, region: str, start: int) -> Iterator[Problem]:
    lines = region.split("\n")
    offsets = Lines(region)
    for match in ADMONITION.finditer(region):
        name, at = match.group("name"), start + match.start("marker")
        known = ", ".join(ADMONITIONS)
        if not name:
            yield source.problem(
                at,
                "E050",
                f"'{match.group('marker')}' needs a box name",
                f'Write e.g. {match.group("marker")} facilitator "Title". Known names: {known}.',
            )
            continue
        if name not in ADMONITIONS:
            if name.lower() in ADMONITIONS:
                hint = (
                    f"Box names are lower case: write '{match.group('marker')} {name.lower()}'. "
                    "With a capital letter the box is not recognised (a facilitator note would "
                    "be shown to participants)."
                )
            else:
                guess = difflib.get_close_matches(name.lower(), ADMONITIONS, n=1)
                hint = (f"Did you mean '{guess[0]}'? " if guess else "") + f"Known names: {known}."
            yield source.problem(
                start + match.start("name"),
                "E050",
                f"unknown box (admonition) name '{name}'",
                hint,
            )
        indent = _width(match.group("indent"))
        line_index = offsets(match.start())[0]  # 1-based; the next line is lines[line_index]
        following = next((line for line in lines[line_index:] if line.strip()), None)
        if (
            following is None
            or _width(following[: len(following) - len(following.lstrip())]) < indent + 4
        ):
            yield source.problem(
                at,
                "E051",
                f"the '{name or 'box'}' box has no text under it",
                "Indent every line of the box's text by 4 spaces under the "
                f"'{match.group('marker')}' line; text that is not indented is printed outside "
                "the box.",
            )


def _width(indent: str) -> int:
    return len(indent.replace("\t", "    "))


# --------------------------------------------------------------------------- YAML helpers


def _compose(text: str) -> yaml.Node | None:
    try:
        return compose(text)
    except Exception:  # the loader reports syntax errors; here we only want positions
        return None


def _scalars(node: yaml.Node | None) -> list[yaml.ScalarNode]:
    """Every scalar (keys and values) under a node, in file order; comments excluded."""
    stack, seen, found = ([node] if node is not None else []), set(), []
    while stack:
        current = stack.pop()
        if id(current) in seen:  # aliases point back at nodes already visited
            continue
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            found.append(current)
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return sorted(found, key=lambda scalar: scalar.start_mark.index)


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _bad_value(text: str, first_line: int) -> tuple[int, str] | None:
    """Find a value PyYAML parses but cannot build (``2025-13-45``, ``!!int x``)."""
    node = _compose(text)
    loader = yaml.SafeLoader("")
    stack = [node] if node is not None else []
    while stack:
        current = stack.pop()
        if isinstance(current, yaml.ScalarNode):
            try:
                loader.construct_object(current, deep=True)
            except Exception as error:
                return first_line + current.start_mark.line, str(error) or type(error).__name__
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))
        elif isinstance(current, yaml.MappingNode):
            for key, value in reversed(current.value):
                stack.extend([value, key])
    return None


# --------------------------------------------------------------------------- BibTeX

BIB_ENTRY_START = re.compile(r"^[ \t]*@", re.M)
BIB_HEAD = re.compile(r"@[ \t]*([A-Za-z][\w-]*)\s*([{(]?)")
BIB_KEY = re.compile(r"\s*([^\s,{}()=\"#%']*)\s*(,?)")
BIB_NAME = re.compile(r"[A-Za-z_][\w.:+-]*")
BIB_WORD = re.compile(r"[\w.:+-]+")
BIB_NEXT_ENTRY = re.compile(r"@[ \t]*[A-Za-z]+\s*[{(]")
BIB_FIELD_START = re.compile(r"\n[ \t]*[A-Za-z_][\w-]*[ \t]*=[ \t]*[{\"]")
BIB_STRAY_FIELD = re.compile(r"^[ \t,]*[A-Za-z_][\w-]*\s*=", re.M)


@dataclass
class BibField:
    name: str
    value: str
    start: int  # offset of the field name
    value_start: int
    value_end: int


@dataclass
class BibEntry:
    key: str
    type: str
    start: int
    fields: dict[str, BibField] = field(default_factory=dict)


class _BibSyntax(Exception):
    def __init__(self, offset: int, code: str, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.offset, self.code, self.message, self.hint = offset, code, message, hint


CLOSE_HINT = "Add the missing '}' at the end of the value; each '{' needs a '}'."


class BibScanner:
    """A forgiving BibTeX reader that reports every structural problem with its line.

    pybtex stops at the first problem and often reports it where it gave up; this scanner
    locates unbalanced braces, missing commas and duplicate keys where they are, recovers at
    the next line starting with '@', and keeps the position of every field for other checks.
    """

    def __init__(self, source: Source) -> None:
        self.source = source
        self.text = source.text
        self.entries: list[BibEntry] = []
        self.problems: list[Problem] = []

    def scan(self) -> BibScanner:
        text, pos = self.text, 0
        while True:
            at = text.find("@", pos)
            if at < 0:
                break
            try:
                pos = self._item(at)
            except _BibSyntax as error:
                self.problems.append(
                    self.source.problem(error.offset, error.code, error.message, error.hint)
                )
                pos = self._next_entry(at + 1)
        self._duplicates()
        return self

    def _next_entry(self, pos: int) -> int:
        following = BIB_ENTRY_START.search(self.text, pos)
        return following.end() - 1 if following else len(self.text)

    # The grammar, one item at a time ------------------------------------------------------

    def _item(self, at: int) -> int:
        text = self.text
        match = BIB_HEAD.match(text, at)
        if not match:
            raise _BibSyntax(
                at,
                "E060",
                "'@' must be followed by an entry type, e.g. @book{",
                "BibTeX reads every '@' outside an entry as the start of one; "
                "remove stray at-signs from comments.",
            )
        kind, opener = match.group(1).lower(), match.group(2)
        if not opener:
            raise _BibSyntax(
                at,
                "E060",
                f"'@{match.group(1)}' is read as the start of an entry, but no '{{' follows",
                "BibTeX reads every '@' as the start of an entry, even in a "
                "comment: write 'at' instead. Entries look like @book{key, ...}.",
            )
        closer = "}" if opener == "{" else ")"
        if kind in {"comment", "preamble"}:
            return self._skip_group(at, match.end() - 1)
        if kind == "string":
            return self._fields(BibEntry("", "string", at), match.end(), closer)
        key_match = BIB_KEY.match(text, match.end())
        assert key_match is not None
        key, comma = key_match.group(1), key_match.group(2)
        hint = "Entries start like this: @book{spade2020, (the key, then a comma)."
        if not key:
            raise _BibSyntax(at, "E060", f"@{kind} entry has no key", hint)
        entry = BibEntry(key, kind, at)
        self.entries.append(entry)
        if not comma and text[key_match.end() : key_match.end() + 1] != closer:
            raise _BibSyntax(
                key_match.start(1), "E060", f"missing comma after the key '{key}'", hint
            )
        return self._fields(entry, key_match.end(), closer)

    def _fields(self, entry: BibEntry, pos: int, closer: str) -> int:
        text, what = self.text, f"entry '{entry.key}'" if entry.key else f"@{entry.type}"
        while True:
            pos = self._space(pos)
            if pos >= len(text):
                raise self._unclosed(entry, what)
            if text[pos] == closer:
                return self._after_close(entry, pos + 1)
            name = BIB_NAME.match(text, pos)
            if not name:
                if text[pos] == "@" and self._line_start(pos):
                    raise self._unclosed(entry, what)
                raise _BibSyntax(
                    pos,
                    "E060",
                    f"in {what}: expected a field name, found '{text[pos]}'",
                    "Fields look like: title = {The Title}, (name, =, value, comma).",
                )
            field_name = name.group(0).lower()
            pos = self._space(name.end())
            if pos >= len(text) or text[pos] != "=":
                raise _BibSyntax(
                    name.start(),
                    "E060",
                    f"in {what}: field '{name.group(0)}' has no '=' after it",
                    "Fields look like: title = {The Title},",
                )
            value_start = self._space(pos + 1)
            pos, value = self._value(entry, what, value_start)
            if field_name in entry.fields:
                first = self.source.at(entry.fields[field_name].start)[0]
                self.problems.append(
                    self.source.problem(
                        name.start(),
                        "E060",
                        f"in {what}: field '{field_name}' appears twice",
                        f"Keep one '{field_name}' line (the first is on line {first}).",
                    )
                )
            else:
                entry.fields[field_name] = BibField(
                    field_name, value, name.start(), value_start, pos
                )
            value_end, pos = pos, self._space(pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
            elif pos < len(text) and text[pos] == "@" and self._line_start(pos):
                raise self._unclosed(entry, what)
            elif pos < len(text) and text[pos] != closer:
                raise _BibSyntax(
                    value_end,
                    "E060",
                    f"in {what}: missing comma after field '{field_name}'",
                    "End every field with a comma.",
                )

    def _unclosed(self, entry: BibEntry, what: str) -> _BibSyntax:
        """The entry never closes: blame the first field whose value swallowed later fields."""
        for bib_field in entry.fields.values():
            if BIB_FIELD_START.search(bib_field.value):
                return _BibSyntax(
                    bib_field.value_start,
                    "E061",
                    f"unbalanced braces in {what}: the value of '{bib_field.name}' is never closed",
                    CLOSE_HINT,
                )
        return _BibSyntax(
            entry.start,
            "E061",
            f"unbalanced braces: {what} is never closed",
            "Add the missing '}' at the end of the entry.",
        )

    def _value(self, entry: BibEntry, what: str, pos: int) -> tuple[int, str]:
        """Parse ``{...}``, ``"..."``, numbers and macros joined by ``#``."""
        text, parts = self.text, []
        while True:
            if pos >= len(text):
                raise self._unclosed(entry, what)
            if text[pos] in '{"':
                end = self._delimited(what, pos)
                parts.append(text[pos + 1 : end])
                pos = end + 1
            else:
                word = BIB_WORD.match(text, pos)
                if not word:
                    raise _BibSyntax(
                        pos,
                        "E060",
                        f"in {what}: a field value must be in braces",
                        "Write field = {value},",
                    )
                parts.append(word.group(0))
                pos = word.end()
            after = self._space(pos)
            if after < len(text) and text[after] == "#":
                pos = self._space(after + 1)
                continue
            return pos, "".join(parts)

    def _delimited(self, what: str, start: int) -> int:
        """Index of the '}' or '"' that closes the value starting at ``start``."""
        text, depth, i = self.text, 0, start
        quote = text[start] == '"'
        while i < len(text):
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0 and not quote:
                    return i
                if depth < 0:
                    raise _BibSyntax(
                        i,
                        "E061",
                        f"unbalanced braces in {what}: this '}}' has no matching '{{'",
                        "Remove the extra '}' or add its '{'.",
                    )
            elif char == '"' and quote and depth == 0 and i > start:
                return i
            elif char == "@" and self._line_start(i) and BIB_NEXT_ENTRY.match(text, i):
                break
            i += 1
        raise _BibSyntax(
            start,
            "E061",
            f"unbalanced braces in {what}: the value that starts here is never closed",
            CLOSE_HINT,
        )

    def _after_close(self, entry: BibEntry, pos: int) -> int:
        """After an entry closes, fields before the next '@' mean a '}' too many inside it."""
        following = self._next_entry(pos)
        if entry.key and BIB_STRAY_FIELD.search(self.text, pos, following):
            self.problems.append(
                self.source.problem(
                    pos - 1,
                    "E061",
                    f"this '}}' closes entry '{entry.key}' early: the fields after it are ignored",
                    "There is one '}' too many on this line; remove it.",
                )
            )
            return following
        return pos

    def _skip_group(self, at: int, open_at: int) -> int:
        depth, i, text = 0, open_at, self.text
        while i < len(text):
            if text[i] in "{(":
                depth += 1
            elif text[i] in "})":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise _BibSyntax(
            at,
            "E061",
            "unbalanced braces: this @comment or @preamble is never closed",
            "Add the missing '}'.",
        )

    def _space(self, pos: int) -> int:
        text = self.text
        while pos < len(text):
            if text[pos].isspace():
                pos += 1
            elif text[pos] == "%":  # a comment to the end of the line
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end + 1
            else:
                break
        return pos

    def _line_start(self, pos: int) -> bool:
        start = self.text.rfind("\n", 0, pos) + 1
        return not self.text[start:pos].strip()

    def _duplicates(self) -> None:
        first: dict[str, BibEntry] = {}
        for entry in self.entries:
            folded = entry.key.casefold()
            if folded in first:
                line = self.source.at(first[folded].start)[0]
                self.problems.append(
                    self.source.problem(
                        entry.start,
                        "E062",
                        f"duplicate key '{entry.key}' (first defined on line {line})",
                        "Give each work one entry; if these are different works, "
                        "rename one key and the citations that mean it.",
                    )
                )
            else:
                first[folded] = entry


# --------------------------------------------------------------------------- the project


@dataclass
class _Scan:
    """Everything gathered while reading the sources, for the cross-file checks."""

    root: Path
    keys: dict[str, str] = field(default_factory=dict)  # casefolded key -> key
    bib_ready: bool = False  # the .bib file was read (keys are meaningful)
    cited: set[str] = field(default_factory=set)
    citation_sites: list[tuple[Source, int, str, str]] = field(default_factory=list)
    used_terms: set[str] = field(default_factory=set)
    complete: bool = True  # every lesson and page could be read (so "unused" is meaningful)
    files: int = 0


def check_project(root: Path | str, settings: Mapping[str, Any] | None = None) -> Report:
    """Check everything under ``root`` and return every problem found (never raises for bad
    input).

    ``settings`` may give ``bibliography`` (path of the .bib file, default
    ``bibliography.bib``) and ``cache_dir`` (default ``.cache/bibliography``; ``None`` turns the
    on-disk cache off), both relative to ``root``.
    """
    root = Path(root)
    settings = dict(settings or {})
    scan = _Scan(root)
    report = Report()
    problems: list[Problem] = []

    curriculum = _load(root, problems)
    problems = _clarify_empty(root, problems)
    lesson_paths = sorted((root / "curriculum" / "lessons").glob("*.md"))
    docs = root / "docs"
    doc_paths = (
        sorted(path for path in docs.rglob("*.md") if path.is_file()) if docs.is_dir() else []
    )
    bib_path = root / settings.get("bibliography", "bibliography.bib")
    cache_setting = settings.get("cache_dir", ".cache/bibliography")
    cache_dir = root / cache_setting if cache_setting else None

    bib_source, report.bibliography = _bibliography(root, bib_path, cache_dir, scan, problems)
    lessons = [_read_lesson(path, root, scan) for path in lesson_paths]
    pages = [_read(path, root, scan, problems) for path in doc_paths]
    site = _site(root, docs, doc_paths, pages, lessons, curriculum)

    problems = _refine(problems, lessons, root)
    if any(problem.code == "E040" for problem in problems):
        scan.complete = False  # a mistyped key term would make its glossary term look unused
    for lesson in lessons:
        if lesson is not None:
            problems += _lesson_problems(lesson, scan, site)
    for path, page in zip(doc_paths, pages, strict=True):
        if page is not None:
            problems += _page_problems(page, path.relative_to(docs).as_posix(), scan, site)
    problems += _yaml_file_problems(root / "curriculum" / "glossary.yml", root, scan, "glossary")
    problems += _yaml_file_problems(root / "curriculum" / "course.yml", root, scan, "course")
    problems += _citation_problems(scan)
    problems += _prerequisite_cycles(curriculum, lessons)
    problems += _unused(scan, bib_source, report.bibliography, root)
    if curriculum is not None:
        problems += _file_name_problems(curriculum)

    report.problems = _unique(problems)
    report.curriculum = curriculum
    report.files = (
        scan.files
        + (1 if bib_path.exists() else 0)
        + sum((root / "curriculum" / name).exists() for name in ("course.yml", "glossary.yml"))
    )
    return report


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: dict[tuple[Any, ...], Problem] = {}
    for problem in problems:
        seen.setdefault(
            (problem.path, problem.line, problem.column, problem.code, problem.message), problem
        )
    return sorted(seen.values(), key=lambda p: (p.path, p.line, p.column, p.code))


# --------------------------------------------------------------------------- loading


def _load(root: Path, problems: list[Problem]) -> Curriculum | None:
    """Run the loader; on a crash it did not expect, find the file and value that caused it."""
    try:
        return load_curriculum(root)
    except SourceError as error:
        problems += [_with_level(problem) for problem in error.problems]
    except Exception:
        problems += _locate_crash(root)
    return None


QUOTE_HINT = (
    "If a value contains a colon (:) or starts with a quote, wrap the whole value in double quotes."
)


def explain_yaml_error(text: str, error: yaml.MarkedYAMLError) -> tuple[int, int, str, str]:
    """(0-based line, 0-based column, message, hint) in plain words for a YAML syntax error."""
    problem, context = error.problem or "", error.context or ""
    mark, start = error.problem_mark, error.context_mark
    lines = text.split("\n")
    line, column = (mark.line, mark.column) if mark else (0, 0)
    here = lines[line] if line < len(lines) else ""
    field = re.match(r"^(\s*(?:-\s+)?[\w-]+:[ \t]+)(.*?)\s*$", here)

    def quoted() -> str:
        if not field:
            return QUOTE_HINT
        value = field.group(2).replace("\\", "\\\\").replace('"', '\\"')
        return f'Put the whole value in double quotes: {field.group(1).strip()} "{value}"'

    if "mapping values are not allowed" in problem:
        if field and column > len(field.group(1)) - 1:
            return (
                line,
                column,
                (
                    "YAML syntax error: this value contains a colon (:), so it "
                    "reads as the start of another field"
                ),
                quoted(),
            )
        return (
            line,
            column,
            ("YAML syntax error: this line is indented more than the field above it"),
            "Line it up with the fields above, using spaces.",
        )
    if "'\\t'" in problem or "\\t" in problem:
        return line, column, "YAML syntax error: a tab character", "Indent with spaces, never tabs."
    if "cannot start any token" in problem or "undefined alias" in problem:
        return (
            line,
            column,
            (f"YAML syntax error: a value cannot start with '{here[column : column + 1]}'"),
            quoted(),
        )
    if "quoted scalar" in context and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this quotation mark is never closed",
            (
                "Close it at the end of the value. Inside double quotes, write a "
                'quotation mark as \\" or use curly quotes “ ”.'
            ),
        )
    if (
        problem.startswith("expected ',' or")
        and problem.endswith("but got ':'")
        and (start is None or start.line == line)
    ):
        return (
            line,
            column,
            ("YAML syntax error: a value inside [ ] or { } contains a colon (:)"),
            (
                "Put that value in double quotes, e.g. {kind: input, "
                'minutes: 15, title: "Mutual aid: a history"}.'
            ),
        )
    if problem.startswith("expected ',' or ']'") and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this list is never closed with ']'",
            "Put ']' after the last item, and commas between items.",
        )
    if problem.startswith("expected ',' or '}'") and start:
        return (
            start.line,
            start.column,
            "YAML syntax error: this '{' is never closed with '}'",
            "Put '}' at the end, and commas between the 'name: value' pairs.",
        )
    if "found '<scalar>'" in problem and start and start.line == line:
        return (
            line,
            column,
            ("YAML syntax error: a quotation mark inside a quoted value ends it early"),
            (
                "Inside double quotes write a quotation mark as "
                '\\" or use curly quotes “ ”; inside single quotes '
                "write an apostrophe as ''."
            ),
        )
    unclosed = _unclosed_quote(lines, line)
    if unclosed is not None and (
        "expected <block end>" in problem or "could not find expected ':'" in problem
    ):
        return (
            unclosed[0],
            unclosed[1],
            "YAML syntax error: this quotation mark is not closed on its line",
            (
                "Close the quote at the end of the value. Inside double quotes, write a "
                'quotation mark as \\" or use curly quotes “ ”.'
            ),
        )
    if "expected <block end>" in problem:
        return (
            line,
            column,
            "YAML syntax error: this line is not lined up with the lines above it",
            (
                "Fields at the same level, and items of the same list, must start in "
                "the same column. Use spaces."
            ),
        )
    if "could not find expected ':'" in problem:
        at = start or mark
        return (
            (
                at.line,
                at.column,
                "YAML syntax error: this line is not 'field: value'",
                "Add the missing colon, or if this line continues the text above, indent it "
                "like that text or put the whole value in double quotes.",
            )
            if at
            else (line, column, "YAML syntax error: a line is not 'field: value'", QUOTE_HINT)
        )
    return line, column, f"YAML syntax error: {problem or context}", QUOTE_HINT


def _unclosed_quote(lines: list[str], before: int) -> tuple[int, int] | None:
    """The last line before ``before`` whose value opens a double quote it does not close
    (legal YAML, but in these files almost always a mistake that swallows the next lines)."""
    for number in range(min(before, len(lines) - 1), -1, -1):
        opening = re.match(r'^\s*(?:-\s+)?(?:[\w-]+:\s+)?(")', lines[number])
        if opening and len(re.findall(r'(?<!\\)"', lines[number])) % 2 == 1:
            return number, opening.start(1)
    return None


def _yaml_problem(root: Path, problem: Problem) -> Problem:
    """Relocate and reword a loader's YAML syntax error (it only knows the line)."""
    try:
        text = read_text(root / problem.path, root)
    except Exception:
        return problem
    first = 1
    if problem.path.endswith(".md"):
        closing = re.compile(r"^---[ \t]*$", re.M).search(text, text.find("\n") + 1)
        if not text.startswith("---") or closing is None:
            return problem
        text, first = text[text.find("\n") + 1 : closing.start()], 2
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        line, column, message, hint = explain_yaml_error(text, error)
        return _problem(problem.path, first + line, column + 1, "E000", message, hint)
    except Exception:
        return problem
    return problem


def _refine(
    problems: list[Problem], lessons: list[_LessonText | None], root: Path
) -> list[Problem]:
    """Make the loader's messages more precise where the checker knows more."""
    guessed = {
        (p.path, p.hint.removeprefix("Did you mean '").removesuffix("'?"))
        for p in problems
        if p.code == "E002" and p.hint.startswith("Did you mean")
    }
    by_path = {lesson.source.path: lesson for lesson in lessons if lesson is not None}
    refined = []
    for problem in problems:
        missing = re.fullmatch(r"required field '([\w.]+)' is missing", problem.message)
        if missing and (problem.path, missing.group(1).split(".")[-1]) in guessed:
            continue  # the unknown-field problem already says "did you mean ..."
        if problem.code == "E000":
            refined.append(_yaml_problem(root, problem))
            continue
        prerequisite = re.fullmatch(r"prerequisite '(.+)' is not a lesson", problem.message)
        lesson = by_path.get(problem.path)
        if prerequisite and lesson is not None:
            refined.append(_prerequisite_problem(lesson, prerequisite.group(1), by_path))
            continue
        refined.append(problem)
    return refined


def _prerequisite_problem(
    lesson: _LessonText, missing: str, lessons: dict[str, _LessonText]
) -> Problem:
    node = next(
        (item for item in _items(_get(lesson.node, "prerequisites")) if _scalar(item) == missing),
        None,
    )
    offset = lesson.front_start + node.start_mark.index if node is not None else 0
    known = sorted(other.lesson_id for other in lessons.values())
    guess = difflib.get_close_matches(missing, known, n=1)
    return lesson.source.problem(
        offset,
        "E010",
        f"prerequisite '{missing}' is not a lesson",
        f"Did you mean '{guess[0]}'?"
        if guess
        else "Prerequisites are lesson ids: the 'id:' of files in curriculum/lessons/.",
    )


def _clarify_empty(root: Path, problems: list[Problem]) -> list[Problem]:
    """An empty course or glossary file gets one plain message instead of schema errors."""
    for name in ("course.yml", "glossary.yml"):
        path = root / "curriculum" / name
        try:
            empty = path.is_file() and not path.read_bytes().strip()
        except OSError:
            continue
        if empty:
            shown = display_path(path, root)
            problems = [p for p in problems if p.path != shown]
            problems.append(
                _problem(
                    shown,
                    1,
                    1,
                    "E003",
                    "this file is empty",
                    "Restore it from the repository (git checkout) or from a "
                    "copy; see CONTRIBUTING.md for what it contains.",
                )
            )
    return problems


FIELDS_HINT = "CONTRIBUTING.md ('The fields of a lesson') says what each field needs."


def _default_hint(problem: Problem) -> str:
    """A hint for loader problems that come without one."""
    message, code = problem.message, problem.code
    if missing := re.fullmatch(r"required field '([\w.]+)' is missing", message):
        return f"Add a '{missing.group(1).split('.')[-1]}:' line. {FIELDS_HINT}"
    if code == "E003" and "binary" in message:
        return "Only text files belong here; put pictures and PDFs under docs/assets/."
    if code == "E003":
        return "Save the file as UTF-8 text in your editor."
    if code == "E004":
        return "Every lesson needs its own id: change the 'id:' of one of them."
    if code == "E010":
        return "Lesson ids are the 'id:' fields in curriculum/lessons/*.md."
    if code == "E012":
        return (
            "Move the prerequisite earlier in the track's 'lessons' list, or remove it "
            "from the lesson's 'prerequisites'."
        )
    if "valid integer" in message:
        return "Write a whole number without quotes or units, e.g. 20."
    if "should be a valid list" in message:
        return 'Write a list: [a, b] on one line, or one "- item" per line.'
    if "string_pattern_mismatch" in message or "should match pattern" in message:
        return "Ids and slugs use lower-case letters, digits and single hyphens, e.g. 'mutual-aid'."
    return FIELDS_HINT


def _with_level(problem: Problem) -> Problem:
    """Loader problems carry codes from :data:`CODES`: make the level agree with the code and
    make sure each one says how to fix it."""
    level = CODES.get(problem.code, ("error", ""))[0]
    hint = problem.hint or _default_hint(problem)
    if level == problem.level and hint == problem.hint:
        return problem
    return Problem(
        problem.path, problem.line, problem.message, problem.code, hint, problem.column, level
    )


def _locate_crash(root: Path) -> list[Problem]:
    folder = root / "curriculum"
    found: list[Problem] = []
    attempts: list[tuple[Path, Any]] = [
        (path, load_lesson) for path in sorted((folder / "lessons").glob("*.md"))
    ] + [(folder / "course.yml", load_course), (folder / "glossary.yml", load_glossary)]
    for path, loader in attempts:
        try:
            loader(path, root)
        except SourceError as error:
            found += [_with_level(problem) for problem in error.problems]
        except Exception as error:
            found.append(_crash_problem(path, root, error))
    if not found:
        found.append(
            _problem(
                "curriculum",
                1,
                1,
                "E001",
                "the curriculum could not be loaded",
                "This looks like a bug in the tools; please report it.",
            )
        )
    return found


def _crash_problem(path: Path, root: Path, error: Exception) -> Problem:
    shown = display_path(path, root)
    try:
        text = read_text(path, root)
    except Exception:
        text = ""
    first_line = 1
    if path.suffix == ".md" and text.startswith("---"):
        text, first_line = text.split("\n---", 1)[0].removeprefix("---"), 1
    if isinstance(error, RecursionError):
        return _problem(
            shown,
            1,
            1,
            "E000",
            "the YAML is nested too deeply to read",
            "Check for runaway brackets [ [ [ or braces { { {.",
        )
    bad = _bad_value(text, first_line)
    if bad:
        line, reason = bad
        return _problem(
            shown,
            line,
            1,
            "E001",
            f"this value cannot be read: {reason}",
            "Dates must be real dates written YYYY-MM-DD; put any other text in "
            'double quotes, e.g. "2025-13".',
        )
    return _problem(
        shown,
        1,
        1,
        "E001",
        f"this file cannot be read ({type(error).__name__}: {error})",
        "Check the file's YAML; if it looks right, please report a bug.",
    )


def _read(path: Path, root: Path, scan: _Scan, problems: list[Problem] | None) -> Source | None:
    scan.files += 1
    try:
        text = read_text(path, root)
    except SourceError as error:
        scan.complete = False
        if problems is not None:
            problems += [_with_level(problem) for problem in error.problems]
        return None
    except Exception:
        scan.complete = False
        return None
    return Source(display_path(path, root), text, Lines(text))


@dataclass
class _LessonText:
    source: Source
    front_start: int
    front_end: int
    body_start: int
    node: yaml.Node | None
    lesson_id: str


def _read_lesson(path: Path, root: Path, scan: _Scan) -> _LessonText | None:
    """Read a lesson's text for the checks the model cannot do (the loader reported the rest)."""
    source = _read(path, root, scan, None)
    if source is None:
        return None
    text = source.text
    if not text.startswith("---"):
        scan.complete = False
        return None
    front_start = text.find("\n") + 1 if "\n" in text else len(text)
    closing = re.compile(r"^---[ \t]*$", re.M).search(text, front_start)
    if front_start == len(text) or closing is None:
        scan.complete = False
        return None
    front = text[front_start : closing.start()]
    node = _compose(front.removesuffix("\n"))  # as the loader read it: parsed once
    body_start = text.find("\n", closing.end())
    body_start = len(text) if body_start < 0 else body_start + 1
    identifier = _scalar(_get(node, "id")) or path.stem
    for term in _items(_get(node, "key_terms")):
        if _scalar(term):
            scan.used_terms.add(str(_scalar(term)))
    if node is None or not isinstance(node, yaml.MappingNode):
        scan.complete = False
    return _LessonText(source, front_start, closing.start(), body_start, node, identifier)


def _bibliography(
    root: Path, path: Path, cache_dir: Path | None, scan: _Scan, problems: list[Problem]
) -> tuple[BibScanner | None, Any]:
    if not path.exists():
        problems.append(
            _problem(
                display_path(path, root),
                1,
                1,
                "E003",
                "the bibliography file is missing",
                "Every citation needs an entry in bibliography.bib.",
            )
        )
        return None, None
    source = _read(path, root, scan, problems)
    scan.files -= 1  # counted with the fixed files
    if source is None:
        return None, None
    scanner = BibScanner(source).scan()
    problems += scanner.problems
    for entry in scanner.entries:
        scan.keys.setdefault(entry.key.casefold(), entry.key)
        problems += unsafe_html_fields(source, entry)
        crossref = entry.fields.get("crossref")
        if crossref:
            scan.cited.add(crossref.value.strip().casefold())
    scan.bib_ready = True
    loaded = None
    try:
        from hooks.bibliography import Bibliography, BibliographyError
    except ImportError:
        return scanner, None
    try:
        loaded = Bibliography.load(path, cache_dir)
    except BibliographyError as error:
        if not scanner.problems:
            problems.append(
                _problem(
                    source.path,
                    error.line or 1,
                    1,
                    "E060",
                    error.message,
                    "See 'Citing a source' in CONTRIBUTING.md for the entry formats.",
                )
            )
    except Exception as error:  # pybtex raising something unexpected is still a bad file
        if not scanner.problems:
            problems.append(
                _problem(source.path, 1, 1, "E060", f"the bibliography cannot be read: {error}")
            )
    if loaded is not None and not scanner.problems:
        problems += _missing_field_problems(source, scanner, loaded)
    return scanner, loaded


def unsafe_html_fields(source: Source, entry: BibEntry) -> Iterator[Problem]:
    for bib_field in entry.fields.values():
        yield from unsafe_html(
            source, source.text[bib_field.value_start : bib_field.value_end], bib_field.value_start
        )


def _missing_field_problems(source: Source, scanner: BibScanner, loaded: Any) -> Iterator[Problem]:
    try:
        from hooks.bibliography import missing_fields
    except ImportError:
        return
    where = {entry.key: entry.start for entry in scanner.entries}
    for key, entry in loaded.items():
        try:
            missing = missing_fields(entry)
        except Exception:
            continue
        for name in missing:
            wanted = " or ".join(f"'{part}'" for part in name.split("/"))
            yield source.problem(
                where.get(key, 0),
                "W063",
                f"entry '{key}' (@{entry.type}) has no {wanted} field",
                f"Add {wanted} if you can check it; if the work has none, say "
                "so in the entry's note field.",
            )


# --------------------------------------------------------------------------- per-file checks


def _lesson_problems(lesson: _LessonText, scan: _Scan, site: Site) -> Iterator[Problem]:
    source, text = lesson.source, lesson.source.text
    page = f"lessons/{lesson.lesson_id}.md"
    published = (_scalar(_get(lesson.node, "status")) or "published") != "draft"
    for scalar in _scalars(lesson.node):
        start = lesson.front_start + scalar.start_mark.index
        raw = text[start : lesson.front_start + scalar.end_mark.index]
        yield from unsafe_html(source, raw, start)
        _collect_yaml_citations(scan, source, scalar.value, raw, start)
        if published:
            yield from _todo(source, raw, start)
    for reading in _items(_get(lesson.node, "readings")):
        key_node = _get(reading, "key")
        key = _scalar(key_node)
        if key_node is not None and key:
            offset = lesson.front_start + key_node.start_mark.index
            scan.citation_sites.append((source, offset, key, "reading"))
    masked = mask_code(text)
    body = masked[lesson.body_start :]
    yield from unsafe_html(source, body, lesson.body_start)
    _collect_citations(scan, source, text[lesson.body_start :], lesson.body_start)
    if published:
        yield from _todo(source, body, lesson.body_start)
    yield from markdown_problems(source, masked, lesson.body_start, len(masked), page, site, 1)


def _todo(source: Source, text: str, start: int) -> Iterator[Problem]:
    for match in re.finditer(r"\bTODO\b", text):
        yield source.problem(
            start + match.start(),
            "W080",
            "placeholder 'TODO' in a published lesson",
            "Finish the text, or set 'status: draft' until it is ready.",
        )


def _page_problems(page: Source, name: str, scan: _Scan, site: Site) -> Iterator[Problem]:
    masked = mask_code(page.text)
    start = 0
    if page.text.startswith("---\n"):
        closing = re.compile(r"^---[ \t]*$", re.M).search(page.text, 4)
        if closing:
            start = closing.end()
    yield from unsafe_html(page, masked[start:], start)
    _collect_citations(scan, page, page.text[start:], start)
    yield from markdown_problems(page, masked, start, len(masked), name, site, 0)


def _yaml_file_problems(path: Path, root: Path, scan: _Scan, kind: str) -> Iterator[Problem]:
    try:
        text = read_text(path, root)
    except Exception:
        return  # the loader reported it
    source = Source(display_path(path, root), text, Lines(text))
    node = _compose(text)
    for scalar in _scalars(node):
        start, end = scalar.start_mark.index, scalar.end_mark.index
        yield from unsafe_html(source, text[start:end], start)
        _collect_yaml_citations(scan, source, scalar.value, text[start:end], start)
    if kind == "course":
        source_node = _get(node, "source")
        if _scalar(source_node):
            scan.citation_sites.append(
                (
                    source,
                    source_node.start_mark.index,  # type: ignore[union-attr]
                    str(_scalar(source_node)),
                    "source",
                )
            )
        return
    slugs: list[tuple[str, int]] = []
    for item in _items(node):
        source_node = _get(item, "source")
        if _scalar(source_node):
            scan.citation_sites.append(
                (
                    source,
                    source_node.start_mark.index,  # type: ignore[union-attr]
                    str(_scalar(source_node)),
                    "source",
                )
            )
        slug_node = _get(item, "slug")
        if _scalar(slug_node):
            slugs.append((str(_scalar(slug_node)), slug_node.start_mark.index))  # type: ignore[union-attr]
    if scan.complete:
        for slug, offset in slugs:
            if slug not in scan.used_terms:
                yield source.problem(
                    offset,
                    "W041",
                    f"glossary term '{slug}' is not a key term of any lesson",
                    "Add it to the 'key_terms' of the lessons that teach it, or "
                    "remove it from the glossary.",
                )


def _collect_citations(scan: _Scan, source: Source, text: str, start: int) -> None:
    for citation in find_citations(text):
        scan.citation_sites.append((source, start + citation.start, citation.key, citation.kind))


def _collect_yaml_citations(scan: _Scan, source: Source, value: str, raw: str, start: int) -> None:
    """Citations in a YAML value, located in the file (the value may be folded or quoted)."""
    if "@" not in value:
        return
    cursor = 0
    for citation in find_citations(value):
        at = _key_offset(raw, citation.key, cursor, len(raw))
        cursor = at + 1
        scan.citation_sites.append((source, start + at, citation.key, citation.kind))


def _citation_problems(scan: _Scan) -> Iterator[Problem]:
    for source, offset, key, kind in scan.citation_sites:
        known = scan.keys.get(key.casefold())
        if kind == "bare":
            if known == key:
                scan.cited.add(key.casefold())
                yield source.problem(
                    offset,
                    "W033",
                    f"'@{key}' is not in square brackets, so it will print as plain text",
                    f"Write [@{key}] (add a page: [@{key}, 16]).",
                )
            continue
        if kind == "malformed":
            if known or difflib.get_close_matches(key, list(scan.keys.values()), n=1):
                yield source.problem(
                    offset,
                    "E034",
                    "this looks like a citation but cannot be "
                    "read as one, so it will print as written",
                    "Write [@key] or [@key, 16]: a comma between the key and "
                    "the page, a semicolon between sources, e.g. "
                    "[see @spade2020, 16; also @firth2022].",
                )
            continue
        if known == key:
            scan.cited.add(key.casefold())
            continue
        if not scan.bib_ready:
            continue
        if known:
            hint = f"Keys are case-sensitive: write '{known}'."
            scan.cited.add(known.casefold())
        else:
            guess = difflib.get_close_matches(key, list(scan.keys.values()), n=1, cutoff=0.6)
            hint = f"Did you mean '{guess[0]}'?" if guess else UNKNOWN_KEY_HINT
            if guess:  # the entry is meant to be cited: do not also call it unused
                scan.cited.add(guess[0].casefold())
        if kind == "reading":
            yield source.problem(
                offset, "E031", f"reading key '{key}' is not in bibliography.bib", hint
            )
        elif kind == "source":
            yield source.problem(offset, "E032", f"source '{key}' is not in bibliography.bib", hint)
        else:
            yield source.problem(offset, "E030", f"unknown citation key '@{key}'", hint)


def _unused(scan: _Scan, scanner: BibScanner | None, loaded: Any, root: Path) -> Iterator[Problem]:
    if scanner is None or not scan.complete or scanner.problems:
        return
    for entry in scanner.entries:
        if entry.key.casefold() not in scan.cited:
            yield scanner.source.problem(
                entry.start,
                "W064",
                f"entry '{entry.key}' is not cited anywhere",
                "Cite it in a lesson or page, or remove it.",
            )


def _prerequisite_cycles(
    curriculum: Curriculum | None, lessons: list[_LessonText | None]
) -> Iterator[Problem]:
    graph: dict[str, list[str]] = {}
    where: dict[str, _LessonText] = {}
    for lesson in lessons:
        if lesson is None:
            continue
        needs = [
            str(_scalar(item))
            for item in _items(_get(lesson.node, "prerequisites"))
            if _scalar(item)
        ]
        graph[lesson.lesson_id] = needs
        where[lesson.lesson_id] = lesson
    reported: set[frozenset[str]] = set()
    for start in sorted(graph):
        path = _cycle_from(start, graph)
        if path and frozenset(path) not in reported:
            reported.add(frozenset(path))
            lesson = where[start]
            node = _get(lesson.node, "prerequisites")
            offset = lesson.front_start + (node.start_mark.index if node is not None else 0)
            yield lesson.source.problem(
                offset,
                "E011",
                "prerequisites form a circle: " + " -> ".join([*path, path[0]]),
                "A lesson cannot (indirectly) be its own prerequisite; "
                "remove one of these prerequisites.",
            )


def _cycle_from(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        for following in graph.get(current, []):
            if following == start:
                return path
            if following not in seen and following in graph:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _file_name_problems(curriculum: Curriculum) -> Iterator[Problem]:
    for lesson in curriculum.lessons.values():
        stem = Path(lesson.path).stem
        if stem != lesson.id:
            yield _problem(
                lesson.path,
                2,
                1,
                "W005",
                f"the file is named '{stem}.md' but the lesson id is '{lesson.id}'",
                f"Rename the file to '{lesson.id}.md' so people can find it.",
            )


def _site(
    root: Path,
    docs: Path,
    doc_paths: list[Path],
    pages: list[Source | None],
    lessons: list[_LessonText | None],
    curriculum: Curriculum | None,
) -> Site:
    anchors: dict[str, set[str] | None] = {name: None for name in GENERATED_PAGES}
    for path, page in zip(doc_paths, pages, strict=True):
        anchors[path.relative_to(docs).as_posix()] = (
            anchors_of(mask_code(page.text)) if page else None
        )
    for path in (root / "curriculum" / "lessons").glob("*.md"):
        anchors.setdefault(f"lessons/{path.stem}.md", None)
    for lesson in lessons:
        if lesson is None:
            continue
        ids = set(LESSON_TEMPLATE_ANCHORS)
        ids |= anchors_of(mask_code(lesson.source.text)[lesson.body_start :])
        title = _scalar(_get(lesson.node, "title"))
        if title:
            ids.add(slugify(title, "-"))
        for activity in _items(_get(lesson.node, "activities")):
            if _scalar(_get(activity, "id")):
                ids.add(f"activity-{_scalar(_get(activity, 'id'))}")
        for term in _items(_get(lesson.node, "key_terms")):
            if _scalar(term):
                ids.add(f"term-{_scalar(term)}")
        anchors[f"lessons/{lesson.lesson_id}.md"] = ids
    glossary = _compose(_quiet_read(root / "curriculum" / "glossary.yml", root))
    if isinstance(glossary, yaml.SequenceNode):
        anchors["glossary.md"] = {"glossary"} | {
            str(_scalar(_get(item, "slug")))
            for item in _items(glossary)
            if _scalar(_get(item, "slug"))
        }
    any_track = True
    if curriculum is not None:
        any_track = False
        for track in curriculum.course.tracks:
            anchors[f"tracks/{track.id}.md"] = None
    return Site(docs, anchors, any_track)


def _quiet_read(path: Path, root: Path) -> str:
    try:
        return read_text(path, root)
    except Exception:
        return ""
