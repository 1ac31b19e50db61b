"""Split a content file into its YAML header and Markdown body, with line numbers for every key.

Pure: takes the file's bytes, returns the header and body or raises `HeaderError` with every
problem found, each with the line it is on. Editors' usual slips (GBK files, the full-width colon
`标题：`, tabs, a header that never closes) get a message that says so in plain words. `load_list`
reads a meeting register written in YAML (a list of mappings) the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml

from .errors import Problem

_FULLWIDTH_KEY = re.compile(r"^\s*([^\s:：#'\"-][^\s:：#'\"]*)\s*：")
_FULLWIDTH_MARKS = {"－": "-", "　": "空格", "，": ",", "［": "[", "］": "]", "｛": "{", "｝": "}", "＃": "#"}
_DELIMITER = re.compile(r"^(---|\.\.\.)\s*$")
# What YAML refuses to read (its reader's NON_PRINTABLE, tab and line breaks aside): pasted from a web page
# or Word, invisible in an editor.
_CONTROL = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# libyaml where available (~10× faster, same nodes and marks).
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Dates stay text: `dates` reads them all, so `2024-02-30` gets the same plain message as `2024年2月30日`
# instead of YAML's error.
_RESOLVERS = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Entry:
    value: object
    line: int  # 1-based line in the file


@dataclass(frozen=True)
class Document:
    header: dict[str, Entry]
    body: str
    body_line: int  # file line of the body's first line
    header_line: int  # file line of the opening ---
    header_lines: tuple[str, ...] = ()  # the header as written, from the file's second line


class HeaderError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM, LF or CRLF) → text; anything else → HeaderError saying how to fix it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise HeaderError([_encoding_problem(path, "UTF-16（Unicode）")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        try:
            data.decode("gb18030")
            found = "GBK/GB18030（Windows 中文系统的默认编码）"
        except UnicodeDecodeError:
            found = "未知编码"
        raise HeaderError([_encoding_problem(path, found, line)]) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_problem(path: str, found: str, line: int | None = None) -> Problem:
    return Problem(
        path,
        f"文件不是 UTF-8 编码，看起来是 {found}",
        "请用记事本或 VS Code 打开，选择“另存为”，编码选“UTF-8”后保存",
        line,
    )


def parse(text: str, path: str) -> Document:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise HeaderError(
            [
                Problem(
                    path,
                    "文件开头没有信息头",
                    "第一行必须是三个减号 ---，接着写“标题: …”等信息，再用一行 --- 结束",
                    1,
                )
            ]
        )
    end = next((i for i in range(1, len(lines)) if _DELIMITER.match(lines[i])), None)
    if end is None:
        raise HeaderError(
            [
                Problem(
                    path,
                    "信息头没有结束",
                    "请在最后一个“键: 值”下面单独加一行 ---，把信息头和正文分开",
                    1,
                )
            ]
        )
    header_lines = lines[1:end]
    problems = _typing_slips(header_lines, path)
    if problems:
        raise HeaderError(problems)
    header = _load_yaml("\n".join(header_lines), path, first_line=2)
    body_lines = lines[end + 1 :]
    return Document(header, "\n".join(body_lines), end + 2, 1, tuple(header_lines))


def _typing_slips(lines: list[str], path: str, first: int = 2, where: str = "信息头") -> list[Problem]:
    """What YAML would report confusingly: tabs, full-width colons and other full-width marks."""
    problems = []
    for number, line in enumerate(lines, start=first):
        if m := _CONTROL.search(line):
            problems.append(
                Problem(
                    path,
                    f"这一行第 {m.start() + 1} 个字是看不见的控制字符（U+{ord(m.group()):04X}）",
                    "常见于从网页或 Word 复制过来的文字：请删掉这一行，重新输入",
                    number,
                )
            )
            continue
        if line.startswith("\t") or (line[: len(line) - len(line.lstrip())].count("\t")):
            problems.append(
                Problem(
                    path, "这一行用 Tab 键缩进", f"{where}里只能用空格缩进，请把 Tab 换成两个空格", number
                )
            )
            continue
        if m := _FULLWIDTH_KEY.match(line):
            key = m.group(1)
            problems.append(
                Problem(
                    path,
                    f"“{key}”后面用了中文全角冒号“：”",
                    f"请改成英文半角冒号加一个空格，例如“{key}: …”",
                    number,
                )
            )
            continue
        stripped = line.lstrip(" ")
        indent = line[: len(line) - len(stripped)]
        for mark, fix in _FULLWIDTH_MARKS.items():
            if stripped.startswith(mark) or (mark == "　" and "　" in indent):
                problems.append(
                    Problem(
                        path,
                        f"这一行开头用了全角符号“{mark}”",
                        f"请改成半角的“{fix}”（切换到英文输入法再输入）",
                        number,
                    )
                )
                break
    return problems


_TOO_DEEP = ("{where}里的列表或缩进套了太多层", "请对照编辑指南里的示例，每个键写成一行“键: 值”")
_YAML_HINTS = [
    (
        "mapping values are not allowed",
        "这一行有多余的冒号",
        '值里含有英文冒号时，请给整个值加上英文引号，例如 标题: "会议: 学习"',
    ),
    ("could not find expected ':'", "这一行缺少冒号", "每一行都要写成“键: 值”，冒号后面要有一个空格"),
    ("found character '\\t'", "这一行用了 Tab 键", "{where}里只能用空格，请把 Tab 换成两个空格"),
    ("did not find expected key", "这一行的缩进不对", "同一级的键要左对齐；列表项以“- ”开头并对齐"),
    ("did not find expected '-' indicator", "列表的缩进不对", "列表里每一项都以“- ”开头，并且左边对齐"),
    ("found undefined alias", "这一行有多余的 * 号", "以 * 或 & 开头的值请加上英文引号"),
    ("while scanning a quoted scalar", "引号没有成对", "请检查这一行的引号，开头和结尾都要有"),
    ("exceeded maximum nesting depth", *_TOO_DEEP),
]


def load_list(text: str, path: str) -> tuple[list[tuple[int, dict[str, Entry]]], list[Problem]]:
    """A YAML file holding a list of mappings → (line, keys) per mapping, and the problems of entries
    (a key twice, an entry that is not “键: 值”); a file that cannot be read as a list raises HeaderError."""
    slips = _typing_slips(text.split("\n"), path, first=1, where="记录文件")
    if slips:
        raise HeaderError(slips)

    def entries(
        loader: Any, node: yaml.Node | None
    ) -> tuple[list[tuple[int, dict[str, Entry]]], list[Problem]]:
        if node is None:
            return [], []
        if not isinstance(node, yaml.SequenceNode):
            raise HeaderError(
                [
                    Problem(
                        path,
                        "记录文件不是一个列表",
                        "每次会议写成一项，第一行以“- 日期: 2024-03-13”开头（减号后面空一格）",
                        1 + node.start_mark.line,
                    )
                ]
            )
        found: list[tuple[int, dict[str, Entry]]] = []
        problems: list[Problem] = []
        for item in node.value:
            line = 1 + item.start_mark.line
            if isinstance(item, yaml.MappingNode):
                found.append((line, _mapping(loader, item, path, 1, problems)))
            else:
                problems.append(
                    Problem(
                        path,
                        "这一项不是“键: 值”的格式",
                        "每项写成“- 日期: 2024-03-13”，下面几行和“日期”对齐，写“活动类型: …”“主题: …”；"
                        "冒号用英文半角，后面空一格",
                        line,
                    )
                )
        return found, problems

    return _read_yaml(text, path, 1, "记录文件", entries)


def _load_yaml(text: str, path: str, first_line: int) -> dict[str, Entry]:
    def header(loader: Any, node: yaml.Node | None) -> dict[str, Entry]:
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise HeaderError(
                [
                    Problem(
                        path,
                        "信息头不是“键: 值”的格式",
                        "每一行写成“标题: 会议名称”这样的形式",
                        first_line + node.start_mark.line,
                    )
                ]
            )
        problems: list[Problem] = []
        keys = _mapping(loader, node, path, first_line, problems)
        if problems:
            raise HeaderError(problems)
        return keys

    return _read_yaml(text, path, first_line, "信息头", header)


def _mapping(
    loader: Any, node: yaml.MappingNode, path: str, first_line: int, problems: list[Problem]
) -> dict[str, Entry]:
    keys: dict[str, Entry] = {}
    for key_node, value_node in node.value:
        key = str(loader.construct_object(key_node, deep=True)).strip()
        line = first_line + key_node.start_mark.line
        if key in keys:
            problems.append(
                Problem(path, f"“{key}”写了两次", f"请删掉其中一行（另一处在第 {keys[key].line} 行）", line)
            )
            continue
        keys[key] = Entry(loader.construct_object(value_node, deep=True), line)
    return keys


_T = TypeVar("_T")


def _read_yaml(
    text: str, path: str, first_line: int, where: str, build: Callable[[Any, yaml.Node | None], _T]
) -> _T:
    """`build(loader, node)` over the YAML in `text`; YAML's own errors become plain-words problems."""
    loader = _LOADER(text)
    loader.yaml_implicit_resolvers = _RESOLVERS
    try:
        return build(loader, loader.get_single_node())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else None
        detail = f"{exc.problem or ''} {exc.context or ''}"
        for needle, message, hint in _YAML_HINTS:
            if needle in detail:
                message, hint = (text.replace("{where}", where) for text in (message, hint))
                raise HeaderError([Problem(path, message, hint, line)]) from None
        raise HeaderError(
            [Problem(path, f"{where}格式错误（{exc.problem}）", "请对照编辑指南里的示例检查这一行", line)]
        ) from None
    except yaml.YAMLError as exc:
        raise HeaderError(
            [Problem(path, f"{where}格式错误（{exc}）", "请对照编辑指南里的示例检查")]
        ) from None
    except RecursionError:  # nested deeper than Python builds, not as deep as libyaml refuses
        message, hint = (text.replace("{where}", where) for text in _TOO_DEEP)
        raise HeaderError([Problem(path, message, hint)]) from None
    finally:
        loader.dispose()
