"""Shared set-up for browser tests: Debian's Chromium driven by Playwright, never a downloaded browser."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import sys
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
OPAQUE = (".wasm", ".pagefind", ".pf_meta", ".pf_index", ".pf_fragment", ".pf_filter")
TEXT = (
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "text/plain",
)


@contextlib.contextmanager
def serve_under_sub_path(site: Path, compress: bool = False) -> Iterator[str]:
    """Serve `site` at http://127.0.0.1:PORT/xy/djpp/, as the college's site group would (Pagefind's files
    and WebAssembly as application/octet-stream). `compress`: text files gzipped, as most servers do."""
    root = site.parent / "_www"
    target = root / SUB_PATH.strip("/")
    if target.is_symlink() and target.resolve() != site.resolve():
        target.unlink()  # another site of the same folder was served before
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(site, target_is_directory=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def guess_type(self, path):
            # Like a site group's server that knows nothing of Pagefind's files or of WebAssembly.
            return "application/octet-stream" if str(path).endswith(OPAQUE) else super().guess_type(path)

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = Path(self.translate_path(self.path))
            path = path / "index.html" if self.path.split("?")[0].endswith("/") else path
            kind = self.guess_type(str(path))
            if not (
                compress and path.is_file() and kind in TEXT and "gzip" in self.headers["Accept-Encoding"]
            ):
                return super().do_GET()
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a browser that went away mid-file
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
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


def scripts_started(page, timeout: float = 15000) -> None:
    """Until the page's scripts (Material's, search, the photo viewer, the site's own) have run: they are
    fetched after the load event (overrides/main.html), so a test of what they do waits for them (at most
    `timeout` ms)."""
    page.wait_for_selector("html[data-bb-scripts]", state="attached", timeout=timeout)


def search(page, query: str) -> list[dict[str, str]]:
    """Opens search with Material's key and types `query`: see `results`."""
    scripts_started(page)
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    assert box.evaluate("el => el === document.activeElement")
    box.fill(query)
    return results(page)


def results(page) -> list[dict[str, str]]:
    """The results of the newest search, once shown: URL, title, date · type · branch line, excerpt."""
    page.wait_for_selector(".md-search-result__list[aria-busy=false]", state="attached", timeout=15000)
    return page.eval_on_selector_all(
        ".md-search-result__item",
        """items => items.map(li => ({
            url: li.querySelector("a").getAttribute("href"),
            title: li.querySelector("h1").textContent,
            info: (li.querySelector(".bb-search__info") || {}).textContent || "",
            excerpt: li.querySelector(".bb-search__teaser").innerHTML,
        }))""",
    )
