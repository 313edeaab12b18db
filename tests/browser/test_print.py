"""Printing a lesson from the browser: the content and its notes, without the site's chrome."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from browserkit import PRIMARY_NAV, full_track, goto
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LESSON = f"lessons/{full_track()[0]}/"
CHROME = [".md-header", ".md-header__search", ".md-sidebar--primary", ".md-sidebar--secondary",
          ".md-footer", ".md-top"]  # fmt: skip


def words(text: str) -> str:
    """Lower-case words separated by single spaces; joins words hyphenated across lines."""
    text = re.sub(r"-\s*\n\s*", "", text.replace("\u00ad", ""))
    return " ".join(re.findall(r"[0-9a-z]+", text.lower()))


def test_printing_a_lesson_keeps_notes_and_drops_navigation(new_page: Any, artifacts: Path) -> None:
    page = new_page()
    goto(page, LESSON)
    labels = {
        " ".join(text.split())
        for text in page.locator(f"{PRIMARY_NAV} .md-nav__link").all_inner_texts()
        if text.strip()
    } | {"Table of contents", "Back to top"}
    notes = [
        " ".join(text.replace("\u21a9", "").split())
        for text in page.locator("article .footnote li").all_inner_texts()
    ]
    guidance = (
        page.locator("article details.facilitator > :not(summary)").first.text_content() or ""
    )
    assert notes and guidance.strip()

    page.emulate_media(media="print")
    hidden = page.evaluate(
        "selectors => selectors.filter(s => [...document.querySelectorAll(s)]"
        ".every(e => e.getClientRects().length === 0))",
        CHROME,
    )
    assert hidden == CHROME
    article = words(page.locator("article").text_content() or "")
    pdf = page.pdf(format="Letter", print_background=True)
    (artifacts / "lesson-print.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    printed = words("\n".join(p.extract_text() or "" for p in reader.pages))

    # The notes (first and last) and a collapsed facilitator note are printed in full.
    for note in (notes[0], notes[-1]):
        assert words(note)[:80] in printed, note
    assert words(guidance)[:80] in printed
    # Navigation labels are not, unless the lesson's own text uses the same words.
    checked = [label for label in labels if f" {words(label)} " not in f" {article} "]
    assert len(checked) >= 5, checked
    leaked = [label for label in checked if f" {words(label)} " in f" {printed} "]
    assert leaked == []
