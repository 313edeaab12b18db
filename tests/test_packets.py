"""Printable packets: editions, variants, footnotes, PDF quality, privacy, cache and errors.

Rendering is the slow part (about a second per short packet), so the tests render one lesson
in the variants that differ (participant Letter, facilitator A4, large print, booklet) and one
two-session course packet, once per test session, and check them from several angles. Tests
that share those files are grouped for pytest-xdist (``--dist loadgroup``).
"""

from __future__ import annotations

import functools
import gc
import getpass
import html
import json
import logging
import re
import shutil
import socket
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from hooks import packets
from hooks.loader import load_curriculum
from hooks.model import Curriculum
from hooks.packets import (
    FACILITATOR_TITLE,
    MarkdownConverter,
    PacketError,
    PacketSpec,
    RefusedURL,
    build_all,
    build_custom_packet,
    check_url,
    compress_streams_once,
    finish_notes,
    packet_html,
    plan,
    relax_paragraphs,
    spec_digest,
    strip_facilitator_blocks,
    toolchain_digest,
)
from hooks.pdfcheck import (
    body_font_size,
    find_leaks,
    font_names,
    note_placement_from_pdf,
    outline,
    tagging_problems,
    unembedded_fonts,
)

ROOT = Path(__file__).resolve().parent.parent
LESSON = "survival-programs"  # content note, author notes, facilitator blocks, an activity
SECOND = "reciprocal-solidarity"
RENDERED = pytest.mark.xdist_group("packets")

SPECS = {
    "participant": PacketSpec(LESSON, (LESSON,), "participant", "letter"),
    "facilitator": PacketSpec(LESSON, (LESSON,), "facilitator", "a4"),
    "large": PacketSpec(LESSON, (LESSON,), "participant", "letter", "large-print"),
    "booklet": PacketSpec(LESSON, (LESSON,), "participant", "letter", "booklet"),
    "course": PacketSpec("custom", (LESSON, SECOND), "participant", "letter", title="Two"),
}


@pytest.fixture(scope="session")
def curriculum() -> Curriculum:
    return load_curriculum(ROOT)


@pytest.fixture(scope="session")
def built(curriculum: Curriculum, tmp_path_factory: pytest.TempPathFactory) -> dict:
    scratch = tmp_path_factory.mktemp("packets")
    result = build_all(
        curriculum, ROOT, scratch / "site" / "packets", scratch / "cache",
        specs=list(SPECS.values()), workers=1,
    )  # fmt: skip
    return {"result": result, "scratch": scratch,
            "pdf": {name: result.files[spec.filename] for name, spec in SPECS.items()}}  # fmt: skip


@functools.cache
def text_of(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def squash(text: str) -> str:
    """Letters and digits only: immune to hyphenation, line breaks and curly quotes."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def visible(document: str) -> str:
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", document)))


def facilitator_only_text(curriculum: Curriculum, lesson_id: str) -> list[str]:
    """Distinctive sentences that exist only in facilitator material."""
    meta = curriculum.lessons[lesson_id].meta
    body = curriculum.lessons[lesson_id].body
    blocks = re.findall(r"^!!! facilitator.*\n((?:(?: {4}.*)?\n)+)", body + "\n", re.M)
    texts = [*blocks, meta.timing_advice, *(a.facilitator_guidance for a in meta.activities)]
    texts += [segment.script for segment in meta.agenda if segment.script]
    texts += [segment.prompt for segment in meta.agenda if segment.prompt]
    sentences = []
    for text in texts:
        plain = re.sub(r"\[[^\]]*@[^\]]*\]|[*_`>#-]", " ", text)
        sentences += [s for s in re.split(r"(?<=[.!?])\s+", plain) if len(squash(s)) > 40]
    return sentences


# ------------------------------------------------------------------ fast: model and HTML level


def test_weasyprint_is_pinned_and_patched() -> None:
    import weasyprint

    assert weasyprint.__version__ == "70.0", "re-run bench/bench_packets.py before bumping"
    assert packets.patch_weasyprint() is True


def test_compressing_streams_once_changes_no_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    # Without HarfBuzz-Subset, fontTools subsets the fonts and stamps each subset's 'head'
    # table with the time of writing, so two writes a second apart differ; fix that time.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")

    html = (
        '<html lang="en"><head><title>t</title></head><body><h1>Title</h1>'
        '<p>Some text <a href="#x">and a link</a>.</p><p id="x">More.</p></body></html>'
    )
    document = weasyprint.HTML(string=html).render()
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": b"0" * 32}
    assert document.write_pdf(finisher=compress_streams_once, **options) == document.write_pdf(
        **options
    )


def test_plan_builds_sensible_variants(curriculum: Curriculum) -> None:
    specs = plan(curriculum)
    per_lesson = [s for s in specs if s.key == LESSON]
    assert {s.label for s in per_lesson} == {
        "Participant · Letter", "Participant · A4", "Facilitator · Letter", "Facilitator · A4",
        "Large print · Letter", "Large print · A4", "Booklet · Letter", "Booklet · A4",
    }  # fmt: skip
    for track in curriculum.course.tracks:
        mine = [s for s in specs if s.key == f"track:{track.id}"]
        assert len(mine) == 4 and all(s.lessons == tuple(track.lessons) for s in mine)
    assert len({s.filename for s in specs}) == len(specs)


def test_strip_facilitator_blocks_removes_header_and_indented_body() -> None:
    body = (
        'Intro.\n\n!!! facilitator "Likely difficulties"\n    Secret one.\n\n    Secret two.\n'
        "\n## Next\n\nText.\n\n!!! facilitator\n    Last secret.\n"
    )
    stripped = strip_facilitator_blocks(body)
    assert "Secret" not in stripped and "secret" not in stripped
    assert "Intro." in stripped and "## Next" in stripped and "Text." in stripped
    assert FACILITATOR_TITLE.findall(body) == ["Likely difficulties", ""]


def test_participant_html_has_no_facilitator_material(curriculum: Curriculum) -> None:
    md = MarkdownConverter(ROOT)
    start = curriculum.course.start_time
    participant = packet_html(curriculum, SPECS["participant"], md, start)
    facilitator = packet_html(curriculum, SPECS["facilitator"], md, start)
    secrets = facilitator_only_text(curriculum, LESSON)
    assert len(secrets) >= 5
    visible_participant, visible_facilitator = visible(participant), visible(facilitator)
    for sentence in secrets:
        assert squash(sentence) not in visible_participant, sentence
        assert squash(sentence) in visible_facilitator, sentence
    for marker in ("admonition facilitator", "Run sheet", "Facilitator note", "Timing advice"):
        assert marker not in participant


def test_both_packets_close_the_session_and_print_its_primary_sources(
    curriculum: Curriculum,
) -> None:
    md = MarkdownConverter(ROOT)
    meta = curriculum.lessons[LESSON].meta
    assert meta.handouts, "the packet lesson should have a primary-source handout"
    for edition in ("participant", "facilitator"):
        document = packet_html(curriculum, SPECS[edition], md, curriculum.course.start_time)
        shown = visible(document)
        for point in meta.key_points:
            assert squash(point) in shown, (edition, point)
        assert squash(meta.exit_question) in shown, edition
        assert squash(meta.next_reading.locator) in shown, edition
        pages = re.findall(r'<section class="handout primary-source" id="([^"]+)"', document)
        assert len(pages) == len(meta.handouts), edition
        for handout in meta.handouts:
            assert squash(handout.excerpt)[:60] in shown, (edition, handout.title)
        assert f'href="#{pages[0]}"' in document  # listed in "In this packet"


def test_run_sheet_clock_times_follow_the_configured_start(curriculum: Curriculum) -> None:
    md = MarkdownConverter(ROOT)
    meta = curriculum.lessons[LESSON].meta
    html = packet_html(curriculum, SPECS["facilitator"], md, "09:15")
    clocks = re.findall(r'<td class="clock">(\d\d:\d\d)</td>', html)
    assert clocks[0] == "09:15"
    end = 9 * 60 + 15 + meta.duration
    assert clocks[-1] == f"{end // 60:02d}:{end % 60:02d}"
    assert len(clocks) == len(meta.agenda) + 1
    for item in (m for a in meta.activities for m in a.materials):
        assert squash(item)[:30] in squash(html)


def test_notes_get_per_lesson_ids_and_endnotes_in_large_print() -> None:
    document = (
        '<article class="lesson" id="lesson-a"><p>x<span class="footnote">A1 <span>in</span>'
        '</span> y<span class="footnote">A2</span></p><!--endnotes:a--></article>'
        '<article class="lesson" id="lesson-b"><p>z<span class="footnote">B1</span></p>'
        "<!--endnotes:b--></article>"
    )
    footnotes = finish_notes(document, endnotes=False)
    for note in ("a-1", "a-2", "b-1"):
        assert f'id="fnref-{note}"' in footnotes and f'id="fn-{note}"' in footnotes
    assert "A1 <span>in</span></span>" in footnotes  # nested spans stay balanced
    endnotes = finish_notes(document, endnotes=True)
    assert 'class="footnote"' not in endnotes
    assert endnotes.count('<section class="endnotes"') == 2
    assert '<li id="fn-b-1" value="1">B1</li>' in endnotes


def test_loose_punctuation_before_a_note_is_closed() -> None:
    fixed = finish_notes(
        '<article class="lesson" id="lesson-a"><p>themselves\n.<span class="footnote">N</span>'
        "</p></article>",
        endnotes=False,
    )
    assert "themselves." in fixed


def test_relax_paragraphs_targets_only_the_flagged_paragraph() -> None:
    html = (
        '<p>one<a class="fn-call" id="fnref-l-1"></a></p>'
        '<p class="x">two<a class="fn-call" id="fnref-l-2"></a></p>'
    )
    relaxed = relax_paragraphs(html, ["fn-l-2"])
    assert relaxed.startswith("<p>one")
    assert '<p class="x" style="orphans: 1; widows: 1">two' in relaxed


def test_url_fetcher_only_reads_project_files(tmp_path: Path) -> None:
    check_url((ROOT / "docs" / "assets" / "fonts" / "fonts.css").as_uri(), ROOT)
    check_url("data:text/plain,hello", ROOT)
    for url in ("https://example.org/a.png", "http://127.0.0.1/x", "ftp://x/y",
                (tmp_path / "x.css").as_uri(), "file:///etc/passwd",
                (ROOT / ".." / "elsewhere.css").as_uri()):  # fmt: skip
        with pytest.raises(RefusedURL):
            check_url(url, ROOT)


def test_cache_keys_change_only_for_packets_whose_inputs_change(
    curriculum: Curriculum,
) -> None:
    toolchain = toolchain_digest(ROOT)
    start = curriculum.course.start_time
    before = {s: spec_digest(curriculum, s, toolchain, start) for s in plan(curriculum)}
    lesson = curriculum.lessons[SECOND]
    edited = curriculum.model_copy(update={"lessons": {
        **curriculum.lessons, SECOND: lesson.model_copy(update={"body": lesson.body + "\nMore."}),
    }})  # fmt: skip
    after = {s: spec_digest(edited, s, toolchain, start) for s in plan(edited)}
    changed = {s for s in before if before[s] != after[s]}
    assert changed == {s for s in before if SECOND in s.lessons}
    later = {s: spec_digest(curriculum, s, toolchain, "10:00") for s in plan(curriculum)}
    assert all(later[s] != before[s] for s in before)  # the run sheet's clock times change


# ------------------------------------------------------------------- rendered (shared files)


@RENDERED
def test_links_name_the_files_for_the_site(built: dict) -> None:
    links = built["result"].links
    assert [link.label for link in links[LESSON]] == [
        "Participant · Letter", "Facilitator · A4", "Large print · Letter", "Booklet · Letter",
    ]  # fmt: skip
    for key, spec in SPECS.items():
        link = next(link for link in links[spec.key] if link.label == spec.label)
        assert link.href == f"packets/{spec.filename}"
        assert link.pages == len(PdfReader(built["pdf"][key]).pages) > 4
    assert not list(built["scratch"].rglob("*.part"))
    assert gc.get_freeze_count() == 0  # the in-process build unfroze what it froze


@RENDERED
@pytest.mark.parametrize("name", ["participant", "facilitator", "course"])
def test_every_footnote_is_on_its_calls_page_or_the_next(built: dict, name: str) -> None:
    notes = note_placement_from_pdf(built["pdf"][name])
    assert notes.ok, notes.problems()
    assert notes.total >= 25
    assert notes.same_page + notes.next_page == notes.total


@RENDERED
def test_notes_restart_at_one_in_each_session_of_a_course_packet(built: dict) -> None:
    reader = PdfReader(built["pdf"]["course"])
    names = {str(k).lstrip("/"): k for k in reader.named_destinations}
    for lesson_id in (LESSON, SECOND):
        assert f"fn-{lesson_id}-1" in names and f"fnref-{lesson_id}-1" in names
        page = reader.get_destination_page_number(reader.named_destinations[
            names[f"fn-{lesson_id}-1"]])  # fmt: skip
        assert re.search(r"(?m)^1\. ", reader.pages[page].extract_text())


@RENDERED
def test_bookmarks_follow_the_lessons(built: dict, curriculum: Curriculum) -> None:
    lesson = curriculum.lessons[LESSON]
    marks = outline(PdfReader(built["pdf"]["participant"]))
    assert [title for level, title, _ in marks if level == 0] == [
        lesson.meta.title,
        "Feedback form",
    ]
    second = [squash(title) for level, title, _ in marks if level == 1]
    headings = re.findall(r"^## (.+)$", strip_facilitator_blocks(lesson.body), re.M)
    expected = ["Before the session", *headings, "Discussion questions", "Key points",
                *(title for a in lesson.meta.activities for title in (
                    f"Activity: {a.title}",
                    *([f"Cards to cut apart: {a.title}"] if a.cards else []),
                    *([a.worksheet.title] if a.worksheet else []))),
                *(handout.title for handout in lesson.meta.handouts),
                "Key terms", "Sources", "Notes",
                "How long did each part actually take?"]  # fmt: skip
    assert second == [squash(title) for title in expected]
    pages = [page for _, _, page in marks]
    assert pages == sorted(pages)

    course = outline(PdfReader(built["pdf"]["course"]))
    top = [title for level, title, _ in course if level == 0]
    sessions = [f"Session {n}: {curriculum.lessons[i].meta.title}"
                for n, i in enumerate((LESSON, SECOND), 1)]  # fmt: skip
    assert [t for t in top if t.startswith("Session")] == sessions
    assert {"Contents", "How to use this packet", "Glossary", "Bibliography",
            "Feedback form"} <= set(top)  # fmt: skip


@RENDERED
def test_contents_page_numbers_match_the_bookmarks(built: dict, curriculum: Curriculum) -> None:
    reader = PdfReader(built["pdf"]["course"])
    marks = {title: page for _, title, page in outline(reader)}
    contents = reader.pages[marks["Contents"] - 1].extract_text()
    for n, lesson_id in enumerate((LESSON, SECOND), 1):
        title = curriculum.lessons[lesson_id].meta.title
        found = re.search(r"\.\s*(\d+)\s*$", contents.split(title[-12:], 1)[1].split("\n")[0])
        assert found, contents
        assert int(found.group(1)) == marks[f"Session {n}: {title}"]


@RENDERED
@pytest.mark.parametrize("name", ["participant", "facilitator", "large", "course"])
def test_fonts_are_the_projects_and_embedded(built: dict, name: str) -> None:
    reader = PdfReader(built["pdf"][name])
    assert unembedded_fonts(reader) == []
    names = font_names(reader)
    assert names and all(n.startswith(("Source-Serif-4", "Atkinson-Hyperlegible")) for n in names)


@RENDERED
@pytest.mark.parametrize("name", ["participant", "facilitator", "large", "course"])
def test_metadata_and_tagging(built: dict, name: str) -> None:
    reader = PdfReader(built["pdf"][name])
    assert tagging_problems(reader) == []
    info = reader.metadata
    assert info.title and "Survival of the Organized curriculum contributors" in info.author
    assert reader.trailer["/Root"]["/Lang"] == "en"
    xmp = reader.xmp_metadata.stream.get_data()
    assert b"dc:title" in xmp and b"dc:creator" in xmp


@RENDERED
@pytest.mark.parametrize("name", ["participant", "facilitator", "course"])
def test_internal_links_resolve(built: dict, name: str) -> None:
    reader = PdfReader(built["pdf"][name])
    destinations = {str(k) for k in reader.named_destinations}
    internal = 0
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            link = annotation.get_object()
            if link.get("/Subtype") != "/Link":
                continue
            action = link.get("/A", {})
            if "/URI" in action:
                assert str(action["/URI"]).startswith(("https://", "http://", "mailto:"))
                continue
            target = link.get("/Dest") or action.get("/D")
            if isinstance(target, str):
                assert target in destinations or "/" + target in destinations, target
            internal += 1
    assert internal >= 5  # the contents list at least


@RENDERED
def test_page_n_of_m_and_running_heads(built: dict, curriculum: Curriculum) -> None:
    reader = PdfReader(built["pdf"]["participant"])
    total = len(reader.pages)
    second = reader.pages[1].extract_text()
    assert f"Page 2 of {total}" in second
    assert curriculum.course.title in second
    assert "Participant edition" in second
    assert f"This packet has {total} pages" in reader.pages[0].extract_text()


@RENDERED
def test_participant_pdf_contains_no_facilitator_text(built: dict, curriculum: Curriculum) -> None:
    participant = squash(text_of(built["pdf"]["participant"]))
    facilitator = squash(text_of(built["pdf"]["facilitator"]))
    secrets = facilitator_only_text(curriculum, LESSON)
    found_in_facilitator = 0
    for sentence in secrets:
        assert squash(sentence) not in participant, sentence
        found_in_facilitator += squash(sentence) in facilitator
    assert found_in_facilitator >= len(secrets) - 2  # the positive control works
    plain_participant = " ".join(text_of(built["pdf"]["participant"]).split())
    plain_facilitator = " ".join(text_of(built["pdf"]["facilitator"]).split())
    for marker in ("FACILITATOR NOTE:", "Run sheet", "Timing advice", "not for handing out"):
        assert marker not in plain_participant
        assert marker in plain_facilitator


@RENDERED
@pytest.mark.parametrize("name", list(SPECS))
def test_no_paths_user_or_host_in_the_file(built: dict, name: str) -> None:
    data = built["pdf"][name].read_bytes()
    assert find_leaks(data, ROOT) == []
    for needle in (str(ROOT), "/root/", "/tmp/", str(built["scratch"]), "file:"):
        assert needle.encode() not in data
    reader = PdfReader(built["pdf"][name])
    values = " ".join(str(v) for v in (reader.metadata or {}).values())
    for word in (getpass.getuser(), socket.gethostname()):
        assert not re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", values), word


@RENDERED
def test_large_print_uses_the_large_font_and_no_italics(built: dict) -> None:
    reader = PdfReader(built["pdf"]["large"])
    assert body_font_size(reader, range(4, 9)) >= 18
    names = font_names(reader)
    assert names and all(n.startswith("Atkinson-Hyperlegible-Next") for n in names)
    assert not any("Italic" in n for n in names)
    text = reader.pages[3].extract_text()
    assert re.search(r"Page 4 of \d+", text)
    regular = PdfReader(built["pdf"]["participant"])
    assert body_font_size(regular, range(2, 6)) < 12


@RENDERED
def test_large_print_puts_notes_at_the_end(built: dict) -> None:
    reader = PdfReader(built["pdf"]["large"])
    marks = {title: page for _, title, page in outline(reader)}
    notes = reader.pages[marks["Endnotes"] - 1].extract_text()
    assert re.search(r"(?m)^\s*1\. ", notes), notes[:300]
    assert "[1]" in text_of(built["pdf"]["large"])


@RENDERED
def test_booklet_is_imposed_in_saddle_order(built: dict) -> None:
    reader = PdfReader(built["pdf"]["booklet"])
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (792, 612)
    sides = len(reader.pages)
    assert sides % 2 == 0
    pages = sides * 2  # booklet pages

    def halves(index: int) -> tuple[str, str]:
        left: list[str] = []
        right: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                (left if tm[4] * cm[0] + cm[4] < 396 else right).append(text)

        reader.pages[index].extract_text(visitor_text=visit)
        return " ".join(left), " ".join(right)

    left, right = halves(0)  # sheet 1 front: back cover | front cover
    assert "This packet has" in right and "double-sided" in left
    left, right = halves(1)  # sheet 1 back: page 2 | page n-1
    assert re.search(r"Page 2 of \d+", left)
    left, right = halves(2)  # sheet 2 front: page n-2 | page 3
    assert re.search(r"Page 3 of \d+", right)
    assert pages % 4 == 0


@RENDERED
def test_unchanged_rebuild_is_a_fast_copy(built: dict, curriculum: Curriculum) -> None:
    scratch = built["scratch"]
    again = build_all(curriculum, ROOT, scratch / "again", scratch / "cache",
                      specs=list(SPECS.values()), workers=2)  # fmt: skip
    assert again.rendered == 0 and again.cached == len(SPECS)
    assert again.seconds < 1.0
    for spec in SPECS.values():
        assert (scratch / "again" / spec.filename).read_bytes() == (
            built["result"].files[spec.filename].read_bytes()
        )
    record = json.loads(next((scratch / "cache").glob(f"{SPECS['facilitator'].stem}.*.json"))
                        .read_text())  # fmt: skip
    assert record["pages"] == len(PdfReader(built["pdf"]["facilitator"]).pages)


# ------------------------------------------------------------------------------ failures


def test_a_failed_render_leaves_nothing_behind(
    curriculum: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []

    def failing(state: object, spec: PacketSpec) -> tuple[bytes, dict]:
        calls.append(spec)
        if len(calls) == 2:
            raise PacketError(curriculum.lessons[spec.lessons[0]].path, "boom")
        return b"%PDF-1.7 fake", {"pages": 1, "notes": {}}

    monkeypatch.setattr(packets, "render", failing)
    out = tmp_path / "site" / "packets"
    specs = [PacketSpec(i, (i,)) for i in (LESSON, SECOND)]
    with pytest.raises(PacketError) as caught:
        build_all(curriculum, ROOT, out, tmp_path / "cache", specs=specs, workers=1)
    assert str(caught.value) == f"curriculum/lessons/{SECOND}.md: boom"
    assert caught.value.file == f"curriculum/lessons/{SECOND}.md"
    assert not out.exists() or not any(out.iterdir())
    assert not list(tmp_path.rglob("*.part"))


def test_unexpected_errors_become_packet_errors_naming_the_lesson(
    curriculum: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> str:
        raise KeyError("missing-thing")

    monkeypatch.setattr(packets, "packet_document", broken)
    with pytest.raises(PacketError, match=rf"^curriculum/lessons/{LESSON}\.md: .*KeyError"):
        build_all(curriculum, ROOT, tmp_path / "out", tmp_path / "cache",
                  specs=[PacketSpec(LESSON, (LESSON,))], workers=1)  # fmt: skip


def test_packet_errors_survive_worker_processes() -> None:
    import pickle

    error = pickle.loads(pickle.dumps(PacketError("curriculum/lessons/x.md", "why")))
    assert (error.file, error.message, str(error)) == (
        "curriculum/lessons/x.md", "why", "curriculum/lessons/x.md: why",
    )  # fmt: skip


def with_body(curriculum: Curriculum, lesson_id: str, body: str) -> Curriculum:
    lesson = curriculum.lessons[lesson_id].model_copy(update={"body": body})
    return curriculum.model_copy(update={"lessons": {**curriculum.lessons, lesson_id: lesson}})


@RENDERED
def test_an_external_image_is_refused_with_the_lesson_named(
    curriculum: Curriculum, tmp_path: Path
) -> None:
    body = "## Picture\n\n![A photo](https://example.org/photo.png)\n\nText [@brrn2025].\n"
    edited = with_body(curriculum, SECOND, body)
    with pytest.raises(PacketError, match=rf"^curriculum/lessons/{SECOND}\.md: .*refused"):
        build_all(edited, ROOT, tmp_path / "out", tmp_path / "cache",
                  specs=[PacketSpec(SECOND, (SECOND,))], workers=1)  # fmt: skip
    assert not (tmp_path / "out").exists()


@RENDERED
def test_a_lost_note_fails_the_build_naming_the_lesson(
    curriculum: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = packets.check_notes

    def losing(spec: PacketSpec, document: object) -> packets.NotePlacement:
        notes = real(spec, document)
        notes.lost.append(f"fn-{SECOND}-3")
        return notes

    monkeypatch.setattr(packets, "check_notes", losing)
    with pytest.raises(PacketError, match=rf"^curriculum/lessons/{SECOND}\.md: .*fn-{SECOND}-3"):
        build_all(curriculum, ROOT, tmp_path / "out", tmp_path / "cache",
                  specs=[PacketSpec(SECOND, (SECOND,))], workers=1)  # fmt: skip


@RENDERED
def test_worker_processes_render_and_report_errors(curriculum: Curriculum, tmp_path: Path) -> None:
    short = with_body(curriculum, SECOND, "## Short\n\nA claim [@brrn2025].\n")
    short = with_body(short, LESSON, "## Short\n\nAnother claim [@spade2020, 16].\n")
    specs = [PacketSpec(SECOND, (SECOND,)), PacketSpec(LESSON, (LESSON,), "facilitator", "a4")]
    result = build_all(short, ROOT, tmp_path / "out", tmp_path / "cache", specs=specs, workers=2)
    assert result.rendered == 2 and result.notes.total >= 2 and result.notes.ok
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(s.filename for s in specs)

    broken = with_body(short, SECOND, "![x](https://example.org/x.png)\n")
    with pytest.raises(PacketError, match=rf"^curriculum/lessons/{SECOND}\.md: .*refused"):
        build_all(broken, ROOT, tmp_path / "out2", tmp_path / "cache", specs=specs, workers=2)
    assert not (tmp_path / "out2").exists()


@RENDERED
@pytest.mark.parametrize("workers", [1, 2])
def test_builds_leave_no_temporary_font_folders(
    curriculum: Curriculum, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    """WeasyPrint copies the fonts into a temporary folder per process; every build used to
    leave one behind (in the worker processes too)."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))  # the worker processes' temp folder
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # this process's
    short = with_body(curriculum, SECOND, "## Short\n\nA claim [@brrn2025].\n")
    short = with_body(short, LESSON, "## Short\n\nAnother claim [@spade2020, 16].\n")
    specs = [PacketSpec(SECOND, (SECOND,)), PacketSpec(LESSON, (LESSON,))]
    result = build_all(short, ROOT, tmp_path / "out", tmp_path / "cache", specs=specs,
                       workers=workers)  # fmt: skip
    assert result.rendered == 2
    assert list(temp.iterdir()) == []


@RENDERED
def test_characters_outside_the_project_fonts_are_reported(
    curriculum: Curriculum, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    edited = with_body(curriculum, SECOND, "## Odd\n\nA snowman \u2603 and \u4e2d [@brrn2025].\n")
    with caplog.at_level("WARNING", logger="mkdocs.plugins.hooks.packets"):
        result = build_all(edited, ROOT, tmp_path / "out", tmp_path / "cache",
                           specs=[PacketSpec(SECOND, (SECOND,))], workers=1)  # fmt: skip
    assert result.rendered == 1
    warnings = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"curriculum/lessons/{SECOND}.md: ") for m in warnings), warnings


@RENDERED
def test_a_machine_without_harfbuzz_subset_builds_packets_without_warnings(
    curriculum: Curriculum,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without HarfBuzz-Subset WeasyPrint warns once per font per packet; those warnings are
    no content problem and must not reach the build (under --strict they stopped it)."""
    import weasyprint.pdf.fonts

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)  # as if not installed
    short = with_body(curriculum, SECOND, "## Short\n\nA *claim* [@brrn2025].\n")
    specs = [PacketSpec(SECOND, (SECOND,)), PacketSpec(SECOND, (SECOND,), "facilitator")]
    with caplog.at_level("INFO", logger="mkdocs.plugins.hooks.packets"):
        result = build_all(short, ROOT, tmp_path / "out", tmp_path / "cache", specs=specs,
                           workers=1)  # fmt: skip
    assert result.rendered == 2
    records = [r for r in caplog.records if r.name == "mkdocs.plugins.hooks.packets"]
    assert [r.getMessage() for r in records if r.levelno >= logging.WARNING] == []
    told = [r for r in records if "HarfBuzz-Subset is not installed" in r.getMessage()]
    assert len(told) == 1 and told[0].levelno == logging.INFO
    assert all(text_of(path).strip() for path in result.files.values())


def test_custom_packet_rejects_unknown_lessons_and_options(
    curriculum: Curriculum, tmp_path: Path
) -> None:
    with pytest.raises(PacketError, match="no lesson with id nope"):
        build_custom_packet(curriculum, ROOT, ["nope"], "participant", "letter", tmp_path / "x.pdf")
    with pytest.raises(PacketError, match="edition must be one of"):
        build_custom_packet(curriculum, ROOT, [LESSON], "teacher", "letter", tmp_path / "x.pdf")


def test_cli_prints_clean_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code = packets.main(["--root", str(ROOT), "custom", "no-such-lesson", "--out",
                         str(tmp_path / "x.pdf")])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("error: curriculum/lessons: no lesson with id no-such-lesson")
    assert "Traceback" not in captured.err + captured.out


def test_cli_reports_invalid_sources_as_file_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "curriculum", tmp_path / "curriculum")
    course = tmp_path / "curriculum" / "course.yml"
    course.write_text(course.read_text().replace("title:", "titel:", 1))
    code = packets.main(["--root", str(tmp_path), "custom", LESSON])
    captured = capsys.readouterr()
    assert code == 1 and "curriculum/course.yml:" in captured.err
    assert "Traceback" not in captured.err


def test_nocite_works_join_the_lesson_packet_sources(curriculum: Curriculum) -> None:
    from hooks.packets import lesson_context

    lesson = curriculum.lessons[LESSON]
    md = MarkdownConverter(ROOT)
    start = curriculum.course.start_time
    before = lesson_context(curriculum, lesson, md, facilitator=False, start_time=start)
    assert "Kropotkin" not in before["sources_html"]
    listing = lesson.model_copy(
        update={"meta": lesson.meta.model_copy(update={"nocite": ["@kropotkin1902"]})}
    )
    after = lesson_context(curriculum, listing, md, facilitator=False, start_time=start)
    assert 'id="ref-kropotkin1902"' in after["sources_html"]
    every = listing.model_copy(update={"meta": lesson.meta.model_copy(update={"nocite": ["@*"]})})
    html = lesson_context(curriculum, every, md, facilitator=False, start_time=start)[
        "sources_html"
    ]
    assert html.count("<li") == len(md.all_keys()) > 30


@RENDERED
def test_printed_labels_stand_apart_from_what_they_label(built: dict) -> None:
    """A handout's "Source" and the next reading's "Read" are followed by ": " on paper (a
    label run into its text read "SourceBlack Panther Party")."""
    pages = PdfReader(built["pdf"]["participant"]).pages
    text = " ".join(" ".join(page.extract_text() for page in pages).split())
    assert "Source: " in text and "Read: " in text
    assert not re.search(r"\b(Source|Read)[A-Z]", text)


def test_every_planned_packet_ends_with_the_feedback_form(curriculum: Curriculum) -> None:
    """The facilitator guide and CONTRIBUTING promise it: every packet, not only the tracks'."""
    md = MarkdownConverter(ROOT)
    for spec in plan(curriculum):
        document = packet_html(curriculum, spec, md, curriculum.course.start_time)
        body = document[document.index("<body") : document.rindex("</body>")]
        sections = re.findall(r'<section class="([a-z -]+)" id="[^"]+">', body)
        last = [c for c in sections if c.split()[0] not in {"timing-sheet", "back-cover"}][-1]
        assert last == "feedback", (spec.filename, sections[-3:])
        assert body.count('id="feedback"') == 1, spec.filename
        if spec.scope == "lesson":  # listed on the cover
            assert "Notes page and feedback form</a>" in body, spec.filename


def test_published_run_sheets_print_times_from_the_start_beside_a_blank_clock(
    curriculum: Curriculum,
) -> None:
    md = MarkdownConverter(ROOT)
    meta = curriculum.lessons[LESSON].meta
    document = packet_html(curriculum, SPECS["facilitator"], md, "")
    sheet = document[document.index('class="run-sheet"') : document.index("What to say")]
    offsets = re.findall(r'<td class="offset">\+(\d+):(\d\d)</td>', sheet)
    assert [int(h) * 60 + int(m) for h, m in offsets] == [
        sum(s.minutes for s in meta.agenda[:i]) for i in range(len(meta.agenda) + 1)
    ]
    assert sheet.count('<td class="clock write"></td>') == len(meta.agenda) + 1
    assert not re.search(r"\d\d:\d\d", visible_text(sheet))
    assert "can be changed" not in document
    css = (ROOT / "hooks/templates/print/print.css").read_text()
    assert re.search(r"table\.agenda td\.part[^{]*\{[^}]*hyphens: none", css)
    assert '<td class="part">' in sheet


def visible_text(document: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", document))


def with_discussion_minutes(curriculum: Curriculum, minutes: int) -> Curriculum:
    lesson = curriculum.lessons[LESSON]
    agenda = [
        s.model_copy(update={"minutes": minutes}) if s.kind.value == "discussion" else s
        for s in lesson.meta.agenda
    ]
    meta = lesson.meta.model_copy(update={"agenda": agenda})
    lessons = {**curriculum.lessons, LESSON: lesson.model_copy(update={"meta": meta})}
    return curriculum.model_copy(update={"lessons": lessons})


@pytest.mark.parametrize(("minutes", "span", "picked"), [(20, "2\u20133", 2), (30, "3\u20135", 3)])
def test_discussion_says_how_many_questions_fit_its_minutes(
    curriculum: Curriculum, minutes: int, span: str, picked: int
) -> None:
    changed = with_discussion_minutes(curriculum, minutes)
    count = changed.lessons[LESSON].meta.discussion_questions.count()
    document = packet_html(changed, SPECS["facilitator"], MarkdownConverter(ROOT), "")
    text = " ".join(visible_text(document).split())
    assert f"time for {span} of these {count} questions" in text
    assert f"Time for {span} of the {count} questions" in text  # on the run sheet too
    discussion = document[document.index('class="discussion"') :]
    discussion = discussion[: discussion.index("</section>")]
    assert discussion.count('<li><p><span class="pick">Start here</span> ') == picked
    tiers = re.split(r'<h3 class="tier">', discussion)[1:]
    assert sum('<li><p><span class="pick">' in tier for tier in tiers) == min(picked, len(tiers))


def test_discussion_with_time_for_every_question_needs_no_choice(curriculum: Curriculum) -> None:
    changed = with_discussion_minutes(curriculum, 90)
    document = packet_html(changed, SPECS["facilitator"], MarkdownConverter(ROOT), "")
    assert "Start here" not in document and 'class="choose"' not in document


def test_cards_and_worksheets_print_as_their_own_pages_in_every_variant(
    curriculum: Curriculum,
) -> None:
    md = MarkdownConverter(ROOT)
    activity = curriculum.lessons[LESSON].meta.activities[0]
    assert activity.cards and activity.worksheet and activity.supplies
    variants = [s for s in plan(curriculum) if s.key == LESSON]
    assert {s.paper for s in variants} == {"letter", "a4"}
    for spec in variants:
        document = packet_html(curriculum, spec, md, "")
        anchor = f"{LESSON}-handout-{activity.id}"
        cards = document[document.index(f'id="{anchor}-cards"') :]
        cards = cards[: cards.index("</section>")]
        assert cards.count('<div class="card">') == len(activity.cards), spec.filename
        for card in activity.cards:
            assert squash(card.text) in visible(cards), (spec.filename, card.title)
        sheet = document[document.index(f'id="{anchor}-worksheet"') :]
        sheet = sheet[: sheet.index("</section>")]
        heads = re.findall(r"<th>([^<]+)</th>", sheet)
        assert [html.unescape(h) for h in heads] == activity.worksheet.columns
        assert sheet.count("<tr><td></td>") == activity.worksheet.rows
        # The participant's handout lists what they work with, not the facilitator's supplies
        handout = document[document.index(f'id="{anchor}"') :]
        handout = visible(handout[: handout.index("<h3>Instructions</h3>")])
        for item in activity.supplies:
            assert squash(item) not in handout, (spec.filename, item)
        for item in activity.materials:
            assert squash(item) in handout, (spec.filename, item)
        if spec.edition == "facilitator":
            checklist = document[document.index('<ul class="checklist">') :]
            checklist = visible(checklist[: checklist.index("</ul>")])
            for item in [*activity.materials, *activity.supplies]:
                assert squash(item) in checklist, (spec.filename, item)
    css = (ROOT / "hooks/templates/print/print.css").read_text()
    assert re.search(r"section\.card-sheet \.cards \{[^}]*display: grid", css)
    assert re.search(r"section\.card-sheet \.card \{[^}]*break-inside: avoid[^}]*dashed", css)


def test_a_booklet_prints_its_making_steps_on_the_inside_front_page(curriculum: Curriculum) -> None:
    md = MarkdownConverter(ROOT)
    course = PacketSpec("custom", (LESSON, SECOND), "participant", "a4", "booklet", title="Two")
    for spec in (SPECS["booklet"], course):
        document = packet_html(curriculum, spec, md, "")
        sections = re.findall(r'<(?:section|nav) class="([a-z -]+)" id="[^"]+"', document)
        cover = next(i for i, c in enumerate(sections) if "front-cover" in c)
        assert sections[cover + 1] == "booklet-howto", (spec.filename, sections[:4])
        steps = visible(document[document.index('id="how-to-print"') :].split("</section>")[0])
        for step in ("double-sided", "flipping on the short edge", "fold", "staple"):
            assert squash(step) in steps, (spec.filename, step)
    standard = packet_html(curriculum, SPECS["participant"], md, "")
    assert "how-to-print" not in standard
