"""Organisational-life rules (组织生活达标) and brand completeness.

Pure functions over records; `pages.review` renders them, `sheets` exports them, `periods` names the periods.

Judging: a branch is judged for every rule-bearing activity type in every period from the period holding
its earliest published item up to the period holding the build date. Periods before the first item are
not judged, whatever `founded` says; the period holding the build date is still running: it is marked
`in_progress` and never counted as unmet. Only items dated on or before the build date count.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .config import PERIODS, ActivityType
from .model import Branch, NewsItem
from .periods import PERIOD_ORDER, period_kind, period_of, periods_between

MET, UNMET, OPEN = "达标", "未达标", "进行中"
NO_ACTIVITY = "暂无活动"


# --- compliance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """One branch, one rule-bearing type, one period."""

    branch_id: str
    type: str
    period: str  # label: 2024-03 | 2024-Q1 | 2024
    count: int
    required: int
    met: bool  # count >= required, also while in progress
    in_progress: bool = False  # the period holding the build date: shown 进行中, never counted as unmet

    @property
    def kind(self) -> str:
        return period_kind(self.period)

    @property
    def state(self) -> str:
        """`open` | `met` | `unmet`: the CSS class is `bb-<state>`."""
        return "open" if self.in_progress else "met" if self.met else "unmet"

    @property
    def label(self) -> str:
        return OPEN if self.in_progress else MET if self.met else UNMET


@dataclass(frozen=True)
class BranchSummary:
    """Counts over finished periods only: in-progress periods are in `in_progress`, not in `judged`."""

    branch_id: str
    judged: int
    met: int
    unmet: int
    rate: float | None  # met / judged; None when nothing was judged
    unmet_periods: tuple[tuple[str, str], ...] = ()  # (type, period), in result order
    in_progress: int = 0
    no_activity: bool = False  # no published item up to the build date (暂无活动)

    @property
    def rate_text(self) -> str:
        return percent(self.rate)

    @property
    def status(self) -> str:
        if self.no_activity:
            return NO_ACTIVITY
        if not self.judged:
            return "首期进行中" if self.in_progress else ""
        return "全部达标" if not self.unmet else f"{self.unmet} 项未达标"


def percent(value: float | None) -> str:
    """0.8333 → 83.3%; 1 → 100%; None → —."""
    if value is None:
        return "—"
    text = f"{value * 100:.1f}".removesuffix(".0")
    return f"{text}%"


def _counted(items: Iterable[NewsItem], build: dt.date) -> list[NewsItem]:
    return [i for i in items if not i.is_draft and i.when.date <= build]


def compliance(
    branches: Sequence[Branch],
    items: Iterable[NewsItem],
    types: Sequence[ActivityType],
    build: dt.date,
) -> list[PeriodResult]:
    """Results ordered by branch (as given), type (as configured), period.

    `items` must be the published items; drafts are skipped anyway.
    """
    ruled = [t for t in types if t.rule is not None]
    by_branch: dict[str, list[NewsItem]] = {}
    for item in _counted(items, build):
        by_branch.setdefault(item.branch_id, []).append(item)
    results = []
    for branch in branches:
        own = by_branch.get(branch.id)
        if not own:
            continue
        first = min(i.when.date for i in own)
        for activity in ruled:
            rule = activity.rule
            assert rule is not None
            counts = Counter(period_of(i.when.date, rule.period) for i in own if i.type == activity.name)
            current = period_of(build, rule.period)
            for label in periods_between(first, build, rule.period):
                count = counts[label]
                results.append(
                    PeriodResult(
                        branch.id,
                        activity.name,
                        label,
                        count,
                        rule.times,
                        count >= rule.times,
                        label == current,
                    )
                )
    return results


def summarize(
    branches: Sequence[Branch],
    results: Iterable[PeriodResult],
    items: Iterable[NewsItem],
    build: dt.date,
) -> list[BranchSummary]:
    """One summary per branch, in the order given."""
    active = {i.branch_id for i in _counted(items, build)}
    by_branch: dict[str, list[PeriodResult]] = {}
    for result in results:
        by_branch.setdefault(result.branch_id, []).append(result)
    summaries = []
    for branch in branches:
        own = by_branch.get(branch.id, [])
        done = [r for r in own if not r.in_progress]
        met = sum(r.met for r in done)
        summaries.append(
            BranchSummary(
                branch.id,
                judged=len(done),
                met=met,
                unmet=len(done) - met,
                rate=met / len(done) if done else None,
                unmet_periods=tuple((r.type, r.period) for r in done if not r.met),
                in_progress=len(own) - len(done),
                no_activity=branch.id not in active,
            )
        )
    return summaries


@dataclass(frozen=True)
class Grid:
    """A branch's results for the types sharing one period kind: rows are periods, columns types."""

    kind: str  # month | quarter | year
    types: tuple[str, ...]
    rows: tuple[tuple[str, tuple[PeriodResult | None, ...]], ...]

    @property
    def title(self) -> str:
        return f"每{PERIODS[self.kind]}"


def grids(results: Iterable[PeriodResult], branch_id: str, year: int | None = None) -> list[Grid]:
    """The branch's results (of one year, if given) as one grid per period kind: month, quarter, year."""
    own = [r for r in results if r.branch_id == branch_id and (year is None or r.period[:4] == f"{year:04d}")]
    out = []
    for kind in PERIOD_ORDER:
        of_kind = [r for r in own if r.kind == kind]
        if not of_kind:
            continue
        types = tuple(dict.fromkeys(r.type for r in of_kind))
        cells = {(r.type, r.period): r for r in of_kind}
        periods = sorted({r.period for r in of_kind})
        rows = tuple((p, tuple(cells.get((t, p)) for t in types)) for p in periods)
        out.append(Grid(kind, types, rows))
    return out


@dataclass(frozen=True)
class CountTable:
    """How many published items of each type a branch has per month."""

    months: tuple[str, ...]  # 2024-01 …
    rows: tuple[tuple[str, tuple[int, ...], int], ...]  # (type, count per month, total)

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row[1][i] for row in self.rows) for i in range(len(self.months)))

    @property
    def total(self) -> int:
        return sum(row[2] for row in self.rows)


def activity_counts(
    items: Iterable[NewsItem], branch_id: str, types: Sequence[ActivityType], months: Sequence[str]
) -> CountTable:
    """Counts by type × month for every configured type (types met only in items come last)."""
    wanted = set(months)
    counts: Counter[tuple[str, str]] = Counter()
    for item in items:
        if item.branch_id == branch_id and not item.is_draft:
            month = period_of(item.when.date, "month")
            if month in wanted:
                counts[(item.type, month)] += 1
    names = list(dict.fromkeys([t.name for t in types] + sorted({t for t, _ in counts})))
    rows = []
    for name in names:
        row = tuple(counts[(name, m)] for m in months)
        rows.append((name, row, sum(row)))
    return CountTable(tuple(months), tuple(rows))


# --- brand completeness --------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_RULE_LINE = re.compile(r"^\s*[-*_=]{3,}\s*$")


def _covers(story: str, keywords: tuple[str, ...]) -> bool:
    """A paragraph mentions a keyword, or a heading does and text follows it within its section."""
    open_level = 0  # level of a matching heading still waiting for text
    for line in _COMMENT.sub("", story).splitlines():
        if not line.strip() or _RULE_LINE.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading[1])
            if open_level and level <= open_level:
                open_level = 0
            if not open_level and any(k in heading[2] for k in keywords):
                open_level = level
            continue
        if open_level or any(k in line for k in keywords):
            return True
    return False


COMPLETENESS_PARTS = (
    "支部名称",
    "品牌名称",
    "品牌标识",
    "标识释义",
    "品牌口号",
    "品牌故事",
    "特色做法",
    "工作成效",
    "荣誉",
    "共建单位",
    "支部书记",
    "党员人数",
)


def completeness(branch: Branch) -> list[tuple[str, bool]]:
    """The parts of a brand profile (`COMPLETENESS_PARTS`), each with whether it is filled in."""
    story = branch.story.strip()
    filled = (
        bool(branch.name.strip()),
        bool(branch.brand.strip()),
        bool(branch.logo),
        bool(branch.logo_meaning.strip()),
        bool(branch.slogan.strip()),
        bool(_COMMENT.sub("", story).strip()),
        _covers(story, ("特色做法", "工作法")),
        _covers(story, ("成效",)),
        bool(branch.honors),
        bool(branch.partners),
        bool(branch.secretary.strip()),
        branch.members is not None,
    )
    return list(zip(COMPLETENESS_PARTS, filled, strict=True))


def completeness_rate(parts: Sequence[tuple[str, bool]]) -> float:
    return sum(done for _, done in parts) / len(parts) if parts else 1.0


# --- everything for the review pages -------------------------------------------------------------


@dataclass
class Review:
    build_date: dt.date
    types: list[ActivityType]
    results: list[PeriodResult]
    summaries: dict[str, BranchSummary]
    completeness: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)

    @property
    def ruled_types(self) -> list[ActivityType]:
        return [t for t in self.types if t.rule is not None]


def evaluate(
    branches: Sequence[Branch], items: Sequence[NewsItem], types: Sequence[ActivityType], build: dt.date
) -> Review:
    """Compliance, summaries and completeness for every branch, from the published items."""
    results = compliance(branches, items, types, build)
    summaries = summarize(branches, results, items, build)
    return Review(
        build,
        list(types),
        results,
        {s.branch_id: s for s in summaries},
        {b.id: completeness(b) for b in branches},
    )


def pending(items: Iterable[NewsItem], review_required: bool) -> list[NewsItem]:
    """Items waiting for a reviewer: drafts, and (when review is required) items without a reviewer."""
    return [i for i in items if i.is_draft or (review_required and not i.reviewer)]


def pending_label(item: NewsItem) -> str:
    return "草稿" if item.is_draft else "待审核"
