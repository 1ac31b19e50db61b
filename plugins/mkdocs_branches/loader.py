"""Read the content folder into typed records, collecting every problem instead of stopping at the first.

This is the one checking pass: `mkdocs build` and `python -m mkdocs_branches check` both call
`load_content`. It only reads files; it never writes, moves or deletes anything.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any, cast
from urllib.parse import unquote

from . import links, personal, plans, records, safety, schema
from .config import ActivityType
from .dates import DateError, When, split_file_stem
from .errors import Problem, Problems
from .frontmatter import Document, HeaderError, decode, parse
from .model import Branch, Content, Honor, NewsItem, Photo, PlannedActivity
from .urls import photo_uri

BRANCH_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".gif"}
_MARKDOWN_SUFFIXES = ("md", "markdown", "mdown", "mkd")
_MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]" + links.TARGET)


@dataclass(frozen=True)
class Settings:
    content_dir: str = "branches"
    branch_types: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()


def settings_from(content_dir: str, branch_types: list[str], types: list[ActivityType]) -> Settings:
    return Settings(content_dir, tuple(branch_types), tuple(t.name for t in types))


Signature = tuple[int, int, int, int] | None  # (mtime_ns, size, mode, inode) from lstat; None: absent


def signature(path: str) -> Signature:
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return None
    return (st.st_mtime_ns, st.st_size, st.st_mode, st.st_ino)


Read = Branch | NewsItem | tuple[records.Recorded, ...] | tuple[PlannedActivity, ...] | None


@dataclass(frozen=True)
class _Memo:
    settings: Settings
    deps: tuple[tuple[str, Signature], ...]  # every path the reading looked at, as it was then
    problems: tuple[Problem, ...]
    result: Read


# Branch folder or item path → what reading it gave. `mkdocs serve` keeps one across rebuilds, so only
# what changed on disk (the file, its photo folder, an image it names) is read and checked again.
ReadCache = dict[str, _Memo]


def load_content(root: Path, settings: Settings, cache: ReadCache | None = None) -> tuple[Content, Problems]:
    """`root` holds mkdocs.yml; messages name files relative to it."""
    problems = Problems()
    content = Content()
    base = root / settings.content_dir
    if not base.is_dir():
        problems.error(
            settings.content_dir,
            f"找不到内容文件夹“{settings.content_dir}”",
            "请在 mkdocs.yml 旁边建立这个文件夹，每个支部一个子文件夹",
        )
        return content, problems
    reader = _Reader(root, base, settings, problems, {} if cache is None else cache)
    for entry in sorted(base.iterdir()):
        if safety.hidden(entry.name) or entry.name.startswith("_") or not entry.is_dir():
            continue
        branch = reader.branch(entry)
        if branch is None:
            continue
        content.branches[branch.id] = branch
        own: dict[str, NewsItem] = {}
        news = entry / "news"
        if news.is_dir() and reader.inside_dir(news, reader.rel(news)):
            news_dir = str(news)
            for name, is_dir in _entries(news):
                if safety.hidden(name):
                    continue
                if is_dir:
                    reader.stray_news(news / name)
                elif name.endswith(".md"):
                    item = reader.item(branch.id, os.path.join(news_dir, name))
                    if item is not None:
                        content.items.append(item)
                        own[item.slug] = item
                else:
                    reader.not_news(news / name)
        folder = entry / "records"
        if folder.is_dir() and reader.inside_dir(folder, reader.rel(folder)):
            # Linked on every load, not remembered: the item named may have changed or gone.
            linked = (
                records.link(recorded, own, problems) for recorded in reader.meetings(branch.id, folder)
            )
            content.records += records.once((r for r in linked if r is not None), problems)
        folder = entry / "plans"
        if folder.is_dir() and reader.inside_dir(folder, reader.rel(folder)):
            content.plans += reader.plans(branch.id, folder)
    content.records.sort(key=lambda r: r.sort_key)
    content.plans.sort(key=lambda p: p.sort_key)
    for stale in set(reader.cache) - reader.seen:
        del reader.cache[stale]
    _name_clashes(content, settings.content_dir, problems)
    _sync_copies(content, problems)
    return content, problems


def _entries(folder: Path) -> list[tuple[str, bool]]:
    """The names in `folder`, sorted, each with whether it is a folder (or a link to one): one system call
    for the lot where `Path.iterdir` and `is_dir` make one per file (a news folder holds thousands)."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:  # a link round in a loop
                is_dir = False
            found.append((entry.name, is_dir))
    return sorted(found)


# Copies that sync tools and file managers leave: (1), 冲突副本, Syncthing's .sync-conflict-…, Dropbox's and
# Nextcloud's (… conflicted copy …), OneDrive's -DESKTOP-…, Windows' " - 副本", macOS' " copy".
_CONFLICT = re.compile(
    r"^(?P<base>.+?)(?:\s*[(（][^()（）]*(?:冲突|conflict)[^()（）]*[)）]|[-_ .]*冲突副本.*"
    r"|\.sync-conflict-\d{8}-\d{6}(?:-[A-Za-z0-9]+)?|[-_ ]conflict(?:ed)?[-_ ].*)$",
    re.IGNORECASE,
)
_COPY = re.compile(
    r"^(?P<base>.+?)(?:\s*[(（]\s*\d{1,2}\s*[)）]|\s*-?\s*(?:的?副本|copy)(?:\s*[(（]?\d{1,2}[)）]?)?"
    r"|-(?:DESKTOP|LAPTOP)-[A-Z0-9]+)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=1 << 16)  # every build of `serve` asks again for every item
def _copy_of(slug: str) -> tuple[bool, str | None]:
    """Whether `slug` names a sync tool's conflict copy, and the name it is a copy of (None: not a copy)."""
    conflict = _CONFLICT.match(slug)
    match = conflict or _COPY.match(slug)
    return conflict is not None, match["base"].strip() if match else None


def _sync_copies(content: Content, problems: Problems) -> None:
    """News files that look like copies a sync tool left of another one: they would publish it twice."""
    stems = {(i.branch_id, i.slug): i for i in content.items}
    for item in content.items:
        conflict, base = _copy_of(item.slug)
        original = stems.get((item.branch_id, base)) if base is not None else None
        if original is not None and original is not item:
            problems.warning(
                item.source,
                f"这个文件像是同步软件或复制留下的副本，和“{original.source.rsplit('/', 1)[1]}”可能是同一条新闻，会在网站上出现两次",
                "请打开两个文件比较，留下正确的那个，删掉另一个（或移到 branches 以外的地方）；如果确实是两条新闻，请给这个文件改个名字",
            )
        elif conflict:
            problems.warning(
                item.source,
                "文件名里有“冲突副本”（conflict），像是同步软件在两人同时修改时留下的冲突副本",
                "请找到它的原文件比较，留下正确的那个，删掉另一个；如果不是副本，请给这个文件改个名字",
            )


def _name_clashes(content: Content, content_dir: str, problems: Problems) -> None:
    """Photos that would be published under one name (`01.jpg` and `01.png`, `现场.jpg` and `现场.JPG`):
    each is named, whichever edition is built, since the names come from the files."""
    paths = [p for i in content.items for p in (i.cover, *(photo.path for photo in i.photos)) if p]
    paths += [p for b in content.branches.values() for p in (b.logo, *b.images) if p]
    by_name: dict[str, set[str]] = {}
    for path in paths:
        by_name.setdefault(photo_uri(content_dir, path).rsplit(".", 1)[0], set()).add(path)
    for name, same in by_name.items():
        for path in sorted(same) if len(same) > 1 else ():
            others = "”“".join(f"{content_dir}/{p}" for p in sorted(same - {path}))
            problems.error(
                f"{content_dir}/{path}",
                f"这张图片和“{others}”发布后的文件名相同（{name}）",
                "两张图片的文件名只差扩展名或大小写，或转成拼音后相同；请把其中一张改个名字",
            )


@dataclass(frozen=True)
class _TableWords:
    """What the messages about a folder of tables (registers, plans) call its files."""

    subfolder: str
    subfolder_hint: str
    not_table: str
    not_table_hint: str


_REGISTERS = _TableWords(
    "会议记录文件夹里的子文件夹不会被读取",
    "请把记录文件直接放在 records 文件夹里；旧的记录不想用了，请移到 branches 以外的地方",
    "这个文件不是会议记录，没有读取",
    "会议记录请存成 Excel 表格（.xlsx）、CSV（.csv）或 YAML（.yaml）；会议纪要、照片等其他文件请放到 branches 以外的地方",
)
_PLANS = _TableWords(
    "计划文件夹里的子文件夹不会被读取",
    "请把计划文件直接放在 plans 文件夹里；旧的计划不想用了，请移到 branches 以外的地方",
    "这个文件不是活动计划，没有读取",
    "活动计划请存成 Excel 表格（.xlsx）、CSV（.csv）或 YAML（.yaml）；其他文件请放到 branches 以外的地方",
)


class _Reader:
    def __init__(
        self, root: Path, base: Path, settings: Settings, problems: Problems, cache: ReadCache
    ) -> None:
        self.cache = cache
        self.seen: set[str] = set()
        self.deps: list[tuple[str, Signature]] = []
        self.root = root
        self.base = base
        self.real_base = base.resolve()
        self.real_dirs: dict[Path, str] = {base: ""}  # folders known to be inside → real relative path
        self.settings = settings
        self.problems = problems

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def inside(self, path: Path, shown: str, line: int | None = None) -> str | None:
        """Where `path` really is, relative to the content folder; a problem and None if that is
        outside it (through a symlink or `..`)."""
        parent = self.real_dirs.get(path.parent)
        link = safety.is_link(path)
        if parent is not None and path.name not in ("", ".", "..") and not link:
            return f"{parent}/{path.name}" if parent else path.name
        # Slow path: resolve the whole chain once, then remember the folder for its siblings.
        real = safety.resolve(path)
        if real is None:
            self.broken_link(shown, line)
            return None
        if safety.within(real, self.real_base):
            if not link and real != self.real_base:
                self.real_dirs[path.parent] = self._rel_real(real.parent)
            return self._rel_real(real)
        self.problems.error(
            shown,
            "这个路径指向内容文件夹以外的地方",
            f"请把文件复制到“{self.settings.content_dir}”文件夹里面再引用，不要用 .. 或快捷方式（链接）",
            line,
        )
        return None

    def broken_link(self, shown: str, line: int | None = None) -> None:
        self.problems.error(
            shown,
            "这是一个快捷方式（链接），它指向的文件不存在",
            "请删掉这个快捷方式，把文件本身复制到这里",
            line,
        )

    def _rel_real(self, real: Path) -> str:
        rel = real.relative_to(self.real_base).as_posix()
        return "" if rel == "." else rel

    def inside_dir(self, folder: Path, shown: str) -> bool:
        """`inside` for a folder, remembered so the files in it are checked with one `lstat` each."""
        real = self.inside(folder, shown)
        if real is None:
            return False
        self.real_dirs[folder] = real
        return True

    def touch(self, path: Path) -> None:
        """Note that what is being read depends on `path` (its state now, before it is read)."""
        self.deps.append((str(path), signature(str(path))))

    def remembered(self, path: Path | str, read: Callable[[], Read]) -> Read:
        """`read()`, or what it gave last time if no file it looked at has changed since."""
        key = str(path)
        self.seen.add(key)
        memo = self.cache.get(key)
        if memo is not None and memo.settings is not self.settings and memo.settings == self.settings:
            self.settings = memo.settings  # the same: compared by identity from now on
        if (
            memo is not None
            and memo.settings is self.settings
            and all(signature(dep) == was for dep, was in memo.deps)
        ):
            self.problems.items.extend(memo.problems)
            return memo.result
        self.deps, start = [], len(self.problems.items)
        result = read()
        self.cache[key] = _Memo(self.settings, tuple(self.deps), tuple(self.problems.items[start:]), result)
        return result

    def file_bytes(self, path: Path) -> bytes | None:
        """A content file's bytes, noted as looked at; a problem and None if it cannot be read."""
        shown = self.rel(path)
        self.touch(path)
        if not safety.is_file(path):  # a link to nothing, or round in a loop
            self.broken_link(shown)
            return None
        if self.inside(path, shown) is None:
            return None
        try:
            return path.read_bytes()
        except OSError as exc:
            self.problems.error(shown, f"无法读取文件（{exc.strerror}）", "请检查文件是否被其他程序占用")
            return None

    def document(self, path: Path) -> Document | None:
        data = self.file_bytes(path)
        if data is None:
            return None
        shown = self.rel(path)
        try:
            return parse(decode(data, shown), shown)
        except HeaderError as exc:
            self.problems.items.extend(exc.problems)
        return None

    def branch(self, folder: Path) -> Branch | None:
        branch = self.remembered(folder, lambda: self._branch(folder))
        return branch if isinstance(branch, Branch) else None

    def _branch(self, folder: Path) -> Branch | None:
        self.touch(folder)
        shown = self.rel(folder)
        if not self.inside_dir(folder, shown):
            return None
        if not BRANCH_ID.match(folder.name):
            self.problems.error(
                shown,
                f"支部文件夹名“{folder.name}”不能用作支部编号",
                "只能用小写英文字母、数字和减号（-），并以字母或数字开头，例如 jg1、xs-bk2",
            )
            return None
        index = folder / "index.md"
        self.touch(index)
        if safety.is_link(index) and not safety.is_file(index):
            self.broken_link(self.rel(index))
            return None
        if not index.is_file():
            self.problems.error(
                shown,
                "这个支部文件夹里没有 index.md（支部品牌介绍）",
                "请新建 index.md，写上“支部名称”和“品牌名称”，可参考其他支部的 index.md",
            )
            return None
        doc = self.document(index)
        if doc is None:
            return None
        path = self.rel(index)
        values = schema.read_fields(doc.header, schema.BRANCH_FIELDS, path, self.problems)
        self.personal_data(doc, values, path)
        if "name" not in values or "brand" not in values:
            return None
        get = _getter(values)
        branch_type = get("type", "")
        if branch_type:
            schema.listed(
                branch_type, self.settings.branch_types, "支部类型", path, values["type"].line, self.problems
            )
        logo = None
        if "logo" in values:
            logo = self.image_path(folder, get("logo"), path, values["logo"].line)
        return Branch(
            id=folder.name,
            name=get("name"),
            brand=get("brand"),
            source=path,
            slogan=get("slogan", ""),
            logo=logo,
            logo_meaning=get("logo_meaning", ""),
            type=branch_type,
            parent=get("parent", ""),
            secretary=get("secretary", ""),
            members=get("members"),
            founded=get("founded"),
            partners=get("partners", ()),
            honors=get("honors", ()),
            order=get("order"),
            story=doc.body,
            images=tuple(rel for rel, _ in self._body_images(folder, doc.body, path, doc.body_line)),
            links=self._links(folder, doc.body, path, doc.body_line),
            personal_data_checked=get("personal_data_checked", False),
        )

    def item(self, branch_id: str, path: str) -> NewsItem | None:
        """The news item at `path`; made a `Path` only when it has to be read (most are remembered)."""
        item = self.remembered(path, lambda: self._item(branch_id, Path(path)))
        return item if isinstance(item, NewsItem) else None

    def _item(self, branch_id: str, path: Path) -> NewsItem | None:
        doc = self.document(path)
        if doc is None:
            return None
        shown = self.rel(path)
        values = schema.read_fields(doc.header, schema.ITEM_FIELDS, shown, self.problems)
        self.personal_data(doc, values, shown)
        get = _getter(values)
        written = {
            schema.find_field(k, schema.ITEM_FIELDS)
            for k, e in doc.header.items()
            if e.value not in (None, "")
        }
        when = self._when(path.stem, values, shown, any(f is not None and f.name == "date" for f in written))
        item_type = get("type", "")
        types = self.settings.activity_types
        if item_type and not schema.listed(
            item_type, types, "活动类型", shown, values["type"].line, self.problems
        ):
            return None
        if when is None or "title" not in values or "type" not in values:
            return None
        news = path.parent
        photos = self._photos(news, path.stem, values, doc.body, doc.body_line, shown)
        reviewer = get("reviewer", "")
        if reviewer and not schema.names_a_reviewer(reviewer):
            self.problems.warning(
                shown,
                f"“审核”写的是“{reviewer}”，这不是审核人的姓名，这条新闻按还没有审核处理",
                "审核通过后，把它换成审核人的姓名，例如“审核: 张明”；还没有审核就先不写这一行",
                values["reviewer"].line,
            )
            reviewer = ""
        cover = None
        if "cover" in values:
            cover = self.image_path(news, get("cover"), shown, values["cover"].line, news / path.stem)
        return NewsItem(
            branch_id=branch_id,
            slug=path.stem,
            source=shown,
            title=get("title"),
            when=when,
            type=item_type,
            tags=get("tags", ()),
            author=get("author", ""),
            photographer=get("photographer", ""),
            editor=get("editor", ""),
            reviewer=reviewer,
            status=get("status", "published"),
            cover=cover or (photos[0].path if photos else None),
            photos=photos,
            summary=get("summary", ""),
            origin=get("source", ""),
            body=doc.body,
            body_line=doc.body_line,
            links=self._links(news, doc.body, shown, doc.body_line),
            personal_data_checked=get("personal_data_checked", False),
        )

    def personal_data(self, doc: Document, values: dict[str, schema.Value], shown: str) -> None:
        """ID numbers, mobile numbers and rosters in what a file publishes, unless its header says they
        were checked. Drafts and unreviewed items too: they are published later, and `check` and both
        editions then agree."""
        checked = values.get("personal_data_checked")
        if checked is not None and checked.value is True:
            return
        findings = personal.scan(doc.body, doc.body_line)
        for name, value in values.items():
            for text in _public_texts(name, value.value):
                findings += [
                    replace(f, line=personal.locate(f.raw, doc.header_lines, f.line, 2))
                    for f in personal.scan(text, value.line)
                ]
        personal.report(findings, shown, self.problems, "个人信息已核对: 是")

    def not_news(self, path: Path) -> None:
        """A file in `news/` that looks like news but is not read: `X.MD`, `x.markdown`, `x.md.txt`."""
        name = path.name
        stem, _, suffix = name.rpartition(".")
        if suffix.lower() == "txt" and stem.lower().endswith(".md"):
            stem = stem[:-3]
        elif suffix.lower() not in _MARKDOWN_SUFFIXES:
            return
        self.problems.warning(
            self.rel(path),
            "这个文件没有读取：新闻的文件名要以小写的 .md 结尾",
            f"如果这是一条新闻，请把文件名改成“{stem}.md”",
        )

    def stray_news(self, folder: Path) -> None:
        """News files put in a subfolder of `news/` (a photo folder, a folder per year) are not read: say so."""
        self.remembered(folder, lambda: self._stray_news(folder))

    def _stray_news(self, folder: Path) -> None:
        for top, dirs, files in os.walk(folder):  # never into links: no loops
            self.touch(Path(top))
            dirs[:] = sorted(d for d in dirs if not safety.hidden(d))
            for name in sorted(files):
                if not safety.hidden(name) and name.rpartition(".")[2].lower() in _MARKDOWN_SUFFIXES:
                    self.problems.warning(
                        self.rel(Path(top) / name),
                        "这条新闻放在了子文件夹里，没有读取",
                        "新闻文件要直接放在支部的 news 文件夹里（和新闻同名的文件夹里只放照片）；请把它移到 news 文件夹里",
                    )

    def meetings(self, branch_id: str, folder: Path) -> list[records.Recorded]:
        """The meetings in a branch's `records/` folder, file by file."""
        return self._tables(folder, _REGISTERS, lambda path: self._record_file(branch_id, path))

    def plans(self, branch_id: str, folder: Path) -> list[PlannedActivity]:
        """The planned activities in a branch's `plans/` folder, file by file."""
        return self._tables(folder, _PLANS, lambda path: self._plan_file(branch_id, path))

    def _tables(self, folder: Path, words: _TableWords, read: Callable[[Path], tuple[Any, ...]]) -> list[Any]:
        """What `read` finds in each table file of `folder` (remembered per file); a subfolder or a file that
        is no table is named, never read."""
        found: list[Any] = []
        for path in sorted(folder.iterdir()):
            if safety.hidden(path.name):
                continue
            if path.is_dir():
                self.problems.warning(self.rel(path), words.subfolder, words.subfolder_hint)
            elif path.suffix.lower() not in records.SUFFIXES:
                self.problems.warning(self.rel(path), words.not_table, words.not_table_hint)
            else:
                result = self.remembered(path, lambda: read(path))  # noqa: B023 (called here)
                found.extend(result if isinstance(result, tuple) else ())
        return found

    def _plan_file(self, branch_id: str, path: Path) -> tuple[PlannedActivity, ...]:
        data = self.file_bytes(path)
        if data is None:
            return ()
        types = self.settings.activity_types
        return tuple(plans.read(path.suffix, data, self.rel(path), branch_id, types, self.problems))

    def _record_file(self, branch_id: str, path: Path) -> tuple[records.Recorded, ...]:
        data = self.file_bytes(path)
        if data is None:
            return ()
        types = self.settings.activity_types
        return tuple(records.read(path.suffix, data, self.rel(path), branch_id, types, self.problems))

    def _when(self, stem: str, values: dict[str, schema.Value], shown: str, written: bool) -> When | None:
        """The item's date; `written`: the header gives one (reported already if it could not be read)."""
        try:
            name_date, _ = split_file_stem(stem)
        except DateError as exc:
            self.problems.error(
                shown, f"文件名里的{exc}", "文件名要写成 年-月-日-简称.md，例如 2024-03-13-zhiweihui.md"
            )
            return None
        given = values.get("date")
        if given is None and written:
            return None
        if given is None:
            if name_date is None:
                self.problems.error(
                    shown,
                    "不知道这条新闻的日期",
                    "请在信息头加一行“日期: 2024-03-13”，或把文件名改成 2024-03-13-简称.md",
                    1,
                )
                return None
            return When(name_date)
        when = given.value
        if not isinstance(when, When):  # `read_fields` left out a date it could not read
            return None
        if name_date is not None and when.date != name_date:
            self.problems.error(
                shown,
                f"信息头的日期 {when.display()} 和文件名里的日期 {name_date.isoformat()} 不一致",
                "请把两处改成同一天",
                given.line,
            )
            return None
        return when

    def _photos(
        self, news: Path, stem: str, values: dict[str, schema.Value], body: str, body_line: int, shown: str
    ) -> tuple[Photo, ...]:
        photos: list[Photo] = []
        if "photos" in values:
            line = values["photos"].line
            listed = cast("tuple[tuple[str, str], ...]", values["photos"].value)  # see schema.photo_list
            for number, (file, caption) in enumerate(listed, start=1):
                if not file:
                    self.problems.error(
                        shown,
                        f"第 {number} 张图片没有写文件名",
                        "请写成 {file: 2024-03-13-x/01.jpg, caption: 会议现场}（file 也可以写作 文件）",
                        line,
                    )
                    continue
                rel = self.image_path(news, file, shown, line, news / stem)
                if rel:
                    photos.append(Photo(rel, caption))
        else:
            folder = news / stem
            self.touch(folder)
            if folder.is_dir() and self.inside_dir(folder, self.rel(folder)):
                for image in sorted(folder.iterdir()):
                    if image.suffix.lower() not in IMAGE_SUFFIXES or safety.hidden(image.name):
                        continue
                    if not safety.is_file(image):
                        if safety.is_link(image):
                            self.broken_link(self.rel(image))
                        continue  # a folder named like a photo
                    rel = self.inside(image, self.rel(image))
                    if rel is not None:
                        photos.append(Photo(rel))
        known = {p.path: n for n, p in enumerate(photos)}
        for rel, alt in self._body_images(news, body, shown, body_line):
            if rel not in known:
                known[rel] = len(photos)
                photos.append(Photo(rel, alt))
            elif alt and not photos[known[rel]].caption:  # a folder photo the body shows: its own words
                photos[known[rel]] = Photo(rel, alt)
        return tuple(photos)

    def _body_images(self, folder: Path, body: str, shown: str, body_line: int) -> list[tuple[str, str]]:
        """Images a Markdown body shows from the content folder, checked like any other image path."""
        found = []
        for m in _MD_IMAGE.finditer(body):
            src = unquote(m["src"])
            if "://" in src or src.startswith(("data:", "//")):
                continue
            line = body_line + body.count("\n", 0, m.start())
            rel = self.image_path(folder, src, shown, line)
            if rel:
                found.append((rel, m["alt"]))
        return found

    def _links(self, folder: Path, body: str, shown: str, body_line: int) -> tuple[tuple[str, int], ...]:
        """Files of the content folder a Markdown body links to (`[上一次](2024-03-01-x.md)`), as paths
        relative to the site's folder with their lines; a link to nothing there is a problem."""
        found = []
        for written, at in links.targets(body):
            src = unquote(written).split("#", 1)[0].split("?", 1)[0]
            if not src or ":" in src or src.startswith(("/", "//")):
                continue  # an address (https:, mailto:), an anchor, a path from the site's root
            path = Path(os.path.normpath(folder / src))
            if not safety.within(path, self.base):
                continue  # a hand-written page: MkDocs checks those links
            line = body_line + body.count("\n", 0, at)
            self.touch(path)
            if safety.exists(path):
                found.append((self.rel(path), line))
            else:
                self.problems.error(
                    shown,
                    f"正文里链接的“{written}”找不到",
                    "请检查文件名（包括大小写）；链接别的新闻时，写那条新闻的文件名，例如 2024-03-13-zhiweihui.md",
                    line,
                )
        return tuple(found)

    def image_path(
        self, folder: Path, given: str, shown: str, line: int | None, own: Path | None = None
    ) -> str | None:
        """An image path from content → its path relative to the content folder, or a problem. `given` is
        relative to `folder`; a bare file name names a file in `own` (an item's photo folder) first."""
        given = given.replace("\\", "/").strip()
        if (
            own is not None
            and "/" not in given
            and given not in ("", ".", "..")
            and safety.exists(own / given)
        ):
            folder = own
        pure = PurePosixPath(given)
        if pure.is_absolute() or re.match(r"^[a-zA-Z]:", given):
            self.problems.error(
                shown,
                f"图片路径“{given}”是电脑上的绝对路径",
                "请把图片放进新闻的图片文件夹，写相对路径",
                line,
            )
            return None
        path = Path(os.path.normpath(folder / pure))
        self.touch(path)
        if safety.is_link(path) and not safety.is_file(path):
            self.broken_link(shown, line)
            return None
        real = self.inside(path, shown, line)
        if real is None:
            return None
        if not safety.is_file(path):
            self.problems.error(
                shown,
                f"找不到图片“{given}”",
                "请检查文件名（包括大小写和扩展名 .jpg/.png）是否和文件夹里的一致",
                line,
            )
            return None
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            self.problems.error(
                shown,
                f"“{given}”不是支持的图片格式",
                "支持 jpg、jpeg、png、webp、heic、heif、gif",
                line,
            )
            return None
        return real


# Header keys whose values are not text shown on the site (paths, dates, numbers, choices from a list).
_NOT_SHOWN = {"date", "status", "cover", "logo", "type", "members", "order", "founded"}


def _public_texts(name: str, value: object) -> Iterable[str]:
    """The text a header value puts on the site: a photo's caption, not its file; an honour's title."""
    if name in _NOT_SHOWN:
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, Honor):
        yield value.title
    elif isinstance(value, tuple):
        for part in value:
            if name == "photos" and isinstance(part, tuple):
                yield part[1]
            else:
                yield from _public_texts(name, part)


def _getter(values: dict[str, schema.Value]):
    def get(name: str, default: object = None):
        return values[name].value if name in values else default

    return get


def page_links(
    root: Path, docs_dir: Path, uris: Iterable[str], content_dir: str
) -> tuple[list[tuple[str, tuple[tuple[str, int], ...]]], Problems]:
    """Links from hand-written pages (`docs/`, URIs `uris`) into the content folder, in every form: the
    content paths with their lines, page by page, and a problem for each link to nothing there."""
    problems = Problems()
    base = root / content_dir
    found = []
    for uri in uris:
        page = docs_dir / uri
        shown = safety.shown(page, root)
        try:
            text = page.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        links_in_page = []
        for written, at in links.targets(text):
            src = unquote(written).split("#", 1)[0].split("?", 1)[0]
            if not src or ":" in src or src.startswith("/"):
                continue
            path = Path(os.path.normpath(page.parent / src))
            if not safety.within(path, base):
                continue
            line = text.count("\n", 0, at) + 1
            if safety.exists(path):
                links_in_page.append((path.relative_to(root).as_posix(), line))
            else:
                problems.warning(
                    shown,
                    f"链接的“{written}”找不到，这个链接在网站上会变成普通文字",
                    "链接新闻时，写从这个页面到新闻文件的路径，例如 ../branches/jg1/news/2024-03-13-zhiweihui.md；请检查文件名（包括大小写）",
                    line,
                )
        found.append((shown, tuple(links_in_page)))
    return found, problems
