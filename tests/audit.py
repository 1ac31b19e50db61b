"""Accessibility (axe-core) and weight of a built site's pages, page kind by page kind.

`test_browser_a11y.py` runs it on the demo, `test_new_college.py` on a new college's site; by hand, on any built site:

    .venv/bin/python tests/audit.py SITE             # one page of each kind, desktop and phone
    .venv/bin/python tests/audit.py SITE --all       # every page of the site (slow)

A new page kind is one line in KINDS, a new edition one line in EDITIONS.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import material

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # `make test` installs it (`npm ci`)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
COLOUR_RULES = ["color-contrast", "link-in-text-block"]  # checked again in Material's dark scheme
BLOCKING = ("critical", "serious")

# Each edition: the environment of its build (conftest builds the demo's as `demo_site` and `demo_internal`).
EDITIONS: dict[str, dict[str, str]] = {
    "public": {},
    "internal": {"BRANCHES_EDITION": "internal"},
}

# Where the colours are audited again in Material's dark scheme (they do not differ between editions).
DARK_EDITIONS = ("public",)

VIEWPORTS: dict[str, dict] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}


@dataclass(frozen=True)
class Kind:
    """A kind of page: the first page (in path order) matching `path` whose HTML contains `contains`."""

    name: str
    path: str  # a glob under the site folder; "" or a trailing "/" means that folder's index.html
    contains: str = ""
    editions: tuple[str, ...] = tuple(EDITIONS)
    lightbox: bool = False  # also audited with the photo viewer open
    budget_kb: int = 500  # on a phone, before scrolling, without the search (see is_search)
    budget_requests: int = 25

    def find(self, site: Path) -> str | None:
        """This kind's page as a URL relative to the site's root, or None when the site has none."""
        pattern = self.path + "index.html" if self.path.endswith("/") or not self.path else self.path
        for file in sorted(site.glob(pattern)):
            if self.contains in file.read_text(encoding="utf-8"):
                return file.relative_to(site).as_posix().removesuffix("index.html")
        return None


KINDS = [
    Kind("home", "", budget_kb=600),
    Kind("news", "news/"),
    Kind("news archive", "news/page/*/"),
    Kind("item", "branches/*/news/*/", contains="data-lightbox", lightbox=True),
    Kind("unpublished item", "branches/*/news/*/", contains='class="bb-badge"', editions=("internal",)),
    Kind("branch", "branches/*/"),
    Kind("timeline", "branches/*/timeline/"),
    Kind("branch gallery", "branches/*/gallery/", lightbox=True, budget_kb=800, budget_requests=45),
    Kind("gallery", "gallery/", lightbox=True, budget_kb=800, budget_requests=45),
    Kind("types", "types/"),
    Kind("type", "types/*/"),
    Kind("tags", "tags/"),
    Kind("tag", "tags/*/"),
    Kind("dashboard", "review/", editions=("internal",), budget_kb=600),
    Kind("dashboard, an earlier year", "review/[0-9]*/", editions=("internal",), budget_kb=600),
    Kind("branch review", "review/branches/*/", editions=("internal",)),
    Kind("report", "review/reports/*/", editions=("internal",)),
    Kind("worklog", "review/worklog/*/*/", contains="bb-plan--", editions=("internal",)),
    Kind("queue", "review/pending/", editions=("internal",)),
    Kind("guide", "guide/", editions=("internal",)),
    Kind("errors", "errors/", editions=("internal",)),
    Kind("about", "about/"),
]


def is_search(url: str) -> bool:
    """Pagefind's files: loaded when a reader goes to search, not by the page (kept out of its budget)."""
    return "/pagefind/" in urlsplit(url).path


@dataclass
class Traffic:
    """Every request of one page: what failed, what left the site's folder, and how many bytes came back."""

    base: str
    responses: list = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pending: set = field(default_factory=set)

    def attach(self, page) -> Traffic:
        page.on("request", self._request)
        page.on("response", self._response)
        page.on("requestfinished", lambda r: self.pending.discard(r))
        page.on("requestfailed", self._failed)
        return self

    def _request(self, request) -> None:
        self.urls.append(request.url)
        self.pending.add(request)

    def _failed(self, request) -> None:
        self.pending.discard(request)
        self.failed.append(f"{request.url} ({request.failure})")

    def settle(self, page, seconds: float = 15) -> None:
        """Until every request made so far has its answer (the photo viewer preloads its neighbours after
        `networkidle` was reached once, and closing the page then would abort them)."""
        for _ in range(int(seconds / 0.05)):
            if not self.pending:
                return
            page.wait_for_timeout(50)

    def _response(self, response) -> None:
        self.responses.append(response)
        if response.status >= 400:
            self.failed.append(f"{response.url} ({response.status})")

    def foreign(self) -> list[str]:
        """Requests to another host, or to a path of the local server outside the site."""
        return [
            u for u in self.urls if urlsplit(u).scheme not in ("data", "blob") and not u.startswith(self.base)
        ]

    def weight(self) -> Weight:
        page = search = requests = 0
        for response in self.responses:
            size = len(response.body()) if 200 <= response.status < 300 else 0  # uncompressed
            if is_search(response.url):
                search += size
            else:
                page += size
                requests += 1
        return Weight(page, requests, search)


@dataclass(frozen=True)
class Weight:
    bytes: int  # without the search
    requests: int
    search_bytes: int


def run_axe(page, rules: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now, one entry per element."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": AXE_TAGS}
    return page.evaluate(
        """async (only) => {
            const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
            return result.violations.flatMap(v => v.nodes.map(n => ({
                rule: v.id, impact: n.impact || v.impact, target: n.target.join(" "), html: n.html.slice(0, 160),
                data: ((n.any[0] || n.all[0] || {}).data) || null,
            })));
        }""",
        only,
    )


# What axe does not check: a skip link, landmarks, a named search dialog, feeds that Material leaves alone.
STRUCTURE_JS = """() => {
    const skip = document.querySelector("a.md-skip");
    const top = el => !el.parentElement.closest("article, aside, main, nav, section");
    return {
        skip_target: !!(skip && document.getElementById(decodeURIComponent(skip.hash.slice(1)))),
        skip_first: !!skip && skip === [...document.querySelectorAll("a[href], button, input:not([type=checkbox])")]
            .find(el => !el.closest(".md-banner")),  // the internal edition's banner comes first, as Material places it
        banner: [...document.querySelectorAll("header")].filter(top).length,
        main: document.querySelectorAll("main").length,
        contentinfo: [...document.querySelectorAll("footer")].filter(top).length,
        navigation: document.querySelectorAll("nav").length,
        unnamed_dialogs: [...document.querySelectorAll("[role=dialog]")]
            .filter(d => !d.getAttribute("aria-label") && !d.getAttribute("aria-labelledby")).length,
        feeds: [...document.querySelectorAll('link[type="application/atom+xml"]')].map(l => l.getAttribute("rel")),
    };
}"""


# Colours are read as they are, not halfway through one of Material's transitions.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"


def open_lightbox(page) -> None:
    page.locator("a[data-lightbox]").first.click()
    page.locator(".bb-lightbox[role=dialog]").wait_for(state="visible", timeout=5000)


def close_lightbox(page) -> None:
    page.keyboard.press("Escape")
    page.locator(".bb-lightbox[role=dialog]").wait_for(state="hidden", timeout=5000)


@dataclass
class Audit:
    """One page in one viewport, after it loaded without scrolling."""

    url: str
    viewport: str
    violations: list[dict]  # as loaded
    traffic: Traffic
    structure: dict
    weight: Weight | None = None  # phone only
    lightbox: list[dict] = field(default_factory=list)  # with the photo viewer open
    dark: list[dict] = field(default_factory=list)  # colours in the dark scheme

    def blocking(self) -> list[dict]:
        states = {"loaded": self.violations, "lightbox": self.lightbox, "dark": self.dark}
        return [
            {**v, "state": state} for state, found in states.items() for v in found if v["impact"] in BLOCKING
        ]


class _Visit:
    def __init__(self, browser, base: str, url: str, viewport: str, lightbox: bool, dark: bool) -> None:
        self.url, self.viewport, self.lightbox, self.dark = url, viewport, lightbox, dark
        self.context = browser.new_context(**VIEWPORTS[viewport])
        self.page = self.context.new_page()
        self.traffic = Traffic(base).attach(self.page)
        self.page.goto(base + url, wait_until="commit")  # it loads while other pages are audited

    def finish(self) -> Audit:
        from browser import scripts_started

        page = self.page
        try:
            weight = None
            if self.viewport == "phone":
                page.wait_for_load_state("networkidle")
                weight = self.traffic.weight()  # before axe, which may bring lazy images into view
            else:
                page.wait_for_load_state("load")
            scripts_started(page)  # what axe sees is the page as Material's script has made it
            page.add_style_tag(content=STILL)
            structure = page.evaluate(STRUCTURE_JS)
            result = Audit(self.url, self.viewport, run_axe(page), self.traffic, structure, weight)
            if self.lightbox:
                open_lightbox(page)
                result.lightbox = run_axe(page)
                close_lightbox(page)
            if (
                self.dark
                and self.viewport == "desktop"
                and page.evaluate("!!document.body.dataset.mdColorScheme")
            ):
                _link_palette(page)
                page.evaluate("document.body.dataset.mdColorScheme = 'slate'")  # what the palette toggle does
                result.dark = run_axe(page, COLOUR_RULES)
            page.wait_for_load_state("networkidle")
            self.traffic.settle(page)  # every request has had its answer
            return result
        finally:
            self.context.close()


# Material's stylesheet of its named colours and the slate scheme, which pages with one custom light scheme
# do not link (overrides/main.html): a site that adds the palette toggle links it.
PALETTE = next(Path(material.__file__).parent.glob("templates/assets/stylesheets/palette.*.min.css"), None)


def _link_palette(page) -> None:
    """Link Material's palette stylesheet after its main one, where a site with the toggle has it."""
    if PALETTE is None or page.evaluate("!!document.querySelector('link[href*=\"stylesheets/palette.\"]')"):
        return
    page.evaluate(
        """name => new Promise((loaded, failed) => {
            const main = document.querySelector('link[href*="stylesheets/main."]');
            const link = Object.assign(document.createElement("link"), {rel: "stylesheet", onload: loaded, onerror: failed});
            link.href = new URL(name, main.href).href;
            main.after(link);
        })""",
        PALETTE.name,
    )


def audit(browser, base: str, pages: list[tuple[str, bool]], viewports=tuple(VIEWPORTS), dark=True, window=3):
    """Audit each (url, open the lightbox) in each viewport → {(url, viewport): Audit}; with `dark`, the
    colours also in the dark scheme on a desktop (where the site has a palette to switch).

    A few pages load at once, so that one page's network and another's axe run overlap.
    """
    results: dict[tuple[str, str], Audit] = {}
    waiting: list[_Visit] = []
    for url, lightbox in pages:
        for viewport in viewports:
            waiting.append(_Visit(browser, base, url, viewport, lightbox, dark))
            if len(waiting) >= window:
                done = waiting.pop(0).finish()
                results[done.url, done.viewport] = done
    for visit in waiting:
        done = visit.finish()
        results[done.url, done.viewport] = done
    return results


def pages_of(site: Path) -> list[str]:
    """Every HTML page of a built site, as URLs relative to its root."""
    return sorted(p.relative_to(site).as_posix().removesuffix("index.html") for p in site.rglob("*.html"))


def describe(violations: list[dict], limit: int = 12) -> str:
    counts = Counter((v.get("state", ""), v["rule"]) for v in violations)
    lines = [f"{state} {rule} ×{n}" for (state, rule), n in counts.most_common()]
    lines += [
        f"  {v['impact']} {v['rule']}: {v['target']}  {v['html']}  {v['data'] or ''}"
        for v in violations[:limit]
    ]
    return "\n".join(lines)


def main() -> None:
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, CHROMIUM_ARGS, serve_under_sub_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--all", action="store_true", help="every page, not one per kind")
    parser.add_argument("--viewport", choices=list(VIEWPORTS), action="append")
    args = parser.parse_args()
    site = args.site.resolve()
    if args.all:
        targets = [(url, url, False) for url in pages_of(site) if url != "404.html"]
    else:
        targets = [(k.name, url, k.lightbox) for k in KINDS if (url := k.find(site)) is not None]
    viewports = args.viewport or list(VIEWPORTS)
    with serve_under_sub_path(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        results = audit(browser, base, [(url, lightbox) for _, url, lightbox in targets], viewports)
        total = Counter()
        for name, url, _ in targets:
            cells = []
            for viewport in viewports:
                result = results[url, viewport]
                found = result.blocking()
                total[viewport] += len(found)
                counts = Counter((v["state"], v["impact"]) for v in found)
                cell = f"{viewport} {counts['loaded', 'serious']}/{counts['loaded', 'critical']}"
                for state in ("lightbox", "dark"):
                    if any(s == state for s, _ in counts):
                        cell += f" {state} {counts[state, 'serious']}/{counts[state, 'critical']}"
                cells.append(cell)
                if result.weight:
                    w = result.weight
                    cells.append(
                        f"{w.bytes / 1024:.0f} KB {w.requests} req (+search {w.search_bytes / 1024:.0f} KB)"
                    )
                if result.traffic.failed or result.traffic.foreign():
                    cells.append(f"failed {result.traffic.failed} foreign {result.traffic.foreign()}")
                if found:
                    print(f"{name} {viewport}:", describe(found, limit=3), file=sys.stderr)
            print(f"{name:20} {url:50} " + " | ".join(cells), flush=True)
        print("serious/critical nodes:", dict(total))
        browser.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
