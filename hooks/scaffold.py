"""Start a new lesson: ``make new-lesson ID=… TITLE=…`` or ``curriculum new-lesson``.

Writes ``curriculum/lessons/ID.md`` from ``hooks/templates/new-lesson.md.j2`` (every field,
body stubs, ``status: draft``) and lists the lesson in a track named ``drafts`` in
``curriculum/course.yml``. The course file is edited as text, so its comments and layout stay
exactly as they were; the edit is checked by parsing the result before anything is written.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import ValidationError

from hooks.model import LessonMeta

TEMPLATES = Path(__file__).parent / "templates"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_ID_LENGTH = 60
DRAFTS = "drafts"
DRAFTS_TITLE = "Drafts"
DRAFTS_DESCRIPTION = "Lessons being written. They are not part of a course track yet."
FALLBACK_SOURCE = "brrn2025"
UNSAFE = re.compile(r"<\s*(script|iframe|object|embed|style)\b|\bon[a-z]+\s*=|javascript\s*:", re.I)


class ScaffoldError(Exception):
    """A reason not to create the lesson, in words for the person who asked."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class NewLesson:
    """What :func:`new_lesson` wrote."""

    lesson: Path
    course: Path
    created_drafts_track: bool


def check_id(lesson_id: str) -> None:
    """Refuse ids that are not short kebab-case slugs, with a suggestion."""
    if not lesson_id:
        raise ScaffoldError(
            "the lesson id is empty",
            'Give one with ID=..., e.g. make new-lesson ID=tenant-unions TITLE="Tenant Unions".',
        )
    if not ID_PATTERN.match(lesson_id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", lesson_id.lower()).strip("-")
        hint = "Use lower-case letters, digits and single hyphens, e.g. 'tenant-unions'."
        if suggestion and ID_PATTERN.match(suggestion):
            hint = f"Try '{suggestion}': lower-case letters, digits and single hyphens."
        raise ScaffoldError(f"'{lesson_id}' is not a valid lesson id", hint)
    if len(lesson_id) > MAX_ID_LENGTH:
        raise ScaffoldError(
            f"the lesson id is {len(lesson_id)} characters long",
            f"Keep it under {MAX_ID_LENGTH} characters: it becomes the lesson's web address.",
        )


def check_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ScaffoldError(
            "the lesson title is empty", 'Give one with TITLE="...", in quotes if it has spaces.'
        )
    if UNSAFE.search(title):
        raise ScaffoldError("the title contains HTML or JavaScript", "Titles are plain text.")
    if len(title) > 200:
        raise ScaffoldError(
            "the title is longer than 200 characters",
            "Use a short title; the summary field holds the rest.",
        )
    return title


def existing_ids(lessons: Path) -> dict[str, Path]:
    """The ``id:`` of every lesson file (read leniently: broken files still count)."""
    found: dict[str, Path] = {}
    for path in sorted(lessons.glob("*.md")):
        found.setdefault(path.stem, path)
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        match = re.search(r"^id:[ \t]*[\"']?([^\s\"'#]+)", text[:4000], re.M)
        if match:
            found.setdefault(match.group(1), path)
    return found


def render_lesson(lesson_id: str, title: str, source_key: str) -> str:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml_str"] = lambda text: json.dumps(text, ensure_ascii=False)
    return env.get_template("new-lesson.md.j2").render(
        id=lesson_id, title=title, source_key=source_key
    )


def new_lesson(root: Path, lesson_id: str, title: str) -> NewLesson:
    """Write a draft lesson and list it in the ``drafts`` track; raise :class:`ScaffoldError`
    (and write nothing) if that cannot be done cleanly."""
    check_id(lesson_id)
    title = check_title(title)
    lessons = root / "curriculum" / "lessons"
    course_path = root / "curriculum" / "course.yml"
    if not lessons.is_dir() or not course_path.is_file():
        raise ScaffoldError(
            f"no curriculum here ({root})",
            "Run this from the repository's top folder, where the 'curriculum' folder is.",
        )
    target = lessons / f"{lesson_id}.md"
    ids = existing_ids(lessons)
    if target.exists():
        raise ScaffoldError(
            f"{target.relative_to(root).as_posix()} already exists",
            "Choose another id, or edit the existing lesson.",
        )
    if lesson_id in ids:
        raise ScaffoldError(
            f"the id '{lesson_id}' is already used by "
            f"{ids[lesson_id].relative_to(root).as_posix()}",
            "Choose another id.",
        )
    try:
        course_text = course_path.read_text(encoding="utf-8")
        course_data = yaml.safe_load(course_text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as error:
        raise ScaffoldError(
            f"curriculum/course.yml cannot be read ({error})",
            "Run 'make check' and fix course.yml first.",
        ) from None
    if not isinstance(course_data, dict):
        raise ScaffoldError(
            "curriculum/course.yml is not a set of 'field: value' lines",
            "Run 'make check' and fix course.yml first.",
        )
    source_key = course_data.get("source")
    if not isinstance(source_key, str) or not source_key.strip():
        source_key = FALLBACK_SOURCE

    lesson_text = render_lesson(lesson_id, title, source_key.strip())
    _validate_lesson(lesson_text)
    new_course_text, created = add_to_drafts(course_text, lesson_id)

    with target.open("x", encoding="utf-8") as handle:  # "x": never overwrite
        handle.write(lesson_text)
    try:
        _replace(course_path, new_course_text)
    except OSError as error:
        target.unlink(missing_ok=True)
        raise ScaffoldError(f"could not update curriculum/course.yml: {error.strerror}") from None
    return NewLesson(target, course_path, created)


def _validate_lesson(text: str) -> None:
    """The template must always produce a valid lesson; fail loudly here if it does not."""
    front = text.split("\n---\n", 1)[0].removeprefix("---\n")
    try:
        LessonMeta.model_validate(yaml.safe_load(front))
    except (yaml.YAMLError, ValidationError) as error:
        raise ScaffoldError(
            f"the lesson template produced an invalid lesson: {error}",
            "This is a bug in hooks/templates/new-lesson.md.j2; please report it.",
        ) from None


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


# --------------------------------------------------------------------------- editing course.yml


def add_to_drafts(text: str, lesson_id: str) -> tuple[str, bool]:
    """Return course.yml's text with ``lesson_id`` appended to the ``drafts`` track (created
    at the end of ``tracks`` if missing), and whether the track was created.

    Only lines are inserted; nothing else in the file changes. The result is parsed and
    compared with the original data before it is returned.
    """
    unsupported = ScaffoldError(
        "could not add the lesson to curriculum/course.yml automatically",
        f"Add '{lesson_id}' by hand to the lessons of a track named '{DRAFTS}'.",
    )
    if "\r\n" in text:  # edit with Unix line ends, give the file back its Windows ones
        edited, created = add_to_drafts(text.replace("\r\n", "\n"), lesson_id)
        return edited.replace("\n", "\r\n"), created
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        before = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):
        raise unsupported from None
    tracks = _get(root, "tracks")
    if not isinstance(tracks, yaml.SequenceNode) or tracks.flow_style or not tracks.value:
        raise unsupported
    drafts = next((item for item in tracks.value if _scalar(_get(item, "id")) == DRAFTS), None)
    if drafts is not None:
        lessons = _get(drafts, "lessons")
        if not isinstance(lessons, yaml.SequenceNode):
            raise unsupported
        edited = _append_item(text, lessons, lesson_id)
        created = False
    else:
        edited = _append_track(text, tracks, lesson_id)
        created = True
    try:
        after = yaml.safe_load(edited)
    except (yaml.YAMLError, ValueError):
        raise unsupported from None
    expected = copy.deepcopy(before)
    tracks_data = expected["tracks"]
    draft_data = next(
        (t for t in tracks_data if isinstance(t, dict) and t.get("id") == DRAFTS), None
    )
    if draft_data is None:
        tracks_data.append(
            {
                "id": DRAFTS,
                "title": DRAFTS_TITLE,
                "description": DRAFTS_DESCRIPTION,
                "lessons": [lesson_id],
            }
        )
    else:
        draft_data["lessons"] = [*(draft_data.get("lessons") or []), lesson_id]
    if after != expected:
        raise unsupported
    return edited, created


def _append_item(text: str, lessons: yaml.SequenceNode, lesson_id: str) -> str:
    if lessons.flow_style:
        close = lessons.end_mark.index - 1  # the ']'
        if text[close] != "]":
            raise ScaffoldError("could not find the end of the drafts track's lesson list")
        separator = ", " if lessons.value else ""
        return text[:close] + f"{separator}{lesson_id}" + text[close:]
    last = lessons.value[-1]
    line_start = text.rfind("\n", 0, last.start_mark.index) + 1
    prefix = re.match(r"[ ]*-[ ]+", text[line_start:])
    if prefix is None:
        raise ScaffoldError("could not find how the drafts track's lessons are indented")
    end = _line_end(text, last.end_mark.index)
    return text[:end] + "\n" + prefix.group(0) + lesson_id + text[end:]


def _append_track(text: str, tracks: yaml.SequenceNode, lesson_id: str) -> str:
    first = tracks.value[0]
    item_start = text.rfind("\n", 0, first.start_mark.index) + 1
    dash = re.match(r"([ ]*)-([ ]+)", text[item_start:])
    if dash is None or not isinstance(first, yaml.MappingNode):
        raise ScaffoldError("could not find how the tracks in course.yml are indented")
    item_indent = dash.group(1)
    key_indent = " " * first.value[0][0].start_mark.column
    block = "\n".join(
        [
            f"{item_indent}-{dash.group(2)}id: {DRAFTS}",
            f"{key_indent}title: {json.dumps(DRAFTS_TITLE)}",
            f"{key_indent}description: {json.dumps(DRAFTS_DESCRIPTION)}",
            f"{key_indent}lessons:",
            f"{key_indent}  - {lesson_id}",
        ]
    )
    end = _line_end(text, _last_scalar(tracks).end_mark.index)
    return text[:end] + "\n" + block + text[end:]


def _last_scalar(node: yaml.Node) -> yaml.Node:
    while isinstance(node, yaml.SequenceNode | yaml.MappingNode) and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _line_end(text: str, index: int) -> int:
    """The end of the line holding the character just before ``index`` (a node's end mark
    can sit at the start of the next line, after a block scalar's line break)."""
    index = max(index, 1)
    if text[index - 1] == "\n":
        return index - 1
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline


def _get(node: Any, key: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return value
    return None


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None
