"""``check_project`` finds every kind of problem, locates it exactly, and never crashes.

``tests/fixtures/broken/_base`` is a small valid project; every other folder there holds one
broken input laid over it. Each case below names exactly what the checker must report.
"""

from __future__ import annotations

import re
import shutil
import string
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hooks.checks import (
    CODES,
    BibScanner,
    Lines,
    Source,
    check_project,
    find_citations,
    format_problem,
    github_annotation,
    mask_code,
)
from hooks.loader import Problem

ROOT = Path(__file__).resolve().parents[1]
BROKEN = Path(__file__).parent / "fixtures" / "broken"
LESSON = "curriculum/lessons/organizing-basics.md"

EXPECTED: dict[str, list[str]] = {
    # Everything the loader reports (front matter, course, cross-references).
    "e000-yaml-syntax": [f"{LESSON}:3:18: E000"],
    "e000-yaml-error-in-draft": [f"{LESSON}:3:18: E000"],  # and no W080 for its TODOs
    "e001-missing-field": [f"{LESSON}:2:1: E001"],
    "e001-wrong-type": [f"{LESSON}:17:1: E001"],
    "e002-unknown-field": [f"{LESSON}:7:1: E002"],
    "e003-binary-file": ["curriculum/lessons/photo.md:1:1: E003"],
    "e003-not-utf8": [f"{LESSON}:21:1: E003"],
    "e003-empty-course": ["curriculum/course.yml:1:1: E003"],
    "e004-duplicate-id": [f"{LESSON}:2:1: E004"],
    "e004-duplicate-track-id": ["curriculum/course.yml:9:1: E004"],
    "w005-file-name": ["curriculum/lessons/second.md:2:1: W005"],
    "e010-unknown-track-lesson": ["curriculum/course.yml:8:1: E010"],
    "e010-unknown-prerequisite": [f"{LESSON}:40:17: E010"],
    "e011-prerequisite-cycle": [f"{LESSON}:40:16: E011"],
    "e012-prerequisite-order": ["curriculum/course.yml:8:1: E012"],
    "e020-agenda-sum": [f"{LESSON}:20:1: E020"],
    "e021-unknown-agenda-activity": [f"{LESSON}:23:69: E021"],
    "w022-activity-minutes-differ": [f"{LESSON}:23:31: W022"],
    # Citations, wherever they are written.
    "e030-citation-in-body": [f"{LESSON}:50:17: E030"],
    "e030-citation-in-activity": [f"{LESSON}:37:39: E030"],
    "e030-citation-in-question": [f"{LESSON}:27:42: E030"],
    "e030-citation-in-docs-page": ["docs/guide.md:9:22: E030"],
    "e031-reading-key": [f"{LESSON}:14:10: E031"],
    "e032-glossary-source": ["curriculum/glossary.yml:4:11: E032"],
    "w033-bare-citation": [f"{LESSON}:49:4: W033"],
    "w034-unreadable-citation": [f"{LESSON}:50:16: W034"],
    # Glossary.
    "e040-unknown-key-term": [f"{LESSON}:12:1: E040"],
    "w041-unused-glossary-term": ["curriculum/glossary.yml:9:9: W041"],
    # Admonitions.
    "e050-admonition-case": [f"{LESSON}:56:5: E050"],
    "e050-unknown-admonition": [f"{LESSON}:56:5: E050"],
    "e051-admonition-not-indented": [f"{LESSON}:56:1: E051"],
    # The bibliography file.
    "e060-bib-missing-comma": ["bibliography.bib:16:22: E060"],
    "e060-bib-at-sign-in-comment": ["bibliography.bib:1:30: E060"],
    "e061-bib-unclosed-brace": ["bibliography.bib:5:15: E061"],
    "e061-bib-extra-brace": ["bibliography.bib:16:22: E061"],
    "w062-bib-duplicate-key": ["bibliography.bib:21:1: W062"],
    "w063-bib-missing-field": ["bibliography.bib:12:1: W063"],
    "w064-bib-uncited": ["bibliography.bib:21:1: W064"],
    "w065-bib-undefined-macro": ["bibliography.bib:12:1: W063", "bibliography.bib:16:1: W065"],
    "w066-bib-dangling-crossref": ["bibliography.bib:3:1: W066"],
    "w067-bib-field-twice": ["bibliography.bib:9:3: W067"],
    "w068-csl-item-without-id": ["references.json:1:1: W068"],
    # Safety.
    "e070-script-in-body": [f"{LESSON}:58:5: E070"],
    "e070-script-in-bib-title": ["bibliography.bib:14:26: E070"],
    "e070-event-handler-in-glossary": ["curriculum/glossary.yml:8:21: E070"],
    "e070-javascript-link-in-course": ["curriculum/course.yml:2:44: E070"],
    "e071-remote-image": [f"{LESSON}:47:33: E071"],
    "e072-bidi-override": [f"{LESSON}:3:29: E072", f"{LESSON}:3:34: E072"],
    "e073-missing-glyph": [f"{LESSON}:49:8: E073", f"{LESSON}:49:9: E073"],
    "w080-todo-in-published-lesson": [f"{LESSON}:39:65: W080"],
    # Links, images and headings.
    "a101-missing-page": ["docs/guide.md:8:32: A101"],
    "a101-lesson-link-to-web-address": [f"{LESSON}:51:87: A101"],
    "a102-missing-anchor": ["docs/guide.md:8:32: A102"],
    "a103-image-without-alt": ["docs/guide.md:16:1: A103"],
    "a104-click-here": ["docs/guide.md:14:29: A104"],
    "a105-http-link": [f"{LESSON}:51:96: A105"],
    "a110-heading-skips-level": [f"{LESSON}:49:1: A110"],
    "a111-h1-in-lesson": [f"{LESSON}:47:1: A111"],
}


SETTINGS: dict[str, dict[str, object]] = {
    "w068-csl-item-without-id": {"bibliography": ["bibliography.bib", "references.json"]},
}
"""Cases checked with a ``bibliography`` setting, as mkdocs.yml gives it."""


def make_project(tmp_path: Path, case: str | None = None) -> Path:
    project = tmp_path / "project"
    shutil.copytree(BROKEN / "_base", project)
    if case:
        shutil.copytree(BROKEN / case, project, dirs_exist_ok=True)
    return project


def located(problems: list[Problem]) -> list[str]:
    return [f"{p.path}:{p.line}:{p.column}: {p.code}" for p in problems]


def assert_clean(problem: Problem) -> None:
    """A problem a person can act on: located, coded, worded, never a traceback."""
    assert isinstance(problem.path, str) and problem.path
    assert isinstance(problem.line, int) and problem.line >= 1
    assert isinstance(problem.column, int) and problem.column >= 1
    assert problem.code in CODES, problem
    assert problem.level == CODES[problem.code][0], problem
    assert isinstance(problem.message, str) and problem.message.strip()
    assert "Traceback" not in problem.message and "Traceback" not in problem.hint


# --------------------------------------------------------------------------- fixtures


def test_the_base_project_is_clean(tmp_path: Path) -> None:
    report = check_project(make_project(tmp_path))
    assert report.problems == []
    assert report.curriculum is not None
    assert report.bibliography is not None and "spade2020" in report.bibliography
    assert report.summary() == "0 errors, 0 warnings in 5 files"


def test_a_hand_kept_bibdesk_file_is_reported_in_one_run_and_still_loads(tmp_path: Path) -> None:
    """Every recoverable problem of a real BibDesk file is a located warning, all at once."""
    project = make_project(tmp_path)
    handkept = (Path(__file__).parent / "fixtures" / "bib" / "bibdesk-handkept.bib").read_text()
    bib = project / "bibliography.bib"
    offset = bib.read_text().count("\n")
    bib.write_text(bib.read_text() + handkept, encoding="utf-8")
    report = check_project(project)
    assert report.errors == []
    found = [
        (p.line - offset, p.code) for p in report.problems if p.code in {"W062", "W065", "W066"}
    ]
    assert found == [
        (24, "W065"),  # journal = nosuchjournal
        (35, "W065"),  # publisher = elsevir
        (69, "W062"),  # Duplicate2026 again
        (91, "W062"),  # GoerzSPP2019 again
        (120, "W066"),  # crossref to a missing entry
    ]
    assert report.bibliography is not None and "MonthName2026" in report.bibliography


def test_every_broken_fixture_has_an_expectation() -> None:
    folders = {path.name for path in BROKEN.iterdir() if path.is_dir() and path.name != "_base"}
    assert folders == set(EXPECTED)


def test_every_code_has_a_broken_fixture() -> None:
    covered = {entry.rsplit(" ", 1)[1] for entries in EXPECTED.values() for entry in entries}
    assert covered == set(CODES)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_broken_input_is_reported_exactly(tmp_path: Path, case: str) -> None:
    report = check_project(make_project(tmp_path, case), SETTINGS.get(case))
    assert located(report.problems) == EXPECTED[case]
    for problem in report.problems:
        assert_clean(problem)
        assert problem.hint, f"{case}: every problem should say how to fix it"


def test_messages_name_the_problem_and_suggest_a_fix(tmp_path: Path) -> None:
    cases = {
        "e030-citation-in-body": ("unknown citation key '@spade202'", "Did you mean 'spade2020'?"),
        "e030-citation-in-docs-page": ("'@Spade2020'", "case-sensitive: write 'spade2020'"),
        "e050-admonition-case": ("'Facilitator'", "write '!!! facilitator'"),
        "e002-unknown-field": ("unknown field 'objective'", "Did you mean 'objectives'?"),
        "w063-bib-missing-field": ("entry 'spade2020' (@book) has no 'publisher'", "publisher"),
        "w062-bib-duplicate-key": ("duplicate key 'spade2020' (first defined on line 12", ""),
        "w066-bib-dangling-crossref": ("crossref 'kropotkin1902collected'", "remove the crossref"),
        "e000-yaml-syntax": (
            "YAML syntax error: this value contains a colon",
            'Put the whole value in double quotes: title: "Organizing: a short fixture lesson"',
        ),
        "a102-missing-anchor": ("#three-meanings", "Did you mean '#two-meanings'?"),
        "e021-unknown-agenda-activity": (
            "agenda segment 'Sort the list' names activity 'sort-the-lists'",
            "Did you mean 'sort-the-list'?",
        ),
        "w022-activity-minutes-differ": (
            "gives activity 'sort-the-list' 25 minutes, but the activity says 30 (line 32)",
            "",
        ),
    }
    for case, (message, hint) in cases.items():
        (problem,) = check_project(make_project(tmp_path / case, case)).problems
        assert message in problem.message, case
        assert hint in problem.hint, case


@pytest.mark.parametrize(
    ("old", "new", "expected", "hint"),
    [
        (
            '  - {kind: input, minutes: 15, title: "Two meanings of organizing",',
            "  - {kind: input, minutes: 15, title: Two meanings: organizing,",
            f"{LESSON}:22:51: E000 YAML syntax error: a value inside [ ] or {{ }} contains a colon",
            "double quotes",
        ),
        (
            'questions:\n  - "Is every group',
            'questions:\n  - "Is "every" group',
            f"{LESSON}:11:10: E000 YAML syntax error: a quotation mark inside a quoted value",
            "curly quotes",
        ),
        (
            "summary: >-\n",
            'summary: "unclosed\n',
            f"{LESSON}:4:10: E000 YAML syntax error: this quotation mark is not closed",
            "Close the quote",
        ),
        (
            "tags: [organizing]",
            "tags: [organizing",
            f"{LESSON}:40:7: E000 YAML syntax error: this list is never closed with ']'",
            "']'",
        ),
        (
            "duration: 60\n",
            "duration: 60\n\tobjectives_note: x\n",
            f"{LESSON}:7:1: E000 YAML syntax error: a tab character",
            "spaces",
        ),
    ],
)
def test_yaml_mistakes_are_explained_in_plain_words(
    tmp_path: Path, old: str, new: str, expected: str, hint: str
) -> None:
    project = make_project(tmp_path)
    lesson = project / LESSON
    text = lesson.read_text()
    assert old in text
    lesson.write_text(text.replace(old, new, 1))
    (problem,) = check_project(project).problems
    assert format_problem(problem).startswith(expected)
    assert hint in problem.hint


def test_lesson_body_positions_survive_bom_and_crlf(tmp_path: Path) -> None:
    project = make_project(tmp_path, "e030-citation-in-body")
    lesson = project / LESSON
    lesson.write_bytes(b"\xef\xbb\xbf" + lesson.read_bytes().replace(b"\n", b"\r\n"))
    assert located(check_project(project).problems) == [f"{LESSON}:50:17: E030"]


@pytest.mark.parametrize(
    ("old", "new", "expected", "words"),
    [
        (
            'key_points: ["General',
            'key_point: ["General',
            [f"{LESSON}:42:1: E002"],
            "unknown field 'key_point'",
        ),
        (
            "key_points:",
            "# key_points:",
            [f"{LESSON}:2:1: E001"],
            "required field 'key_points' is missing",
        ),
        (
            'exit_question: "In one sentence, what makes organizing mass organizing?"\n',
            "",
            [f"{LESSON}:2:1: E001"],
            "required field 'exit_question' is missing",
        ),
        (
            ', script: "Malatesta called organization a condition',
            ', title2: "Malatesta called organization a condition',
            [f"{LESSON}:22:1: E002"],
            "unknown field 'agenda.1.title2'",
        ),
        (
            ', script: "Malatesta called organization a condition of living in society.'
            ' Today we ask what kind builds power."',
            "",
            [f"{LESSON}:22:1: E001"],
            "input segment 'Two meanings of organizing' has no script",
        ),
        (
            ', prompt: "One thing you will try before next time."',
            "",
            [f"{LESSON}:24:1: E001"],
            "segment 'Closing round' is a pair or round but has no prompt",
        ),
        (
            'key_points: ["General organizing gets a task done; mass organizing builds power.", ',
            "key_points: [",
            [f"{LESSON}:42:1: E001"],
            "key_points: List should have at least 3 items",
        ),
        (
            "next_reading: {key: spade2020,",
            "next_reading: {key: spade2021,",
            [f"{LESSON}:43:21: E031"],
            "reading key 'spade2021' is not in bibliography.bib",
        ),
        (
            "next_reading:",
            "handouts:\n  - {title: Organization, source: malatesta1896, rights: public-domain,"
            ' excerpt: "We want to organize."}\nnext_reading:',
            [f"{LESSON}:44:35: E032"],
            "source 'malatesta1896' is not in bibliography.bib",
        ),
    ],
)
def test_sessions_must_be_runnable_from_the_page(
    tmp_path: Path, old: str, new: str, expected: list[str], words: str
) -> None:
    """Key points, input scripts, prompts, the next reading and an exit question are required,
    and each missing one is reported at its file and line."""
    project = make_project(tmp_path)
    lesson = project / LESSON
    text = lesson.read_text()
    assert old in text
    lesson.write_text(text.replace(old, new, 1))
    report = check_project(project)
    assert located(report.problems) == expected
    assert any(words in problem.message for problem in report.problems), [
        str(p) for p in report.problems
    ]


def test_citations_in_code_are_not_checked(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    lesson = project / LESSON
    lesson.write_text(lesson.read_text() + "\n`[@nothing]` and\n\n```\n[@nothing2, 3]\n```\n")
    assert check_project(project).problems == []


def test_drafts_may_hold_placeholders(tmp_path: Path) -> None:
    project = make_project(tmp_path, "w080-todo-in-published-lesson")
    lesson = project / LESSON
    lesson.write_text(lesson.read_text().replace("duration: 60", "status: draft\nduration: 60"))
    assert check_project(project).problems == []


def test_settings_choose_the_bibliography(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    (project / "bibliography.bib").rename(project / "refs.bib")
    assert check_project(project, {"bibliography": "refs.bib", "cache_dir": None}).problems == []
    missing = check_project(project)
    assert "bibliography.bib:1:1: E003" in located(missing.problems)


def test_a_string_macro_bomb_is_one_located_error(tmp_path: Path) -> None:
    """Ten levels of tenfold ``#`` joins took pybtex minutes and gigabytes, then gave an empty
    reason at 1:1; seven levels (10 MB) show the same bound without risking the machine."""
    project = make_project(tmp_path)
    macros = ['@string{a0 = "xxxxxxxxxx"}']
    macros += [f"@string{{a{n} = {' # '.join([f'a{n - 1}'] * 10)}}}" for n in range(1, 7)]
    bib = project / "bibliography.bib"
    bib.write_text("\n".join(macros) + "\n" + bib.read_text())
    problems = check_project(project, {"cache_dir": None}).problems
    bombs = [p for p in problems if p.code == "E060"]
    assert located(bombs) == ["bibliography.bib:6:1: E060"]
    assert "@string 'a5' expands to 1,000,000 characters" in bombs[0].message


ALIAS_BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)
"""Nine levels of nine-fold YAML aliases (387,420,489 values once expanded)."""


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        (
            f"title: Guide\n{ALIAS_BOMB}tags: *i\n",
            ["docs/guide.md:7:1: E001"]
            + [f"docs/guide.md:{line}:1: E001" for line in (8, 9, 10, 11, 12)],
        ),
        ("title: Guide\ntags: [[nested], list]\n", ["docs/guide.md:3:1: E001"]),
        ("title: Guide\nhide: toc\n", ["docs/guide.md:3:1: E001"]),
        ('title: "Guide\n', ["docs/guide.md:2:8: E000"]),
        ("- a list\n", ["docs/guide.md:2:1: E001"]),
        ("title: 2024\ntags: [a, b]\nhide: [toc]\nsearch: {exclude: true}\n", []),
    ],
    ids=["alias-bomb", "nested-tags", "hide-not-a-list", "yaml-syntax", "not-a-mapping", "fine"],
)
def test_front_matter_of_pages_is_checked(tmp_path: Path, front: str, expected: list[str]) -> None:
    """MkDocs reads a page's front matter without saying where a problem is (a bomb there
    failed the build with no line number); the checks read it first."""
    project = make_project(tmp_path)
    page = project / "docs/guide.md"
    body = page.read_text().split("---\n", 2)[2]
    page.write_text(f"---\n{front}---\n{body}")
    problems = check_project(project, {"cache_dir": None}).problems
    assert sorted(located(p for p in problems if p.path == "docs/guide.md")) == sorted(expected)
    for problem in problems:
        assert_clean(problem)


# --------------------------------------------------------------------------- malformed input


@pytest.mark.parametrize(
    ("relative", "content", "expected"),
    [
        (LESSON, b"", "must start with YAML front matter"),
        (LESSON, b"\x00\x01\x02binary", "binary file"),
        (LESSON, b"---\ntitle: caf\xe9\n---\n", "not valid UTF-8"),
        (LESSON, b"---\nid: x\n", "never closed"),
        (LESSON, b"---\nid: x\nwhen: 2025-13-45\n---\n", "cannot be read: month must be in 1..12"),
        (LESSON, b"---\na: !!int x\n---\n", "cannot be read"),
        (LESSON, b"---\n" + b"[" * 3000 + b"\n---\n", "YAML"),
        ("curriculum/glossary.yml", b"", "empty"),
        ("curriculum/glossary.yml", b"- [1, 2]\n- slug: 3\n", "glossary"),
        ("curriculum/course.yml", b"tracks: {a: 1}\n", "tracks"),
        ("bibliography.bib", b"@book{x, title = {Unbalanced}\n", "never closed"),
        ("bibliography.bib", b"\x00\xff", "binary"),
        (
            "bibliography.bib",
            b"@book{x, title = {<script>alert(1)</script>}, date = {2020}}\n",
            "<script>",
        ),
        ("docs/guide.md", b"\xff\xfe", "UTF-8"),
    ],
)
def test_malformed_files_get_clean_messages(
    tmp_path: Path, relative: str, content: bytes, expected: str
) -> None:
    project = make_project(tmp_path)
    (project / relative).write_bytes(content)
    report = check_project(project)
    assert report.errors
    for problem in report.problems:
        assert_clean(problem)
    assert any(
        expected in problem.message or expected in problem.hint for problem in report.problems
    ), [str(p) for p in report.problems]


def test_a_ten_thousand_line_lesson_is_fast_and_exact(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    lesson = project / LESSON
    lines = [f"Line {n} says something [@spade2020, {n}]." for n in range(10_000)]
    lines[7_000] = "A typo [@spade202, 1] on this line."
    lesson.write_text(lesson.read_text() + "\n" + "\n".join(lines) + "\n")
    started = time.perf_counter()
    report = check_project(project)
    assert time.perf_counter() - started < 5
    first_body_line = len((project / LESSON).read_text().split("\n")) - 10_000
    assert located(report.problems) == [f"{LESSON}:{first_body_line + 7_000}:9: E030"]


def test_the_real_curriculum_has_no_errors_and_is_fast() -> None:
    check_project(ROOT)  # warm the bibliography cache, as a second build would
    started = time.perf_counter()
    report = check_project(ROOT)
    elapsed = time.perf_counter() - started
    assert report.errors == [], "\n".join(format_problem(p) for p in report.errors)
    assert report.curriculum is not None and report.bibliography is not None
    assert elapsed < 2.0  # about 0.3 s on the development machine


# --------------------------------------------------------------------------- output formats


def test_problem_formats() -> None:
    problem = Problem(
        "curriculum/lessons/x.md",
        12,
        "unknown citation key '@a,b'",
        "E030",
        "Did you mean 'ab'? 100%",
        7,
        "error",
    )
    assert format_problem(problem) == (
        "curriculum/lessons/x.md:12:7: E030 unknown citation key '@a,b'\n"
        "    Did you mean 'ab'? 100%"
    )
    assert github_annotation(problem) == (
        "::error file=curriculum/lessons/x.md,line=12,col=7,title=E030::"
        "unknown citation key '@a,b'%0ADid you mean 'ab'? 100%25"
    )
    warning = Problem("a,b:c.md", 1, "m", "W041", "", 1, "warning")
    assert github_annotation(warning) == "::warning file=a%2Cb%3Ac.md,line=1,col=1,title=W041::m"


def test_codes_are_documented_in_contributing() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in CODES:
        assert re.search(rf"^\| `?{code}`? ", text, re.M), f"{code} missing from CONTRIBUTING.md"


# --------------------------------------------------------------------------- helpers


def test_find_citations_agrees_with_the_renderer() -> None:
    text = (
        "A [@a, 16] b [see @b, 3; also @c] `[@code]` mail x@y.org, @a alone, "
        "[@a; x] broken, [link](https://e.org/@a), [@a 16] and [^note]."
    )
    found = [
        (c.key, c.kind, text[c.start : c.start + len(c.key) + 1]) for c in find_citations(text)
    ]
    assert found == [
        ("a", "cite", "@a"),
        ("b", "cite", "@b"),
        ("c", "cite", "@c"),
        ("a", "narrative", "@a"),
        ("a", "malformed", "[@"),
        ("a", "cite", "@a"),
    ]
    (malformed,) = [c for c in find_citations(text) if c.kind == "malformed"]
    assert "'x' names no source" in malformed.reason and malformed.hint


def test_mask_code_keeps_offsets() -> None:
    text = "a `b` c\n```\n[@x]\n```\n<!-- [@y] -->d"
    masked = mask_code(text)
    assert len(masked) == len(text) and masked.count("\n") == text.count("\n")
    assert "@x" not in masked and "@y" not in masked and masked.endswith("d")


def bib_source(text: str) -> Source:
    return Source("bibliography.bib", text, Lines(text))


def test_bib_scanner_recovers_and_keeps_going() -> None:
    text = (
        "@book{a, title = {One}\n@book{b, title = {Two}, date = {2020}}\n"
        "@book{c, title = {Three}}}\n  date = {2021},\n}\n@book{d, title = {Four}}\n"
    )
    scanner = BibScanner(bib_source(text)).scan()
    assert [entry.key for entry in scanner.entries] == ["a", "b", "c", "d"]
    assert [(problem.line, problem.code) for problem in scanner.problems] == [
        (1, "E061"),
        (3, "E061"),
    ]


# --------------------------------------------------------------------------- properties

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

FIELDS = [
    "id",
    "title",
    "summary",
    "status",
    "duration",
    "objectives",
    "questions",
    "key_terms",
    "readings",
    "agenda",
    "discussion_questions",
    "activities",
    "prerequisites",
    "tags",
    "authors",
    "key",
    "minutes",
    "kind",
    "activity",
    "source",
    "slug",
    "tracks",
    "lessons",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-10, 10_000)
    | st.floats(allow_nan=False)
    | st.text(alphabet=string.printable + "é—“”@[]{}<>", max_size=40)
    | st.sampled_from(
        [
            "spade2020",
            "[@spade2020, 16]",
            "@x",
            "draft",
            "2025-01-01",
            "<script>",
            "!!! Facilitator",
            "opening",
            "organizing-basics",
        ]
    )
)
yaml_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)
markdown = st.text(alphabet="ab @[]()!#*`-:;,.\n\t{}<>/=\"'" + "é", max_size=300)
bibtex = st.text(alphabet='@book{}()=,"#% \nabc12\\-<script>', max_size=300)


def assert_report_is_clean(project: Path) -> None:
    report = check_project(project)
    for problem in report.problems:
        assert_clean(problem)
    summary = report.summary()
    assert re.fullmatch(r"\d+ errors?, \d+ warnings? in \d+ files?", summary)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


@PROPERTY_SETTINGS
@given(
    content=st.binary(max_size=400),
    target=st.sampled_from(
        [
            LESSON,
            "curriculum/course.yml",
            "curriculum/glossary.yml",
            "bibliography.bib",
            "docs/guide.md",
            "curriculum/lessons/new.md",
        ]
    ),
)
def test_random_bytes_never_escape_as_exceptions(
    project: Path, content: bytes, target: str
) -> None:
    path = project / target
    original = path.read_bytes() if path.exists() else None
    try:
        path.write_bytes(content)
        assert_report_is_clean(project)
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


@PROPERTY_SETTINGS
@given(front=yaml_values, body=markdown)
def test_random_yaml_lessons_give_clean_problems(project: Path, front: object, body: str) -> None:
    path = project / "curriculum/lessons/random.md"
    try:
        dumped = yaml.safe_dump(front, allow_unicode=True)
        path.write_text(f"---\n{dumped}---\n{body}", encoding="utf-8")
        assert_report_is_clean(project)
    finally:
        path.unlink(missing_ok=True)


@PROPERTY_SETTINGS
@given(
    data=yaml_values, target=st.sampled_from(["curriculum/course.yml", "curriculum/glossary.yml"])
)
def test_random_yaml_course_and_glossary(project: Path, data: object, target: str) -> None:
    path = project / target
    original = path.read_bytes()
    try:
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert_report_is_clean(project)
    finally:
        path.write_bytes(original)


@PROPERTY_SETTINGS
@given(text=bibtex)
def test_random_bibtex_gives_clean_problems(project: Path, text: str) -> None:
    scanner = BibScanner(bib_source(text)).scan()
    for problem in scanner.problems:
        assert_clean(problem)
    path = project / "bibliography.bib"
    original = path.read_bytes()
    try:
        path.write_text(path.read_text() + text, encoding="utf-8")
        assert_report_is_clean(project)
    finally:
        path.write_bytes(original)


@PROPERTY_SETTINGS
@given(body=markdown)
def test_random_markdown_in_pages_and_lessons(project: Path, body: str) -> None:
    lesson, page = project / LESSON, project / "docs/guide.md"
    originals = lesson.read_bytes(), page.read_bytes()
    try:
        lesson.write_text(lesson.read_text() + body, encoding="utf-8")
        page.write_text(body, encoding="utf-8")
        assert_report_is_clean(project)
    finally:
        lesson.write_bytes(originals[0])
        page.write_bytes(originals[1])


# --------------------------------------------------------------------------- encoded markup

ENCODED_MARKUP = {
    # (file, text replaced, replacement, expected location)
    "entities in a title (the issue's attack)": (
        LESSON,
        '"Organizing: a short fixture lesson"',
        '"Care &quot;&gt;&lt;img src=x onerror&#61;alert(1)&gt; X"',
        f"{LESSON}:3:38: E070",
    ),
    "numeric references in a title": (
        LESSON,
        '"Organizing: a short fixture lesson"',
        '"&#60;script&#62;alert(1)&#60;/script&#62;"',
        f"{LESSON}:3:9: E070",
    ),
    "YAML escapes in a title": (
        LESSON,
        '"Organizing: a short fixture lesson"',
        '"\\x3cscript\\x3ealert(1)\\x3c/script\\x3e"',
        f"{LESSON}:3:8: E070",
    ),
    "unicode escapes in a title": (
        LESSON,
        '"Organizing: a short fixture lesson"',
        '"\\u003cimg src=x onerror=alert(1)\\u003e"',
        f"{LESSON}:3:8: E070",
    ),
    "svg with a slash in a glossary definition": (
        "curriculum/glossary.yml",
        "People pooling",
        "<svg/onload=alert(1)> People pooling",
        "curriculum/glossary.yml:3:20: E070",
    ),
    "details with slashes in the body": (
        LESSON,
        "## Two meanings",
        "<details/open/ontoggle=alert(1)>x</details>\n\n## Two meanings",
        f"{LESSON}:47:15: E070",
    ),
    "entity-encoded javascript link in the body": (
        LESSON,
        "## Two meanings",
        "[x](&#106;avascript:alert(1))\n\n## Two meanings",
        f"{LESSON}:47:5: E070",
    ),
    "tab-encoded javascript link in the body": (
        LESSON,
        "## Two meanings",
        '<a href="java&#9;script:alert(1)">x</a>\n\n## Two meanings',
        f"{LESSON}:47:10: E070",
    ),
    "newline inside javascript in the body": (
        LESSON,
        "## Two meanings",
        '<a href="java\nscript:alert(1)">x</a>\n\n## Two meanings',
        f"{LESSON}:47:10: E070",
    ),
    "braces inside javascript in a bibliography url": (
        "bibliography.bib",
        "  title     = {Mutual Aid},\n  subtitle  = {A Factor",
        "  title     = {Mutual Aid},\n  url = {java{}script:alert(1)},\n  subtitle  = {A Factor",
        "bibliography.bib:6:10: E070",
    ),
}


@pytest.mark.parametrize("case", ENCODED_MARKUP)
def test_raw_markup_check_decodes_before_it_judges(tmp_path: Path, case: str) -> None:
    """E070 sees markup behind HTML entities, numeric references, YAML escapes, slashes for
    spaces, and tabs, newlines or braces inside ``javascript:``."""
    name, old, new, expected = ENCODED_MARKUP[case]
    project = make_project(tmp_path)
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    found = [line for line in located(check_project(project).problems) if "E070" in line]
    assert found[:1] == [expected]


# --------------------------------------------------------------------------- what pages load

GUIDE = "docs/guide.md"
REMOTE_LOADS = {
    # (file, text replaced, replacement, expected location)
    "Markdown image in a lesson (the issue's attack)": (
        LESSON, "## Two meanings", "![A flyer](https://evil.example/x.png)\n\n## Two meanings",
        f"{LESSON}:47:12: E071",
    ),
    "Markdown image in an objective": (
        LESSON, '"Distinguish general', '"![A flyer](//cdn.example/x.png) Distinguish general',
        f"{LESSON}:8:17: E071",
    ),
    "reference-style image in a page": (
        GUIDE, "## Before a session",
        "![A photo][photo]\n\n[photo]: https://evil.example/p.jpg\n\n## Before a session",
        f"{GUIDE}:13:10: E071",
    ),
    "HTML image srcset in a page": (
        GUIDE, "## Before a session",
        '<img alt="a" srcset="a.png 1x, https://evil.example/b.png 2x">\n\n## Before a session',
        f"{GUIDE}:11:21: E071",
    ),
    "video poster and source in a page": (
        GUIDE, "## Before a session",
        '<video poster="http://evil.example/p.jpg"></video>\n\n## Before a session',
        f"{GUIDE}:11:15: E071",
    ),
    "CSS url() in a style attribute": (
        LESSON, "## Two meanings",
        '<p style="background: url(https://evil.example/bg.png)">x</p>\n\n## Two meanings',
        f"{LESSON}:47:27: E071",
    ),
    "entity-encoded image address": (
        LESSON, "## Two meanings", "![A flyer](&#104;ttps://evil.example/x.png)\n\n## Two meanings",
        f"{LESSON}:47:12: E071",
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", REMOTE_LOADS)
def test_anything_a_page_would_load_from_another_host_is_an_error(
    tmp_path: Path, case: str
) -> None:
    name, old, new, expected = REMOTE_LOADS[case]
    project = make_project(tmp_path)
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [p for p in check_project(project).problems if p.code == "E071"]
    assert located(problems) == [expected]
    assert "docs/assets/" in problems[0].hint


def test_stylesheets_may_not_import_from_another_host(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    css = project / "docs/assets/extra.css"
    css.write_text('body { color: black; }\n@import "https://fonts.example/css?family=X";\n')
    assert located(check_project(project).problems) == ["docs/assets/extra.css:2:10: E071"]


def test_links_a_reader_clicks_may_go_anywhere(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    path = project / LESSON
    path.write_text(
        path.read_text().replace(
            "## Two meanings",
            "[The flyer](https://example.org/x.png) and <a href='https://example.org/'>x</a>"
            "\n\n## Two meanings",
        )
    )
    assert [p for p in check_project(project).problems if p.code == "E071"] == []


# --------------------------------------------------------------------------- characters

BIDI = {
    "override in a lesson title": (
        LESSON, '"Organizing: a', '"\u202eOrganizing: a', f"{LESSON}:3:9",
    ),
    "isolate in the body": (LESSON, "Spade argues", "Spade \u2066argues", f"{LESSON}:49:7"),
    "override in a glossary definition": (
        "curriculum/glossary.yml", "People pooling", "People \u202dpooling",
        "curriculum/glossary.yml:3:22",
    ),
    "override in a YAML comment of the course": (
        "curriculum/course.yml", 'title: "Fixture course"', 'title: "Fixture course" # \u202e',
        "curriculum/course.yml:1:27",
    ),
    "override in the bibliography": (
        "bibliography.bib", "{Mutual Aid}", "{Mutual \u202eAid}", "bibliography.bib:5:23",
    ),
    "isolate in a page": (GUIDE, "# Guide", "# Gu\u2067ide", f"{GUIDE}:6:5"),
}  # fmt: skip


@pytest.mark.parametrize("case", BIDI)
def test_bidirectional_controls_are_rejected_where_they_are(tmp_path: Path, case: str) -> None:
    """They make "evil" display as "live"; every field and text of every source is read."""
    name, old, new, expected = BIDI[case]
    project = make_project(tmp_path)
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    problems = [p for p in check_project(project).problems if p.code == "E072"]
    assert located(problems) == [f"{expected}: E072"]
    assert problems[0].level == "error"


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (LESSON, "Spade argues", "Spade \u4e2d\u6587 argues", f"{LESSON}:49:7: E073"),
        ("curriculum/glossary.yml", "People pooling", "People \U0001f91d pooling",
         "curriculum/glossary.yml:3:22: E073"),
        ("bibliography.bib", "{Mutual Aid}", "{Mutual \u2713 Aid}", "bibliography.bib:5:23: E073"),
    ],
    ids=["CJK in a lesson", "emoji in the glossary", "check mark in the bibliography"],
)  # fmt: skip
def test_characters_the_bundled_fonts_lack_are_errors(
    tmp_path: Path, name: str, old: str, new: str, expected: str
) -> None:
    """Packets would print them as boxes (the glyphs are read from the fonts' cmaps)."""
    project = make_project(tmp_path)
    shutil.copytree(ROOT / "docs/assets/fonts", project / "docs/assets/fonts")
    assert check_project(project).problems == []  # accents, dashes and curly quotes are fine
    path = project / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    problems = [p for p in check_project(project).problems if p.code == "E073"]
    assert located(problems)[:1] == [expected]
    assert "U+" in problems[0].message


def test_decomposed_accents_are_judged_as_the_letters_they_make(tmp_path: Path) -> None:
    """ "c" + U+0327 COMBINING CEDILLA is the fonts' "ç", though the fonts lack the mark."""
    project = make_project(tmp_path)
    shutil.copytree(ROOT / "docs/assets/fonts", project / "docs/assets/fonts")
    path = project / LESSON
    path.write_text(path.read_text().replace("Spade argues", "Fran\u0063\u0327ois argues", 1))
    assert [p for p in check_project(project).problems if p.code == "E073"] == []
