"""Helpers for the browser tests: paths, the curriculum sources, and the few Material selectors.

Every selector that depends on Material's DOM lives here, so a theme change (or a move to
Zensical, whose search UI differs) means editing one file.
"""

from __future__ import annotations

import html
import json
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

# Material selectors
SEARCH_INPUT = "input.md-search__input"
SEARCH_RESULT_LINK = ".md-search-result__item > a.md-search-result__link"
SEARCH_META = ".md-search-result__meta"
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


def plain_text(markup: str) -> str:
    """Markup to lower-case plain text with single spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()).lower()


def squash(text: str) -> str:
    """Letters and digits only, lower case: compares text across PDF line breaks and hyphens."""
    return re.sub(r"[^0-9a-z]", "", text.lower())


def search_documents(site: Path) -> list[tuple[str, str]]:
    """(location, plain text) of every document in Material's search index."""
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    return [
        (
            doc["location"],
            plain_text(f"{doc['title']} {doc['text']} {' '.join(doc.get('tags', []))}"),
        )
        for doc in index["docs"]
    ]


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


def search(page: Any, query: str) -> list[str]:
    """Type a query into Material's search box like a person would and return the result
    links (absolute URLs). ``fill()`` does not trigger Material's search; typing does."""
    page.locator(SEARCH_INPUT).click()
    page.keyboard.type(query, delay=25)
    page.locator(SEARCH_RESULT_LINK).first.wait_for(state="visible")
    return [link.get_attribute("href") or "" for link in page.locator(SEARCH_RESULT_LINK).all()]


def visible_tooltip_text(page: Any) -> str:
    tooltip = page.locator(ACTIVE_TOOLTIP)
    tooltip.first.wait_for(state="visible")
    return " ".join(tooltip.first.inner_text().split())


def wait_in_viewport(locator: Any, inside: bool = True) -> None:
    """Wait until the element is (or, with ``inside=False``, is not) in the viewport; jumps to
    an anchor may scroll smoothly. On timeout, say where the element and the page were."""
    check = """([element, inside]) => {
        const box = element.getBoundingClientRect();
        const seen = box.bottom > 0 && box.top < window.innerHeight && box.height > 0;
        return seen === inside;
    }"""
    try:
        locator.page.wait_for_function(
            check, arg=[locator.element_handle(), inside], timeout=15_000
        )
    except Exception as error:  # Playwright's TimeoutError; playwright is imported lazily
        where = locator.evaluate(
            """element => ({top: element.getBoundingClientRect().top,
                            bottom: element.getBoundingClientRect().bottom,
                            scrollY: window.scrollY, height: window.innerHeight,
                            url: location.href})"""
        )
        state = "into" if inside else "out of"
        raise AssertionError(f"element never came {state} the viewport: {where}") from error
