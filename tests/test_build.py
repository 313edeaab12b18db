"""``curriculum build`` (hooks/build.py): site/ is always a complete site, whatever happens to
the build (a second build at once, a kill, a warning, a full disk)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from project_copy import copy_project

from hooks import build as site_build

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("site-builds")


def command(site_dir: str = "site") -> list[str]:
    return [sys.executable, "-m", "hooks.cli", "build", "--site-dir", site_dir]


def environment(packets: str = "off") -> dict[str, str]:
    return {**os.environ, "PACKETS": packets, "NO_MKDOCS_2_WARNING": "1"}


def run_build(project: Path, site_dir: str = "site") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command(site_dir), cwd=project, capture_output=True, text=True, env=environment()
    )


def beside(project: Path) -> list[str]:
    """What a build left beside the site besides the site and its lock."""
    return sorted(path.name for path in project.glob(".site.*") if path.name != ".site.lock")


def test_two_builds_at_once_both_succeed_and_leave_one_complete_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    builds = [
        subprocess.Popen(
            command(),
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment(),
        )
        for _ in range(2)
    ]
    outputs = [build.communicate(timeout=600)[0] for build in builds]
    assert [build.returncode for build in builds] == [0, 0], outputs
    assert any("waiting for another build of site/" in output for output in outputs)
    assert (project / "site/index.html").is_file()
    assert (project / "site/pagefind/pagefind-entry.json").is_file()
    assert beside(project) == []


def test_a_failed_build_leaves_the_old_site_as_it_was(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert run_build(project).returncode == 0
    (project / "site/marker").write_text("the old site")
    lesson = project / "curriculum/lessons/care-work.md"
    # A warning (W080, placeholder text in a published lesson) stops the build: it is strict.
    lesson.write_text(lesson.read_text().replace("## ", "## TODO ", 1))
    result = run_build(project)
    assert result.returncode == 1
    assert "W080" in result.stderr and "build: failed; site/ is unchanged." in result.stderr
    assert (project / "site/marker").read_text() == "the old site"
    assert (project / "site/pagefind/pagefind-entry.json").is_file()
    assert beside(project) == []


def test_a_killed_build_leaves_the_old_site_and_the_next_build_tidies_up(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    assert run_build(project).returncode == 0
    (project / "site/marker").write_text("the old site")
    build = subprocess.Popen(
        command(),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(project.glob(".site.build-*/assets")) and time.monotonic() < deadline:
        time.sleep(0.01)  # MkDocs is writing the new site
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert (project / "site/marker").read_text() == "the old site"
    assert beside(project), "the killed build left its scratch folder"
    assert run_build(project).returncode == 0
    assert not (project / "site/marker").exists()
    assert beside(project) == []


def test_an_undeletable_file_in_the_old_site_does_not_gut_it(tmp_path: Path) -> None:
    """The old swap deleted site/ before moving the new one in: a file it could not delete
    left a gutted site. Renames never touch the contents; the old site is deleted after."""
    project = copy_project(tmp_path)
    assert run_build(project).returncode == 0
    stuck = project / "site/stuck"
    stuck.write_text("immutable")
    if subprocess.run(["chattr", "+i", str(stuck)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here (root on ext4 or similar is needed)")
    try:
        result = run_build(project)
        assert result.returncode == 0, result.stderr
        assert "could not delete all of the old site" in result.stderr
        assert not stuck.exists() and (project / "site/pagefind/pagefind-entry.json").is_file()
    finally:
        for path in project.glob(".site.*/stuck"):
            subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_swap_killed_between_its_two_renames_is_put_right_by_the_next_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the folders cannot be exchanged atomically, the old site is renamed aside, whole,
    before the new one is renamed in; the next build puts it back if the second never came."""
    site, built = tmp_path / "site", tmp_path / ".site.build-1"
    site.mkdir()
    (site / "index.html").write_text("old")
    built.mkdir()
    (built / "index.html").write_text("new")
    monkeypatch.setattr(site_build, "_exchange", lambda first, second: False)
    renames = []

    def killed_after_one(source: Path, target: Path) -> None:
        if renames:
            raise KeyboardInterrupt  # the build dies here
        renames.append(target)
        os.replace(source, target)

    monkeypatch.setattr(site_build.os, "rename", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        site_build.swap_in(built, site)
    monkeypatch.undo()
    assert not site.exists() and (renames[0] / "index.html").read_text() == "old"
    site_build.recover(site)
    assert (site / "index.html").read_text() == "old"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_the_folders_are_exchanged_in_one_step(tmp_path: Path) -> None:
    site, built = tmp_path / "site", tmp_path / ".site.build-1"
    for folder, text in ((site, "old"), (built, "new")):
        folder.mkdir()
        (folder / "index.html").write_text(text)
    old = site_build.swap_in(built, site)
    assert (site / "index.html").read_text() == "new"
    assert old is not None and (old / "index.html").read_text() == "old"


@contextlib.contextmanager
def small_disk(folder: Path) -> Iterator[Path]:
    """A small tmpfs at ``folder`` (root only)."""
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def fill(disk: Path, free: int) -> None:
    """Leave about ``free`` bytes free on ``disk``."""
    with (disk / "filler").open("wb") as stream:
        stream.write(b"\0" * (shutil.disk_usage(disk).free - free))


def test_a_full_disk_is_named_not_a_traceback(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    with small_disk(tmp_path / "disk") as disk:
        fill(disk, 512 * 1024)
        result = run_build(project, str(disk / "site"))
    assert result.returncode == 1
    assert f"the disk is full: no space left on the device holding {disk}/site" in result.stderr
    assert "Traceback" not in result.stderr and "OSError" not in result.stderr


def test_a_disk_that_fills_up_under_pagefind_is_named(tmp_path: Path) -> None:
    from hooks.search import SearchIndexError, index_site

    project = copy_project(tmp_path)
    assert run_build(project).returncode == 0
    with small_disk(tmp_path / "disk") as disk:
        pages = disk / "pages"
        pages.mkdir()
        for page in ("index.html", "glossary/index.html"):
            (pages / page).parent.mkdir(exist_ok=True)
            shutil.copy(project / "site" / page, pages / page)
        fill(disk, 64 * 1024)
        with pytest.raises(SearchIndexError, match=f"the disk is full: .* holding {pages}"):
            index_site(pages)


def complete_pdf(path: Path) -> bool:
    from pypdf import PdfReader

    data = path.read_bytes()
    return data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:] and len(PdfReader(path).pages) > 0


@pytest.mark.xdist_group("packets")
def test_a_packet_build_killed_midway_leaves_no_half_pdf_and_a_cache_the_next_build_trusts(
    tmp_path: Path,
) -> None:
    """A real packet build (one published lesson, so that it stays short) killed while its
    workers render: no PDF in the cache is half-written, every cache record belongs to a whole
    PDF, and the next build completes every packet."""
    project = copy_project(tmp_path)
    for lesson in (project / "curriculum/lessons").glob("*.md"):
        if lesson.stem != "what-is-organizing":
            lesson.write_text(lesson.read_text().replace("status: published", "status: draft", 1))
    cache = project / ".cache/packets"
    build = subprocess.Popen(
        command(),
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(packets="on"),
        start_new_session=True,  # its render workers too
    )
    deadline = time.monotonic() + 300
    while not list(cache.glob("*.pdf")) and time.monotonic() < deadline:
        time.sleep(0.05)  # until the first packet is rendered and others are under way
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    rendered = list(cache.glob("*.pdf"))
    assert rendered, "the build was killed before it rendered a packet"
    assert all(complete_pdf(path) for path in rendered)
    for record in cache.glob("*.json"):
        assert record.with_suffix(".pdf") in rendered
        json.loads(record.read_text())
    assert not (project / "site").exists()
    hour_ago = time.time() - 2 * 3600
    for partial in cache.rglob(".*.part"):  # what the kill cut short, aged past a render's time
        os.utime(partial, (hour_ago, hour_ago))

    again = subprocess.run(
        command(), cwd=project, capture_output=True, text=True, env=environment(packets="on")
    )
    assert again.returncode == 0, again.stderr
    packets = sorted((project / "site/packets").glob("*.pdf"))
    assert len(packets) >= 6 and all(complete_pdf(path) for path in packets)
    assert beside(project) == []
    assert list(cache.rglob(".*.part")) == []


@pytest.mark.xdist_group("packets")
def test_a_read_only_cache_folder_builds_on_without_caches(tmp_path: Path) -> None:
    """A read-only checkout (here .cache/ is a read-only mount: root ignores file modes) builds
    the whole site, packets included, and says once, as information, that it has no caches."""
    project = copy_project(tmp_path)
    for lesson in (project / "curriculum/lessons").glob("*.md"):
        if lesson.stem != "what-is-organizing":  # one published lesson: few packets
            lesson.write_text(lesson.read_text().replace("status: published", "status: draft", 1))
    cache = project / ".cache"
    cache.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(cache)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        result = subprocess.run(
            command(), cwd=project, capture_output=True, text=True, env=environment("on")
        )
    finally:
        subprocess.run(["umount", "-l", str(cache)], check=False)
    assert result.returncode == 0, result.stderr
    told = [line for line in result.stderr.splitlines() if "caches: cannot write" in line]
    assert len(told) == 1 and told[0].startswith("INFO"), result.stderr
    assert "WARNING" not in result.stderr
    packets = list((project / "site/packets").glob("*.pdf"))
    assert len(packets) >= 6 and all(complete_pdf(path) for path in packets)


def make_recipe(target: str) -> list[str]:
    """The commands of a Makefile target, as `make -n` would run them."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", target, "INSTALL=", "BIN=bin"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line.strip()]


def test_make_test_builds_exactly_as_make_build_does() -> None:
    """Under --quiet MkDocs drops warnings before --strict counts them: `make test` passed
    builds that `make build` refused. Both now run the same strict command."""
    build = [line for line in make_recipe("build") if "build" in line.split()]
    test = [line for line in make_recipe("test") if " build " in f"{line} "]
    assert build == ["bin/curriculum build --site-dir site"]
    assert test == ["bin/curriculum build --site-dir .cache/test-site"]
    assert not any("--quiet" in line or "--no-strict" in line for line in build + test)
    assert [line for line in make_recipe("check") if "curriculum" in line] == [
        "bin/curriculum check --strict"
    ]
    assert "--no-strict" in make_recipe("serve")[-1]  # the preview is the lenient one


def test_the_checks_say_what_warnings_do(tmp_path: Path) -> None:
    """They said "Warnings do not stop the site from building" while every warning stopped
    `make build`."""
    project = copy_project(tmp_path)
    lesson = project / "curriculum/lessons/care-work.md"
    lesson.write_text(lesson.read_text().replace("## ", "## TODO ", 1))
    check = subprocess.run(
        [sys.executable, "-m", "hooks.cli", "check"], cwd=project, capture_output=True, text=True
    )
    assert "W080" in check.stdout
    assert "warnings stop `make build` and `make test`" in check.stdout
    assert "do not stop" not in check.stdout
