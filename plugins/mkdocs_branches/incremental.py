"""Fast rebuilds for `mkdocs serve --dirty` on large sites.

Every generated page and data file carries a fingerprint of everything it shows. `Tracker` remembers,
for the life of the process, the fingerprint each output was last written with:

- in `mkdocs build --dirty`, an unchanged page is a `PageFile` that says it is not modified, so MkDocs
  skips it (unless its output is missing);
- in `mkdocs serve --dirty`, where the site folder is a temporary one that only this process writes, an
  unchanged page or file becomes a `KeptFile`: MkDocs still resolves links to it, but makes no `Page`
  for it and neither renders nor copies it. A rebuild then costs what changed, not what exists.

Ordinary builds ignore all of this.
"""

from __future__ import annotations

import hashlib
import posixpath

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, InclusionLevel

from .render import uri_to_url


def stamp(*parts: object) -> str:
    """A short, stable digest of records (dataclass reprs are complete and deterministic)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


class Tracker:
    """Fingerprints of what earlier builds of this process wrote, by URI."""

    def __init__(self) -> None:
        self.built: dict[str, str] = {}
        self.pending: dict[str, str] = {}
        self.generation = ""
        self.kept_files: dict[str, KeptFile] = {}

    def start(self, generation: str) -> None:
        """A new build; `generation` digests the settings every output depends on (site folder, URL
        style, mkdocs.yml): when it changes, nothing written before counts."""
        if generation != self.generation:
            self.built.clear()
            self.kept_files.clear()
            self.generation = generation
        self.pending = {}

    def unchanged(self, uri: str, fingerprint: str) -> bool:
        self.pending[uri] = fingerprint
        return self.built.get(uri) == fingerprint

    def finish(self) -> None:
        """The build succeeded: what it wrote is now on disk."""
        self.built.update(self.pending)

    def kept(self, config: MkDocsConfig, src_uri: str) -> KeptFile:
        """The `KeptFile` for an output (a page when `src_uri` ends in `.md`); the same object every
        rebuild, which saves making 10,000 of them."""
        file = self.kept_files.get(src_uri)
        if file is None:
            # Made without File.__init__, whose only extra step is normalising `src_uri` through
            # pathlib, which costs more than everything else here; our URIs are normal already.
            file = self.kept_files[src_uri] = KeptFile.__new__(KeptFile)
            file.src_uri, file.src_dir, file.dest_dir = src_uri, None, config.site_dir
            file.use_directory_urls = config.use_directory_urls
            url = uri_to_url(src_uri, config.use_directory_urls)  # the page's URL; other files: the URI
            file.dest_uri = posixpath.normpath(url + "index.html") if url.endswith("/") else url
            file.inclusion = InclusionLevel.NOT_IN_NAV
        return file


class PageFile(File):
    """A generated page; `modified` is False when its output is already up to date."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class KeptFile(File):
    """An output an earlier build of this `mkdocs serve` wrote, unchanged since."""

    def is_documentation_page(self) -> bool:
        return False

    def is_modified(self) -> bool:
        return False


def merge_search_index(search: object, rebuilt: set[str], alive: set[str]) -> None:
    """Material's search plugin, in a dirty rebuild, merges the new entries into the previous index by
    the first rebuilt page only (and drops everything when that page is the home page). Merge per page
    instead: keep the previous entries of every page that still exists and was not rebuilt."""
    index, previous = getattr(search, "search_index", None), getattr(search, "search_index_prev", None)
    if index is None or previous is None or not hasattr(index, "entries"):
        return
    kept = [
        entry
        for entry in previous.entries
        if (page := entry["location"].split("#", 1)[0]) in alive and page not in rebuilt
    ]
    index.entries = kept + index.entries
    search.search_index_prev = None  # type: ignore[attr-defined]  # Material then writes `entries` as is


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, for the life of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
