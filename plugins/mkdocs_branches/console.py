"""Output that never fails on what it prints. Python on Windows writes redirected output in the locale's
code page (GBK on Chinese Windows): a character outside it, such as an emoji in a file name, would raise
UnicodeEncodeError in the middle of a message. Such characters are printed as `?` instead."""

from __future__ import annotations

import io
import sys


def tolerate_any_text() -> None:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")
