"""Calendar periods the rules are judged by: months, quarters and years, with their labels and names."""

from __future__ import annotations

import datetime as dt
import re

from .config import PERIODS

PERIOD_ORDER = ("month", "quarter", "year")
_STEP_MONTHS = {"month": 1, "quarter": 3, "year": 12}
_LABEL = re.compile(r"^(?P<y>\d{4})(?:-Q(?P<q>[1-4])|-(?P<m>\d{2}))?$")
_QUARTER_NAMES = "一二三四"


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}: expected one of {', '.join(PERIOD_ORDER)}")


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the month / quarter / year holding `day`."""
    _check_period(period)
    if period == "month":
        return dt.date(day.year, day.month, 1)
    if period == "quarter":
        return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return dt.date(day.year, 1, 1)


def period_of(day: dt.date, period: str) -> str:
    """`2024-03` (month), `2024-Q1` (quarter) or `2024` (year)."""
    _check_period(period)
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


def periods_between(start: dt.date, end: dt.date, period: str) -> list[str]:
    """Labels of every period from the one holding `start` to the one holding `end`, both included."""
    current, last = period_start(start, period), period_start(end, period)
    labels = []
    while current <= last:
        labels.append(period_of(current, period))
        index = current.year * 12 + current.month - 1 + _STEP_MONTHS[period]
        current = dt.date(index // 12, index % 12 + 1, 1)
    return labels


def period_kind(label: str) -> str:
    """`2024-03` → month, `2024-Q1` → quarter, `2024` → year."""
    m = _LABEL.match(label)
    if not m:
        raise ValueError(f"not a period label: {label!r}")
    return "quarter" if m["q"] else "month" if m["m"] else "year"


def period_display(label: str) -> str:
    """`2024-03` → 2024年3月, `2024-Q1` → 2024年第一季度, `2024` → 2024年."""
    m = _LABEL.match(label)
    if not m:
        return label
    if m["q"]:
        return f"{m['y']}年第{_QUARTER_NAMES[int(m['q']) - 1]}季度"
    if m["m"]:
        return f"{m['y']}年{int(m['m'])}月"
    return f"{m['y']}年"


def period_short(label: str) -> str:
    """Within one year: `2024-03` → 3月, `2024-Q1` → 一季度, `2024` → 全年."""
    m = _LABEL.match(label)
    if not m:
        return label
    if m["q"]:
        return f"{_QUARTER_NAMES[int(m['q']) - 1]}季度"
    if m["m"]:
        return f"{int(m['m'])}月"
    return "全年"


def months_of_year(year: int, until: dt.date | None = None) -> list[str]:
    """`2024-01` … `2024-12`, stopping at the month holding `until` when it falls in `year`."""
    end = dt.date(year, 12, 1)
    if until is not None and until.year == year:
        end = dt.date(year, until.month, 1)
    if until is not None and until.year < year:
        return []
    return periods_between(dt.date(year, 1, 1), end, "month")


def build_date(source_date_epoch: str | None = None) -> dt.date:
    """Today in Beijing time, or the day of `SOURCE_DATE_EPOCH` (for reproducible builds)."""
    beijing = dt.timezone(dt.timedelta(hours=8))
    if source_date_epoch:
        return dt.datetime.fromtimestamp(int(source_date_epoch), beijing).date()
    return dt.datetime.now(beijing).date()
