"""A scratch copy of the whole project, for tests that build it or change its sources."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COPY_IGNORE = (
    ".venv", "site", "site.partial", ".site.*", ".cache", "node_modules", ".git", "test-artifacts",
)  # fmt: skip
"""Build output, environments and caches: a copy starts as a fresh clone would."""


def copy_project(parent: Path, *, also_ignore: tuple[str, ...] = ()) -> Path:
    """Copy the project into ``parent / "project"`` and return that folder."""
    project = parent / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*COPY_IGNORE, *also_ignore))
    return project
