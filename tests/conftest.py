from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# HYPOTHESIS_PROFILE=long: the long run of the property tests (tests/test_site_properties.py reads it too).
settings.register_profile(
    "long", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "3000")), deadline=None
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
pytest_plugins = ["browser"]  # the `browser` fixture
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

SITE_CONFIG = """\
site_name: 测试学院
site_url: https://www.example.edu.cn/xy/djpp/
theme:
  name: material
  language: zh
plugins:
  - branches:
      list_page_size: {page_size}
"""


def tree_hashes(*folders: Path) -> dict[str, str]:
    """Every file under `folders` → its sha256, to prove that nothing was changed."""
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest()
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def unpacked(path: Path) -> bytes:
    """A site file's bytes, Pagefind's index files decompressed (they are gzip: the raw bytes hide their text)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def site_text(site: Path) -> str:
    """Everything the site folder holds, as text: pages, feeds, data files and the search index."""
    return "".join(unpacked(p).decode("utf-8", "replace") for p in sorted(site.rglob("*")) if p.is_file())


def search_records(site: Path) -> dict[str, dict]:
    """The pages of the site's current Pagefind index (the one its entry file names), by URL from the
    site root: their text, meta and filters."""
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (language,) = entry["languages"].values()
    meta = unpacked(bundle / f"pagefind.{language['hash']}.pf_meta")
    records = {}
    prefix = language["hash"].split("_")[0].encode()  # `zh`: page hashes are `zh_` and seven hex digits
    for name in set(re.findall(prefix + rb"_[0-9a-f]{7}", meta)):
        path = bundle / "fragment" / f"{name.decode()}.pf_fragment"
        if path.is_file():  # the other names are of index and filter chunks
            data = unpacked(path)
            assert data.startswith(b"pagefind_dcd"), path
            record = json.loads(data[12:])
            record["text"] = record["content"].replace("\u200b", "")  # Pagefind marks its word breaks
            records[record["url"].lstrip("/")] = record
    assert len(records) == language["page_count"]
    return records


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


class SiteProject:
    """A real site in a temporary folder: mkdocs.yml, docs/ and branches/."""

    def __init__(self, root: Path, page_size: int = 20) -> None:
        self.root = root
        write(root / "mkdocs.yml", SITE_CONFIG.format(page_size=page_size))
        write(root / "docs" / "index.md", "# 首页\n\n学院介绍。\n")

    def configure(self, old: str, new: str) -> None:
        """Changes mkdocs.yml: `old` (which must be there) becomes `new`."""
        config = self.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert old in text, old
        config.write_text(text.replace(old, new), encoding="utf-8")

    def branch(self, branch_id: str, header: str, body: str = "") -> Path:
        return write(self.root / "branches" / branch_id / "index.md", f"---\n{header.strip()}\n---\n{body}")

    def item(self, branch_id: str, name: str, header: str, body: str = "正文。\n") -> Path:
        return write(
            self.root / "branches" / branch_id / "news" / name, f"---\n{header.strip()}\n---\n{body}"
        )

    def build(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", *args],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})},
        )

    def html(self, url: str) -> str:
        path = self.root / "site" / url.strip("/") / "index.html" if not url.endswith(".html") else None
        return (path or self.root / "site" / url).read_text(encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    return SiteProject(tmp_path)


def build_demo(out: Path, env: dict[str, str] | None = None) -> Path:
    """Build the demo college into `out` (sources untouched), with `env` added to the environment."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(ROOT / "mkdocs.yml"), "-d", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo college built once into a temporary folder (sources untouched)."""
    return build_demo(tmp_path_factory.mktemp("demo") / "site")


@pytest.fixture(scope="session")
def demo_internal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo college's internal edition (for reviewers), built once into a temporary folder."""
    return build_demo(tmp_path_factory.mktemp("demo-internal") / "site", {"BRANCHES_EDITION": "internal"})
