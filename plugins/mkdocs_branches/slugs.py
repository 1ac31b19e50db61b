"""ASCII URL parts from Chinese or ASCII names, so built sites survive any web server or zip tool."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pypinyin import lazy_pinyin

_NOT_URL = re.compile(r"[^a-z0-9]+")
_URL_SAFE = re.compile(r"[a-z0-9][a-z0-9._-]*")


# A URL part longer than this is cut and given a digest of the whole name: names fit every file system
# (255 bytes), with room for a photo's `-1600.webp`.
MAX_NAME = 200


def slugify(name: str) -> str:
    """`2024-03-13-清明祭扫` → `2024-03-13-qing-ming-ji-sao`; stable for a given name, at most `MAX_NAME` long."""
    words = lazy_pinyin(unicodedata.normalize("NFKC", name))
    ascii_text = unicodedata.normalize("NFKD", "-".join(words)).encode("ascii", "ignore").decode()
    return _fit(_NOT_URL.sub("-", ascii_text.lower()).strip("-") or "x", name)


def _digest(name: str) -> str:
    return hashlib.blake2b(name.encode("utf-8"), digest_size=3).hexdigest()


def _fit(part: str, name: str) -> str:
    if len(part) <= MAX_NAME:
        return part
    return f"{part[: MAX_NAME - 8].rstrip('-._')}-{_digest(name)}"


def url_name(name: str) -> str:
    """A file or folder name as it appears in URLs.

    A name that is already URL-safe is kept. Any other gets its pinyin plus a short digest of the
    name itself (`2024-04-02-清明祭扫` → `2024-04-02-qing-ming-ji-sao-5d0c3e`): two names can never meet
    in one URL, and no file's URL depends on which other files exist.
    """
    if _URL_SAFE.fullmatch(name):
        return _fit(name, name)
    return _fit(f"{slugify(name)}-{_digest(name)}", name)


def file_url_name(file_name: str) -> str:
    """`url_name` for a file, keeping its (lower-cased) extension: `现场.JPG` → `xian-chang-1a2b3c.jpg`."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot or not stem:
        return url_name(file_name)
    return f"{url_name(stem)}.{ext.lower()}"
