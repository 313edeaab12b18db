"""Checks on rendered packets: the footnote guard, and structural PDF checks used by tests.

The footnote guard exists because WeasyPrint 66.0 and later (including the pinned 70.0) can
silently drop a footnote body while still printing its call number (research/print.md §2.4,
Appendix B). Every note call carries an anchor ``fnref-<ns>-<n>`` and every note body the id
``fn-<ns>-<n>``; after layout we look up the page of each id and fail on any note that is lost,
that lands before its call, or that lands more than one page after it. Notes on the next page
are legal (CSS GCPM, Chicago) and are counted.

The same ids become PDF named destinations, so :func:`note_placement_from_pdf` repeats the check
on a written file. Everything else here is a pypdf smoke test, not a PDF/UA validator (run
veraPDF off this machine before claiming conformance).
"""

from __future__ import annotations

import getpass
import os
import re
import socket
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

CALL_PREFIX = "fnref-"
NOTE_PREFIX = "fn-"


@dataclass
class NotePlacement:
    """Where the notes of one document landed relative to their calls."""

    total: int = 0
    same_page: int = 0
    next_page: int = 0
    lost: list[str] = field(default_factory=list)  # note ids whose body is nowhere
    misplaced: list[tuple[str, int, int]] = field(default_factory=list)  # id, call, note page

    @property
    def ok(self) -> bool:
        return not self.lost and not self.misplaced

    def merge(self, other: NotePlacement) -> NotePlacement:
        return NotePlacement(
            self.total + other.total,
            self.same_page + other.same_page,
            self.next_page + other.next_page,
            self.lost + other.lost,
            self.misplaced + other.misplaced,
        )

    def problems(self) -> list[str]:
        out = [
            f"footnote {note} was lost (its call is printed, its text is not)" for note in self.lost
        ]
        out += [
            f"footnote {note} is on page {page}, but its call is on page {call}"
            for note, call, page in self.misplaced
        ]
        return out

    def summary(self) -> str:
        return (
            f"{self.total} notes: {self.same_page} on their call's page, "
            f"{self.next_page} on the next page, {len(self.lost)} lost"
        )


def placement(page_of: Mapping[str, int]) -> NotePlacement:
    """Compare the page of every ``fnref-X`` anchor with the page of ``fn-X``."""
    result = NotePlacement()
    for anchor, call_page in page_of.items():
        if not anchor.startswith(CALL_PREFIX):
            continue
        note = NOTE_PREFIX + anchor[len(CALL_PREFIX) :]
        result.total += 1
        if note not in page_of:
            result.lost.append(note)
            continue
        distance = page_of[note] - call_page
        if distance == 0:
            result.same_page += 1
        elif distance == 1:
            result.next_page += 1
        else:
            result.misplaced.append((note, call_page, page_of[note]))
    return result


def anchor_pages(document: Any) -> dict[str, int]:
    """1-based page of every anchor (element id) in a rendered WeasyPrint document."""
    page_of: dict[str, int] = {}
    for number, page in enumerate(document.pages, 1):
        for anchor in page.anchors:
            page_of.setdefault(anchor, number)
    return page_of


def note_placement(document: Any) -> NotePlacement:
    """The footnote guard, on a WeasyPrint document after ``render()`` (costs nothing)."""
    return placement(anchor_pages(document))


def destination_pages(reader: PdfReader) -> dict[str, int]:
    """1-based page of every named destination (WeasyPrint writes one per element id)."""
    pages: dict[str, int] = {}
    for name, destination in reader.named_destinations.items():
        number = reader.get_destination_page_number(destination)
        if number is not None and number >= 0:
            pages[str(name).lstrip("/")] = number + 1
    return pages


def note_placement_from_pdf(path: Path | str) -> NotePlacement:
    """The footnote guard, repeated on a written PDF through its named destinations."""
    return placement(destination_pages(PdfReader(path)))


# ----------------------------------------------------------------- structural checks (pypdf)


def outline(reader: PdfReader) -> list[tuple[int, str, int]]:
    """Bookmarks as (level, title, 1-based page), depth first, level 0 = top."""
    rows: list[tuple[int, str, int]] = []

    def walk(items: Iterable[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                rows.append((level, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return rows


def _fonts(reader: PdfReader) -> Iterable[DictionaryObject]:
    seen: set[int] = set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            yield ref.get_object()


def font_names(reader: PdfReader) -> set[str]:
    """Base font names without the subset prefix (``ABCDEF+``)."""
    return {str(font.get("/BaseFont", "")).lstrip("/").split("+")[-1] for font in _fonts(reader)}


def unembedded_fonts(reader: PdfReader) -> list[str]:
    """Names of fonts whose program is not in the file (should be empty)."""
    missing = []
    for font in _fonts(reader):
        descriptors = [font.get("/FontDescriptor")]
        for descendant in font.get("/DescendantFonts", []) or []:
            descriptors.append(descendant.get_object().get("/FontDescriptor"))
        embedded = any(
            descriptor is not None
            and any(k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            for descriptor in descriptors
        )
        if not embedded:
            missing.append(str(font.get("/BaseFont")))
    return missing


def tagging_problems(reader: PdfReader) -> list[str]:
    """PDF/UA smoke checks (research/print.md Appendix B); empty means all present."""
    root = reader.trailer["/Root"]
    problems = []
    if not root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("no /MarkInfo /Marked true")
    if "/StructTreeRoot" not in root:
        problems.append("no /StructTreeRoot")
    if not root.get("/Lang"):
        problems.append("no /Lang")
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("no /DisplayDocTitle")
    xmp = reader.xmp_metadata
    if xmp is None or b"pdfuaid:part" not in xmp.stream.get_data():
        problems.append("no PDF/UA identifier in XMP")
    if not all(page.get("/Tabs") == "/S" for page in reader.pages):
        problems.append("a page lacks /Tabs /S")
    return problems


def font_size_histogram(reader: PdfReader, pages: Iterable[int] | None = None) -> Counter[float]:
    """Characters set at each effective font size (points, rounded to 0.5)."""
    sizes: Counter[float] = Counter()
    numbers = range(len(reader.pages)) if pages is None else pages
    for number in numbers:

        def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
            scale = abs(tm[3] * cm[3]) or 1.0
            chars = len(text.strip())
            if chars and size:
                sizes[round(size * scale * 2) / 2] += chars

        reader.pages[number].extract_text(visitor_text=visit)
    return sizes


def body_font_size(reader: PdfReader, pages: Iterable[int] | None = None) -> float:
    """The font size most characters are set in."""
    histogram = font_size_histogram(reader, pages)
    return histogram.most_common(1)[0][0] if histogram else 0.0


# --------------------------------------------------------------- privacy: machine details


@dataclass(frozen=True)
class Needle:
    """A machine detail to look for. ``anywhere`` needles are searched in every decoded object;
    the others (bare user and host names, which are also ordinary words such as "root") only
    in the fields a tool fills in by itself: Author, Creator, Producer and their XMP twins."""

    label: str
    pattern: re.Pattern[bytes]
    anywhere: bool = True


def machine_needles(root: Path) -> list[Needle]:
    """What must never appear in a packet: paths and the names of this machine and user."""
    paths = {
        str(root.resolve()),
        str(Path.home()),
        "/root",
        "/tmp",
        tempfile.gettempdir(),
        os.getcwd(),
    }
    needles = [
        Needle(f"path {p}", re.compile(re.escape(p.encode())))
        for p in sorted(paths)
        if p not in {"", "/"}
    ]
    needles.append(Needle("file: URL", re.compile(rb"file:/")))
    user, host = _user(), socket.gethostname()
    if user:
        name = re.escape(user.encode())
        needles.append(
            Needle(
                f"user name {user!r} in a path or address",
                re.compile(
                    rb"(?:/home/|/Users/|\\Users\\|~)" + name + rb"\b|\b" + name + rb"@[\w.-]"
                ),
            )
        )
        needles.append(Needle(f"user name {user!r}", _word(name), anywhere=False))
    if host:
        name = re.escape(host.encode())
        needles.append(
            Needle(
                f"host name {host!r} in an address",
                re.compile(rb"(?:@|//)" + name + rb"(?![\w-])|(?<![\w.-])" + name + rb":\d"),
            )
        )
        needles.append(Needle(f"host name {host!r}", _word(name), anywhere=False))
    return needles


def _word(escaped: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![A-Za-z0-9_.-])" + escaped + rb"(?![A-Za-z0-9_-])")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return ""


def _strings(value: Any, depth: int = 0) -> Iterable[str]:
    """Every string and name inside a (non-stream) PDF object, decoded."""
    if depth > 40:
        return
    if isinstance(value, IndirectObject):
        return  # visited on its own
    if isinstance(value, (TextStringObject, ByteStringObject, NameObject)):
        yield str(value) if not isinstance(value, ByteStringObject) else value.decode("latin-1")
    elif isinstance(value, (DictionaryObject, StreamObject)):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item, depth + 1)
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _strings(item, depth + 1)


BINARY_STREAMS = ("/Image", "/Form", "/OpenType", "/CIDFontType0C", "/Type1C")


TOOL_FIELDS = ("/Author", "/Creator", "/Producer")
XMP_CONTENT = re.compile(rb"<(dc:title|dc:description|dc:subject|pdf:Keywords)\b.*?</\1>", re.S)


def _decoded_parts(data: bytes) -> Iterable[tuple[str, bytes]]:
    """(where, bytes) to scan: the raw file, each object's decoded strings and text streams,
    and the tool-written metadata (where the part's name starts with "metadata").

    Font programs, images and page drawings are binary (glyph ids, not characters): a short host
    name could match there by chance, and they cannot carry a path. Everything else (document
    information, XMP, outline, links, names, structure tree) is decoded and scanned.
    """
    yield "raw bytes", data
    reader = PdfReader(BytesIO(data))
    info = reader.trailer.get("/Info")
    if info is not None:
        info = info.get_object()
        fields = [str(info[key]) for key in TOOL_FIELDS if key in info]
        yield "metadata (document information)", "\n".join(fields).encode("utf-8", "replace")
    xmp = reader.xmp_metadata
    if xmp is not None:
        yield "metadata (XMP)", XMP_CONTENT.sub(b"", xmp.stream.get_data())
    drawings = set()
    for page in reader.pages:
        contents = page.get("/Contents")
        refs = contents if isinstance(contents, ArrayObject) else [contents]
        drawings |= {ref.idnum for ref in refs if isinstance(ref, IndirectObject)}
    numbers = {(idnum, generation) for generation, table in reader.xref.items() for idnum in table}
    numbers |= {(idnum, 0) for idnum in reader.xref_objStm}
    for idnum, generation in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(idnum, generation, reader))
        except Exception:  # a free or broken entry: nothing to scan
            continue
        text = "\n".join(_strings(obj))
        yield f"object {idnum}", text.encode("utf-8", "replace")
        if isinstance(obj, StreamObject) and idnum not in drawings:
            subtype = str(obj.get("/Subtype", ""))
            if subtype in BINARY_STREAMS or "/Length1" in obj or "/Length2" in obj:
                continue
            try:
                yield f"stream {idnum}", obj.get_data()
            except Exception:  # undecodable: the raw bytes were scanned
                continue


def find_leaks(data: bytes, root: Path) -> list[str]:
    """Every machine detail (path, user, host) found in a PDF, raw and decoded."""
    needles = machine_needles(root)
    found = set()
    for where, part in _decoded_parts(data):
        for needle in needles:
            if where == "raw bytes" and not needle.label.startswith(("path", "file")):
                continue  # short words match binary data by chance; decoded parts cover them
            if not needle.anywhere and not where.startswith("metadata"):
                continue
            if needle.pattern.search(part):
                found.add(f"{needle.label} in {where}")
    return sorted(found)
