"""Privacy: a reader's browser talks to this site's server and nothing else.

Every page is loaded (and scrolled to the end, so lazy images load), search is used (and a
result followed, which highlights the query on the page it opens) and a tooltip opened. Two
nets catch requests: Playwright's request events (documents, styles, scripts, fonts, images)
and an HTTP proxy that every request to any other host must pass through (this also catches
fetches from web workers, which request events can miss). Both must stay empty of other
hosts. Pages must also load without JavaScript errors.

The test runs its own Chromium with Chromium's autofill service turned off: with the standard
flags Chromium itself contacts content-autofill.googleapis.com, which says nothing about the
site and would otherwise land in the proxy's log.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import pytest
from browserkit import CHROMIUM, CHROMIUM_ARGS, SEARCH_RESULT_LINK, full_track, goto, search

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOCAL_SCHEMES = {"data", "blob", "about"}


@contextmanager
def refusing_proxy() -> Iterator[tuple[str, list[str]]]:
    """An HTTP proxy that refuses everything and records what was asked of it."""
    asked: list[str] = []

    class Refuse(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def refuse(self) -> None:
            asked.append(f"{self.command} {self.path}")
            self.send_response(403)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = do_CONNECT = refuse

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def test_no_request_leaves_the_site(browser: Any, base_url: str, pages: list[str]) -> None:
    here = urlsplit(base_url).netloc
    with refusing_proxy() as (proxy, asked):
        own = browser.browser_type.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--disable-features=AutofillServerCommunication"],
        )
        try:
            requests, errors = visit_everything(own, base_url, pages, proxy)
        finally:
            own.close()

    kinds = {kind for _, kind in requests}
    assert {"document", "stylesheet", "script", "font"} <= kinds, kinds
    elsewhere = [
        request
        for request in requests
        if urlsplit(request[0]).scheme not in LOCAL_SCHEMES and urlsplit(request[0]).netloc != here
    ]
    assert elsewhere == []
    assert asked == []
    assert errors == []


def visit_everything(
    browser: Any, base_url: str, pages: list[str], proxy: str
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": 1280, "height": 900},
        proxy={"server": proxy, "bypass": urlsplit(base_url).netloc},
    )
    context.set_default_timeout(15_000)
    requests: list[tuple[str, str]] = []
    errors: list[tuple[str, str]] = []
    context.on("request", lambda r: requests.append((r.url, r.resource_type)))
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append((page.url, str(error))))
        page.on(
            "console",
            lambda message: message.type == "error" and errors.append((page.url, message.text)),
        )
        for path in pages:
            goto(page, path)
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_load_state("networkidle")
        goto(page, f"lessons/{full_track()[0]}/")
        page.locator("a.footnote-ref").first.hover()
        search(page, "solidarity")
        page.wait_for_load_state("networkidle")
        page.locator(SEARCH_RESULT_LINK).first.click()
        page.locator("article mark").first.wait_for()
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return requests, errors
