"""The ``curriculum`` command: ``check``, ``new-lesson``, ``build`` and ``packet``.

    curriculum check                   # every source file; exit 1 if there is any error
    curriculum new-lesson --id ID --title TITLE
    curriculum build [--site-dir DIR]  # the strict site build (provided by hooks.build)
    curriculum packet ...              # printable packets (provided by hooks.packets)

It never shows a Python traceback: bad input is reported as ``file:line:column`` problems,
and anything unexpected as one message asking for a bug report (set ``CURRICULUM_DEBUG=1`` to
see the traceback).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

ISSUES = "https://github.com/survival-of-the-organized/curriculum/issues"

EXTERNAL_COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("hooks.build", "check the sources and build the site into site/ (strict)"),
    "packet": ("hooks.packets", "build printable study-group packets (PDF)"),
}
"""Subcommands provided by other modules: name -> (module, help). The module's
``main(argv: list[str]) -> int`` receives the arguments after the subcommand name. Add a line
here to wire in another tool."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 fine, 1 problems found, 2 failure)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args)
    except KeyboardInterrupt:
        print("curriculum: stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `curriculum check | head`
        return 0
    except Exception as error:
        if os.environ.get("CURRICULUM_DEBUG"):
            raise
        print(bug_message(error, args), file=sys.stderr)
        return 2


def bug_message(error: BaseException, args: Sequence[str]) -> str:
    """One friendly paragraph instead of a traceback, with what a bug report needs."""
    frames = traceback.extract_tb(error.__traceback__)
    where = ""
    if frames:
        frame = frames[-1]
        where = f" at {Path(frame.filename).name}:{frame.lineno} in {frame.name}"
    command = " ".join(["curriculum", *args])
    return (
        f"curriculum: internal error: {type(error).__name__}: {error}{where}\n"
        "This is a bug in the curriculum tools, not a mistake in your files. Please report it "
        f"at {ISSUES} with the command you ran ({command}) and this message.\n"
        "(Set CURRICULUM_DEBUG=1 to see the full Python traceback.)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="curriculum",
        description="Tools for the Survival of the Organized curriculum.",
        epilog="CONTRIBUTING.md explains every check and how to fix it.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="check lessons, glossary, course, bibliography and pages",
        description="Check every source file and report problems as file:line:column.",
    )
    _root_option(check)
    check.add_argument(
        "--strict",
        action="store_true",
        help="fail on warnings too (exit 1 when there is any warning)",
    )
    check.add_argument(
        "--github",
        dest="github",
        action="store_true",
        default=None,
        help="also print GitHub Actions annotations (default when GITHUB_ACTIONS=true)",
    )
    check.add_argument(
        "--no-github",
        dest="github",
        action="store_false",
        help="never print GitHub Actions annotations",
    )
    check.add_argument("--quiet", action="store_true", help="print only the summary line")

    new = commands.add_parser(
        "new-lesson",
        help="start a new draft lesson from the template",
        description="Write curriculum/lessons/ID.md (status: draft) and list it in the "
        "'drafts' track of curriculum/course.yml.",
    )
    _root_option(new)
    new.add_argument(
        "--id",
        required=True,
        dest="lesson_id",
        help="short lower-case name with hyphens, e.g. tenant-unions",
    )
    new.add_argument("--title", required=True, help='the lesson title, e.g. "Tenant Unions"')

    for name, (_, help_text) in EXTERNAL_COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)
    return parser


def _root_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the repository folder (default: found from the current folder)",
    )


def _run(args: list[str]) -> int:
    if args and args[0] in EXTERNAL_COMMANDS:
        return external(args[0], args[1:])
    parser = _parser()
    try:
        options = parser.parse_args(args)
    except SystemExit as exit_:  # argparse already printed the usage and the reason
        return exit_.code if isinstance(exit_.code, int) else 2
    if options.command == "check":
        return check(
            find_root(options.root),
            strict=options.strict,
            github=options.github,
            quiet=options.quiet,
        )
    if options.command == "new-lesson":
        return new_lesson(find_root(options.root), options.lesson_id, options.title)
    parser.print_help()
    return 2


def find_root(given: Path | None) -> Path:
    """The repository folder: ``--root``, else the nearest folder upwards with curriculum/."""
    if given is not None:
        return given
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "curriculum").is_dir():
            return folder
    return here


# --------------------------------------------------------------------------- check


def check(
    root: Path,
    *,
    strict: bool = False,
    github: bool | None = None,
    quiet: bool = False,
    out: TextIO | None = None,
) -> int:
    from hooks.checks import check_project, format_problem, github_annotation

    out = out or sys.stdout
    if not (root / "curriculum").is_dir():
        print(
            f"curriculum: no 'curriculum' folder in {root}.\n"
            "Run this from the repository's top folder, or pass --root FOLDER.",
            file=out,
        )
        return 2
    if github is None:
        github = os.environ.get("GITHUB_ACTIONS") == "true"
    report = check_project(root)
    for problem in report.problems:
        if not quiet:
            print(format_problem(problem), file=out)
        if github:
            print(github_annotation(problem), file=out)
    print(report.summary(), file=out)
    if report.errors:
        print(
            "Fix the errors above: each starts with file:line:column. CONTRIBUTING.md "
            "('What the checks mean') explains every code.",
            file=out,
        )
        return 1
    if report.warnings:
        print(
            "No errors, but warnings stop `make build` and `make test` (a published build is "
            "strict); `make serve` only shows them. Please fix them.",
            file=out,
        )
        return 1 if strict else 0
    return 0


# --------------------------------------------------------------------------- new-lesson


def new_lesson(root: Path, lesson_id: str, title: str, out: TextIO | None = None) -> int:
    from hooks.scaffold import ScaffoldError
    from hooks.scaffold import new_lesson as scaffold

    out = out or sys.stdout
    try:
        made = scaffold(root, lesson_id, title)
    except ScaffoldError as error:
        print(f"curriculum new-lesson: {error.message}", file=out)
        if error.hint:
            print(f"    {error.hint}", file=out)
        return 1
    lesson = (
        made.lesson.relative_to(root).as_posix()
        if made.lesson.is_relative_to(root)
        else str(made.lesson)
    )
    track = "a new 'drafts' track" if made.created_drafts_track else "the 'drafts' track"
    print(
        f"Wrote {lesson} (status: draft) and added it to {track} in curriculum/course.yml.\n"
        "Next steps:\n"
        f"  1. Open {lesson} and replace every TODO (CONTRIBUTING.md explains each field).\n"
        "  2. Run 'make check' and fix what it reports.\n"
        "  3. Run 'make serve' and open http://127.0.0.1:8000 to see the lesson.",
        file=out,
    )
    return 0


# --------------------------------------------------------------------------- packet & co.


def external(name: str, args: list[str]) -> int:
    """Hand a subcommand to the module that provides it, if that module is installed."""
    module_name, _ = EXTERNAL_COMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        print(
            f"curriculum {name}: not available in this version ({module_name} is missing).",
            file=sys.stderr,
        )
        return 2
    run: Callable[[list[str]], int | None] | None = getattr(module, "main", None)
    if run is None:
        print(f"curriculum {name}: {module_name} has no main(argv) function.", file=sys.stderr)
        return 2
    try:
        return int(run(args) or 0)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)


if __name__ == "__main__":
    sys.exit(main())
