"""What `mkdocs serve` shows while content has errors, instead of stopping: the error page (every problem
with its file, line and how to fix it) and `preview-errors.json`, which the banner on every page reads
(`templates/overrides/main.html`). Neither exists outside `serve`: `build`, `check` and `publish` stop on
errors as before.

The banner is filled in the browser rather than rendered into each page: in `serve --dirty` a page that
did not change is not rendered again, so a banner rendered into pages would cost a rebuild of every page
each time an error appears or is fixed. Livereload reloads every open page after each build, and the
banner reads the list anew.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import ClassVar

from ..errors import Problem, Severity
from ..incremental import stamp
from .base import Build, GeneratedPage, Options
from .data import DataFile

ERRORS_URI = "preview-errors.md"
ERRORS_JSON_URI = "preview-errors.json"
BANNER_SHOWS = 3  # problems the banner names; the error page lists them all


def shown(build: Build) -> list[Problem]:
    """The build's errors, then its warnings, each in file and line order."""
    ordered = sorted(build.problems, key=lambda p: (p.path, p.line or 0))
    return [p for p in ordered if p.severity is Severity.ERROR] + [
        p for p in ordered if p.severity is Severity.WARNING
    ]


@dataclass(kw_only=True)
class PreviewErrors(GeneratedPage):
    """内容错误: what stops `build` and `publish`, listed where the editor looks (the browser)."""

    uri: str = ERRORS_URI
    title: str = "内容错误"
    template: ClassVar[str] = "preview_errors.html"

    def in_edition(self, options: Options) -> bool:
        return options.serving

    def fingerprint(self, build: Build) -> str:
        return stamp("preview-errors", build.problems)

    def render(self, build: Build, html: str, url: str) -> str:
        problems = shown(build)
        errors = sum(p.severity is Severity.ERROR for p in problems)
        return build.renderer.render(
            self.template, url, problems=problems, errors=errors, warnings=len(problems) - errors
        )


@dataclass(kw_only=True)
class ErrorList(DataFile):
    """preview-errors.json: how many errors there are and the first few, for the banner."""

    uri: str = ERRORS_JSON_URI

    def content(self, build: Build) -> bytes:
        errors = [p for p in shown(build) if p.severity is Severity.ERROR]
        first = [{"where": p.location, "what": p.message, "how": p.hint} for p in errors[:BANNER_SHOWS]]
        return json.dumps({"errors": len(errors), "first": first}, ensure_ascii=False).encode("utf-8")

    def fingerprint(self, build: Build) -> str | None:
        return stamp("preview-errors.json", build.problems)


def still_serving(problems: list[Problem], errors_url: str) -> str:
    """What `serve` logs instead of stopping, after the problems themselves."""
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return (
        f"内容检查发现 {errors} 个错误：预览继续，有错误的新闻暂不显示，浏览器里每页顶部有黄色提示，"
        f"错误清单在“内容错误”页（{errors_url}）。改好保存后预览自动刷新；错误改好之前，网站不能生成和发布。"
    )
