"""The MkDocs side of our outputs: generated pages and data files as `File`s, and `--dirty` rebuilds.

- in `mkdocs build --dirty`, an unchanged page is a `PageFile` that says it is not modified, so MkDocs
  skips it (unless its output is missing);
- in `mkdocs serve --dirty`, where the site folder is a temporary one that only this process writes, an
  unchanged page or file becomes a `KeptFile`: MkDocs still resolves links to it, but makes no `Page`
  for it and neither renders nor copies it. A rebuild then costs what changed, not what exists.

"Unchanged" is decided by `incremental.Tracker` from each output's fingerprint. `watch` is what
`mkdocs serve` watches the content folder with.
"""

from __future__ import annotations

import os
import posixpath
import threading
from collections.abc import Callable, Collection
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import BytecodeCache, Environment, FileSystemLoader
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver, PollingObserverVFS

from .incremental import Fingerprint, Tracker
from .urls import uri_to_url, url_to_dest

log = get_plugin_logger(__name__)


class PageFile(File):
    """A generated page; `modified` is False when its output is already up to date."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


class KeptFile(File):
    """An output an earlier build of this `mkdocs serve` wrote, unchanged since."""

    def is_documentation_page(self) -> bool:
        return False

    def is_modified(self) -> bool:
        return False


class Outputs:
    """Adds our outputs to MkDocs' files, for the life of one process (`mkdocs serve` rebuilds)."""

    def __init__(self) -> None:
        self.tracker = Tracker()
        self.dirty = False  # --dirty: unchanged pages are not rebuilt
        self.keep = False  # serve --dirty: unchanged outputs are not even handed over as pages
        self._kept: dict[str, KeptFile] = {}
        self.later = Later(self.tracker)
        self._queued: dict[str, tuple[str, Callable[[], bytes]]] = {}

    def start(self, dirty: bool, keep: bool, generation: str) -> None:
        self.dirty, self.keep = dirty, keep
        if dirty and not self.tracker.start(generation):
            self._kept.clear()

    def finish(self, config: MkDocsConfig) -> None:
        if not self.dirty:
            return
        gone = self.tracker.finish()
        if not self.keep:
            return
        # serve --dirty never empties its folder: what this process wrote and no longer makes goes now.
        self.later.drop(gone)
        for uri in gone:
            self._kept.pop(uri, None)
            dest = url_to_dest(uri_to_url(uri, config.use_directory_urls)) if uri.endswith(".md") else uri
            with suppress(OSError):
                os.remove(os.path.join(config.site_dir, dest))
        self.later.add(self._queued)
        self._queued = {}

    def page(
        self,
        files: Files,
        config: MkDocsConfig,
        uri: str,
        in_nav: bool,
        fingerprint: Callable[[], Fingerprint],
    ) -> bool:
        """Adds the page at `uri`; False when an unchanged copy was kept instead (nothing to render)."""
        unchanged = self.dirty and self.tracker.unchanged(uri, fingerprint())
        if unchanged and self.keep and not in_nav:
            files.append(self._kept_file(config, uri))
            return False
        level = InclusionLevel.INCLUDED if in_nav else InclusionLevel.NOT_IN_NAV
        file = PageFile.generated(config, uri, content="", inclusion=level)
        assert isinstance(file, PageFile)  # `generated` makes an instance of the class it is called on
        if unchanged:
            file.modified = not os.path.isfile(file.abs_dest_path)
        files.append(file)
        return True

    def hand_written(self, file: File, fingerprint: Callable[[], Fingerprint]) -> None:
        """A hand-written page that also shows generated content: rebuilt when either changes."""
        if self.dirty and not self.tracker.unchanged(file.src_uri, fingerprint()):
            file.content_string = file.content_string  # content held in memory counts as modified

    def data(
        self,
        files: Files,
        config: MkDocsConfig,
        uri: str,
        *,
        path: str | None = None,
        content: Callable[[], bytes] | None = None,
        fingerprint: Callable[[], str | None] = lambda: None,
        later: bool = False,
    ) -> None:
        """A file copied from `path` or made by `content()`; in serve, kept while its fingerprint stays,
        and, when `later` (no page shows it, pages only link to it), made when it is asked for (`Later`)."""
        digest = fingerprint() if self.keep else None
        unchanged = digest is not None and self.tracker.unchanged(uri, digest)
        if digest is not None and later and content is not None:
            files.append(self._kept_file(config, uri))
            # Queued when changed, and when still waiting: made from this build, not from an old one.
            if not unchanged or self.later.pending(uri):
                self._queued[uri] = (os.path.join(config.site_dir, uri), content)
        elif unchanged:
            files.append(self._kept_file(config, uri))
        elif path is not None:
            files.append(File.generated(config, uri, abs_src_path=path))
        elif content is not None:
            files.append(File.generated(config, uri, content=content()))

    def _kept_file(self, config: MkDocsConfig, src_uri: str) -> KeptFile:
        """The same object every rebuild, which saves making 10,000 of them."""
        file = self._kept.get(src_uri)
        if file is None:
            # Made without File.__init__, whose only extra step is normalising `src_uri` through
            # pathlib, which costs more than everything else here; our URIs are normal already.
            file = self._kept[src_uri] = KeptFile.__new__(KeptFile)
            file.src_uri, file.src_dir, file.dest_dir = src_uri, None, config.site_dir
            file.use_directory_urls = config.use_directory_urls
            file.dest_uri = url_to_dest(uri_to_url(src_uri, config.use_directory_urls))
            file.inclusion = InclusionLevel.NOT_IN_NAV
        return file


class Later:
    """In `mkdocs serve`, the files that cost much to make and that no page shows, pages only link to
    them (the 台账 in Word, the review's spreadsheets), are made when they are asked for: a build only
    notes what each would hold now, so an edit shows at once and the first build costs what `mkdocs
    build` costs. `answer` has the preview server make a file before serving it; with a server that cannot
    be asked, they are made after each build, one by one, in the background."""

    def __init__(self, tracker: Tracker) -> None:
        self.tracker = tracker
        self.jobs: dict[str, tuple[str, Callable[[], bytes]]] = {}  # URI → (where, how to make it)
        self.lock = threading.Lock()  # one file made at a time; held while `jobs` changes
        self.eager = False  # made in the background after each build, not when asked for
        self.stopped = False

    def add(self, jobs: dict[str, tuple[str, Callable[[], bytes]]]) -> None:
        """What this build would write (the newest request for a file replaces an older one)."""
        if not jobs or self.stopped:
            return
        with self.lock:
            self.jobs.update(jobs)
        if self.eager:
            threading.Thread(target=self.make_all, name="branches-later", daemon=True).start()

    def pending(self, uri: str) -> bool:
        return uri in self.jobs

    def drop(self, uris: set[str]) -> None:
        with self.lock:
            for uri in uris:
                self.jobs.pop(uri, None)

    def stop(self) -> None:
        """`serve` is ending (its folder goes): nothing more is written."""
        with self.lock:
            self.stopped = True
            self.jobs.clear()

    def make(self, uri: str) -> None:
        """Writes the file at `uri` if it is waiting to be made."""
        with self.lock:
            job = self.jobs.pop(uri, None)
            if job is None:
                return
            dest, content = job
            try:
                data = content()
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                temporary = f"{dest}.{threading.get_ident()}.part"
                with open(temporary, "wb") as out:
                    out.write(data)
                os.replace(temporary, dest)  # a reader never gets half a file
            except Exception as exc:  # a file of the preview: the site itself is built
                self.tracker.forget(uri)
                if not self.stopped:
                    log.warning(f"文件“{uri}”这次没有生成（{exc}），再保存一次任何内容文件就会重试")

    def make_all(self) -> None:
        """Every file waiting (tests; a server that cannot be asked)."""
        for uri in list(self.jobs):
            self.make(uri)
        with self.lock:  # and the one another thread is making
            pass

    def answer(self, server: Any) -> None:
        """Has MkDocs' preview server (`LiveReloadServer`, a WSGI server) make a waiting file when it is
        asked for, before serving it; with another server, they are made in the background."""
        try:
            app, mount = server.get_app(), server.mount_path
        except AttributeError:
            self.eager = True
            threading.Thread(target=self.make_all, name="branches-later", daemon=True).start()
            return

        def serve(environ: dict[str, Any], start_response: Any) -> Any:
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
            if self.jobs and path.startswith(mount):
                self.make(posixpath.normpath("/" + path[len(mount) :]).lstrip("/"))
            return app(environ, start_response)

        server.set_app(serve)


def merge_search_index(search: Any, rebuilt: set[str], alive: set[str]) -> None:
    """Material's search plugin, in a dirty rebuild, merges the new entries into the previous index by
    the first rebuilt page only (and drops everything when that page is the home page). Merge per page
    instead: keep the previous entries of every page that still exists and was not rebuilt."""
    index, previous = getattr(search, "search_index", None), getattr(search, "search_index_prev", None)
    if index is None or previous is None or not hasattr(index, "entries"):
        return
    kept = [
        entry
        for entry in previous.entries
        if (page := entry["location"].split("#", 1)[0]) in alive and page not in rebuilt
    ]
    index.entries = kept + index.entries
    search.search_index_prev = None  # Material then writes `entries` as is


class ThemeListing:
    """Every build, MkDocs lists every file of the theme's folders to find its static files and asks a
    filter about each: Material's thousands of icons make that the largest fixed cost of a `serve`
    rebuild. For the life of one `mkdocs serve`, the listing of folders outside the site (installed
    packages, which do not change while it runs) and the filter's answers are kept; the site's own theme
    folder (`custom_dir`) is listed again every build."""

    def __init__(self) -> None:
        self.listed: dict[str, list[str]] = {}
        self.passes: dict[tuple[object, ...], dict[str, bool]] = {}

    def install(self, theme: Any, root: Path) -> None:
        """Makes `theme.get_env()` give environments whose `list_templates` is this one's; `root` is the
        site's folder."""
        self.root = str(root.resolve())
        get_env = theme.get_env

        def env() -> Environment:
            made = get_env()
            folders = tuple(getattr(made.loader, "searchpath", ()))
            key = (folders, tuple(theme.static_templates))
            made.list_templates = partial(self.list_templates, folders, self.passes.setdefault(key, {}))
            return made

        theme.get_env = env

    def list_templates(
        self,
        folders: tuple[str, ...],
        passes: dict[str, bool],
        extensions: Collection[str] | None = None,
        filter_func: Callable[[str], bool] | None = None,
    ) -> list[str]:
        names: set[str] = set()
        for folder in folders:
            names.update(self._listed(folder))
        if extensions is not None:
            return sorted(n for n in names if "." in n and n.rsplit(".", 1)[1] in extensions)
        if filter_func is None:
            return sorted(names)
        shown = []
        for name in sorted(names):
            ok = passes.get(name)
            if ok is None:
                ok = passes[name] = filter_func(name)
            if ok:
                shown.append(name)
        return shown

    def _listed(self, folder: str) -> list[str]:
        real = os.path.realpath(folder)
        if real == self.root or real.startswith(self.root + os.sep):  # the site's own: may change
            return FileSystemLoader(folder).list_templates()
        if folder not in self.listed:
            self.listed[folder] = FileSystemLoader(folder).list_templates()
        return self.listed[folder]


class MemoryBytecodeCache(BytecodeCache):
    """Compiled templates kept in memory, for the life of one `mkdocs serve`."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


def watch(server: Any, folder: Path) -> BaseObserver | None:
    """Rebuild when anything under `folder` changes, links included, the way MkDocs' watcher asks for a
    rebuild; if the server does not offer that, MkDocs' own watcher is used.

    The system's own change notices (inotify, FSEvents, ReadDirectoryChangesW) tell of a save at once and
    cost nothing while nothing changes; they report a link made or removed as any other file, and do not
    follow links into folders, so a link looping back is harmless. What they cannot see is a change behind
    a link (its target elsewhere) or the content folder, itself a link, pointed elsewhere: `_Links` looks at
    just those every few seconds. Where the system has no such notices, or too few of them for this
    folder, the folder is polled with `lstat` (links as links) every half second instead."""
    if not (hasattr(server, "_rebuild_cond") and hasattr(server, "_want_rebuild")):
        server.watch(str(folder))
        return None
    handler = _Rebuild(server)
    observer: BaseObserver = Observer()
    if isinstance(observer, PollingObserver):  # no change notices on this system
        return _polling(handler, folder)
    links = _Links(handler, folder)
    observer.daemon = True
    try:
        observer.schedule(links, links.real, recursive=True)
        observer.start()
    except OSError:  # out of inotify watches or instances
        return _polling(handler, folder)
    links.observer = observer
    links.start()
    return observer


def _polling(handler: FileSystemEventHandler, folder: Path) -> BaseObserver:
    observer = PollingObserverVFS(os.lstat, os.scandir, polling_interval=0.5)
    observer.schedule(handler, str(folder), recursive=True)
    observer.daemon = True
    observer.start()
    return observer


class _Rebuild(FileSystemEventHandler):
    def __init__(self, server: Any) -> None:
        self.server = server

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:  # a folder's own time changes with every file in it: that event follows
            return
        if event.event_type in ("opened", "closed_no_write"):  # reading is no change (inotify)
            return
        self.rebuild()

    def rebuild(self) -> None:
        condition: threading.Condition = self.server._rebuild_cond
        with condition:
            self.server._want_rebuild = True
            condition.notify_all()


def _state(path: str) -> tuple[object, ...] | None:
    """A link and what it points to, as `stat` sees them; None when the link is gone."""
    try:
        own = os.lstat(path)
        to = os.readlink(path)
    except OSError:
        return None
    try:
        target = os.stat(path)
    except OSError:  # points to nothing, or round in a loop
        return (to, own.st_mtime_ns, None)
    return (to, own.st_mtime_ns, target.st_mtime_ns, target.st_size, target.st_ino)


class _Links(FileSystemEventHandler, threading.Thread):
    """Passes the change notices on, and every `interval` seconds looks behind the links the folder holds
    (found once by a walk that does not follow them, then kept up to date from the notices) and at where
    the folder itself leads. Nothing else is polled; with no links, each look is one `realpath`."""

    interval = 2.0

    def __init__(self, handler: _Rebuild, folder: Path) -> None:
        FileSystemEventHandler.__init__(self)
        threading.Thread.__init__(self, daemon=True, name="branches-links")
        self.handler, self.folder = handler, str(folder)
        self.real = os.path.realpath(self.folder)
        self.observer: BaseObserver | None = None
        self.stopped = threading.Event()  # set by nobody but tests: the thread ends with the observer
        self.lock = threading.Lock()
        self.links: dict[str, tuple[object, ...] | None] = {}
        folders = [self.real]
        while folders:  # one walk, not following links (`scandir` knows them without a `stat` each)
            with suppress(OSError), os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_symlink():
                        self._note(entry.path)
                    elif entry.is_dir():
                        folders.append(entry.path)

    def _note(self, path: str) -> None:
        """Looks behind `path` from now on if it is a link leading out of the folder (or nowhere): what
        a link inside leads to is watched already."""
        with self.lock:
            self.links.pop(path, None)
            if os.path.islink(path):
                real = os.path.realpath(path)
                if not (real == self.real or real.startswith(self.real + os.sep)) or not os.path.exists(path):
                    self.links[path] = _state(path)

    def on_any_event(self, event: FileSystemEvent) -> None:
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path and event.event_type in ("created", "moved", "deleted"):
                self._note(os.fsdecode(path))
        self.handler.on_any_event(event)

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            if self.observer is not None and not self.observer.is_alive():
                return  # `serve` is ending
            if os.path.realpath(self.folder) != self.real:  # the folder is a link, pointed elsewhere
                self._follow()
                continue
            with self.lock:
                links = list(self.links.items())
            changed = False
            for path, was in links:
                now = _state(path)
                if now != was:
                    changed = True
                    with self.lock:
                        if now is None:
                            self.links.pop(path, None)
                        else:
                            self.links[path] = now
            if changed:
                self.handler.rebuild()

    def _follow(self) -> None:
        observer = self.observer
        if observer is None:
            return
        observer.unschedule_all()
        self.real = os.path.realpath(self.folder)
        with suppress(OSError):
            observer.schedule(self, self.real, recursive=True)
        self.handler.rebuild()
