"""A new college's site (`branches init`): the files of `scaffold/` with the college's name, its address and
this version filled in, the register's templates beside them. Writes into an empty folder only."""

from __future__ import annotations

import datetime as dt
import html
import json
import shutil
from importlib import metadata
from pathlib import Path

from .pages.manual import MANUAL

SCAFFOLD = Path(__file__).parent / "scaffold"
# Files whose names start with a dot are shipped as `dot.x`: package data leaves dotfiles out.
_DOT = "dot."


class NotEmpty(Exception):
    """The folder to start a site in already holds something."""


def version() -> str:
    try:
        return metadata.version("mkdocs-branches")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "0"


def fields(college: str, url: str | None, today: dt.date) -> dict[str, str]:
    """What the scaffold's `{name}` marks stand for. YAML values are written quoted (JSON is YAML), Markdown
    text escaped: a college's name may hold `:` or `<`."""
    return {
        "{site_name}": json.dumps(f"{college} · 一支部一品牌", ensure_ascii=False),
        "{site_description}": json.dumps(f"{college}各党支部的品牌风采与活动动态", ensure_ascii=False),
        "{parent}": json.dumps(f"{college}党委", ensure_ascii=False),
        "{url}": json.dumps(url) if url else '""  # 发布后的网址，例如 https://www.xxx.edu.cn/xy/djpp/',
        "{college}": html.escape(college, quote=False),
        "{version}": version(),
        "{series}": ".".join(version().split(".")[:2]),  # `~=0.2`: any later 0.x, never 1.0
        "{date}": today.isoformat(),
    }


def write_site(folder: Path, college: str, url: str | None, today: dt.date) -> list[Path]:
    """Writes a new site into `folder` (made if missing); returns the files written. Raises `NotEmpty`
    before writing anything when `folder` holds any file or folder."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise NotEmpty(str(folder))
    marks = fields(college, url, today)
    written = []
    for source in sorted(SCAFFOLD.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        rel = source.relative_to(SCAFFOLD)
        rel = Path(*(("." + p[len(_DOT) :]) if p.startswith(_DOT) else p for p in rel.parts))
        target = folder / _filled(rel.as_posix(), marks)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_filled(source.read_text(encoding="utf-8"), marks), encoding="utf-8", newline="\n")
        written.append(target)
    files = folder / "docs" / "files"
    files.mkdir(parents=True, exist_ok=True)
    for template in sorted((MANUAL / "files").iterdir()):
        written.append(Path(shutil.copyfile(template, files / template.name)))
    return written


def _filled(text: str, marks: dict[str, str]) -> str:
    for mark, value in marks.items():
        text = text.replace(mark, value)
    return text
