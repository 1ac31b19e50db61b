"""Property-based: whatever editors type, the checking pass reports problems and never crashes."""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs_branches.config import DEFAULT_ACTIVITY_TYPES, DEFAULT_BRANCH_TYPES, activity_types
from mkdocs_branches.errors import Problem
from mkdocs_branches.frontmatter import HeaderError, decode, parse
from mkdocs_branches.index import build_site, select_published
from mkdocs_branches.loader import Settings, load_content
from mkdocs_branches.schema import BRANCH_FIELDS, ITEM_FIELDS

SETTINGS = Settings("branches", tuple(DEFAULT_BRANCH_TYPES), tuple(DEFAULT_ACTIVITY_TYPES))
TYPES = activity_types(DEFAULT_ACTIVITY_TYPES)
KEYS = [k for f in (*ITEM_FIELDS, *BRANCH_FIELDS) for k in (f.name, f.alias)]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True),
    st.text(max_size=20),
    st.dates().map(str),
    st.sampled_from(
        ["2024-02-30", "2024年13月1日", "2024-03-13 25:61", "draft", "草稿", "../x.jpg", "/etc/passwd"]
    ),
    st.sampled_from(list(DEFAULT_ACTIVITY_TYPES)),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["file", "caption", "year", "title", "x"]), inner, max_size=3)
    ),
    max_leaves=6,
)
headers = st.dictionaries(st.sampled_from(KEYS) | st.text(min_size=1, max_size=8), values, max_size=8)
raw_lines = st.lists(st.text(max_size=30), max_size=6).map("\n".join)
names = st.text(min_size=1, max_size=24).filter(
    lambda s: "/" not in s and "\x00" not in s and s not in (".", "..")
)


def header_text(header: dict, raw: str, use_raw: bool) -> str:
    if use_raw:
        return raw
    try:
        return yaml.safe_dump(header, allow_unicode=True)
    except yaml.YAMLError:
        return raw


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    branch_header=headers,
    item_headers=st.lists(
        st.tuples(names, headers, raw_lines, st.booleans(), st.text(max_size=40)), max_size=4
    ),
    branch_id=st.sampled_from(["jg1", "JG", "党支部", "a-b", "-x"]),
)
def test_loading_random_content_never_raises(branch_header, item_headers, branch_id) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        branch = root / "branches" / branch_id
        (branch / "news").mkdir(parents=True)
        (branch / "index.md").write_text(
            f"---\n{header_text(branch_header, '', False)}---\n故事", encoding="utf-8"
        )
        for name, header, raw, use_raw, body in item_headers:
            try:
                path = branch / "news" / f"{name}.md"
                path.write_text(f"---\n{header_text(header, raw, use_raw)}\n---\n{body}", encoding="utf-8")
            except (OSError, UnicodeEncodeError):
                continue  # a name the file system refuses is not content
        content, problems = load_content(root, SETTINGS)
        published, _ = select_published(content, review_required=True)
        build_site(content, published, "branches", TYPES, 20)  # must not raise either
        for problem in problems.items:
            assert isinstance(problem, Problem)
            assert problem.path.startswith("branches/")
            assert problem.message


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=200)
    | st.text(max_size=200).map(lambda t: ("---\n" + t).encode("utf-8", "surrogatepass"))
)
def test_reading_any_bytes_raises_only_header_errors(data: bytes) -> None:
    try:
        parse(decode(data, "x.md"), "x.md")
    except HeaderError as exc:
        assert exc.problems and all(p.path == "x.md" for p in exc.problems)
