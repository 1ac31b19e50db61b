"""Branch pages: each branch's brand page, its timeline and photos, and the page of each of its news items."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import ClassVar, TypeVar

from markupsafe import Markup, escape

from ..body import clean, pictures, rewrite_links
from ..incremental import Fingerprint, stamp
from ..index import Site
from ..model import Branch, NewsItem
from ..render import plain_summary
from ..rules import pair
from ..search import Facets
from ..urls import url_to_dest
from .base import Build, GeneratedPage

P = TypeVar("P", bound="BranchPage")


@dataclass(kw_only=True)
class BranchPage(GeneratedPage):
    """A page about one branch, showing its published items (all of them, unless it says otherwise)."""

    branch: Branch
    file: ClassVar[str]  # its name in the branch's folder of the site (templates link through `Site`)
    heading: ClassVar[str]  # the title, after the brand ("": the branch's name)

    @classmethod
    def of(cls: type[P], branch: Branch, site: Site) -> P:
        title = f"{branch.brand} · {cls.heading or branch.name}"
        return cls(uri=site.branch_file(branch.id, cls.file), title=title, branch=branch)

    def fingerprint(self, build: Build) -> str:
        return self._stamp(build, build.site.by_branch[self.branch.id])

    def _stamp(self, build: Build, shown: list[NewsItem], *extra: object) -> str:
        items = build.site.by_branch[self.branch.id]
        digest = build.stamps.branches[self.branch.id]
        return stamp(type(self).__name__, digest, len(items), build.stamps.of(shown), *extra)


@dataclass(kw_only=True)
class BranchHome(BranchPage):
    """品牌主页: the brand profile, its story (the Markdown of `index.md`) and the latest news."""

    template: ClassVar[str] = "branch.html"
    file: ClassVar[str] = "index.md"
    heading: ClassVar[str] = ""
    indexed: ClassVar[bool] = True

    def fingerprint(self, build: Build) -> str:
        items = build.site.by_branch[self.branch.id]
        return self._stamp(build, items[: build.options.branch_latest])

    def markdown(self, build: Build) -> str:
        return rewrite_links(
            self.branch.story, self.branch.source, self.uri, build.targets, build.site.content_dir
        )[0]

    def meta(self, build: Build) -> dict[str, str]:
        return {"description": self.branch.slogan or self.branch.name, "feed": build.feed_uri(self.branch.id)}

    def search_facets(self, build: Build) -> Facets:
        b = self.branch
        return Facets(
            meta={"title": self.title, "type": "支部品牌", **_thumbnail(build, b.logo)},
            filters={"branch": _branch_filter(b)},
        )

    def render(self, build: Build, html: str, url: str) -> str:
        story = pictures(
            clean(html, build.options.allow_raw_html), url_to_dest(url), build.by_fallback, build.link(url)
        )
        items = build.site.by_branch[self.branch.id]
        return build.renderer.render(
            self.template,
            url,
            b=self.branch,
            items=items,
            latest=items[: build.options.branch_latest],
            has_story=bool(story.strip()),
            story=Markup(story),
        )


@dataclass(kw_only=True)
class Timeline(BranchPage):
    """活动时间线: every published item of the branch, by year and month."""

    template: ClassVar[str] = "timeline.html"
    file: ClassVar[str] = "timeline.md"
    heading: ClassVar[str] = "活动时间线"

    def fingerprint(self, build: Build) -> str:
        records = build.records.get(self.branch.id, [])
        return self._stamp(build, build.site.by_branch[self.branch.id], records)

    def meta(self, build: Build) -> dict[str, str]:
        return {"feed": build.feed_uri(self.branch.id)}

    def render(self, build: Build, html: str, url: str) -> str:
        """Newest first; in the internal edition the register's meetings too (a record of a meeting that
        made the news goes with that item)."""
        shown = pair(build.site.by_branch[self.branch.id], build.records.get(self.branch.id, []))
        shown.reverse()
        years = [
            (year, [(month, list(ms)) for month, ms in groupby(group, key=lambda m: m.day.month)])
            for year, group in groupby(shown, key=lambda m: m.day.year)
        ]
        return build.renderer.render(self.template, url, b=self.branch, years=years)


@dataclass(kw_only=True)
class BranchGallery(BranchPage):
    """照片: the branch's photos, grouped by item, newest first."""

    template: ClassVar[str] = "gallery.html"
    file: ClassVar[str] = "gallery.md"
    heading: ClassVar[str] = "照片"

    def render(self, build: Build, html: str, url: str) -> str:
        shown = [i for i in build.site.by_branch[self.branch.id] if i.photos]
        return build.renderer.render(
            self.template, url, items=shown, heading=self.title, listing=None, number=1
        )


@dataclass(kw_only=True)
class ItemPage(GeneratedPage):
    """A news item: its body (Markdown), photos, credits and its neighbours in the branch."""

    item: NewsItem
    template: ClassVar[str] = "item.html"
    indexed: ClassVar[bool] = True
    _links: set[str] = field(default_factory=set, init=False, repr=False)  # URIs the body links to
    _search: str | None = field(default=None, init=False, repr=False)

    @classmethod
    def of(cls, item: NewsItem, site: Site) -> ItemPage:
        return cls(uri=site.uris[item.source], title=item.title, item=item)

    def fingerprint(self, build: Build) -> Fingerprint:
        item, site = self.item, build.site
        newer, older = site.neighbours(item)
        around = (newer and (newer.source, newer.title), older and (older.source, older.title))
        tags = tuple(site.tags[t].uris[0] for t in item.tags)
        return (build.stamps.items[item.source], build.stamps.branches[item.branch_id], around, tags)

    def markdown(self, build: Build) -> str:
        text, self._links = rewrite_links(
            self.item.body, self.item.source, self.uri, build.targets, build.site.content_dir
        )
        return text

    def meta(self, build: Build) -> dict[str, str]:
        return {"description": plain_summary(self.item), "feed": build.feed_uri(self.item.branch_id)}

    def render(self, build: Build, html: str, url: str) -> str:
        item, images = self.item, build.site.images
        html = clean(html, build.options.allow_raw_html)
        # Photos the body shows are not shown again below it.
        in_body = {
            p.path for p in item.photos if p.path in images and images[p.path].fallback.uri in self._links
        }
        body = pictures(html, url_to_dest(url), build.by_fallback, build.link(url))
        self._search = self._searchable(build, body)
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
        newer, older = build.site.neighbours(item)
        return build.renderer.render(
            self.template,
            url,
            item=item,
            b=build.branches[item.branch_id],
            body=Markup(body),
            photos=[p for p in item.photos if p.path not in in_body],
            credits=credits,
            newer=newer,
            older=older,
        )

    def _searchable(self, build: Build, body: str) -> str:
        """The item's own text: title, date, type, branch, tags, body and captions (not the page around it)."""
        item = self.item
        meta = [
            item.when.display(),
            item.type,
            build.branches[item.branch_id].brand,
            *(f"#{t}" for t in item.tags),
        ]
        captions = "".join(f"<p>{escape(p.caption)}</p>" for p in item.photos if p.caption)
        return f"<h1>{escape(item.title)}</h1><p>{escape(' · '.join(meta))}</p>{body}{captions}"

    def search_text(self) -> str | None:
        return self._search

    def search_facets(self, build: Build) -> Facets:
        item, b = self.item, build.branches[self.item.branch_id]
        return Facets(
            meta={
                "title": item.title,
                "date": item.when.display(),
                "type": item.type,
                "branch": b.brand,
                **_thumbnail(build, item.cover),
            },
            filters={"branch": _branch_filter(b), "type": item.type, "year": str(item.when.date.year)},
            sort={"date": item.when.iso()},
            text=f"{b.brand} {b.name}",  # shown in the link back to the branch, which is not indexed
        )


def _branch_filter(branch: Branch) -> str:
    """How readers pick a branch in search: its brand, then its name (brands need not be unique)."""
    return f"{branch.brand} · {branch.name}"


def _thumbnail(build: Build, path: str | None) -> dict[str, str]:
    """A search result's photo: the URIs of its smallest JPEG (or PNG) and WebP renditions (WebP is about
    half the bytes), or nothing without a photo."""
    image = build.site.images.get(path) if path else None
    if image is None:
        return {}
    return {"cover": image.thumbnail.uri, "cover_webp": image.thumbnail_webp.uri}
