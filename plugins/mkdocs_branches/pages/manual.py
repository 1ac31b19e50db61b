"""The editor's guide (编辑指南) and the error catalogue (常见错误) as they ship with the plugin, so every
site shows the ones of the version it runs: in the internal edition, and in the public one with
`publish_guide`. A hand-written `docs/guide.md` or `docs/errors.md` is kept instead."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from ..incremental import stamp
from .base import Build, GeneratedPage, Options
from .data import DataFile

MANUAL = Path(__file__).parent.parent / "manual"


def shown(options: Options) -> bool:
    return options.internal or options.publish_guide


@dataclass(kw_only=True)
class ManualPage(GeneratedPage):
    """A page of the manual: its Markdown, rendered by MkDocs like a hand-written page."""

    in_nav: bool = True
    source: ClassVar[str]
    template: ClassVar[str] = ""
    indexed: ClassVar[bool] = True
    yields_to_hand_written: ClassVar[bool] = True

    @classmethod
    def every(cls) -> list[GeneratedPage]:
        return [Guide(), ErrorCatalogue()]

    def in_edition(self, options: Options) -> bool:
        return shown(options)

    def text(self) -> str:
        return (MANUAL / self.source).read_text(encoding="utf-8")

    def fingerprint(self, build: Build) -> str:
        return stamp(self.text())

    def markdown(self, build: Build) -> str:
        return self.text()

    def render(self, build: Build, html: str, url: str) -> str:
        return html


@dataclass(kw_only=True)
class Guide(ManualPage):
    uri: str = "guide.md"
    title: str = "编辑指南"
    source: ClassVar[str] = "guide.md"


@dataclass(kw_only=True)
class ErrorCatalogue(ManualPage):
    uri: str = "errors.md"
    title: str = "常见错误"
    source: ClassVar[str] = "errors.md"


@dataclass(kw_only=True)
class ManualFile(DataFile):
    """A file the guide links to (the register's template), at `files/`; one in `docs/files/` wins."""

    @classmethod
    def every(cls, build: Build) -> list[DataFile]:
        if not shown(build.options):
            return []
        folder = MANUAL / "files"
        return [cls(uri=f"files/{p.name}", path=str(p)) for p in sorted(folder.iterdir()) if p.is_file()]

    def fingerprint(self, build: Build) -> str | None:
        assert self.path is not None
        return stamp(Path(self.path).read_bytes())
