"""Meeting registers (`branches/<id>/records/`): YAML lists, CSV in each encoding Excel writes, .xlsx;
every problem named with its file and row, through `load_content` and the editors' `check` command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from mkdocs_branches import records, rules
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES, activity_types
from mkdocs_branches.errors import Problems
from mkdocs_branches.index import select_published
from mkdocs_branches.loader import ReadCache, Settings, load_content
from mkdocs_branches.model import Content

from conftest import ROOT, SiteProject, tree_hashes, write

SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))
REGISTER = "branches/jg1/records"


def load(project: SiteProject, cache: ReadCache | None = None) -> tuple[Content, list[str]]:
    content, problems = load_content(project.root, SETTINGS, cache)
    return content, [f"{p.severity.value} {p}" for p in problems.sorted()]


def register(project: SiteProject, name: str, data: str | bytes) -> Path:
    return write(project.root / REGISTER / name, data)


Rows = tuple[tuple[object, ...], ...]


def workbook(*rows: tuple[object, ...], hidden_sheet: bool = False) -> bytes:
    """One sheet of `rows` (None: an empty cell); `hidden_sheet`: a hidden list for drop-downs after it."""
    sheets: list[tuple[str, Rows, str]] = [("Sheet", rows, "visible")]
    if hidden_sheet:
        sheets.append(
            ("下拉选项", (("日期", "活动类型", "主题"), ("2024-01-01", "支委会", "不该被读到")), "hidden")
        )
    return book(*sheets)


def book(*sheets: tuple[str, Rows, str], merged: tuple[tuple[str, str], ...] = ()) -> bytes:
    """A workbook of (name, rows, state) sheets; `merged`: (sheet, range) cells merged as Excel does."""
    made = openpyxl.Workbook()
    made.remove(made.worksheets[0])
    for name, rows, state in sheets:
        sheet = made.create_sheet(name)
        sheet.sheet_state = state
        for number, row in enumerate(rows, 1):
            for column, value in enumerate(row, 1):
                if value is not None:
                    sheet.cell(number, column, value)
    for name, cells in merged:
        made[name].merge_cells(cells)
    made.active = next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
    out = io.BytesIO()
    made.save(out)
    return out.getvalue()


@pytest.fixture
def site(project: SiteProject) -> SiteProject:
    project.branch("jg1", "name: 教工第一党支部\nbrand: 红色引擎")
    project.item("jg1", "2024-03-13-zhiweihui.md", "title: 三月支委会\ntype: 支委会\nreviewer: 王芳")
    project.item("jg1", "2024-04-02-dangke.md", "title: 四月党课\ntype: 党课\nstatus: draft")
    return project


def test_a_yaml_register_with_chinese_and_english_keys(site: SiteProject) -> None:
    register(
        site,
        "2024.yaml",
        """\
# 2024 年组织生活记录
- 日期: 2024-03-13
  活动类型: 支委会
  主题: 研究三月份党建工作
  主持人: 王芳
  记录人: 李明
  应到: 5
  实到: 4
  缺席: 张三（出差）
  地点: 学院 302 会议室
  新闻: 2024-03-13-zhiweihui.md
- date: 2024年4月2日
  type: 党课
  topic: 书记讲党课
  news: 2024-04-02-dangke
  note: 新闻还是草稿
- 日期: 2024-03-20
  活动类型: 党小组会
  主题: 学习
""",
    )
    content, problems = load(site)
    assert problems == []
    first, third, second = content.records
    assert (first.source, first.line, first.when.date, first.type, first.topic) == (
        f"{REGISTER}/2024.yaml",
        2,
        dt.date(2024, 3, 13),
        "支委会",
        "研究三月份党建工作",
    )
    assert (first.host, first.recorder, first.expected, first.present) == ("王芳", "李明", 5, 4)
    assert (first.absent, first.place) == ("张三（出差）", "学院 302 会议室")
    assert first.news == "branches/jg1/news/2024-03-13-zhiweihui.md"
    assert (second.line, second.news, second.note) == (
        12,
        "branches/jg1/news/2024-04-02-dangke.md",
        "新闻还是草稿",
    )
    assert (third.line, third.news, third.expected, third.host) == (17, None, None, "")


CSV = (
    "日期,活动类型,主题,主持人,应到,实到,缺席\r\n"
    '2024/3/13,支委会,"研究三月工作\r\n（两项议题）",王芳,5,4,张三（出差）\r\n'
    ",,,,,,\r\n"
    "2024年3月20日,党小组会,学习党章,李明,8,8,\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_csv_in_each_encoding_excel_writes(site: SiteProject, encoding: str) -> None:
    register(site, "2024.csv", CSV.encode(encoding))
    content, problems = load(site)
    assert problems == []
    assert [(r.line, r.when.date, r.type, r.topic, r.present, r.absent) for r in content.records] == [
        (2, dt.date(2024, 3, 13), "支委会", "研究三月工作\r\n（两项议题）", 4, "张三（出差）"),
        (
            4,
            dt.date(2024, 3, 20),
            "党小组会",
            "学习党章",
            8,
            "",
        ),  # Excel's row 4: the cell above holds a line break
    ]


def test_xlsx_with_date_cells_text_dates_and_excel_row_numbers(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        workbook(
            ("管理学院教工第一党支部 2024 年组织生活记录",),
            (),
            ("序号", "日期", "活动类型", "主题", "应到", "实到", "Recorder", "新闻"),
            (1, dt.datetime(2024, 3, 13), "支委会", "研究三月工作", 5, 5.0, "李明", "2024-03-13-zhiweihui"),
            (2, None, None, "   ", None, None, None, None),  # numbered in advance, otherwise empty
            (),
            (3, "2024年3月21日", "主题党日", "参观红色教育基地", 23, 20, None, None),
            (4, dt.datetime(2024, 3, 28, 14, 30), "党小组会", "学习", None, None, None, None),
            hidden_sheet=True,
        ),
    )
    content, problems = load(site)
    assert problems == [  # the only visible sheet: messages need not name it
        f"提示 {REGISTER}/2024.xlsx: 读取了 1 张工作表：“Sheet”（3 行）。没有读取：“下拉选项”（隐藏）",
        f"警告 {REGISTER}/2024.xlsx:3: 不认识的列名“序号”。请对照编辑指南里的列名检查拼写；这一列不会被读取，不需要的话可以删掉",
    ]
    assert [
        (r.line, r.when.display(), r.type, r.expected, r.present, r.recorder) for r in content.records
    ] == [
        (4, "2024年3月13日", "支委会", 5, 5, "李明"),
        (7, "2024年3月21日", "主题党日", 23, 20, ""),
        (8, "2024年3月28日 14:30", "党小组会", None, None, ""),
    ]
    assert content.records[0].news == "branches/jg1/news/2024-03-13-zhiweihui.md"


def test_every_problem_of_a_register_at_once_with_its_row(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        workbook(
            ("日期", "活动类型", "主题", "应到", "实到", "新闻", "主持"),
            (dt.datetime(2024, 3, 13), "支委会", "三月支委会", 5, 4, "2024-03-13-zhiweihui.md", "王芳"),
            ("2024-02-30", "支部大会", "二月", 5, 6, None, None),
            ("3月5日", "党课", None, "23人", None, None, None),
            (dt.datetime(2024, 3, 14), "支委会", "补开", None, None, "2024-03-13-zhiwehui", None),
            (dt.datetime(2024, 4, 9), "支委会", "四月", None, None, "2024-04-02-dangke.md", None),
            (dt.datetime(2024, 4, 10), "党小组会", "四月", None, None, "jg2/news/2024-04-10-x.md", None),
        ),
    )
    register(
        site,
        "2023.yaml",
        """\
- 日期: 2023-12-01
  活动类型: 支委会
- 日期: 2023-12-02
  活动类型: 支委会
  主题: 十二月
  主题: 重复
  date: 2023-12-03
- 只写了一句话
""",
    )
    content, problems = load(site)
    xlsx, yaml_ = f"{REGISTER}/2024.xlsx", f"{REGISTER}/2023.yaml"
    types = "支部党员大会、支委会、党小组会、党课、主题党日、组织生活会、民主评议、志愿服务、支部共建、理论学习、其他"
    link_hint = "请写本支部 news 文件夹里那条新闻的文件名，例如 2024-03-13-zhiweihui.md（那条新闻本身有错误时，也会看到这条提示）"
    assert problems == [
        f"错误 {yaml_}:1: 缺少必填的键“主题”（topic）。请在这一项里加一行“主题: …”",
        f"错误 {yaml_}:6: “主题”写了两次。请删掉其中一行（另一处在第 5 行）",
        f"错误 {yaml_}:7: “日期”和“date”是同一个键。英文名和中文名只能写一个，请删掉其中一行（date = 日期）",
        f"错误 {yaml_}:8: 这一项不是“键: 值”的格式。每项写成“- 日期: 2024-03-13”，下面几行和“日期”对齐，"
        "写“活动类型: …”“主题: …”；冒号用英文半角，后面空一格",
        f"警告 {xlsx}:1: 不认识的列名“主持”。是不是想写“主持人”？（host / 主持人）",
        f"错误 {xlsx}:3: “日期”的值不对：日期 2024年2月30日 不存在（请检查月份和日子）",
        f"错误 {xlsx}:3: 活动类型“支部大会”不在允许的列表里。可用的类型：{types}",
        f"错误 {xlsx}:3: 实到人数 6 比应到人数 5 还多。请核对这一次会议的“应到”和“实到”：实到的人数不能超过应到的人数",
        f"错误 {xlsx}:4: “日期”的值不对：无法识别日期“3月5日”，请写成 2024-03-13、2024-03-13 14:30 或 2024年3月13日",
        f"错误 {xlsx}:4: “应到”的值不对：应该是一个整数，例如 35（现在是“23人”，请去掉“人”等文字）",
        f"错误 {xlsx}:4: “主题”不能为空。请在这一格填上内容",
        f"错误 {xlsx}:5: “新闻”写的“2024-03-13-zhiwehui”不是本支部的新闻。是不是“2024-03-13-zhiweihui.md”？{link_hint}",
        f"警告 {xlsx}:6: “新闻”写的“2024-04-02-dangke.md”是 2024年4月2日的党课，这次会议却是 2024年4月9日的支委会。"
        "请检查是不是填错了行：同一次会议，记录和新闻的日期、活动类型应该一样",
        f"错误 {xlsx}:7: “新闻”写的“jg2/news/2024-04-10-x.md”不是本支部的新闻。{link_hint}",
    ]
    assert [(r.source, r.line) for r in content.records] == [(xlsx, 2), (xlsx, 6)]  # a warning keeps it


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ("日期", "活动类型", "议题"),
            "表格里没有“主题”这一列（topic）。请在标题行（第 2 行）加上“主题”一列，每次会议都要填",
        ),
        (
            ("日期", "活动类型", "主题", "主题"),
            "有两列都叫“主题”。请删掉多出来的那一列，或者把两列的内容合并到一列",
        ),
        (
            ("日期", "活动类型", "主题", "date"),
            "“日期”和“date”是同一个列名。英文名和中文名只能写一个，请删掉其中一列（date = 日期）",
        ),
    ],
)
def test_header_problems_are_reported_once_on_the_header_row(
    site: SiteProject, header: tuple[str, ...], message: str
) -> None:
    rows = [("2024年组织生活记录",), header] + [
        (f"2024-03-{d:02d}", "支委会", "会", "x") for d in range(10, 14)
    ]
    register(site, "2024.csv", "\n".join(",".join(row) for row in rows))
    content, problems = load(site)
    assert [p for p in problems if not p.startswith("警告")] == [f"错误 {REGISTER}/2024.csv:2: {message}"]
    assert len(content.records) == (0 if "议题" in header else 4)


def test_a_table_without_a_header_row(site: SiteProject) -> None:
    register(site, "2024.csv", "2024-03-13,支委会,研究三月工作\n")
    register(site, "2025.csv", "\ufeff\n,,\n")  # empty: nothing to say
    content, problems = load(site)
    assert problems == [
        f"错误 {REGISTER}/2024.csv: 表格里找不到标题行。第一行要写列名：日期、活动类型、主题……（也可以用英文 date、type、topic），"
        "下面每行写一次会议；可以从编辑指南里下载模板照着填"
    ]
    assert content.records == []


def _ole(*streams: str) -> bytes:
    """The start of a compound file (old .xls, or Excel's password-protected .xlsx) naming `streams`."""
    body = b"".join(name.encode("utf-16-le") + b"\0\0" for name in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + body + bytes(512)


def _damaged(data: bytes) -> bytes:
    """A workbook whose sheet is garbled inside an intact zip."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            part = source.read(name)
            target.writestr(name, part[: len(part) // 2] if name.startswith("xl/worksheets/") else part)
    return out.getvalue()


def _zip(name: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(name, "<w/>")
    return out.getvalue()


GOOD = workbook(("日期", "活动类型", "主题"), (dt.datetime(2024, 3, 13), "支委会", "会"))
SAVE_AS = "请在 Excel 或 WPS 里打开它，“另存为”时文件类型选“Excel 工作簿（*.xlsx）”"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "2024.xlsx",
            _ole("EncryptionInfo", "EncryptedPackage"),
            "这个 Excel 文件设置了打开密码，网站读不了。请在 Excel 里打开它，点“文件”→“信息”→“保护工作簿”→“用密码进行加密”，删掉密码后保存",
        ),
        ("2024.xlsx", _ole("Workbook"), f"这是旧版 Excel 文件（.xls），只是扩展名写成了 .xlsx。{SAVE_AS}"),
        (
            "2024.xls",
            _ole("Workbook"),
            f"这是旧版 Excel 文件（.xls），网站读不了。{SAVE_AS}，再删掉这个 .xls 文件",
        ),
        (
            "2024.xlsx",
            CSV.encode(),
            "这个文件不是 Excel 文件。请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”；只改扩展名是不行的",
        ),
        ("2024.xlsx", b"", "这个 Excel 文件是空的（0 字节）。请重新复制一份，或在 Excel 里重新保存"),
        (
            "2024.xlsx",
            GOOD[: len(GOOD) // 2],
            "这个 Excel 文件已损坏或不完整。请重新复制一份；还不行，就在 Excel 里打开它，另存为一个新的 .xlsx 文件",
        ),
        (
            "2024.xlsx",
            _damaged(GOOD),
            "这个 Excel 文件已损坏或不完整。请重新复制一份；还不行，就在 Excel 里打开它，另存为一个新的 .xlsx 文件",
        ),
        (
            "2024.xlsx",
            _zip("word/document.xml"),
            "这个文件不是 Excel 表格（.xlsx）。请在 Excel 或 WPS 里打开它，另存为“Excel 工作簿（*.xlsx）”",
        ),
        (
            "2024.csv",
            GOOD,
            "这个文件其实是 Excel 表格，不是 CSV。请把文件的扩展名改成 .xlsx（旧版 .xls 请在 Excel 里另存为 .xlsx）",
        ),
        (
            "2024.csv",
            b"\x00\x01\x02PDF",
            "这个文件不是 CSV 表格。请在 Excel 里打开它，另存为“CSV UTF-8（逗号分隔）”",
        ),
        (
            "2024.yaml",
            "- 日期: 2024-03-13\n  活动类型: 支委会\n  主题: 学习\n".encode("gbk"),
            "文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 中文系统的默认编码）。"
            "请用记事本或 VS Code 打开，选择“另存为”，编码选“UTF-8”后保存",
        ),
        (
            "2024.yaml",
            "日期: 2024-03-13\n活动类型: 支委会\n主题: 学习\n".encode(),
            "记录文件不是一个列表。每次会议写成一项，第一行以“- 日期: 2024-03-13”开头（减号后面空一格）",
        ),
    ],
)
def test_files_that_cannot_be_read_say_what_to_do(
    site: SiteProject, name: str, data: bytes, message: str
) -> None:
    register(site, name, data)
    content, problems = load(site)
    assert [p.replace(f"{REGISTER}/{name}", "FILE", 1).replace(":1: ", ": ") for p in problems] == [
        f"错误 FILE: {message}"
    ]
    assert content.records == []


def test_other_files_in_the_register_folder(site: SiteProject) -> None:
    for name in (".DS_Store", "._2024.xlsx", "~$2024.xlsx", "Thumbs.db", ".~lock.2024.xlsx#"):
        register(site, name, b"\x00junk")
    register(site, "三月支委会纪要.docx", b"PK\x03\x04")
    register(site, "2023/2023.xlsx", GOOD)
    _, problems = load(site)
    assert problems == [
        f"警告 {REGISTER}/2023: 会议记录文件夹里的子文件夹不会被读取。请把记录文件直接放在 records 文件夹里；"
        "旧的记录不想用了，请移到 branches 以外的地方",
        f"警告 {REGISTER}/三月支委会纪要.docx: 这个文件不是会议记录，没有读取。会议记录请存成 Excel 表格（.xlsx）、"
        "CSV（.csv）或 YAML（.yaml）；会议纪要、照片等其他文件请放到 branches 以外的地方",
    ]


def test_records_of_every_branch_sorted_by_date(site: SiteProject) -> None:
    site.branch("jg2", "name: 教工第二党支部\nbrand: 先锋")
    write(
        site.root / "branches/jg2/records/2024.csv",
        "日期,活动类型,主题\n2024-03-13,支委会,二支部\n2024-01-05,党课,一月\n",
    )
    register(site, "2024.yaml", "- {日期: 2024-03-13, 活动类型: 党小组会, 主题: 一支部}\n")
    register(site, "2023.csv", "日期,活动类型,主题\n2024-03-13,支委会,一支部旧表\n")
    content, problems = load(site)
    assert problems == []
    assert [(r.when.date.isoformat(), r.branch_id, r.topic) for r in content.records] == [
        ("2024-01-05", "jg2", "一月"),
        ("2024-03-13", "jg1", "一支部旧表"),
        ("2024-03-13", "jg1", "一支部"),
        ("2024-03-13", "jg2", "二支部"),
    ]


def test_a_register_is_read_again_only_when_it_changes_but_its_news_is_checked_every_time(
    site: SiteProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = register(
        site, "2024.csv", "日期,活动类型,主题,新闻\n2024-03-13,支委会,三月,2024-03-13-zhiweihui\n"
    )
    reads: list[str] = []
    read = records.read

    def counting(
        suffix: str, data: bytes, shown: str, branch_id: str, types: tuple[str, ...], problems: Problems
    ) -> list[records.Recorded]:
        reads.append(shown)
        return read(suffix, data, shown, branch_id, types, problems)

    monkeypatch.setattr(records, "read", counting)
    cache: ReadCache = {}
    assert load(site, cache)[1] == []
    assert load(site, cache)[0].records[0].news == "branches/jg1/news/2024-03-13-zhiweihui.md"
    assert reads == [f"{REGISTER}/2024.csv"]
    (site.root / "branches/jg1/news/2024-03-13-zhiweihui.md").unlink()
    content, problems = load(site, cache)
    assert reads == [f"{REGISTER}/2024.csv"]
    assert problems[0].startswith(
        f"错误 {REGISTER}/2024.csv:2: “新闻”写的“2024-03-13-zhiweihui”不是本支部的新闻"
    )
    assert content.records == []
    path.write_text("日期,活动类型,主题\n2024-03-14,支委会,改了日期\n", encoding="utf-8")
    content, problems = load(site, cache)
    assert len(reads) == 2 and problems == [] and content.records[0].topic == "改了日期"


def test_a_register_outside_the_content_folder_is_refused(
    site: SiteProject, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    write(outside / "2024.csv", "日期,活动类型,主题\n2024-03-13,支委会,外面的表\n")
    (site.root / REGISTER).mkdir(parents=True)
    (site.root / REGISTER / "2024.csv").symlink_to(outside / "2024.csv")
    site.branch("jg2", "name: 教工第二党支部\nbrand: 先锋")
    (site.root / "branches/jg2/records").symlink_to(outside, target_is_directory=True)
    content, problems = load(site)
    hint = "请把文件复制到“branches”文件夹里面再引用，不要用 .. 或快捷方式（链接）"
    assert problems == [
        f"错误 {REGISTER}/2024.csv: 这个路径指向内容文件夹以外的地方。{hint}",
        f"错误 branches/jg2/records: 这个路径指向内容文件夹以外的地方。{hint}",
    ]
    assert content.records == []


def run_check(project: SiteProject) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def test_check_command_reports_register_problems_and_changes_nothing(site: SiteProject) -> None:
    register(site, "2024.csv", CSV.replace("党小组会", "小组会").encode("gbk"))
    register(site, "2025.xlsx", _ole("EncryptedPackage"))
    before = tree_hashes(site.root / "branches")
    result = run_check(site)
    assert result.returncode == 1
    assert f"错误  {REGISTER}/2024.csv:4: 活动类型“小组会”不在允许的列表里" in result.stdout
    assert f"错误  {REGISTER}/2025.xlsx: 这个 Excel 文件设置了打开密码" in result.stdout
    assert "2 个错误" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert tree_hashes(site.root / "branches") == before
    (site.root / REGISTER / "2025.xlsx").unlink()
    register(site, "2024.csv", CSV.encode("gbk"))
    fixed = run_check(site)
    assert fixed.returncode == 0 and "错误" not in fixed.stdout, fixed.stdout  # the draft's warning is left


def test_a_site_with_registers_builds_and_shows_none_of_them(site: SiteProject) -> None:
    register(site, "2024.csv", CSV.encode("gbk"))
    register(
        site,
        "2024.xlsx",
        workbook(("日期", "活动类型", "主题"), (dt.datetime(2024, 5, 8), "党小组会", "五月小组学习记录")),
    )
    register(site, "2023.yaml", "- {日期: 2023-12-05, 活动类型: 支委会, 主题: 年底支委会记录}\n")
    before = tree_hashes(site.root / "branches")
    result = site.build()
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(site.root / "branches") == before
    published = [p for p in (site.root / "site").rglob("*") if p.is_file()]
    assert not [
        p for p in published if p.name in ("2024.csv", "2024.xlsx", "2023.yaml") or "records" in p.parts
    ]
    for page in published:
        if page.suffix in (".html", ".xml", ".json", ".txt", ".csv"):
            text = page.read_text(encoding="utf-8")
            assert (
                "学习党章" not in text and "五月小组学习记录" not in text and "年底支委会记录" not in text
            ), page


DEMO_REGISTERS = {"jg1": ".yaml", "jg3": ".csv", "ltx": ".csv", "xs-bk2": ".xlsx"}


def test_the_demo_registers_fill_the_periods_the_news_misses() -> None:
    content, problems = load_content(ROOT, SETTINGS)
    assert problems.items == []
    assert {r.branch_id: Path(r.source).suffix for r in content.records} == DEMO_REGISTERS
    gbk = (ROOT / "branches/jg3/records/2025年会议记录.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")
    assert (ROOT / "branches/ltx/records/2025年会议记录.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    items = {i.source: i for i in content.items}
    linked = [r for r in content.records if r.news]
    assert all((items[r.news].when.date, items[r.news].type) == (r.when.date, r.type) for r in linked)
    reported = {(i.branch_id, i.when.date, i.type) for i in content.items}
    same_day = [r for r in content.records if not r.news and (r.branch_id, r.when.date, r.type) in reported]
    assert len(linked) > 40 and len(same_day) > 20  # a meeting in the news is matched both ways
    published, _ = select_published(content, review_required=True)
    types, day = activity_types(DEFAULT_ACTIVITY_TYPES), dt.date(2026, 12, 1)
    branches = list(content.branches.values())
    news_only = rules.evaluate(branches, published, types, day).summaries
    with_registers = rules.evaluate(branches, published, types, day, content.records).summaries
    for branch in DEMO_REGISTERS:
        assert news_only[branch].unmet > 50
        assert with_registers[branch].unmet == 0, with_registers[branch].unmet_periods


def test_the_demo_registers_and_the_template_are_what_the_script_makes(tmp_path: Path) -> None:
    for page in (ROOT / "branches").rglob("*.md"):
        write(tmp_path / page.relative_to(ROOT), page.read_bytes())
    script = ROOT / "scripts/make_demo_records.py"
    result = subprocess.run(
        [sys.executable, str(script), "--root", str(tmp_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    made = {p.relative_to(tmp_path): p for p in tmp_path.rglob("*") if p.suffix != ".md" and p.is_file()}
    committed = [*(ROOT / "branches").glob("*/records/*"), *(ROOT / "docs/files").iterdir()]
    assert sorted(made) == sorted(p.relative_to(ROOT) for p in committed)
    for path in committed:
        ours, theirs = path.read_bytes(), made[path.relative_to(ROOT)].read_bytes()
        if path.suffix == ".xlsx":  # openpyxl writes other bytes with lxml than without: compare the cells
            ours, theirs = cell_values(ours), cell_values(theirs)
        assert ours == theirs, path


def cell_values(data: bytes) -> list[list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]


@pytest.mark.parametrize("name", ["组织生活记录模板.xlsx", "组织生活记录模板.csv"])
def test_the_template_reads_as_one_example_meeting_and_is_published(name: str, demo_site: Path) -> None:
    path = ROOT / "plugins/mkdocs_branches/manual/files" / name  # the template that ships with the guide
    problems = Problems()
    found = records.read(path.suffix, path.read_bytes(), name, "jg1", SETTINGS.activity_types, problems)
    assert problems.items == []
    assert [(r.record.line, r.record.type, r.record.expected, r.record.present, r.news) for r in found] == [
        (2, "支委会", 4, 3, "2025-03-12-zhiweihui.md")
    ]
    assert (
        (demo_site / "files" / name).read_bytes()
        == path.read_bytes()
        == (ROOT / "docs/files" / name).read_bytes()
    )
    assert f"files/{name}" in (ROOT / "plugins/mkdocs_branches/manual/guide.md").read_text(encoding="utf-8")


# --- every visible sheet, two-row headers, any delimiter, each meeting once (issue 23) -------------

HEADER = ("日期", "活动类型", "主题")


def monthly(months: range, year: int = 2024, kind: str = "支委会") -> Rows:
    return tuple((dt.datetime(year, m, 8), kind, f"{m}月{kind}") for m in months)


def test_every_visible_sheet_with_a_header_is_read_and_messages_name_the_sheet(site: SiteProject) -> None:
    second_half = list(monthly(range(7, 13)))
    second_half[4] = (dt.datetime(2024, 11, 8), "支部大会", "十一月")  # row 7 of 下半年
    register(
        site,
        "2024.xlsx",
        book(
            ("上半年", (("2024年上半年组织生活记录",), HEADER, *monthly(range(1, 7))), "visible"),
            ("下拉选项", (HEADER, ("2023-01-01", "支委会", "不该被读到")), "hidden"),  # a hidden middle sheet
            ("填写说明", (("日期", "写成 2024-03-13"), ("活动类型", "从下拉列表里选")), "visible"),
            ("下半年", (HEADER, *second_half), "visible"),
            ("Sheet3", (), "visible"),  # Excel's empty sheet: nothing to say
            ("宏", (HEADER, ("2023-02-01", "支委会", "也不该被读到")), "veryHidden"),
        ),
    )
    content, problems = load(site)
    xlsx = f"{REGISTER}/2024.xlsx"
    assert problems == [
        f"提示 {xlsx}: 读取了 2 张工作表：“上半年”（6 行）、“下半年”（6 行）。"
        "没有读取：“填写说明”（没有标题行）、“下拉选项”（隐藏）、“宏”（隐藏）",
        f"错误 {xlsx}（工作表“下半年”）:6: 活动类型“支部大会”不在允许的列表里。可用的类型："
        + "、".join(DEFAULT_ACTIVITY_TYPES),
    ]
    assert [(r.when.date.month, r.sheet, r.line) for r in content.records] == [
        *((m, "上半年", m + 2) for m in range(1, 7)),
        *((m, "下半年", m - 5) for m in (7, 8, 9, 10, 12)),
    ]


def test_a_hidden_first_sheet_is_skipped_for_the_visible_register(site: SiteProject) -> None:
    lists = (("支委会",), ("党小组会",), ("党课",))  # the lists behind drop-down cells: no header
    register(
        site,
        "2024.xlsx",
        book(("lists", lists, "hidden"), ("2024年", (HEADER, *monthly(range(1, 4))), "visible")),
    )
    content, problems = load(site)
    assert problems == [
        f"提示 {REGISTER}/2024.xlsx: 读取了 1 张工作表：“2024年”（3 行）。没有读取：“lists”（隐藏）"
    ]
    assert [(r.line, r.sheet, r.topic) for r in content.records] == [
        (2, "", "1月支委会"),
        (3, "", "2月支委会"),
        (4, "", "3月支委会"),
    ]


def test_a_register_left_hidden_is_named_when_no_header_is_found(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        book(
            ("说明", (("请在第二张表里填写",),), "visible"),
            ("记录", (HEADER, *monthly(range(1, 3))), "hidden"),
        ),
    )
    content, problems = load(site)
    assert problems == [
        f"错误 {REGISTER}/2024.xlsx: 表格里找不到标题行。第一行要写列名：日期、活动类型、主题……（也可以用英文 date、type、topic），"
        "下面每行写一次会议；可以从编辑指南里下载模板照着填。隐藏的工作表（“记录”）不会被读取，如果会议记录在那里，请取消隐藏"
    ]
    assert content.records == []


def test_other_sheets_beside_a_register_warn_only_when_they_look_like_meetings(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        book(
            ("记录", (HEADER, *monthly(range(1, 4))), "visible"),
            ("统计", (("活动类型", "次数"), ("支委会", 3)), "visible"),  # one known column: not a register
            (
                "四月",
                (("日期", "活动类型", "议题"), *monthly(range(4, 5))),
                "visible",
            ),  # a register, misnamed
            ("五月", (("时间", "类型", "内容"), *monthly(range(5, 7))), "visible"),  # dates, no header
        ),
    )
    content, problems = load(site)
    xlsx = f"{REGISTER}/2024.xlsx"
    hide = (
        "如果这张工作表不是会议记录（例如统计表、说明），可以把它隐藏（右键点工作表名→“隐藏”），就不会再提示"
    )
    assert problems == [
        f"提示 {xlsx}: 读取了 1 张工作表：“记录”（3 行）。没有读取：“统计”（没有标题行）、“四月”（没有“主题”列）、“五月”（没有标题行）",
        f"警告 {xlsx}（工作表“五月”）: 这张工作表里有日期，但找不到标题行，没有读取。第一行要写列名：日期、活动类型、主题……"
        f"（也可以用英文 date、type、topic），下面每行写一次会议；{hide}",
        f"警告 {xlsx}（工作表“四月”）:1: 这张工作表没有“主题”列，没有读取。如果这里也是会议记录，请在标题行（第 1 行）加上这些列；{hide}",
    ]
    assert len(content.records) == 3


def test_sheets_that_are_all_misnamed_are_errors_each_with_its_sheet(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        book(
            ("上半年", (("日期", "类型", "主题"), *monthly(range(1, 3))), "visible"),
            ("下半年", (("日期", "活动类型", "内容"), *monthly(range(7, 9))), "visible"),
        ),
    )
    content, problems = load(site)
    assert [p for p in problems if p.startswith("错误")] == [
        f"错误 {REGISTER}/2024.xlsx（工作表“上半年”）:1: 表格里没有“活动类型”这一列（type）。请在标题行（第 1 行）加上“活动类型”一列，每次会议都要填",
        f"错误 {REGISTER}/2024.xlsx（工作表“下半年”）:1: 表格里没有“主题”这一列（topic）。请在标题行（第 1 行）加上“主题”一列，每次会议都要填",
    ]
    assert content.records == []


PAPER_FORM = (  # 应到 / 实到 under a merged 出席情况, the other headings merged over both rows
    ("管理学院教工第一党支部组织生活记录",),
    ("序号", "日期", "活动类型", "主题", "出席情况", None, "缺席", "备注"),
    (None, None, None, None, "应到", "实到", None, None),
    (1, dt.datetime(2024, 3, 13), "支委会", "三月支委会", 5, 4, "张三（出差）", None),
    (2, dt.datetime(2024, 4, 9), "党小组会", "四月学习", 8, 8, None, "线上"),
)
WIDE_GROUP = (  # the merged heading spans a third column, and the meeting's own headings form a group too
    ("会议", None, None, "出席情况", None, None, "备注"),
    ("日期", "活动类型", "主题", "应到", "实到", "缺席", None),
    (dt.datetime(2024, 3, 13), "支委会", "三月支委会", 5, 4, "张三（出差）", None),
    (dt.datetime(2024, 4, 9), "党小组会", "四月学习", 8, 8, None, "线上"),
)
FILLED = (  # merged cells undone with “fill”: each heading written in both rows
    ("日期", "活动类型", "主题", "出席情况", "出席情况", "出席情况", "备注"),
    ("日期", "活动类型", "主题", "应到", "实到", "缺席", "备注"),
    (dt.datetime(2024, 3, 13), "支委会", "三月支委会", 5, 4, "张三（出差）", None),
    (dt.datetime(2024, 4, 9), "党小组会", "四月学习", 8, 8, None, "线上"),
)
KNOWN_GROUP = (  # a heading over sub-headings of its own: the sub-headings name the columns
    ("日期", "活动类型", "主题", "出席情况", None, "缺席", None, "备注"),
    (None, None, None, "应到", "实到", "人数", "姓名及原因", None),
    (dt.datetime(2024, 3, 13), "支委会", "三月支委会", 5, 4, 1, "张三（出差）", None),
    (dt.datetime(2024, 4, 9), "党小组会", "四月学习", 8, 8, 0, None, "线上"),
)


def _csv_text(rows: Rows) -> str:
    def cell(v: object) -> str:
        return "" if v is None else f"{v:%Y/%m/%d}" if isinstance(v, dt.datetime) else str(v)

    return "".join(",".join(cell(v) for v in row) + "\r\n" for row in rows)


@pytest.mark.parametrize(
    ("name", "data", "first", "warnings"),
    [
        (
            "2024.xlsx",
            book(
                ("2024", PAPER_FORM, "visible"),
                merged=tuple(("2024", c) for c in ("A1:H1", "E2:F2", "B2:B3", "G2:G3")),
            ),
            4,
            ["2: 不认识的列名“序号”"],
        ),
        ("2024.csv", _csv_text(PAPER_FORM).encode("gbk"), 4, ["2: 不认识的列名“序号”"]),
        (
            "2024.xlsx",
            book(("2024", WIDE_GROUP, "visible"), merged=(("2024", "A1:C1"), ("2024", "D1:F1"))),
            3,
            [],
        ),
        ("2024.csv", _csv_text(WIDE_GROUP).encode(), 3, []),
        ("2024.csv", _csv_text(FILLED).encode("utf-8-sig"), 3, []),
        (
            "2024.xlsx",
            book(("2024", KNOWN_GROUP, "visible"), merged=(("2024", "D1:E1"), ("2024", "F1:G1"))),
            3,
            ["2: 不认识的列名“人数”", "2: 不认识的列名“姓名及原因”"],
        ),
    ],
)
def test_a_two_row_header_as_on_the_paper_form(
    site: SiteProject, name: str, data: bytes, first: int, warnings: list[str]
) -> None:
    register(site, name, data)
    content, problems = load(site)
    assert [p.split(f"{REGISTER}/{name}:", 1)[1].split("。")[0] for p in problems] == warnings
    assert [(r.line, r.type, r.expected, r.present) for r in content.records] == [
        (first, "支委会", 5, 4),
        (first + 1, "党小组会", 8, 8),
    ]
    assert content.records[1].note == "线上"
    assert content.records[0].absent == ("" if "人数" in str(warnings) else "张三（出差）")


TSV = '日期\t活动类型\t主题\t应到\t实到\r\n2024/3/13\t支委会\t研究工作，部署任务\t5\t4\r\n2024/3/20\t党小组会\t"学习\r\n党章"\t8\t8\r\n'


@pytest.mark.parametrize(
    "data",
    [
        TSV.encode("gbk"),  # pasted from Excel into Notepad, saved as ANSI on Chinese Windows
        TSV.encode("utf-8"),
        TSV.encode("utf-16"),  # Excel's “Unicode 文本”, renamed .csv
        TSV.replace("\t", ",").encode("utf-16"),  # Notepad's “Unicode”
        TSV.replace("\t", ";").encode("utf-8-sig"),  # Excel where the decimal mark is a comma
        ("sep=;\r\n" + TSV.replace("\t", ";")).encode(
            "utf-8"
        ),  # Excel's line naming the delimiter, not shown
        ("2024年会议记录\t\t\r\n" + TSV).encode("gbk"),  # a title row above the header
    ],
)
def test_csv_columns_separated_by_tabs_or_semicolons(site: SiteProject, data: bytes) -> None:
    register(site, "2024.csv", data)
    content, problems = load(site)
    assert problems == []
    shift = 1 if data.startswith("2024年".encode("gbk")) else 0
    assert [(r.line, r.topic, r.expected, r.present) for r in content.records] == [
        (2 + shift, "研究工作，部署任务", 5, 4),
        (3 + shift, "学习\r\n党章", 8, 8),
    ]


def test_a_comma_csv_whose_cells_hold_tabs_and_semicolons_stays_a_comma_csv(site: SiteProject) -> None:
    register(site, "2024.csv", "日期,活动类型,主题\n2024-03-13,支委会,研究工作;部署\t任务\n")
    content, problems = load(site)
    assert problems == [] and [r.topic for r in content.records] == ["研究工作;部署\t任务"]


def test_a_csv_separated_by_chinese_commas_says_so(site: SiteProject) -> None:
    register(site, "2024.csv", "日期，活动类型，主题\n2024-03-13，支委会，研究工作，部署任务\n")
    content, problems = load(site)
    assert problems == [
        f"错误 {REGISTER}/2024.csv: CSV 文件的列之间用的是中文逗号“，”，网站分不出列。请把标题行和每一行里分隔列的“，”改成英文逗号“,”"
        "（内容里的逗号不用改）；更简单的办法是在 Excel 里填好，再另存为“CSV UTF-8（逗号分隔）”"
    ]
    assert content.records == []


TWICE = (
    "同一次会议只要登记一次：如果一个文件是从另一个导出或复制来的，请把多余的那个移到 branches 以外的地方；"
)
TELL = "如果确实是两次不同的会议（例如两个党小组同一天各开一次），请在“主持人”或“地点”里写清楚"


def test_a_workbook_and_the_csv_exported_from_it_count_each_meeting_once(site: SiteProject) -> None:
    rows = (("日期", "活动类型", "主题", "主持人"), *((*r, "王芳") for r in monthly(range(1, 5))))
    register(site, "2024.xlsx", workbook(*rows))
    register(site, "2024.csv", _csv_text(rows).encode("gbk"))  # dates as text, the same days
    register(site, "2024.yaml", "- {日期: 2024-05-08 19:00, 活动类型: 支委会, 主题: ' 5月 支委会 '}\n")
    register(site, "2025.yaml", "- {日期: 2024-05-08, 活动类型: 支委会, 主题: 5月支委会, 主持人: 王芳}\n")
    content, problems = load(site)
    assert problems == [
        f"警告 {REGISTER}/2024.xlsx:2: 这里第 2–5 行的 4 次会议在 2024.csv 第 2–5 行也登记了，每次会议只计一次。{TWICE}{TELL}",
        f"警告 {REGISTER}/2025.yaml:1: 这次会议（2024年5月8日的支委会“5月支委会”）在 2024.yaml 第 1 行也登记了，只计一次。{TWICE}{TELL}",
    ]
    assert [(Path(r.source).name, r.when.date.month) for r in content.records] == [
        *(("2024.csv", m) for m in range(1, 5)),
        ("2024.yaml", 5),
    ]
    register(site, "2024党课.csv", "日期,活动类型,主题\n2024-06-28,党课,七一党课\n")
    register(
        site,
        "2024党课.xlsx",
        workbook(("日期", "活动类型", "主题"), (dt.datetime(2024, 6, 28), "党课", "七一党课")),
    )
    content, _ = load(site)
    twice_a_year = activity_types({"党课": "每年2次"})
    (result,) = rules.compliance(
        list(content.branches.values()), [], twice_a_year, dt.date(2025, 1, 5), content.records
    )[:1]
    assert (result.period, result.count, result.met) == ("2024", 1, False)  # one 党课, not two


def test_the_same_meeting_twice_in_one_file_counts_once_but_two_groups_meeting_that_day_count_twice(
    site: SiteProject,
) -> None:
    register(
        site,
        "2024.csv",
        "日期,活动类型,主题,主持人,地点\n"
        "2024-03-13,支委会,三月支委会,王芳,302\n"
        "2024-03-20,党小组会,学习党章,李明,301\n"
        "2024-03-20,党小组会,学习党章,赵强,305\n"  # another 党小组, the same day and topic
        "2024-03-13,支委会,三月支委会,,\n",  # the first row pasted again, partly
    )
    content, problems = load(site)
    assert problems == [
        f"警告 {REGISTER}/2024.csv:5: 第 5 行和第 2 行是同一次会议（2024年3月13日的支委会“三月支委会”），只计一次。请删掉重复的那一行；{TELL}"
    ]
    assert [(r.line, r.host) for r in content.records] == [(2, "王芳"), (3, "李明"), (4, "赵强")]


def test_a_register_kept_in_two_sheets_is_judged_month_by_month_in_the_built_site(site: SiteProject) -> None:
    register(
        site,
        "2024年组织生活记录.xlsx",
        book(
            ("下拉选项", (("支委会",), ("党小组会",)), "hidden"),
            ("上半年", (("2024年上半年",), HEADER, *monthly(range(1, 7))), "visible"),
            ("下半年", (("2024年下半年",), HEADER, *monthly(range(7, 13))), "visible"),
        ),
    )
    before = tree_hashes(site.root / "branches")
    day = str(int(dt.datetime(2025, 1, 10, 12, tzinfo=dt.timezone.utc).timestamp()))
    result = site.build(env={"BRANCHES_EDITION": "internal", "SOURCE_DATE_EPOCH": day})
    assert result.returncode == 0, result.stderr
    assert tree_hashes(site.root / "branches") == before
    sheet = (site.root / "site/review/activity.csv").read_text(encoding="utf-8-sig")
    judged = {
        row["period"]: row["met"]
        for row in csv.DictReader(io.StringIO(sheet))
        if row["branch"] == "jg1" and row["type"] == "支委会" and row["period"].startswith("2024")
    }
    assert judged == {f"2024-{m:02d}": "true" for m in range(1, 13)}  # the second sheet's months too
    (site.root / "branches/jg1/news/2024-04-02-dangke.md").unlink()  # the draft: its warning aside
    checked = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check", "--strict"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": day},
    )
    assert (
        "提示  branches/jg1/records/2024年组织生活记录.xlsx: 读取了 2 张工作表：“上半年”（6 行）、“下半年”（6 行）"
        in checked.stdout
    )
    assert checked.returncode == 0 and "检查通过" in checked.stdout, (
        checked.stdout
    )  # a note fails no --strict


def test_a_sheet_copied_into_another_of_the_same_workbook_counts_once(site: SiteProject) -> None:
    register(
        site,
        "2024.xlsx",
        book(
            ("全年", (HEADER, *monthly(range(1, 5))), "visible"),
            ("一季度", (("2024年一季度",), HEADER, *monthly(range(1, 4))), "visible"),  # a copy of three rows
        ),
    )
    content, problems = load(site)
    assert problems[1:] == [
        f"警告 {REGISTER}/2024.xlsx（工作表“一季度”）:3: 这里第 3–5 行的 3 次会议在 2024.xlsx（工作表“全年”）"
        f"第 2–4 行也登记了，每次会议只计一次。{TWICE}{TELL}"
    ]
    assert [(r.sheet, r.when.date.month) for r in content.records] == [("全年", m) for m in range(1, 5)]


def test_excel_s_empty_sheet2_and_sheet3_change_nothing(site: SiteProject) -> None:
    bad = (dt.datetime(2024, 3, 20), "支部大会", "三月")
    register(
        site,
        "2024.xlsx",
        book(
            ("Sheet1", (HEADER, *monthly(range(1, 3)), bad), "visible"),
            ("Sheet2", (), "visible"),
            ("Sheet3", (), "visible"),
        ),
    )
    content, problems = load(site)
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"错误 {REGISTER}/2024.xlsx:4"
    ]  # no sheet to name, no note
    assert len(content.records) == 2
