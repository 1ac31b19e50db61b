"""The spreadsheets behind the review pages: CSV text that Excel opens without garbling Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .model import Branch
from .rules import BranchSummary, PeriodResult, completeness, completeness_rate, percent

# `count` is meetings, each once; `news` of them were reported as news, `records` are in the register.
ACTIVITY_HEADER = ("branch", "period", "type", "count", "required", "met", "in_progress", "news", "records")
SUMMARY_HEADER = (
    "branch",
    "name",
    "brand",
    "judged",
    "met",
    "unmet",
    "rate",
    "completeness",
    "in_progress",
    "no_activity",
    "missing",
)


def _flag(value: bool) -> str:
    return "true" if value else "false"


def _cell(text: str) -> str:
    """Text that Excel would take for a formula (=, +, -, @) is kept as text with a leading quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write(rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def activity_csv(results: Iterable[PeriodResult], type_order: Sequence[str] = ()) -> str:
    """One row per branch × rule-bearing type × period, sorted by branch id, type order, period.

    Type order is `type_order`, then the order in which types first appear in `results`.
    """
    results = list(results)
    order = {name: i for i, name in enumerate(dict.fromkeys([*type_order, *(r.type for r in results)]))}
    rows = sorted(results, key=lambda r: (r.branch_id, order[r.type], r.period))
    return _write(
        [
            ACTIVITY_HEADER,
            *(
                (
                    r.branch_id,
                    r.period,
                    _cell(r.type),
                    r.count,
                    r.required,
                    _flag(r.met),
                    _flag(r.in_progress),
                    r.news,
                    r.records,
                )
                for r in rows
            ),
        ]
    )


def summary_csv(summaries: Iterable[BranchSummary], branches: Sequence[Branch]) -> str:
    """One row per branch (sorted by id); rate and completeness as percentages (`83.3%`; `—`: none)."""
    known = {b.id: b for b in branches}
    rows: list[Sequence[object]] = [SUMMARY_HEADER]
    for s in sorted(summaries, key=lambda s: s.branch_id):
        branch = known[s.branch_id]
        parts = completeness(branch)
        missing = "、".join(name for name, done in parts if not done)
        rows.append(
            (
                s.branch_id,
                _cell(branch.name),
                _cell(branch.brand),
                s.judged,
                s.met,
                s.unmet,
                "" if s.rate is None else percent(s.rate),
                percent(completeness_rate(parts)),
                s.in_progress,
                _flag(s.no_activity),
                missing,
            )
        )
    return _write(rows)


def to_excel_bytes(text: str) -> bytes:
    """CSV text → UTF-8 with a BOM and CRLF line ends, which Excel opens without garbling Chinese."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv.reader(io.StringIO(text, newline="")))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")
