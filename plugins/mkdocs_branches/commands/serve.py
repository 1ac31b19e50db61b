"""`serve` and `build`: MkDocs' own commands, as `make serve` and `make build` run them, for editors who
have no `make` (Windows)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from .common import CONFIG_OPTION, Command, CommandError


def _mkdocs(args: list[str], config_file: Path) -> None:
    """MkDocs' command line, as if `mkdocs ARGS -f CONFIG_FILE` had been typed: same logging, same exit codes."""
    from mkdocs.__main__ import cli

    if not config_file.is_file():
        raise CommandError(f"找不到 {config_file}：请在网站文件夹（有 mkdocs.yml 的那一层）里运行这个命令")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    cli.main(args=[*args, "-f", str(config_file)], prog_name="branches")


@click.command(cls=Command)
@CONFIG_OPTION
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="预览网站的地址和端口")
@click.option("--open", "open_browser", is_flag=True, help="启动后自动打开浏览器")
def serve(config_file: Path, dev_addr: str, open_browser: bool) -> None:
    """在自己电脑上预览网站（内部审阅版：含草稿和待审核的新闻）。保存文件后，浏览器里的页面会自动刷新；按 Ctrl+C 停止。"""
    _mkdocs(
        ["serve", "--livereload", "--dirty", "-a", dev_addr, *(["--open"] if open_browser else [])],
        config_file,
    )


@click.command(cls=Command)
@CONFIG_OPTION
@click.option(
    "-d", "--site-dir", type=click.Path(path_type=Path), default=None, help="输出文件夹（默认 site）"
)
@click.option("--strict", is_flag=True, help="有警告也算失败")
def build(config_file: Path, site_dir: Path | None, strict: bool) -> None:
    """生成对外发布版网站到 site 文件夹（和 mkdocs build 一样）。要上传到学院网站，建议用 branches publish --zip。"""
    args = [
        "build",
        "--clean",
        *(["-d", str(site_dir)] if site_dir else []),
        *(["--strict"] if strict else []),
    ]
    _mkdocs(args, config_file)
