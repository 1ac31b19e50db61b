"""Every public page kind of the demo on a phone, loading: nothing shifts, and the first screenful's photos are
not lazy-loaded (one there that is, is a late largest paint); Material's script comes after the page and still
starts, with the site's own. The timings are scripts/bench_lighthouse.py's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_site import JG1

from audit import KINDS, VIEWPORTS
from browser import scripts_started, serve_under_sub_path
from conftest import SiteProject, write

pytestmark = pytest.mark.browser
PUBLIC = [pytest.param(k, id=k.name) for k in KINDS if "public" in k.editions]
MAX_SHIFT = 0.05  # "good" is 0.1 (web.dev)
PHOTOS = re.compile(r"\.(webp|jpe?g|png)$")

# Before the page's own scripts: every layout shift and largest paint of the load, as they happen.
OBSERVE = """window.bbLoad = {};
for (const type of ["layout-shift", "largest-contentful-paint"]) {
    const seen = bbLoad[type] = [];
    bbLoad[type].observer = new PerformanceObserver(list => seen.push(...list.getEntries()));
    bbLoad[type].observer.observe({type, buffered: true});
}"""

# After the load event and every picture of the first screenful decoded: the layout shifts of the load (their
# sum, an upper bound of CLS), the pictures of the first screenful, and the largest paint's element.
MEASURE = """async () => {
    const first = [...document.images].filter(img => {
        const box = img.getBoundingClientRect();
        return box.width > 0 && box.top < innerHeight && box.bottom > 0;
    });
    await Promise.all(first.map(img => img.decode().catch(() => null)));
    await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    // Entries not yet handed to the observers' callbacks, which the browser may delay.
    const all = type => [...bbLoad[type], ...bbLoad[type].observer.takeRecords()];
    // Every shift counts: nothing is typed or tapped here, and Chromium's touch emulation marks them all
    // `hadRecentInput` (Lighthouse counts them too).
    const shifts = all("layout-shift"), paints = all("largest-contentful-paint");
    const describe = el => el ? el.outerHTML.slice(0, 160) : null;
    const area = el => { const box = el.getBoundingClientRect(); return box.width * box.height; };
    const last = paints.length ? paints[paints.length - 1].element : null;
    return {
        shift: shifts.reduce((sum, e) => sum + e.value, 0),
        shifted: shifts.flatMap(e => e.sources.map(s => describe(s.node))).slice(0, 5),
        first: first.map(img => ({html: describe(img), loading: img.getAttribute("loading"),
                                  priority: img.getAttribute("fetchpriority"), area: area(img)})),
        largest: last && last.tagName === "IMG" ? {html: describe(last), area: area(last)} : null,
    };
}"""


class PhotoGate:
    """Holds the photos' requests until `open`, then lets them and every later one through."""

    def __init__(self) -> None:
        self.held: list | None = []

    def route(self, route) -> None:
        if self.held is None:
            route.continue_()
        else:
            self.held.append(route)

    def open(self) -> None:
        held, self.held = self.held or [], None
        for route in held:
            route.continue_()


@pytest.fixture(scope="module")
def phone(browser, demo_site: Path):
    """kind → what MEASURE found on its page of the demo, loaded on a phone over a slow network."""
    found: dict[str, dict] = {}
    with serve_under_sub_path(demo_site) as base:

        def measure(kind) -> dict:
            if kind.name not in found:
                url = kind.find(demo_site)
                assert url is not None, f"the public demo has no page of kind {kind.name!r}"
                context = browser.new_context(**VIEWPORTS["phone"])
                page = context.new_page()
                page.add_init_script(OBSERVE)
                # As on a phone's network, the page is painted before its photos arrive.
                gate = PhotoGate()
                page.route(PHOTOS, gate.route)
                page.goto(base + url, wait_until="commit")
                page.wait_for_function("performance.getEntriesByType('paint').length > 0")
                page.wait_for_timeout(50)
                gate.open()
                page.wait_for_load_state("load")
                scripts_started(page)  # what Material's script changes on the page counts too
                found[kind.name] = page.evaluate(MEASURE) | {"url": url}
                context.close()
            return found[kind.name]

        yield measure


@pytest.mark.parametrize("kind", PUBLIC)
def test_nothing_shifts_while_a_page_loads_on_a_phone(phone, kind) -> None:
    result = phone(kind)
    assert result["shift"] <= MAX_SHIFT, (
        f"{result['url']}: layout shift {result['shift']:.3f}, {result['shifted']}"
    )


@pytest.mark.parametrize("kind", PUBLIC)
def test_the_first_screenful_of_a_phone_is_not_lazy(phone, kind) -> None:
    result = phone(kind)
    lazy = [img["html"] for img in result["first"] if img["loading"] == "lazy"]
    assert not lazy, f"{result['url']}: lazy-loaded on the first screen: {lazy}"
    largest = result["largest"]
    if largest is not None:  # a photo is the largest paint: the page fetches it (or one as large) first
        first = [
            img for img in result["first"] if img["priority"] == "high" and img["area"] >= largest["area"]
        ]
        assert first, f"{result['url']}: the largest paint {largest['html']} is not fetched first"


def test_materials_script_comes_after_the_page_and_starts_with_the_sites_own(
    browser, project: SiteProject
) -> None:
    """Material's script is fetched after the load event (overrides/main.html); then it and the site's own
    scripts run in their order, and whatever waits for Material (`document$`) or for DOMContentLoaded runs
    once."""
    project.branch("jg1", JG1)
    js = project.root / "docs" / "js"
    write(
        js / "first.js",
        'window.seen = ["first:" + typeof document$];\n'
        'document.addEventListener("DOMContentLoaded", () => seen.push("first:ready"));\n',
    )
    write(js / "second.mjs", 'seen.push("second:module");\n')
    write(js / "third.js", 'seen.push("third");\ndocument$.subscribe(() => seen.push("third:material"));\n')
    project.configure("plugins:", "extra_javascript: [js/first.js, js/second.mjs, js/third.js]\nplugins:")
    assert project.build().returncode == 0
    with serve_under_sub_path(project.root / "site") as url:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url + "branches/jg1/")
        scripts_started(page)
        page.wait_for_function("seen.length === 5")
        page.wait_for_timeout(100)  # nothing runs twice
        seen = page.evaluate("seen")
        assert seen[:3] == ["first:object", "second:module", "third"], seen
        assert sorted(seen[3:]) == ["first:ready", "third:material"], seen
        fetched, loaded = page.evaluate("""() => [
            performance.getEntriesByType("resource").find(e => e.name.includes("/javascripts/bundle.")).startTime,
            performance.getEntriesByType("navigation")[0].loadEventStart]""")
        assert fetched > loaded > 0
        assert errors == []
        page.close()


def test_a_key_before_the_photos_have_come_starts_the_scripts(browser, demo_site: Path) -> None:
    """The scripts wait for the first screen's photos, but not for a reader who reaches for something."""
    with serve_under_sub_path(demo_site) as base:
        page = browser.new_page()
        gate = PhotoGate()
        page.route(PHOTOS, gate.route)
        page.goto(base + "gallery/", wait_until="domcontentloaded")
        page.keyboard.press("Tab")
        # Well before the 5 s after which they start anyway, and with the photos (so the load event) held.
        scripts_started(page, timeout=3000)
        assert page.evaluate("document.readyState") != "complete"
        gate.open()
        page.close()
