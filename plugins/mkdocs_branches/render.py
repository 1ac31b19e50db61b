"""HTML for the generated pages, from Jinja templates with autoescaping on.

Every string from content passes through autoescaping; nothing here marks content as safe.
Links are relative to the page, so the site works under any sub-path.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from itertools import groupby
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from mkdocs.utils import get_relative_url

from .images import picture_html
from .index import Listing, Site
from .model import Branch, NewsItem

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "fragments"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)

_MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|[*_`#>|~]+|\[([^\]]*)\]\([^)]*\)")
SUMMARY_LENGTH = 120


def uri_to_url(uri: str, use_directory_urls: bool = True) -> str:
    """The URL MkDocs gives a file at `uri` (mirrors `File.url` for the pages we generate)."""
    if not uri.endswith(".md"):
        return uri
    stem = uri[:-3]
    if not use_directory_urls:
        return stem + ".html"
    if stem == "index":
        return "./"
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def page_link(page_url: str, use_directory_urls: bool = True) -> Callable[[str], str]:
    """`link(uri)`: the URL of the file at `uri`, relative to the page at `page_url`."""

    def link(uri: str) -> str:
        return get_relative_url(uri_to_url(uri, use_directory_urls), page_url)

    return link


def plain_summary(item: NewsItem, length: int = SUMMARY_LENGTH) -> str:
    """The `summary` key, or the body's first paragraph as plain text."""
    text = item.summary
    if not text:
        for block in re.split(r"\n\s*\n", item.body):
            block = block.strip()
            if not block or block.startswith(("#", "!", "|", "<", "---", "```")):
                continue
            text = _MD_NOISE.sub(lambda m: m.group(1) or "", block)
            text = " ".join(text.split())
            if text:
                break
    return text if len(text) <= length else text[: length - 1] + "…"


class Renderer:
    """Renders fragments for one site; `page_url` makes every link relative to the page."""

    def __init__(
        self, site: Site, use_directory_urls: bool, preview: bool = False, review_required: bool = True
    ) -> None:
        self.site = site
        self.use_directory_urls = use_directory_urls
        self.branches = {b.id: b for b in site.branches}
        self.preview = preview
        self.review_required = review_required
        # List rows are rendered once with links from the site root behind this token, which each page
        # replaces with its own way up ("../../"). Random, so no text from content can contain it.
        self.root_token = f"\x00{secrets.token_hex(8)}\x00"
        self.rows: dict[tuple[str, bool], str] = {}

    def _context(self, link: Callable[[str], str]) -> dict[str, Any]:
        """What every fragment template may use; `link` makes URLs for the page being rendered."""
        return {
            "site": self.site,
            "branches": self.branches,
            "link": link,
            **image_helpers(self.site, link),
            "summary": plain_summary,
            "status": self.status,
        }

    def _render(self, template: str, page_url: str, **context: Any) -> str:
        up = "../" * page_url.count("/")
        return _env.get_template(template).render(
            **self._context(page_link(page_url, self.use_directory_urls)),
            row=lambda item, show_branch=True: self.row(item, show_branch, up),
            **context,
        )

    def row(self, item: NewsItem, show_branch: bool, up: str) -> Markup:
        """An item's row in a list, for a page `up` ("../../") below the site root."""
        key = (item.source, show_branch)
        html = self.rows.get(key)
        if html is None:

            def link(uri: str) -> str:
                return self.root_token + uri_to_url(uri, self.use_directory_urls)

            html = self.rows[key] = _env.get_template("row.html").render(
                **self._context(link), item=item, show_branch=show_branch
            )
        return Markup(html.replace(self.root_token, up))

    def status(self, item: NewsItem) -> str:
        """草稿 / 待审核 for items that only a preview shows."""
        if not self.preview:
            return ""
        if item.is_draft:
            return "草稿"
        return "待审核" if self.review_required and not item.reviewer else ""

    def stats(self) -> dict[str, dict[str, Any]]:
        return {
            b.id: {"count": len(items), "latest": items[0] if items else None}
            for b in self.site.branches
            for items in [self.site.by_branch[b.id]]
        }

    def home(self, page_url: str, type_order: list[str], latest: int) -> str:
        order = {name: i for i, name in enumerate(type_order)}
        parents = list(dict.fromkeys(b.parent for b in self.site.branches))
        grouped = []
        for parent in parents:
            members = [b for b in self.site.branches if b.parent == parent]
            members.sort(key=lambda b: (order.get(b.type, len(order)), b.sort_key))
            groups = [(t, list(bs)) for t, bs in groupby(members, key=lambda b: b.type)]
            grouped.append((parent, groups))
        return self._render(
            "home.html", page_url, grouped=grouped, stats=self.stats(), latest=self.site.items[:latest]
        )

    def branch(self, branch: Branch, page_url: str, story_html: str, latest: int) -> str:
        items = self.site.by_branch[branch.id]
        context = {"b": branch, "items": items, "latest": items[:latest]}
        head = self._render("branch_head.html", page_url, has_story=bool(story_html.strip()), **context)
        return head + story_html + self._render("branch_tail.html", page_url, **context)

    def timeline(self, branch: Branch, page_url: str) -> str:
        items = self.site.by_branch[branch.id]
        years = [
            (year, [(month, list(its)) for month, its in groupby(group, key=lambda i: i.when.date.month)])
            for year, group in groupby(items, key=lambda i: i.when.date.year)
        ]
        return self._render("timeline.html", page_url, b=branch, years=years)

    def searchable(self, item: NewsItem, body_html: str) -> str:
        """What the search index gets for an item page: title, date, type, branch, tags, text, captions."""
        meta = [
            item.when.display(),
            item.type,
            self.branches[item.branch_id].brand,
            *(f"#{t}" for t in item.tags),
        ]
        captions = "".join(f"<p>{escape(p.caption)}</p>" for p in item.photos if p.caption)
        return f"<h1>{escape(item.title)}</h1><p>{escape(' · '.join(meta))}</p>{body_html}{captions}"

    def item(self, item: NewsItem, page_url: str, body_html: str, body_images: set[str]) -> str:
        newer, older = self.site.neighbours(item)
        credits = [
            (label, value)
            for label, value in (
                ("作者", item.author),
                ("摄影", item.photographer),
                ("编辑", item.editor),
                ("审核", item.reviewer),
                ("来源", item.origin),
            )
            if value
        ]
        context = {"item": item, "b": self.branches[item.branch_id]}
        photos = [p for p in item.photos if p.path not in body_images]
        return (
            self._render("item_head.html", page_url, **context)
            + body_html
            + self._render(
                "item_tail.html",
                page_url,
                photos=photos,
                credits=credits,
                newer=newer,
                older=older,
                **context,
            )
        )

    def gallery(
        self,
        items: list[NewsItem],
        page_url: str,
        heading: str,
        listing: Listing | None = None,
        number: int = 1,
    ) -> str:
        """Photos grouped by item, newest first; `listing` paginates the site-wide gallery."""
        return self._render(
            "gallery.html", page_url, items=items, heading=heading, listing=listing, number=number
        )

    def listing(self, listing: Listing, number: int, page_url: str, heading: str, intro: str = "") -> str:
        return self._render(
            "listing.html", page_url, listing=listing, number=number, heading=heading, intro=intro
        )

    def directory(self, heading: str, entries: list[dict[str, Any]], page_url: str) -> str:
        return self._render("directory.html", page_url, heading=heading, entries=entries)


def image_helpers(site: Site, link: Callable[[str], str]) -> dict[str, Callable[..., Any]]:
    """`picture(path, alt, sizes)` and `full(path)` for templates, with URLs relative to the page."""

    def picture(path: str, alt: str, sizes: str = "(max-width: 960px) 100vw, 960px") -> Markup:
        return Markup(picture_html(site.images[path], alt, link, sizes))  # it escapes every attribute

    def full(path: str) -> str:
        return link(site.images[path].fallback.uri)

    return {"picture": picture, "full": full}


def link_rewriter(mapping: Callable[[str], str | None]) -> Callable[[str], str]:
    """Rewrite Markdown link and image targets that `mapping` knows (content path → new relative target)."""
    pattern = re.compile(r"(!?\[[^\]]*\]\(\s*<?)([^)\s>]+)(>?)")

    def rewrite(markdown: str) -> str:
        def replace(m: re.Match[str]) -> str:
            target, _, anchor = m.group(2).partition("#")
            new = mapping(target)
            if new is None:
                return m.group(0)
            return f"{m.group(1)}{new}{'#' + anchor if anchor else ''}{m.group(3)}"

        return pattern.sub(replace, markdown)

    return rewrite
