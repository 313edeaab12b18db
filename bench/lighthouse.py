"""Lighthouse scores for a lesson page, mobile and desktop (a benchmark, not a test).

    .venv/bin/python bench/lighthouse.py [--runs 3] [--page lessons/what-is-organizing/]
                                         [--site-dir DIR] [--keep-json DIR]

Builds the site into a scratch folder (or uses --site-dir / $SITE_DIR), serves it with Python's
http.server on 127.0.0.1, and runs Lighthouse 12.2.3 (Node 20; Lighthouse 13 needs Node 22)
against Debian's Chromium (CHROME_PATH=/usr/bin/chromium) --runs times per form factor. Prints
the median of each category (performance, accessibility, best practices, SEO), the median
FCP / LCP / TBT / CLS, and every audit that did not pass in any run.

Lighthouse is not a project dependency: if node_modules/.bin/lighthouse is missing, this script
runs `npm install --no-save lighthouse@12.2.3` (package.json and the lock file stay as they
are; the next `npm ci` removes it again). No browser is downloaded.

Text files are served gzip-compressed, as static hosts (GitHub Pages, Netlify, nginx) serve
them; --no-compression measures plain `python -m http.server` instead, which makes the mobile
performance score lower (Lighthouse then also fails "Enable text compression"). Lighthouse's
simulated mobile throttling multiplies CPU time, so on a busy machine the mobile performance
score drops; compare runs made on an idle machine.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE = ROOT / "node_modules/.bin/lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {
    "first-contentful-paint": ("FCP", "s", 1000),
    "largest-contentful-paint": ("LCP", "s", 1000),
    "total-blocking-time": ("TBT", "ms", 1),
    "cumulative-layout-shift": ("CLS", "", 1),
}


def ensure_lighthouse() -> None:
    installed = ROOT / "node_modules/lighthouse/package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION:
        return
    print(f"installing lighthouse@{LIGHTHOUSE_VERSION} (npm, --no-save) ...", flush=True)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-save",
            "--no-audit",
            "--no-fund",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        cwd=ROOT,
        check=True,
    )


def build_site(into: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--no-strict",
            "--quiet",
            "--site-dir",
            str(into),
        ],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return into


COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", "/")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Gzip(_Quiet):
    """Serve text files gzip-compressed when the browser accepts it, as static hosts such as
    GitHub Pages, Netlify or nginx with gzip on do. Everything else as http.server does."""

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants_gzip and path.is_file() and self.path.split("?")[0].endswith(COMPRESSIBLE)):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        self.wfile.write(body)


def serve(site: Path, compress: bool) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = _Gzip if compress else _Quiet
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def run_lighthouse(url: str, form_factor: str, out: Path) -> dict[str, Any]:
    command = [
        str(LIGHTHOUSE),
        url,
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--output=json",
        f"--output-path={out}",
        "--quiet",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    return json.loads(out.read_text(encoding="utf-8"))


def summarize(form_factor: str, reports: list[dict[str, Any]]) -> None:
    scores = {
        category: [round(report["categories"][category]["score"] * 100) for report in reports]
        for category in CATEGORIES
    }
    line = " / ".join(
        f"{category} {statistics.median(values):.0f} ({'/'.join(map(str, values))})"
        for category, values in scores.items()
    )
    print(f"{form_factor:8s} {line}")
    metrics = []
    for audit, (label, unit, scale) in METRICS.items():
        values = [report["audits"][audit]["numericValue"] / scale for report in reports]
        metrics.append(f"{label} {statistics.median(values):.{2 if unit != 'ms' else 0}f}{unit}")
    print(f"{'':8s} {', '.join(metrics)}")
    failing: dict[str, str] = {}
    for report in reports:
        for category in CATEGORIES:
            for ref in report["categories"][category]["auditRefs"]:
                audit = report["audits"][ref["id"]]
                if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                    failing[ref["id"]] = f"{category}: {audit['title']} (score {audit['score']})"
    for line in sorted(failing.values()):
        print(f"{'':8s} not passed in some run: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", default="lessons/what-is-organizing/")
    parser.add_argument("--site-dir", type=Path, default=os.environ.get("SITE_DIR") or None)
    parser.add_argument("--keep-json", type=Path, help="keep the Lighthouse reports here")
    parser.add_argument(
        "--no-compression",
        action="store_true",
        help="serve files uncompressed, as plain `python -m http.server` does",
    )
    args = parser.parse_args()
    if not Path(CHROMIUM).is_file():
        sys.exit(f"{CHROMIUM} is missing: apt-get install chromium")
    ensure_lighthouse()
    with tempfile.TemporaryDirectory(prefix="bench-lighthouse-") as scratch:
        site = args.site_dir or build_site(Path(scratch) / "site")
        server, base = serve(site, compress=not args.no_compression)
        try:
            url = base + args.page
            served = "uncompressed" if args.no_compression else "gzip-compressed"
            print(f"Lighthouse {LIGHTHOUSE_VERSION}, {url} ({served}), median of {args.runs} runs")
            for form_factor in ("mobile", "desktop"):
                reports = []
                for run in range(args.runs):
                    out = Path(scratch) / f"{form_factor}-{run}.json"
                    reports.append(run_lighthouse(url, form_factor, out))
                    if args.keep_json:
                        args.keep_json.mkdir(parents=True, exist_ok=True)
                        shutil.copy(out, args.keep_json / out.name)
                summarize(form_factor, reports)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
