"""Organisational-life rules (组织生活达标) and brand completeness.

Pure functions over records; `pages.review` renders them, `sheets` exports them, `periods` names the periods.

What counts is meetings: a published news item, a record in the branch's register, or both for the same
meeting (linked by the record's `news`, or on the same day with the same type), counted once (`pair`).

Judging: a branch is judged for every rule-bearing activity type in every period from the period holding
its earliest meeting up to the period holding the build date. Periods before the first meeting are not
judged, whatever `founded` says; the period holding the build date is still running: it is marked
`in_progress` and never counted as unmet. Only meetings dated on or before the build date count.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from .config import PERIODS, ActivityType
from .dates import FIRST_YEAR
from .model import Branch, MeetingRecord, NewsItem
from .periods import PERIOD_ORDER, months_of_year, period_kind, period_of, periods_between

MET, UNMET, OPEN = "达标", "未达标", "进行中"
EARLIEST = dt.date(FIRST_YEAR, 1, 1)  # no period before this is judged, whatever a date says
NO_ACTIVITY = "暂无活动"


# --- meetings ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Meeting:
    """One meeting of a branch: reported as news, recorded in the register, or both (counted once)."""

    item: NewsItem | None = None
    record: MeetingRecord | None = None

    def __post_init__(self) -> None:
        if self.item is None and self.record is None:
            raise ValueError("a meeting is known from a news item, a record, or both")

    @property
    def _source(self) -> NewsItem | MeetingRecord:
        source = self.record or self.item
        assert source is not None
        return source

    @property
    def branch_id(self) -> str:
        return self._source.branch_id

    @property
    def type(self) -> str:
        return self._source.type  # the register's word when both have one (they agree, see `pair`)

    @property
    def day(self) -> dt.date:
        return self._source.when.date

    @property
    def sort_key(self) -> tuple[object, ...]:
        return self.item.sort_key if self.item else self._source.sort_key


def pair(items: Iterable[NewsItem], records: Iterable[MeetingRecord]) -> list[Meeting]:
    """Every meeting once, oldest first. A record joins the news item it names (`news`), else an item of
    the same branch, day and type; an item joins one record at most, and only of its own type."""
    items = list(items)
    by_source = {i.source: i for i in items}
    by_day: dict[tuple[str, dt.date, str], list[NewsItem]] = {}
    for item in items:
        by_day.setdefault((item.branch_id, item.when.date, item.type), []).append(item)
    joined: dict[str, MeetingRecord] = {}
    alone: list[MeetingRecord] = []
    for record in records:
        named = by_source.get(record.news or "")
        if named is None or named.type != record.type or named.source in joined:
            same_day = by_day.get((record.branch_id, record.when.date, record.type), [])
            named = next((i for i in same_day if i.source not in joined), None)
        if named is None:
            alone.append(record)
        else:
            joined[named.source] = record
    meetings = [Meeting(item, joined.get(item.source)) for item in items]
    meetings += [Meeting(None, record) for record in alone]
    return sorted(meetings, key=lambda m: m.sort_key)


def _counted(items: Iterable[NewsItem], records: Iterable[MeetingRecord], build: dt.date) -> list[Meeting]:
    """The meetings that count: published items and records dated on or before the build date."""
    return pair(
        (i for i in items if not i.is_draft and i.when.date <= build),
        (r for r in records if r.when.date <= build),
    )


# --- compliance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodResult:
    """One branch, one rule-bearing type, one period."""

    branch_id: str
    type: str
    period: str  # label: 2024-03 | 2024-Q1 | 2024
    count: int  # meetings, each once
    required: int
    met: bool  # count >= required, also while in progress
    in_progress: bool = False  # the period holding the build date: shown 进行中, never counted as unmet
    meetings: tuple[Meeting, ...] = field(default=(), compare=False, repr=False)  # what counted, oldest first

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

    @property
    def news(self) -> int:
        """How many of the meetings were reported as news."""
        return sum(m.item is not None for m in self.meetings)

    @property
    def records(self) -> int:
        """How many of the meetings are in the branch's register."""
        return sum(m.record is not None for m in self.meetings)


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
    no_activity: bool = False  # no published item or record up to the build date (暂无活动)

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


def compliance(
    branches: Sequence[Branch],
    items: Iterable[NewsItem],
    types: Sequence[ActivityType],
    build: dt.date,
    records: Iterable[MeetingRecord] = (),
    meetings: Sequence[Meeting] | None = None,
) -> list[PeriodResult]:
    """Results ordered by branch (as given), type (as configured), period.

    `items` must be the published items (drafts are skipped anyway); `records` the branches' registers;
    or `meetings`, the meetings that count, already paired.
    """
    ruled = [t for t in types if t.rule is not None]
    by_branch: dict[str, list[Meeting]] = {}
    for meeting in _counted(items, records, build) if meetings is None else meetings:
        by_branch.setdefault(meeting.branch_id, []).append(meeting)
    results = []
    for branch in branches:
        own = by_branch.get(branch.id)
        if not own:
            continue
        first = max(own[0].day, EARLIEST)  # the loader refuses earlier dates; records may come from elsewhere
        for activity in ruled:
            rule = activity.rule
            assert rule is not None
            held: dict[str, list[Meeting]] = {}
            for m in own:
                if m.type == activity.name:
                    held.setdefault(period_of(m.day, rule.period), []).append(m)
            current = period_of(build, rule.period)
            for label in periods_between(first, build, rule.period):
                these = tuple(held.get(label, ()))
                results.append(
                    PeriodResult(
                        branch.id,
                        activity.name,
                        label,
                        len(these),
                        rule.times,
                        len(these) >= rule.times,
                        label == current,
                        these,
                    )
                )
    return results


def summarize(
    branches: Sequence[Branch],
    results: Iterable[PeriodResult],
    items: Iterable[NewsItem],
    build: dt.date,
    records: Iterable[MeetingRecord] = (),
    meetings: Sequence[Meeting] | None = None,
) -> list[BranchSummary]:
    """One summary per branch, in the order given (`meetings`: as for `compliance`)."""
    counted = _counted(items, records, build) if meetings is None else meetings
    active = {m.branch_id for m in counted}
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
    """How many meetings of each type a branch held per month (news and records, each meeting once)."""

    months: tuple[str, ...]  # 2024-01 …
    rows: tuple[tuple[str, tuple[int, ...], int], ...]  # (type, count per month, total)
    news: int = 0  # of all the meetings counted, how many were reported as news
    records: int = 0  # … and how many are in the register

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row[1][i] for row in self.rows) for i in range(len(self.months)))

    @property
    def total(self) -> int:
        return sum(row[2] for row in self.rows)


def activity_counts(
    items: Iterable[NewsItem],
    branch_id: str,
    types: Sequence[ActivityType],
    months: Sequence[str],
    records: Iterable[MeetingRecord] = (),
) -> CountTable:
    """Counts by type × month for every configured type (types met only in the content come last)."""
    wanted = set(months)
    counts: Counter[tuple[str, str]] = Counter()
    news = recorded = 0
    own_items = (i for i in items if i.branch_id == branch_id and not i.is_draft)
    for meeting in pair(own_items, (r for r in records if r.branch_id == branch_id)):
        month = period_of(meeting.day, "month")
        if month in wanted:
            counts[(meeting.type, month)] += 1
            news += meeting.item is not None
            recorded += meeting.record is not None
    names = list(dict.fromkeys([t.name for t in types] + sorted({t for t, _ in counts})))
    rows = []
    for name in names:
        row = tuple(counts[(name, m)] for m in months)
        rows.append((name, row, sum(row)))
    return CountTable(tuple(months), tuple(rows), news, recorded)


@dataclass(frozen=True)
class Attendance:
    """实到 / 应到 over the recorded meetings of one type that give both numbers."""

    type: str
    meetings: int
    present: int
    expected: int

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


def attendance(records: Iterable[MeetingRecord], branch_id: str, year: int) -> list[Attendance]:
    """Per type (in order of first appearance), the year's attendance from the branch's register."""
    totals: dict[str, list[int]] = {}
    for r in records:
        if r.branch_id == branch_id and r.when.date.year == year and r.expected and r.present is not None:
            total = totals.setdefault(r.type, [0, 0, 0])
            total[0] += 1
            total[1] += r.present
            total[2] += r.expected
    return [Attendance(name, n, present, expected) for name, (n, present, expected) in totals.items()]


# --- the heat map: a branch's year, month by month -----------------------------------------------

# state: (label, mark) — the mark and the number in each cell say what the colour says.
MONTH_STATES = {
    "met": ("全部达标", "✓"),
    "unmet": ("有未达标", "✗"),
    "none": ("无活动", "○"),
    "open": ("进行中", "…"),
    "quiet": ("无到期要求", "·"),
    "idle": ("未开始评定", "–"),
    "future": ("", ""),
}


@dataclass(frozen=True)
class MonthCell:
    """One branch, one month: what was due at its end (monthly rules; quarterly ones in a quarter's last
    month, yearly ones in December) and how many meetings it held."""

    month: str  # 2024-03
    state: str  # a key of MONTH_STATES
    meetings: int
    due: tuple[PeriodResult, ...] = ()

    @property
    def label(self) -> str:
        return MONTH_STATES[self.state][0]

    @property
    def mark(self) -> str:
        return MONTH_STATES[self.state][1]


def _last_month(label: str) -> str:
    """The month a period ends with: `2024-Q1` → `2024-03`, `2024` → `2024-12`."""
    kind = period_kind(label)
    if kind == "month":
        return label
    if kind == "quarter":
        return f"{label[:4]}-{int(label[-1]) * 3:02d}"
    return f"{label}-12"


def month_cells(
    results: Iterable[PeriodResult], meetings: Iterable[Meeting], branch_id: str, year: int, build: dt.date
) -> tuple[MonthCell, ...]:
    """The twelve months of `year` for one branch; `meetings` are the ones that count (see `Review`)."""
    due: dict[str, list[PeriodResult]] = {}
    for r in results:
        if r.branch_id == branch_id:
            due.setdefault(_last_month(r.period), []).append(r)
    held = Counter(period_of(m.day, "month") for m in meetings if m.branch_id == branch_id)
    first = min((m.day for m in meetings if m.branch_id == branch_id), default=None)
    current = period_of(build, "month")
    cells = []
    for month in months_of_year(year):
        these = tuple(due.get(month, ()))
        if month > current:
            state = "future"
        elif first is None or month < period_of(first, "month"):
            state = "idle"
        elif month == current:
            state = "open"
        elif any(not r.met for r in these):
            state = "unmet" if held[month] else "none"
        else:
            state = "met" if these else "quiet"
        cells.append(MonthCell(month, state, held[month], these))
    return tuple(cells)


def years_judged(review: Review) -> list[int]:
    """Every year with a judged period, the build date's year first (also when nothing is judged yet)."""
    years = {int(r.period[:4]) for r in review.results} | {review.build_date.year}
    return sorted((y for y in years if EARLIEST.year <= y <= review.build_date.year), reverse=True)


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
    by_branch: dict[str, list[Meeting]] = field(default_factory=dict)  # meetings that count, oldest first

    @property
    def ruled_types(self) -> list[ActivityType]:
        return [t for t in self.types if t.rule is not None]

    @cached_property
    def meetings(self) -> list[Meeting]:
        """Every meeting that counts, oldest first."""
        return list(heapq.merge(*self.by_branch.values(), key=lambda m: m.sort_key))


@dataclass(frozen=True)
class _Part:
    """One branch's share of a review."""

    results: list[PeriodResult]
    summary: BranchSummary
    completeness: list[tuple[str, bool]]
    meetings: list[Meeting]


# Branch id → what its share was judged from (compared, not hashed) and the share.
ReviewMemo = dict[str, tuple[tuple[object, ...], _Part]]


def evaluate(
    branches: Sequence[Branch],
    items: Sequence[NewsItem],
    types: Sequence[ActivityType],
    build: dt.date,
    records: Sequence[MeetingRecord] = (),
    memo: ReviewMemo | None = None,
) -> Review:
    """Compliance, summaries and completeness for every branch, from the published items and the
    branches' registers. Branches are judged one by one (a meeting is a branch's own): with `memo`, kept
    by `mkdocs serve`, a branch whose records are the same objects as last build's is not judged again."""
    memo = {} if memo is None else memo
    own_items: dict[str, list[NewsItem]] = {}
    for item in items:
        own_items.setdefault(item.branch_id, []).append(item)
    own_records: dict[str, list[MeetingRecord]] = {}
    for record in records:
        own_records.setdefault(record.branch_id, []).append(record)
    listed = {b.id for b in branches}
    ruled, review = [t for t in types if t.rule is not None], Review(build, list(types), [], {})
    for branch in branches:
        its_items, its_records = own_items.get(branch.id, []), own_records.get(branch.id, [])
        key = (branch, tuple(its_items), tuple(its_records), tuple(ruled), build)
        last = memo.get(branch.id)
        if last is None or last[0] != key:  # tuples compare their members by identity first: cheap
            last = memo[branch.id] = (key, _judge(branch, its_items, its_records, ruled, build))
        part = last[1]
        review.results += part.results
        review.summaries[branch.id] = part.summary
        review.completeness[branch.id] = part.completeness
        review.by_branch[branch.id] = part.meetings
    for gone in set(memo) - listed:
        del memo[gone]
    for branch_id in (own_items.keys() | own_records.keys()) - listed:  # not a branch the site shows
        review.by_branch[branch_id] = _counted(
            own_items.get(branch_id, []), own_records.get(branch_id, []), build
        )
    return review


def _judge(
    branch: Branch,
    items: Sequence[NewsItem],
    records: Sequence[MeetingRecord],
    ruled: Sequence[ActivityType],
    build: dt.date,
) -> _Part:
    meetings = _counted(items, records, build)
    results = compliance([branch], [], ruled, build, meetings=meetings)
    (summary,) = summarize([branch], results, [], build, meetings=meetings)
    return _Part(results, summary, completeness(branch), meetings)


def pending(items: Iterable[NewsItem], review_required: bool) -> list[NewsItem]:
    """Items waiting for a reviewer: drafts, and (when review is required) items without a reviewer."""
    return [i for i in items if i.is_draft or (review_required and not i.reviewer)]


def pending_label(item: NewsItem) -> str:
    return "草稿" if item.is_draft else "待审核"
