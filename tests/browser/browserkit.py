"""Helpers for the browser tests: paths, the curriculum sources, and the few theme selectors.

Every selector that depends on Material's DOM or on Pagefind's search UI lives here, so a
theme change (or a move to Zensical) means editing one file.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
# Debian's Chromium. CHROMIUM_PATH may point elsewhere (e.g. /usr/bin/google-chrome on a CI
# image that has Chrome but no Debian Chromium); nothing is ever downloaded.
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
AXE_JS = ROOT / "node_modules/axe-core/axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
MOBILE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}

# Search: Pagefind's Component UI (button in the header, dialog; hooks/overrides/)
SEARCH_BUTTON = ".md-header pagefind-modal-trigger button"
SEARCH_DIALOG = "dialog.pf-modal"
SEARCH_INPUT = "dialog.pf-modal input.pf-input"
SEARCH_RESULT = "dialog.pf-modal li.pf-result"
SEARCH_RESULT_LINK = "dialog.pf-modal a.pf-result-link"
SEARCH_SECTION_LINK = "dialog.pf-modal a.pf-heading-link"  # a heading inside a result page
SEARCH_META = "dialog.pf-modal .pf-summary"  # "3 results for …", "No results for …"
# Material selectors
ACTIVE_TOOLTIP = ".md-tooltip2--active"
PRIMARY_NAV = "nav.md-nav--primary"
DRAWER_BUTTON = 'label.md-header__button[for="__drawer"]'


# --- the site ------------------------------------------------------------------------------


def site_pages(site: Path) -> list[str]:
    """URL paths of every page, e.g. ``""``, ``"lessons/care-work/"``, ``"404.html"``."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        relative = file.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html"))
    return paths


def page_file(site: Path, path: str) -> Path:
    """The HTML file behind a URL path from :func:`site_pages`."""
    return site / (path + "index.html" if path == "" or path.endswith("/") else path)


def plain_text(markup: str) -> str:
    """Markup to lower-case plain text with single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()).lower()


def squash(text: str) -> str:
    """Letters and digits only, lower case: compares text across PDF line breaks and hyphens."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


ARTICLE = re.compile(r"<article\b[^>]*\bdata-pagefind-body\b[^>]*>(.*?)</article>", re.S)
SECTION = re.compile(r'<h2 id="([^"]+)"')


def search_documents(site: Path) -> list[tuple[str, str]]:
    """(location, plain text) of what search indexes: the article of every page marked with
    ``data-pagefind-body``, cut into sections at its ``h2`` headings, as Pagefind cuts results
    into sub-results. Locations look like ``lessons/care-work/#key-terms``; the text before
    the first heading is ``lessons/care-work/``."""
    documents = []
    for path in site_pages(site):
        found = ARTICLE.search(page_file(site, path).read_text(encoding="utf-8"))
        if found is None:
            continue
        article = found[1]
        cuts = [(0, "")] + [(m.start(), f"#{m[1]}") for m in SECTION.finditer(article)]
        for (start, anchor), (end, _) in zip(cuts, [*cuts[1:], (len(article), "")], strict=True):
            documents.append((path + anchor, plain_text(article[start:end])))
    return documents


def documents_matching(documents: list[tuple[str, str]], word: str) -> set[str]:
    """Locations whose text has a word starting like ``word`` (its first seven letters, so
    inflections that the search engine's stemmer would also match are counted)."""
    pattern = re.compile(r"\b" + re.escape(word.lower()[:7]))
    return {location for location, text in documents if pattern.search(text)}


def candidate_words(text: str) -> list[str]:
    return sorted(set(re.findall(r"[a-z]{7,}", text.lower())))


# --- the curriculum sources ----------------------------------------------------------------


def front_matter(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8-sig").split("---")[1])


def lessons() -> dict[str, dict[str, Any]]:
    """Every lesson's front matter by id."""
    found = {}
    for path in sorted((ROOT / "curriculum/lessons").glob("*.md")):
        meta = front_matter(path)
        found[meta["id"]] = meta
    return found


def full_track() -> list[str]:
    course = yaml.safe_load((ROOT / "curriculum/course.yml").read_text(encoding="utf-8"))
    return max(course["tracks"], key=lambda track: len(track["lessons"]))["lessons"]


def glossary() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / "curriculum/glossary.yml").read_text(encoding="utf-8"))


def glossary_definitions() -> dict[str, str]:
    """Every written form of a term (as listed, and capitalised) mapped to its definition."""
    forms: dict[str, str] = {}
    for item in glossary():
        definition = " ".join(str(item["definition"]).split())
        for form in [item["term"], *item.get("aliases", [])]:
            forms.setdefault(form, definition)
            forms.setdefault(form[:1].upper() + form[1:], definition)
    return forms


# --- browser helpers -----------------------------------------------------------------------


def goto(page: Any, path: str, wait_until: str = "networkidle") -> Any:
    response = page.goto(path, wait_until=wait_until)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    page.evaluate("document.fonts.ready")
    return response


def open_search(page: Any) -> None:
    """Open the search dialog with the button in the header, as a reader would."""
    page.locator(SEARCH_BUTTON).click()
    page.locator(SEARCH_INPUT).wait_for(state="visible")
    page.wait_for_function(
        "selector => document.activeElement === document.querySelector(selector)", arg=SEARCH_INPUT
    )


def search(page: Any, query: str) -> list[str]:
    """Open search, type a query like a person would and return the result links (one per
    page, as written in the page: paths from the server root, e.g. ``/glossary/?highlight=…``).

    Pagefind fills in a result only once it scrolls into view, so the results are scrolled
    through until every one has its link."""
    open_search(page)
    page.locator(SEARCH_INPUT).fill("")  # the dialog keeps an earlier query
    page.keyboard.type(query, delay=25)
    search_summary(page, query)  # the results of the whole query, not of its first letters
    page.locator(SEARCH_RESULT_LINK).first.wait_for(state="visible")
    return all_result_links(page)


def all_result_links(page: Any) -> list[str]:
    """Scroll the results until Pagefind has filled in every one, then back to the top;
    return their links."""
    page.wait_for_function(
        """([result, link]) => {
            const waiting = [...document.querySelectorAll(result)]
                .filter(item => !item.querySelector(link));
            waiting[0]?.scrollIntoView({block: "center"});
            return waiting.length === 0;
        }""",
        arg=[SEARCH_RESULT, "a.pf-result-link"],
    )
    page.locator("dialog.pf-modal .pf-modal-body").evaluate("body => body.scrollTo(0, 0)")
    links = page.locator(SEARCH_RESULT_LINK)
    return [link.get_attribute("href") or "" for link in links.all()]


def search_summary(page: Any, query: str) -> str:
    """The dialog's summary once Pagefind has answered ``query`` ("3 results for …", "No
    results for …") and filled in the list."""
    summary = page.locator(SEARCH_META).filter(has_text=query)
    summary.wait_for(state="visible")
    page.locator("dialog.pf-modal ul.pf-results[aria-busy=false]").wait_for(state="attached")
    return " ".join(summary.inner_text().split())


def visible_tooltip_text(page: Any) -> str:
    tooltip = page.locator(ACTIVE_TOOLTIP)
    tooltip.first.wait_for(state="visible")
    return " ".join(tooltip.first.inner_text().split())


def wait_in_viewport(page: Any, selector: str, inside: bool = True) -> None:
    """Wait until the element is (or, with ``inside=False``, is not) in the viewport; jumps to
    an anchor may scroll smoothly. On timeout, say where the element and the page were.

    The element is looked up afresh on every poll: a handle taken once went stale when the page
    re-rendered, and the wait then timed out with the element in plain view (seen in CI)."""
    check = """([selector, inside]) => {
        const element = document.querySelector(selector);
        if (!element) return false;
        const box = element.getBoundingClientRect();
        const seen = box.bottom > 0 && box.top < window.innerHeight && box.height > 0;
        return seen === inside;
    }"""
    try:
        # Poll on a timer, not on animation frames: a busy CI machine can starve those, and
        # the smooth scroll then lands after the wait gave up (seen on a 2-core runner).
        page.wait_for_function(check, arg=[selector, inside], polling=100, timeout=30_000)
    except Exception as error:  # Playwright's TimeoutError; playwright is imported lazily
        where = page.evaluate(
            """selector => {
                const box = document.querySelector(selector)?.getBoundingClientRect();
                return {top: box?.top, bottom: box?.bottom, scrollY: window.scrollY,
                        height: window.innerHeight, url: location.href};
            }""",
            selector,
        )
        state = "into" if inside else "out of"
        raise AssertionError(f"{selector} never came {state} the viewport: {where}") from error
