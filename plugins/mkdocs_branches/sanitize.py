"""The raw-HTML policy for Markdown written by editors: sanitised with nh3 (ammonia) unless the site
opts in with `allow_raw_html: true`. Scripts, styles, iframes, event handlers and `javascript:` links
never reach a published page; ordinary Markdown output (headings with ids, tables, images) is kept."""

from __future__ import annotations

import nh3

TAGS = nh3.ALLOWED_TAGS | {"picture", "source", "section"}
ATTRIBUTES: dict[str, set[str]] = {
    **nh3.ALLOWED_ATTRIBUTES,
    "*": {"id", "class", "title", "lang", "dir", "data-lightbox", "data-caption"},
    "a": {"href", "hreflang", "rel", "title"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "sizes", "type", "media"},
    "th": nh3.ALLOWED_ATTRIBUTES["th"] | {"style"},
    "td": nh3.ALLOWED_ATTRIBUTES["td"] | {"style"},
}
# Markdown's table extension aligns cells with `style="text-align: …"`; nothing else may style.
STYLE_PROPERTIES = {"text-align"}


def clean(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        link_rel=None,
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes={"http", "https", "mailto", "tel"},
    )
