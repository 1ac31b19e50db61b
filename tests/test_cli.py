"""The editors' commands, run as editors run them: `python -m mkdocs_branches …` in the site folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import SiteProject, tree_hashes


def run(
    project: SiteProject, *args: str, env: dict[str, str] | None = None, **kwargs
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", *args],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        **kwargs,
    )


def test_check_reports_every_problem_and_exits_non_zero(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-01-a.md", "标题：会议\ntype: 支委会")
    project.item("jg1", "2024-03-02-b.md", "title: 会议\ntype: 支委会\nmembers: 3")
    project.item("jg1", "2024-03-03-c.md", "title: 会议\ntype: 支委会")
    before = tree_hashes(project.root / "branches")
    result = run(project, "check")
    assert result.returncode == 1
    assert "错误  branches/jg1/news/2024-03-01-a.md:2: “标题”后面用了中文全角冒号" in result.stdout
    assert "警告  branches/jg1/news/2024-03-02-b.md:4: 不认识的键“members”" in result.stdout
    assert "警告  branches/jg1/news/2024-03-03-c.md: 还没有审核人" in result.stdout
    assert "1 个错误、3 个警告" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_hashes(project.root / "branches") == before
    os.remove(project.root / "branches/jg1/news/2024-03-01-a.md")
    assert run(project, "check").returncode == 0  # warnings only
    assert run(project, "check", "--strict").returncode == 1


def test_new_item_writes_a_valid_header_and_never_overwrites(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    result = run(
        project, "new-item", "jg1", "学习“七一”讲话：体会", "--type", "党课", "--date", "2024年7月2日"
    )
    assert result.returncode == 0, result.stderr
    path = project.root / "branches/jg1/news/2024-07-02-xue-xi-qi-yi-jiang-hua-ti-hui.md"
    assert path.is_file() and path.with_suffix("").is_dir()
    written = path.read_bytes()
    check = run(project, "check")
    assert "2024-07-02-xue-xi-qi-yi-jiang-hua-ti-hui.md: 还没有审核人" in check.stdout
    assert "错误" not in check.stdout  # the header it writes is valid
    again = run(project, "new-item", "jg1", "学习“七一”讲话：体会", "--type", "党课", "--date", "2024-07-02")
    assert again.returncode == 2 and "已经存在" in again.stderr
    assert path.read_bytes() == written
    assert "不在允许的列表里" in run(project, "new-item", "jg1", "x", "--type", "开会").stderr
    assert "没有编号为“jg9”的支部" in run(project, "new-item", "jg9", "x", "--type", "党课").stderr


def test_new_branch(project: SiteProject) -> None:
    assert (
        run(
            project, "new-branch", "xs-bk3", "--name", "本科生第三党支部", "--brand", "青春", "--type", "学生"
        ).returncode
        == 0
    )
    assert "“支部名称”" not in run(project, "check").stdout
    assert (project.root / "branches/xs-bk3/news").is_dir()
    assert run(project, "new-branch", "xs-bk3", "--name", "x", "--brand", "y").returncode == 2
    assert "小写英文字母" in run(project, "new-branch", "XS", "--name", "x", "--brand", "y").stderr


def test_import_photos_copies_in_order_and_leaves_originals(project: SiteProject, tmp_path: Path) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    item = project.item("jg1", "2024-03-13-x.md", "title: x\ntype: 支委会\nreviewer: 王")
    phone = tmp_path / "phone"
    phone.mkdir()
    for name in ("IMG_0002.JPG", "IMG_0001.jpg", "notes.txt"):
        (phone / name).write_bytes(b"x") if name.endswith("txt") else Image.new("RGB", (8, 8)).save(
            phone / name, "JPEG"
        )
    before = tree_hashes(phone)
    assert run(project, "import-photos", str(phone), str(item)).returncode == 0
    assert run(project, "import-photos", str(phone), str(item)).returncode == 0  # continues numbering
    folder = item.with_suffix("")
    assert sorted(p.name for p in folder.iterdir()) == ["01.jpg", "02.jpg", "03.jpg", "04.jpg"]
    assert (folder / "01.jpg").read_bytes() == (phone / "IMG_0001.jpg").read_bytes()
    assert tree_hashes(phone) == before


def test_publish_swaps_in_a_good_build_and_zips_it(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", "title: 新闻\ntype: 支委会\nreviewer: 王")
    result = run(project, "publish", "--zip", "site.zip")
    assert result.returncode == 0, result.stderr
    assert (project.root / "site/branches/jg1/news/2024-03-13-x/index.html").is_file()
    with zipfile.ZipFile(project.root / "site.zip") as archive:
        names = archive.namelist()
    assert "index.html" in names and "branches/jg1/news/2024-03-13-x/index.html" in names
    assert not [p for p in project.root.iterdir() if ".building-" in p.name or p.name.endswith(".previous")]


def test_a_failed_publish_leaves_the_previous_site(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", "title: 新闻\ntype: 支委会\nreviewer: 王")
    assert run(project, "publish").returncode == 0
    before = tree_hashes(project.root / "site")
    project.item("jg1", "2024-03-14-y.md", "title：坏\ntype: 支委会")
    result = run(project, "publish")
    assert result.returncode != 0
    assert "原来的网站没有改动" in result.stderr and "2024-03-14-y.md:2" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(project.root / "site") == before


def test_a_killed_publish_leaves_the_previous_site(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    for day in range(1, 29):
        project.item(
            "jg1", f"2024-02-{day:02d}-x.md", f"title: 新闻{day}\ntype: 支委会\nreviewer: 王", "正文。\n" * 50
        )
    assert run(project, "publish").returncode == 0
    before = tree_hashes(project.root / "site")
    project.item("jg1", "2024-03-01-new.md", "title: 新的一条\ntype: 支委会\nreviewer: 王")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_branches", "publish"],
        cwd=project.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        staging = [p for p in project.root.glob(".site.building-*") if any(p.rglob("*.html"))]
        if staging:
            break
        time.sleep(0.005)
    assert staging, "the build finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert tree_hashes(project.root / "site") == before
    assert run(project, "publish").returncode == 0  # the next publish cleans up and succeeds
    assert (project.root / "site/branches/jg1/news/2024-03-01-new/index.html").is_file()
    assert not list(project.root.glob(".site.building-*"))


def test_publish_internal_builds_the_reviewers_edition_aside(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", "title: 新闻\ntype: 支委会\nreviewer: 王")
    project.item("jg1", "2024-03-14-draft.md", "title: 一份草稿\ntype: 支委会\nstatus: draft")
    assert run(project, "publish").returncode == 0
    public = tree_hashes(project.root / "site")
    result = run(project, "publish", "--internal", "--zip", "internal.zip")
    assert result.returncode == 0, result.stderr
    assert "内部审阅版已生成到" in result.stdout and "不要上传" in result.stdout
    internal = project.root / "site-internal"
    assert (internal / "review/pending/index.html").is_file()
    assert "一份草稿" in (internal / "review/pending/index.html").read_text(encoding="utf-8")
    assert tree_hashes(project.root / "site") == public  # the public site is untouched
    with zipfile.ZipFile(project.root / "internal.zip") as archive:
        assert "review/index.html" in archive.namelist()
    assert not [p for p in project.root.iterdir() if ".building-" in p.name or p.name.endswith(".previous")]


@pytest.mark.parametrize("variable", ["BRANCHES_EDITION=internal", "BRANCHES_PREVIEW=1"])
def test_publish_refuses_a_public_edition_while_internal_is_set(project: SiteProject, variable: str) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    name, value = variable.split("=")
    result = run(project, "publish", env={name: value})
    assert (
        result.returncode != 0 and "publish --internal" in result.stderr and "Traceback" not in result.stderr
    )
    assert not (project.root / "site").exists()
    config = (
        project.root / "mkdocs.yml"
    )  # mkdocs.yml asking for the internal edition does not leak into publish
    config.write_text(config.read_text(encoding="utf-8") + "      edition: internal\n", encoding="utf-8")
    assert run(project, "publish").returncode == 0
    assert not (project.root / "site/review").exists()


def sources(project: SiteProject) -> dict[str, str]:
    return tree_hashes(project.root / "branches", project.root / "docs", project.root / ".cache") | {
        "mkdocs.yml": (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-d", "branches"], "它就是内容文件夹 branches"),
        (["-d", "branches/jg1"], "它在内容文件夹 branches里面"),
        (["-d", "docs"], "它就是页面文件夹 docs"),
        (["-d", "docs/site"], "它在页面文件夹 docs里面"),
        (["-d", "."], "它就是网站文件夹"),
        (["-d", ".."], "它就是网站文件夹（mkdocs.yml 所在的文件夹）或它的上级文件夹"),
        (["-d", ".cache"], "它就是缓存文件夹 .cache"),
        (["--internal", "-d", "branches"], "它就是内容文件夹 branches"),
        (["--zip", "branches/site.zip"], "不能把压缩包存到“branches/site.zip”：它在内容文件夹 branches里面"),
        (["--zip", "docs"], "它在页面文件夹 docs里面"),
        (["--zip", "out"], "这是一个文件夹"),
        (["--zip", "nowhere/site.zip"], "文件夹“nowhere”不存在"),
        (["--zip", "mkdocs.yml"], "已经有一个不是压缩包的文件"),
        (["--zip", "site/site.zip"], "它在网站文件夹里面"),
    ],
)
def test_publish_never_builds_into_or_over_sources(
    project: SiteProject, args: list[str], expected: str
) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", "title: 新闻\ntype: 支委会\nreviewer: 王")
    (project.root / ".cache").mkdir()
    (project.root / ".cache" / "keep.txt").write_text("x", encoding="utf-8")
    (project.root / "out").mkdir()
    before, entries = sources(project), sorted(p.name for p in project.root.iterdir())
    result = run(project, "publish", *args)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert sources(project) == before
    assert sorted(p.name for p in project.root.iterdir()) == entries  # nothing built, nothing left behind


@pytest.mark.parametrize(
    ("site_dir", "expected"),
    [
        ("branches", "不能把网站生成到“branches”：它就是内容文件夹 branches"),
        ("branches/jg1/news", "它在内容文件夹 branches里面"),
        (".cache", "它就是缓存文件夹 .cache"),
        # MkDocs itself refuses these before any plugin runs, in English (errors.md says so):
        ("docs", "The 'docs_dir' should not be within the 'site_dir'"),
        (".", "The 'docs_dir' should not be within the 'site_dir'"),
    ],
)
def test_mkdocs_build_refuses_a_site_folder_over_sources(
    project: SiteProject, site_dir: str, expected: str
) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    (project.root / ".cache").mkdir()
    (project.root / ".cache" / "keep.txt").write_text("x", encoding="utf-8")
    before = sources(project)
    result = project.build("-d", site_dir)
    assert result.returncode != 0
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert sources(project) == before


def test_a_site_dir_in_mkdocs_yml_is_guarded_too(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    config = project.root / "mkdocs.yml"
    config.write_text("site_dir: branches\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    before = sources(project)
    for result in (project.build(), run(project, "publish")):
        assert result.returncode != 0 and "它就是内容文件夹 branches" in result.stderr
        assert sources(project) == before


WRONG_OPTIONS = """\
      list_page_size: 0
      branch_latest: -1
      image_quality: 高
      image_widths: [0, 20000]
      review_required: 'yes'
      edition: 内部
      lisst_page_size: 3
      activity_types:
        支委会: 每月
        其他:
        其它:
"""


def test_wrong_plugin_options_are_all_explained_in_chinese(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    config = project.root / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("      list_page_size: 20\n", WRONG_OPTIONS),
        encoding="utf-8",
    )
    expected = [
        "branches 的 list_page_size 设置有误：应该至少是 1，现在是 0",
        "branches 的 branch_latest 设置有误：应该至少是 0，现在是 -1",
        "branches 的 image_quality 设置有误：应该是一个整数，例如 80，现在是“高”",
        "branches 的 image_widths 设置有误：应该是 1 到 16383 之间的整数的列表",
        "branches 的 review_required 设置有误：应该是 true 或 false，现在是“yes”",
        "branches 的 edition 设置有误：只能是 public 或 internal，现在是“内部”",
        "活动类型“其他”和“其它”的网址相同（types/qi-ta/）",
    ]
    for result in (run(project, "check"), project.build(), run(project, "publish")):
        assert result.returncode != 0
        for text in expected:
            assert text in result.stderr, (text, result.stderr)
        assert "Expected" not in result.stderr and "Traceback" not in result.stderr
        assert not (project.root / "site").exists()
    build = project.build()
    assert "设置“lisst_page_size”网站不认识，这一行不起作用。是不是想写“list_page_size”？" in build.stderr
    assert "Config value" not in build.stderr  # MkDocs' English framing


def test_a_mistake_elsewhere_in_mkdocs_yml_is_named(project: SiteProject) -> None:
    (project.root / "mkdocs.yml").write_text("site_name: [\n", encoding="utf-8")
    result = run(project, "check")
    assert result.returncode == 2 and "mkdocs.yml 的设置有误：" in result.stderr
    assert "Traceback" not in result.stderr


def children(pid: int) -> set[int]:
    """Live processes whose parent is `pid` (Linux)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's bookkeeping is left


def publishing_photos(project: SiteProject) -> tuple[subprocess.Popen[bytes], set[int]]:
    """A publish with 16 large photos, started in its own process group, caught while its worker
    processes work; returns it and its child processes then."""
    from test_images import noisy

    project.branch("jg1", "name: 支部\nbrand: 品牌")
    for n in range(4):
        folder = project.root / f"branches/jg1/news/2024-03-0{n + 1}-x"
        folder.mkdir(parents=True)
        for m in range(4):
            noisy((2400, 1800), seed=n * 10 + m).save(folder / f"{m:02d}.jpg", quality=95)
        project.item("jg1", f"2024-03-0{n + 1}-x.md", f"title: 新闻{n}\ntype: 支委会\nreviewer: 王")
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_branches", "publish"],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        start_new_session=True,  # a terminal's Ctrl+C reaches the whole group, workers too
        # As from a terminal, even when these tests run in the background (where a shell ignores Ctrl+C and
        # its children inherit that): Python then leaves Ctrl+C ignored too.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None and len(workers) < 2:
        workers = {
            p for p in children(process.pid) if b"spawn_main" in Path(f"/proc/{p}/cmdline").read_bytes()
        }
        time.sleep(0.02)
    assert len(workers) >= 2, "the photos were processed before the publish could be stopped"
    return process, children(process.pid)


def all_end(pids: set[int]) -> bool:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.1)
    return not [pid for pid in pids if alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_a_killed_publish_leaves_no_worker_behind(project: SiteProject, how: signal.Signals) -> None:
    process, left = publishing_photos(project)
    process.send_signal(how)
    process.communicate()
    assert all_end(left)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_ctrl_c_stops_a_publish_in_plain_words(project: SiteProject) -> None:
    process, left = publishing_photos(project)
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    stderr = err.decode("utf-8")
    assert process.returncode == 130, stderr
    assert "已停止（按了 Ctrl+C）。原来的网站没有改动。" in stderr
    assert "Aborted" not in stderr and "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    assert all_end(left)
    assert not (project.root / "site").exists() and not list(project.root.glob(".site.building-*"))


def test_import_photos_copies_photos_only_never_through_a_link(project: SiteProject, tmp_path: Path) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    item = project.item("jg1", "2024-03-13-x.md", "title: x\ntype: 支委会\nreviewer: 王")
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    phone = tmp_path / "phone"
    phone.mkdir()
    Image.new("RGB", (8, 8)).save(phone / "IMG_0001.jpg")
    (phone / "IMG_0002.jpg").symlink_to(secret)
    (phone / "IMG_0003.jpg").write_text("不是照片", encoding="utf-8")
    (phone / "._IMG_0001.jpg").write_bytes(b"\x00\x05\x16\x07AppleDouble")
    result = run(project, "import-photos", str(phone), str(item))
    assert result.returncode == 0, result.stderr
    assert "IMG_0002.jpg: 这是一个快捷方式（链接），没有复制" in result.stderr
    assert "IMG_0003.jpg: 这不是照片（也许只是改了扩展名），没有复制" in result.stderr
    assert sorted(p.name for p in item.with_suffix("").iterdir()) == ["01.jpg"]
    assert "共复制 1 张照片" in result.stdout


def test_import_photos_writes_only_into_a_branch_news_item(project: SiteProject, tmp_path: Path) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    phone = tmp_path / "phone"
    phone.mkdir()
    Image.new("RGB", (8, 8)).save(phone / "IMG_0001.jpg")
    outside = tmp_path / "outside"
    outside.mkdir()
    elsewhere = project.root / "docs" / "x.md"
    elsewhere.write_text("# x\n", encoding="utf-8")
    result = run(project, "import-photos", str(phone), "docs/x.md")
    assert result.returncode == 2 and "不是支部的新闻" in result.stderr
    assert not (project.root / "docs" / "x").exists()
    item = project.item("jg1", "2024-03-13-x.md", "title: x\ntype: 支委会\nreviewer: 王")
    item.with_suffix("").symlink_to(outside, target_is_directory=True)
    result = run(project, "import-photos", str(phone), str(item))
    assert result.returncode == 2 and "可能是快捷方式" in result.stderr
    assert list(outside.iterdir()) == []


def test_new_item_and_new_branch_never_write_through_a_link(project: SiteProject, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "news").mkdir(parents=True)
    (outside / "index.md").write_text("---\nname: 外\nbrand: 外\n---\n", encoding="utf-8")
    (project.root / "branches").mkdir()
    (project.root / "branches/jg2").symlink_to(outside, target_is_directory=True)
    before = tree_hashes(outside)
    for args in (
        ["new-item", "jg2", "会议", "--type", "支委会"],
        ["new-branch", "jg2", "--name", "x", "--brand", "y"],
    ):
        result = run(project, *args)
        assert (
            result.returncode == 2 and "指向内容文件夹“branches”以外的地方，没有写入任何文件" in result.stderr
        )
    result = run(project, "new-item", "../docs", "会议", "--type", "支委会")
    assert result.returncode == 2 and "支部编号“../docs”不行" in result.stderr
    assert tree_hashes(outside) == before and not (project.root / "docs/news").exists()
