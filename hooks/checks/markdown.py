"""The Markdown checks: links and images (A101-A105), headings (A110, A111) and admonition
boxes (E050, E051), and the anchors (``#section`` ids) a page will have on the site.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify

from hooks.checks.codes import ADMONITIONS, UNINFORMATIVE
from hooks.checks.text import Lines, Source
from hooks.loader import Problem

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
