"""Site pages: the home page."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from ..incremental import stamp
from .base import Build, GeneratedPage


@dataclass(kw_only=True)
class Home(GeneratedPage):
    """首页: every branch's card, grouped by parent organisation and branch type, then the latest news.
    A hand-written `docs/index.md` is kept, and the cards follow its text."""

    uri: str = "index.md"
    in_nav: bool = True
    template: ClassVar[str] = "home.html"
    indexed: ClassVar[bool] = True
    extends_hand_written: ClassVar[bool] = True

    def fingerprint(self, build: Build) -> str:
        site, stamps = build.site, build.stamps
        cards = [(len(items), stamps.of(items[:1])) for items in site.by_branch.values()]
        return stamp("home", stamps.branches, cards, stamps.of(site.items[: build.options.home_latest]))

    def render(self, build: Build, html: str, url: str) -> str:
        site = build.site
        order = {name: i for i, name in enumerate(build.options.branch_types)}
        grouped = []
        for parent in dict.fromkeys(b.parent for b in site.branches):
            members = [b for b in site.branches if b.parent == parent]
            members.sort(key=lambda b: (order.get(b.type, len(order)), b.sort_key))
            grouped.append((parent, [(t, list(bs)) for t, bs in groupby(members, key=lambda b: b.type)]))
        stats = {
            b.id: {"count": len(items), "latest": items[0] if items else None}
            for b in site.branches
            for items in [site.by_branch[b.id]]
        }
        latest = site.items[: build.options.home_latest]
        return html + build.renderer.render(self.template, url, grouped=grouped, stats=stats, latest=latest)
