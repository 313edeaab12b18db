# ruff: noqa: RUF001  (curly quotes and en dashes are the point of these tests)
"""The failure classes of issue 14, one rule of the Manual each, on made-up entries
(``fixtures/bib/cmos-rules.bib``), plus a sweep over real Zotero exports
(``fixtures/bib/real/``): every entry through every form, nothing raw left on the page."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest

from hooks.bibliography import Bibliography, decode_latex
from hooks.chicago import Chicago, parse_locator
from hooks.chicago.terms import edition_phrase, series_phrase
from hooks.chicago.titles import headline_case, shorten
from hooks.latexmath import decode_math

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
C17, HEADLINE = Chicago("chicago-17"), Chicago("chicago-17", headline=True)


def plain(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html))


@pytest.fixture(scope="module")
def rules() -> Bibliography:
    return Bibliography.load(FIXTURES / "cmos-rules.bib")


def full(bib: Bibliography, key: str, style: Chicago = C17) -> str:
    return plain(style.full_note(bib[key]))


def short(bib: Bibliography, key: str) -> str:
    return plain(C17.short_note(bib[key], parse_locator("12")[0]))


def bibl(bib: Bibliography, key: str) -> str:
    return plain(C17.bibliography_entry(bib[key]))


# --------------------------------------------------------------------------- biblatex keys


@pytest.mark.parametrize(
    ("value", "phrase"),
    [("2", "2nd ed."), ("3rd", "3rd ed."), ("second", "2nd ed."), ("revised", "rev. ed."),
     ("Revised edition", "rev. ed."), ("rev. ed.", "rev. ed.")],
)  # fmt: skip
def test_edition_keys_and_numbers_become_cmos_abbreviations(value: str, phrase: str) -> None:
    assert edition_phrase(value) == phrase


def test_series_keys() -> None:
    assert (series_phrase("newseries"), series_phrase("oldseries")) == ("n.s.", "o.s.")
    assert series_phrase("2") == "2nd ser."


def test_bibstrings_never_reach_the_page(rules: Bibliography) -> None:
    assert full(rules, "rev") == (
        "Ann Sample, A Book, rev. ed. (Chicago: University of Chicago Press, 2008)."
    )
    assert full(rules, "nod") == "Ann Sample, Undated Book (Example Press, n.d.)."
    assert full(rules, "ns").startswith("Jo Example, “On Series,” Example Review, n.s., 10, no. 2")


# --------------------------------------------------------------------------- dates by type


def test_book_dates_are_years_journal_dates_months_web_dates_days(rules: Bibliography) -> None:
    assert "2008)" in full(rules, "rev")  # Zotero's 2008-10-30 on a book
    assert "(March 1990)" in full(rules, "ns")
    assert "May 3, 2019" in full(rules, "vid")


def test_timestamps_are_parsed_and_urldate_stands_in_for_a_missing_date(
    rules: Bibliography,
) -> None:
    assert (
        full(rules, "web")
        == "“A Page,” Example Site, accessed January 7, 2012, https://example.org/p."
    )


def test_pubstate(rules: Bibliography) -> None:
    assert full(rules, "fo") == "Jane Doe, Next Thing (P, forthcoming)."


# --------------------------------------------------------------------------- dropped information


def test_page_range_in_full_notes_without_locator(rules: Bibliography) -> None:
    assert full(rules, "ns").endswith("(March 1990): 336–46.")
    assert full(rules, "ch").endswith("2006), 129–53.")
    located = plain(C17.full_note(rules["ns"], parse_locator("340")[0]))
    assert located.endswith("(March 1990): 340.")


def test_chapter_number_and_editors(rules: Bibliography) -> None:
    assert full(rules, "ch") == (
        "Sherry Ortner, chap. 7 in Anthropology and Social Theory, ed. Jane Doe "
        "(Durham, NC: Duke University Press, 2006), 129–53."
    )


def test_compilers_lead_a_work_without_author(rules: Bibliography) -> None:
    assert full(rules, "comp").startswith("Ann Sample and Bo Example, comps., A Compilation")
    assert bibl(rules, "comp").startswith("Sample, Ann, and Bo Example, comps. A Compilation.")


def test_special_issue(rules: Bibliography) -> None:
    assert full(rules, "si") == (
        "Gerald Kraak, “Homosexuality and the Left,” in “Gay Liberation,” ed. Anthony F. Ross, "
        "special issue, Journal of Example Studies 31, no. 2 (2005): 291–300."
    )


def test_languages(rules: Bibliography) -> None:
    assert "War in the Steppe [in Russian] (Moscow" in full(rules, "ru")
    assert full(rules, "tr") == (
        "Leo Tolstoy, War and Peace, trans. from the Russian by Richard Pevear "
        "(New York: Knopf, 2007)."
    )  # the original's date is not a reprint's
    assert bibl(rules, "tr").endswith("Originally published 1869.")


def test_manual_misc_url_letter_and_film(rules: Bibliography) -> None:
    assert full(rules, "man") == "Example Corp, User Guide (Boston: Example Corp, 2010)."
    assert (
        full(rules, "bbt")
        == "Ann Sample, “Blog post title,” January 7, 2012, https://example.org/post."
    )
    assert full(rules, "let") == "Henry James to Edith Wharton, November 8, 1905, in Letters."
    assert full(rules, "mov") == (
        "Crouching Tiger, Hidden Dragon, directed by Ang Lee "
        "(Culver City, CA: Sony Pictures, 2000), DVD."
    )


def test_note_field_only_where_the_form_has_a_place(rules: Bibliography) -> None:
    assert "Frontiers" not in bibl(rules, "fsg")


# --------------------------------------------------------------------------- punctuation


def test_comma_before_number_without_volume_and_plural_numbers(rules: Bibliography) -> None:
    assert "Past and Present, no. 62 (1974): 3–20" in full(rules, "pp")
    assert "Example Quarterly 5, nos. 7–8 (September 2001)" in full(rules, "nos")


def test_co_publishers_slash_but_one_firm_stays_whole(rules: Bibliography) -> None:
    assert "(London: Allen Lane / Penguin, 2010)" in full(rules, "cop")
    assert "Farrar, Straus and Giroux" in full(rules, "fsg")


def test_initials_apostrophes_and_math(rules: Bibliography) -> None:
    assert full(rules, "cop").startswith("Paul N. Edwards, ’Tis the ’Burbs: χώ (")
    assert full(rules, "fsg").startswith("J. E. O’Neill,")
    assert decode_latex("'Hello,' she said").plain == "‘Hello,’ she said"
    assert decode_math(r"\chi\acute{\omega}") == "χώ"


# --------------------------------------------------------------------------- short notes


@pytest.mark.parametrize(
    ("title", "main"),
    [("Sir Gawain and the Green Knight", "Sir Gawain and the Green Knight"),
     ("How to Kill a Golden Goose: Essays", "How to Kill a Golden Goose"),
     ("The Trouble with Wilderness; or, Getting Back to the Wrong Nature",
      "The Trouble with Wilderness"),
     ("“Language and Design in Pippa Passes”: A Reading", "“Language and Design in Pippa Passes”")],
)  # fmt: skip
def test_short_titles_end_at_the_subtitle_never_mid_phrase(title: str, main: str) -> None:
    assert shorten(decode_latex(title)).plain == main


def test_shared_surnames_get_initials_and_identical_short_titles_are_told_apart(
    rules: Bibliography,
) -> None:
    assert short(rules, "fc") == "A. Smith, First Book, 12."
    assert short(rules, "fc2") == "J. Smith, Other Book, 12."
    assert short(rules, "am1") == "Doe, Politics: A History, 12."
    assert short(rules, "am2") == "Doe, Politics: A Theory, 12."
    assert short(rules, "fo") == "Doe, Next Thing, 12."


# --------------------------------------------------------------------------- capitalisation


def test_headline_style_is_optional_and_spares_braces_names_and_acronyms(
    rules: Bibliography,
) -> None:
    assert full(rules, "fsg").startswith("J. E. O’Neill, The sentence case title: a study")
    assert full(rules, "fsg", HEADLINE).startswith(
        "J. E. O’Neill, The Sentence Case Title: A Study of NATO and the iPhone ("
    )
    assert headline_case("war and peace in {the} {eU}") == "War and Peace in {the} {eU}"
    bib = Bibliography.from_text(
        "@book{fr, title={la guerre et la paix}, langid={french}, publisher={P}, year=1900}"
    )
    assert plain(HEADLINE.full_note(bib["fr"])) == "la guerre et la paix (P, 1900)."  # untouched


# --------------------------------------------------------------------------- real exports


REAL = sorted((FIXTURES / "real").glob("*.bib"))
_RESIDUE = re.compile(
    r"[\\{}$]|\b(?:nodate|newseries|oldseries|inpress|revisededition)\b"
    r"|\d{4}-\d\d-\d\d|T\d\d:\d\d"  # ISO dates and timestamps belong in URLs only
    r"|\((?:spring|summer|fall|autumn|winter)\b"  # seasons are capitalised
    r"|\b[A-Z] [A-Z][a-z]"  # bare initials: "Paul N Edwards"
)
_MONTH_DAY = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December) \d"
)
_YEAR_ONLY = {"book", "collection", "thesis", "incollection", "inbook", "inproceedings", "report"}


@pytest.mark.parametrize("path", REAL, ids=[p.name for p in REAL])
def test_every_real_entry_prints_clean_in_every_form(path: Path) -> None:
    bib = Bibliography.load(path)
    assert len(bib) >= 5
    for key, e in bib.items():
        for text in (
            plain(C17.full_note(e)),
            plain(C17.short_note(e, parse_locator("3")[0])),
            plain(C17.bibliography_entry(e)),
        ):
            assert text.strip(" .,"), key
            assert not _RESIDUE.search(re.sub(r"\S*https?://\S+", "", text)), (key, text)
            if e.type in _YEAR_ONLY:  # Zotero's full dates: the year only (CMOS 14.71)
                assert not _MONTH_DAY.search(text), (key, text)
            assert text.count("“") == text.count("”"), (key, text)
        shortened = plain(C17.short_note(e))
        assert not re.search(r"\b(?:and|of|the|in|a|with|or)[.,”]*$", shortened.rstrip(".")), key


def test_real_notes_checked_against_the_manual() -> None:
    bib = Bibliography.load(FIXTURES / "real" / "better-biblatex.bib")
    assert plain(C17.full_note(bib["Savoldi_2024"])) == (
        "Dora Savoldi da Rocha Azevedo, “Dos peixes à língua: implicações da concepção de língua "
        "em um registro ontológico tukano para a análise linguística” (PhD diss., Universidade "
        "de São Paulo, 2024), https://doi.org/10.11606/D.8.2024.tde-15102024-121507."
    )
    assert plain(C17.short_note(bib["Savoldi_2024"])) == "Savoldi, “Dos peixes à língua.”"
    assert plain(C17.short_note(bib["NagyHistorians2008"])) == "Nagy, “Historians and Emotions.”"
    assert plain(C17.bibliography_entry(bib["doe_title"])) == "Doe, John. Title. Forthcoming."


def test_real_bibtex_exports_checked_against_the_manual() -> None:
    bib = Bibliography.load(FIXTURES / "real" / "better-bibtex.bib")
    assert plain(C17.full_note(bib["hinton88rht"])) == (
        "Leanne Hinton, “Hopi Time,” American Indian Quarterly 12, no. 4 (Fall 1988): 361–64, "
        "https://doi.org/10.2307/1184426."
    )  # CMOS 17 §14.171: season capitalised; the page range when no page is cited
    assert plain(C17.short_note(bib["barrett1994"])) == (
        "Barrett et al., Templates for the Solution of Linear Systems."
    )  # §14.76: four or more authors -> first et al.; shorttitle used as given
    assert ", 2nd ed. (Philadelphia, PA: Society" in plain(C17.full_note(bib["barrett1994"]))
    assert plain(C17.full_note(bib["ntp.org_clock_2015"])) == (
        "NTP.org, “Clock Quality,” 2015, http://www.ntp.org/ntpfaq/NTP-s-sw-clocks-quality.htm."
    )  # a @misc whose howpublished is a URL is a web page; its note is not printed


@pytest.mark.parametrize(
    ("sentence", "headline"),
    [("fascists are trying to co-opt mutual aid", "Fascists Are Trying to Co-opt Mutual Aid"),
     ("democracy and alexis de tocqueville", "Democracy and Alexis de Tocqueville"),
     ("the long road to self-rule: a history", "The Long Road to Self-Rule: A History"),
     ("what is to be done? notes on {UNESCO}", "What Is to Be Done? Notes on {UNESCO}")],
)  # fmt: skip
def test_headline_rules_of_cmos_8_159_and_8_161(sentence: str, headline: str) -> None:
    assert headline_case(sentence) == headline


def test_addendum_closes_every_bibliography_entry_note_does_not(rules: Bibliography) -> None:
    bib = Bibliography.from_text(
        "@book{k, author={Sample, Ann}, title={T}, publisher={P}, year=2000, "
        "note={T: A Short Title}, addendum={We could not check the place.}}"
    )
    assert plain(C17.bibliography_entry(bib["k"])) == (
        "Sample, Ann. T. P, 2000. We could not check the place."
    )


def test_article_without_journal_numbers_is_cited_by_date_and_subscripts_decode() -> None:
    bib = Bibliography.load(FIXTURES / "real" / "better-biblatex.bib")
    assert plain(C17.full_note(bib["2016"])) == (
        "“Dates Incorrect When Zotero Date Field Includes Times #934,” September 22, 2016."
    )
    assert "Mitochondrial DNA₂ sequences" in plain(C17.full_note(bib["Frit2"]))


def test_series_number_without_series_and_running_time() -> None:
    bib = Bibliography.from_text(
        "@book{b, author={Sample, Ann}, title={T}, volume={1}, number={14}, publisher={P}, "
        "year=2000}\n"
        "@online{v, author={Sample, Ann}, title={A Talk}, type={video}, pagetotal={2:00}, "
        "organization={YouTube}, date={2019-05-03}, url={https://example.org/v}}"
    )
    assert plain(C17.full_note(bib["b"])) == "Ann Sample, T, vol. 1, no. 14 (P, 2000)."
    assert plain(C17.full_note(bib["v"])) == (
        "Ann Sample, “A Talk,” video, 2:00, YouTube, May 3, 2019, https://example.org/v."
    )


# --- rules checked against biblatex-chicago (bench/compare_biblatex_chicago.py) on the
# Manual's own examples as that package encodes them (fixtures/bib/biblatex-chicago-notes.bib)


@pytest.fixture(scope="module")
def manual() -> Bibliography:
    return Bibliography.load(FIXTURES / "biblatex-chicago-notes.bib")


@pytest.mark.parametrize(
    ("key", "note"),
    [
        # \bibstring{revisededition} is biblatex's key for "rev. ed." (CMOS 17 §14.118)
        ("babb:peru", "Florence Babb, Between Field and Cooking Pot: The Political Economy of "
         "Marketwomen in Peru, rev. ed. (Austin: University of Texas Press, 1989)."),
        # a series number that starts with words takes a comma (CMOS 17 §14.123)
        ("boxer:china", "Charles R. Boxer, ed., South China in the Sixteenth Century, Hakluyt "
         "Society Publications, 2nd ser., 106 (London, 1953)."),
        ("wauchope:ceramics", "Robert Wauchope, A Tentative Sequence of Pre-Classic Ceramics in "
         "Middle America, Middle American Research Records, vol. 1, no. 14 (New Orleans, LA: "
         "Tulane University, 1950)."),
        # a titled chapter keeps its number: "chap. 7 in" (CMOS 17 §14.9)
        ("ashbrook:brain", "James B. Ashbrook and Carol Rausch Albright, “The Frontal Lobes, "
         "Intending, and a Purposeful God,” chap. 7 in The Humanizing Brain (Cleveland, OH: "
         "Pilgrim Press, 1997)."),
        # a volume with its own title: "vol. 1 of" the whole work (CMOS 17 §14.117)
        ("pelikan:christian", "Jaroslav Pelikan, The Emergence of the Catholic Tradition, vol. 1 "
         "of The Christian Tradition: A History of the Development of Doctrine (Chicago: "
         "University of Chicago Press, 1971)."),
        # a journal's place, or biblatex-chicago's "blog", in parentheses (CMOS 17 §14.174)
        ("garrett", "Marvin P. Garrett, “Language and Design in Pippa Passes,” Victorian Poetry "
         "(West Virginia University) 13, no. 1 (1975): 47–60."),
        ("ellis:blog", "Rhian Ellis, “Squatters’ Rights,” Ward Six (blog), June 30, 2008, "
         "http://wardsix.blogspot.com/2008/06/squatters-rights.html."),
        # reference works are cited by the entry, s.v. (CMOS 17 §14.232-33)
        ("ency:britannica", "Encyclopaedia Britannica, 15th ed. (1980), s.v. “Salvation.”"),
        ("grove:sibelius", "The New Grove Dictionary of Music and Musicians, s.v. “Sibelius, "
         "Jean,” by James Hepokoski, accessed January 3, 2002, http://www.grovemusic.com/."),
        ("times:guide", "The Times Guide to English Style and Usage, rev. ed. (London: Times "
         "Books, 1999), s.vv. “police ranks,” “postal addresses.”"),
        # a shorthand is announced once (CMOS 17 §14.33)
        ("chicago:manual", "University of Chicago Press, The Chicago Manual of Style, 17th ed. "
         "(Chicago: University of Chicago Press, 2017) (hereafter cited as CMS)."),
        # an attributed author is bracketed; a pseudonym is marked (CMOS 17 §14.79-80)
        ("horsley:prosodies", "[Samuel Horsley], On the Prosodies of the Greek and Latin "
         "Languages (1796)."),
        ("creasey:ashe:blast", "John Creasey [Gordon Ashe, pseud.], A Blast of Trumpets (New "
         "York: Holt, Rinehart & Winston, 1976)."),
        # titleaddon follows the title; an untitled piece is "letters, in *Book*"
        ("centinel:letters", "Centinel [pseud.], letters, in The Complete Anti-Federalist, ed. "
         "Herbert J. Storing (Chicago: University of Chicago Press, 1981)."),
    ],
)  # fmt: skip
def test_first_notes_match_biblatex_chicago(manual: Bibliography, key: str, note: str) -> None:
    assert plain(C17.full_note(manual[key])) == note


def test_reference_work_short_notes_cite_the_entry_sub_verbo(manual: Bibliography) -> None:
    assert plain(C17.short_note(manual["wikiped:bibtex"])) == "Wikipedia, s.v. “BibTeX.”"
    cited = C17.short_note(manual["ency:britannica"], parse_locator("12")[0])
    assert plain(cited) == "Encyclopaedia Britannica, s.v. “12.”"  # as biblatex-chicago does
    # A Zotero encyclopedia article: the article is the entry, the encyclopedia the work.
    bib = Bibliography.from_text(
        "@inreference{z, author={McLaughlin, Paul}, title={Anarchism}, "
        "booktitle={Stanford Encyclopedia of Philosophy}, date={2021-10-03}, "
        "url={https://plato.stanford.edu/entries/anarchism/}}"
    )
    assert plain(C17.full_note(bib["z"])) == (
        "Stanford Encyclopedia of Philosophy (2021), s.v. “Anarchism,” by Paul McLaughlin, "
        "https://plato.stanford.edu/entries/anarchism/."
    )
    short = plain(C17.short_note(bib["z"]))
    assert short == "Stanford Encyclopedia of Philosophy, s.v. “Anarchism.”"
    assert plain(C17.bibliography_entry(bib["z"])) == (
        "Stanford Encyclopedia of Philosophy. 2021. S.v. “Anarchism.” By Paul McLaughlin. "
        "https://plato.stanford.edu/entries/anarchism/."
    )


def test_letter_short_note_keeps_writer_to_recipient_together() -> None:
    bib = Bibliography.from_text(
        "@letter{l, author={James, Henry}, title={Henry James to Edith Wharton}, "
        "shorttitle={to Wharton}, date={1905-11-08}}"
    )
    assert plain(C17.full_note(bib["l"])) == "Henry James to Edith Wharton, November 8, 1905."
    assert plain(C17.short_note(bib["l"], parse_locator("2")[0])) == "James to Wharton, 2."


@pytest.mark.parametrize(
    ("date", "printed"),
    [("1957?", "[1957?]"), ("1920~", "ca. 1920"), ("1920%", "[ca. 1920?]"), ("186X", "1860s"),
     ("1966-06-05?", "[June 5, 1966?]"), ("about 1900", "about 1900")],
)  # fmt: skip
def test_uncertain_and_approximate_dates_as_biblatex_reads_them(date: str, printed: str) -> None:
    bib = Bibliography.from_text(
        f"@book{{k, author={{Clark, Hazel V.}}, title={{Mesopotamia}}, "
        f"publisher={{End of the Commons General Store}}, date={{{date}}}}}"
    )
    assert plain(C17.full_note(bib["k"])) == (
        f"Hazel V. Clark, Mesopotamia (End of the Commons General Store, {printed})."
    )


def test_short_notes_of_shorthands_and_attributed_authors(manual: Bibliography) -> None:
    twelve = parse_locator("12")[0]
    assert plain(C17.short_note(manual["chicago:manual"], twelve)) == "CMS, 12."
    assert plain(C17.short_note(manual["horsley:prosodies"], twelve)) == "[Horsley], Prosodies, 12."
    assert plain(C17.short_note(manual["creasey:ashe:blast"], twelve)) == (
        "Creasey, A Blast of Trumpets, 12."
    )
    assert plain(C17.short_note(manual["centinel:letters"], twelve)) == "Centinel, letters, 12."


def test_edited_article_with_no_author_leads_with_its_editor() -> None:
    bib = Bibliography.from_text(
        "@article{k, editor={Brown, George C.}, title={A Swedish Traveler in Early Wisconsin}, "
        "journaltitle={Wisconsin Magazine of History}, volume={61}, issue={Summer}, "
        "year={1978}, pages={300--318}}"
    )
    assert plain(C17.full_note(bib["k"])) == (
        "George C. Brown, ed., “A Swedish Traveler in Early Wisconsin,” Wisconsin Magazine of "
        "History 61 (Summer 1978): 300–318."
    )
    assert plain(C17.short_note(bib["k"])) == "Brown, “A Swedish Traveler in Early Wisconsin.”"


def test_scene_of_a_film_is_quoted_within_the_film_with_its_release_year() -> None:
    # CMOS 17 §14.265, as biblatex-chicago's notes-test.bib encodes it (hitchcock:nbynw).
    bib = Bibliography.from_text(
        "@video{v, title={Crop Duster Attack}, booktitle={North by Northwest}, "
        "editor={Hitchcock, Alfred}, editortype={director}, origdate={1959}, "
        "publisher={Warner Home Video}, location={Burbank, CA}, date={2000}, type={DVD}, "
        "edition={special ed.}}"
    )
    assert plain(C17.full_note(bib["v"])) == (
        "“Crop Duster Attack,” North by Northwest, special ed., directed by Alfred Hitchcock "
        "(1959; Burbank, CA: Warner Home Video, 2000), DVD."
    )
    assert plain(C17.short_note(bib["v"], parse_locator("12")[0])) == "“Crop Duster Attack,” 12."


def test_introduction_or_afterword_is_cited_as_part_of_the_book() -> None:
    # CMOS 17 §14.110, as biblatex-chicago's notes-test.bib encodes it (prose:intro,
    # polakow:afterw); @suppbook used to print as a chapter with an empty "in".
    bib = Bibliography.from_text(
        "@suppbook{p, author={Prose, Francine}, bookauthor={Wallraff, Barbara}, "
        "title={Word Court}, year=2000, pages={xvii--xxxviii}, type={introduction to}, "
        "location={New York}, publisher={Harcourt}}\n"
        "@suppbook{q, author={Polakow, Valerie}, title={Lives on the Edge}, afterword={yes}, "
        "year=1993, publisher={University of Chicago Press}, location={Chicago}}"
    )
    assert plain(C17.full_note(bib["p"], parse_locator("xvii")[0])) == (
        "Francine Prose, introduction to Word Court, by Barbara Wallraff (New York: Harcourt, "
        "2000), xvii."
    )
    assert plain(C17.short_note(bib["q"], parse_locator("12")[0])) == (
        "Polakow, afterword to Lives on the Edge, 12."
    )
    assert plain(C17.bibliography_entry(bib["p"])) == (
        "Prose, Francine. Introduction to Word Court, by Barbara Wallraff, xvii–xxxviii. New "
        "York: Harcourt, 2000."
    )


def test_undated_online_video_gives_its_access_date() -> None:
    # CMOS 17 §14.12: no date of its own, so the access date (biblatex-chicago's loc:city).
    bib = Bibliography.from_text(
        "@video{v, author={{Library of Congress}}, title={The Life of a City}, "
        "subtitle={Early Films of New York, 1898--1906}, type={MPEG video}, "
        "url={http://lcweb2.loc.gov/ammem/papr/nychome.html}, urldate={2001-08-14}}"
    )
    assert plain(C17.full_note(bib["v"])) == (
        "Library of Congress, The Life of a City: Early Films of New York, 1898–1906, MPEG "
        "video, accessed August 14, 2001, http://lcweb2.loc.gov/ammem/papr/nychome.html."
    )
