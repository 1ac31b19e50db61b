"""`import-photos`: a phone's photos copied into an item's photo folder, numbered in order."""

from __future__ import annotations

import shutil
from pathlib import Path

import click

from .. import safety
from ..errors import Severity
from .common import CONFIG_OPTION, Command, CommandError, check_branch_id, content_of


@click.command("import-photos", cls=Command)
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("item", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CONFIG_OPTION
def import_photos(source: Path, item: Path, config_file: Path) -> None:
    """把 SOURCE 文件夹里的照片复制到新闻 ITEM 的照片文件夹，按顺序命名为 01.jpg、02.jpg……（原文件不动）。"""
    from ..images.pipeline import is_image
    from ..loader import IMAGE_SUFFIXES

    content, _, _ = content_of(config_file)
    if item.suffix != ".md":
        raise CommandError(f"{item} 不是新闻文件（应该是 .md 文件）")
    real, base = safety.resolve(item), safety.resolve(content)
    news = real.parent if real else None
    if news is None or base is None or news.name != "news" or news.parent.parent != base:
        raise CommandError(
            f"{item} 不是支部的新闻：新闻在“{content.name}/支部编号/news”文件夹里，"
            f"例如 {content.name}/jg1/news/2024-03-13-zhiweihui.md"
        )
    check_branch_id(news.parent.name)
    folder = news / item.stem
    if safety.is_link(folder) or (safety.exists(folder) and not folder.is_dir()):
        raise CommandError(f"{folder} 不是文件夹（可能是快捷方式），没有复制照片。请删掉它，再运行一次")
    photos = []
    for path in sorted(source.iterdir()):
        if safety.hidden(path.name) or path.suffix.lower() not in IMAGE_SUFFIXES or safety.is_dir(path):
            continue
        if safety.is_link(path):
            click.echo(
                f"{Severity.WARNING.value}  {path}: 这是一个快捷方式（链接），没有复制。请复制照片本身",
                err=True,
            )
        elif not is_image(str(path)):
            click.echo(
                f"{Severity.WARNING.value}  {path}: 这不是照片（也许只是改了扩展名），没有复制", err=True
            )
        else:
            photos.append(path)
    if not photos:
        raise CommandError(f"{source} 里没有照片（支持 {'、'.join(sorted(IMAGE_SUFFIXES))}）")
    folder.mkdir(exist_ok=True)
    taken = {p.stem for p in folder.iterdir()}
    number = 1
    for photo in photos:
        while f"{number:02d}" in taken:
            number += 1
        target = folder / f"{number:02d}{photo.suffix.lower()}"
        with photo.open("rb") as src, target.open("xb") as dst:
            shutil.copyfileobj(src, dst)
        taken.add(target.stem)
        click.echo(f"{photo.name} → {target}")
    click.echo(f"共复制 {len(photos)} 张照片，原文件没有改动。")
