"""`check`: every problem any build would find, in both editions, without writing a file."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import Problems, Severity, summary
from ..images import hand_written as hand_written_images
from .common import CONFIG_OPTION, Command, load_site_config, site_plugin


def check_content(config_file: Path) -> Problems:
    """What any build would report (either edition), without processing a photo or writing a file."""
    from mkdocs.structure.files import get_files

    from ..assemble import check
    from ..pages import Edition
    from ..periods import build_date
    from ..plugin import docs_name, hand_written

    config = load_site_config(config_file)
    plugin = site_plugin(config)
    files = get_files(config)
    problems = check(
        config_file.resolve().parent,
        plugin.options_for(config, Edition.PUBLIC),
        list_page_size=plugin.config.list_page_size,
        images=plugin.images(),
        today=build_date(os.environ.get("SOURCE_DATE_EPOCH")),
        hand_written=hand_written(files),
        docs_dir=docs_name(config),
    )
    pictures = [f.src_uri for f in files if hand_written_images.is_picture(f.src_uri)]
    keep_exif = plugin.config.image_keep_exif
    problems.extend(
        hand_written_images.publish(Path(config.docs_dir), pictures, docs_name(config), keep_exif)[1]
    )
    for warning in plugin.config_warnings:
        problems.warning(config_file.name, warning)
    return problems


@click.command(cls=Command)
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="有警告也算不通过。")
def check(config_file: Path, strict: bool) -> None:
    """检查所有支部和新闻文件，一次列出全部问题（不会修改任何文件）。"""
    problems = check_content(config_file)
    for problem in problems.sorted():
        click.echo(f"{problem.severity.value}  {problem}")
    if not problems.errors and not problems.warnings:  # a note (提示) is no problem
        click.echo("检查通过：没有发现问题。")
        return
    click.echo(summary(problems.items))
    failed = problems.errors or (strict and any(p.severity is Severity.WARNING for p in problems.items))
    if failed:
        sys.exit(1)
