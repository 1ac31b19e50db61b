"""An editor's Markdown body on its way into a page: links to content files pointed at where those files
are published, raw HTML sanitised, and images turned into responsive pictures like every other photo."""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from urllib.parse import unquote

from . import sanitize
from .images import Processed, picture_html

# A link's or image's target as Python-Markdown reads it: up to `)` or a quoted title, spaces included.
TARGET = r"\(\s*<?(?P<src>[^)<>]*?)>?(?P<title>\s+[\"'][^)]*[\"'])?\s*\)"
_LINK = re.compile(r"(?P<start>!?\[[^\]]*\]\(\s*<?)(?P<src>[^)<>]*?)(?P<end>>?(?:\s+[\"'][^)]*[\"'])?\s*\))")
_TEXT_LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]*)\]" + TARGET)
_IMAGE_LINK = re.compile(r"!\[(?P<text>[^\]]*)\]" + TARGET)
_IMG = re.compile(r"<img\b[^>]*>")
_SRC = re.compile(r'\bsrc="([^"]*)"')
_ALT = re.compile(r'\balt="([^"]*)"')


def link_rewriter(mapping: Callable[[str], str | None]) -> Callable[[str], str]:
    """Rewrite Markdown link and image targets that `mapping` knows (content path → new relative target)."""

    def rewrite(markdown: str) -> str:
        def replace(m: re.Match[str]) -> str:
            target, _, anchor = m["src"].partition("#")
            new = mapping(target)
            if new is None:
                return m.group(0)
            return f"{m['start']}{new}{'#' + anchor if anchor else ''}{m['end']}"

        return _LINK.sub(replace, markdown)

    return rewrite


def rewrite_links(
    markdown: str, source: str, page_uri: str, targets: dict[str, str], content_dir: str | None = None
) -> tuple[str, set[str]]:
    """Links in the Markdown of `source` (a content file) to other content files, made relative to the
    generated page at `page_uri`; `targets` maps content paths to the URIs they are published at. A link
    to a file of `content_dir` that is not published becomes its text (`index.dead_links` says so); an
    image of one (a photo that could not be processed) is left out. Returns the Markdown and the URIs it now links to."""
    source_dir = posixpath.dirname(source)
    page_dir = posixpath.dirname(page_uri)
    hits: set[str] = set()

    def unpublished(m: re.Match[str]) -> str:
        link = unquote(m["src"]).split("#", 1)[0].split("?", 1)[0]
        path = posixpath.normpath(posixpath.join(source_dir, link))
        if not link or ":" in link or link.startswith("/") or not path.startswith(f"{content_dir}/"):
            return m.group(0)
        return m.group(0) if path in targets else ("" if m.group(0).startswith("!") else m["text"])

    def target(link: str) -> str | None:
        if "://" in link or link.startswith(("/", "#", "mailto:", "data:")):
            return None
        resolved = targets.get(posixpath.normpath(posixpath.join(source_dir, unquote(link))))
        if resolved is None:
            return None
        hits.add(resolved)
        return posixpath.relpath(resolved, page_dir)

    if content_dir is not None:
        markdown = _IMAGE_LINK.sub(unpublished, _TEXT_LINK.sub(unpublished, markdown))
    return link_rewriter(target)(markdown), hits


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
