"""Links in an editor's Markdown, in every form Python-Markdown reads: inline `[text](target)` (and images),
reference-style `[text][label]` with its definition `[label]: target`, and raw HTML `<a href="target">`.

`targets` finds them (for checking, with their offsets); `rewrite` points each at where its file is
published, or turns a link to what is not published into its text, so no unpublished file name survives in
any form (先审后发: file names often carry a draft's title).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

# A link's or image's target as Python-Markdown reads it: up to `)` or a quoted title, spaces included.
TARGET = r"\(\s*<?(?P<src>[^)<>]*?)>?(?P<title>\s+[\"'][^)]*[\"'])?\s*\)"
_INLINE = re.compile(
    r"(?P<image>!?)(?P<start>\[(?P<text>[^\]]*)\]\(\s*<?)(?P<src>[^)<>]*?)(?P<end>>?(?:\s+[\"'][^)]*[\"'])?\s*\))"
)
_DEFINITION = re.compile(
    r"^(?P<start> {0,3}\[(?P<label>[^\]]+)\]:[ \t]*(?:\n[ \t]*)?<?)(?P<src>[^\s<>]+)(?P<end>>?[^\n]*)$\n?",
    re.MULTILINE,
)
_ANCHOR = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*(?:\"(?P<dq>[^\"]*)\"|'(?P<sq>[^']*)'|(?P<bare>[^\s\"'>]+))[^>]*>(?P<text>.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
# `[text][label]`, `[label][]` and the shortcut `[label]` (not an inline link, a definition or an image).
_REFERENCE = re.compile(r"(?<![!\]\\])\[(?P<text>[^\]]*)\](?:[ ]?\[(?P<label>[^\]]*)\]|(?![(:\[]))")


class Unpublished:
    """What a resolver returns for a link to a file the site does not publish: the link becomes its text."""


UNPUBLISHED = Unpublished()
Resolver = Callable[
    [str], "str | Unpublished | None"
]  # target as written → new target, UNPUBLISHED, or None: as is
# Code is shown as written, links in it included (the guide's examples): fenced blocks and inline code spans.
# Only closed ones, and a span never past a blank line: what Markdown would not read as code is prose here.
_CODE = re.compile(
    r"^[ ]{0,3}(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^[ ]{0,3}(?P=fence)[ \t]*$"
    r"|(?P<ticks>`+)[^`](?:(?!\n[ \t]*\n).)*?(?P=ticks)",
    re.MULTILINE | re.DOTALL,
)


def _prose(markdown: str) -> Iterator[tuple[int, int]]:
    """The spans of `markdown` outside code, as (start, end)."""
    at = 0
    for m in _CODE.finditer(markdown):
        yield at, m.start()
        at = m.end()
    yield at, len(markdown)


def targets(markdown: str) -> Iterator[tuple[str, int]]:
    """Every link's target (not images') with the offset it is written at, in every form, outside code."""
    for start, end in _prose(markdown):
        text = markdown[start:end]
        for m in _INLINE.finditer(text):
            if not m["image"]:
                yield m["src"], start + m.start()
        for m in _DEFINITION.finditer(text):
            yield m["src"], start + m.start()
        for m in _ANCHOR.finditer(text):
            yield html.unescape(_href(m)[0]), start + m.start()


def _href(m: re.Match[str]) -> tuple[str, str]:
    """An `<a>`'s href as written, and the name of the group that holds it."""
    group = next(g for g in ("dq", "sq", "bare") if m[g] is not None)
    return m[group], group


def rewrite(markdown: str, resolve: Resolver) -> str:
    """Each link's target replaced by what `resolve` gives for it; images' targets too, and an image of an
    unpublished file (a photo that could not be processed) is left out."""

    def pointed(m: re.Match[str], target: str) -> str:
        return f"{m['start']}{target}{m['end']}"

    def anchor(m: re.Match[str]) -> str:
        written, group = _href(m)
        new = resolve(html.unescape(written))
        if isinstance(new, Unpublished):
            return m["text"]
        if new is None:
            return m.group(0)
        start, end = m.start(group) - m.start(), m.end(group) - m.start()
        return m.group(0)[:start] + html.escape(new, quote=group != "bare") + m.group(0)[end:]

    def inline(m: re.Match[str]) -> str:
        new = resolve(m["src"])
        if isinstance(new, Unpublished):
            return "" if m["image"] else m["text"]
        return m.group(0) if new is None else m["image"] + pointed(m, new)

    dropped: set[str] = set()

    def definition(m: re.Match[str]) -> str:
        new = resolve(m["src"])
        if isinstance(new, Unpublished):
            dropped.add(_label(m["label"]))
            return ""
        return m.group(0) if new is None else pointed(m, new) + ("\n" if m.group(0).endswith("\n") else "")

    def reference(m: re.Match[str]) -> str:
        label = m["label"] or m["text"]
        return m["text"] if _label(label) in dropped else m.group(0)

    def each(step: Callable[[str], str], parts: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
        return [(text if code else step(text), code) for text, code in parts]

    parts = [(markdown[a:b], False) for a, b in _prose(markdown)]
    codes = [(m.group(0), True) for m in _CODE.finditer(markdown)]
    parts = [part for pair in zip(parts, [*codes, ("", True)], strict=True) for part in pair]
    parts = each(lambda t: _DEFINITION.sub(definition, _INLINE.sub(inline, _ANCHOR.sub(anchor, t))), parts)
    if dropped:
        parts = each(lambda t: _REFERENCE.sub(reference, t), parts)
    return "".join(text for text, _ in parts)


def _label(label: str) -> str:
    """Reference labels match case-insensitively, with runs of white space as one."""
    return " ".join(label.split()).casefold()
