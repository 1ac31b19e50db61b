"""Typed records of a college's content. No I/O here: `loader` reads files into these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .dates import PartialDate, When

DRAFT = "draft"
PUBLISHED = "published"


@dataclass(frozen=True)
class Honor:
    title: str
    year: int | None = None

    def display(self) -> str:
        return f"{self.year}年 {self.title}" if self.year else self.title


@dataclass(frozen=True)
class Photo:
    """An image of an item: `path` is relative to the content folder (`jg1/news/x/01.jpg`)."""

    path: str
    caption: str = ""


@dataclass
class Branch:
    id: str
    name: str
    brand: str
    source: str  # `branches/jg1/index.md`, for messages
    slogan: str = ""
    logo: str | None = None  # relative to the content folder, like Photo.path
    logo_meaning: str = ""
    type: str = ""
    parent: str = ""
    secretary: str = ""
    members: int | None = None
    founded: PartialDate | None = None
    partners: tuple[str, ...] = ()
    honors: tuple[Honor, ...] = ()
    order: float | None = None
    story: str = ""  # the Markdown body
    images: tuple[str, ...] = ()  # images the story shows, like Photo.path
    links: tuple[tuple[str, int], ...] = ()  # content files the story links to (like `source`), with lines
    personal_data_checked: bool = False  # 个人信息已核对: the editor vouches for what `personal` would flag

    @property
    def sort_key(self) -> tuple[float, str]:
        return (self.order if self.order is not None else float("inf"), self.name)


@dataclass
class NewsItem:
    branch_id: str
    slug: str  # from the file name: unique within the branch, used in the URL
    source: str  # `branches/jg1/news/2024-03-13-x.md`
    title: str
    when: When
    type: str
    tags: tuple[str, ...] = ()
    author: str = ""
    photographer: str = ""
    editor: str = ""
    reviewer: str = ""
    status: str = PUBLISHED
    cover: str | None = None  # like Photo.path; defaults to the first photo
    photos: tuple[Photo, ...] = ()
    summary: str = ""
    origin: str = ""  # the `source` key: where the news first appeared
    body: str = ""
    body_line: int = 1
    links: tuple[tuple[str, int], ...] = ()  # content files the body links to (like `source`), with lines
    personal_data_checked: bool = False  # as on Branch

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (*self.when.key, self.branch_id, self.slug)


def in_sheet(path: str, sheet: str) -> str:
    """A file as messages name it, with a workbook's sheet: `2025.xlsx（工作表“下半年”）`."""
    return f"{path}（工作表“{sheet}”）" if sheet else path


@dataclass(frozen=True)
class MeetingRecord:
    """One meeting in a branch's register (`branches/<id>/records/`): organisational life that was
    recorded, whether or not it made the news. Internal: never part of the public edition."""

    branch_id: str
    source: str  # `branches/jg1/records/2025.xlsx`, for messages
    line: int  # the spreadsheet's row number, or the line in a YAML file
    when: When
    type: str
    topic: str
    host: str = ""
    recorder: str = ""
    expected: int | None = None  # 应到
    present: int | None = None  # 实到, never more than `expected`
    absent: str = ""  # names and reasons
    place: str = ""
    news: str | None = None  # `source` of the news item that reports this meeting (same branch)
    note: str = ""
    sheet: str = ""  # the workbook's sheet, when the workbook shows several

    @property
    def where(self) -> str:
        """The file as messages name it, with the sheet when there is one to name."""
        return in_sheet(self.source, self.sheet)

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (*self.when.key, self.branch_id, self.source, self.line)


@dataclass(frozen=True)
class PlannedActivity:
    """One entry of a branch's plan of organisational life (`branches/<id>/plans/`): a type and topic for a
    month (or a fixed day). Internal: never part of the public edition."""

    branch_id: str
    source: str  # `branches/jg1/plans/2025.xlsx`, for messages
    line: int
    month: str  # 2025-03
    type: str
    topic: str
    day: dt.date | None = None  # when the plan fixes the day
    owner: str = ""  # 负责人
    note: str = ""
    sheet: str = ""

    @property
    def where(self) -> str:
        return in_sheet(self.source, self.sheet)

    @property
    def sort_key(self) -> tuple[object, ...]:
        return (self.month, self.day or dt.date.min, self.branch_id, self.source, self.line)


@dataclass
class Content:
    """Everything read from the content folder, before anything is left out."""

    branches: dict[str, Branch] = field(default_factory=dict)
    items: list[NewsItem] = field(default_factory=list)
    records: list[MeetingRecord] = field(default_factory=list)
    plans: list[PlannedActivity] = field(default_factory=list)
