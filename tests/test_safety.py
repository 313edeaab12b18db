"""No field, page or bibliography entry puts a script, an event handler or an unsafe link into
the site or a packet (hooks/safety.py), whatever encoding it hides behind.

The attack builds skip the raw-markup check (E070), which would stop them before any page is
written: the check is an early warning, and these tests are about what the output side does
with whatever gets past it. They parse the built pages with an HTML5 parser (tinyhtml5, what
WeasyPrint uses), so they see what a browser sees.
"""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path

import pytest
import tinyhtml5
from attacks import ENCODINGS, attack, build_site, unsafe_in
from project_copy import copy_project

from hooks.safety import clean_html, safe_url, url_scheme


@pytest.fixture(scope="module")
def attacked_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    sites = {}
    with pytest.MonkeyPatch.context() as monkeypatch:
        for encoding in ENCODINGS:
            project = copy_project(tmp_path_factory.mktemp(encoding), also_ignore=("tests",))
            attack(project, encoding)
            sites[encoding] = build_site(project, monkeypatch)
    return sites


def test_the_attack_reaches_every_page_it_targets(attacked_sites: dict[str, Path]) -> None:
    """The payloads really are in the pages (as text), so the next test is not vacuous."""
    site = attacked_sites["raw"]
    lesson = (site / "lessons/care-work/index.html").read_text()
    assert "onerror=alert(1)" in lesson.replace("&#61;", "=")  # shown as text
    assert "Pooling" in (site / "glossary/index.html").read_text()
    assert "Track " in (site / "index.html").read_text()


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_no_field_puts_a_script_into_any_page(
    attacked_sites: dict[str, Path], encoding: str
) -> None:
    site = attacked_sites[encoding]
    problems = {
        str(page.relative_to(site)): unsafe_in(page.read_text(encoding="utf-8"))
        for page in site.rglob("*.html")
    }
    assert {page: found for page, found in problems.items() if found} == {}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_meta_description_and_title_keep_the_text(
    attacked_sites: dict[str, Path], encoding: str
) -> None:
    """Material prints ``page.meta`` unescaped; the description stays one attribute."""
    root = tinyhtml5.parse(
        (attacked_sites[encoding] / "lessons/care-work/index.html").read_text("utf-8")
    )
    ns = "{http://www.w3.org/1999/xhtml}"
    metas = [m for m in root.iter(f"{ns}meta") if m.get("name") == "description"]
    assert len(metas) == 1
    assert metas[0].get("content").startswith("Summary ")
    assert "alert(2)" in metas[0].get("content")  # the payload is text inside the attribute
    title = root.find(f".//{ns}title")
    assert title is not None and title.text.startswith("Care ")
    assert len(list(root.iter(f"{ns}title"))) == 1


def pagefind_records(site: Path) -> list[dict]:
    records = []
    for fragment in (site / "pagefind/fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        records.append(json.loads(data[data.index(b"{") :]))
    return records


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_search_index_holds_the_payload_only_as_text(
    attacked_sites: dict[str, Path], encoding: str
) -> None:
    """The article Pagefind indexes has no live markup (the previous test), and its title
    meta is the page title as plain text: ``data-pagefind-meta`` is not broken out of."""
    records = pagefind_records(attacked_sites[encoding])
    lesson = next(r for r in records if r["url"].endswith("lessons/care-work/"))
    assert lesson["meta"]["title"].startswith("Care ")
    assert "alert(2)" in lesson["meta"]["title"]
    assert set(lesson["meta"]) <= {"title", "image", "image_alt"}  # Pagefind's own keys only
    assert url_scheme(lesson["meta"].get("image", "")) is None  # never another host


@pytest.mark.xdist_group("packets")
def test_no_field_puts_a_script_or_unsafe_link_into_a_packet(tmp_path: Path) -> None:
    """The packet's HTML (what WeasyPrint lays out) has no live markup, and the PDF links only
    to web and mail addresses: the bibliography's ``java{}script:`` url is text, not a
    ``/URI`` annotation. Entity-encoded payloads print as the text they spell."""
    import pypdf

    from hooks.loader import load_curriculum
    from hooks.packets import MarkdownConverter, PacketSpec, build_all, packet_html

    project = copy_project(tmp_path, also_ignore=("tests",))
    attack(project, "entities")
    curriculum = load_curriculum(project)
    spec = PacketSpec("care-work", ("care-work",), "facilitator", "letter")
    start = curriculum.course.start_time
    assert unsafe_in(packet_html(curriculum, spec, MarkdownConverter(project), start)) == []

    result = build_all(curriculum, project, tmp_path / "out", tmp_path / "cache", specs=[spec],
                       workers=1)  # fmt: skip
    reader = pypdf.PdfReader(result.files[spec.filename])
    uris, actions = [], []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                actions.append(str(action.get("/S")))
                if "/URI" in action:
                    uris.append(str(action["/URI"]))
    assert [u for u in uris if url_scheme(u) not in {"https", "http", "mailto"}] == []
    assert set(actions) <= {"/URI", "/GoTo"}
    assert "/JavaScript" not in reader.trailer["/Root"].get("/Names", {})
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "onerror=alert(1)" in text.replace("\n", " ")  # shown as text, never markup
    assert "javascript:alert(31)" in text.replace("\n", "")  # the url, printed, not linked


def test_unsafe_links_are_dropped_and_safe_ones_kept() -> None:
    kept = '<a href="https://example.org/a?b=1&amp;c=2">a</a> <a href="../x/#y">b</a>'
    assert clean_html(kept) == kept
    for url in (
        "javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "java&#9;script:alert(1)",
        "java\nscript:alert(1)",
        " JavaScript:alert(1)",
        "vbscript:x",
        "data:text/html,<script>alert(1)</script>",
    ):
        assert "href" not in clean_html(f'<a href="{url}">x</a>'), url
        assert not safe_url(html.unescape(url)), url


def test_bibliography_url_that_is_not_a_web_address_prints_as_text() -> None:
    """``url = {java{}script:...}`` loses its braces in BibTeX and would be a live link."""
    from hooks.bibliography import Rich

    assert Rich.of("javascript:alert(1)", href="javascript:alert(1)").html() == (
        "javascript:alert(1)"
    )
    assert 'href="https://a.example/"' in Rich.of("x", href="https://a.example/").html()
