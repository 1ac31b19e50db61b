"""The `branches` command (also `python -m mkdocs_branches`): one module per family of commands, each a
click command added below. Help and messages are in Chinese; errors are `CommandError`s, never tracebacks."""

from __future__ import annotations

import click

from ..console import tolerate_any_text
from . import check, content, docx, init, ledger, photos, publish, serve
from .common import Commands


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mkdocs-branches", message="%(prog)s %(version)s", help="显示版本号")
def main() -> None:
    """一支部一品牌网站的工具：新建网站、预览、检查、新建支部和新闻、导入照片和 Word 稿件、发布。

    每个命令的用法：branches 命令 --help，例如 branches new-item --help。
    """
    tolerate_any_text()


for command in (
    init.init,
    serve.serve,
    serve.build,
    check.check,
    content.new_branch,
    content.new_item,
    photos.import_photos,
    docx.import_docx,
    publish.publish,
    ledger.ledger,
):
    main.add_command(command)
