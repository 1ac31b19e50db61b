"""Benchmark: every public page kind of the demo on a phone, by Lighthouse, against a plain Material page.

Builds the demo's public edition and a small floor site (bench_site.py's plain MkDocs + Material pages),
serves both under a sub-path without compression (as a college's site group may), and runs Lighthouse's
mobile preset (simulated slow 4G, 4× CPU slowdown) on one page of each public kind (tests/audit.py's
KINDS) and on the floor's home, R times each, in Debian's Chromium. Prints the medians of the performance
score, the largest contentful paint (LCP) and the cumulative layout shift (CLS), each kind beside the floor.

Lighthouse is pinned in scripts/lighthouse/package.json (`make bench` runs `npm ci` there): it is large
(~185 MB installed), so it stays out of the test install (`npm ci` of the root package.json).

    python scripts/bench_lighthouse.py                   # every public kind, 3 runs each
    python scripts/bench_lighthouse.py --repeat 1 --only gallery --only item --why
    python scripts/bench_lighthouse.py --site /tmp/demo  # an already built public edition
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]
from bench_site import make_corpus, site_floor  # noqa: E402

from audit import KINDS  # noqa: E402
from browser import CHROMIUM, serve_under_sub_path  # noqa: E402

LIGHTHOUSE = HERE / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless=new --no-sandbox --disable-background-networking"
FLOOR = "plain Material page"


@dataclass(frozen=True)
class Run:
    score: float  # 0–100
    lcp: float  # seconds
    cls: float
    lcp_element: str
    lazy_lcp: bool  # Lighthouse's `lcp-lazy-loaded` failed


def lighthouse(url: str) -> Run:
    """One Lighthouse run of `url` with the mobile preset (Lighthouse's default)."""
    out = subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=performance",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    if out.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{out.stderr[-2000:]}")
    report = json.loads(out.stdout)
    audits = report["audits"]
    element = audits.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    try:
        selector = element[0]["items"][0]["node"]["selector"]
    except (IndexError, KeyError, TypeError):
        selector = ""
    lazy = audits.get("lcp-lazy-loaded", {}).get("score")
    return Run(
        score=100 * (report["categories"]["performance"]["score"] or 0),
        lcp=audits["largest-contentful-paint"]["numericValue"] / 1000,
        cls=audits["cumulative-layout-shift"]["numericValue"],
        lcp_element=selector,
        lazy_lcp=lazy is not None and lazy < 1,
    )


def build(source: Path, out: Path, *config: str) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", *config, "-d", str(out)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"build of {source} failed:\n{done.stderr}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per page (the median is printed)")
    parser.add_argument("--site", type=Path, help="a built public edition of the demo (built when not given)")
    parser.add_argument("--only", action="append", help="measure only this page kind (repeatable)")
    parser.add_argument("--why", action="store_true", help="also print each page's largest paint element")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "Lighthouse is missing: `make bench` installs it (npm ci --prefix scripts/lighthouse)"
        )

    root = Path(tempfile.mkdtemp(prefix="bench-lighthouse-"))
    try:
        demo = args.site or build(ROOT, root / "demo" / "site", "-f", str(ROOT / "mkdocs.yml"))
        corpus = root / "floor-corpus"
        make_corpus(corpus, 1, 3, 0)
        floor = build(site_floor(corpus), corpus / "floor" / "site")
        kinds = [k for k in KINDS if "public" in k.editions and (not args.only or k.name in args.only)]
        pages = {k.name: k.find(demo) for k in kinds}
        results: dict[str, list[Run]] = {}
        with serve_under_sub_path(demo) as ours, serve_under_sub_path(floor) as plain:
            # Alternate the pages run by run, so that a busy moment of the machine spreads over all of them.
            for _ in range(max(1, args.repeat)):
                for name, path in pages.items():
                    if path is not None:
                        results.setdefault(name, []).append(lighthouse(ours + path))
                results.setdefault(FLOOR, []).append(lighthouse(plain))
        print(f"Lighthouse mobile preset, no compression; median of {args.repeat} run(s) per page\n")
        base = _median(results[FLOOR])
        print(f"{'page kind':<22}{'score':>7}{'LCP s':>8}{'CLS':>8}   {'floor':>7}{'LCP s':>8}{'CLS':>8}")
        for name, path in pages.items():
            if path is None:
                print(f"{name:<22}{'(no page of this kind in the demo)':>30}")
                continue
            m = _median(results[name])
            print(
                f"{name:<22}{m.score:>7.0f}{m.lcp:>8.2f}{m.cls:>8.3f}   "
                f"{base.score:>7.0f}{base.lcp:>8.2f}{base.cls:>8.3f}"
            )
        print(f"{FLOOR:<22}{base.score:>7.0f}{base.lcp:>8.2f}{base.cls:>8.3f}")
        if args.why:
            print("\nlargest paint (last run):")
            for name, runs in results.items():
                last = runs[-1]
                print(f"  {name:<20} {last.lcp_element}{'  (lazy-loaded!)' if last.lazy_lcp else ''}")
        lazy = sorted({name for name, runs in results.items() if any(r.lazy_lcp for r in runs)})
        if lazy:
            print(f"\nthe largest paint is lazy-loaded on: {', '.join(lazy)}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _median(runs: list[Run]) -> Run:
    return Run(
        score=statistics.median(r.score for r in runs),
        lcp=statistics.median(r.lcp for r in runs),
        cls=statistics.median(r.cls for r in runs),
        lcp_element=runs[-1].lcp_element,
        lazy_lcp=any(r.lazy_lcp for r in runs),
    )


if __name__ == "__main__":
    main()
