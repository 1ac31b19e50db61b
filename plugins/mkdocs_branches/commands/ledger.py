"""`ledger`: a branch's 台账 of a year (or a quarter) as a Word file, from the same content as the site."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import Severity
from .common import (
    CONFIG_OPTION,
    Command,
    CommandError,
    check_branch_id,
    create,
    load_site_config,
    site_plugin,
)


@click.command("ledger", cls=Command)
@click.argument("branch_id")
@click.option("--year", type=int, default=None, help="年份，例如 2025（默认今年）")
@click.option("--quarter", type=click.IntRange(1, 4), default=None, help="只要一个季度：1、2、3 或 4")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="保存为哪个 .docx 文件（默认放在当前文件夹）",
)
@CONFIG_OPTION
def ledger(
    branch_id: str, year: int | None, quarter: int | None, output: Path | None, config_file: Path
) -> None:
    """生成支部 BRANCH_ID 一年（或一个季度）的工作台账（Word 文件）：封面、目录、品牌简介、活动计划和完成情况、
    会议记录表、每次活动的记录、新闻和照片、组织生活达标情况。不会修改任何内容文件。"""
    from ..assemble import held_back, survey
    from ..ledger import photo_from_files
    from ..loader import load_content, settings_from
    from ..pages import Edition
    from ..pages.worklog import ledger_of
    from ..periods import build_date

    check_branch_id(branch_id)
    config = load_site_config(config_file)
    plugin = site_plugin(config)
    options = plugin.options_for(config, Edition.INTERNAL)
    root = config_file.resolve().parent
    settings = settings_from(options.content_dir, list(options.branch_types), list(options.types))
    content, problems = load_content(root, settings)
    if branch_id not in content.branches:
        raise CommandError(
            f"没有编号为“{branch_id}”的支部（找不到 {options.content_dir}/{branch_id}/index.md，或者它有错误）"
        )
    today = build_date(os.environ.get("SOURCE_DATE_EPOCH"))
    year = year or today.year
    if problems.errors:
        click.echo(
            f"{Severity.WARNING.value}  内容里有 {len(problems.errors)} 处错误，有错误的新闻不会写进台账；"
            "运行 branches check 可以看到全部问题",
            err=True,
        )
    build, _ = survey(
        held_back(content, problems), options, list_page_size=plugin.config.list_page_size, today=today
    )
    branch = build.branches.get(branch_id) or content.branches[branch_id]
    book = ledger_of(build, branch, year, quarter)
    data = book.docx(photo_from_files(root / options.content_dir))
    target = output or _free(Path(f"{branch.name}{book.period}工作台账.docx"))
    if target.suffix.lower() != ".docx":
        raise CommandError(f"{target}：台账是 Word 文件，文件名要以 .docx 结尾")
    create(target, data)
    click.echo(
        f"已生成 {target}（{len(data) // 1024} KB）：{book.period}，计划 {len(book.log.entries)} 项，"
        f"会议记录 {len(book.records)} 次，活动 {len(book.activities)} 次，照片 {book.figures} 张，"
        f"计划外 {len(book.log.unplanned)} 次。"
    )
    click.echo("用 Word 打开时如果问“是否更新域”，选“是”，目录就会显示出来（WPS：点“引用”→“更新目录”）。")


def _free(path: Path) -> Path:
    """`path`, or `name (2).docx` … when it exists: an earlier ledger is never overwritten."""
    n = 2
    found = path
    while found.exists():
        found = path.with_name(f"{path.stem} ({n}){path.suffix}")
        n += 1
    return found
