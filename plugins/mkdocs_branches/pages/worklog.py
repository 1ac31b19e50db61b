"""工作纪实, in the internal edition only: per branch and year, the plan month by month with each entry's
status, record and news (`worklog`), then the 计划外 activities; and the year's 台账 in Word beside it
(`ledger`). The dashboard's plan columns (`plan_counts`, `due_plans`) are made here too."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..incremental import stamp
from ..model import Branch
from ..worklog import FAULTS, STATUSES, UNPLANNED, Entry, Worklog, due_soon, match, worklog, years_of
from .base import INTERNAL_ONLY, Build
from .branch import BranchPage
from .data import DataFile
from .reviewing import render_review

if TYPE_CHECKING:
    from ..ledger import Ledger


def worklog_uri(branch_id: str, year: int) -> str:
    return f"review/worklog/{branch_id}/{year}.md"


def ledger_uri(branch_id: str, year: int) -> str:
    return f"review/worklog/{branch_id}/ledger-{year}.docx"


def ledger_name(branch: Branch, year: int) -> str:
    """The name a download is saved under."""
    return f"{branch.name}{year}年工作台账.docx"


def judged(build: Build) -> set[str]:
    return {t.name for t in build.review.ruled_types}


def worklog_years(build: Build, branch_id: str) -> list[int]:
    """The years a branch has a plan or a meeting that counts, up to the year after the build date's."""
    last = build.review.build_date.year + 1

    def years() -> list[int]:
        return [y for y in years_of(branch_id, build.plans, build.meetings.get(branch_id, [])) if y <= last]

    return build.stamps.kept(("worklog years", branch_id), build.branch_inputs[branch_id], years)


def of_year(build: Build, branch_id: str, year: int, quarter: int | None = None) -> Worklog:
    review = build.review
    meetings = build.meetings.get(branch_id, [])
    return worklog(branch_id, year, build.plans, meetings, judged(build), review.build_date, quarter)


def _links(build: Build, branch_id: str) -> list[tuple[int, str]]:
    return [(year, worklog_uri(branch_id, year)) for year in worklog_years(build, branch_id)]


def plan_counts(build: Build, branch_id: str, year: int) -> tuple[dict[str, int], str | None]:
    """For the dashboard of `year`: the branch's faults that year (未开展/缺影像/缺记录; empty without a
    plan) and its 工作纪实 page (None without one)."""
    log = of_year(build, branch_id, year)
    has_page = year in worklog_years(build, branch_id)
    return (
        {s: log.count(s) for s in FAULTS} if log.entries else {},
        worklog_uri(branch_id, year) if has_page else None,
    )


def due_plans(build: Build, year: int) -> list[Entry]:
    """For the dashboard of the build date's year: every branch's plans for this month and the next, made
    once per build (the dashboard's fingerprint and its page both show them), again when a branch changed."""
    b = build.review.build_date
    if year != b.year:
        return []

    def due() -> list[Entry]:
        plans = [p for p in due_soon(build.plans, b) if p.branch_id in build.branches]
        meetings = [
            m for branch_id in {p.branch_id for p in plans} for m in build.meetings.get(branch_id, [])
        ]
        return match(plans, meetings, judged(build), b)[0]

    return build.stamps.kept("due plans", build.branch_inputs, due)


def detail_context(build: Build, branch_id: str) -> dict[str, Any]:
    """For a branch's detail page: its 工作纪实 pages, newest year first."""
    return {"worklogs": _links(build, branch_id) if build.options.internal else []}


@dataclass(kw_only=True)
class WorklogPage(BranchPage):
    """工作纪实 of one branch and year: the plan month by month, each entry with its status, its record
    (topic, attendance) and its news (with a thumbnail); then the 计划外 activities."""

    year: int
    template: ClassVar[str] = "worklog.html"
    editions: ClassVar = INTERNAL_ONLY
    hide: ClassVar = ("toc",)

    @classmethod
    def every(cls, build: Build) -> list[WorklogPage]:
        return [
            cls(uri=worklog_uri(b.id, year), title=f"{b.brand} · {year}年工作纪实", branch=b, year=year)
            for b in build.site.branches
            for year in worklog_years(build, b.id)
        ]

    def fingerprint(self, build: Build) -> str:
        return build.stamps.kept(self.uri, build.branch_inputs[self.branch.id], lambda: self._digest(build))

    def _digest(self, build: Build) -> str:
        log = of_year(build, self.branch.id, self.year)
        items = [m.item for e in log.entries for m in e.meetings if m.item]
        items += [m.item for m in log.unplanned if m.item]
        return self._stamp(build, items, log, _links(build, self.branch.id), build.review.build_date)

    def render(self, build: Build, html: str, url: str) -> str:
        log = of_year(build, self.branch.id, self.year)
        return render_review(
            build,
            self.template,
            url,
            b=self.branch,
            year=self.year,
            log=log,
            statuses=STATUSES,
            unplanned_label=UNPLANNED,
            years=_links(build, self.branch.id),
            ledger=ledger_uri(self.branch.id, self.year),
            ledger_name=ledger_name(self.branch, self.year),
        )


@dataclass(kw_only=True)
class LedgerFile(DataFile):
    """The year's 台账 of one branch in Word (`ledger`), made with the build from the photos it published."""

    branch: Branch
    year: int
    editions: ClassVar = INTERNAL_ONLY
    later: ClassVar = True

    @classmethod
    def every(cls, build: Build) -> list[DataFile]:
        return [
            cls(uri=ledger_uri(b.id, year), branch=b, year=year)
            for b in build.site.branches
            for year in worklog_years(build, b.id)
        ]

    def fingerprint(self, build: Build) -> str | None:
        return build.stamps.kept(self.uri, build.branch_inputs[self.branch.id], lambda: self._digest(build))

    def _digest(self, build: Build) -> str:
        log = of_year(build, self.branch.id, self.year)
        records = [r for r in build.records.get(self.branch.id, []) if r.when.date.year == self.year]
        results = build.results.get(self.branch.id, [])
        digest = build.stamps.branches.get(self.branch.id)
        shown = [m.item for m in build.meetings.get(self.branch.id, []) if m.item and m.day.year == self.year]
        return stamp("ledger", digest, self.year, log, records, results, build.stamps.of(shown))

    def content(self, build: Build) -> bytes:
        from ..ledger import cached, photo_from_renditions

        book = ledger_of(build, self.branch, self.year)
        images = build.site.images
        shown = [images[p].renditions for p in book.photo_paths() if p in images]
        cache = _cache_of(shown[0][0].path) if shown and shown[0] else None  # beside the photo cache
        return cached(book, shown, cache, lambda: book.docx(photo_from_renditions(images)))


def ledger_of(build: Build, branch: Branch, year: int, quarter: int | None = None) -> Ledger:
    """The 台账 of `branch` for a year or a quarter, from what `build` publishes and judges."""
    from ..ledger import Ledger

    return Ledger.of(
        branch,
        year,
        quarter,
        review=build.review,
        records=build.content.records,
        meetings=build.meetings.get(branch.id, []),
        plans=build.content.plans,
    )


def _cache_of(path: str) -> Path | None:
    """The site's `.cache` folder, where the photo cache holds `path`."""
    return next((p for p in Path(path).parents if p.name == ".cache"), None)
