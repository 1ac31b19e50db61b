"""Whole-site builds into tmp_path, asserting on the HTML, the search index and the log."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import mkdocs_branches
import pytest
from mkdocs_branches.slugs import url_name

from conftest import SiteProject, search_records, site_text, tree_hashes

JG1 = """
name: 管理学院教工第一党支部
brand: 红色引擎
slogan: 党建引领发展
type: 教工
parent: 管理学院党委
secretary: 王芳
members: 23
founded: 2015-09
partners: [某某社区]
honors:
  - {year: 2023, title: 先进基层党组织}
logo_meaning: 齿轮象征动力
order: 1
"""


def item(title: str, type_: str = "支委会", extra: str = "reviewer: 王芳") -> str:
    return f"title: {title}\ntype: {type_}\n{extra}"


@pytest.fixture
def college(project: SiteProject) -> SiteProject:
    project.branch("jg1", JG1, "## 品牌内涵\n\n红色引擎的故事。\n")
    project.branch("xs1", "支部名称: 本科生第一党支部\n品牌名称: 青春领航\n支部类型: 学生\n排序: 2")
    project.item(
        "jg1",
        "2024-03-13-zhiweihui.md",
        item("三月支委会") + "\ntags: [组织建设]\nauthor: 李明",
        "研究三月工作。\n",
    )
    project.item("jg1", "2024-04-02-清明祭扫.md", item("清明祭扫", "主题党日") + "\ntags: [组织建设]")
    project.item(
        "jg1", "2024-05-01-dangke.md", item("五月党课", "党课"), "[上一次](2024-04-02-清明祭扫.md)\n"
    )
    project.item(
        "xs1", "2024-03-20-a.md", "标题: 学生党课\n日期: 2024-03-20 14:30\n活动类型: 党课\n审核: 张三"
    )
    return project


QINGMING = url_name("2024-04-02-清明祭扫")


def test_builds_every_page(college: SiteProject) -> None:
    result = college.build()
    assert result.returncode == 0, result.stderr
    home = college.html("")
    assert home.count('class="bb-card"') == 2
    assert "红色引擎" in home and "青春领航" in home and "党建引领发展" in home
    assert home.index("红色引擎") < home.index("青春领航")  # by `order`
    assert "3 条动态" in home and "最近 2024年5月1日" in home
    branch = college.html("branches/jg1/")
    for text in (
        "管理学院教工第一党支部",
        "王芳",
        "23 名",
        "2015年9月",
        "某某社区",
        "先进基层党组织",
        "齿轮象征动力",
    ):
        assert text in branch
    assert "红色引擎的故事" in branch
    assert branch.index("五月党课") < branch.index("三月支委会")  # newest first

    page = college.html("branches/jg1/news/2024-03-13-zhiweihui/")
    assert "<h1>三月支委会</h1>" in page
    assert '<time datetime="2024-03-13">2024年3月13日</time>' in page
    assert 'href="../../../../types/zhi-wei-hui/"' in page
    assert "#组织建设" in page and "<dt>作者</dt><dd>李明</dd>" in page
    assert f'href="../{QINGMING}/"' in page  # the newer neighbour
    assert 'href="../../"' in page  # back to the branch

    later = college.html("branches/jg1/news/2024-05-01-dangke/")
    assert f'<a href="../{QINGMING}/">上一次</a>' in later  # link between items rewritten
    xs = college.html("branches/xs1/news/2024-03-20-a/")
    assert "2024年3月20日 14:30" in xs

    timeline = college.html("branches/jg1/timeline/")
    assert re.search(r"2024年.*5月.*五月党课.*4月.*清明祭扫.*3月.*三月支委会", timeline, re.S)
    assert "学生党课" in college.html("types/dang-ke/") and "五月党课" in college.html("types/dang-ke/")
    assert "三月支委会" not in college.html("types/dang-ke/")
    tag = college.html("tags/zu-zhi-jian-she/")
    assert "三月支委会" in tag and "清明祭扫" in tag and "五月党课" not in tag


def test_news_list_is_paginated_and_pages_keep_their_items(tmp_path: Path) -> None:
    """Pages are cut from the oldest item: news arriving changes the front page, not the archive."""
    project = SiteProject(tmp_path, page_size=2)
    project.branch("jg1", JG1)
    for day in range(1, 6):
        project.item("jg1", f"2024-03-0{day}-x.md", item(f"第{day}次会议"))
    assert project.build().returncode == 0
    front, oldest = project.html("news/"), project.html("news/page/1/")
    assert all(f"第{n}次会议" in front for n in (5, 4, 3)) and "第2次会议" not in front
    assert "第2次会议" in oldest and "第1次会议" in oldest and "第3次会议" not in oldest
    assert 'href="page/1/" rel="next"' in front
    assert 'href="../../" rel="prev"' in oldest
    branch = project.html("branches/jg1/")
    assert "全部 5 条动态" not in branch  # all five fit in branch_latest (10)

    project.item("jg1", "2024-03-06-x.md", item("第6次会议"))
    assert project.build().returncode == 0
    front, newer, again = (project.html(u) for u in ("news/", "news/page/2/", "news/page/1/"))
    assert "第6次会议" in front and "第5次会议" in front and "第4次会议" not in front
    assert "第4次会议" in newer and "第3次会议" in newer
    assert "第2次会议" in again and "第1次会议" in again and "第3次会议" not in again
    assert 'href="../2/" rel="prev"' in again and "新闻动态（第 3 页）" in again


def test_drafts_and_unreviewed_are_left_out_everywhere(college: SiteProject) -> None:
    college.item("jg1", "2024-06-01-draft.md", item("草稿新闻") + "\nstatus: draft")
    college.item("jg1", "2024-06-02-noreview.md", item("未审新闻", extra=""))
    result = college.build()
    assert result.returncode == 0
    assert "2024-06-01-draft.md" in result.stderr and "草稿" in result.stderr
    assert "2024-06-02-noreview.md" in result.stderr and "审核" in result.stderr
    site = college.root / "site"
    assert not (site / "branches/jg1/news/2024-06-01-draft").exists()
    assert not (site / "branches/jg1/news/2024-06-02-noreview").exists()
    everything = site_text(site)  # the search index decompressed
    assert "三月支委会" in "".join(r["text"] for r in search_records(site).values())
    assert "草稿新闻" not in everything and "未审新闻" not in everything
    strict = college.build("--strict")
    assert strict.returncode != 0


def test_review_can_be_turned_off(college: SiteProject) -> None:
    college.configure("  - branches:\n", "  - branches:\n      review_required: false\n")
    college.item("jg1", "2024-06-02-noreview.md", item("未审新闻", extra=""))
    assert college.build("--strict").returncode == 0
    assert "未审新闻" in college.html("branches/jg1/news/2024-06-02-noreview/")


HOSTILE = '</title><script>alert(1)</script> & "引号"'


def test_every_content_string_is_escaped(project: SiteProject) -> None:
    project.branch(
        "jg1",
        f"name: '{HOSTILE}'\nbrand: '<img src=x onerror=alert(2)>'\nslogan: '{HOSTILE}'\n"
        f"partners: ['<b>x</b>']\nhonors: ['<i>y</i>']",
    )
    project.item(
        "jg1",
        "2024-03-13-x.md",
        f"title: '{HOSTILE}'\ntype: 支委会\nreviewer: '<u>r</u>'\ntags: ['<s>t</s>']\n"
        f"summary: '{HOSTILE}'\nauthor: '<em>a</em>'",
    )
    assert project.build().returncode == 0
    site = project.root / "site"
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text, page
        assert "<img src=x" not in text, page
        for tag in ("<b>x", "<i>y", "<u>r", "<s>t", "<em>a"):
            assert tag not in text, (page, tag)
    item_page = project.html("branches/jg1/news/2024-03-13-x/")
    assert (
        "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;引号&#34; - 测试学院</title>"
        in (item_page)
    )
    assert '<meta name="description" content="&lt;/title&gt;&lt;script&gt;' in item_page
    # The index holds text, not HTML (search.js shows it as text): the title as written, whole.
    record = search_records(site)["branches/jg1/news/2024-03-13-x/"]
    assert record["meta"]["title"] == HOSTILE and HOSTILE in record["text"]


def test_urls_are_ascii_stable_and_unique(project: SiteProject) -> None:
    project.branch("jg1", JG1)
    project.item("jg1", "2024-03-13-学习会.md", item("同名同日"))
    project.item("jg1", "2024-03-13-xuexihui.md", item("同名同日"))
    project.item("jg1", "2024-03-13-xue-xi-hui.md", item("同名同日"))
    assert project.build("--strict").returncode == 0
    news = project.root / "site/branches/jg1/news"
    folders = sorted(p.name for p in news.iterdir())
    assert folders[0] == "2024-03-13-xue-xi-hui" and folders[2] == "2024-03-13-xuexihui"
    assert re.fullmatch(r"2024-03-13-xue-xi-hui-[0-9a-f]{6}", folders[1])  # pinyin + a digest of its name
    # No file's URL depends on the others: removing one moves nothing.
    (project.root / "branches/jg1/news/2024-03-13-xue-xi-hui.md").unlink()
    assert project.build().returncode == 0
    assert sorted(p.name for p in news.iterdir()) == folders[1:]


def test_works_under_any_sub_path_and_loads_nothing_from_other_hosts(college: SiteProject) -> None:
    assert college.build().returncode == 0
    site = college.root / "site"
    pages = [p for p in site.rglob("*.html") if p.name != "404.html"]  # MkDocs roots 404 at site_url
    assert len(pages) > 10
    for page in pages:
        text = page.read_text(encoding="utf-8")
        loaded = re.findall(r'\bsrc="([^"]+)"', text) + re.findall(r'<link\b[^>]*\bhref="([^"]+)"', text)
        for url in loaded:
            # Only the canonical link may name the site's own absolute URL.
            if url.startswith(("http://", "https://", "//")):
                assert url.startswith("https://www.example.edu.cn/xy/djpp/"), (page, url)
        links = loaded + re.findall(r'<a\b[^>]*\bhref="([^"]+)"', text)
        assert not [url for url in links if url.startswith("/") and not url.startswith("//")], page
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


def test_search_indexes_items_brand_and_hand_written_pages_but_not_lists(college: SiteProject) -> None:
    college.root.joinpath("docs/hidden.md").write_text(
        "---\nsearch:\n  exclude: true\n---\n# 不进索引\n\n隐藏页面。\n", encoding="utf-8"
    )
    assert college.build().returncode == 0
    site = college.root / "site"
    records = search_records(site)
    assert {"", "branches/jg1/", "branches/xs1/", "branches/jg1/news/2024-03-13-zhiweihui/"} <= set(records)
    assert not [u for u in records if u.startswith(("news/", "types/", "tags/", "gallery/", "review/"))]
    assert not [u for u in records if u.endswith(("/timeline/", "/gallery/"))] and "hidden/" not in records
    item = records["branches/jg1/news/2024-03-13-zhiweihui/"]
    assert "研究三月工作" in item["text"]
    assert "上一篇" not in item["text"] and "李明" not in item["text"]  # neighbours and credits are not
    assert "支委会" in item["text"] and "#组织建设" in item["text"] and "红色引擎" in item["text"]
    assert item["meta"] == {
        "title": "三月支委会",
        "date": "2024年3月13日",
        "type": "支委会",
        "branch": "红色引擎",
    }
    assert item["filters"] == {
        "branch": ["红色引擎 · 管理学院教工第一党支部"],
        "type": ["支委会"],
        "year": ["2024"],
    }
    assert records["branches/jg1/"]["meta"]["title"] == "红色引擎 · 管理学院教工第一党支部"
    assert "红色引擎的故事" in records["branches/jg1/"]["text"]
    page = college.html("branches/jg1/news/2024-03-13-zhiweihui/")
    assert "上一篇（较新）" in page and "<dt>作者</dt><dd>李明</dd>" in page  # while the page keeps them
    # The index's own words, for search.js to split a query the way the index was split.
    words = "\n".join(p.read_text(encoding="utf-8") for p in (site / "pagefind/words").glob("*.txt"))
    assert "支委" in words.split("\n") and len(list((site / "pagefind/words").glob("*.txt"))) == 64
    # Nothing of Material's search, nor Pagefind's ready-made interfaces, is published.
    assert not (site / "search").exists() and not list(site.glob("pagefind/pagefind-*ui*"))


def test_material_search_can_be_chosen_instead(college: SiteProject) -> None:
    college.configure("  - branches:\n", "  - search\n  - branches:\n      search: material\n")
    assert college.build("--strict").returncode == 0
    site = college.root / "site"
    assert not (site / "pagefind").exists() and 'data-md-component="search"' in college.html("")
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert "branches/jg1/news/2024-03-13-zhiweihui/" in locations
    assert not any(loc.startswith(("news/", "types/", "tags/")) for loc in locations)
    doc = next(d for d in index["docs"] if d["location"] == "branches/jg1/news/2024-03-13-zhiweihui/")
    text = doc["text"].replace("\u200b", "")  # jieba, when installed, marks its word breaks
    assert "上一篇" not in text and "审核" not in text  # page chrome and credits are not indexed
    assert "研究三月工作" in text and "#组织建设" in text and "红色引擎" in text

    # serve --dirty: the index holds every page once, the edited one with its new text (Material alone
    # would keep only the pages of the rebuild, or list some twice).
    serve_rebuild(college, startup=True)
    college.item("jg1", "2024-05-01-dangke.md", item("五月党课", "党课"), "改过的党课。\n")
    serve_rebuild(college)
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    pages = [doc["location"] for doc in index["docs"] if "#" not in doc["location"]]
    assert len(pages) == len(set(pages))
    assert {"", f"branches/jg1/news/{QINGMING}/", "branches/xs1/news/2024-03-20-a/"} <= set(pages)
    dangke = [d["text"] for d in index["docs"] if d["location"].startswith("branches/jg1/news/2024-05-01")]
    assert any("改过的党课" in t.replace("\u200b", "") for t in dangke)

    # Without the search plugin listed, `search: material` cannot work: said in Chinese.
    college.configure("  - search\n", "")
    result = college.build()
    assert result.returncode != 0 and "plugins 里没有启用 search" in result.stderr
    assert "Traceback" not in result.stderr


def test_material_search_listed_is_replaced_by_pagefind(college: SiteProject) -> None:
    """An older mkdocs.yml lists Material's search: the site gets Pagefind, and a note says so."""
    college.configure("  - branches:\n", "  - search:\n      lang: zh\n  - branches:\n")
    result = college.build("--strict")
    assert result.returncode == 0, result.stderr
    assert "search 插件（Material 自带搜索）已停用" in result.stderr
    site = college.root / "site"
    assert not (site / "search").exists() and (site / "pagefind/pagefind-entry.json").is_file()
    home = college.html("")
    assert (
        "data-bb-search" in home and 'data-md-component="search"' not in home and 'name="search"' not in home
    )


@pytest.mark.parametrize("problem", ["missing", "failing"])
def test_pagefind_problems_fail_the_build_with_a_chinese_message(college: SiteProject, problem: str) -> None:
    program = college.root / "pagefind-stub"
    if problem == "failing":
        program.write_text("#!/bin/sh\necho 'Error: something broke' >&2\nexit 3\n", encoding="utf-8")
        program.chmod(0o755)
    result = college.build(env={"PAGEFIND_BINARY_PATH": str(program)})
    assert result.returncode != 0 and "Traceback" not in result.stderr
    if problem == "missing":
        assert "找不到生成搜索索引的 Pagefind 程序" in result.stderr and "pagefind[extended]" in result.stderr
    else:
        assert "生成搜索索引失败（Pagefind 退出码 3）：Error: something broke" in result.stderr


def test_content_errors_fail_the_build_without_traceback(college: SiteProject) -> None:
    college.item("jg1", "2024-07-01-bad.md", "标题：会议\ntype: 支委会")
    college.item("jg1", "2024-07-02-bad.md", "title: x\ntype: 不存在的类型\nreviewer: a")
    before = tree_hashes(college.root / "branches", college.root / "docs")
    result = college.build()
    assert result.returncode != 0
    assert "branches/jg1/news/2024-07-01-bad.md:2" in result.stderr and "全角冒号" in result.stderr
    assert "branches/jg1/news/2024-07-02-bad.md:3" in result.stderr and "支部党员大会" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(college.root / "branches", college.root / "docs") == before


def test_photos_are_published_and_body_images_resolve(project: SiteProject) -> None:
    from PIL import Image

    project.branch("jg1", JG1)
    folder = project.root / "branches/jg1/news/2024-03-13-清明"
    folder.mkdir(parents=True)
    for name in ("01.jpg", "现场.jpg"):
        Image.new("RGB", (64, 48), "red").save(folder / name)
    project.item("jg1", "2024-03-13-清明.md", item("清明"), "![现场照片](2024-03-13-清明/现场.jpg)\n")
    assert project.build().returncode == 0
    page = project.html(f"branches/jg1/news/{url_name('2024-03-13-清明')}/")
    body = page[page.index('<div class="bb-body">') : page.index('<dl class="bb-credits"')]
    img = re.search(
        r"<picture><source type=\"image/webp\" srcset=\"([^\"]+)\"[^>]*><img ([^>]+)></picture>", body
    )
    assert img, body
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', img.group(2)))
    assert attrs["alt"] == "现场照片" and attrs["loading"] == "lazy"
    assert (attrs["width"], attrs["height"]) == ("64", "48") and "64w" in attrs["srcset"]
    folder_out = project.root / "site/branches/jg1/news" / url_name("2024-03-13-清明")
    assert (folder_out / attrs["src"]).is_file() and attrs["src"].endswith(".jpg")
    assert not any(
        p.name in ("01.jpg", "现场.jpg") for p in (project.root / "site").rglob("*")
    )  # no originals
    gallery = page[page.index('<div class="bb-photos">') :]
    assert 'data-lightbox="photos"' in gallery and "现场照片" not in gallery
    assert "2024-03-13-清明" not in page  # no source file name in a public page
    assert page.count("现场照片") == 1  # shown in the body, not repeated below
    # A search result's photo: the smallest renditions, JPEG and WebP.
    meta = search_records(project.root / "site")[f"branches/jg1/news/{url_name('2024-03-13-清明')}/"]["meta"]
    assert meta["cover"].endswith(".jpg") and meta["cover_webp"].endswith(".webp")
    assert meta["cover"].rsplit(".", 1)[0] == meta["cover_webp"].rsplit(".", 1)[0]
    assert all((project.root / "site" / meta[key]).is_file() for key in ("cover", "cover_webp"))


def test_a_phone_paints_before_the_scripts_and_without_an_unused_palette(college: SiteProject) -> None:
    """No script fetched before the load event (none takes a phone's bandwidth from the first screen's photos;
    test_browser_phone.py runs them); Material's palette stylesheet only where the palette takes something
    from it (its named colours, the dark scheme, the toggle)."""

    def tags(pattern: str) -> list[str]:
        return re.findall(pattern, college.html("/")) + re.findall(pattern, college.html("news/"))

    palettes = {
        "": False,  # no palette: Material's default colours are in its main stylesheet
        "  palette:\n    primary: custom\n    accent: custom\n": False,  # ours, in branches.css
        "  palette:\n    primary: red\n    accent: custom\n": True,
        "  palette:\n    scheme: slate\n    primary: custom\n    accent: custom\n": True,
        "  palette:\n    - scheme: default\n      primary: custom\n      accent: custom\n"
        "      toggle: {icon: material/brightness-4, name: 深色}\n"
        "    - scheme: slate\n      primary: custom\n      accent: custom\n"
        "      toggle: {icon: material/brightness-7, name: 浅色}\n": True,
    }
    language = "  language: zh\n"
    for palette, linked in palettes.items():
        college.configure(language, language + palette)
        assert college.build().returncode == 0, palette
        assert tags(r"<script[^>]*\ssrc=[^>]*>") == []
        later = tags(r'<script type="bb/later" data-src="[^"]*"')
        assert len(later) == 4 and "/javascripts/bundle." in later[0] and "search.js" in later[1], later
        styles = tags(r'<link rel="stylesheet" href="[^"]*"')
        assert any("/main." in s for s in styles) and any("branches.css" in s for s in styles)
        assert any("/palette." in s for s in styles) == linked, (palette, styles)
        college.configure(language + palette, language)


def test_pages_link_only_the_scripts_and_styles_they_use(college: SiteProject) -> None:
    """The photo viewer where there are photos to open; the review pages' styles in the internal edition."""
    from PIL import Image

    folder = college.root / "branches/jg1/news/2024-06-01-photos"
    folder.mkdir(parents=True)
    Image.new("RGB", (64, 48), "red").save(folder / "01.jpg")
    college.item("jg1", "2024-06-01-photos.md", item("六月支委会") + "\nphotos: [2024-06-01-photos/01.jpg]")

    def assets(url: str) -> set[str]:
        return set(re.findall(r'(?:href|src)="[./]*(assets/branches/[^"]+)"', college.html(url)))

    # One stylesheet (each one more holds a phone's first paint back), the review styles in the internal one's.
    lightbox = {"assets/branches/lightbox.js"}
    for env, style in (({}, "branches.css"), ({"BRANCHES_EDITION": "internal"}, "branches-review.css")):
        common, review = {"assets/branches/search.js", f"assets/branches/{style}"}, set()
        assert college.build(env=env).returncode == 0
        css = (college.root / "site/assets/branches" / style).read_text(encoding="utf-8")
        assert ".bb-lightbox{" in css and "@page" in css and ".bb-search__filters{" in css
        assert (".bb-attendance" in css) == (style == "branches-review.css")
        assert assets("branches/jg1/news/2024-06-01-photos/") == common | review | lightbox
        assert assets("gallery/") == common | review | lightbox
        assert assets("branches/jg1/news/2024-03-13-zhiweihui/") == common | review
        assert assets("news/") == common | review
        assert all((college.root / "site" / uri).is_file() for uri in common | lightbox | review)
    # Published minified: the sources' comments stay in the package.
    source = (Path(mkdocs_branches.__file__).parent / "assets/search.js").read_text(encoding="utf-8")
    published = (college.root / "site/assets/branches/search.js").read_text(encoding="utf-8")
    assert "站内搜索" in source and "站内搜索" not in published and len(published) < 0.7 * len(source)


def test_serve_watches_the_content_folder(college: SiteProject) -> None:
    from mkdocs.config import load_config

    config = load_config(str(college.root / "mkdocs.yml"))
    config.plugins.on_startup(command="serve", dirty=False)
    config = config.plugins.on_config(config)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = config.plugins.on_serve(Server(), config=config, builder=None)
    assert str(college.root / "branches") in server.watched


RAW = """正文。

<script>alert(1)</script>
<p onclick="alert(2)">点击</p>
<iframe src="https://evil.example/"></iframe>
<a href="javascript:alert(3)">链接</a>

| 左 | 中 |
|:---|:--:|
| a | b |
"""


@pytest.mark.parametrize("allowed", [False, True])
def test_raw_html_in_bodies_is_sanitised_unless_allowed(project: SiteProject, allowed: bool) -> None:
    if allowed:
        project.configure("  - branches:\n", "  - branches:\n      allow_raw_html: true\n")
    project.branch("jg1", JG1, "故事<script>alert(4)</script>\n")
    project.item("jg1", "2024-03-13-x.md", item("新闻"), RAW)
    assert project.build().returncode == 0
    page = project.html("branches/jg1/news/2024-03-13-x/")
    branch = project.html("branches/jg1/")
    dangerous = ("<script>alert(1)", 'onclick="alert(2)"', "<iframe", "javascript:alert(3)")
    if allowed:
        assert all(d in page for d in dangerous) and "<script>alert(4)" in branch
    else:
        assert not any(d in page for d in dangerous) and "<script>alert(4)" not in branch
        assert "点击" in page and '<td style="text-align:center">b</td>' in page


def test_symlinks_leading_outside_the_content_are_refused(project: SiteProject, tmp_path_factory) -> None:
    from PIL import Image

    outside = tmp_path_factory.mktemp("outside")
    Image.new("RGB", (8, 8)).save(outside / "secret.jpg")
    (outside / "branch").mkdir()
    (outside / "branch" / "index.md").write_text("---\nname: 外部\nbrand: 外部\n---\n", encoding="utf-8")
    project.branch("jg1", JG1)
    (project.root / "branches/jg2").symlink_to(outside / "branch", target_is_directory=True)
    folder = project.root / "branches/jg1/news/2024-03-13-x"
    folder.mkdir(parents=True)
    (folder / "01.jpg").symlink_to(outside / "secret.jpg")
    project.item("jg1", "2024-03-13-x.md", item("新闻") + "\ncover: ../../../../outside/secret.jpg")
    result = project.build()
    assert result.returncode != 0
    assert "branches/jg2: 这个路径指向内容文件夹以外的地方" in result.stderr
    assert "branches/jg1/news/2024-03-13-x/01.jpg: 这个路径指向内容文件夹以外的地方" in result.stderr
    assert "branches/jg1/news/2024-03-13-x.md:5: 这个路径指向内容文件夹以外的地方" in result.stderr
    assert not (project.root / "site").exists()


def serve_rebuild(project: SiteProject, startup: bool = False):
    """One build as `mkdocs serve --dirty` makes it: the plugin instance lives across rebuilds."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    config = load_config(str(project.root / "mkdocs.yml"), site_dir=str(project.root / "site"))
    if startup:  # once per `mkdocs serve`
        config.plugins.on_startup(command="serve", dirty=True)
    build(config, dirty=True)
    return config.plugins["branches"]


def test_the_background_index_runs_apart_and_stops_when_serve_ends(
    college: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve --dirty`'s index is made by a process of its own; ending serve stops it mid-run, leaving the
    index it had and no temporary files."""
    from mkdocs_branches.search import ENTRY, Indexer

    assert college.build().returncode == 0
    site = college.root / "site"
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    entry = site / "pagefind" / ENTRY
    reports: list = []
    indexer = Indexer(reports.append)
    entry.unlink()  # what a finished run writes last
    indexer.submit(str(site), pages)
    assert indexer.wait(120) and entry.is_file()
    assert [type(r).__name__ for r in reports] == ["Indexed"] and reports[0].pages == 7

    slow = college.root / "slow-pagefind"  # a Pagefind that takes a minute
    slow.write_text("#!/bin/sh\nexec sleep 60\n", encoding="utf-8")
    slow.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(slow))
    before = entry.read_bytes()
    indexer.submit(str(site), pages)
    deadline = time.monotonic() + 30
    while not any(p.name.startswith(".pagefind") for p in college.root.iterdir()):  # the run has started
        assert time.monotonic() < deadline
        time.sleep(0.05)
    started = time.monotonic()
    indexer.close()
    assert time.monotonic() - started < 10 and indexer.wait(0)
    assert len(reports) == 1 and entry.read_bytes() == before
    assert [p.name for p in college.root.iterdir() if p.name.startswith(".pagefind")] == []


def test_dirty_serve_rebuilds_only_pages_whose_inputs_changed(college: SiteProject) -> None:
    plugin = serve_rebuild(college, startup=True)
    site = college.root / "site/branches"
    pages = {p: p.stat().st_mtime_ns for p in site.rglob("index.html")}
    time.sleep(0.02)
    college.item(
        "jg1", "2024-03-13-zhiweihui.md", item("三月支委会（修改）") + "\ntags: [组织建设]", "改过的正文。\n"
    )
    assert serve_rebuild(college) is plugin
    changed = {p.relative_to(site).as_posix() for p, t in pages.items() if p.stat().st_mtime_ns != t}
    assert "jg1/news/2024-03-13-zhiweihui/index.html" in changed
    assert "改过的正文" in college.html("branches/jg1/news/2024-03-13-zhiweihui/")
    assert "三月支委会（修改）" in college.html(f"branches/jg1/news/{QINGMING}/")  # its neighbour
    assert "jg1/index.html" in changed and "jg1/timeline/index.html" in changed
    assert "xs1/news/2024-03-20-a/index.html" not in changed  # another branch's item is left alone
    assert "jg1/news/2024-05-01-dangke/index.html" not in changed  # not a neighbour of the edited item


def test_dirty_serve_hands_mkdocs_only_what_changed(college: SiteProject, caplog) -> None:
    """Unchanged pages are kept, not re-rendered, and links to them still resolve; a photo dropped into
    an item's folder shows up; a warning is repeated in every rebuild until it is fixed."""
    from PIL import Image

    college.item("jg1", "2024-06-01-typo.md", item("有笔误的新闻") + "\ntitel: 多余")
    plugin = serve_rebuild(college, startup=True)
    everything = set(plugin.pages)
    assert "branches/jg1/news/2024-05-01-dangke.md" in everything
    pages = {p: p.stat().st_mtime_ns for p in (college.root / "site").rglob("index.html")}
    before = [p for p in (college.root / "site/pagefind").rglob("*") if p.is_file()]
    caplog.clear()
    assert serve_rebuild(college) is plugin
    # Only the generated pages in the navigation are handed over, and MkDocs skips them as unmodified
    # (the home page here is docs/index.md).
    assert set(plugin.pages) == {
        "news/index.md", "gallery/index.md", "types/index.md", "tags/index.md",
        "review/index.md", "review/pending.md", "guide.md", "errors.md",
    }  # fmt: skip
    assert {p: p.stat().st_mtime_ns for p in (college.root / "site").rglob("index.html")} == pages
    assert "2024-06-01-typo.md:5: 不认识的键“titel”" in caplog.text

    folder = college.root / "branches/jg1/news/2024-05-01-dangke"
    folder.mkdir()
    Image.new("RGB", (640, 480), "red").save(folder / "01.jpg")
    college.item(
        "jg1", "2024-05-01-dangke.md", item("五月党课", "党课"), "[上一次](2024-04-02-清明祭扫.md)\n改。\n"
    )
    caplog.clear()
    serve_rebuild(college)
    assert "branches/jg1/news/2024-05-01-dangke.md" in plugin.pages
    assert f"branches/jg1/news/{QINGMING}.md" not in plugin.pages  # kept
    page = college.html("branches/jg1/news/2024-05-01-dangke/")
    assert "<picture>" in page and f'href="../{QINGMING}/"' in page
    assert "not found" not in caplog.text and "unrecognized" not in caplog.text
    assert "2024-06-01-typo.md:5: 不认识的键“titel”" in caplog.text

    # The search index follows in the background (the rebuild did not wait for it): every page once,
    # the edited one with its new text; the previous index's files stay for readers who loaded it.
    assert plugin.search.indexer.wait(120)
    records = search_records(college.root / "site")
    assert {"", f"branches/jg1/news/{QINGMING}/", "branches/xs1/news/2024-03-20-a/"} <= set(records)
    assert "改。" in records["branches/jg1/news/2024-05-01-dangke/"]["text"]
    assert all(p.is_file() for p in before)


def test_builds_under_properdocs(college: SiteProject) -> None:
    """ProperDocs (the maintained MkDocs 1.x fork) finds the plugin by its entry point and builds the same site."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build"], cwd=college.root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "<h1>三月支委会</h1>" in college.html("branches/jg1/news/2024-03-13-zhiweihui/")
    assert college.html("").count('class="bb-card"') == 2


def test_item_and_list_pages_do_not_grow_with_the_site(tmp_path: Path) -> None:
    """The same item, with the same neighbours, in a 100-item and a 1,000-item site: identical HTML."""

    def build(items: int) -> SiteProject:
        project = SiteProject(tmp_path / str(items))
        project.branch("jg1", JG1)
        project.branch("xs1", "name: 学生支部\nbrand: 青春")
        for n in range(items):
            branch = "jg1" if n < 10 else "xs1"
            day = f"2024-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}"
            project.item(
                branch, f"{day}-n{n:04d}.md", item(f"第{n:04d}条", extra=f"reviewer: 王\ntags: [t{n % 3}]")
            )
        assert project.build().returncode == 0
        return project

    small, large = build(100), build(1000)
    page = "branches/jg1/news/2024-01-05-n0004/"
    assert small.html(page) == large.html(page)
    # Page 3 of the news list: 20 rows either way, and a pager of fixed size (1 2 3 4 5 … last).
    lists = small.html("news/page/3/"), large.html("news/page/3/")
    assert all(text.count('class="bb-item"') == 20 for text in lists)
    assert abs(len(lists[1]) - len(lists[0])) < 300


def test_galleries_per_branch_and_site_wide(project: SiteProject) -> None:
    from PIL import Image

    project.branch("jg1", JG1)
    project.branch("xs1", "name: 学生支部\nbrand: 青春")
    for branch, name, caption in (("jg1", "2024-03-01-a", "会场"), ("xs1", "2024-04-01-b", "合影<b>")):
        folder = project.root / "branches" / branch / "news" / name
        folder.mkdir(parents=True)
        Image.new("RGB", (800, 600), "red").save(folder / "01.jpg")
        photos = f"photos:\n  - {{file: {name}/01.jpg, caption: '{caption}'}}"
        project.item(branch, f"{name}.md", item(f"新闻{name}") + "\n" + photos)
    project.item("jg1", "2024-05-01-none.md", item("没有照片"))
    assert project.build().returncode == 0
    everything = project.html("gallery/")
    assert everything.index("新闻2024-04-01-b") < everything.index("新闻2024-03-01-a")  # newest first
    assert "没有照片" not in everything and "合影&lt;b&gt;" in everything and "合影<b>" not in everything
    assert everything.count("data-lightbox=") == 2
    # On a phone's first screen: not lazy-loaded; the tallest of the first two rows (here, of the same
    # shape, the first) is its largest paint and the only one fetched first.
    assert 'loading="lazy"' not in everything and everything.count('fetchpriority="high"') == 1
    assert everything.index('fetchpriority="high"') < everything.index("新闻2024-03-01-a")
    branch = project.html("branches/jg1/gallery/")
    assert "新闻2024-03-01-a" in branch and "新闻2024-04-01-b" not in branch
    assert 'href="gallery/"' in project.html("branches/jg1/")


def test_broken_photos_are_left_out_with_a_message_per_photo(project: SiteProject) -> None:
    import io

    from PIL import Image

    project.branch("jg1", JG1)
    folder = project.root / "branches/jg1/news/2024-03-13-x"
    folder.mkdir(parents=True)
    good = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(good, "JPEG")
    (folder / "01.jpg").write_bytes(good.getvalue()[: len(good.getvalue()) // 2])  # truncated
    (folder / "02.jpg").write_bytes(b"not a photo at all")
    project.item("jg1", "2024-03-13-x.md", item("新闻"))
    before = tree_hashes(project.root / "branches")
    result = project.build()
    assert result.returncode == 0  # the news goes out without them (tests/test_images.py: `phone_site`)
    assert "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/01.jpg”这次不发布" in result.stderr
    assert "branches/jg1/news/2024-03-13-x.md: 照片“2024-03-13-x/02.jpg”这次不发布" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(project.root / "branches") == before


def test_every_link_in_the_shared_sidebar_and_config_resolves(demo_site: Path) -> None:
    """The navigation sidebar and Material's config script are rendered once per distinct position and
    reused (chrome.py): on every page of the demo, each sidebar link and the config's base must still
    point where they should, from that page."""
    checked = 0
    for page in demo_site.rglob("index.html"):
        text = page.read_text(encoding="utf-8")
        start = text.find("md-sidebar--primary")
        if start < 0:
            continue
        sidebar = text[start : text.index("md-sidebar--secondary", start)]
        for href in re.findall(r'href="([^"#]+)"', sidebar):
            target = (page.parent / href).resolve()
            assert (target / "index.html").is_file() or target.is_file(), (page, href)
            checked += 1
        base = re.search(r'<script id="__config" type="application/json">\{[^<]*?"base": "([^"]+)"', text)
        assert base and (page.parent / base.group(1) / "pagefind/pagefind.js").is_file(), page
    assert checked > 1000
