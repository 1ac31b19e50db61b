"""Photos made fit for the web: resized, re-encoded (WebP + JPEG/PNG), turned upright and stripped of metadata.

What is published: the renditions only. Location (GPS) is never published. Other EXIF fields are dropped
too unless `keep_exif` is on. With `publish_original` the original is published as well: a JPEG or PNG
keeps its exact pixels (its bytes are copied with every metadata segment removed, except the colour
profile and, when the pixels need it, the orientation); other formats are re-encoded at full size.

The modules, in the order a photo meets them:

- `records`: settings, jobs and what comes back (`Processed`, its `Rendition`s, `srcset`);
- `batch`: `process_all`, every photo of a build, cache first, then a pool of worker processes; `check_all`,
  what it would refuse, found cheaply (for `check`);
- `cache`: entries keyed by the photo's content, the settings and `PIPELINE_VERSION`, written so that an
  interrupted build never leaves half a picture behind; and the index of content hashes;
- `pipeline`: one photo, decoded, turned upright, converted to sRGB, resized and encoded;
- `metadata`: which EXIF fields go out, and originals stripped byte for byte;
- `html`: `picture_html`, a processed photo as a responsive `<picture>`.
"""

from __future__ import annotations

from .batch import check_all, process_all
from .html import picture_html
from .pipeline import register_heif
from .records import (
    EXTENSIONS,
    JPEG,
    PIPELINE_VERSION,
    PNG,
    WEBP,
    ImageSettings,
    Job,
    Processed,
    Rendition,
    target_widths,
)

__all__ = [
    "EXTENSIONS",
    "JPEG",
    "PIPELINE_VERSION",
    "PNG",
    "WEBP",
    "ImageSettings",
    "Job",
    "Processed",
    "Rendition",
    "check_all",
    "picture_html",
    "process_all",
    "register_heif",
    "target_widths",
]
