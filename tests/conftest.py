"""Fixtures shared by the tests that read the built site (test_site.py, test_search.py and
the browser tests)."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site, packets included: ``SITE_DIR`` when `make test` built it already, else
    one `curriculum build` (what `make build` runs) per test run. Under pytest-xdist the first
    worker that needs it builds it and the others wait on a lock and reuse that build (cold
    packets take minutes)."""
    if os.environ.get("SITE_DIR"):
        site = Path(os.environ["SITE_DIR"]).resolve()
        assert (site / "index.html").is_file(), f"SITE_DIR={site} holds no built site"
        return site
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder that all workers of this run share
    site = shared / "built-site"
    with (shared / "built-site.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (site / "index.html").is_file():
            result = subprocess.run(
                [sys.executable, "-m", "hooks.cli", "build", "--site-dir", str(site)],
                cwd=ROOT,
                capture_output=True,
                text=True,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
            )
            assert result.returncode == 0, result.stderr
    return site
