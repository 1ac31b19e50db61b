#!/usr/bin/env python3
"""Create the demo college's meeting registers and the editors' register template.

Usage:
    python scripts/make_demo_records.py [--force] [--dry-run]

Four demo branches keep a register (``branches/<id>/records/``), one file per year, 2024 to
November 2026, each in the format its 组织委员 would use:

* ``jg1``: YAML (``2024.yaml`` …), Chinese keys;
* ``jg3``: CSV as Excel saves it on Chinese Windows (GBK, CRLF, dates like 2025/3/24);
* ``ltx``: CSV UTF-8 with a BOM (Excel's “CSV UTF-8”);
* ``xs-bk2``: .xlsx with a title row above the header, date cells and a few dates typed as text.

A register holds every 支委会, 党小组会 (one per 党小组) and 主题党日 of every month, a 支部党员大会 and a
党课 every quarter, and the yearly 组织生活会 and 民主评议. A meeting that made the news (read with the
project's own loader) is registered on the news item's date with its type, its attendance as the
news tells it (“应到正式党员23人，实到20人”), and most of the time a ``新闻`` link to the item; the
rest are made up, seeded by the branch id. These branches' news alone misses most monthly meetings;
with their registers every finished period is met.

Also writes ``docs/files/组织生活记录模板.xlsx`` (and a ``.csv`` twin): the header row and one example
row, for editors to copy.

Deterministic: the same content gives the same bytes (fixed timestamps inside the .xlsx files; openpyxl
writes other, equivalent XML when lxml is not installed).
The script only creates files: existing ones are left alone unless ``--force`` is given.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import random
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from make_plan_template import NAME, workbook_bytes
from make_plan_template import template_csv as plan_csv
from make_plan_template import template_xlsx as plan_xlsx
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES
from mkdocs_branches.loader import Settings, load_content
from mkdocs_branches.model import NewsItem
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST = dt.date(2024, 1, 1), dt.date(2026, 11, 30)  # the registers' span: to the last finished month
COLUMNS = ("日期", "活动类型", "主题", "主持人", "记录人", "应到", "实到", "缺席", "地点", "新闻", "备注")
KEYS = ("date", "type", "topic", "host", "recorder", "expected", "present", "absent", "place", "news", "note")
MONTHLY, QUARTERLY, YEARLY = ("支委会", "主题党日"), ("支部党员大会", "党课"), ("组织生活会", "民主评议")


@dataclass(frozen=True)
class Plan:
    """One branch's register: who sits where, and how the 组织委员 keeps it."""

    writer: str  # yaml | csv-gbk | csv-bom | xlsx
    kind: str  # 教工 | 学生 | 离退休: what reasons for absence and topics look like
    committee: tuple[str, ...]  # 支委: the secretary first, the 组织委员 (who keeps the register) second
    groups: tuple[tuple[str, str], ...]  # 党小组 and its leader
    voters: int  # 正式党员: expected at a 支部党员大会
    rooms: tuple[str, ...]
    annual_month: int = 1  # when the year's 组织生活会 and 民主评议 are held (1: for the year before)
    away: str = ""  # a member who lives elsewhere and is always excused (离退休)


PLANS = {
    "jg1": Plan(
        "yaml",
        "教工",
        ("陈立华", "王海燕", "赵文博", "刘峻"),
        (("第一党小组", "何静"), ("第二党小组", "刘峻")),
        23,
        ("经管楼B213会议室", "经管楼B302研讨室", "学院党员活动室"),
    ),
    "jg3": Plan(
        "csv-gbk",
        "教工",
        ("杨帆", "邱敏", "石磊"),
        (("机关党小组", "邱敏"), ("教辅党小组", "石磊")),
        14,
        ("行政楼305会议室", "机关党员活动室"),
    ),
    "ltx": Plan(
        "csv-bom",
        "离退休",
        ("徐德明", "林秀英", "顾国平"),
        (("校本部党小组", "张桂兰"), ("南湖党小组", "韦建军")),
        31,
        ("离退休活动中心", "老干部活动室"),
        away="孙振华",
    ),
    "xs-bk2": Plan(
        "xlsx",
        "学生",
        ("刘思远", "彭雨欣", "蔡俊豪", "田甜"),
        (("大二党小组", "宋佳怡"), ("大三党小组", "姜雨萌"), ("大四党小组", "何子轩")),
        32,
        ("学生党员活动室", "经管楼A108教室"),
        annual_month=12,
    ),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = {
    "教工": "建华 丽娟 海涛 晓燕 志刚 文静 国庆 红梅 振宇 雪梅 立新 春燕 明辉 秀丽 伟 静 峰 敏 磊 琳 军 慧 勇 婷 一凡 思远 宏伟 晓东 亚楠 卫东",
    "学生": "雨欣 俊豪 子涵 浩然 欣怡 梓轩 思彤 宇航 佳琪 博文 诗涵 一诺 子墨 可馨 天佑 雨桐 明轩 若曦 嘉怡 昊天 语嫣 泽宇 梦瑶 晨阳 欣然 皓轩 佳慧 子豪 书瑶 锦程",
    "离退休": "德明 桂兰 秀英 建国 淑珍 振华 玉兰 国平 凤英 志明 秀珍 福生 丽华 文华 桂芳 永清 素芬 宝山 翠兰 长林 惠芳 光明 淑英 金生 秀云 洪涛 月娥 树森 玉珍 连生",
}
REASONS = {
    "教工": ("出差", "外出培训", "病假", "事假", "出国访学", "监考", "带学生实习"),
    "学生": ("外出实习", "病假", "事假", "参加竞赛", "校外联合培养", "课程冲突"),
    "离退休": ("住院治疗", "行动不便", "病假", "外地探亲", "随子女在外地居住"),
}

# Made-up topics, by month where the season says what a branch does.
COMMITTEE_TOPICS = {
    1: "研究年度组织生活会和民主评议党员准备工作",
    2: "研究新学期工作要点和品牌建设任务清单",
    3: "研究一季度党费收缴和入党积极分子培养",
    4: "研究清明主题党日和学习教育安排",
    5: "研究“五四”活动和发展党员工作",
    6: "研究二季度党费收缴和“七一”活动安排",
    7: "研究暑期工作安排",
    8: "研究新学期开学准备工作",
    9: "研究三季度党费收缴和秋季学期工作计划",
    10: "研究发展党员工作和国庆期间安全提醒",
    11: "研究年度考核准备工作",
    12: "研究年度工作总结和组织生活会筹备",
}
COMMITTEE_EXTRA = {
    "教工": "，推进课程思政建设",
    "学生": "，讨论推优入党工作",
    "离退休": "，安排走访慰问老同志",
}
COMMITTEE_BY_KIND = {
    ("学生", 2): "研究新学期工作要点和推优入党计划",
    ("学生", 5): "研究“五四”活动和毕业生党员教育",
    ("学生", 7): "研究暑期社会实践安排",
    ("学生", 8): "研究新生党员组织关系接转",
    ("离退休", 2): "研究春节走访慰问老党员工作",
    ("离退休", 5): "研究老党员健康关怀和“银龄”志愿服务",
    ("离退休", 8): "研究高温天气关心关爱老同志",
    ("离退休", 9): "研究三季度党费收缴和重阳节活动安排",
}
GROUP_TOPICS = (
    "学习习近平总书记重要讲话精神，交流学习体会",
    "学习《中国共产党章程》，对照检查自身不足",
    "学习《中国共产党纪律处分条例》",
    "开展谈心谈话，交流思想和工作情况",
    "讨论支部工作意见建议，反馈支委会",
    "学习党的创新理论，结合岗位谈认识",
    "观看警示教育片，交流心得",
)
GROUP_TOPICS_BY_KIND = {
    "教工": "交流教书育人中党员先锋作用的做法",
    "学生": "交流考研、就业准备中党员怎样带好头",
    "离退休": "读报学习，交流身体和生活情况",
}
DAY_TOPICS = {  # month → (topic, place); None: one of the branch's rooms
    1: ("学习《习近平谈治国理政》第五卷，开展廉洁提醒", None),
    2: ("新学期开学主题党日：重温入党誓词", None),
    3: ("“学雷锋”志愿服务：走进桂园社区", "桂园社区党群服务中心"),
    4: ("清明祭扫：缅怀革命先烈", "九峰山烈士陵园"),
    5: ("“五四”主题党日：青春建功新时代", None),
    6: ("参观廉政教育基地，接受警示教育", "市廉政教育基地"),
    7: ("庆祝中国共产党成立{age}周年：重温入党誓词", None),
    8: ("观看纪录片《敢教日月换新天》并交流", None),
    9: ("烈士纪念日：向人民英雄敬献花篮", "市革命烈士纪念碑"),
    10: ("国庆主题党日：“我和我的祖国”交流分享", None),
    11: ("参观辛亥革命博物馆", "辛亥革命博物馆"),
    12: ("国家宪法日：学习宪法，增强法治意识", None),
}
RETIRED_DAY_TOPICS = {
    2: ("新春走访慰问困难老党员", None),
    5: ("老党员讲传统：给青年学生讲入党故事", None),
    6: ("“光荣在党”座谈：老党员谈入党初心", None),
}
LESSONS = (
    "书记讲党课：学思想、强党性、重实践、建新功",
    "专题党课：弘扬伟大建党精神",
    "专题党课：作风建设永远在路上",
    "书记讲党课：守纪律、讲规矩、作表率",
    "专题党课：传承红色基因，担当时代使命",
    "书记讲党课：以党的创新理论武装头脑、指导实践",
)
LESSONS_BY_TIME = {
    (2024, 3): "专题党课：深入学习贯彻党的二十届三中全会精神",
    (2025, 4): "专题党课：深入学习贯彻党的二十届四中全会精神",
    (2026, 1): "专题党课：学习“十五五”规划纲要，把握发展新机遇",
}
ASSEMBLY_TOPICS = {
    1: "审议{year}年支部工作要点",
    2: "讨论接收预备党员，通报上半年工作",
    3: "预备党员转正，部署下半年工作",
    4: "{year}年支部工作总结",
}


@dataclass
class Meeting:
    date: dt.date
    type: str
    topic: str
    host: str
    recorder: str
    expected: int
    absent: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    place: str = ""
    news: str = ""
    note: str = ""

    @property
    def present(self) -> int:
        return self.expected - len(self.absent)

    @property
    def absent_text(self) -> str:
        return "、".join(f"{name}（{reason}）" for name, reason in self.absent)


def rng_for(*parts: object) -> random.Random:
    seed = hashlib.sha256("/".join(map(str, parts)).encode("utf-8")).digest()[:8]
    return random.Random(int.from_bytes(seed, "big"))


# --- who is in the branch ------------------------------------------------------------------------


def roster(branch: str, plan: Plan, items: list[NewsItem]) -> list[str]:
    """The branch's voting members: the committee and group leaders, the people its news names, then
    made-up names up to `plan.voters`."""
    people = list(dict.fromkeys([*plan.committee, *(leader for _, leader in plan.groups)]))
    if plan.away:
        people.append(plan.away)
    for item in items:
        for name in (item.author, item.photographer, item.editor):
            if re.fullmatch(r"[\u4e00-\u9fa5]{2,3}", name or "") and name != "周敏" and name not in people:
                people.append(name)  # 周敏 reviews for the college, not a member here
    rng = rng_for(branch, "roster")
    given = GIVEN[plan.kind].split()
    while len(people) < plan.voters:
        name = rng.choice(SURNAMES) + rng.choice(given)
        if name not in people:
            people.append(name)
    return people[: max(plan.voters, len(plan.committee))]


def group_members(plan: Plan, people: list[str]) -> dict[str, list[str]]:
    leaders = {leader for _, leader in plan.groups}
    others = [p for p in people if p not in leaders]
    members = {name: [leader] for name, leader in plan.groups}
    for i, person in enumerate(others):
        members[plan.groups[i % len(plan.groups)][0]].append(person)
    return members


# --- what the news says ----------------------------------------------------------------------------

_ATTENDANCE = re.compile(r"应到\D{0,6}?(\d+)人，实到(\d+)人")
_ALL_THERE = re.compile(r"支委(\d+)人全部出席")
_ABSENT_NAME = re.compile(r"([\u4e00-\u9fa5]{2,3})因([^，。、]{2,8})请假")
_ABSENT_COUNT = re.compile(r"(\d+)人因([^，。]+?)请假")
_HOST = re.compile(r"(?:书记|组长|委员)([\u4e00-\u9fa5]{2,3})主持")
_PLACE = re.compile(r"在([^，。在]{3,20}?)(?:召开|开展|举行|集中)")
_TOPIC_AFTER = re.compile(r"(?:研究|聚焦|部署|讨论|审议).+$")


def topic_from(item: NewsItem, group: str) -> str:
    """A register's 主题 for a meeting in the news: the part of the title that names the subject
    (“12月支委会：研究……” → “研究……”), or the whole title."""
    title = item.title.strip()
    if item.type in ("党课", "主题党日", "组织生活会", "民主评议") or (group and group in title):
        return title
    if "：" in title:
        return title.split("：", 1)[1]
    m = _TOPIC_AFTER.search(title)
    return m.group(0).strip() if m else title


def from_news(item: NewsItem, plan: Plan, people: list[str], rng: random.Random, group: str = "") -> Meeting:
    """The meeting an item reports, as its register records it: the item's day and type, and what its
    text says about the subject, the chair, the room and who came; linked to the item two times in three."""
    meeting = made_up(item.type, item.when.date, plan, people, rng, group)
    topic = topic_from(item, group)
    meeting.topic = f"{group}：{topic}" if group and group not in topic else topic
    if m := _HOST.search(item.body):
        meeting.host = m.group(1)
    if m := _PLACE.search(item.body):
        meeting.place, meeting.note = m.group(1), ""
    members = group_members(plan, people)[group] if group else people
    if m := _ATTENDANCE.search(item.body):
        meeting.expected = int(m.group(1))
        missing = int(m.group(1)) - int(m.group(2))
        named = [(name, reason) for name, reason in _ABSENT_NAME.findall(item.body) if name in members]
        if len(named) != missing:
            reasons = _ABSENT_COUNT.search(item.body)
            pool = reasons.group(2).split("、") if reasons else list(REASONS[plan.kind])
            others = [p for p in members if p not in (meeting.host, meeting.recorder)]
            named = [(name, pool[i % len(pool)]) for i, name in enumerate(rng.sample(others, missing))]
        meeting.absent = named
    elif m := _ALL_THERE.search(item.body):
        meeting.expected, meeting.absent = int(m.group(1)), []
    gone = {name for name, _ in meeting.absent}
    if meeting.recorder in gone:  # the news says the 组织委员 was away: someone else took the minutes
        meeting.recorder = next(p for p in (*plan.committee, *members) if p not in gone and p != meeting.host)
    if rng.random() < 2 / 3:
        meeting.news = f"{item.slug}.md" if rng.random() < 0.8 else item.slug
    return meeting


# --- made-up meetings ------------------------------------------------------------------------------


def made_up(
    kind: str, day: dt.date, plan: Plan, people: list[str], rng: random.Random, group: str = ""
) -> Meeting:
    secretary, organiser = plan.committee[0], plan.committee[1]
    room = rng.choice(plan.rooms)
    if kind == "支委会":
        topic = COMMITTEE_BY_KIND.get((plan.kind, day.month), "")
        if not topic:
            topic = COMMITTEE_TOPICS[day.month] + (COMMITTEE_EXTRA[plan.kind] if rng.random() < 0.3 else "")
        meeting = Meeting(day, kind, topic, secretary, organiser, len(plan.committee))
        members, most = list(plan.committee), int(rng.random() < 0.12)
    elif kind == "党小组会":
        members = group_members(plan, people)[group]
        topic = rng.choice((*GROUP_TOPICS, GROUP_TOPICS_BY_KIND[plan.kind]))
        meeting = Meeting(day, kind, f"{group}：{topic}", members[0], members[1], len(members))
        most = 2
    else:
        if kind == "主题党日":
            topic, place = (RETIRED_DAY_TOPICS if plan.kind == "离退休" else {}).get(day.month) or DAY_TOPICS[
                day.month
            ]
            topic = topic.format(age=day.year - 1921)
            room = place or room
        elif kind == "党课":
            quarter = (day.month - 1) // 3 + 1
            topic = LESSONS_BY_TIME.get((day.year, quarter)) or rng.choice(LESSONS)
        elif kind == "支部党员大会":
            quarter = (day.month - 1) // 3 + 1
            topic = ASSEMBLY_TOPICS[quarter].format(year=day.year)
        else:  # 组织生活会, 民主评议
            year = day.year - 1 if plan.annual_month == 1 else day.year
            topic = f"{year}年度组织生活会" if kind == "组织生活会" else f"{year}年度民主评议党员"
        host = organiser if kind == "主题党日" and rng.random() < 0.4 else secretary
        recorder = plan.committee[2] if host == organiser else organiser
        meeting = Meeting(day, kind, topic, host, recorder, plan.voters)
        members, most = people, 3
    meeting.absent = _absences(plan, members, (meeting.host, meeting.recorder), rng, most)
    meeting.place = room
    if plan.kind == "学生" and day.month in (1, 2, 7, 8) and room in plan.rooms:  # on holiday
        meeting.place = "线上（腾讯会议）"
        meeting.note = "寒假期间线上召开" if day.month < 3 else "暑假期间线上召开"
    return meeting


def _absences(
    plan: Plan, members: list[str], there: tuple[str, str], rng: random.Random, most: int
) -> list[tuple[str, str]]:
    """Who was excused, and why: up to `most` members (more among the retired), never the chair or the
    one taking the minutes."""
    absent = [(plan.away, "随子女在外地居住")] if plan.away in members else []
    others = [m for m in members if m not in (*there, plan.away)]
    count = rng.randint(0, most + (2 if plan.kind == "离退休" and most > 2 else 0))
    absent += [
        (name, rng.choice(REASONS[plan.kind])) for name in rng.sample(others, min(count, len(others) - 1))
    ]
    return absent


def weekday_in(
    year: int, month: int, first: int, last: int, rng: random.Random, taken: set[dt.date]
) -> dt.date:
    """A working day between the `first` and `last` of the month, not in `taken`."""
    days = [
        day
        for d in range(first, last + 1)
        if (day := _day(year, month, d)) and day.weekday() < 5 and day not in taken and day <= LAST
    ]
    return rng.choice(days)


def _day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


FIXED_DAYS = {3: 5, 7: 1, 9: 30, 12: 4}  # 学雷锋纪念日, 建党节, 烈士纪念日, 国家宪法日


def months() -> Iterator[tuple[int, int]]:
    year, month = FIRST.year, FIRST.month
    while (year, month) <= (LAST.year, LAST.month):
        yield year, month
        year, month = (year + month // 12, month % 12 + 1)


def register(branch: str, plan: Plan, items: list[NewsItem]) -> list[Meeting]:
    """Every meeting of the branch from FIRST to LAST: those in the news on their days, the rest made up."""
    rng = rng_for(branch, "register")
    people = roster(branch, plan, items)
    reported: dict[tuple[dt.date, str], NewsItem] = {}
    for item in items:
        if not item.is_draft and FIRST <= item.when.date <= LAST:
            reported.setdefault((item.when.date, item.type), item)  # one meeting, even if reported twice
    meetings = [
        from_news(item, plan, people, rng)
        for (_, kind), item in sorted(reported.items())
        if kind in (*MONTHLY, *QUARTERLY, *YEARLY)
    ]
    have = {(m.type, _period(m.type, m.date)) for m in meetings}
    taken = {m.date for m in meetings}
    for year, month in months():
        for kind in MONTHLY:
            if (kind, (year, month)) not in have:
                fixed = FIXED_DAYS.get(month) if kind == "主题党日" else None
                if fixed:
                    day = dt.date(year, month, fixed)
                else:
                    day = weekday_in(year, month, *((1, 12) if kind == "支委会" else (18, 28)), rng, taken)
                meetings.append(made_up(kind, day, plan, people, rng))
                taken.add(day)
        reports: dict[str, NewsItem] = {}  # 党小组 → the item reporting its meeting this month
        for (day, kind), item in sorted(reported.items()):
            if kind == "党小组会" and (day.year, day.month) == (year, month):
                named = next((g for g, _ in plan.groups if g in item.title), None)
                group = named or next((g for g, _ in plan.groups if g not in reports), None)
                if group is not None:
                    reports.setdefault(group, item)
        for group, _ in plan.groups:
            if group in reports:
                meeting = from_news(reports[group], plan, people, rng, group)
            else:
                day = weekday_in(year, month, 8, 25, rng, taken)
                meeting = made_up("党小组会", day, plan, people, rng, group)
            meetings.append(meeting)
            taken.add(meeting.date)
        quarter_end = month % 3 == 0 or (year, month) == (LAST.year, LAST.month)
        if quarter_end:
            for kind in QUARTERLY:
                if (kind, (year, (month - 1) // 3)) not in have:
                    day = weekday_in(year, (month - 1) // 3 * 3 + 2, 10, 25, rng, taken)  # mid-quarter
                    meetings.append(made_up(kind, day, plan, people, rng))
                    taken.add(day)
        if month == plan.annual_month:
            for kind in YEARLY:
                if (kind, year) not in have:
                    day = weekday_in(
                        year, month, 12 if month == 1 else 20, 24 if month == 1 else 30, rng, taken
                    )
                    meetings.append(made_up(kind, day, plan, people, rng))
                    taken.add(day)
    return sorted(meetings, key=lambda m: (m.date, KIND_ORDER.index(m.type), m.topic))


KIND_ORDER = ("支部党员大会", "支委会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议")


def _period(kind: str, day: dt.date) -> object:
    if kind in MONTHLY or kind == "党小组会":
        return (day.year, day.month)
    if kind in QUARTERLY:
        return (day.year, (day.month - 1) // 3)
    return day.year


# --- writers ---------------------------------------------------------------------------------------


def cells(meeting: Meeting) -> list[object]:
    return [
        meeting.date,
        meeting.type,
        meeting.topic,
        meeting.host,
        meeting.recorder,
        meeting.expected,
        meeting.present,
        meeting.absent_text,
        meeting.place,
        meeting.news,
        meeting.note,
    ]


def yaml_text(value: object) -> str:
    text = str(value)
    if re.search(r"[:#\[\]{}\"',&*!|>%@`]", text) or text != text.strip():
        return json.dumps(text, ensure_ascii=False)
    return text


def write_yaml(name: str, year: int, meetings: list[Meeting]) -> bytes:
    lines = [f"# {name} {year}年组织生活记录（三会一课、主题党日、组织生活会、民主评议党员）", ""]
    for meeting in meetings:
        first = True
        for column, value in zip(COLUMNS, cells(meeting), strict=True):
            if value in ("", None):
                continue
            shown = value.isoformat() if isinstance(value, dt.date) else yaml_text(value)
            lines.append(f"{'- ' if first else '  '}{column}: {shown}")
            first = False
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_csv(meetings: list[Meeting], encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for meeting in meetings:
        row = cells(meeting)
        row[0] = f"{meeting.date.year}/{meeting.date.month}/{meeting.date.day}"  # as Excel shows a date
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def _sheet_layout(sheet, header_row: int) -> None:
    widths = (12, 12, 40, 9, 9, 6, 6, 28, 20, 30, 18)
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = width
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F8E0E0")
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)


def write_xlsx(name: str, year: int, meetings: list[Meeting], rng: random.Random) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = f"{year}年"
    sheet.append([f"{name}{year}年组织生活记录"])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(list(COLUMNS))
    for meeting in meetings:
        row = cells(meeting)
        if rng.random() < 0.06:  # typed as text, as happens
            row[0] = f"{meeting.date.year}年{meeting.date.month}月{meeting.date.day}日"
        sheet.append([None if v == "" else v for v in row])
        if isinstance(row[0], dt.date):
            sheet.cell(sheet.max_row, 1).number_format = "yyyy-mm-dd"
    _sheet_layout(sheet, 2)
    return workbook_bytes(book)


def template_xlsx() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "组织生活记录"
    sheet.append(list(COLUMNS))
    sheet.append(list(EXAMPLE))
    sheet["A2"].number_format = "yyyy-mm-dd"
    types = DataValidation(
        type="list", formula1='"' + ",".join(DEFAULT_ACTIVITY_TYPES) + '"', allow_blank=True
    )
    types.error, types.errorTitle = "请从下拉列表里选活动类型", "活动类型不对"
    sheet.add_data_validation(types)
    types.add("B2:B1000")
    _sheet_layout(sheet, 1)
    return workbook_bytes(book)


EXAMPLE = (
    dt.date(2025, 3, 12),
    "支委会",
    "研究三月份党建工作和发展党员工作",
    "陈立华",
    "王海燕",
    4,
    3,
    "赵文博（出差）",
    "经管楼B213会议室",
    "2025-03-12-zhiweihui.md",
    "示例：请改成自己支部的会议，或删掉这一行",
)


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE[0].isoformat(), *EXAMPLE[1:]])
    return out.getvalue().encode("utf-8-sig")


# --- main ------------------------------------------------------------------------------------------


def files(root: Path) -> dict[Path, Callable[[], bytes]]:
    settings = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))
    content, _ = load_content(root, settings)
    out: dict[Path, Callable[[], bytes]] = {
        root / "docs/files/组织生活记录模板.xlsx": template_xlsx,
        root / "docs/files/组织生活记录模板.csv": template_csv,
    }

    out |= {root / f"docs/files/{NAME}.xlsx": plan_xlsx, root / f"docs/files/{NAME}.csv": plan_csv}
    for branch, plan in PLANS.items():
        name = content.branches[branch].name
        items = [i for i in content.items if i.branch_id == branch]
        meetings = register(branch, plan, items)
        folder = root / "branches" / branch / "records"
        for year in range(FIRST.year, LAST.year + 1):
            of_year = [m for m in meetings if m.date.year == year]
            rng = rng_for(branch, year)
            if plan.writer == "yaml":
                out[folder / f"{year}.yaml"] = lambda n=name, y=year, m=of_year: write_yaml(n, y, m)
            elif plan.writer == "xlsx":
                out[folder / f"{year}年组织生活记录.xlsx"] = lambda n=name, y=year, m=of_year, r=rng: (
                    write_xlsx(n, y, m, r)
                )
            else:
                encoding = "gbk" if plan.writer == "csv-gbk" else "utf-8-sig"
                out[folder / f"{year}年会议记录.csv"] = lambda m=of_year, e=encoding: write_csv(m, e)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--root", default=str(ROOT), help="the site folder (default: this repository)")
    parser.add_argument("--force", action="store_true", help="write files that already exist")
    parser.add_argument("--dry-run", action="store_true", help="only list what would be written")
    args = parser.parse_args(argv)
    made = kept = 0
    for path, make in files(Path(args.root)).items():
        if path.exists() and not args.force:
            kept += 1
            continue
        if args.dry_run:
            print(f"would write {path}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make())
        made += 1
    print(f"wrote {made} files, kept {kept} existing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
