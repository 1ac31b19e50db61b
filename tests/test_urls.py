"""The core computes URLs without MkDocs: they must be exactly the ones MkDocs computes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url
from mkdocs_branches.urls import relative_url, uri_to_url, url_to_dest

segment = st.sampled_from(["", ".", "..", "a", "b", "x.html", "index.html", "c.d", "新闻"])
path = st.lists(segment, max_size=5).map("/".join) | st.lists(segment, max_size=4).map(
    lambda p: "/" + "/".join(p)
)
uri = st.lists(st.sampled_from(["index", "a", "b-2", "page", "7"]), min_size=1, max_size=4).map(
    lambda parts: "/".join(parts) + ".md"
)


@given(path, path)
def test_relative_url_is_mkdocs(url: str, other: str) -> None:
    assert relative_url(url, other) == get_relative_url(url, other)


@given(uri, st.booleans())
def test_page_urls_are_mkdocs(src_uri: str, directory_urls: bool) -> None:
    file = File(src_uri, src_dir=None, dest_dir="/tmp/site", use_directory_urls=directory_urls)
    assert uri_to_url(src_uri, directory_urls) == file.url
    assert url_to_dest(uri_to_url(src_uri, directory_urls)) == file.dest_uri
