"""Fast rebuilds for `mkdocs serve --dirty` on large sites: what each output shows, digested.

Every generated page and data file has a fingerprint of everything it shows (each page kind computes
its own from `Stamps`, see `pages`). `Tracker` remembers, for the life of the process, the fingerprint
each output was last written with; an output whose fingerprint is unchanged need not be written again
(`dirty` hands it to MkDocs accordingly). Ordinary builds compute none of this.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from .images import Processed
from .model import Branch, NewsItem

T = TypeVar("T")


def stamp(*parts: object) -> str:
    """A short, stable digest of records (dataclass reprs are complete and deterministic)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


# What an output shows, comparable across builds: a digest (`stamp`), or, for the kinds there are thousands
# of, a tuple of digests and small values, compared as it is (hashing it would cost more than comparing).
Fingerprint = object


def new_version() -> str:
    """A fingerprint that differs from every earlier one: for what is cheaper to make again when its
    inputs changed than to digest (`Stamps.kept`)."""
    return secrets.token_hex(8)


class Stamps:
    """The digest of every published item and branch, with the photos they show (a replaced photo
    changes them). Kept across rebuilds: a record the loader reused, showing the same photos, keeps
    last build's digest instead of being digested again."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}  # item.source → digest
        self.branches: dict[str, str] = {}  # branch.id → digest
        self._memo: dict[str, tuple[object, tuple[Processed | None, ...], str]] = {}
        self._kept: dict[object, tuple[object, Any]] = {}  # key → (what it was made of, what was made)
        # List rows rendered by earlier builds (`render.Renderer.row`), by `row_key`, their links behind
        # `token`: a back-dated item shifts every archive page after it, but not the rows they show.
        self.rows: dict[tuple[object, ...], str] = {}
        self.token = f"\x00{secrets.token_hex(8)}\x00"

    def update(
        self, items: Iterable[NewsItem], branches: Iterable[Branch], images: dict[str, Processed]
    ) -> None:
        fresh: dict[str, tuple[object, tuple[Processed | None, ...], str]] = {}

        def digest(key: str, record: object, paths: Iterable[str | None]) -> str:
            shown = tuple(images.get(path) for path in paths if path)
            old = self._memo.get(key)
            if old is None or old[0] is not record or old[1] != shown:
                old = (record, shown, stamp(record, shown))
            fresh[key] = old
            return old[2]

        self.items = {i.source: digest(i.source, i, [i.cover, *(p.path for p in i.photos)]) for i in items}
        self.branches = {b.id: digest(b.source, b, [b.logo, *b.images]) for b in branches}
        self._memo = fresh

    def kept(self, key: object, inputs: object, make: Callable[[], T]) -> T:
        """`make()` (a digest, a table row) for `key` (an output's URI …), or the last build's when `inputs`
        (cheap to compare: digests, small records) equal the last build's: what summarises a whole branch
        (its review pages, its 台账, its dashboard rows) is made again only when that branch changed."""
        last = self._kept.get(key)
        if last is None or last[0] != inputs:
            last = self._kept[key] = (inputs, make())
        return last[1]

    def row_key(self, item: NewsItem, *shown: object) -> tuple[object, ...] | None:
        """What an item's list row shows, comparable across builds; None outside `--dirty` builds."""
        digest, branch = self.items.get(item.source), self.branches.get(item.branch_id)
        if digest is None or branch is None:
            return None
        if len(self.rows) > 3 * len(self.items) + 100:  # rows of items long changed
            self.rows.clear()
        return (item.source, digest, branch, *shown)

    def of(self, items: Sequence[NewsItem]) -> list[tuple[str, str]]:
        """What a list of items shows: each item's digest and its branch's (a row shows the brand)."""
        return [(self.items[i.source], self.branches[i.branch_id]) for i in items]


class Tracker:
    """Fingerprints of what earlier builds of this process wrote, by URI."""

    def __init__(self) -> None:
        self.built: dict[str, Fingerprint] = {}
        self.pending: dict[str, Fingerprint] = {}
        self.generation = ""
        self.written: set[str] = set()  # every URI written before, whatever its generation
        self.failed: set[str] = set()  # written after the build (`dirty.Later`), but that failed

    def start(self, generation: str) -> bool:
        """A new build; `generation` digests the settings every output depends on (site folder, URL
        style, edition, mkdocs.yml): when it changes, nothing written before counts (returns False)."""
        same = generation == self.generation
        if not same:
            self.built.clear()
            self.generation = generation
        self.pending = {}
        return same

    def unchanged(self, uri: str, fingerprint: Fingerprint) -> bool:
        self.pending[uri] = fingerprint
        if uri in self.failed:
            self.failed.discard(uri)
            return False
        return self.built.get(uri) == fingerprint

    def forget(self, uri: str) -> None:
        """What was written at `uri` is not known to be up to date (it could not be made)."""
        self.failed.add(uri)

    def finish(self) -> set[str]:
        """The build succeeded: what it wrote is now on disk. Returns the URIs written before and not by
        this build (a deleted item's page, a removed photo's renditions)."""
        gone = self.written - set(self.pending)
        self.built = dict(self.pending)
        self.written = set(self.pending)
        return gone
