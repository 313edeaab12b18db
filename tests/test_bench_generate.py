"""The benchmark generator writes a project our own loader, checker and bibliography accept."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from hooks.bibliography import Bibliography
from hooks.checks import check_project
from hooks.citations import parse_citations
from hooks.loader import load_curriculum

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def generate():
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_generate", None)
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def project(generate, tmp_path_factory):
    return generate.generate_project(tmp_path_factory.mktemp("bench") / "p", 10, 100)


def test_lessons_load_and_validate(project):
    curriculum = load_curriculum(project.root)
    assert sorted(curriculum.lessons) == sorted(project.lesson_ids)
    assert {track.id for track in curriculum.course.tracks} == {"full-course", "core", "intro"}
    for lesson in curriculum.lessons.values():
        assert 1300 <= lesson.word_count <= 1800, lesson.id
        citations = parse_citations(lesson.body)
        assert len(citations) == 10
        assert lesson.body.count("[^aside-") == 4  # two references, two definitions
        assert sum(segment.minutes for segment in lesson.meta.agenda) == lesson.meta.duration


def test_bibliography_parses_with_every_type_and_accents(project, tmp_path):
    bibliography = Bibliography.load(project.root / "bibliography.bib", tmp_path / "cache")
    assert len(bibliography) == 100
    types = {entry.type for entry in bibliography.values()}
    assert types == {"book", "article", "incollection", "online", "report", "audio", "thesis"}
    raw = (project.root / "bibliography.bib").read_text(encoding="utf-8")
    assert "{\\'" in raw or '{\\"' in raw  # LaTeX accents in names
    names = [name.family for entry in bibliography.values() for name in entry.authors]
    assert any(not name.isascii() for name in names)  # ... decoded to Unicode


def test_project_checks_clean_and_cites_every_entry(project):
    report = check_project(project.root)
    assert report.problems == []  # no W064 (uncited entry), no W041 (unused term)
    cited = {
        key
        for lesson in load_curriculum(project.root).lessons.values()
        for citation in parse_citations(lesson.body)
        for key in citation.keys
    }
    assert len(cited) == 100


def test_same_seed_same_project(generate, project, tmp_path):
    again = generate.generate_project(tmp_path / "again", 10, 100)
    first = project.root / "curriculum" / "lessons" / "lesson-0003.md"
    second = again.root / "curriculum" / "lessons" / "lesson-0003.md"
    assert first.read_text() == second.read_text()
    assert (project.root / "bibliography.bib").read_bytes() == (
        again.root / "bibliography.bib"
    ).read_bytes()
