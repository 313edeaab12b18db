"""Site search (Pagefind), used the way a reader uses it: the button or a key, then typing.

The search terms are chosen at test time from the sources (lesson objectives, glossary
definitions, the bibliography) and from the built pages (what each page's indexed article
holds, and what only its navigation, header and footer hold), so each test proves that exactly
that part of the site is searchable, or is not. Search must also work from the keyboard, after
Material's instant navigation, under a sub-path (GitHub Pages' /curriculum/) and on a phone.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browserkit import (
    MOBILE,
    ROOT,
    SEARCH_BUTTON,
    SEARCH_DIALOG,
    SEARCH_INPUT,
    SEARCH_META,
    SEARCH_RESULT_LINK,
    SEARCH_SECTION_LINK,
    all_result_links,
    candidate_words,
    documents_matching,
    full_track,
    glossary,
    goto,
    lessons,
    open_search,
    search,
    search_documents,
    search_summary,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def result_paths(links: list[str]) -> list[str]:
    return [urlsplit(link).path for link in links]


def dialog_open(page: Any) -> bool:
    return page.locator(SEARCH_DIALOG).evaluate("dialog => dialog.open")


def wait_focused(page: Any, selector: str, what: str) -> None:
    try:
        page.wait_for_function(
            "s => document.activeElement?.matches(s) ?? false", arg=selector, timeout=5_000
        )
    except Exception as error:  # Playwright's TimeoutError
        active = page.evaluate("document.activeElement?.outerHTML.slice(0, 200)")
        raise AssertionError(f"{what}: focus is on {active}") from error


def objective_term(site: Path) -> tuple[str, str]:
    """A word from some lesson's objectives that the indexed pages hold only in that
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
    # The result is titled with the lesson's title and points into its objectives.
    link = page.locator(f'{SEARCH_RESULT_LINK}[href*="/lessons/{lesson_id}/"]')
    assert " ".join(link.inner_text().split()) == " ".join(lessons()[lesson_id]["title"].split())
    sections = page.locator(f'{SEARCH_SECTION_LINK}[href*="/lessons/{lesson_id}/"]')
    anchors = [urlsplit(href or "").fragment for href in sections.evaluate_all(
        "links => links.map(link => link.getAttribute('href'))")]  # fmt: skip
    assert "what-you-will-learn" in anchors, anchors


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
    assert re.search(r"\d+ results? for " + author, page.locator(SEARCH_META).inner_text())
    # Following the result closes the dialog and lands on the bibliography, the name marked.
    page.locator(f'{SEARCH_RESULT_LINK}[href*="/bibliography/"]').first.click()
    page.wait_for_url(re.compile(r"/bibliography/"))
    page.locator("article mark", has_text=re.compile(author, re.I)).first.wait_for()
    assert not dialog_open(page)


# Text of the page around the article: skip link, table of contents title, back-to-top
# button, footer navigation and copyright line.
CHROME = ".md-skip, .md-nav--secondary > .md-nav__title, .md-top, .md-footer, .md-copyright"


def test_text_outside_the_article_is_not_indexed(site_dir: Path, new_page: Any) -> None:
    """Only articles are indexed (data-pagefind-body). Pagefind matches words loosely, so a
    phrase of the page's navigation, header or footer may find articles holding its words;
    but no result may show the phrase itself, as it would if the page chrome were indexed."""
    page = new_page()
    goto(page, f"lessons/{full_track()[1]}/")
    articles = " ".join(text for _, text in search_documents(site_dir))
    phrases = {
        " ".join(line.split())
        for text in page.locator(CHROME).all_text_contents()
        for line in text.splitlines()
        if len(line.split()) >= 2
    }
    phrases = sorted(phrase for phrase in phrases if phrase.lower() not in articles)
    assert len(phrases) >= 3, phrases
    open_search(page)
    shown = {}
    for phrase in phrases:
        page.locator(SEARCH_INPUT).fill(phrase)
        search_summary(page, phrase)
        all_result_links(page)
        excerpts = page.locator(f"{SEARCH_DIALOG} :is(.pf-result-excerpt, .pf-heading-excerpt)")
        text = " ".join(" ".join(excerpts.all_inner_texts()).split()).lower()
        if phrase.lower() in text:
            shown[phrase] = text[:300]
    assert shown == {}


def sitemap(base_url: str, pages: list[str]) -> str:
    urls = "".join(
        f"<url><loc>{base_url}{path}</loc></url>" for path in pages if not path.endswith(".html")
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    )


def test_search_works_after_instant_navigation(
    new_page: Any, base_url: str, pages: list[str]
) -> None:
    """Material's instant navigation swaps the page under a header it keeps. It only follows
    links listed in sitemap.xml, which MkDocs leaves empty without site_url, so the test serves
    one (as a deployed site with site_url has) and checks the navigation really stayed in the
    same document."""
    page = new_page()
    page.route(
        "**/sitemap.xml",
        lambda route: route.fulfill(content_type="application/xml", body=sitemap(base_url, pages)),
    )
    first, second = full_track()[0], full_track()[1]
    goto(page, f"lessons/{first}/")
    page.evaluate("window.__sameDocument = true")
    # Scroll to the footer and pause there, as a reader does before clicking "Next". (Material
    # records the scroll offset 100 ms after scrolling stops; a click inside that window lets it
    # file the old page's offset under the new page, which then opens at the bottom.)
    next_link = page.locator("a.md-footer__link--next")
    next_link.scroll_into_view_if_needed()
    page.wait_for_function("history.state !== null && history.state.y > 0")
    next_link.click()
    page.wait_for_url(re.compile(f"/lessons/{second}/$"))
    page.locator("article h1", has_text=lessons()[second]["title"][:20]).wait_for()
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"
    # "Next" opens the next lesson at its top, and it stays there once Material has settled
    # (with navigation.tracking on, a busy browser also wrote the old page's last section,
    # #sources, into the new address; the site no longer turns that feature on).
    page.wait_for_timeout(1_000)
    assert page.evaluate("[location.hash, scrollY]") == ["", 0], (
        "the next lesson did not open at the top"
    )

    links = search(page, "Delalande")
    paths = result_paths(links)
    assert "/bibliography/" in paths, paths
    assert all(path.removeprefix("/") in pages for path in paths), paths
    page.locator(f'{SEARCH_RESULT_LINK}[href*="/bibliography/"]').first.click()
    page.wait_for_url(re.compile(r"/bibliography/"))
    page.locator("article h1", has_text="Bibliography").wait_for()
    assert page.evaluate("window.__sameDocument === true"), "following a result was not instant"
    assert not dialog_open(page), "the search dialog stayed open over the new page"
    # Search still works on the page reached that way, its links still to real pages.
    paths = result_paths(search(page, "solidarity"))
    assert paths and all(path.removeprefix("/") in pages for path in paths), paths


def test_keyboard_opens_searches_and_closes(new_page: Any) -> None:
    page = new_page()
    lesson = full_track()[1]
    goto(page, f"lessons/{lesson}/")
    page.evaluate("document.activeElement?.blur()")
    page.keyboard.press("/")
    wait_focused(page, SEARCH_INPUT, '"/" did not open search')
    assert dialog_open(page)
    page.keyboard.type("solidarity", delay=25)
    search_summary(page, "solidarity")
    page.locator(SEARCH_RESULT_LINK).first.wait_for(state="visible")
    # Results are links, reached with the arrow key.
    page.keyboard.press("ArrowDown")
    wait_focused(page, SEARCH_RESULT_LINK, "ArrowDown did not reach the first result")
    # Keys inside the dialog are for the search: Material's "n" (next page) must not fire,
    # here from the Clear button.
    page.locator(SEARCH_INPUT).focus()
    page.keyboard.press("Tab")
    wait_focused(page, "dialog.pf-modal button", "Tab did not reach the Clear button")
    page.keyboard.press("n")
    page.wait_for_timeout(500)
    assert urlsplit(page.url).path.endswith(f"/lessons/{lesson}/"), page.url
    # Escape closes the dialog and gives focus back to the search button.
    page.keyboard.press("Escape")
    page.wait_for_function("s => !document.querySelector(s).open", arg=SEARCH_DIALOG)
    wait_focused(page, SEARCH_BUTTON, "Escape did not return focus to the search button")
    # "s" opens it too, as in Material.
    page.evaluate("document.activeElement?.blur()")
    page.keyboard.press("s")
    wait_focused(page, SEARCH_INPUT, '"s" did not open search')
    assert dialog_open(page)


class _SubPath(http.server.SimpleHTTPRequestHandler):
    """Serves the site under /curriculum/ only, as GitHub Pages serves a project site."""

    prefix = "/curriculum/"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_head(self) -> Any:
        if not self.path.startswith(self.prefix):
            self.send_error(404)
            return None
        self.path = "/" + self.path.removeprefix(self.prefix)
        return super().send_head()


@pytest.fixture(scope="module")
def sub_path_url(site_dir: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_SubPath, directory=str(site_dir))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}{_SubPath.prefix}"
    server.shutdown()
    server.server_close()


def test_search_works_when_the_site_is_served_from_a_sub_path(
    browser: Any, sub_path_url: str
) -> None:
    context = browser.new_context(base_url=sub_path_url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        goto(page, f"lessons/{full_track()[2]}/")
        paths = result_paths(search(page, "Delalande"))
        assert paths and all(path.startswith("/curriculum/") for path in paths), paths
        page.locator(f'{SEARCH_RESULT_LINK}[href*="/bibliography/"]').first.click()
        page.wait_for_url(re.compile(r"/curriculum/bibliography/"))
        page.locator("article h1", has_text="Bibliography").wait_for()
    finally:
        context.close()


def test_search_on_a_phone(new_page: Any) -> None:
    page = new_page(**MOBILE)
    width = MOBILE["viewport"]["width"]
    goto(page, f"lessons/{full_track()[0]}/")
    button = page.locator(SEARCH_BUTTON).bounding_box()
    assert button and button["x"] + button["width"] <= width and button["width"] >= 24, button
    links = search(page, "mutual aid")
    assert links
    box = page.locator(SEARCH_DIALOG).bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    first = page.locator(SEARCH_RESULT_LINK).first
    first_box = first.bounding_box()
    assert first_box and first_box["y"] >= 0, first_box
    assert first_box["y"] + first_box["height"] <= MOBILE["viewport"]["height"], first_box
    first.click()
    page.wait_for_url(re.compile(re.escape(urlsplit(links[0]).path) + r"(\?|$)"))
    assert not dialog_open(page)


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_lesson_result_shows_the_lessons_words_and_plain_headings(
    new_page: Any, device: str
) -> None:
    """ "breakfast" finds the survival-programs lesson first, with an excerpt from its prose
    (not its reading list: "Read: pp. 231-32. Optional · about 10 minutes"), and the headings
    under it read as written, with no "#" drawn before them."""
    page = new_page(**(MOBILE if device == "phone" else {}))
    goto(page, "")
    paths = result_paths(search(page, "breakfast"))
    assert paths[0] == "/lessons/survival-programs/", paths
    result = page.locator("dialog.pf-modal li.pf-result").first
    excerpt = " ".join(result.locator(".pf-result-excerpt").first.inner_text().split())
    assert "breakfast" in excerpt.lower(), excerpt
    assert not re.search(r"Read:|Optional|Required|minutes ·", excerpt), excerpt
    headings = result.locator("a.pf-heading-link")
    assert headings.count() > 0
    for heading in headings.all():
        before = heading.evaluate("link => getComputedStyle(link, '::before').content")
        assert before in ("none", "normal"), before
        assert not heading.inner_text().strip().startswith("#")
