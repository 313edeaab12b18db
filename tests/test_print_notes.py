"""Note calls in the printed packets, laid out by WeasyPrint with the real print stylesheet."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from weasyprint import CSS, HTML

PRINT_CSS = Path(__file__).resolve().parent.parent / "hooks/templates/print/print.css"
PX_PER_PT = 96 / 72


def boxes(box: Any) -> Iterator[Any]:
    yield box
    for child in getattr(box, "children", []):
        yield from boxes(child)


def test_note_calls_are_at_least_7pt_and_two_that_touch_are_separated() -> None:
    # What the citation extension prints for "The country.[@a][^b]" (test_citations.py).
    page = (
        '<article class="lesson"><p>The country.<span class="footnote">A note.</span>'
        '<sup class="note-separator">,</sup><span class="footnote">Another.</span> More.</p>'
        "</article>"
    )
    document = HTML(string=page).render(stylesheets=[CSS(string=PRINT_CSS.read_text())])
    text_boxes = [b for b in boxes(document.pages[0]._page_box) if getattr(b, "text", None)]
    calls = [b for b in text_boxes if (b.element_tag or "").endswith("::footnote-call")]
    assert [b.text for b in calls] == ["1", "2"]
    for call in calls:
        assert round(call.style["font_size"] / PX_PER_PT, 2) >= 7, call.style["font_size"]
    texts = [b.text for b in text_boxes]
    assert texts[texts.index("1") : texts.index("2") + 1] == ["1", ",", "2"]
