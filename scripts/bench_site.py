"""Benchmark: the plugin against the engine's floor on a generated corpus.

Generates B branches × N items (× P photos each) in the content format, then builds
  - ours:  the corpus with the `branches` plugin (and its Pagefind search),
  - floor: the same items as plain MkDocs pages kept out of the nav, with Material's search (what MkDocs +
           Material cost anyway),
  - blog:  (optional, --blog) the same items as posts of Material's blog plugin (and Material's search),
each in a fresh process, and prints wall time, peak memory (RSS) and the ratio to the floor. With
`--repeat R` the builds alternate R times and the fastest of each is kept: on a shared machine the
minimum is the least noisy estimate of what a build costs.

    python scripts/bench_site.py                      # 60 × 150, no photos
    python scripts/bench_site.py -b 8 -n 20 -p 2      # a quick run
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

TYPES = [
    "支部党员大会",
    "支委会",
    "党小组会",
    "党课",
    "主题党日",
    "组织生活会",
    "志愿服务",
    "支部共建",
    "理论学习",
]
WORDS = [
    "学习",
    "贯彻",
    "党的",
    "二十大",
    "精神",
    "支部",
    "党员",
    "组织",
    "生活",
    "会议",
    "研究",
    "部署",
    "工作",
    "教学",
    "科研",
    "服务",
    "社区",
    "志愿",
    "实践",
    "调研",
    "交流",
    "讨论",
    "发言",
    "总结",
    "计划",
    "落实",
    "推进",
    "创新",
    "品牌",
    "引领",
    "先锋",
    "模范",
    "作用",
    "发挥",
]

THEME = """\
theme:
  name: material
  language: zh
  font: false
"""
MATERIAL_SEARCH = """\
plugins:
  - search:
      lang: zh
"""


def paragraph(rng: random.Random, words: int = 60) -> str:
    return "".join(rng.choice(WORDS) for _ in range(words)) + "。"


def make_corpus(root: Path, branches: int, items: int, photos: int) -> None:
    from PIL import Image

    rng = random.Random(1)
    content = root / "content"
    for b in range(branches):
        folder = content / "branches" / f"b{b:03d}"
        (folder / "news").mkdir(parents=True)
        (folder / "index.md").write_text(
            f"---\nname: 第{b}党支部\nbrand: 品牌{b}\ntype: 教工\nslogan: 口号{b}\n---\n\n## 品牌内涵\n\n{paragraph(rng)}\n",
            encoding="utf-8",
        )
        for i in range(items):
            day = f"20{22 + i // 50:02d}-{1 + (i // 4) % 12:02d}-{1 + i % 28:02d}"
            stem = f"{day}-item{i:03d}"
            body = "\n\n".join(paragraph(rng) for _ in range(3))
            lines = [f"title: 第{b}支部第{i}条动态", f"type: {TYPES[i % len(TYPES)]}", "reviewer: 张明"]
            lines.append(f"tags: [标签{i % 7}, 标签{b % 5}]")
            (folder / "news" / f"{stem}.md").write_text(
                "---\n" + "\n".join(lines) + f"\n---\n{body}\n", "utf-8"
            )
            if photos:
                (folder / "news" / stem).mkdir()
                for p in range(photos):
                    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
                    Image.new("RGB", (1600, 1200), colour).save(
                        folder / "news" / stem / f"{p + 1:02d}.jpg", quality=80
                    )


def site_ours(root: Path) -> Path:
    site = root / "ours"
    site.mkdir()
    (site / "docs").mkdir()
    (site / "docs" / "index.md").write_text("# 首页\n", encoding="utf-8")
    (site / "branches").symlink_to(root / "content" / "branches", target_is_directory=True)
    (site / "mkdocs.yml").write_text(f"site_name: bench\n{THEME}plugins:\n  - branches\n", encoding="utf-8")
    return site


def _items(root: Path):
    for path in sorted((root / "content" / "branches").glob("*/news/*.md")):
        head, body = path.read_text(encoding="utf-8").split("---\n", 2)[1:]
        title = head.splitlines()[0].split(": ", 1)[1]
        yield path, title, head, body


def site_floor(root: Path) -> Path:
    site = root / "floor"
    docs = site / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    for path, title, _, body in _items(root):
        target = docs / "branches" / path.parent.parent.name / "news" / f"{path.stem}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"# {title}\n\n{body}", encoding="utf-8")
    config = f"site_name: bench\nnav:\n  - index.md\nnot_in_nav: |\n  /branches/**\n{THEME}{MATERIAL_SEARCH}"
    (site / "mkdocs.yml").write_text(config, encoding="utf-8")
    return site


def site_blog(root: Path) -> Path:
    site = root / "blog"
    posts = site / "docs" / "blog" / "posts"
    posts.mkdir(parents=True)
    (site / "docs" / "blog" / "index.md").write_text("# 博客\n", encoding="utf-8")
    for path, title, head, body in _items(root):
        date = path.stem[:10]
        category = head.splitlines()[1].split(": ", 1)[1]
        text = f"---\ndate: {date}\ncategories: [{category}]\n---\n# {title}\n\n{body}"
        (posts / f"{path.parent.parent.name}-{path.stem}.md").write_text(text, encoding="utf-8")
    (site / "mkdocs.yml").write_text(
        f"site_name: bench\n{THEME}{MATERIAL_SEARCH}  - blog\n", encoding="utf-8"
    )
    return site


def build(site: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of `mkdocs build` in a fresh process."""
    code = textwrap.dedent(
        """
        import resource, subprocess, sys, time
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=sys.argv[1])
        took = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(took, peak, done.returncode)
        """
    )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)], capture_output=True, text=True, env=env, check=True
    )
    took, peak, code_ = out.stdout.split()
    if code_ != "0":
        raise SystemExit(f"build of {site.name} failed: {out.stderr}")
    return float(took), float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-b", "--branches", type=int, default=60)
    parser.add_argument("-n", "--items", type=int, default=150, help="items per branch")
    parser.add_argument("-p", "--photos", type=int, default=0, help="photos per item")
    parser.add_argument("--blog", action="store_true", help="also build with Material's blog plugin")
    parser.add_argument("--keep", type=Path, help="keep the generated sites in this folder")
    parser.add_argument(
        "--repeat", type=int, default=1, help="alternate the builds R times, keep the fastest"
    )
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-site-")) if not args.keep else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        make_corpus(root, args.branches, args.items, args.photos)
        sites = {"ours": site_ours(root), "floor": site_floor(root)}
        if args.blog:
            sites["blog"] = site_blog(root)
        total = args.branches * args.items
        print(
            f"corpus: {args.branches} branches × {args.items} items = {total} items, {args.photos} photos each"
        )
        print(f"(generated in {time.perf_counter() - started:.1f} s; {os.cpu_count()} cores)\n")
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in sites}
        for _ in range(max(1, args.repeat)):
            for name, site in sites.items():
                runs[name].append(build(site))
        results = {name: (min(t for t, _ in r), max(m for _, m in r)) for name, r in runs.items()}
        if args.repeat > 1:
            print(
                "all runs (s): "
                + "; ".join(f"{n} " + " ".join(f"{t:.1f}" for t, _ in r) for n, r in runs.items())
            )
        floor = results["floor"][0]
        print(f"{'build':<8}{'seconds':>10}{'× floor':>10}{'peak MiB':>10}")
        for name, (took, peak) in results.items():
            print(f"{name:<8}{took:>10.1f}{took / floor:>10.2f}{peak:>10.0f}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
