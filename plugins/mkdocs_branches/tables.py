"""Read a spreadsheet an editor keeps (.xlsx, .csv) into tables: rows of cells under a header row.

Generic over what the rows are (meetings in `records`, and whatever else comes in this form): a
`Layout` gives the columns (`schema.Field`s) and what one row is, for messages. Every visible sheet of a
workbook that has a header is read, hidden ones never; when a workbook shows several sheets, messages
name the sheet (`2025.xlsx（工作表“下半年”）:12`). A header may take two rows, as on the paper form
(应到 / 实到 under a merged 出席情况). A CSV may separate its columns with commas, tabs or semicolons.
A file is judged by its bytes as well as its name, so a password-protected workbook or an old .xls
renamed .xlsx gets a message that says so (`Unreadable`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from . import schema
from .errors import Problems
from .frontmatter import Entry
from .model import in_sheet

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and Excel's password-protected .xlsx
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream holding a protected workbook
# What Excel and Notepad put between columns: commas; tabs (cells pasted from Excel into a text
# editor); semicolons (Excel where the decimal mark is a comma). The first that reads a header wins.
_DELIMITERS = (",", "\t", ";")
_DATE = re.compile(r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")

WORDING = schema.Wording(
    key="列名",
    remove="请删掉其中一列",
    unknown="请对照编辑指南里的列名检查拼写；这一列不会被读取，不需要的话可以删掉",
    fill="请在这一格填上内容",
)
_HIDE = "如果这张工作表不是{what}（例如统计表、说明），可以把它隐藏（右键点工作表名→“隐藏”），就不会再提示"

Cells = tuple[object, ...]
Row = tuple[int, dict[str, Entry]]  # the row's number as Excel shows it → column name → cell


@dataclass(frozen=True)
class Layout:
    """What a table holds, for reading its header and for messages."""

    fields: tuple[schema.Field, ...]
    row: str  # what one row is: 一次会议
    each: str  # … and every one: 每次会议
    what: str  # what the table is: 会议记录


@dataclass(frozen=True)
class Table:
    """The rows under one sheet's header; `sheet` is named when the workbook shows several."""

    sheet: str
    where: str  # the file, with its sheet, as messages name it
    rows: list[Row]


class Unreadable(Exception):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class _Sheet:
    name: str
    hidden: bool
    rows: list[tuple[int, Cells]]  # numbered as Excel numbers them


@dataclass(frozen=True)
class _Header:
    names: list[tuple[int, str, int]]  # (column, name, row): one or two rows
    first: int  # the header's first row
    end: int  # index in the sheet's rows of the first row under it
    known: int  # how many columns name a field
    missing: list[schema.Field]  # required fields no column names


def read(suffix: str, data: bytes, path: str, layout: Layout, problems: Problems) -> list[Table]:
    """The tables of one .csv or .xlsx file (`suffix` lower case); raises `Unreadable` for a file that
    is not one. Header problems are recorded; the rows' values are the caller's to read."""
    sheets = [_Sheet("", False, _csv_cells(data, layout.fields))] if suffix == ".csv" else _xlsx_sheets(data)
    visible = [s for s in sheets if not s.hidden and _has_text(s.rows)]  # Excel's empty Sheet2: nothing
    several = len(visible) > 1
    headers = [(s, _header(s.rows, layout.fields, strict=several)) for s in visible]
    complete = any(h is not None and not h.missing for _, h in headers)
    if several and not complete:  # no sheet is a whole table: say what each one lacks
        headers = [(s, _header(s.rows, layout.fields, strict=False)) for s in visible]
    tables: list[Table] = []
    done: list[str] = []
    skipped: list[str] = []
    for sheet, header in headers:
        where = in_sheet(path, sheet.name) if several else path
        if header is None:
            if several:
                skipped.append(f"“{sheet.name}”（没有标题行）")
                if complete and _looks_like_data(sheet.rows):
                    problems.warning(
                        where,
                        "这张工作表里有日期，但找不到标题行，没有读取",
                        _header_hint(layout) + "；" + _HIDE.format(what=layout.what),
                    )
            continue
        if header.missing and complete:
            aliases = "”“".join(f.alias for f in header.missing)
            skipped.append(f"“{sheet.name}”（没有“{aliases}”列）")
            problems.warning(
                where,
                f"这张工作表没有“{aliases}”列，没有读取",
                f"如果这里也是{layout.what}，请在标题行（第 {header.first} 行）加上这些列；"
                + _HIDE.format(what=layout.what),
                header.first,
            )
            continue
        columns = _columns(header, where, layout, problems)
        if columns is not None:
            rows = list(_rows(sheet.rows[header.end :], columns))
            tables.append(Table(sheet.name if several else "", where, rows))
            done.append(f"“{sheet.name}”（{len(rows)} 行）")
    if visible and not any(h for _, h in headers):
        left = "”“".join(s.name for s in sheets if s.hidden)
        problems.error(
            path,
            "表格里找不到标题行",
            _header_hint(layout)
            + "；可以从编辑指南里下载模板照着填"
            + (f"。隐藏的工作表（“{left}”）不会被读取，如果{layout.what}在那里，请取消隐藏" if left else ""),
        )
    hidden = [f"“{s.name}”（隐藏）" for s in sheets if s.hidden]
    if done and (several or hidden):
        skipped += hidden
        problems.info(
            path,
            f"读取了 {len(done)} 张工作表：{'、'.join(done)}",
            ("没有读取：" + "、".join(skipped)) if skipped else "",
        )
    return tables


def _header_hint(layout: Layout) -> str:
    required = [f for f in layout.fields if f.required]
    return (
        f"第一行要写列名：{'、'.join(f.alias for f in required)}……"
        f"（也可以用英文 {'、'.join(f.name for f in required)}），下面每行写{layout.row}"
    )


def _header(rows: list[tuple[int, Cells]], fields: tuple[schema.Field, ...], strict: bool) -> _Header | None:
    """The first row naming a known column (a title above it is skipped) — two known columns when
    `strict` (a workbook's other sheets: a note sheet names one per row) — with the row under it when
    that row names columns the first leaves open (应到 / 实到 under a merged 出席情况)."""
    for index, (number, values) in enumerate(rows):
        top = {i: name for i, v in enumerate(values) if (name := _name(v))}
        known = {i for i, name in top.items() if schema.find_field(name, fields)}
        if len(known) < (2 if strict else 1):
            continue
        names = {i: (name, number) for i, name in top.items()}
        end = index + 1
        if end < len(rows) and _under(top, rows[end][1], fields):
            sub_number, sub_values = rows[end]
            for i, value in enumerate(sub_values):
                if name := _name(value):
                    names[i] = (name, sub_number)  # the sub-heading, not the group's title above it
            end += 1
        columns = [(i, name, line) for i, (name, line) in sorted(names.items())]
        given = {f.name for _, name, _ in columns if (f := schema.find_field(name, fields))}
        missing = [f for f in fields if f.required and f.name not in given]
        return _Header(columns, number, end, len(given), missing)
    return None


def _under(top: dict[int, str], values: Cells, fields: tuple[schema.Field, ...]) -> bool:
    """Whether `values`, the row under a header, is the header's second row: it names a known column
    where the first row names none, and holds only column names under the first row's required
    columns (a meeting's row holds its date under 日期); under a group's title it may name anything."""
    sub = {i: name for i, v in enumerate(values) if (name := _name(v))}
    if not all(isinstance(values[i], str) for i in sub):
        return False
    field = {i: schema.find_field(name, fields) for i, name in sub.items()}
    above = {i: schema.find_field(name, fields) for i, name in top.items()}
    opens = any(f and not above.get(i) for i, f in field.items())
    return opens and all(field[i] for i in sub if (f := above.get(i)) and f.required)


def _columns(header: _Header, where: str, layout: Layout, problems: Problems) -> list[tuple[int, str]] | None:
    """The header's columns that name a field, as (index, name); None when a required one is missing."""
    first: dict[str, int] = {}
    lines: dict[str, int] = {}
    for i, name, line in header.names:
        if name in first:
            problems.error(
                where, f"有两列都叫“{name}”", "请删掉多出来的那一列，或者把两列的内容合并到一列", line
            )
        else:
            first[name], lines[name] = i, line
    matched = schema.match_keys(((n, lines[n]) for n in first), layout.fields, where, problems, WORDING)
    for field in header.missing:
        problems.error(
            where,
            f"表格里没有“{field.alias}”这一列（{field.name}）",
            f"请在标题行（第 {header.first} 行）加上“{field.alias}”一列，{layout.each}都要填",
            header.first,
        )
    return None if header.missing else [(first[name], name) for name in matched]


def _rows(rows: list[tuple[int, Cells]], columns: list[tuple[int, str]]) -> Iterator[Row]:
    for number, values in rows:
        row = {name: Entry(_cell(values[i]) if i < len(values) else None, number) for i, name in columns}
        if any(entry.value is not None for entry in row.values()):
            yield number, row


def _has_text(rows: list[tuple[int, Cells]]) -> bool:
    return any(_name(v) for _, values in rows for v in values)


def _looks_like_data(rows: list[tuple[int, Cells]]) -> bool:
    """Two rows or more holding a date: a table whose header went unrecognised, not a note."""
    dated = 0
    for _, values in rows:
        if any(isinstance(v, dt.date) or (isinstance(v, str) and _DATE.match(v)) for v in values):
            dated += 1
            if dated >= 2:
                return True
    return False


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


# --- CSV -----------------------------------------------------------------------------------------


def _csv_cells(data: bytes, fields: tuple[schema.Field, ...]) -> list[tuple[int, Cells]]:
    if data.startswith((_ZIP, _OLE)):
        raise Unreadable(
            "这个文件其实是 Excel 表格，不是 CSV",
            "请把文件的扩展名改成 .xlsx（旧版 .xls 请在 Excel 里另存为 .xlsx）",
        )
    not_csv = Unreadable("这个文件不是 CSV 表格", "请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”")
    # UTF-8 (with or without BOM); UTF-16 with BOM: Excel's “Unicode 文本” (tabs), Notepad's “Unicode”;
    # else GB18030, what Excel writes for “CSV（逗号分隔）” and Notepad for “ANSI” on Chinese Windows.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise not_csv
    if "\0" in text:  # binary, not text
        raise not_csv
    delimiters: tuple[str, ...] = _DELIMITERS
    said = re.match(r"sep=(.)\r?\n", text)  # Excel's own line naming the delimiter; Excel does not show it
    if said:
        text, delimiters = text[said.end() :], (said[1],)
    best: tuple[int, list[tuple[int, Cells]]] | None = None
    for delimiter in delimiters:
        try:
            rows = _csv_rows(text, delimiter)
        except csv.Error:  # a cell longer than csv allows
            continue
        header = _header(rows, fields, strict=False)
        score = header.known if header else 0
        if best is None or score > best[0]:
            best = (score, rows)
    if best is None:
        raise not_csv
    top: list[tuple[int, Cells]] = [
        (n, tuple(line.split("，"))) for n, line in enumerate(text.splitlines()[:5], 1)
    ]
    if best[0] == 0 and _header(top, fields, strict=True):
        raise Unreadable(
            "CSV 文件的列之间用的是中文逗号“，”，网站分不出列",
            "请把标题行和每一行里分隔列的“，”改成英文逗号“,”（内容里的逗号不用改）；"
            "更简单的办法是在 Excel 里填好，再另存为“CSV UTF-8（逗号分隔）”",
        )
    return best[1]


def _csv_rows(text: str, delimiter: str) -> list[tuple[int, Cells]]:
    # Numbered as Excel numbers rows: by record, not by line (a cell may hold a line break).
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, tuple(row)) for number, row in enumerate(reader, 1)]


# --- .xlsx ---------------------------------------------------------------------------------------


def _xlsx_sheets(data: bytes) -> list[_Sheet]:
    """Every sheet in the workbook's order; the rows of the visible ones (a hidden sheet, such as the
    lists behind drop-down cells, is never read)."""
    if not data:
        raise Unreadable("这个 Excel 文件是空的（0 字节）", "请重新复制一份，或在 Excel 里重新保存")
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise Unreadable(
                "这个 Excel 文件设置了打开密码，网站读不了",
                "请在 Excel 里打开它，点“文件”→“信息”→“保护工作簿”→“用密码进行加密”，删掉密码后保存",
            )
        raise Unreadable(
            "这是旧版 Excel 文件（.xls），只是扩展名写成了 .xlsx",
            "请在 Excel 或 WPS 里打开它，“另存为”时文件类型选“Excel 工作簿（*.xlsx）”",
        )
    if not data.startswith(_ZIP):
        raise Unreadable(
            "这个文件不是 Excel 文件",
            "请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”；只改扩展名是不行的",
        )
    broken = Unreadable(
        "这个 Excel 文件已损坏或不完整",
        "请重新复制一份；还不行，就在 Excel 里打开它，另存为一个新的 .xlsx 文件",
    )
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise broken from None
    if "xl/workbook.xml" not in names:
        raise Unreadable(
            "这个文件不是 Excel 表格（.xlsx）", "请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”"
        )
    import openpyxl  # only when there is a workbook to read: it takes a while to import

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes about styles and extensions it drops
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = []
                for sheet in book.worksheets:  # chart sheets are not among them
                    hidden = sheet.sheet_state != "visible"  # hidden, or veryHidden (only macros show it)
                    rows: list[tuple[int, Cells]] = []
                    if not hidden:
                        sheet.reset_dimensions()  # some programs write a wrong size; read every row there is
                        rows = list(enumerate(sheet.iter_rows(values_only=True), 1))
                    sheets.append(_Sheet(sheet.title, hidden, rows))
                return sheets
            finally:
                book.close()
    except Exception:  # a damaged part of the file fails anywhere in openpyxl, with any error
        raise broken from None
