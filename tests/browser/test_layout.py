"""Layout: screenshots for people to look at, and what a machine can check about them.

Screenshots go to test-artifacts/browser/ (git-ignored): home, a lesson on desktop (light and
dark) and on a phone, search results (light, dark, phone), and a glossary tooltip. On a
phone-sized screen no page may scroll sideways (wide tables must scroll inside their own box).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browserkit import MOBILE, full_track, goto, search

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LESSON = f"lessons/{full_track()[0]}/"


def test_screenshots(new_page: Any, artifacts: Path) -> None:
    page = new_page(color_scheme="light")
    goto(page, "")
    page.screenshot(path=str(artifacts / "home.png"))
    goto(page, LESSON)
    page.screenshot(path=str(artifacts / "lesson-desktop.png"))
    page.locator("article p abbr, article li abbr").first.hover()
    page.locator(".md-tooltip2--active").first.wait_for(state="visible")
    page.wait_for_timeout(400)  # the tooltip fades in
    page.screenshot(path=str(artifacts / "glossary-tooltip.png"))
    page.mouse.move(1, 1)
    search(page, "mutual aid")
    page.screenshot(path=str(artifacts / "search-results.png"))

    dark = new_page(color_scheme="dark")
    goto(dark, LESSON)
    dark.screenshot(path=str(artifacts / "lesson-desktop-dark.png"))
    search(dark, "mutual aid")
    dark.screenshot(path=str(artifacts / "search-results-dark.png"))
    dark.keyboard.press("Escape")
    goto(dark, "tracks/full-course/")
    dark.screenshot(path=str(artifacts / "track-dark.png"), full_page=True)

    phone = new_page(**MOBILE)
    goto(phone, LESSON)
    phone.screenshot(path=str(artifacts / "lesson-mobile.png"))
    # A wide table (the session plan) on a phone: it must scroll inside its own box.
    phone.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    table = phone.locator("article table").last
    table.scroll_into_view_if_needed()
    phone.screenshot(path=str(artifacts / "lesson-mobile-table.png"))
    search(phone, "mutual aid")
    phone.screenshot(path=str(artifacts / "search-results-mobile.png"))
    for name in ("home.png", "lesson-desktop.png", "search-results.png", "lesson-mobile.png"):
        assert (artifacts / name).stat().st_size > 10_000


def test_no_page_scrolls_sideways_on_a_phone(new_page: Any, pages: list[str]) -> None:
    page = new_page(**MOBILE)
    wide = {}
    for path in pages:
        goto(page, path, wait_until="load")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > MOBILE["viewport"]["width"]:
            culprits = page.evaluate(
                """limit => [...document.querySelectorAll('article *')]
                    .filter(e => e.getBoundingClientRect().right > limit + 1)
                    .slice(0, 3).map(e => e.tagName + '.' + e.className)""",
                MOBILE["viewport"]["width"],
            )
            wide[path or "/"] = (width, culprits)
    assert wide == {}


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
FITTING_COLUMNS = 4
"""A table of this many columns or fewer (the track schedule, a session plan) fits a 390 px
phone screen whole; a wider one may scroll, but only inside its own box."""


def test_tables_fit_a_phone_screen_or_scroll_in_their_own_box(
    new_page: Any, pages: list[str]
) -> None:
    page = new_page(**PHONE)
    problems = {}
    for path in pages:
        goto(page, path, wait_until="load")
        tables = page.evaluate(
            """() => [...document.querySelectorAll('article table')].map(table => {
                const box = table.closest('.md-typeset__scrollwrap') || table.parentElement;
                return {
                    columns: table.rows[0] ? table.rows[0].cells.length : 0,
                    right: table.getBoundingClientRect().right,
                    boxRight: box.getBoundingClientRect().right,
                    scrolls: getComputedStyle(box).overflowX === 'auto',
                };
            })"""
        )
        width = PHONE["viewport"]["width"]
        for number, table in enumerate(tables, 1):
            if table["columns"] <= FITTING_COLUMNS and table["right"] > width:
                problems[f"{path or '/'} table {number}"] = f"{table['right']:.0f} px wide"
            elif table["boxRight"] > width or not table["scrolls"]:
                problems[f"{path or '/'} table {number}"] = "runs off the screen"
    assert problems == {}


CHARACTERS_PER_LINE = """paragraphs => {
    const perLine = [];
    for (const p of paragraphs) {
        const tops = new Map();
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (let i = 0; i < node.length; i++) {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const box = range.getBoundingClientRect();
                if (box.height) {
                    const top = Math.round(box.top / 4);
                    tops.set(top, (tops.get(top) || 0) + 1);
                }
            }
        }
        perLine.push(...[...tops.values()].slice(0, -1));  // the last line may be short
    }
    perLine.sort((a, b) => a - b);
    return perLine[Math.floor(perLine.length / 2)];
}"""


@pytest.mark.parametrize("path", ["", LESSON])
def test_body_lines_hold_60_to_75_characters_on_a_laptop(new_page: Any, path: str) -> None:
    page = new_page(viewport={"width": 1366, "height": 900})
    goto(page, path)
    paragraphs = page.locator("article > p").evaluate_all(
        "ps => ps.filter(p => p.textContent.length > 250)"
    )
    assert paragraphs, "no long paragraph to measure"
    median = page.locator("article > p").evaluate_all(
        f"ps => ({CHARACTERS_PER_LINE})(ps.filter(p => p.textContent.length > 250))"
    )
    assert 60 <= median <= 75, median


def test_the_content_note_is_set_at_body_size(new_page: Any) -> None:
    page = new_page(viewport={"width": 1366, "height": 900})
    goto(page, "lessons/survival-programs/")
    sizes = page.evaluate(
        """() => {
            const size = e => parseFloat(getComputedStyle(e).fontSize);
            const note = document.querySelector('article .content-note');
            const text = [...note.querySelectorAll('p')].find(p => !p.matches('.admonition-title'));
            const body = [...document.querySelectorAll('article > p')].at(-1);
            return {note: size(text), body: size(body)};
        }"""
    )
    assert sizes["note"] >= sizes["body"] - 0.5, sizes
