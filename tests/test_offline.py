"""The reviewers' edition opened from disk: the demo's `publish --internal --zip`, unzipped and read in
Chromium as file://, every page and link, the photo viewer, a CSV download and the golden search queries."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from test_browser_demo import GOLDEN

from browser import RequestLog, results, scripts_started, search, serve_under_sub_path
from conftest import ROOT, SiteProject

pytestmark = pytest.mark.browser
PAGES_PER_KIND = 2  # pages of each kind Chromium opens (every page is checked without it)


@pytest.fixture(scope="module")
def unzipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's reviewers' edition, published with --zip and unzipped as a reviewer would."""
    out = tmp_path_factory.mktemp("offline")
    command = [
        sys.executable,
        "-m",
        "mkdocs_branches",
        "publish",
        "--internal",
        "-f",
        str(ROOT / "mkdocs.yml"),
    ]
    result = subprocess.run(
        [*command, "-d", str(out / "site-internal"), "--zip", str(out / "review.zip")],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1780000000"},
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out / "review.zip") as archive:
        archive.extractall(out / "unzipped")
    return out / "unzipped"


class Watched:
    """A browser page whose failed requests, script errors and console errors are collected."""

    def __init__(self, context) -> None:
        self.page = context.new_page()
        self.problems: list[str] = []
        self.page.on("requestfailed", lambda r: self.problems.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: self.problems.append(r.url) if r.status >= 400 else None)
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("console", lambda m: self.problems.append(m.text) if m.type == "error" else None)


def static_links(page: Path) -> list[str]:
    """The relative URLs in a page's HTML: links, scripts (those fetched after the load event too),
    stylesheets, photos and their renditions."""
    html = page.read_text(encoding="utf-8")
    found = re.findall(r'<[a-z][^<>]*?\s(?:href|src|data-src)="([^"]*)"', html)
    for srcset in re.findall(r'<[a-z][^<>]*?\ssrcset="([^"]*)"', html):
        found += [part.strip().split(" ")[0] for part in srcset.split(",") if part.strip()]
    return [u for u in found if u and u[0] not in "#/" and not re.match(r"^[a-z][a-z0-9+.-]*:", u)]


def shape(relative: str, branches: set[str]) -> str:
    """A page's kind, from its path: branch ids, list values and anything with a digit made `*`."""
    parts = relative.split("/")
    return "/".join(
        "*" if p in branches or re.search(r"\d", p) or (i and parts[i - 1] in ("types", "tags")) else p
        for i, p in enumerate(parts)
    )


def test_every_page_and_link_works_from_disk(browser, unzipped: Path) -> None:
    """Every link, script, stylesheet and photo of every page reachable from index.html names a file
    (a folder would open a listing); Chromium opens pages of every kind (PAGES_PER_KIND of each, all with
    OFFLINE_PAGES_PER_KIND=0) with no failed request and no script error, and finds the same."""
    reachable, queue, suffixes = {unzipped / "index.html"}, [unzipped / "index.html"], set()
    while queue:
        page_file = queue.pop()
        for url in static_links(page_file):
            path = Path(os.path.normpath(page_file.parent / unquote(url.split("#")[0].split("?")[0])))
            assert path.is_relative_to(unzipped), (page_file, url)
            assert path.is_file(), f"{page_file.relative_to(unzipped)} links to {url}, which is not a file"
            suffixes.add(path.suffix)
            if path.suffix == ".html" and path not in reachable:
                reachable.add(path)
                queue.append(path)
    assert len(reachable) > 300 and {".html", ".csv", ".jpg", ".webp", ".js", ".css"} <= suffixes
    branches = {p.name for p in (unzipped / "branches").iterdir() if p.is_dir()}
    kinds = {shape(p.relative_to(unzipped).as_posix(), branches) for p in reachable}
    for kind in ("index.html", "news/index.html", "gallery/index.html", "branches/*/index.html",
                 "branches/*/timeline/index.html", "branches/*/gallery/index.html", "branches/*/news/*/index.html",
                 "types/*/index.html", "tags/*/index.html", "review/index.html", "review/*/index.html",
                 "review/branches/*/index.html", "review/reports/*/index.html", "review/pending/index.html",
                 "guide/index.html", "about/index.html"):  # fmt: skip
        assert kind in kinds, kind
    per_kind = int(os.environ.get("OFFLINE_PAGES_PER_KIND", PAGES_PER_KIND)) or len(reachable)
    visits: dict[str, int] = {}
    context = browser.new_context()
    watched = Watched(context)
    page = watched.page
    for page_file in sorted(reachable):
        kind = shape(page_file.relative_to(unzipped).as_posix(), branches)
        visits[kind] = visits.get(kind, 0) + 1
        if visits[kind] > per_kind:
            continue
        url = page_file.as_uri()
        page.goto(url)
        scripts_started(page)  # their errors count too
        assert watched.problems == [], (url, watched.problems)
        banner = page.locator(".md-banner").inner_text()  # the 内部审阅版 banner, with the build's date
        assert "内部审阅版，请勿对外发布（生成于 2026年5月29日 04:26）" in banner, url
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            target = urldefrag(href)[0]
            if urlsplit(target).scheme == "file":
                assert Path(unquote(urlsplit(target).path)).is_file(), (url, href)
    context.close()


def test_photo_viewer_and_csv_download_from_disk(browser, unzipped: Path) -> None:
    context = browser.new_context(accept_downloads=True)
    watched = Watched(context)
    page = watched.page
    page.goto((unzipped / "gallery" / "index.html").as_uri())
    scripts_started(page)
    page.locator("a[data-lightbox]").first.click()
    dialog = page.locator(".bb-lightbox[role=dialog]")
    dialog.wait_for(state="visible", timeout=5000)
    photo = page.locator(".bb-lightbox__img")
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=5000)
    page.goto((unzipped / "review" / "index.html").as_uri())
    with page.expect_download() as download:
        page.locator("a[href$='summary.csv']").first.click()
    saved = download.value.path()
    assert saved is not None
    text = Path(saved).read_bytes().decode("utf-8-sig")
    assert text.splitlines()[0].count(",") >= 2 and "支部" in text
    # A navigation that became a download ends its request as aborted: that is the download, not a failure.
    assert [p for p in watched.problems if not p.endswith("summary.csv: net::ERR_ABORTED")] == []
    context.close()


@pytest.mark.parametrize(("query", "kind", "must", "each"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_queries_from_disk(
    browser, unzipped: Path, query: str, kind: str, must: list[str], each: str
) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto((unzipped / "news" / "index.html").as_uri())
    first = search(page, query)[:5]
    site = unzipped.as_uri() + "/"
    urls = [r["url"].removeprefix(site).removesuffix("index.html") for r in first]
    assert len(first) == 5 or (must and len(first) >= len(must)), (kind, first)
    for url in must:
        assert url in urls, (kind, url, first)
    for result in first if each else []:
        assert each in result["title"] + result["info"], (kind, result)
    assert all(r["url"].startswith(site) and r["url"].endswith("index.html") for r in first)
    assert watched.problems == []
    page.close()


def test_search_from_disk_filters_sorts_and_opens_a_result(browser, unzipped: Path) -> None:
    watched = Watched(browser)
    page = watched.page
    page.goto((unzipped / "index.html").as_uri())
    assert len(search(page, "支部")) == 10
    page.locator(".bb-search__filters select[name=type]").select_option("党课")
    infos = [r["info"] for r in results(page)]
    assert infos and all("· 党课 ·" in info for info in infos)
    page.locator(".bb-search__filters select[name=sort]").select_option("desc")
    dates = [r["info"].split(" · ")[0] for r in results(page)]
    assert len(dates) > 1
    first = page.locator(".md-search-result__item a").first
    href = first.get_attribute("href")
    assert href and href.endswith("index.html")
    first.click()
    page.wait_for_url(href)
    assert page.locator("article.bb-article h1").is_visible()
    assert watched.problems == []
    page.close()


def test_a_site_too_large_to_search_from_disk_says_so(browser, project: SiteProject, monkeypatch) -> None:
    """Above the offline index's limit, the search box explains instead of showing nothing; `--zip`
    alone names the zip by the day it was built."""
    from mkdocs_branches import offline

    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", "title: 新闻\ntype: 支委会\nreviewer: 王", "学习党课内容。\n")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "publish", "--internal", "--zip"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1780000000"},
    )
    assert result.returncode == 0, result.stderr
    assert (project.root / "内部审阅版-2026-05-29.zip").is_file()
    site = project.root / "site-internal"
    monkeypatch.setattr(offline, "MAX_TEXT_BYTES", 10)
    assert offline.write_search_index(site)[0] == 0
    watched = Watched(browser)
    page = watched.page
    page.goto((site / "index.html").as_uri())
    scripts_started(page)
    page.keyboard.press("/")
    page.locator("input.md-search__input").fill("党课")
    results(page)
    assert page.locator(".md-search-result__meta").inner_text() == offline.TOO_LARGE
    page.close()


def test_the_same_edition_served_keeps_pagefind(browser, unzipped: Path) -> None:
    """Served over HTTP, the reviewers' edition searches with Pagefind, and its links to index.html work."""
    with serve_under_sub_path(unzipped) as url:
        watched = Watched(browser)
        page = watched.page
        requests = RequestLog()
        requests.attach(page)
        page.goto(url)
        assert search(page, "党课")
        assert any("/pagefind/pagefind.js" in u for u in requests.urls)
        assert not any("/offline" in u for u in requests.urls)
        page.keyboard.press("Escape")
        page.locator("a.bb-card").first.click()
        page.wait_for_load_state()
        assert page.url.startswith(url + "branches/") and page.url.endswith("/index.html")
        assert page.locator("h1.bb-profile__brand").is_visible()
        assert watched.problems == [] and requests.foreign() == []
        page.close()
