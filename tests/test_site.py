"""Check what readers get from the real site, built once (the ``site`` fixture, conftest.py).

The search index has its own tests in test_search.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from project_copy import copy_project

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.xdist_group("site")


def course() -> dict:
    return yaml.safe_load((ROOT / "curriculum/course.yml").read_text())


def lesson_meta(lesson_id: str) -> dict:
    return yaml.safe_load((ROOT / f"curriculum/lessons/{lesson_id}.md").read_text().split("---")[1])


def full_track() -> list[str]:
    return max(course()["tracks"], key=lambda t: len(t["lessons"]))["lessons"]


def page(site: Path, path: str) -> str:
    return (site / path / "index.html").read_text()


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def straight_quotes(text: str) -> str:
    """Page text with the site's curly quotes (``smarty``) made straight, as in the sources."""
    return text.translate(STRAIGHT)


def test_lesson_page_has_every_section_in_order(site: Path) -> None:
    html = page(site, "lessons/what-is-organizing")
    headings = re.findall(r'<h2 id="([^"]+)"', html)
    expected = [
        "what-you-will-learn",
        "framing-questions",
        "before-the-session-readings",
        "discussion-questions",
        "activity",
        "primary-sources",
        "key-points",
        "closing",
        "key-terms",
        "facilitator-notes",
        "session-plan",
        "sources",
    ]
    positions = [headings.index(anchor) for anchor in expected]
    assert positions == sorted(positions)
    body_heading = headings[headings.index("before-the-session-readings") + 1]
    assert body_heading not in expected  # the lesson text sits between readings and questions


def test_lesson_page_shows_objectives_and_facilitator_blocks_collapsed(site: Path) -> None:
    lesson = yaml.safe_load(
        (ROOT / "curriculum/lessons/what-is-organizing.md").read_text().split("---")[1]
    )
    html = page(site, "lessons/what-is-organizing")
    for objective in lesson["objectives"]:
        assert text_of(objective)[:40] in text_of(html)
    assert '<details class="facilitator">' in html
    assert '<div class="admonition facilitator">' not in html


def test_lesson_page_offers_the_facilitator_packets_material(site: Path) -> None:
    """A facilitator on a phone finds each script, prompt and the exit question on the page,
    inside the collapsed, clearly labelled facilitator notes."""
    lesson = yaml.safe_load(
        (ROOT / "curriculum/lessons/survival-programs.md").read_text().split("---")[1]
    )
    html = page(site, "lessons/survival-programs")
    notes = html[html.index('id="facilitator-notes"') : html.index('id="session-plan"')]
    assert '<details class="facilitator">' in notes
    shown = straight_quotes(unescape(text_of(notes)))
    for segment in lesson["agenda"]:
        for field in ("script", "prompt"):
            if segment.get(field):
                first = segment[field].strip().split("\n")[0]
                assert text_of(first)[:60] in shown, (segment["title"], field)
    assert text_of(lesson["exit_question"])[:50] in shown
    closing = straight_quotes(
        unescape(text_of(html[html.index('id="closing"') : html.index('id="key-terms"')]))
    )
    assert text_of(lesson["exit_question"])[:50] in closing
    for point in lesson["key_points"]:
        assert text_of(point)[:50] in straight_quotes(unescape(text_of(html)))


def test_navigation_follows_course_order(site: Path) -> None:
    html = page(site, "lessons/what-is-organizing")
    start, end = html.index('<nav class="md-nav md-nav--primary"'), html.index('class="md-content"')
    sidebar = unescape(text_of(html[start:end]))
    titles = [lesson_meta(lesson_id)["title"] for lesson_id in full_track()]
    positions = [sidebar.find(title) for title in titles]
    assert -1 not in positions, dict(zip(titles, positions, strict=True))
    assert positions == sorted(positions)


def test_track_page_totals_the_schedule(site: Path) -> None:
    for track in course()["tracks"]:
        minutes = 0
        for lesson_id in track["lessons"]:
            front = (ROOT / f"curriculum/lessons/{lesson_id}.md").read_text().split("---")[1]
            minutes += yaml.safe_load(front)["duration"]
        html = page(site, f"tracks/{track['id']}")
        assert f'<strong class="track-total">{minutes} minutes</strong>' in html
        assert html.count("<tr>") == len(track["lessons"]) + 2  # header, sessions, total


def test_glossary_terms_become_tooltips(site: Path) -> None:
    glossary = yaml.safe_load((ROOT / "curriculum/glossary.yml").read_text())
    definition = " ".join(
        next(t for t in glossary if t["slug"] == "mutual-aid")["definition"].split()
    )
    html = page(site, "lessons/mutual-aid-roots")
    titles = re.findall(r'<abbr title="([^"]+)">', html)
    assert any(
        title.replace("&#x27;", "'").replace("&quot;", '"') == definition for title in titles
    )


class _Resources(HTMLParser):
    """Collect every URL a page would fetch by itself (not plain links a reader follows)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"}:
            self.urls.append(values.get("src") or "")
        if tag == "link" and values.get("rel") not in {"canonical", "alternate"}:
            self.urls.append(values.get("href") or "")
        if tag == "object":
            self.urls.append(values.get("data") or "")


def test_no_page_or_stylesheet_loads_anything_from_another_host(site: Path) -> None:
    offenders = []
    for html_file in site.rglob("*.html"):
        parser = _Resources()
        parser.feed(html_file.read_text())
        offenders += [(html_file, url) for url in parser.urls if re.match(r"(https?:)?//", url)]
        inline = re.findall(r"url\((['\"]?)(https?:)?//", html_file.read_text())
        offenders += [(html_file, "inline style url()")] * len(inline)
    for css in site.rglob("*.css"):
        for match in re.finditer(
            r"(@import\s+['\"]?|url\(\s*['\"]?)((https?:)?//[^'\")\s]+)", css.read_text()
        ):
            offenders.append((css, match[2]))
    assert offenders == []


def test_every_page_has_a_meta_description(site: Path) -> None:
    missing = [
        str(path.relative_to(site))
        for path in site.rglob("*.html")
        if path.name != "404.html" and '<meta name="description"' not in path.read_text()
    ]
    assert missing == []


def test_edit_link_points_at_the_lesson_source(site: Path) -> None:
    html = page(site, "lessons/care-work")
    assert re.search(r'href="[^"]+/edit/main/curriculum/lessons/care-work\.md"', html)


def test_fonts_are_self_hosted(site: Path) -> None:
    css = (site / "assets/fonts/fonts.css").read_text()
    for match in re.finditer(r"url\(([^)]+)\)", css):
        assert (site / "assets/fonts" / match[1]).is_file()


def test_failed_build_leaves_no_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    lesson = project / "curriculum/lessons/care-work.md"
    lesson.write_text(lesson.read_text().replace("duration: 90", "duration: 91", 1))
    result = subprocess.run(
        ["make", "build", "INSTALL=", "BIN=" + str(Path(sys.executable).parent)],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "curriculum/lessons/care-work.md:" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (project / "site").exists()
    assert [path.name for path in project.glob(".site.*")] == [".site.lock"]  # no scratch left


@pytest.mark.parametrize("serving", [False, True], ids=["published-build", "preview"])
def test_drafts_only_in_the_preview(
    tmp_path: Path, serving: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`make new-lesson` writes a draft: `make serve` shows it, a published build leaves it
    (and its `drafts` track) out of the pages and the navigation."""
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    from hooks.scaffold import new_lesson
    from hooks.site import SiteBuild

    project = copy_project(tmp_path)
    new_lesson(project, "tenant-unions", "Tenant Unions and Mutual Aid")
    monkeypatch.setenv("PACKETS", "off")  # packets have their own tests
    config = load_config(str(project / "mkdocs.yml"))
    config.plugins._current_plugin = None  # MkDocs sets this while it runs an event
    build = SiteBuild.start(config, serving=serving)
    files = build.add_generated_files(get_files(config), config)
    pages = {file.src_uri for file in files.documentation_pages()}
    nav = str(config.nav)
    assert build.serving is serving
    assert ("lessons/tenant-unions.md" in pages) is serving
    assert ("tracks/drafts.md" in pages) is serving
    assert ("lessons/tenant-unions.md" in nav) is serving
    assert "lessons/care-work.md" in pages  # published lessons always
    banner = "Draft — not published."
    content = {file.src_uri: file.content_string for file in files.documentation_pages()}
    assert banner not in content["lessons/care-work.md"]
    if serving:
        assert (
            f'<p class="draft-banner" role="note"><strong>{banner}'
            in (content["lessons/tenant-unions.md"])
        )


def test_a_long_course_lists_its_sessions_in_groups() -> None:
    from hooks.site import SESSIONS_PER_GROUP, grouped

    sessions = [{f"Session {n}": f"lessons/s{n}.md"} for n in range(1, 2 * SESSIONS_PER_GROUP + 4)]
    groups = grouped(sessions)
    assert [next(iter(group)) for group in groups] == [
        f"Sessions 1\u2013{SESSIONS_PER_GROUP}",
        f"Sessions {SESSIONS_PER_GROUP + 1}\u2013{2 * SESSIONS_PER_GROUP}",
        f"Sessions {2 * SESSIONS_PER_GROUP + 1}\u2013{2 * SESSIONS_PER_GROUP + 3}",
    ]
    assert [item for group in groups for item in next(iter(group.values()))] == sessions
    short = sessions[:SESSIONS_PER_GROUP]
    assert grouped(short) == short  # the real course: one flat list


def test_compiled_theme_templates_are_kept_between_builds(tmp_path: Path) -> None:
    from jinja2 import DictLoader, Environment

    from hooks.site import TEMPLATE_CACHE, SiteBuild

    build = SiteBuild.__new__(SiteBuild)
    build.root = tmp_path
    env = build.remember_compiled_templates(
        Environment(loader=DictLoader({"t.html": "{{ 1 + 1 }}"}))
    )
    assert env.get_template("t.html").render() == "2"
    assert list((tmp_path / TEMPLATE_CACHE).glob("__jinja2_*.cache"))
    again = build.remember_compiled_templates(
        Environment(loader=DictLoader({"t.html": "{{ 2 + 2 }}"}))  # an edited template
    )
    assert again.get_template("t.html").render() == "4"


def strict_build(project: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict`` of ``project`` without packets (they have their own tests)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(project / "mkdocs.yml"),
            "--site-dir",
            str(project / "built"),
        ],
        cwd=cwd or project,
        capture_output=True,
        text=True,
        env={**os.environ, "PACKETS": "off", "NO_MKDOCS_2_WARNING": "1"},
    )


BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{previous}'] * 9 if previous else ['lol'] * 9)}]\n"
    for previous, name in zip([None, *"abcdefgh"], "abcdefghi", strict=True)
)
"""A billion-laughs alias bomb: nine levels of nine-fold aliases."""


@pytest.mark.parametrize(
    ("glossary", "expected"),
    [
        (b"- term: solidarity\n  slug: solidarity\n", "curriculum/glossary.yml:1:"),
        (b'- term: "solidarity\n  slug: s\n', "curriculum/glossary.yml:1:9: E000"),
        (b"- term: caf\xe9\n  slug: cafe\n  definition: x\n", "curriculum/glossary.yml:1:1: E003"),
        (
            b"- term: bomb\n  slug: bomb\n  definition: boom\n  aliases: " + BOMB.encode(),
            "curriculum/glossary.yml:",
        ),
        (BOMB.encode(), "curriculum/glossary.yml:1:1: E001"),
    ],
    ids=["no-definition", "yaml-syntax", "latin-1", "alias-bomb-in-aliases", "alias-bomb"],
)
def test_a_bad_glossary_stops_the_build_at_its_line(
    tmp_path: Path, glossary: bytes, expected: str
) -> None:
    """The build reads the glossary through the checked loader, as `make check` does; MkDocs
    loading the glossary extension never reads it (that gave tracebacks)."""
    project = copy_project(tmp_path)
    (project / "curriculum/glossary.yml").write_bytes(glossary)
    result = strict_build(project)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert expected in output
    assert "Traceback" not in output and "Failed to load extension" not in output


def test_a_site_whose_lessons_are_all_drafts_builds_and_says_so(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    for lesson in (project / "curriculum/lessons").glob("*.md"):
        lesson.write_text(lesson.read_text().replace("status: published", "status: draft", 1))
    result = strict_build(project)
    assert result.returncode == 0, result.stderr
    assert "no lesson is published yet" in result.stderr
    home = (project / "built/index.html").read_text()
    assert "No session is published yet" in home
    assert not (project / "built/lessons").exists()


def test_a_build_from_another_folder_reads_the_project_beside_mkdocs_yml(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = strict_build(project, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "<abbr title=" in (project / "built/lessons/care-work/index.html").read_text()
    assert list(elsewhere.iterdir()) == []  # no cache or output lands in the current folder


def test_every_pandoc_citation_form_on_a_built_page(tmp_path: Path) -> None:
    """Issue 15's table, in a real lesson built by MkDocs (strict, no packets)."""
    project = copy_project(tmp_path)
    lesson = project / "curriculum/lessons/care-work.md"
    text = lesson.read_text(encoding="utf-8")
    text = text.replace("\nduration: 90\n", '\nnocite: ["@kropotkin1902"]\nduration: 90\n', 1)
    text += (
        "\n\nSolnit found the same [-@solnit2009, 40]. As @spade2020 [p. 33] puts it, and as"
        " @cope2021 shows. Curly locators [@self2003{ii, A, D-Z}], [@self2003{}, 99 years"
        " later] and [@self2003, {pp. iv, vi-xi}]; no comma [@robnett1997 p. 33]."
        " Alpha [@spade2020, 3] [@brrn2025, 4].\n"
    )
    lesson.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "s")],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PACKETS": "off"},
    )
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "s/lessons/care-work/index.html").read_text(encoding="utf-8")
    body, notes = html.split('<div class="footnote">', 1)
    paragraph = text_of(re.search(r"<p>Solnit found.*?</p>", body, re.S)[0])
    assert "@" not in paragraph and "[" not in paragraph  # nothing left as written
    assert "As Spade" in paragraph and "as Cope" in paragraph and "Alpha." in paragraph
    items = [
        " ".join(unescape(re.sub(r"<[^>]+>", "", item)).split())
        for item in re.findall(r"<li id=\"fn:.*?</li>", notes, re.S)
    ]
    # suppress author: the short note without the name (the entry's shorttitle drops "A")
    assert "Paradise Built in Hell, 40. ↩" in items
    assert re.search(r"As Spade<sup", body)  # author in text, the note on the name
    assert any(note.endswith(", ii, A, D-Z. ↩") for note in items)
    assert any(note.endswith(", 99 years later. ↩") for note in items)
    assert any(note.endswith(", iv, vi–xi. ↩") for note in items)  # noqa: RUF001
    assert any(note.startswith("Robnett") and note.endswith(", 33. ↩") for note in items)
    assert re.search(r'<a class="citation-link" href="#ref-solnit2009">', notes)  # link-citations
    sources = html.split('id="sources"', 1)[1]
    assert 'id="ref-solnit2009"' in sources and 'id="ref-kropotkin1902"' in sources  # nocite
    bibliography = (tmp_path / "s/bibliography/index.html").read_text(encoding="utf-8")
    kropotkin = bibliography.split('id="ref-kropotkin1902"', 1)[1].split("</div>", 1)[0]
    assert "../lessons/care-work/#sources" in kropotkin


def test_bibliography_warnings_stop_only_a_strict_build(tmp_path: Path) -> None:
    """A duplicate key is a located warning: `--strict` (make build) stops, a plain build goes
    on and uses the first entry, as BibTeX does."""
    project = copy_project(tmp_path)
    bib = project / "bibliography.bib"
    lines = bib.read_text(encoding="utf-8").count("\n")
    bib.write_text(
        bib.read_text(encoding="utf-8")
        + "\n@book{spade2020,\n  author = {Nobody},\n  title = {A Second Entry},\n}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PACKETS": "off"}
    runs = {}
    for strict in (True, False):
        command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "s")]
        runs[strict] = subprocess.run(
            [*command, "--strict" if strict else "--no-strict"],
            cwd=project,
            capture_output=True,
            text=True,
            env=env,
        )
    for run in runs.values():
        assert f"bibliography.bib:{lines + 2}:1: W062 duplicate key 'spade2020'" in run.stderr
        assert "Traceback" not in run.stderr
    assert runs[True].returncode != 0 and runs[False].returncode == 0
    html = (tmp_path / "s/bibliography/index.html").read_text(encoding="utf-8")
    assert "A Second Entry" not in html and "Building Solidarity" in html


class _NavLinks(HTMLParser):
    """The primary sidebar's entries as (depth, text): depth 1 is the top level."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.primary_depth = 0
        self.entries: list[tuple[int, str]] = []
        self.text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "nav":
            self.depth += 1
            if "md-nav--primary" in classes:
                self.primary_depth = self.depth
        elif tag in {"a", "label"} and "md-nav__link" in classes and self.primary_depth:
            self.text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            if self.depth == self.primary_depth:
                self.primary_depth = 0
            self.depth -= 1
        elif tag in {"a", "label"} and self.text is not None:
            text = " ".join("".join(self.text).split())
            if text:
                self.entries.append((self.depth - self.primary_depth + 1, text))
            self.text = None

    def handle_data(self, data: str) -> None:
        if self.text is not None:
            self.text.append(data)


def test_developers_pages_sit_under_a_contributors_section_in_the_sidebar(site: Path) -> None:
    parser = _NavLinks()
    parser.feed(page(site, "performance"))
    entries = parser.entries
    top = [text for depth, text in entries if depth == 1]
    assert "Performance" not in top, top
    performance = next(i for i, (depth, text) in enumerate(entries) if text == "Performance")
    section = next(text for depth, text in reversed(entries[:performance]) if depth == 1)
    assert "contributor" in section.lower(), (section, top)


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)+")


def test_themes_read_as_words_on_lessons_and_the_themes_page(site: Path) -> None:
    """Chips above a lesson's title and the Themes page show labels, never ``mutual-aid``."""
    themes_page = re.findall(r'class="md-tag"[^>]*>([^<]+)<', page(site, "tags"))
    assert themes_page, "the Themes page lists no theme"
    for lesson_id in full_track():
        chips = re.findall(r'class="md-tag"[^>]*>([^<]+)<', page(site, f"lessons/{lesson_id}"))
        assert chips and set(chips) <= set(themes_page), (lesson_id, chips)
    for label in themes_page:
        assert not SLUG.fullmatch(label.strip()), label
        assert label[:1].isupper(), label


def test_note_marks_that_touch_are_parted_by_a_comma(site: Path) -> None:
    touching = {}
    for lesson_id in full_track():
        html = page(site, f"lessons/{lesson_id}")
        joined = re.findall(r'>\d+</a></sup><sup id="fnref', html)
        if joined:
            touching[lesson_id] = len(joined)
        assert html.count('<sup class="note-separator">,</sup>') == len(
            re.findall(r'</sup><sup class="note-separator">,</sup><sup id="fnref', html)
        )
    assert touching == {}


def test_prose_and_headings_take_curly_quotes_like_the_notes_and_packets(site: Path) -> None:
    """The lessons' Markdown prose: headings, paragraphs and list items. (Fields the templates
    write as HTML, such as the summary and the key terms' definitions, are not yet covered.)"""
    straight = {}
    for lesson_id in full_track():
        html = page(site, f"lessons/{lesson_id}")
        article = html[html.index("<article") : html.index("</article>")]
        article = re.sub(r"<(code|pre|script|style)\b.*?</\1>", " ", article, flags=re.S)
        prose = re.findall(r"<(h[1-6]|p|li)(?: id=\"[^\"]*\")?>(.*?)</\1>", article, flags=re.S)
        found = re.findall(r".{0,30}[\"'].{0,30}", unescape(text_of(" ".join(t for _, t in prose))))
        if found:
            straight[lesson_id] = found[:3]
    assert straight == {}
