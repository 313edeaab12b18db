"""Shared set-up for the browser tests: one built site, one local server, one Chromium.

The site is built once per test session into a temporary folder (or taken from ``SITE_DIR``
when that is set), served by Python's ``http.server`` on 127.0.0.1 on a free port, and opened
in Debian's Chromium (``/usr/bin/chromium``) through Playwright. No browser is downloaded.

Without Chromium the tests skip locally (``apt-get install chromium`` enables them); under
``CI=true`` a missing browser, Playwright or axe-core is an error, so CI can never pass by
skipping them.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browserkit import ARTIFACTS, AXE_JS, CHROMIUM, CHROMIUM_ARGS, ROOT, site_pages


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: runs the built site in headless Chromium (needs /usr/bin/chromium)"
    )


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> None:
    """Skip locally, fail under CI: a CI run must never pass by not running the browser."""
    if in_ci():
        pytest.fail(f"browser tests cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_ready() -> str:
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} not found; `apt-get install chromium` enables the browser tests")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Python package `playwright` is missing; install the dev dependencies")
    return CHROMIUM


@pytest.fixture(scope="session")
def axe_js(chromium_ready: str) -> Path:
    if not AXE_JS.is_file():
        unavailable(f"{AXE_JS.relative_to(ROOT)} is missing; run `npm ci` in {ROOT}")
    return AXE_JS


@pytest.fixture(scope="session")
def site_dir(chromium_ready: str, site: Path) -> Path:
    """The built site (tests/conftest.py), once Chromium is known to be there."""
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(chromium_ready: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_ready, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, base_url: str) -> Iterator[Callable[..., Any]]:
    """Open a page in a fresh browser context; keyword arguments go to ``new_context``
    (e.g. ``viewport``, ``color_scheme``, ``is_mobile``). Contexts close after the test."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        options.setdefault("viewport", {"width": 1280, "height": 900})
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site as a URL path relative to the server root."""
    found = site_pages(site_dir)
    assert len(found) > 10, found
    return found


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
