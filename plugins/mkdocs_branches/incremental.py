"""Fast rebuilds for `mkdocs serve --dirty` on large sites.

MkDocs skips, in a dirty build, every page whose `File.is_modified()` is false. Our generated pages
carry a fingerprint of everything they show; a page is rebuilt only when its fingerprint differs from
the one it was last built with (or its output is missing). Pages that show the whole site (home,
dashboard, reports) have no fingerprint and are always rebuilt. Ordinary builds ignore all of this.
"""

from __future__ import annotations

import functools
import hashlib
import os

from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from mkdocs.structure.files import File


def stamp(*parts: object) -> str:
    """A short, stable digest of records (dataclass reprs are complete and deterministic)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=12).hexdigest()


class PageFile(File):
    """A generated page that knows whether what it shows has changed since it was last built."""

    fingerprint: str | None = None
    built: dict[str, str] | None = None  # abs_dest_path → fingerprint it was built with

    @functools.cached_property
    def _modified(self) -> bool:  # asked twice per build (read, then render); the answer holds
        if self.fingerprint is None or self.built is None:
            return True
        if self.built.get(self.abs_dest_path) != self.fingerprint:
            return True
        return not os.path.isfile(self.abs_dest_path)

    def is_modified(self) -> bool:
        return self._modified


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, for the life of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()
