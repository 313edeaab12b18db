"""Skip the source checks when nothing they read has changed since a clean run.

Every build starts with :func:`hooks.checks.check_project`; on a large curriculum that is a good
part of the build. Like ruff's or mypy's cache, the report is stored under a digest of
everything the checks read (sources, the names of files pages may link to, the settings and
the checks' own code), and reused only when that digest matches. Only reports without errors are
stored, so a broken source is always checked, and reported, afresh.

The stored report keeps the loaded curriculum too (pickled): reading and validating every
lesson's front matter again took 2.3 s of CPU at 1,000 lessons, unpickling it 0.08 s. The
cache is the project's own, written by this code, like Python's bytecode cache beside it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from hooks.cachefile import cache_not_written, write_atomically
from hooks.checks import Report, check_project
from hooks.loader import Problem, UnreadableSource, read_source_bytes

log = logging.getLogger("mkdocs.plugins.curriculum")
CACHE_FORMAT = 2
"""Bump when the stored report changes shape."""
CHECK_CODE = (
    "bibliography.py",
    "check_cache.py",
    "checks",
    "citations.py",
    "loader.py",
    "model.py",
)
"""The modules whose code decides what the checks report (a folder: every ``*.py`` in it)."""


def checked(root: Path, settings: Mapping[str, Any], cache_dir: Path) -> Report:
    """:func:`check_project` through a cache in ``cache_dir`` (created when needed)."""
    cache_file = cache_dir / f"checks-{inputs_digest(root, settings)}-v{CACHE_FORMAT}.pickle"
    report = _reuse(cache_file, root, settings)
    if report is not None:
        return report
    report = check_project(root, settings)
    if report.ok:
        _store(cache_file, report)
    return report


def inputs_digest(root: Path, settings: Mapping[str, Any]) -> str:
    """A digest of every input of the checks: the text of the sources (lessons, course,
    glossary, bibliography, Markdown pages, stylesheets and fonts), the names of every file
    under ``docs/`` (links may point at them), the check settings and the checks' code."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(json.dumps(dict(settings), sort_keys=True, default=str).encode())
    bibliography = root / settings.get("bibliography", "bibliography.bib")
    here = Path(__file__).parent
    code = [
        path
        for name in CHECK_CODE
        for path in ([here / name] if name.endswith(".py") else sorted((here / name).rglob("*.py")))
    ]
    sources = [bibliography, *sorted((root / "curriculum").rglob("*")), *code]
    docs = root / "docs"
    for path in sorted(docs.rglob("*")) if docs.is_dir() else []:
        digest.update(b"\0name\0" + path.relative_to(root).as_posix().encode())
        if path.suffix in {".md", ".css", ".woff2"}:  # pages, stylesheets, the fonts' glyphs
            sources.append(path)
    for path in sources:
        if path.is_file():
            digest.update(b"\0file\0" + str(path).encode() + b"\0")
            try:  # no further than the checks read: they report what is too large
                digest.update(read_source_bytes(path))
            except (OSError, UnreadableSource):
                digest.update(b"\0unreadable\0")
    return digest.hexdigest()


def _reuse(cache_file: Path, root: Path, settings: Mapping[str, Any]) -> Report | None:
    """The stored report and sources, or None when there is none to reuse."""
    try:
        stored = pickle.loads(cache_file.read_bytes())
        problems = [Problem(**fields) for fields in stored["problems"]]
        curriculum, files = stored["curriculum"], stored["files"]
    except Exception:  # missing, damaged or from other code: check afresh
        return None
    from hooks.bibliography import Bibliography, BibliographyError

    cache = settings.get("cache_dir", ".cache/bibliography")
    try:
        bibliography = Bibliography.load(
            root / settings.get("bibliography", "bibliography.bib"), root / cache if cache else None
        )
    except (BibliographyError, OSError):
        return None  # cannot happen for unchanged inputs; check afresh to report it properly
    return Report(problems, curriculum, bibliography, files)


def _store(cache_file: Path, report: Report) -> None:
    payload = {
        "problems": [asdict(problem) for problem in report.problems],
        "files": report.files,
        "curriculum": report.curriculum,
    }
    try:
        for old in cache_file.parent.glob("checks-*"):
            old.unlink(missing_ok=True)  # one report per project: the newest
        write_atomically(cache_file, pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError as error:
        cache_not_written(cache_file, error)
