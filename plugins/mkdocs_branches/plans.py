"""Read a branch's plan of organisational life (`branches/<id>/plans/`): YAML lists, .xlsx and .csv files.

Read like the registers (`records`): spreadsheets by `tables` (every visible sheet, two-row headers, any
delimiter and encoding Excel writes), every problem recorded with its file, sheet and row. A planned
activity names its month (`月份`) or its day (`日期`), its type and its topic.
"""

from __future__ import annotations

from . import schema, tables
from .dates import When
from .errors import Problems
from .frontmatter import Entry
from .model import PlannedActivity, in_sheet
from .records import SUFFIXES, row_values, table_file

__all__ = ["LAYOUT", "SUFFIXES", "read"]

LAYOUT = tables.Layout(schema.PLAN_FIELDS, row="一项计划", each="每项计划", what="活动计划")
_REQUIRED = {f.name for f in schema.PLAN_FIELDS if f.required}
_WHEN = ("month", "date")


def read(
    suffix: str, data: bytes, path: str, branch_id: str, types: tuple[str, ...], problems: Problems
) -> list[PlannedActivity]:
    """The planned activities in one plan file (`suffix` one of `SUFFIXES`); a row with an error gives none."""
    found, wording = table_file(suffix, data, path, LAYOUT, problems)
    planned = []
    for table in found:
        if wording is tables.WORDING and table.rows and not _names_when(table.rows[0][1]):
            problems.error(
                table.where,
                "表格里没有“月份”这一列（month）",
                "请在标题行加上“月份”一列（写 2025-03 或 2025年3月）；日子已经定了的，也可以用“日期”一列",
                table.rows[0][0],
            )
            continue
        for line, row in table.rows:
            entry = _planned(line, row, wording, path, table.sheet, branch_id, types, problems)
            if entry is not None:
                planned.append(entry)
    return planned


def _names_when(row: dict[str, Entry]) -> bool:
    return any((f := schema.find_field(name, schema.PLAN_FIELDS)) and f.name in _WHEN for name in row)


def _planned(
    line: int,
    row: dict[str, Entry],
    wording: schema.Wording,
    path: str,
    sheet: str,
    branch_id: str,
    types: tuple[str, ...],
    problems: Problems,
) -> PlannedActivity | None:
    start = len(problems.items)
    where = in_sheet(path, sheet)
    values = row_values(line, row, schema.PLAN_FIELDS, wording, where, types, problems)
    month, day = values.get("month"), values.get("date")
    if month is None and day is None and not problems.errors_since(start):
        problems.error(
            where,
            "这一项计划没有写月份",
            (
                "请在“月份”一格填上计划的月份，例如 2025-03"
                if _names_when(row)
                else "请加上一行“月份: 2025-03”"
            )
            + "（日子已经定了的，也可以写“日期”）",
            line,
        )
    if month is not None and day is not None:
        assert isinstance(day.value, When)
        fixed = day.value.date
        if month.value != f"{fixed.year:04d}-{fixed.month:02d}":
            problems.error(
                where,
                f"“月份”（{month.value}）和“日期”（{fixed.isoformat()}）不是同一个月",
                "请核对这一项：只写其中一个就够了",
                day.line,
            )
    if problems.errors_since(start) or not values.keys() >= _REQUIRED or (month is None and day is None):
        return None
    fixed_day = day.value.date if day is not None and isinstance(day.value, When) else None
    label = str(month.value) if month is not None else f"{fixed_day:%Y-%m}"

    def get(name: str) -> str:
        return str(values[name].value) if name in values else ""

    return PlannedActivity(
        branch_id=branch_id,
        source=path,
        line=line,
        month=label,
        type=get("type"),
        topic=get("topic"),
        day=fixed_day,
        owner=get("owner"),
        note=get("note"),
        sheet=sheet,
    )
