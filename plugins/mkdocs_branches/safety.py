"""Guards on the paths the tools write to and follow.

- The site folder is emptied before every build: it must never be, hold, or lie in a folder of sources.
- A link may loop or name a path the file system refuses: `resolve`, `is_link`, `is_file`, `is_dir` and
  `exists` then answer instead of raising.
- Files a computer leaves by itself (`.DS_Store`, macOS `._x`, Office's `~$x`, editors' `.#x`) are not
  content: `hidden` names them, and everything that reads content skips them.
"""

from __future__ import annotations

import os
from pathlib import Path

_SYSTEM_FILES = {"thumbs.db", "desktop.ini"}


def hidden(name: str) -> bool:
    """A file or folder the editor does not see or did not make: skipped wherever content is read."""
    return name.startswith((".", "~$")) or name.lower() in _SYSTEM_FILES


def resolve(path: Path) -> Path | None:
    """`path` with every link followed, or None for a link loop or a name the file system refuses."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a link loop (Python < 3.13)
        return None


def within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def is_link(path: Path) -> bool:
    try:
        return path.is_symlink()
    except OSError:
        return False


def is_file(path: Path) -> bool:
    """A file, or a link to one; False for a link loop or a name the file system refuses."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def exists(path: Path) -> bool:
    """Whether anything is at `path`, a dangling link included; False for a name the system refuses."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True


def shown(path: Path, root: Path) -> str:
    """A path as messages show it: relative to the site's folder when it is inside."""
    if within(path, root):
        rel = path.relative_to(root).as_posix()
        return "." if rel == "." else rel
    return str(path)


def sources(root: Path, content_dir: str, docs_dir: str | Path) -> list[tuple[str, Path]]:
    """The folders no build may empty or write into, with the name messages give each."""
    real = [resolve(root / content_dir), resolve(Path(docs_dir)), resolve(root / ".cache")]
    names = [f"内容文件夹 {content_dir}", "页面文件夹 docs", "缓存文件夹 .cache"]
    return [(name, path) for name, path in zip(names, real, strict=True) if path is not None]


def content_dir_problem(root: Path, content_dir: str, docs_dir: str | Path) -> str | None:
    """Why the content folder cannot be read where it is, or None. MkDocs publishes every file of `docs/` as
    it is: content there would go out unreviewed (drafts as pages, registers as files), past 先审后发."""
    content, docs, home = resolve(root / content_dir), resolve(Path(docs_dir)), resolve(root)
    if content is None or docs is None or home is None:
        return f"内容文件夹“{content_dir}”的路径不对（太长，或是绕成圈的快捷方式）。请写 mkdocs.yml 旁边的一个文件夹，例如 branches"
    hint = (
        "docs 里的每个文件都会原样发布到网站上，草稿、未审核的新闻和会议记录就会被公开。"
        "请把内容文件夹移到 docs 外面、和 mkdocs.yml 放在一起（例如 branches），并把 mkdocs.yml 里的 content_dir 改成它"
    )
    if within(content, docs):
        return f"内容文件夹“{content_dir}”不能放在页面文件夹 docs 里面：{hint}"
    if within(docs, content):
        return f"页面文件夹 docs 不能放在内容文件夹“{content_dir}”里面：{hint}"
    return None


_SITE_HINT = "生成网站时会先清空网站文件夹，放在那里的文件都会被删掉。请换一个单独的文件夹，例如默认的 site"


def site_dir_problem(site_dir: Path, root: Path, content_dir: str, docs_dir: str | Path) -> str | None:
    """Why `site_dir` must not be built into (it is, holds or lies in a source folder), or None."""
    site, home = resolve(site_dir), resolve(root)
    if site is None or home is None:
        return (
            f"网站文件夹“{site_dir}”的路径不对（太长，或是绕成圈的快捷方式）。请换一个文件夹，例如默认的 site"
        )
    where = f"不能把网站生成到“{shown(site, home)}”"
    if within(home, site):
        return f"{where}：它就是网站文件夹（mkdocs.yml 所在的文件夹）或它的上级文件夹。{_SITE_HINT}"
    for name, folder in sources(home, content_dir, docs_dir):
        if site == folder:
            return f"{where}：它就是{name}。{_SITE_HINT}"
        if within(site, folder):
            return f"{where}：它在{name}里面。{_SITE_HINT}"
        if within(folder, site):
            return f"{where}：{name}在它里面。{_SITE_HINT}"
    return None


def zip_problem(
    zip_path: Path, site_dir: Path, root: Path, content_dir: str, docs_dir: str | Path
) -> str | None:
    """Why the zip of the site must not be written to `zip_path`, or None."""
    target, site, home = resolve(zip_path), resolve(site_dir), resolve(root)
    if target is None or site is None or home is None:
        return f"压缩包的路径“{zip_path}”不对（太长，或是绕成圈的快捷方式）。请换一个位置，例如 site.zip"
    where = f"不能把压缩包存到“{shown(target, home)}”"
    for name, folder in [*sources(home, content_dir, docs_dir), ("网站文件夹", site)]:
        if within(target, folder):
            return f"{where}：它在{name}里面。请存到别的地方，例如网站文件夹里的 site.zip"
    if target.is_dir():
        return f"{where}：这是一个文件夹。请写上压缩包的文件名，例如 {shown(target / 'site.zip', home)}"
    if not target.parent.is_dir():
        return f"{where}：文件夹“{shown(target.parent, home)}”不存在。请先建好这个文件夹，或换一个位置，例如 site.zip"
    if target.exists() and not _is_zip(target):
        return f"{where}：那里已经有一个不是压缩包的文件，没有覆盖它。请换一个文件名，例如 site.zip"
    return None


def _is_zip(path: Path) -> bool:
    import zipfile

    return zipfile.is_zipfile(path)
