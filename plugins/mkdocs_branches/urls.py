"""Where generated files are published, and links between them that work under any sub-path.

A URI is a path in the site's source tree (`branches/jg1/news/x.md`); its URL is where MkDocs publishes
it (`branches/jg1/news/x/`). Every link the plugin writes is relative to the page it is on.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from functools import lru_cache

from .slugs import file_url_name, url_name


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


def url_to_dest(url: str) -> str:
    """The file a page URL is written to (`x/` → `x/index.html`), as MkDocs' `File.dest_uri`."""
    return posixpath.normpath(url + "index.html") if url.endswith("/") else url


@lru_cache(maxsize=1 << 14)  # a page links the same few pages again and again (its branch, the lists)
def _parts(path: str) -> tuple[str, ...]:
    path = posixpath.normpath(path if path.startswith("/") else "/" + path)[1:]
    return tuple(path.split("/")) if path else ()


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other` (both site-root paths), as MkDocs' `get_relative_url`."""
    folder, _, name = other.rpartition("/")
    if "." in name:
        other = folder
    here, there = _parts(other), _parts(url)
    common = 0
    for a, b in zip(here, there, strict=False):
        if a != b:
            break
        common += 1
    rel = "/".join([*[".."] * (len(here) - common), *there[common:]]) or "."
    return rel + "/" if url.endswith("/") else rel


def page_link(page_url: str, use_directory_urls: bool = True) -> Callable[[str], str]:
    """`link(uri)`: the URL of the file at `uri`, relative to the page at `page_url`."""

    def link(uri: str) -> str:
        return relative_url(uri_to_url(uri, use_directory_urls), page_url)

    return link


def photo_uri(content_dir: str, path: str) -> str:
    """Where a photo (`path` relative to the content folder) is published, extension included."""
    *folders, name = path.split("/")
    return "/".join([content_dir, *(url_name(f) for f in folders), file_url_name(name)])
