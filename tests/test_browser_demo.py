"""The built demo site in Debian's Chromium, served under a sub-path on 127.0.0.1."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from audit import VIEWPORTS
from browser import SUB_PATH, RequestLog, results, scripts_started, search, serve_under_sub_path
from conftest import ROOT, search_records

pytestmark = pytest.mark.browser
CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

# Chinese search quality on the demo: each query, what it stands for, the pages that must be among its
# first five results (URLs from the site root), and a text every one of the first five must show (in its
# title or its date · type · branch line), where many pages are equally right.
GOLDEN = [
    ("党课", "a two-character word", [], "党课"),
    ("吴建国", "a person's name", [
        "branches/jg1/news/2025-01-09-zuzhi-shenghuohui/",
        "branches/jg1/news/2025-06-27-zhuti-dangri-wuda/",
        "branches/jg1/news/2026-09-10-jiaoshijie-zengshu/",
    ], ""),
    ("张桂兰", "a person named once", ["branches/ltx/news/2025-04-03-qing-ming-ji-sao-60f1f5/"], ""),
    ("红色引擎", "a brand", ["branches/jg1/"], ""),
    ("星火朋辈", "a brand", ["branches/xs-bk2/"], ""),
    ("双带头人", "a phrase of two brand stories", ["branches/jg1/", "branches/jj-jg/"], ""),
    ("烈士陵园", "a four-character phrase from bodies", [
        "branches/ltx/news/2025-04-03-qing-ming-ji-sao-60f1f5/",
        "branches/xs-bk1/news/2026-04-02-qingming-jiufengshan/",
    ], ""),
    ("科研诚信", "a four-character phrase from bodies and a title", [
        "branches/xs-yjs/news/2025-12-03-dangke-kexue-chengxin/",
        "branches/xs-yjs/news/2025-07-21-zhiweihui/",
        "branches/xs-yjs/news/2026-01-08-zhiweihui/",
        "branches/xs-yjs/news/2026-07-09-zhiwei-huiyi/",
    ], ""),
    ("我为群众办实事", "a tag", [
        "branches/jg3/news/2025-05-15-biyeji-yanshi-fuwu/",
        "branches/ltx/news/2026-09-16-xuefeng-duxu/",
        "branches/xs-yjs/news/2026-05-20-tongji-zhiyuan/",
        "branches/jg2/news/2026-03-05-xue-lei-feng-zhi-yuan-fu-wu-769be2/",
    ], ""),
    ("2025年6月", "a month", [], "2025年6月"),
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_url(demo_site: Path):
    with serve_under_sub_path(demo_site) as url:
        yield url


def branch_count() -> int:
    return sum(1 for p in (ROOT / "branches").iterdir() if (p / "index.md").is_file())


def body_word(site: Path) -> tuple[str, str]:
    """A word of the index that only one item's body holds (not its title): (word, the item's URL)."""
    records = search_records(site)
    seen = Counter(w for r in records.values() for w in set(r["content"].split("\u200b")))
    for url, record in sorted(records.items()):
        for word in record["content"].split("\u200b") if "/news/" in url else []:
            if (
                CJK_WORD.match(word)
                and seen[word] == 1
                and word not in record["meta"]["title"]
                and not any(word in r["text"] for u, r in records.items() if u != url)
            ):
                return word, url
    raise AssertionError("no distinctive word in the demo items")


def test_home_branch_and_news_pages(browser, demo_url: str) -> None:
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url)
    cards = page.locator("a.bb-card")
    assert cards.count() == branch_count()
    first_brand = cards.first.locator(".bb-card__brand").inner_text()
    cards.first.click()
    page.wait_for_load_state()
    assert page.locator("h1.bb-profile__brand").inner_text() == first_brand
    assert page.url.startswith(demo_url + "branches/")
    page.locator("ul.bb-items a.bb-item__title").first.click()
    page.wait_for_load_state()
    assert "/news/" in page.url
    assert page.locator("article.bb-article h1").is_visible()
    assert page.locator("article.bb-article time").inner_text().endswith("日")
    assert requests.foreign() == []
    page.close()


def test_chinese_search_finds_an_item_by_a_word_from_its_body(
    browser, demo_url: str, demo_site: Path
) -> None:
    word, url = body_word(demo_site)
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url)
    results = search(page, word)
    assert results and results[0]["url"] == SUB_PATH + url
    assert f"<mark>{word}</mark>" in results[0]["excerpt"].replace("\u200b", "")  # highlighted
    assert requests.foreign() == []
    page.close()


@pytest.mark.parametrize(("query", "kind", "must", "each"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_queries(browser, demo_url: str, query: str, kind: str, must: list[str], each: str) -> None:
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url + "news/")
    first = search(page, query)[:5]
    urls = [r["url"] for r in first]
    assert len(first) == 5 or (must and len(first) >= len(must)), (kind, first)
    for url in must:
        assert SUB_PATH + url in urls, (kind, url, first)
    for result in first if each else []:
        assert each in result["title"] + result["info"], (kind, result)
    assert requests.foreign() == []
    page.close()


def test_search_keys_filters_and_sort(browser, demo_url: str) -> None:
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url)
    toggle = page.locator("#__search")
    assert len(search(page, "支部")) == 10 and "更多" in page.locator(".bb-search__more").inner_text()
    assert toggle.is_checked()
    # A filter: every result is of that type; the branch filter lists every branch, with counts.
    page.locator(".bb-search__filters select[name=type]").select_option("党课")
    infos = [r["info"] for r in results(page)]
    assert infos and all("· 党课 ·" in info for info in infos)
    options = page.locator(".bb-search__filters select[name=branch] option").all_inner_texts()
    assert len(options) == branch_count() + 1 and all("（" in o for o in options[1:])
    # Newest first: dates descending.
    page.locator(".bb-search__filters select[name=sort]").select_option("desc")
    dates = [tuple(int(n) for n in re.findall(r"\d+", r["info"])[:3]) for r in results(page)]
    assert len(dates) > 1 and dates == sorted(dates, reverse=True)
    # Keys: Escape closes; `s` opens again, ↓ goes to the first result, Enter opens it.
    page.keyboard.press("Escape")
    assert not toggle.is_checked()
    page.keyboard.press("s")
    assert toggle.is_checked()
    page.keyboard.press("ArrowDown")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    assert href and href.startswith(SUB_PATH + "branches/")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    page.keyboard.press("Enter")
    page.wait_for_url("**" + href)
    assert page.locator("article.bb-article h1").is_visible()
    assert requests.foreign() == []
    page.close()


def test_phone_sized_viewport(browser, demo_url: str) -> None:
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    requests = RequestLog()
    requests.attach(page)
    for path in ("", "news/"):
        page.goto(demo_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path or 'home'} scrolls sideways by {overflow}px on a phone"
    page.goto(demo_url)
    assert page.locator("a.bb-card").first.is_visible()
    page.locator("label.md-header__button[for='__drawer']").click()
    assert page.locator("nav.md-nav--primary").first.is_visible()
    # Search: the header's button opens it full screen, with the keyboard's focus in the box.
    page.goto(demo_url + "news/")
    scripts_started(page)
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    assert box.is_visible() and box.evaluate("el => el === document.activeElement")
    box.fill("党课")
    first = page.locator(".md-search-result__item").first
    first.wait_for(timeout=15000)
    cover = first.locator("img.bb-search__cover")
    assert cover.is_visible()  # the item's photo, in WebP
    assert cover.evaluate("img => img.decode().then(() => img.currentSrc)").endswith(".webp")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"search scrolls sideways by {overflow}px on a phone"
    assert requests.foreign() == []
    context.close()


def test_what_is_typed_before_search_has_come_is_answered(browser, demo_url: str) -> None:
    """Search's script is fetched after the page's photos (overrides/main.html): a reader who opens the box and
    types meanwhile (on a phone: the button and the box work without it) gets the results once it has come."""
    page = browser.new_page(**VIEWPORTS["phone"])
    held = []
    page.route("**/assets/branches/search.js", lambda route: held.append(route))
    page.goto(demo_url + "news/")
    while not held:
        page.wait_for_timeout(20)
    page.locator("label.md-header__button[for='__search']").click()
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("党课")
    assert page.locator(".md-search-result__item").count() == 0
    held[0].continue_()
    found = results(page)
    assert found and all("党课" in r["title"] + r["info"] + r["excerpt"] for r in found)
    assert page.locator("#__search").is_checked()
    page.close()


def test_gallery_lightbox(browser, demo_url: str) -> None:
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url + "gallery/")
    scripts_started(page)
    first = page.locator("a[data-lightbox]").first
    caption = first.get_attribute("data-caption")
    first.click()
    dialog = page.locator(".bb-lightbox[role=dialog]")
    dialog.wait_for(state="visible", timeout=5000)
    assert caption and caption in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=5000)
    assert requests.foreign() == []
    page.close()
