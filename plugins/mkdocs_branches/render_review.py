"""HTML for the review pages: the compliance dashboard, each branch's brand report, and the review queue.

Same conventions as `render`: Jinja with autoescaping on, nothing from content marked safe, links
relative to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .dates import display_date
from .index import Site
from .model import Branch, NewsItem
from .render import _env, image_helpers, page_link
from .rules import (
    COMPLETENESS_PARTS,
    Review,
    activity_counts,
    completeness_rate,
    grids,
    months_of_year,
    pending,
    pending_label,
    percent,
    period_display,
    period_short,
    summarize,
)

DASHBOARD_URI = "review/index.md"
QUEUE_URI = "review/pending.md"
ACTIVITY_CSV_URI = "review/activity.csv"
SUMMARY_CSV_URI = "review/summary.csv"
PRINT_CSS_URI = "assets/branches/print.css"
REVIEW_CSS_URI = "assets/branches/review.css"


def report_uri(branch_id: str) -> str:
    return f"review/reports/{branch_id}.md"


class ReviewRenderer:
    """Renders the review pages of one site from a `rules.Review` (see `rules.evaluate`)."""

    def __init__(self, site: Site, use_directory_urls: bool, review: Review) -> None:
        self.site = site
        self.use_directory_urls = use_directory_urls
        self.review = review
        self.branches = {b.id: b for b in site.branches}

    def _render(self, template: str, page_url: str, **context: Any) -> str:
        link = page_link(page_url, self.use_directory_urls)
        rules = {t.name: t.rule.display() for t in self.review.ruled_types if t.rule}
        return _env.get_template(template).render(
            site=self.site,
            branches=self.branches,
            link=link,
            **image_helpers(self.site, link),
            review=self.review,
            rules=rules,
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

    def dashboard(self, page_url: str) -> str:
        """组织生活达标看板: every branch's summary, results per period, and brand completeness."""
        year = f"{self.review.build_date.year:04d}"
        this_year = [r for r in self.review.results if r.period[:4] == year]
        earlier = [r for r in self.review.results if r.period[:4] < year]
        current = {b.id: grids(this_year, b.id) for b in self.site.branches}
        past = {b.id: grids(earlier, b.id) for b in self.site.branches}
        return self._render("dashboard.html", page_url, grids=current, past=past, year=int(year))

    def report(self, branch: Branch, page_url: str) -> str:
        """品牌建设报告 of one branch for the build date's year, laid out to print on A4."""
        review = self.review
        year = review.build_date.year
        items = self.site.by_branch.get(branch.id, [])
        year_results = [r for r in review.results if r.branch_id == branch.id and r.period[:4] == str(year)]
        (year_summary,) = summarize([branch], year_results, items, review.build_date)
        counts = activity_counts(items, branch.id, review.types, months_of_year(year, review.build_date))
        return self._render(
            "report.html",
            page_url,
            b=branch,
            year=year,
            items=items,
            summary=review.summaries[branch.id],
            year_summary=year_summary,
            grids=grids(year_results, branch.id),
            counts=counts,
            parts=review.completeness[branch.id],
        )

    def queue(self, items: Sequence[NewsItem], review_required: bool, page_url: str) -> str:
        """待审核: every draft or unreviewed item among `items` (all loaded items), grouped by branch."""
        waiting = sorted(pending(items, review_required), key=lambda i: i.sort_key, reverse=True)
        order = [b.id for b in self.site.branches]
        order += sorted({i.branch_id for i in waiting} - set(order))
        groups = []
        for branch_id in order:
            own = [i for i in waiting if i.branch_id == branch_id]
            if own:
                branch = self.branches.get(branch_id)
                heading = f"{branch.brand} · {branch.name}" if branch else branch_id
                groups.append((branch_id, heading, own))
        return self._render(
            "review.html",
            page_url,
            groups=groups,
            total=len(waiting),
            review_required=review_required,
            label=pending_label,
        )
