"""Build into a temporary folder and swap it into place only when the build succeeded.

An interrupted or failed build leaves the previous site as it was. The swap is two renames on the
same file system; if the process dies between them, the next run puts the previous site back first.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from pathlib import Path

OLD_SUFFIX = ".previous"


def recover(site_dir: Path) -> None:
    """Undo a swap that was cut off between its two renames; drop builds that were cut off."""
    for leftover in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    old = site_dir.with_name(site_dir.name + OLD_SUFFIX)
    if old.exists() and not site_dir.exists():
        old.rename(site_dir)
    elif old.exists():
        shutil.rmtree(old)


def swap_in(new_dir: Path, site_dir: Path) -> None:
    old = site_dir.with_name(site_dir.name + OLD_SUFFIX)
    if site_dir.exists():
        site_dir.rename(old)
    new_dir.rename(site_dir)
    if old.exists():
        shutil.rmtree(old)


def staging_dir(site_dir: Path) -> Path:
    """A fresh folder beside the site (same file system, so the swap is a rename)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.building-", dir=site_dir.parent))


def write_zip(site_dir: Path, zip_path: Path) -> int:
    """Zip the site's contents (no top folder) with UTF-8 names; written beside and renamed into place."""
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    count = 0
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(site_dir.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(site_dir).as_posix())
                count += 1
    os.replace(tmp, zip_path)
    return count
