"""The lesson and course model: the one validated source every renderer reads.

Lessons are Markdown files with YAML front matter; the course and glossary are YAML files.
Everything is validated by pydantic models that forbid unknown fields, so a typo such as
``objective:`` is an error rather than silently ignored data.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
NOCITE_KEY = re.compile(r"(?<![\w@])@(?:\{([^{}]+)\}|(\*|\w(?:\w|[:.#$%&+?<>~/-](?=\w))*))")
"""A key in ``nocite`` (Pandoc's key grammar, as in :data:`hooks.citations.KEY`), or ``@*``."""
Minutes = Annotated[int, Field(gt=0, le=600)]


class Strict(BaseModel):
    """Base for every schema: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Access(StrEnum):
    """How a participant can get hold of a reading."""

    OPEN = "open"
    LIBRARY = "library"
    PURCHASE = "purchase"


class Reading(Strict):
    key: Text
    locator: str = ""
    required: bool = True
    minutes: Minutes | None = None
    access: Access
    url: str = ""
    note: str = ""


class SegmentKind(StrEnum):
    """The steps of a popular-education session, in the order a session usually runs."""

    OPENING = "opening"
    EXPERIENCE = "experience"
    INPUT = "input"
    ACTIVITY = "activity"
    DISCUSSION = "discussion"
    BREAK = "break"
    CLOSING = "closing"


ROUND = re.compile(r"\b(pairs?|rounds?|go-rounds?|check-ins?|check-outs?)\b", re.I)
"""Agenda titles that name a pair or round: each such segment needs the prompt people answer."""


class Segment(Strict):
    """One step of the agenda.

    An input segment carries its ``script`` (what the facilitator says, written to be read
    aloud), and a pair or round carries its ``prompt``, so a first-time facilitator can run
    the session from the page alone.
    """

    kind: SegmentKind
    minutes: Minutes
    title: Text
    activity: Slug | None = None
    prompt: str = ""
    script: str = ""

    def needs_prompt(self) -> bool:
        return self.kind is SegmentKind.EXPERIENCE or bool(ROUND.search(self.title))

    @model_validator(mode="after")
    def _runnable(self) -> Segment:
        if self.kind is SegmentKind.INPUT and not self.script.strip():
            raise ValueError(
                f"input segment {self.title!r} has no script: write what to say in its"
                f" {self.minutes} minutes under 'script:'"
            )
        if self.needs_prompt() and not self.prompt.strip():
            raise ValueError(
                f"segment {self.title!r} is a pair or round but has no prompt:"
                " write the question people answer under 'prompt:'"
            )
        return self


class Grouping(StrEnum):
    SOLO = "solo"
    PAIRS = "pairs"
    SMALL_GROUPS = "small-groups"
    WHOLE_GROUP = "whole-group"


class Card(Strict):
    """One card of an activity's cut-out set: printed in a grid with cut lines."""

    title: Text
    text: Text


class Worksheet(Strict):
    """A worksheet an activity fills in: printed as an empty table with these columns."""

    title: Text
    columns: list[Text] = Field(min_length=2, max_length=6)
    rows: Annotated[int, Field(gt=0, le=20)] = 4


class Activity(Strict):
    """One activity. ``materials`` are what participants work with (listed on their handout);
    ``supplies`` what the facilitator brings (markers, a timer: the facilitator's checklist
    only). ``cards`` and ``worksheet`` are printed as pages ready to photocopy and cut."""

    id: Slug
    title: Text
    minutes: Minutes
    grouping: Grouping
    materials: list[Text] = []
    supplies: list[Text] = []
    instructions: Text
    cards: list[Card] = []
    worksheet: Worksheet | None = None
    facilitator_guidance: str = ""


class DiscussionQuestions(Strict):
    opening: list[Text] = []
    analysis: list[Text] = []
    application: list[Text] = []

    def tiers(self) -> list[tuple[str, list[str]]]:
        """Non-empty tiers in teaching order, for renderers."""
        named = [
            ("Opening", self.opening),
            ("Analysis", self.analysis),
            ("Application", self.application),
        ]
        return [(name, items) for name, items in named if items]

    def count(self) -> int:
        return len(self.opening) + len(self.analysis) + len(self.application)


class Rights(StrEnum):
    """Why a handout may reproduce its excerpt."""

    PUBLIC_DOMAIN = "public-domain"
    SHORT_QUOTATION = "short-quotation"


class Handout(Strict):
    """A primary source printed for the group: its words, where they come from, and why we may."""

    title: Text
    source: Text
    locator: str = ""
    rights: Rights
    excerpt: Text
    note: str = ""


class NextReading(Strict):
    """The reading the closing names for next time."""

    key: Text
    locator: str = ""
    note: str = ""


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class LessonMeta(Strict):
    """The front matter of one lesson."""

    id: Slug
    title: Text
    summary: Text
    status: Status = Status.PUBLISHED
    duration: Minutes
    objectives: Annotated[list[Text], Field(min_length=2, max_length=5)]
    questions: Annotated[list[Text], Field(min_length=1, max_length=4)]
    key_terms: list[Slug] = []
    readings: list[Reading] = []
    agenda: Annotated[list[Segment], Field(min_length=1)]
    discussion_questions: DiscussionQuestions = DiscussionQuestions()
    activities: list[Activity] = []
    key_points: Annotated[list[Text], Field(min_length=3, max_length=5)]
    next_reading: NextReading
    exit_question: Text
    handouts: list[Handout] = []
    timing_advice: str = ""
    content_notes: list[Text] = []
    prerequisites: list[Slug] = []
    tags: list[Text] = []
    authors: Annotated[list[Text], Field(min_length=1)]
    license: Text = "CC-BY-SA-4.0"
    nocite: list[Text] = []
    """Pandoc's ``nocite``: works listed under "Sources" (and in the bibliography) without a
    note, as ``"@key"`` strings (``nocite: ["@a", "@b"]`` or ``nocite: "@a, @b"``); ``"@*"``
    lists every work in the bibliography."""

    @field_validator("nocite", mode="before")
    @classmethod
    def _nocite_may_be_one_string(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @property
    def nocite_keys(self) -> list[str]:
        """The keys ``nocite`` names, in order; ``"*"`` stands for every work."""
        return list(dict.fromkeys(m.group(1) or m.group(2) for text in self.nocite
                                  for m in NOCITE_KEY.finditer(text)))  # fmt: skip

    @model_validator(mode="after")
    def _agenda_adds_up(self) -> LessonMeta:
        total = sum(segment.minutes for segment in self.agenda)
        if total != self.duration:
            raise ValueError(f"agenda minutes add up to {total}, but duration is {self.duration}")
        activity_ids = {activity.id for activity in self.activities}
        for segment in self.agenda:
            if segment.activity and segment.activity not in activity_ids:
                raise ValueError(
                    f"agenda segment {segment.title!r} names activity {segment.activity!r},"
                    " which this lesson does not define"
                )
        return self


class Track(Strict):
    id: Slug
    title: Text
    description: Text
    lessons: Annotated[list[Slug], Field(min_length=1)]


class Course(Strict):
    title: Text
    subtitle: str = ""
    description: Text
    source: Text
    start_time: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = "18:30"
    tracks: Annotated[list[Track], Field(min_length=1)]

    def track(self, track_id: str) -> Track:
        return next(track for track in self.tracks if track.id == track_id)


class GlossaryTerm(Strict):
    slug: Slug
    term: Text
    definition: Text
    aliases: list[Text] = []
    source: str = ""
    locator: str = ""

    def forms(self) -> list[str]:
        """The spellings to mark as this term in running text (term first)."""
        return [self.term, *self.aliases]


class Lesson(BaseModel):
    """A lesson: its validated front matter, its Markdown body and where it came from."""

    model_config = ConfigDict(frozen=True)

    meta: LessonMeta
    body: str
    path: str
    body_line: int

    @property
    def id(self) -> str:
        return self.meta.id

    @property
    def word_count(self) -> int:
        """Words of explanatory prose, without facilitator blocks, notes or markup."""
        prose = re.sub(r"^!!! facilitator.*?(?=^\S|\Z)", "", self.body, flags=re.S | re.M)
        prose = re.sub(r"\[[^\]]*@[^\]]*\]", "", prose)
        return len(re.findall(r"[A-Za-z0-9\u2019']+", prose))


class Curriculum(BaseModel):
    """Everything the renderers need, validated together."""

    model_config = ConfigDict(frozen=True)

    course: Course
    lessons: dict[str, Lesson]
    glossary: dict[str, GlossaryTerm]

    def published(self) -> Curriculum:
        """The curriculum without draft lessons (and without tracks left empty by them)."""
        lessons = {k: v for k, v in self.lessons.items() if v.meta.status is Status.PUBLISHED}
        tracks = [
            track.model_copy(update={"lessons": [i for i in track.lessons if i in lessons]})
            for track in self.course.tracks
        ]
        course = self.course.model_copy(update={"tracks": [t for t in tracks if t.lessons]})
        return self.model_copy(update={"course": course, "lessons": lessons})

    def track_lessons(self, track: Track) -> list[Lesson]:
        return [self.lessons[lesson_id] for lesson_id in track.lessons]

    def ordered_lessons(self) -> list[Lesson]:
        """Every lesson once, in the order of the longest track, then the rest by id."""
        seen: dict[str, Lesson] = {}
        for track in sorted(self.course.tracks, key=lambda t: -len(t.lessons)):
            for lesson in self.track_lessons(track):
                seen.setdefault(lesson.id, lesson)
        for lesson_id in sorted(self.lessons):
            seen.setdefault(lesson_id, self.lessons[lesson_id])
        return list(seen.values())
