# ruff: noqa: RUF001  (curly quotes and en dashes are the point of these tests)
"""Chicago forms, written from the Manual's rules and the Set Q acceptance table.

Set Q (research/citations.md §3.4) rows are compared as plain text, italics separately.
Entries that only illustrate a rule, where no real work in the project's sources has the
feature, use obviously made-up names ("Example", "Sample") so no one mistakes them for facts.
"""

from __future__ import annotations

import html as htmllib
import logging
import re
from pathlib import Path

import pytest

from hooks.bibliography import Bibliography, Date, Entry, Rich
from hooks.chicago import (
    Chicago,
    Form,
    Locator,
    NoteItem,
    format_date,
    page_range,
    parse_locator,
    shorten,
    style,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
C17, C18 = Chicago("chicago-17"), Chicago("chicago-18")


def plain(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


def italics(html: str) -> list[str]:
    return [htmllib.unescape(m) for m in re.findall(r"<em>(.*?)</em>", html)]


@pytest.fixture(scope="module")
def q() -> Bibliography:
    return Bibliography.load(FIXTURES / "cmos-quick-guide.bib")


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return Bibliography.load(FIXTURES / "curriculum.bib")


def entry(text: str) -> Entry:
    return next(iter(Bibliography.from_text(text).values()))


def loc(text: str) -> Locator:
    locator, suffix = parse_locator(text)
    assert locator is not None and not suffix.strip()
    return locator


# --------------------------------------------------------------------------- Set Q


SET_Q = [
    (
        "smith2016",
        "315–16",
        320,
        "Zadie Smith, Swing Time (New York: Penguin Press, 2016), 315–16.",
        "Smith, Swing Time, 320.",
        "Smith, Zadie. Swing Time. New York: Penguin Press, 2016.",
        ["Swing Time"],
    ),
    (
        "grazer2015",
        "12",
        37,
        "Brian Grazer and Charles Fishman, A Curious Mind: The Secret to a Bigger Life "
        "(New York: Simon & Schuster, 2015), 12.",
        "Grazer and Fishman, Curious Mind, 37.",
        "Grazer, Brian, and Charles Fishman. A Curious Mind: The Secret to a Bigger Life. "
        "New York: Simon & Schuster, 2015.",
        ["A Curious Mind: The Secret to a Bigger Life"],
    ),
    (
        "satterfield2016",
        "170",
        "172–73",
        "Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 "
        "(April 2016): 170.",
        "Satterfield, “Livy,” 172–73.",
        "Satterfield, Susan. “Livy and the Pax Deum.” Classical Philology 111, no. 2 "
        "(April 2016): 165–76.",
        ["Classical Philology"],
    ),
    (
        "keng2017",
        "9–10",
        23,
        "Shao-Hsun Keng, Chun-Hung Lin, and Peter F. Orazem, “Expanding College Access in "
        "Taiwan, 1978–2014: Effects on Graduate Quality and Income Inequality,” Journal of "
        "Human Capital 11, no. 1 (Spring 2017): 9–10, https://doi.org/10.1086/690235.",
        "Keng, Lin, and Orazem, “Expanding College Access,” 23.",
        "Keng, Shao-Hsun, Chun-Hung Lin, and Peter F. Orazem. “Expanding College Access in "
        "Taiwan, 1978–2014: Effects on Graduate Quality and Income Inequality.” Journal of "
        "Human Capital 11, no. 1 (Spring 2017): 1–34. https://doi.org/10.1086/690235.",
        ["Journal of Human Capital"],
    ),
    (
        "mead2017",
        "43",
        47,
        "Rebecca Mead, “The Prophet of Dystopia,” New Yorker, April 17, 2017, 43.",
        "Mead, “Dystopia,” 47.",
        "Mead, Rebecca. “The Prophet of Dystopia.” New Yorker, April 17, 2017.",
        ["New Yorker"],
    ),
    (
        "google2017",
        None,
        None,
        "“Privacy Policy,” Privacy & Terms, Google, last modified April 17, 2017, "
        "https://www.google.com/policies/privacy/.",
        "Google, “Privacy Policy.”",
        "Google. “Privacy Policy.” Privacy & Terms. Last modified April 17, 2017. "
        "https://www.google.com/policies/privacy/.",
        [],
    ),
]


@pytest.mark.parametrize(
    ("key", "first", "later", "full", "short", "bibl", "em"), SET_Q, ids=[row[0] for row in SET_Q]
)
def test_set_q(q: Bibliography, key, first, later, full, short, bibl, em) -> None:
    e = q[key]
    full_html = C17.full_note(e, loc(first) if first else None)
    assert plain(full_html) == full
    assert italics(full_html) == em
    short_html = C17.short_note(e, loc(str(later)) if later else None)
    assert plain(short_html) == short
    assert plain(C17.bibliography_entry(e)) == bibl
    assert italics(C17.bibliography_entry(e)) == em


def test_set_q_italic_short_titles(q: Bibliography) -> None:
    assert italics(C17.short_note(q["grazer2015"], loc("37"))) == ["Curious Mind"]
    assert italics(C17.short_note(q["satterfield2016"])) == []


def test_set_q_chicago_18_drops_the_place(q: Bibliography) -> None:
    assert plain(C18.full_note(q["smith2016"], loc("315-16"))) == (
        "Zadie Smith, Swing Time (Penguin Press, 2016), 315–16."
    )
    assert plain(C18.bibliography_entry(q["grazer2015"])) == (
        "Grazer, Brian, and Charles Fishman. A Curious Mind: The Secret to a Bigger Life. "
        "Simon & Schuster, 2015."
    )


def test_chicago_18_journal_year_without_month_and_et_al_from_three(q: Bibliography) -> None:
    assert plain(C18.full_note(q["satterfield2016"], loc("170"))) == (
        "Susan Satterfield, “Livy and the Pax Deum,” Classical Philology 111, no. 2 (2016): 170."
    )
    note = plain(C18.full_note(q["keng2017"], loc("9-10")))
    assert note.startswith("Shao-Hsun Keng et al., “Expanding")
    assert "11, no. 1 (2017): 9–10" in note
    assert plain(C18.short_note(q["keng2017"], loc("23"))) == (
        "Keng et al., “Expanding College Access,” 23."
    )


def test_links_are_anchors(q: Bibliography) -> None:
    note = C17.full_note(q["keng2017"])
    assert '<a href="https://doi.org/10.1086/690235">https://doi.org/10.1086/690235</a>.' in note
    assert "&amp;" in C17.full_note(q["google2017"])  # Privacy & Terms, escaped


# --------------------------------------------------------------------------- page ranges


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("3", "10", "3–10"),
        ("71", "72", "71–72"),
        ("96", "117", "96–117"),
        ("100", "104", "100–104"),
        ("1100", "1113", "1100–1113"),
        ("101", "108", "101–8"),
        ("808", "833", "808–33"),
        ("1103", "1104", "1103–4"),
        ("321", "328", "321–28"),
        ("498", "532", "498–532"),
        ("1087", "1089", "1087–89"),
        ("1496", "1500", "1496–500"),
        ("11564", "11615", "11564–615"),
        ("12991", "13001", "12991–3001"),
        ("336", "346", "336–46"),
        ("165", "76", "165–76"),
        ("1087", "9", "1087–89"),
        ("57", "111", "57–111"),
    ],
)
def test_inclusive_numbers_cmos_9_61(first: str, last: str, expected: str) -> None:
    assert page_range(first, last) == expected


# --------------------------------------------------------------------------- locators


@pytest.mark.parametrize(
    ("text", "rendered", "suffix"),
    [
        ("16", "16", ""),
        ("p. 16", "16", ""),
        ("pp. 315-316", "315–16", ""),
        ("16--17", "16–17", ""),
        ("chap. 3", "chap. 3", ""),
        ("chapter 3", "chap. 3", ""),
        ("chaps. 3–4", "chaps. 3–4", ""),
        ("chapters 3-4", "chaps. 3–4", ""),
        ("sec. 2.1", "sec. 2.1", ""),
        ("§ 4", "sec. 4", ""),
        ("para. 12", "para. 12", ""),
        ("n. 5", "n. 5", ""),
        ("45n3", "45n3", ""),
        ("vol. 2", "vol. 2", ""),
        ("pt. 1", "pt. 1", ""),
        ("fig. 3", "fig. 3", ""),
        ("figures 3, 5", "figs. 3, 5", ""),
        ("line 4", "line 4", ""),
        ("xii", "xii", ""),
        ("xi-xiv", "xi–xiv", ""),
        ("{ii, 3}", "ii, 3", ""),
        ("16, emphasis added", "16", ", emphasis added"),
        ("16 passim", "16", " passim"),
    ],
)
def test_locators(text: str, rendered: str, suffix: str) -> None:
    locator, rest = parse_locator(text)
    assert locator is not None
    assert locator.render() == rendered
    assert rest == suffix


def test_text_that_is_not_a_locator_is_a_suffix() -> None:
    assert parse_locator("emphasis added") == (None, ", emphasis added")
    assert parse_locator("i.e. the preface") == (None, ", i.e. the preface")


# --------------------------------------------------------------------------- names


def _many(count: int) -> Entry:
    authors = " and ".join(f"Sample{i}, Ann" for i in range(1, count + 1))
    return entry(
        f"@book{{k, author={{{authors}}}, title={{Example Title}}, publisher={{P}}, year=2000}}"
    )


@pytest.mark.parametrize(
    ("count", "edition", "note_head", "bib_head"),
    [
        (
            3,
            "chicago-17",
            "Ann Sample1, Ann Sample2, and Ann Sample3",
            "Sample1, Ann, Ann Sample2, and Ann Sample3",
        ),
        (
            4,
            "chicago-17",
            "Ann Sample1 et al.",
            "Sample1, Ann, Ann Sample2, Ann Sample3, and Ann Sample4",
        ),
        (
            11,
            "chicago-17",
            "Ann Sample1 et al.",
            "Sample1, Ann, " + ", ".join(f"Ann Sample{i}" for i in range(2, 8)) + ", et al.",
        ),
        (2, "chicago-18", "Ann Sample1 and Ann Sample2", "Sample1, Ann, and Ann Sample2"),
        (3, "chicago-18", "Ann Sample1 et al.", "Sample1, Ann, Ann Sample2, and Ann Sample3"),
        (7, "chicago-18", "Ann Sample1 et al.", "Sample1, Ann, Ann Sample2, Ann Sample3, et al."),
    ],
)
def test_et_al_thresholds(count: int, edition: str, note_head: str, bib_head: str) -> None:
    e, chicago = _many(count), Chicago(edition)  # type: ignore[arg-type]
    assert plain(chicago.full_note(e)).startswith(note_head + ", Example Title")
    assert plain(chicago.bibliography_entry(e)).startswith(bib_head.rstrip(".") + ". Example Title")


def test_and_others_forces_et_al() -> None:
    e = entry("@book{k, author={Sample, Ann and others}, title={T}, publisher={P}, year=2000}")
    assert plain(C17.short_note(e)) == "Sample et al., T."


def test_particles_suffixes_and_lowercase_names(bib: Bibliography) -> None:
    e = entry(
        "@book{k, author={van Example, Anna and Example, Jr., John}, title={T}, "
        "publisher={P}, year=2000}"
    )
    assert plain(C17.full_note(e)).startswith("Anna van Example and John Example Jr., T")
    assert plain(C17.bibliography_entry(e)).startswith("van Example, Anna, and John Example Jr.")
    assert plain(C17.short_note(e)) == "van Example and Example, T."
    crow = bib["crow2011"]
    assert plain(C17.full_note(crow)).startswith("scott crow, Black Flags")
    assert plain(C17.bibliography_entry(crow)).startswith("crow, scott. Black Flags")
    assert plain(C17.author_only(crow, loc("12"))) == "crow, 12."


def test_corporate_author(bib: Bibliography) -> None:
    e = bib["brrn2025"]
    assert plain(C17.full_note(e)) == (
        "Black Rose/Rosa Negra Anarchist Federation, “Survival of the Organized: Critical "
        "Reflections on Organizing and Mutual Aid,” March 30, 2025."
    )
    assert plain(C17.short_note(e)) == (
        "Black Rose/Rosa Negra Anarchist Federation, “Survival of the Organized.”"
    )


# --------------------------------------------------------------------------- by type


def test_book_with_subtitle_no_place(bib: Bibliography) -> None:
    e = bib["spade2020"]
    assert plain(C17.full_note(e, loc("16"))) == (
        "Dean Spade, Mutual Aid: Building Solidarity During This Crisis (and the Next) "
        "(Verso, 2020), 16."
    )
    assert plain(C17.short_note(e, loc("16"))) == "Spade, Mutual Aid, 16."
    assert plain(C17.bibliography_entry(e)) == (
        "Spade, Dean. Mutual Aid: Building Solidarity During This Crisis (and the Next). "
        "Verso, 2020."
    )


def test_book_before_and_after_1900_in_chicago_18(bib: Bibliography) -> None:
    assert plain(C18.full_note(bib["kropotkin1902"])) == (
        "Peter Kropotkin, Mutual Aid: A Factor of Evolution (William Heinemann, 1902)."
    )
    old = entry(
        "@book{k, author={Sample, Ann}, title={T}, publisher={P}, address={London}, year=1850}"
    )
    assert "(London: P, 1850)" in plain(C18.full_note(old))


def test_translated_book(bib: Bibliography) -> None:
    e = bib["delalande2023"]
    assert plain(C17.full_note(e, loc("70"))) == (
        "Nicolas Delalande, Struggle and Mutual Aid: The Age of Worker Solidarity, trans. "
        "Anthony Roberts (New York: Other Press, 2023), 70."
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Delalande, Nicolas. Struggle and Mutual Aid: The Age of Worker Solidarity. Translated "
        "by Anthony Roberts. New York: Other Press, 2023."
    )


def test_edited_book_and_author_with_editor(bib: Bibliography) -> None:
    e = bib["hilliard2008"]
    assert plain(C17.full_note(e, loc("3"))) == (
        "David Hilliard, ed., The Black Panther Party: Service to the People Programs "
        "(Albuquerque: University of New Mexico Press, 2008), 3."
    )
    assert plain(C17.short_note(e, loc("3"))) == "Hilliard, Black Panther Party, 3."
    assert plain(C17.bibliography_entry(e)).startswith("Hilliard, David, ed. The Black Panther")
    assert plain(C17.full_note(bib["newton1972"], loc("104"))) == (
        "Huey P. Newton, To Die for the People, ed. Toni Morrison (Random House, 1972), 104."
    )
    assert "Edited by Toni Morrison. Random House" in plain(
        C17.bibliography_entry(bib["newton1972"])
    )


def test_collection_type_is_an_edited_volume(bib: Bibliography) -> None:
    e = entry(
        "@collection{k, editor={Sample, Ann and Example, Bo}, title={A Collection}, "
        "publisher={P}, year=2000}"
    )
    assert plain(C17.full_note(e)) == "Ann Sample and Bo Example, eds., A Collection (P, 2000)."
    assert (
        plain(C17.bibliography_entry(e))
        == "Sample, Ann, and Bo Example, eds. A Collection. P, 2000."
    )


def test_edition_volume_series_and_reprint() -> None:
    e = entry(
        "@book{k, author={Sample, Ann}, title={T}, edition={2}, volumes={3}, "
        "series={Example Series}, number={12}, publisher={P}, location={Place}, "
        "year=2014, origdate={1902}}"
    )
    assert plain(C17.full_note(e, loc("5"))) == (
        "Ann Sample, T, 2nd ed., 3 vols., Example Series 12 (1902; repr., Place: P, 2014), 5."
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Sample, Ann. T. 2nd ed. 3 vols. Example Series 12. 1902. Reprint, Place: P, 2014."
    )


def test_volume_of_a_multivolume_work_and_quoted_title_inside_italics() -> None:
    # The Complete Works of Malatesta, vol. 3 (research/curriculum.md §5.4). A volume with its
    # own title leads, "vol. N of" the whole work (CMOS 17 §14.117, as biblatex-chicago).
    e = entry(
        "@book{k, author={Malatesta, Errico}, editor={Turcato, Davide}, "
        "maintitle={The Complete Works of Malatesta}, volume={3}, "
        "title={\\mkbibquote{A Long and Patient Work}}, "
        "subtitle={The Anarchist Socialism of \\emph{L'Agitazione}, 1897--98}, "
        "publisher={AK Press}, date={2017}}"
    )
    note = C17.full_note(e)
    assert plain(note) == (
        "Errico Malatesta, “A Long and Patient Work”: The Anarchist Socialism of L’Agitazione, "
        "1897–98, vol. 3 of The Complete Works of Malatesta, ed. Davide Turcato (AK Press, 2017)."
    )
    # A title inside an italic title turns roman (CMOS 17 §8.173).
    assert "Socialism of </em>L’Agitazione<em>, 1897–98</em>" in note


def test_chapter_in_an_authored_book_via_crossref(bib: Bibliography) -> None:
    e = bib["firth2020"]
    assert plain(C17.full_note(e, loc("60"))) == (
        "Rhiannon Firth, “Mutual Aid, Anarchist Preparedness and COVID-19,” in Coronavirus, "
        "Class and Mutual Aid in the United Kingdom, by John Preston and Rhiannon Firth "
        "(Palgrave Macmillan, 2020), 60, https://doi.org/10.1007/978-3-030-57714-8."
    )
    assert plain(C17.short_note(e, loc("60"))) == (
        "Firth, “Mutual Aid, Anarchist Preparedness and COVID-19,” 60."
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Firth, Rhiannon. “Mutual Aid, Anarchist Preparedness and COVID-19.” In Coronavirus, "
        "Class and Mutual Aid in the United Kingdom, by John Preston and Rhiannon Firth, 57–111. "
        "Palgrave Macmillan, 2020. https://doi.org/10.1007/978-3-030-57714-8."
    )
    assert "57–111" not in plain(C18.bibliography_entry(e))


def test_chapter_in_an_edited_volume() -> None:
    e = entry(
        "@incollection{k, author={Sample, Ann}, title={A Chapter}, booktitle={A Collection}, "
        "editor={Example, Bo}, publisher={P}, location={Place}, year=2016, pages={167--95}}"
    )
    assert plain(C17.full_note(e, loc("177-78"))) == (
        "Ann Sample, “A Chapter,” in A Collection, ed. Bo Example (Place: P, 2016), 177–78."
    )
    assert plain(C17.short_note(e, loc("182"))) == "Sample, “A Chapter,” 182."  # no shorttitle
    assert plain(C17.bibliography_entry(e)) == (
        "Sample, Ann. “A Chapter.” In A Collection, edited by Bo Example, 167–95. Place: P, 2016."
    )


def test_journal_article_with_doi(bib: Bibliography) -> None:
    e = bib["spade2020social"]
    assert plain(C17.full_note(e, loc("133"))) == (
        "Dean Spade, “Solidarity Not Charity: Mutual Aid for Mobilization and Survival,” Social "
        "Text 38, no. 1 (142) (March 2020): 133, https://doi.org/10.1215/01642472-7971139."
    )
    assert plain(C17.bibliography_entry(e)).endswith(
        "(March 2020): 131–51. https://doi.org/10.1215/01642472-7971139."
    )


def test_magazine_and_newspaper_articles(bib: Bibliography) -> None:
    assert plain(C17.full_note(bib["teirstein2023"])) == (
        "Zoya Teirstein, “Boots on the Ground,” Grist, May 17, 2023."
    )
    news = bib["bernd2023"]
    assert plain(C17.bibliography_entry(news)) == (
        "Bernd, Candice. “Fascists Are Trying to Co-opt Mutual Aid Organizing in East Palestine, "
        "Ohio.” Truthout, March 6, 2023."
    )
    assert italics(C17.full_note(news)) == ["Truthout"]


def test_unsigned_newspaper_article_is_filed_under_the_paper() -> None:
    e = entry(
        "@article{k, title={An Unsigned Headline}, journal={Example Daily}, "
        "entrysubtype={newspaper}, date={2002-07-30}}"
    )
    assert plain(C17.full_note(e)) == "“An Unsigned Headline,” Example Daily, July 30, 2002."
    assert plain(C17.short_note(e)) == "“An Unsigned Headline.”"
    assert plain(C17.bibliography_entry(e)) == (
        "Example Daily. “An Unsigned Headline.” July 30, 2002."
    )
    assert C17.sort_key(e)[0] == "example daily"


def test_blog_posts(bib: Bibliography) -> None:
    e = bib["correa2009"]
    assert plain(C17.full_note(e)) == (
        "Felipe Corrêa, “Create a Strong People: Contributions to the Debate on Popular Power,” "
        "trans. Enrique Guerrero-López, Black Rose/Rosa Negra Anarchist Federation (blog), "
        "December 2009."
    )
    assert italics(C17.full_note(e)) == ["Black Rose/Rosa Negra Anarchist Federation"]
    assert plain(C17.bibliography_entry(bib["man2023"])) == (
        "Anonymous. “Notes on Mutual Aid Volume 1 — A Local History of Survival and Struggle.” "
        "Mutual Aid Notes (blog). 2023."
    )


def test_blog_with_parent_publication() -> None:
    e = entry(
        "@online{k, author={Sample, Ann}, title={A Post}, organization={Example Blog}, "
        "publisher={Example Review}, type={blog}, date={2017-02-15}, "
        "url={https://example.org/post}}"
    )
    assert plain(C17.full_note(e)) == (
        "Ann Sample, “A Post,” Example Blog (blog), Example Review, February 15, 2017, "
        "https://example.org/post."
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Sample, Ann. “A Post.” Example Blog (blog). Example Review, February 15, 2017. "
        "https://example.org/post."
    )


def test_web_page_without_date_gets_access_date() -> None:
    e = entry(
        "@online{k, author={{Example Collective}}, title={About Us}, "
        "url={https://example.org/about}, urldate={2024-05-01}}"
    )
    assert plain(C17.full_note(e)) == (
        "Example Collective, “About Us,” accessed May 1, 2024, https://example.org/about."
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Example Collective. “About Us.” Accessed May 1, 2024. https://example.org/about."
    )


def test_podcast_episode(bib: Bibliography) -> None:
    e = bib["wong2021"]
    assert plain(C17.full_note(e)) == (
        "Mia Wong, “Common Humanity Collective and the Politics of Mutual Aid, Part 1,” "
        "November 1, 2021, in It Could Happen Here, podcast."
    )
    assert plain(C17.short_note(e)) == (
        "Wong, “Common Humanity Collective and the Politics of Mutual Aid, Part 1.”"
    )
    assert plain(C17.bibliography_entry(e)) == (
        "Wong, Mia. “Common Humanity Collective and the Politics of Mutual Aid, Part 1.” "
        "November 1, 2021. In It Could Happen Here. Podcast."
    )
    assert italics(C17.bibliography_entry(e)) == ["It Could Happen Here"]


def test_report_by_an_organisation(bib: Bibliography) -> None:
    e = bib["caloes2019"]
    assert plain(C17.full_note(e)) == (
        "California Governor’s Office of Emergency Services, Law Enforcement Mutual Aid Plan "
        "(California Governor’s Office of Emergency Services, 2019)."
    )
    no_author = entry(
        "@report{k, title={A Report}, institution={Example Center}, "
        "type={Working Paper}, number={7}, location={Place}, year=2020}"
    )
    assert plain(C17.full_note(no_author)) == (
        "Example Center, A Report, Working Paper 7 (Place: Example Center, 2020)."
    )
    assert plain(C17.short_note(no_author)) == "Example Center, A Report."


def test_theses() -> None:
    phd = entry(
        "@phdthesis{k, author={Sample, Ann}, title={A Study}, school={Example "
        "University}, year=2010}"
    )
    assert plain(C17.full_note(phd, loc("45"))) == (
        "Ann Sample, “A Study” (PhD diss., Example University, 2010), 45."
    )
    assert plain(C17.bibliography_entry(phd)) == (
        "Sample, Ann. “A Study.” PhD diss., Example University, 2010."
    )
    ma = entry(
        "@thesis{k, author={Sample, Ann}, title={A Study}, type={mathesis}, "
        "institution={Example University}, year=2010}"
    )
    assert "(MA thesis, Example University, 2010)" in plain(C17.full_note(ma))


def test_unpublished_and_interview() -> None:
    draft = entry("@unpublished{k, author={Sample, Ann}, title={A Draft}, year=2019}")
    assert plain(C17.full_note(draft)) == "Ann Sample, “A Draft” (unpublished manuscript, 2019)."
    assert plain(C17.bibliography_entry(draft)) == (
        "Sample, Ann. “A Draft.” Unpublished manuscript, 2019."
    )
    talk = entry(
        "@interview{k, author={Sample, Ann}, interviewer={Example, Bo}, "
        "title={On Organizing}, organization={Example Radio}, date={2020-05-01}}"
    )
    assert plain(C17.full_note(talk)) == (
        "Ann Sample, “On Organizing,” interview by Bo Example, Example Radio, May 1, 2020."
    )
    assert plain(C17.bibliography_entry(talk)) == (
        "Sample, Ann. “On Organizing.” Interview by Bo Example. Example Radio, May 1, 2020."
    )
    untitled = entry("@interview{k, author={Sample, Ann}, interviewer={Example, Bo}, year=2020}")
    assert plain(C17.short_note(untitled)) == "Sample, interview."


def test_misc_and_unknown_types_fall_back_without_crashing(bib: Bibliography, caplog) -> None:
    assert plain(C17.full_note(bib["madr2020"])) == (
        "Mutual Aid Disaster Relief, A Love Letter to the Future: On Mutual Aid & Building "
        "Power While the Lights Are Out, n.d."
    )
    odd = entry("@patent{k, author={Sample, Ann}, title={A Device}, year=1999}")
    with caplog.at_level(logging.WARNING):
        assert plain(C17.full_note(odd)) == "Ann Sample, A Device, 1999."
    assert "type @patent" in caplog.text


# --------------------------------------------------------------------------- punctuation


def test_question_mark_keeps_a_needed_comma_and_swallows_the_period() -> None:
    e = entry(
        "@article{k, author={Sample, Ann}, title={How Social Is the Animal?}, "
        "journal={Example Journal}, volume=3, year=2000, pages={330--45}}"
    )
    assert plain(C17.short_note(e, loc("339"))) == "Sample, “How Social Is the Animal?,” 339."
    assert plain(C17.short_note(e)) == "Sample, “How Social Is the Animal?”"
    assert plain(C17.bibliography_entry(e)).startswith(
        "Sample, Ann. “How Social Is the Animal?” Example Journal 3"
    )


def test_title_ending_in_question_mark_joins_subtitle_without_colon(bib: Bibliography) -> None:
    assert plain(C17.full_note(bib["forbes2006"])) == (
        "Flores A. Forbes, Will You Die with Me? My Life and the Black Panther Party "
        "(Atria Books, 2006)."
    )
    assert plain(C17.short_note(bib["robnett1997"])) == "Robnett, How Long? How Long?"


def test_quotes_inside_a_quoted_title_become_single() -> None:
    e = entry(
        "@article{k, author={Sample, Ann}, title={On \\mkbibquote{Mutual Aid}}, "
        "journal={J}, volume=1, year=2000}"
    )
    assert plain(C17.short_note(e, loc("3"))) == "Sample, “On ‘Mutual Aid,’” 3."
    assert plain(C17.short_note(e)) == "Sample, “On ‘Mutual Aid.’”"


def test_titles_keep_the_case_the_source_gives() -> None:
    e = entry(
        "@book{k, author={Sample, Ann}, title={the lower-case title of a zine}, "
        "publisher={P}, year=2000}"
    )
    assert "the lower-case title of a zine" in plain(C17.full_note(e))


# --------------------------------------------------------------------------- notes


def test_ibid_and_author_only(bib: Bibliography) -> None:
    spade = bib["spade2020"]
    assert C17.ibid(spade) == "Ibid."
    assert C17.ibid(spade, loc("16")) == "Ibid., 16."
    assert C17.author_only(spade, loc("16")) == "Spade, 16."
    # Without a locator or an author the short form is used instead.
    assert plain(C17.author_only(spade)) == "Spade, Mutual Aid."


def test_note_with_several_sources_prefixes_and_suffix(bib: Bibliography) -> None:
    html = C17.note(
        [
            NoteItem(bib["spade2020"], Form.SHORT, loc("16"), prefix="see"),
            NoteItem(
                bib["kropotkin1902"], Form.SHORT, loc("3"), prefix="also", suffix=", *passim*"
            ),
        ]
    )
    assert plain(html) == "See Spade, Mutual Aid, 16; also Kropotkin, Mutual Aid, 3, passim."
    assert italics(html) == ["Mutual Aid", "Mutual Aid", "passim"]


def test_names_are_never_capitalised_at_the_start_of_a_note(bib: Bibliography) -> None:
    assert plain(C17.short_note(bib["crow2011"])) == "crow, Black Flags and Windmills."
    html = C17.note([NoteItem(bib["crow2011"], Form.IBID, loc("4"), prefix="see")])
    assert html == "See ibid., 4."


def test_note_inside_a_sentence_has_no_capital_or_period(bib: Bibliography) -> None:
    html = C17.note([NoteItem(bib["spade2020"], Form.IBID, loc("8"))], sentence=False)
    assert html == "ibid., 8"


def test_sort_key_orders_like_a_chicago_bibliography(bib: Bibliography) -> None:
    keys = sorted(bib, key=lambda k: C17.sort_key(bib[k]))
    assert keys.index("crow2011") < keys.index("delalande2023")  # lower-case name files as C
    assert keys.index("firth2022") < keys.index("firth2020")  # same author: by title
    assert keys.index("correa2009") < keys.index("crow2011")  # Corrêa folds to Correa
    assert keys.index("madr2020") < keys.index("newton1972")  # organisation as author


def test_forms_are_memoised(bib: Bibliography) -> None:
    chicago = style("chicago-17")
    assert chicago is style("chicago-17")
    first = chicago.form(bib["spade2020"], Form.FULL, loc("16"))
    assert chicago.form(bib["spade2020"], Form.FULL, loc("16")) is first


def test_unknown_edition_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown edition"):
        Chicago("chicago-16")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("A Curious Mind: The Secret to a Bigger Life", "A Curious Mind"),
        (
            "Mutual Aid, Anarchist Preparedness and COVID-19",
            "Mutual Aid, Anarchist Preparedness and COVID-19",
        ),
        ("To Die for the People", "To Die for the People"),
        ("The Trouble with Wilderness; or, Getting Back", "The Trouble with Wilderness"),
        ("What Is to Be Done? Burning Questions", "What Is to Be Done?"),
        ("“Sir Gawain: A Poem” and Its Readers: Essays", "“Sir Gawain: A Poem” and Its Readers"),
        ("The Omnivore’s Dilemma", "The Omnivore’s Dilemma"),
    ],
)
def test_automatic_short_titles(title: str, short: str) -> None:
    assert shorten(Rich.of(title)).plain == short


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (Date(2017, 4, 17), "April 17, 2017"),
        (Date(2016, 4), "April 2016"),
        (Date(2017, season="Spring"), "Spring 2017"),
        (Date(1890, end=Date(1896)), "1890–96"),
        (Date(1898, end=Date(1903)), "1898–1903"),
        (Date(2020, 4, 1, end=Date(2020, 4, 3)), "April 1–3, 2020"),
        (Date(2020, 4, 28, end=Date(2020, 5, 2)), "April 28–May 2, 2020"),
        (Date(2020, open_end=True), "2020–"),
        (Date(literal="forthcoming"), "forthcoming"),
    ],
)
def test_dates(date: Date, text: str) -> None:
    assert format_date(date) == text
