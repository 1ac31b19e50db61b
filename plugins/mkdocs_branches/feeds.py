"""Atom feeds (RFC 4287) for the whole site and for each branch.

Written with `xml.etree`, which escapes text and attributes by construction; characters XML cannot
hold at all (control characters) are dropped. Times are Beijing time (+08:00); items without a time
of day are stamped 00:00.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from urllib.parse import urljoin

from .model import NewsItem
from .urls import relative_url

ATOM = "http://www.w3.org/2005/Atom"
BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
MAX_ENTRIES = 50
GENERATOR = "mkdocs-branches"

# (item, url of its page, url of its cover or None, summary text, author name)
FeedEntry = tuple[NewsItem, str, str | None, str, str]

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_IMAGE_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".heic": "image/heic",
    ".heif": "image/heif",
    ".svg": "image/svg+xml",
}


def stamp(item: NewsItem) -> dt.datetime:
    """The item's moment in Beijing time; 00:00 when the editor gave no time."""
    return dt.datetime.combine(item.when.date, item.when.time or dt.time(0, 0), tzinfo=BEIJING)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _absolute(url: str, site_url: str | None, feed_url: str) -> str:
    """`url` (relative to the site root) made absolute under `site_url`; without one, relative to the feed."""
    if "://" in url or url.startswith(("//", "mailto:", "urn:", "tag:")):
        return url
    if site_url:
        base = site_url if site_url.endswith("/") else site_url + "/"
        return urljoin(base, url.lstrip("/"))
    return relative_url(url.lstrip("/") or ".", feed_url.lstrip("/"))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING).replace(microsecond=0).isoformat()


def _entry_id(item: NewsItem, link: str) -> str:
    if "://" in link:
        return link
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{GENERATOR}:{item.source}").urn


def atom_feed(
    title: str,
    feed_url: str,
    site_url: str | None,
    items: Sequence[FeedEntry],
    updated: dt.datetime | None = None,
    *,
    home_url: str = "",
    subtitle: str = "",
    author: str = "",
    limit: int = MAX_ENTRIES,
) -> bytes:
    """An Atom document (UTF-8 bytes) of the newest `limit` non-draft items, newest first.

    `feed_url`, `home_url` and the entries' urls are relative to the site root (`branches/jg1/feed.xml`,
    `branches/jg1/`), or absolute. With `site_url` every link is absolute; without it, links are
    relative to the feed's own address. `updated` defaults to the newest entry's time.
    """
    entries = sorted((e for e in items if not e[0].is_draft), key=lambda e: e[0].sort_key, reverse=True)
    entries = entries[: max(limit, 0)]
    self_link = _absolute(feed_url, site_url, feed_url)
    feed_id = self_link if site_url else uuid.uuid5(uuid.NAMESPACE_URL, f"{GENERATOR}:{feed_url}").urn
    if updated is None:
        updated = stamp(entries[0][0]) if entries else dt.datetime.now(BEIJING)

    feed = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
    _sub(feed, "id", feed_id)
    _sub(feed, "title", title)
    if subtitle:
        _sub(feed, "subtitle", subtitle)
    _sub(feed, "updated", _iso(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_link)
    _sub(feed, "link", rel="alternate", type="text/html", href=_absolute(home_url, site_url, feed_url))
    _sub(_sub(feed, "author"), "name", author or title)  # entries without an author fall back on this
    _sub(feed, "generator", GENERATOR)

    for item, url, cover_url, summary, entry_author in entries:
        link = _absolute(url, site_url, feed_url)
        cover = _absolute(cover_url, site_url, feed_url) if cover_url else None
        moment = _iso(stamp(item))
        entry = _sub(feed, "entry")
        _sub(entry, "id", _entry_id(item, link))
        _sub(entry, "title", item.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=link)
        _sub(entry, "published", moment)
        _sub(entry, "updated", moment)
        if entry_author:
            _sub(_sub(entry, "author"), "name", entry_author)
        _sub(entry, "category", term=item.type, label=item.type)
        if summary:
            _sub(entry, "summary", summary, type="text")
        _sub(entry, "content", _content_html(item, link, cover, summary), type="html")
        if cover:
            kind = _IMAGE_TYPES.get(posixpath.splitext(cover.split("?")[0])[1].lower())
            attrs = {"rel": "enclosure", "href": cover} | ({"type": kind} if kind else {})
            _sub(entry, "link", **attrs)

    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _content_html(item: NewsItem, link: str, cover: str | None, summary: str) -> str:
    """The entry's HTML (escaped here, then escaped again as the element's text, as type="html" wants)."""
    parts = []
    if cover:
        parts.append(f'<p><img src="{html.escape(cover)}" alt="{html.escape(item.title)}"></p>')
    if summary:
        parts.append(f"<p>{html.escape(summary)}</p>")
    parts.append(f'<p><a href="{html.escape(link)}">阅读全文</a></p>')
    return "".join(parts)
