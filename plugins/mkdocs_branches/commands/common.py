"""What the commands share: mkdocs.yml read as MkDocs reads it, the editor-facing error, and the small steps
that create content (never overwriting) and check what an editor typed."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import click

from .. import safety
from ..config import ActivityType, BranchesConfig, activity_types
from ..dates import When
from ..errors import Severity

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from ..plugin import BranchesPlugin


class CommandError(click.ClickException):
    """A failure an editor can act on: printed without a traceback, with its exit code."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"{Severity.ERROR.value}  {self.message}", err=True, file=file)


def load_site_config(config_file: Path) -> MkDocsConfig:
    """mkdocs.yml, validated as MkDocs would, with the `branches` plugin enabled in it."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not config_file.is_file():
        raise CommandError(f"找不到 {config_file}：请在网站文件夹（有 mkdocs.yml 的那一层）里运行这个命令")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logged = Collected()
    logger = logging.getLogger("mkdocs.config")
    logger.addHandler(logged)
    logger.propagate = False
    try:
        config = load_config(str(config_file))
    except (Abort, ConfigurationError) as exc:
        errors = [r.getMessage() for r in logged.records if r.levelno >= logging.ERROR]
        raise CommandError(f"mkdocs.yml 的设置有误：{'；'.join(errors) or exc}") from None
    finally:
        logger.removeHandler(logged)
        logger.propagate = True
    for record in logged.records:
        click.echo(f"{Severity.WARNING.value}  mkdocs.yml: {record.getMessage()}", err=True)
    settings = plugin_settings(config)
    problem = safety.content_dir_problem(config_file.resolve().parent, settings.content_dir, config.docs_dir)
    if problem:
        raise CommandError(problem)
    return config


class Collected(logging.Handler):
    """Warnings and errors logged, kept: MkDocs' messages about mkdocs.yml, to be shown in a sentence of
    ours (tests collect a build's this way too)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def site_plugin(config: MkDocsConfig) -> BranchesPlugin:
    from ..plugin import BranchesPlugin

    plugin = config.plugins.get("branches")
    if not isinstance(plugin, BranchesPlugin):
        raise CommandError("mkdocs.yml 的 plugins 里没有启用 branches")
    if plugin.config_errors:
        raise CommandError("\n".join(plugin.config_errors))
    return plugin


def plugin_settings(config: MkDocsConfig) -> BranchesConfig:
    return site_plugin(config).config


def load_plugin_config(config_file: Path) -> BranchesConfig:
    """The `branches` plugin's settings from mkdocs.yml, validated as MkDocs would."""
    return plugin_settings(load_site_config(config_file))


def content_of(config_file: Path) -> tuple[Path, BranchesConfig, list[ActivityType]]:
    settings = load_plugin_config(config_file)
    return (
        config_file.resolve().parent / settings.content_dir,
        settings,
        activity_types(settings.activity_types),
    )


def create(path: Path, data: str | bytes) -> None:
    """Write a new file; never overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if isinstance(data, bytes):
            with path.open("xb") as f:
                f.write(data)
        else:
            with path.open("x", encoding="utf-8", newline="\n") as f:
                f.write(data)
    except FileExistsError:
        raise CommandError(
            f"{path} 已经存在，没有覆盖它。请换一个简称（--slug），或直接编辑这个文件"
        ) from None


CONFIG_OPTION = click.option(
    "-f",
    "--config-file",
    type=click.Path(path_type=Path),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="网站设置文件",
)


def branch_folder(content: Path, branch_id: str) -> Path:
    """The folder of an existing branch; never anything outside the content folder (`../docs`)."""
    check_branch_id(branch_id)
    branch = content / branch_id
    if not (branch / "index.md").is_file():
        raise CommandError(f"没有编号为“{branch_id}”的支部（找不到 {branch / 'index.md'}）")
    inside(branch / "news", content)
    return branch


def inside(path: Path, content: Path) -> None:
    """Refuse to write at `path` if it is, or goes through, a link out of the content folder."""
    real, base = safety.resolve(path), safety.resolve(content)
    if real is None or base is None or not safety.within(real, base):
        raise CommandError(
            f"{path} 是一个快捷方式（链接），指向内容文件夹“{content.name}”以外的地方，没有写入任何文件。"
            "请删掉这个快捷方式，再运行一次"
        )


def check_branch_id(branch_id: str) -> None:
    from ..loader import BRANCH_ID

    if not BRANCH_ID.fullmatch(branch_id):
        raise CommandError(f"支部编号“{branch_id}”不行：只能用小写英文字母、数字和减号，例如 jg1、xs-bk2")


def check_type(item_type: str, types: list[ActivityType]) -> None:
    names = [t.name for t in types]
    if item_type not in names:
        raise CommandError(f"活动类型“{item_type}”不在允许的列表里。可用的类型：{'、'.join(names)}")


def parse_date(date_text: str) -> When:
    from ..dates import DateError, parse_when

    try:
        return parse_when(date_text)
    except DateError as exc:
        raise CommandError(str(exc)) from None


def item_header(
    title: str,
    when: When,
    item_type: str,
    people: dict[str, str] | None = None,
    photos: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """A news item's header with Chinese keys; the people not known are left for the editor to fill in."""
    people = people or {}
    lines = [
        "---",
        f"标题: {yaml_text(title)}",
        f"日期: {when.iso().replace('T', ' ')}",
        f"活动类型: {item_type}",
        "标签: []",
    ]
    for key, alias in (
        ("author", "作者"),
        ("photographer", "摄影"),
        ("editor", "编辑"),
        ("reviewer", "审核"),
    ):
        lines.append(f"{alias}: {yaml_text(people[key])}" if people.get(key) else f"{alias}:")
    if not people.get("reviewer"):
        lines[-1] += "          # 审核通过后填写审核人姓名，才会发布"
    if people.get("source"):
        lines.append(f"来源: {yaml_text(people['source'])}")
    if photos:
        lines.append("图片:")
    for file, caption in photos:
        lines += (
            [f"  - 文件: {yaml_text(file)}", f"    说明: {yaml_text(caption)}"]
            if caption
            else [f"  - {yaml_text(file)}"]
        )
    return [*lines, "---"]


def yaml_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid, safely quoted YAML scalar


def show_build_messages() -> None:
    """Warnings and errors from the build, labelled in Chinese like `check` prints them."""
    labels = {logging.WARNING: "警告", logging.ERROR: "错误", logging.CRITICAL: "错误"}

    class Chinese(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            text = record.getMessage().removeprefix("mkdocs_branches: ")
            return f"{labels.get(record.levelno, '提示')}  {text}"

    handler = logging.StreamHandler()
    handler.setFormatter(Chinese())
    handler.setLevel(logging.WARNING)
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.propagate = False


class Command(click.Command):
    """A command whose `--help` is described in Chinese too."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示这段说明"
        return option


class Commands(Command, click.Group):
    """Ctrl+C says in Chinese what was left as it was, instead of click's "Aborted!"."""

    command_class = Command

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            kept = "原来的网站没有改动。" if ctx.invoked_subcommand == "publish" else ""
            click.echo(f"\n已停止（按了 Ctrl+C）。{kept}", err=True)
            sys.stdout.flush()
            sys.stderr.flush()
            # Everything was cleaned up on the way here (the half-built site, the photo workers). Exiting now
            # skips the interpreter's exit hooks, where a process pool shut down mid-way may print a traceback.
            os._exit(130)
