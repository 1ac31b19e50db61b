"""The keys of the content format (English name + Chinese alias) and how each value is read.

`read_fields` turns a parsed header into canonical names → converted values, recording a problem
(with its line) for every unknown key, doubled key, missing key and wrong value, never raising.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from .dates import DateError, parse_partial, parse_when
from .errors import Problems
from .frontmatter import Entry
from .model import DRAFT, PUBLISHED, Honor


class ValueProblem(ValueError):
    """A value of the wrong kind; the message says what was expected, for editors."""


def text(value: object) -> str:
    if isinstance(value, (list, dict)):
        raise ValueProblem("应该是一段文字，不是列表")
    if isinstance(value, bool):
        raise ValueProblem("应该是一段文字（yes、no、true、false、on、off 这类英文词请加上英文引号）")
    return "" if value is None else str(value).strip()


def whole_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueProblem("应该是一个整数，例如 35")
    if isinstance(value, str):
        if not value.strip().isdecimal():  # not isdigit: `²³` is a digit int() cannot read
            raise ValueProblem(f"应该是一个整数，例如 35（现在是“{value}”，请去掉“人”等文字）")
        value = int(value.strip())
    if value < 0:
        raise ValueProblem("不能是负数")
    return value


def number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueProblem("应该是一个数字，例如 1")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueProblem("应该是一个数字，例如 1") from None


_LIST_SEPARATORS = re.compile(r"[,，、;；]")


def text_list(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in _LIST_SEPARATORS.split(value) if part.strip())
    if not isinstance(value, list):
        raise ValueProblem("应该是一个列表，每项一行，以“- ”开头")
    items = []
    for entry in value:
        if isinstance(entry, (list, dict)):
            raise ValueProblem("列表里的每一项都应该是一段文字")
        if entry is not None and str(entry).strip():
            items.append(str(entry).strip())
    return tuple(items)


def honors(value: object) -> tuple[Honor, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    result = []
    for entry in value:
        if isinstance(entry, dict):
            year = _first(entry, "year", "年份")
            title = _first(entry, "title", "名称")
            if not title:
                raise ValueProblem("每项荣誉都要有 title（名称），例如 {year: 2023, title: 先进基层党组织}")
            if isinstance(year, bool) or (
                year is not None and not (isinstance(year, int) or str(year).strip().isdecimal())
            ):
                raise ValueProblem(f"荣誉的年份“{year}”应该是四位数字，例如 2023")
            result.append(Honor(text(title), int(str(year)) if year is not None else None))
        else:
            result.append(Honor(text(entry)))
    return tuple(result)


def photo_list(value: object) -> tuple[tuple[str, str], ...]:
    """[path | {file, caption}] → ((path, caption), ...); paths (even empty ones) are checked by the loader."""
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    result = []
    for entry in value:
        if isinstance(entry, dict):
            file = _first(entry, "file", "文件") or ""
            result.append((text(file), text(_first(entry, "caption", "说明") or "")))
        else:
            result.append((text(entry), ""))
    return tuple(result)


# What editors write in 审核 when nobody has reviewed the item yet: it must not publish it (先审后发).
_NOBODY_EXACT = {
    "无",
    "否",
    "空",
    "缺",
    "略",
    "不详",
    "未知",
    "没有",
    "暂无",
    "x",
    "xx",
    "tbd",
    "todo",
    "na",
    "n/a",
    "none",
    "null",
    "nil",
    "nobody",
    "pending",
    "no",
}
_NOBODY_START = re.compile(r"^(?:待|未|尚未|暂未|暂无|还没|还未|没有|无人|无需|不需|不用|需|拟)")
_NOBODY_ANYWHERE = re.compile(
    r"待定|待审|未审|待确认|未确认|待填|待补|审核中|审核人|姓名|某某|填写|[x×＊*？?]{2,}", re.IGNORECASE
)
_NOT_NAME_CHARS = re.compile(r"[\s()（）\[\]【】<>《》“”\"'‘’：:，,。.、/\\_~～·…-]+")


def names_a_reviewer(value: str) -> bool:
    """Whether a 审核 value names who reviewed the item, rather than saying nobody has yet (待定, 未审核,
    无, ×××, 审核人姓名 …). Precision favours publishing nothing unreviewed: such words never name a person."""
    bare = _NOT_NAME_CHARS.sub("", value).lower()
    if not bare or set(bare) <= set("-—－？?x×*＊"):
        return False
    return not (bare in _NOBODY_EXACT or _NOBODY_START.match(bare) or _NOBODY_ANYWHERE.search(bare))


_YES = {"true", "yes", "y", "是", "已核对", "核对过", "对"}
_NO = {"false", "no", "n", "否", "未核对", "不是"}


def yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueProblem(f"只能是“是”或“否”（true / false），现在是“{value}”")


def status(value: object) -> str:
    word = text(value).lower()
    if word in (DRAFT, "草稿"):
        return DRAFT
    if word in (PUBLISHED, "发布", "已发布", ""):
        return PUBLISHED
    raise ValueProblem(f"只能是 draft（草稿）或 published（发布），现在是“{value}”")


def when(value: object) -> object:
    try:
        return parse_when(value)
    except DateError as exc:
        raise ValueProblem(str(exc)) from None


def partial_date(value: object) -> object:
    try:
        return parse_partial(value)
    except DateError as exc:
        raise ValueProblem(str(exc)) from None


def month(value: object) -> str:
    """A plan's month: 2025-03, 2025年3月, or a date (a spreadsheet's date cell) → `2025-03`."""
    try:
        found = parse_partial(value)
    except DateError as exc:
        raise ValueProblem(
            str(exc).replace("2015-09、2015年9月 或 2015-09-01", "2025-03 或 2025年3月")
        ) from None
    if found.month is None:
        raise ValueProblem(f"要写到月份，例如 {found.year}-03 或 {found.year}年3月")
    return f"{found.year:04d}-{found.month:02d}"


def _first(mapping: dict, *keys: str) -> object:
    for key in keys:
        if mapping.get(key) is not None:
            return mapping[key]
    return None


@dataclass(frozen=True)
class Field:
    name: str
    alias: str
    read: Callable[[object], object]
    required: bool = False


BRANCH_FIELDS = (
    Field("name", "支部名称", text, required=True),
    Field("brand", "品牌名称", text, required=True),
    Field("slogan", "品牌口号", text),
    Field("logo", "品牌标识", text),
    Field("logo_meaning", "标识释义", text),
    Field("type", "支部类型", text),
    Field("parent", "所属党组织", text),
    Field("secretary", "支部书记", text),
    Field("members", "党员人数", whole_number),
    Field("founded", "成立时间", partial_date),
    Field("partners", "共建单位", text_list),
    Field("honors", "荣誉", honors),
    Field("order", "排序", number),
    Field("personal_data_checked", "个人信息已核对", yes_no),
)

ITEM_FIELDS = (
    Field("title", "标题", text, required=True),
    Field("date", "日期", when),
    Field("type", "活动类型", text, required=True),
    Field("tags", "标签", text_list),
    Field("author", "作者", text),
    Field("photographer", "摄影", text),
    Field("editor", "编辑", text),
    Field("reviewer", "审核", text),
    Field("status", "状态", status),
    Field("cover", "封面", text),
    Field("photos", "图片", photo_list),
    Field("summary", "摘要", text),
    Field("source", "来源", text),
    Field("personal_data_checked", "个人信息已核对", yes_no),
)


RECORD_FIELDS = (
    Field("date", "日期", when, required=True),
    Field("type", "活动类型", text, required=True),
    Field("topic", "主题", text, required=True),
    Field("host", "主持人", text),
    Field("recorder", "记录人", text),
    Field("expected", "应到", whole_number),
    Field("present", "实到", whole_number),
    Field("absent", "缺席", text),
    Field("place", "地点", text),
    Field("news", "新闻", text),
    Field("note", "备注", text),
)

# A plan of organisational life (`branches/<id>/plans/`): one of month or date is required (`plans.read`).
PLAN_FIELDS = (
    Field("month", "月份", month),
    Field("date", "日期", when),
    Field("type", "活动类型", text, required=True),
    Field("topic", "主题", text, required=True),
    Field("owner", "负责人", text),
    Field("note", "备注", text),
)


@dataclass(frozen=True)
class Value:
    value: object
    line: int


@dataclass(frozen=True)
class Wording:
    """How hints name where a key is written: a file's header (`HEADER`), or e.g. a spreadsheet's columns."""

    key: str = "键"
    remove: str = "请删掉其中一行"
    unknown: str = "请对照编辑指南里的键表检查拼写；不需要的行可以删掉"
    add: str = "请在信息头里加一行“{alias}: …”"
    fill: str = "请在冒号后面填上内容"


HEADER = Wording()


def listed(
    value: object, allowed: Collection[str], what: str, where: str, line: int | None, problems: Problems
) -> bool:
    """Whether `value` (a 活动类型, 支部类型 …) is one of `allowed`; if not, an error that lists them."""
    if value in allowed:
        return True
    problems.error(where, f"{what}“{value}”不在允许的列表里", "可用的类型：" + "、".join(allowed), line)
    return False


def find_field(key: str, fields: tuple[Field, ...]) -> Field | None:
    by_key = _by_key(fields)
    return by_key.get(key) or by_key.get(key.lower())


_BY_KEY: dict[int, tuple[tuple[Field, ...], dict[str, Field]]] = {}


def _by_key(fields: tuple[Field, ...]) -> dict[str, Field]:
    # Remembered by identity: hashing a tuple of fields costs more than building the dict.
    known = _BY_KEY.get(id(fields))
    if known is None or known[0] is not fields:
        known = _BY_KEY[id(fields)] = (fields, {f.name: f for f in fields} | {f.alias: f for f in fields})
    return known[1]


def match_keys(
    keys: Iterable[tuple[str, int]],
    fields: tuple[Field, ...],
    path: str,
    problems: Problems,
    wording: Wording = HEADER,
) -> dict[str, Field]:
    """Each key as written (with its line) → its field; a warning for an unknown key, an error for a
    field given under both its names (the first one is kept)."""
    matched: dict[str, Field] = {}
    seen_as: dict[str, str] = {}
    for key, line in keys:
        field = find_field(key, fields)
        if field is None:
            problems.warning(path, f"不认识的{wording.key}“{key}”", _suggest(key, fields, wording), line)
        elif field.name in seen_as:
            problems.error(
                path,
                f"“{seen_as[field.name]}”和“{key}”是同一个{wording.key}",
                f"英文名和中文名只能写一个，{wording.remove}（{field.name} = {field.alias}）",
                line,
            )
        else:
            seen_as[field.name] = key
            matched[key] = field
    return matched


def read_fields(
    header: dict[str, Entry],
    fields: tuple[Field, ...],
    path: str,
    problems: Problems,
    wording: Wording = HEADER,
    line: int = 1,
) -> dict[str, Value]:
    """`line`: where a missing key is reported (the header's first line, a register's row)."""
    matched = match_keys(((k, e.line) for k, e in header.items()), fields, path, problems, wording)
    values: dict[str, Value] = {}
    for key, field in matched.items():
        entry = header[key]
        if entry.value is None or entry.value == "":
            continue  # an empty key counts as not given
        try:
            values[field.name] = Value(field.read(entry.value), entry.line)
        except ValueProblem as exc:
            problems.error(path, f"“{key}”的值不对：{exc}", line=entry.line)
    seen_as = {field.name: key for key, field in matched.items()}
    for field in fields:
        if not field.required or field.name in values:
            continue
        if field.name not in seen_as:
            problems.error(
                path,
                f"缺少必填的{wording.key}“{field.alias}”（{field.name}）",
                wording.add.format(alias=field.alias),
                line,
            )
        elif header[seen_as[field.name]].value in (None, ""):  # not a value that could not be read
            problems.error(
                path, f"“{seen_as[field.name]}”不能为空", wording.fill, header[seen_as[field.name]].line
            )
    return values


def _suggest(key: str, fields: tuple[Field, ...], wording: Wording) -> str:
    known = _by_key(fields)
    close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.5)
    if close:
        field = known[close[0]]
        return f"是不是想写“{close[0]}”？（{field.name} / {field.alias}）"
    return wording.unknown
