"""Benchmark: search as a reader meets it, ours (Pagefind) against the floor (Material's search).

Generates the corpus of bench_site.py (default 60 branches × 150 items), builds
  - ours:  the corpus with the `branches` plugin, whose search is Pagefind,
  - floor: the same items as plain MkDocs + Material pages with Material's search (jieba, when installed,
           segmenting Chinese as sites had it),
serves each under a sub-path (Pagefind's files as application/octet-stream) by a plain server, and by one
that gzips text files as most servers do, and in Chromium, for each query, in a fresh browser (nothing
cached): opens an item page, waits for it to load, clicks into the site's own search box and types the
query, at once (the default) or `--pause` ms later, as a reader who types a Chinese word with an input
method does (both search boxes start loading what they need when the box is focused). It prints the bytes
transferred from navigation start until the first result is shown, and the time from typing to it, for
both sites, and the ratios (medians over the queries; with `--repeat`, each query's median and range).

    python scripts/bench_search.py                  # 9,000 items
    python scripts/bench_search.py -b 8 -n 20       # a quick run
    python scripts/bench_search.py --keep /tmp/b    # keep (or reuse) the corpus and the built sites
    python scripts/bench_search.py --keep /tmp/b --repeat 3 --pause 1000 --only ours
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]
from bench_site import make_corpus, site_floor, site_ours  # noqa: E402

from browser import CHROMIUM, CHROMIUM_ARGS, serve_under_sub_path  # noqa: E402

QUERIES = ("志愿服务", "先锋模范", "党员")  # words of the corpus: bench_site.WORDS
RESULT = ".md-search-result__item"  # a result, in Material's search and in ours

# Types into the focused box like a reader: Material's search reads the box on `keyup`, ours on `input`.
# Resolves with the milliseconds from typing to the first result on screen.
TYPE_AND_WAIT = """([query, result]) => new Promise(resolve => {
    const box = document.querySelector("input.md-search__input");
    const start = performance.now();
    const seen = () => {
        if (document.querySelector(result)) resolve(performance.now() - start);
        else requestAnimationFrame(seen);
    };
    box.value = query;
    box.dispatchEvent(new Event("input", {bubbles: true}));
    box.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: query.slice(-1)}));
    seen();
})"""


def build(site: Path) -> float:
    start = time.perf_counter()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"build of {site.name} failed:\n{done.stderr}")
    return time.perf_counter() - start


def measure(browser, url: str, query: str, pause: int) -> tuple[int, float]:
    """Bytes from navigation start to the first result, and milliseconds from typing to it."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    received: list[float] = []
    cdp.on("Network.loadingFinished", lambda event: received.append(event["encodedDataLength"]))
    page.goto(url, wait_until="load")
    page.locator("input.md-search__input").focus()
    if pause:
        page.wait_for_timeout(pause)
    took = page.evaluate(TYPE_AND_WAIT, [query, RESULT])
    transferred = int(sum(received))
    context.close()
    return transferred, took


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-b", "--branches", type=int, default=60)
    parser.add_argument("-n", "--items", type=int, default=150, help="items per branch")
    parser.add_argument(
        "--keep", type=Path, help="keep (or reuse) the corpus and the built sites here (built when missing)"
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per query (each in a fresh browser context)"
    )
    parser.add_argument("--pause", type=int, default=0, help="ms between focusing the search box and typing")
    parser.add_argument("--only", choices=("ours", "floor"), help="measure one site only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-search-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        if not (root / "content").is_dir():
            make_corpus(root, args.branches, args.items, 0)
        sites = {
            name: root / name if (root / name).is_dir() else make(root)
            for name, make in (("ours", site_ours), ("floor", site_floor))
            if args.only in (None, name)
        }
        jieba = importlib.util.find_spec("jieba") is not None
        print(
            f"{args.branches * args.items} items; the floor's search {'with' if jieba else 'without'} jieba"
        )
        for name, site in sites.items():
            if not (site / "site").is_dir():
                print(f"built {name} in {build(site):.1f} s")
        item = sorted((root / "content/branches/b000/news").glob("*.md"))[0].stem
        rows: dict[tuple[str, bool], list[list[tuple[int, float]]]] = {}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            for compress in (False, True):
                for name, site in sites.items():
                    with serve_under_sub_path(site / "site", compress) as url:
                        page = f"{url}branches/b000/news/{item}/"
                        rows[name, compress] = [
                            [measure(browser, page, query, args.pause) for _ in range(args.repeat)]
                            for query in QUERIES
                        ]
            browser.close()
        print(
            f"\ntyping {args.pause} ms after focusing the box; {args.repeat} run(s) per query, median (range)"
        )
        print(f"{'server':<8}{'query':<10}{'site':<7}{'MB to first result':>24}{'ms typing → result':>24}")
        for (name, compress), measured in rows.items():
            for query, runs in zip(QUERIES, measured, strict=True):
                server = "gzip" if compress else "plain"
                mb, ms = [b / 1e6 for b, _ in runs], [t for _, t in runs]
                print(f"{server:<8}{query:<10}{name:<7}{_spread(mb, 3):>24}{_spread(ms, 0):>24}")
        for compress in (False, True):
            median = {
                name: (
                    statistics.median(b for runs in r for b, _ in runs),
                    statistics.median(t for runs in r for _, t in runs),
                )
                for (name, c), r in rows.items()
                if c == compress
            }
            line = "; ".join(f"{name} {b / 1e6:.3f} MB, {t:.0f} ms" for name, (b, t) in median.items())
            if len(median) == 2:
                ours, floor = median["ours"], median["floor"]
                line += f"; ours / floor: bytes × {ours[0] / floor[0]:.3f}, time × {ours[1] / floor[1]:.2f}"
            print(f"\n{'gzip' if compress else 'plain'} server, medians: {line}")
        if "ours" in sites:
            bundle = [p for p in (sites["ours"] / "site/pagefind").rglob("*") if p.is_file()]
            shards = len(list((sites["ours"] / "site/pagefind").glob("**/pagefind-entry.json")))
            size = sum(p.stat().st_size for p in bundle) / 1e6
            print(
                f"\nindex on disk: ours {size:.1f} MB in {len(bundle)} files, {shards} shard(s) "
                "(a query fetches a few)"
            )
        if "floor" in sites:
            material = (sites["floor"] / "site/search/search_index.json").stat().st_size
            print(f"               floor {material / 1e6:.1f} MB in one file (fetched whole)")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def _spread(values: list[float], digits: int) -> str:
    middle = f"{statistics.median(values):.{digits}f}"
    if len(values) == 1:
        return middle
    return f"{middle} ({min(values):.{digits}f}–{max(values):.{digits}f})"


if __name__ == "__main__":
    main()
