"""Commands for editors: `python -m mkdocs_branches check` runs the same checking pass as a build."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .config import activity_types
from .errors import Problems, Severity, summary
from .index import build_site, select_published
from .loader import load_content, settings_from


class CommandError(click.ClickException):
    """A failure an editor can act on: printed without a traceback, with its exit code."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def load_plugin_config(config_file: Path):
    """The `branches` plugin's settings from mkdocs.yml, validated as MkDocs would."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    if not config_file.is_file():
        raise CommandError(f"找不到 {config_file}：请在网站文件夹（有 mkdocs.yml 的那一层）里运行这个命令")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    try:
        config = load_config(str(config_file))
    except ConfigurationError as exc:
        raise CommandError(f"mkdocs.yml 的设置有误：{exc}") from None
    plugin = config.plugins.get("branches")
    if plugin is None:
        raise CommandError("mkdocs.yml 的 plugins 里没有启用 branches")
    return plugin.config


def check_content(config_file: Path) -> Problems:
    settings = load_plugin_config(config_file)
    try:
        types = activity_types(settings.activity_types)
    except ValueError as exc:
        raise CommandError(f"mkdocs.yml 里 branches 的 activity_types 设置有误：{exc}") from None
    root = config_file.resolve().parent
    content, problems = load_content(root, settings_from(settings.content_dir, settings.branch_types, types))
    published, left_out = select_published(content, settings.review_required)
    problems.extend(left_out)
    _, index_problems = build_site(content, published, settings.content_dir, types, settings.list_page_size)
    problems.extend(index_problems)
    return problems


@click.group()
def main() -> None:
    """一支部一品牌网站的编辑工具。"""


@main.command()
@click.option(
    "-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"), show_default=True
)
@click.option("--strict", is_flag=True, help="有警告也算不通过。")
def check(config_file: Path, strict: bool) -> None:
    """检查所有支部和新闻文件，一次列出全部问题（不会修改任何文件）。"""
    problems = check_content(config_file)
    for problem in problems.sorted():
        click.echo(f"{problem.severity.value}  {problem}")
    if not problems.items:
        click.echo("检查通过：没有发现问题。")
        return
    click.echo(summary(problems.items))
    failed = problems.errors or (strict and any(p.severity is Severity.WARNING for p in problems.items))
    if failed:
        sys.exit(1)
