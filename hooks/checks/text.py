"""Positions in a text, and what the checks look for in any text, Markdown or YAML.

:class:`Lines` and :class:`Source` turn offsets into ``line:column``; :func:`mask_code` blanks
out code, which readers see literally; :func:`find_citations` finds citation keys as the site's
renderer reads them; :func:`unsafe_html` finds scripts, embeds and ``javascript:`` addresses.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator
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
EVENT_HANDLER = re.compile(r"<[A-Za-z][^<>]*?[\s/](on[a-z]+)\s*=", re.I)
_GAP = r"[\t\n\r{}]*"  # what a browser drops inside an address, and BibTeX's braces
SCRIPT_URL = re.compile(
    "|".join(_GAP.join(word) + _GAP + ":" for word in ("javascript", "vbscript"))
    + r"|\bdata\s*:\s*text/html",
    re.I,
)
ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def unsafe_html(
    source: Source, text: str, start: int = 0, value: str | None = None
) -> Iterator[Problem]:
    """Raw ``<script>``, ``<iframe>``, ``<object>``, ``<embed>``, ``<style>``, ``on…=``
    handlers and ``javascript:`` addresses in ``text`` (found at ``start`` in the source),
    also behind HTML entities (``&lt;script&gt;``, ``&#106;avascript:``). ``value`` is what
    the text means once read (a YAML scalar with its escapes such as ``\x3c`` decoded); what
    only it shows is reported at ``start``. An early, located warning: hooks/safety.py is
    what keeps the output safe."""
    decoded, where = _decode_entities(text)
    found = [(where[offset], message) for offset, message in _unsafe(decoded)]
    if not found and value is not None:
        found = [(0, message) for _, message in _unsafe(_decode_entities(value)[0])]
    hint = (
        "Lessons, the glossary, the course and the bibliography may not run code or embed "
        "other sites. Remove it, or describe it in words and link to it."
    )
    for offset, message in found:
        yield source.problem(start + offset, "E070", message, hint)


def _unsafe(text: str) -> Iterator[tuple[int, str]]:
    for match in UNSAFE_TAG.finditer(text):
        yield match.start(), f"raw <{match.group(1).lower()}> tag is not allowed"
    for match in EVENT_HANDLER.finditer(text):
        yield match.start(1), f"inline event handler '{match.group(1).lower()}=' is not allowed"
    for match in SCRIPT_URL.finditer(text):
        scheme = re.sub(r"[^a-z]", "", match.group(0).split(":")[0].lower())
        yield match.start(), f"'{scheme}:' addresses are not allowed"


def _decode_entities(text: str) -> tuple[str, list[int]]:
    """``text`` with HTML entities decoded, and for each character of it the offset in
    ``text`` it came from (one past the end for the end)."""
    pieces: list[str] = []
    where: list[int] = []
    last = 0
    for match in ENTITY.finditer(text):
        pieces.append(text[last : match.start()])
        where.extend(range(last, match.start()))
        decoded = html.unescape(match.group(0))
        pieces.append(decoded)
        where.extend([match.start()] * len(decoded))
        last = match.end()
    pieces.append(text[last:])
    where.extend(range(last, len(text) + 1))
    return "".join(pieces), where


# --------------------------------------------------------------------------- remote resources

_URL = r"""\s*(?:<([^<>\n]*)>|(["']?)([^\s"'()<>]+)\2?)"""
MD_IMAGE = re.compile(r"!\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(" + _URL)
MD_IMAGE_REF = re.compile(r"!\[([^\[\]]*)\](?:\[([^\[\]]*)\])?")
MD_REF_DEF = re.compile(r"^[ ]{0,3}\[([^\]]+)\]:[ \t]*<?([^\s>]+)", re.M)
LOADING_TAG = re.compile(
    r"<(img|source|video|audio|track|input|embed|object|iframe|frame|link|script|image|use"
    r"|body|table|td)\b[^>]*>",
    re.I,
)
LOADING_ATTRIBUTE = re.compile(
    r"""[\s/](src|srcset|poster|data|background|href|xlink:href)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""",
    re.I,
)
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)|@import\s+(["'])([^"']+)\3""", re.I)
REMOTE = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//|^(?:https?|ftp):", re.I)


def remote_resources(source: Source, text: str, start: int = 0) -> Iterator[Problem]:
    """Pictures, media, frames, fonts and styles that a page or packet would load from
    another host (Markdown images, ``src``/``srcset``/``poster`` and the like, CSS ``url()``
    and ``@import``), found at ``start`` in the source. A link a reader clicks is fine."""
    decoded, where = _decode_entities(text)
    found: list[tuple[int, str]] = []
    for match in MD_IMAGE.finditer(decoded):
        group = 1 if match.group(1) is not None else 3
        found.append((match.start(group), match.group(group)))
    definitions = {
        label.strip().lower(): (m.start(2), m.group(2))
        for m in MD_REF_DEF.finditer(decoded)
        for label in [m.group(1)]
    }
    for match in MD_IMAGE_REF.finditer(decoded):
        label = (match.group(2) or match.group(1)).strip().lower()
        if label in definitions and not decoded.startswith("(", match.end()):
            found.append(definitions[label])
    for tag in LOADING_TAG.finditer(decoded):
        name = tag.group(1).lower()
        for attribute in LOADING_ATTRIBUTE.finditer(tag.group(0)):
            kind = attribute.group(1).lower()
            if kind == "href" and name not in {"link", "use", "image"}:
                continue
            value = attribute.group(2).strip("\"'")
            urls = [part.split()[0] for part in value.split(",") if part.split()]
            if kind != "srcset":
                urls = [value]
            offset = tag.start() + attribute.start(2)
            found += [(offset, url) for url in urls]
    for match in CSS_URL.finditer(decoded):
        group = 2 if match.group(2) else 4
        found.append((match.start(group), match.group(group)))
    for offset, url in sorted(found):
        if REMOTE.match(url.strip()):
            yield source.problem(
                start + where[offset],
                "E071",
                f"'{url.strip()}' would be loaded from another host by every reader",
                "Pages and packets load nothing from other sites (privacy). Download the "
                "file into docs/assets/ (if its license allows) and use that copy, e.g. "
                "![A flyer](../assets/flyer.png) from a lesson; a link the reader clicks, "
                "[the flyer](https://...), is fine.",
            )
