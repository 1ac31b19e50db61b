"""Review pages, for the college's party committee: the compliance dashboard, each branch's brand report,
the spreadsheets behind them, and the queue of items waiting for review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..dates import display_date
from ..incremental import stamp
from ..index import Site
from ..model import Branch
from ..periods import months_of_year, period_display, period_short
from ..rules import (
    COMPLETENESS_PARTS,
    activity_counts,
    completeness_rate,
    grids,
    pending,
    pending_label,
    percent,
    summarize,
)
from ..sheets import activity_csv, summary_csv, to_excel_bytes
from .base import INTERNAL_ONLY, Build, GeneratedPage
from .branch import BranchPage
from .data import DataFile

DASHBOARD_URI = "review/index.md"
QUEUE_URI = "review/pending.md"
ACTIVITY_CSV_URI = "review/activity.csv"
SUMMARY_CSV_URI = "review/summary.csv"


def report_uri(branch_id: str) -> str:
    return f"review/reports/{branch_id}.md"


def _render(build: Build, template: str, url: str, **context: Any) -> str:
    """A review template, with what every review template may use."""
    review = build.review
    return build.renderer.render(
        template,
        url,
        review=review,
        rules={t.name: t.rule.display() for t in review.ruled_types if t.rule},
        percent=percent,
        completeness_rate=completeness_rate,
        period_display=period_display,
        period_short=period_short,
        display_date=display_date,
        parts_names=COMPLETENESS_PARTS,
        report_uri=report_uri,
        dashboard_uri=DASHBOARD_URI,
        queue_uri=QUEUE_URI,
        csv={"activity": ACTIVITY_CSV_URI, "summary": SUMMARY_CSV_URI},
        **context,
    )


@dataclass(kw_only=True)
class Dashboard(GeneratedPage):
    """组织生活达标看板: every branch's summary, results per period, and brand completeness."""

    uri: str = DASHBOARD_URI
    title: str = "组织生活达标看板"
    in_nav: bool = True
    template: ClassVar[str] = "dashboard.html"

    def fingerprint(self, build: Build) -> str:
        r = build.review
        return stamp("dashboard", build.stamps.branches, r.results, r.summaries, r.completeness, r.build_date)

    def render(self, build: Build, html: str, url: str) -> str:
        review, branches = build.review, build.site.branches
        year = f"{review.build_date.year:04d}"
        this_year = [r for r in review.results if r.period[:4] == year]
        earlier = [r for r in review.results if r.period[:4] < year]
        current = {b.id: grids(this_year, b.id) for b in branches}
        past = {b.id: grids(earlier, b.id) for b in branches}
        return _render(build, self.template, url, grids=current, past=past, year=int(year))


@dataclass(kw_only=True)
class Report(BranchPage):
    """品牌建设报告 of one branch for the build date's year, laid out to print on A4."""

    template: ClassVar[str] = "report.html"

    @classmethod
    def of(cls, branch: Branch, site: Site) -> Report:
        return cls(uri=report_uri(branch.id), title=f"{branch.brand} · 品牌建设报告", branch=branch)

    def fingerprint(self, build: Build) -> str:
        items = build.site.by_branch[self.branch.id]
        return self._stamp(build, items, build.review.build_date, build.review.types)

    def render(self, build: Build, html: str, url: str) -> str:
        review, branch = build.review, self.branch
        year = review.build_date.year
        items = build.site.by_branch.get(branch.id, [])
        year_results = [r for r in review.results if r.branch_id == branch.id and r.period[:4] == str(year)]
        (year_summary,) = summarize([branch], year_results, items, review.build_date)
        counts = activity_counts(items, branch.id, review.types, months_of_year(year, review.build_date))
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
class ActivitySheet(DataFile):
    """activity.csv: one row per branch × rule-bearing type × period, for Excel."""

    uri: str = ACTIVITY_CSV_URI

    def content(self, build: Build) -> bytes:
        return to_excel_bytes(activity_csv(build.review.results, [t.name for t in build.options.types]))


@dataclass(kw_only=True)
class SummarySheet(DataFile):
    """summary.csv: one row per branch, for Excel."""

    uri: str = SUMMARY_CSV_URI

    def content(self, build: Build) -> bytes:
        return to_excel_bytes(summary_csv(build.review.summaries.values(), build.site.branches))
