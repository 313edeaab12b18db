"""Printable packets: every PDF link on every page must give the reader a real PDF.

Packet links are the links marked ``type="application/pdf"`` (lesson and track pages). While
the site has no ``packets/`` folder and no page links a PDF, there is nothing to check and the
test passes; as soon as the build writes ``packets/``, at least one page must link a packet and
every link must resolve. The PDFs are fetched through the browser's own HTTP client.
"""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from pypdf import PdfReader

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


class _PacketLinks(HTMLParser):
    """Collect (href, announced page count) of every ``<a type="application/pdf">``; the count
    is the "(12 pages)" that the page prints right after the link, if any."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, int | None]] = []
        self._open: str | None = None
        self._after: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._settle()
        values = dict(attrs)
        if tag == "a" and values.get("type") == "application/pdf":
            self._open = values.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open is not None:
            self._after, self._open = self._open, None

    def handle_data(self, data: str) -> None:
        if self._after is not None:
            announced = re.match(r"\s*\((\d+) pages?\)", data)
            self.links.append((self._after, int(announced[1]) if announced else None))
            self._after = None

    def _settle(self) -> None:
        if self._after is not None:
            self.links.append((self._after, None))
            self._after = None

    def close(self) -> None:
        super().close()
        self._settle()


def packet_links(
    site: Path, base_url: str, pages: list[str]
) -> dict[str, list[tuple[str, int | None]]]:
    """Absolute packet URL -> [(page that links it, page count it announces)]."""
    found: dict[str, list[tuple[str, int | None]]] = {}
    for path in pages:
        file = site / (path + "index.html" if not path or path.endswith("/") else path)
        parser = _PacketLinks()
        parser.feed(file.read_text(encoding="utf-8"))
        parser.close()
        for href, announced in parser.links:
            found.setdefault(urljoin(base_url + path, href), []).append((path, announced))
    return found


def test_every_packet_link_returns_a_pdf(
    site_dir: Path, pages: list[str], base_url: str, new_page: Any
) -> None:
    links = packet_links(site_dir, base_url, pages)
    if (site_dir / "packets").is_dir():
        assert links, "the site has a packets/ folder but no page links a packet"
        on_disk = {
            urljoin(base_url, pdf.relative_to(site_dir).as_posix())
            for pdf in (site_dir / "packets").rglob("*.pdf")
        }
        assert sorted(on_disk - set(links)) == [], "packets that no page links"
    request = new_page().request
    problems = []
    for url, linked_from in sorted(links.items()):
        assert urlsplit(url).netloc == urlsplit(base_url).netloc, f"{url} is not on this site"
        response = request.get(url)
        body = response.body() if response.ok else b""
        kind = response.headers.get("content-type", "")
        count = len(PdfReader(io.BytesIO(body)).pages) if body.startswith(b"%PDF") else 0
        announced = {n for _, n in linked_from if n is not None}
        if (
            response.status != 200
            or not kind.startswith("application/pdf")
            or count == 0
            or announced - {count}
        ):
            problems.append((url, response.status, kind, count, sorted(announced), linked_from))
    assert problems == []
