"""`init`: a new college's site, from nothing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from ..newsite import NotEmpty, write_site
from .common import Command, CommandError


@click.command(cls=Command)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", "college", required=True, help="学院（党委）的名称，例如 外国语学院")
@click.option(
    "--url", default=None, help="网站发布后的网址，例如 https://www.xxx.edu.cn/wgy/djpp/（可以以后再填）"
)
def init(folder: Path, college: str, url: str | None) -> None:
    """新建一个学院的网站文件夹 FOLDER：网站设置、首页和“关于本站”、一个示例支部和示例新闻、会议记录模板、CI 配置。

    FOLDER 必须是空的或不存在；已有的文件一个也不会改动。
    """
    college = college.strip()
    if not college or "\n" in college:
        raise CommandError("请用 --name 写上学院的名称，例如 --name 外国语学院")
    if url is not None:
        url = url.strip()
        if not re.match(r"^https?://[^\s/]+", url):
            raise CommandError(
                f"网址“{url}”不对：要以 https:// 或 http:// 开头，例如 https://www.xxx.edu.cn/wgy/djpp/"
            )
        url = url if url.endswith("/") else url + "/"
    try:
        written = write_site(folder, college, url, dt.date.today())
    except NotEmpty:
        raise CommandError(
            f"文件夹“{folder}”不是空的，没有写入任何文件。请换一个新的文件夹名，例如 branches init 党建品牌网站 --name {college}"
        ) from None
    except OSError as exc:
        raise CommandError(f"无法写入 {exc.filename}（{exc.strerror}）。请检查文件夹权限和磁盘空间") from None
    click.echo(f"已新建{college}的网站，共 {len(written)} 个文件，在 {folder}")
    click.echo(
        "\n".join(
            [
                "下一步：",
                f"  cd {folder}",
                "  branches serve                      # 预览，浏览器打开 http://127.0.0.1:8000/",
                '  branches new-branch jg1 --name "…党支部" --brand "品牌名称" --type 教工',
                "  branches publish --zip site.zip     # 生成对外发布版并打包，上传到学院网站",
                "示例支部在 branches/shili，看完请删掉或替换；管理员说明见 README.md。",
            ]
        )
    )
