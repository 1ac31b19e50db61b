"""What the review pages (`review`, `worklog`) share: their addresses, and the context every review
template may use."""

from __future__ import annotations

from typing import Any

from ..dates import display_date
from ..periods import period_display, period_short
from ..rules import COMPLETENESS_PARTS, completeness_rate, percent
from .base import Build

DASHBOARD_URI = "review/index.md"  # the build date's year; earlier years at `review/<year>.md`
QUEUE_URI = "review/pending.md"
ACTIVITY_CSV_URI = "review/activity.csv"
SUMMARY_CSV_URI = "review/summary.csv"


def report_uri(branch_id: str) -> str:
    return f"review/reports/{branch_id}.md"


def detail_uri(branch_id: str) -> str:
    return f"review/branches/{branch_id}.md"


def dashboard_uri(year: int, build_year: int) -> str:
    return DASHBOARD_URI if year == build_year else f"review/{year}.md"


def render_review(build: Build, template: str, url: str, **context: Any) -> str:
    """A review template, with what every review template may use."""
    review = build.review
    return build.renderer.render(
        template,
        url,
        review=review,
        internal=build.options.internal,
        rules={t.name: t.rule.display() for t in review.ruled_types if t.rule},
        percent=percent,
        completeness_rate=completeness_rate,
        period_display=period_display,
        period_short=period_short,
        display_date=display_date,
        parts_names=COMPLETENESS_PARTS,
        report_uri=report_uri,
        detail_uri=detail_uri,
        dashboard_uri=lambda year: dashboard_uri(year, review.build_date.year),
        queue_uri=QUEUE_URI,
        csv={"activity": ACTIVITY_CSV_URI, "summary": SUMMARY_CSV_URI},
        **context,
    )
