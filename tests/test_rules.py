"""Compliance periods, brand completeness, CSV exports, Atom feeds and the review pages."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
from mkdocs_branches.config import ActivityType, Rule
from mkdocs_branches.dates import PartialDate, When
from mkdocs_branches.feeds import atom_feed, stamp
from mkdocs_branches.index import build_site
from mkdocs_branches.model import DRAFT, Branch, Content, Honor, MeetingRecord, NewsItem
from mkdocs_branches.pages import Build, Edition, Options
from mkdocs_branches.pages.review import BranchReview, Dashboard, Queue, Report
from mkdocs_branches.pages.reviewing import report_uri
from mkdocs_branches.periods import months_of_year, period_display, period_of, periods_between
from mkdocs_branches.rules import (
    COMPLETENESS_PARTS,
    PeriodResult,
    activity_counts,
    attendance,
    completeness,
    completeness_rate,
    compliance,
    evaluate,
    grids,
    month_cells,
    pair,
    pending,
    percent,
    summarize,
    years_judged,
)
from mkdocs_branches.sheets import activity_csv, summary_csv, to_excel_bytes

D = dt.date
ATOM = "{http://www.w3.org/2005/Atom}"

MONTHLY = ActivityType("支委会", "zhiweihui", Rule("month"))
QUARTERLY = ActivityType("支部党员大会", "dangyuan-dahui", Rule("quarter"))
LESSON = ActivityType("党课", "dangke", Rule("quarter", 2))
YEARLY = ActivityType("组织生活会", "zuzhi-shenghuohui", Rule("year"))
FREE = ActivityType("志愿服务", "zhiyuan-fuwu", None)
TYPES = [MONTHLY, QUARTERLY, LESSON, YEARLY, FREE]


def branch(id: str = "jg1", **kwargs: object) -> Branch:
    kwargs.setdefault("name", f"{id} 党支部")
    kwargs.setdefault("brand", f"{id} 品牌")
    return Branch(id=id, source=f"branches/{id}/index.md", **kwargs)  # type: ignore[arg-type]


def item(
    day: str,
    type: str = "支委会",
    branch_id: str = "jg1",
    slug: str = "",
    status: str = "published",
    reviewer: str = "王审核",
    time: dt.time | None = None,
    **kwargs: object,
) -> NewsItem:
    slug = slug or f"{type}-{day}"
    return NewsItem(
        branch_id=branch_id,
        slug=slug,
        source=f"branches/{branch_id}/news/{day}-{slug}.md",
        title=kwargs.pop("title", f"{type} {day}"),  # type: ignore[arg-type]
        when=When(D.fromisoformat(day), time),
        type=type,
        status=status,
        reviewer=reviewer,
        **kwargs,  # type: ignore[arg-type]
    )


def table(results: list[PeriodResult], type: str) -> list[tuple[str, int, bool, bool]]:
    return [(r.period, r.count, r.met, r.in_progress) for r in results if r.type == type]


def record(
    day: str, type: str = "支委会", branch_id: str = "jg1", line: int = 2, **kwargs: object
) -> MeetingRecord:
    return MeetingRecord(
        branch_id=branch_id,
        source=f"branches/{branch_id}/records/2024.csv",
        line=line,
        when=When(D.fromisoformat(day)),
        type=type,
        topic=str(kwargs.pop("topic", f"{type}会议 {day}")),
        **kwargs,  # type: ignore[arg-type]
    )


# --- periods -------------------------------------------------------------------------------------


def test_period_labels() -> None:
    assert period_of(D(2024, 3, 5), "month") == "2024-03"
    assert period_of(D(2024, 3, 31), "quarter") == "2024-Q1"
    assert period_of(D(2024, 4, 1), "quarter") == "2024-Q2"
    assert period_of(D(2024, 12, 31), "quarter") == "2024-Q4"
    assert period_of(D(2024, 12, 31), "year") == "2024"
    with pytest.raises(ValueError):
        period_of(D(2024, 1, 1), "week")


def test_periods_between() -> None:
    assert periods_between(D(2023, 11, 20), D(2024, 2, 1), "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    ]
    assert periods_between(D(2023, 12, 31), D(2024, 4, 1), "quarter") == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert periods_between(D(2022, 6, 1), D(2024, 1, 1), "year") == ["2022", "2023", "2024"]
    assert periods_between(D(2024, 3, 1), D(2024, 3, 31), "month") == ["2024-03"]
    assert periods_between(D(2024, 5, 1), D(2024, 3, 1), "month") == []


def test_period_display() -> None:
    assert period_display("2024-03") == "2024年3月"
    assert period_display("2024-Q1") == "2024年第一季度"
    assert period_display("2024") == "2024年"
    assert months_of_year(2024, D(2024, 3, 9)) == ["2024-01", "2024-02", "2024-03"]
    assert len(months_of_year(2023, D(2024, 3, 9))) == 12
    assert months_of_year(2025, D(2024, 3, 9)) == []


# --- compliance ----------------------------------------------------------------------------------


def test_counts_and_met_per_period() -> None:
    items = [
        item("2024-01-10"),
        item("2024-02-05", slug="a"),
        item("2024-02-20", slug="b"),  # two 支委会 in one month: count 2, met
        item("2024-03-31", "支部党员大会"),  # a quarter's last day belongs to that quarter
    ]
    results = compliance([branch()], items, [MONTHLY, QUARTERLY], D(2024, 4, 15))
    assert table(results, "支委会") == [
        ("2024-01", 1, True, False),
        ("2024-02", 2, True, False),
        ("2024-03", 0, False, False),
        ("2024-04", 0, False, True),
    ]
    assert table(results, "支部党员大会") == [("2024-Q1", 1, True, False), ("2024-Q2", 0, False, True)]
    assert all(r.required == 1 and r.branch_id == "jg1" for r in results)
    # ordered by type (as configured), then period
    assert [r.type for r in results] == ["支委会"] * 4 + ["支部党员大会"] * 2


def test_judging_starts_with_the_first_item_not_founded() -> None:
    early = branch("early", founded=PartialDate(2010, 9))  # founded long before its first item
    late = branch("late", founded=PartialDate(2030))  # "founded" after its first item: ignored
    items = [item("2024-07-03", branch_id="early"), item("2024-07-03", branch_id="late")]
    results = compliance([early, late], items, [MONTHLY, QUARTERLY, YEARLY], D(2024, 9, 10))
    for bid in ("early", "late"):
        own = [r for r in results if r.branch_id == bid]
        assert [r.period for r in own if r.type == "支委会"] == ["2024-07", "2024-08", "2024-09"]
        assert [r.period for r in own if r.type == "支部党员大会"] == ["2024-Q3"]
        assert [r.period for r in own if r.type == "组织生活会"] == ["2024"]


def test_drafts_and_future_items_do_not_count() -> None:
    items = [
        item("2024-01-09", status=DRAFT, slug="draft-first"),  # a draft does not start the judging either
        item("2024-02-10"),
        item("2024-03-02", status=DRAFT),
        item("2024-04-20", slug="future"),  # after the build date
    ]
    results = compliance([branch()], items, [MONTHLY], D(2024, 4, 15))
    assert table(results, "支委会") == [
        ("2024-02", 1, True, False),
        ("2024-03", 0, False, False),
        ("2024-04", 0, False, True),
    ]


def test_running_period_is_in_progress_not_unmet() -> None:
    items = [item("2024-01-10"), item("2024-03-01", "志愿服务")]
    b = branch()
    results = compliance([b], items, TYPES, D(2024, 3, 15))
    (summary,) = summarize([b], results, items, D(2024, 3, 15))
    # 支委会 01 met, 02 unmet, 03 in progress; 党员大会, 党课 and 组织生活会 only have running periods
    assert summary.judged == 2
    assert summary.met == 1
    assert summary.unmet == 1
    assert summary.rate == 0.5
    assert summary.rate_text == "50%"
    assert summary.unmet_periods == (("支委会", "2024-02"),)
    assert summary.in_progress == 4
    assert not summary.no_activity
    running = [r for r in results if r.in_progress]
    assert {(r.type, r.period) for r in running} == {
        ("支委会", "2024-03"),
        ("支部党员大会", "2024-Q1"),
        ("党课", "2024-Q1"),
        ("组织生活会", "2024"),
    }
    assert all(r.state == "open" and r.label == "进行中" for r in running)
    # a type without a rule is never judged
    assert not [r for r in results if r.type == "志愿服务"]


def test_in_progress_period_that_is_already_met() -> None:
    results = compliance([branch()], [item("2024-03-02")], [MONTHLY], D(2024, 3, 15))
    assert table(results, "支委会") == [("2024-03", 1, True, True)]
    (summary,) = summarize([branch()], results, [item("2024-03-02")], D(2024, 3, 15))
    assert (summary.judged, summary.met, summary.unmet, summary.rate) == (0, 0, 0, None)
    assert summary.status == "首期进行中"


def test_yearly_rule() -> None:
    items = [item("2022-12-28", "组织生活会"), item("2024-01-15", "组织生活会")]
    results = compliance([branch()], items, [YEARLY], D(2024, 6, 1))
    assert table(results, "组织生活会") == [
        ("2022", 1, True, False),
        ("2023", 0, False, False),
        ("2024", 1, True, True),
    ]


def test_rule_with_two_times() -> None:
    items = [
        item("2024-02-01", "党课"),
        item("2024-04-01", "党课", slug="a"),
        item("2024-06-30", "党课", slug="b"),
    ]
    results = compliance([branch()], items, [LESSON], D(2024, 7, 1))
    assert table(results, "党课") == [
        ("2024-Q1", 1, False, False),
        ("2024-Q2", 2, True, False),
        ("2024-Q3", 0, False, True),
    ]
    assert all(r.required == 2 for r in results)


def test_branch_without_items() -> None:
    quiet = branch("quiet")
    results = compliance([quiet], [item("2024-01-01")], TYPES, D(2024, 3, 1))
    assert results == []
    (summary,) = summarize([quiet], results, [item("2024-01-01")], D(2024, 3, 1))
    assert summary.no_activity
    assert summary.status == "暂无活动"
    assert (summary.judged, summary.rate, summary.rate_text) == (0, None, "—")


def test_grids_group_types_by_period_kind() -> None:
    items = [item("2024-01-10"), item("2024-02-01", "支部党员大会")]
    results = compliance([branch()], items, [MONTHLY, QUARTERLY, YEARLY], D(2024, 2, 10))
    month, quarter, year = grids(results, "jg1")
    assert (month.kind, month.types, [p for p, _ in month.rows]) == (
        "month",
        ("支委会",),
        ["2024-01", "2024-02"],
    )
    assert [c.state for _, cells in month.rows for c in cells if c] == ["met", "open"]
    assert (quarter.kind, quarter.types) == ("quarter", ("支部党员大会",))
    assert (year.kind, year.types) == ("year", ("组织生活会",))
    assert grids(results, "jg1", year=2023) == []


def test_activity_counts_cover_every_type() -> None:
    items = [
        item("2024-01-10"),
        item("2024-01-20", slug="b"),
        item("2024-02-02", "志愿服务"),
        item("2024-02-03", "其他类型"),
        item("2024-02-04", status=DRAFT, slug="d"),
        item("2023-12-30", slug="old"),
        item("2024-02-05", branch_id="other"),
    ]
    counts = activity_counts(items, "jg1", [MONTHLY, FREE], ["2024-01", "2024-02"])
    assert counts.rows == (("支委会", (2, 0), 2), ("志愿服务", (0, 1), 1), ("其他类型", (0, 1), 1))
    assert counts.totals == (2, 2)
    assert counts.total == 4


# --- meetings: news and the register, each meeting once ----------------------------------------


def test_a_meeting_in_the_news_and_the_register_counts_once() -> None:
    reported = item("2024-01-10", slug="reported")
    also = item("2024-02-14", slug="also")  # reported too, the record names no item: same day and type
    records = [
        record("2024-01-10", news=reported.source, line=2),
        record("2024-02-14", line=3),
        record("2024-02-20", line=4),  # only in the register
        record("2024-03-05", "党小组会", news=also.source, line=5),  # names an item of another type
    ]
    meetings = pair([reported, also], records)
    assert [(m.day.isoformat(), m.item is not None, m.record is not None) for m in meetings] == [
        ("2024-01-10", True, True),
        ("2024-02-14", True, True),
        ("2024-02-20", False, True),
        ("2024-03-05", False, True),
    ]
    results = compliance([branch()], [reported, also], [MONTHLY], D(2024, 4, 15), records)
    assert table(results, "支委会") == [
        ("2024-01", 1, True, False),
        ("2024-02", 2, True, False),
        ("2024-03", 0, False, False),  # the 党小组会 record does not count for 支委会
        ("2024-04", 0, False, True),
    ]
    february = next(r for r in results if r.period == "2024-02")
    assert (february.news, february.records) == (1, 2)
    assert [m.item.title if m.item else m.record.topic for m in february.meetings if m.item or m.record] == [
        "支委会 2024-02-14",
        "支委会会议 2024-02-20",
    ]


def test_the_register_keeps_a_branch_compliant_that_publishes_less() -> None:
    news = [item("2024-01-10"), item("2024-03-12", slug="b")]
    register = [record(f"2024-0{m}-08", line=m) for m in (1, 2, 3)]
    only_news = compliance([branch()], news, [MONTHLY], D(2024, 4, 1))
    with_register = compliance([branch()], news, [MONTHLY], D(2024, 4, 1), register)
    assert [r.met for r in only_news if not r.in_progress] == [True, False, True]
    assert [r.met for r in with_register if not r.in_progress] == [True, True, True]
    (summary,) = summarize([branch()], with_register, news, D(2024, 4, 1), register)
    assert (summary.judged, summary.met, summary.rate_text) == (3, 3, "100%")


def test_a_review_judges_again_only_the_branches_whose_records_changed() -> None:
    """`serve` keeps each branch's share of the review (`memo`): an item edited in one branch judges that
    branch again; the others' shares are last build's, and the whole equals a review made afresh."""
    branches = [branch("jg1"), branch("xs1")]
    news = [item(f"2024-0{m}-10", slug=f"a{m}") for m in (1, 2, 3)]
    news += [item("2024-02-05", branch_id="xs1", slug="x")]
    register = [record("2024-01-20", type="支部党员大会"), record("2024-02-05", branch_id="xs1")]
    memo: dict = {}
    first = evaluate(branches, news, TYPES, D(2024, 4, 1), register, memo)
    shares = {key: part for key, (_, part) in memo.items()}
    edited = [
        *news[:2],
        item("2024-03-10", slug="a3", title="改过的标题"),
        news[3],
    ]  # a new record, as the loader makes
    again = evaluate(branches, edited, TYPES, D(2024, 4, 1), register, memo)
    assert memo["xs1"][1] is shares["xs1"] and memo["jg1"][1] is not shares["jg1"]
    fresh = evaluate(branches, edited, TYPES, D(2024, 4, 1), register)
    assert (again.results, again.summaries, again.completeness) == (
        fresh.results,
        fresh.summaries,
        fresh.completeness,
    )
    assert again.meetings == fresh.meetings and [m.day for m in again.meetings] == sorted(
        m.day for m in fresh.meetings
    )
    assert again.results == first.results  # a title is not a count
    evaluate(branches[1:], edited, TYPES, D(2024, 4, 1), register, memo)
    assert set(memo) == {"xs1"}  # a branch gone is forgotten


def test_records_start_the_judging_and_make_a_branch_active() -> None:
    quiet = branch("quiet")
    register = [record("2024-02-03", branch_id="quiet")]
    results = compliance([quiet], [], [MONTHLY], D(2024, 3, 10), register)
    assert table(results, "支委会") == [("2024-02", 1, True, False), ("2024-03", 0, False, True)]
    (summary,) = summarize([quiet], results, [], D(2024, 3, 10), register)
    assert not summary.no_activity
    # a draft named by a record does not count, the record does; a record after the build date does not
    draft = item("2024-02-03", status=DRAFT, branch_id="quiet", slug="d")
    later = record("2024-03-20", branch_id="quiet", line=9)
    counted = compliance([quiet], [draft], [MONTHLY], D(2024, 3, 10), [*register, later])
    assert table(counted, "支委会") == table(results, "支委会")


def test_month_cells() -> None:
    b = branch()
    news = [item("2024-02-05"), item("2024-03-31", "支部党员大会")]
    register = [record("2024-03-06", "党小组会"), record("2024-05-02", "党小组会", line=3)]
    build = D(2024, 6, 15)
    review = evaluate([b], news, [MONTHLY, QUARTERLY], build, register)
    cells = month_cells(review.results, review.meetings, "jg1", 2024, build)
    assert [(c.month, c.state, c.meetings) for c in cells] == [
        ("2024-01", "idle", 0),  # before the first meeting
        ("2024-02", "met", 1),
        ("2024-03", "unmet", 2),  # 支委会 missed, though the quarter's 党员大会 was held
        ("2024-04", "none", 0),
        ("2024-05", "unmet", 1),
        ("2024-06", "open", 0),
        *((f"2024-{m:02d}", "future", 0) for m in range(7, 13)),
    ]
    march = cells[2]
    assert {(r.type, r.period, r.met) for r in march.due} == {
        ("支委会", "2024-03", False),
        ("支部党员大会", "2024-Q1", True),
    }
    assert (march.label, march.mark) == ("有未达标", "✗")
    quarterly_only = evaluate([b], news, [QUARTERLY], build, register)
    assert [
        c.state for c in month_cells(quarterly_only.results, quarterly_only.meetings, "jg1", 2024, build)
    ][1:5] == [
        "quiet",
        "met",
        "quiet",
        "quiet",
    ]
    assert years_judged(review) == [2024]


def test_attendance_from_the_register() -> None:
    register = [
        record("2024-01-08", expected=20, present=18),
        record("2024-02-08", expected=20, present=20, line=3),
        record("2024-02-09", expected=None, present=12, line=4),  # no 应到: not in the rate
        record("2024-03-01", "党小组会", expected=8, present=7, line=5),
        record("2023-12-01", expected=20, present=1, line=6),  # another year
        record("2024-01-08", branch_id="other", expected=5, present=5, line=7),
    ]
    rows = attendance(register, "jg1", 2024)
    assert [(a.type, a.meetings, a.present, a.expected, percent(a.rate)) for a in rows] == [
        ("支委会", 2, 38, 40, "95%"),
        ("党小组会", 1, 7, 8, "87.5%"),
    ]


def test_activity_counts_say_where_they_come_from() -> None:
    news = [item("2024-01-10"), item("2024-01-20", slug="b")]
    register = [record("2024-01-10"), record("2024-01-25", line=3)]
    counts = activity_counts(news, "jg1", [MONTHLY], ["2024-01"], register)
    assert counts.rows == (("支委会", (3,), 3),)
    assert (counts.total, counts.news, counts.records) == (3, 2, 2)


# --- CSV -----------------------------------------------------------------------------------------


def test_activity_csv_exact() -> None:
    items = [
        item("2024-02-10", branch_id="b2"),
        item("2024-03-31", "支部党员大会", branch_id="b2"),
        item("2024-03-05", branch_id="a1"),
    ]
    register = [record("2024-03-31", "支部党员大会", branch_id="b2"), record("2024-03-20", branch_id="a1")]
    results = compliance([branch("b2"), branch("a1")], items, [MONTHLY, QUARTERLY], D(2024, 4, 2), register)
    assert activity_csv(results, ["支委会", "支部党员大会"]) == (
        "branch,period,type,count,required,met,in_progress,news,records\n"
        "a1,2024-03,支委会,2,1,true,false,1,1\n"
        "a1,2024-04,支委会,0,1,false,true,0,0\n"
        "a1,2024-Q1,支部党员大会,0,1,false,false,0,0\n"
        "a1,2024-Q2,支部党员大会,0,1,false,true,0,0\n"
        "b2,2024-02,支委会,1,1,true,false,1,0\n"
        "b2,2024-03,支委会,0,1,false,false,0,0\n"
        "b2,2024-04,支委会,0,1,false,true,0,0\n"
        "b2,2024-Q1,支部党员大会,1,1,true,false,1,1\n"
        "b2,2024-Q2,支部党员大会,0,1,false,true,0,0\n"
    )
    excel = to_excel_bytes(activity_csv(results))
    assert excel.startswith(b"\xef\xbb\xbfbranch,period,type,count,required,met,in_progress,news,records\r\n")
    assert excel.endswith(
        b"b2,2024-Q2,\xe6\x94\xaf\xe9\x83\xa8\xe5\x85\x9a\xe5\x91\x98\xe5\xa4\xa7\xe4\xbc\x9a,0,1,false,true,0,0\r\n"
    )
    assert b"\n" not in excel.replace(b"\r\n", b"")
    assert excel.decode("utf-8-sig").replace("\r\n", "\n") == activity_csv(results)


def test_summary_csv_exact() -> None:
    full = branch(
        "a1",
        name="第一党支部",
        brand="红色引擎",
        slogan="口号",
        logo="a1/logo.png",
        logo_meaning="释义",
        secretary="李书记",
        members=12,
        partners=("社区",),
        honors=(Honor("先进党支部", 2023),),
        story="## 品牌内涵\n内涵。\n\n## 特色做法\n三步工作法。\n\n## 工作成效\n成效显著。\n",
    )
    odd = branch("b2", name='名称,含"逗号"', brand="=HYPERLINK(1)")
    items = [item("2024-01-10", branch_id="a1"), item("2024-02-10", branch_id="a1", slug="x")]
    build = D(2024, 4, 1)
    results = compliance([full, odd], items, [MONTHLY], build)
    summaries = summarize([odd, full], results, items, build)
    assert summary_csv(summaries, [full, odd]) == (
        "branch,name,brand,judged,met,unmet,rate,completeness,in_progress,no_activity,missing\n"
        "a1,第一党支部,红色引擎,3,2,1,66.7%,100%,1,false,\n"
        'b2,"名称,含""逗号""",\'=HYPERLINK(1),0,0,0,,16.7%,0,true,'
        "品牌标识、标识释义、品牌口号、品牌故事、特色做法、工作成效、荣誉、共建单位、支部书记、党员人数\n"
    )
    assert to_excel_bytes(summary_csv(summaries, [full, odd])).count(b"\r\n") == 3


# --- completeness --------------------------------------------------------------------------------


def test_completeness_parts() -> None:
    bare = branch(name="第一党支部", brand="红色引擎")
    parts = completeness(bare)
    assert [name for name, _ in parts] == list(COMPLETENESS_PARTS)
    assert [name for name, done in parts if done] == ["支部名称", "品牌名称"]
    assert percent(completeness_rate(parts)) == "16.7%"

    members_zero = completeness(branch(members=0, secretary="  "))
    assert dict(members_zero)["党员人数"] is True
    assert dict(members_zero)["支部书记"] is False


@pytest.mark.parametrize(
    ("story", "practice", "results"),
    [
        ("", False, False),
        ("<!-- 在这里写特色做法、工作成效 -->", False, False),
        ("## 特色做法\n\n## 工作成效\n", False, False),  # empty headings from a scaffold
        ("## 特色做法\n### 一、学习\n每周学习。\n## 工作成效\n<!-- 待补充 -->\n", True, False),
        ("我们总结了“三融合”工作法。\n\n取得明显成效。", True, True),
        ("# 品牌\n\n## 工作成效\n\n获评先进。\n", False, True),
    ],
)
def test_completeness_story_sections(story: str, practice: bool, results: bool) -> None:
    parts = dict(completeness(branch(story=story)))
    assert parts["特色做法"] is practice
    assert parts["工作成效"] is results


# --- feeds ---------------------------------------------------------------------------------------


def _entries(feed: bytes) -> list[ET.Element]:
    root = ET.fromstring(feed)
    assert root.tag == f"{ATOM}feed"
    return root.findall(f"{ATOM}entry")


def test_atom_feed() -> None:
    old = item("2024-03-01", title="较早")
    new = item("2024-03-13", title="</title><script>&", time=dt.time(14, 30), author="张三")
    draft = item("2024-04-01", status=DRAFT, title="草稿")
    entries = [
        (old, "branches/jg1/news/old/", None, "", ""),
        (new, "branches/jg1/news/new/", "branches/jg1/news/new/01.jpg", "摘要 <b>&", "张三"),
        (draft, "branches/jg1/news/draft/", None, "", ""),
    ]
    feed = atom_feed("红色引擎 <动态>", "branches/jg1/feed.xml", "https://example.org/site", entries)
    text = feed.decode("utf-8")
    assert "<script>" not in text
    assert "&lt;/title&gt;&lt;script&gt;&amp;" in text
    root = ET.fromstring(feed)
    assert root.findtext(f"{ATOM}title") == "红色引擎 <动态>"
    assert (
        root.find(f"{ATOM}link[@rel='self']").get("href") == "https://example.org/site/branches/jg1/feed.xml"
    )
    assert root.findtext(f"{ATOM}updated") == "2024-03-13T14:30:00+08:00"

    first, second = _entries(feed)  # newest first; the draft is left out
    assert first.findtext(f"{ATOM}title") == "</title><script>&"
    assert second.findtext(f"{ATOM}title") == "较早"
    link = first.find(f"{ATOM}link[@rel='alternate']").get("href")
    assert link == "https://example.org/site/branches/jg1/news/new/"
    assert first.findtext(f"{ATOM}id") == link
    assert first.findtext(f"{ATOM}published") == "2024-03-13T14:30:00+08:00"
    assert second.findtext(f"{ATOM}updated") == "2024-03-01T00:00:00+08:00"
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "张三"
    assert second.find(f"{ATOM}author") is None
    assert first.find(f"{ATOM}category").get("term") == "支委会"
    assert first.findtext(f"{ATOM}summary") == "摘要 <b>&"
    enclosure = first.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href") == "https://example.org/site/branches/jg1/news/new/01.jpg"
    assert enclosure.get("type") == "image/jpeg"
    content = first.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == (
        '<p><img src="https://example.org/site/branches/jg1/news/new/01.jpg" alt="&lt;/title&gt;&lt;script&gt;&amp;">'
        "</p><p>摘要 &lt;b&gt;&amp;</p>"
        '<p><a href="https://example.org/site/branches/jg1/news/new/">阅读全文</a></p>'
    )


def test_atom_feed_limit_and_relative_links() -> None:
    items = [item(f"2024-01-{day:02d}", slug=f"s{day}") for day in range(1, 21)]
    entries = [(i, f"branches/jg1/news/{i.slug}/", None, "", "") for i in items]
    feed = atom_feed("动态", "feed.xml", None, entries, limit=5)
    found = _entries(feed)
    assert [e.find(f"{ATOM}link").get("href") for e in found] == [
        f"branches/jg1/news/s{day}/" for day in (20, 19, 18, 17, 16)
    ]
    assert all(e.findtext(f"{ATOM}id").startswith("urn:uuid:") for e in found)
    nested = atom_feed("动态", "branches/jg1/feed.xml", "", entries[:1])
    (entry,) = _entries(nested)
    assert entry.find(f"{ATOM}link").get("href") == "news/s1/"


def test_feed_stamp_and_control_characters() -> None:
    assert stamp(item("2024-03-13")).isoformat() == "2024-03-13T00:00:00+08:00"
    feed = atom_feed(
        "x\x0b", "feed.xml", "https://e.org/", [(item("2024-01-01", title="a\x00b"), "n/", None, "", "")]
    )
    assert ET.fromstring(feed).findtext(f"{ATOM}entry/{ATOM}title") == "ab"


# --- pages ---------------------------------------------------------------------------------------


def _site(items: list[NewsItem], *branches: Branch):
    content = Content({b.id: b for b in branches}, items)
    published = [i for i in items if not i.is_draft and i.reviewer]
    site = build_site(content, published, "branches", TYPES, 20)
    return site, published


def _build(site, review, use_directory_urls: bool, items: list[NewsItem] | None = None) -> Build:
    content = Content({b.id: b for b in site.branches}, items or [])
    options = Options("测试学院", None, use_directory_urls, Edition.INTERNAL, types=tuple(TYPES))
    return Build(options, content, site, review)


def test_review_pages() -> None:
    evil = branch("jg1", brand="<script>alert(1)</script>", name="一支部 & 二", logo_meaning="<b>x</b>")
    quiet = branch("quiet", brand="静")
    items = [
        item("2024-01-10"),
        item("2024-03-05", "党课", title="党课<script>"),
        item("2024-03-08", status=DRAFT, title="草稿<i>标题</i>", slug="d"),
        item("2024-03-09", reviewer="", title="未审核", slug="u", branch_id="quiet"),
    ]
    site, published = _site(items, evil, quiet)
    build = D(2024, 3, 20)
    review = evaluate(site.branches, published, TYPES, build)
    built = _build(site, review, True, items)

    (year_page,) = Dashboard.every(built)
    assert (year_page.uri, year_page.in_nav) == ("review/index.md", True)
    dashboard = year_page.render(built, "", "review/")
    assert "<script>" not in dashboard
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dashboard
    row = dashboard[dashboard.index('<tr data-branch="jg1">') :].split("</tr>")[0]
    assert 'data-month="2024-01" data-state="met"' in row
    assert 'data-month="2024-02" data-state="none"' in row  # no 支委会 and nothing else that month
    assert 'data-month="2024-03" data-state="open"' in row
    assert 'data-month="2024-04" data-state="future"' in row
    assert "2024年2月：无活动，0 次活动；支委会未达标" in row  # what a screen reader hears
    assert 'href="branches/jg1/"' in row  # the branch's detail
    assert 'href="reports/jg1/"' in row  # its brand report, behind its completeness
    quiet_row = dashboard[dashboard.index('<tr data-branch="quiet">') :].split("</tr>")[0]
    assert "暂无活动" in quiet_row and 'data-state="idle"' in quiet_row
    assert 'href="activity.csv"' in dashboard
    assert 'href="summary.csv"' in dashboard

    detail = BranchReview.of(evil, site).render(built, "", "review/branches/jg1/")
    assert "<script>" not in detail
    assert '<td class="bb-met" data-period="2024-01"' in detail
    assert '<td class="bb-unmet" data-period="2024-02"' in detail
    assert '<td class="bb-open" data-period="2024-03"' in detail
    assert '<td class="bb-open" data-period="2024-Q1"' in detail
    counted = r'<li>1月10日 <a href="\.\./\.\./\.\./branches/jg1/news/[^"]+/">支委会 2024-01-10</a> <span class="bb-src">新闻</span>'
    assert re.search(counted, detail)
    assert 'href="../../"' in detail  # back to the dashboard

    report = Report.of(evil, site).render(built, "", "review/reports/jg1/")
    assert "<script>" not in report
    assert "<b>" not in report
    assert "&lt;b&gt;x&lt;/b&gt;" in report
    assert "品牌建设报告" in report
    assert 'href="../../"' in report  # back to the dashboard
    assert '<th scope="col">3月</th>' in report
    assert '<td class="bb-unmet" data-period="2024-02"' in report
    assert report_uri("jg1") == "review/reports/jg1.md"

    queue = Queue().render(built, "", "review/pending/")
    assert "<i>" not in queue
    assert "草稿&lt;i&gt;标题&lt;/i&gt;" in queue
    assert "branches/jg1/news/2024-03-08-d.md" in queue
    assert "branches/quiet/news/2024-03-09-u.md" in queue
    assert ">草稿</span>" in queue
    assert ">待审核</span>" in queue
    assert "党课&lt;script&gt;" not in queue  # published items are not waiting
    assert [b.id for b in site.branches] == ["quiet", "jg1"]  # by name: "quiet 党支部" < "一支部 & 二"
    assert queue.index('id="bb-queue-quiet"') < queue.index('id="bb-queue-jg1"')
    assert [i.title for i in pending(items, review_required=False)] == ["草稿<i>标题</i>"]


def test_dashboard_folds_earlier_years() -> None:
    b = branch()
    items = [item("2023-12-05"), item("2024-01-10")]
    site, published = _site(items, b)
    built = _build(site, evaluate(site.branches, published, [MONTHLY], D(2024, 2, 3)), False)
    this_year, last_year = Dashboard.every(built)  # the build date's year first
    assert (this_year.uri, this_year.year, this_year.in_nav) == ("review/index.md", 2024, True)
    assert (last_year.uri, last_year.year, last_year.in_nav) == ("review/2023.md", 2023, False)
    page = this_year.render(built, "", "review/index.html")
    assert 'data-month="2024-01" data-state="met"' in page and "2023-12" not in page
    assert '<span aria-current="page">2024年</span><a href="2023.html">2023年</a>' in page
    assert 'href="reports/jg1.html"' in page
    earlier = last_year.render(built, "", "review/2023.html")
    assert 'data-month="2023-12" data-state="met"' in earlier
    assert 'data-month="2023-11" data-state="idle"' in earlier
    assert '<a href="index.html">2024年</a><span aria-current="page">2023年</span>' in earlier
    detail = BranchReview.of(b, site).render(built, "", "review/branches/jg1.html")
    current, _, folded = detail.partition('<details class="bb-past" id="y2023">')
    assert 'data-period="2024-01"' in current and 'data-period="2023-12"' in folded
