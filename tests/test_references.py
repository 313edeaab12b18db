"""The bibliography page's back-links name the notes each page shows, by the same numbers."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
from mkdocs.utils.meta import get_data

from hooks.bibliography import Bibliography
from hooks.references import References

BIB = Path(__file__).parent / "fixtures" / "bib" / "curriculum.bib"

# Front matter and an indented code block (indented with a tab) hold citation syntax that the
# page never shows as a note; the two real notes are 1 and 2.
SOURCE = (
    "---\n"
    "title: Sources of solidarity\n"
    'description: "Read with [@spade2020]"\n'
    "---\n\n"
    "Mutual aid is older than the state.[@kropotkin1902, 74]\n\n"
    "\tan example of syntax: [@spade2020, 99]\n\n"
    "Solidarity, not charity.[@spade2020, 16]\n"
)


def test_back_links_use_the_note_numbers_of_the_converted_page() -> None:
    references = References(Bibliography.load(BIB))
    entries = references.bibliography_page_entries({"lessons/x/": ("X", SOURCE)})
    links = {entry["anchor"]: [use.href for use in entry["citations"]] for entry in entries}
    assert links == {
        "ref-kropotkin1902": ["../lessons/x/#fnref:cite-1"],
        "ref-spade2020": ["../lessons/x/#fnref:cite-2"],
    }
    md = markdown.Markdown(
        extensions=["hooks.citations"],
        extension_configs={"hooks.citations": {"bibliography": str(BIB), "cache_dir": ""}},
    )
    html = md.convert(get_data(SOURCE)[0])
    assert re.findall(r'id="fnref:(cite-\d+)"', html) == ["cite-1", "cite-2"]
    assert "[@spade2020, 99]" in html  # the code block kept its text
