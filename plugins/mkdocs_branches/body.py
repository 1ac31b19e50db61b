"""An editor's Markdown body on its way into a page: links to content files pointed at where those files
are published, raw HTML sanitised, and images turned into responsive pictures like every other photo."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

from . import links, sanitize
from .images import Processed, picture_html

_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]*)"')
_ALT = re.compile(r'\balt="([^"]*)"')


def rewrite_links(
    markdown: str, source: str, page_uri: str, targets: dict[str, str], content_dir: str | None = None
) -> tuple[str, set[str]]:
    """Links in the Markdown of `source` (a content file, or a hand-written page) to content files, made
    relative to the generated page at `page_uri`; `targets` maps content paths to the URIs they are published
    at. A link, in any form, to a file of `content_dir` that is not published becomes its text
    (`index.dead_links` says so). Returns the Markdown and the URIs it now links to."""
    source_dir = posixpath.dirname(source)
    page_dir = posixpath.dirname(page_uri)
    hits: set[str] = set()

    def resolve(written: str) -> str | links.Unpublished | None:
        link, hash_, anchor = written.partition("#")
        link = link.split("?", 1)[0]
        if not link or ":" in link or link.startswith("/"):
            return None  # an address (https:, mailto:), an anchor, a path from the site's root
        path = posixpath.normpath(posixpath.join(source_dir, unquote(link)))
        resolved = targets.get(path)
        if resolved is not None:
            hits.add(resolved)
            return posixpath.relpath(resolved, page_dir) + hash_ + anchor
        if content_dir is not None and path.startswith(f"{content_dir}/"):
            return links.UNPUBLISHED
        return None

    return links.rewrite(markdown, resolve), hits


def clean(html_text: str, allow_raw_html: bool) -> str:
    return html_text if allow_raw_html else sanitize.clean(html_text)


def pictures(
    html_text: str, dest_uri: str, by_fallback: dict[str, Processed], link: Callable[[str], str]
) -> str:
    """Every `<img>` showing a published photo (found by its fallback's URI) becomes a `<picture>`;
    `dest_uri` is the page's output file, `link` makes URLs relative to it."""
    page_dir = posixpath.dirname(dest_uri)

    def replace(m: re.Match[str]) -> str:
        src = _SRC.search(m.group(0))
        target = posixpath.normpath(posixpath.join(page_dir, html.unescape(src.group(1)))) if src else ""
        image = by_fallback.get(target)
        if image is None:
            return m.group(0)
        alt = _ALT.search(m.group(0))
        return picture_html(image, html.unescape(alt.group(1)) if alt else "", link)

    return _IMG.sub(replace, html_text)
