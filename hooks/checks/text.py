"""Positions in a text, and what the checks look for in any text, Markdown or YAML.

:class:`Lines` and :class:`Source` turn offsets into ``line:column``; :func:`mask_code` blanks
out code, which readers see literally; :func:`find_citations` finds citation keys as the site's
renderer reads them; :func:`unsafe_html` finds scripts, embeds and ``javascript:`` addresses.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from hooks.checks.report import _problem
from hooks.loader import Problem

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

    ``kind`` is ``"cite"`` for a bracketed citation the renderer will turn into a note,
    ``"narrative"`` for an ``@key`` outside brackets (a citation when the key is in the
    bibliography, else printed as written), and ``"malformed"`` for a bracket with an
    ``@key`` the renderer cannot read (it prints as written; ``reason`` and ``hint`` say why).
    """

    key: str
    start: int  # offset of the key's '@' in the text (of the bracket, for "malformed")
    kind: str
    reason: str = ""
    hint: str = ""


def find_citations(text: str) -> list[Citation]:
    """Every citation key in a Markdown text, in order.

    Everything comes from the renderer's own parser (:func:`hooks.citations.parse_citations`)
    so the checker and the site always agree on what is a citation.
    """
    try:
        from hooks.citations import parse_citations, unreadable_citations
    except ImportError:  # the renderer is missing or broken: fall back to an approximation
        return _approximate_citations(text)
    found: list[Citation] = []
    for citation in parse_citations(text):
        kind = "cite" if text[citation.start] == "[" else "narrative"
        cursor = citation.start
        for key in citation.keys:
            at = _key_offset(text, key, cursor, citation.end)
            found.append(Citation(key, at, kind))
            cursor = at + 1
    for problem in unreadable_citations(text):
        keys = CITATION_KEY.search(text, problem.start, problem.end)
        key = (keys.group("braced") or keys.group("key")) if keys else ""
        found.append(Citation(key, problem.start, "malformed", problem.reason, problem.hint))
    return sorted(found, key=lambda citation: citation.start)


def _approximate_citations(text: str) -> list[Citation]:
    """Bracketed citation keys, found without the renderer."""
    masked = mask_code(text)
    found = []
    for bracket in BRACKET.finditer(masked):
        for key in CITATION_KEY.finditer(bracket.group("inner")):
            at = bracket.start("inner") + key.start() + key.group(0).index("@")
            found.append(Citation(key.group("braced") or key.group("key"), at, "cite"))
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
