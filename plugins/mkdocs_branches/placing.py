"""Where a new news item goes (`new-item`, `import-docx`): a readable file name that is free.

The name is the date and the title's pinyin (`slugs.item_stem`), without the branch's own name that
all of its titles start with; a name already used (by a news file, or a photo folder holding files)
gets `-2`, `-3`, …, so nothing is ever overwritten. Items of that day with the same title are found
too, so that a command can tell a second import of one draft from another draft with the same title.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .frontmatter import Document, HeaderError, decode, parse
from .slugs import item_stem, numbered

# What a branch's full name starts with before the name its members use (管理学院 | 教工第一党支部).
_ORGANISATION = re.compile(r"学院|大学|学校|书院|系|中心|研究院|研究所|党委|党总支|总支|机关|委员会")
# How titles name the branch without its name.
_GENERIC = ("我支部", "本支部", "我党支部", "本党支部", "党支部", "支部")


@dataclass(frozen=True)
class Place:
    stem: str  # the free name, without `.md`
    same_title: tuple[tuple[Path, str], ...] = ()  # items of that day with this title: (file, its body)

    def copy_of(self, body: str) -> Path | None:
        """The item of that day with this title and this body: the same draft, imported before."""
        return next((path for path, written in self.same_title if written.strip() == body.strip()), None)


def place(news: Path, day: dt.date, title: str, branch_name: str = "", slug: str | None = None) -> Place:
    stem = item_stem(day, slug, ()) if slug else item_stem(day, title, prefixes(branch_name))
    taken: set[str] = set()
    same: list[tuple[Path, str]] = []
    entries = sorted(news.iterdir()) if news.is_dir() else []
    for entry in entries:
        if entry.suffix.lower() == ".md":
            taken.add(entry.stem.lower())
            found = _title_and_body(entry) if entry.name.startswith(day.isoformat()) else None
            if found and _same(found[0], title):
                same.append((entry, found[1]))
        elif not (entry.is_dir() and not any(entry.iterdir())):  # an empty photo folder can be used
            taken.add(entry.name.lower())
    return Place(numbered(stem, taken), tuple(same))


def prefixes(branch_name: str) -> list[str]:
    """`管理学院教工第一党支部` → it, `中共管理学院教工第一党支部`, `教工第一党支部`, then `我支部`, `支部`, …"""
    name = unicodedata.normalize("NFKC", branch_name).strip()
    if not name:
        return list(_GENERIC)
    found = [name, f"中共{name}"]
    for m in _ORGANISATION.finditer(name):
        tail = name[m.end() :]
        if len(tail) > 3 and tail.endswith("支部"):
            found.append(tail)
    return [*found, *_GENERIC]


def branch_name(branch: Path) -> str:
    """The branch's `name` (支部名称) from its index.md; "" if it cannot be read (`check` says why)."""
    document = _document(branch / "index.md")
    entry = (document.header.get("name") or document.header.get("支部名称")) if document else None
    return entry.value if entry is not None and isinstance(entry.value, str) else ""


def _same(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))

    return norm(a) == norm(b)


def _document(path: Path) -> Document | None:
    try:
        return parse(decode(path.read_bytes(), str(path)), str(path))
    except (OSError, HeaderError):
        return None


def _title_and_body(path: Path) -> tuple[str, str] | None:
    document = _document(path)
    title = (document.header.get("title") or document.header.get("标题")) if document else None
    return (str(title.value), document.body) if document and title is not None else None
