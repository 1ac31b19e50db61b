"""Property-based, whole sites: random content trees (names, encodings, headers, photos, meeting registers,
links, hidden files, hand-written pages) are checked and built in both editions, and

- `check` reports exactly the errors the two builds report (no build finds one `check` missed);
- nothing raises but the build's own "stop" (no traceback);
- no source file changes, and nothing is written outside the site folders and `.cache/`
  (`check` writes nothing at all);
- MkDocs says nothing of its own about the content (its English warnings, dead links).

`make test` runs a few examples; `HYPOTHESIS_PROFILE=long` (profile in conftest.py) runs many more.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from mkdocs_branches.commands.check import check_content
from mkdocs_branches.commands.common import Collected
from mkdocs_branches.errors import Severity
from PIL import Image

from conftest import SITE_CONFIG

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"

CONFIG = SITE_CONFIG.format(page_size=2)


def _image(size: tuple[int, int], fmt: str, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode != "CMYK" else (0, 255, 255, 0)).save(out, fmt)
    return out.getvalue()


def _noisy_jpeg() -> bytes:
    out = io.BytesIO()
    Image.effect_noise((96, 64), 60).convert("RGB").save(out, "JPEG", quality=95)
    return out.getvalue()


PHOTOS = {
    "jpeg": _image((16, 12), "JPEG"),
    "png": _image((12, 16), "PNG"),
    "gif": _image((8, 8), "GIF", "P"),
    "webp": _image((10, 10), "WEBP"),
    "cmyk": _image((12, 8), "JPEG", "CMYK"),
    "thin": _image((1, 17000), "PNG", "L"),
    "empty": b"",
    "text": "这其实是一段文字，不是照片。".encode(),
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>',
    "cut": _noisy_jpeg()[:600],
}
PHOTO_NAMES = ["01.jpg", "01.png", "02.JPG", "现场.jpg", "现场.JPG", "a b.webp", "长" * 80 + ".jpg", "x.gif"]
JUNK = {  # what computers leave by themselves
    "._01.jpg": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
    ".DS_Store": b"\x00\x00\x00\x01Bud1",
    "Thumbs.db": b"\xd0\xcf\x11\xe0",
    "~$稿件.docx": b"\x0bWPS",
}


def mostly(good: list[str], bad: list[str]) -> st.SearchStrategy[str]:
    """A good value nine times in ten, so that many sites have no error and get built to the end (the bad
    one is not at either end of the range: Hypothesis draws those often, and shrinks towards 0)."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(bad if n == 7 and bad else good))


def sometimes(draw: st.DrawFn) -> bool:
    return draw(st.integers(0, 9)) == 7


def rarely(bad: list[str]) -> st.SearchStrategy[str]:
    return mostly([""], bad)


TYPES = mostly(["支委会", "主题党日", "党课", "其他"], ["支部大会", ""])
DATES = mostly(
    ["2024-03-13", "2024-03-13 14:30", "2024年3月13日"], ["2024-02-30", "0001-01-01", "2099-01-01", "3月1日"]
)
TEXTS = mostly(
    ["三月支委会", "学习“七一”讲话：体会", "</title><script>alert(1)</script> & “引号”"],
    ["yes", "#1 号文件", "a\x01b", ""],
)
BODIES = mostly(
    [
        "",
        "正文。\n",
        "[上一条](OTHER.md)\n",
        "![会场](STEM/01.jpg)\n",
        "[附件](STEM/a.pdf)\n",
        "[外链](https://example.com) [锚](#x)\n\n<script>alert(1)</script>\n",
        ">" * 40 + " 引用\n",
    ],
    ["[不存在](2024-01-01-nothing.md)\n"],
)
BRANCH_IDS = mostly(["jg1", "xs-bk2"], ["Jg3", "党支部", "_old", ".git"])
STEMS = mostly(
    ["2024-03-13-x", "2024-03-14-清明祭扫", "2024-03-15-" + "长" * 60, "2024-03-16-a b"],
    ["2024-02-30-bad", "nodate", "0001-01-01-old"],
)
ENCODINGS = mostly(["utf-8", "utf-8-sig"], ["gbk", "utf-16"])
RECORDS = [
    "- 日期: 2024-03-12\n  活动类型: 支委会\n  主题: 研究工作\n",
    "- 日期: 2024-03-13\n  活动类型: 支委会\n  主题: 会议\n  新闻: 2024-03-13-x.md\n",
    "- 日期: 1900-01-01\n  活动类型: 支委会\n  主题: 旧\n",
    "日期：2024-03-12\n",
    "- 日期: 2024-03-12\n  活动类型: 开会\n  主题: x\n  应到: 5\n  实到: 9\n",
]


@dataclass
class Tree:
    files: dict[str, bytes] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)  # path → what the link says


def _encoded(text: str, encoding: str) -> bytes:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode("utf-8")


@st.composite
def headers(draw: st.DrawFn, stem: str) -> str:
    lines = [f"标题: {draw(TEXTS)}", f"活动类型: {draw(TYPES)}"]
    if draw(st.booleans()):
        lines.append(f"审核: {draw(mostly(['王芳'], ['']))}")
    if stem == "nodate" or sometimes(draw):
        lines.append(f"日期: {draw(DATES)}")
    if sometimes(draw):
        lines.append(f"状态: {draw(mostly(['草稿', '发布'], ['待审核']))}")
    if draw(st.booleans()):
        lines.append(f"标签: [{draw(st.sampled_from(['组织建设', '长' * 80, '2024']))}]")
    if sometimes(draw):
        lines.append(
            f"封面: {draw(mostly(['01.jpg', f'{stem}/01.png'], ['nope.jpg', 'C:/x.jpg', '../../../x.jpg']))}"
        )
    if sometimes(draw):
        names = draw(st.lists(mostly(["01.jpg", "现场.jpg", f"{stem}/02.JPG"], ["missing.png"]), max_size=2))
        lines.append(
            "图片:" + "".join(f"\n  - {{文件: {n}, 说明: 现场}}" for n in names) if names else "图片: []"
        )
    extra = draw(rarely(["titel: 多余", "标题：全角", "\t缩进: x", "tags: " + "[" * 400 + "]" * 400]))
    return "\n".join([*lines, extra])


@st.composite
def trees(draw: st.DrawFn) -> Tree:
    tree = Tree()
    for branch in draw(st.lists(BRANCH_IDS, min_size=1, max_size=3, unique=True)):
        base = f"branches/{branch}"
        if not sometimes(draw):
            header = draw(
                mostly(
                    ["name: 支部\nbrand: 品牌", "支部名称: 支部\n品牌名称: 品牌\n党员人数: 23"],
                    ["name: 支部", "党员人数: ²³"],
                )
            )
            founded = draw(mostly(["", "\nfounded: 2015-09"], ["\nfounded: 0001-01"]))
            tree.files[f"{base}/index.md"] = f"---\n{header}{founded}\n---\n故事\n".encode()
        stems = draw(st.lists(STEMS, max_size=3, unique=True))
        for stem in stems:
            other = draw(st.sampled_from(stems))
            body = draw(BODIES).replace("STEM", stem).replace("OTHER", other)
            text = f"---\n{draw(headers(stem))}\n---\n{body}"
            suffix = draw(mostly([".md"], [".MD", ".md.txt"]))
            tree.files[f"{base}/news/{stem}{suffix}"] = _encoded(text, draw(ENCODINGS))
            if "a.pdf" in body:
                tree.files[f"{base}/news/{stem}/a.pdf"] = b"%PDF-1.4"
            for name in draw(st.lists(st.sampled_from(PHOTO_NAMES), max_size=2, unique=True)):
                kind = draw(
                    mostly(["jpeg", "png", "gif", "webp", "cmyk"], ["thin", "empty", "text", "svg", "cut"])
                )
                tree.files[f"{base}/news/{stem}/{name}"] = PHOTOS[kind]
            if sometimes(draw):
                name, data = draw(st.sampled_from(sorted(JUNK.items())))
                tree.files[f"{base}/news/{stem}/{name}"] = data
            if sometimes(draw):
                kind = draw(st.sampled_from(["inside", "outside", "dangling", "loop", "up"]))
                target = {
                    "inside": "01.jpg",
                    "outside": "OUTSIDE/secret.jpg",
                    "dangling": "nothing.jpg",
                    "loop": "09.jpg",
                    "up": "..",
                }[kind]
                tree.links[f"{base}/news/{stem}/{'up' if kind == 'up' else '09.jpg'}"] = target
        if sometimes(draw):
            tree.files[f"{base}/news/._2024-03-13-x.md"] = JUNK["._01.jpg"]
            tree.files[f"{base}/news/2024/2024-03-20-stray.md"] = b"---\ntitle: x\n---\n"
        if sometimes(draw):
            rows = "".join(draw(st.lists(mostly(RECORDS[:1], RECORDS[1:]), min_size=1, max_size=3)))
            tree.files[f"{base}/records/2024.yaml"] = rows.encode()
            tree.files[f"{base}/records/~$2024.xlsx"] = b"lock"
    if sometimes(draw):
        page = draw(st.sampled_from(["docs/news.md", "docs/tags/index.md", "docs/branches/jg1/index.md"]))
        tree.files[page] = b"# hand-written\n"
    return tree


def materialise(root: Path, outside: Path, tree: Tree) -> None:
    (root / "docs").mkdir(parents=True)
    (root / "docs/index.md").write_text("# 首页\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    for rel, data in tree.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for rel, target in tree.links.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.path.lexists(path):
            os.symlink(target.replace("OUTSIDE", str(outside)), path)


def snapshot(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under `folder` (not following links) → its content's digest, or its link's target."""
    found = {}
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if (Path(top) / d).relative_to(folder).as_posix() not in skip]
        for name in dirs + files:
            path = Path(top) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                found[rel] = "-> " + os.readlink(path)
            elif path.is_file():
                found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[rel] = "dir"
    return found


OURS = "mkdocs.plugins.mkdocs_branches"


def build_edition(root: Path, edition: str) -> tuple[set[str], set[str], list[str]]:
    """One real MkDocs build of `edition`: (its errors, its warnings, what MkDocs itself complained of)."""
    collect = Collected()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    saved = os.environ.get("BRANCHES_EDITION")
    os.environ["BRANCHES_EDITION"] = edition
    try:
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site" / edition))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        except Abort:
            pass  # the build stopping on content errors, reported above
        finally:
            config.plugins.on_shutdown()
    finally:
        logger.removeHandler(collect)
        if saved is None:
            del os.environ["BRANCHES_EDITION"]
        else:
            os.environ["BRANCHES_EDITION"] = saved
    ours = [r for r in collect.records if r.name.startswith(OURS)]
    text = [r.getMessage().removeprefix("mkdocs_branches: ") for r in ours]
    errors = {
        t
        for r, t in zip(ours, text, strict=True)
        if r.levelno >= logging.ERROR and not t.startswith("内容检查发现")
    }
    warnings = {t for r, t in zip(ours, text, strict=True) if r.levelno == logging.WARNING}
    others = [
        f"{r.name}: {r.getMessage()}"
        for r in collect.records
        if not r.name.startswith(OURS) and not r.getMessage().startswith(("内容检查发现", "Aborted with"))
    ]
    return errors, warnings, others


def agree(tree: Tree) -> tuple[int, bool]:
    """The invariants for one tree; returns how many errors `check` found and whether pages were built."""
    with tempfile.TemporaryDirectory() as tmp:
        root, outside = Path(tmp) / "site-folder", Path(tmp) / "outside"
        outside.mkdir()
        (outside / "secret.jpg").write_bytes(PHOTOS["jpeg"])
        materialise(root, outside, tree)
        sources, elsewhere = snapshot(root), snapshot(outside)

        problems = check_content(root / "mkdocs.yml")
        assert snapshot(root) == sources, "check wrote or changed a file"
        checked_errors = {str(p) for p in problems.items if p.severity is Severity.ERROR}
        checked_warnings = {str(p) for p in problems.items if p.severity is Severity.WARNING}

        public, public_warnings, public_others = build_edition(root, "public")
        internal, _, internal_others = build_edition(root, "internal")
        assert public | internal == checked_errors
        assert public_warnings <= checked_warnings
        assert public_others == [] and internal_others == []
        assert snapshot(root, skip=("site", ".cache")) == sources, (
            "a build changed a source or wrote beside them"
        )
        assert snapshot(outside) == elsewhere
        return len(checked_errors), any((root / "site").rglob("index.html"))


@settings(
    max_examples=settings.default.max_examples if LONG else 25,  # HYPOTHESIS_PROFILE=long for the deep run
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tree=trees())
def test_check_and_both_builds_agree_and_touch_nothing(tree: Tree) -> None:
    errors, built = agree(tree)
    event(f"errors: {min(errors, 3)}{'+' if errors > 3 else ''}")
    event(f"pages built: {built}")


@pytest.mark.parametrize("name", sorted(PHOTOS))
def test_every_sample_photo_is_judged_alike(name: str) -> None:
    """The photos the trees draw from, one at a time: a certain pass over each, whatever is drawn."""
    agree(
        Tree(
            files={
                "branches/jg1/index.md": b"---\nname: x\nbrand: y\n---\n",
                "branches/jg1/news/2024-03-13-x.md": "---\n标题: 会\n活动类型: 支委会\n审核: 王\n---\n".encode(),
                "branches/jg1/news/2024-03-13-x/01.jpg": PHOTOS[name],
            }
        )
    )
