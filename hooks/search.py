"""Site search: index the built site with Pagefind once MkDocs has written every page.

Material's own search sends every reader one index of the whole site (22 MB at 1,000 lessons);
Pagefind splits its index into chunks that the browser fetches only as a query needs them, and
finds the first result five times sooner (docs/performance.md, "Search at N = 1,000"). The
index and the search UI's scripts go into ``<site>/pagefind/``, beside the pages, so searching
makes no request to any other host.

Only each page's article is indexed: ``hooks/overrides/main.html`` marks it with
``data-pagefind-body``, so navigation, header and footer text never match a query. Pagefind
reads HTML only, so the packet PDFs are never indexed.
"""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

from hooks.diskspace import DiskFull, nearly_full

log = logging.getLogger("mkdocs.plugins.curriculum")

BUNDLE = "pagefind"  # <site>/pagefind/: the index and the search UI
EXCLUDE = ", ".join(
    (
        ".headerlink, .footnote-ref, .footnote-backref",  # permalinks, note numbers, back-links
        ".md-tags, .lesson-facts, .reading-list, .activity-meta, .handout-source",
        ".footnote, .sources, .key-terms",  # notes, a lesson's sources, glossary definitions
        ".session-summary, .md-button, .cited-in, .term-lessons",
    )
)
"""Parts of an article that are not its own text, left out of the index (Pagefind's
``data-pagefind-ignore="all"``, given on the command line because the pages' HTML is
sanitised and keeps no ``data-`` attribute): heading permalinks, note numbers and back-links;
the theme chips, the facts box (minutes, tracks, packets), reading lists, activity and handout
lines, notes, sources and key-term definitions of a lesson, which are citations, figures and
glossary text that drowned the lesson's prose in result excerpts ("Read: pp. 231-32. Optional
· about 10 minutes" for "breakfast"); and the lesson summaries and buttons a track page repeats
and the "Cited in" and "Used in" link lists. Each is found where it is written: the lesson's
text, the glossary or the bibliography page. Titles and headings need no weight here: Pagefind
weighs ``h1`` to ``h6`` from 7 down to 2 (1 for text) by itself."""
TIMEOUT = 600  # seconds; the real site takes 0.3, 1,000 generated lessons about 5 (bench)
NO_BODY = "Did not find a data-pagefind-body element"
MISSING = ("No module named pagefind", "FileNotFoundError", "Could not find pagefind binary")


class SearchIndexError(PluginError):
    """MkDocs prints it as one error line and exits non-zero, without a traceback."""


@dataclass(frozen=True)
class SearchIndex:
    pages: int
    seconds: float


def index_site(site_dir: Path) -> SearchIndex:
    """Write ``<site_dir>/pagefind/`` from the built pages, replacing any earlier index.

    Runs the Pagefind binary from the ``pagefind-bin`` wheel (``python -m pagefind``) rather
    than the async Python API: a subprocess has a timeout and an exit status, so a failure
    becomes one clear error instead of a hung build. It runs inside the site folder, so a
    ``pagefind.yml`` lying around elsewhere cannot change what gets indexed."""
    site_dir = site_dir.resolve()
    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)  # no stale chunks from a last build
    command = [sys.executable, "-m", "pagefind", "--site", ".", "--output-subdir", BUNDLE]
    command += ["--exclude-selectors", EXCLUDE]
    started = time.perf_counter()
    try:
        run = subprocess.run(
            command, cwd=site_dir, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise SearchIndexError(f"search index: Pagefind took over {TIMEOUT} s; stopped") from None
    except OSError as error:  # e.g. the site folder vanished under `mkdocs serve`
        raise SearchIndexError(f"search index: could not run Pagefind: {error}") from None
    output = f"{run.stdout}\n{run.stderr}"
    if (run.returncode != 0 or indexed_pages(site_dir) == 0) and nearly_full(site_dir):
        # Pagefind says "Finished" and writes no index when the disk fills up under it.
        raise SearchIndexError(f"search index: {DiskFull(site_dir / BUNDLE)}")
    if run.returncode != 0:
        missing = any(sign in output for sign in MISSING)
        raise SearchIndexError(
            f"search index: Pagefind failed (exit status {run.returncode}): {last_line(output)}"
            + ("; `make install` installs it (pagefind-bin, requirements.lock)" if missing else "")
        )
    if NO_BODY in output:
        raise SearchIndexError(
            "search index: no page marks its article with data-pagefind-body "
            "(hooks/overrides/main.html), so Pagefind would index navigation and footers too"
        )
    pages = indexed_pages(site_dir)
    if pages == 0:
        raise SearchIndexError(f"search index: Pagefind indexed no page: {last_line(output)}")
    seconds = time.perf_counter() - started
    log.info("search: Pagefind indexed %d pages in %.1f s", pages, seconds)
    return SearchIndex(pages, seconds)


_preview: threading.Thread | None = None


def index_site_soon(site_dir: Path) -> threading.Thread:
    """For ``mkdocs serve``: index in the background, so the preview reloads without waiting
    for Pagefind (search catches up a moment later). One run at a time; a failure is logged as
    an error line, never raised, so a preview keeps serving."""
    global _preview
    if _preview is not None:
        _preview.join()  # never two Pagefind runs writing the same folder

    def index() -> None:
        try:
            index_site(site_dir)
        except SearchIndexError as error:
            log.error(str(error))

    _preview = threading.Thread(target=index, name="pagefind", daemon=True)
    _preview.start()
    return _preview


def indexed_pages(site_dir: Path) -> int:
    """Pages in the index, from ``pagefind-entry.json`` (0 if Pagefind wrote none)."""
    try:
        entry = json.loads((site_dir / BUNDLE / "pagefind-entry.json").read_text("utf-8"))
    except (OSError, ValueError):
        return 0
    return sum(language["page_count"] for language in entry.get("languages", {}).values())


def last_line(output: str) -> str:
    """The last thing Pagefind (or Python, if the binary is missing) said: the error."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1] if lines else "no output"
