"""Files that are not pages: the plugin's stylesheets and script, published photos, and Atom feeds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rcssmin import cssmin
from rjsmin import jsmin

from ..feeds import MAX_ENTRIES, FeedEntry, atom_feed
from ..incremental import stamp
from ..model import NewsItem
from ..render import plain_summary
from .base import EVERY_EDITION, Build, Edition

ASSETS = Path(__file__).parent.parent / "assets"
# Every page links one stylesheet of the plugin, made of these sources in this order (print.css overrides
# review.css on paper): each stylesheet in <head> holds the first paint back by a request, which on a phone's
# network costs more than the few KB that pages without photos or review tables do not use. review.css only
# in editions with review pages, which link the second stylesheet instead.
STYLESHEET = "assets/branches/branches.css"
REVIEW_STYLESHEET = "assets/branches/branches-review.css"
STYLE_SOURCES = ("branches.css", "review.css", "print.css", "search.css", "lightbox.css")
# Linked by overrides/main.html: search on every page, the photo viewer's only where there are photos to open.
SCRIPTS = ("assets/branches/search.js", "assets/branches/lightbox.js")
FEED_URI = "feed.xml"


def stylesheets(review: bool) -> list[str]:
    """The stylesheets every page links; `review`: of an edition with review pages."""
    return [REVIEW_STYLESHEET if review else STYLESHEET]


@dataclass(kw_only=True)
class DataFile:
    """A file of the site: copied from `path`, or made by `content()`."""

    uri: str
    path: str | None = None
    editions: ClassVar[frozenset[Edition]] = EVERY_EDITION
    later: ClassVar[bool] = False  # costly, and only linked to: `serve` makes it when it is asked for

    def content(self, build: Build) -> bytes:
        raise NotImplementedError

    def fingerprint(self, build: Build) -> str | None:
        """A digest of what the file holds, or None: made anew every build."""
        return None


@dataclass(kw_only=True)
class Asset(DataFile):
    """One of the plugin's own stylesheets or scripts, published minified (a third lighter: the sources
    are commented for the next developer, not for readers' phones)."""

    sources: tuple[Path, ...]  # joined in this order

    @classmethod
    def every(cls) -> list[Asset]:
        styles = [ASSETS / name for name in STYLE_SOURCES]
        return [
            cls(uri=STYLESHEET, sources=tuple(p for p in styles if p.name != "review.css")),
            cls(uri=REVIEW_STYLESHEET, sources=tuple(styles)),
            *(cls(uri=uri, sources=(ASSETS / uri.rsplit("/", 1)[1],)) for uri in SCRIPTS),
        ]

    def content(self, build: Build) -> bytes:
        text = "\n".join(p.read_text(encoding="utf-8") for p in self.sources)
        return (jsmin(text) if self.uri.endswith(".js") else cssmin(text)).encode("utf-8")

    def fingerprint(self, build: Build) -> str | None:
        return stamp(*(p.read_bytes() for p in self.sources))


@dataclass(kw_only=True)
class PhotoFile(DataFile):
    """A published rendition of a photo, copied from the photo cache."""

    path: str

    @classmethod
    def every(cls, build: Build) -> list[PhotoFile]:
        published = {r.uri: r.path for image in build.site.images.values() for r in image.renditions}
        return [cls(uri=uri, path=path) for uri, path in published.items()]

    def fingerprint(self, build: Build) -> str | None:
        return self.path  # the cache path names the photo's content and the settings


@dataclass(kw_only=True)
class Feed(DataFile):
    """An Atom feed of the newest items: of the whole site, or of one branch."""

    title: str
    items: list[NewsItem]
    home: str  # the URI of the page the feed belongs to

    @classmethod
    def every(cls, build: Build) -> list[Feed]:
        site = build.site
        feeds = [cls(uri=FEED_URI, title=build.options.site_name, items=site.items, home="index.md")]
        feeds += [
            cls(
                uri=build.feed_uri(b.id),
                title=f"{b.brand} · {b.name}",
                items=site.by_branch[b.id],
                home=site.branch_uri(b.id),
            )
            for b in site.branches
        ]
        return feeds

    def fingerprint(self, build: Build) -> str | None:
        return stamp(self.title, build.options.site_url, build.stamps.of(self.items[:MAX_ENTRIES]))

    def content(self, build: Build) -> bytes:
        return atom_feed(
            self.title,
            self.uri,
            build.options.site_url,
            [self._entry(build, item) for item in self.items[:MAX_ENTRIES]],
            home_url=build.url(self.home),
            author=build.options.site_name,
        )

    @staticmethod
    def _entry(build: Build, item: NewsItem) -> FeedEntry:
        site = build.site
        cover = site.images[item.cover].fallback.uri if item.cover in site.images else None
        author = item.author or build.branches[item.branch_id].name
        return (item, build.url(site.uris[item.source]), cover, plain_summary(item), author)
