"""Golden cases for the content model: each folder under tests/golden/ holds input files (`branches/…`)
and `expected.yaml` (the records read, or the problems reported). Set UPDATE_GOLDEN=1 to rewrite
the expectations after a deliberate change, then read the diff."""

from __future__ import annotations

import os
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES
from mkdocs_branches.dates import PartialDate, When
from mkdocs_branches.loader import Settings, load_content
from mkdocs_branches.model import Branch, Honor, MeetingRecord, NewsItem, Photo

from conftest import tree_hashes

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in GOLDEN.iterdir() if p.is_dir())
SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))


def plain(value: object) -> object:
    if isinstance(value, (When, PartialDate)):
        return value.display()
    if isinstance(value, Honor):
        return value.display()
    if isinstance(value, Photo):
        return [value.path, value.caption] if value.caption else value.path
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    return value


def record(obj: Branch | NewsItem | MeetingRecord, skip: set[str]) -> dict[str, object]:
    """A record's fields that differ from their defaults, as plain data."""
    out = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in skip or value == f.default or value in ((), "", None):
            continue
        out[f.name] = plain(value)
    return out


def snapshot(root: Path) -> dict[str, object]:
    content, problems = load_content(root, SETTINGS)
    found: dict[str, object] = {
        "branches": {b.id: record(b, {"id", "source"}) for b in content.branches.values()},
        "items": {i.source: record(i, {"source", "branch_id", "body_line"}) for i in content.items},
    }
    if content.records:
        found["records"] = {
            f"{r.source}:{r.line}": record(r, {"source", "line", "branch_id"}) for r in content.records
        }
    return found | {"problems": [f"{p.severity.value} {p}" for p in problems.sorted()]}


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str) -> None:
    folder = GOLDEN / case
    before = tree_hashes(folder / "branches")
    actual = snapshot(folder)
    assert tree_hashes(folder / "branches") == before, "reading content must not change it"
    expected_file = folder / "expected.yaml"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text(
            yaml.safe_dump(actual, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    assert actual == expected
    for problem in actual["problems"]:
        assert "Traceback" not in problem


@pytest.mark.parametrize("case", CASES)
def test_golden_case_builds_report_the_same_problems(case: str, tmp_path: Path) -> None:
    """The same content through `mkdocs build`: every problem in one run, exit code, files untouched."""
    import shutil
    import subprocess
    import sys

    from conftest import SITE_CONFIG

    shutil.copytree(GOLDEN / case / "branches", tmp_path / "branches", symlinks=True)
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(SITE_CONFIG.format(page_size=20), encoding="utf-8")
    before = tree_hashes(tmp_path / "branches")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=tmp_path, capture_output=True, text=True
    )
    expected = yaml.safe_load((GOLDEN / case / "expected.yaml").read_text(encoding="utf-8"))["problems"]
    assert (result.returncode != 0) == any(p.startswith("错误") for p in expected)
    for problem in expected:
        assert problem.split(" ", 1)[1] in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(tmp_path / "branches") == before
