"""`mkdocs serve --dirty` as editors run it: a real server, files changed under it, pages fetched."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
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
        try:
            with urllib.request.urlopen(self.base + path, timeout=10) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""

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
