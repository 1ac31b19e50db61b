"""Pictures on hand-written pages (`docs/`): MkDocs would copy them byte for byte, with the GPS position,
camera serial and owner name a phone writes into them. They go out as `metadata.published_bytes` makes them,
or not at all."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import Problems
from .metadata import published_bytes

# Raster formats a camera or phone writes metadata into; SVG and others are published as MkDocs copies them.
SUFFIXES = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".jpe",
        ".jfif",
        ".png",
        ".webp",
        ".gif",
        ".bmp",
        ".heic",
        ".heif",
        ".tif",
        ".tiff",
        ".avif",
    }
)


def is_picture(uri: str) -> bool:
    return Path(uri).suffix.lower() in SUFFIXES


def publish(
    docs_dir: Path, uris: Iterable[str], docs_name: str, keep_exif: bool
) -> tuple[dict[str, bytes], Problems]:
    """The pictures of `docs/` among `uris` → the bytes to publish; those that cannot go out safely are left
    out, each with a warning."""
    problems = Problems()
    published: dict[str, bytes] = {}
    for uri in uris:
        if not is_picture(uri):
            continue
        try:
            data = published_bytes((docs_dir / uri).read_bytes(), keep_exif)
        except OSError:
            data = None
        if data is None:
            problems.warning(
                f"{docs_name}/{uri}",
                "这张图片没有发布：它是网页不能直接显示的格式（如 HEIC、TIFF），或者文件已损坏",
                "请用手机相册或画图软件把它另存为 JPG 或 PNG，再在页面里引用新的文件",
            )
        else:
            published[uri] = data
    return published, problems
