"""One build from the content folder: loader → index → review → photos, into the `Build` that pages show.

The MkDocs plugin calls `assemble` once per build; `check` runs the same steps for both editions, judging
the photos without processing them. Nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from .errors import Problems
from .images import ImageSettings, Job, check_all, process_all
from .index import Site, build_site, dead_links, select_published
from .loader import ReadCache, Settings, load_content, settings_from
from .model import Content
from .pages import Build, Edition, Options, place
from .rules import evaluate


def assemble(
    root: Path,
    options: Options,
    *,
    list_page_size: int,
    images: ImageSettings,
    today: dt.date,
    read_cache: ReadCache | None = None,
    manifests: dict[str, dict[str, Any]] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[Build, Problems]:
    """`root` holds mkdocs.yml; `read_cache` and `manifests`, kept by `mkdocs serve`, spare re-reading.
    In `serve` (`options.serving`) the build goes on despite errors: an item whose file has one is held back."""
    content, problems = load_content(root, _settings(options), read_cache)
    if options.serving:
        content = held_back(content, problems)
    build, left_out = survey(content, options, list_page_size=list_page_size, today=today)
    problems.extend(left_out)
    jobs = _jobs(build.site, root)
    processed, image_problems = process_all(
        list(jobs.values()), images, root / ".cache" / "images", progress=progress, manifests=manifests
    )
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
    content: Content, options: Options, *, list_page_size: int, today: dt.date
) -> tuple[Build, Problems]:
    """Everything of a build but its photos: what the edition shows, its URIs and lists, the review."""
    types = list(options.types)
    internal = options.edition is Edition.INTERNAL
    published, left_out = select_published(content, options.review_required, internal)
    site = build_site(content, published, options.content_dir, types, list_page_size)
    left_out.extend(dead_links(site))
    # Reviewers judge what the public edition really publishes, also in the internal one.
    judged = select_published(content, options.review_required)[0] if internal else published
    review = evaluate(site.branches, judged, types, today, content.records)
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
    go (`pages.place`, with `hand_written` as in `plugin.hand_written`); the photos of the internal edition,
    built last, which shows them all, are judged by `check_all` as `process_all` would judge them."""
    content, problems = load_content(root, _settings(options))
    found = list(problems.items)
    for edition in (Edition.PUBLIC, Edition.INTERNAL):
        build, left_out = survey(
            content, replace(options, edition=edition), list_page_size=list_page_size, today=today
        )
        found += left_out.items + place(build, hand_written).problems(docs_dir)
    found += check_all(list(_jobs(build.site, root).values()), images, root / ".cache" / "images")
    return Problems(list(dict.fromkeys(found)))  # each once, though both editions found it


def _settings(options: Options) -> Settings:
    return settings_from(options.content_dir, list(options.branch_types), list(options.types))


def _jobs(site: Site, root: Path) -> dict[str, Job]:
    """Every photo the site shows (content path) → its job for the photo pipeline."""
    base = str(root / site.content_dir)
    return {
        path: Job(os.path.join(base, path), f"{site.content_dir}/{path}", uri.rsplit(".", 1)[0])
        for path, uri in site.photo_uris.items()
    }
