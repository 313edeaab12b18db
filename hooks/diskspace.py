"""Telling a full disk apart from every other failure, and saying which folder it holds.

A full disk shows up far from its cause: an ``OSError`` deep in MkDocs' file copying (naming
the *source* file), or Pagefind finishing "successfully" with no page indexed. Both the build
(:mod:`hooks.build`) and the search index (:mod:`hooks.search`) ask here instead.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
NEARLY_FULL = 1024 * 1024
"""Bytes free below which a file system counts as the full one (a failed write fills it)."""


class DiskFull(Exception):
    """The disk holding ``folder`` has no space left."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            f"the disk is full: no space left on the device holding {folder}. "
            "Free some space (`make clean` removes site/ and .cache/) and build again."
        )


def is_disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in DISK_FULL


def full_folder(error: OSError, candidates: Sequence[Path]) -> Path:
    """The folder on the full file system: of the file that failed (MkDocs' copy errors name
    the source, on a disk that has space) or else of the folders the build writes."""
    named = [Path(os.fsdecode(name)).parent for name in (error.filename, error.filename2) if name]
    for folder in [*named, *candidates]:
        if nearly_full(folder):
            return folder
    return candidates[0]


def nearly_full(folder: Path) -> bool:
    """Whether the file system holding ``folder`` (or its nearest existing parent) is full."""
    existing = next((path for path in (folder, *folder.parents) if path.exists()), None)
    return existing is not None and shutil.disk_usage(existing).free < NEARLY_FULL
