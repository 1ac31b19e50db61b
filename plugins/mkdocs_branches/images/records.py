"""What the photo pipeline is asked to do and what it gives back: settings, jobs and renditions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Bump whenever the pixels or files the pipeline writes change: old cache entries are then ignored.
PIPELINE_VERSION = 1
WEBP = "image/webp"
JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {WEBP: "webp", JPEG: "jpg", PNG: "png"}


@dataclass(frozen=True)
class ImageSettings:
    widths: tuple[int, ...] = (480, 960, 1600)
    quality: int = 80  # WebP and JPEG quality
    keep_exif: bool = False  # opt-in: keep EXIF fields other than location, maker notes and orientation
    publish_original: bool = False
    # Bigger images are refused from their header, never decoded (a decompression bomb): far above what
    # cameras make (phones' 108- and 200-megapixel modes, 16320×12240; 240-megapixel pixel-shift shots).
    max_pixels: int = 250_000_000

    def __post_init__(self) -> None:
        widths = tuple(sorted({int(w) for w in self.widths}))
        if not widths or widths[0] < 1:
            raise ValueError("图片宽度（widths）要写成正整数的列表，例如 [480, 960, 1600]")
        if not 1 <= self.quality <= 100:
            raise ValueError(f"图片质量（quality）要在 1 到 100 之间，现在是 {self.quality}")
        if self.max_pixels < 1:
            raise ValueError("图片像素上限（max_pixels）要大于 0")
        object.__setattr__(self, "widths", widths)

    def key(self) -> str:
        """Stable hash of everything that changes the files written (not `max_pixels`: it only refuses)."""
        data = json.dumps([self.widths, self.quality, self.keep_exif, self.publish_original])
        return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


@dataclass(frozen=True)
class Rendition:
    uri: str  # site-relative output path, e.g. "branches/jg1/news/2024-03-13-x/01-960.webp"
    path: str  # absolute path of the file in the cache, to be copied into the site
    width: int
    height: int
    mime: str  # image/webp | image/jpeg | image/png
    original: bool = False  # the published original (only with `publish_original`)


@dataclass(frozen=True)
class Processed:
    width: int  # of the original, after EXIF orientation
    height: int
    renditions: tuple[Rendition, ...]  # every width in WebP and the fallback type, then the original

    @property
    def _fallbacks(self) -> list[Rendition]:
        return [r for r in self.renditions if r.mime != WEBP and not r.original]

    @property
    def fallback(self) -> Rendition:
        """The largest JPEG (PNG when the image has transparency), for `<img src>` and the lightbox."""
        return max(self._fallbacks, key=lambda r: r.width)

    @property
    def thumbnail(self) -> Rendition:
        return min(self._fallbacks, key=lambda r: r.width)

    @property
    def thumbnail_webp(self) -> Rendition:
        return min((r for r in self.renditions if r.mime == WEBP), key=lambda r: r.width)

    @property
    def original(self) -> Rendition | None:
        return next((r for r in self.renditions if r.original), None)

    def srcset(self, mime: str, url_of: Callable[[str], str], widest: int | None = None) -> str:
        """`a-480.webp 480w, a-960.webp 960w` for the renditions of one type; `url_of` maps a URI to a URL.
        `widest`: no rendition wider than needed for that many device pixels (a thumbnail's list stays short)."""
        chosen = sorted(
            (r for r in self.renditions if r.mime == mime and not r.original), key=lambda r: r.width
        )
        if widest is not None:
            enough = next((i for i, r in enumerate(chosen) if r.width >= widest), len(chosen) - 1)
            chosen = chosen[: enough + 1]
        return ", ".join(f"{_srcset_url(url_of(r.uri))} {r.width}w" for r in chosen)


def _srcset_url(url: str) -> str:
    # A space or comma would split a srcset candidate.
    return url.replace(" ", "%20").replace(",", "%2C")


@dataclass(frozen=True)
class Job:
    source: str  # absolute path of the original
    shown: str  # path for messages, relative to the site root, e.g. "branches/jg1/news/x/01.jpg"
    out_base: str  # site-relative output path without extension, e.g. "branches/jg1/news/2024-03-13-x/01"


def target_widths(widths: Iterable[int], width: int) -> list[int]:
    """The configured widths an image of `width` can fill; its own width when it is narrower than all."""
    return sorted({w for w in widths if w <= width}) or [width]
