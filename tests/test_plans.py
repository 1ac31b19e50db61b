"""Plans of organisational life (`branches/<id>/plans/`), matched against what each branch held (工作纪实),
and the 台账 in Word: the readers and their problems, each status on the demo, the internal pages, and
the .docx opened again with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pytest
from mkdocs_branches import plans
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES, activity_types
from mkdocs_branches.dates import When
from mkdocs_branches.errors import Problems
from mkdocs_branches.index import select_published
from mkdocs_branches.ledger import HEADINGS, PLAN_COLUMNS, REGISTER_COLUMNS
from mkdocs_branches.loader import Settings, load_content
from mkdocs_branches.model import Content, MeetingRecord, NewsItem, Photo, PlannedActivity
from mkdocs_branches.periods import build_date
from mkdocs_branches.rules import Meeting, Review, evaluate
from mkdocs_branches.worklog import DONE, DUE, NO_PHOTO, NO_RECORD, NOT_HELD, match, worklog

from conftest import ROOT, SiteProject, tree_hashes, write

SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))
TYPES = activity_types(DEFAULT_ACTIVITY_TYPES)
PLANS = "branches/jg1/plans"
DAY = dt.date(2026, 12, 6)  # the demo judged as of this day: December is running
JUDGED = {t.name for t in TYPES if t.rule}


def load(project: SiteProject) -> tuple[Content, list[str]]:
    content, problems = load_content(project.root, SETTINGS)
    return content, [f"{p.severity.value} {p}" for p in problems.sorted()]


def workbook(*rows: tuple[object, ...]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def site(project: SiteProject) -> SiteProject:
    project.branch("jg1", "name: 教工第一党支部\nbrand: 红色引擎")
    return project


# --- reading ---------------------------------------------------------------------------------------


def test_a_yaml_plan_with_months_days_and_either_names(site: SiteProject) -> None:
    write(
        site.root / PLANS / "2025.yaml",
        """\
- 月份: 2025-03
  活动类型: 支委会
  主题: 研究三月份工作
  负责人: 陈立华
- month: 2025年4月
  type: 党课
  topic: 书记讲党课
  note: 线上
- 日期: 2025-05-12
  活动类型: 主题党日
  主题: 参观纪念馆
""",
    )
    content, problems = load(site)
    assert problems == []
    assert [(p.month, p.day, p.type, p.topic, p.owner, p.note, p.line) for p in content.plans] == [
        ("2025-03", None, "支委会", "研究三月份工作", "陈立华", "", 1),
        ("2025-04", None, "党课", "书记讲党课", "", "线上", 5),
        ("2025-05", dt.date(2025, 5, 12), "主题党日", "参观纪念馆", "", "", 9),
    ]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_a_csv_plan_in_each_encoding_excel_writes(site: SiteProject, encoding: str) -> None:
    text = "月份,活动类型,主题,负责人\r\n2025年3月,支委会,研究三月份工作,黄慧敏\r\n2025-06,支部党员大会,第二季度党员大会,\r\n"
    write(site.root / PLANS / "2025年计划.csv", text.encode(encoding))
    content, problems = load(site)
    assert problems == []
    assert [(p.month, p.type, p.owner, p.line) for p in content.plans] == [
        ("2025-03", "支委会", "黄慧敏", 2),
        ("2025-06", "支部党员大会", "", 3),
    ]


def test_an_xlsx_plan_with_a_title_row_and_month_cells(site: SiteProject) -> None:
    write(
        site.root / PLANS / "2025.xlsx",
        workbook(
            ("2025年组织生活计划",),
            ("月份", "活动类型", "主题"),
            (dt.datetime(2025, 3, 1), "支委会", "三月支委会"),
            ("2025-04", "党课", "四月党课"),
        ),
    )
    content, problems = load(site)
    assert problems == []
    assert [(p.month, p.type, p.line, p.source) for p in content.plans] == [
        ("2025-03", "支委会", 3, f"{PLANS}/2025.xlsx"),
        ("2025-04", "党课", 4, f"{PLANS}/2025.xlsx"),
    ]


def test_every_problem_of_the_plans_at_once_with_file_and_row(site: SiteProject) -> None:
    write(
        site.root / PLANS / "2025.yaml",
        """\
- 活动类型: 支委会
  主题: 没写月份
- 月份: 2025
  活动类型: 支委会
  主题: 只写了年
- 月份: 2025-03
  日期: 2025-04-02
  活动类型: 支部大会
  主题: 月份日期不一致
""",
    )
    write(
        site.root / PLANS / "2025.xlsx",
        workbook(("活动类型", "主题"), ("支委会", "没有月份列")),
    )
    write(
        site.root / PLANS / "2025年计划.csv",
        "月份,活动类型,主题,负责\r\n2025-13,支委会,十三月\r\n2025-05,党课,\r\n".encode("gbk"),
    )
    write(site.root / PLANS / "旧计划.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1junk")
    write(site.root / PLANS / "计划说明.docx", b"PK\x03\x04")
    write(site.root / PLANS / "2024" / "2024.yaml", "[]\n")
    content, problems = load(site)
    csv_, xlsx, yaml_ = f"{PLANS}/2025年计划.csv", f"{PLANS}/2025.xlsx", f"{PLANS}/2025.yaml"
    types = "、".join(DEFAULT_ACTIVITY_TYPES)
    assert problems == [
        f"警告 {PLANS}/2024: 计划文件夹里的子文件夹不会被读取。请把计划文件直接放在 plans 文件夹里；"
        "旧的计划不想用了，请移到 branches 以外的地方",
        f"错误 {xlsx}:2: 表格里没有“月份”这一列（month）。请在标题行加上“月份”一列（写 2025-03 或 2025年3月）；"
        "日子已经定了的，也可以用“日期”一列",
        f"错误 {yaml_}:1: 这一项计划没有写月份。请加上一行“月份: 2025-03”（日子已经定了的，也可以写“日期”）",
        f"错误 {yaml_}:3: “月份”的值不对：要写到月份，例如 2025-03 或 2025年3月",
        f"错误 {yaml_}:7: “月份”（2025-03）和“日期”（2025-04-02）不是同一个月。请核对这一项：只写其中一个就够了",
        f"错误 {yaml_}:8: 活动类型“支部大会”不在允许的列表里。可用的类型：{types}",
        f"警告 {csv_}:1: 不认识的列名“负责”。是不是想写“负责人”？（owner / 负责人）",
        f"错误 {csv_}:2: “月份”的值不对：月份 13 不存在，请写 1 到 12 之间的月份",
        f"错误 {csv_}:3: “主题”不能为空。请在这一格填上内容",
        f"错误 {PLANS}/旧计划.xls: 这是旧版 Excel 文件（.xls），网站读不了。请在 Excel 或 WPS 里打开它，"
        "“另存为”时文件类型选“Excel 工作簿（*.xlsx）”，再删掉这个 .xls 文件",
        f"警告 {PLANS}/计划说明.docx: 这个文件不是活动计划，没有读取。活动计划请存成 Excel 表格（.xlsx）、CSV（.csv）"
        "或 YAML（.yaml）；其他文件请放到 branches 以外的地方",
    ]
    assert content.plans == []


@pytest.mark.parametrize("name", ["活动计划模板.xlsx", "活动计划模板.csv"])
def test_the_plan_template_reads_as_two_examples_and_is_what_the_script_makes(name: str) -> None:
    path = ROOT / "plugins/mkdocs_branches/manual/files" / name
    problems = Problems()
    found = plans.read(path.suffix, path.read_bytes(), name, "jg1", SETTINGS.activity_types, problems)
    assert problems.items == []
    assert [(p.month, p.type) for p in found] == [("2026-03", "支委会"), ("2026-03", "主题党日")]
    assert path.read_bytes() == (ROOT / "docs/files" / name).read_bytes()  # what `branches init` copies
    assert f"files/{name}" in (ROOT / "plugins/mkdocs_branches/manual/guide.md").read_text(encoding="utf-8")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_plan_template
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    made = make_plan_template.template_xlsx() if name.endswith("xlsx") else make_plan_template.template_csv()
    assert made == path.read_bytes()


# --- matching --------------------------------------------------------------------------------------


def plan(month: str, kind: str = "支委会", day: dt.date | None = None, line: int = 1) -> PlannedActivity:
    return PlannedActivity("b", "b/plans/p.yaml", line, month, kind, f"{month}{kind}", day)


def news(day: dt.date, kind: str = "支委会", photos: int = 1) -> NewsItem:
    shots = tuple(Photo(f"b/news/{day}/{n}.jpg") for n in range(photos))
    return NewsItem("b", f"{day}-{kind}", f"b/news/{day}-{kind}.md", kind, When(day), kind, photos=shots)


def record(day: dt.date, kind: str = "支委会") -> MeetingRecord:
    return MeetingRecord("b", "b/records/r.yaml", day.day, When(day), kind, f"{day}{kind}")


def test_each_status_by_what_was_held() -> None:
    held = [
        Meeting(news(dt.date(2025, 1, 8)), record(dt.date(2025, 1, 8))),  # done
        Meeting(None, record(dt.date(2025, 2, 8))),  # no photo
        Meeting(news(dt.date(2025, 3, 8)), None),  # no record: a judged type
        Meeting(news(dt.date(2025, 3, 9), "志愿服务"), None),  # not judged: no record needed
        Meeting(news(dt.date(2025, 4, 8), photos=0), None),  # no record and no photo: 缺记录
    ]
    planned = [plan(m) for m in ("2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06")]
    planned.append(plan("2025-03", "志愿服务"))
    entries, extra = match(planned, held, JUDGED, dt.date(2025, 6, 3))
    assert [(e.plan.month, e.plan.type, e.status) for e in entries] == [
        ("2025-01", "支委会", DONE),
        ("2025-02", "支委会", NO_PHOTO),
        ("2025-03", "支委会", NO_RECORD),
        ("2025-03", "志愿服务", DONE),
        ("2025-04", "支委会", NO_RECORD),
        ("2025-05", "支委会", NOT_HELD),
        ("2025-06", "支委会", DUE),  # the build date's month is still running
    ]
    assert extra == []


def test_a_fixed_day_chooses_first_and_more_meetings_than_plans_are_not_unplanned() -> None:
    days = [dt.date(2025, 3, d) for d in (3, 10, 17)]
    held = [Meeting(None, record(d, "党小组会")) for d in days]
    held.append(Meeting(None, record(dt.date(2025, 4, 1), "党小组会")))  # April: no plan
    held.append(Meeting(None, record(dt.date(2025, 4, 2), "理论学习")))  # not judged: never unplanned
    planned = [plan("2025-03", "党小组会", line=1), plan("2025-03", "党小组会", dt.date(2025, 3, 17), line=2)]
    entries, extra = match(planned, held, JUDGED, dt.date(2025, 12, 1))
    assert [[m.day for m in e.meetings] for e in entries] == [[days[0], days[1]], [days[2]]]
    assert [m.day for m in extra] == [dt.date(2025, 4, 1)]
    assert (
        worklog("b", 2025, [], held, JUDGED, dt.date(2025, 12, 1)).unplanned == ()
    )  # no plan, nothing 计划外


@pytest.fixture(scope="module")
def demo() -> tuple[Content, Review]:
    content, problems = load_content(ROOT, SETTINGS)
    assert problems.items == []
    published, _ = select_published(content, review_required=True)
    return content, evaluate(list(content.branches.values()), published, TYPES, DAY, content.records)


def test_the_demo_plans_show_every_status(demo: tuple[Content, Review]) -> None:
    content, review = demo
    assert {p.branch_id: Path(p.source).suffix for p in content.plans} == {
        "jg1": ".yaml",
        "jg2": ".csv",
        "xs-bk2": ".xlsx",
    }
    logs = {
        b: worklog(b, 2026, content.plans, review.meetings, JUDGED, DAY) for b in ("jg1", "jg2", "xs-bk2")
    }
    status = {(b, e.plan.month, e.plan.type): e.status for b, log in logs.items() for e in log.entries}
    assert status[("jg1", "2026-01", "支委会")] == DONE  # record and a news item with a photo
    assert status[("jg1", "2026-02", "支委会")] == NO_PHOTO  # its news has no photo
    assert status[("jg2", "2026-01", "支委会")] == NO_RECORD  # jg2 keeps no register
    assert status[("jg2", "2026-03", "志愿服务")] == DONE  # no rule: the news with its photo is enough
    assert status[("jg1", "2026-09", "志愿服务")] == NOT_HELD
    assert status[("jg1", "2026-12", "支委会")] == DUE
    assert Counter(status.values()).keys() == {DONE, NO_PHOTO, NO_RECORD, NOT_HELD, DUE}
    unplanned = {(m.day, m.type) for m in logs["jg2"].unplanned}
    assert (
        dt.date(2026, 3, 25),
        "支委会",
    ) in unplanned  # a second 支委会 in March, which the plan gives once
    assert all(m.type in JUDGED for log in logs.values() for m in log.unplanned)


# --- the sites -------------------------------------------------------------------------------------


def test_plans_build_internal_pages_and_nothing_public(site: SiteProject) -> None:
    site.item("jg1", "2025-03-13-zhiweihui.md", "title: 三月支委会\ntype: 支委会\nreviewer: 王芳")
    write(
        site.root / "branches/jg1/records/2025.yaml",
        "- {日期: 2025-03-13, 活动类型: 支委会, 主题: 三月支委会记录}\n",
    )
    write(
        site.root / PLANS / "2025.yaml",
        "- {月份: 2025-03, 活动类型: 支委会, 主题: 计划里的三月支委会}\n- {月份: 2025-04, 活动类型: 党课, 主题: 计划里的四月党课}\n",
    )
    before = tree_hashes(site.root / "branches")
    env = {"SOURCE_DATE_EPOCH": str(int(dt.datetime(2025, 5, 10, 12).timestamp()))}
    public = site.build(env=env)
    assert public.returncode == 0, public.stderr
    for path in (site.root / "site").rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".csv"):
            text = path.read_text(encoding="utf-8")
            assert "计划里的" not in text and "工作纪实" not in text, path
    assert not list((site.root / "site").rglob("*.docx"))
    internal = site.build(env={**env, "BRANCHES_EDITION": "internal"})
    assert internal.returncode == 0, internal.stderr
    page = site.html("review/worklog/jg1/2025/")
    assert "计划里的三月支委会" in page and "计划里的四月党课" in page
    assert 'data-status="photo"' in page and 'data-status="missed"' in page  # no photo; April has passed
    assert 'href="../ledger-2025.docx" download="教工第一党支部2025年工作台账.docx"' in page
    assert (site.root / "site/review/worklog/jg1/ledger-2025.docx").is_file()
    assert 'href="../../worklog/jg1/2025/"' in site.html("review/branches/jg1/")
    dashboard = site.html("review/")
    assert "本月和下月计划" in dashboard and 'href="../review/worklog/jg1/2025/"' not in dashboard
    assert 'href="worklog/jg1/2025/"' in dashboard and "1/1/0" in dashboard  # 未开展/缺影像/缺记录
    assert tree_hashes(site.root / "branches") == before


def test_a_plan_error_stops_check_and_build_alike(site: SiteProject) -> None:
    write(site.root / PLANS / "2025.yaml", "- {月份: 2025-03, 活动类型: 支委会}\n")
    message = f"{PLANS}/2025.yaml:1: 缺少必填的键“主题”（topic）"
    checked = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check"], cwd=site.root, capture_output=True, text=True
    )
    assert checked.returncode == 1 and message in checked.stdout
    built = site.build()
    assert built.returncode != 0 and message in built.stderr and "Traceback" not in built.stderr


def test_the_demo_internal_edition_links_each_branch_s_worklog(demo_internal: Path) -> None:
    year = build_date(os.environ.get("SOURCE_DATE_EPOCH")).year
    page = (demo_internal / f"review/worklog/jg1/{year}/index.html").read_text(encoding="utf-8")
    assert "工作纪实" in page and f"ledger-{year}.docx" in page
    detail = (demo_internal / "review/branches/jg1/index.html").read_text(encoding="utf-8")
    assert f'href="../../worklog/jg1/{year}/"' in detail
    assert "本月和下月计划" in (demo_internal / "review/index.html").read_text(encoding="utf-8")


# --- the 台账 ---------------------------------------------------------------------------------------


def table_rows(table: docx.table.Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def test_the_demo_ledger_reopens_with_its_parts_in_order(demo_internal: Path) -> None:
    today = build_date(os.environ.get("SOURCE_DATE_EPOCH"))
    year = today.year
    path = demo_internal / f"review/worklog/jg1/ledger-{year}.docx"
    document = docx.Document(str(path))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == list(HEADINGS)
    assert (
        document.paragraphs[[p.style.name for p in document.paragraphs].index("Title")].text
        == "管理学院教工第一党支部"
    )
    styles = document.styles.element.xml
    assert 'w:eastAsia="宋体"' in styles and 'w:eastAsia="黑体"' in styles
    assert "PAGE" in section.footer._element.xml and "TOC \\o" in document.element.xml

    content, _ = load_content(ROOT, SETTINGS)
    published, _ = select_published(content, review_required=True)
    review = evaluate(list(content.branches.values()), published, TYPES, today, content.records)
    tables = [table_rows(t) for t in document.tables]
    plan_table = next(t for t in tables if tuple(t[0]) == PLAN_COLUMNS)
    register = next(t for t in tables if tuple(t[0]) == REGISTER_COLUMNS)
    own = [r for r in content.records if r.branch_id == "jg1" and r.when.date.year == year]
    assert [row[2] for row in register[1:]] == [r.topic for r in own]
    assert register[1][:3] == [
        f"{own[0].when.date.month}月{own[0].when.date.day}日",
        own[0].type,
        own[0].topic,
    ]
    log = worklog("jg1", year, content.plans, review.meetings, JUDGED, today)
    assert [(row[1], row[2], row[4]) for row in plan_table[1:]] == [
        (e.plan.type, e.plan.topic, e.status) for e in log.entries
    ]
    shown = [
        (p, m.item)
        for m in review.meetings
        if m.item and m.branch_id == "jg1" and m.day.year == year
        for p in m.item.photos
    ]
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert len(document.inline_shapes) == len(shown) + 1  # and the brand's mark on the cover
    assert captions == [f"图 {n}　{p.caption or item.title}" for n, (p, item) in enumerate(shown, 1)]
    assert len(shown) >= 5


def test_the_ledger_command_writes_a_new_file_and_never_overwrites(tmp_path: Path) -> None:
    before = tree_hashes(ROOT / "branches")
    command = [sys.executable, "-m", "mkdocs_branches", "ledger", "jg2", "--year", "2026", "--quarter", "1"]
    command += ["-f", str(ROOT / "mkdocs.yml"), "-o", "台账.docx"]
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(dt.datetime(2026, 12, 6, 12).timestamp()))}
    first = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("已生成 台账.docx（")
    assert "2026年第一季度，计划 4 项" in first.stdout
    document = docx.Document(str(tmp_path / "台账.docx"))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == list(HEADINGS)
    plan_table = next(table_rows(t) for t in document.tables if tuple(table_rows(t)[0]) == PLAN_COLUMNS)
    assert [row[4] for row in plan_table[1:]] == [NO_RECORD, NO_RECORD, NO_RECORD, DONE]
    assert "2026年第一季度组织生活工作台账" in [p.text for p in document.paragraphs]
    data = (tmp_path / "台账.docx").read_bytes()
    again = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, env=env)
    assert (
        again.returncode != 0 and "已经存在，没有覆盖它" in again.stderr and "Traceback" not in again.stderr
    )
    assert (tmp_path / "台账.docx").read_bytes() == data
    unknown = subprocess.run(
        [*command[:4], "jg9", *command[5:]], cwd=tmp_path, capture_output=True, text=True
    )
    assert unknown.returncode != 0 and "没有编号为“jg9”的支部" in unknown.stderr
    assert tree_hashes(ROOT / "branches") == before


def test_a_ledger_is_made_again_only_when_what_it_shows_changes(tmp_path: Path) -> None:
    from mkdocs_branches.ledger import Ledger, cached
    from mkdocs_branches.model import Branch
    from mkdocs_branches.worklog import Worklog

    branch = Branch("b", "教工党支部", "红色引擎", "branches/b/index.md")
    book = Ledger(branch, 2025, None, DAY, Worklog("b", 2025, (), ()), [], [], [], {}, None)
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"docx %d" % len(made)

    assert cached(book, ("01.jpg",), tmp_path, make) == b"docx 1"
    assert cached(book, ("01.jpg",), tmp_path, make) == b"docx 1" and len(made) == 1
    assert cached(book, ("02.jpg",), tmp_path, make) == b"docx 2"  # another photo
    book.records.append(record(dt.date(2025, 3, 8)))
    assert cached(book, ("02.jpg",), tmp_path, make) == b"docx 3"  # another record
    assert len(list((tmp_path / "ledgers").iterdir())) == 1  # the documents made before are gone
