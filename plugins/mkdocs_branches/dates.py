"""The one place that reads and shows dates.

Editors write `2024-03-13`, `2024-03-13 14:30` or `2024年3月13日`; YAML may already have turned
the first into a `date`. Founding dates may also be a year-month (`2015-09`, `2015年9月`) or a year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_NUMERIC = re.compile(
    r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?"
    r"(?:[ T]+(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?$"
)
_CHINESE = re.compile(
    r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:\s*(?P<d>\d{1,2})\s*[日号])?"
    r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2}))?$"
)
_YEAR = re.compile(r"^(?P<y>\d{4})\s*年?$")
FILE_NAME_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?:-(?P<rest>.+))?$")


class DateError(ValueError):
    """A date that cannot be read; its message is for editors."""


FIRST_YEAR = 1921  # the Party's founding: an earlier year is a slip (0001-01-01, 1024 for 2024)


def latest_year() -> int:
    """The last year a date may name: next year (plans are written ahead, 2099 is a slip)."""
    return dt.date.today().year + 1


def _check_year(year: int) -> int:
    """Dates far outside the branches' life would make the review judge centuries: refused."""
    if not FIRST_YEAR <= year <= latest_year():
        raise DateError(f"年份 {year} 不对，请写 {FIRST_YEAR} 年到 {latest_year()} 年之间的日期")
    return year


@dataclass(frozen=True)
class When:
    """A news item's moment: a day, and a time of day when the editor gave one."""

    date: dt.date
    time: dt.time | None = None

    @property
    def key(self) -> tuple[dt.date, dt.time]:
        """For sorting: an item without a time sorts at the start of its day."""
        return (self.date, self.time or dt.time.min)

    def display(self) -> str:
        text = display_date(self.date)
        return f"{text} {self.time:%H:%M}" if self.time else text

    def iso(self) -> str:
        return f"{self.date.isoformat()}T{self.time:%H:%M}" if self.time else self.date.isoformat()


@dataclass(frozen=True, order=True)
class PartialDate:
    """A founding date: a year, a year-month, or a whole day."""

    year: int
    month: int | None = None
    day: int | None = None

    def display(self) -> str:
        text = f"{self.year}年"
        if self.month:
            text += f"{self.month}月"
            if self.day:
                text += f"{self.day}日"
        return text


def display_date(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def _make_date(year: int, month: int, day: int) -> dt.date:
    _check_year(year)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError(f"日期 {year}年{month}月{day}日 不存在（请检查月份和日子）") from None


def _match(text: str) -> re.Match[str] | None:
    return _NUMERIC.match(text) or _CHINESE.match(text)


def parse_when(value: object) -> When:
    """Read a news item's date; raise DateError with an editor-facing message."""
    if isinstance(value, dt.datetime):
        _check_year(value.year)
        return When(value.date(), value.time().replace(second=0, microsecond=0, tzinfo=None))
    if isinstance(value, dt.date):
        return When(dt.date(_check_year(value.year), value.month, value.day))
    text = str(value).strip()
    m = _match(text)
    if not m or not m["d"]:
        raise DateError(f"无法识别日期“{text}”，请写成 2024-03-13、2024-03-13 14:30 或 2024年3月13日")
    day = _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    if m["H"] is None:
        return When(day)
    hour, minute = int(m["H"]), int(m["M"])
    if hour > 23 or minute > 59:
        raise DateError(f"时间 {hour}:{minute:02d} 不存在，请写成 24 小时制，例如 14:30")
    return When(day, dt.time(hour, minute))


def parse_partial(value: object) -> PartialDate:
    """Read a founding date: 2015, 2015-09, 2015年9月, 2015-09-01 or a YAML date."""
    if isinstance(value, dt.date):
        return PartialDate(_check_year(value.year), value.month, value.day)
    text = str(value).strip()
    if m := _YEAR.match(text):
        return PartialDate(_check_year(int(m["y"])))
    m = _match(text)
    if not m or m["H"] is not None:
        raise DateError(f"无法识别日期“{text}”，请写成 2015-09、2015年9月 或 2015-09-01")
    year, month = int(m["y"]), int(m["m"])
    if m["d"]:
        day = _make_date(year, month, int(m["d"]))
        return PartialDate(day.year, day.month, day.day)
    if not 1 <= month <= 12:
        raise DateError(f"月份 {month} 不存在，请写 1 到 12 之间的月份")
    return PartialDate(_check_year(year), month)


def split_file_stem(stem: str) -> tuple[dt.date | None, str]:
    """`2024-03-13-weiyuan-huiyi` → (date, "weiyuan-huiyi"); a stem without a date → (None, stem).

    Raises DateError when the stem starts with a date that does not exist (2024-02-30-x).
    """
    m = FILE_NAME_DATE.match(stem)
    if not m:
        return None, stem
    return _make_date(int(m["y"]), int(m["m"]), int(m["d"])), m["rest"] or ""
