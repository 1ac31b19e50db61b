"""Lists: the paginated news, activity-type and tag lists, the site-wide photo gallery, and the
directories of every type and every tag."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..incremental import Fingerprint, stamp
from ..index import Listing, Site
from .base import Build, GeneratedPage

NEWS_URI = "news/index.md"


def _title(heading: str, number: int) -> str:
    return heading if number == 1 else f"{heading}（第 {number} 页）"


@dataclass(kw_only=True)
class ListingPage(GeneratedPage):
    """Page `number` of a paginated `listing` (1: its front page)."""

    listing: Listing
    number: int

    def fingerprint(self, build: Build) -> Fingerprint:
        shown = build.stamps.of(self.listing.page(self.number))
        return (type(self).__name__, self.title, self.number, len(self.listing.uris), shown)


@dataclass(kw_only=True)
class ListPage(ListingPage):
    """新闻动态, 活动类型：…, 标签：…: rows of items, newest first, with a pager."""

    template: ClassVar[str] = "listing.html"

    @classmethod
    def every(cls, site: Site) -> list[ListPage]:
        listings = [(site.news, "新闻动态")]
        listings += [(listing, f"活动类型：{name}") for name, listing in site.types.items()]
        listings += [(listing, f"标签：{name}") for name, listing in site.tags.items()]
        return [
            cls(
                uri=uri, title=_title(heading, number), in_nav=uri == NEWS_URI, listing=listing, number=number
            )
            for listing, heading in listings
            if listing is not None
            for number, uri in enumerate(listing.uris, start=1)
        ]

    def render(self, build: Build, html: str, url: str) -> str:
        return build.renderer.render(
            self.template, url, listing=self.listing, number=self.number, heading=self.title, intro=""
        )


@dataclass(kw_only=True)
class GalleryPage(ListingPage):
    """照片: every published item's photos, grouped by item, newest first, with a pager."""

    template: ClassVar[str] = "gallery.html"

    @classmethod
    def every(cls, site: Site) -> list[GalleryPage]:
        gallery = site.gallery
        if gallery is None:
            return []
        return [
            cls(uri=uri, title=_title("照片", number), in_nav=number == 1, listing=gallery, number=number)
            for number, uri in enumerate(gallery.uris, start=1)
        ]

    def render(self, build: Build, html: str, url: str) -> str:
        items = self.listing.page(self.number)
        return build.renderer.render(
            self.template, url, items=items, heading=self.title, listing=self.listing, number=self.number
        )


@dataclass(kw_only=True)
class Directory(GeneratedPage):
    """活动类型 / 标签: every list of one family, with its count, and for types how often each must happen."""

    listings: dict[str, Listing]
    notes: dict[str, str] = field(default_factory=dict)  # a line after a list's count, by its name
    in_nav: bool = True
    template: ClassVar[str] = "directory.html"

    @classmethod
    def every(cls, build: Build) -> list[Directory]:
        rules = {t.name: t.rule.display() for t in build.options.types if t.rule}
        return [
            cls(uri="types/index.md", title="活动类型", listings=build.site.types, notes=rules),
            cls(uri="tags/index.md", title="标签", listings=build.site.tags),
        ]

    def entries(self) -> list[dict[str, object]]:
        return [
            {
                "title": name,
                "uris": listing.uris,
                "count": len(listing.items),
                "rule": self.notes.get(name, ""),
            }
            for name, listing in self.listings.items()
        ]

    def fingerprint(self, build: Build) -> str:
        return stamp("directory", self.entries())

    def render(self, build: Build, html: str, url: str) -> str:
        return build.renderer.render(self.template, url, heading=self.title, entries=self.entries())
