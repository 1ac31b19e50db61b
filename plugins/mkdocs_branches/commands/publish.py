"""`publish`: the site built aside and swapped in only when the build succeeded, zipped on request."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .. import offline, safety
from .. import publish as pub
from .common import (
    CONFIG_OPTION,
    Command,
    CommandError,
    load_site_config,
    plugin_settings,
    show_build_messages,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


@click.command(cls=Command)
@CONFIG_OPTION
@click.option(
    "-d", "--site-dir", type=click.Path(path_type=Path), default=None, help="输出文件夹（默认 site）"
)
@click.option(
    "--zip",
    "zip_path",
    type=click.Path(path_type=Path),
    is_flag=False,
    flag_value=offline.DATED_ZIP,
    default=None,
    help="另存一个 zip，便于上传站群系统（只写 --zip：文件名带生成日期）",
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
            "要生成内部审阅版，请运行 branches publish --internal"
        )
    show_build_messages()
    config = load_site_config(config_file)
    root = config_file.resolve().parent
    built = offline.built_at(os.environ.get("SOURCE_DATE_EPOCH"))
    if zip_path == Path(offline.DATED_ZIP):
        zip_path = root / offline.zip_name(internal, built)
    if internal:  # the reviewers' copy says how fresh it is, and opens from disk (offline.py)
        config.extra["branches_built"] = offline.built_label(built)
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
        _publish(config, target, offline.make_offline if internal else None)
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


def _publish(config: MkDocsConfig, target: Path, finish: Callable[[Path], object] | None = None) -> None:
    """Build into a folder beside the site, `finish` it there, swap it in on success."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, MkDocsException

    pub.recover(target)
    staging = pub.staging_dir(target)
    config.site_dir = str(staging)
    try:
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
        if finish is not None:
            finish(staging)
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
