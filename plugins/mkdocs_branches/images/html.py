"""A processed photo as HTML: a responsive `<picture>`."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .records import WEBP, Processed

_FIXED = re.compile(r"(\d+(?:\.\d+)?)(px|rem)")
_BOUNDED = re.compile(r"\(\s*max-width:\s*(\d+(?:\.\d+)?)px\s*\)\s+(\d+(?:\.\d+)?)vw")
REM = 24  # Material's root font size at its widest (20px on phones)
DENSITY = 3  # the sharpest phone screens


def picture_html(
    p: Processed,
    alt: str,
    url_of: Callable[[str], str],
    sizes: str = "(max-width: 960px) 100vw, 960px",
    lazy: bool = True,
    css_class: str = "",
    priority: bool = False,
    background: bool = False,
) -> str:
    """`<picture>` with a WebP `<source>` and a JPEG/PNG `<img>`; `css_class` goes on the `<img>`.

    `lazy`: loaded when scrolled near (for photos below the first screenful: one there, loaded late, is
    a late largest paint). `priority`: the page's likely largest paint, fetched first (never lazy).
    `background`: never the largest paint (a list's small cover beside its text), fetched after the page's
    styles and scripts even on the first screen, where Chrome would otherwise raise it."""
    fallback = p.fallback
    widest = _device_pixels(sizes)
    attrs = [
        ("src", url_of(fallback.uri)),
        ("srcset", p.srcset(fallback.mime, url_of, widest)),
        ("sizes", sizes),
        ("width", str(fallback.width)),
        ("height", str(fallback.height)),
        ("alt", alt),
    ]
    if css_class:
        attrs.append(("class", css_class))
    if priority:
        attrs.append(("fetchpriority", "high"))
    else:
        if background:
            attrs.append(("fetchpriority", "low"))
        if lazy:
            attrs.append(("loading", "lazy"))
    attrs.append(("decoding", "async"))
    img = "<img " + " ".join(f'{name}="{html.escape(value)}"' for name, value in attrs) + ">"
    webp = p.srcset(WEBP, url_of, widest)
    source = (
        f'<source type="{WEBP}" srcset="{html.escape(webp)}" sizes="{html.escape(sizes)}">' if webp else ""
    )
    return f"<picture>{source}{img}</picture>"


def _device_pixels(sizes: str) -> int | None:
    """The most device pixels `sizes` can take: each of its sizes fixed ("150px", "6rem") or a share of a
    bounded screen ("(max-width: 600px) 50vw", at most 300px); None when one is unbounded ("100vw")."""
    widest = 0.0
    for size in sizes.split(","):
        if fixed := _FIXED.fullmatch(size.strip()):
            css = float(fixed.group(1)) * (REM if fixed.group(2) == "rem" else 1)
        elif bounded := _BOUNDED.fullmatch(size.strip()):
            css = float(bounded.group(1)) * float(bounded.group(2)) / 100
        else:
            return None
        widest = max(widest, css)
    return round(widest * DENSITY)
