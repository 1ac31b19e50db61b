"""Read a branch's meeting register (`branches/<id>/records/`): YAML lists, .xlsx and .csv files.

Pure: `read` takes one file's bytes and returns its meetings, recording every problem (file, sheet, row,
what to do) in `Problems`; spreadsheets are read by `tables` (every visible sheet, two-row headers,
any delimiter Excel writes). `link` resolves a meeting's `news` against the branch's items; `once`
keeps one of a meeting registered twice (an .xlsx and the .csv exported from it).
"""

from __future__ import annotations

import dataclasses
import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from . import schema, tables
from .dates import When, display_date
from .errors import Problems
from .frontmatter import Entry, HeaderError, decode, load_list
from .model import MeetingRecord, NewsItem, in_sheet

SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx", ".xls")
_REQUIRED = {f.name for f in schema.RECORD_FIELDS if f.required}

_YAML_ENTRY = schema.Wording(add="请在这一项里加一行“{alias}: …”")
LAYOUT = tables.Layout(schema.RECORD_FIELDS, row="一次会议", each="每次会议", what="会议记录")


@dataclass(frozen=True)
class Recorded:
    """A meeting as its file gives it: `record.news` is not resolved yet; `news` is what the file says."""

    record: MeetingRecord
    news: str = ""
    news_line: int = 0


def read(
    suffix: str, data: bytes, path: str, branch_id: str, types: tuple[str, ...], problems: Problems
) -> list[Recorded]:
    """The meetings in one register file (`suffix` one of `SUFFIXES`); a row with an error in its values
    gives none."""
    found, wording = table_file(suffix, data, path, LAYOUT, problems)
    meetings = []
    for table in found:
        for line, row in table.rows:
            recorded = _meeting(line, row, wording, path, table.sheet, branch_id, types, problems)
            if recorded is not None:
                meetings.append(recorded)
    return meetings


def link(recorded: Recorded, items: dict[str, NewsItem], problems: Problems) -> MeetingRecord | None:
    """The meeting with `news` resolved to the `source` of the branch's item it names (`items`: slug →
    item, drafts too); a problem and None when it names no such item."""
    record, name = recorded.record, recorded.news
    if not name:
        return record
    slug = name[:-3] if name.lower().endswith(".md") else name
    item = items.get(slug)
    if item is None:
        close = difflib.get_close_matches(slug, list(items), n=1, cutoff=0.6)
        problems.error(
            record.where,
            f"“新闻”写的“{name}”不是本支部的新闻",
            (f"是不是“{close[0]}.md”？" if close else "")
            + "请写本支部 news 文件夹里那条新闻的文件名，例如 2024-03-13-zhiweihui.md（那条新闻本身有错误时，也会看到这条提示）",
            recorded.news_line,
        )
        return None
    if item.when.date != record.when.date or item.type != record.type:
        problems.warning(
            record.where,
            f"“新闻”写的“{name}”是 {display_date(item.when.date)}的{item.type}，"
            f"这次会议却是 {display_date(record.when.date)}的{record.type}",
            "请检查是不是填错了行：同一次会议，记录和新闻的日期、活动类型应该一样",
            recorded.news_line,
        )
    return dataclasses.replace(record, news=item.source)


def once(found: Iterable[MeetingRecord], problems: Problems) -> list[MeetingRecord]:
    """Each meeting once, in the order given (a branch's files by name, sheets and rows in order).

    A record is the same meeting as one before it when the day, type and topic agree (spaces and
    full-width letters aside) and neither the time, the host nor the place, where both give one, tells
    them apart: a workbook and the CSV exported from it, a row pasted twice. The first is kept; the
    later copy is named in a warning (one per pair of files or sheets), so the editor can remove it or
    tell two real meetings apart (two 党小组 meeting on the same day differ in host or place)."""
    kept: list[MeetingRecord] = []
    seen: dict[tuple[object, ...], list[MeetingRecord]] = {}
    twice: dict[tuple[str, str], list[tuple[MeetingRecord, MeetingRecord]]] = {}
    for record in found:
        key = (record.branch_id, record.when.date, record.type, _plain(record.topic))
        first = next((r for r in seen.get(key, ()) if _alike(r, record)), None)
        if first is None:
            seen.setdefault(key, []).append(record)
            kept.append(record)
        else:
            twice.setdefault((record.where, first.where), []).append((record, first))
    tell = "如果确实是两次不同的会议（例如两个党小组同一天各开一次），请在“主持人”或“地点”里写清楚"
    for (where, other), pairs in twice.items():
        if where == other:
            for record, first in pairs:
                problems.warning(
                    where,
                    f"第 {record.line} 行和第 {first.line} 行是同一次会议（{_meeting_name(record)}），只计一次",
                    f"请删掉重复的那一行；{tell}",
                    record.line,
                )
            continue
        record, first = pairs[0]
        name = in_sheet(first.source.rsplit("/", 1)[-1], first.sheet)
        name += "" if first.sheet else " "  # no space after a full-width bracket
        if len(pairs) == 1:
            what = f"这次会议（{_meeting_name(record)}）在 {name}第 {first.line} 行也登记了，只计一次"
        else:
            what = (
                f"这里第 {_lines(r.line for r, _ in pairs)} 行的 {len(pairs)} 次会议在 {name}"
                f"第 {_lines(f.line for _, f in pairs)} 行也登记了，每次会议只计一次"
            )
        problems.warning(
            where,
            what,
            "同一次会议只要登记一次：如果一个文件是从另一个导出或复制来的，请把多余的那个移到 branches 以外的地方；"
            + tell,
            record.line,
        )
    return kept


def _alike(a: MeetingRecord, b: MeetingRecord) -> bool:
    """Nothing given in both tells the two apart."""
    if a.when.time and b.when.time and a.when.time != b.when.time:
        return False
    return all(not x or not y or _plain(x) == _plain(y) for x, y in ((a.host, b.host), (a.place, b.place)))


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).casefold()


def _meeting_name(record: MeetingRecord) -> str:
    return f"{display_date(record.when.date)}的{record.type}“{record.topic}”"


def _lines(numbers: Iterable[int]) -> str:
    """2、3、4、7 → 2–4、7."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


def table_file(
    suffix: str, data: bytes, path: str, layout: tables.Layout, problems: Problems
) -> tuple[list[tables.Table], schema.Wording]:
    """The tables of one register or plan file (YAML list, .csv, .xlsx) and how messages name what is
    missing in a row; no table, and a problem, for a file that cannot be read (.xls, damaged)."""
    suffix = suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            return [tables.Table("", path, _yaml_rows(data, path, problems))], _YAML_ENTRY
        if suffix in (".csv", ".xlsx"):
            return tables.read(suffix, data, path, layout, problems), tables.WORDING
        raise tables.Unreadable(
            "这是旧版 Excel 文件（.xls），网站读不了",
            "请在 Excel 或 WPS 里打开它，“另存为”时文件类型选“Excel 工作簿（*.xlsx）”，再删掉这个 .xls 文件",
        )
    except tables.Unreadable as exc:
        problems.error(path, exc.message, exc.hint)
        return [], tables.WORDING


def row_values(
    line: int,
    row: dict[str, Entry],
    fields: tuple[schema.Field, ...],
    wording: schema.Wording,
    where: str,
    types: tuple[str, ...],
    problems: Problems,
) -> dict[str, schema.Value]:
    """A table row (a register's or a plan's) read through `fields`, its activity type one of `types`."""
    values = schema.read_fields(row, fields, where, problems, wording, line)
    kind = values.get("type")
    if kind is not None:
        schema.listed(kind.value, types, "活动类型", where, kind.line, problems)
    return values


def _meeting(
    line: int,
    row: dict[str, Entry],
    wording: schema.Wording,
    path: str,
    sheet: str,
    branch_id: str,
    types: tuple[str, ...],
    problems: Problems,
) -> Recorded | None:
    start = len(problems.items)
    where = in_sheet(path, sheet)
    values = row_values(line, row, schema.RECORD_FIELDS, wording, where, types, problems)
    expected, present = values.get("expected"), values.get("present")
    if expected is not None and present is not None and _int(present) > _int(expected):
        problems.error(
            where,
            f"实到人数 {present.value} 比应到人数 {expected.value} 还多",
            "请核对这一次会议的“应到”和“实到”：实到的人数不能超过应到的人数",
            present.line,
        )
    if problems.errors_since(start) or not values.keys() >= _REQUIRED:
        return None

    def get(name: str) -> str:
        return str(values[name].value) if name in values else ""

    when = values["date"].value
    assert isinstance(when, When)
    record = MeetingRecord(
        branch_id=branch_id,
        source=path,
        line=line,
        when=when,
        type=get("type"),
        topic=get("topic"),
        host=get("host"),
        recorder=get("recorder"),
        expected=_int(expected) if expected is not None else None,
        present=_int(present) if present is not None else None,
        absent=get("absent"),
        place=get("place"),
        note=get("note"),
        sheet=sheet,
    )
    news = values.get("news")
    return Recorded(record, get("news"), news.line if news else line)


def _int(value: schema.Value) -> int:
    assert isinstance(value.value, int)  # read by schema.whole_number
    return value.value


# --- YAML ------------------------------------------------------------------------------------------


def _yaml_rows(data: bytes, path: str, problems: Problems) -> list[tables.Row]:
    try:
        rows, found = load_list(decode(data, path), path)
    except HeaderError as exc:
        problems.items.extend(exc.problems)
        return []
    problems.items.extend(found)
    return rows
