"""Saddle-stitch imposition: page order, padding and sheet size, on small generated PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
)

from hooks.booklet import impose_saddle, saddle_order

WIDTH, HEIGHT = 396.0, 612.0  # half-letter


def numbered_pdf(path: Path, count: int, label: str = "P") -> Path:
    """A PDF whose page i (1-based) shows the text ``P<i>`` in Helvetica."""
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    font_ref = writer._add_object(font)
    for number in range(1, count + 1):
        page = PageObject.create_blank_page(width=WIDTH, height=HEIGHT)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 24 Tf 150 300 Td ({label}{number}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font_ref})}
        )
        writer.add_page(page)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def halves(page: PageObject) -> tuple[str, str]:
    """The text on the left and right half of an imposed sheet side."""
    left: list[str] = []
    right: list[str] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            x = tm[4] * cm[0] + cm[4]
            (left if x < WIDTH else right).append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(left), " ".join(right)


@pytest.mark.parametrize("pages", [4, 8, 12, 16, 40])
def test_saddle_order_uses_every_page_once_and_pairs_facing_pages(pages: int) -> None:
    order = saddle_order(pages)
    assert len(order) == pages // 2  # two page slots per side, two sides per sheet
    flat = [index for side in order for index in side]
    assert sorted(flat) == list(range(pages))
    for left, right in order:  # each side carries two pages that add up to n - 1
        assert left + right == pages - 1
    assert order[0] == (pages - 1, 0)  # sheet 1 front: back cover | front cover
    assert order[1] == (1, pages - 2)  # sheet 1 back: page 2 | page n-1


def test_saddle_order_rejects_a_count_not_divisible_by_four() -> None:
    with pytest.raises(ValueError, match="multiple of 4"):
        saddle_order(6)


def test_eight_pages_are_imposed_in_saddle_order(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path / "in.pdf", 8)
    sides = impose_saddle(source, tmp_path / "out.pdf")
    reader = PdfReader(tmp_path / "out.pdf")
    assert sides == len(reader.pages) == 4
    got = [halves(page) for page in reader.pages]
    assert got == [("P8", "P1"), ("P2", "P7"), ("P6", "P3"), ("P4", "P5")]


def test_padding_goes_before_the_back_cover(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path / "in.pdf", 6)
    impose_saddle(source, tmp_path / "out.pdf")
    reader = PdfReader(tmp_path / "out.pdf")
    got = [halves(page) for page in reader.pages]
    # 6 pages + 2 blanks before the last: P1..P5, blank, blank, P6
    assert got == [("P6", "P1"), ("P2", ""), ("", "P3"), ("P4", "P5")]


def test_filler_page_pads_instead_of_blanks(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path / "in.pdf", 5)
    filler = numbered_pdf(tmp_path / "filler.pdf", 1, label="NOTES")
    impose_saddle(source, tmp_path / "out.pdf", filler=filler)
    got = [halves(page) for page in PdfReader(tmp_path / "out.pdf").pages]
    assert got == [("P5", "P1"), ("P2", "NOTES1"), ("NOTES1", "P3"), ("P4", "NOTES1")]


def test_sheets_are_two_pages_wide_and_carry_metadata(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path / "in.pdf", 4)
    impose_saddle(source, tmp_path / "out.pdf", metadata={"/Title": "A booklet"})
    reader = PdfReader(tmp_path / "out.pdf")
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == (2 * WIDTH, HEIGHT)
    assert reader.metadata.title == "A booklet"


def test_a_single_page_becomes_one_sheet(tmp_path: Path) -> None:
    source = numbered_pdf(tmp_path / "in.pdf", 1)
    assert impose_saddle(source, tmp_path / "out.pdf") == 2
    got = [halves(page) for page in PdfReader(tmp_path / "out.pdf").pages]
    assert got == [("", "P1"), ("", "")]
