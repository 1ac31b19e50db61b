"""The MkDocs side of the site's search: Pagefind (`search`) by default, or Material's own search plugin
when a site asks for it (`search: material`)."""

from __future__ import annotations

import logging
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from .dirty import merge_search_index
from .pages import Build, GeneratedPage
from .search import INSTALL_HINT, Indexed, Indexer, SearchError, build_index, executable, mark

log = get_plugin_logger(__name__)


class SiteSearch:
    """One process's search: the Pagefind indexer kept across `mkdocs serve` rebuilds, or the item texts
    Material's search plugin gets instead of whole pages."""

    def __init__(self) -> None:
        self.indexer = Indexer(_report)
        self.pagefind = True
        self.keep = False

    def start(self, keep: bool) -> None:
        self.indexer.close()  # of an earlier session in this process (tests)
        self.indexer = Indexer(_report)
        self.keep = keep  # `serve --dirty` indexes in the background, from its first build on

    def close(self) -> None:
        self.indexer.close()

    def configure(self, choice: str, config: MkDocsConfig) -> None:
        """Pagefind, unless `choice` is `material`. Material's search plugin (`search`, or `material/search`)
        is then turned off if listed; with `search: material` it must be listed."""
        material = _material(config)
        listed = material is not None and material.config.get("enabled", True)
        self.pagefind = choice != "material"
        if not self.pagefind:
            if not listed:
                raise PluginError(
                    "mkdocs.yml 里 branches 的 search 设为 material，但 plugins 里没有启用 search："
                    "请在 plugins 里加上 - search（中文分词还要安装 jieba），或删掉 search: material 改用 Pagefind"
                )
            logging.getLogger("jieba").setLevel(logging.WARNING)  # Material's search uses it when installed
            return
        try:
            executable()
        except SearchError as exc:
            raise PluginError(str(exc)) from None
        if listed and material is not None and "enabled" in material.config:
            material.config["enabled"] = False
            log.info("本站的搜索由 Pagefind 生成，mkdocs.yml 里的 search 插件（Material 自带搜索）已停用。")

    def new_build(self) -> None:
        self.searchable: dict[str, str] = {}  # item page → the HTML Material's search gets
        self.full_pages: dict[str, str] = {}  # item page → its content, while search sees the above
        self.rebuilt: set[str] = set()  # URLs of the pages built this time

    def content(self, html: str, page: Page, ours: GeneratedPage | None, build: Build) -> str:
        """A page's content as search should see it: marked for Pagefind (unless its front matter says
        `search: {exclude: true}`), or for Material an item's own text remembered."""
        if self.pagefind:
            search = page.meta.get("search")
            if not (isinstance(search, dict) and search.get("exclude")):
                return mark(html, ours.search_facets(build) if ours else None)
        elif ours is not None and (text := ours.search_text()) is not None:
            self.searchable[page.file.src_uri] = text
        return html

    def show_text(self, page: Page) -> None:
        """Before Material's search reads the page: its own text instead of the page around it."""
        text = self.searchable.pop(page.file.src_uri, None)
        if text is not None:
            self.full_pages[page.file.src_uri], page.content = page.content or "", text

    def restore(self, page: Page) -> None:
        full = self.full_pages.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        self.rebuilt.add(page.url)

    def finish(self, config: MkDocsConfig, files: Files, unindexed: set[str]) -> None:
        """After the build: Pagefind over this build's pages (the hand-written ones and those of indexed
        kinds), or Material's index merged page by page in `serve --dirty`."""
        pages = [f for f in files if f.src_uri.endswith(".md") and f.inclusion.is_included()]
        if not self.pagefind:
            material = _material(config)
            if self.keep and material is not None:
                merge_search_index(material, self.rebuilt, {f.url for f in pages})
            return
        written = [f.dest_uri for f in pages if f.src_uri not in unindexed]
        if self.keep:  # the preview is served meanwhile: search follows a few seconds later
            self.indexer.submit(config.site_dir, written)
            return
        try:
            _report(build_index(config.site_dir, written))
        except SearchError as exc:
            raise PluginError(str(exc)) from None


def _material(config: MkDocsConfig) -> Any:
    """`search`, or `material/search` when Material's theme provides it."""
    return next((p for name, p in config.plugins.items() if name.split("/")[-1] == "search"), None)


def _report(result: Indexed | SearchError) -> None:
    if isinstance(result, SearchError):
        log.error(f"{result}；搜索仍使用上一次的索引。")
    elif not result.extended:
        log.warning(f"生成搜索索引的 Pagefind 不是扩展版（extended），中文词语不会切分。{INSTALL_HINT}")
    else:
        log.debug(f"搜索索引：{result.pages} 个页面")
