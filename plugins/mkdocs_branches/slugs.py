"""ASCII URL parts from Chinese or ASCII names, so built sites survive any web server or zip tool."""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin

_NOT_URL = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """`2024-03-13-清明祭扫` → `2024-03-13-qing-ming-ji-sao`; stable for a given name."""
    words = lazy_pinyin(unicodedata.normalize("NFKC", name))
    ascii_text = unicodedata.normalize("NFKD", "-".join(words)).encode("ascii", "ignore").decode()
    return _NOT_URL.sub("-", ascii_text.lower()).strip("-") or "x"


def file_slug(file_name: str) -> str:
    """A file name made URL-safe, keeping its (lower-cased) extension: `会场 1.JPG` → `hui-chang-1.jpg`."""
    stem, dot, ext = file_name.rpartition(".")
    if not dot:
        return slugify(file_name)
    return f"{slugify(stem)}.{ext.lower()}"
