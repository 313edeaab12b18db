"""Glossary terms are marked where they first appear on a page, never in headings or links."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

GLOSSARY = """\
- term: mutual aid
  slug: mutual-aid
  definition: People meeting each other's needs together.
- term: dual power
  slug: dual-power
  aliases: [counter-power]
  definition: Building institutions that can replace the state's.
- term: C++
  slug: c-plus-plus
  definition: A programming language.
- term: .*
  slug: dot-star
  definition: A pattern that matches anything.
- term: wzxhzdk
  slug: placeholder
  definition: The word Python-Markdown uses in its placeholders for raw HTML.
"""


@pytest.fixture
def convert(tmp_path: Path):
    path = tmp_path / "glossary.yml"
    path.write_text(GLOSSARY, encoding="utf-8")

    def run(text: str, *before: str) -> str:
        """Convert ``text`` with the glossary, after the extensions named in ``before``."""
        md = markdown.Markdown(
            extensions=[*before, "hooks.glossary"],
            extension_configs={"hooks.glossary": {"glossary": str(path)}},
        )
        return md.convert(text)

    return run


def marked(html: str) -> list[str]:
    return re.findall(r"<abbr title=\"[^\"]+\">([^<]+)</abbr>", html)


def plain(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def test_only_the_first_occurrence_of_each_term_is_marked(convert) -> None:
    html = convert(
        "Mutual aid grows in crises. Later, mutual aid fades.\n\n"
        "- mutual aid again, and dual power once\n- dual power twice\n"
    )
    assert marked(html) == ["Mutual aid", "dual power"]
    assert plain(html).count("mutual aid") == 2 and plain(html).count("dual power") == 2


def test_aliases_are_terms_of_their_own(convert) -> None:
    assert marked(convert("Dual power and counter-power.")) == ["Dual power", "counter-power"]


def test_headings_and_links_stay_plain_and_the_body_keeps_the_mark(convert) -> None:
    html = convert(
        "## What mutual aid means\n\n[mutual aid network](https://example.org/)"
        " then mutual aid in a sentence.\n"
    )
    assert "<h2>What mutual aid means</h2>" in html
    assert '<a href="https://example.org/">mutual aid network</a>' in html
    assert marked(html) == ["mutual aid"]
    assert html.index("<abbr") > html.index("</a>")


def test_text_around_unmarked_terms_is_kept_in_order(convert) -> None:
    text = "First mutual aid, *then* mutual aid, then mutual aid **again** and mutual aid."
    html = convert(text)
    assert marked(html) == ["mutual aid"]
    without = markdown.Markdown().convert(text)
    assert plain(html) == plain(without)


def test_a_pages_own_abbreviations_keep_working_beside_the_glossary(convert) -> None:
    html = convert(
        "*[BPP]: Black Panther Party\n\nThe BPP ran mutual aid; the BPP, mutual aid.\n", "abbr"
    )
    assert re.findall(r'<abbr title="([^"]+)">([^<]+)</abbr>', html) == [
        ("Black Panther Party", "BPP"),
        ("People meeting each other's needs together.", "mutual aid"),
        ("Black Panther Party", "BPP"),
    ]


def test_terms_that_end_or_start_in_punctuation_are_marked(convert) -> None:
    assert marked(convert("We write C++ and match .* in a pattern.")) == ["C++", ".*"]
    assert marked(convert("CC++ and a.*b are other words.")) == []


def test_a_term_spelled_like_markdowns_placeholder_leaves_raw_html_whole(convert) -> None:
    """Raw HTML waits in the text as ``\\x02wzxhzdk:0\\x03`` until Python-Markdown puts it
    back; marking the term inside it left ``\\x02<abbr>...</abbr>:0\\x03`` in the page."""
    html = convert('<p class="lesson-summary">A summary.</p>\n\nSome <b>bold</b> wzxhzdk text.')
    assert '<p class="lesson-summary">A summary.</p>' in html
    assert "<b>bold</b>" in html
    assert "\x02" not in html and "\x03" not in html
    assert marked(html) == ["wzxhzdk"]


def test_terms_in_bare_addresses_quoted_titles_and_content_notes_stay_plain(convert) -> None:
    html = convert(
        '!!! content-note "Content note"\n    This session discusses mutual aid and the police.\n\n'
        "A copy is at https://example.org/mutual-aid/dual-power.html today.\n\n"
        'The lesson "Mutual Aid: Roots and Meanings" asked where dual power came from.\n\n'
        "Is it 'mutual aid'?\n",
        "admonition",
        "smarty",
    )
    assert marked(html) == ["dual power", "mutual aid"]
    assert "<abbr" not in html.split("</div>")[0]  # the content note
    assert "https://example.org/mutual-aid/dual-power.html" in plain(html)
    assert "&ldquo;Mutual Aid: Roots and Meanings&rdquo;" in html  # the title, unmarked
