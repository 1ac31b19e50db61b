"""Personal data in public text: resident ID numbers, mobile numbers, lists of student or staff numbers.

Pure: `scan(text, first_line)` returns what a text holds, each finding with its line and a masked sample;
`report` turns one file's findings into warnings. Precision comes before recall (a warning on every page
teaches editors to ignore it): an ID number must pass the GB 11643 checksum with a real birth date and
province, a mobile number must stand alone (not in a longer number, an address, a file name or an amount),
and a list needs three names paired with student-number-like numbers. Landlines are not flagged.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from .errors import Problems

ID_CARD = "身份证号"
MOBILE = "手机号"
ROSTER = "学号/工号名单"
KINDS = (ID_CARD, MOBILE, ROSTER)


@dataclass(frozen=True)
class Finding:
    kind: str  # ID_CARD, MOBILE or ROSTER
    line: int
    sample: str  # masked: safe to print
    raw: str  # as written, to find its line in a header; never shown


# --- what is not published text: blanked (same length, lines kept) before scanning ---------------------

_NOT_TEXT = re.compile(
    r"<!--.*?-->"  # HTML comments
    r"|\]\([^)\n]{0,500}\)"  # Markdown link and image targets
    r"|^[ \t]*\[[^\]\n]+\]:[^\n]*"  # reference definitions
    r"|<[A-Za-z/][^>\n]*>"  # HTML tags and their attributes
    r"|(?:https?|ftp)://[^\s<>\"'（）()【】，。；、]+"
    r"|www\.[A-Za-z0-9.-]+[^\s<>\"'（）()【】，。；、]*"
    r"|(?<![\w.\-/])[\w.\-/]+\.(?i:jpe?g|png|gif|webp|heic|heif|bmp|tiff?|pdf|docx?|xlsx?|pptx?|zip|rar|7z|mp[34]|mov|html?)\b",
    re.DOTALL | re.MULTILINE,
)


# Full-width digits and dashes, as a Chinese input method types them: read as ASCII (same length).
_HALF_WIDTH = str.maketrans("０１２３４５６７８９Ｘｘ－＋", "0123456789Xx-+")
_FULL_WIDTH = re.compile("[０-９－＋]")


def _half_width(text: str) -> str:
    return text.translate(_HALF_WIDTH) if _FULL_WIDTH.search(text) else text  # translate() is slow


_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(text: str) -> str:
    return _NOT_TEXT.sub(lambda m: _NOT_NEWLINE.sub(" ", m.group()), text)


# --- resident ID numbers (GB 11643) ---------------------------------------------------------------------

_ID = re.compile(r"(?<![0-9A-Za-z_])[0-9]{17}[0-9Xx](?![0-9A-Za-z_])")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# Provinces (first two digits); 71 Taiwan, 81 Hong Kong, 82 Macao, 83 residence permits.
_SPANS = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65), (71, 71), (81, 83))
_PROVINCES = frozenset(str(code) for low, high in _SPANS for code in range(low, high + 1))
# Words before an 18-character code that is not a person's: 统一社会信用代码, 纳税人识别号, 订单号.
_NOT_PERSON = re.compile(r"(代码|识别号|税号|订单|单号|批准号|ISBN|书号)[^\n]{0,6}$", re.I)


def valid_id(number: str, today: date | None = None) -> bool:
    """An 18-character resident ID: known province, a real birth date since 1900, the right check character."""
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in _PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= (today or date.today()):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def mask_id(number: str) -> str:
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


# --- mobile numbers ----------------------------------------------------------------------------------------

_MOBILE = re.compile(
    r"(?:(?:\+|00)86[- ]?|\(\+?86\)[- ]?|（\+?86）[- ]?|86-)?"
    r"(?P<number>1[3-9][0-9](?P<sep>[- ]?)[0-9]{4}(?P=sep)[0-9]{4})"
)
_BEFORE = re.compile(r"[0-9A-Za-z_.+/@#%$¥￥]")
# A unit after a number: an amount or a count, not a phone or a student number.
_UNIT = "元万亿千百人次个名件份册页字分秒号位条项天岁届期批"
_AFTER = re.compile(rf"[0-9A-Za-z_%]|[./-][0-9]|\s*[{_UNIT}]")
# A number after these is a number of something else (QQ 群, 学号, 订单号…), not a phone.
_NOT_PHONE = re.compile(
    r"(QQ|qq|群|学号|工号|编号|账号|帐号|卡号|单号|订单|ISBN|书号|代码|证号|文号|会议号|ID)[^\n]{0,4}$"
)


def mask_mobile(number: str) -> str:
    digits = re.sub(r"\D", "", number)
    return f"{digits[:3]}****{digits[-4:]}"


# --- lists pairing names with student or staff numbers ---------------------------------------------------------

_CJK = "\u4e00-\u9fff"
_NUMBER = r"[A-Z]{0,2}[0-9]{9,13}"  # a student or staff number, standing alone
_LABEL = r"(?:学号|工号|学籍号|职工号|教工号|一卡通号|校园卡号)"
# Header cells that name a column of student or staff numbers.
_NUMBER_HEADER = re.compile(rf"^(?:{_LABEL}|学生证号|工作证号|考生号|准考证号|(?:学生|职工|教工)编号)$")
_NUMBER_CELL = re.compile(r"[A-Za-z]{0,2}[0-9]{4,13}")
_LABEL_END = re.compile(rf"{_LABEL}$")
_NAME_CELL = re.compile(rf"[{_CJK}]{{2,4}}|[{_CJK}]{{1,6}}·[{_CJK}]{{1,8}}")
_NAME_HEADER = re.compile(r"^(?:姓名|名字|学生|党员|同学|教师|教职工|发展对象|积极分子)(?:姓名)?$")
# Common surnames: a word paired with a number is taken for a name only if it starts with one, so that
# 社科基金（2024012345）or 管理学院 | 1010012345 is not a list of people.
_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_COMPOUND = "欧阳司马诸葛上官东方令狐慕容皇甫夏侯公孙尉迟长孙宇文司徒端木独孤南宫西门呼延闻人澹台申屠轩辕钟离宗政濮阳太史"
_COMPOUND_SURNAMES = frozenset(_COMPOUND[i : i + 2] for i in range(0, len(_COMPOUND), 2))
_PAIR_BEFORE = re.compile(
    rf"(?<![{_CJK}·])(?P<name>[{_CJK}·]{{2,}})[ \t]*[（(]?[ \t]*{_LABEL}?[ \t]*[：:]?[ \t]*"
    rf"(?<![0-9A-Za-z_./-])(?P<number>{_NUMBER})(?![0-9A-Za-z_-]|\.\d)"
)
_PAIR_AFTER = re.compile(
    rf"(?<![0-9A-Za-z_./-])(?P<number>{_NUMBER})(?![0-9A-Za-z_-]|\.\d)"
    rf"[ \t]*[）)]?[ \t]*[：:]?[ \t]*(?P<name>[{_CJK}·]{{2,}})"
)
# The last character of words that come before a number but are not names: 会议号, 群, 电话, 金额…
_NOT_NAME_END = frozenset("号码群议话机址箱额数费价期届次批证卡户款元计线版书刊")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _name(word: str) -> bool:
    """Whether a word of running text or a table cell looks like a Chinese personal name."""
    if "·" in word:
        return True  # 买买提·艾力
    if len(word) in (3, 4) and word[:2] in _COMPOUND_SURNAMES:
        return True
    return len(word) in (2, 3) and word[0] in _SURNAMES and word[-1] not in _NOT_NAME_END


def _isbn13(digits: str) -> bool:
    if len(digits) != 13 or not digits.startswith(("978", "979")):
        return False
    return sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits)) % 10 == 0


def _student_number(token: str) -> bool:
    """A 9–13 digit number (a letter or two before it allowed) that is no other kind of number."""
    digits = token.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    if len(token) - len(digits) > 2 or not 9 <= len(digits) <= 13 or not digits.isdigit():
        return False
    return not (_isbn13(digits) or (len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits)))


def mask_number(token: str) -> str:
    head, tail = (4 if len(token) >= 9 else 1), (2 if len(token) >= 6 else 1)
    return f"{token[:head]}{'*' * (len(token) - head - tail)}{token[-tail:]}"


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1)


# Every finding holds seven digits in a row (or 3 + 4, a mobile number in groups), or is a table under a
# header that names student or staff numbers. Most texts have neither: two quick searches skip them.
_DIGITS = re.compile(r"[0-9]{3}[- ]?[0-9]{4}")
_HEADER_WORDS = ("学号", "工号", "学籍号", "卡号", "证号", "考生号", "编号")

# --- scanning -----------------------------------------------------------------------------------------------


def scan(text: str, first_line: int = 1, today: date | None = None) -> list[Finding]:
    """What `text` holds; `first_line` is the line of the text's first line in its file."""
    text = _half_width(text)
    if not (_DIGITS.search(text) or ("号" in text and any(word in text for word in _HEADER_WORDS))):
        return []
    public = _blank(text)

    def line_of(offset: int) -> int:
        return first_line + public.count("\n", 0, offset)

    found: list[Finding] = []
    for m in _ID.finditer(public):
        if valid_id(m.group(), today) and not _NOT_PERSON.search(public[max(0, m.start() - 16) : m.start()]):
            found.append(Finding(ID_CARD, line_of(m.start()), mask_id(m.group()), m.group()))
    for m in _MOBILE.finditer(public):
        if _mobile_alone(public, m):
            found.append(Finding(MOBILE, line_of(m.start()), mask_mobile(m["number"]), m["number"]))
    found += _tables(public, first_line)
    found += _pairs(public, line_of)
    return sorted(found, key=lambda f: f.line)


def _mobile_alone(text: str, m: re.Match[str]) -> bool:
    start, end = m.start(), m.end()
    if start and _BEFORE.match(text, start - 1):
        return False
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    # 2024-13812345678, 5 138 1234 5678, 138 1234 5678 9: one longer number written in groups
    if re.fullmatch(r"[0-9]-", before) or re.match(r"-[0-9]", after):
        return False
    if (m["sep"] or start < m.start("number")) and (
        re.fullmatch(r"[0-9] ", before) or re.match(r" [0-9]", after)
    ):
        return False
    if _AFTER.match(text, end):
        return False
    return not _NOT_PHONE.search(text[max(0, start - 12) : start])


def _tables(text: str, first_line: int) -> list[Finding]:
    """Markdown tables with three or more rows pairing a name with a student or staff number."""
    found = []
    for start, header, rows in _table_blocks(text.split("\n")):
        numbered = {i for i, cell in enumerate(header) if _NUMBER_HEADER.match(cell.replace(" ", ""))}
        named = {i for i, cell in enumerate(header) if _NAME_HEADER.match(cell.replace(" ", ""))}
        pairs = []
        for number, row in enumerate(rows, start=start):
            cells = _cells(row)
            token = next(
                (
                    c
                    for i, c in enumerate(cells)
                    if (i in numbered and _NUMBER_CELL.fullmatch(c)) or _student_number(c)
                ),
                None,
            )
            name = next(
                (c for i, c in enumerate(cells) if _NAME_CELL.fullmatch(c) and (i in named or _name(c))), None
            )
            if token and name:
                pairs.append((number, name, token))
        if len({token for _, _, token in pairs}) >= 3:
            number, name, token = pairs[0]
            sample = f"{mask_name(name)} {mask_number(token)} 等 {len(pairs)} 人"  # a cell: a whole name
            found.append(Finding(ROSTER, first_line + number, sample, token))
    return found


def _table_blocks(lines: list[str]) -> Iterator[tuple[int, list[str], list[str]]]:
    """(index of the first row, header cells, rows) of each run of lines with `|`; a header row and its
    rule (`|---|---|`) start a table of their own, also right under another one."""
    index = 0
    while index < len(lines):
        if "|" not in lines[index]:
            index += 1
            continue
        start = index
        while index < len(lines) and "|" in lines[index]:
            index += 1
        rules = [k for k in range(start + 1, index) if _TABLE_RULE.match(lines[k])]
        cuts = [start, *(k - 1 for k in rules if k - 1 > start), index]
        for low, high in itertools.pairwise(cuts):
            if low + 1 < high and _TABLE_RULE.match(lines[low + 1]):
                yield low + 2, _cells(lines[low]), lines[low + 2 : high]
            else:
                yield low, [], lines[low:high]


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [cell.strip() for cell in row.split("|")]


def _pairs(text: str, line_of: Callable[[int], int]) -> list[Finding]:
    """Three or more names written with a student or staff number in running text or a list:
    张三（2021012345）、李四 2021012346 …"""
    pairs: dict[str, tuple[int, str]] = {}  # number → (offset, name)
    for m in _PAIR_BEFORE.finditer(text):
        word = _LABEL_END.sub("", m["name"])  # 张三学号 2021012345
        if _AFTER.match(text, m.end()) or not _student_number(m["number"]):
            continue
        if any(_name(word[-size:]) for size in (2, 3, 4) if size <= len(word)):
            pairs.setdefault(m["number"], (m.start("number"), word))
    for m in _PAIR_AFTER.finditer(text):
        word = m["name"]
        if word[0] in _UNIT or not _student_number(m["number"]):
            continue
        if any(_name(word[:size]) for size in (2, 3, 4) if size <= len(word)):
            pairs.setdefault(m["number"], (m.start("number"), word))
    if len(pairs) < 3:
        return []
    first, (offset, _) = min(pairs.items(), key=lambda kv: kv[1][0])
    # Only the number: where a name starts in running text is a guess.
    return [Finding(ROSTER, line_of(offset), f"{mask_number(first)} 等 {len(pairs)} 人", first)]


def locate(raw: str, lines: list[str] | tuple[str, ...], line: int, first_line: int = 1) -> int:
    """The line, from `line` on, of the first of `lines` (the first being `first_line`) holding `raw`:
    where a finding in a header value is written (a caption in a list, a block of text)."""
    for number in range(max(line, first_line), first_line + len(lines)):
        if raw in _half_width(lines[number - first_line]):
            return number
    return line


# --- reporting ------------------------------------------------------------------------------------------------

_HINTS = {
    ID_CARD: "身份证号不能出现在公开的新闻和介绍里：请删掉，确实需要时打码，写成 4201**********1234 这样",
    MOBILE: "个人手机号不要公开：请删掉，或打码写成 138****5678；需要留联系方式时写办公电话（座机）",
    ROSTER: "带学号、工号的名单（公示、获奖、发展对象名单等）请发到学院内部系统（如 OA、内部通知），"
    "新闻里只写姓名或人数，不写学号、工号",
}


def report(findings: Iterable[Finding], path: str, problems: Problems, key: str) -> None:
    """One warning per kind of finding in a file, at its first line, naming the others' lines.
    `key` is the header line that says the file was checked (for the hint)."""
    by_kind: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=lambda f: f.line):
        by_kind.setdefault(finding.kind, []).append(finding)
    for kind in KINDS:
        same = by_kind.get(kind)
        if not same:
            continue
        where = ""
        if len(same) > 1:
            lines = sorted({f.line for f in same})
            shown = "、".join(str(n) for n in lines[:10]) + ("…" if len(lines) > 10 else "")
            where = f" 等 {len(same)} 处（第 {shown} 行）"
        problems.warning(
            path,
            f"公开的文字里有{kind}：{same[0].sample}{where}，发布后任何人都能看到",
            f"{_HINTS[kind]}。如果这不是个人信息，或核对后确认可以公开，在信息头加一行“{key}”，这个文件就不再提示",
            same[0].line,
        )
