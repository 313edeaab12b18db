# ruff: noqa: RUF001  (curly quotes and en dashes are the point of these tests)
"""CSL JSON and CSL YAML bibliographies (Zotero's exports) in the same entry model as .bib."""

from __future__ import annotations

from pathlib import Path

import pytest

from hooks.bibliography import Bibliography, BibliographyError, Date, Name, decode_latex
from hooks.chicago import style
from hooks.csl import _latex

FIXTURES = Path(__file__).parent / "fixtures" / "bib"
JSON = FIXTURES / "zotero-export.json"
YAML = FIXTURES / "zotero-export.yaml"


@pytest.fixture(params=[JSON, YAML], ids=["json", "yaml"])
def zotero(request: pytest.FixtureRequest) -> Bibliography:
    return Bibliography.load(request.param)


def test_a_real_zotero_export_maps_to_biblatex_fields(zotero: Bibliography) -> None:
    assert list(zotero) == [
        "1545",
        "1983-1",
        "1989",
        "1990",
        "1998",
        "2001",
        "2012",
        "Bradley2018-24",
    ]
    assert zotero.warnings == ()
    chapter = zotero["Bradley2018-24"]
    assert (chapter.type, chapter.get("booktitle"), chapter.get("pages")) == (
        "incollection",
        "The Hypogeum of the Aurelii",
        "173-184",
    )
    assert chapter.authors == (Name("John W.", "", "Bradley"),)
    assert (
        chapter.get("publisher") == "Archaeopress"
        and chapter.get("doi") == "10.2307/j.ctvndv5jn.23"
    )
    article = zotero["1983-1"]
    assert (article.type, article.get("journaltitle"), article.get("volume")) == (
        "article",
        "Hesperia",
        "52",
    )
    assert article.get("number") == "2" and article.date() == Date(1983, 4, 1)
    assert zotero["1998"].date() == Date(1998, season="Spring")  # CSL season 1
    assert zotero["2012"].date() == Date(literal="7 August 2012, 9:22")
    assert zotero["2012"].type == "online" and zotero["2012"].get("organization") == "Tuttoggi"
    assert zotero["2001"].subtype == "magazine"
    assert zotero["1990"].get("institution") == "Pew Higher Education Roundtable"
    assert zotero["1990"].get("series") == "Policy Perspectives"
    assert zotero["1545"].get("location") == "Lyon"
    assert zotero["1545"].date("urldate") == Date(2017, 11, 14)
    assert "De fluminum & aliarum" in zotero["1545"].get("title")  # & read as text
    assert zotero["1989"].authors == (Name("Adriano", "", "La Regina"),)


def test_entries_know_their_line(zotero: Bibliography) -> None:
    text = Path(zotero.path).read_text(encoding="utf-8").split("\n")
    for key, entry in zotero.items():
        assert key in text[entry.line - 1], key


def test_the_chicago_formatter_handles_csl_entries() -> None:
    bib = Bibliography.load(JSON)
    chicago = style()
    note = chicago.full_note(bib["Bradley2018-24"])
    assert note.startswith(
        "John W. Bradley, “Bibliography,” in <em>The Hypogeum of the Aurelii</em>"
    )
    assert "Bradley, John W. “Bibliography.” In <em>The Hypogeum of the Aurelii</em>, 173–84." in (
        chicago.bibliography_entry(bib["Bradley2018-24"])
    )


@pytest.mark.parametrize(
    "text",
    [
        "A & B $5 50% #1 a_b ~x {c}",
        "pp. 12--14",
        "Qu’est-ce que c’est?",
        'The <i>Iliad</i> and <sc>Rome</sc> <span class="nocase">iPhone</span>',
    ],
)
def test_csl_text_survives_the_latex_decoder(text: str) -> None:
    plain = text.replace("<i>", "").replace("</i>", "").replace("<sc>", "").replace("</sc>", "")
    plain = plain.replace('<span class="nocase">', "").replace("</span>", "")
    assert decode_latex(_latex(text)).plain == plain


def test_csl_markup_becomes_styles() -> None:
    assert decode_latex(_latex("The <i>Iliad</i>")).html() == "The <em>Iliad</em>"


def test_names_literal_particles_and_dates(tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text(
        '[{"id": "a", "type": "book", "title": "T", "publisher": "P",'
        ' "author": [{"literal": "Water Drop LA"}, {"family": "Gennep", "given": "Arnold",'
        ' "non-dropping-particle": "van"}], "issued": {"date-parts": [[1890], [1896]]}},\n'
        ' {"id": "b", "type": "speech", "title": "U", "issued": {"raw": "2020-05"}}]',
        encoding="utf-8",
    )
    bib = Bibliography.load(path)
    first, second = bib["a"].authors
    assert first.corporate and first.family == "Water Drop LA"
    assert (second.particle, second.family, second.surname) == ("van", "Gennep", "van Gennep")
    assert bib["a"].date() == Date(1890, end=Date(1896))
    assert bib["b"].type == "misc" and bib["b"].date() == Date(2020, 5)


def test_duplicate_and_missing_ids_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "refs.json"
    path.write_text(
        '[\n {"id": "a", "type": "book", "title": "First"},\n'
        ' {"type": "book", "title": "No id"},\n'
        ' {"id": "a", "type": "book", "title": "Second"}\n]',
        encoding="utf-8",
    )
    bib = Bibliography.load(path)
    assert bib["a"].get("title") == "First"
    assert [(w.line, w.kind) for w in bib.warnings] == [(1, "missing-id"), (4, "duplicate")]


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("bad.json", '[\n {"id": "a",\n "title": }\n]', 3),
        ("bad.yaml", "references:\n- id: a\n  title: [unclosed\n", 4),
        ("bad.json", '{"id": "a"}', 1),
    ],
)
def test_unreadable_csl_files_name_the_line(
    tmp_path: Path, name: str, text: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BibliographyError) as err:
        Bibliography.load(path)
    assert err.value.line == line and str(err.value).startswith(str(path))


def test_several_files_make_one_bibliography_and_the_first_wins() -> None:
    curriculum = FIXTURES / "curriculum.bib"
    both = Bibliography.load_all([curriculum, JSON])
    assert "spade2020" in both and "Bradley2018-24" in both
    assert Bibliography.load_all([curriculum, JSON]) is both
    again = Bibliography.load_all([JSON, YAML])  # the same keys twice
    assert len(again) == 8 and [w.kind for w in again.warnings] == ["duplicate"] * 8
    assert again["1989"].line == Bibliography.load(JSON)["1989"].line
