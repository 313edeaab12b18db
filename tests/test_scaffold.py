"""``new-lesson`` writes a lesson that passes every check and edits course.yml surgically."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest
import yaml

from hooks.checks import check_project, format_problem
from hooks.loader import load_curriculum
from hooks.scaffold import ScaffoldError, add_to_drafts, new_lesson

BROKEN = Path(__file__).parent / "fixtures" / "broken"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BROKEN / "_base", target)
    return target


def inserted_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds; fails if it changes or removes any line of ``before``."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [line for line in diff if line.startswith("- ")], "an existing line changed"
    return [line[2:] for line in diff if line.startswith("+ ")]


def test_new_lesson_passes_every_check(project: Path) -> None:
    made = new_lesson(project, "tenant-unions", 'Tenant Unions: Organizing "Where We Live"')
    assert made.lesson == project / "curriculum/lessons/tenant-unions.md"
    assert made.created_drafts_track
    report = check_project(project)
    assert report.problems == [], "\n".join(format_problem(p) for p in report.problems)
    lesson = report.curriculum.lessons["tenant-unions"]  # type: ignore[union-attr]
    meta = lesson.meta
    assert meta.title == 'Tenant Unions: Organizing "Where We Live"'
    assert meta.status == "draft"
    assert sum(segment.minutes for segment in meta.agenda) == meta.duration
    assert meta.discussion_questions.opening and meta.discussion_questions.analysis
    assert meta.discussion_questions.application
    assert meta.activities and meta.readings[0].key == "spade2020"  # the course's source
    assert '!!! facilitator "Likely difficulties"' in lesson.body
    assert "[@spade2020]" in lesson.body
    drafts = report.curriculum.course.track("drafts")  # type: ignore[union-attr]
    assert drafts.lessons == ["tenant-unions"]


def test_new_lesson_passes_every_check_in_the_real_repository(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    for name in ("curriculum", "docs"):
        shutil.copytree(ROOT / name, copy / name)
    shutil.copy(ROOT / "bibliography.bib", copy)
    before = check_project(copy)
    new_lesson(copy, "tenant-unions", "Tenant Unions")
    after = check_project(copy)
    assert after.errors == []
    assert len(after.warnings) == len(before.warnings)
    assert "tenant-unions" in load_curriculum(copy).lessons


def test_course_file_keeps_its_comments_and_layout(project: Path) -> None:
    course = project / "curriculum/course.yml"
    original = "# The course.\n" + course.read_text().replace(
        'title: "Fixture course"', 'title: "Fixture course"   # shown on the home page'
    )
    course.write_text(original)
    new_lesson(project, "first-draft", "First")
    once = course.read_text()
    assert inserted_lines(original, once) == [
        "  - id: drafts",
        '    title: "Drafts"',
        '    description: "Lessons being written. They are not part of a course track yet."',
        "    lessons:",
        "      - first-draft",
    ]
    new_lesson(project, "second-draft", "Second")
    assert inserted_lines(once, course.read_text()) == ["      - second-draft"]
    assert "# shown on the home page" in course.read_text()


def test_real_course_file_gains_only_the_drafts_track() -> None:
    text = (ROOT / "curriculum/course.yml").read_text(encoding="utf-8")
    edited, created = add_to_drafts(text, "tenant-unions")
    assert created
    assert len(inserted_lines(text, edited)) == 5
    assert yaml.safe_load(edited)["tracks"][-1]["lessons"] == ["tenant-unions"]


@pytest.mark.parametrize(
    ("drafts", "expected"),
    [
        ("    lessons: [a]\n", "    lessons: [a, x]\n"),
        ("    lessons: []\n", "    lessons: [x]\n"),
        (
            "    lessons:\n      - a   # half done\n",
            "    lessons:\n      - a   # half done\n      - x\n",
        ),
    ],
)
def test_existing_drafts_track_in_any_style(drafts: str, expected: str) -> None:
    head = (
        "tracks:\n  - id: main\n    title: Main\n    description: d\n    lessons: [a]\n"
        "  - id: drafts\n    title: Drafts\n    description: d\n"
    )
    edited, created = add_to_drafts(head + drafts + "# end\n", "x")
    assert not created
    assert edited == head + expected + "# end\n"


def test_windows_line_endings_are_kept() -> None:
    text = "tracks:\r\n  - id: main\r\n    title: M\r\n    description: d\r\n    lessons: [a]\r\n"
    edited, _ = add_to_drafts(text, "x")
    assert "\n" not in edited.replace("\r\n", "")
    assert yaml.safe_load(edited)["tracks"][1]["lessons"] == ["x"]


@pytest.mark.parametrize(
    ("lesson_id", "message"),
    [
        ("", "empty"),
        ("Tenant Unions", "not a valid lesson id"),
        ("tenant_unions", "not a valid lesson id"),
        ("-tenants", "not a valid lesson id"),
        ("tenants--unions", "not a valid lesson id"),
        ("../escape", "not a valid lesson id"),
        ("a" * 61, "characters long"),
    ],
)
def test_invalid_ids_are_refused(project: Path, lesson_id: str, message: str) -> None:
    course = (project / "curriculum/course.yml").read_text()
    with pytest.raises(ScaffoldError) as caught:
        new_lesson(project, lesson_id, "A Title")
    assert message in caught.value.message
    assert caught.value.hint
    assert (project / "curriculum/course.yml").read_text() == course
    assert sorted(p.name for p in (project / "curriculum/lessons").iterdir()) == [
        "organizing-basics.md"
    ]


def test_existing_ids_are_refused(project: Path) -> None:
    with pytest.raises(ScaffoldError, match="already exists"):
        new_lesson(project, "organizing-basics", "Again")
    lesson = project / "curriculum/lessons/organizing-basics.md"
    lesson.rename(lesson.with_name("renamed.md"))
    with pytest.raises(ScaffoldError, match=r"already used by curriculum/lessons/renamed\.md"):
        new_lesson(project, "organizing-basics", "Again")


@pytest.mark.parametrize("title", ["", "   ", "<script>x</script>", "x" * 201])
def test_bad_titles_are_refused(project: Path, title: str) -> None:
    with pytest.raises(ScaffoldError):
        new_lesson(project, "new-one", title)


def test_refuses_outside_a_repository(tmp_path: Path) -> None:
    with pytest.raises(ScaffoldError, match="no curriculum here"):
        new_lesson(tmp_path, "new-one", "Title")


def test_refuses_an_unreadable_course_and_writes_nothing(project: Path) -> None:
    (project / "curriculum/course.yml").write_text("tracks: [unclosed\n")
    with pytest.raises(ScaffoldError, match=r"course\.yml"):
        new_lesson(project, "new-one", "Title")
    assert not (project / "curriculum/lessons/new-one.md").exists()
