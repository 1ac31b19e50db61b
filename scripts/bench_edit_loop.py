"""Measure the editing loop: how long after saving a file does `mkdocs serve` show the change?

Generates a corpus (default 60 branches × 150 items), starts `mkdocs serve --dirty` on 127.0.0.1,
waits for the first full build, then edits one item's text, adds one new item, and adds one
back-dated item, and times each from the file write until the served page shows it (the edit twice:
the second while the search index of the first is being rebuilt); then times `mkdocs build` of the same
site, which the first build of `serve` (internal edition; search indexed after it) should not exceed. Each line
also gives MkDocs' own "built in" time; the rest is the file watcher (native change notices: at once)
and MkDocs' 0.1 s wait for saves to settle. For the edit, it also times until the search index (rebuilt
in the background) has followed. `make bench` runs it on 1,500 items (`-b 10`).

    python scripts/bench_edit_loop.py             # 9,000 items
    python scripts/bench_edit_loop.py -b 8 -n 20  # quick
    python scripts/bench_edit_loop.py -p 1        # with one photo per item
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_site import make_corpus, site_ours


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until `url` serves a page containing `text`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8", "replace"):
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {text!r} at {url}")


def fetch(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return b""


def wait_for_change(url: str, before: bytes, timeout: float) -> float:
    """Seconds until `url` serves something else than `before`."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if fetch(url) not in (before, b""):
            return time.perf_counter() - start
        time.sleep(0.2)
    raise SystemExit(f"timed out after {timeout:.0f} s waiting for {url} to change")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-b", "--branches", type=int, default=60)
    parser.add_argument("-n", "--items", type=int, default=150)
    parser.add_argument("-p", "--photos", type=int, default=0, help="photos per item")
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the corpus and its photo cache here")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-edit-"))
    port = free_port()
    server = None
    news = root / "content/branches/b000/news"
    newest = f"{dt.date.today().year + 1}-12-31"  # the latest day an item may have: the newest item
    added = [news / f"{newest}-new-item.md", news / "2023-06-15-late.md"]
    edited: dict[Path, str] = {}
    log = None

    def restore() -> None:
        """The corpus as it was: for the build below, and for the next run with --keep."""
        for path, text in edited.items():
            path.write_text(text, encoding="utf-8")
        for path in added:
            path.unlink(missing_ok=True)

    try:
        if not (root / "ours").is_dir():
            make_corpus(root, args.branches, args.items, args.photos)
            site_ours(root)
        site = root / "ours"
        base = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        log_path = root / "serve.log"
        log = log_path.open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
            cwd=site,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        first = sorted(news.glob("*.md"))[0]
        edited[first] = first.read_text(encoding="utf-8")
        url = f"{base}branches/b000/news/{first.stem}/"
        print(f"{args.branches * args.items} items; waiting for the first build …")
        print(f"first build served after {wait_for(url, '<h1>', 1800):.1f} s")
        time.sleep(2)  # let the watcher settle

        def last_build() -> str:
            times = re.findall(r"built in ([0-9.]+) seconds", log_path.read_text(encoding="utf-8"))
            return f"(MkDocs: built in {times[-1]} s)" if times else ""

        marker = f"改动标记{int(time.time())}"
        entry = f"{base}pagefind/pagefind-entry.json"
        index = fetch(entry)
        written = time.perf_counter()
        first.write_text(first.read_text(encoding="utf-8") + f"\n{marker}\n", encoding="utf-8")
        print(f"edit one item:         visible after {wait_for(url, marker, 120):.2f} s {last_build()}")
        again = f"{marker}再改"  # while the search index of the first edit is being rebuilt
        first.write_text(first.read_text(encoding="utf-8") + f"\n{again}\n", encoding="utf-8")
        print(f"edit it again at once: visible after {wait_for(url, again, 120):.2f} s {last_build()}")
        wait_for_change(entry, index, 300)
        print(
            f"                       in search after {time.perf_counter() - written:.2f} s (from the first save)"
        )

        header = "---\ntitle: 新增的一条动态\ntype: 支委会\nreviewer: 张明\n---\n"
        for label, path in zip(("add one item:", "add a back-dated one:"), added, strict=True):
            time.sleep(2)
            name = path.stem
            path.write_text(header + f"正文{name}。\n", encoding="utf-8")
            seconds = wait_for(f"{base}branches/b000/news/{name}/", f"正文{name}", 120)
            print(f"{label:<23}visible after {seconds:.2f} s {last_build()}")
        server.terminate()
        server.wait(timeout=30)
        server = None
        restore()
        # The first build of `serve` should cost no more than a build: `mkdocs build` of the same site.
        with tempfile.TemporaryDirectory(prefix="bench-build-") as out:
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-d", out], cwd=site, env=env, check=True
            )
            print(
                f"mkdocs build (public edition, search included) of the same site: {time.perf_counter() - start:.1f} s"
            )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if log is not None:
            log.close()
        if args.keep:
            restore()
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
