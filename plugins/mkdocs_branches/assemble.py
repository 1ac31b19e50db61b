"""One build from the content folder: loader → index → review → photos, into the `Build` that pages show.

The MkDocs plugin calls `assemble` once per build; `check` runs the same steps for both editions, judging
the photos without processing them. Nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .errors import Problem, Problems, Severity
from .images import ImageSettings, Job, check_all, process_all
from .index import Site, build_site, dead_links, select_published
from .loader import ReadCache, Settings, load_content, page_links, settings_from
from .model import Branch, Content, NewsItem
from .pages import Build, Edition, Options, place
from .rules import ReviewMemo, evaluate


def assemble(
    root: Path,
    options: Options,
    *,
    list_page_size: int,
    images: ImageSettings,
    today: dt.date,
    read_cache: ReadCache | None = None,
    manifests: dict[str, dict[str, Any]] | None = None,
    review_memo: ReviewMemo | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Build, Problems]:
    """`root` holds mkdocs.yml; `read_cache`, `manifests` and `review_memo`, kept by `mkdocs serve`, spare
    re-reading and re-judging what has not changed.
    In `serve` (`options.serving`) the build goes on despite errors: an item whose file has one is held back."""
    content, problems = load_content(root, _settings(options), read_cache)
    if options.serving:
        content = held_back(content, problems)
    build, left_out = survey(content, options, list_page_size=list_page_size, today=today, memo=review_memo)
    jobs = _jobs(build.site, root)
    processed, image_problems = process_all(
        list(jobs.values()), images, root / ".cache" / "images", progress=progress, manifests=manifests
    )
    bad, image_problems = photo_problems(build.site, jobs, image_problems)
    if bad:  # the pages go out without those photos: lists, covers and bodies as if they were never there
        build, left_out = survey(
            without_photos(content, bad),
            options,
            list_page_size=list_page_size,
            today=today,
            memo=review_memo,
        )
    problems.extend(left_out)
    problems.items.extend(image_problems)
    build.site.images = {path: processed[job.source] for path, job in jobs.items() if job.source in processed}
    build.problems = problems.items  # the same list: what placing the pages finds later is shown too
    return build, problems


def held_back(content: Content, problems: Problems) -> Content:
    """`content` without the items whose file has an error: not shown as if nothing were wrong."""
    wrong = {p.path for p in problems.errors}
    if not any(item.source in wrong for item in content.items):
        return content
    return replace(content, items=[item for item in content.items if item.source not in wrong])


def survey(
    content: Content,
    options: Options,
    *,
    list_page_size: int,
    today: dt.date,
    memo: ReviewMemo | None = None,
) -> tuple[Build, Problems]:
    """Everything of a build but its photos: what the edition shows, its URIs and lists, the review."""
    types = list(options.types)
    internal = options.edition is Edition.INTERNAL
    published, left_out = select_published(content, options.review_required, internal)
    site = build_site(content, published, options.content_dir, types, list_page_size)
    left_out.extend(dead_links(site))
    # Reviewers judge what the public edition really publishes, also in the internal one.
    judged = select_published(content, options.review_required)[0] if internal else published
    review = evaluate(site.branches, judged, types, today, content.records, memo)
    return Build(options, content, site, review), left_out


def check(
    root: Path,
    options: Options,
    *,
    list_page_size: int,
    images: ImageSettings,
    today: dt.date,
    hand_written: Mapping[str, str],
    docs_dir: str,
) -> Problems:
    """Every problem a build of either edition would report, photos read but not processed (`check`).

    The builds' own steps, run the same way: the loader, what each edition publishes and where its pages
    go (`pages.place`, with `hand_written` as in `plugin.hand_written`). The photos of the internal edition,
    which shows them all, are judged first, by `check_all` as `process_all` would judge them: both editions
    are then surveyed without the bad ones, as a build shows its pages without them."""
    content, problems = load_content(root, _settings(options))
    found = list(problems.items)
    internal = replace(options, edition=Edition.INTERNAL)
    surveyed = {Edition.INTERNAL: survey(content, internal, list_page_size=list_page_size, today=today)}
    site = surveyed[Edition.INTERNAL][0].site
    jobs = _jobs(site, root)
    bad, told = photo_problems(site, jobs, check_all(list(jobs.values()), images, root / ".cache" / "images"))
    if bad:
        content, surveyed = without_photos(content, bad), {}
    for edition in (Edition.PUBLIC, Edition.INTERNAL):
        build, left_out = surveyed.get(edition) or survey(
            content, replace(options, edition=edition), list_page_size=list_page_size, today=today
        )
        found += left_out.items + place(build, hand_written).problems(docs_dir)
        found += hand_written_links(root, root / docs_dir, hand_written, build.site).items
    found += told
    return Problems(list(dict.fromkeys(found)))  # each once, though both editions found it


def photo_problems(
    site: Site, jobs: Mapping[str, Job], found: list[Problem]
) -> tuple[set[str], list[Problem]]:
    """The photos (content paths) that cannot be published through their own fault, and the problems to
    report: each such photo's told on every file that shows it (a news item, a branch's `index.md`), which
    is published without it; the other problems (the cache not written: the build stops) as they came.
    A bad photo is a problem of its page, never a stop for the whole site."""
    path_of = {job.shown: path for path, job in jobs.items()}
    bad: dict[str, Problem] = {}
    told: list[Problem] = []
    for problem in found:
        if problem.severity is Severity.WARNING and problem.path in path_of:
            bad[path_of[problem.path]] = problem
        else:
            told.append(problem)
    shown_by = [(i.source, (i.cover, *(p.path for p in i.photos))) for i in site.items]
    shown_by += [(b.source, (b.logo, *b.images)) for b in site.branches]
    for source, paths in shown_by:
        for path in dict.fromkeys(p for p in paths if p in bad):
            written = posixpath.relpath(f"{site.content_dir}/{path}", posixpath.dirname(source))
            message = f"照片“{written}”这次不发布（其余内容照常发布）：{bad[path].message}"
            told.append(Problem(source, message, bad[path].hint, None, Severity.WARNING))
    return set(bad), told


def without_photos(content: Content, left_out: set[str]) -> Content:
    """`content` with the photos `left_out` taken out of every item and branch (images in bodies are left
    out where they are shown: `body.rewrite_links`); an item whose cover is one takes its first photo left."""

    def item(i: NewsItem) -> NewsItem:
        photos = tuple(p for p in i.photos if p.path not in left_out)
        cover = i.cover if i.cover not in left_out else next((p.path for p in photos), None)
        return i if (photos, cover) == (i.photos, i.cover) else replace(i, photos=photos, cover=cover)

    def branch(b: Branch) -> Branch:
        logo = None if b.logo in left_out else b.logo
        shown = tuple(path for path in b.images if path not in left_out)
        return b if (logo, shown) == (b.logo, b.images) else replace(b, logo=logo, images=shown)

    return replace(
        content,
        branches={key: branch(b) for key, b in content.branches.items()},
        items=[item(i) for i in content.items],
    )


def hand_written_links(root: Path, docs_dir: Path, uris: Iterable[str], site: Site) -> Problems:
    """What the links of hand-written pages (`docs/`) into the content folder would show: a link to what this
    edition does not publish becomes its text (`body.rewrite_links`), and is named, as in items."""
    found, problems = page_links(root, docs_dir, uris, site.content_dir)
    problems.extend(dead_links(site, found))
    return problems


def _settings(options: Options) -> Settings:
    return settings_from(options.content_dir, list(options.branch_types), list(options.types))


def _jobs(site: Site, root: Path) -> dict[str, Job]:
    """Every photo the site shows (content path) → its job for the photo pipeline."""
    base = str(root / site.content_dir)
    return {
        path: Job(os.path.join(base, path), f"{site.content_dir}/{path}", uri.rsplit(".", 1)[0])
        for path, uri in site.photo_uris.items()
    }
