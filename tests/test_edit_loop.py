"""`mkdocs serve --dirty` rebuilds after one change: what is handed to MkDocs and what is rewritten follows
what changed (issue 24). Asserted on the pages rendered and the files written, never on time."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

from mkdocs_branches.dirty import KeptFile

from conftest import SiteProject

NEWS = "branches/jg1/news"


def serve_rebuild(project: SiteProject, startup: bool = False):
    """One build as `mkdocs serve --dirty` makes it: the plugin instance lives across rebuilds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project.root / "mkdocs.yml"), site_dir=str(project.root / "site"))
    if startup:
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    plugin = config.plugins["branches"]
    plugin.outputs.later.make_all()  # what `serve` makes when asked for: the 台账, the review's spreadsheets
    return plugin


def fresh_build(project: SiteProject, site_dir: Path) -> Path:
    """The same edition built anew by a process of its own, as `serve` without `--dirty` would."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project.root / "mkdocs.yml"), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)
    return site_dir


def article(path: Path) -> str:
    """A page's own content, without the theme's navigation around it."""
    text = path.read_text(encoding="utf-8")
    return text[text.index("<article") : text.index("</article>")]


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def written(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}


def changed(site: Path, before: dict[str, int]) -> set[str]:
    return {path for path, mtime in written(site).items() if before.get(path) != mtime}


def make(tmp_path: Path) -> SiteProject:
    """Two branches; jg1 has ten 支委会 on odd days of January 2024 and in 2023, two to a list page."""
    project = SiteProject(tmp_path / "site", page_size=2)
    project.branch("jg1", "name: 第一支部\nbrand: 红色引擎")
    project.branch("xs1", "name: 学生支部\nbrand: 青春")
    for day in range(1, 20, 2):
        project.item(
            "jg1", f"2024-01-{day:02d}-a{day:02d}.md", f"title: 一月{day}日\ntype: 支委会\nreviewer: 王芳"
        )
    project.item("jg1", "2023-05-01-old.md", "title: 去年五月\ntype: 支委会\nreviewer: 王芳")
    project.item("xs1", "2024-01-02-x.md", "title: 学生一月\ntype: 党课\nreviewer: 王芳")
    return project


def test_a_back_dated_item_rewrites_only_the_archive_pages_whose_items_changed(tmp_path: Path) -> None:
    project = make(tmp_path)
    plugin = serve_rebuild(project, startup=True)
    site = project.root / "site"
    # Oldest first: page/1 [去年五月, 01], page/2 [学生一月, 03], page/3 [05, 07], page/4 [09, 11],
    # page/5 [13, 15], front [17, 19].
    assert "一月13日" in project.html("news/page/5/") and "一月11日" in project.html("news/page/4/")
    before = written(site)
    time.sleep(0.02)
    project.item("jg1", "2024-01-12-late.md", "title: 补发的新闻\ntype: 支委会\nreviewer: 王芳")
    serve_rebuild(project)
    # Now page/5 [12, 13] and front [15, 17, 19]: pages 1 to 4 hold what they held.
    lists = {uri for uri in plugin.pages if uri.startswith(("news/", "types/"))}
    assert "news/page/5.md" in lists and "news/index.md" in lists
    assert not {f"news/page/{n}.md" for n in range(1, 5)} & lists
    assert "补发的新闻" in project.html("news/page/5/") and "一月15日" in project.html("news/")
    rewritten = changed(site, before)
    assert "news/page/5/index.html" in rewritten
    assert not {f"news/page/{n}/index.html" for n in range(1, 5)} & rewritten
    assert not any(path.startswith("branches/xs1/") for path in rewritten)
    later = {f.src_uri for f in plugin.files if isinstance(f, KeptFile)} & rewritten
    # What was kept and what was rewritten (with rows kept from the last build) is what a fresh build makes.
    fresh = fresh_build(project, tmp_path / "fresh")
    lists = sorted(p.relative_to(fresh).as_posix() for p in fresh.glob("news/**/index.html"))
    assert len(lists) == 6
    for page in lists:
        assert article(site / page) == article(fresh / page), page
    # The review's spreadsheets, made after the build (no page shows them), count the new meeting, and
    # the dashboards, whose rows are kept per branch, show what a fresh build shows.
    for sheet in ("review/activity.csv", "review/summary.csv"):
        assert sheet in later and (site / sheet).read_bytes() == (fresh / sheet).read_bytes(), sheet
    assert "jg1,2024-01,支委会,11," in (site / "review/activity.csv").read_text(encoding="utf-8-sig")
    for dashboard in ("review/index.html", "review/2023/index.html"):
        assert article(site / dashboard) == article(fresh / dashboard), dashboard


def test_an_edit_hands_mkdocs_its_page_and_what_shows_it(tmp_path: Path) -> None:
    """A body edited: its own page, the lists and branch pages that show its row, the review pages of its
    branch and year — not its neighbours, other branches' pages, other years' ledgers or the other items."""
    project = make(tmp_path)
    plugin = serve_rebuild(project, startup=True)
    site = project.root / "site"
    before = written(site)
    time.sleep(0.02)
    project.item("jg1", "2024-01-07-a07.md", "title: 一月7日\ntype: 支委会\nreviewer: 王芳", "改过的正文。\n")
    serve_rebuild(project)
    handed = set(plugin.pages)
    assert f"{NEWS}/2024-01-07-a07.md" in handed
    items = {uri for uri in handed if uri.startswith(NEWS) or uri.startswith("branches/xs1/news")}
    assert items == {f"{NEWS}/2024-01-07-a07.md"}  # its neighbours show its title, which did not change
    assert "改过的正文" in project.html(f"{NEWS}/2024-01-07-a07/")
    assert not any(uri.startswith("branches/xs1/") for uri in handed)
    rewritten = changed(site, before)
    assert not any(path.startswith("branches/xs1/") for path in rewritten)
    ledgers = {path for path in written(site) if path.endswith(".docx")}
    assert "review/worklog/jg1/ledger-2023.docx" in ledgers
    assert rewritten & ledgers <= {"review/worklog/jg1/ledger-2024.docx"}
    # No page shows a 台账, pages only link to it: it is made after the build, not handed to MkDocs.
    assert isinstance(plugin.files.get_file_from_path("review/worklog/jg1/ledger-2024.docx"), KeptFile)


def test_a_branchs_review_pages_follow_its_items_and_only_its(tmp_path: Path) -> None:
    """The review pages and 台账 keep last build's digest while their branch is unchanged (`Stamps.kept`):
    a retitled item shows on its branch's review page and 台账 at once, another branch's stay as written."""
    project = make(tmp_path)
    serve_rebuild(project, startup=True)
    site = project.root / "site"
    ledger = site / "review/worklog/jg1/ledger-2024.docx"
    assert "一月7日" in project.html("review/branches/jg1/") and "一月7日" in docx_text(ledger)
    before = written(site)
    time.sleep(0.02)
    project.item("jg1", "2024-01-07-a07.md", "title: 一月七日（改）\ntype: 支委会\nreviewer: 王芳")
    serve_rebuild(project)
    assert "一月七日（改）" in project.html("review/branches/jg1/")
    assert "一月七日（改）" in docx_text(ledger)
    rewritten = changed(site, before)
    assert "review/branches/jg1/index.html" in rewritten
    assert not any("xs1" in path for path in rewritten)
    time.sleep(0.02)
    before = written(site)
    serve_rebuild(project)  # nothing changed: no page or 台账 written (MkDocs writes its 404 page anyway)
    assert {p for p in changed(site, before) if p.endswith((".html", ".docx"))} <= {"404.html"}


def test_the_theme_is_listed_once_but_the_sites_own_theme_folder_every_build(tmp_path: Path) -> None:
    """MkDocs lists every theme file each build to find its static files; `serve` keeps the listing of
    the installed themes (`dirty.ThemeListing`) and reads the site's `custom_dir` again: a file added
    there is published by the next rebuild, as by a build of its own, and Material's files stay."""
    project = make(tmp_path)
    project.configure("  language: zh\n", "  language: zh\n  custom_dir: overrides\n")
    (project.root / "overrides").mkdir()
    plugin = serve_rebuild(project, startup=True)
    site = project.root / "site"
    kept = set(plugin.theme_listing.listed)
    assert any(folder.endswith("material/templates") for folder in kept)
    assert not any(folder.startswith(str(project.root)) for folder in kept)
    material = {p for p in written(site) if p.startswith("assets/")}
    assert any(p.startswith("assets/javascripts/bundle.") for p in material)
    (project.root / "overrides/assets").mkdir()
    (project.root / "overrides/assets/college.css").write_text("body{}", encoding="utf-8")
    serve_rebuild(project)
    assert (site / "assets/college.css").read_text(encoding="utf-8") == "body{}"
    fresh = {p for p in written(fresh_build(project, tmp_path / "fresh")) if p.startswith("assets/")}
    assert material | {"assets/college.css"} == fresh
