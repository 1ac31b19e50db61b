"""Read a branch's meeting register (`branches/<id>/records/`): YAML lists, .xlsx and .csv files.

Pure: `read` takes one file's bytes and returns its meetings, recording every problem (file, row,
what to do) in `Problems`; `link` resolves a meeting's `news` against the branch's items. A file is
judged by its bytes as well as its name, so a password-protected workbook or an old .xls renamed
.xlsx gets a message that says so.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import difflib
import io
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from . import schema
from .dates import When, display_date
from .errors import Problems, Severity
from .frontmatter import Entry, HeaderError, decode, load_list
from .model import MeetingRecord, NewsItem

SUFFIXES = (".yaml", ".yml", ".csv", ".xlsx", ".xls")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and Excel's password-protected .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream holding a protected workbook
_REQUIRED = {f.name for f in schema.RECORD_FIELDS if f.required}

_YAML_ENTRY = schema.Wording(add="请在这一项里加一行“{alias}: …”")
_SHEET = schema.Wording(
    key="列名",
    remove="请删掉其中一列",
    unknown="请对照编辑指南里的列名检查拼写；这一列不会被读取，不需要的话可以删掉",
    fill="请在这一格填上内容",
)

Row = tuple[int, dict[str, Entry]]  # a spreadsheet's row number or a YAML line → the keys as written


@dataclass(frozen=True)
class Recorded:
    """A meeting as its file gives it: `record.news` is not resolved yet; `news` is what the file says."""

    record: MeetingRecord
    news: str = ""
    news_line: int = 0


class _Unreadable(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def read(
    suffix: str, data: bytes, path: str, branch_id: str, types: tuple[str, ...], problems: Problems
) -> list[Recorded]:
    """The meetings in one register file (`suffix` one of `SUFFIXES`); a row with an error in its values
    gives none."""
    suffix = suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            rows, wording = _yaml_rows(data, path, problems), _YAML_ENTRY
        elif suffix == ".csv":
            rows, wording = _sheet_rows(_csv_cells(data), path, problems), _SHEET
        elif suffix == ".xlsx":
            rows, wording = _sheet_rows(_xlsx_cells(data), path, problems), _SHEET
        else:
            raise _Unreadable(
                "这是旧版 Excel 文件（.xls），网站读不了",
                "请在 Excel 或 WPS 里打开它，“另存为”时文件类型选“Excel 工作簿（*.xlsx）”，再删掉这个 .xls 文件",
            )
    except _Unreadable as exc:
        problems.error(path, exc.message, exc.hint)
        return []
    found = []
    for line, row in rows:
        recorded = _meeting(line, row, wording, path, branch_id, types, problems)
        if recorded is not None:
            found.append(recorded)
    return found


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
            record.source,
            f"“新闻”写的“{name}”不是本支部的新闻",
            (f"是不是“{close[0]}.md”？" if close else "")
            + "请写本支部 news 文件夹里那条新闻的文件名，例如 2024-03-13-zhiweihui.md（那条新闻本身有错误时，也会看到这条提示）",
            recorded.news_line,
        )
        return None
    if item.when.date != record.when.date or item.type != record.type:
        problems.warning(
            record.source,
            f"“新闻”写的“{name}”是 {display_date(item.when.date)}的{item.type}，"
            f"这次会议却是 {display_date(record.when.date)}的{record.type}",
            "请检查是不是填错了行：同一次会议，记录和新闻的日期、活动类型应该一样",
            recorded.news_line,
        )
    return dataclasses.replace(record, news=item.source)


def _meeting(
    line: int,
    row: dict[str, Entry],
    wording: schema.Wording,
    path: str,
    branch_id: str,
    types: tuple[str, ...],
    problems: Problems,
) -> Recorded | None:
    start = len(problems.items)
    values = schema.read_fields(row, schema.RECORD_FIELDS, path, problems, wording, line)
    kind = values.get("type")
    if kind is not None and kind.value not in types:
        problems.error(
            path, f"活动类型“{kind.value}”不在允许的列表里", "可用的类型：" + "、".join(types), kind.line
        )
    expected, present = values.get("expected"), values.get("present")
    if expected is not None and present is not None and _int(present) > _int(expected):
        problems.error(
            path,
            f"实到人数 {present.value} 比应到人数 {expected.value} 还多",
            "请核对这一次会议的“应到”和“实到”：实到的人数不能超过应到的人数",
            present.line,
        )
    if any(p.severity is Severity.ERROR for p in problems.items[start:]) or not values.keys() >= _REQUIRED:
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
    )
    news = values.get("news")
    return Recorded(record, get("news"), news.line if news else line)


def _int(value: schema.Value) -> int:
    assert isinstance(value.value, int)  # read by schema.whole_number
    return value.value


# --- YAML ------------------------------------------------------------------------------------------


def _yaml_rows(data: bytes, path: str, problems: Problems) -> list[Row]:
    try:
        rows, found = load_list(decode(data, path), path)
    except HeaderError as exc:
        problems.items.extend(exc.problems)
        return []
    problems.items.extend(found)
    return rows


# --- spreadsheets ----------------------------------------------------------------------------------


def _sheet_rows(cells: Iterable[tuple[int, tuple[object, ...]]], path: str, problems: Problems) -> list[Row]:
    """Numbered rows of cells → the rows under the header, keyed by the header's names; the header is
    the first row naming a known column (a title above it is skipped), empty rows are skipped."""
    rows = iter(cells)
    text_seen = False
    for number, values in rows:
        names = [(i, name) for i, v in enumerate(values) if (name := _name(v))]
        if any(schema.find_field(name, schema.RECORD_FIELDS) for _, name in names):
            columns = _columns(names, number, path, problems)
            if columns is None:
                return []
            break
        text_seen = text_seen or bool(names)
    else:
        if text_seen:
            problems.error(
                path,
                "表格里找不到标题行",
                "第一行要写列名：日期、活动类型、主题……（也可以用英文 date、type、topic），下面每行写一次会议；"
                "可以从编辑指南里下载模板照着填",
            )
        return []
    found = []
    for number, values in rows:
        row = {name: Entry(_cell(values[i]) if i < len(values) else None, number) for i, name in columns}
        if any(entry.value is not None for entry in row.values()):
            found.append((number, row))
    return found


def _columns(
    names: list[tuple[int, str]], line: int, path: str, problems: Problems
) -> list[tuple[int, str]] | None:
    """The header's columns that name a field, as (index, name); None when a required one is missing."""
    first: dict[str, int] = {}
    for i, name in names:
        if name in first:
            problems.error(
                path, f"有两列都叫“{name}”", "请删掉多出来的那一列，或者把两列的内容合并到一列", line
            )
        else:
            first[name] = i
    matched = schema.match_keys(
        ((name, line) for name in first), schema.RECORD_FIELDS, path, problems, _SHEET
    )
    given = {field.name for field in matched.values()}
    missing = [f for f in schema.RECORD_FIELDS if f.required and f.name not in given]
    for field in missing:
        problems.error(
            path,
            f"表格里没有“{field.alias}”这一列（{field.name}）",
            f"请在标题行（第 {line} 行）加上“{field.alias}”一列，每次会议都要填",
            line,
        )
    return None if missing else [(first[name], name) for name in matched]


def _name(value: object) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()  # a date cell: Excel stores a day as midnight
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _csv_cells(data: bytes) -> list[tuple[int, tuple[object, ...]]]:
    if data.startswith((_ZIP, _OLE)):
        raise _Unreadable(
            "这个文件其实是 Excel 表格，不是 CSV",
            "请把文件的扩展名改成 .xlsx（旧版 .xls 请在 Excel 里另存为 .xlsx）",
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _Unreadable(
            "这个 CSV 文件是 UTF-16（Unicode）编码", "请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”"
        )
    not_csv = _Unreadable("这个文件不是 CSV 表格", "请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # what Excel writes for “CSV（逗号分隔）” on Chinese Windows
        except UnicodeDecodeError:
            raise not_csv from None
    if "\0" in text:  # binary, not text
        raise not_csv
    # Numbered as Excel numbers rows: by record, not by line (a cell may hold a line break).
    try:
        return [
            (number, tuple(row)) for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), 1)
        ]
    except csv.Error:  # a cell longer than csv allows
        raise not_csv from None


def _xlsx_cells(data: bytes) -> list[tuple[int, tuple[object, ...]]]:
    if not data:
        raise _Unreadable("这个 Excel 文件是空的（0 字节）", "请重新复制一份，或在 Excel 里重新保存")
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise _Unreadable(
                "这个 Excel 文件设置了打开密码，网站读不了",
                "请在 Excel 里打开它，点“文件”→“信息”→“保护工作簿”→“用密码进行加密”，删掉密码后保存",
            )
        raise _Unreadable(
            "这是旧版 Excel 文件（.xls），只是扩展名写成了 .xlsx",
            "请在 Excel 或 WPS 里打开它，“另存为”时文件类型选“Excel 工作簿（*.xlsx）”",
        )
    if not data.startswith(_ZIP):
        raise _Unreadable(
            "这个文件不是 Excel 文件",
            "请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”；只改扩展名是不行的",
        )
    broken = _Unreadable(
        "这个 Excel 文件已损坏或不完整",
        "请重新复制一份；还不行，就在 Excel 里打开它，另存为一个新的 .xlsx 文件",
    )
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise broken from None
    if "xl/workbook.xml" not in names:
        raise _Unreadable(
            "这个文件不是 Excel 表格（.xlsx）", "请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”"
        )
    import openpyxl  # only when there is a workbook to read: it takes a while to import

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes about styles and extensions it drops
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
                return list(enumerate(sheet.iter_rows(values_only=True), 1))
            finally:
                book.close()
    except Exception:  # a damaged part of the file fails anywhere in openpyxl, with any error
        raise broken from None
