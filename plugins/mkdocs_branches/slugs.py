"""ASCII URL parts from Chinese or ASCII names, so built sites survive any web server or zip tool."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Collection, Sequence

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


# A new news file's name: its date, then at most this many characters of its title's pinyin.
STEM_LENGTH = 40
_LEADING = " \t\u3000：:，,、;；—-"


def item_stem(day: dt.date, title: str, drop: Sequence[str] = ()) -> str:
    """`2024-11-15` and `管理学院教工第一党支部开展主题党日活动` (with the branch's name in `drop`) →
    `2024-11-15-kai-zhan-zhu-ti-dang-ri-huo-dong`: the title's pinyin without a leading name (which
    every title of that branch would share), cut after a whole word to at most `STEM_LENGTH` characters."""
    text = unicodedata.normalize("NFKC", title).strip()
    for name in sorted({unicodedata.normalize("NFKC", n) for n in drop if n}, key=len, reverse=True):
        rest = text[len(name) :].lstrip(_LEADING)
        if text.startswith(name) and slugify(rest) != "x":
            text = rest
            break
    return f"{day.isoformat()}-{_cut(slugify(text), STEM_LENGTH)}"


def _cut(slug: str, limit: int) -> str:
    if len(slug) <= limit:
        return slug
    words = slug.split("-")
    kept = ""
    for word in words:
        longer = f"{kept}-{word}" if kept else word
        if len(longer) > limit:
            break
        kept = longer
    return kept or slug[:limit]


def numbered(stem: str, taken: Collection[str]) -> str:
    """`stem`, or `stem-2`, `stem-3`, … : the first not in `taken` (lower-case names)."""
    if stem.lower() not in taken:
        return stem
    n = 2
    while f"{stem}-{n}".lower() in taken:
        n += 1
    return f"{stem}-{n}"
