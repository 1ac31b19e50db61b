"""The `branches` MkDocs plugin: MkDocs events wired to `assemble` (content → build) and `pages` (what each
generated page is and shows). No page kind is named here."""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.base import ConfigErrors, ConfigWarnings
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from watchdog.observers.api import BaseObserver

from . import safety
from .assemble import assemble, hand_written_links
from .body import rewrite_links
from .chrome import Chrome
from .config import BranchesConfig, activity_types, describe
from .console import tolerate_any_text
from .dirty import MemoryBytecodeCache, Outputs, ThemeListing, watch
from .errors import Problems, Severity, summary
from .images import ImageSettings
from .images import hand_written as hand_written_images
from .incremental import Stamps, stamp
from .loader import ReadCache
from .navigation import lift_lone_pages, without
from .pages import Build, Edition, GeneratedPage, Options, data_files, place
from .pages.base import edition_of
from .pages.data import stylesheets
from .pages.preview import ERRORS_URI, still_serving
from .pages.reviewing import DASHBOARD_URI, QUEUE_URI
from .periods import build_date
from .rules import ReviewMemo
from .safety import content_dir_problem, site_dir_problem
from .site_search import SiteSearch
from .urls import uri_to_url

log = get_plugin_logger(__name__)
PACKAGE = Path(__file__).parent


class BranchesPlugin(BasePlugin[BranchesConfig]):
    supports_multiple_instances = False
    command: str | None = None
    dirty = False
    config_text = b""

    def __init__(self) -> None:
        super().__init__()
        # Having `on_startup`, the instance lives as long as `mkdocs serve`: these caches span rebuilds.
        self.read_cache: ReadCache = {}
        self.outputs = Outputs()
        self.manifests: dict[str, dict[str, Any]] = {}  # image cache entries already read
        self.review_memo: ReviewMemo = {}  # each branch's review, judged again when its records change
        self.stamps = Stamps()
        self.bytecode = MemoryBytecodeCache()
        self.theme_listing = ThemeListing()
        self.config_errors: list[str] = []  # what is wrong with the options, in Chinese (`load_config`)
        self.config_warnings: list[str] = []
        self.watcher: BaseObserver | None = None  # `mkdocs serve`'s watch on the content folder
        self.search = SiteSearch()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        tolerate_any_text()  # `mkdocs build` on a GBK console: a file name with an emoji must not stop it
        self.command = command
        self.dirty = dirty
        # Only `serve` owns its site folder: there, unchanged outputs are not even handed to MkDocs.
        self.keep = dirty and command == "serve"
        self.search.start(self.keep)
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_notice)

    def load_config(
        self, options: dict[str, Any], config_file_path: str | None = None
    ) -> tuple[ConfigErrors, ConfigWarnings]:
        """MkDocs would frame the options' Chinese messages in English; `on_config` reports them instead."""
        self.config_errors, self.config_warnings = describe(*super().load_config(options, config_file_path))
        return [], []

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        for warning in self.config_warnings:
            log.warning(warning)
        if self.config_errors:
            raise PluginError("\n".join(self.config_errors))
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.docs_name = docs_name(config)
        # MkDocs empties the site folder after `on_config`: refuse one that holds or is a source folder.
        # Content under docs/ would be published by MkDocs itself, past review.
        problem = content_dir_problem(
            self.root, self.config.content_dir, config.docs_dir
        ) or site_dir_problem(Path(config.site_dir), self.root, self.config.content_dir, config.docs_dir)
        if problem:
            raise PluginError(problem)
        if self.dirty and config.config_file_path and os.path.isfile(config.config_file_path):
            self.config_text = Path(config.config_file_path).read_bytes()  # a change rebuilds every page
        try:
            self.edition = edition_of(
                self.config.edition, self.config.preview, self.command, dict(os.environ)
            )
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        if self.edition is Edition.INTERNAL:
            log.info("内部审阅版：包含草稿、待审核的新闻、组织生活记录和审阅页面，请勿对外发布。")
        config.extra["branches_edition"] = self.edition.value
        config.extra["branches_links"] = {
            "dashboard": uri_to_url(DASHBOARD_URI, config.use_directory_urls),
            "queue": uri_to_url(QUEUE_URI, config.use_directory_urls),
            # `serve` only: the error page, and a banner on every page while content has errors
            "errors": uri_to_url(ERRORS_URI, config.use_directory_urls) if self.command == "serve" else "",
        }
        self.search.configure(self.config.search, config)
        config.extra["branches_search"] = self.config.search
        theme = config.theme
        # Our overrides go after the site's own custom_dir, before the theme's templates.
        theme.dirs.insert(1 if theme.custom_dir else 0, str(PACKAGE / "templates" / "overrides"))
        if self.keep:
            self.theme_listing.install(theme, self.root)
        if theme.name == "material":
            theme["font"] = False  # Google Fonts are unreachable where these sites are published
        config.extra_css.extend(stylesheets(self.edition is Edition.INTERNAL or self.config.public_dashboard))
        self.image_settings = self.images()
        self.options = self.options_for(config, self.edition)
        logging.getLogger("jieba").setLevel(logging.WARNING)
        return config

    def options_for(self, config: MkDocsConfig, edition: Edition) -> Options:
        """What the pages of `edition` depend on, from mkdocs.yml (also for `check`)."""
        return Options(
            site_name=config.site_name,
            site_url=config.site_url,
            use_directory_urls=config.use_directory_urls,
            edition=edition,
            content_dir=self.config.content_dir,
            review_required=self.config.review_required,
            allow_raw_html=self.config.allow_raw_html,
            branch_latest=self.config.branch_latest,
            home_latest=self.config.home_latest,
            branch_types=tuple(self.config.branch_types),
            types=tuple(activity_types(self.config.activity_types)),
            public_dashboard=self.config.public_dashboard,
            publish_guide=self.config.publish_guide,
            serving=self.command == "serve",
        )

    def images(self) -> ImageSettings:
        return ImageSettings(
            tuple(self.config.image_widths),
            self.config.image_quality,
            self.config.image_keep_exif,
            self.config.image_publish_original,
        )

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if self.dirty:  # MkDocs makes a new theme environment per rebuild: keep the compiled templates
            env.bytecode_cache = self.bytecode
        env.globals["branches_cached"] = self.chrome.cached
        return env

    @event_priority(100)  # before Material's search plugin reads `page.content`
    def _show_search_the_text(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        self.search.show_text(page)
        return context

    @event_priority(-100)  # after every other plugin
    def _restore_page(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        self.search.restore(page)
        ours = self.pages.get(page.file.src_uri)
        # A generated page outside the navigation, with no table of contents: its sidebar is shared.
        if ours and not page.file.inclusion.is_in_nav() and not page.toc.items and not page.meta.get("hide"):
            context["branches_nav_key"] = ("site_nav", self.chrome.nav_key(page.url))
        return context

    # Search indexes an item page's own text, not its page chrome (links, credits, neighbours): better
    # results, and a third less HTML to parse on a large site.
    on_page_context = CombinedEvent(_show_search_the_text, _restore_page)

    def on_serve(self, server, config: MkDocsConfig, builder):
        self.watcher = watch(server, self.root / self.config.content_dir)
        self.outputs.later.answer(server)
        return server

    def on_shutdown(self) -> None:
        self.outputs.later.stop()
        self.search.close()
        if self.watcher is not None:
            self.watcher.stop()

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        def progress(done: int, total: int) -> None:
            if total >= 20 and (done == total or done % 50 == 0):
                log.info(f"处理照片 {done}/{total}")

        build, problems = assemble(
            self.root,
            self.options,
            list_page_size=self.config.list_page_size,
            images=self.image_settings,
            today=build_date(os.environ.get("SOURCE_DATE_EPOCH")),
            read_cache=self.read_cache if self.dirty else None,
            manifests=self.manifests,
            review_memo=self.review_memo if self.dirty else None,
            progress=progress,
        )
        if self.dirty:
            self.stamps.update(build.site.items, build.site.branches, build.site.images)
            build.stamps = self.stamps
        self.build = build
        generation = stamp(config.site_dir, config.use_directory_urls, self.edition, self.config_text)
        self.outputs.start(self.dirty, self.keep, generation)
        self.pages: dict[str, GeneratedPage] = {}  # generated pages MkDocs will render, by URI
        self.extending: dict[str, GeneratedPage] = {}  # hand-written pages they add to
        problems.extend(hand_written_links(self.root, Path(config.docs_dir), hand_written(files), build.site))
        self._add_pages(files, config, build, problems)
        for data in data_files(build):
            if files.get_file_from_path(data.uri) is not None:
                continue  # a hand-written file of `docs/` at that address wins (the register's template)
            self.outputs.data(
                files,
                config,
                data.uri,
                path=data.path,
                content=partial(data.content, build),
                fingerprint=partial(data.fingerprint, build),
                later=data.later,
            )
        problems.extend(self._strip_pictures(files, config))
        errors = config.extra["branches_links"]["errors"]
        _report(problems, errors and (config.site_url or "") + errors)
        self.files = files
        self.search.new_build()
        return files

    def _add_pages(self, files: Files, config: MkDocsConfig, build: Build, problems: Problems) -> None:
        placement = place(build, hand_written(files))
        if config.nav and placement.elsewhere:
            config.nav = without(config.nav, placement.elsewhere)
        problems.items.extend(placement.problems(docs_name(config)))
        # Pages search leaves out, those kept from the last build too.
        self.unindexed = {p.uri for p in [*placement.own, *placement.extending] if not p.indexed}
        for page in placement.extending:
            file = files.get_file_from_path(page.uri)
            assert file is not None  # `hand_written` came from these files
            self.outputs.hand_written(file, partial(page.fingerprint, build))
            self.extending[page.uri] = page
        for page in placement.own:
            if self.outputs.page(files, config, page.uri, page.in_nav, partial(page.fingerprint, build)):
                self.pages[page.uri] = page

    def _strip_pictures(self, files: Files, config: MkDocsConfig) -> Problems:
        """The pictures of `docs/` go out without personal metadata, or not at all."""
        docs_dir = Path(config.docs_dir)
        docs = [
            f
            for f in files
            if f.abs_src_path
            and hand_written_images.is_picture(f.src_uri)
            and Path(f.abs_src_path) == docs_dir / f.src_uri  # not the theme's (favicon) or ours
        ]
        published, problems = hand_written_images.publish(
            docs_dir, [f.src_uri for f in docs], docs_name(config), self.config.image_keep_exif
        )
        for file in docs:
            files.remove(file)
            if file.src_uri in published:
                files.append(File.generated(config, file.src_uri, content=published[file.src_uri]))
        return problems

    @event_priority(50)  # before Material's search plugin writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        self.outputs.finish(config)
        self.search.finish(config, self.files, self.unindexed)

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.chrome = Chrome([page.url for page in nav.pages])
        lift_lone_pages(nav, {uri for uri, page in self.pages.items() if page.in_nav})
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if isinstance(page.meta.get("title"), str):
            page.meta["title"] = html.escape(page.meta["title"])
        ours = self.pages.get(page.file.src_uri)
        if ours is None:  # a hand-written page: its links into the content folder, as an item's are
            source = f"{self.docs_name}/{page.file.src_uri}"
            return rewrite_links(
                markdown, source, page.file.src_uri, self.build.targets, self.config.content_dir
            )[0]
        page.meta["title"] = html.escape(ours.title)
        meta = ours.meta(self.build)
        if "feed" in meta:
            page.meta["branches_feed"] = meta["feed"]
        if "description" in meta:
            page.meta["description"] = html.escape(meta["description"])
        if not ours.indexed:
            page.meta["search"] = {"exclude": True}  # lists repeat what item pages already hold
        if ours.hide:
            page.meta["hide"] = list(ours.hide)
        return ours.markdown(self.build)

    def on_page_content(self, html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        uri = page.file.src_uri
        ours = self.pages.get(uri) or self.extending.get(uri)
        content = html_text if ours is None else ours.render(self.build, html_text, page.url)
        return self.search.content(content, page, ours, self.build)


def hand_written(files: Iterable[File]) -> dict[str, str]:
    """The hand-written pages (`docs/`): URI → URL."""
    return {file.src_uri: file.url for file in files if file.is_documentation_page()}


def docs_name(config: MkDocsConfig) -> str:
    """The `docs/` folder as messages name it: relative to the site's folder."""
    root = Path(config.config_file_path or ".").resolve().parent
    return safety.shown(Path(config.docs_dir).resolve(), root)


def _quiet_dirty_notice(record: logging.LogRecord) -> bool:
    """`--dirty` is how large sites preview fast; MkDocs' English caution about it is noise for editors."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _report(problems: Problems, errors_url: str) -> None:
    """Every problem logged; errors stop the build, except in `serve` (`errors_url`: its error page)."""
    shown = {Severity.ERROR: log.error, Severity.WARNING: log.warning, Severity.INFO: log.debug}
    for problem in problems.sorted():
        shown[problem.severity](str(problem))  # notes only with -v: not on every build
    if problems.errors and errors_url:
        log.warning(still_serving(problems.items, errors_url))
    elif problems.errors:
        raise PluginError(summary(problems.items))
