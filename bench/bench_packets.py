"""Benchmark the packet builder on the real curriculum.

    .venv/bin/python bench/bench_packets.py [--workers N] [--skip-full]
    .venv/bin/python bench/bench_packets.py --cpu [--profile packets.prof]

Measures (1) pages per second for one course packet (the longest track, participant, Letter,
rendered in-process), (2) the whole published set cold (empty cache) with N worker processes,
and (3) the same set again with a warm cache (nothing changed: files are only copied). It also
prints the footnote guard's totals: how many notes fell on the page after their call.
Output goes to a scratch directory that is removed afterwards.

``--cpu`` instead measures CPU time (not wall time, which a shared machine inflates) per page
of the packets ``bench/run.py`` times (single-lesson, standard, Letter), built in this process
after a warm-up packet, and counts those that needed more than one layout. ``--profile FILE``
adds a second, profiled pass (cProfile on CPU time; read it with ``python -m pstats FILE``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hooks.loader import load_curriculum  # noqa: E402
from hooks.packets import (  # noqa: E402
    MarkdownConverter,
    PacketSpec,
    RenderState,
    build_all,
    plan,
    render,
)


def course_packet_speed(workers_note: str) -> None:
    curriculum = load_curriculum(ROOT)
    track = max(curriculum.course.tracks, key=lambda t: len(t.lessons))
    spec = PacketSpec(f"track:{track.id}", tuple(track.lessons), "participant", "letter")
    state = RenderState(curriculum, ROOT, curriculum.course.start_time, MarkdownConverter(ROOT))
    render(state, PacketSpec(track.lessons[0], (track.lessons[0],)))  # load fonts, warm up
    started = time.perf_counter()
    _, record = render(state, spec)
    seconds = time.perf_counter() - started
    print(
        f"course packet '{track.id}' ({spec.label}): {record['pages']} pages in {seconds:.2f} s"
        f" = {record['pages'] / seconds:.1f} pages/s (one process{workers_note})"
    )


def whole_set(workers: int) -> None:
    curriculum = load_curriculum(ROOT)
    specs = plan(curriculum)
    with tempfile.TemporaryDirectory(prefix="bench-packets-") as scratch:
        out, cache = Path(scratch) / "site" / "packets", Path(scratch) / "cache"
        cold = build_all(curriculum, ROOT, out, cache, workers=workers)
        print(f"cold, {workers} workers: {cold.summary()}")
        print(f"  = {cold.pages / cold.seconds:.1f} pages/s over {len(specs)} files")
        started = time.perf_counter()
        curriculum = load_curriculum(ROOT)
        warm = build_all(curriculum, ROOT, out, cache, workers=workers)
        total = time.perf_counter() - started
        print(f"warm cache: {warm.summary()} (with loading the curriculum: {total:.2f} s)")
        by_kind: dict[str, list[int]] = {}
        for spec in specs:
            kind = "track" if spec.key.startswith("track:") else spec.style
            by_kind.setdefault(kind, []).append(len(spec.lessons))
        print("  files:", ", ".join(f"{kind} {len(v)}" for kind, v in by_kind.items()))


def cpu_per_page(count: int, profile: Path | None) -> None:
    """CPU ms per page of the packets bench/run.py times; see the module docstring."""
    curriculum = load_curriculum(ROOT)
    specs = [
        spec
        for spec in plan(curriculum)
        if len(spec.lessons) == 1 and spec.style == "standard" and spec.paper == "letter"
    ][:count]
    warm_up = PacketSpec(specs[0].key, specs[0].lessons, paper="a4")  # fonts, CSS, caches
    with tempfile.TemporaryDirectory(prefix="bench-packets-") as scratch:
        out, cache = Path(scratch) / "out", Path(scratch) / "cache"
        build_all(curriculum, ROOT, out, Path(scratch) / "warm-up", specs=[warm_up], workers=1)
        started = time.process_time()
        result = build_all(curriculum, ROOT, out, cache, specs=specs, workers=1)
        seconds = time.process_time() - started
        retried = [
            path.name.split(".")[0]
            for path in sorted(cache.glob("*.json"))
            if json.loads(path.read_text())["attempts"] > 1
        ]
        print(
            f"{result.rendered} packets, {result.pages} pages: "
            f"{1000 * seconds / result.pages:.1f} ms CPU per page (one process, after a warm-up)"
        )
        print(f"  {len(retried)} needed more than one layout {retried or ''}")
        if profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.runcall(
                build_all, curriculum, ROOT, out, Path(scratch) / "again", specs=specs, workers=1
            )
            profiler.dump_stats(profile)
            print(f"profile (CPU time) written to {profile}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--skip-full", action="store_true", help="only the course packet")
    parser.add_argument("--cpu", action="store_true", help="only CPU ms per page (bench set)")
    parser.add_argument("--count", type=int, default=20, help="packets for --cpu")
    parser.add_argument("--profile", type=Path, help="with --cpu: write a CPU profile here")
    args = parser.parse_args()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    if args.cpu:
        cpu_per_page(args.count, args.profile)
        return 0
    print(f"machine: {os.cpu_count()} cores")
    course_packet_speed("")
    if not args.skip_full:
        whole_set(args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
