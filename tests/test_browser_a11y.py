"""Accessibility (axe-core, WCAG 2.1 A/AA) and page weight of every page kind, in both editions, on a desktop
and a phone; the page kinds and editions are the tables in audit.py."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from audit import DARK_EDITIONS, EDITIONS, KINDS, VIEWPORTS, Audit, audit, describe, open_lightbox
from browser import scripts_started, serve_under_sub_path
from conftest import build_demo

pytestmark = pytest.mark.browser
CASES = [pytest.param(e, k, id=f"{e}-{k.name}") for e in EDITIONS for k in KINDS if e in k.editions]


DEMOS = {"public": "demo_site", "internal": "demo_internal"}  # conftest's builds of the demo


@pytest.fixture(scope="session")
def audited(browser, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """edition → {kind name → {viewport → Audit}}: the demo built, served and audited once per edition."""
    cache: dict[str, dict[str, dict[str, Audit] | None]] = {}
    with contextlib.ExitStack() as servers:

        def get(edition: str) -> dict[str, dict[str, Audit] | None]:
            if edition not in cache:
                if edition in DEMOS:
                    site = request.getfixturevalue(DEMOS[edition])
                else:
                    site = build_demo(tmp_path_factory.mktemp(edition) / "site", EDITIONS[edition])
                base = servers.enter_context(serve_under_sub_path(site))
                urls = {k.name: k.find(site) for k in KINDS if edition in k.editions}
                found = [(urls[k.name], k.lightbox) for k in KINDS if urls.get(k.name) is not None]
                results = audit(browser, base, found, dark=edition in DARK_EDITIONS)
                cache[edition] = {name: None for name, url in urls.items() if url is None}
                for name, url in urls.items():
                    if url is not None:
                        cache[edition][name] = {viewport: results[url, viewport] for viewport in VIEWPORTS}
            return cache[edition]

        yield get


def kind_audits(audited, edition: str, kind) -> dict[str, Audit]:
    found = audited(edition)[kind.name]
    assert found, f"the {edition} demo has no page of kind {kind.name!r} ({kind.path or 'home'})"
    return found


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("edition", "kind"), CASES)
def test_no_serious_or_critical_violations(audited, edition: str, kind, viewport: str) -> None:
    result = kind_audits(audited, edition, kind)[viewport]
    found = result.blocking()
    assert not found, f"{result.url} ({viewport}):\n{describe(found)}"


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(("edition", "kind"), CASES)
def test_every_request_succeeds_and_stays_on_the_site(audited, edition: str, kind, viewport: str) -> None:
    result = kind_audits(audited, edition, kind)[viewport]
    assert result.traffic.failed == [], result.url
    assert result.traffic.foreign() == [], result.url
    # Material takes any <link rel=alternate> for a language version and fetches the sitemap next to it.
    assert not [u for u in result.traffic.urls if u.endswith("sitemap.xml")], result.url


@pytest.mark.parametrize(("edition", "kind"), CASES)
def test_skip_link_landmarks_and_feeds(audited, edition: str, kind) -> None:
    result = kind_audits(audited, edition, kind)["desktop"]
    s = result.structure
    assert s["skip_target"] and s["skip_first"], f"{result.url}: no working skip link first in the tab order"
    assert (s["banner"], s["main"], s["contentinfo"]) == (1, 1, 1), f"{result.url}: {s}"
    assert s["navigation"] >= 1 and s["unnamed_dialogs"] == 0, f"{result.url}: {s}"
    assert s["feeds"], f"{result.url}: no feed advertised"
    assert all("alternate" in rel.split() and rel != "alternate" for rel in s["feeds"]), s["feeds"]


@pytest.mark.parametrize(("edition", "kind"), CASES)
def test_page_weight_on_a_phone(audited, edition: str, kind) -> None:
    """Bytes and requests before scrolling on a 390×844 phone, not counting the search (loaded when used)."""
    result = kind_audits(audited, edition, kind)["phone"]
    kb, requests = result.weight.bytes / 1024, result.weight.requests
    assert kb <= kind.budget_kb and requests <= kind.budget_requests, f"{result.url}: {kb:.0f} KB, {requests}"


def test_lightbox_makes_the_page_inert_and_shows_its_focus(browser, demo_site: Path) -> None:
    with serve_under_sub_path(demo_site) as base:
        page = browser.new_page()
        page.goto(base + "gallery/")
        scripts_started(page)
        opener = page.locator("a[data-lightbox]").first
        open_lightbox(page)  # with the mouse
        focused = page.evaluate(
            """() => { const el = document.activeElement, style = getComputedStyle(el);
                return {inDialog: !!el.closest('.bb-lightbox'), outline: style.outlineStyle,
                        width: parseFloat(style.outlineWidth)}; }"""
        )
        assert focused["inDialog"] and focused["outline"] != "none" and focused["width"] >= 2, focused
        behind = "[...document.body.children].filter(el => !el.inert && !el.matches('.bb-lightbox')).length"
        assert page.evaluate(behind) == 0, "the page behind the lightbox is not inert"
        for _ in range(4):  # Tab goes round the dialog's buttons
            page.keyboard.press("Tab")
            assert page.evaluate("!!document.activeElement.closest('.bb-lightbox')")
        page.keyboard.press("Escape")
        assert page.evaluate("[...document.querySelectorAll('[inert]')].length") == 0
        assert opener.evaluate("el => el === document.activeElement"), "focus did not return to the photo"
        page.close()


def test_skip_link_by_keyboard(browser, demo_site: Path) -> None:
    with serve_under_sub_path(demo_site) as base:
        page = browser.new_page()
        page.goto(base + "news/")  # generated, no table of contents: Material itself has no skip link here
        page.keyboard.press("Tab")
        skip = page.evaluate(
            "(() => { const el = document.activeElement, box = el.getBoundingClientRect(); "
            "return {text: el.textContent.trim(), visible: box.top >= 0 && box.bottom <= innerHeight}; })()"
        )
        assert skip == {"text": "跳到正文", "visible": True}
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")  # the first link after the header and the sidebar
        focused = page.evaluate(
            "document.activeElement.closest('.md-content') ? '' : document.activeElement.outerHTML"
        )
        assert focused == "", focused
        page.close()
