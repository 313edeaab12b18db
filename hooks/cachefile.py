"""Writing the build's cache files (``.cache/``, packets included) so that a crash, an
interrupted build or two builds at once never leave half a file for the next build to read."""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

log = logging.getLogger("mkdocs.plugins.curriculum")
_told: list[Path] = []


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to a temporary file beside ``path``, then rename it
    into place. The temporary's name is unique and starts with a dot, so no other writer and no
    glob for the cache's own files (``checks-*``, ``chicago-*``) ever meets it. Raises OSError;
    callers warn and build on without the cache."""
    data = content.encode() if isinstance(content, str) else content
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def cache_not_written(path: Path, error: OSError) -> None:
    """Say, once per process and as information, that the caches cannot be written (a
    read-only checkout, a full disk): the build goes on without them and prints the same
    site, only more slowly, so this is no warning (a strict build stops on warnings)."""
    if _told:
        log.debug("cache not written: %s: %s", path, error)
        return
    _told.append(path)
    log.info(
        "caches: cannot write %s (%s); building without the caches in it (slower, same output)",
        path.parent,
        error.strerror or error,
    )
