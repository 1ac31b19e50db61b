"""Commands for editors: `python -m mkdocs_branches check` runs the same checking pass as a build."""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import publish as pub
from . import safety
from .config import ActivityType, BranchesConfig, activity_types
from .dates import When
from .errors import Problem, Problems, Severity, summary

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from .docx_import import Draft
    from .plugin import BranchesPlugin


class CommandError(click.ClickException):
    """A failure an editor can act on: printed without a traceback, with its exit code."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


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
    plugin_settings(config)
    return config


class Collected(logging.Handler):
    """Warnings and errors logged, kept: MkDocs' messages about mkdocs.yml, to be shown in a sentence of
    ours (tests collect a build's this way too)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _plugin(config: MkDocsConfig) -> BranchesPlugin:
    from .plugin import BranchesPlugin

    plugin = config.plugins.get("branches")
    if not isinstance(plugin, BranchesPlugin):
        raise CommandError("mkdocs.yml 的 plugins 里没有启用 branches")
    if plugin.config_errors:
        raise CommandError("\n".join(plugin.config_errors))
    return plugin


def plugin_settings(config: MkDocsConfig) -> BranchesConfig:
    return _plugin(config).config


def load_plugin_config(config_file: Path) -> BranchesConfig:
    """The `branches` plugin's settings from mkdocs.yml, validated as MkDocs would."""
    return plugin_settings(load_site_config(config_file))


def check_content(config_file: Path) -> Problems:
    """What any build would report (either edition), without processing a photo or writing a file."""
    from mkdocs.structure.files import get_files

    from .assemble import check
    from .pages import Edition
    from .periods import build_date
    from .plugin import docs_name, hand_written

    config = load_site_config(config_file)
    plugin = _plugin(config)
    problems = check(
        config_file.resolve().parent,
        plugin.options_for(config, Edition.PUBLIC),
        list_page_size=plugin.config.list_page_size,
        images=plugin.images(),
        today=build_date(os.environ.get("SOURCE_DATE_EPOCH")),
        hand_written=hand_written(get_files(config)),
        docs_dir=docs_name(config),
    )
    for warning in plugin.config_warnings:
        problems.warning(config_file.name, warning)
    return problems


class _Commands(click.Group):
    """Ctrl+C says in Chinese what was left as it was, instead of click's "Aborted!"."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            kept = "原来的网站没有改动。" if ctx.invoked_subcommand == "publish" else ""
            click.echo(f"\n已停止（按了 Ctrl+C）。{kept}", err=True)
            ctx.exit(130)


@click.group(cls=_Commands)
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
    if not problems.errors and not problems.warnings:  # a note (提示) is no problem
        click.echo("检查通过：没有发现问题。")
        return
    click.echo(summary(problems.items))
    failed = problems.errors or (strict and any(p.severity is Severity.WARNING for p in problems.items))
    if failed:
        sys.exit(1)


def _site(config_file: Path) -> tuple[Path, BranchesConfig, list[ActivityType]]:
    settings = load_plugin_config(config_file)
    return (
        config_file.resolve().parent / settings.content_dir,
        settings,
        activity_types(settings.activity_types),
    )


def _create(path: Path, data: str | bytes) -> None:
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
    "-f", "--config-file", type=click.Path(path_type=Path), default=Path("mkdocs.yml"), show_default=True
)


def _branch_folder(content: Path, branch_id: str) -> Path:
    """The folder of an existing branch; never anything outside the content folder (`../docs`)."""
    _check_branch_id(branch_id)
    branch = content / branch_id
    if not (branch / "index.md").is_file():
        raise CommandError(f"没有编号为“{branch_id}”的支部（找不到 {branch / 'index.md'}）")
    _inside(branch / "news", content)
    return branch


def _inside(path: Path, content: Path) -> None:
    """Refuse to write at `path` if it is, or goes through, a link out of the content folder."""
    real, base = safety.resolve(path), safety.resolve(content)
    if real is None or base is None or not safety.within(real, base):
        raise CommandError(
            f"{path} 是一个快捷方式（链接），指向内容文件夹“{content.name}”以外的地方，没有写入任何文件。"
            "请删掉这个快捷方式，再运行一次"
        )


def _check_branch_id(branch_id: str) -> None:
    from .loader import BRANCH_ID

    if not BRANCH_ID.fullmatch(branch_id):
        raise CommandError(f"支部编号“{branch_id}”不行：只能用小写英文字母、数字和减号，例如 jg1、xs-bk2")


def _check_type(item_type: str, types: list[ActivityType]) -> None:
    names = [t.name for t in types]
    if item_type not in names:
        raise CommandError(f"活动类型“{item_type}”不在允许的列表里。可用的类型：{'、'.join(names)}")


def _when(date_text: str) -> When:
    from .dates import DateError, parse_when

    try:
        return parse_when(date_text)
    except DateError as exc:
        raise CommandError(str(exc)) from None


def _item_header(
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
        f"标题: {_yaml_text(title)}",
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
        lines.append(f"{alias}: {_yaml_text(people[key])}" if people.get(key) else f"{alias}:")
    if not people.get("reviewer"):
        lines[-1] += "          # 审核通过后填写审核人姓名，才会发布"
    if people.get("source"):
        lines.append(f"来源: {_yaml_text(people['source'])}")
    if photos:
        lines.append("图片:")
    for file, caption in photos:
        lines += (
            [f"  - 文件: {_yaml_text(file)}", f"    说明: {_yaml_text(caption)}"]
            if caption
            else [f"  - {_yaml_text(file)}"]
        )
    return [*lines, "---"]


@main.command("new-item")
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
    content, _, types = _site(config_file)
    branch = _branch_folder(content, branch_id)
    _check_type(item_type, types)
    from .placing import branch_name, place

    when = _when(date_text) if date_text else When(dt.date.today())
    spot = place(branch / "news", when.date, title, branch_name(branch), slug)
    if spot.same_title:
        raise CommandError(
            f"{spot.same_title[0][0]} 已经存在：这一天已经有标题相同的新闻，没有新建。"
            "要修改它请直接编辑这个文件；是另一条新闻的话，请换一个标题"
        )
    stem = spot.stem
    path = branch / "news" / f"{stem}.md"
    header = _item_header(title, when, item_type)
    _create(path, "\n".join([*header, "", "在这里写新闻正文。第一段会作为列表里的摘要。", ""]))
    (branch / "news" / stem).mkdir(exist_ok=True)
    click.echo(f"已新建 {path}\n照片请放进 {branch / 'news' / stem}{os.sep}")


@main.command("import-docx")
@click.argument("branch_id")
@click.argument("files", nargs=-1, required=True)
@click.option("--type", "item_type", default=None, help="活动类型（默认从标题和正文里认出来）")
@click.option("--date", "date_text", default=None, help="日期，例如 2024-03-13（默认用稿件里写的第一个日期）")
@CONFIG_OPTION
def import_docx(
    branch_id: str, files: tuple[str, ...], item_type: str | None, date_text: str | None, config_file: Path
) -> None:
    """把 Word 新闻稿（.docx，可以写多个、文件夹或 *.docx）导入为支部 BRANCH_ID 的新闻：信息头、正文和图片（原文件不动）。"""
    from .docx_import import DocxError, find_files, read_draft
    from .placing import branch_name

    content, _, types = _site(config_file)
    root = config_file.resolve().parent
    branch = _branch_folder(content, branch_id)
    if item_type:
        _check_type(item_type, types)
    when = _when(date_text) if date_text else None
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
    from .placing import place

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
    header = _item_header(draft.title, draft.when, draft.type, draft.people, photos)
    created: list[Path] = []
    try:
        _create(path, "\n".join([*header, "", draft.body]))
        created.append(path)
        if not folder.is_dir():
            folder.mkdir()
            created.append(folder)
        for name, photo in zip(names, draft.photos, strict=True):
            _create(folder / name, photo.data)
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


def _yaml_text(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid, safely quoted YAML scalar


@main.command("new-branch")
@click.argument("branch_id")
@click.option("--name", required=True, help="支部全称，例如 管理学院教工第一党支部")
@click.option("--brand", required=True, help="品牌名称，例如 红色引擎")
@click.option("--type", "branch_type", default="", help="支部类型，例如 教工")
@CONFIG_OPTION
def new_branch(branch_id: str, name: str, brand: str, branch_type: str, config_file: Path) -> None:
    """新建一个支部：支部文件夹、品牌介绍 index.md 和 news 文件夹。"""
    content, settings, _ = _site(config_file)
    _check_branch_id(branch_id)
    if branch_type and branch_type not in settings.branch_types:
        raise CommandError(
            f"支部类型“{branch_type}”不在允许的列表里。可用的类型：{'、'.join(settings.branch_types)}"
        )
    folder = content / branch_id
    _inside(folder / "news", content)
    text = "\n".join(
        [
            "---",
            f"支部名称: {_yaml_text(name)}",
            f"品牌名称: {_yaml_text(brand)}",
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
    _create(folder / "index.md", text)
    (folder / "news").mkdir(exist_ok=True)
    click.echo(f"已新建 {folder / 'index.md'}")


@main.command("import-photos")
@click.argument("source", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("item", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@CONFIG_OPTION
def import_photos(source: Path, item: Path, config_file: Path) -> None:
    """把 SOURCE 文件夹里的照片复制到新闻 ITEM 的照片文件夹，按顺序命名为 01.jpg、02.jpg……（原文件不动）。"""
    from .images.pipeline import is_image
    from .loader import IMAGE_SUFFIXES

    content, _, _ = _site(config_file)
    if item.suffix != ".md":
        raise CommandError(f"{item} 不是新闻文件（应该是 .md 文件）")
    real, base = safety.resolve(item), safety.resolve(content)
    news = real.parent if real else None
    if news is None or base is None or news.name != "news" or news.parent.parent != base:
        raise CommandError(
            f"{item} 不是支部的新闻：新闻在“{content.name}/支部编号/news”文件夹里，"
            f"例如 {content.name}/jg1/news/2024-03-13-zhiweihui.md"
        )
    _check_branch_id(news.parent.name)
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


def _show_build_messages() -> None:
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


@main.command()
@CONFIG_OPTION
@click.option(
    "-d", "--site-dir", type=click.Path(path_type=Path), default=None, help="输出文件夹（默认 site）"
)
@click.option(
    "--zip", "zip_path", type=click.Path(path_type=Path), default=None, help="另存一个 zip，便于上传站群系统"
)
@click.option(
    "--internal",
    is_flag=True,
    help="生成内部审阅版（含草稿、组织生活记录和审阅页面，默认放在 site-internal），只给审阅人员，不要上传",
)
def publish(config_file: Path, site_dir: Path | None, zip_path: Path | None, internal: bool) -> None:
    """生成网站：先在临时文件夹里生成，成功后才替换旧网站；失败时旧网站保持不变。

    默认生成对外发布版（site）；加 --internal 生成内部审阅版（site-internal）。
    """
    edition = os.environ.get("BRANCHES_EDITION", "").strip().lower()
    preview = os.environ.get("BRANCHES_PREVIEW", "").strip().lower() in ("1", "true", "yes", "on")
    if not internal and (edition == "internal" or preview):
        raise CommandError(
            "设置了 BRANCHES_EDITION=internal（或 BRANCHES_PREVIEW=1），不能生成对外发布版："
            "内部审阅版包含草稿、待审核的新闻和组织生活记录。"
            "要生成内部审阅版，请运行 python -m mkdocs_branches publish --internal"
        )
    _show_build_messages()
    config = load_site_config(config_file)
    root = config_file.resolve().parent
    if site_dir is not None:
        target = site_dir.absolute()
    else:
        target = root / "site-internal" if internal else Path(config.site_dir)
    # Before anything is written or removed: the build empties its folder, and the swap replaces it.
    content_dir = plugin_settings(config).content_dir
    problem = safety.site_dir_problem(target, root, content_dir, config.docs_dir)
    if problem is None and zip_path is not None:
        problem = safety.zip_problem(zip_path.absolute(), target, root, content_dir, config.docs_dir)
    if problem:
        raise CommandError(problem)
    saved = os.environ.get("BRANCHES_EDITION")
    os.environ["BRANCHES_EDITION"] = "internal" if internal else "public"  # over mkdocs.yml's `edition`
    try:
        _publish(config, target)
    finally:
        if saved is None:
            del os.environ["BRANCHES_EDITION"]
        else:
            os.environ["BRANCHES_EDITION"] = saved
    if internal:
        click.echo(
            f"内部审阅版已生成到 {target}（含组织生活记录和审阅页面，只给审阅人员，不要上传到学院网站）"
        )
    else:
        click.echo(f"网站已生成到 {target}")
    if zip_path:
        count = pub.write_zip(target, zip_path)
        click.echo(
            f"已打包 {count} 个文件到 {zip_path}" + ("。" if internal else "，可以上传到学院网站的站群系统。")
        )


def _publish(config: MkDocsConfig, target: Path) -> None:
    """Build into a folder beside the site, swap it in on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    pub.recover(target)
    staging = pub.staging_dir(target)
    config.site_dir = str(staging)
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    except (Abort, MkDocsException) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        detail = "" if "BuildError" in str(exc) else str(exc)  # the problems were listed above
        raise CommandError(f"生成失败，原来的网站没有改动。请按上面的提示修改后重新发布。{detail}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        config.plugins.on_shutdown()
    pub.swap_in(staging, target)
