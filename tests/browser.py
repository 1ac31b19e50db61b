"""Shared set-up for browser tests: Debian's Chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-gpu",
    "--disable-quic",
]
SUB_PATH = "/xy/djpp/"


@contextlib.contextmanager
def serve_under_sub_path(site: Path) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:PORT/xy/djpp/, as the college's site group would."""
    root = site.parent / "_www"
    target = root / SUB_PATH.strip("/")
    if target.is_symlink() and target.resolve() != site.resolve():
        target.unlink()  # another site of the same folder was served before
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(site, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{SUB_PATH}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `apt-get install -y chromium` (make test does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class RequestLog:
    """Every URL a page asked for, to prove that nothing leaves the local server."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def attach(self, page) -> None:
        page.on("request", lambda request: self.urls.append(request.url))

    def foreign(self) -> list[str]:
        return [
            u
            for u in self.urls
            if urlsplit(u).scheme not in ("data", "blob", "about") and urlsplit(u).hostname != "127.0.0.1"
        ]
