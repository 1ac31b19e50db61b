"""One build from the content folder: loader → index → photos → review, into the `Build` that pages show.

The MkDocs plugin calls `assemble` once per build; nothing here knows MkDocs.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import Problems
from .images import ImageSettings, Job, Processed, process_all
from .index import Site, build_site, select_published
from .loader import ReadCache, load_content, settings_from
from .pages import Build, Edition, Options
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
    """`root` holds mkdocs.yml; `read_cache` and `manifests`, kept by `mkdocs serve`, spare re-reading."""
    types = list(options.types)
    settings = settings_from(options.content_dir, list(options.branch_types), types)
    content, problems = load_content(root, settings, read_cache)
    internal = options.edition is Edition.INTERNAL
    published, left_out = select_published(content, options.review_required, internal)
    problems.extend(left_out)
    site = build_site(content, published, options.content_dir, types, list_page_size)
    site.images = _photos(site, root, options.content_dir, images, problems, manifests, progress)
    # Reviewers judge what the public edition really publishes, also in the internal one.
    judged = select_published(content, options.review_required)[0] if internal else published
    review = evaluate(site.branches, judged, types, today, content.records)
    return Build(options, content, site, review), problems


def _photos(
    site: Site,
    root: Path,
    content_dir: str,
    settings: ImageSettings,
    problems: Problems,
    manifests: dict[str, dict[str, Any]] | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, Processed]:
    """Every published photo → its renditions in `.cache/images` (unchanged photos are never redone)."""
    base = str(root / content_dir)
    jobs = {
        path: Job(os.path.join(base, path), f"{content_dir}/{path}", uri.rsplit(".", 1)[0])
        for path, uri in site.photo_uris.items()
    }
    processed, image_problems = process_all(
        list(jobs.values()), settings, root / ".cache" / "images", progress=progress, manifests=manifests
    )
    problems.items.extend(image_problems)
    return {path: processed[job.source] for path, job in jobs.items() if job.source in processed}
