"""What every generated page is, and the build the pages are made from.

A page kind is a class; its instances are the pages of that kind in one build. The class says in one
place everything the plugin needs: the page's URI and title, whether it is in the navigation, in which
editions it exists, whether search indexes it, what it shows (`fingerprint`, for `serve --dirty`) and
how it renders (`render`, with its `template` in `templates/fragments`). Nothing here knows MkDocs: the
plugin hands the pages to MkDocs and their HTML back.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import ClassVar

from ..config import ActivityType
from ..errors import Problem
from ..images import Processed
from ..incremental import Fingerprint, Stamps, stamp
from ..index import Site
from ..model import Branch, Content, MeetingRecord, PlannedActivity
from ..render import Renderer
from ..rules import Meeting, PeriodResult, Review, years_judged
from ..search import Facets
from ..urls import page_link, uri_to_url


class Edition(enum.Enum):
    PUBLIC = "public"  # what is published: reviewed, non-draft items, nothing of review
    INTERNAL = "internal"  # for editors and reviewers: drafts and unreviewed items (marked), review pages


EVERY_EDITION = frozenset(Edition)
INTERNAL_ONLY = frozenset({Edition.INTERNAL})
_YES, _NO = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def edition_of(
    option: str | None, preview: bool | None, command: str | None, environ: dict[str, str]
) -> Edition:
    """The edition to build: `BRANCHES_EDITION`, then its older alias `BRANCHES_PREVIEW`, then the
    `edition` option (or the older `preview`), then the command: `mkdocs serve` previews internally."""
    chosen = environ.get("BRANCHES_EDITION", "").strip().lower()
    if chosen:
        try:
            return Edition(chosen)
        except ValueError:
            raise ValueError(
                f"环境变量 BRANCHES_EDITION 的值“{chosen}”不对：请写 public（对外发布版）或 internal（内部审阅版）"
            ) from None
    flag = environ.get("BRANCHES_PREVIEW", "").strip().lower()
    if flag in _YES or flag in _NO:
        return Edition.INTERNAL if flag in _YES else Edition.PUBLIC
    if option is not None:
        return Edition(option)
    if preview is not None:
        return Edition.INTERNAL if preview else Edition.PUBLIC
    return Edition.INTERNAL if command == "serve" else Edition.PUBLIC


@dataclass(frozen=True)
class Options:
    """The settings pages depend on, from mkdocs.yml and the plugin's options."""

    site_name: str
    site_url: str | None
    use_directory_urls: bool
    edition: Edition
    content_dir: str = "branches"
    review_required: bool = True
    allow_raw_html: bool = False
    branch_latest: int = 10
    home_latest: int = 8
    branch_types: tuple[str, ...] = ()
    types: tuple[ActivityType, ...] = ()
    public_dashboard: bool = False  # the dashboard in the public edition too
    publish_guide: bool = False  # the editor's guide and error catalogue in the public edition too
    serving: bool = False  # `mkdocs serve`: content errors are shown on the site instead of stopping it

    @property
    def internal(self) -> bool:
        return self.edition is Edition.INTERNAL


@dataclass
class Build:
    """One build as its pages see it: what was loaded, what is shown, the review state, the settings."""

    options: Options
    content: Content  # everything loaded, drafts included (the review queue lists them)
    site: Site  # what this edition shows
    review: Review  # judged on what the public edition publishes
    stamps: Stamps = field(default_factory=Stamps)  # filled in for `--dirty` builds only
    problems: list[Problem] = field(default_factory=list)  # shown by `serve`'s error page (`preview`)

    @cached_property
    def renderer(self) -> Renderer:
        o = self.options
        return Renderer(self.site, o.use_directory_urls, o.internal, o.review_required, self.stamps)

    @cached_property
    def branches(self) -> dict[str, Branch]:
        return {b.id: b for b in self.site.branches}

    @cached_property
    def records(self) -> dict[str, list[MeetingRecord]]:
        """Each branch's register, by branch id: shown in the internal edition only (empty otherwise)."""
        shown: dict[str, list[MeetingRecord]] = {}
        for record in self.content.records if self.options.internal else ():
            shown.setdefault(record.branch_id, []).append(record)
        return shown

    @cached_property
    def meetings(self) -> dict[str, list[Meeting]]:
        """The meetings that count, by branch id, oldest first: each branch's pages look up only their own."""
        return self.review.by_branch

    @cached_property
    def results(self) -> dict[str, list[PeriodResult]]:
        """The review's results, by branch id."""
        by_branch: dict[str, list[PeriodResult]] = {}
        for result in self.review.results:
            by_branch.setdefault(result.branch_id, []).append(result)
        return by_branch

    @cached_property
    def branch_inputs(self) -> dict[str, tuple[object, ...]]:
        """Everything a branch's review pages and 台账 are made of, by branch id, cheap to compare with the
        last build's (`Stamps.kept`): the digests of the branch and its items, its records and plans, and
        what every branch's review shares (settings, build date, the years judged)."""
        records: dict[str, list[MeetingRecord]] = {}
        for record in self.content.records:
            records.setdefault(record.branch_id, []).append(record)
        plans: dict[str, list[PlannedActivity]] = {}
        for plan in self.content.plans:
            plans.setdefault(plan.branch_id, []).append(plan)
        # The options digested: a new `Options` each build would be compared field by field, per output.
        shared = (stamp(self.options), self.review.build_date, tuple(self.years_judged))
        stamps = self.stamps
        return {
            b.id: (
                shared,
                stamps.branches.get(b.id),
                tuple(stamps.items.get(i.source) for i in self.site.by_branch[b.id]),
                tuple(records.get(b.id, ())),
                tuple(plans.get(b.id, ())),
            )
            for b in self.site.branches
        }

    @cached_property
    def years_judged(self) -> list[int]:
        return years_judged(self.review)

    @cached_property
    def plans(self) -> list[PlannedActivity]:
        """Every branch's plans: shown in the internal edition only (empty otherwise)."""
        return list(self.content.plans) if self.options.internal else []

    @cached_property
    def targets(self) -> dict[str, str]:
        """Content paths (relative to the site root) → the URIs they are published at, for body links."""
        site, base = self.site, self.options.content_dir
        targets = {item.source: site.uris[item.source] for item in site.items}
        targets |= {branch.source: site.branch_uri(branch.id) for branch in site.branches}
        targets |= {f"{base}/{path}": image.fallback.uri for path, image in site.images.items()}
        return targets

    @cached_property
    def by_fallback(self) -> dict[str, Processed]:
        """Published photos by the URI of their fallback rendition, for pictures in bodies."""
        return {image.fallback.uri: image for image in self.site.images.values()}

    def url(self, uri: str) -> str:
        return uri_to_url(uri, self.options.use_directory_urls)

    def link(self, page_url: str) -> Callable[[str], str]:
        """`link(uri)`: the URL of `uri` relative to the page at `page_url`."""
        return page_link(page_url, self.options.use_directory_urls)

    def feed_uri(self, branch_id: str) -> str:
        return f"{self.options.content_dir}/{branch_id}/feed.xml"


@dataclass(kw_only=True)
class GeneratedPage:
    """A page the plugin adds. Subclasses set the class attributes and implement `fingerprint` and
    `render`; the ones showing an editor's Markdown (items, brand stories) also `markdown`."""

    uri: str  # in the site's source tree, e.g. `branches/jg1/timeline.md`
    title: str  # plain text; escaped where it is shown
    in_nav: bool = False

    template: ClassVar[str]  # in templates/fragments
    editions: ClassVar[frozenset[Edition]] = EVERY_EDITION
    indexed: ClassVar[bool] = False  # whether search indexes the page
    hide: ClassVar[
        tuple[str, ...]
    ] = ()  # parts of Material's page to leave out (`toc`: room for wide tables)
    # True: a hand-written page at `uri` is kept, and this page's content is added after its own.
    extends_hand_written: ClassVar[bool] = False
    # True: a hand-written page at `uri` (or at its URL) is kept instead of this one.
    yields_to_hand_written: ClassVar[bool] = False

    def in_edition(self, options: Options) -> bool:
        return options.edition in self.editions

    def fingerprint(self, build: Build) -> Fingerprint:
        """A digest of everything the page shows: when it is unchanged, so is the page."""
        raise NotImplementedError

    def markdown(self, build: Build) -> str:
        """The Markdown MkDocs renders into the page's body (then given to `render`)."""
        return ""

    def meta(self, build: Build) -> dict[str, str]:
        """Page metadata for the theme: `description`, and `feed` (the URL of the feed to advertise)."""
        return {}

    def render(self, build: Build, html: str, url: str) -> str:
        """The page's content: `html` is what MkDocs made of `markdown()`, `url` is the page's URL."""
        raise NotImplementedError

    def search_text(self) -> str | None:
        """What Material's search indexes instead of the whole page (known once `render` ran), or None."""
        return None

    def search_facets(self, build: Build) -> Facets | None:
        """What the page's search result shows besides its text, and what readers filter and sort it by."""
        return None
