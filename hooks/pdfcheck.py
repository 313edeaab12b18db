"""Checks on rendered packets: the footnote guard, and structural PDF checks used by tests.

The footnote guard exists because WeasyPrint 66.0 and later (including the pinned 70.0) can
silently drop a footnote body while still printing its call number (research/print.md §2.4,
Appendix B). Every note call carries an anchor ``fnref-<ns>-<n>`` and every note body the id
``fn-<ns>-<n>``; after layout we look up the page of each id and fail on any note that is lost,
that lands before its call, or that lands more than one page after it. Notes on the next page
are legal (CSS GCPM, Chicago) and are counted.

The same ids become PDF named destinations, so :func:`note_placement_from_pdf` repeats the check
on a written file. The structural checks are pypdf smoke tests, not a PDF/UA validator (run
veraPDF off this machine before claiming conformance). :func:`find_leaks`, which every packet
build runs, reads the file with its own small reader instead (see the comment above it).
"""

from __future__ import annotations

import bisect
import contextlib
import getpass
import os
import re
import socket
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from pypdf import PdfReader
from pypdf.generic import (
    DictionaryObject,
    IndirectObject,
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


def document_font_names(document: Any) -> set[str]:
    """:func:`font_names` of a WeasyPrint document after ``write_pdf()``, without reading the
    file back: its ``fonts`` are the fonts written, and their names are the /BaseFont names."""
    return {font.name.decode().lstrip("/").split("+")[-1] for font in document.fonts.values()}


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
    word: bytes  # in every match: a part without it is passed over without running the pattern
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
        Needle(f"path {p}", re.compile(re.escape(p.encode())), p.encode())
        for p in sorted(paths)
        if p not in {"", "/"}
    ]
    needles.append(Needle("file: URL", re.compile(rb"file:/"), b"file:/"))
    user, host = _user(), socket.gethostname()
    if user:
        name = re.escape(user.encode())
        needles.append(
            Needle(
                f"user name {user!r} in a path or address",
                re.compile(
                    rb"(?:/home/|/Users/|\\Users\\|~)" + name + rb"\b|\b" + name + rb"@[\w.-]"
                ),
                user.encode(),
            )
        )
        needles.append(Needle(f"user name {user!r}", _word(name), user.encode(), anywhere=False))
    if host:
        name = re.escape(host.encode())
        needles.append(
            Needle(
                f"host name {host!r} in an address",
                re.compile(rb"(?:@|//)" + name + rb"(?![\w-])|(?<![\w.-])" + name + rb":\d"),
                host.encode(),
            )
        )
        needles.append(Needle(f"host name {host!r}", _word(name), host.encode(), anywhere=False))
    return needles


def _word(escaped: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![A-Za-z0-9_.-])" + escaped + rb"(?![A-Za-z0-9_-])")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return ""


# The leak scan reads the file itself rather than through pypdf, which builds a Python object for
# every token of every object: a tagged packet keeps thousands of structure elements in an object
# stream, and the pypdf scan cost ~10 ms per page (this one ~1 ms). Each object's syntax is
# scanned as written, which covers plain strings and names, together with the decoded form of
# every string and name written otherwise (hex strings, escapes, UTF-16 or other non-ASCII
# bytes, ``#xx`` in names). Only the few objects whose structure matters (stream dictionaries,
# pages, trailers, document information) are parsed. Every object is read, at the top level of
# the file and in object streams. What the scan cannot read (an unknown stream filter, broken
# syntax) is reported as a finding: the check fails closed rather than skip what it cannot see.


class PdfName(bytes):
    """A PDF name, ``#xx`` escapes decoded, without its slash."""


class PdfString(bytes):
    """The bytes of a PDF string (literal or hex), escapes decoded."""


class PdfRef(NamedTuple):
    """An indirect reference, ``N G R``."""

    number: int
    generation: int


class Unreadable(Exception):
    """The leak scan could not read part of the file, so it cannot vouch for it."""


_WHITESPACE = b"\x00\t\n\x0c\r "
_REGULAR = rb"[^\x00\t\n\x0c\r ()<>\[\]{}/%]"  # a character that is part of a name or keyword
_TOKEN = re.compile(
    rb"(?P<space>[\x00\t\n\x0c\r ]+|%[^\r\n]*)"
    rb"|(?P<open><<|\[)|(?P<close>>>|\])"
    rb"|<(?P<hex>[0-9A-Fa-f\x00\t\n\x0c\r ]*)>"
    rb"|(?P<literal>\()"
    rb"|/(?P<name>" + _REGULAR + rb"*)"
    rb"|(?P<word>" + _REGULAR + rb"+)"
)
_OBJECT = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj(?!" + _REGULAR + rb")")
_TRAILER = re.compile(rb"trailer\s*<<")
_HEX_STRING = re.compile(rb"<([0-9A-Fa-f\x00\t\n\x0c\r ]*)>")
_ESCAPED_NAME = re.compile(rb"/(" + _REGULAR + rb"*#[0-9A-Fa-f]{2}" + _REGULAR + rb"*)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_LITERAL_SPECIAL = re.compile(rb"[\\()]")
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n|\r|\n)|(.))", re.S)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_PAGE = re.compile(rb"/Type\s*/Page(?!" + _REGULAR + rb")")


def _unescape(match: re.Match[bytes]) -> bytes:
    octal, newline, char = match.groups()
    if octal:
        return bytes([int(octal, 8) & 0xFF])
    return b"" if newline else _ESCAPES.get(char, char)  # backslash-newline: a continuation


def _literal(data: bytes, pos: int) -> tuple[bytes, int]:
    """The raw bytes of the literal string whose ``(`` is just before ``pos``, and its end."""
    depth, start = 1, pos
    while depth:
        match = _LITERAL_SPECIAL.search(data, pos)
        if match is None:
            raise Unreadable(f"a string at byte {start} is never closed")
        pos = match.end() + (match.group() == b"\\")
        depth += {b"(": 1, b")": -1}.get(match.group(), 0)
    return data[start : pos - 1], pos


def _hex(digits: bytes) -> bytes:
    digits = bytes(c for c in digits if c not in _WHITESPACE)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode())


def _name(escaped: bytes) -> PdfName:
    return PdfName(_NAME_ESCAPE.sub(lambda m: bytes.fromhex(m[1].decode()), escaped))


def _parse(data: bytes, pos: int = 0) -> tuple[list[Any], bytes, int]:
    """Read direct objects from ``pos`` until ``endobj`` or ``stream`` at the top level (or the
    end of ``data``): the values, the keyword that stopped the reading and where it starts.
    Dictionaries become ``dict``, arrays ``list``, ``N G R`` a :class:`PdfRef`."""
    stack: list[list[Any]] = [[]]
    dicts: list[bool] = []
    while pos < len(data):
        match = _TOKEN.match(data, pos)
        if match is None:
            raise Unreadable(f"unexpected byte {data[pos : pos + 1]!r} at {pos}")
        pos, kind, token = match.end(), match.lastgroup, match[match.lastgroup or 0]
        top = stack[-1]
        if kind == "space":
            continue
        if kind == "name":
            top.append(_name(token))
        elif kind == "hex":
            top.append(PdfString(_hex(token)))
        elif kind == "literal":
            raw, pos = _literal(data, pos)
            top.append(PdfString(_ESCAPE.sub(_unescape, raw)))
        elif kind == "open":
            stack.append([])
            dicts.append(token == b"<<")
        elif kind == "close":
            is_dict = token == b">>"
            if not dicts or dicts.pop() != is_dict:
                raise Unreadable(f"unbalanced {token!r} at byte {match.start()}")
            items = stack.pop()
            stack[-1].append(dict(zip(items[::2], items[1::2], strict=False)) if is_dict else items)
        elif token in (b"endobj", b"stream") and len(stack) == 1:
            return stack[0], token, match.start()
        elif token == b"R" and len(top) >= 2 and type(top[-1]) is type(top[-2]) is int:
            generation, number = top.pop(), top.pop()
            top.append(PdfRef(number, generation))
        else:
            try:
                top.append(float(token) if b"." in token else int(token))
            except ValueError:
                top.append(token)  # true, false, null: nothing to scan
    if len(stack) != 1:
        raise Unreadable("an object is cut off")
    return stack[0], b"", pos


@dataclass
class PdfObject:
    """One object: its number, its syntax (up to ``endobj`` or ``stream``), its raw stream data."""

    number: int
    text: bytes
    stream: bytes | None = None
    parsed: Any = None

    @property
    def value(self) -> Any:
        """The parsed object (parsed when first asked: most objects are only scanned)."""
        if self.parsed is None:
            values = _parse(self.text)[0]
            self.parsed = values[0] if len(values) == 1 else values
        return self.parsed

    def get(self, key: bytes) -> Any:
        return self.value.get(key) if isinstance(self.value, dict) else None


def _read_objects(data: bytes) -> tuple[list[PdfObject], list[dict[Any, Any]]]:
    """Every object at the top level of the file (stream data is skipped over, not searched for
    objects) and every trailer dictionary (classic, or the dictionary of an xref stream)."""
    objects: list[PdfObject] = []
    pos = 0
    while match := _OBJECT.search(data, pos):
        values, keyword, stop = _parse(data, match.end())
        if not keyword:
            raise Unreadable(f"object {match[1].decode()} has no endobj")
        obj = PdfObject(int(match[1]), data[match.end() : stop])
        obj.parsed = values[0] if len(values) == 1 else values
        pos = stop + len(keyword)
        if keyword == b"stream":
            pos += 2 if data.startswith(b"\r\n", pos) else 1
            length = obj.get(b"Length")
            end = pos + length if isinstance(length, int) else -1
            if end < 0 or not data[end : end + 12].lstrip(_WHITESPACE).startswith(b"endstream"):
                end = data.find(b"endstream", pos)  # an indirect or wrong /Length
                if end < 0:
                    raise Unreadable(f"stream {obj.number} has no endstream")
            obj.stream = data[pos:end]
            pos = data.index(b"endstream", end) + len(b"endstream")
        objects.append(obj)
    trailers = [
        obj.value for obj in objects if obj.stream is not None and obj.get(b"Type") == b"XRef"
    ]
    for match in _TRAILER.finditer(data):
        end = data.find(b"startxref", match.end())
        with contextlib.suppress(Unreadable):  # the word inside a stream's data: not a trailer
            values = _parse(data[match.end() - 2 : end if end > 0 else len(data)])[0]
            if values and isinstance(values[0], dict):
                trailers.append(values[0])
    return objects, trailers


def _decode(obj: PdfObject) -> bytes:
    """The decoded data of a stream: FlateDecode or no filter; anything else is unreadable."""
    assert obj.stream is not None
    filters, params = obj.get(b"Filter") or [], obj.get(b"DecodeParms") or []
    filters = filters if isinstance(filters, list) else [filters]
    params = params if isinstance(params, list) else [params]
    if any(isinstance(p, dict) and p.get(b"Predictor", 1) != 1 for p in params):
        raise Unreadable(f"stream {obj.number} uses a predictor")
    data = obj.stream
    for name in filters:
        if name != b"FlateDecode":
            raise Unreadable(f"stream {obj.number} uses the /{name.decode()} filter")
        try:
            data = zlib.decompressobj().decompress(data)
        except zlib.error as error:
            raise Unreadable(f"stream {obj.number} cannot be decompressed: {error}") from None
    return data


def _object_stream(obj: PdfObject, data: bytes) -> list[PdfObject]:
    """The objects stored in an object stream."""
    first, count = obj.get(b"First"), obj.get(b"N")
    if not isinstance(first, int):
        raise Unreadable(f"object stream {obj.number} has no /First")
    try:
        header = [int(number) for number in data[:first].split()]
    except ValueError:
        header = []
    if len(header) != 2 * count:
        raise Unreadable(f"object stream {obj.number} has a bad header")
    offsets = [first + offset for offset in header[1::2]] + [len(data)]
    return [
        PdfObject(number, data[offsets[i] : offsets[i + 1]]) for i, number in enumerate(header[::2])
    ]


def _text(string: bytes) -> bytes:
    """A PDF string as UTF-8: UTF-16BE or UTF-8 with a byte order mark, else one byte a char."""
    if string.startswith(b"\xfe\xff"):
        return string[2:].decode("utf-16-be", "replace").encode()
    if string.startswith(b"\xef\xbb\xbf"):
        return string[3:]
    return string.decode("latin-1").encode()


def _hidden_texts(syntax: bytes) -> Iterable[tuple[int, bytes]]:
    """(position, decoded text) of every string or name in PDF syntax whose bytes do not read
    as what they say: hex strings, literal strings with escapes or in UTF-16, names with
    ``#xx``. Plain strings and names are found by scanning the syntax itself."""
    for match in _HEX_STRING.finditer(syntax):
        yield match.start(), _text(_hex(match[1]))
    for match in _ESCAPED_NAME.finditer(syntax):
        yield match.start(), b"/" + _name(match[1])
    pos = 0
    while (start := syntax.find(b"(", pos)) >= 0:
        raw, pos = _literal(syntax, start + 1)
        if b"\\" in raw or not raw.isascii():  # escapes, UTF-16, PDFDocEncoding
            yield start, _text(_ESCAPE.sub(_unescape, raw))


BINARY_STREAMS = (b"Image", b"Form", b"OpenType", b"CIDFontType0C", b"Type1C")
TOOL_FIELDS = (b"Author", b"Creator", b"Producer")
XMP_CONTENT = re.compile(rb"<(dc:title|dc:description|dc:subject|pdf:Keywords)\b.*?</\1>", re.S)


@dataclass
class Part:
    """Bytes to scan, named for the report. A part joins pieces (objects, streams) one line
    apart, so no needle matches across two, and ``name_at`` says which piece a hit is in."""

    where: str
    data: bytes
    starts: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)

    @classmethod
    def joined(cls, where: str, pieces: Iterable[tuple[str, bytes]]) -> Part:
        part, chunks, offset = cls(where, b""), [], 0
        for name, chunk in pieces:
            part.starts.append(offset)
            part.names.append(name)
            chunks.append(chunk)
            offset += len(chunk) + 1
        part.data = b"\n".join(chunks)
        return part

    def name_at(self, offset: int) -> str:
        index = bisect.bisect_right(self.starts, offset) - 1
        return self.names[index] if index >= 0 else self.where


def _decoded_parts(data: bytes) -> list[Part]:
    """What to scan: the raw file; every object's syntax and its decoded strings and names; each
    decoded stream that is text; and the tool-written metadata (parts named "metadata ...").

    Font programs, images and page drawings are binary (glyph ids, not characters): a short host
    name could match there by chance, and they cannot carry a path. Everything else (document
    information, XMP, outline, links, names, structure tree) is decoded and scanned.
    """
    objects, trailers = _read_objects(data)
    decoded = {}
    for obj in list(objects):
        if obj.stream is not None and obj.get(b"Type") == b"ObjStm":
            decoded[obj.number] = _decode(obj)
            objects += _object_stream(obj, decoded[obj.number])
    by_number = {obj.number: obj for obj in objects}

    syntax = Part.joined("objects", ((f"object {obj.number}", obj.text) for obj in objects))
    hidden = [(syntax.name_at(at), text) for at, text in _hidden_texts(syntax.data)]
    parts = [Part("raw bytes", data), syntax, Part.joined("objects", hidden)]

    drawings = set()
    for obj in objects:
        if _PAGE.search(obj.text) and obj.get(b"Type") == b"Page":
            contents = obj.get(b"Contents")
            refs = contents if isinstance(contents, list) else [contents]
            drawings |= {ref.number for ref in refs if isinstance(ref, PdfRef)}
    streams = []
    for obj in objects:
        if obj.stream is None or obj.number in drawings or obj.get(b"Type") == b"XRef":
            continue  # an xref stream holds byte offsets
        if (
            obj.get(b"Subtype") in BINARY_STREAMS
            or b"Length1" in obj.value
            or b"Length2" in obj.value
        ):
            continue
        text = decoded.get(obj.number) or _decode(obj)
        streams.append((f"stream {obj.number}", text))
        if obj.get(b"Type") == b"Metadata":
            parts.append(Part("metadata (XMP)", XMP_CONTENT.sub(b"", text)))
    parts.append(Part.joined("streams", streams))

    def resolve(value: Any) -> Any:
        if not isinstance(value, PdfRef):
            return value
        if value.number not in by_number:
            raise Unreadable(f"object {value.number} is missing")
        return by_number[value.number].value

    for trailer in trailers:
        info = resolve(trailer.get(b"Info"))
        if isinstance(info, dict):
            fields = [resolve(info.get(key)) for key in TOOL_FIELDS]
            text = b"\n".join(_text(f) for f in fields if isinstance(f, PdfString))
            parts.append(Part("metadata (document information)", text))
    return parts


def find_leaks(data: bytes, root: Path) -> list[str]:
    """Every machine detail (path, user, host) found in a PDF, raw and decoded."""
    needles = machine_needles(root)
    try:
        parts = _decoded_parts(data)
    except Unreadable as error:
        return [f"the file could not be checked: {error}"]
    found = set()
    for part in parts:
        for needle in needles:
            if part.where == "raw bytes" and not needle.label.startswith(("path", "file")):
                continue  # short words match binary data by chance; decoded parts cover them
            if not needle.anywhere and not part.where.startswith("metadata"):
                continue
            if needle.word not in part.data:
                continue
            for match in needle.pattern.finditer(part.data):
                found.add(f"{needle.label} in {part.name_at(match.start())}")
    return sorted(found)
