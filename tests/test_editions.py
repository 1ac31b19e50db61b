"""Fail closed: the public edition of the demo holds nothing of review in any file, index and feeds
included; the internal edition holds all of it."""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES, activity_types
from mkdocs_branches.index import select_published
from mkdocs_branches.loader import load_content, settings_from
from mkdocs_branches.model import Content

from conftest import ROOT

BINARY = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".ico", ".woff", ".woff2", ".ttf", ".wasm"}


def texts(site: Path) -> Iterator[tuple[str, str]]:
    """Every file's text: gzip unpacked, JSON's strings decoded (Material writes \\uXXXX escapes), the
    word breaks Pagefind keeps in its index's text removed."""
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.suffix.lower() in BINARY:
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        text = data.decode("utf-8", errors="replace")
        if data.startswith(b"pagefind_dcd"):
            text = text.replace("\u200b", "")
        if path.suffix == ".json":
            text = "\n".join(strings(json.loads(text)))
        yield path.relative_to(site).as_posix(), text


def strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value.replace("\u200b", "")  # Material's word breaks
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


@pytest.fixture(scope="module")
def demo() -> Content:
    content, problems = load_content(
        ROOT, settings_from("branches", DEFAULT_BRANCH_TYPES, activity_types(DEFAULT_ACTIVITY_TYPES))
    )
    assert not problems.errors
    return content


def secrets(content: Content) -> dict[str, set[str]]:
    """What only the internal edition may show, less what public content itself says anyway."""
    published, _ = select_published(content, review_required=True)
    public_text = "\n".join(
        [f"{i.title}\n{i.body}\n{i.author}{i.photographer}{i.editor}{i.reviewer}" for i in published]
        + [f"{b.name}{b.brand}{b.secretary}{b.story}" for b in content.branches.values()]
    )
    names = {
        n
        for r in content.records
        for n in re.split(r"[、，,；;\s]+", re.sub(r"（[^）]*）|\([^)]*\)", "", r.absent))
        if n
    }
    shown = {i.source for i in published}
    found = {
        "record topics": {r.topic for r in content.records},
        "plan topics": {p.topic for p in content.plans},
        "absentees": names,
        "drafts and unreviewed items": {i.title for i in content.items if i.source not in shown},
        "source files": {i.source for i in content.items}
        | {r.source for r in content.records}
        | {p.source for p in content.plans},
    }
    return {kind: {s for s in found_ if s not in public_text} for kind, found_ in found.items()}


def test_the_demo_has_review_material_to_hide(demo: Content) -> None:
    hidden = secrets(demo)
    assert len(hidden["record topics"]) >= 20 and len(hidden["absentees"]) >= 3
    assert len(hidden["drafts and unreviewed items"]) >= 3
    assert len(hidden["plan topics"]) >= 20
    assert {r.source.rsplit(".", 1)[1] for r in demo.records} >= {"yaml", "csv", "xlsx"}


def test_the_public_edition_holds_nothing_of_review(demo_site: Path, demo: Content) -> None:
    hidden = secrets(demo)
    leaks: list[str] = []
    walked = set()
    for name, text in texts(demo_site):
        walked.add(name)
        made = not (ROOT / "docs" / name).is_file()  # docs/ is public by hand, e.g. the register template
        if name.startswith("review/") or (made and name.endswith((".csv", ".xlsx", ".docx"))):
            leaks.append(f"{name}: a review file")
        for marker in (
            "review/",
            "/records/",
            "/plans/",
            "工作纪实",
            "ledger-",
            'class="bb-internal"',
            'name="robots"',
        ):
            if marker in text:
                leaks.append(f"{name}: {marker}")
        for kind, words in hidden.items():
            leaks += [f"{name}: {kind}: {w}" for w in words if w in text]
    assert {"feed.xml", "branches/jg1/feed.xml", "sitemap.xml", "sitemap.xml.gz", "404.html"} <= walked
    assert any(n.startswith("pagefind/fragment/") for n in walked)  # the search index too
    assert len([n for n in walked if n.endswith(".html")]) > 400
    assert leaks == []


def test_the_internal_edition_holds_all_of_it(demo_internal: Path, demo: Content) -> None:
    everything = "\n".join(text for _, text in texts(demo_internal))
    hidden = secrets(demo)
    hidden["source files"] = {
        i.source for i in demo.items if i.title in hidden["drafts and unreviewed items"]
    }
    for kind, words in hidden.items():
        assert sorted(w for w in words if w not in everything) == [], kind  # the queue names the files
    for page in (
        "review/index.html",
        "review/pending/index.html",
        "review/activity.csv",
        "review/summary.csv",
    ):
        assert (demo_internal / page).is_file()
    assert all((demo_internal / f"review/reports/{b}/index.html").is_file() for b in demo.branches)
    assert all((demo_internal / f"review/branches/{b}/index.html").is_file() for b in demo.branches)


def test_the_dashboard_shows_branches_that_meet_in_their_register_as_compliant(
    demo_internal: Path, demo: Content
) -> None:
    page = (demo_internal / "review/index.html").read_text(encoding="utf-8")

    def judged(branch: str) -> set[str]:
        row = page[page.index(f'<tr data-branch="{branch}">') :].split("</tr>", 1)[0]
        return set(re.findall(r'data-state="(met|unmet|none)"', row))

    registered = {r.branch_id for r in demo.records}
    assert len(registered) >= 3
    assert all(judged(b) == {"met"} for b in registered)  # they publish less than they meet
    assert all(judged(b) - {"met"} for b in set(demo.branches) - registered)
