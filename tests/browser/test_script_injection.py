"""No field runs a script in a reader's browser: the attacked site (tests/attacks.py: payloads
in every lesson, course, track, glossary and bibliography field, built without the raw-markup
check) is opened page by page in Chromium, every link hovered and every box opened, and search
is used with the payload's words; no ``alert()`` may fire.

Before hooks/safety.py, this walk raised 264 alerts."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from attacks import attack, build_site
from browserkit import search, site_pages
from project_copy import copy_project

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def attacked(
    chromium_ready: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The attacked site's address on a local server, and its folder."""
    project = copy_project(tmp_path_factory.mktemp("attacked"), also_ignore=("tests",))
    attack(project, "raw")
    with pytest.MonkeyPatch.context() as monkeypatch:
        site = build_site(project, monkeypatch)
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", site
    server.shutdown()
    server.server_close()


def test_no_payload_runs_on_any_page_or_in_search(browser: Any, attacked: tuple[str, Path]) -> None:
    url, site = attacked
    context = browser.new_context(base_url=url)
    context.set_default_timeout(15_000)
    dialogs: list[str] = []
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))  # fmt: skip
    for path in site_pages(site):  # handlers such as onerror, onload and ontoggle fire here
        page.goto(path, wait_until="load")
        for summary in page.locator("article details > summary").all():
            summary.click()
    page.goto("lessons/care-work/", wait_until="load")
    for link in page.locator("article .reading-meta a").all():  # onmouseover
        link.hover()
    for query in ("onerror", "alert"):
        assert search(page, query)  # the payloads are found, as text
        page.keyboard.press("Escape")
    context.close()
    assert dialogs == []
