"""Search in Chromium on small sites built for the purpose: content strings stay text, an index cut into
shards answers as one, and the preview of `serve --dirty` keeps answering while its index is rebuilt."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Browser, Page
from test_site import HOSTILE, JG1, item, serve_rebuild

from browser import SUB_PATH, RequestLog, results, search, serve_under_sub_path
from conftest import SiteProject

pytestmark = pytest.mark.browser


def watched_page(browser: Browser) -> tuple[Page, RequestLog, list[str]]:
    """A new page, its requests logged, and the failed responses and script errors it meets."""
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("pageerror", lambda e: failed.append(str(e)))
    return page, requests, failed


def test_titles_and_text_from_content_are_shown_as_text(browser, project: SiteProject) -> None:
    project.branch("jg1", JG1)
    project.item(
        "jg1",
        "2024-03-13-x.md",
        f"title: '{HOSTILE}'\ntype: 支委会\nreviewer: 王",
        f"正文<b>粗体</b>{HOSTILE}\n",
    )
    assert project.build().returncode == 0
    with serve_under_sub_path(project.root / "site") as url:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)
        (hit,) = search(page, "引号")
        assert hit["title"] == HOSTILE and hit["url"] == SUB_PATH + "branches/jg1/news/2024-03-13-x/"
        assert (
            page.locator(".md-search-result script, .md-search-result b, .md-search-result img").count() == 0
        )
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hit["excerpt"]
        assert dialogs == []
        page.close()


def test_the_preview_keeps_answering_while_its_index_is_rebuilt(browser, project: SiteProject) -> None:
    """`serve --dirty` rebuilds the index in the background, after the page is served: a reader who
    loaded the previous index still gets answers, and a new visit finds the new text."""
    project.branch("jg1", JG1)
    for n in range(30):
        project.item("jg1", f"2024-03-{n + 1:02d}-x.md", item(f"第{n}次会议"), f"会议研究了第{n}项工作。\n")
    project.item("jg1", "2024-03-05-x.md", item("第4次会议"), "会议学习红旗渠精神。\n")
    plugin = serve_rebuild(project, startup=True)
    assert plugin.search.indexer.wait(120)  # the first index too is made after the build
    with serve_under_sub_path(project.root / "site") as url:
        page, requests, failed = watched_page(browser)
        page.goto(url)
        assert len(search(page, "工作")) == 10  # the previous index, loaded (not the fragment of 红旗渠)
        project.item("jg1", "2024-03-05-x.md", item("第4次会议"), "改写后的正文，讨论乡村振兴。\n")
        serve_rebuild(project)
        assert plugin.search.indexer.wait(120)
        # The same page, not reloaded, goes on with the index it loaded: the edited item's old text, whose
        # fragment the new index no longer names, still opens.
        page.locator("input.md-search__input").fill("红旗渠")
        (old,) = results(page)
        assert old["url"] == SUB_PATH + "branches/jg1/news/2024-03-05-x/" and "乡村" not in old["excerpt"]
        page.reload()
        (hit,) = search(page, "乡村振兴")
        assert hit["url"] == SUB_PATH + "branches/jg1/news/2024-03-05-x/"
        assert failed == [] and requests.foreign() == []
        page.close()


def sharded(project: SiteProject) -> None:
    """26 items (第0次会议 of 2024-01-01 … 第25次会议 of 2024-03-02), the brand page and the home page, indexed
    in shards of at most 8 pages: 4 of 7, the first of them the newest 7 items, 第19…25次会议."""
    project.branch("jg1", JG1)
    kinds = ("支委会", "党课", "主题党日")
    for n in range(26):
        day = f"2024-{1 + n // 12:02d}-{1 + n % 12:02d}"
        project.item("jg1", f"{day}-x.md", item(f"第{n}次会议", kinds[n % 3]), f"会议研究了第{n}项工作。\n")
    assert project.build(env={"BRANCHES_SEARCH_SHARD_PAGES": "8"}).returncode == 0


def test_an_index_cut_into_shards_answers_as_one(browser, project: SiteProject) -> None:
    """A large site's index is cut by date into shards (here of 8 pages): a query finds the items of every
    shard, the date sort runs over all of them, and a filter's counts add up the shards'."""
    sharded(project)
    bundle = project.root / "site" / "pagefind"
    shards = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    assert shards == ["shard/1/", "shard/2/", "shard/3/"]  # 26 items, the brand page and the home page
    assert not list(bundle.glob("shard/*/pagefind.js")) and not list(bundle.glob("shard/*/wasm.*"))
    with serve_under_sub_path(project.root / "site") as url:
        page, requests, failed = watched_page(browser)
        page.goto(url)
        assert len(search(page, "工作")) == 10
        assert page.locator(".md-search-result__meta").inner_text() == "找到 26 个符合条件的结果"
        urls = [r["url"] for r in show_all(page)]
        assert len(urls) == len(set(urls)) == 26
        # Newest first, over every shard.
        page.locator(".bb-search__filters select[name=sort]").select_option("desc")
        results(page)
        dates = [tuple(int(n) for n in re.findall(r"\d+", r["info"])[:3]) for r in show_all(page)]
        assert len(dates) == 26 and dates == sorted(dates, reverse=True)
        # A filter: counts of every shard, and only that type.
        options = page.locator(".bb-search__filters select[name=type] option").all_inner_texts()
        assert sorted(options[1:]) == ["主题党日（8）", "党课（9）", "支委会（9）"]
        page.locator(".bb-search__filters select[name=type]").select_option("党课")
        infos = [r["info"] for r in results(page)]
        assert len(infos) == 9 and all("· 党课 ·" in info for info in infos)
        assert failed == [] and requests.foreign() == []
        page.close()


def test_a_sharded_search_shows_the_newest_shard_first(browser, project: SiteProject) -> None:
    """The first shard's results are shown before the older shards are fetched, and stay first; an older
    shard that cannot be fetched leaves what was found on screen, and a later search tries again."""
    sharded(project)
    newest = {f"第{n}次会议" for n in range(19, 26)}
    with serve_under_sub_path(project.root / "site") as url:
        page, requests, failed = watched_page(browser)
        page.route("**/pagefind/shard/**", lambda route: route.abort())  # the older shards unreachable
        page.goto(url)
        assert {r["title"] for r in search(page, "工作")} == newest
        meta = page.locator(".md-search-result__meta").inner_text()
        assert meta == "找到 7 个结果，较早的新闻暂时搜不到，请稍后再试"
        fetched = requests.urls
        first_shown = next(i for i, u in enumerate(fetched) if "/pagefind/fragment/" in u)
        assert first_shown < next(i for i, u in enumerate(fetched) if "/pagefind/shard/1/" in u)
        page.unroute("**/pagefind/shard/**")
        page.locator("input.md-search__input").fill("会议研究")
        results(page)
        found = [r["title"] for r in show_all(page)]
        assert len(found) == 26 and set(found[:7]) == newest
        assert page.locator(".md-search-result__meta").inner_text() == "找到 26 个符合条件的结果"
        assert failed == [] and requests.foreign() == []
        page.close()


def show_all(page) -> list[dict[str, str]]:
    """Clicks 显示更多结果 until every result is shown, the first time twice at once (loaded once)."""
    more = page.locator(".bb-search__more")
    twice = True
    for _ in range(10):
        if not more.is_visible():
            break
        if twice:  # two clicks in a row, the second while the next results load
            more.evaluate("button => { button.click(); button.click(); }")
            twice = False
        else:
            more.click()
        page.wait_for_selector(".bb-search__more:not([aria-busy])", state="attached")
    assert not more.is_visible()
    return results(page)
