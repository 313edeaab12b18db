"""Formatted citations are remembered across builds without changing a single character."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import markdown
import pytest

from hooks.bibliography import Bibliography
from hooks.chicago import Chicago
from hooks.formatted import Formatted
from hooks.references import References

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
PAGE = (
    "Mutual aid is older than the state.[@kropotkin1902, 74] Spade calls it solidarity,"
    " not charity.[@spade2020, 16; @kropotkin1902] Again.[@spade2020, 21]\n"
)


@pytest.fixture(autouse=True)
def fresh_process() -> Iterator[None]:
    """Each test starts as a new build process would: no memo held in memory."""
    Formatted._open.clear()
    Bibliography._memo.clear()
    yield
    Formatted._open.clear()
    Bibliography._memo.clear()


@pytest.fixture
def bib(tmp_path: Path) -> Path:
    path = tmp_path / "bibliography.bib"
    shutil.copy(FIXTURES / "curriculum.bib", path)
    return path


def convert(bib: Path, cache: Path) -> str:
    settings = {"bibliography": str(bib), "cache_dir": str(cache)}
    md = markdown.Markdown(
        extensions=["hooks.citations"], extension_configs={"hooks.citations": settings}
    )
    return md.convert(PAGE)


def test_a_warm_build_prints_the_same_notes_without_formatting(
    bib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = convert(bib, cache)
    Formatted.save_all()
    assert len(list(cache.glob("chicago-*.json"))) == 1
    Formatted._open.clear()
    Bibliography._memo.clear()

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("formatted again although remembered")

    monkeypatch.setattr(Chicago, "note", refuse)
    assert convert(bib, cache) == cold
    assert "Kropotkin" in cold and "16" in cold


def test_bibliography_entries_and_their_order_are_remembered(
    bib: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    references = References(Bibliography.load(bib, cache))
    keys = list(references.bibliography)
    cold = [references.entry_html(key) for key in keys]
    order = sorted(keys, key=references.sort_key)
    Formatted.save_all()
    Formatted._open.clear()
    Bibliography._memo.clear()
    monkeypatch.setattr(Chicago, "bibliography_entry", None)
    monkeypatch.setattr(Chicago, "sort_key", None)
    warm = References(Bibliography.load(bib, cache))
    assert [warm.entry_html(key) for key in keys] == cold
    assert sorted(keys, key=warm.sort_key) == order


def test_an_edited_bibliography_starts_a_new_memo(bib: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    convert(bib, cache)
    Formatted.save_all()
    (old,) = cache.glob("chicago-*.json")
    bib.write_text(
        bib.read_text(encoding="utf-8").replace("Mutual Aid", "Mutual Aid Revised", 1),
        encoding="utf-8",
    )
    Bibliography._memo.clear()
    html = convert(bib, cache)
    Formatted.save_all()
    (new,) = cache.glob("chicago-*.json")
    assert new != old and "Revised" in html


def test_a_bibliography_parsed_from_text_is_never_written(tmp_path: Path) -> None:
    text = (FIXTURES / "curriculum.bib").read_text(encoding="utf-8")
    references = References(Bibliography.from_text(text))
    references.entry_html(next(iter(references.bibliography)))
    Formatted.save_all()
    assert references.formatted.file is None and references.formatted.added == 1
