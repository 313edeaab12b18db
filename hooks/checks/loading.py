"""Reading the sources: running the loader and making its problems precise (where a YAML
error really is, a hint for every problem, a crash turned into a problem), and reading each
lesson and page for the checks the model cannot do.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hooks.checks.codes import CODES
from hooks.checks.report import _problem
from hooks.checks.text import Lines, Source
from hooks.checks.yamlnodes import _bad_value, _compose, _get, _items, _scalar, explain_yaml_error
from hooks.loader import (
    Problem,
    SourceError,
    display_path,
    load_course,
    load_curriculum,
    load_glossary,
    load_lesson,
    read_text,
)
from hooks.model import Curriculum

# --------------------------------------------------------------------------- the scan


@dataclass
class _Scan:
    """Everything gathered while reading the sources, for the cross-file checks."""

    root: Path
    keys: dict[str, str] = field(default_factory=dict)  # casefolded key -> key
    cite_all: bool = False  # a lesson has nocite: "@*", so every entry counts as cited
    bib_ready: bool = False  # the .bib file was read (keys are meaningful)
    cited: set[str] = field(default_factory=set)
    citation_sites: list[tuple[Source, int, str, str, str, str]] = field(default_factory=list)
    """(file, offset, key, kind, reason, hint) of every citation key found."""
    used_terms: set[str] = field(default_factory=set)
    complete: bool = True  # every lesson and page could be read (so "unused" is meaningful)
    files: int = 0


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


UNKNOWN_ACTIVITY = re.compile(
    r"agenda segment .* names activity .*which this lesson does not define"
)
"""The model's message for an agenda naming an undefined activity (it knows no line)."""


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
        if (
            lesson is not None
            and lesson.node is not None
            and UNKNOWN_ACTIVITY.search(problem.message)
        ):
            continue  # E021 reports it where the agenda names it, with the closest id
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


# --------------------------------------------------------------------------- reading files


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
