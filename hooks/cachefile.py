"""Writing the build's cache files (``.cache/``, packets included) so that a crash, an
interrupted build or two builds at once never leave half a file for the next build to read."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
