"""Chicago output remembered across builds.

Formatting notes and bibliography entries (decoding LaTeX, assembling names, titles and dates)
is most of what citations add to a build. The output depends only on the .bib file, the Chicago
edition and our formatter's code, so it is kept in one JSON file per combination of those,
beside the parsed-bibliography cache: a rebuild formats only what it has not formatted before,
and any change to the .bib file or the formatter starts a fresh file. Like Zotero's citation
cache, it never changes what is printed, only how often it is computed.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from hooks.bibliography import Bibliography
from hooks.cachefile import cache_not_written, write_atomically

log = logging.getLogger("mkdocs.plugins.curriculum")
CACHE_FORMAT = 1
_FORMATTER = (
    "bibliography.py",
    "latexmath.py",
    "formatted.py",
    "safety.py",
    *sorted(f"chicago/{p.name}" for p in (Path(__file__).parent / "chicago").glob("*.py")),
)


class Formatted:
    """Formatted strings for one bibliography and edition, by a caller-chosen text key."""

    _open: ClassVar[dict[tuple[str, str], Formatted]] = {}

    def __init__(self, file: Path | None, values: dict[str, Any], edition: str) -> None:
        self.file = file
        self.edition = edition
        self.values = values
        self.added = 0

    @classmethod
    def of(cls, bibliography: Bibliography, edition: str) -> Formatted:
        """The shared memo for this bibliography (one per .bib content and edition)."""
        ident = (bibliography.digest or f"memory-{id(bibliography)}", edition)
        if ident not in cls._open:
            file = None
            if bibliography.digest and bibliography.cache_dir:
                name = f"chicago-{bibliography.digest}-{edition}-{_code_digest()}.json"
                file = Path(bibliography.cache_dir) / name
            cls._open[ident] = cls(file, _read(file) if file else {}, edition)
        return cls._open[ident]

    def get(self, key: str, make: Callable[[], Any]) -> Any:
        """The remembered value for ``key``, computing (and remembering) it if needed."""
        if key not in self.values:
            self.values[key] = make()
            self.added += 1
        return self.values[key]

    def save(self) -> None:
        """Write what was added since the last save (atomically; failures only warn)."""
        if self.file is None or not self.added:
            return
        try:
            for old in self.file.parent.glob(f"chicago-*-{self.edition}-*.json"):
                if old != self.file:
                    old.unlink(missing_ok=True)  # an older .bib or formatter: never read again
            write_atomically(self.file, json.dumps(self.values, ensure_ascii=False))
            self.added = 0
        except OSError as error:
            cache_not_written(self.file, error)

    @classmethod
    def save_all(cls) -> None:
        for memo in cls._open.values():
            memo.save()


def _read(file: Path) -> dict[str, Any]:
    try:
        values = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


_code: list[str] = []


def _code_digest() -> str:
    """A digest of the formatter's source, so a changed formatter never reads old output."""
    if not _code:
        digest = hashlib.blake2b(str(CACHE_FORMAT).encode(), digest_size=8)
        for name in _FORMATTER:
            digest.update((Path(__file__).parent / name).read_bytes())
        _code.append(digest.hexdigest())
    return _code[0]
