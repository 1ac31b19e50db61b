"""Benchmark: search in the reviewers' edition opened from disk (file://), where the index is classic scripts.

Generates the corpus of bench_site.py (default 60 branches × 50 items = 3,000), publishes its internal
edition (`publish --internal`), and in Chromium opens an item page as a file, clicks into the search box
and types each query: the first search of a visit loads the whole index (pagefind/offline/), the others
search what is loaded. Prints the index's size on disk and the ms from typing to the first result.

    python scripts/bench_offline.py                 # 3,000 items
    python scripts/bench_offline.py --site /tmp/x   # an edition already published (the demo's, say)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from bench_search import QUERIES, RESULT, TYPE_AND_WAIT  # noqa: E402
from bench_site import make_corpus, site_ours  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


def publish(site: Path) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs_branches", "publish", "--internal"]
    done = subprocess.run(command, cwd=site, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"publish failed:\n{done.stderr}")
    return site / "site-internal"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-b", "--branches", type=int, default=60)
    parser.add_argument("-n", "--items", type=int, default=50, help="items per branch")
    parser.add_argument("--site", type=Path, help="a published internal edition to measure instead")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = None
    try:
        if args.site:
            edition = args.site
        else:
            root = Path(tempfile.mkdtemp(prefix="bench-offline-"))
            make_corpus(root, args.branches, args.items, 0)
            edition = publish(site_ours(root))
        index = [p for p in (edition / "pagefind" / "offline").iterdir() if p.is_file()]
        size = sum(p.stat().st_size for p in index)
        print(f"offline index: {size / 1e6:.2f} MB in {len(index)} files")
        page_file = next(p for p in sorted(edition.glob("branches/*/news/*/index.html")))
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(page_file.as_uri())
            page.locator("input.md-search__input").click()
            for query in QUERIES:
                took = page.evaluate(TYPE_AND_WAIT, [query, RESULT])
                found = page.locator(".md-search-result__meta").inner_text()
                print(f"{query}: {took:.0f} ms to the first result ({found})")
                page.locator("input.md-search__input").fill("")
            heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0")
            print(f"JavaScript heap after searching: {heap / 1e6:.0f} MB")
            browser.close()
    finally:
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
