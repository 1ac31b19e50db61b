"""`import-docx`: Word drafts into news items, their pictures into the item's photo folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import Problem, Severity
from .common import (
    CONFIG_OPTION,
    Command,
    CommandError,
    branch_folder,
    check_type,
    content_of,
    create,
    item_header,
    parse_date,
)

if TYPE_CHECKING:
    from ..docx_import import Draft


@click.command("import-docx", cls=Command)
@click.argument("branch_id")
@click.argument("files", nargs=-1, required=True)
@click.option("--type", "item_type", default=None, help="活动类型（默认从标题和正文里认出来）")
@click.option("--date", "date_text", default=None, help="日期，例如 2024-03-13（默认用稿件里写的第一个日期）")
@CONFIG_OPTION
def import_docx(
    branch_id: str, files: tuple[str, ...], item_type: str | None, date_text: str | None, config_file: Path
) -> None:
    """把 Word 新闻稿（.docx，可以写多个、文件夹或 *.docx）导入为支部 BRANCH_ID 的新闻：信息头、正文和图片（原文件不动）。"""
    from ..docx_import import DocxError, find_files, read_draft
    from ..placing import branch_name

    content, _, types = content_of(config_file)
    root = config_file.resolve().parent
    branch = branch_folder(content, branch_id)
    if item_type:
        check_type(item_type, types)
    when = parse_date(date_text) if date_text else None
    paths, problems = find_files(files)
    name = branch_name(branch)
    imported, failed = 0, len(problems)
    for arg, message in problems:
        click.echo(f"{Severity.ERROR.value}  {Problem(arg, message)}")
    for path in paths:
        try:
            draft = read_draft(path, [t.name for t in types], when, item_type)
            made = _write_item(branch / "news", draft, root, name)
        except (DocxError, CommandError) as exc:
            failed += 1
            for message in exc.messages if isinstance(exc, DocxError) else [exc.message]:
                click.echo(f"{Severity.ERROR.value}  {Problem(str(path), message)}")
            continue
        imported += 1
        click.echo(f"已导入 {path} → {made}")
        click.echo(f"  标题：{draft.title}\n  日期：{draft.when.display()}\n  活动类型：{draft.type}")
        if draft.photos:
            captions = sum(1 for p in draft.photos if p.caption)
            click.echo(
                f"  图片：{len(draft.photos)} 张（{captions} 张有说明），在 {made.with_suffix('')}{os.sep}"
            )
        else:
            click.echo("  图片：没有")
        if draft.guesses:
            click.echo("  下面这些是推断出来的，请核对：")
            click.echo("\n".join(f"  - {guess}" for guess in draft.guesses))
        for note in draft.notes:
            click.echo(f"{Severity.WARNING.value}  {Problem(str(path), note)}")
    click.echo(
        f"导入了 {imported} 篇稿子"
        + (f"，{failed} 个没有导入，原因见上面的“错误”。原文件都没有改动" if failed else "。")
    )
    if failed:
        sys.exit(1)


def _write_item(news: Path, draft: Draft, root: Path, branch: str) -> Path:
    """The item's .md and its photo folder under a free name, all new files; nothing is left behind if
    writing fails. Returns the item's path relative to the site's folder."""
    from ..placing import place

    spot = place(news, draft.when.date, draft.title, branch)
    if (copy := spot.copy_of(draft.body)) is not None:
        raise CommandError(
            f"这篇稿子已经导入过：{copy.relative_to(root)}，没有再导入，也没有改动任何文件。要修改请直接编辑那个文件"
        )
    stem = spot.stem
    path, folder = news / f"{stem}.md", news / stem
    for other, _ in spot.same_title:
        draft.notes.append(
            f"这一天已经有标题相同的新闻 {other.relative_to(root)}，这篇存为 {stem}.md。"
            "如果是同一篇稿子改过后又导入了一次，请比较两个文件，删掉不要的那个"
        )
    names = [f"{n:02d}{photo.suffix}" for n, photo in enumerate(draft.photos, 1)]
    photos = [(f"{stem}/{name}", photo.caption) for name, photo in zip(names, draft.photos, strict=True)]
    header = item_header(draft.title, draft.when, draft.type, draft.people, photos)
    created: list[Path] = []
    try:
        create(path, "\n".join([*header, "", draft.body]))
        created.append(path)
        if not folder.is_dir():
            folder.mkdir()
            created.append(folder)
        for name, photo in zip(names, draft.photos, strict=True):
            create(folder / name, photo.data)
            created.append(folder / name)
    except BaseException as exc:  # Ctrl+C too: no half-written item is left
        for made in reversed(created):
            made.rmdir() if made.is_dir() else made.unlink()
        if not isinstance(exc, OSError):
            raise
        raise CommandError(
            f"无法写入 {exc.filename}（{exc.strerror}），这篇没有导入。请检查磁盘空间和文件夹权限后再试"
        ) from None
    return path.relative_to(root)
