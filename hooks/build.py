"""``curriculum build``: the one strict build that ``make build`` and ``make test`` run.

MkDocs writes into a fresh folder beside the site (``.site.build-*``) and, only when the whole
build succeeded, that folder is swapped in for ``site/`` by rename, so ``site/`` is at every
moment either the old complete site or the new one:

- on Linux the two folders are exchanged in one atomic ``renameat2(RENAME_EXCHANGE)`` call;
- elsewhere the old site is renamed aside (``.site.old-*``) and the new one renamed in; a
  build killed between the two renames leaves the old site aside, and the next build puts it
  back before it starts.

A lock file beside the site (``.site.lock``) makes a second build of the same folder wait for
the first instead of pulling the site from under it, and lets each build sweep away what a
killed build left behind. A full disk is reported as such, naming the folder, instead of a
traceback or "Pagefind indexed no page".
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from hooks.diskspace import DiskFull, full_folder, is_disk_full

BUILDING = "build-"  # .site.build-*: a build in progress (or killed)
OLD = "old-"  # .site.old-*: a site swapped out, being deleted (or put aside by a killed build)
RENAME_EXCHANGE = 2  # linux/fs.h


@contextlib.contextmanager
def site_lock(site_dir: Path, out: TextIO) -> Iterator[None]:
    """Hold ``.<site>.lock`` beside ``site_dir`` for the whole build (waiting for any other
    build of that folder to finish first). The lock goes with the process, however it ends."""
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"build: waiting for another build of {site_dir.name}/ to finish", file=out)
            fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def leftovers(site_dir: Path, kind: str) -> list[Path]:
    return sorted(site_dir.parent.glob(f".{site_dir.name}.{kind}*"))


def recover(site_dir: Path) -> None:
    """Under the lock, before building: put back a site that a killed swap left aside, and
    delete the folders of killed builds and swapped-out sites."""
    aside = leftovers(site_dir, OLD)
    if aside and not site_dir.exists():
        newest = max(aside, key=lambda path: path.stat().st_mtime)
        os.rename(newest, site_dir)
        aside.remove(newest)
    for folder in [*leftovers(site_dir, BUILDING), *aside]:
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2``); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_cwd = -100  # AT_FDCWD
    done = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), RENAME_EXCHANGE)
    if done == 0:
        return True
    code = ctypes.get_errno()
    if code in {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP}:
        return False  # a file system (or kernel) without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def swap_in(built: Path, site_dir: Path) -> Path | None:
    """Put ``built`` at ``site_dir`` by rename; return where the old site now is (to delete)."""
    if not site_dir.exists():
        os.rename(built, site_dir)
        return None
    if _exchange(built, site_dir):
        return built  # now holds the old site
    old = site_dir.with_name(f".{site_dir.name}.{OLD}{os.getpid()}-{time.time_ns()}")
    os.rename(site_dir, old)  # aside, whole: a kill before the next line leaves it to recover()
    os.rename(built, site_dir)
    return old


def run_mkdocs(config_file: Path, site_dir: Path) -> int:
    """``mkdocs build --strict`` in this process (so that a full disk can be told apart from
    the rest). Returns MkDocs' exit status; raises OSError for what MkDocs does not catch."""
    import click
    from mkdocs.__main__ import cli

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    args = ["build", "--strict", "--config-file", str(config_file), "--site-dir", str(site_dir)]
    try:
        cli.main(args=args, prog_name="mkdocs", standalone_mode=False)
    except click.ClickException as error:  # Aborted: strict warnings, BuildStopped, ...
        error.show()
        return error.exit_code or 1
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    return 0


def build(root: Path, site_dir: Path, *, out: TextIO | None = None) -> int:
    """Build the site of the project at ``root`` into ``site_dir``; return the exit status."""
    out = out or sys.stderr
    site_dir = (root / site_dir).absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    shown = site_dir.relative_to(root) if site_dir.is_relative_to(root) else site_dir
    try:
        with site_lock(site_dir, out):
            recover(site_dir)
            scratch = Path(
                tempfile.mkdtemp(prefix=f".{site_dir.name}.{BUILDING}", dir=site_dir.parent)
            )
            try:
                status = run_mkdocs(root / "mkdocs.yml", scratch)
                if status != 0:
                    print(f"build: failed; {shown}/ is unchanged.", file=out)
                    return status
                old = swap_in(scratch, site_dir)
            except OSError as error:
                if not is_disk_full(error):
                    raise
                # Found before the scratch folder is deleted, while the disk is still full.
                folder = full_folder(error, [scratch, root / ".cache"])
                if folder.is_relative_to(scratch):  # name the folder people know
                    folder = site_dir / folder.relative_to(scratch)
                raise DiskFull(folder) from None
            finally:
                if scratch.exists():
                    shutil.rmtree(scratch, ignore_errors=True)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
                if old.exists():  # the new site is in place; only the old one lingers
                    print(f"build: could not delete all of the old site in {old}", file=out)
    except DiskFull as error:
        print(f"build: {error}\nbuild: failed; {shown}/ is unchanged.", file=out)
        return 1
    print(f"Site written to {shown}/", file=out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="curriculum build",
        description="Check the sources and build the site (packets included) into SITE_DIR, "
        "swapping it in only when the whole build succeeded. Warnings stop it (--strict), as "
        "they stop a published build.",
    )
    parser.add_argument("--site-dir", type=Path, default=Path("site"))
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the folder of mkdocs.yml (default: found from the current folder)",
    )
    args = parser.parse_args(argv)
    from hooks.cli import find_root

    return build(find_root(args.root).absolute(), args.site_dir)
