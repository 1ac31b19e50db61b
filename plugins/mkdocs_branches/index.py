"""From loaded content to the site's structure: what is published, every page's URI, and the lists.

Pure functions over records; the plugin turns the `Site` into MkDocs files.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import dataclass, field

from .config import ActivityType
from .errors import Problems
from .images import Processed
from .model import Branch, Content, NewsItem
from .slugs import slugify, url_name
from .urls import photo_uri


@dataclass(frozen=True)
class Listing:
    """A paginated list, newest first. `uris[n - 1]` is page n as readers count it (1 = the front page).

    Pages are cut counting from the oldest item, so an archive page keeps its items, and its address,
    when newer items arrive: adding today's news changes the front page only, and uploading the site
    again changes few files. The front page holds the newest `page_size` to `2 × page_size − 1` items;
    archive page k (`page/k`) holds the k-th oldest `page_size`.
    """

    key: str
    title: str
    items: list[NewsItem]
    uris: list[str]
    page_size: int

    def page(self, number: int) -> list[NewsItem]:
        archived = len(self.uris) - 1
        end = len(self.items) - archived * self.page_size  # the front page's share
        if number == 1:
            return self.items[:end]
        start = end + (number - 2) * self.page_size
        return self.items[start : start + self.page_size]


@dataclass
class Site:
    content_dir: str
    branches: list[Branch]  # sorted by order, then name
    items: list[NewsItem]  # published, newest first
    uris: dict[str, str] = field(default_factory=dict)  # item.source → src_uri
    photo_uris: dict[str, str] = field(default_factory=dict)  # content path → src_uri of the original
    images: dict[str, Processed] = field(default_factory=dict)  # content path → its published renditions
    by_branch: dict[str, list[NewsItem]] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)  # item.source → its index in by_branch
    news: Listing | None = None
    gallery: Listing | None = None  # items with photos
    types: dict[str, Listing] = field(default_factory=dict)
    tags: dict[str, Listing] = field(default_factory=dict)

    def branch_file(self, branch_id: str, name: str) -> str:
        """The URI of a page or file in a branch's folder of the site."""
        return f"{self.content_dir}/{branch_id}/{name}"

    def branch_uri(self, branch_id: str) -> str:
        return self.branch_file(branch_id, "index.md")

    def gallery_uri(self, branch_id: str) -> str:
        return self.branch_file(branch_id, "gallery.md")

    def timeline_uri(self, branch_id: str) -> str:
        return self.branch_file(branch_id, "timeline.md")

    def neighbours(self, item: NewsItem) -> tuple[NewsItem | None, NewsItem | None]:
        """(newer, older) within the item's branch."""
        items = self.by_branch[item.branch_id]
        at = self.position[item.source]
        newer = items[at - 1] if at > 0 else None
        older = items[at + 1] if at + 1 < len(items) else None
        return newer, older


def select_published(
    content: Content, review_required: bool, preview: bool = False
) -> tuple[list[NewsItem], Problems]:
    """Drafts and (when review is required) unreviewed items stay out, each named in a warning.

    A preview shows them all: the renderer marks them 草稿 / 待审核.
    """
    problems = Problems()
    published = []
    for item in content.items:
        if item.branch_id not in content.branches:
            continue
        if preview:
            published.append(item)
        elif item.is_draft:
            problems.warning(
                item.source, "这是草稿（状态: 草稿），这次不发布", "审核通过后把“状态”改为“发布”或删掉这一行"
            )
        elif review_required and not item.reviewer:
            problems.warning(
                item.source,
                "还没有审核人（审核），这次不发布",
                "按“先审后发”的要求，审核通过后在信息头加一行“审核: 审核人姓名”",
            )
        else:
            published.append(item)
    return published, problems


Links = tuple[tuple[str, int], ...]  # content paths linked to, with the line of each link


def dead_links(site: Site, pages: list[tuple[str, Links]] | None = None) -> Problems:
    """Links in what is shown to content files this edition does not publish (a draft, an attachment):
    shown as plain text (`body.rewrite_links`), each named in a warning. `pages`: those of other pages
    (hand-written ones) instead of the items' and brand pages'."""
    problems = Problems()
    shown = {i.source for i in site.items} | {b.source for b in site.branches}
    shown |= {f"{site.content_dir}/{path}" for path in site.photo_uris}
    if pages is None:
        pages = [(i.source, i.links) for i in site.items] + [(b.source, b.links) for b in site.branches]
    for source, links in pages:
        for target, line in links:
            if target in shown:
                continue
            written = posixpath.relpath(target, posixpath.dirname(source))
            if target.endswith(".md"):
                problems.warning(
                    source,
                    f"正文里链接的“{written}”这次不发布，这个链接在网站上会变成普通文字",
                    "那条新闻是草稿、还没有审核，或者本身有错误；它发布以后，链接会自动恢复",
                    line,
                )
            else:
                problems.warning(
                    source,
                    f"正文里链接的“{written}”不会发布到网站上，这个链接在网站上会变成普通文字",
                    "网站只发布新闻、支部介绍和照片；附件请放到学院网站上，再在这里写它的网址（https://…）",
                    line,
                )
    return problems


def build_site(
    content: Content,
    published: list[NewsItem],
    content_dir: str,
    types: list[ActivityType],
    page_size: int,
) -> Site:
    branches = sorted(content.branches.values(), key=lambda b: b.sort_key)
    items = sorted(published, key=lambda i: i.sort_key, reverse=True)
    site = Site(content_dir, branches, items)
    _assign_uris(site, content.items)
    site.by_branch = {b.id: [] for b in branches}
    by_type: dict[str, list[NewsItem]] = defaultdict(list)
    by_tag: dict[str, list[NewsItem]] = defaultdict(list)
    for item in items:
        site.position[item.source] = len(site.by_branch[item.branch_id])
        site.by_branch[item.branch_id].append(item)
        by_type[item.type].append(item)
        for tag in dict.fromkeys(item.tags):
            by_tag[tag].append(item)
    site.news = _listing("news", "新闻动态", items, "news", page_size)
    site.gallery = _listing("gallery", "照片", [i for i in items if i.photos], "gallery", page_size)
    site.types = {
        t.name: _listing(t.name, t.name, by_type[t.name], f"types/{t.slug}", page_size) for t in types
    }
    tag_slugs: dict[str, str] = {}
    for tag in sorted(by_tag, key=lambda t: (-len(by_tag[t]), t)):
        slug = _unique(slugify(tag), tag_slugs)
        tag_slugs[slug] = tag
        site.tags[tag] = _listing(tag, tag, by_tag[tag], f"tags/{slug}", page_size)
    return site


def _listing(key: str, title: str, items: list[NewsItem], base: str, page_size: int) -> Listing:
    archived = max(0, len(items) // page_size - 1)
    uris = [f"{base}/index.md"] + [f"{base}/page/{k}.md" for k in range(archived, 0, -1)]
    return Listing(key, title, items, uris, page_size)


def _unique(slug: str, taken: dict[str, str] | set[str]) -> str:
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _assign_uris(site: Site, all_items: list[NewsItem]) -> None:
    """Item URIs from file names: stable as long as the file keeps its name, ASCII, and unique (see
    `url_name`). Photos are published only with published items."""
    for item in all_items:
        site.uris[item.source] = f"{site.content_dir}/{item.branch_id}/news/{url_name(item.slug)}.md"
    # Only what is published brings its photos along: a draft's photos stay private.
    for item in site.items:
        for path in (*(p.path for p in item.photos), item.cover):
            if path:
                site.photo_uris.setdefault(path, photo_uri(site.content_dir, path))
    for branch in site.branches:
        for path in (branch.logo, *branch.images):
            if path:
                site.photo_uris.setdefault(path, photo_uri(site.content_dir, path))
