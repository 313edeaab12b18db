# ruff: noqa: RUF001  (curly quotes and dashes are what the decoder must produce)
"""Loading, caching, decoding and error reporting of ``hooks.bibliography``."""

from __future__ import annotations

from pathlib import Path

import pytest

from hooks import bibliography as bibmod
from hooks.bibliography import (
    Bibliography,
    BibliographyError,
    Date,
    Name,
    decode_latex,
    missing_fields,
    parse_date,
)

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
CURRICULUM = FIXTURES / "curriculum.bib"


@pytest.fixture(scope="module")
def bib() -> Bibliography:
    return Bibliography.load(CURRICULUM)


def one(text: str) -> bibmod.Entry:
    """The single entry of a BibTeX snippet."""
    parsed = Bibliography.from_text(text)
    assert len(parsed) == 1
    return next(iter(parsed.values()))


# --------------------------------------------------------------------------- loading


def test_entries_record_their_source_line(bib: Bibliography) -> None:
    lines = CURRICULUM.read_text(encoding="utf-8").splitlines()
    for entry in bib.values():
        assert lines[entry.line - 1].lstrip().startswith("@"), entry.key
        assert entry.key in lines[entry.line - 1]


def test_string_macros_and_concatenation() -> None:
    entry = one('@string{pm = {PM}}\n@book{k, title = pm # { Press} # " Books", year = 2011}')
    assert entry.get("title") == "PM Press Books"


def string_bomb(levels: int, field: bool = False) -> str:
    """``@string`` macros that each join ten copies of the one before (10**(levels + 1)
    characters at the last level), optionally used by a field."""
    lines = ['@string{a0 = "xxxxxxxxxx"}']
    lines += [f"@string{{a{n} = {' # '.join([f'a{n - 1}'] * 10)}}}" for n in range(1, levels)]
    if field:
        lines.append(f"@book{{k, title = {' # '.join([f'a{levels - 1}'] * 10)}, year = 2020}}")
    return "\n".join(lines) + "\n"


def test_a_string_macro_bomb_is_refused_at_its_line_before_it_is_expanded() -> None:
    with pytest.raises(BibliographyError) as caught:
        Bibliography.from_text(string_bomb(7), "bomb.bib")
    assert caught.value.line == 6  # a5: the first macro over the limit
    assert "@string 'a5' expands to 1,000,000 characters" in caught.value.message


def test_a_field_that_joins_macros_past_the_limit_is_refused_at_its_line() -> None:
    with pytest.raises(BibliographyError) as caught:
        Bibliography.from_text(string_bomb(5, field=True), "bomb.bib")
    assert caught.value.line == 6
    assert "field 'title' of 'k' expands to 1,000,000 characters" in caught.value.message
    assert one(string_bomb(4, field=True)).get("title") == "x" * 100_000  # at the limit: fine


def test_month_macros_become_dates() -> None:
    entry = one("@article{k, title={T}, journal={J}, year={2016}, month=apr}")
    assert entry.date() == Date(2016, 4)


def test_bibtex_and_biblatex_spellings_are_aliases() -> None:
    bibtex = one("@article{k, journal={Social Text}, address={Durham}, school={Duke}}")
    biblatex = one("@article{k, journaltitle={Social Text}, location={Durham}, institution={Duke}}")
    for name in ("journaltitle", "location", "institution"):
        assert bibtex.get(name) == biblatex.get(name) != ""


def test_crossref_inherits_like_biblatex(bib: Bibliography) -> None:
    chapter = bib["firth2020"]
    assert chapter.get("booktitle") == "Coronavirus, Class and Mutual Aid in the United Kingdom"
    assert chapter.get("title") == "Mutual Aid, Anarchist Preparedness and COVID-19"
    assert chapter.get("publisher") == "Palgrave Macmillan"
    assert chapter.date() == Date(2020)
    assert [n.family for n in chapter.names("bookauthor")] == ["Preston", "Firth"]
    assert [n.family for n in chapter.authors] == ["Firth"]
    assert "crossref" not in chapter.fields


def test_crossref_to_a_missing_entry_is_an_error() -> None:
    with pytest.raises(BibliographyError, match="crossref 'nowhere', which does not exist") as err:
        Bibliography.from_text("\n@inbook{k,\n crossref = {nowhere},\n}", "refs.bib")
    assert err.value.line == 2


def test_names_corporate_particles_suffixes_lowercase() -> None:
    entry = one(
        "@book{k, author = {crow, scott and {Black Rose/Rosa Negra Anarchist Federation}"
        " and Example, Jr., John and van Example, Anna and Ng{\\~u}g{\\~\\i}, W. and others}}"
    )
    names = entry.authors
    assert names[0] == Name(given="scott", family="crow")
    assert names[1] == Name(family="Black Rose/Rosa Negra Anarchist Federation", corporate=True)
    assert names[2] == Name(given="John", family="Example", suffix="Jr.")
    assert (names[3].particle, names[3].surname) == ("van", "van Example")
    assert names[4].family == "Ngũgĩ"
    assert names[5].is_others


def test_translators_and_other_roles_are_split_into_names(bib: Bibliography) -> None:
    assert bib["delalande2023"].translators == (Name(given="Anthony", family="Roberts"),)
    assert bib["correa2009"].translators[0].family == "Guerrero-López"
    assert "translator" not in bib["delalande2023"].fields


# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        ("Jos{\\'e} Corr{\\^e}a", "José Corrêa"),
        ("Mutual Aid \\& Building Power", "Mutual Aid & Building Power"),
        ("pages 57--111", "pages 57–111"),
        ("Volume 1 --- A Local History", "Volume 1 — A Local History"),
        ("{COVID-19} and the {UK}", "COVID-19 and the UK"),
        ("50\\% of {\\TeX} users", "50% of TeX users"),
        ("L'Agitazione", "L’Agitazione"),
        ("\"quoted\" and ``double''", "“quoted” and “double”"),
        ("a~b", "a\u00a0b"),
        ("\\textsc{bce}", "bce"),
    ],
)
def test_latex_decodes_to_unicode(latex: str, plain: str) -> None:
    assert decode_latex(latex).plain == plain


def test_emph_and_textit_become_italics() -> None:
    rich = decode_latex("On \\emph{Mutual Aid} and \\textit{Capital} and {\\em Grundrisse}")
    italic = [run.text for run in rich.runs if run.em]
    assert italic == ["Mutual Aid", "Capital", "Grundrisse"]
    assert rich.html() == "On <em>Mutual Aid</em> and <em>Capital</em> and <em>Grundrisse</em>"


def test_mkbibquote_gives_quotation_marks_alternating_when_nested() -> None:
    rich = decode_latex("\\mkbibquote{A Long and \\mkbibquote{Patient} Work}")
    assert rich.plain == "“A Long and ‘Patient’ Work”"


def test_small_caps_are_kept_as_a_style() -> None:
    rich = decode_latex("\\textsc{bce}")
    assert rich.html() == '<span style="font-variant: small-caps">bce</span>'


def test_html_is_escaped_once() -> None:
    assert decode_latex("Terms \\& <b>").html() == "Terms &amp; &lt;b&gt;"


def test_urls_and_dates_are_not_latex_decoded() -> None:
    entry = one("@online{k, url = {https://example.org/a--b_c~d}, urldate = {2024-05-01}}")
    assert entry.get("url") == "https://example.org/a--b_c~d"


def test_decoding_is_lazy_and_memoised(bib: Bibliography) -> None:
    entry = Bibliography.load(CURRICULUM)["kropotkin1902"]
    assert entry is bib["kropotkin1902"]
    first = entry.rich("title")
    assert entry.rich("title") is first


def test_brace_protected_words_keep_their_case() -> None:
    assert one("@book{k, title = {Mutual Aid and {COVID-19} in the {UK}}}").get("title") == (
        "Mutual Aid and COVID-19 in the UK"
    )


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2020", Date(2020)),
        ("2020-04", Date(2020, 4)),
        ("2025-03-30", Date(2025, 3, 30)),
        ("2017-21", Date(2017, season="Spring")),
        ("1890/1896", Date(1890, end=Date(1896))),
        ("2020/", Date(2020, open_end=True)),
        ("n.d.", Date(literal="n.d.")),
    ],
)
def test_iso_dates(text: str, date: Date) -> None:
    assert parse_date(text) == date


def test_year_month_day_fields_and_issue_season() -> None:
    assert one("@misc{k, year = 2023, month = {5}, day = {17}}").date() == Date(2023, 5, 17)
    assert one("@misc{k, year = {1890--1896}}").date() == Date(1890, end=Date(1896))
    article = one("@article{k, journal = {J}, year = 2017, issue = {Spring}}")
    assert article.date() == Date(2017, season="Spring")


# --------------------------------------------------------------------------- errors


def test_duplicate_keys_name_both_lines() -> None:
    text = "@book{spade2020,\n title={A}}\n\n@book{spade2020,\n title={B}}\n"
    with pytest.raises(BibliographyError) as err:
        Bibliography.from_text(text, "bibliography.bib")
    assert str(err.value) == (
        "bibliography.bib:4: duplicate entry key 'spade2020' (first defined on line 1)"
    )


def test_unbalanced_braces_point_at_the_entry_that_is_not_closed() -> None:
    text = (
        "@book{ok, title={A}}\n\n"
        "@book{broken,\n  title = {Mutual Aid,\n}\n\n"
        "@book{next, title={B}}\n"
    )
    with pytest.raises(BibliographyError) as err:
        Bibliography.from_text(text, "bibliography.bib")
    assert err.value.line == 3
    assert str(err.value).startswith("bibliography.bib:3: unbalanced braces: entry 'broken'")


def test_missing_key_is_reported() -> None:
    with pytest.raises(BibliographyError, match=r"^refs.bib:2: @book entry has no key"):
        Bibliography.from_text("\n@book{\n title = {A}}\n", "refs.bib")


def test_pybtex_syntax_errors_keep_their_line() -> None:
    with pytest.raises(BibliographyError) as err:
        Bibliography.from_text("@book{k,\n title = {A}\n author = {B}\n}\n", "refs.bib")
    assert str(err.value) == "refs.bib:3: syntax error: '}' expected"


def test_undefined_macro() -> None:
    with pytest.raises(BibliographyError, match=r"^refs.bib:2: undefined string"):
        Bibliography.from_text("@book{k,\n title = verso,\n}\n", "refs.bib")


def test_missing_file_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(BibliographyError, match="cannot read bibliography"):
        Bibliography.load(tmp_path / "absent.bib")
    latin1 = tmp_path / "latin1.bib"
    latin1.write_bytes(b"@book{k,\n title = {Jos\xe9}}\n")
    with pytest.raises(BibliographyError, match=r"latin1.bib:2: file is not valid UTF-8"):
        Bibliography.load(latin1)


def test_suggest(bib: Bibliography) -> None:
    assert bib.suggest("spade202") == "spade2020"
    assert bib.suggest("Kropotkin1902") == "kropotkin1902"
    assert bib.suggest("zzzz") is None


# --------------------------------------------------------------------------- cache


def test_cache_is_written_and_reused_without_pybtex(tmp_path: Path, monkeypatch) -> None:
    source = tmp_path / "refs.bib"
    source.write_text(CURRICULUM.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    cold = Bibliography.load(source, cache)
    assert len(list(cache.glob("bib-*.json"))) == 1

    monkeypatch.setattr(Bibliography, "_memo", {})
    monkeypatch.setattr(bibmod, "_parse", lambda *a: pytest.fail("cache missed"))
    warm = Bibliography.load(source, cache)
    assert warm is not cold
    assert list(warm) == list(cold)
    assert warm["firth2020"].get("booktitle") == cold["firth2020"].get("booktitle")
    assert warm["spade2020"].line == cold["spade2020"].line


def test_cache_is_keyed_by_content(tmp_path: Path, monkeypatch) -> None:
    source, cache = tmp_path / "refs.bib", tmp_path / "cache"
    source.write_text("@book{a, title={A}}\n", encoding="utf-8")
    Bibliography.load(source, cache)
    source.write_text("@book{a, title={A}}\n@book{b, title={B}}\n", encoding="utf-8")
    monkeypatch.setattr(Bibliography, "_memo", {})
    assert list(Bibliography.load(source, cache)) == ["a", "b"]
    assert len(list(cache.glob("bib-*.json"))) == 2


def test_a_corrupt_cache_is_ignored(tmp_path: Path, monkeypatch) -> None:
    source, cache = tmp_path / "refs.bib", tmp_path / "cache"
    source.write_text("@book{a, title={A}}\n", encoding="utf-8")
    Bibliography.load(source, cache)
    next(cache.glob("bib-*.json")).write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(Bibliography, "_memo", {})
    assert list(Bibliography.load(source, cache)) == ["a"]


def test_load_is_memoised_per_process() -> None:
    assert Bibliography.load(CURRICULUM) is Bibliography.load(CURRICULUM)


# --------------------------------------------------------------------------- checks


def test_complete_fixture_entries_miss_nothing_but_what_they_lack(bib: Bibliography) -> None:
    missing = {key: missing_fields(entry) for key, entry in bib.items()}
    assert missing["spade2020"] == []
    assert missing["firth2020"] == []
    assert missing["wong2021"] == ["url"]
    assert missing["brrn2025"] == ["url"]


@pytest.mark.parametrize(
    ("snippet", "missing"),
    [
        ("@book{k, title={T}}", ["author/editor", "publisher", "date"]),
        (
            "@incollection{k, author={A, B}, title={T}}",
            ["booktitle", "editor", "publisher", "date"],
        ),
        ("@article{k, title={T}, journal={J}, year=2020}", ["volume/number"]),
        ("@article{k, title={T}, journal={J}, year=2020, entrysubtype={newspaper}}", []),
        ("@online{k, title={T}}", ["url"]),
        ("@audio{k, title={T}, type={podcast}, year=2021}", ["series", "url"]),
        ("@thesis{k, author={A, B}, title={T}, year=2001}", ["type", "institution"]),
        ("@strange{k}", ["title"]),
    ],
)
def test_missing_fields_by_type(snippet: str, missing: list[str]) -> None:
    assert missing_fields(one(snippet)) == missing
