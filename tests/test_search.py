"""The search index (hooks/search.py): Pagefind's files in the built site hold every page's
article and nothing else (no packet, no 404 page, no navigation, header or footer), and a
failure to index stops the build with one clear line."""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from hooks.search import SearchIndexError, index_site, index_site_soon

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("site")
ARTICLE = re.compile(r"<article\b[^>]*\bdata-pagefind-body\b[^>]*>(.*?)</article>", re.S)


def indexed(site: Path) -> dict[str, dict[str, Any]]:
    """Every page in the index by URL, read from Pagefind's fragment files (gzip: a
    ``pagefind_dcd`` signature, then JSON with the page's url, title and text)."""
    pages = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(b"pagefind_dcd"), path
        fragment = json.loads(raw.removeprefix(b"pagefind_dcd"))
        pages[fragment["url"]] = fragment
    return pages


def url_of(site: Path, page: Path) -> str:
    relative = page.relative_to(site).as_posix()
    return "/" + relative.removesuffix("index.html")


def words(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split()).lower()


def lessons() -> dict[str, dict[str, Any]]:
    found = {}
    for path in (ROOT / "curriculum/lessons").glob("*.md"):
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        found[meta["id"]] = meta
    return found


def test_the_index_covers_every_page_and_every_lesson(site: Path) -> None:
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["version"] == "1.5.2"
    pages = indexed(site)
    assert sum(language["page_count"] for language in entry["languages"].values()) == len(pages)
    html_pages = {url_of(site, page) for page in site.rglob("*.html")}
    assert set(pages) == html_pages - {"/404.html"}
    published = {
        lesson_id for lesson_id, meta in lessons().items() if meta.get("status") != "draft"
    }
    assert published and {f"/lessons/{lesson_id}/" for lesson_id in published} <= set(pages)
    assert {"/", "/glossary/", "/bibliography/"} <= set(pages)
    # Results are titled with the lesson's title.
    for lesson_id in published:
        title = " ".join(lessons()[lesson_id]["title"].split())
        assert pages[f"/lessons/{lesson_id}/"]["meta"]["title"] == title


def test_no_packet_is_indexed(site: Path) -> None:
    if not list((site / "packets").glob("*.pdf")):
        pytest.skip("this build has no packets (PACKETS=off)")
    urls = set(indexed(site))
    assert not [url for url in urls if url.startswith("/packets/") or not url.endswith("/")]


def test_the_index_holds_articles_not_page_chrome(site: Path) -> None:
    """Text of the page around the article (footer, back-to-top button, skip link, table of
    contents title) is not in the index, unless that page's article says it too."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    chrome = [" ".join(config["copyright"].split()), "Back to top", "Skip to content"]
    chrome.append("Table of contents")
    pages = indexed(site)
    leaked, checked = [], 0
    for page in site.rglob("*.html"):
        url = url_of(site, page)
        if url not in pages:
            continue
        markup = page.read_text(encoding="utf-8")
        found = ARTICLE.search(markup)
        assert found, f"{url} is indexed but has no data-pagefind-body article"
        article, body = words(found[1]), words(ARTICLE.sub(" ", markup))
        content = " ".join(pages[url]["content"].split()).lower()
        for phrase in (p.lower() for p in chrome):
            if phrase in body and phrase not in article:
                checked += 1
                if phrase in content:
                    leaked.append((url, phrase))
    assert checked > len(pages), checked  # the phrases really are on the pages
    assert leaked == []
    # And the article is there: a lesson's first objective.
    objective = " ".join(lessons()["care-work"]["objectives"][0].split()[:6]).lower()
    assert objective in " ".join(pages["/lessons/care-work/"]["content"].split()).lower()


def test_index_site_writes_the_bundle_and_replaces_an_old_one(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a/index.html").write_text(
        '<html lang="en"><body><nav>Menu</nav><article data-pagefind-body>'
        "<h1>Tenant unions</h1><p>Rent strikes need organizing.</p></article></body></html>",
        encoding="utf-8",
    )
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind/stale.pf_fragment").write_text("old", encoding="utf-8")
    result = index_site(tmp_path)
    assert result.pages == 1
    assert not (tmp_path / "pagefind/stale.pf_fragment").exists()
    assert (tmp_path / "pagefind/pagefind-component-ui.js").is_file()
    (page,) = indexed(tmp_path).values()
    assert page["url"] == "/a/" and "Menu" not in page["content"]


def test_index_site_refuses_a_site_without_marked_articles(tmp_path: Path) -> None:
    """Without data-pagefind-body Pagefind would index whole pages, navigation and all."""
    (tmp_path / "index.html").write_text(
        "<html><body><nav>Menu</nav><p>Text</p></body></html>", encoding="utf-8"
    )
    with pytest.raises(SearchIndexError, match="data-pagefind-body"):
        index_site(tmp_path)


def test_a_failed_index_stops_the_build_with_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "NO_MKDOCS_2_WARNING": "1",
            "PACKETS": "off",
            "PAGEFIND_BINARY_PATH": str(tmp_path / "no-such-pagefind"),
        },
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "search index: Pagefind failed" in errors[0], output
    assert "Traceback" not in output


def test_a_preview_indexes_in_the_background_and_logs_failures(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    good, bad = tmp_path / "good", tmp_path / "bad"
    for folder, body in ((good, "<article data-pagefind-body><p>Rent strikes</p></article>"),
                         (bad, "<p>No marked article</p>")):  # fmt: skip
        folder.mkdir()
        (folder / "index.html").write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    index_site_soon(good).join(timeout=120)
    assert len(indexed(good)) == 1
    index_site_soon(bad).join(timeout=120)  # raises nothing: a preview keeps serving
    assert any("data-pagefind-body" in record.message for record in caplog.records)


def test_a_lesson_result_is_its_own_text_not_its_apparatus(site: Path) -> None:
    """Reading lists, the facts box, notes and sources are citations and figures: indexed,
    they filled the excerpt for "breakfast" with "Read: pp. 231-32. Optional · about 10
    minutes". The lesson's prose is what a result shows; the sources come last and stay out."""
    pages = indexed(site)
    published = [
        lesson_id for lesson_id, meta in lessons().items() if meta.get("status") != "draft"
    ]
    for lesson_id in published:
        content = " ".join(pages[f"/lessons/{lesson_id}/"]["content"].split())
        assert not re.search(r"\b(Required|Optional) · ", content), lesson_id  # reading lists
        assert "Part of:" not in content and "Printable packets" not in content, lesson_id
        assert re.search(r"Sources\.?$", content), (lesson_id, content[-200:])  # no entries
        assert "↩" not in content and "Cited in" not in content, lesson_id
        summary = " ".join(lessons()[lesson_id]["summary"].split())
        assert summary[:60] in content, lesson_id  # the lesson's own words stay
    survival = " ".join(pages["/lessons/survival-programs/"]["content"].split())
    first = survival.lower().index("breakfast")
    assert "Read:" not in survival[max(0, first - 80) : first + 80]
    assert "Breakfast before school." in survival  # a section of the lesson, as written


def test_a_track_page_does_not_repeat_its_lessons_summaries(site: Path) -> None:
    """A track page lists its sessions by title; their summaries are the lessons' own text,
    so a query for a lesson's words finds the lesson, not every track that includes it."""
    pages = indexed(site)
    course = yaml.safe_load((ROOT / "curriculum/course.yml").read_text(encoding="utf-8"))
    metas, checked = lessons(), 0
    for track in course["tracks"]:
        url = f"/tracks/{track['id']}/"
        if url not in pages:
            continue
        content = " ".join(pages[url]["content"].split())
        for lesson_id in track["lessons"]:
            if metas[lesson_id].get("status") == "draft":
                continue
            checked += 1
            assert " ".join(metas[lesson_id]["title"].split()) in content, (url, lesson_id)
            summary = " ".join(metas[lesson_id]["summary"].split())
            assert summary[:60] not in content, (url, lesson_id)
    assert checked > 0


def test_headings_reach_the_index_without_their_permalinks(site: Path) -> None:
    """Sub-results are titled with the heading's own text: no pilcrow or "#" from the
    permalink beside it."""
    anchors = [
        anchor
        for page in indexed(site).values()
        for anchor in page["anchors"]
        if anchor["element"] in {"h1", "h2", "h3"}
    ]
    assert len(anchors) > 100
    assert not [a["text"] for a in anchors if re.search(r"[¶#]\s*$|^\s*[¶#]", a["text"])]


def test_the_search_ui_draws_no_number_sign_before_headings() -> None:
    """Pagefind's UI puts ``content: "#"`` before each sub-result's heading; search.css, loaded
    after it, takes it away with a selector of the same weight."""
    css = (ROOT / "hooks/overrides/assets/stylesheets/search.css").read_text(encoding="utf-8")
    rule = re.search(r"([^{}]*\.pf-heading-link::before)\s*\{([^}]*)\}", css)
    assert rule and "content: none" in rule[2]
    assert rule[1].count(r"#\#") == 3  # Pagefind's :is(*, #\#) x3 specificity, matched
