from __future__ import annotations

from .commands import main

main(prog_name="python -m mkdocs_branches")
