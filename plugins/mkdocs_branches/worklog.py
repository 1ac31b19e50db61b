"""工作纪实: a branch's plan held against what it did, as of the build date. Pure, like `rules`.

A planned activity is matched by the meetings (`rules.Meeting`: a record, a news item, or both counted
once) of the same branch, type and month that count for the review (published items and records dated on or
before the build date). Each plan gets one status (`STATUSES`); the meetings of judged types (those with a
frequency rule) that no plan matches are 计划外: not a fault, shown so that the plan can be kept honest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import PlannedActivity
from .periods import period_of
from .rules import Meeting

DONE, NO_PHOTO, NO_RECORD, NOT_HELD, DUE = "已完成", "缺影像", "缺记录", "未开展", "待开展"
UNPLANNED = "计划外"
# status → (CSS state, what it means), in the order the legend shows them
STATUSES = {
    DONE: ("done", "开展了，有会议记录，也有照片"),
    NO_PHOTO: ("photo", "开展了，但没有照片（没有带照片的已发布新闻）"),
    NO_RECORD: ("record", "有新闻报道，但会议记录本里没有登记（只对有频次要求的活动类型）"),
    NOT_HELD: ("missed", "计划的月份已经过去，没有开展"),
    DUE: ("due", "本月或以后的计划，还没到期"),
}
FAULTS = (NOT_HELD, NO_PHOTO, NO_RECORD)  # what the dashboard counts per branch


@dataclass(frozen=True)
class Entry:
    """One planned activity, its status, and the meetings that carried it out (oldest first)."""

    plan: PlannedActivity
    status: str
    meetings: tuple[Meeting, ...] = ()

    @property
    def state(self) -> str:
        """For the CSS class `bb-plan-<state>`."""
        return STATUSES[self.status][0]


@dataclass(frozen=True)
class Worklog:
    """One branch's plan for one year (or a quarter of it), matched."""

    branch_id: str
    year: int
    entries: tuple[Entry, ...]  # in the plan's order: month, then file and row
    unplanned: tuple[Meeting, ...]  # meetings of judged types no plan matches, oldest first

    def count(self, status: str) -> int:
        return sum(e.status == status for e in self.entries)

    def months(self) -> list[tuple[str, list[Entry]]]:
        """The entries grouped by month, in order."""
        grouped: dict[str, list[Entry]] = {}
        for entry in self.entries:
            grouped.setdefault(entry.plan.month, []).append(entry)
        return list(grouped.items())


def has_photo(meeting: Meeting) -> bool:
    return meeting.item is not None and bool(meeting.item.photos or meeting.item.cover)


def status_of(plan: PlannedActivity, meetings: Sequence[Meeting], judged: bool, build: dt.date) -> str:
    """A plan's status given the meetings matched to it; `judged`: its type has a frequency rule."""
    if not meetings:
        return NOT_HELD if plan.month < period_of(build, "month") else DUE
    if judged and not any(m.record for m in meetings):
        return NO_RECORD  # also when there is no photo either: the record is what inspection asks first
    if not any(has_photo(m) for m in meetings):
        return NO_PHOTO
    return DONE


def match(
    plans: Iterable[PlannedActivity],
    meetings: Iterable[Meeting],
    judged: Iterable[str],
    build: dt.date,
) -> tuple[list[Entry], list[Meeting]]:
    """Every plan with its status, and the meetings of `judged` types no plan took.

    Within one branch, type and month, each plan takes one meeting (one on the day it fixes first, then
    in date order); meetings left over join the last of those plans that fixes no day: held more often than
    planned is not unplanned. `meetings` are those that count (`rules.Review.meetings`)."""
    judged = set(judged)
    held: dict[tuple[str, str, str], list[Meeting]] = {}
    for m in sorted(meetings, key=lambda m: m.sort_key):
        held.setdefault((m.branch_id, m.type, period_of(m.day, "month")), []).append(m)
    planned: dict[tuple[str, str, str], list[PlannedActivity]] = {}
    for plan in plans:
        planned.setdefault((plan.branch_id, plan.type, plan.month), []).append(plan)
    taken: dict[PlannedActivity, list[Meeting]] = {}
    for key, group in planned.items():
        left = list(held.get(key, ()))
        for plan in sorted(group, key=lambda p: p.day is None):  # fixed days choose first
            same_day = [m for m in left if plan.day is not None and m.day == plan.day]
            chosen = (same_day or left)[:1]
            taken[plan] = chosen
            left = [m for m in left if m not in chosen]
        if left:  # to the last plan that fixes no day: one that does is about that day's meeting
            last = next((p for p in reversed(group) if p.day is None), group[-1])
            taken[last] = sorted([*taken[last], *left], key=lambda m: m.sort_key)
    entries = []
    for group in planned.values():
        for plan in group:
            these = tuple(taken[plan])
            entries.append(Entry(plan, status_of(plan, these, plan.type in judged, build), these))
    entries.sort(key=lambda e: e.plan.sort_key)
    unplanned = [
        m for key, ms in held.items() if key not in planned for m in ms if m.type in judged and m.day <= build
    ]
    return entries, sorted(unplanned, key=lambda m: m.sort_key)


def worklog(
    branch_id: str,
    year: int,
    plans: Iterable[PlannedActivity],
    meetings: Iterable[Meeting],
    judged: Iterable[str],
    build: dt.date,
    quarter: int | None = None,
) -> Worklog:
    """The branch's plan for `year` (its `quarter`, 1–4, when given) against the meetings that count."""

    def inside(month: str) -> bool:
        return month[:4] == f"{year:04d}" and (quarter is None or (int(month[5:]) - 1) // 3 + 1 == quarter)

    own_plans = [p for p in plans if p.branch_id == branch_id and inside(p.month)]
    own = [m for m in meetings if m.branch_id == branch_id and inside(period_of(m.day, "month"))]
    entries, unplanned = match(own_plans, own, judged, build)
    # Without a plan nothing is 计划外: there is no plan to keep honest.
    return Worklog(branch_id, year, tuple(entries), tuple(unplanned) if entries else ())


def years_of(branch_id: str, plans: Iterable[PlannedActivity], meetings: Iterable[Meeting]) -> list[int]:
    """The years a branch has a plan or a meeting that counts, newest first."""
    years = {int(p.month[:4]) for p in plans if p.branch_id == branch_id}
    years |= {m.day.year for m in meetings if m.branch_id == branch_id}
    return sorted(years, reverse=True)


def due_soon(plans: Iterable[PlannedActivity], build: dt.date) -> list[PlannedActivity]:
    """Every branch's plans for the build date's month and the next (本月和下月计划), in month order."""
    this = period_of(build, "month")
    following = period_of(dt.date(build.year + build.month // 12, build.month % 12 + 1, 1), "month")
    return sorted((p for p in plans if p.month in (this, following)), key=lambda p: p.sort_key)
