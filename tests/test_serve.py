"""`mkdocs serve --dirty` as editors run it: a real server, files changed under it, pages fetched."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from conftest import SiteProject


class Server:
    def __init__(self, root: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{self.port}"],
            cwd=root,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for(lambda: any("Serving on" in line for line in self.log), "the server to start")
        served = next(line for line in self.log if "Serving on" in line)
        self.base = served.split("Serving on ", 1)[1].strip()  # with site_url's path: /xy/djpp/

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def wait_for(self, condition: Callable[[], bool], what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            assert self.process.poll() is None, "".join(self.log)
            time.sleep(0.1)
        raise AssertionError(f"waited for {what}:\n{''.join(self.log[-30:])}")

    def get(self, path: str) -> tuple[int, str]:
        """Bounded: a server that stops answering fails the test within 10 seconds."""
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def errors(self) -> dict:
        """preview-errors.json: what the banner on every page shows."""
        status, text = self.get("preview-errors.json")
        assert status == 200, status
        return json.loads(text)

    def builds(self) -> int:
        return sum("Reloading browsers" in line for line in self.log)

    def rebuilt(self, after: int) -> Callable[[], bool]:
        return lambda: self.builds() > after or any("Aborted with" in line for line in self.log[after:])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def server(project: SiteProject) -> Iterator[Server]:
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    folder = project.root / "branches/jg1/news/2024-03-13-x"
    folder.mkdir(parents=True)
    Image.new("RGB", (640, 480), "red").save(folder / "01.jpg")
    project.item("jg1", "2024-03-13-x.md", "title: 三月支委会\ntype: 支委会\nreviewer: 王")
    running = Server(project.root)
    yield running
    running.stop()


def test_links_made_and_removed_rebuild_and_loops_do_not_stop_the_server(
    project: SiteProject, server: Server
) -> None:
    folder = project.root / "branches/jg1/news/2024-03-13-x"
    broken = "这是一个快捷方式（链接），它指向的文件不存在"
    before = len(server.log)
    (folder / "02.jpg").symlink_to("nowhere.jpg")
    server.wait_for(lambda: any(broken in line for line in server.log[before:]), "a rebuild naming the link")

    before = len(server.log)
    builds = server.builds()
    (folder / "02.jpg").unlink()
    server.wait_for(lambda: server.builds() > builds, "a rebuild once the link is gone")
    assert not any(broken in line for line in server.log[before:])

    (project.root / "branches/jg1/news/up").symlink_to("..", target_is_directory=True)  # round and round
    builds = server.builds()
    project.item("jg1", "2024-03-13-x.md", "title: 三月支委会（改）\ntype: 支委会\nreviewer: 王")
    server.wait_for(
        lambda: "三月支委会（改）" in server.get("branches/jg1/news/2024-03-13-x/")[1], "the edit"
    )
    assert server.builds() > builds and "Traceback" not in "".join(server.log)


def test_a_deleted_photo_is_no_longer_served(project: SiteProject, server: Server) -> None:
    status, page = server.get("branches/jg1/news/2024-03-13-x/")
    assert status == 200
    renditions = set(re.findall(r'(?:src|srcset)="([^" ]+\.(?:jpg|webp))', page))
    assert renditions and all(server.get(f"branches/jg1/news/2024-03-13-x/{r}")[0] == 200 for r in renditions)
    builds = server.builds()
    (project.root / "branches/jg1/news/2024-03-13-x/01.jpg").unlink()
    server.wait_for(lambda: server.builds() > builds, "a rebuild")
    assert "<picture>" not in server.get("branches/jg1/news/2024-03-13-x/")[1]
    assert [server.get(f"branches/jg1/news/2024-03-13-x/{r}")[0] for r in renditions] == [404] * len(
        renditions
    )


def test_a_ledger_is_made_when_it_is_asked_for(project: SiteProject, server: Server) -> None:
    """Builds in `serve` make no 台账 (pages only link to them; `dirty.Later`): the server makes one when it
    is asked for, from the site as it is then, and again after an edit."""

    def ledger() -> str:
        with urllib.request.urlopen(server.base + "review/worklog/jg1/ledger-2024.docx", timeout=30) as got:
            data = got.read()
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            return docx.read("word/document.xml").decode("utf-8")

    status, page = server.get("review/worklog/jg1/2024/")
    assert status == 200 and "ledger-2024.docx" in page
    assert "三月支委会" in ledger()
    builds = server.builds()
    project.item("jg1", "2024-03-13-x.md", "title: 三月支委会（补记）\ntype: 支委会\nreviewer: 王")
    server.wait_for(lambda: server.builds() > builds, "a rebuild")
    assert "三月支委会（补记）" in ledger()
    assert "Traceback" not in "".join(server.log)


ITEM = "branches/jg1/news/2024-03-13-x.md"
UNKNOWN_TYPE = "title: 三月支委会\ntype: <b>支部委员会议</b>\nreviewer: 王"  # `type` on line 3


def test_content_errors_keep_the_preview_answering_with_the_errors_shown(
    project: SiteProject, server: Server, tmp_path: Path
) -> None:
    """Issue 23 §6: an error no longer makes the server wait for a good build; the browser names it."""
    page = "branches/jg1/news/2024-03-13-x/"
    assert server.errors() == {"errors": 0, "first": []}
    status, html = server.get(page)
    assert status == 200 and 'id="bb-preview-errors"' in html and "preview-errors.json" in html
    assert "内容里没有错误" in server.get("preview-errors/")[1]

    builds = server.builds()
    project.item("jg1", "2024-03-13-x.md", UNKNOWN_TYPE)
    server.wait_for(lambda: server.builds() > builds, "a rebuild with the error", timeout=60)
    listed = server.errors()
    assert listed["errors"] == 1
    assert listed["first"][0]["where"] == f"{ITEM}:3"
    assert "不在允许的列表里" in listed["first"][0]["what"]
    status, errors_page = server.get("preview-errors/")
    assert status == 200 and f"{ITEM}:3" in errors_page and "可用的类型" in errors_page
    assert "&lt;b&gt;支部委员会议&lt;/b&gt;" in errors_page and "<b>支部委员会议</b>" not in errors_page
    # The item is held back; the 404 page answers, with the banner that links to the errors.
    status, missing = server.get(page)
    assert status == 404 and 'id="bb-preview-errors"' in missing and "查看错误清单和改法" in missing
    assert server.get("")[0] == 200
    log = "".join(server.log)
    assert "预览继续" in log and "Aborted" not in log and "appear stuck" not in log

    broken = project.build("-d", str(tmp_path / "built"))  # `build` still refuses the content
    assert broken.returncode != 0 and f"{ITEM}:3" in broken.stderr

    builds = server.builds()
    project.item("jg1", "2024-03-13-x.md", "title: 三月支委会（改好）\ntype: 支委会\nreviewer: 王")
    server.wait_for(lambda: server.builds() > builds, "a rebuild once fixed", timeout=60)
    assert server.errors() == {"errors": 0, "first": []}
    status, html = server.get(page)
    assert status == 200 and "三月支委会（改好）" in html
    assert "内容里没有错误" in server.get("preview-errors/")[1]


def test_serve_starts_on_content_with_errors(project: SiteProject) -> None:
    """Before, the first build's error ended `mkdocs serve`: an editor never got a preview at all."""
    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", UNKNOWN_TYPE)
    project.item("jg1", "2024-03-14-y.md", "title: 另一条\ntype: 支委会\nreviewer: 王")
    running = Server(project.root)
    try:
        assert running.errors()["first"][0]["where"] == f"{ITEM}:3"
        assert "另一条" in running.get("branches/jg1/news/2024-03-14-y/")[1]
        assert running.get("branches/jg1/news/2024-03-13-x/")[0] == 404
    finally:
        running.stop()


@pytest.mark.browser
def test_the_banner_names_the_error_and_goes_when_it_is_fixed(project: SiteProject, browser) -> None:
    """In Chromium: the banner is filled, readable (axe: WCAG 2.1 AA) and escapes what the editor wrote;
    livereload takes it away when the fix is saved."""
    from audit import run_axe

    project.branch("jg1", "name: 支部\nbrand: 品牌")
    project.item("jg1", "2024-03-13-x.md", UNKNOWN_TYPE)
    project.item("jg1", "2024-03-14-y.md", "title: 另一条\ntype: 支委会\nreviewer: 王")
    running = Server(project.root)
    page = browser.new_page()
    try:
        page.goto(running.base + "branches/jg1/news/2024-03-14-y/", timeout=15000)
        banner = page.locator("#bb-preview-errors")
        banner.wait_for(state="visible", timeout=10000)
        text = banner.inner_text()
        assert "内容里有 1 个错误" in text and f"{ITEM}:3" in text and "<b>支部委员会议</b>" in text
        assert banner.locator("b").count() == 0 and banner.get_attribute("role") == "alert"
        assert [v for v in run_axe(page) if "bb-preview-errors" in v["target"]] == []
        banner.get_by_role("link", name="查看错误清单和改法").click()
        page.wait_for_url("**/preview-errors/", timeout=10000)
        assert f"{ITEM}:3" in page.locator("table").inner_text()

        project.item("jg1", "2024-03-13-x.md", "title: 三月支委会\ntype: 支委会\nreviewer: 王")
        page.wait_for_function("() => document.body.innerText.includes('内容里没有错误')", timeout=60000)
        assert page.locator("#bb-preview-errors").is_hidden()
    finally:
        page.close()
        running.stop()


class Asked:
    """What `mkdocs serve`'s build loop offers a watcher: a flag, under a condition, that asks for a rebuild."""

    def __init__(self) -> None:
        self._rebuild_cond = threading.Condition()
        self._want_rebuild = False

    def wait(self, seconds: float) -> bool:
        """Whether a rebuild was asked for within `seconds`; the request is taken, as the build loop does."""
        with self._rebuild_cond:
            asked = self._rebuild_cond.wait_for(lambda: self._want_rebuild, timeout=seconds)
            self._want_rebuild = False
            return asked


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, Asked, object]]:
    from mkdocs_branches.dirty import watch

    folder = tmp_path / "branches"
    (folder / "jg1/news").mkdir(parents=True)
    item = folder / "jg1/news/2024-03-13-x.md"
    item.write_text("---\ntitle: 一\n---\n", encoding="utf-8")
    asked = Asked()
    observer = watch(asked, folder)
    assert observer is not None
    try:
        yield folder, asked, observer
    finally:
        observer.stop()
        observer.join(5)


def test_the_watcher_tells_of_saves_and_links_and_nothing_else(watched) -> None:
    """Native change notices: a save, a link made, a link removed each ask for a rebuild; reading the
    content (as every build does) and a link looping back do not, and nothing is asked while idle."""
    folder, asked, observer = watched
    item = folder / "jg1/news/2024-03-13-x.md"
    assert type(observer).__name__ != "PollingObserverVFS"  # this system has change notices
    assert not asked.wait(1.5)  # idle
    item.write_text("---\ntitle: 二\n---\n", encoding="utf-8")
    assert asked.wait(5)
    (folder / "jg1/news/02.jpg").symlink_to("nowhere.jpg")
    assert asked.wait(5)
    (folder / "jg1/news/02.jpg").unlink()
    assert asked.wait(5)
    (folder / "jg1/news/up").symlink_to("..", target_is_directory=True)  # round and round
    assert asked.wait(5)
    time.sleep(0.3)
    asked.wait(0)
    item.read_text(encoding="utf-8")
    list(os.walk(folder))
    assert not asked.wait(1.5)  # reading is no change, and the loop is not walked
    item.write_text("---\ntitle: 三\n---\n", encoding="utf-8")
    assert asked.wait(5) and observer.is_alive()


def test_the_watcher_looks_behind_links_and_follows_a_linked_folder(tmp_path: Path) -> None:
    """What notices cannot tell: a file changed behind a link to outside the folder, and the content
    folder (a link itself, as in the benchmark's site) pointed elsewhere: the slow look at links sees both."""
    from mkdocs_branches import dirty

    outside = tmp_path / "outside.jpg"
    outside.write_bytes(b"1")
    real, other = tmp_path / "content", tmp_path / "other"
    for base in (real, other):
        (base / "jg1/news").mkdir(parents=True)
    (real / "jg1/news/01.jpg").symlink_to(outside)
    folder = tmp_path / "branches"
    folder.symlink_to(real, target_is_directory=True)
    asked = Asked()
    interval, dirty._Links.interval = dirty._Links.interval, 0.2
    try:
        observer = dirty.watch(asked, folder)
        assert observer is not None
        assert not asked.wait(1)
        (real / "jg1/news/a.md").write_text("改", encoding="utf-8")  # through the linked folder
        assert asked.wait(5)
        time.sleep(0.05)
        outside.write_bytes(b"22")  # behind the link
        assert asked.wait(5)
        folder.unlink()
        folder.symlink_to(other, target_is_directory=True)
        assert asked.wait(5)
        asked.wait(0.5)
        (other / "jg1/news/b.md").write_text("新", encoding="utf-8")
        assert asked.wait(5)
        observer.stop()
        observer.join(5)
    finally:
        dirty._Links.interval = interval
