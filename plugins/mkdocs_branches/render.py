"""The engine behind every generated page: Jinja templates (in `templates/fragments`) with autoescaping on.

Every string from content passes through autoescaping. The one piece of HTML a template gets as is is
an editor's body, which MkDocs made from Markdown and `body.clean` sanitised. Links are relative to the
page, so the site works under any sub-path. What each page shows is in `pages`.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .images import picture_html
from .incremental import Stamps
from .index import Site
from .model import NewsItem
from .urls import page_link, uri_to_url

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates" / "fragments"),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)

_MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|[*_`#>|~]+|\[([^\]]*)\]\([^)]*\)")
SUMMARY_LENGTH = 120


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
        self,
        site: Site,
        use_directory_urls: bool,
        preview: bool = False,
        review_required: bool = True,
        kept: Stamps | None = None,  # `serve --dirty`: rows rendered by earlier builds
    ) -> None:
        self.site = site
        self.use_directory_urls = use_directory_urls
        self.branches = {b.id: b for b in site.branches}
        self.preview = preview
        self.review_required = review_required
        # List rows are rendered once with links from the site root behind this token, which each page
        # replaces with its own way up ("../../"). Random, so no text from content can contain it.
        self.kept = kept
        self.root_token = kept.token if kept else f"\x00{secrets.token_hex(8)}\x00"
        self.rows: dict[tuple[str, bool, bool], str] = {}

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

    def render(self, template: str, page_url: str, **context: Any) -> str:
        """`template` for the page at `page_url`, with what `_context` provides and `context`."""
        up = "../" * page_url.count("/")
        base = self._context(page_link(page_url, self.use_directory_urls))
        base["row"] = lambda item, show_branch=True, eager=False: self.row(item, show_branch, up, eager)
        return _env.get_template(template).render(base | context)  # a page's own names win

    def row(self, item: NewsItem, show_branch: bool, up: str, eager: bool = False) -> Markup:
        """An item's row in a list, for a page `up` ("../../") below the site root; `eager`: a row of
        the first screenful, whose cover is not lazy-loaded."""
        key = (item.source, show_branch, eager)
        html = self.rows.get(key)
        settings = (show_branch, eager, self.preview, self.review_required, self.use_directory_urls)
        kept = self.kept.row_key(item, *settings) if html is None and self.kept else None
        if kept is not None and self.kept and kept in self.kept.rows:
            html = self.rows[key] = self.kept.rows[kept]
        if html is None:

            def link(uri: str) -> str:
                return self.root_token + uri_to_url(uri, self.use_directory_urls)

            html = self.rows[key] = _env.get_template("row.html").render(
                **self._context(link), item=item, show_branch=show_branch, eager=eager
            )
            if kept is not None and self.kept:
                self.kept.rows[kept] = html
        return Markup(html.replace(self.root_token, up))

    def status(self, item: NewsItem) -> str:
        """草稿 / 待审核 for items that only a preview shows."""
        if not self.preview:
            return ""
        if item.is_draft:
            return "草稿"
        return "待审核" if self.review_required and not item.reviewer else ""


def image_helpers(site: Site, link: Callable[[str], str]) -> dict[str, Callable[..., Any]]:
    """`picture(path, alt, sizes, lazy, priority, background)` and `full(path)` for templates, with URLs
    relative to the page (`picture_html` says what `lazy`, `priority` and `background` do)."""

    def picture(
        path: str,
        alt: str,
        sizes: str = "(max-width: 960px) 100vw, 960px",
        lazy: bool = True,
        priority: bool = False,
        background: bool = False,
    ) -> Markup:
        image = site.images[path]
        html = picture_html(image, alt, link, sizes, lazy=lazy, priority=priority, background=background)
        return Markup(html)  # all escaped

    def full(path: str) -> str:
        return link(site.images[path].fallback.uri)

    return {"picture": picture, "full": full}
