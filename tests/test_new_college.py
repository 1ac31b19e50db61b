"""A new college starts its own site: the package built as a wheel and installed into a fresh environment,
then `branches init` → `new-branch` → `new-item` → `check` → `build` → `publish --internal`, as its admin
would run them; and the demo is what `init` writes plus the demo's content."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from mkdocs_branches.newsite import write_site

from audit import audit, describe
from browser import serve_under_sub_path
from conftest import ROOT, tree_hashes, write

COLLEGE, URL = (
    "外国语学院",
    "https://www.example.edu.cn/xy/djpp/",
)  # the sub-path the browser tests serve under
DEMO_WORDS = ("管理学院", "红色引擎", "jg1")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (built,) = out.glob("*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment holding the wheel; its dependencies are the test environment's (a `.pth`
    file), so nothing is downloaded twice. Returns its `bin` (`Scripts` on Windows) folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    scripts = venv / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / ("python.exe" if os.name == "nt" else "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The test environment's packages, after the wheel's own: its editable checkout is not on the path.
    write(Path(purelib) / "deps.pth", sysconfig.get_paths()["purelib"] + "\n")
    # --python: installed for the new environment (its scripts run its Python); --ignore-installed: the
    # test environment's editable install of the same version, seen through the .pth, must not count.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--ignore-installed",
            str(wheel),
        ],
        check=True,
    )
    assert (scripts / "branches").read_text(encoding="utf-8", errors="replace").startswith(f"#!{python}")
    return scripts


def test_the_wheel_holds_the_plugin_and_its_pages_and_no_demo(wheel: Path) -> None:
    (sdist,) = wheel.parent.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = {name.split("/")[1] for name in archive.getnames() if name.count("/") >= 1}
    assert {"plugins", "pyproject.toml", "README.md", "CHANGELOG.md"} <= top
    assert not top & {"branches", "docs", "tests", "scripts"}
    names = zipfile.ZipFile(wheel).namelist()
    for needed in (
        "mkdocs_branches/manual/guide.md",
        "mkdocs_branches/manual/errors.md",
        "mkdocs_branches/manual/files/组织生活记录模板.xlsx",
        "mkdocs_branches/templates/overrides/main.html",
        "mkdocs_branches/assets/search.js",
        "mkdocs_branches/scaffold/mkdocs.yml",
        "mkdocs_branches/scaffold/dot.gitlab-ci.yml",
        "mkdocs_branches/scaffold/dot.github/workflows/build.yml",
    ):
        assert needed in names, needed
    assert not [
        n for n in names if n.startswith(("branches/", "docs/", "tests/", "scripts/")) or "/jg1/" in n
    ]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "branches = mkdocs_branches.commands:main" in text
    assert "[mkdocs.plugins]" in text and "[properdocs.plugins]" in text


@pytest.fixture(scope="module")
def college(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The commands a new college runs, from nothing to the reviewers' edition, with what each printed."""
    home = tmp_path_factory.mktemp("college")
    site = home / "djpp"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": ""}
    branches = str(installed / "branches")
    steps = [
        (home, ["init", "djpp", "--name", COLLEGE, "--url", URL]),
        (
            site,
            [
                "new-branch",
                "xs-bk3",
                "--name",
                "外国语学院本科生第三党支部",
                "--brand",
                "青春译路",
                "--type",
                "学生",
            ],
        ),
        (site, ["new-item", "xs-bk3", "三月主题党日", "--type", "主题党日", "--date", "2026-03-13"]),
        (site, ["check"]),
        (site, ["build"]),
        (site, ["publish", "--internal"]),
    ]
    printed = []
    for cwd, args in steps:
        result = subprocess.run([branches, *args], cwd=cwd, env=env, capture_output=True, text=True)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        printed.append((args, result.stdout + result.stderr))
    where = subprocess.run(
        [str(installed / "python"), "-c", "import mkdocs_branches; print(mkdocs_branches.__file__)"],
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return {"site": site, "printed": printed, "module": where}


def test_a_new_college_runs_from_the_wheel(college: dict[str, object], installed: Path) -> None:
    assert str(installed.parent) in str(college["module"])  # the wheel's copy, not the checkout's


def test_init_writes_the_colleges_site(college: dict[str, object]) -> None:
    site = college["site"]
    assert isinstance(site, Path)
    config = (site / "mkdocs.yml").read_text(encoding="utf-8")
    assert f'site_name: "{COLLEGE} · 一支部一品牌"' in config and f'site_url: "{URL}"' in config
    assert "# publish_guide: false" in config  # the options, with their defaults, in comments
    for name in ("README.md", ".gitignore", ".gitlab-ci.yml", ".github/workflows/build.yml", "docs/about.md"):
        text = (site / name).read_text(encoding="utf-8")
        assert not [w for w in DEMO_WORDS if w in text], name
    assert "branches publish --zip site.zip" in (site / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert (site / "docs/files/组织生活记录模板.xlsx").is_file()
    assert "示例" in (site / "branches/shili/index.md").read_text(encoding="utf-8")


def test_the_public_home_shows_the_college_and_its_brand_and_no_demo(college: dict[str, object]) -> None:
    site = college["site"]
    assert isinstance(site, Path)
    home = (site / "site/index.html").read_text(encoding="utf-8")
    assert COLLEGE in home and "青春译路" in home
    every = "".join(p.read_text(encoding="utf-8") for p in (site / "site").rglob("*.html"))
    assert [w for w in DEMO_WORDS if w in every] == []
    assert not (site / "site/guide").exists() and not (site / "site/errors").exists()
    guide = (site / "site-internal/guide/index.html").read_text(encoding="utf-8")
    assert "编辑指南" in guide and "branches serve" in guide
    assert (site / "site-internal/errors/index.html").is_file()


def test_init_refuses_a_folder_that_is_not_empty(installed: Path, tmp_path: Path) -> None:
    write(tmp_path / "old" / "笔记.txt", "原来的文件")
    before = tree_hashes(tmp_path)
    result = subprocess.run(
        [str(installed / "branches"), "init", "old", "--name", COLLEGE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "不是空的" in result.stderr and "Traceback" not in result.stderr
    assert tree_hashes(tmp_path) == before


def test_the_demo_is_what_init_writes_plus_its_content(tmp_path: Path) -> None:
    write_site(tmp_path / "s", "管理学院", "https://www.example.edu.cn/glxy/djpp/", dt.date.today())
    for name in (
        "mkdocs.yml",
        "docs/index.md",
        "docs/about.md",
        "docs/files/组织生活记录模板.xlsx",
        "docs/files/活动计划模板.xlsx",
        "docs/files/活动计划模板.csv",
    ):
        assert (tmp_path / "s" / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert sorted(p.name for p in (ROOT / "docs").iterdir()) == ["about.md", "files", "index.md"]


@pytest.mark.browser
def test_the_new_colleges_pages_have_no_serious_violations(browser, college: dict[str, object]) -> None:
    """The pages of a new site, in both editions, on a desktop (the demo's audit covers every kind and phones)."""
    site = college["site"]
    assert isinstance(site, Path)
    problems = []
    for folder, edition in (("site", "public"), ("site-internal", "internal")):
        built = site / folder
        # What a new site shows that the demo's audit does not: its own home and about pages, a branch with
        # no news yet, lists with one item, the guide as a new site gets it, the page of a wrong address.
        pages = {"", "about/", "branches/xs-bk3/", "branches/xs-bk3/timeline/", "branches/xs-bk3/gallery/"}
        pages |= {"news/", "gallery/", "types/", "404.html"}
        pages |= {"review/", "review/pending/", "guide/"} if edition == "internal" else set()
        assert all(
            (built / (url if url.endswith(".html") else url + "index.html")).is_file() for url in pages
        )
        with serve_under_sub_path(built) as base:
            found = audit(
                browser, base, [(url, False) for url in sorted(pages)], viewports=["desktop"], dark=False
            )
        problems += [
            f"{folder}/{url}: {describe(r.blocking(), limit=3)} {r.traffic.failed} {r.traffic.foreign()}"
            for (url, _), r in found.items()
            if r.blocking() or r.traffic.failed or r.traffic.foreign()
        ]
    assert problems == []


def test_a_gbk_console_prints_names_outside_gbk_without_a_traceback(tmp_path: Path) -> None:
    """Python on Chinese Windows writes redirected output in GBK: an emoji in a file name must not crash."""
    write_site(tmp_path, COLLEGE, None, dt.date(2025, 12, 1))
    write(
        tmp_path / "branches/shili/news/2025-12-05-庆祝🎉.md",
        "---\ntitle: 庆祝🎉 ✓\ntype: 支委会\n---\n正文\n",
    )
    write(tmp_path / "branches/shili/news/2025-12-06-x (1).md", "---\ntitle: 副本\ntype: 支委会\n---\n正文\n")
    env = {**os.environ, "PYTHONIOENCODING": "gbk", "NO_MKDOCS_2_WARNING": "1"}
    branches = Path(sys.executable).parent / "branches"
    check = subprocess.run([str(branches), "check"], cwd=tmp_path, env=env, capture_output=True)
    out = check.stdout.decode("gbk") + check.stderr.decode("gbk")
    assert "Traceback" not in out and check.returncode == 0, out
    assert "branches/shili/news/2025-12-05-庆祝?.md: 还没有审核人" in out
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, env=env, capture_output=True
    )
    out = build.stdout.decode("gbk") + build.stderr.decode("gbk")
    assert build.returncode == 0 and "Traceback" not in out and "Logging error" not in out, out


def test_check_names_copies_a_sync_tool_left(tmp_path: Path) -> None:
    write_site(tmp_path, COLLEGE, None, dt.date(2025, 12, 1))
    item = "---\ntitle: 三月支委会\ntype: 支委会\nreviewer: 王芳\n---\n正文\n"
    news = tmp_path / "branches/shili/news"
    for name in (
        "2025-03-13-zhi-wei-hui.md",
        "2025-03-13-zhi-wei-hui (1).md",
        "2025-03-13-zhi-wei-hui.sync-conflict-20250314-101010-ABCDEFG.md",
        "2025-03-13-zhi-wei-hui - 副本.md",
        "2025-03-20-dang-ke 冲突副本 张三.md",
        "2025-03-27-copy-editing.md",
        "2025-04-02-hua-jie-mao-dun-冲突.md",
    ):
        write(news / name, item)
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check"], cwd=tmp_path, capture_output=True, text=True
    ).stdout
    for copy in (
        "zhi-wei-hui (1)",
        "zhi-wei-hui.sync-conflict-20250314-101010-ABCDEFG",
        "zhi-wei-hui - 副本",
    ):
        assert (
            f"news/2025-03-13-{copy}.md: 这个文件像是同步软件或复制留下的副本，和“2025-03-13-zhi-wei-hui.md”"
            in out
        )
    assert "news/2025-03-20-dang-ke 冲突副本 张三.md: 文件名里有“冲突副本”" in out
    assert (
        "copy-editing.md" not in out
        and "mao-dun-冲突.md" not in out
        and out.count("这个文件像是同步软件") == 3
    )
