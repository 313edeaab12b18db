"""The loader turns every kind of bad source into a located problem, never a traceback."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hooks.loader import MAX_SOURCE_BYTES, SourceError, load_curriculum

FIXTURE = Path(__file__).parent / "fixtures" / "curriculum"
LESSON = "curriculum/lessons/organizing-basics.md"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "curriculum")
    return tmp_path


def edit(project: Path, relative: str, old: str, new: str) -> None:
    path = project / relative
    text = path.read_text()
    assert old in text, f"fixture no longer contains {old!r}"
    path.write_text(text.replace(old, new, 1))


def problems(project: Path) -> list[str]:
    with pytest.raises(SourceError) as caught:
        load_curriculum(project)
    return [str(problem) for problem in caught.value.problems]


def test_valid_fixture_loads(project: Path) -> None:
    curriculum = load_curriculum(project)
    lesson = curriculum.lessons["organizing-basics"]
    assert lesson.meta.duration == 60
    assert lesson.body.lstrip().startswith("## Two meanings")
    assert lesson.body_line == 43
    assert [t.id for t in curriculum.course.tracks] == ["short"]
    assert curriculum.glossary["mass-organization"].forms() == [
        "mass organization",
        "mass organizations",
    ]


def test_yaml_syntax_error_names_line_and_hints_at_quoting(project: Path) -> None:
    edit(
        project,
        LESSON,
        'title: "Organizing: a short fixture lesson"',
        "title: Organizing: a short fixture lesson",
    )
    (message,) = problems(project)
    assert message.startswith(f"{LESSON}:3: YAML syntax error")
    with pytest.raises(SourceError) as caught:
        load_curriculum(project)
    assert "double quotes" in caught.value.problems[0].hint


def test_missing_field(project: Path) -> None:
    edit(project, LESSON, "duration: 60\n", "")
    assert f"{LESSON}:2: required field 'duration' is missing" in problems(project)


def test_unknown_field_suggests_the_right_name(project: Path) -> None:
    edit(project, LESSON, "objectives:", "objective:")
    with pytest.raises(SourceError) as caught:
        load_curriculum(project)
    found = {str(p): p.hint for p in caught.value.problems}
    assert found[f"{LESSON}:7: unknown field 'objective'"] == "Did you mean 'objectives'?"


def test_agenda_must_add_up(project: Path) -> None:
    edit(project, LESSON, "{kind: closing, minutes: 10,", "{kind: closing, minutes: 5,")
    (message,) = problems(project)
    assert message == f"{LESSON}:20: agenda minutes add up to 55, but duration is 60"


def test_wrong_type_points_at_the_value(project: Path) -> None:
    edit(project, LESSON, "minutes: 20\n", "minutes: twenty\n")
    (message,) = problems(project)
    assert message.startswith(f"{LESSON}:17: readings.0.minutes:")


def test_unknown_lesson_in_track(project: Path) -> None:
    edit(
        project,
        "curriculum/course.yml",
        "lessons: [organizing-basics]",
        "lessons: [organizing-basics, organising-basics]",
    )
    (message,) = problems(project)
    assert (
        message == "curriculum/course.yml:8: track 'short' names unknown lesson 'organising-basics'"
    )


def test_unknown_key_term(project: Path) -> None:
    edit(project, LESSON, "key_terms: [mutual-aid,", "key_terms: [mutual-aide,")
    (message,) = problems(project)
    assert message == f"{LESSON}:12: key term 'mutual-aide' is not in the glossary"


def test_duplicate_lesson_id(project: Path) -> None:
    source = project / LESSON
    (source.parent / "copy.md").write_text(source.read_text())
    assert any("lesson id 'organizing-basics' is already used" in p for p in problems(project))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "must start with YAML front matter"),
        (b"\x00\x01binary", "binary file"),
        (b"---\ntitle: caf\xe9\n---\n", "not valid UTF-8"),
        (b"---\nid: x\n", "never closed"),
        (b"---\n- a list\n---\nbody", "front matter must be a set"),
    ],
)
def test_malformed_files_get_clean_messages(project: Path, content: bytes, expected: str) -> None:
    (project / "curriculum/lessons/broken.md").write_bytes(content)
    assert any(expected in message for message in problems(project))


def test_bom_and_crlf_are_accepted(project: Path) -> None:
    source = project / LESSON
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes().replace(b"\n", b"\r\n"))
    assert "organizing-basics" in load_curriculum(project).lessons


def test_a_fifo_among_the_lessons_is_reported_not_waited_on(project: Path) -> None:
    os.mkfifo(project / "curriculum/lessons/pipe.md")  # nobody ever writes to it
    assert (
        "curriculum/lessons/pipe.md:1: this is not a regular file (a pipe, device or socket);"
        " only text files are read"
    ) in problems(project)


def test_a_link_to_a_device_is_not_read_forever(project: Path) -> None:
    (project / "curriculum/lessons/zero.md").symlink_to("/dev/zero")
    assert any(
        message.startswith("curriculum/lessons/zero.md:1: this is not a regular file")
        for message in problems(project)
    )


def test_a_source_over_the_size_limit_names_the_file(project: Path) -> None:
    big = project / "curriculum/lessons/big.md"
    with big.open("wb") as stream:
        stream.write(b"---\n" + b"a" * (MAX_SOURCE_BYTES + 1))
    assert any(
        message.startswith("curriculum/lessons/big.md:1: this file is larger than 4 MB")
        for message in problems(project)
    )
