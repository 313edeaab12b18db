"""Footnotes (Chicago notes) and glossary tooltips on a lesson page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from browserkit import (
    ACTIVE_TOOLTIP,
    full_track,
    glossary_definitions,
    goto,
    visible_tooltip_text,
    wait_in_viewport,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LESSON = f"lessons/{full_track()[0]}/"

# The element before a given one in the page's Tab order (visible, tabindex >= 0).
FOCUS_PREVIOUS = """element => {
    const focusable = [...document.querySelectorAll(
        'a[href], button, input, select, textarea, summary, [tabindex]')]
        .filter(e => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length);
    const index = focusable.indexOf(element);
    if (index < 1) return false;
    focusable[index - 1].focus();
    return true;
}"""


def note_text(page: Any, note_id: str) -> str:
    """The text of a footnote without its back-link arrow."""
    text = page.locator(f'li[id="{note_id}"]').inner_text()
    return " ".join(text.replace("\u21a9", "").split())


def first_note(page: Any) -> tuple[Any, str, str]:
    ref = page.locator("article sup[id^='fnref'] a.footnote-ref").first
    note_id = (ref.get_attribute("href") or "").split("#")[-1]
    assert note_id.startswith("fn:"), note_id
    return ref, note_id, note_text(page, note_id)


def test_hovering_a_note_call_shows_the_note(new_page: Any) -> None:
    page = new_page()
    goto(page, LESSON)
    ref, _, text = first_note(page)
    assert len(text) > 20
    ref.hover()
    assert text[:60] in visible_tooltip_text(page)
    page.mouse.move(1, 1)
    page.locator(ACTIVE_TOOLTIP).wait_for(state="detached")


def test_tabbing_to_a_note_call_shows_the_note(new_page: Any) -> None:
    page = new_page()
    goto(page, LESSON)
    ref, _, text = first_note(page)
    assert ref.evaluate(FOCUS_PREVIOUS), "nothing before the first note call can take focus"
    page.keyboard.press("Tab")
    assert ref.evaluate("element => element === document.activeElement")
    assert text[:60] in visible_tooltip_text(page)


def test_following_a_note_call_and_its_back_link(new_page: Any) -> None:
    page = new_page()
    goto(page, LESSON)
    ref, note_id, _ = first_note(page)
    ref_id = ref.evaluate("element => element.parentElement.id")
    ref.click()
    page.wait_for_url(re.compile(re.escape("#" + note_id) + "$"))
    note, call = f'li[id="{note_id}"]', f'sup[id="{ref_id}"]'
    wait_in_viewport(page, note)
    wait_in_viewport(page, call, inside=False)
    page.locator(note).locator("a.footnote-backref").first.click()
    page.wait_for_url(re.compile(re.escape("#" + ref_id) + "$"))
    wait_in_viewport(page, call)


def test_a_key_term_shows_its_glossary_definition(new_page: Any) -> None:
    definitions = glossary_definitions()
    page = new_page()
    goto(page, LESSON)
    term = page.locator("article p abbr, article li abbr").first
    word = term.inner_text()
    assert word in definitions, f"<abbr>{word}</abbr> is not a glossary term"
    term.hover()
    shown = visible_tooltip_text(page)
    assert shown == definitions[word]
    # Definitions are sentences: the tooltip must be set at a readable size and weight.
    style = page.locator(f"{ACTIVE_TOOLTIP} .md-tooltip2__inner").first.evaluate(
        "e => [parseFloat(getComputedStyle(e).fontSize), getComputedStyle(e).fontWeight]"
    )
    assert style[0] >= 12 and int(style[1]) < 600, style
