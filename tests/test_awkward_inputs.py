"""Content as careless or unlucky editors leave it (issue 15): every case a message naming the file and
what to do, never a traceback, and nothing changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES
from mkdocs_branches.loader import Settings, load_content
from PIL import Image

from conftest import SiteProject, tree_hashes

SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))
ITEM = "title: 新闻\ntype: 支委会\nreviewer: 王"


def problems(root: Path) -> list[str]:
    before = tree_hashes(root / "branches")
    _, found = load_content(root, SETTINGS)
    assert tree_hashes(root / "branches") == before
    return [f"{p.severity.value} {p}" for p in found.sorted()]


def photo(path: Path, size: tuple[int, int] = (64, 48), fmt: str = "JPEG") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "red").save(path, fmt)
    return path


@pytest.fixture
def branch(project: SiteProject) -> SiteProject:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    return project


def test_symlink_loops_are_named_not_raised(branch: SiteProject) -> None:
    news = branch.root / "branches/jg1/news"
    branch.item("jg1", "2024-03-13-x.md", ITEM)
    (news / "2024-03-13-x").mkdir()
    os.symlink("a.jpg", news / "2024-03-13-x/a.jpg")
    os.symlink("loop.md", news / "loop.md")
    os.symlink("nothing.jpg", news / "2024-03-13-x/b.jpg")
    branch.item("jg1", "2024-03-14-y.md", ITEM + "\ncover: 2024-03-13-x/b.jpg")
    link = "这是一个快捷方式（链接），它指向的文件不存在。请删掉这个快捷方式，把文件本身复制到这里"
    assert problems(branch.root) == [
        f"错误 branches/jg1/news/2024-03-13-x/a.jpg: {link}",
        f"错误 branches/jg1/news/2024-03-13-x/b.jpg: {link}",  # the link, not the file it names
        f"错误 branches/jg1/news/2024-03-14-y.md:5: {link}",
        f"错误 branches/jg1/news/loop.md: {link}",
    ]


def test_a_path_longer_than_the_file_system_allows_is_not_found(branch: SiteProject) -> None:
    branch.item("jg1", "2024-03-13-x.md", ITEM + "\ncover: " + "长" * 200 + ".jpg")
    assert problems(branch.root) == [
        f"错误 branches/jg1/news/2024-03-13-x.md:5: 找不到图片“{'长' * 200}.jpg”。请检查文件名（包括大小写和扩展名 .jpg/.png）是否和文件夹里的一致"
    ]


def test_numbers_in_other_scripts(branch: SiteProject) -> None:
    branch.branch(
        "jg1",
        "name: 支部\nbrand: 品牌\nmembers: ²³\nhonors:\n  - {year: ²⁰²³, title: 先进}\n  - {year: true, title: 优秀}",
    )
    branch.branch("jg2", "name: 支部二\nbrand: 品牌\nmembers: ２３")  # full-width digits are digits
    found = problems(branch.root)
    assert found == [
        "错误 branches/jg1/index.md:4: “members”的值不对：应该是一个整数，例如 35（现在是“²³”，请去掉“人”等文字）",
        "错误 branches/jg1/index.md:5: “honors”的值不对：荣誉的年份“²⁰²³”应该是四位数字，例如 2023",
    ]
    content, _ = load_content(branch.root, SETTINGS)
    assert content.branches["jg2"].members == 23


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("tags: " + "[" * 400 + "]" * 400, "信息头里的列表或缩进套了太多层"),
        ("tags: " + "[" * 20000 + "]" * 20000, "信息头里的列表或缩进套了太多层"),
        ("".join(" " * i + f"k{i}:\n" for i in range(1500)), "信息头里的列表或缩进套了太多层"),
    ],
)
def test_headers_nested_thousands_deep(branch: SiteProject, header: str, expected: str) -> None:
    branch.item("jg1", "2024-03-13-x.md", f"title: x\ntype: 支委会\n{header}")
    (found,) = problems(branch.root)
    assert expected in found and found.startswith("错误 branches/jg1/news/2024-03-13-x.md")


def test_control_characters_in_a_header_are_shown_with_their_line(branch: SiteProject) -> None:
    branch.item("jg1", "2024-03-13-x.md", "title: 会议\x01记录\ntype: 支委会\nauthor: 李\x7f明")
    assert problems(branch.root) == [
        "错误 branches/jg1/news/2024-03-13-x.md:2: 这一行第 10 个字是看不见的控制字符（U+0001）。常见于从网页或 Word 复制过来的文字：请删掉这一行，重新输入",
        "错误 branches/jg1/news/2024-03-13-x.md:4: 这一行第 10 个字是看不见的控制字符（U+007F）。常见于从网页或 Word 复制过来的文字：请删掉这一行，重新输入",
    ]


def test_an_unreadable_header_date_gets_one_message(branch: SiteProject) -> None:
    branch.item("jg1", "nodate.md", ITEM + "\n日期: 2024-02-30")
    branch.item("jg1", "2024-03-01-x.md", ITEM + "\n日期: 3月1日")
    assert problems(branch.root) == [
        "错误 branches/jg1/news/2024-03-01-x.md:5: “日期”的值不对：无法识别日期“3月1日”，请写成 2024-03-13、2024-03-13 14:30 或 2024年3月13日",
        "错误 branches/jg1/news/nodate.md:5: “日期”的值不对：日期 2024年2月30日 不存在（请检查月份和日子）",
    ]


def test_files_the_editor_cannot_see_are_skipped(branch: SiteProject) -> None:
    news = branch.root / "branches/jg1/news"
    branch.item("jg1", "2024-03-13-x.md", ITEM)
    photo(news / "2024-03-13-x/01.jpg")
    apple_double = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        " + bytes(range(256))
    for name in ("._2024-03-13-x.md", "2024-03-13-x/._01.jpg", ".DS_Store", "2024-03-13-x/Thumbs.db"):
        (news / name).write_bytes(apple_double)
    os.symlink("user@host.1234:1700000000", news / ".#2024-03-13-x.md")  # Emacs' lock: a dangling link
    (news / "~$2024-03-13-x.md").write_bytes(b"\x0bWPS lock")
    (branch.root / "branches/._jg1").write_bytes(apple_double)
    (branch.root / "branches/jg1/records").mkdir()
    (branch.root / "branches/jg1/records/~$2024.xlsx").write_bytes(b"lock")
    assert problems(branch.root) == []
    content, _ = load_content(branch.root, SETTINGS)
    (item,) = content.items
    assert [p.path for p in item.photos] == ["jg1/news/2024-03-13-x/01.jpg"]


def test_news_that_would_be_missed_is_named(branch: SiteProject) -> None:
    news = branch.root / "branches/jg1/news"
    for name in (
        "2024-03-01-a.MD",
        "2024-03-02-b.markdown",
        "2024-03-03-c.md.txt",
        "说明.txt",
        "2024-03-04-d.docx",
    ):
        (news / name).parent.mkdir(parents=True, exist_ok=True)
        (news / name).write_text(f"---\n{ITEM}\n---\n", encoding="utf-8")
    branch.item("jg1", "2024/2024-03-05-e.md", ITEM)
    branch.item("jg1", "2024-03-06-f/2024-03-06-f.md", ITEM)
    branch.item("jg1", "2024-03-06-f.md", ITEM)
    photo(news / "2024-03-06-f/01.jpg")
    hint = "如果这是一条新闻，请把文件名改成"
    stray = "这条新闻放在了子文件夹里，没有读取。新闻文件要直接放在支部的 news 文件夹里（和新闻同名的文件夹里只放照片）；请把它移到 news 文件夹里"
    assert problems(branch.root) == [
        f"警告 branches/jg1/news/2024-03-01-a.MD: 这个文件没有读取：新闻的文件名要以小写的 .md 结尾。{hint}“2024-03-01-a.md”",
        f"警告 branches/jg1/news/2024-03-02-b.markdown: 这个文件没有读取：新闻的文件名要以小写的 .md 结尾。{hint}“2024-03-02-b.md”",
        f"警告 branches/jg1/news/2024-03-03-c.md.txt: 这个文件没有读取：新闻的文件名要以小写的 .md 结尾。{hint}“2024-03-03-c.md”",
        f"警告 branches/jg1/news/2024-03-06-f/2024-03-06-f.md: {stray}",
        f"警告 branches/jg1/news/2024/2024-03-05-e.md: {stray}",
    ]


def test_a_bare_photo_name_is_in_the_items_own_folder(branch: SiteProject) -> None:
    """Contract: in `photos:` and `cover:`, `01.jpg` names a file of the item's photo folder; a path is
    relative to the news folder (and a bare name found only there still works, as it always did)."""
    news = branch.root / "branches/jg1/news"
    for name in ("2024-03-13-x/01.jpg", "2024-03-13-x/02.jpg", "logo.jpg", "2024-03-13-x/logo.jpg"):
        photo(news / name)
    photo(news / "banner.jpg")
    branch.item(
        "jg1",
        "2024-03-13-x.md",
        ITEM
        + "\n封面: 02.jpg\n图片:\n  - {文件: 01.jpg, 说明: 会场}\n  - 2024-03-13-x/02.jpg\n  - logo.jpg\n  - banner.jpg",
    )
    branch.item("jg1", "2024-03-14-y.md", ITEM + "\ncover: 03.jpg")
    assert problems(branch.root) == [
        "错误 branches/jg1/news/2024-03-14-y.md:5: 找不到图片“03.jpg”。请检查文件名（包括大小写和扩展名 .jpg/.png）是否和文件夹里的一致"
    ]
    content, _ = load_content(branch.root, SETTINGS)
    item = next(i for i in content.items if i.slug == "2024-03-13-x")
    assert item.cover == "jg1/news/2024-03-13-x/02.jpg"
    assert [(p.path, p.caption) for p in item.photos] == [
        ("jg1/news/2024-03-13-x/01.jpg", "会场"),
        ("jg1/news/2024-03-13-x/02.jpg", ""),
        ("jg1/news/2024-03-13-x/logo.jpg", ""),  # the item's own folder first
        ("jg1/news/banner.jpg", ""),
    ]


def test_a_photo_shown_in_the_body_keeps_its_own_words(branch: SiteProject) -> None:
    news = branch.root / "branches/jg1/news"
    photo(news / "2024-04-20-x/a.png", fmt="PNG")
    photo(news / "2024-04-20-x/p.png", fmt="PNG")
    branch.item("jg1", "2024-04-20-x.md", ITEM, "正文。\n\n![社区服务](2024-04-20-x/p.png)\n")
    content, _ = load_content(branch.root, SETTINGS)
    (item,) = content.items
    assert [(p.path, p.caption) for p in item.photos] == [
        ("jg1/news/2024-04-20-x/a.png", ""),
        ("jg1/news/2024-04-20-x/p.png", "社区服务"),
    ]
    assert branch.build().returncode == 0
    gallery = branch.html("branches/jg1/gallery/")
    assert 'data-caption="社区服务"' in gallery and 'alt="社区服务"' in gallery


def test_dates_far_outside_the_branches_life_are_refused(branch: SiteProject) -> None:
    import datetime as dt

    nxt = dt.date.today().year + 1
    bounds = f"请写 1921 年到 {nxt} 年之间的日期"
    branch.branch("jg1", "name: 支部\nbrand: 品牌\nfounded: 0001-01")
    branch.item("jg1", "0001-01-01-x.md", ITEM)
    branch.item("jg1", "old.md", ITEM + "\n日期: 1024年3月1日")
    branch.item("jg1", f"{nxt + 1}-01-01-y.md", ITEM)
    branch.item("jg1", f"{nxt}-12-31-plan.md", ITEM)  # next year's plans are fine
    records = branch.root / "branches/jg1/records"
    records.mkdir()
    (records / "2024.yaml").write_text(
        "- 日期: 1900-05-04\n  活动类型: 支委会\n  主题: 会议\n", encoding="utf-8"
    )
    assert problems(branch.root) == [
        f"错误 branches/jg1/index.md:4: “founded”的值不对：年份 1 不对，{bounds}",
        f"错误 branches/jg1/news/0001-01-01-x.md: 文件名里的年份 1 不对，{bounds}。文件名要写成 年-月-日-简称.md，例如 2024-03-13-zhiweihui.md",
        f"错误 branches/jg1/news/{nxt + 1}-01-01-y.md: 文件名里的年份 {nxt + 1} 不对，{bounds}。文件名要写成 年-月-日-简称.md，例如 2024-03-13-zhiweihui.md",
        f"错误 branches/jg1/news/old.md:5: “日期”的值不对：年份 1024 不对，{bounds}",
        f"错误 branches/jg1/records/2024.yaml:1: “日期”的值不对：年份 1900 不对，{bounds}",
    ]


def test_judging_never_starts_before_1921() -> None:
    import datetime as dt

    from mkdocs_branches.config import activity_types
    from mkdocs_branches.dates import When
    from mkdocs_branches.model import Branch, MeetingRecord
    from mkdocs_branches.rules import evaluate, years_judged

    branch = Branch("jg1", "支部", "品牌", "branches/jg1/index.md")
    old = MeetingRecord("jg1", "x.yaml", 1, When(dt.date(1, 1, 1)), "支委会", "会议")
    review = evaluate([branch], [], activity_types(DEFAULT_ACTIVITY_TYPES), dt.date(2024, 6, 1), [old])
    assert min(r.period for r in review.results) == "1921"
    assert years_judged(review)[-1] == 1921 and years_judged(review)[0] == 2024


def error_lines(text: str, prefix: str) -> set[str]:
    return {
        line.split(prefix, 1)[1].strip()
        for line in text.splitlines()
        if prefix in line and "内容检查发现" not in line
    }


def test_check_finds_every_error_a_build_finds(branch: SiteProject) -> None:
    """The issue's list of what `check` passed and `build` then refused, in one site; each once."""
    import io
    import subprocess
    import sys

    news = branch.root / "branches/jg1/news"
    folder = news / "2024-03-13-x"
    photo(folder / "00.jpg")
    (folder / "01.jpg").write_bytes(b"")
    buf = io.BytesIO()
    Image.effect_noise((300, 200), 50).convert("RGB").save(buf, "JPEG")
    (folder / "02.jpg").write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    (folder / "03.jpg").write_text("不是照片", encoding="utf-8")
    (folder / "04.jpg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    photo(folder / "05.jpg")
    photo(folder / "05.png", fmt="PNG")
    os.symlink("gone.jpg", folder / "06.jpg")
    branch.item("jg1", "2024-03-13-x.md", ITEM, "[上一次](2024-03-01-gone.md)\n")
    draft = branch.item("jg1", "2024-03-14-draft.md", "title: 草稿\ntype: 支委会\nstatus: draft")
    (draft.with_suffix("")).mkdir()
    (draft.with_suffix("") / "01.jpg").write_bytes(b"")  # a draft's photo fails the internal edition only
    (branch.root / "docs/news.md").write_text("# 新闻\n", encoding="utf-8")
    check = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check"], cwd=branch.root, capture_output=True, text=True
    )
    public = branch.build()
    internal = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", "site-internal"],
        cwd=branch.root,
        capture_output=True,
        text=True,
        env={**os.environ, "BRANCHES_EDITION": "internal"},
    )
    checked = error_lines(check.stdout, "错误  ")
    built = error_lines(public.stderr, "ERROR   -  mkdocs_branches: ") | error_lines(
        internal.stderr, "ERROR   -  mkdocs_branches: "
    )
    assert check.returncode == 1 and public.returncode == 1 and internal.returncode == 1
    assert checked == built
    assert [line.split(":", 1)[0] for line in sorted(checked)] == [
        "branches/jg1/news/2024-03-13-x.md",  # the missing item it links to
        "branches/jg1/news/2024-03-13-x/05.jpg",  # 05.jpg and 05.png meet in one name
        "branches/jg1/news/2024-03-13-x/05.png",
        "branches/jg1/news/2024-03-13-x/06.jpg",  # a link to nothing, named as the editor sees it
        "docs/news.md",  # a hand-written page where the news list goes
    ]
    # Photos that cannot be published are warnings of the item showing them (which goes out without
    # them), found by `check` as by the builds: zero bytes, cut in half, text, SVG; a draft's (internal).
    left_out = "这次不发布（其余内容照常发布）"
    warned = {w for w in error_lines(check.stdout, "警告  ") if left_out in w}
    prefix = "WARNING -  mkdocs_branches: "
    built = error_lines(public.stderr, prefix) | error_lines(internal.stderr, prefix)
    assert warned == {w for w in built if left_out in w}
    assert sorted(w.split("”", 1)[0] for w in warned) == [
        "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/01.jpg",
        "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/02.jpg",
        "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/03.jpg",
        "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/04.jpg",
        "branches/jg1/news/2024-03-14-draft.md: 照片“2024-03-14-draft/01.jpg",
    ]


def test_names_too_long_for_a_file_system_still_publish(branch: SiteProject) -> None:
    stem = "2024-03-13-" + "学习贯彻党的二十大精神" * 7  # 77 characters: 231 bytes, pinyin far longer
    folder = branch.root / "branches/jg1/news" / stem
    photo(folder / ("现场照片" * 20 + ".jpg"), size=(640, 480))
    branch.item("jg1", f"{stem}.md", ITEM + "\ntags: [" + "组织建设" * 30 + "]")
    result = branch.build()
    assert result.returncode == 0, result.stderr
    site = branch.root / "site"
    names = [p.name for p in site.rglob("*")]
    assert max(len(n.encode()) for n in names) <= 255
    (page,) = [p for p in (site / "branches/jg1/news").iterdir() if p.is_dir()]
    assert len(page.name) <= 200 and (page / "index.html").is_file()
    assert "<picture>" in (page / "index.html").read_text(encoding="utf-8")


def test_links_to_names_with_spaces_resolve(branch: SiteProject) -> None:
    """Python-Markdown reads `[上一条](2024-03-16-a b.md)` as a link to "2024-03-16-a b.md": so do we."""
    photo(branch.root / "branches/jg1/news/2024-03-16-a b/01 现场.jpg")
    branch.item("jg1", "2024-03-16-a b.md", ITEM)
    branch.item(
        "jg1",
        "2024-03-17-c.md",
        ITEM,
        '[上一条](2024-03-16-a b.md "标题") ![现场](2024-03-16-a b/01 现场.jpg)\n',
    )
    result = branch.build()
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = branch.html("branches/jg1/news/2024-03-17-c/")
    assert 'href="../2024-03-16-a-b-' in page and "<picture>" in page


def test_a_link_to_what_is_not_published_becomes_its_text(branch: SiteProject) -> None:
    """A draft or an attachment linked from a body: no dead link on the site, a warning with the line."""
    branch.item("jg1", "2024-03-01-draft.md", "title: 草稿\ntype: 支委会\nstatus: draft")
    (branch.root / "branches/jg1/news/2024-03-13-x").mkdir()
    (branch.root / "branches/jg1/news/2024-03-13-x/通知.pdf").write_bytes(b"%PDF-1.4")
    body = "正文。\n\n见[上一次](2024-03-01-draft.md)和[通知](2024-03-13-x/通知.pdf)。\n"
    branch.item("jg1", "2024-03-13-x.md", ITEM, body)
    result = branch.build()
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "变成普通文字" in line]
    assert len(warnings) == 2 and all("branches/jg1/news/2024-03-13-x.md:8" in w for w in warnings), warnings
    page = branch.html("branches/jg1/news/2024-03-13-x/")
    assert "见上一次和通知。" in page and "draft" not in page and ".pdf" not in page
