"""Saddle-stitch imposition: turn a PDF of booklet pages into 2-up sheets to fold and staple.

Pages are padded to a multiple of four (with a filler page, or blanks, inserted before the last
page so the back cover stays last) and placed two to a landscape sheet in saddle order. Print
the result double-sided, flipping on the short edge, stack the sheets, fold and staple.
Half-letter pages give a booklet on Letter paper; A5 pages give one on A4.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation


def saddle_order(pages: int) -> list[tuple[int, int]]:
    """(left, right) 0-based page indexes for each sheet side, front then back, of ``pages``
    (a multiple of 4) pages: sheet i front = [n-1-2i, 2i], back = [2i+1, n-2-2i]."""
    if pages % 4:
        raise ValueError(f"saddle order needs a multiple of 4 pages, not {pages}")
    sides: list[tuple[int, int]] = []
    for i in range(pages // 4):
        sides += [(pages - 1 - 2 * i, 2 * i), (2 * i + 1, pages - 2 - 2 * i)]
    return sides


def impose_saddle(
    src: Path, dst: Path, *, filler: Path | None = None, metadata: dict[str, str] | None = None
) -> int:
    """Write the imposed booklet of ``src`` to ``dst``; return the number of sheet sides.

    ``filler`` is a one-page PDF (e.g. a ruled notes page) used for padding instead of blanks.
    """
    pages: list[PageObject | None] = list(PdfReader(src).pages)
    pad = PdfReader(filler).pages[0] if filler else None
    width, height = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    while len(pages) % 4:
        pages.insert(len(pages) - 1 if len(pages) > 1 else 1, pad)
    out = PdfWriter()
    for left, right in saddle_order(len(pages)):
        sheet = PageObject.create_blank_page(width=2 * width, height=height)
        for slot, index in ((0, left), (1, right)):
            page = pages[index]
            if page is not None:
                sheet.merge_transformed_page(page, Transformation().translate(tx=slot * width))
        out.add_page(sheet).compress_content_streams()
    out.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    if metadata:
        out.add_metadata(metadata)
    with open(dst, "wb") as handle:
        out.write(handle)
    return len(out.pages)
