"""Word blocks as clean Markdown: paragraphs, bold, links, headings, lists and tables, nothing else."""

from __future__ import annotations

import re

from .reading import Block, Table, Text

_SPACE = re.compile(r"[\s\u3000\u200b\ufeff]+")
_ESCAPE = re.compile(r"([\\`*_\[\]])")
_LINE_START = re.compile(r"^(#|>|[-+*](?=\s)|\d+(?=\.\s))")


def clean(text: str) -> str:
    """One line of text: runs of spaces (including the full-width spaces used to indent) folded or removed."""
    return _SPACE.sub(" ", text).strip()


def escape(text: str) -> str:
    return _ESCAPE.sub(r"\\\1", text).replace("<", "&lt;")


def inline(line: Text) -> str:
    """A line with its bold runs and links; spaces inside `**…**` moved outside, where Markdown needs them."""
    merged: list[list] = []
    for span in line.spans:
        if merged and (merged[-1][1], merged[-1][2]) == (span.bold, span.url):
            merged[-1][0] += span.text
        else:
            merged.append([span.text, span.bold, span.url])
    out = []
    for text, bold, url in merged:
        text = _SPACE.sub(" ", text)
        core = text.strip()
        if not core:
            out.append(text)
            continue
        piece = escape(core)
        if url:
            piece = f"[{piece}]({url.replace(' ', '%20').replace(')', '%29')})"
        if bold:
            piece = f"**{piece}**"
        out.append(text[: len(text) - len(text.lstrip())] + piece + text[len(text.rstrip()) :])
    joined = "".join(out).strip()
    return _LINE_START.sub(lambda m: "\\" + m[1] if not m[1].isdigit() else m[1] + "\\", joined)


def markdown(blocks: list[Block]) -> str:
    parts: list[tuple[bool, str]] = []  # (is a list item, Markdown)
    for block in blocks:
        if isinstance(block, Table):
            parts.append((False, table(block)))
        elif isinstance(block, Text) and block.style in ("heading", "title"):
            parts.append((False, "#" * min(block.level + 1, 6) + " " + escape(clean(block.text))))
        elif isinstance(block, Text) and block.list_kind:
            marker = "-" if block.list_kind == "bullet" else "1."
            parts.append((True, "    " * block.level + f"{marker} {inline(block)}"))
        elif isinstance(block, Text):
            parts.append((False, inline(block)))
    text = ""
    for i, (item, md) in enumerate(parts):
        if i:
            text += "\n" if item and parts[i - 1][0] else "\n\n"
        text += md
    return text + "\n" if text else ""


def table(block: Table) -> str:
    rows = [[cell(c) for c in row] for row in block.rows]
    if len(rows) == 1 and len(rows[0]) == 1:  # a one-cell table is a frame around text, not a table
        return rows[0][0].replace("<br>", "\n\n")
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def cell(blocks: list[Block] | None) -> str:
    if not blocks:
        return ""
    lines = []
    for block in blocks:
        if isinstance(block, Text):
            lines.append(inline(block).replace("|", "\\|"))
        elif isinstance(block, Table):
            lines += [cell(c) for row in block.rows for c in row if c]
    return "<br>".join(line for line in lines if line)
