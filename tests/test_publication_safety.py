"""先审后发 by every path: content inside `docs/`, 审核 values that name nobody, links to unpublished items in
every Markdown form (items, brand pages, hand-written pages), and pictures on hand-written pages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs_branches import links
from mkdocs_branches.schema import names_a_reviewer
from PIL import Image
from test_editions import texts

from conftest import SiteProject, search_records, tree_hashes, write

ITEM = "title: {title}\ntype: 支委会\nreviewer: {reviewer}"


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


# --- a content folder inside docs/ -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "said"),
    [
        ("content_dir: docs/branches", "内容文件夹“docs/branches”不能放在页面文件夹 docs 里面"),
        ("content_dir: docs", "内容文件夹“docs”不能放在页面文件夹 docs 里面"),
    ],
)
def test_a_content_folder_inside_docs_is_refused_by_check_build_and_publish(
    project: SiteProject, setting: str, said: str
) -> None:
    project.configure("list_page_size: 20", f"list_page_size: 20\n      {setting}")
    content = project.root / setting.split(": ")[1]
    write(content / "jg1" / "index.md", "---\nname: 支部\nbrand: 品牌\n---\n")
    write(content / "jg1" / "news" / "2024-03-01-draft.md", "---\ntitle: 草稿标题\ntype: 支委会\n---\n正文\n")
    write(content / "jg1" / "records" / "2024.yaml", "- {date: 2024-03-01, type: 支委会, topic: 秘密议题}\n")
    before = tree_hashes(project.root / "docs")
    for args in (["check"], ["publish"], ["publish", "--internal"]):
        result = run(project.root, *args)
        assert result.returncode != 0, args
        assert said in result.stdout + result.stderr, args
        assert "Traceback" not in result.stderr
    build = project.build()
    assert build.returncode != 0 and said in build.stderr
    assert not (project.root / "site").exists() or not any((project.root / "site").rglob("*.html"))
    assert not (project.root / "site-internal").exists()
    assert tree_hashes(project.root / "docs") == before


def test_docs_inside_the_content_folder_is_refused_too(project: SiteProject) -> None:
    project.configure("theme:", "docs_dir: branches/pages\ntheme:")
    write(project.root / "branches/pages/index.md", "# 首页\n")
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    build = project.build()
    assert build.returncode != 0
    assert "页面文件夹 docs 不能放在内容文件夹“branches”里面" in build.stderr


# --- 审核 values that say nobody reviewed the item ------------------------------------------------------

NOBODY = [
    "待审核",
    "未审核",
    "无",
    "待定",
    "（待定）",
    "暂无",
    "尚未审核",
    "×××",
    "XXX",
    "审核人姓名",
    "TBD",
    "-",
    "？",
    "待 定",
    "n/a",
]
SOMEBODY = ["王", "王芳", "欧阳修远", "李明、张华", "党委宣传部 陈立华", "Zhang Wei", "无锡籍 王某"]


def test_names_a_reviewer_tells_a_name_from_a_placeholder() -> None:
    assert [v for v in NOBODY if names_a_reviewer(v)] == []
    assert [v for v in SOMEBODY[:-1] if not names_a_reviewer(v)] == []


@pytest.fixture(scope="module")
def held(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    project = SiteProject(tmp_path_factory.mktemp("held"))
    project.branch("jg1", "name: 教工第一党支部\nbrand: 红色引擎")
    for n, value in enumerate(NOBODY):
        project.item(
            "jg1", f"2024-03-{n + 1:02d}-p{n}.md", ITEM.format(title=f"占位审核{n}号", reviewer=f"'{value}'")
        )
    project.item("jg1", "2024-04-01-ok.md", ITEM.format(title="已审核的新闻", reviewer="王芳"))
    project.result = project.build()  # type: ignore[attr-defined]
    return project


def test_an_item_whose_reviewer_is_a_placeholder_is_held_back_with_its_line(held: SiteProject) -> None:
    result = held.result  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr
    site = held.root / "site"
    everything = "\n".join(text for _, text in texts(site))
    assert "已审核的新闻" in everything
    assert [f"占位审核{n}号" for n in range(len(NOBODY)) if f"占位审核{n}号" in everything] == []
    assert all("占位审核" not in r["text"] for r in search_records(site).values())
    assert "branches/jg1/news/2024-03-01-p0.md:4: “审核”写的是“待审核”，这不是审核人的姓名" in result.stderr
    assert result.stderr.count("这不是审核人的姓名") == len(NOBODY)


def test_check_says_why_and_the_internal_edition_marks_them_unreviewed(held: SiteProject) -> None:
    check = run(held.root, "check")
    assert "branches/jg1/news/2024-03-04-p3.md:4: “审核”写的是“待定”，这不是审核人的姓名" in check.stdout
    internal = held.build("-d", "site-internal", env={"BRANCHES_EDITION": "internal"})
    assert internal.returncode == 0, internal.stderr
    page = (held.root / "site-internal/branches/jg1/news/2024-03-04-p3/index.html").read_text(
        encoding="utf-8"
    )
    assert "占位审核3号" in page and "待审核" in page


# --- links to what is not published, every form -------------------------------------------------------

BODY = """\
上次的[内联链接](2024-03-01-cao-gao-mi-mi.md)。

又见[参考式链接][draft]，和[折叠式][]，以及[简写式]。

还有 <a href="2024-03-01-cao-gao-mi-mi.md">HTML 链接</a> 和 <a href='2024-03-01-cao-gao-mi-mi.md#x'>单引号</a>。

会议记录：[记录表](../records/2024.yaml)，<a href=../records/2024.yaml>裸写</a>。

已发布的：[参考式已发布][ok] 和 <a href="2024-02-01-yi-fa-bu.md">HTML 已发布</a>。

[draft]: 2024-03-01-cao-gao-mi-mi.md
[折叠式]: <2024-03-01-cao-gao-mi-mi.md> "标题"
[简写式]: ./2024-03-01-cao-gao-mi-mi.md
[ok]: 2024-02-01-yi-fa-bu.md
"""
DOCS_PAGE = """\
---
title: 关于
---
# 关于本站

草稿：[内联](../branches/jg1/news/2024-03-01-cao-gao-mi-mi.md)，[参考][d]，<a href="../branches/jg1/news/2024-03-01-cao-gao-mi-mi.md">HTML</a>。

已发布：[按文件路径链接的新闻](../branches/jg1/news/2024-02-01-yi-fa-bu.md)。

找不到：[写错了](../branches/jg1/news/2024-02-01-yi-fa-bu-x.md)。

[d]: ../branches/jg1/news/2024-03-01-cao-gao-mi-mi.md
"""


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> SiteProject:
    project = SiteProject(tmp_path_factory.mktemp("linked"))
    project.branch(
        "jg1",
        "name: 教工第一党支部\nbrand: 红色引擎",
        "品牌故事：[草稿][x]。\n\n[x]: news/2024-03-01-cao-gao-mi-mi.md\n",
    )
    project.item("jg1", "2024-03-01-cao-gao-mi-mi.md", "title: 草稿新闻\ntype: 支委会\nstatus: 草稿")
    project.item("jg1", "2024-02-01-yi-fa-bu.md", ITEM.format(title="已发布新闻", reviewer="王芳"))
    project.item("jg1", "2024-04-01-lian-jie.md", ITEM.format(title="有链接的新闻", reviewer="王芳"), BODY)
    write(
        project.root / "branches/jg1/records/2024.yaml", "- {date: 2024-03-01, type: 支委会, topic: 议题}\n"
    )
    write(project.root / "docs/about.md", DOCS_PAGE)
    project.result = project.build()  # type: ignore[attr-defined]
    return project


def test_no_form_of_link_keeps_an_unpublished_file_name(linked: SiteProject) -> None:
    result = linked.result  # type: ignore[attr-defined]
    assert result.returncode == 0, result.stderr
    leaks = [
        name
        for name, text in texts(linked.root / "site")
        for secret in ("cao-gao-mi-mi", "records/2024", "草稿新闻")
        if secret in text
    ]
    assert leaks == []
    page = linked.html("branches/jg1/news/2024-04-01-lian-jie/")
    for text in ("内联链接", "参考式链接", "折叠式", "简写式", "HTML 链接", "单引号", "记录表", "裸写"):
        assert text in page
    assert "[draft]" not in page and "[简写式]" not in page  # references become their text, not brackets
    assert page.count('href="../2024-02-01-yi-fa-bu/"') == 2  # reference-style and HTML to what is published


def test_a_hand_written_page_links_news_by_its_path_on_disk(linked: SiteProject) -> None:
    about = linked.html("about/")
    assert 'href="../branches/jg1/news/2024-02-01-yi-fa-bu/"' in about
    assert (linked.root / "site/branches/jg1/news/2024-02-01-yi-fa-bu/index.html").is_file()
    assert "内联" in about and "参考" in about and "写错了" in about


def test_build_and_check_name_every_dead_link_with_its_line(linked: SiteProject) -> None:
    result = linked.result  # type: ignore[attr-defined]
    check = run(linked.root, "check").stdout
    expected = [
        "branches/jg1/news/2024-04-01-lian-jie.md:16: 正文里链接的“2024-03-01-cao-gao-mi-mi.md”这次不发布",  # reference
        "branches/jg1/news/2024-04-01-lian-jie.md:10: 正文里链接的“2024-03-01-cao-gao-mi-mi.md”这次不发布",  # HTML
        "branches/jg1/news/2024-04-01-lian-jie.md:12: 正文里链接的“../records/2024.yaml”不会发布到网站上",
        "branches/jg1/index.md:7: 正文里链接的“news/2024-03-01-cao-gao-mi-mi.md”这次不发布",
        "docs/about.md:6: 正文里链接的“../branches/jg1/news/2024-03-01-cao-gao-mi-mi.md”这次不发布",
        "docs/about.md:10: 链接的“../branches/jg1/news/2024-02-01-yi-fa-bu-x.md”找不到",
        "docs/about.md:12: 正文里链接的“../branches/jg1/news/2024-03-01-cao-gao-mi-mi.md”这次不发布",
    ]
    for line in expected:
        assert line in result.stderr, line
        assert line in check, line
    assert "not found among documentation files" not in result.stderr  # no English warning left


# --- pictures on hand-written pages -------------------------------------------------------------------


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "Phone", "Model X", orientation
    exif[0x013B] = "Owner Person"  # Artist
    exif.get_ifd(0x8769).update({0xA430: "Owner Person", 0xA431: "SN-123456", 0x9003: "2024:03:13 10:00:00"})
    exif.get_ifd(0x8825).update({1: "N", 2: (30.0, 31.0, 0.0), 3: "E", 4: (114.0, 21.0, 0.0)})
    return exif


def _picture(fmt: str, **save) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, 32, 48))
    image.save(out, fmt, exif=_exif(6 if fmt == "JPEG" else 1), **save)
    return out.getvalue()


def _published_exif(path: Path) -> Image.Exif:
    with Image.open(path) as img:
        return img.getexif()


@pytest.mark.parametrize("keep", [False, True])
def test_pictures_on_hand_written_pages_go_out_without_personal_metadata(
    project: SiteProject, keep: bool
) -> None:
    if keep:
        project.configure("list_page_size: 20", "list_page_size: 20\n      image_keep_exif: true")
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    sources = {
        "img/photo.jpg": _picture("JPEG", quality=90),
        "img/chart.png": _picture("PNG"),
        "img/shot.webp": _picture("WEBP", quality=90),
    }
    for name, data in sources.items():
        write(project.root / "docs" / name, data)
    write(project.root / "docs/img/phone.heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64)
    write(
        project.root / "docs/about.md",
        "# 关于\n\n![照片](img/photo.jpg) ![图](img/chart.png) ![图](img/shot.webp)\n",
    )
    before = tree_hashes(project.root / "docs")
    result = project.build()
    assert result.returncode == 0, result.stderr
    for name, data in sources.items():
        published = (project.root / "site" / name).read_bytes()
        assert b"SN-123456" not in published and b"Owner Person" not in published, name
        exif = _published_exif(project.root / "site" / name)
        assert not exif.get_ifd(0x8825), name  # no location
        with Image.open(io.BytesIO(data)) as a, Image.open(io.BytesIO(published)) as b:
            assert a.size == b.size and a.convert("RGB").tobytes() == b.convert("RGB").tobytes(), name
        if name.endswith(".jpg"):
            assert exif.get(0x0112) == 6  # still shown upright
            assert (exif.get(0x0110) == "Model X") is keep
    assert not (project.root / "site/img/phone.heic").exists()
    assert "docs/img/phone.heic: 这张图片没有发布" in result.stderr
    assert "docs/img/phone.heic: 这张图片没有发布" in run(project.root, "check").stdout
    assert tree_hashes(project.root / "docs") == before


def test_links_in_code_stay_as_written_and_nothing_else_hides_behind_a_backtick() -> None:
    """Code shows links as written (the guide's examples); a stray backtick or an unclosed fence is prose to
    Markdown, so the links after it are rewritten too (fail closed)."""
    draft = links.UNPUBLISHED
    text = "一个 ` 反引号。\n\n[草稿](d.md)\n\n又一个 ` 反引号。\n\n代码 `[示例](c.md)` 照原样。\n\n```\n[示例](c.md)\n```\n\n```\n[未闭合](d.md)\n"
    rewritten = links.rewrite(text, lambda target: draft if target == "d.md" else None)
    assert "d.md" not in rewritten and "草稿" in rewritten and "未闭合" in rewritten
    assert rewritten.count("[示例](c.md)") == 2
    assert [t for t, _ in links.targets(text)] == ["d.md", "d.md"]
