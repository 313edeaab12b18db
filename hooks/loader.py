"""Read lessons, the course and the glossary from disk into the validated model.

Every problem becomes a :class:`SourceError` that names the file and line, so contributors see
``curriculum/lessons/x.md:12: objectives: field required`` instead of a Python traceback.
"""

from __future__ import annotations

import difflib
import functools
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from hooks.model import Course, Curriculum, GlossaryTerm, Lesson, LessonMeta

FENCE = "---"
MAX_SOURCE_BYTES = 4 * 1024 * 1024
"""The largest source file read (the whole real curriculum is under 1 MB): a link to
``/dev/zero`` or a runaway generated file stops with its name instead of filling memory."""
FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@functools.lru_cache(maxsize=4096)
def compose(text: str) -> yaml.Node | None:
    """Parse YAML text to a node tree, remembered: the loader and the checks both need the
    tree of every front matter, and parsing it once halves that work. Raises YAMLError."""
    return yaml.compose(text, Loader=FastLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a source file, located for an editor or a CI annotation."""

    path: str
    line: int
    message: str
    code: str = "E001"
    hint: str = ""
    column: int = 1
    level: str = "error"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class SourceError(Exception):
    """Raised when sources are invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 source file, turning encoding trouble into a located problem."""
    shown = display_path(path, root)
    try:
        raw = read_source_bytes(path)
    except OSError as error:
        raise SourceError([Problem(shown, 1, f"cannot read file: {error.strerror}")]) from None
    except UnreadableSource as error:
        hint = "Remove it, or replace it with the text file it stands for."
        raise SourceError([Problem(shown, 1, str(error), "E003", hint)]) from None
    if b"\x00" in raw:
        raise SourceError([Problem(shown, 1, "this is a binary file, not text", "E003")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(
            [
                Problem(
                    shown,
                    line,
                    "file is not valid UTF-8 text",
                    "E003",
                    "Save the file as UTF-8 in your editor.",
                )
            ]
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


class UnreadableSource(Exception):
    """A source that is not a regular file, or is larger than :data:`MAX_SOURCE_BYTES`."""


def read_source_bytes(path: Path, limit: int = MAX_SOURCE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A FIFO would block the read
    forever and a device (a link to ``/dev/zero``) never ends, so the file is opened without
    blocking, must be a regular file, and is read no further than ``limit``. Raises OSError
    or :class:`UnreadableSource`."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UnreadableSource(
                "this is not a regular file (a pipe, device or socket); only text files are read"
            )
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableSource(
            f"this file is larger than {limit // (1024 * 1024)} MB; sources are small text files"
        )
    return data


def display_path(path: Path, root: Path) -> str:
    if ".." not in path.parts:
        try:  # the usual case, a file found under root: no need to ask the file system
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Return (yaml text, body, line where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != FENCE:
        raise SourceError(
            [
                Problem(
                    shown,
                    1,
                    "a lesson must start with YAML front matter between '---' lines",
                    "E001",
                    "Put '---' on the first line, the fields, then '---' again.",
                )
            ]
        )
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise SourceError([Problem(shown, 1, "front matter is never closed with '---'", "E001")])


def parse_yaml(text: str, shown: str, first_line: int = 1) -> tuple[Any, yaml.Node | None]:
    """Parse YAML once (C parser when available), returning the data and its node tree."""
    try:
        node = compose(text)
        data = FastLoader("").construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise SourceError(
            [
                Problem(
                    shown,
                    line,
                    f"YAML syntax error: {problem}",
                    "E000",
                    "If a value contains a colon (:) or starts with a quote, wrap the whole "
                    "value in double quotes.",
                )
            ]
        ) from None
    except (ValueError, TypeError, AttributeError, RecursionError, OverflowError) as error:
        # PyYAML raises these for values it parses but cannot build (a date like 2025-13-45,
        # a bad !!tag, absurd nesting); the checks command finds the exact line.
        raise SourceError(
            [
                Problem(
                    shown,
                    first_line,
                    f"a value cannot be read: {error}",
                    "E000",
                    "Wrap dates and other unusual values in double quotes.",
                )
            ]
        ) from None
    return data, node


def node_line(node: yaml.Node | None, location: tuple[Any, ...], first_line: int) -> int:
    """Find the line of the YAML node at a pydantic error location (best effort)."""
    line = first_line + (node.start_mark.line if node else 0)
    for part in location:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == part:
                    line = first_line + key.start_mark.line
                    node = value
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = first_line + node.start_mark.line
        else:
            return line
    return line


def validation_problems(
    error: ValidationError,
    model: type[BaseModel],
    node: yaml.Node | None,
    shown: str,
    first_line: int,
    prefix: tuple[Any, ...] = (),
) -> Iterator[Problem]:
    """Turn pydantic's errors into located, plain-language problems."""
    for item in error.errors():
        location = tuple(part for part in item["loc"] if part != "__root__")
        line = node_line(node, prefix + location, first_line)
        field = ".".join(str(part) for part in location) or "front matter"
        kind = item["type"]
        if kind == "extra_forbidden":
            name = str(location[-1])
            known = list(_field_names(model, location[:-1]))
            guess = difflib.get_close_matches(name, known, n=1)
            hint = f"Did you mean '{guess[0]}'?" if guess else f"Known fields: {', '.join(known)}."
            yield Problem(shown, line, f"unknown field '{field}'", "E002", hint)
        elif kind == "missing":
            yield Problem(shown, line, f"required field '{field}' is missing", "E001")
        elif kind == "value_error" and "agenda minutes" in item["msg"]:
            line = node_line(node, (*prefix, "agenda"), first_line)
            yield Problem(
                shown,
                line,
                item["msg"].removeprefix("Value error, "),
                "E020",
                "Make the agenda segments' minutes add up to the duration.",
            )
        else:
            message = item["msg"].removeprefix("Value error, ")
            yield Problem(shown, line, f"{field}: {message}", "E001")


def _field_names(model: type[BaseModel], location: tuple[Any, ...]) -> Iterator[str]:
    """Names of the fields allowed at a location, for did-you-mean hints."""
    current: Any = model
    for part in location:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return
        annotation = field.annotation
        args = getattr(annotation, "__args__", ()) or (annotation,)
        current = next(
            (arg for arg in args if isinstance(arg, type) and issubclass(arg, BaseModel)), None
        )
        if current is None:
            return
    yield from current.model_fields


def load_lesson(path: Path, root: Path) -> Lesson:
    shown = display_path(path, root)
    text = read_text(path, root)
    front, body, body_line = split_front_matter(text, shown)
    data, node = parse_yaml(front, shown, first_line=2)
    if not isinstance(data, dict):
        raise SourceError([Problem(shown, 2, "front matter must be a set of 'field: value' lines")])
    try:
        meta = LessonMeta.model_validate(data)
    except ValidationError as error:
        raise SourceError(list(validation_problems(error, LessonMeta, node, shown, 2))) from None
    return Lesson(meta=meta, body=body, path=shown, body_line=body_line)


def load_course(path: Path, root: Path) -> Course:
    shown = display_path(path, root)
    data, node = parse_yaml(read_text(path, root), shown)
    try:
        return Course.model_validate(data)
    except ValidationError as error:
        raise SourceError(list(validation_problems(error, Course, node, shown, 1))) from None


def load_glossary(path: Path, root: Path) -> dict[str, GlossaryTerm]:
    shown = display_path(path, root)
    data, node = parse_yaml(read_text(path, root), shown)
    if not isinstance(data, list):
        raise SourceError([Problem(shown, 1, "the glossary must be a list of terms")])
    terms: dict[str, GlossaryTerm] = {}
    problems: list[Problem] = []
    for index, item in enumerate(data):
        try:
            term = GlossaryTerm.model_validate(item)
        except ValidationError as error:
            problems += validation_problems(error, GlossaryTerm, node, shown, 1, (index,))
            continue
        if term.slug in terms:
            line = node_line(node, (index,), 1)
            problems.append(Problem(shown, line, f"glossary slug '{term.slug}' is defined twice"))
        terms[term.slug] = term
    if problems:
        raise SourceError(problems)
    return terms


def load_curriculum(root: Path) -> Curriculum:
    """Load and cross-check everything under ``root/curriculum``; raise every problem at once."""
    folder = root / "curriculum"
    problems: list[Problem] = []
    lessons: dict[str, Lesson] = {}
    unreadable: set[str] = set()  # lessons already reported; tracks naming them say nothing more
    for path in sorted((folder / "lessons").glob("*.md")):
        try:
            lesson = load_lesson(path, root)
        except SourceError as error:
            problems += error.problems
            unreadable.add(path.stem)
            continue
        if lesson.id in lessons:
            problems.append(
                Problem(
                    lesson.path,
                    2,
                    f"lesson id '{lesson.id}' is already used by {lessons[lesson.id].path}",
                    "E004",
                )
            )
        lessons[lesson.id] = lesson
    course = glossary = None
    try:
        course = load_course(folder / "course.yml", root)
    except SourceError as error:
        problems += error.problems
    try:
        glossary = load_glossary(folder / "glossary.yml", root)
    except SourceError as error:
        problems += error.problems
    if course is not None:
        problems += track_problems(
            course,
            lessons,
            unreadable,
            display_path(folder / "course.yml", root),
            folder / "course.yml",
        )
    if glossary is not None:
        problems += key_term_problems(lessons, glossary, root)
    if problems:
        raise SourceError(problems)
    assert course is not None and glossary is not None
    return Curriculum(course=course, lessons=lessons, glossary=glossary)


def track_problems(
    course: Course, lessons: dict[str, Lesson], unreadable: set[str], shown: str, path: Path
) -> Iterator[Problem]:
    """Tracks must name existing lessons, each once, after their prerequisites."""
    _, node = parse_yaml(read_text(path, path.parent), shown)
    first_of: dict[str, int] = {}  # track id -> its first line
    for track_index, track in enumerate(course.tracks):
        line = node_line(node, ("tracks", track_index, "id"), 1)
        if track.id in first_of:  # the second would silently replace the first on the site
            yield Problem(
                shown,
                line,
                f"track id '{track.id}' is already used by the track on line {first_of[track.id]}",
                "E004",
                "Every track needs its own id: change the 'id:' of one of them.",
            )
        first_of.setdefault(track.id, line)
        for position, lesson_id in enumerate(track.lessons):
            line = node_line(node, ("tracks", track_index, "lessons", position), 1)
            if lesson_id in unreadable:
                continue
            if lesson_id not in lessons:
                guess = difflib.get_close_matches(lesson_id, list(lessons), n=1)
                yield Problem(
                    shown,
                    line,
                    f"track '{track.id}' names unknown lesson '{lesson_id}'",
                    "E010",
                    f"Did you mean '{guess[0]}'?"
                    if guess
                    else "Lesson ids are the 'id:' fields in curriculum/lessons/*.md.",
                )
                continue
            if lesson_id in track.lessons[:position]:
                yield Problem(shown, line, f"track '{track.id}' lists '{lesson_id}' twice", "E010")
            for needed in lessons[lesson_id].meta.prerequisites:
                if needed in unreadable:
                    continue  # reported in its own file; it is a lesson, just not a valid one
                if needed not in lessons:
                    yield Problem(
                        lessons[lesson_id].path,
                        2,
                        f"prerequisite '{needed}' is not a lesson",
                        "E010",
                    )
                elif needed in track.lessons and track.lessons.index(needed) > position:
                    yield Problem(
                        shown,
                        line,
                        f"in track '{track.id}', '{lesson_id}' comes before"
                        f" its prerequisite '{needed}'",
                        "E012",
                    )


def key_term_problems(
    lessons: dict[str, Lesson], glossary: dict[str, GlossaryTerm], root: Path
) -> Iterator[Problem]:
    for lesson in lessons.values():
        for slug in lesson.meta.key_terms:
            if slug not in glossary:
                guess = difflib.get_close_matches(slug, list(glossary), n=1)
                text = read_text(root / lesson.path, root)
                line = next(
                    (
                        number
                        for number, content in enumerate(text.split("\n"), 1)
                        if slug in content and number < lesson.body_line
                    ),
                    2,
                )
                yield Problem(
                    lesson.path,
                    line,
                    f"key term '{slug}' is not in the glossary",
                    "E040",
                    f"Did you mean '{guess[0]}'?"
                    if guess
                    else "Add it to curriculum/glossary.yml or fix the slug.",
                )
