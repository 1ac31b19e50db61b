"""The built demo site in Debian's Chromium, served under a sub-path on 127.0.0.1."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import jieba
import pytest

from browser import RequestLog, serve_under_sub_path
from conftest import ROOT

pytestmark = pytest.mark.browser
CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
jieba.setLogLevel(30)
jieba.initialize()
FREQ = jieba.get_FREQ


@pytest.fixture(scope="module")
def demo_url(demo_site: Path):
    with serve_under_sub_path(demo_site) as url:
        yield url


def branch_count() -> int:
    return sum(1 for p in (ROOT / "branches").iterdir() if (p / "index.md").is_file())


def body_word(site: Path) -> tuple[str, str]:
    """A word that occurs in exactly one item's body (not its title): (word, the item's location)."""
    docs = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]
    items = [d for d in docs if "/news/" in d["location"] and "#" not in d["location"]]
    seen = Counter(w for d in docs for w in set(re.split(r"[\s\u200b]+", re.sub(r"<[^>]+>", " ", d["text"]))))
    for doc in sorted(items, key=lambda d: d["location"]):
        title = doc["title"].replace("\u200b", "")
        for word in re.split(r"[\s\u200b]+", re.sub(r"<[^>]+>", " ", doc["text"])):
            # a common dictionary word, so the browser's query segmentation agrees with jieba's
            if CJK_WORD.match(word) and seen[word] == 1 and word not in title and (FREQ(word) or 0) >= 2000:
                return word, doc["location"]
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
    word, location = body_word(demo_site)
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url)
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(word)
    # Results refine while the worker catches up with the query: wait for the item itself.
    found = page.locator(f'.md-search-result__item > a[href*="{location}"]')
    found.first.wait_for(timeout=15000)
    assert word in found.first.inner_text().replace("\u200b", "")  # the excerpt shows the word
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
    assert requests.foreign() == []
    context.close()


def test_gallery_lightbox(browser, demo_url: str) -> None:
    page = browser.new_page()
    requests = RequestLog()
    requests.attach(page)
    page.goto(demo_url + "gallery/")
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
