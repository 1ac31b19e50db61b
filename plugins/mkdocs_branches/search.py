"""Site search with Pagefind: what a page gives the index, and the index built from the written site.

A page is indexed when its content is inside `data-pagefind-body` (`mark`): the plugin marks the pages
whose kind is `indexed` and the hand-written pages, and adds each page's facets (what a result shows and
what readers filter and sort by) as empty elements Pagefind reads. Inside a marked page, anything under
`data-search-exclude` (the marker Material's search honours too) is left out.

The index is made by Pagefind's own program (from the `pagefind[extended]` package, whose extended build
segments Chinese), run over the written pages: its command line is its documented interface, it needs no
copy of each page's HTML in this process, and it indexes exactly what readers get. Only the pages of this
build are shown to it (hard links in a staging folder), never stale files left in the site folder, so an
edition's index holds that edition's pages and nothing else. The bundle is written aside and moved in with
its entry file last: a reader who loaded the previous index keeps finding every file it names.

Large sites: Pagefind's search in the browser (1.5) takes time that grows with the square of the pages a
word is on (for each matching page it walks the entries of every matching page), 1–3 s in Chromium for a
word on all of 9,000 pages. The pages are therefore cut into shards of at most `SHARD_PAGES`, by date
(newest first), each indexed by its own Pagefind run (as many at a time as there are cores; one at a time
in the background) into its own bundle: the first into `pagefind/`, the others into `pagefind/shard/N/`,
listed in `pagefind/shards.json`. search.js searches them one after another, newest first, each loaded
(Pagefind's `mergeIndex`) when the search gets to it, and shows each shard's results below the previous
ones: the first results need the first shard only. Pagefind closes an index chunk at about 20,000 word
positions, so a word on most pages of a shard of 3,000 or more fills a chunk of its own: the words that
cost time cost no more bytes when cut, while a rare word costs one chunk (about 20 KB) per shard, and each
shard adds its entry file; measured on 9,000 items, 3 shards cost 10 KB more than one, 8 shards 210 KB.
Pagefind's date sort ranks by position within each index; the shards hold consecutive dates, so results
shown shard by shard are in date order over all of them.

Chinese queries: Pagefind splits a query with the browser's word breaker, which often cuts where the
index did not (党课 → 党 课, while the index holds 党课, so 课 matches nothing there). Next to the index we
write the index's own words (`words/`, by first character); search.js splits a query into those words and
has Pagefind leave the split alone.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

BUNDLE = "pagefind"  # the index's folder in the site
ENTRY = "pagefind-entry.json"  # what pagefind.js reads first; it names every other file of the index
EXCLUDE = "[data-search-exclude]"
LANGUAGE = "zh"
# Pagefind's ready-made interfaces; the site's search box is ours (assets/search.js), so they are dropped.
UNUSED = re.compile(r"^pagefind-(ui|component-ui|modular-ui)\.(js|css)$|^pagefind-highlight\.js$")
# What a shard other than the first needs none of: the first one's program and WebAssembly serve them all.
UNUSED_IN_SHARD = re.compile(r"^pagefind(-worker)?\.js$|^wasm\..*\.pagefind$")
SHARDS = "shards.json"  # the shards after the first, newest first: ["shard/1/", …]; written last
SHARD_FOLDER = "shard"
SHARD_PAGES = 4000  # pages per shard at most; BRANCHES_SEARCH_SHARD_PAGES overrides it (tests)
_SORT_DATE = re.compile(rb'data-pagefind-sort="date:([^"]*)"')
WORDS = "words"  # the index's Chinese words, one file per bucket of first characters
BUCKETS = 64  # a word's file is the code point of its first character modulo this (as in search.js)
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(f"[{_HAN}]{{2,8}}")
_SIGNATURE = b"pagefind_dcd"  # what a decompressed Pagefind file starts with
INSTALL_HINT = (
    '请在网站的 Python 环境里运行：py -m pip install "pagefind[extended]"（macOS、Linux 用 python3 -m pip）'
)


class SearchError(Exception):
    """The index could not be made; the message is for editors, in Chinese."""


@dataclass(frozen=True)
class Facets:
    """Besides a page's text: what its search result shows (`meta`), what readers filter by (`filters`,
    one value each) and sort by (`sort`), and `text` that search finds it by but the page shows elsewhere."""

    meta: dict[str, str] = field(default_factory=dict)
    filters: dict[str, str] = field(default_factory=dict)
    sort: dict[str, str] = field(default_factory=dict)
    text: str = ""


def mark(content: str, facets: Facets | None = None) -> str:
    """The page's content as Pagefind indexes it: inside `data-pagefind-body`, followed by its facets."""
    hidden = ""
    if facets is not None:
        parts = [escape(facets.text)]
        for attribute, values in (
            ("data-pagefind-meta", facets.meta),
            ("data-pagefind-filter", facets.filters),
            ("data-pagefind-sort", facets.sort),
        ):
            parts += [f'<span {attribute}="{escape(f"{k}:{v}")}"></span>' for k, v in values.items() if v]
        hidden = f"<div hidden>{''.join(parts)}</div>"
    return f"<div data-pagefind-body>{content}{hidden}</div>"


def executable() -> str:
    """Pagefind's program: the one in the `pagefind[extended]` package, or PAGEFIND_BINARY_PATH."""
    try:
        from pagefind.service import get_executable

        path = get_executable()
    except (ImportError, OSError):
        path = None
    if path is None or not path.is_file():
        raise SearchError(f"找不到生成搜索索引的 Pagefind 程序。{INSTALL_HINT}")
    return str(path)


@dataclass(frozen=True)
class Indexed:
    pages: int  # as Pagefind counted them
    extended: bool  # False: a Pagefind without Chinese word segmentation


def build_index(
    site_dir: str,
    pages: Iterable[str],
    *,
    background: bool = False,
    started: Callable[[subprocess.Popen[str]], None] = lambda process: None,
) -> Indexed:
    """Indexes `pages` (paths of HTML files under `site_dir`) into `site_dir/pagefind`.

    `background`: at a lower priority, and files of the previous index are kept, so a reader who loaded
    it before the new entry file arrived can still fetch what it names (`serve --dirty`). `started` is
    given each of Pagefind's processes, to stop it."""
    site = Path(site_dir)
    exe = executable()
    shards = shard(site, [page for page in pages if (site / page).is_file()], shard_pages())
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=site.parent) as work:
        runs = []
        for number, members in enumerate(shards):
            staging = Path(work) / f"site-{number}"
            for page in members:
                _link(site / page, staging / page)
            staging.mkdir(exist_ok=True)
            runs.append((staging, Path(work) / f"bundle-{number}"))
        # In the background one run at a time, as with one index: MkDocs' rebuilds keep a core to themselves.
        width = 1 if background else max(1, min(len(runs), os.cpu_count() or 1))
        with ThreadPoolExecutor(width) as pool:
            outputs = list(pool.map(lambda run: _pagefind(exe, run[0], run[1], background, started), runs))
        bundle = Path(work) / BUNDLE
        for number, (_, output) in enumerate(runs):
            for path in list(output.iterdir()):
                if UNUSED.match(path.name) or (number and UNUSED_IN_SHARD.match(path.name)):
                    path.unlink()
            if number:
                (bundle / SHARD_FOLDER).mkdir(exist_ok=True)
            os.replace(output, bundle / _shard_path(number) if number else bundle)
        _write_words(bundle)
        shard_list = [_shard_path(number) + "/" for number in range(1, len(runs))]
        (bundle / SHARDS).write_text(json.dumps(shard_list), encoding="utf-8")
        _install(bundle, site / BUNDLE, keep=background)
    counted = [re.search(r"Indexed (\d+) page", output) for output in outputs]
    return Indexed(
        sum(int(c.group(1)) for c in counted if c), all("(Extended)" in output for output in outputs)
    )


def shard_pages() -> int:
    try:
        return max(1, int(os.environ.get("BRANCHES_SEARCH_SHARD_PAGES", SHARD_PAGES)))
    except ValueError:
        return SHARD_PAGES


def shard(site: Path, pages: list[str], size: int) -> list[list[str]]:
    """`pages` cut into nearly equal shards of at most `size`, of consecutive dates (Pagefind's date sort
    value in the page), newest first; pages without a date go last. Always at least one shard."""
    count = max(1, -(-len(pages) // size))
    if count == 1:
        return [pages]

    def date(page: str) -> bytes:
        found = _SORT_DATE.search((site / page).read_bytes())
        return found.group(1) if found else b""

    ordered = sorted(pages, key=lambda page: (date(page), page), reverse=True)
    return [ordered[len(ordered) * n // count : len(ordered) * (n + 1) // count] for n in range(count)]


def _shard_path(number: int) -> str:
    return f"{SHARD_FOLDER}/{number}"


def _pagefind(
    exe: str,
    staging: Path,
    output: Path,
    background: bool,
    started: Callable[[subprocess.Popen[str]], None],
) -> str:
    """Runs Pagefind over `staging` into `output`; its output, or SearchError."""
    command = [exe, "--site", str(staging), "--output-path", str(output)]
    command += ["--exclude-selectors", EXCLUDE, "--force-language", LANGUAGE]
    options: dict = {}
    if background:
        command, options = _lower_priority(command)
    try:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
            **options,
        )
    except OSError as exc:
        raise SearchError(f"无法运行生成搜索索引的 Pagefind 程序（{exc}）。{INSTALL_HINT}") from None
    started(process)
    text = process.communicate()[0]
    if process.returncode != 0 or not (output / ENTRY).is_file():
        last = " ".join(text.strip().splitlines()[-3:])
        raise SearchError(f"生成搜索索引失败（Pagefind 退出码 {process.returncode}）：{last}")
    return text


def _write_words(bundle: Path) -> None:
    """The index's Chinese words of two or more characters, from Pagefind's own segmentation: it keeps each
    page's text in its fragment with a zero-width space at every word break."""
    words: set[str] = set()
    for path in bundle.glob("**/fragment/*.pf_fragment"):
        data = gzip.decompress(path.read_bytes())
        if data.startswith(_SIGNATURE):
            text = json.loads(data[len(_SIGNATURE) :]).get("content", "")
            for piece in text.split("\u200b"):
                words.update(_WORD.findall(piece))
    buckets: list[list[str]] = [[] for _ in range(BUCKETS)]
    for word in sorted(words):
        buckets[ord(word[0]) % BUCKETS].append(word)
    folder = bundle / WORDS
    folder.mkdir()
    for number, bucket in enumerate(buckets):
        (folder / f"{number}.txt").write_text("\n".join(bucket), encoding="utf-8")


def _link(source: Path, target: Path) -> None:
    """`target` shows `source`'s file: a hard link (instant, no copy), or a copy where links fail."""
    if not source.is_file():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _lower_priority(command: list[str]) -> tuple[list[str], dict]:
    """Runs after the preview is served: MkDocs' next rebuild goes first."""
    if os.name == "nt":
        return command, {"creationflags": getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)}
    nice = shutil.which("nice")
    return ([nice, "-n", "10", *command] if nice else command), {}


def _install(bundle: Path, target: Path, keep: bool) -> None:
    """Moves the new bundle to `target`, the entry files last (the shards', the first one's, then the list
    of shards). Index files are named by their content, so with `keep` the previous ones stay next to the
    new ones (a serve session's folder only grows)."""
    if not keep and target.exists():
        shutil.rmtree(target)
    files = sorted(path for path in bundle.rglob("*") if path.is_file())
    last = [bundle / ENTRY, bundle / SHARDS]
    entries = [path for path in files if path.name == ENTRY and path not in last]
    for path in [p for p in files if p not in entries and p not in last] + entries + last:
        moved = target / path.relative_to(bundle)
        moved.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, moved)


class Indexer:
    """Rebuilds the index in the background, for `serve --dirty`: a rebuild of the site never waits for it.
    Each run is a process of its own (`python -m mkdocs_branches.search`, see `_background`): its Python
    work (finding the shards, linking the pages, the word lists; about 1.5 s of CPU on 9,000 items) would
    otherwise hold the serve process's GIL against MkDocs' rebuilds. A request made while a run is going
    waits for it to end, then the newest request runs."""

    def __init__(self, report: Callable[[Indexed | SearchError], None]) -> None:
        self.report = report
        self._lock = threading.Lock()
        self._pending: tuple[str, list[str]] | None = None
        self._thread: threading.Thread | None = None
        self._process: subprocess.Popen[str] | None = None
        self._closed = False

    def submit(self, site_dir: str, pages: list[str]) -> None:
        with self._lock:
            if self._closed:
                return
            self._pending = (site_dir, pages)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                request, self._pending = self._pending, None
                if request is None:
                    self._thread = None
                    return
            result = self._index(*request)
            with self._lock:
                self._process = None
                if self._closed:
                    self._thread = None
                    return
            self.report(result)

    def _index(self, site_dir: str, pages: list[str]) -> Indexed | SearchError:
        command, options = _lower_priority([sys.executable, "-m", __name__, site_dir])
        try:
            process = subprocess.Popen(
                command,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                encoding="utf-8",
                errors="replace",
                **options,
            )
            assert process.stdin is not None and process.stdout is not None
            with self._lock:
                self._process = process
                closed = self._closed
            if closed:
                _stop(process)
                process.wait()
                return SearchError("生成搜索索引已停止")
            process.stdin.write(json.dumps(pages) + "\n")
            process.stdin.flush()
            output = process.stdout.read()
            process.wait()
            _stop(process)
        except (OSError, ValueError) as exc:  # no Python to run, or stopped meanwhile
            return SearchError(f"生成搜索索引失败（{exc}）")
        lines = output.strip().splitlines()
        try:
            reply = json.loads(lines[-1])
        except (IndexError, ValueError):
            reply = {"error": f"生成搜索索引失败：{' '.join(lines[-3:])}"}
        if "error" in reply:
            return SearchError(reply["error"])
        return Indexed(reply["pages"], reply["extended"])

    def close(self) -> None:
        """Stops a run in progress and drops the waiting request: `serve` is ending."""
        with self._lock:
            self._closed, self._pending, process = True, None, self._process
        if process is not None:
            _stop(process)
        if not self.wait(30) and process is not None:
            process.kill()

    def wait(self, timeout: float | None = None) -> bool:
        """True once no run is going or waiting (tests wait for the index this way)."""
        with self._lock:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        with self._lock:
            return self._thread is None


def _stop(process: subprocess.Popen[str]) -> None:
    """Asks a background run to stop: the end of its input (see `_background`)."""
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass


def _background(site_dir: str) -> None:
    """One background run: the pages as a JSON line on standard input, the result as a JSON line on
    standard output. The end of standard input (the serve process stopping it, or gone) stops Pagefind:
    the run ends with an error, having installed nothing, its temporary files removed."""
    pages = json.loads(sys.stdin.readline())
    processes: list[subprocess.Popen[str]] = []
    stopped = threading.Event()
    lock = threading.Lock()

    def started(process: subprocess.Popen[str]) -> None:
        with lock:
            processes.append(process)
        if stopped.is_set():
            process.terminate()

    def watch() -> None:
        sys.stdin.read()
        stopped.set()
        with lock:
            running = list(processes)
        for process in running:
            process.terminate()

    threading.Thread(target=watch, daemon=True).start()
    try:
        result = build_index(site_dir, pages, background=True, started=started)
        reply: dict = {"pages": result.pages, "extended": result.extended}
    except SearchError as exc:
        reply = {"error": str(exc)}
    except OSError as exc:  # a disk problem, or the session's folder went away
        reply = {"error": f"生成搜索索引失败（{exc}）"}
    print(json.dumps(reply), flush=True)  # ASCII: read the same whatever this console's code page


if __name__ == "__main__":
    _background(sys.argv[1])
