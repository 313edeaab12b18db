# ruff: noqa: RUF001  (curly quotes and en dashes are the point of these tests)
"""Citation syntax, note numbering, positions and the Python-Markdown extension."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hooks.bibliography import Bibliography
from hooks.chicago import Form, Locator
from hooks.citations import (
    CitationError,
    CitationExtension,
    Cite,
    Mode,
    cited_keys,
    number_notes,
    parse_citations,
    render_sources,
    unknown_keys,
    unreadable_citations,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
CURRICULUM = FIXTURES / "curriculum.bib"


def plain(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html)).strip()


def make(bib: Path = CURRICULUM, **config: object) -> markdown.Markdown:
    settings = {"bibliography": str(bib), "cache_dir": ""} | config
    return markdown.Markdown(
        extensions=["hooks.citations"], extension_configs={"hooks.citations": settings}
    )


def convert(text: str, bib: Path = CURRICULUM, **config: object) -> tuple[str, markdown.Markdown]:
    md = make(bib, **config)
    return md.convert(text), md


def footnotes(html: str) -> list[str]:
    """The texts of the page's footnote list, in order, without back-links."""
    items = re.findall(r'<li id="fn:[^"]+">(.*?)</li>', html, re.S)
    return [plain(re.sub(r"<a class=\"footnote-backref\".*?</a>", "", item)) for item in items]


def marks(html: str) -> list[tuple[str, str]]:
    """(number, target id) of each note mark, in reading order."""
    return re.findall(r'<a class="footnote-ref" href="#fn:([^"]+)">(\d+)</a>', html)


# --------------------------------------------------------------------------- syntax


@pytest.mark.parametrize(
    ("text", "cites"),
    [
        ("[@spade2020]", [Cite("spade2020")]),
        ("[@spade2020, 16]", [Cite("spade2020", Locator("16"))]),
        ("[@spade2020, pp. 16–18]", [Cite("spade2020", Locator("16–18", "page", True))]),
        ("[@spade2020, chap. 3]", [Cite("spade2020", Locator("3", "chapter"))]),
        ("[@spade2020 {ii, 3}]", [Cite("spade2020", Locator("{ii, 3}"))]),
        (
            "[see @spade2020, 16; also @firth2020, 22–24]",
            [Cite("spade2020", Locator("16"), "see"), Cite("firth2020", Locator("22–24"), "also")],
        ),
        (
            "[@spade2020, 16, emphasis added]",
            [Cite("spade2020", Locator("16"), suffix=", emphasis added")],
        ),
        ("[@Bermudez.2020]", [Cite("Bermudez.2020")]),
        ("[@doe:99/x-y]", [Cite("doe:99/x-y")]),
        ("[@{weird key!}]", [Cite("weird key!")]),
        ("[see\n@spade2020,\n16]", [Cite("spade2020", Locator("16"), "see")]),
    ],
)
def test_citation_syntax(text: str, cites: list[Cite]) -> None:
    (citation,) = parse_citations("Text " + text + ".")
    assert list(citation.cites) == cites


@pytest.mark.parametrize(
    "text",
    [
        "Write `[@spade2020]` in Markdown.",
        "```\n[@spade2020]\n```",
        "~~~~\n[@spade2020]\n~~~~",
        "Para.\n\n    [@spade2020]\n",
        "<!-- [@spade2020] -->",
        "<code>[@spade2020]</code>",
        "<https://example.org/[@spade2020]>",
        "Mail [me@example.org] or <me@example.org>.",
        "A [link @spade2020](https://example.org).",
        "A [@spade2020](https://example.org) link.",
        "![@spade2020](image.png)",
        "[@spade2020]: https://example.org",
        "Escaped \\[@spade2020].",
        "Escaped [\\@spade2020].",
        "[see@spade2020]",
        "[@spade2020,\n\n16]",
        "Python `@decorator` and [x @ y]",
    ],
)
def test_not_a_citation(text: str) -> None:
    assert parse_citations(text) == []


# --------------------------------------------------------------------------- Pandoc's other forms
# Each row of the table in CONTRIBUTING.md ("Citing a source"), at the parser.


@pytest.mark.parametrize(
    ("text", "cites"),
    [
        ("[-@spade2020, 40]", [Cite("spade2020", Locator("40"), mode=Mode.SUPPRESS_AUTHOR)]),
        ("[see -@spade2020]", [Cite("spade2020", None, "see", mode=Mode.SUPPRESS_AUTHOR)]),
        ("[@spade2020{ii, A, D-Z}]", [Cite("spade2020", Locator("{ii, A, D-Z}"))]),
        (
            "[@spade2020{ii, A, D-Z}, with a suffix]",
            [Cite("spade2020", Locator("{ii, A, D-Z}"), suffix=", with a suffix")],
        ),
        ("[@spade2020{}, 99 years later]", [Cite("spade2020", suffix=", 99 years later")]),
        ("[@spade2020, {pp. iv, vi-xi}]", [Cite("spade2020", Locator("{iv, vi–xi}", plural=True))]),
        (
            "[@spade2020, {pp. iv, vi-xi, (xv)-(xvii)} with suffix here]",
            [
                Cite(
                    "spade2020",
                    Locator("{iv, vi–xi, (xv)-(xvii)}", plural=True),
                    suffix=" with suffix here",
                )
            ],
        ),
        ("[@spade2020 p. 33]", [Cite("spade2020", Locator("33"))]),
        ("[@spade2020 33]", [Cite("spade2020", Locator("33"))]),
        ("[@spade2020 chap. 3]", [Cite("spade2020", Locator("3", "chapter"))]),
        (
            "[see @spade2020, pp. 33, 35-37, and nowhere else]",
            [Cite("spade2020", Locator("33, 35-37", plural=True), "see", ", and nowhere else")],
        ),
        ("[@spade2020, xvii]", [Cite("spade2020", suffix=", xvii")]),  # no label: needs a digit
        ("[@spade2020, p. xvii]", [Cite("spade2020", Locator("xvii"))]),
        ("[@spade2020 and more]", [Cite("spade2020", suffix=" and more")]),
        ("[@spade2020.]", [Cite("spade2020", suffix=".")]),
    ],
)
def test_pandoc_citation_forms(text: str, cites: list[Cite]) -> None:
    (citation,) = parse_citations("Text " + text + ".")
    assert list(citation.cites) == cites


@pytest.mark.parametrize(
    ("text", "cite"),
    [
        ("As @spade2020 says.", Cite("spade2020", mode=Mode.AUTHOR_IN_TEXT)),
        ("As @spade2020 [p. 33] says.", Cite("spade2020", Locator("33"), mode=Mode.AUTHOR_IN_TEXT)),
        (
            "@spade2020\n[chap. 2, emphasis added] says",
            Cite("spade2020", Locator("2", "chapter"), "", ", emphasis added", Mode.AUTHOR_IN_TEXT),
        ),
        ("So -@spade2020 says.", Cite("spade2020", mode=Mode.SUPPRESS_AUTHOR)),
    ],
)
def test_author_in_text_citations(text: str, cite: Cite) -> None:
    (citation,) = parse_citations(text, {"spade2020"})
    assert citation.cites == (cite,)


@pytest.mark.parametrize(
    "text",
    [
        "Write to me@spade2020.org.",
        "Ask @jgm on GitHub.",  # not a key: prints as written
        "Escaped \\@spade2020 here.",
        "Code `@spade2020` here.",
        "A [link to @spade2020](https://example.org).",
        "<!-- @spade2020 -->",
        '<img alt="As @spade2020 says" src="x.png">',
        '<span title="[@spade2020, 3]">text</span>',
    ],
)
def test_at_words_that_are_not_citations(text: str) -> None:
    assert parse_citations(text, {"spade2020"}) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[see @spade2020; and others]", "'and others' names no source"),
        ("[@spade2020;]", "an empty source"),
        ("[@spade2020, 16 @crow2011, 3]", "two keys"),
        ("[@spade2020, {pp. 3]", "never closed"),
    ],
)
def test_unreadable_citations_print_as_written_and_say_why(text: str, reason: str) -> None:
    page = f"Line one.\n\nText {text} more."
    assert parse_citations(page) == []
    (problem,) = unreadable_citations(page)
    assert reason in problem.reason and problem.hint
    assert (problem.line, problem.start) == (3, page.index("["))
    html, _ = convert(page)
    assert html.count(text.replace("&", "&amp;")) == 1  # as written


def test_citations_in_containers_are_found_and_code_inside_them_is_not() -> None:
    text = (
        "!!! note\n\n    Inside an admonition [@spade2020].\n\n"
        "    ```\n    [@firth2020]\n    ```\n\n"
        "- a list item\n\n    continued [@kropotkin1902].\n\n"
        "        indented code [@crow2011]\n"
    )
    assert cited_keys(text) == ["spade2020", "kropotkin1902"]


def test_lines_are_counted_from_one() -> None:
    assert [c.line for c in parse_citations("a\n\nb [@x]\nc [@y]")] == [3, 4]


def test_cited_keys_in_order_of_first_citation() -> None:
    text = "[@b] [@a, 3] [@b; @c] [^n]\n\n[^n]: See [@d]."
    assert cited_keys(text) == ["b", "a", "c", "d"]


# --------------------------------------------------------------------------- numbering


def test_numbering_mixes_author_notes_and_citations_in_reading_order() -> None:
    text = (
        "[^late]: Defined first, used later.\n\n"
        "One [@a]. Two[^early]. Three [@b]. Again[^early]. Four[^late] [@c].\n\n"
        "[^early]: Early, citing [@d].\n[^unused]: Never referenced.\n"
    )
    notes = number_notes(text)
    assert [(n.number, n.label or n.citation.keys) for n in notes] == [
        (1, ("a",)),
        (2, "early"),
        (3, ("b",)),
        (4, "late"),
        (5, ("c",)),
    ]
    (inside,) = [c for c in parse_citations(text) if c.footnote]
    assert (inside.keys, inside.footnote) == (("d",), "early")


def test_adjacent_note_marks_are_separated_so_6_and_7_do_not_read_as_67() -> None:
    html, _md = convert(
        "The country.[@spade2020, 16][^aside] Then once more[@spade2020, 17] and [^aside].\n\n"
        "[^aside]: An author's note.\n"
    )
    paragraph = html.split("</p>", 1)[0]
    assert re.findall(r"</sup>(<sup[^>]*>,</sup>)?<sup", paragraph) == [
        '<sup class="note-separator">,</sup>'
    ]
    assert plain(paragraph).count(",") == 1  # only between the two marks that touch


# --------------------------------------------------------------------------- positions


@pytest.fixture
def morrison(tmp_path: Path) -> Path:
    """CMOS 18 §13.37's example works (author and title only, no invented imprint)."""
    path = tmp_path / "morrison.bib"
    path.write_text(
        "@book{beloved, author={Morrison, Toni}, title={Beloved}}\n"
        "@book{song, author={Morrison, Toni}, title={Song of Solomon}}\n"
        "@book{oscarwao, author={D{\\'\\i}az, Junot}, "
        "title={The Brief Wondrous Life of Oscar Wao}, shorttitle={Oscar Wao}}\n",
        encoding="utf-8",
    )
    return path


S1 = (
    "One [@beloved, 3]. Two [@beloved, 18]. Three [@beloved, 18]. Four [@beloved, 24-26]. "
    "Five [@song, 401-402]. Six [@song, 433]. Seven [@oscarwao, 37-38]. Eight [@song, 403]. "
    "Nine [@oscarwao, 152]. Ten [@oscarwao, 201-202]."
)


def test_s1_morrison_sequence_short_forms(morrison: Path) -> None:
    notes = footnotes(convert(S1, morrison)[0])
    assert notes == [
        "Toni Morrison, Beloved (n.d.), 3.",
        "Morrison, 18.",
        "Morrison, 18.",
        "Morrison, 24–26.",
        "Toni Morrison, Song of Solomon (n.d.), 401–2.",
        "Morrison, 433.",
        "Junot Díaz, The Brief Wondrous Life of Oscar Wao (n.d.), 37–38.",
        "Morrison, Song of Solomon, 403.",
        "Díaz, Oscar Wao, 152.",
        "Díaz, 201–2.",
    ]


def test_s1_morrison_sequence_with_ibid(morrison: Path) -> None:
    notes = footnotes(convert(S1, morrison, ibid=True)[0])
    assert [notes[i] for i in (1, 2, 3, 5, 7, 8, 9)] == [
        "Ibid., 18.",
        "Ibid.",
        "Ibid., 24–26.",
        "Ibid., 433.",
        "Morrison, Song of Solomon, 403.",
        "Díaz, Oscar Wao, 152.",
        "Ibid., 201–2.",
    ]


def test_s3_first_ibid_with_locator_ibid_subsequent() -> None:
    text = (
        "A [@spade2020, 3]. B [@spade2020, 5]. C [@spade2020, 5]. D [@crow2011]. E [@spade2020, 5]."
    )
    html, md = convert(text, ibid=True)
    notes = footnotes(html)
    assert notes[1:3] == ["Ibid., 5.", "Ibid."]
    assert notes[4] == "Spade, Mutual Aid, 5."
    assert [r.forms[0] for r in md.citation_notes] == [
        Form.FULL,
        Form.IBID,
        Form.IBID,
        Form.FULL,
        Form.SHORT,
    ]


def test_s4_an_ordinary_footnote_breaks_the_chain() -> None:
    chained = footnotes(convert("A [@spade2020, 3]. B [@spade2020, 3].", ibid=True)[0])
    assert chained[1] == "Ibid."
    broken = footnotes(
        convert("A [@spade2020, 3]. B[^x]. C [@spade2020, 3].\n\n[^x]: Aside.", ibid=True)[0]
    )
    assert broken[1:] == ["Aside.", "Spade, Mutual Aid, 3."]


def test_a_note_citing_several_sources_breaks_the_chain() -> None:
    text = "A [@spade2020, 3]. B [@spade2020, 4; @crow2011]. C [@spade2020, 5]."
    notes = footnotes(convert(text, ibid=True)[0])
    assert notes[1].startswith("Spade, Mutual Aid, 4; scott crow, Black Flags")
    assert notes[2] == "Spade, Mutual Aid, 5."


def test_no_locator_after_a_locator_is_not_ibid() -> None:
    notes = footnotes(convert("A [@spade2020, 3]. B [@spade2020].", ibid=True)[0])
    assert notes[1] == "Spade, Mutual Aid."
    same = footnotes(convert("A [@spade2020]. B [@spade2020].", ibid=True)[0])
    assert same[1] == "Ibid."
    default = footnotes(convert("A [@spade2020]. B [@spade2020].")[0])
    assert default[1] == "Spade, Mutual Aid."


def test_citation_inside_an_author_note_counts_as_cited_but_breaks_the_chain() -> None:
    text = (
        "A[^x]. B [@delalande2023, 70]. C [@delalande2023, 71].\n\n[^x]: See [@delalande2023, 9]."
    )
    notes = footnotes(convert(text)[0])
    assert notes[0].startswith("See Nicolas Delalande, Struggle and Mutual Aid")
    assert notes[0].endswith("2023), 9.")
    assert notes[1:] == ["Delalande, Struggle and Mutual Aid, 70.", "Delalande, 71."]


def test_prefixes_are_capitalised() -> None:
    notes = footnotes(convert("A [see @spade2020, 16; also @crow2011, 22-24].")[0])
    assert notes[0].startswith("See Dean Spade, Mutual Aid")
    assert "(Verso, 2020), 16; also scott crow, Black Flags" in notes[0]
    assert notes[0].endswith("(PM Press, 2011), 22–24.")


def test_chicago_18_edition() -> None:
    notes = footnotes(convert("A [@kropotkin1902, 3].", edition="chicago-18")[0])
    assert notes == [
        "Peter Kropotkin, Mutual Aid: A Factor of Evolution (William Heinemann, 1902), 3."
    ]


# --------------------------------------------------------------------------- whole page


PAGE = """# Mutual aid

Kropotkin saw cooperation everywhere [@kropotkin1902, 3]. Others disagree.[^1]

> Solidarity, not charity [see @spade2020, 16].

- Spade again [@spade2020, 17]
- and a note[^2]

| source | note |
|---|---|
| crow | [@crow2011, 12] |

Code stays: `[@spade2020]`, and so does `[^1]` inside code.

[^2]: The second note, citing [@firth2020, 60].
[^1]: The first note.
"""


def test_whole_page_numbering_follows_reading_order() -> None:
    html, md = convert(PAGE)
    assert [n for _, n in marks(html)] == ["1", "2", "3", "4", "5", "6"]
    assert [target for target, _ in marks(html)] == [
        "cite-1",
        "1",
        "cite-3",
        "cite-4",
        "2",
        "cite-6",
    ]
    assert footnotes(html) == [
        "Peter Kropotkin, Mutual Aid: A Factor of Evolution (London: William Heinemann, 1902), 3.",
        "The first note.",
        "See Dean Spade, Mutual Aid: Building Solidarity During This Crisis (and the Next) "
        "(Verso, 2020), 16.",
        "Spade, 17.",
        "The second note, citing Rhiannon Firth, “Mutual Aid, Anarchist Preparedness and "
        "COVID-19,” in Coronavirus, Class and Mutual Aid in the United Kingdom, by John Preston "
        "and Rhiannon Firth (Palgrave Macmillan, 2020), 60, "
        "https://doi.org/10.1007/978-3-030-57714-8.",
        "scott crow, Black Flags and Windmills: Hope, Anarchy, and the Common Ground Collective "
        "(PM Press, 2011), 12.",
    ]
    assert "<code>[@spade2020]</code>" in html and "<code>[^1]</code>" in html
    assert [(r.number, r.keys, r.anchor, r.inline) for r in md.citation_notes] == [
        (1, ("kropotkin1902",), "fnref:cite-1", False),
        (3, ("spade2020",), "fnref:cite-3", False),
        (4, ("spade2020",), "fnref:cite-4", False),
        (5, ("firth2020",), "", True),
        (6, ("crow2011",), "fnref:cite-6", False),
    ]
    assert md.citation_notes[0].line == 3


def test_numbering_survives_a_footnotes_extension_set_to_reference_order() -> None:
    """Python-Markdown numbers by inline-processing order (breadth first) when
    USE_DEFINITION_ORDER is False, which would put the blockquote's note after Para B."""
    md = markdown.Markdown(
        extensions=["hooks.citations", "footnotes"],
        extension_configs={
            "hooks.citations": {"bibliography": str(CURRICULUM), "cache_dir": ""},
            "footnotes": {"USE_DEFINITION_ORDER": False},
        },
    )
    html = md.convert("A[^1].\n\n> Quote [@spade2020, 4].\n\nB [@crow2011].\n\n[^1]: One.")
    assert marks(html) == [("1", "1"), ("cite-2", "2"), ("cite-3", "3")]
    assert footnotes(html)[0] == "One."


def test_our_labels_never_collide_with_the_authors() -> None:
    html, _ = convert("A[^cite-1] [@spade2020].\n\n[^cite-1]: Mine.")
    assert footnotes(html)[0] == "Mine."
    assert ("citex-2", "2") in marks(html)


def test_punctuation_moves_before_the_note_mark() -> None:
    html, _ = convert("One “quoted” [@spade2020]. Two [@spade2020, 3]; three [@spade2020, 4]...")
    text = re.sub(r"<sup.*?</sup>", "¹", html)
    assert text == "<p>One “quoted.”¹ Two;¹ three¹...</p>" + text[text.index("\n<div") :]


def test_escaped_at_sign_prints_as_at() -> None:
    html, md = convert("Write \\@spade2020 or [\\@spade2020] literally.")
    assert "<p>Write @spade2020 or [@spade2020] literally.</p>" in html
    assert md.citation_notes == []


def test_pages_without_citations_are_left_alone() -> None:
    html, md = convert("Just *text* and a note[^a].\n\n[^a]: Note.")
    assert html == markdown.markdown(
        "Just *text* and a note[^a].\n\n[^a]: Note.", extensions=["footnotes"]
    )
    assert md.citation_notes == []


def test_reset_between_documents() -> None:
    md = make()
    md.convert("A [@spade2020].")
    assert md.citation_notes
    md.reset()
    assert md.citation_notes == []
    html = md.convert("B [@spade2020, 2].")
    assert footnotes(html) == [
        "Dean Spade, Mutual Aid: Building Solidarity During This Crisis "
        "(and the Next) (Verso, 2020), 2."
    ]


# --------------------------------------------------------------------------- print mode


def test_print_mode_inlines_every_note() -> None:
    html, md = convert(PAGE, mode="print")
    assert 'class="footnote-ref"' not in html and '<div class="footnote">' not in html
    spans = re.findall(r'<span class="footnote">(.*?)</span>', html)
    assert [plain(s) for s in spans][:2] == [
        "Peter Kropotkin, Mutual Aid: A Factor of Evolution (London: William Heinemann, 1902), 3.",
        "The first note.",
    ]
    assert len(spans) == 6
    assert "Others disagree.<span" in html
    assert "[^2]:" not in html and "The first note.</span>" in html
    assert [r.number for r in md.citation_notes] == [1, 3, 4, 5, 6]
    assert all(r.anchor == "" for r in md.citation_notes)


def test_print_mode_needs_no_footnotes_extension() -> None:
    md = make(mode="print")
    assert not any(type(e).__name__ == "FootnoteExtension" for e in md.registeredExtensions)
    assert '<span class="footnote">Spade, 3.</span>' in md.convert(
        "A [@spade2020, 2]. B [@spade2020, 3]."
    )


# --------------------------------------------------------------------------- errors


def test_unknown_key_error_suggests_the_closest_key() -> None:
    with pytest.raises(CitationError) as err:
        convert("Fine [@spade2020].\n\nTypo [@spade202, 16].")
    assert str(err.value) == "line 3: unknown citation key 'spade202' (did you mean 'spade2020'?)"
    assert (err.value.line, err.value.key, err.value.suggestion) == (3, "spade202", "spade2020")


def test_unknown_key_without_a_suggestion() -> None:
    with pytest.raises(CitationError, match=r"^line 1: unknown citation key 'zzz'$"):
        convert("[@zzz]")


def test_unknown_keys_lists_every_problem() -> None:
    bib = Bibliography.load(CURRICULUM)
    problems = unknown_keys("[@spade202]\n[@kropotkin1902; @crow2012]", bib)
    assert [str(p) for p in problems] == [
        "line 1: unknown citation key 'spade202' (did you mean 'spade2020'?)",
        "line 2: unknown citation key 'crow2012' (did you mean 'crow2011'?)",
    ]


def test_bad_configuration() -> None:
    with pytest.raises(ValueError, match="edition"):
        CitationExtension(edition="chicago-16")
    with pytest.raises(ValueError, match="mode"):
        CitationExtension(mode="paper")


def test_cache_dir_is_used(tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(CURRICULUM.read_text(encoding="utf-8"), encoding="utf-8")
    convert("A [@spade2020].", bib, cache_dir=str(tmp_path / "cache"))
    assert list((tmp_path / "cache").glob("bib-*.json"))


# --------------------------------------------------------------------------- sources


def test_render_sources_alphabetises_bibliography_entries() -> None:
    bib = Bibliography.load(CURRICULUM)
    html = render_sources(["spade2020", "crow2011", "spade2020", "brrn2025"], bib)
    items = re.findall(r'<li id="ref-([^"]+)">(.*?)</li>', html)
    assert [key for key, _ in items] == ["brrn2025", "crow2011", "spade2020"]
    assert plain(items[1][1]) == (
        "crow, scott. Black Flags and Windmills: Hope, Anarchy, and the Common Ground "
        "Collective. PM Press, 2011."
    )
    assert render_sources([], bib) == ""
    with pytest.raises(CitationError, match="unknown citation key 'nope'"):
        render_sources(["nope"], bib)


# --------------------------------------------------------------------------- robustness

ALPHABET = st.sampled_from(
    [
        *"[]@;,^:`~ \n\t-*_\\<>()!{}.#abcp0123456789",
        *("@spade2020", "@crow2011", "[^1]", "[^1]: ", "```", "    ", "> ", "- ", "see "),
        *("pp. ", "<!--", "-->", "\\@", "”", "!!! note\n"),
        *("-@spade2020", "{", "}", "{pp. ", "chap. ", " [p. 33]", "vi-xi", "@{x y}", "@jgm"),
    ]
)
TEXTS = st.lists(ALPHABET, max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_parse_citations_never_raises(text: str) -> None:
    for known in (None, {"spade2020", "crow2011"}):
        for citation in parse_citations(text, known):
            if text[citation.start] == "[":
                assert text[citation.end - 1] == "]"
            else:
                assert citation.cites[0].mode is not Mode.NORMAL
                assert text[citation.start] in "@-"
                assert known is None or citation.keys[0] in known
        number_notes(text, known)
    for problem in unreadable_citations(text):
        assert text[problem.start] == "[" and problem.reason and problem.hint


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_no_text_makes_the_parser_raise(text: str) -> None:
    parse_citations(text, {"a", "spade2020"})
    unreadable_citations(text)
    number_notes(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS, st.sampled_from(["footnotes", "print"]), st.booleans())
def test_conversion_never_raises_except_for_unknown_keys(text: str, mode: str, ibid: bool) -> None:
    md = make(mode=mode, ibid=ibid)
    try:
        md.convert(text)
    except CitationError:
        return
    for record in md.citation_notes:
        assert record.html


def test_citation_at_the_start_of_a_wrapped_line_joins_the_sentence() -> None:
    bib = Path(__file__).parent / "fixtures" / "bib"
    source = next(bib.glob("*.bib"))
    key = next(iter(Bibliography.load(source)))
    md = markdown.Markdown(extensions=[CitationExtension(bibliography=str(source), cache_dir="")])
    html = md.convert(f"People helped themselves\n[@{key}]. Then more.")
    assert "themselves.<sup" in html


# -------------------------------------------------------------- Pandoc's forms, rendered


@pytest.mark.parametrize(
    ("text", "note"),
    [
        # suppress author: the sentence names the author, the note does not
        ("Spade writes [-@spade2020, 40].", "Mutual Aid, 40."),
        ("Spade [-@spade2020{ii, A, D-Z}].", "Mutual Aid, ii, A, D-Z."),
        # curly locators are taken as written; a label inside is still read
        ("Text [@spade2020{}, 99 years later].", ", 99 years later."),
        ("Text [@spade2020{ii, A, D-Z}].", "(Verso, 2020), ii, A, D-Z."),
        ("Text [@spade2020, {pp. iv, vi-xi}].", "(Verso, 2020), iv, vi–xi."),
        ("Text [@spade2020, {chap. 3-4}].", "(Verso, 2020), chap. 3-4."),  # verbatim
        # no comma before the locator
        ("Text [@spade2020 p. 33].", "(Verso, 2020), 33."),
        ("Text [@spade2020 pp. 33-37].", "(Verso, 2020), 33–37."),
    ],
)
def test_pandoc_forms_render_as_pandoc_renders_them(text: str, note: str) -> None:
    html, _ = convert(text)
    (written,) = footnotes(html)
    assert written.endswith(note)
    assert "@" not in plain(html.split('<div class="footnote">')[0])


def test_suppress_author_note_has_no_author_and_short_title() -> None:
    html, _ = convert("Dean Spade argues it [-@spade2020, 40].")
    assert footnotes(html) == ["Mutual Aid, 40."]
    assert "<em>Mutual Aid</em>, 40." in html


def test_author_in_text_puts_the_name_in_the_sentence_and_the_note_on_it() -> None:
    html, md = convert("As @spade2020 [p. 33] argues, and as @crow2011 shows.")
    body = html.split('<div class="footnote">')[0]
    assert re.sub(r"<sup.*?</sup>", "¹", body) == "<p>As Spade¹ argues, and as crow¹ shows.</p>\n"
    first, second = footnotes(html)
    assert first.startswith("Dean Spade, Mutual Aid") and first.endswith("2020), 33.")
    assert second.startswith("scott crow,")
    assert [record.citation.cites[0].mode for record in md.citation_notes] == [
        Mode.AUTHOR_IN_TEXT,
        Mode.AUTHOR_IN_TEXT,
    ]


def test_author_in_text_print_mode() -> None:
    html, _ = convert("As @spade2020 [p. 33] argues.", mode="print")
    assert re.match(r'<p>As Spade<span class="footnote">Dean Spade, .*, 33\.</span> argues', html)


def test_at_word_that_is_not_a_key_prints_as_written() -> None:
    html, md = convert("Ask @jgm or write to me@example.org.")
    assert "Ask @jgm or write to me@example.org." in html
    assert md.citation_notes == []


def test_adjacent_citations_leave_no_raw_text() -> None:
    """Issue 20: "Alpha [@spade2020, 3] [@brrn2025, 4]." printed "[@spade2020, 3]" again."""
    html, _ = convert("Alpha [@spade2020, 3] [@brrn2025, 4].", mode="print")
    assert "@" not in html and "[" not in html
    assert re.sub(r'<span class="footnote">.*?</span>', "¹", html) == (
        '<p>Alpha.¹<sup class="note-separator">,</sup>¹</p>'
    )
    html, _ = convert("Alpha [@spade2020, 3] [@brrn2025, 4] [@crow2011].")
    body = html.split('<div class="footnote">')[0]
    marks = re.sub(r"<sup.*?</sup>", lambda m: "," if "separator" in m[0] else "¹", body)
    assert marks == "<p>Alpha.¹,¹,¹</p>\n"
    first, second, third = footnotes(html)
    assert first.endswith(", 3.") and second.endswith(", 4.") and third.startswith("scott crow")


def test_a_page_cites_from_a_bib_file_and_a_zotero_export_at_once() -> None:
    zotero = FIXTURES / "zotero-export.json"
    html, _ = convert(
        "Both [@spade2020, 3] and [@Bradley2018-24, 175].",
        bibliography=[str(CURRICULUM), str(zotero)],
    )
    first, second = footnotes(html)
    assert first.startswith("Dean Spade, Mutual Aid")
    assert second.startswith("John W. Bradley, “Bibliography,” in The Hypogeum of the Aurelii")
    assert second.endswith("(Archaeopress, 2018), 175, https://doi.org/10.2307/j.ctvndv5jn.23.")


def test_link_citations_link_the_title_to_the_listed_entry() -> None:
    sources = '\n\n<ul class="sources"><li id="ref-spade2020">…</li></ul>'
    text = "Text [@spade2020, 3]. Again [@spade2020, 4; @crow2011]." + sources
    html, _ = convert(text, link_citations=True)
    first, second = re.findall(r'<li id="fn:[^"]+">(.*?)</li>', html, re.S)
    link = '<a class="citation-link" href="#ref-spade2020">'
    assert f"<em>{link}Mutual Aid: Building Solidarity" in first
    assert f"<em>{link}Mutual Aid</a></em>, 4; scott crow" in second
    assert "#ref-crow2011" not in html  # not listed on the page: no link to nowhere
    plain_html, _ = convert(text)
    assert "citation-link" not in plain_html  # off unless asked for


def test_headline_option_capitalises_sentence_case_titles_in_notes_and_sources(
    tmp_path: Path,
) -> None:
    """``headline: true`` in mkdocs.yml gives Zotero's sentence-case titles CMOS 8.159's
    headline style, in the notes and in the sources list; without it titles print as written."""
    bib = tmp_path / "zotero.bib"
    bib.write_text(
        "@book{lee2020,\n  author = {Lee, Ann},\n  title = {The politics of care in a crisis},\n"
        "  publisher = {Verso},\n  location = {London},\n  date = {2020},\n}\n",
        encoding="utf-8",
    )
    text = "Care [@lee2020, 4]."
    as_written = footnotes(convert(text, bib)[0])[0]
    headline = footnotes(convert(text, bib, headline=True)[0])[0]
    assert "The politics of care in a crisis" in as_written
    assert "The Politics of Care in a Crisis" in headline
    sources = render_sources(["lee2020"], Bibliography.load(bib), headline=True)
    assert "The Politics of Care in a Crisis" in sources
