"""What ``check_project`` returns, a :class:`Report`, and how each problem is printed: for
people (:func:`format_problem`) and for GitHub's pull-request view (:func:`github_annotation`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hooks.checks.codes import CODES
from hooks.loader import Problem
from hooks.model import Curriculum


@dataclass
class Report:
    """What ``check_project`` found, and the loaded sources when they are good enough.

    ``curriculum`` is set when the lessons, course and glossary loaded without errors;
    ``bibliography`` (a :class:`hooks.bibliography.Bibliography`) when the .bib file parsed.
    The build reuses both instead of reading the files again.
    """

    problems: list[Problem] = field(default_factory=list)
    curriculum: Curriculum | None = None
    bibliography: Any = None
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        """``N errors, M warnings in K files``."""
        return (
            f"{_plural(len(self.errors), 'error')}, "
            f"{_plural(len(self.warnings), 'warning')} in {_plural(self.files, 'file')}"
        )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_problem(problem: Problem) -> str:
    """``path:line:col: CODE message`` and, when there is one, the hint on an indented line."""
    text = f"{problem.path}:{problem.line}:{problem.column}: {problem.code} {problem.message}"
    return f"{text}\n    {problem.hint}" if problem.hint else text


def github_annotation(problem: Problem) -> str:
    """The problem as a GitHub Actions workflow command, shown inline on pull requests."""
    kind = "error" if problem.level == "error" else "warning"
    message = problem.message + (f"\n{problem.hint}" if problem.hint else "")
    return (
        f"::{kind} file={_gh_property(problem.path)},line={problem.line},"
        f"col={problem.column},title={_gh_property(problem.code)}::{_gh_data(message)}"
    )


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def _problem(path: str, line: int, column: int, code: str, message: str, hint: str = "") -> Problem:
    return Problem(path, max(line, 1), message, code, hint, max(column, 1), CODES[code][0])
