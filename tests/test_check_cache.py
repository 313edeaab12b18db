"""The checks cache reuses a clean report only while nothing the checks read has changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import hooks.check_cache as check_cache
from hooks.check_cache import checked, inputs_digest
from hooks.checks import check_project

BASE = Path(__file__).parent / "fixtures" / "broken" / "_base"
LESSON = "curriculum/lessons/organizing-basics.md"
SETTINGS = {"bibliography": "bibliography.bib", "cache_dir": ""}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(BASE, root)
    return root


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every real run of check_project."""
    seen: list[Path] = []

    def counting(root: Path, settings: object = None) -> object:
        seen.append(Path(root))
        return check_project(root, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(check_cache, "check_project", counting)
    return seen


def test_a_clean_report_is_reused_with_the_sources_loaded(project: Path, runs: list) -> None:
    cache = project / ".cache" / "checks"
    first = checked(project, SETTINGS, cache)
    second = checked(project, SETTINGS, cache)
    assert len(runs) == 1 and first.ok
    assert second.problems == first.problems and second.files == first.files
    assert second.curriculum is not None and second.curriculum == first.curriculum
    assert set(second.bibliography) == set(first.bibliography)


@pytest.mark.parametrize(
    "change",
    [
        lambda root: (root / LESSON).write_text(
            (root / LESSON).read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8"
        ),
        lambda root: (root / "bibliography.bib").write_text(
            (root / "bibliography.bib").read_text(encoding="utf-8") + "\n", encoding="utf-8"
        ),
        lambda root: (root / "docs" / "assets" / "new-picture.png").write_bytes(b"png"),
        lambda root: (root / "docs" / "guide.md").unlink(),
    ],
    ids=["lesson-edited", "bibliography-edited", "file-added-under-docs", "page-removed"],
)
def test_any_change_to_an_input_checks_again(project: Path, runs: list, change) -> None:
    cache = project / ".cache" / "checks"
    before = inputs_digest(project, SETTINGS)
    checked(project, SETTINGS, cache)
    change(project)
    assert inputs_digest(project, SETTINGS) != before
    checked(project, SETTINGS, cache)
    assert len(runs) == 2
    assert len(list(cache.glob("checks-*"))) <= 1  # only the newest report is kept


def test_a_report_with_errors_is_never_stored(project: Path, runs: list) -> None:
    cache = project / ".cache" / "checks"
    lesson = project / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8").replace("title:", "titel:", 1))
    first = checked(project, SETTINGS, cache)
    second = checked(project, SETTINGS, cache)
    assert not first.ok and [str(p) for p in second.errors] == [str(p) for p in first.errors]
    assert len(runs) == 2 and not list(cache.glob("checks-*"))


def test_a_damaged_cache_file_is_ignored(project: Path, runs: list) -> None:
    cache = project / ".cache" / "checks"
    checked(project, SETTINGS, cache)
    (stored,) = cache.glob("checks-*")
    stored.write_bytes(stored.read_bytes()[:-20])  # cut short, as by a full disk
    assert checked(project, SETTINGS, cache).ok
    assert len(runs) == 2
