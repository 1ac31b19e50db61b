"""The reviewers' edition from disk: a built site that works opened as files (file://) and served alike.

`publish --internal` runs `make_offline` over the built folder before it is swapped in. Two things stop a
site from working from disk, and both are fixed here, after the build, so that the pages, the plugin's
URLs and `serve --dirty` keep their directory addresses:

- Links name folders (`branches/jg1/`); a browser shows a folder listing for `file://…/jg1/`. Every
  relative `href` in the HTML that leads to a folder with an `index.html` gets `index.html` added
  (`../..` → `../../index.html`, `x/#a` → `x/index.html#a`). A web server serves those addresses too.
- Pagefind loads as a module with WebAssembly, which browsers refuse from `file://`. Beside it, the index
  is written again as classic scripts (`pagefind/offline/`: `index.js` with the word list, then the pages
  in files of about `CHUNK_BYTES`), which `offline-search.js` loads with `<script>` tags when the page is
  a file; served over HTTP, search.js keeps Pagefind. The offline index is made from Pagefind's own
  fragments: the same pages, text, meta and filters, and its Chinese words (a zero-width space at every
  break), so a query is split and matched as in the served search.

Measured (scripts/bench_offline.py, Chromium, from disk): the demo's 310 pages 0.7 MB in 2 files; 3,000
generated items 6.7 MB in 7 files, the first search of a visit (loading it all) 0.35 s, the next ones
25–50 ms, 26 MB of JavaScript heap. Above `MAX_TEXT_BYTES` of page text no page files are written and the
search box says why (`TOO_LARGE`); the guide says so too.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from rjsmin import jsmin

from .search import _SIGNATURE, _SORT_DATE, BUCKETS, BUNDLE, WORDS

DATED_ZIP = "<dated>"  # `publish --zip` without a name: see zip_name
FOLDER = f"{BUNDLE}/offline"  # the classic-script index, beside Pagefind's
ENGINE = "assets/branches/offline-search.js"
SOURCE = Path(__file__).parent / "assets" / "offline-search.js"
CHUNK_BYTES = 1_000_000  # page text per file: a few files load in parallel, none is huge
MAX_TEXT_BYTES = 32_000_000  # about 10,000 items: their first search from disk would take seconds
TOO_LARGE = "网站内容太多，从本地文件打开时不能搜索。请把网站放到服务器上（或在网站文件夹里运行 python -m http.server）后再搜索。"
_HREF = re.compile(r'(<[A-Za-z][^<>]*?\shref=")([^"]*)(")')  # in a tag: text in <code> has &lt;
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_BEIJING = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Offline:
    files: int  # HTML files read
    links: int  # links that now name their index.html
    pages: int  # pages in the offline search index (0: no index, or the site is too large)
    index_bytes: int  # the offline index on disk


def built_at(source_date_epoch: str | None = None) -> dt.datetime:
    """Now in Beijing time, or `SOURCE_DATE_EPOCH` (as periods.build_date reads it), to the minute."""
    when = (
        dt.datetime.fromtimestamp(int(source_date_epoch), _BEIJING)
        if source_date_epoch
        else dt.datetime.now(_BEIJING)
    )
    return when.replace(second=0, microsecond=0)


def built_label(when: dt.datetime) -> str:
    """What every page of the edition says: 生成于 2026年5月3日 14:05."""
    return f"生成于 {when.year}年{when.month}月{when.day}日 {when:%H:%M}"


def zip_name(internal: bool, when: dt.datetime) -> str:
    """The zip's name when `--zip` names none: the edition and the day it was built."""
    return f"{'内部审阅版' if internal else '网站'}-{when:%Y-%m-%d}.zip"


def make_offline(site: Path) -> Offline:
    """Makes the built `site` work from disk: links to folders name their index.html, and search has an
    index loaded by classic scripts (when the site has Pagefind's)."""
    files, links = rewrite_links(site)
    pages, size = write_search_index(site)
    return Offline(files, links, pages, size)


def rewrite_links(site: Path) -> tuple[int, int]:
    """Every relative link to a folder holding an index.html names that file; (files, links changed)."""
    root = site.resolve()
    folders: dict[str, bool] = {}
    changed = 0

    def fix(match: re.Match[str], *, base: str) -> str:
        nonlocal changed
        href = match.group(2)
        if not href or href[0] in "#/?" or _SCHEME.match(href):
            return match.group(0)
        cut = min((i for i in (href.find("#"), href.find("?")) if i >= 0), default=len(href))
        path, rest = href[:cut], href[cut:]
        target = os.path.normpath(os.path.join(base, unquote(path)))
        if target not in folders:
            inside = target == str(root) or target.startswith(str(root) + os.sep)
            folders[target] = inside and os.path.isfile(os.path.join(target, "index.html"))
        if not folders[target]:
            return match.group(0)
        changed += 1
        return f"{match.group(1)}{path}{'' if path.endswith('/') else '/'}index.html{rest}{match.group(3)}"

    pages = sorted(root.rglob("*.html"))
    for page in pages:
        text = page.read_text(encoding="utf-8")
        base = str(page.parent)
        new = _HREF.sub(functools.partial(fix, base=base), text)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return len(pages), changed


def write_search_index(site: Path) -> tuple[int, int]:
    """`pagefind/offline/` from Pagefind's fragments, and the script that searches it; (pages, bytes)."""
    bundle = site / BUNDLE
    if not bundle.is_dir():
        return 0, 0  # `search: material`, or no index: the search box is Material's
    records = []
    for path in sorted(bundle.glob("**/fragment/*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_SIGNATURE):
            records.append(json.loads(data[len(_SIGNATURE) :]))
    pages: list[list] = []
    for record in records:
        url = record["url"]
        html = site / unquote(url).lstrip("/")
        html = html / "index.html" if url.endswith("/") else html
        found = _SORT_DATE.search(html.read_bytes()) if html.is_file() else None
        sort = found.group(1).decode() if found else ""
        meta = record.get("meta", {})
        pages.append([url, sort, meta, record.get("filters", {}), record.get("content", "")])
    pages.sort(key=lambda p: (p[1], p[0]), reverse=True)  # newest first: results without a query
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    chunks: list[list[list]] = [[]]
    size = text = 0
    for page in pages:
        length = len(page[4].encode("utf-8"))
        text += length
        if size + length > CHUNK_BYTES and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(page)
        size += length
    large = text > MAX_TEXT_BYTES
    words = [
        (bundle / WORDS / f"{n}.txt").read_text(encoding="utf-8")
        if (bundle / WORDS / f"{n}.txt").is_file()
        else ""
        for n in range(BUCKETS)
    ]
    head = {"chunks": 0 if large else len(chunks), "pages": 0 if large else len(pages), "words": words}
    if large:
        head["unavailable"] = TOO_LARGE
    written = [_script(folder / "index.js", f"__bbOffline.index({_json(head)});")]
    for number, chunk in enumerate([] if large else chunks):
        written.append(_script(folder / f"{number}.js", f"__bbOffline.add({_json(chunk)});"))
    engine = site / ENGINE
    engine.parent.mkdir(parents=True, exist_ok=True)
    written.append(_script(engine, jsmin(SOURCE.read_text(encoding="utf-8"))))
    return (0 if large else len(pages)), sum(written)


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _script(path: Path, text: str) -> int:
    data = text.encode("utf-8")
    path.write_bytes(data)
    return len(data)
