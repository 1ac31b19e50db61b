"""Every kind of generated page, one class each, grouped by family:

- `site`: the home page;
- `branch`: a branch's brand page, timeline and photos, and each news item's page;
- `lists`: the paginated news, type and tag lists, the site-wide gallery, the type and tag directories;
- `review`: the compliance dashboard, brand reports, their spreadsheets, the review queue;
- `worklog`: each branch's 工作纪实 per year (plan against what was done) and its 台账 in Word;
- `data`: files that are not pages (stylesheets, published photos, feeds);
- `manual`: the editor's guide and the error catalogue that ship with the plugin;
- `preview`: in `mkdocs serve` only, the content errors and the list the banner on every page reads.

`base` says what a page kind is. A new kind is a class in its family's module, a template in
`templates/fragments`, and a line below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..errors import Problem
from .base import Build, Edition, GeneratedPage, Options
from .branch import BranchGallery, BranchHome, ItemPage, Timeline
from .data import Asset, DataFile, Feed, PhotoFile
from .lists import Directory, GalleryPage, ListPage
from .manual import ManualFile, ManualPage
from .preview import ErrorList, PreviewErrors
from .review import ActivitySheet, BranchReview, Dashboard, Queue, Report, SummarySheet
from .site import Home
from .worklog import LedgerFile, WorklogPage

__all__ = [
    "Build",
    "DataFile",
    "Edition",
    "GeneratedPage",
    "Options",
    "Placement",
    "data_files",
    "place",
    "site_pages",
]


def site_pages(build: Build) -> tuple[list[GeneratedPage], set[str]]:
    """The pages of the build's edition, in the order MkDocs lists them (the sitemap, a plain nav), and
    the URIs of the pages only other editions have, which this one must not link to."""
    site = build.site
    pages: list[GeneratedPage] = [Home(title=build.options.site_name)]
    for branch in site.branches:
        pages += [BranchHome.of(branch, site), Timeline.of(branch, site), BranchGallery.of(branch, site)]
    pages += GalleryPage.every(site)
    pages += [ItemPage.of(item, site) for item in site.items]
    pages += ListPage.every(site)
    pages += [*Directory.every(build), *Dashboard.every(build)]
    pages += [BranchReview.of(branch, site) for branch in site.branches]
    pages += [Report.of(branch, site) for branch in site.branches]
    pages += WorklogPage.every(build)
    pages += [Queue(), PreviewErrors()]
    pages += ManualPage.every()
    shown = [page for page in pages if page.in_edition(build.options)]
    return shown, {page.uri for page in pages if not page.in_edition(build.options)}


def data_files(build: Build) -> list[DataFile]:
    """Every file of the build's edition that is not a page."""
    files: list[DataFile] = [*PhotoFile.every(build), *Asset.every()]
    files += [ActivitySheet(), SummarySheet(), *Feed.every(build), *ManualFile.every(build)]
    files += LedgerFile.every(build) if build.options.internal else []
    files += [ErrorList()] if build.options.serving else []
    return [file for file in files if build.options.edition in file.editions]


@dataclass
class Placement:
    """The build's pages beside the hand-written ones in `docs/`."""

    own: list[GeneratedPage] = field(default_factory=list)  # pages of their own, in `site_pages` order
    extending: list[GeneratedPage] = field(default_factory=list)  # added to the hand-written page at its URI
    clashing: list[tuple[GeneratedPage, str]] = field(
        default_factory=list
    )  # (page, hand-written page it hits)
    elsewhere: set[str] = field(default_factory=set)  # URIs only other editions have

    def problems(self, docs_dir: str) -> list[Problem]:
        """`docs_dir` as messages name it (`docs`)."""
        return [
            Problem(
                f"{docs_dir}/{src}",
                "这个手写页面和自动生成的页面网址相同",
                "请给 docs/ 里的这个文件换个名字或换个文件夹",
            )
            for _, src in self.clashing
        ]


def place(build: Build, hand_written: Mapping[str, str]) -> Placement:
    """Where each page of the build goes; `hand_written` maps each hand-written page's URI to its URL
    (`docs/news.md` and a generated `news/index.md` meet at `news/`)."""
    pages, elsewhere = site_pages(build)
    placement = Placement(elsewhere=elsewhere)
    by_url = {url: uri for uri, url in hand_written.items()}
    for page in pages:
        if page.uri in hand_written and page.extends_hand_written:
            placement.extending.append(page)
        elif page.yields_to_hand_written and (page.uri in hand_written or build.url(page.uri) in by_url):
            continue
        elif page.uri in hand_written:
            placement.clashing.append((page, page.uri))
        elif build.url(page.uri) in by_url:
            placement.clashing.append((page, by_url[build.url(page.uri)]))
        else:
            placement.own.append(page)
    return placement
