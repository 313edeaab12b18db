"""The footnote guard and the PDF checks, tested against known-good and known-bad inputs."""

from __future__ import annotations

import getpass
import socket
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from hooks.pdfcheck import (
    NotePlacement,
    document_font_names,
    find_leaks,
    font_names,
    machine_needles,
    note_placement,
    note_placement_from_pdf,
    placement,
    tagging_problems,
    unembedded_fonts,
)

ROOT = Path(__file__).resolve().parent.parent


def test_placement_counts_same_page_next_page_lost_and_misplaced() -> None:
    pages = {
        "fnref-a-1": 1, "fn-a-1": 1,  # same page
        "fnref-a-2": 1, "fn-a-2": 2,  # next page: allowed, counted
        "fnref-a-3": 2,  # lost: the call is printed, the note is nowhere
        "fnref-a-4": 2, "fn-a-4": 4,  # two pages on: fails
        "fnref-a-5": 3, "fn-a-5": 2,  # before its call: fails
        "heading": 1,
    }  # fmt: skip
    result = placement(pages)
    assert (result.total, result.same_page, result.next_page) == (5, 1, 1)
    assert result.lost == ["fn-a-3"]
    assert result.misplaced == [("fn-a-4", 2, 4), ("fn-a-5", 3, 2)]
    assert not result.ok
    problems = result.problems()
    assert "footnote fn-a-3 was lost" in problems[0]
    assert "fn-a-4 is on page 4, but its call is on page 2" in problems[1]


def test_placement_of_a_clean_document_is_ok() -> None:
    result = placement({"fnref-x-1": 3, "fn-x-1": 3, "fnref-x-2": 3, "fn-x-2": 4})
    assert result.ok and result.summary() == (
        "2 notes: 1 on their call's page, 1 on the next page, 0 lost"
    )


def test_note_placement_reads_weasyprint_page_anchors() -> None:
    page1 = SimpleNamespace(anchors={"fnref-l-1": (0, 0), "fn-l-1": (0, 0), "fnref-l-2": (0, 0)})
    page2 = SimpleNamespace(anchors={"fn-l-2": (0, 0), "fnref-l-3": (0, 0)})
    result = note_placement(SimpleNamespace(pages=[page1, page2]))
    assert (result.same_page, result.next_page, result.lost) == (1, 1, ["fn-l-3"])


def test_merge_adds_up() -> None:
    merged = NotePlacement(2, 1, 1).merge(NotePlacement(3, 3, 0, ["fn-b-1"]))
    assert (merged.total, merged.same_page, merged.next_page, merged.lost) == (
        5, 4, 1, ["fn-b-1"],
    )  # fmt: skip


def test_the_guard_reads_the_same_pages_back_from_a_written_pdf(tmp_path: Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    paragraph = "Words of a paragraph that fills some of the page. " * 30
    body = "".join(
        f'<p>{paragraph}<a id="fnref-t-{n}"></a><span class="footnote" id="fn-t-{n}">Note {n}.'
        "</span></p>"
        for n in range(1, 7)
    )
    html = (
        '<html lang="en"><head><title>t</title><style>@page{size:A6}'
        ".footnote{float:footnote}</style></head><body>" + body + "</body></html>"
    )
    document = weasyprint.HTML(string=html).render()
    in_process = note_placement(document)
    document.write_pdf(tmp_path / "t.pdf")
    from_pdf = note_placement_from_pdf(tmp_path / "t.pdf")
    assert in_process.total == from_pdf.total == 6
    assert (in_process.same_page, in_process.next_page, in_process.lost) == (
        from_pdf.same_page, from_pdf.next_page, from_pdf.lost,
    )  # fmt: skip


def small_pdf(path: Path, **metadata: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if metadata:
        writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    with open(path, "wb") as handle:
        writer.write(handle)
    return path.read_bytes()


def test_find_leaks_passes_a_clean_file(tmp_path: Path) -> None:
    data = small_pdf(tmp_path / "clean.pdf", Title="Study packet", Author="Contributors")
    assert find_leaks(data, ROOT) == []


@pytest.mark.parametrize(
    "value",
    [
        str(ROOT / "curriculum" / "lessons" / "x.md"),
        "/tmp/build/packet.html",
        "/root/.cache/x",
        "file:///srv/site/index.html",
    ],
)
def test_find_leaks_catches_paths_in_metadata(tmp_path: Path, value: str) -> None:
    data = small_pdf(tmp_path / "leak.pdf", Subject=value)
    assert find_leaks(data, ROOT), value


def test_find_leaks_catches_user_and_host_names(tmp_path: Path) -> None:
    user, host = getpass.getuser(), socket.gethostname()
    for value, label in ((f"made by {user}", "user name"), (f"built on {host}", "host name")):
        data = small_pdf(tmp_path / "who.pdf", Creator=value)
        assert any(label in leak for leak in find_leaks(data, ROOT)), value


def test_find_leaks_catches_a_path_in_utf16_text(tmp_path: Path) -> None:
    # a non-ASCII title is stored as UTF-16: raw byte search alone would miss the path
    data = small_pdf(tmp_path / "utf16.pdf", Title=f"Café {ROOT}/x")
    assert any("in object" in leak for leak in find_leaks(data, ROOT))


def raw_pdf(*objects: bytes) -> bytes:
    """A minimal PDF file, object N being ``objects[N - 1]`` (the leak scan needs no xref)."""
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, obj) for n, obj in enumerate(objects, 1))
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    "written",
    [
        b"<2F746D702F7365637265742E747874>",  # a hex string
        rb"(\057tmp\057secret.txt)",  # octal escapes
        b"<FEFF002F0074006D0070002F0078>",  # UTF-16, in hex
        b"/#2Ftmp#2Fsecret.txt",  # a name with #xx escapes
    ],
)
def test_find_leaks_decodes_strings_and_names(written: bytes) -> None:
    data = raw_pdf(b"<< /Type /Catalog /X " + written + b" >>")
    assert b"/tmp" not in data  # only the decoded form says it
    assert "path /tmp in object 1" in find_leaks(data, ROOT)


def test_find_leaks_reads_compressed_object_streams() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    html = (
        f'<html lang="en"><head><title>Café {ROOT}/x</title></head>'
        '<body><p><a href="file:///srv/x.html">x</a></p></body></html>'
    )
    data = weasyprint.HTML(string=html).render().write_pdf(pdf_variant="pdf/ua-1")
    assert b"file:" not in data and str(ROOT).encode() not in data  # all deflated
    leaks = find_leaks(data, ROOT)
    assert any(leak.startswith("file: URL in object") for leak in leaks), leaks
    assert any(leak.startswith(f"path {ROOT} in object") for leak in leaks), leaks


def test_find_leaks_fails_closed_on_what_it_cannot_read() -> None:
    stream = b"<< /Length 5 /Filter /LZWDecode >>\nstream\nabcde\nendstream"
    leaks = find_leaks(raw_pdf(b"<< /Type /Catalog >>", stream), ROOT)
    assert leaks == ["the file could not be checked: stream 2 uses the /LZWDecode filter"]
    assert find_leaks(raw_pdf(b"<< /Type /Catalog /T (never closed >>"), ROOT)


def test_document_font_names_are_those_in_the_file() -> None:
    weasyprint = pytest.importorskip("weasyprint")
    document = weasyprint.HTML(string="<p>Plain, <b>bold</b> and <i>italic</i>.</p>").render()
    data = document.write_pdf()
    assert document_font_names(document) == font_names(PdfReader(BytesIO(data)))
    assert len(document_font_names(document)) == 3


def test_needles_do_not_match_pdf_keywords_or_ordinary_words() -> None:
    text = b"/Type /StructTreeRoot /Root 1 0 R /MarkInfo << /Marked true >> the root causes"
    for needle in machine_needles(ROOT):
        if needle.label.startswith(("user", "host")) and needle.anywhere:
            assert not needle.pattern.search(text), needle.label


def test_bare_user_name_in_document_text_is_not_a_leak(tmp_path: Path) -> None:
    # "root" is an ordinary word (a lesson may say "the root of the problem"); it only counts
    # in the fields tools fill in by themselves, or in a path or address
    user = getpass.getuser()
    data = small_pdf(tmp_path / "word.pdf", Title=f"The {user} of the problem")
    assert not any("user name" in leak for leak in find_leaks(data, ROOT))
    data = small_pdf(tmp_path / "mail.pdf", Title=f"Write to {user}@example.org")
    assert any("user name" in leak for leak in find_leaks(data, ROOT))


def test_untagged_pdf_with_a_standard_font_fails_the_checks(tmp_path: Path) -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    with open(tmp_path / "n.pdf", "wb") as handle:
        writer.write(handle)
    reader = PdfReader(tmp_path / "n.pdf")
    assert unembedded_fonts(reader) == ["/Helvetica"]
    problems = tagging_problems(reader)
    assert "no /StructTreeRoot" in problems and "no /Lang" in problems
