"""Review pages, for the college's party committee, in the internal edition only: the compliance
dashboard (a heat map per year), each branch's detail and brand report, the spreadsheets behind them, and
the queue of items waiting for review."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar

from ..incremental import new_version, stamp
from ..index import Site
from ..model import Branch, MeetingRecord, NewsItem
from ..periods import months_of_year
from ..rules import (
    MONTH_STATES,
    BranchSummary,
    MonthCell,
    activity_counts,
    attendance,
    grids,
    month_cells,
    pending,
    pending_label,
    summarize,
    years_judged,
)
from ..sheets import activity_csv, summary_csv, to_excel_bytes
from .base import INTERNAL_ONLY, Build, GeneratedPage, Options
from .branch import BranchPage
from .data import DataFile
from .reviewing import (
    ACTIVITY_CSV_URI,
    QUEUE_URI,
    SUMMARY_CSV_URI,
    dashboard_uri,
    detail_uri,
    report_uri,
)
from .reviewing import render_review as _render
from .worklog import FAULTS, detail_context, due_plans, plan_counts, worklog_uri


def _of_branch(build: Build, branch_id: str) -> tuple[list[NewsItem], list[MeetingRecord]]:
    """The branch's published items and records that count (what the review judged)."""
    meetings = build.meetings.get(branch_id, [])
    return [m.item for m in meetings if m.item], [m.record for m in meetings if m.record]


@dataclass(kw_only=True)
class Dashboard(GeneratedPage):
    """组织生活达标看板 of one year: a heat map of branches × months, each row linking to the branch's
    detail; the build date's year is `review/`, earlier years have pages of their own."""

    year: int
    template: ClassVar[str] = "dashboard.html"
    editions: ClassVar = INTERNAL_ONLY
    hide: ClassVar = ("toc",)

    @classmethod
    def every(cls, build: Build) -> list[Dashboard]:
        this_year = build.review.build_date.year
        return [
            cls(
                uri=dashboard_uri(year, this_year),
                title="组织生活达标看板" if year == this_year else f"组织生活达标看板（{year}年）",
                in_nav=year == this_year,
                year=year,
            )
            for year in years_judged(build.review)
        ]

    def in_edition(self, options: Options) -> bool:
        return super().in_edition(options) or options.public_dashboard

    def fingerprint(self, build: Build) -> str:
        rows = [digest for _, digest in self._rows(build)]
        return stamp("dashboard", self.year, rows, due_plans(build, self.year), build.years_judged)

    def _rows(self, build: Build) -> list[tuple[DashboardRow, str]]:
        """Each branch's row and its digest, made again only when that branch changed."""
        return [
            build.stamps.kept(
                ("dashboard", self.year, b.id), build.branch_inputs[b.id], partial(self._row, build, b)
            )
            for b in build.site.branches
        ]

    def _row(self, build: Build, branch: Branch) -> tuple[DashboardRow, str]:
        review, year = build.review, str(self.year)
        results = [r for r in build.results.get(branch.id, []) if r.period[:4] == year]
        meetings = build.meetings.get(branch.id, [])
        (summary,) = summarize([branch], results, [], review.build_date, meetings=meetings)
        cells = month_cells(results, meetings, branch.id, self.year, review.build_date)
        row = DashboardRow(branch, cells, summary, plan_counts(build, branch.id, self.year))
        return row, stamp(row, review.completeness.get(branch.id))

    def render(self, build: Build, html: str, url: str) -> str:
        rows = [row for row, _ in self._rows(build)]
        return _render(
            build,
            self.template,
            url,
            year=self.year,
            years=years_judged(build.review),
            rows=rows,
            states=MONTH_STATES,
            plan_faults=FAULTS,
            due_plans=due_plans(build, self.year),
            has_plans=bool(build.plans),
            worklog_uri=worklog_uri,
        )


@dataclass(frozen=True)
class DashboardRow:
    branch: Branch
    cells: tuple[MonthCell, ...]
    summary: BranchSummary
    plans: tuple[dict[str, int], str | None]  # the year's plan faults and its 工作纪实 page (`plan_counts`)


@dataclass(kw_only=True)
class BranchReview(BranchPage):
    """组织生活详情 of one branch: every rule-bearing type per period, each cell naming what counted
    (news items linked, records by their topic), the build date's year first."""

    template: ClassVar[str] = "branch_review.html"
    editions: ClassVar = INTERNAL_ONLY
    hide: ClassVar = ("toc",)

    @classmethod
    def of(cls, branch: Branch, site: Site) -> BranchReview:
        return cls(uri=detail_uri(branch.id), title=f"{branch.brand} · 组织生活详情", branch=branch)

    def fingerprint(self, build: Build) -> str:
        return build.stamps.kept(self.uri, build.branch_inputs[self.branch.id], lambda: self._digest(build))

    def _digest(self, build: Build) -> str:
        items, records = _of_branch(build, self.branch.id)
        results = build.results.get(self.branch.id, [])
        return self._stamp(
            build,
            items,
            records,
            results,
            build.years_judged,
            build.review.build_date,
            detail_context(build, self.branch.id),
        )

    def render(self, build: Build, html: str, url: str) -> str:
        review, branch = build.review, self.branch
        years = [
            (year, grids(review.results, branch.id, year))
            for year in years_judged(review)
            if any(r.branch_id == branch.id and r.period[:4] == str(year) for r in review.results)
        ]
        return _render(
            build,
            self.template,
            url,
            b=branch,
            summary=review.summaries[branch.id],
            years=years,
            **detail_context(build, branch.id),
        )


@dataclass(kw_only=True)
class Report(BranchPage):
    """品牌建设报告 of one branch for the build date's year, laid out to print on A4."""

    template: ClassVar[str] = "report.html"
    editions: ClassVar = INTERNAL_ONLY

    @classmethod
    def of(cls, branch: Branch, site: Site) -> Report:
        return cls(uri=report_uri(branch.id), title=f"{branch.brand} · 品牌建设报告", branch=branch)

    def fingerprint(self, build: Build) -> str:
        items, records = _of_branch(build, self.branch.id)
        return self._stamp(build, items, records, build.review.build_date, build.review.types)

    def render(self, build: Build, html: str, url: str) -> str:
        review, branch = build.review, self.branch
        year = review.build_date.year
        items, records = _of_branch(build, branch.id)
        year_results = [r for r in review.results if r.branch_id == branch.id and r.period[:4] == str(year)]
        (year_summary,) = summarize([branch], year_results, items, review.build_date, records)
        months = months_of_year(year, review.build_date)
        counts = activity_counts(items, branch.id, review.types, months, records)
        return _render(
            build,
            self.template,
            url,
            b=branch,
            year=year,
            items=items,
            summary=review.summaries[branch.id],
            year_summary=year_summary,
            grids=grids(year_results, branch.id),
            counts=counts,
            attendance=attendance(records, branch.id, year),
            parts=review.completeness[branch.id],
        )


@dataclass(kw_only=True)
class Queue(GeneratedPage):
    """待审核: every draft or unreviewed item, grouped by branch. It names drafts and their files."""

    uri: str = QUEUE_URI
    title: str = "待审核"
    in_nav: bool = True
    template: ClassVar[str] = "review.html"
    editions: ClassVar = INTERNAL_ONLY

    def fingerprint(self, build: Build) -> str:
        required = build.options.review_required
        return stamp("queue", required, pending(build.content.items, required))

    def render(self, build: Build, html: str, url: str) -> str:
        required = build.options.review_required
        waiting = sorted(pending(build.content.items, required), key=lambda i: i.sort_key, reverse=True)
        order = [b.id for b in build.site.branches]
        order += sorted({i.branch_id for i in waiting} - set(order))
        groups = []
        for branch_id in order:
            own = [i for i in waiting if i.branch_id == branch_id]
            if own:
                branch = build.branches.get(branch_id)
                heading = f"{branch.brand} · {branch.name}" if branch else branch_id
                groups.append((branch_id, heading, own))
        return _render(
            build,
            self.template,
            url,
            groups=groups,
            total=len(waiting),
            review_required=required,
            label=pending_label,
        )


@dataclass(kw_only=True)
class ReviewSheet(DataFile):
    """A spreadsheet behind the review pages, for Excel: only linked to, so `serve` makes it when it is
    downloaded, anew once a branch changed."""

    editions: ClassVar = INTERNAL_ONLY
    later: ClassVar = True

    def fingerprint(self, build: Build) -> str:
        return build.stamps.kept(self.uri, build.branch_inputs, new_version)


@dataclass(kw_only=True)
class ActivitySheet(ReviewSheet):
    """activity.csv: one row per branch × rule-bearing type × period."""

    uri: str = ACTIVITY_CSV_URI

    def content(self, build: Build) -> bytes:
        return to_excel_bytes(activity_csv(build.review.results, [t.name for t in build.options.types]))


@dataclass(kw_only=True)
class SummarySheet(ReviewSheet):
    """summary.csv: one row per branch."""

    uri: str = SUMMARY_CSV_URI

    def content(self, build: Build) -> bytes:
        return to_excel_bytes(summary_csv(build.review.summaries.values(), build.site.branches))
