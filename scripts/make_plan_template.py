"""Write the editors' plan template (活动计划模板.xlsx and .csv) beside the register's template: into the
plugin's manual (published at files/ with the guide, copied by `branches init`) and the demo's docs/files/.

    .venv/bin/python scripts/make_plan_template.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "plugins"))

from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES  # noqa: E402
from openpyxl.styles import Alignment, Font, PatternFill  # noqa: E402

COLUMNS = ("月份", "活动类型", "主题", "负责人", "备注")
EXAMPLES = (
    (
        dt.date(2026, 3, 1),
        "支委会",
        "研究三月份党建工作和发展党员工作",
        "陈立华",
        "示例：请改成自己支部的计划，或删掉示例行",
    ),
    (dt.date(2026, 3, 1), "主题党日", "“学雷锋”志愿服务进社区", "王海燕", "示例"),
)
NAME = "活动计划模板"
STAMP = dt.datetime(2026, 12, 1, 9, 0)  # inside every .xlsx: no build time leaks into the bytes


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    """The saved workbook with fixed timestamps, so that the same content gives the same bytes."""
    stamp = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    book.properties.created = STAMP
    book.properties.creator = book.properties.lastModifiedBy = "组织委员"
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
            target.writestr(fixed, data)
    return out.getvalue()


def template_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "活动计划"
    sheet.append(list(COLUMNS))
    for row in EXAMPLES:
        sheet.append(list(row))
        sheet.cell(sheet.max_row, 1).number_format = 'yyyy"年"m"月"'
    types = DataValidation(
        type="list", formula1='"' + ",".join(DEFAULT_ACTIVITY_TYPES) + '"', allow_blank=True
    )
    types.error, types.errorTitle = "请从下拉列表里选活动类型", "活动类型不对"
    sheet.add_data_validation(types)
    types.add("B2:B1000")
    for letter, width in zip("ABCDE", (12, 12, 40, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8E0E0")
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = "A2"
    return workbook_bytes(book)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for month, *rest in EXAMPLES:
        writer.writerow([f"{month:%Y-%m}", *rest])
    return out.getvalue().encode("utf-8-sig")


def main() -> int:
    for folder in (ROOT / "plugins/mkdocs_branches/manual/files", ROOT / "docs/files"):
        (folder / f"{NAME}.xlsx").write_bytes(template_xlsx())
        (folder / f"{NAME}.csv").write_bytes(template_csv())
        print(f"wrote {folder}/{NAME}.xlsx, .csv")
    return 0


if __name__ == "__main__":
    sys.exit(main())
