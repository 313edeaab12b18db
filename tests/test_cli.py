"""The ``curriculum`` command: exit codes, output formats, and never a traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from hooks import cli

BROKEN = Path(__file__).parent / "fixtures" / "broken"
ROOT = Path(__file__).resolve().parents[1]
LESSON = "curriculum/lessons/organizing-basics.md"
SUMMARY = re.compile(r"^\d+ errors?, \d+ warnings? in \d+ files?$", re.M)


def project(tmp_path: Path, case: str | None = None) -> Path:
    target = tmp_path / "project"
    shutil.copytree(BROKEN / "_base", target)
    if case:
        shutil.copytree(BROKEN / case, target, dirs_exist_ok=True)
    return target


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def not_on_github(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("CURRICULUM_DEBUG", raising=False)


def test_check_passes_on_a_clean_project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--root", str(project(tmp_path))], capsys)
    assert code == 0
    assert out.strip() == "0 errors, 0 warnings in 5 files"


def test_check_fails_with_located_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", "--root", str(project(tmp_path, "e030-citation-in-body"))], capsys)
    assert code == 1
    assert (
        f"{LESSON}:50:17: E030 unknown citation key '@spade202'\n"
        "    Did you mean 'spade2020'?" in out
    )
    assert "1 error, 0 warnings in 5 files" in out
    assert "::error" not in out


def test_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project(tmp_path, "w064-bib-uncited"))
    code, out, _ = run(["check", "--root", root], capsys)
    assert code == 0 and "0 errors, 1 warning in 5 files" in out
    code, _, _ = run(["check", "--root", root, "--strict"], capsys)
    assert code == 1


def test_github_annotations_when_running_in_actions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    root = project(tmp_path, "e050-admonition-case")
    (root / "bibliography.bib").write_text(
        (root / "bibliography.bib").read_text() + "\n@book{extra, title = {X}, publisher = {P}, "
        "author = {A, B}, date = {2000}}\n"
    )
    code, out, _ = run(["check", "--root", str(root)], capsys)
    assert code == 1
    lines = out.splitlines()
    assert f"{LESSON}:56:5: E050 unknown box (admonition) name 'Facilitator'" in lines
    assert any(
        line.startswith(
            f"::error file={LESSON},line=56,col=5,title=E050::unknown box (admonition) name "
            "'Facilitator'%0ABox names are lower case: write '!!! facilitator'."
        )
        for line in lines
    )
    assert any(
        line.startswith("::warning file=bibliography.bib,line=21,col=1,title=W064::")
        for line in lines
    )
    assert SUMMARY.search(out)


def test_github_annotations_can_be_forced_or_turned_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = str(project(tmp_path, "e050-admonition-case"))
    _, out, _ = run(["check", "--root", root, "--github", "--quiet"], capsys)
    assert out.splitlines()[0].startswith("::error file=")
    assert "E050 unknown" not in out  # --quiet: no human-readable lines
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out, _ = run(["check", "--root", root, "--no-github"], capsys)
    assert "::error" not in out


def test_check_outside_a_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--root", str(tmp_path)], capsys)
    assert code == 2
    assert "no 'curriculum' folder" in out


def test_check_finds_the_repository_from_a_subfolder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    monkeypatch.chdir(root / "curriculum" / "lessons")
    code, out, _ = run(["check"], capsys)
    assert code == 0 and "in 5 files" in out


def test_an_internal_error_asks_for_a_bug_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import hooks.checks

    def explode(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(hooks.checks, "check_project", explode)
    code, out, err = run(["check", "--root", str(project(tmp_path))], capsys)
    assert code == 2
    assert "Traceback" not in out + err
    assert "internal error: ZeroDivisionError: boom" in err
    assert "bug in the curriculum tools" in err and "curriculum check" in err
    assert cli.ISSUES in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["check", "--nonsense"], capsys)
    assert code == 2 and "unrecognized arguments" in err
    code, out, _ = run([], capsys)
    assert code == 2 and "new-lesson" in out and "packet" in out
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "check" in out


def test_new_lesson_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path)
    code, out, _ = run(
        ["new-lesson", "--root", str(root), "--id", "tenant-unions", "--title", "Tenant Unions"],
        capsys,
    )
    assert code == 0
    assert "Wrote curriculum/lessons/tenant-unions.md" in out and "make check" in out
    code, out, _ = run(["check", "--root", str(root)], capsys)
    assert code == 0 and out.startswith("0 errors, 0 warnings in 6 files")
    code, out, _ = run(
        ["new-lesson", "--root", str(root), "--id", "tenant-unions", "--title", "Again"], capsys
    )
    assert code == 1 and "already exists" in out
    code, out, _ = run(
        ["new-lesson", "--root", str(root), "--id", "Tenant_Unions", "--title", "X"], capsys
    )
    assert code == 1 and "Try 'tenant-unions'" in out


def test_packet_is_handed_to_the_packets_module(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    fake = types.ModuleType("hooks.packets")
    fake.main = lambda argv: calls.append(argv) or 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hooks.packets", fake)
    assert cli.main(["packet", "all", "--edition", "large-print"]) == 0
    assert calls == [["all", "--edition", "large-print"]]


def test_packet_without_the_packets_module(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "hooks.packets", None)  # makes the import fail
    code, _, err = run(["packet", "all"], capsys)
    assert code == 2 and "not available" in err


def test_the_module_runs_as_a_program_without_tracebacks(tmp_path: Path) -> None:
    root = project(tmp_path, "e061-bib-unclosed-brace")
    result = subprocess.run(
        [sys.executable, "-m", "hooks.cli", "check", "--root", str(root)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 1, result.stderr
    assert "bibliography.bib:5:15: E061" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
