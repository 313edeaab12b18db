"""Navigation: lesson order, the mobile drawer, and the light/dark switch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browserkit import DRAWER_BUTTON, MOBILE, PRIMARY_NAV, full_track, goto, lessons

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LESSON_LINKS = """nav => {
    const ids = [];
    for (const link of nav.querySelectorAll('a[href]')) {
        const match = new URL(link.href).pathname.match(/\\/lessons\\/([^/]+)\\/$/);
        if (match && !ids.includes(match[1])) ids.push(match[1]);
    }
    return ids;
}"""


def expected_order() -> list[str]:
    """The full track in course order, then any lesson outside it."""
    full = full_track()
    return full + sorted(set(lessons()) - set(full))


def title_of(lesson_id: str) -> str:
    return " ".join(lessons()[lesson_id]["title"].split())


STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
HEADING_SHOWS = """title => {
    const h1 = document.querySelector('article h1');
    return h1 !== null && h1.innerText.replace(/[\u2018\u2019]/g, "'")
        .replace(/[\u201c\u201d]/g, '"').includes(title);
}"""


def heading(page: Any) -> str:
    """The page's h1 with straight quotes, as the titles are written (the site sets them
    curly, ``smarty``)."""
    text = page.locator("article h1").first.inner_text().replace("\u00b6", "")
    return " ".join(text.translate(STRAIGHT).split())


def test_lesson_order_in_the_navigation_follows_the_full_track(new_page: Any) -> None:
    page = new_page()
    goto(page, f"lessons/{full_track()[0]}/")
    in_nav = page.locator(PRIMARY_NAV).first.evaluate(LESSON_LINKS)
    expected = expected_order()
    assert in_nav[: len(full_track())] == full_track()
    assert sorted(in_nav) == sorted(expected)


def test_the_mobile_drawer_reaches_every_lesson(new_page: Any, artifacts: Any) -> None:
    page = new_page(**MOBILE)
    goto(page, "")
    nav = page.locator(PRIMARY_NAV).first
    assert not _on_screen(nav), "the drawer is open before tapping"
    _open_drawer(page)
    nav.get_by_role("link", name="Sessions", exact=True).click()
    page.wait_for_url(re.compile(r"/lessons/"))
    reached = []
    for lesson_id in expected_order():
        title = title_of(lesson_id)
        if not page.url.endswith(f"/lessons/{lesson_id}/"):
            _open_drawer(page)
            link = nav.get_by_role("link", name=title, exact=True).filter(visible=True).first
            link.scroll_into_view_if_needed()
            _wait_on_screen(link, f"{title} is not on screen in the open drawer")
            if lesson_id == "capstone-campaign":
                page.screenshot(path=str(artifacts / "mobile-drawer.png"))
            link.click()
            page.wait_for_url(re.compile(f"/lessons/{lesson_id}/$"))
        # Instant navigation swaps the page in after the address changes: wait for the new
        # heading, and for the drawer to close, before tapping the menu button again.
        page.wait_for_function(HEADING_SHOWS, arg=title)
        page.wait_for_function("!document.getElementById('__drawer').checked")
        assert heading(page) == title
        reached.append(lesson_id)
    assert reached == expected_order()


ON_SCREEN = """element => {
    const box = element.getBoundingClientRect();
    return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth
        && box.bottom > 0 && box.top < window.innerHeight;
}"""


def _on_screen(locator: Any) -> bool:
    return locator.evaluate(ON_SCREEN)


def _open_drawer(page: Any) -> None:
    page.locator(DRAWER_BUTTON).click()
    page.wait_for_function("document.getElementById('__drawer').checked")


def _wait_on_screen(locator: Any, message: str) -> None:
    """The drawer slides in: wait until the element lies fully inside the screen's width."""
    try:
        locator.page.wait_for_function(ON_SCREEN, arg=locator.element_handle(), timeout=10_000)
    except Exception as error:  # Playwright's TimeoutError; playwright is imported lazily
        box = locator.evaluate("e => JSON.stringify(e.getBoundingClientRect())")
        raise AssertionError(f"{message}: {box}, url {locator.page.url}") from error


def _scheme(page: Any) -> str:
    return page.locator("body").get_attribute("data-md-color-scheme") or ""


def _background_is_dark(page: Any) -> bool:
    rgb = page.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(value) for value in re.findall(r"\d+", rgb)[:3])
    return (red + green + blue) / 3 < 80


def test_dark_mode_toggles_and_persists_across_a_reload(new_page: Any) -> None:
    page = new_page(color_scheme="light")
    goto(page, "")
    assert _scheme(page) == "default" and not _background_is_dark(page)
    page.locator("form[data-md-component=palette] label").filter(visible=True).click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
    assert _background_is_dark(page)
    page.reload(wait_until="networkidle")
    assert _scheme(page) == "slate" and _background_is_dark(page)
    goto(page, f"lessons/{full_track()[1]}/")
    assert _scheme(page) == "slate"
    page.locator("form[data-md-component=palette] label").filter(visible=True).click()
    page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
    page.reload(wait_until="networkidle")
    assert _scheme(page) == "default" and not _background_is_dark(page)


def test_the_reader_s_system_preference_picks_the_first_scheme(new_page: Any) -> None:
    page = new_page(color_scheme="dark")
    goto(page, "")
    assert _scheme(page) == "slate" and _background_is_dark(page)
