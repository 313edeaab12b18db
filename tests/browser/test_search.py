"""Site search, used the way a reader uses it: click the box and type.

The search terms are chosen at test time from the sources (lesson objectives, glossary
definitions, the bibliography) and checked against the built search index, so each test proves
that exactly that part of the site is searchable.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browserkit import (
    ROOT,
    SEARCH_META,
    candidate_words,
    documents_matching,
    full_track,
    glossary,
    goto,
    lessons,
    search,
    search_documents,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def result_paths(links: list[str]) -> list[str]:
    return [urlsplit(link).path for link in links]


def objective_term(site: Path) -> tuple[str, str]:
    """A word from some lesson's objectives that the search index holds only in that
    lesson's 'What you will learn' section."""
    documents = search_documents(site)
    for lesson_id in full_track():
        objectives = " ".join(lessons()[lesson_id]["objectives"])
        for word in candidate_words(objectives):
            if documents_matching(documents, word) == {f"lessons/{lesson_id}/#what-you-will-learn"}:
                return lesson_id, word
    pytest.fail("no word of any lesson's objectives is indexed only in its objectives section")


def glossary_term(site: Path) -> str:
    """A word from the glossary's definitions that appears nowhere in the index except in
    glossary entries and in the lessons' 'Key terms' lists (which repeat the definitions)."""
    documents = search_documents(site)
    definitions = " ".join(str(item["definition"]) for item in glossary())
    found = []
    for word in candidate_words(definitions):
        holders = documents_matching(documents, word)
        if holders and all(
            place.startswith("glossary/") or place.endswith("#key-terms") for place in holders
        ):
            found.append((len(holders), word))
    assert found, "no glossary word is found only in glossary definitions"
    return min(found)[1]


def test_a_term_only_in_lesson_objectives_finds_the_lesson(site_dir: Path, new_page: Any) -> None:
    lesson_id, word = objective_term(site_dir)
    page = new_page()
    goto(page, "")
    paths = result_paths(search(page, word))
    assert f"/lessons/{lesson_id}/" in paths, (word, paths)


def test_a_term_only_in_a_glossary_definition_finds_the_glossary(
    site_dir: Path, new_page: Any
) -> None:
    word = glossary_term(site_dir)
    page = new_page()
    goto(page, "")
    paths = result_paths(search(page, word))
    assert "/glossary/" in paths, (word, paths)


def test_a_cited_author_finds_the_bibliography(site_dir: Path, new_page: Any) -> None:
    author = "Delalande"
    bib = (ROOT / "bibliography.bib").read_text(encoding="utf-8")
    assert re.search(r"author\s*=\s*[{\"][^\n]*" + author, bib), f"{author} is not a cited author"
    page = new_page()
    goto(page, "lessons/what-is-organizing/")
    links = search(page, author)
    assert "/bibliography/" in result_paths(links), links
    assert "matching document" in page.locator(SEARCH_META).inner_text()
    # Following the result lands on the bibliography with the name highlighted.
    page.locator('.md-search-result__item > a[href*="/bibliography/"]').first.click()
    page.wait_for_url(re.compile(r"/bibliography/"))
    assert page.locator("article mark", has_text=re.compile(author, re.I)).count() > 0
