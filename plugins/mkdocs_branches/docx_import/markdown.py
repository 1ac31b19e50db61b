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
        if (
            merged
            and not span.note
            and (merged[-1][1], merged[-1][2], merged[-1][3]) == (span.bold, span.url, 0)
        ):
            merged[-1][0] += span.text
        else:
            merged.append([span.text, span.bold, span.url, span.note])
    out = []
    for text, bold, url, note in merged:
        if note:
            out.append(note_mark(note))
            continue
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


def note_mark(number: int) -> str:
    """Where a footnote was: `[1]` raised, as Word shows it; its text is in `footnotes_markdown`, after the body."""
    return f"<sup>[{number}]</sup>"


def footnotes_markdown(footnotes: list[list[Block]]) -> str:
    """Footnotes and endnotes as a numbered list under “注释：”, after the body. Plain Markdown, so it
    shows in every site (the `footnotes` extension is not enabled by default) and passes `check`."""
    if not footnotes:
        return ""
    items = []
    for n, blocks in enumerate(footnotes, 1):
        lines = []
        for block in blocks:
            if isinstance(block, Text):
                lines.append(inline(block))
            elif isinstance(block, Table):
                lines += [cell(c).replace("<br>", " ") for row in block.rows for c in row if c]
        items.append(f"{n}. " + " ".join(line for line in lines if line))
    return "注释：\n\n" + "\n".join(items) + "\n"


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
