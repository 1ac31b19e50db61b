"""The `branches` MkDocs plugin: thin hooks over the loader, index and renderer."""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from . import sanitize
from .chrome import Chrome
from .config import BranchesConfig, activity_types, preview_mode
from .errors import Problems, Severity, summary
from .feeds import MAX_ENTRIES, FeedEntry, atom_feed
from .images import ImageSettings, Job, picture_html, process_all
from .incremental import MemoryBytecodeCache, PageFile, Tracker, merge_search_index, stamp
from .index import Listing, Site, build_site, select_published
from .loader import ReadCache, load_content, settings_from
from .model import Branch, NewsItem
from .render import Renderer, link_rewriter, page_link, plain_summary, uri_to_url
from .render_review import (
    ACTIVITY_CSV_URI,
    DASHBOARD_URI,
    PRINT_CSS_URI,
    QUEUE_URI,
    REVIEW_CSS_URI,
    SUMMARY_CSV_URI,
    ReviewRenderer,
    report_uri,
)
from .rules import activity_csv, build_date, evaluate, pending, summary_csv, to_excel_bytes

log = get_plugin_logger(__name__)
PACKAGE = Path(__file__).parent
CSS_URI = "assets/branches/branches.css"
LIGHTBOX_CSS_URI = "assets/branches/lightbox.css"
LIGHTBOX_JS_URI = "assets/branches/lightbox.js"
FEED_URI = "feed.xml"
TOP_PAGES = {"news/index.md", "gallery/index.md", "types/index.md", "tags/index.md", DASHBOARD_URI, QUEUE_URI}


@dataclass(frozen=True)
class _Page:
    kind: str  # home | branch | timeline | item | listing | directory | dashboard | report | queue
    title: str
    subject: object = None
    number: int = 1


class BranchesPlugin(BasePlugin[BranchesConfig]):
    supports_multiple_instances = False
    command: str | None = None
    dirty = False
    keep = False
    config_text = b""

    def __init__(self) -> None:
        super().__init__()
        # Having `on_startup`, the instance lives as long as `mkdocs serve`: these caches span rebuilds.
        self.read_cache: ReadCache = {}
        self.tracker = Tracker()
        self.manifests: dict[str, dict[str, object]] = {}  # image cache entries already read
        self.stamp_memo: dict[str, tuple[object, tuple[object, ...], str]] = {}  # see _stamp_records
        self.bytecode = MemoryBytecodeCache()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty
        # Only `serve` owns its site folder: there, unchanged outputs are not even handed to MkDocs.
        self.keep = dirty and command == "serve"
        if dirty:
            logging.getLogger("mkdocs.commands.build").addFilter(_quiet_dirty_notice)

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            self.types = activity_types(self.config.activity_types)
        except ValueError as exc:
            raise PluginError(f"mkdocs.yml 里 branches 的 activity_types 设置有误：{exc}") from None
        self.root = Path(config.config_file_path or ".").resolve().parent
        if self.dirty and config.config_file_path and os.path.isfile(config.config_file_path):
            self.config_text = Path(config.config_file_path).read_bytes()  # a change rebuilds every page
        self.preview = preview_mode(self.config.preview, self.command, dict(os.environ))
        if self.preview:
            log.info("预览模式：草稿和待审核的新闻也会显示，并标注“草稿”“待审核”。请勿发布预览版本。")
        config.extra["branches_preview"] = self.preview
        theme = config.theme
        # Our overrides go after the site's own custom_dir, before the theme's templates.
        theme.dirs.insert(1 if theme.custom_dir else 0, str(PACKAGE / "templates" / "overrides"))
        if theme.name == "material":
            theme["font"] = False  # Google Fonts are unreachable where these sites are published
        config.extra_css.extend([CSS_URI, REVIEW_CSS_URI, PRINT_CSS_URI, LIGHTBOX_CSS_URI])
        config.extra_javascript.append(LIGHTBOX_JS_URI)
        try:
            self.image_settings = ImageSettings(
                tuple(self.config.image_widths),
                self.config.image_quality,
                self.config.image_keep_exif,
                self.config.image_publish_original,
            )
        except ValueError as exc:
            raise PluginError(f"mkdocs.yml 里 branches 的图片设置有误：{exc}") from None
        logging.getLogger("jieba").setLevel(logging.WARNING)
        return config

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        if self.dirty:  # MkDocs makes a new theme environment per rebuild: keep the compiled templates
            env.bytecode_cache = self.bytecode
        env.globals["branches_cached"] = self.chrome.cached
        return env

    @event_priority(100)  # before the search plugin reads `page.content`
    def _show_search_the_text(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        text = self.searchable.pop(page.file.src_uri, None)
        if text is not None:
            self.full_pages[page.file.src_uri], page.content = page.content or "", text
        return context

    @event_priority(-100)  # after every other plugin
    def _restore_page(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        full = self.full_pages.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full
        self.rebuilt.add(page.url)
        ours = self.pages.get(page.file.src_uri)
        # A generated page outside the navigation, with no table of contents: its sidebar is shared.
        if ours and not page.file.inclusion.is_in_nav() and not page.toc.items and not page.meta.get("hide"):
            context["branches_nav_key"] = ("site_nav", self.chrome.nav_key(page.url))
        return context

    # Search indexes an item page's own text, not its page chrome (links, credits, neighbours): better
    # results, and a third less HTML to parse on a large site.
    on_page_context = CombinedEvent(_show_search_the_text, _restore_page)

    def on_serve(self, server, config: MkDocsConfig, builder):
        server.watch(str(self.root / self.config.content_dir))
        return server

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        settings = settings_from(self.config.content_dir, self.config.branch_types, self.types)
        content, problems = load_content(self.root, settings, self.read_cache if self.dirty else None)
        published, left_out = select_published(content, self.config.review_required, self.preview)
        problems.extend(left_out)
        site = build_site(content, published, self.config.content_dir, self.types, self.config.list_page_size)
        self._process_images(site, problems)
        self.site = site
        self.content = content
        self.renderer = Renderer(site, config.use_directory_urls, self.preview, self.config.review_required)
        # Reviewers judge what is really published, also in a preview.
        judged = published if not self.preview else select_published(content, self.config.review_required)[0]
        review = evaluate(site.branches, judged, self.types, build_date(os.environ.get("SOURCE_DATE_EPOCH")))
        self.review = ReviewRenderer(site, config.use_directory_urls, review)
        self.pages: dict[str, _Page] = {}
        self.body_targets: dict[str, set[str]] = {}
        self.searchable: dict[str, str] = {}  # item page → the HTML the search index gets
        self.full_pages: dict[str, str] = {}  # item page → its content, while search sees the above
        self.rebuilt: set[str] = set()  # URLs of the pages built this time
        self.files = files
        self._add_pages(files, config, problems)
        _report(problems)
        self.targets = self._link_targets()
        self.by_fallback = {image.fallback.uri: image for image in site.images.values()}
        return files

    def _process_images(self, site: Site, problems: Problems) -> None:
        """Every published photo → renditions in `.cache/images` (unchanged photos are never redone)."""
        base = str(self.root / self.config.content_dir)
        jobs = {
            path: Job(os.path.join(base, path), f"{self.config.content_dir}/{path}", uri.rsplit(".", 1)[0])
            for path, uri in site.photo_uris.items()
        }

        def progress(done: int, total: int) -> None:
            if total >= 20 and (done == total or done % 50 == 0):
                log.info(f"处理照片 {done}/{total}")

        processed, image_problems = process_all(
            list(jobs.values()),
            self.image_settings,
            self.root / ".cache" / "images",
            progress=progress,
            manifests=self.manifests,
        )
        problems.items.extend(image_problems)
        site.images = {path: processed[job.source] for path, job in jobs.items() if job.source in processed}

    def _add_pages(self, files: Files, config: MkDocsConfig, problems: Problems) -> None:
        site = self.site

        # A set, not files.get_file_from_path(): MkDocs rebuilds its lookup after every append.
        hand_written = set(files.src_uris)

        def add(uri: str, page: _Page, in_nav: bool = False) -> None:
            if uri in hand_written:
                problems.error(
                    f"{config.docs_dir}/{uri}",
                    "这个手写页面和自动生成的页面网址相同",
                    "请给 docs/ 里的这个文件换个名字或换个文件夹",
                )
                return
            unchanged = False
            if self.dirty:
                unchanged = self.tracker.unchanged(uri, self._fingerprint(page))
                if unchanged and self.keep and not in_nav:
                    files.append(self.tracker.kept(config, uri))
                    return
            level = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
            file = PageFile.generated(config, uri, content="", inclusion=level)
            if unchanged:
                file.modified = not os.path.isfile(file.abs_dest_path)
            files.append(file)
            self.pages[uri] = page

        if self.dirty:
            self.tracker.start(
                stamp(config.site_dir, config.use_directory_urls, self.preview, self.config_text)
            )
            self._stamp_records()
        if "index.md" not in hand_written:
            add("index.md", _Page("home", config.site_name), in_nav=True)
        elif self.dirty:  # the hand-written home page also shows the cards: rebuild it when they change
            file = files.get_file_from_path("index.md")
            unchanged = self.tracker.unchanged("index.md", self._fingerprint(_Page("home", config.site_name)))
            source_changed = file.is_modified
            file.is_modified = lambda: not unchanged or source_changed()  # type: ignore[method-assign]
        for branch in site.branches:
            add(site.branch_uri(branch.id), _Page("branch", f"{branch.brand} · {branch.name}", branch))
            add(site.timeline_uri(branch.id), _Page("timeline", f"{branch.brand} · 活动时间线", branch))
            add(site.gallery_uri(branch.id), _Page("gallery", f"{branch.brand} · 照片", branch))
        for number, uri in enumerate(site.gallery.uris, start=1):
            title = "照片" if number == 1 else f"照片（第 {number} 页）"
            add(uri, _Page("gallery", title, site.gallery, number), in_nav=number == 1)
        for item in site.items:
            add(site.uris[item.source], _Page("item", item.title, item))
        listings = [(site.news, "新闻动态")]
        listings += [(listing, f"活动类型：{name}") for name, listing in site.types.items()]
        listings += [(listing, f"标签：{name}") for name, listing in site.tags.items()]
        for listing, heading in listings:
            for number, uri in enumerate(listing.uris, start=1):
                title = heading if number == 1 else f"{heading}（第 {number} 页）"
                add(uri, _Page("listing", title, listing, number), in_nav=uri in TOP_PAGES)
        add("types/index.md", _Page("directory", "活动类型", "types"), in_nav=True)
        add("tags/index.md", _Page("directory", "标签", "tags"), in_nav=True)
        add(DASHBOARD_URI, _Page("dashboard", "组织生活达标看板"), in_nav=True)
        for branch in site.branches:
            add(report_uri(branch.id), _Page("report", f"{branch.brand} · 品牌建设报告", branch))
        if self.preview:  # the queue names drafts and files: never on the published site
            add(QUEUE_URI, _Page("queue", "待审核"), in_nav=True)
        self._add_data_files(files, config)

    def _add_data_files(self, files: Files, config: MkDocsConfig) -> None:
        site, review = self.site, self.review.review
        published = {r.uri: r.path for image in site.images.values() for r in image.renditions}
        for uri, path in published.items():
            if self.keep and self.tracker.unchanged(uri, path):  # the cache path names the content
                files.append(self.tracker.kept(config, uri))
            else:
                files.append(File.generated(config, uri, abs_src_path=path))
        for uri, name in (
            (CSS_URI, "branches.css"),
            (REVIEW_CSS_URI, "review.css"),
            (PRINT_CSS_URI, "print.css"),
            (LIGHTBOX_CSS_URI, "lightbox.css"),
            (LIGHTBOX_JS_URI, "lightbox.js"),
        ):
            files.append(File.generated(config, uri, abs_src_path=str(PACKAGE / "assets" / name)))
        activity = activity_csv(review.results, [t.name for t in self.types])
        files.append(File.generated(config, ACTIVITY_CSV_URI, content=to_excel_bytes(activity)))
        summary_text = summary_csv(review.summaries.values(), site.branches)
        files.append(File.generated(config, SUMMARY_CSV_URI, content=to_excel_bytes(summary_text)))
        feeds = [(FEED_URI, config.site_name, site.items, "")]
        feeds += [
            (self.branch_feed_uri(b.id), f"{b.brand} · {b.name}", site.by_branch[b.id], site.branch_uri(b.id))
            for b in site.branches
        ]
        for uri, title, items, home in feeds:
            shown = items[:MAX_ENTRIES]
            if self.keep and self.tracker.unchanged(
                uri, stamp(title, config.site_url, self._stamps_of(shown))
            ):
                files.append(self.tracker.kept(config, uri))
                continue
            data = atom_feed(
                title,
                uri,
                config.site_url,
                [self._feed_entry(item) for item in shown],
                home_url=uri_to_url(home or "index.md", config.use_directory_urls),
                author=config.site_name,
            )
            files.append(File.generated(config, uri, content=data))

    def branch_feed_uri(self, branch_id: str) -> str:
        return f"{self.config.content_dir}/{branch_id}/feed.xml"

    def _feed_entry(self, item: NewsItem) -> FeedEntry:
        site = self.site
        cover = site.images[item.cover].fallback.uri if item.cover in site.images else None
        author = item.author or self.renderer.branches[item.branch_id].name
        url = uri_to_url(site.uris[item.source], self.renderer.use_directory_urls)
        return (item, url, cover, plain_summary(item), author)

    def _stamp_records(self) -> None:
        """Digest every item and branch, with the photos they show (a replaced photo changes them).
        A record the loader reused, showing the same photos, keeps last build's digest."""
        images, memo, fresh = self.site.images, self.stamp_memo, {}

        def digest(key: str, record: object, paths: list[str | None]) -> str:
            shown = tuple(images.get(path) for path in paths if path)
            old = memo.get(key)
            if old is None or old[0] is not record or old[1] != shown:
                old = (record, shown, stamp(record, shown))
            fresh[key] = old
            return old[2]

        self.stamps = {
            i.source: digest(i.source, i, [i.cover, *(p.path for p in i.photos)]) for i in self.site.items
        }
        self.branch_stamps = {b.id: digest(b.source, b, [b.logo, *b.images]) for b in self.site.branches}
        self.stamp_memo = fresh

    def _stamps_of(self, items: list[NewsItem]) -> list[tuple[str, str]]:
        return [(self.stamps[i.source], self.branch_stamps[i.branch_id]) for i in items]

    def _fingerprint(self, page: _Page) -> str:
        """Everything a page shows, digested: the page is rebuilt when this changes."""
        site, stamps, branches, review = self.site, self.stamps, self.branch_stamps, self.review.review
        kind, subject = page.kind, page.subject

        if kind == "item":
            item: NewsItem = subject  # type: ignore[assignment]
            around = [(n.source, n.title) if n else None for n in site.neighbours(item)]
            tags = [site.tags[t].uris[0] for t in item.tags]
            return stamp(stamps[item.source], branches[item.branch_id], around, tags)
        if isinstance(subject, Listing):  # news, type and tag lists, the site-wide gallery
            return stamp(
                kind, page.title, page.number, len(subject.uris), self._stamps_of(subject.page(page.number))
            )
        if isinstance(subject, Branch):  # its home, timeline, gallery and brand report
            items = site.by_branch[subject.id]
            shown = items[: self.config.branch_latest] if kind == "branch" else items
            when = (review.build_date, self.types) if kind == "report" else None
            return stamp(kind, branches[subject.id], len(items), self._stamps_of(shown), when)
        if kind == "home":
            cards = [(len(items), self._stamps_of(items[:1])) for items in site.by_branch.values()]
            return stamp(kind, branches, cards, self._stamps_of(site.items[: self.config.home_latest]))
        if kind == "dashboard":
            return stamp(
                kind, branches, review.results, review.summaries, review.completeness, review.build_date
            )
        if kind == "directory":
            return stamp(kind, self._directory(subject))  # type: ignore[arg-type]
        return stamp(
            kind, self.config.review_required, pending(self.content.items, self.config.review_required)
        )

    @event_priority(50)  # before the search plugin writes its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.dirty:
            self.tracker.finish()
        if not self.keep:
            return
        # `search`, or `material/search` when Material's theme provides it
        search = next((p for name, p in config.plugins.items() if name.split("/")[-1] == "search"), None)
        if search is not None:
            alive = {f.url for f in self.files if f.src_uri.endswith(".md") and f.inclusion.is_included()}
            merge_search_index(search, self.rebuilt, alive)

    def _link_targets(self) -> dict[str, str]:
        """Source paths (relative to the site root) → the URIs they are published at."""
        site, base = self.site, self.config.content_dir
        targets = {item.source: site.uris[item.source] for item in site.items}
        targets |= {branch.source: site.branch_uri(branch.id) for branch in site.branches}
        targets |= {f"{base}/{path}": image.fallback.uri for path, image in site.images.items()}
        return targets

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.chrome = Chrome([page.url for page in nav.pages])
        # Without a `nav:` setting, MkDocs files our top pages under folder-named sections ("News"):
        # lift each lone page out of its section.
        nav.items = [
            item.children[0]
            if isinstance(item, Section)
            and len(item.children) == 1
            and getattr(item.children[0], "file", None) is not None
            and item.children[0].file.src_uri in TOP_PAGES
            else item
            for item in nav.items
        ]
        return nav

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        if isinstance(page.meta.get("title"), str):
            page.meta["title"] = html.escape(page.meta["title"])
        if ours is None:
            return markdown
        page.meta["title"] = html.escape(ours.title)
        branch_id = getattr(ours.subject, "branch_id", None) or getattr(ours.subject, "id", None)
        if ours.kind in ("branch", "item", "timeline") and branch_id:
            page.meta["branches_feed"] = uri_to_url(self.branch_feed_uri(branch_id))
        if ours.kind == "item":
            item: NewsItem = ours.subject  # type: ignore[assignment]
            page.meta["description"] = html.escape(plain_summary(item))
            return self._rewrite_links(item.body, item.source, page)
        if ours.kind == "branch":
            branch: Branch = ours.subject  # type: ignore[assignment]
            page.meta["description"] = html.escape(branch.slogan or branch.name)
            return self._rewrite_links(branch.story, branch.source, page)
        if ours.kind != "home":
            page.meta["search"] = {"exclude": True}  # lists repeat what item pages already hold
        return ""

    def _rewrite_links(self, markdown: str, source: str, page: Page) -> str:
        source_dir = posixpath.dirname(source)
        page_dir = posixpath.dirname(page.file.src_uri)
        hits: set[str] = set()

        def target(link: str) -> str | None:
            if "://" in link or link.startswith(("/", "#", "mailto:", "data:")):
                return None
            resolved = self.targets.get(posixpath.normpath(posixpath.join(source_dir, unquote(link))))
            if resolved is None:
                return None
            hits.add(resolved)
            return posixpath.relpath(resolved, page_dir)

        rewritten = link_rewriter(target)(markdown)
        self.body_targets[page.file.src_uri] = hits
        return rewritten

    def on_page_content(self, html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        url = page.url
        if page.file.src_uri == "index.md" and (ours is None or ours.kind == "home"):
            return html_text + self.renderer.home(url, self.config.branch_types, self.config.home_latest)
        if ours is None:
            return html_text
        subject = ours.subject
        if ours.kind in ("item", "branch") and not self.config.allow_raw_html:
            html_text = sanitize.clean(html_text)
        if ours.kind == "item":
            shown = self.body_targets.pop(page.file.src_uri, set())
            images = self.site.images
            body_images = {
                p.path for p in subject.photos if p.path in images and images[p.path].fallback.uri in shown
            }
            html_text = self._pictures(html_text, page)
            self.searchable[page.file.src_uri] = self.renderer.searchable(subject, html_text)  # type: ignore[arg-type]
            return self.renderer.item(subject, url, html_text, body_images)  # type: ignore[arg-type]
        if ours.kind == "branch":
            html_text = self._pictures(html_text, page)
            return self.renderer.branch(subject, url, html_text, self.config.branch_latest)  # type: ignore[arg-type]
        if ours.kind == "timeline":
            return self.renderer.timeline(subject, url)  # type: ignore[arg-type]
        if ours.kind == "gallery":
            if isinstance(subject, Listing):
                return self.renderer.gallery(subject.page(ours.number), url, ours.title, subject, ours.number)
            shown = [i for i in self.site.by_branch[subject.id] if i.photos]  # type: ignore[union-attr]
            return self.renderer.gallery(shown, url, ours.title)
        if ours.kind == "dashboard":
            return self.review.dashboard(url)
        if ours.kind == "report":
            return self.review.report(subject, url)  # type: ignore[arg-type]
        if ours.kind == "queue":
            return self.review.queue(self.content.items, self.config.review_required, url)
        if ours.kind == "listing":
            listing: Listing = subject  # type: ignore[assignment]
            return self.renderer.listing(listing, ours.number, url, ours.title)
        return self.renderer.directory(ours.title, self._directory(subject), url)  # type: ignore[arg-type]

    def _pictures(self, html_text: str, page: Page) -> str:
        """Images in an editor's Markdown body become responsive `<picture>`s like every other photo."""

        link = page_link(page.url, self.renderer.use_directory_urls)
        page_dir = posixpath.dirname(page.file.dest_uri)

        def replace(m: re.Match[str]) -> str:
            src = re.search(r'\bsrc="([^"]*)"', m.group(0))
            target = posixpath.normpath(posixpath.join(page_dir, html.unescape(src.group(1)))) if src else ""
            image = self.by_fallback.get(target)
            if image is None:
                return m.group(0)
            alt = re.search(r'\balt="([^"]*)"', m.group(0))
            return picture_html(image, html.unescape(alt.group(1)) if alt else "", link)

        return re.sub(r"<img\b[^>]*>", replace, html_text)

    def _directory(self, which: str) -> list[dict[str, object]]:
        site: Site = self.site
        if which == "types":
            rules = {t.name: t.rule.display() if t.rule else "" for t in self.types}
            return [
                {"title": name, "uris": listing.uris, "count": len(listing.items), "rule": rules[name]}
                for name, listing in site.types.items()
            ]
        return [
            {"title": name, "uris": listing.uris, "count": len(listing.items), "rule": ""}
            for name, listing in site.tags.items()
        ]


def _quiet_dirty_notice(record: logging.LogRecord) -> bool:
    """`--dirty` is how large sites preview fast; MkDocs' English caution about it is noise for editors."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def _report(problems: Problems) -> None:
    for problem in problems.sorted():
        (log.error if problem.severity is Severity.ERROR else log.warning)(str(problem))
    if problems.errors:
        raise PluginError(summary(problems.items))
