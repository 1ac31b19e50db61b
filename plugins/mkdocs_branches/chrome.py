"""Material's page chrome, rendered once per distinct result and reused.

With thousands of item and list pages, Material renders the same navigation sidebar and the same
`__config` script into every page; on a 9,000-item site that is about a tenth of the build. Both
depend only on where the page sits relative to the pages in the navigation (their links are relative),
so `main.html` asks `Chrome.cached` with a key that captures exactly that, and the block is rendered
the first time the key is seen.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from markupsafe import Markup


class Chrome:
    def __init__(self, nav_urls: list[str]) -> None:
        self.targets = [url.split("/") for url in nav_urls]
        self.rendered: dict[Hashable, Markup] = {}

    def nav_key(self, page_url: str) -> tuple[int, tuple[int, ...]]:
        """Two pages with the same key get the same relative link to every navigation page: a relative
        link depends on the page's folder depth and on how many leading folders it shares with the target."""
        folders = page_url.split("/")[:-1]
        shared = []
        for target in self.targets:
            n = 0
            while n < len(folders) and n < len(target) and folders[n] == target[n]:
                n += 1
            shared.append(n)
        return len(folders), tuple(shared)

    def cached(self, key: Hashable, render: Callable[[], str]) -> Markup:
        html = self.rendered.get(key)
        if html is None:
            html = self.rendered[key] = Markup(render())
        return html
