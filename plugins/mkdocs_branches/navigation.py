"""MkDocs' navigation and our generated pages: what the `nav:` setting may name, and where pages sit."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def without(nav: list[Any], uris: set[str]) -> list[Any]:
    """The `nav:` setting without its entries that point at `uris` (pages of another edition), and
    without sections left empty."""
    kept: list[Any] = []
    for entry in nav:
        if isinstance(entry, dict):
            entry = {
                title: without(value, uris) if isinstance(value, list) else value
                for title, value in entry.items()
                if isinstance(value, list) or value not in uris
            }
            entry = {title: value for title, value in entry.items() if value != []}
            if not entry:
                continue
        elif entry in uris:
            continue
        kept.append(entry)
    return kept


def lift_lone_pages(nav: Navigation, top: set[str]) -> None:
    """Without a `nav:` setting, MkDocs files our top pages under folder-named sections ("News"):
    lift each lone page of `top` out of its section."""
    nav.items = [
        item.children[0]
        if isinstance(item, Section)
        and len(item.children) == 1
        and isinstance(item.children[0], Page)
        and item.children[0].file.src_uri in top
        else item
        for item in nav.items
    ]
