"""The bibliography page's back-links name the notes each page shows, by the same numbers."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest
from mkdocs.utils.meta import get_data

from hooks.bibliography import Bibliography
from hooks.pages import environment
from hooks.references import References

BIB = Path(__file__).parent / "fixtures" / "bib" / "curriculum.bib"

# Front matter and an indented code block (indented with a tab) hold citation syntax that the
# page never shows as a note; the two real notes are 1 and 2.
SOURCE = (
    "---\n"
    "title: Sources of solidarity\n"
    'description: "Read with [@spade2020]"\n'
    "---\n\n"
    "Mutual aid is older than the state.[@kropotkin1902, 74]\n\n"
    "\tan example of syntax: [@spade2020, 99]\n\n"
    "Solidarity, not charity.[@spade2020, 16]\n"
)


def test_back_links_use_the_note_numbers_of_the_converted_page() -> None:
    references = References(Bibliography.load(BIB))
    entries = references.bibliography_page_entries({"lessons/x/": ("X", SOURCE)})
    links = {
        entry["anchor"]: [use.href for page in entry["cited_in"] for use in page.notes]
        for entry in entries
    }
    assert links == {
        "ref-kropotkin1902": ["../lessons/x/#fnref:cite-1"],
        "ref-spade2020": ["../lessons/x/#fnref:cite-2"],
    }
    md = markdown.Markdown(
        extensions=["hooks.citations"],
        extension_configs={"hooks.citations": {"bibliography": str(BIB), "cache_dir": ""}},
    )
    html = md.convert(get_data(SOURCE)[0])
    assert re.findall(r'id="fnref:(cite-\d+)"', html) == ["cite-1", "cite-2"]
    assert "[@spade2020, 99]" in html  # the code block kept its text


def test_a_page_citing_a_work_in_many_notes_is_named_once_with_its_note_numbers() -> None:
    source = "A.[@spade2020, 1]\n\nB.[@kropotkin1902, 2]\n\nC.[@spade2020, 3; @kropotkin1902, 4]\n"
    references = References(Bibliography.load(BIB))
    entries = references.bibliography_page_entries(
        {"lessons/x/": ("Lesson X", source), "lessons/y/": ("Lesson Y", "D.[@spade2020, 5]\n")}
    )
    (spade,) = [entry for entry in entries if entry["anchor"] == "ref-spade2020"]
    assert [(page.title, [use.number for use in page.notes]) for page in spade["cited_in"]] == [
        ("Lesson X", [1, 3]),
        ("Lesson Y", [1]),
    ]
    html = environment().get_template("bibliography.md.j2").render(entries=entries)
    assert "Lesson X —&nbsp;notes <a" in html and "Lesson Y —&nbsp;note <a" in html
    assert html.count("Lesson X") == 2  # once for each work it cites, not once per note


# --------------------------------------------------------------------------- nocite

BASE = Path(__file__).parent / "fixtures" / "broken" / "_base"


def _project_with_nocite(tmp_path: Path, nocite: str) -> Path:
    import shutil

    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    lesson = project / "curriculum" / "lessons" / "organizing-basics.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("\nduration: 60\n", f"\nnocite: {nocite}\nduration: 60\n", 1))
    return project


def test_nocite_in_front_matter_lists_works_in_sources_and_bibliography(tmp_path: Path) -> None:
    from hooks.checks import check_project
    from hooks.pages import PageBuilder

    project = _project_with_nocite(tmp_path, '["@ward1973"]')
    bib = project / "bibliography.bib"
    bib.write_text(
        bib.read_text() + "\n@book{ward1973,\n  author = {Ward, Colin},\n  title = {Anarchy in "
        "Action},\n  publisher = {Allen and Unwin},\n  location = {London},\n  date = {1973},\n}\n"
    )
    report = check_project(project, {"cache_dir": None})
    assert [p.code for p in report.problems] == []  # ward1973 counts as cited: no W064
    assert report.curriculum is not None and report.bibliography is not None
    lesson = report.curriculum.lessons["organizing-basics"]
    assert lesson.meta.nocite_keys == ["ward1973"]
    references = References(report.bibliography)
    pages = PageBuilder(
        curriculum=report.curriculum,
        cite_entry=references.entry_html,
        cited_keys=references.cited_keys,
        all_keys=lambda: list(references.bibliography),
    )
    sources = pages.lesson(lesson).split("## Sources", 1)[1]
    assert "Ward, Colin. <em>Anarchy in Action</em>" in sources
    assert "Spade, Dean" in sources  # cited in the text, as before
    listed = {"lessons/organizing-basics/": (lesson.meta.title, pages.listed_keys(lesson))}
    entries = references.bibliography_page_entries({}, listed)
    (ward,) = [entry for entry in entries if entry["anchor"] == "ref-ward1973"]
    assert [page.sources_href for page in ward["cited_in"]] == [
        "../lessons/organizing-basics/#sources"
    ]


@pytest.mark.parametrize(
    ("nocite", "keys"),
    [('"@a, @b"', ["a", "b"]), ('["@a", "@{b c}"]', ["a", "b c"]), ('"@*"', ["*"])],
)
def test_nocite_forms(tmp_path: Path, nocite: str, keys: list[str]) -> None:
    from hooks.loader import load_lesson

    project = _project_with_nocite(tmp_path, nocite)
    lesson = load_lesson(project / "curriculum/lessons/organizing-basics.md", project)
    assert lesson.meta.nocite_keys == keys


def test_nocite_star_lists_every_work_and_unknown_keys_are_errors(tmp_path: Path) -> None:
    from hooks.checks import check_project

    report = check_project(_project_with_nocite(tmp_path / "a", '"@*"'), {"cache_dir": None})
    assert report.problems == []
    project = _project_with_nocite(tmp_path / "b", '"@*, @nosuchkey"')
    (problem,) = check_project(project, {"cache_dir": None}).problems
    assert problem.code == "E030" and "'@nosuchkey'" in problem.message
    text = (project / "curriculum/lessons/organizing-basics.md").read_text().split("\n")
    assert text[problem.line - 1][problem.column - 1 :].startswith("@nosuchkey")
