"""Personal data in public text (issue 23): resident ID numbers, mobile numbers and lists of student or
staff numbers are named in warnings with file:line and a masked sample, by `check` and by the build alike;
registers are not looked at, and `个人信息已核对: 是` silences one file. Precision first: a corpus of
ordinary news text (and the demo college) gives no warning at all."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs_branches import personal
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES
from mkdocs_branches.loader import Settings, load_content
from PIL import Image

from conftest import ROOT, SiteProject, tree_hashes, write

TODAY = date(2025, 6, 1)
SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))


def check_character(first17: str) -> str:
    """GB 11643's check character, computed here independently of the module."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    return "10X98765432"[total % 11]


def kinds(text: str) -> list[tuple[str, int, str]]:
    return [(f.kind, f.line, f.sample) for f in personal.scan(text, 1, TODAY)]


# --- resident ID numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "number", ["11010519491231002X", "420106199003071238", "420111200109150045", "440304200511285512"]
)
def test_valid_resident_ids(number: str) -> None:
    assert check_character(number[:17]) == number[17]
    assert personal.valid_id(number, TODAY)
    assert personal.valid_id(number.lower(), TODAY)


@pytest.mark.parametrize(
    ("number", "why"),
    [
        ("420106199003071234", "wrong check digit"),
        ("420106199002301230", "30 February"),
        ("420106189901011238", "born before 1900"),
        ("420106209901011233", "born in the future"),
        ("990106199003071239", "no province 99"),
        ("42010619900307123", "17 digits"),
    ],
)
def test_invalid_resident_ids(number: str, why: str) -> None:
    assert not personal.valid_id(number, TODAY), why


def test_masks() -> None:
    assert personal.mask_id("420106199003071238") == "4201**********1238"
    assert personal.mask_mobile("138-1234-5678") == "138****5678"
    assert personal.mask_number("2021012345") == "2021****45"
    assert personal.mask_number("U202112345") == "U202****45"
    assert personal.mask_number("0231") == "0**1"


def test_id_found_with_its_line_and_masked() -> None:
    text = "第一段。\n\n公示对象：张三，身份证号 420106199003071238，管理学院。\n"
    assert kinds(text) == [(personal.ID_CARD, 3, "4201**********1238")]
    assert kinds("身份证号：４２０１０６１９９００３０７１２３８") == [
        (personal.ID_CARD, 1, "4201**********1238")
    ]
    assert kinds("号码11010519491231002x。") == [(personal.ID_CARD, 1, "1101**********002x")]


@pytest.mark.parametrize(
    "text",
    [
        "4201061990030712381",  # a longer number
        "A420106199003071238",
        "统一社会信用代码：420106199003071238",
        "![现场](2024-03-13-x/420106199003071238.jpg)",
        "[原文](https://example.com/a/420106199003071238)",
        "<!-- 420106199003071238 -->",
    ],
)
def test_id_lookalikes_are_not_flagged(text: str) -> None:
    assert kinds(text) == []


# --- mobile numbers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：13812345678。",
        "请联系王老师（138-1234-5678）",
        "手机 138 1234 5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "(+86)13812345678",
        "联系人：张三１３８１２３４５６７８",
        "| 张三 | 13812345678 |",
        "13812345678@163.com",
    ],
)
def test_mobile_numbers_found(text: str) -> None:
    assert kinds(text) == [(personal.MOBILE, 1, "138****5678")]


@pytest.mark.parametrize(
    "text",
    [
        "办公电话：027-87654321",
        "咨询电话 (027) 8765 4321，400-800-1234",
        "拍摄于 IMG_20240313_13812345678.jpg",
        "![会场](2024-03-13-x/13812345678.jpg)",
        "原文链接 https://mp.weixin.qq.com/s?mid=13812345678&idx=1",
        "编号 2024-13812345678",
        "订单号 13812345678",
        "欢迎加入学习交流QQ群 13812345678",
        "总投资 13800000000 元",
        "时间戳 1710312345678",
        "流水号 013812345678",
        "数值 0.13812345678",
        "138 1234 5678 9",
        "学号 13812345678",
    ],
)
def test_mobile_lookalikes_are_not_flagged(text: str) -> None:
    assert kinds(text) == []


# --- lists of student or staff numbers ---------------------------------------------------------------------

TABLE = """\
拟发展对象公示如下：

| 序号 | 姓名 | 学号 | 班级 |
|---|---|---|---|
| 1 | 张三 | 2021012345 | 会计2101 |
| 2 | 李四 | 2021012346 | 会计2101 |
| 3 | 欧阳小明 | 2021012347 | 会计2102 |
"""


def test_a_table_of_names_and_student_numbers() -> None:
    assert kinds(TABLE) == [(personal.ROSTER, 5, "张* 2021****45 等 3 人")]


def test_a_table_of_names_and_short_staff_numbers_under_a_header() -> None:
    table = "| 工号 | 姓名 |\n|:--|:--|\n| 0231 | 张三 |\n| 0232 | 李四 |\n| 0233 | 王五 |\n"
    assert kinds(table) == [(personal.ROSTER, 3, "张* 0**1 等 3 人")]


def test_a_table_right_under_another_has_its_own_header() -> None:
    names = "| 姓名 | 职务 |\n|---|---|\n| 张三 | 书记 |\n"
    projects = "| 项目 | 编号 |\n|---|---|\n| 社科基金 | 2024012345 |\n| 青年项目 | 2024012346 |\n| 重点项目 | 2024012347 |"
    assert kinds(names + projects) == []
    assert kinds(projects + "\n" + TABLE.split("\n\n")[1]) == [(personal.ROSTER, 8, "张* 2021****45 等 3 人")]


def test_names_with_numbers_in_running_text_and_lists() -> None:
    text = "获奖学生：张三（2021012345）、李四 2021012346、\n王五（学号：U202112347）。\n"
    assert kinds(text) == [(personal.ROSTER, 1, "2021****45 等 3 人")]
    listed = "名单：\n\n- 2021012345 张三\n- 2021012346 李四同学\n- 2021012347 买买提·艾力\n"
    assert kinds(listed) == [(personal.ROSTER, 3, "2021****45 等 3 人")]


def test_names_are_told_from_other_words_by_their_surnames() -> None:
    text = "获奖学生张三（2021012345）、同学李四 2021012346、欧阳小明（U202112347）。"
    assert kinds(text) == [(personal.ROSTER, 1, "2021****45 等 3 人")]
    projects = (
        text.replace("获奖学生张三", "社科基金")
        .replace("同学李四", "青年项目")
        .replace("欧阳小明", "重点项目")
    )
    assert kinds(projects) == []


def test_two_names_with_numbers_are_not_a_list() -> None:
    assert kinds("张三（2021012345）、李四（2021012346）同学获奖。") == []


# --- no false alarms --------------------------------------------------------------------------------------

# Ordinary 党建 news: dates, counts, amounts, file numbers, landlines, ISBNs, links and photo names.
BENIGN = [
    "2024年3月13日下午，管理学院教工第一党支部在行政楼302会议室召开支委会，应到7人，实到7人。",
    "会议传达学习了《中共湖北省委关于加强基层党组织建设的意见》（鄂发〔2024〕12号）精神。",
    "本次活动共收缴党费12,345.67元，其中2024年第一季度党费3 456.00元。",
    "支部书记张明作题为《以高质量党建引领学院高质量发展》的党课，党员20240313次观看学习平台直播。",
    "咨询电话：027-87654321、027-8765 4321，传真（027）87651234，邮编430074。",
    "服务热线 400-800-1234，学院总机 87654321。",
    "推荐阅读：《习近平谈治国理政》第四卷（ISBN 978-7-119-13063-7）、《共产党宣言》（ISBN 9787010123456）。",
    "![会议现场](2024-03-13-zhiweihui/IMG_20240313_143052.jpg)\n\n![合影](2024-03-13-zhiweihui/1710312345678.png)",
    "原文链接：https://mp.weixin.qq.com/s?__biz=MzA5NjQ1MTI4MA==&mid=2651234567&idx=1&sn=13812345678abc",
    "详见学院网站 www.example.edu.cn/info/1081/13812345678.htm 。",
    "统一社会信用代码：12420000441234567X，开户行账号 4200 1234 5678 0000 1234。",
    "腾讯会议号：138 123 456，会议密码 1234。",
    "本学期共开展主题党日活动12次，参与党员累计1380人次，志愿服务时长13812小时。",
    "2019—2024年，支部先后获评校级先进基层党组织、“双带头人”教师党支部书记工作室。",
    "发展对象：张三、李四、王五（管理学院2021级本科生），培养联系人：赵六、钱七。",
    "| 序号 | 姓名 | 学院 | 职务 |\n|---|---|---|---|\n| 1 | 张三 | 管理学院 | 书记 |\n"
    "| 2 | 李四 | 管理学院 | 委员 |\n| 3 | 王五 | 经济学院 | 委员 |",
    "| 书名 | ISBN |\n|---|---|\n| 资本论 | 9787010123456 |\n| 论持久战 | 9787010173962 |\n"
    "| 实践论 | 9787010099997 |",
    "| 时间 | 内容 | 人数 |\n|---|---|---|\n| 20240313 | 支委会 | 7 |\n| 20240320 | 党课 | 35 |\n"
    "| 20240327 | 主题党日 | 40 |",
    "项目编号 2024010203、合同编号 2024010204、批准号 2024010205 的三个课题均已结题。",
    "网站累计浏览量 1234567890 次，其中移动端 1034567890 次，小程序 103456789 次。",
    "国家社科基金项目（批准号：21BKS012）、教育部项目（24YJC710001）获准立项。",
    "专利“一种党建数据分析方法”（ZL202110123456.7）获授权。",
    "第二十届中央委员会第三次全体会议于2024年7月15日至18日在北京举行。",
    "党员王奶奶今年82岁，1962年入党，党龄62年。",
    "<!-- 编辑备注：联系人张三 13812345678 -->\n正文。",
    '<img src="photos/13812345678.jpg" alt="合影">',
    "湖北省社科基金（2024012345）、武汉市项目（2024098765）、校级项目（2024011111）获准立项。",
    "| 项目 | 编号 |\n|---|---|\n| 社科基金 | 2024012345 |\n| 青年项目 | 2024012346 |\n| 重点项目 | 2024012347 |",
    "| 学院 | 代码 |\n|---|---|\n| 管理学院 | 1010012345 |\n| 经济学院 | 1010012346 |\n| 法学院 | 1010012347 |",
    "公示名单已打码：张三（4201**********1234，138****5678）、李四（2021****45）、王五（2021****46）。",
    "| 姓名 | 身份证号 | 手机 |\n|---|---|---|\n| 张三 | 4201**********1234 | 138****5678 |\n"
    "| 李四 | 4201**********5678 | 139****1234 |\n| 王五 | 4201**********0012 | 137****0000 |",
]


@pytest.mark.parametrize("text", BENIGN)
def test_benign_news_text_has_no_findings(text: str) -> None:
    assert kinds(text) == []


@settings(deadline=None)  # a loaded machine: scanning time is measured below
@given(
    st.lists(st.sampled_from(BENIGN), min_size=1, max_size=6), st.sampled_from(["\n\n", "\n", "。", "", " "])
)
def test_benign_text_joined_any_way_has_no_findings(parts: list[str], joint: str) -> None:
    assert kinds(joint.join(parts)) == []


@settings(deadline=None)
@given(
    st.sampled_from(["11", "42", "44", "65", "81"]),
    st.dates(date(1900, 1, 1), TODAY),
    st.integers(0, 999),
    st.sampled_from(BENIGN),
)
def test_any_valid_id_in_ordinary_text_is_found(province: str, born: date, serial: int, text: str) -> None:
    first17 = f"{province}0106{born:%Y%m%d}{serial:03d}"
    number = first17 + check_character(first17)
    found = kinds(f"{text}\n\n身份证号：{number}。")
    assert (personal.ID_CARD, text.count("\n") + 3, personal.mask_id(number)) in found


def test_the_demo_college_has_no_findings() -> None:
    _, problems = load_content(ROOT, SETTINGS)
    assert [p for p in problems.items if "公开的文字里有" in p.message] == []


def test_scanning_is_quick_on_long_and_awkward_text() -> None:
    import time

    start = time.perf_counter()
    for text in (
        "今" * 50000 + "2021012345",
        "1" * 50000,
        "[x](" * 20000 + "1",
        "| 张三 | 2021012345 |\n" * 3000,
    ):
        personal.scan(text)
    assert time.perf_counter() - start < 2


# --- in a site: check and build ----------------------------------------------------------------------------


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (16, 12), "red").save(out, "JPEG")
    return out.getvalue()


GONGSHI = """\
title: 发展对象公示
type: 支委会
reviewer: 李审核
photos:
  - file: 01.jpg
    caption: 会场
  - file: 02.jpg
    caption: 联系人王老师 139-1234-5678
"""
GONGSHI_BODY = "第一段。\n\n公示对象：张三，身份证号 420106199003071238。\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[SiteProject, str, str]:
    """One small college with personal data here and there, built once and checked once."""
    project = SiteProject(tmp_path_factory.mktemp("personal"))
    project.branch(
        "jg1",
        "name: 管理学院教工第一党支部\nbrand: 红色引擎\nslogan: 联系我们 13912345678",
        "品牌故事。\n\n支部书记张明，办公电话 027-87654321。\n",
    )
    project.item("jg1", "2024-03-13-gongshi.md", GONGSHI, GONGSHI_BODY)
    for name in ("01.jpg", "02.jpg"):
        write(project.root / "branches/jg1/news/2024-03-13-gongshi" / name, _jpeg())
    project.item("jg1", "2024-03-14-mingdan.md", "title: 名单\ntype: 支委会\nstatus: 草稿", TABLE)
    project.item(
        "jg1",
        "2024-03-15-checked.md",
        "title: 已核对\ntype: 支委会\nreviewer: 李审核\n个人信息已核对: 是",
        GONGSHI_BODY + "联系人王老师 139-1234-5678。\n",
    )
    write(
        project.root / "branches/jg1/records/2024.yaml",
        "- 日期: 2024-03-13\n  活动类型: 支委会\n  主题: 研究发展对象\n"
        "  缺席: 张三（出差，手机 13812345678）\n  备注: 身份证号 420106199003071238\n",
    )
    before = tree_hashes(project.root / "branches")
    built = project.build()
    assert built.returncode == 0, built.stderr
    checked = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert checked.returncode == 0, checked.stdout  # warnings only
    assert tree_hashes(project.root / "branches") == before
    return project, built.stderr, checked.stdout


def _personal(log: str, prefix: str) -> set[str]:
    """The personal-data warnings of a log, from the file name on (`prefix` comes before it)."""
    return {
        "branches/" + line.split(prefix, 1)[1].split("branches/", 1)[1]
        for line in log.splitlines()
        if "公开的文字里有" in line
    }


EXPECTED = {
    "branches/jg1/index.md:4: 公开的文字里有手机号：139****5678",
    "branches/jg1/news/2024-03-13-gongshi.md:9: 公开的文字里有手机号：139****5678",
    "branches/jg1/news/2024-03-13-gongshi.md:13: 公开的文字里有身份证号：4201**********1238",
    "branches/jg1/news/2024-03-14-mingdan.md:10: 公开的文字里有学号/工号名单：张* 2021****45 等 3 人",
}


def test_the_build_warns_with_file_line_and_masked_sample(site: tuple[SiteProject, str, str]) -> None:
    _, log, _ = site
    found = _personal(log, "WARNING -  ")
    # The draft too (it is published later); not the office landline in the branch's story.
    assert {line.split("，发布后")[0] for line in found} == EXPECTED
    assert all("个人信息已核对: 是" in line for line in found)
    assert "内部系统" in next(line for line in found if "名单" in line)
    for raw in ("420106199003071238", "13912345678", "139-1234-5678", "2021012345"):
        assert raw not in log  # the warning never repeats what it warns about


def test_check_says_what_the_build_says(site: tuple[SiteProject, str, str]) -> None:
    _, log, checked = site
    assert _personal(checked, "警告  ") == _personal(log, "WARNING -  ")


def test_registers_and_checked_items_are_not_flagged(site: tuple[SiteProject, str, str]) -> None:
    _, log, checked = site
    for output in (log, checked):
        assert "records/2024.yaml" not in output
        assert "2024-03-15-checked.md" not in output


def test_check_strict_fails_on_personal_data(site: tuple[SiteProject, str, str]) -> None:
    project, _, _ = site
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "check", "--strict"],
        cwd=project.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 1


def test_the_checked_key_silences_only_its_own_file(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌\npersonal_data_checked: true", "书记手机 13812345678\n")
    body = "联系人：13812345678\n"
    project.item("jg1", "2024-03-01-a.md", "title: a\ntype: 支委会\n个人信息已核对: 是", body)
    project.item("jg1", "2024-03-02-b.md", "title: b\ntype: 支委会", body)
    project.item("jg1", "2024-03-03-c.md", "title: c\ntype: 支委会\n个人信息已核对: 否", body)
    project.item("jg1", "2024-03-04-d.md", "title: d\ntype: 支委会\n个人信息已核对: 也许", body)
    content, problems = load_content(project.root, SETTINGS)
    flagged = {p.path.rsplit("/", 1)[1] for p in problems.items if "公开的文字里有" in p.message}
    assert flagged == {"2024-03-02-b.md", "2024-03-03-c.md", "2024-03-04-d.md"}
    (wrong,) = problems.errors
    assert wrong.location == "branches/jg1/news/2024-03-04-d.md:4"
    assert "只能是“是”或“否”" in wrong.message
    assert content.branches["jg1"].personal_data_checked
    assert [i.personal_data_checked for i in content.items] == [True, False, False, False]


def test_header_findings_name_the_line_they_are_on(project: SiteProject) -> None:
    project.branch("jg1", "name: 支部\nbrand: 品牌\nhonors:\n  - 2023 年优秀党员 13812345678")
    project.item(
        "jg1",
        "2024-03-01-a.md",
        "title: a\ntype: 支委会\nsummary: |\n  第一行。\n  联系 13812345678。\nauthor: 张三",
        "正文。\n",
    )
    _, problems = load_content(project.root, SETTINGS)
    assert sorted(p.location for p in problems.items if "公开的文字里有" in p.message) == [
        "branches/jg1/index.md:5",
        "branches/jg1/news/2024-03-01-a.md:6",
    ]
