"""`import-docx`: a 宣传委员's Word draft (.docx) with its photos → a news item.

`reading` knows Word (what a file really is, its body in document order); `draft` knows news items
(title, date, type, trailer, captions); `markdown` writes the body. Writing files is the command's.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from ..dates import When
from .draft import Draft, make
from .reading import DocxError, read

__all__ = ["DocxError", "Draft", "find_files", "read_draft"]
WORD_SUFFIXES = {".docx", ".doc", ".wps", ".docm", ".dotx"}
LOCK_FILE = (
    "这是 Word 或 WPS 打开文件时自动生成的临时文件（文件名以 ~$ 开头），不是稿子。请导入不带 ~$ 的那个文件"
)


def read_draft(
    path: Path, types: Sequence[str], when: When | None = None, item_type: str | None = None
) -> Draft:
    """Raises DocxError with every problem of this file."""
    if path.name.startswith("~$"):
        raise DocxError(LOCK_FILE)
    return make(read(path), types, when, item_type)


def find_files(args: Sequence[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named, in folders named, or matching a pattern (`*.docx`, which Windows does not expand);
    Word's lock files (`~$x.docx`) are skipped unless named. Returns the files and (argument, problem)s."""
    found: dict[Path, Path] = {}
    problems = []
    for arg in args:
        path = Path(arg)
        if path.is_file():
            found.setdefault(path.resolve(), path)
            continue
        if path.is_dir():
            matches = [p for p in sorted(path.iterdir()) if p.suffix.lower() in WORD_SUFFIXES]
            missing = "文件夹里没有 Word 稿（.docx）"
        elif glob.has_magic(arg):
            matches = [Path(p) for p in sorted(glob.glob(arg))]
            missing = "没有和它相符的文件"
        else:
            problems.append(
                (arg, "找不到这个文件。请检查文件名和所在的文件夹；文件名里有空格时，请用英文引号把它括起来")
            )
            continue
        matches = [p for p in matches if p.is_file() and not p.name.startswith(("~$", "."))]
        if not matches:
            problems.append((arg, missing))
        for match in matches:
            found.setdefault(match.resolve(), match)
    return list(found.values()), problems
