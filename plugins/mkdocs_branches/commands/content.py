"""`new-branch` and `new-item`: new content files, written with Chinese keys; nothing is ever overwritten."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from ..dates import When
from .common import (
    CONFIG_OPTION,
    Command,
    CommandError,
    branch_folder,
    check_branch_id,
    check_type,
    content_of,
    create,
    inside,
    item_header,
    parse_date,
    yaml_text,
)


@click.command("new-branch", cls=Command)
@click.argument("branch_id")
@click.option("--name", required=True, help="支部全称，例如 管理学院教工第一党支部")
@click.option("--brand", required=True, help="品牌名称，例如 红色引擎")
@click.option("--type", "branch_type", default="", help="支部类型，例如 教工")
@CONFIG_OPTION
def new_branch(branch_id: str, name: str, brand: str, branch_type: str, config_file: Path) -> None:
    """新建一个支部：支部文件夹、品牌介绍 index.md 和 news 文件夹。"""
    content, settings, _ = content_of(config_file)
    check_branch_id(branch_id)
    if branch_type and branch_type not in settings.branch_types:
        raise CommandError(
            f"支部类型“{branch_type}”不在允许的列表里。可用的类型：{'、'.join(settings.branch_types)}"
        )
    folder = content / branch_id
    inside(folder / "news", content)
    text = "\n".join(
        [
            "---",
            f"支部名称: {yaml_text(name)}",
            f"品牌名称: {yaml_text(brand)}",
            "品牌口号:",
            "品牌标识:       # 例如 logo.png，放在这个文件夹里",
            "标识释义:",
            f"支部类型: {branch_type}" if branch_type else "支部类型:",
            "所属党组织:",
            "支部书记:",
            "党员人数:",
            "成立时间:",
            "共建单位: []",
            "荣誉: []",
            "---",
            "",
            "## 品牌内涵",
            "",
            "## 特色做法",
            "",
            "## 工作成效",
            "",
        ]
    )
    create(folder / "index.md", text)
    (folder / "news").mkdir(exist_ok=True)
    click.echo(f"已新建 {folder / 'index.md'}")


@click.command("new-item", cls=Command)
@click.argument("branch_id")
@click.argument("title")
@click.option("--type", "item_type", required=True, help="活动类型，例如 支委会")
@click.option("--date", "date_text", default=None, help="日期，例如 2024-03-13（默认今天）")
@click.option("--slug", default=None, help="文件名里的简称（默认由标题转成拼音）")
@CONFIG_OPTION
def new_item(
    branch_id: str, title: str, item_type: str, date_text: str | None, slug: str | None, config_file: Path
) -> None:
    """新建一条新闻：写好信息头，并建好放照片的文件夹。"""
    content, _, types = content_of(config_file)
    branch = branch_folder(content, branch_id)
    check_type(item_type, types)
    from ..placing import branch_name, place

    when = parse_date(date_text) if date_text else When(dt.date.today())
    spot = place(branch / "news", when.date, title, branch_name(branch), slug)
    if spot.same_title:
        raise CommandError(
            f"{spot.same_title[0][0]} 已经存在：这一天已经有标题相同的新闻，没有新建。"
            "要修改它请直接编辑这个文件；是另一条新闻的话，请换一个标题"
        )
    stem = spot.stem
    path = branch / "news" / f"{stem}.md"
    header = item_header(title, when, item_type)
    create(path, "\n".join([*header, "", "在这里写新闻正文。第一段会作为列表里的摘要。", ""]))
    (branch / "news" / stem).mkdir(exist_ok=True)
    click.echo(f"已新建 {path}\n照片请放进 {branch / 'news' / stem}{os.sep}")
