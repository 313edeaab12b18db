"""Printable study-group packets: PDF per session and per track, rendered with WeasyPrint.

Packets are built from the validated lesson model (never from Material's HTML) through the
project's own Jinja2 print templates and print CSS in ``hooks/templates/print/``:

* per session, a *participant* and a *facilitator* edition (the facilitator one adds the run
  sheet with clock times, the materials checklist, timing advice, the body's
  ``!!! facilitator`` blocks and each activity's guidance; the participant edition has none of
  it), on Letter and A4, plus a large-print edition (ACB guidelines) and a saddle-stitched
  booklet (half-letter pages imposed 2-up on Letter sheets);
* per track, a course packet (cover, contents with page numbers, how to use, group agreements,
  every session, glossary, bibliography, an anonymous feedback form) in both editions.

**Why WeasyPrint is pinned to exactly 70.0** (``requirements.lock``): every release since 66.0
can silently drop a footnote body while still printing its call (research/print.md §2.4; the
66.0 change "report footnotes when text overflows because of orphans"). 65.1, the last release
without the loss, has URL-fetcher CVEs. So we use 70.0 with a fetcher that refuses everything
outside the project (:class:`ProjectFetcher`), and :mod:`hooks.pdfcheck` checks every note of
every packet after layout: a lost note, or one more than a page from its call, fails the build.
When the guard flags a note, the paragraph holding its call is allowed a one-line orphan and
widow and the packet is laid out again (:func:`relax_paragraphs`, at most ``MAX_ATTEMPTS``
layouts). 70.0 also has a floating-point slip in its footnote-area overflow test that, on some
page heights (A4 here), pushes every later note on and leaves one line per page;
:func:`patch_weasyprint` fixes that for exactly 70.0. Rendering can change with any release, so
bump the pin deliberately: rebuild every packet (``bench/bench_packets.py``), read the guard's
report and check whether the patch is still needed before changing it.

Everything is cached by content hash: an unchanged rebuild only copies files. Renders run in
parallel processes. Files are written atomically, and only after every packet succeeded.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import functools
import gc
import hashlib
import html
import itertools
import json
import logging
import math
import os
import re
import shutil
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import markdown
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from hooks.cachefile import write_atomically
from hooks.model import Curriculum, GlossaryTerm, Grouping, Lesson, SegmentKind
from hooks.pages import ACCESS_LABELS, RIGHTS_LABELS, PacketLink, clock_times, hours
from hooks.pdfcheck import (
    NotePlacement,
    anchor_pages,
    document_font_names,
    find_leaks,
    placement,
)
from hooks.safety import clean_html

log = logging.getLogger("mkdocs.plugins.hooks.packets")

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates" / "print"
FONTS = Path("docs") / "assets" / "fonts"
CACHE_FORMAT = "1"

PROJECT_FONTS = ("Source-Serif-4", "Atkinson-Hyperlegible")  # PDF names of docs/assets/fonts
EDITIONS = ("participant", "facilitator")
STYLES = ("standard", "large-print", "booklet")


@dataclass(frozen=True)
class Paper:
    name: str
    label: str
    size: str  # CSS page size of a normal packet page
    margin: str
    booklet_size: str  # half the sheet: two booklet pages side by side make one sheet
    booklet_margin: str
    height_mm: float
    booklet_height_mm: float


PAPERS = {
    "letter": Paper(
        "letter",
        "Letter",
        "8.5in 11in",
        "0.8in 0.75in 0.85in 0.75in",
        "5.5in 8.5in",
        "0.55in 0.5in 0.6in 0.5in",
        279.4,
        215.9,
    ),
    "a4": Paper(
        "a4",
        "A4",
        "210mm 297mm",
        "20mm 19mm 22mm 19mm",
        "148mm 210mm",
        "14mm 13mm 15mm 13mm",
        297.0,
        210.0,
    ),
}
LARGE_PRINT_MARGIN = "1in"  # ACB: one-inch margins all round

GROUPING_LABELS = {
    Grouping.SOLO: "On your own",
    Grouping.PAIRS: "In pairs",
    Grouping.SMALL_GROUPS: "In small groups",
    Grouping.WHOLE_GROUP: "As a whole group",
}
KIND_LABELS = {
    "opening": "Opening",
    "experience": "Experience",
    "input": "Input",
    "activity": "Activity",
    "discussion": "Discussion",
    "break": "Break",
    "closing": "Closing",
}


# ------------------------------------------------------------------------------------- errors


class PacketError(Exception):
    """A packet could not be built. ``str()`` is ``file: message`` (file relative to the root).

    Nothing partial is left behind when this is raised.
    """

    def __init__(self, file: str, message: str) -> None:
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:  # survives the trip back from a worker process
        return (PacketError, (self.file, self.message))


class RefusedURL(Exception):
    """The print renderer tried to read something outside the project."""


# -------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class PacketSpec:
    """One PDF to build. ``key`` is what the site links from: a lesson id or ``track:<id>``."""

    key: str
    lessons: tuple[str, ...]
    edition: str = "participant"
    paper: str = "letter"
    style: str = "standard"
    title: str = ""  # for custom packets

    def __post_init__(self) -> None:
        if self.edition not in EDITIONS:
            raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {self.edition!r}")
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {', '.join(STYLES)}, not {self.style!r}")
        if not self.lessons:
            raise ValueError("a packet needs at least one lesson")

    @property
    def scope(self) -> str:
        if self.key.startswith("track:"):
            return "track"
        return "lesson" if len(self.lessons) == 1 and self.key == self.lessons[0] else "custom"

    @property
    def stem(self) -> str:
        name = self.key.replace("track:", "track-") if self.scope != "custom" else "custom"
        parts = [name, self.edition] if self.style == "standard" else [name, self.style]
        if self.style == "large-print" and self.edition == "facilitator":
            parts.append("facilitator")
        return "-".join([*parts, self.paper])

    @property
    def filename(self) -> str:
        return self.stem + ".pdf"

    @property
    def label(self) -> str:
        paper = PAPERS[self.paper].label
        if self.style == "large-print":
            kind = "Large print" + (", facilitator" if self.edition == "facilitator" else "")
        elif self.style == "booklet":
            kind = "Booklet" + (", facilitator" if self.edition == "facilitator" else "")
        else:
            kind = self.edition.capitalize()
        return f"{kind} · {paper}"


def plan(curriculum: Curriculum) -> list[PacketSpec]:
    """The packets a site build publishes (92 files for 10 lessons and 3 tracks).

    Per lesson, on Letter and on A4 alike (groups outside North America print on A4):
    participant and facilitator editions, large print and a booklet (participant; half-letter
    pages on Letter sheets, A5 on A4). Per track: the course packet, both editions, Letter and
    A4.
    """
    specs = []
    for lesson in curriculum.ordered_lessons():
        ids = (lesson.id,)
        for edition in EDITIONS:
            for paper in PAPERS:
                specs.append(PacketSpec(lesson.id, ids, edition, paper))
        for style in ("large-print", "booklet"):
            for paper in PAPERS:
                specs.append(PacketSpec(lesson.id, ids, "participant", paper, style))
    for track in curriculum.course.tracks:
        for edition in EDITIONS:
            for paper in PAPERS:
                specs.append(PacketSpec(f"track:{track.id}", tuple(track.lessons), edition, paper))
    return specs


# -------------------------------------------------------------------- Markdown -> print HTML


FACILITATOR_BLOCK = re.compile(
    r"^(?:!!!|\?\?\?\+?) facilitator\b[^\n]*\n(?:[ \t]*\n|(?: {4}|\t)[^\n]*\n)*", re.M
)
FACILITATOR_TITLE = re.compile(r'^(?:!!!|\?\?\?\+?) facilitator\b(?:\s+"([^"]*)")?', re.M)


def strip_facilitator_blocks(body: str) -> str:
    """Remove every ``!!! facilitator`` admonition (header and indented body) entirely."""
    return FACILITATOR_BLOCK.sub("", body if body.endswith("\n") else body + "\n")


class MarkdownConverter:
    """Markdown (with ``[@key]`` citations and ``[^x]`` notes) -> print HTML.

    In print mode every note, citation or author footnote, is emitted inline at its call as
    ``<span class="footnote">…</span>``; :func:`number_notes` then gives it ids for the guard.
    When the project's citation extension (:mod:`hooks.citations`) is importable it does the
    work, so the notes read exactly as on the site (same Chicago forms). Otherwise a plain
    fallback is used that prints the citation key and locator (the tests do not depend on it).
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.engine = "fallback"
        self._converted: dict[str, str] = {}
        self._ext: Any = None
        self._sources: Callable[[Sequence[str]], str] | None = None
        self._entry: Callable[[str], str] | None = None
        self._cited: Callable[[str], list[str]] | None = None
        self._all: Callable[[], list[str]] = list
        with contextlib.suppress(ImportError):
            self._setup_citations()

    def _setup_citations(self) -> None:
        from hooks import citations
        from hooks.bibliography import Bibliography, bibliography_paths
        from hooks.chicago import style

        config = citation_config(self.root)
        options = {k: v for k, v in config.items() if k in CITATION_OPTIONS}
        edition = options.get("edition", "chicago-17")
        headline = bool(options.get("headline", False))

        def bibliography() -> Bibliography:
            return Bibliography.load_all(
                bibliography_paths(options["bibliography"]), options.get("cache_dir") or None
            )

        self._ext = lambda: citations.CitationExtension(**{**options, "mode": "print"})
        self._entry = lambda key: style(edition, headline=headline).bibliography_entry(
            bibliography()[key]
        )
        self._sources = lambda keys: citations.render_sources(
            keys, bibliography(), edition, headline
        )
        self._cited = lambda text: citations.cited_keys(text, bibliography())
        self._all = lambda: list(bibliography())
        self.engine = "citations"

    # -- the swappable part ------------------------------------------------------------------

    def convert(self, text: str) -> str:
        """Block-level Markdown -> HTML with inline note spans.

        Each text is converted once per process: the result depends only on the text (every
        conversion gets a fresh Markdown instance), and the editions and papers of a lesson
        share most of theirs (objectives, readings, questions, terms, activities).
        """
        if text not in self._converted:
            if self._ext is not None:
                md = markdown.Markdown(
                    extensions=[*BASE_EXTENSIONS, self._ext()],
                    extension_configs=EXTENSION_CONFIGS,
                )
                self._converted[text] = md.convert(text)
            else:
                self._converted[text] = _fallback_convert(text)
        return self._converted[text]

    def inline(self, text: str) -> str:
        """One line of Markdown -> HTML without the surrounding paragraph."""
        out = self.convert(text).strip()
        if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
            out = out[3:-4]
        return out

    def entry(self, key: str) -> str:
        """A bibliography entry (Chicago) as HTML."""
        if self._entry is not None:
            return clean_html(self._entry(key))
        return f'<span class="bib-key">{html.escape(key)}</span>'

    def sources(self, keys: Sequence[str]) -> str:
        """A ``<ul class="sources">`` of the bibliography entries of ``keys``, alphabetised."""
        if self._sources is not None:
            return clean_html(self._sources(list(keys)))
        entries = sorted((self.entry(key) for key in dict.fromkeys(keys)), key=_sort_text)
        items = "".join(f"<li>{entry}</li>" for entry in entries)
        return f'<ul class="sources">{items}</ul>' if items else ""

    def all_keys(self) -> list[str]:
        """Every key of the bibliography (for ``nocite: "@*"``)."""
        return self._all()

    def cited_keys(self, text: str) -> list[str]:
        if self._cited is not None:
            return list(self._cited(text))
        return list(dict.fromkeys(CITE_KEY.findall(_citation_groups(text))))


CITATION_OPTIONS = ("bibliography", "edition", "ibid", "headline", "cache_dir")
BASE_EXTENSIONS = [
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    "pymdownx.superfences",
    "smarty",
    "hooks.safety",  # last: no script, handler or unsafe link reaches a packet
]
EXTENSION_CONFIGS: dict[str, Any] = {}
CITATION = re.compile(r"\[(?=[^\]]*@)([^\[\]]+)\]")
CITE_KEY = re.compile(r"@([A-Za-z0-9][\w:.#$%&+?<>~/-]*)")


def _citation_groups(text: str) -> str:
    return " ".join(match.group(1) for match in CITATION.finditer(text))


def citation_config(root: Path, *, absolute: bool = True) -> dict[str, Any]:
    """The citation extension's settings from ``mkdocs.yml`` (paths made absolute)."""
    import yaml

    config: dict[str, Any] = {"bibliography": "bibliography.bib"}
    try:
        text = (root / "mkdocs.yml").read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_IgnoreTagsLoader) or {}
    except (OSError, yaml.YAMLError):
        data = {}
    for item in data.get("markdown_extensions", []) or []:
        if isinstance(item, dict) and "hooks.citations" in item:
            config.update(item["hooks.citations"] or {})
    if absolute and isinstance(config.get("bibliography"), list):  # several files
        config["bibliography"] = [str(root / path) for path in config["bibliography"]]
    for name in ("bibliography", "cache_dir"):
        value = config.get(name)
        if absolute and isinstance(value, str) and not Path(value).is_absolute():
            config[name] = str(root / value)
    return config


class _IgnoreTagsLoader:  # a SafeLoader that tolerates mkdocs' !ENV / !relative tags
    def __new__(cls, stream: str) -> Any:
        import yaml

        loader = yaml.SafeLoader(stream)
        loader.add_multi_constructor("", lambda _loader, _suffix, _node: None)
        return loader


def _fallback_convert(text: str) -> str:
    """Markdown -> HTML with notes as inline spans, without the citation engine."""
    definitions: dict[str, str] = {}

    def take_definition(match: re.Match[str]) -> str:
        body = re.sub(r"\n(?: {4}|\t)", "\n", match.group(2)).strip()
        definitions[match.group(1)] = body
        return ""

    text = re.sub(
        r"^\[\^([^\]]+)\]:[ \t]*(.*(?:\n(?: {4}|\t).*|\n[ \t]*(?=\n(?: {4}|\t)))*)",
        take_definition,
        text,
        flags=re.M,
    )
    notes: list[str] = []

    def placeholder(html_text: str) -> str:
        notes.append(html_text)
        return f"\x02{len(notes) - 1}\x03"

    def cite(match: re.Match[str]) -> str:
        return placeholder(html.escape(match.group(1).replace("@", "").strip()) + ".")

    text = CITATION.sub(cite, text)
    text = re.sub(
        r"\[\^([^\]]+)\]",
        lambda m: placeholder(_inline_md(definitions.get(m.group(1), m.group(1)))),
        text,
    )
    out = markdown.markdown(text, extensions=BASE_EXTENSIONS)
    return re.sub(
        r"\x02(\d+)\x03", lambda m: f'<span class="footnote">{notes[int(m.group(1))]}</span>', out
    )


def _inline_md(text: str) -> str:
    out = markdown.markdown(text).strip()
    return out[3:-4] if out.startswith("<p>") and out.endswith("</p>") else out


def _sort_text(html_text: str) -> str:
    return re.sub(r"<[^>]+>", "", html_text).lower()


# -------------------------------------------------------- note ids, endnotes, facilitator ids

NOTE_OPEN = re.compile(r'<span\b[^>]*\bclass="(?:[^"]*\s)?footnote(?:\s[^"]*)?"[^>]*>')
SPAN_TAG = re.compile(r"<(/?)span\b[^>]*>")
ID_ATTR = re.compile(r'\sid="[^"]*"')


LOOSE_PUNCTUATION = re.compile(r"\s+([.,;:!?])(?=<span\b[^>]*\bclass=\"footnote)")


def note_spans(text: str) -> list[tuple[int, int, int]]:
    """(start, content start, end) of every outermost note span, nested spans balanced."""
    spans = []
    position = 0
    while match := NOTE_OPEN.search(text, position):
        depth, cursor = 1, match.end()
        while depth:
            tag = SPAN_TAG.search(text, cursor)
            if tag is None:
                raise ValueError("a footnote <span> is never closed")
            depth += -1 if tag.group(1) else 1
            cursor = tag.end()
        spans.append((match.start(), match.end(), cursor))
        position = cursor
    return spans


def number_notes(text: str, namespace: str, *, endnotes: bool = False) -> tuple[str, list[str]]:
    """Give every note span its ids: ``fnref-<ns>-<n>`` at the call, ``fn-<ns>-<n>`` on the note.

    With ``endnotes`` (large print) each note becomes a numbered link at its call and the note
    bodies are returned, to be printed at the end of the session.
    """
    # The citation engine moves punctuation in front of a note, but keeps a line break that
    # preceded the citation ("themselves\n.¹⁵" prints "themselves .¹⁵"): close the gap.
    text = LOOSE_PUNCTUATION.sub(r"\1", text)
    out, bodies, last = [], [], 0
    for number, (start, inner, end) in enumerate(note_spans(text), 1):
        opening = ID_ATTR.sub("", text[start:inner])
        content = text[inner : end - len("</span>")]
        call_id, note_id = f"fnref-{namespace}-{number}", f"fn-{namespace}-{number}"
        out.append(text[last:start])
        if endnotes:
            out.append(f'<a class="noteref" id="{call_id}" href="#{note_id}">{number}</a>')
            bodies.append(f'<li id="{note_id}" value="{number}">{content}</li>')
        else:
            out.append(
                f'<a class="fn-call" id="{call_id}"></a>'
                f'{opening[:-1]} id="{note_id}">{content}</span>'
            )
        last = end
    out.append(text[last:])
    return "".join(out), bodies


FACILITATOR_DIV = re.compile(r'<div class="admonition facilitator"(?! id=)')


def facilitator_ids(text: str, namespace: str) -> str:
    counter = iter(range(1, 10_000))
    return FACILITATOR_DIV.sub(
        lambda _m: f'<div class="admonition facilitator" id="{namespace}-fac-{next(counter)}"', text
    )


ARTICLE = re.compile(r'<article class="lesson" id="lesson-([a-z0-9-]+)"')
SECTION_NS = re.compile(r'<section class="(glossary|bibliography)"')


def finish_notes(document: str, *, endnotes: bool) -> str:
    """Number the notes of each session (and the back matter) separately."""
    cuts = sorted(
        [(m.start(), m.group(1)) for m in ARTICLE.finditer(document)]
        + [(m.start(), m.group(1)) for m in SECTION_NS.finditer(document)]
    )
    pieces, last, namespace = [], 0, "front"
    for start, next_namespace in [*cuts, (len(document), "")]:
        chunk = document[last:start]
        numbered, bodies = number_notes(chunk, namespace, endnotes=endnotes)
        marker = f"<!--endnotes:{namespace}-->"
        if endnotes and bodies:
            section = (
                '<section class="endnotes" id="' + namespace + '-endnotes"><h2>Endnotes</h2>'
                '<ol class="endnote-list">' + "".join(bodies) + "</ol></section>"
            )
            numbered = (
                numbered.replace(marker, section) if marker in numbered else numbered + section
            )
        pieces.append(numbered)
        last, namespace = start, next_namespace
    return "".join(pieces)


# -------------------------------------------------------------------------- packet contents


@functools.cache  # compiling the templates cost as much as rendering them, for every packet
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=False,
    )


def lesson_context(
    curriculum: Curriculum,
    lesson: Lesson,
    md: MarkdownConverter,
    *,
    facilitator: bool,
    start_time: str,
    number: int | None = None,
) -> dict[str, Any]:
    meta = lesson.meta
    body = lesson.body if facilitator else strip_facilitator_blocks(lesson.body)
    body_html = md.convert(body)
    body_html = facilitator_ids(body_html, lesson.id)
    fac_titles = [title or "Facilitator note" for title in FACILITATOR_TITLE.findall(lesson.body)]
    activity_anchor = {a.id: f"{lesson.id}-handout-{a.id}" for a in meta.activities}
    rows = clock_times(meta.agenda, start_time or "00:00")
    end_clock = _add_minutes(rows[-1].clock, meta.agenda[-1].minutes) if start_time else ""
    offsets = [0, *itertools.accumulate(segment.minutes for segment in meta.agenda)]
    choice = question_choice(meta)
    cited = md.cited_keys(
        "\n".join(
            [
                lesson.body if facilitator else body,
                *[
                    a.instructions + ("\n" + a.facilitator_guidance if facilitator else "")
                    for a in meta.activities
                ],
                *(meta.timing_advice,) * facilitator,
            ]
        )
    )
    listed = md.all_keys() if "*" in meta.nocite_keys else meta.nocite_keys  # nocite
    source_keys = list(
        dict.fromkeys(
            [
                *cited,
                *(reading.key for reading in meta.readings),
                *(handout.source for handout in meta.handouts),
                meta.next_reading.key,
                *listed,
            ]
        )
    )
    handout_anchor = [f"{lesson.id}-source-{index}" for index, _ in enumerate(meta.handouts, 1)]
    places = []
    for track in curriculum.course.tracks:
        if lesson.id in track.lessons:
            places.append(
                {
                    "track": track.title,
                    "number": track.lessons.index(lesson.id) + 1,
                    "count": len(track.lessons),
                }
            )
    parts = []
    if facilitator:
        parts.append((f"{lesson.id}-run-sheet", "Run sheet: agenda, materials, timing"))
    parts += [
        (f"{lesson.id}-before", "Before the session: objectives and readings"),
        (f"{lesson.id}-text", "The lesson text"),
        (f"{lesson.id}-discussion", "Discussion questions, key points and closing"),
    ]
    for a in meta.activities:  # its card sheet and worksheet follow it: one line on the cover
        extras = [*(["cards"] if a.cards else []), *(["worksheet"] if a.worksheet else [])]
        suffix = f" (with {' and '.join(extras)})" if extras else ""
        parts.append((activity_anchor[a.id], f"Handout: {a.title}{suffix}"))
    if handout_anchor:  # one line on the cover, however many sources: the cover is one page
        count = len(handout_anchor)
        parts.append((handout_anchor[0], f"Primary source{'s' * (count > 1)} ({count})"))
    if meta.key_terms:
        parts.append((f"{lesson.id}-terms", "Key terms"))
    if source_keys:
        parts.append((f"{lesson.id}-sources", "Sources"))
    parts.append((f"{lesson.id}-notes", "Notes page and feedback form"))  # one line: see above
    return {
        "id": lesson.id,
        "path": lesson.path,
        "number": number,
        "title": meta.title,
        "summary_html": md.inline(meta.summary),
        "length": hours(meta.duration),
        "duration": meta.duration,
        "places": places,
        "content_notes": meta.content_notes,
        "authors": meta.authors,
        "license": license_label(meta.license),
        "objectives_html": [md.inline(item) for item in meta.objectives],
        "questions_html": [md.inline(item) for item in meta.questions],
        "readings": [
            {
                "entry_html": md.entry(reading.key),
                "locator": reading.locator,
                "required": reading.required,
                "minutes": reading.minutes,
                "access_label": ACCESS_LABELS[reading.access],
                "url": reading.url,
                "note_html": md.inline(reading.note) if reading.note else "",
            }
            for reading in meta.readings
        ],
        "body_html": body_html,
        "discussion": [
            (tier, [(md.inline(q), q in choice.suggested) for q in items])
            for tier, items in meta.discussion_questions.tiers()
        ],
        "choice": choice,
        "activities": [
            {
                "id": a.id,
                "anchor": activity_anchor[a.id],
                "title": a.title,
                "minutes": a.minutes,
                "grouping": GROUPING_LABELS[a.grouping],
                "materials": a.materials,
                "materials_html": [md.inline(item) for item in a.materials],
                "instructions_html": md.convert(
                    a.instructions if facilitator else strip_facilitator_blocks(a.instructions)
                ),
                "cards": [
                    {"title_html": md.inline(card.title), "text_html": md.inline(card.text)}
                    for card in a.cards
                ],
                "worksheet": {
                    "title": a.worksheet.title,
                    "columns": a.worksheet.columns,
                    "rows": a.worksheet.rows,
                }
                if a.worksheet
                else None,
                "guidance_html": md.convert(a.facilitator_guidance)
                if facilitator and a.facilitator_guidance.strip()
                else "",
            }
            for a in meta.activities
        ],
        "key_points_html": [md.inline(point) for point in meta.key_points],
        "exit_question_html": md.inline(meta.exit_question),
        "next_reading": {
            "entry_html": md.entry(meta.next_reading.key),
            "locator": meta.next_reading.locator,
            "note_html": md.inline(meta.next_reading.note) if meta.next_reading.note else "",
        },
        "primary_sources": [
            {
                "anchor": anchor,
                "title": handout.title,
                "excerpt_html": md.convert(handout.excerpt),
                "entry_html": md.entry(handout.source),
                "locator": handout.locator,
                "rights": RIGHTS_LABELS[handout.rights],
                "note_html": md.inline(handout.note) if handout.note else "",
            }
            for anchor, handout in zip(handout_anchor, meta.handouts, strict=True)
        ],
        "key_terms": [
            _term(curriculum.glossary[slug], md)
            for slug in meta.key_terms
            if slug in curriculum.glossary
        ],
        "sources_html": md.sources(source_keys) if source_keys else "",
        "cited": cited,
        "agenda": [
            {
                "clock": row.clock if start_time else "",
                "offset": _offset(offset),
                "discussion": row.segment.kind is SegmentKind.DISCUSSION,
                "minutes": row.segment.minutes,
                "title": row.segment.title,
                "kind": KIND_LABELS[row.segment.kind.value],
                "handout_id": activity_anchor.get(row.segment.activity or "", ""),
                "script_html": md.convert(row.segment.script) if row.segment.script else "",
                "prompt_html": md.inline(row.segment.prompt) if row.segment.prompt else "",
            }
            for row, offset in zip(rows, offsets, strict=False)
        ],
        "end_clock": end_clock,
        "end_offset": _offset(offsets[-1]),
        "materials": [
            {"text_html": md.inline(item), "activity": a.title}
            for a in meta.activities
            for item in [*a.materials, *a.supplies]
        ],
        "timing_advice_html": md.convert(meta.timing_advice)
        if facilitator and meta.timing_advice.strip()
        else "",
        "facilitator_notes": [
            {"id": f"{lesson.id}-fac-{index}", "title": title}
            for index, title in enumerate(fac_titles, 1)
        ]
        if facilitator
        else [],
        "parts": [{"id": anchor, "title": title} for anchor, title in parts],
    }


def _term(term: GlossaryTerm, md: MarkdownConverter) -> dict[str, Any]:
    return {
        "term": term.term,
        "aliases": term.aliases,
        "definition_html": md.inline(term.definition),
    }


MINUTES_PER_QUESTION = (6, 8)
"""A group question takes about six to eight minutes of talk once a few people have spoken."""


@dataclass(frozen=True)
class QuestionChoice:
    """How many of a session's discussion questions its discussion time allows, and which.

    Derived from the agenda's discussion minutes, so a lesson never hard-codes it: when there
    are more questions than time, the run sheet and the question page say "choose 2 to 3" and
    mark the ones to start with, taken in turn from each tier (experience, readings, action).
    """

    minutes: int
    count: int
    low: int
    high: int
    suggested: frozenset[str]

    @property
    def needed(self) -> bool:
        return self.count > self.high

    @property
    def span(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}\u2013{self.high}"


def question_choice(meta: Any) -> QuestionChoice:
    """The :class:`QuestionChoice` for one lesson's metadata."""
    minutes = sum(s.minutes for s in meta.agenda if s.kind is SegmentKind.DISCUSSION)
    tiers = [items for _, items in meta.discussion_questions.tiers()]
    count = sum(len(items) for items in tiers)
    fast, slow = MINUTES_PER_QUESTION
    low = max(1, minutes // slow)
    high = max(low, minutes // fast)
    in_turn = [
        items[depth] for depth in range(max(map(len, tiers), default=0))
        for items in tiers if depth < len(items)
    ]  # fmt: skip
    suggested = frozenset(in_turn[:low]) if count > high else frozenset()
    return QuestionChoice(minutes, count, low, high, suggested)


def _offset(minutes: int) -> str:
    """Time from the start of the session, as printed on a run sheet: ``+1:05``."""
    return f"+{minutes // 60}:{minutes % 60:02d}"


def _add_minutes(clock: str, minutes: int) -> str:
    hour, minute = map(int, clock.split(":"))
    total = (hour * 60 + minute + minutes) % (24 * 60)
    return f"{total // 60:02d}:{total % 60:02d}"


def license_label(code: str) -> str:
    return {"CC-BY-SA-4.0": "CC BY-SA 4.0", "CC-BY-4.0": "CC BY 4.0"}.get(code, code)


def packet_html(
    curriculum: Curriculum, spec: PacketSpec, md: MarkdownConverter, start_time: str
) -> str:
    """The complete HTML document of one packet (before WeasyPrint).

    ``start_time`` ("HH:MM") prints clock times on the run sheets; empty, they print times from
    the start (+0:10) beside a blank clock column to fill in by hand.
    """
    return packet_document(curriculum, spec, md, start_time)[0]


def packet_document(
    curriculum: Curriculum, spec: PacketSpec, md: MarkdownConverter, start_time: str
) -> tuple[str, dict[str, Any]]:
    """The HTML of one packet and the labels its page margins need."""
    course = curriculum.course
    facilitator = spec.edition == "facilitator"
    lessons = []
    for number, lesson_id in enumerate(spec.lessons, 1):
        lesson = curriculum.lessons[lesson_id]
        try:
            lessons.append(
                lesson_context(
                    curriculum,
                    lesson,
                    md,
                    facilitator=facilitator,
                    start_time=start_time,
                    number=number if spec.scope != "lesson" else None,
                )
            )
        except PacketError:
            raise
        except Exception as error:
            raise PacketError(lesson.path, f"cannot prepare the packet: {error}") from None
    paper = PAPERS[spec.paper]
    edition_label = "Facilitator edition" if facilitator else "Participant edition"
    if spec.style == "large-print":
        edition_label = "Large print · " + edition_label
    track = course.track(spec.key.removeprefix("track:")) if spec.scope == "track" else None
    if spec.scope == "lesson":
        heading = lessons[0]["title"]
        title = f"{heading} ({edition_label.lower()}, {paper.label})"
        summary = curriculum.lessons[spec.lessons[0]].meta.summary
    else:
        heading = track.title if track else (spec.title or "Selected sessions")
        title = f"{course.title}: {heading} ({edition_label.lower()}, {paper.label})"
        summary = track.description if track else " · ".join(item["title"] for item in lessons)
    authors = list(dict.fromkeys(a for item in lessons for a in item["authors"]))
    glossary_slugs = dict.fromkeys(
        slug for lesson_id in spec.lessons for slug in curriculum.lessons[lesson_id].meta.key_terms
    )
    glossary = sorted(
        (curriculum.glossary[slug] for slug in glossary_slugs if slug in curriculum.glossary),
        key=lambda t: t.term.lower(),
    )
    cited = list(
        dict.fromkeys(
            [key for item in lessons for key in item["cited"]]
            + [
                reading.key
                for lesson_id in spec.lessons
                for reading in curriculum.lessons[lesson_id].meta.readings
            ]
        )
    )
    body_class = " ".join(
        [spec.edition, spec.paper, spec.style, "booklet" if spec.style == "booklet" else ""]
    ).strip()
    doc = {
        "scope": spec.scope,
        "course": course,
        "title": title,
        "heading": heading,
        "summary": " ".join(summary.split()),
        "description": " ".join(summary.split()),
        "keywords": sorted(
            {tag for lesson_id in spec.lessons for tag in curriculum.lessons[lesson_id].meta.tags}
        ),
        "generator": f"{course.title} packet builder",
        "authors": authors,
        "license": license_label(curriculum.lessons[spec.lessons[0]].meta.license),
        "lessons": lessons,
        "facilitator": facilitator,
        "edition_label": edition_label,
        "footer_label": edition_label + (" · not for handing out" if facilitator else ""),
        "paper_label": paper.label if spec.style != "booklet" else f"{paper.label} booklet",
        "style": spec.style,
        "running": course.title if spec.scope == "lesson" else f"{course.title} · {heading}",
        "body_class": body_class,
        "start_time": start_time,
        "total_length": hours(sum(item["duration"] for item in lessons)),
        "glossary": [_term(term, md) for term in glossary] if spec.scope != "lesson" else [],
        "bibliography_html": md.sources(cited) if spec.scope != "lesson" and cited else "",
        "answer_lines": answer_lines(spec),
        "notes_lines": notes_lines(spec),
    }
    document = _env().get_template("packet.html.j2").render(doc=doc)
    if not facilitator and "admonition facilitator" in document:
        raise PacketError(
            error_file(curriculum, spec), "facilitator material in a participant packet"
        )
    labels = {"running": doc["running"], "footer": doc["footer_label"], "title": title}
    return finish_notes(document, endnotes=spec.style == "large-print"), labels


def answer_lines(spec: PacketSpec) -> int:
    if spec.edition == "facilitator":
        return 2
    return 3


def notes_lines(spec: PacketSpec) -> int:
    """Ruled lines that fill one notes page below its heading."""
    paper = PAPERS[spec.paper]
    if spec.style == "large-print":
        height, margins, heading, rule = paper.height_mm, 2 * 25.4, 20.0, 14.0
    elif spec.style == "booklet":
        height, margins, heading, rule = (
            paper.booklet_height_mm,
            _margin_mm(paper.booklet_margin),
            14.0,
            8.0,
        )
    else:
        height, margins, heading, rule = paper.height_mm, _margin_mm(paper.margin), 15.0, 9.0
    return max(4, int((height - margins - heading - 4) // rule))


def _margin_mm(margin: str) -> float:
    values = [_length_mm(value) for value in margin.split()]
    top, bottom = values[0], values[2] if len(values) > 2 else values[0]
    return top + bottom


def _length_mm(value: str) -> float:
    number = float(re.sub(r"[a-z]+$", "", value))
    return number * 25.4 if value.endswith("in") else number


def css_string(text: str) -> str:
    """A CSS string literal."""
    return (
        '"'
        + "".join(ch if ch.isalnum() or ch in " .,:;·()'-" else f"\\{ord(ch):x} " for ch in text)
        + '"'
    )


def page_css(spec: PacketSpec, running: str = "", footer: str = "") -> str:
    """Page size and margins for the paper, and the running head and foot texts."""
    paper = PAPERS[spec.paper]
    if spec.style == "booklet":
        size, margin = paper.booklet_size, paper.booklet_margin
    elif spec.style == "large-print":
        size, margin = paper.size, LARGE_PRINT_MARGIN
    else:
        size, margin = paper.size, paper.margin
    css = f"@page {{ size: {size}; margin: {margin}; }}"
    if spec.style == "large-print":
        return css  # large-print.css: page number top right, nothing else
    if spec.style == "booklet":  # a half-letter page has room for one running head only
        css += "@page { @top-left { content: none } @top-right { width: 100% } }"
    elif running:
        css += f"@page {{ @top-left {{ content: {css_string(running)} }} }}"
    if footer:
        css += (
            f"@page {{ @bottom-left {{ content: {css_string(footer)} }} }}"
            f"@page front-cover {{ @top-left {{ content: none }} "
            f"@bottom-right {{ content: {css_string(footer)} }} }}"
        )
    return css


# ---------------------------------------------------------------------------------- rendering


def patch_weasyprint() -> bool:
    """Work around a floating-point comparison in WeasyPrint 70's footnote layout.

    ``LayoutContext._update_footnote_area`` reports overflow when the last note's bottom is
    greater than the footnote area's bottom, and the two sums can differ by ~1e-13 px for some
    page heights and ``@footnote`` paddings (A4 in our print CSS). Then every later note on the
    page counts as overflowing and is pushed on, and with ``footnote-policy: line`` each page
    holds one line and one note: a 13-page session becomes 50 pages with notes two pages from
    their calls (the guard catches it). This copy of the method differs only in comparing with
    a 1e-6 px tolerance. It is applied to exactly 70.0 (the pinned version) and nothing else;
    any other version runs unpatched and the footnote guard still checks every page.
    """
    import weasyprint
    from weasyprint.layout import LayoutContext, block_level_layout, build

    if weasyprint.__version__ != "70.0":
        return False
    if getattr(LayoutContext, "_packets_patched", False):
        return True

    def _update_footnote_area(self: Any) -> bool:
        if self.current_footnote_area.height != "auto" and not self.in_column:
            self.page_bottom += self.current_footnote_area.margin_height()
        self.current_footnote_area.children = self.current_page_footnotes
        if self.current_footnote_area.children:
            footnote_area = build.create_anonymous_boxes(self.current_footnote_area.deepcopy())
            footnote_area = block_level_layout(
                self, footnote_area, -math.inf, None, self.current_footnote_area.page
            )[0]
            self.current_footnote_area.height = footnote_area.height
            if not self.in_column:
                self.page_bottom -= footnote_area.margin_height()
            last_child = footnote_area.children[-1]
            last_child_bottom = (
                last_child.position_y + last_child.margin_height() - last_child.margin_bottom
            )
            footnote_area_bottom = (
                footnote_area.position_y
                + footnote_area.margin_height()
                - footnote_area.margin_bottom
            )
            return last_child_bottom > footnote_area_bottom + FOOTNOTE_TOLERANCE
        self.current_footnote_area.height = 0
        if not self.in_column:
            self.page_bottom -= self.current_footnote_area.margin_height()
        return False

    LayoutContext._update_footnote_area = _update_footnote_area
    LayoutContext._packets_patched = True
    return True


FOOTNOTE_TOLERANCE = 1e-6  # CSS px; layout rounding noise is ~1e-13


class ProjectFetcher:
    """WeasyPrint URL fetcher that only reads files inside the project (plus ``data:`` URLs).

    http(s), other schemes and any path outside the project root are refused, and a refusal
    stops the render (``fail_on_errors``), so a packet never depends on the network or leaks
    a read of the machine's files.
    """

    def __new__(cls, root: Path) -> Any:
        from weasyprint import URLFetcher

        class _Fetcher(URLFetcher):
            def __init__(self, base: Path) -> None:
                super().__init__(
                    allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True
                )
                self.root = base.resolve()

            def fetch(self, url: str, headers: Any = None) -> Any:
                check_url(url, self.root)
                return super().fetch(url, headers)

        return _Fetcher(root)


def check_url(url: str, root: Path) -> None:
    """Raise :class:`RefusedURL` unless ``url`` is a data: URL or a file inside ``root``."""
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "data":
        return
    if scheme != "file":
        raise RefusedURL(f"refused to fetch {url!r}: packets may only use files in the project")
    path = Path(unquote(urlsplit(url).path)).resolve()
    if not path.is_relative_to(root.resolve()):
        raise RefusedURL("refused to read a file outside the project")


@dataclass
class RenderState:
    """Per-process rendering state: fonts are loaded once and reused for every packet."""

    curriculum: Curriculum
    root: Path
    start_time: str
    converter: MarkdownConverter
    _styles: dict[str, Any] = field(default_factory=dict)
    _fonts: Any = None
    _fetcher: Any = None

    def stylesheets(
        self, spec: PacketSpec, labels: dict[str, str] | None = None
    ) -> tuple[list[Any], Any, Any]:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        if self._fonts is None:
            self._fonts = FontConfiguration()
            self._fetcher = ProjectFetcher(self.root)
            fonts_dir = self.root / FONTS
            self._styles["fonts"] = CSS(
                string=(fonts_dir / "fonts.css").read_text(encoding="utf-8"),
                base_url=fonts_dir.as_uri() + "/",
                font_config=self._fonts,
                url_fetcher=self._fetcher,
            )
            for name in ("print", "large-print"):
                self._styles[name] = CSS(
                    string=(TEMPLATES / f"{name}.css").read_text(encoding="utf-8"),
                    base_url=TEMPLATES.as_uri() + "/",
                    font_config=self._fonts,
                    url_fetcher=self._fetcher,
                )
        sheets = [self._styles["fonts"], self._styles["print"]]
        if spec.style == "large-print":
            sheets.append(self._styles["large-print"])
        labels = labels or {}
        margins = page_css(spec, labels.get("running", ""), labels.get("footer", ""))
        sheets.append(CSS(string=margins, font_config=self._fonts, url_fetcher=self._fetcher))
        return sheets, self._fonts, self._fetcher

    def filler(self, spec: PacketSpec) -> bytes:
        """One unnumbered ruled notes page at booklet size, to pad a booklet to a multiple of 4."""
        from weasyprint import HTML

        key = f"filler-{spec.paper}"
        if key not in self._styles:
            sheets, fonts, fetcher = self.stylesheets(spec)
            blank = CSS_NO_MARGIN_TEXT
            rules = "".join('<div class="rule"></div>' for _ in range(notes_lines(spec)))
            page = (
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Notes</title>'
                '</head><body class="booklet"><section class="notes-page"><h2>Notes</h2>'
                f'<div class="write">{rules}</div></section></body></html>'
            )
            from weasyprint import CSS

            self._styles[key] = (
                HTML(string=page, base_url=TEMPLATES.as_uri() + "/filler.html", url_fetcher=fetcher)
                .render(
                    stylesheets=[*sheets, CSS(string=blank, font_config=fonts)], font_config=fonts
                )
                .write_pdf()
            )
        return self._styles[key]


CSS_NO_MARGIN_TEXT = (
    "@page { @top-left { content: none } @top-right { content: none }"
    " @bottom-left { content: none } @bottom-right { content: none } }"
)


def error_file(curriculum: Curriculum, spec: PacketSpec, note_id: str = "") -> str:
    """The source file to blame: the lesson whose note failed, the lesson, or course.yml."""
    for lesson_id in spec.lessons:
        if note_id.startswith(f"fn-{lesson_id}-") and lesson_id in curriculum.lessons:
            return curriculum.lessons[lesson_id].path
    if len(spec.lessons) == 1 and spec.lessons[0] in curriculum.lessons:
        return curriculum.lessons[spec.lessons[0]].path
    return "curriculum/course.yml"


RELAX = "orphans: 1; widows: 1"
BLOCK_OPEN = re.compile(r"<(?:p|li|dd|td|blockquote)\b[^>]*>")
MAX_ATTEMPTS = 4


def relax_paragraphs(document_html: str, note_ids: Iterable[str]) -> str:
    """Allow single-line orphans and widows in the paragraphs that hold these notes' calls.

    WeasyPrint 66+ can lose a note (or push it two pages on) while moving an orphan line to
    the next page (research/print.md §2.4); without the orphan rule for that one paragraph the
    note lands. Only the paragraphs the guard flagged are touched.
    """
    for note_id in note_ids:
        call = document_html.find(f'id="fnref-{note_id.removeprefix("fn-")}"')
        if call < 0:
            continue
        openings = list(BLOCK_OPEN.finditer(document_html, 0, call))
        if not openings or "orphans: 1" in openings[-1].group(0):
            continue
        opening = openings[-1]
        tag = opening.group(0)
        if ' style="' in tag:
            new_tag = tag.replace(' style="', f' style="{RELAX}; ', 1)
        else:
            new_tag = tag[:-1] + f' style="{RELAX}">'
        document_html = document_html[: opening.start()] + new_tag + document_html[opening.end() :]
    return document_html


@dataclass
class Rendered:
    """One packet after layout and checks: the PDF and what the report needs."""

    pdf: bytes
    pages: int
    notes: NotePlacement
    attempts: int
    title: str
    fonts: set[str]  # base names of the fonts in the PDF


def render(state: RenderState, spec: PacketSpec) -> tuple[bytes, dict[str, Any]]:
    """Render one packet to PDF bytes; return them with its page count and note report.

    The footnote guard runs after every layout. When it finds a lost or misplaced note, the
    paragraphs holding those calls are relaxed (:func:`relax_paragraphs`) and the packet is laid
    out again, up to ``MAX_ATTEMPTS`` times; if notes are still wrong the build fails.
    """
    patch_weasyprint()
    curriculum, blame = state.curriculum, error_file(state.curriculum, spec)
    document_html, labels = packet_document(curriculum, spec, state.converter, state.start_time)
    sheets, fonts, fetcher = state.stylesheets(spec, labels)
    relaxed: list[str] = []
    with captured_warnings() as warnings:
        result = _layout(state, spec, document_html, sheets, fonts, fetcher, relaxed, blame)
    foreign = sorted(name for name in result.fonts if not name.startswith(PROJECT_FONTS))
    if foreign:
        warnings.append(
            "some characters are not in the project's fonts and were set in "
            + ", ".join(foreign)
            + " (check docs/assets/fonts covers them)"
        )
    return result.pdf, {
        "pages": result.pages,
        "notes": asdict(result.notes),
        "relaxed": relaxed,
        "attempts": result.attempts,
        "title": result.title,
        "engine": state.converter.engine,
        "warnings": sorted(set(warnings)),
    }


def _layout(
    state: RenderState,
    spec: PacketSpec,
    document_html: str,
    sheets: list[Any],
    fonts: Any,
    fetcher: Any,
    relaxed: list[str],
    blame: str,
) -> Rendered:
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    curriculum = state.curriculum
    for attempt in range(1, MAX_ATTEMPTS + 1):
        source = relax_paragraphs(document_html, relaxed)
        try:
            document = HTML(
                string=source, base_url=TEMPLATES.as_uri() + "/packet.html", url_fetcher=fetcher
            ).render(stylesheets=sheets, font_config=fonts)
        except FatalURLFetchingError as error:
            reason = error.__cause__ or error
            raise PacketError(blame, f"cannot render the packet: {reason}") from None
        notes = check_notes(spec, document)
        if notes.ok:
            break
        flagged = notes.lost + [note for note, _, _ in notes.misplaced]
        if attempt == MAX_ATTEMPTS or set(flagged) <= set(relaxed):
            raise PacketError(
                error_file(curriculum, spec, flagged[0]),
                f"{spec.filename}: " + "; ".join(notes.problems()),
            )
        relaxed += [note for note in flagged if note not in relaxed]
    title = document.metadata.title
    pdf = document.write_pdf(
        pdf_variant="pdf/ua-1",
        pdf_identifier=_identifier(document_html),
        finisher=compress_streams_once,
    )
    pages = len(document.pages)
    if spec.style == "booklet":
        authors = ", ".join(document.metadata.authors or [])
        pdf, pages = impose(pdf, title, authors, state.filler(spec))
    leaks = find_leaks(pdf, state.root)
    if leaks:
        raise PacketError(blame, "the PDF would reveal machine details: " + "; ".join(leaks))
    return Rendered(pdf, pages, notes, attempt, title, document_font_names(document))


def compress_streams_once(_document: Any, pdf: Any) -> None:
    """WeasyPrint ``finisher``: deflate every stream once, before pydyf writes the file.

    pydyf 0.13 deflates a stream (zlib level 9) each time its ``data`` is read, and with a file
    identifier it reads every object twice: to write it, then to hash the file for the /ID. That
    doubled the cost of compression. Here each stream's bytes are joined and deflated once, with
    the same settings, and stored as already filtered data, so the file is byte for byte what
    pydyf would have written (``tests/test_packets.py`` checks this). pydyf's own object and
    xref streams are still made by pydyf.
    """
    import pydyf

    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress:
            data = b"\n".join(pydyf._to_bytes(item) for item in obj.stream)
            compressor = zlib.compressobj(level=9)
            obj.stream = [compressor.compress(data) + compressor.flush()]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


SUBSETTING_FALLBACK = "Using fontTools instead of HarfBuzz-Subset"
"""WeasyPrint's warning, once per font of every packet, on a machine without the
HarfBuzz-Subset library (Debian's libharfbuzz-subset0). fontTools subsets the same fonts, more
slowly: the PDF is right, so this is no content problem and no build warning (under --strict
the 196 of them stopped the build); :func:`build_all` says it once, as information."""


@contextlib.contextmanager
def captured_warnings() -> Any:
    """Collect WeasyPrint's warnings (a missing glyph prints as a box on paper) for the report,
    instead of letting them scroll past on a worker's stderr."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if str(record.msg).startswith(SUBSETTING_FALLBACK):
                messages.append(SUBSETTING_FALLBACK)  # told once per build, not per font
            else:
                messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler, propagate = Collect(logging.WARNING), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def check_notes(spec: PacketSpec, document: Any) -> NotePlacement:
    """The footnote guard on a laid-out packet (endnotes in large print: existence only)."""
    notes = placement(anchor_pages(document))
    if spec.style == "large-print":  # endnotes: only existence matters, distance is expected
        notes = NotePlacement(
            total=notes.total, same_page=notes.total - len(notes.lost), lost=notes.lost
        )
    return notes


def _identifier(text: str) -> bytes:
    return hashlib.sha256(text.encode()).hexdigest()[:32].encode()


def impose(pdf: bytes, title: str, authors: str, filler_pdf: bytes) -> tuple[bytes, int]:
    """Impose booklet pages for saddle stitching, padding with ruled notes pages."""
    from hooks.booklet import impose_saddle

    with tempfile.TemporaryDirectory(prefix="packet-") as scratch:
        source, target = Path(scratch) / "pages.pdf", Path(scratch) / "booklet.pdf"
        source.write_bytes(pdf)
        filler = Path(scratch) / "filler.pdf"
        filler.write_bytes(filler_pdf)
        sides = impose_saddle(
            source,
            target,
            filler=filler,
            metadata={
                "/Title": title + " (imposed for printing)",
                "/Author": authors,
                "/Producer": "pypdf",
            },
        )
        return target.read_bytes(), sides


# ------------------------------------------------------------------------- cache and workers


def _file_digest(paths: Iterable[Path], base: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.relative_to(base).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def toolchain_digest(root: Path) -> str:
    """Everything about *how* packets are made: code, templates, fonts, engine versions."""
    code = [
        HERE / name
        for name in (
            "packets.py",
            "booklet.py",
            "pdfcheck.py",
            "citations.py",
            "bibliography.py",
            "latexmath.py",
            "safety.py",
        )
    ] + sorted((HERE / "chicago").glob("*.py"))  # the Chicago package, every module
    files = [p for p in code if p.exists()] + sorted(TEMPLATES.glob("*"))
    fonts = sorted(p for p in (root / FONTS).rglob("*") if p.is_file())
    versions = []
    for package in (
        "weasyprint",
        "pydyf",
        "pypdf",
        "markdown",
        "pymdown-extensions",
        "pybtex",
        "nh3",
    ):
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    digest = hashlib.sha256("|".join([CACHE_FORMAT, *versions]).encode())
    digest.update(_file_digest(files, HERE.parent).encode())
    digest.update(_file_digest(fonts, root).encode())
    bibliography = root / "bibliography.bib"
    digest.update(bibliography.read_bytes() if bibliography.exists() else b"")
    # only the parts of other modules and settings that change a packet, so unrelated edits
    # to pages.py or mkdocs.yml do not force every packet to be rendered again
    digest.update(
        json.dumps([citation_config(root, absolute=False), ACCESS_LABELS], sort_keys=True).encode()
    )
    return digest.hexdigest()


def spec_digest(curriculum: Curriculum, spec: PacketSpec, toolchain: str, start_time: str) -> str:
    """Content hash of everything one packet is made from."""
    digest = hashlib.sha256(toolchain.encode())
    digest.update(json.dumps([asdict(spec), start_time]).encode())
    digest.update(curriculum.course.model_dump_json().encode())
    for lesson_id in spec.lessons:
        lesson = curriculum.lessons[lesson_id]
        digest.update(lesson.model_dump_json().encode())
        for slug in lesson.meta.key_terms:
            term = curriculum.glossary.get(slug)
            digest.update(term.model_dump_json().encode() if term else slug.encode())
    return digest.hexdigest()[:24]


def _atomic_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".part", dir=target.parent
    )
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


_STATE: RenderState | None = None


def _init_worker(curriculum: Curriculum, root: Path, start_time: str) -> None:
    global _STATE
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    patch_weasyprint()
    _STATE = RenderState(curriculum, root, start_time, MarkdownConverter(root))


def _init_pool_worker(curriculum: Curriculum, root: Path, start_time: str) -> None:
    _init_worker(curriculum, root, start_time)
    atexit.register(_close_state)


def _close_state() -> None:
    """Let go of this process's render state while Python is still whole.

    WeasyPrint's font configuration copies the project's fonts into a temporary folder and
    removes it when it is freed. Freed at interpreter teardown (a worker's exit) or left frozen
    (see :func:`_freeze_survivors`), it cannot, so every build left ~660 KB in the temp folder.
    """
    global _STATE
    _STATE = None
    gc.unfreeze()
    gc.collect()


def _render_job(spec: PacketSpec, cache_pdf: Path) -> dict[str, Any]:
    """Render into the cache (atomically); return the packet's record. Runs in a worker."""
    assert _STATE is not None
    try:
        pdf, record = render(_STATE, spec)
    except PacketError:
        raise
    except Exception as error:  # never a traceback: name the file and the reason
        raise PacketError(
            error_file(_STATE.curriculum, spec), f"{spec.filename}: {type(error).__name__}: {error}"
        ) from None
    write_atomically(cache_pdf, pdf)
    write_atomically(cache_pdf.with_suffix(".json"), json.dumps(record))
    _freeze_survivors()
    return record


def _freeze_survivors() -> None:
    """Free the packet's garbage, then exempt every object still alive from later collections.

    A render allocates millions of short-lived objects, so Python runs a full collection about
    once a packet, and each one also walked every long-lived object of the process (imported
    modules, fonts, parsed CSS, hyphenation dictionaries, the curriculum): an empty full
    collection took ~80 ms. That was ~15% of the render time; with the survivors frozen after
    each packet it is ~7%. Refcounting still frees frozen objects; only cycles among them wait
    for :func:`gc.unfreeze`, which the in-process build calls when it is done.
    """
    gc.collect()
    gc.freeze()


@dataclass
class BuildResult:
    """What a build did. ``links`` is what the site shows; the rest is for reports."""

    links: dict[str, list[PacketLink]]
    files: dict[str, Path]
    notes: NotePlacement
    rendered: int
    cached: int
    seconds: float
    pages: int

    def summary(self) -> str:
        return (
            f"{len(self.files)} packets, {self.pages} pages ({self.rendered} rendered, "
            f"{self.cached} from cache) in {self.seconds:.1f} s; {self.notes.summary()}"
        )


def build_all(
    curriculum: Curriculum,
    root: Path,
    out_dir: Path,
    cache_dir: Path,
    *,
    specs: Sequence[PacketSpec] | None = None,
    start_time: str | None = None,
    workers: int = 2,
    href_prefix: str = "packets/",
) -> BuildResult:
    """Build (or copy from the cache) every packet in ``specs`` (default :func:`plan`) into
    ``out_dir``. Raises :class:`PacketError`; then nothing new is written to ``out_dir``."""
    started = time.perf_counter()
    root = root.resolve()
    specs = list(specs if specs is not None else plan(curriculum))
    # Without a start time the run sheets print times from the start (+0:10) beside a blank
    # clock column: the published packets are used by groups that meet at any hour.
    start = start_time or ""
    if start and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", start):
        raise PacketError("--start-time", f"start time {start!r} is not HH:MM")
    for spec in specs:
        for lesson_id in spec.lessons:
            if lesson_id not in curriculum.lessons:
                raise PacketError("curriculum/course.yml", f"no lesson with id {lesson_id!r}")
    toolchain = toolchain_digest(root)
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache_of = {
        spec: cache_dir / f"{spec.stem}.{spec_digest(curriculum, spec, toolchain, start)}.pdf"
        for spec in specs
    }
    todo = [
        spec
        for spec in specs
        if not (cache_of[spec].exists() and cache_of[spec].with_suffix(".json").exists())
    ]
    _render_all(curriculum, root, start, todo, cache_of, workers)

    links: dict[str, list[PacketLink]] = {}
    files: dict[str, Path] = {}
    notes, total_pages, fallback = NotePlacement(), 0, False
    for spec in specs:
        record = json.loads(cache_of[spec].with_suffix(".json").read_text())
        links.setdefault(spec.key, []).append(
            PacketLink(f"{href_prefix}{spec.filename}", spec.label, record["pages"])
        )
        notes = notes.merge(NotePlacement(**record["notes"]))
        total_pages += record["pages"]
        for message in record.get("warnings", []):
            if message.startswith(SUBSETTING_FALLBACK):
                fallback = True
                continue
            log.warning("%s: %s: %s", error_file(curriculum, spec), spec.filename, message)
    for spec in specs:  # every render succeeded: publish
        files[spec.filename] = out_dir / spec.filename
        _atomic_copy(cache_of[spec], files[spec.filename])
    _prune(cache_dir, {path.name for path in cache_of.values()}, {spec.stem for spec in specs})
    result = BuildResult(
        links,
        files,
        notes,
        len(todo),
        len(specs) - len(todo),
        time.perf_counter() - started,
        total_pages,
    )
    log.info("packets: %s", result.summary())
    if fallback:
        log.info(
            "packets: fonts subset with fontTools (HarfBuzz-Subset is not installed; "
            "`apt-get install libharfbuzz-subset0` makes renders faster, the PDFs are the same)"
        )
    if notes.total and notes.next_page / notes.total > 0.05:
        log.info(
            "packets: %d of %d notes fall on the page after their call",
            notes.next_page,
            notes.total,
        )
    return result


def _render_all(
    curriculum: Curriculum,
    root: Path,
    start: str,
    todo: list[PacketSpec],
    cache_of: dict[PacketSpec, Path],
    workers: int,
) -> None:
    if not todo:
        return
    todo = sorted(todo, key=lambda spec: _expected_cost(curriculum, spec), reverse=True)
    if workers <= 1 or len(todo) == 1:
        _init_worker(curriculum, root, start)
        try:
            for spec in todo:
                _render_job(spec, cache_of[spec])
        finally:
            _close_state()  # this is the caller's process (MkDocs): hand its objects back
        return
    context = get_context("spawn")  # no fork: MkDocs' live-reload server runs threads
    with ProcessPoolExecutor(
        max_workers=min(workers, len(todo)),
        mp_context=context,
        initializer=_init_pool_worker,
        initargs=(curriculum, root, start),
    ) as pool:
        futures = [pool.submit(_render_job, spec, cache_of[spec]) for spec in todo]
        _done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in pending:
            future.cancel()
        for future in futures:
            if future.done() and not future.cancelled() and future.exception() is not None:
                error = future.exception()
                if isinstance(error, PacketError):
                    raise error
                raise PacketError(
                    "curriculum/course.yml",
                    f"a packet worker failed: {type(error).__name__}: {error}",
                )


def _expected_cost(curriculum: Curriculum, spec: PacketSpec) -> tuple[int, bool, bool, int]:
    """A sort key that orders packets by how long they take to render, roughly: course packets,
    then large print, facilitator editions and long lessons. Handing out the longest first means
    no worker is still busy with a long packet at the end while the other has nothing to do."""
    text = sum(len(curriculum.lessons[lesson_id].body) for lesson_id in spec.lessons)
    return len(spec.lessons), spec.style == "large-print", spec.edition == "facilitator", text


STALE_PARTIAL = 3600
"""Seconds after which a ``.*.part`` temporary in the cache belongs to a killed build (a
running build renames its own within the render of one packet)."""


def _prune(cache_dir: Path, keep: set[str], stems: set[str]) -> None:
    """Delete cached renders of these packets made from older inputs, and the half-written
    temporaries that killed builds left (never read, but they pile up)."""
    for path in cache_dir.glob("*.pdf"):
        stem = path.name.split(".", 1)[0]
        if stem in stems and path.name not in keep:
            path.unlink(missing_ok=True)
            path.with_suffix(".json").unlink(missing_ok=True)
    for path in cache_dir.rglob(".*.part"):
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > STALE_PARTIAL:
                path.unlink()


def build_packets(
    curriculum: Curriculum,
    root: Path,
    out_dir: Path,
    cache_dir: Path,
    *,
    start_time: str | None = None,
    workers: int = 2,
) -> dict[str, list[PacketLink]]:
    """Build every published packet into ``out_dir`` (the site's ``packets/`` folder).

    Returns the links for the site, keyed by lesson id and ``track:<id>``; hrefs are relative
    to the site root (``packets/<file>.pdf``). Raises :class:`PacketError`.
    """
    return build_all(
        curriculum, root, out_dir, cache_dir, start_time=start_time, workers=workers
    ).links


def build_custom_packet(
    curriculum: Curriculum,
    root: Path,
    lesson_ids: Sequence[str],
    edition: str,
    paper: str,
    out_path: Path,
    *,
    style: str = "standard",
    start_time: str | None = None,
    title: str = "",
    cache_dir: Path | None = None,
) -> PacketLink:
    """One packet of the chosen sessions, in the given order (``make packet``)."""
    ids = tuple(lesson_ids)
    unknown = [lesson_id for lesson_id in ids if lesson_id not in curriculum.lessons]
    if unknown:
        known = ", ".join(sorted(curriculum.lessons))
        raise PacketError(
            "curriculum/lessons", f"no lesson with id {', '.join(unknown)} (lessons: {known})"
        )
    try:
        spec = PacketSpec(ids[0] if len(ids) == 1 else "custom", ids, edition, paper, style, title)
    except ValueError as error:
        raise PacketError("packet options", str(error)) from None
    cache = cache_dir or root / ".cache" / "packets"
    result = build_all(
        curriculum,
        root,
        out_path.parent,
        cache,
        specs=[spec],
        start_time=start_time,
        workers=1,
        href_prefix="",
    )
    built = result.files[spec.filename]
    if built != out_path:
        os.replace(built, out_path)
    return PacketLink(out_path.name, spec.label, result.links[spec.key][0].pages)


# ---------------------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m hooks.packets [all|custom] ...``; prints clean errors, never tracebacks."""
    parser = argparse.ArgumentParser(prog="packets", description="Build printable packets.")
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="project root")
    commands = parser.add_subparsers(dest="command", required=True)
    every = commands.add_parser("all", help="build every published packet")
    every.add_argument("--out", type=Path, default=Path("site/packets"))
    every.add_argument("--cache", type=Path, default=Path(".cache/packets"))
    every.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    every.add_argument("--start-time", default=None)
    custom = commands.add_parser("custom", help="one packet of chosen sessions")
    custom.add_argument("lessons", nargs="+", help="lesson ids, in order")
    custom.add_argument("--edition", default="participant", choices=EDITIONS)
    custom.add_argument("--paper", default="letter", choices=list(PAPERS))
    custom.add_argument("--style", default="standard", choices=STYLES)
    custom.add_argument("--start-time", default=None)
    custom.add_argument("--title", default="")
    custom.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(list(argv) if argv is not None else None)

    from hooks.loader import SourceError, load_curriculum

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="warning: %(message)s")
    root = args.root.resolve()
    try:
        curriculum = load_curriculum(root)
        if args.command == "all":
            result = build_all(
                curriculum,
                root,
                _under(root, args.out),
                _under(root, args.cache),
                start_time=args.start_time,
                workers=args.workers,
            )
            print(result.summary())
        else:
            ids = [part for item in args.lessons for part in item.split()]
            spec_name = ids[0] if len(ids) == 1 else "custom"
            out = args.out or Path("packets") / (
                f"{spec_name}-{args.edition}-{args.style}-{args.paper}.pdf"
            )
            out = _under(root, out)
            link = build_custom_packet(
                curriculum,
                root,
                ids,
                args.edition,
                args.paper,
                out,
                style=args.style,
                start_time=args.start_time,
                title=args.title,
            )
            print(f"{_shown(out, root)}: {link.label}, {link.pages} pages")
    except SourceError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    except PacketError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"error: {error.strerror or error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


def _under(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


if __name__ == "__main__":  # run as hooks.packets, so worker processes share its classes
    from hooks.packets import main as _main

    sys.exit(_main())
