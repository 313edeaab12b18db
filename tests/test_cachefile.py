"""Cache files are replaced whole, never left half-written or beside a stray temporary."""

from __future__ import annotations

from pathlib import Path

import pytest

from hooks.cachefile import write_atomically


def test_a_cache_file_is_replaced_whole(tmp_path: Path) -> None:
    path = tmp_path / "new" / "cache.json"
    write_atomically(path, "first")
    write_atomically(path, "second")
    assert path.read_text(encoding="utf-8") == "second"
    assert [p.name for p in path.parent.iterdir()] == ["cache.json"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "cache.json"
    write_atomically(path, "good")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(path, "\ud800")  # a lone surrogate cannot be written as UTF-8
    assert path.read_text(encoding="utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]
