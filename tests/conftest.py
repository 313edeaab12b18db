"""Fixtures shared by the tests that read the built site (test_site.py, test_search.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site: ``SITE_DIR`` when `make test` built it already, else a fresh build.
    Tests that use it share the xdist group "site", so one worker builds it once."""
    if os.environ.get("SITE_DIR"):
        return Path(os.environ["SITE_DIR"])
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    return out
