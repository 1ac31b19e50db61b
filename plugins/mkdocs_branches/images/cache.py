"""The photo cache: renditions stored by the content hash of their original, and the index of hashes.

An entry `<cache>/v<version>-<settings>/<hash[:2]>/<hash>/` holds one photo's renditions and, written
last, `manifest.json`: an entry without it is incomplete and is made again. `digests.json` records each
photo's size, modification time and hash (as git's index does), so a warm build reads no photo.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from typing import Any

from .records import PIPELINE_VERSION, Processed, Rendition

MANIFEST = "manifest.json"
DIGESTS = "digests.json"  # in the cache folder: photo path → [size, mtime_ns, content hash]


def digests(sources: list[str], workers: int | None, index_path: Path) -> list[str | OSError]:
    """Content hashes. A photo whose size and modification time are those recorded in `index_path`
    keeps its recorded hash (as git's index does), so a warm build reads no photo; the others are
    read in threads (hashlib and file reads release the GIL)."""
    known = _load_index(index_path)
    found: dict[str, str | OSError] = {}
    todo: dict[str, tuple[int, int]] = {}
    for source in sources:
        try:
            st = os.stat(source)
        except OSError as exc:
            found[source] = exc
            continue
        was = known.get(source)
        if was is not None and was[0] == st.st_size and was[1] == st.st_mtime_ns:
            found[source] = was[2]
        else:
            todo[source] = (st.st_size, st.st_mtime_ns)
    if todo:
        with ThreadPoolExecutor(min(len(todo), workers or os.cpu_count() or 1, 8)) as pool:
            found.update(zip(todo, pool.map(_digest, todo), strict=True))
    gone = [source for source, digest in found.items() if isinstance(digest, OSError) and source in known]
    if todo or gone:
        for source in gone:
            del known[source]
        for source, (size, mtime) in todo.items():
            if isinstance(found[source], str):
                known[source] = [size, mtime, found[source]]
        _save_index(index_path, known)
    return [found[source] for source in sources]


def known_digests(sources: list[str], index_path: Path) -> dict[str, str]:
    """The recorded hash of each photo whose size and modification time are those recorded (read only)."""
    known = _load_index(index_path)
    found = {}
    for source in sources:
        was = known.get(source)
        if was is None:
            continue
        try:
            st = os.stat(source)
        except OSError:
            continue
        if was[0] == st.st_size and was[1] == st.st_mtime_ns:
            found[source] = was[2]
    return found


def _load_index(path: Path) -> dict[str, list[Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 3}
    except (OSError, ValueError, AttributeError):
        return {}


def _save_index(path: Path, index: dict[str, list[Any]]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write(path, json.dumps(index, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass  # only a speed-up: the next build hashes again


def _digest(source: str) -> str | OSError:
    h = hashlib.blake2b(digest_size=20)
    try:
        with open(source, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except OSError as exc:
        return exc
    return h.hexdigest()


def read_manifest(entry: Path) -> dict[str, Any] | None:
    """A complete cache entry's manifest, or None when anything is missing or unreadable."""
    try:
        manifest = json.loads((entry / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("version") != PIPELINE_VERSION:
            return None
        for r in manifest["renditions"]:
            if not (entry / r["file"]).is_file():
                return None
        int(manifest["width"]), int(manifest["height"]), int(manifest["pixels"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest


def processed(manifest: dict[str, Any], entry: str | Path, out_base: str) -> Processed:
    renditions = []
    folder = str(entry)  # os.path, not pathlib: this runs for every photo in every build
    for r in manifest["renditions"]:
        ext = r["file"].rsplit(".", 1)[1]
        uri = f"{out_base}.{ext}" if r["original"] else f"{out_base}-{r['width']}.{ext}"
        path = os.path.join(folder, r["file"])
        renditions.append(Rendition(uri, path, r["width"], r["height"], r["mime"], r["original"]))
    return Processed(manifest["width"], manifest["height"], tuple(renditions))


def write(path: Path, data: bytes) -> None:
    """Write to a temporary file next to `path`, then rename: readers see the old file or the whole new one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
