"""Render the site's generated pages (lessons, tracks, glossary, home, bibliography) as Markdown.

The pages are Markdown, not HTML, so MkDocs and Material treat them like hand-written pages:
search indexes them, the citation and glossary extensions run on them, and links are checked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from hooks.model import Access, Curriculum, Lesson, Rights, Segment, Track

TEMPLATES = Path(__file__).parent / "templates"

RIGHTS_LABELS = {
    Rights.PUBLIC_DOMAIN: "In the public domain.",
    Rights.SHORT_QUOTATION: "Quoted in part, for study.",
}

ACCESS_LABELS = {
    Access.OPEN: "Free to read online",
    Access.LIBRARY: "Borrow from a library",
    Access.PURCHASE: "Buy or borrow a copy",
}


def _indent4(text: str) -> str:
    """Indent a Markdown block so it sits inside an admonition."""
    return "\n".join(("    " + line) if line.strip() else "" for line in text.strip().split("\n"))


def _yaml_str(text: str) -> str:
    """A YAML scalar that survives colons and quotes (JSON strings are valid YAML)."""
    return json.dumps(" ".join(text.split()), ensure_ascii=False)


def _blockquote(text: str) -> str:
    """Quote a Markdown block, blank lines included, so it stays one quotation."""
    return "\n".join(("> " + line).rstrip() for line in text.strip().split("\n"))


def _oneline(text: str) -> str:
    """Fold a value onto one line so it can follow a label inside a list or a box."""
    return " ".join(text.split())


def _capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def theme_label(tag: str) -> str:
    """A theme written as a slug (``mutual-aid``) reads as words ("Mutual aid") on the chips
    above a lesson's title and on the Themes page. A theme already written as words is kept as
    written, so proper nouns keep their capitals ("Black Panther Party")."""
    if not _SLUG.fullmatch(tag):
        return tag
    return _capitalize_first(tag.replace("-", " "))


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        autoescape=False,  # the templates produce Markdown; HTML values are escaped with |e
    )
    env.filters.update(
        indent4=_indent4,
        yaml_str=_yaml_str,
        capitalize_first=_capitalize_first,
        blockquote=_blockquote,
        oneline=_oneline,
        theme_label=theme_label,
    )
    return env


@dataclass(frozen=True)
class PacketLink:
    """A packet file a page links to, with what a facilitator needs to choose it."""

    href: str
    label: str
    pages: int


@dataclass(frozen=True)
class AgendaRow:
    clock: str
    segment: Segment


def clock_times(segments: Iterable[Segment], start: str) -> list[AgendaRow]:
    """Attach a wall-clock start time to each agenda segment."""
    moment = datetime.strptime(start, "%H:%M")
    rows = []
    for segment in segments:
        rows.append(AgendaRow(moment.strftime("%H:%M"), segment))
        moment += timedelta(minutes=segment.minutes)
    return rows


def hours(minutes: int) -> str:
    whole, rest = divmod(minutes, 60)
    text = f"{whole} h" if whole else ""
    return f"{text} {rest} min".strip() if rest else text


FACILITATOR_BLOCK = re.compile(r"^!!! facilitator\b", re.M)


def collapse_facilitator_blocks(body: str) -> str:
    """On the site, facilitator notes start closed so readers can skip them."""
    return FACILITATOR_BLOCK.sub("??? facilitator", body)


@dataclass
class PageBuilder:
    """Turns the curriculum model into the Markdown of every generated page.

    ``cite_entry`` renders a bibliography key as a Chicago bibliography entry (HTML);
    ``cited_keys`` lists the keys a Markdown text cites, in order of first citation;
    ``all_keys`` every key of the bibliography (for ``nocite: "@*"``).
    """

    curriculum: Curriculum
    cite_entry: Callable[[str], str]
    cited_keys: Callable[[str], list[str]]
    all_keys: Callable[[], list[str]] = list
    packets: dict[str, list[PacketLink]] = field(default_factory=dict)
    env: Environment = field(default_factory=environment)

    def lesson(self, lesson: Lesson) -> str:
        meta = lesson.meta
        tracks = [
            (track, track.lessons.index(lesson.id) + 1)
            for track in self.curriculum.course.tracks
            if lesson.id in track.lessons
        ]
        readings = [
            {
                "citation": self.cite_entry(reading.key),
                "locator": reading.locator,
                "required": reading.required,
                "minutes": reading.minutes,
                "access_label": ACCESS_LABELS[reading.access],
                "url": reading.url,
                "note": reading.note,
            }
            for reading in meta.readings
        ]
        keys = [*self.cited_keys(lesson.body), *self.listed_keys(lesson)]
        entries = {key: self.cite_entry(key) for key in keys}  # id="ref-KEY": citations link here
        sources = sorted(entries.items(), key=lambda item: _sort_text(item[1]))
        return self.env.get_template("lesson.md.j2").render(
            meta=meta,
            tracks=tracks,
            readings=readings,
            body=collapse_facilitator_blocks(lesson.body).strip(),
            key_terms=[self.curriculum.glossary[slug] for slug in meta.key_terms],
            agenda=clock_times(meta.agenda, self.curriculum.course.start_time),
            start_time=self.curriculum.course.start_time,
            sources=sources,
            packets=self.packets.get(lesson.id, []),
            handouts=[
                {
                    **handout.model_dump(),
                    "citation": self.cite_entry(handout.source),
                    "rights_label": RIGHTS_LABELS[handout.rights],
                }
                for handout in meta.handouts
            ],
            next_reading={
                **meta.next_reading.model_dump(),
                "citation": self.cite_entry(meta.next_reading.key),
            },
        )

    def listed_keys(self, lesson: Lesson) -> list[str]:
        """The works a lesson lists without citing them (``nocite``; ``@*``: every work)."""
        keys = lesson.meta.nocite_keys
        return self.all_keys() if "*" in keys else keys

    def track(self, track: Track) -> str:
        lessons = self.curriculum.track_lessons(track)
        total = sum(lesson.meta.duration for lesson in lessons)
        return self.env.get_template("track.md.j2").render(
            track=track,
            lessons=lessons,
            total_minutes=total,
            total_hours=hours(total),
            packets=self.packets.get(f"track:{track.id}", []),
        )

    def glossary(self, citation_for: Callable[[str, str], str]) -> str:
        """``citation_for(key, locator)`` returns the Markdown citation for a term's source."""
        terms = []
        for term in sorted(self.curriculum.glossary.values(), key=lambda t: t.term.lower()):
            users = [
                lesson
                for lesson in self.curriculum.ordered_lessons()
                if term.slug in lesson.meta.key_terms
            ]
            citation = citation_for(term.source, term.locator) if term.source else ""
            terms.append({**term.model_dump(), "citation": citation, "lessons": users})
        return self.env.get_template("glossary.md.j2").render(terms=terms)

    def home(self) -> str:
        course = self.curriculum.course
        tracks = []
        for track in course.tracks:
            lessons = self.curriculum.track_lessons(track)
            tracks.append(
                {
                    "track": track,
                    "lessons": lessons,
                    "total_minutes": sum(lesson.meta.duration for lesson in lessons),
                }
            )
        lessons = self.curriculum.ordered_lessons()  # none while every lesson is a draft
        first = course.tracks[0].lessons[0] if course.tracks else lessons[0].id if lessons else ""
        return self.env.get_template("home.md.j2").render(
            course=course, tracks=tracks, first_lesson_href=f"lessons/{first}.md" if first else ""
        )

    def tags(self) -> str:
        return self.env.get_template("tags.md.j2").render()

    def bibliography(self, entries: list[dict[str, object]]) -> str:
        return self.env.get_template("bibliography.md.j2").render(entries=entries)


def _sort_text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).lower()
