"""From a Word body to a news item: title, date, type, people, photos with captions and a Markdown body.

Everything guessed is said in `Draft.guesses`, so the editor can check it; what cannot be guessed
(no date, no type, a picture that cannot be saved) is a problem, and all of them are reported at once.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..dates import DateError, When, parse_when
from .markdown import clean, footnotes_markdown, markdown
from .reading import Block, Body, DocxError, Picture, Pictures, Span, Table, Text

# Trailer roles → the content format's keys.
ROLES = {
    **dict.fromkeys(("供稿", "撰稿", "作者", "文字", "文", "通讯员", "记者"), "author"),
    **dict.fromkeys(("摄影", "图片", "图"), "photographer"),
    **dict.fromkeys(("编辑", "责任编辑", "责编"), "editor"),
    **dict.fromkeys(("审核", "初审", "复审", "终审", "审稿"), "reviewer"),
    "来源": "source",
}
KEY_NAMES = {"author": "作者", "photographer": "摄影", "editor": "编辑", "reviewer": "审核", "source": "来源"}
_ROLE = "|".join(sorted(ROLES, key=len, reverse=True))
_ROLE_AT = re.compile(
    rf"(?:^|(?<=[\s|｜/／;；,，、（(【\[]))(?P<roles>(?:{_ROLE})(?:\s*[/／、]\s*(?:{_ROLE}))*)(?:\s*[：:/／|｜]\s*|\s+)"
)
_VALUE_EDGES = " \u3000\t|｜;；,，、（）()【】[]"
_NOT_A_NAME = re.compile(r"[\d。！？!?：:“”\"]")
# What stands where a name would (审核：待定): the role is left empty, not filled with these words.
_PLACEHOLDER = re.compile(
    r"(?:待定|待审核?|待审定|待确认|待补充?|待填写?|未定|未审核?|暂无|暂缺|无|空|略|不详|未知|tbd|n/?a|none"
    r"|[xX×＊*＿_]+|某+|[-—–/／.…·]+)",
    re.IGNORECASE,
)
# Link targets a published page can open; `sanitize` keeps the same schemes.
_WEB = re.compile(r"(?:https?://|mailto:|tel:)\S", re.IGNORECASE)
_WWW = re.compile(r"www\.[\w-]+\.[\w.-]+(?:[/?#]\S*)?", re.IGNORECASE)
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]+:", re.IGNORECASE)  # two letters at least: not a drive (C:)
_CAPTION_START = re.compile(r"^(?:图为|图\s*\d|图[：:]|图片[：:]|[▲△↑]|[（(]图)")
_SENTENCE_END = ("。", "！", "？", "!", "?")
# Other words for an activity type, used only when that type is configured.
ALIASES = {
    "支部党员大会": ("党员大会",),
    "支委会": ("支部委员会", "支委会议"),
    "党小组会": ("党小组会议",),
    "主题党日": ("党日活动",),
    "志愿服务": ("志愿者", "志愿活动"),
    "支部共建": ("共建活动", "联学共建", "结对共建", "党建共建"),
    "理论学习": ("集中学习", "专题学习"),
}
_DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"|(?<![\d.])(?P<y2>(?:19|20)\d\d)\s*(?P<sep>[-./])\s*(?P<m2>\d{1,2})\s*(?P=sep)\s*(?P<d2>\d{1,2})(?![\d.])"
    r"|(?<![\d年.])(?P<m3>\d{1,2})\s*月\s*(?P<d3>\d{1,2})\s*[日号]"
)
_YEAR = re.compile(r"(20\d\d)\s*年")
TITLE_MAX = 60


@dataclass
class Photo:
    data: bytes
    suffix: str  # ".jpg", ".png", …
    caption: str = ""


@dataclass
class Draft:
    title: str
    when: When
    type: str
    people: dict[str, str]  # content-format key (author, photographer, editor, reviewer, source) → names
    photos: list[Photo]
    body: str  # Markdown
    guesses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was left out


def make(body: Body, types: Sequence[str], when: When | None = None, item_type: str | None = None) -> Draft:
    """Raise DocxError with every problem when the item cannot be made."""
    if not any(_texts(body.blocks)) and not any(_pictures(body.blocks)):
        raise DocxError("文档里没有文字，也没有图片。请确认选对了文件，并且稿子已经保存")
    problems: list[str] = []
    guesses: list[str] = []
    notes = list(dict.fromkeys(body.notes))
    title_line = _title(body.blocks, guesses)
    split = _Split(title_line)
    split.blocks(body.blocks)
    if title_line is None:
        problems.append("没有找到标题。请在 Word 里把标题放在第一行，设为“标题”样式，或者居中、加粗，再导入")
    texts = [t.text for t in _texts(body.blocks)]
    if when is None:
        when = _date(texts, body.saved, guesses)
        if when is None:
            problems.append("稿件里没有找到活动日期（例如“11月15日”）。请加上 --date 2024-11-15 再导入")
    if item_type is None:
        item_type = _type(
            title_line.text if title_line else "", [t.text for t in _texts(split.body)], types, guesses
        )
        if item_type is None:
            problems.append(f"认不出活动类型。请加上 --type 再导入，可用的类型：{'、'.join(types)}")
    photos = _photos(split, problems, notes)
    _local_links([*split.body, *(b for note in body.footnotes for b in note)], notes)
    if body.footnotes:
        guesses.append(
            f"脚注和尾注：共 {len(body.footnotes)} 条，放在正文最后的“注释”里，正文里标着 [1]、[2]……"
        )
        if any(_pictures([b for note in body.footnotes for b in note])):
            notes.append("脚注或尾注里的图片没有导入；需要的话请把图片插入正文")
    if any(key == "reviewer" for key, _ in split.placeholders):
        split.people.pop("reviewer", None)  # one review still to come (终审：待定): not reviewed
    for key, line in split.placeholders:
        if key == "reviewer":
            guesses.append(
                f"审核：稿件里写的是“{line}”，不是审核人的姓名，信息头里的“审核”留空了。"
                "这条新闻要等审核通过、填上审核人姓名后才会发布"
            )
        else:
            guesses.append(f"{KEY_NAMES[key]}：稿件里写的是“{line}”，不是姓名，信息头里留空了，请填上")
    if split.people_lines and split.people:
        names = "、".join(f"{KEY_NAMES[k]} {v}" for k, v in split.people.items())
        guesses.append(f"{names}：取自稿件里的“{'”“'.join(split.people_lines)}”")
        if "reviewer" in split.people:
            guesses.append(
                "稿件里写了审核人，生成网站时这条新闻就会发布；还没审核的话，请先删掉“审核:”后面的名字"
            )
    captioned = [f"第 {n} 张“{p.caption}”" for n, p in enumerate(photos, 1) if p.caption]
    if captioned:
        guesses.append("图片说明：" + "，".join(captioned) + "（取自图片下面的文字）")
    if problems:
        raise DocxError(*problems)
    assert title_line is not None and when is not None and item_type is not None
    text = markdown(split.body)
    if body.footnotes:
        text = f"{text}\n{footnotes_markdown(body.footnotes)}" if text else footnotes_markdown(body.footnotes)
    return Draft(clean(title_line.text), when, item_type, split.people, photos, text, guesses, notes)


def _leaves(blocks: Sequence[Block]) -> Iterator[Text | Pictures]:
    """Every line and picture group, those inside table cells too, in document order."""
    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    yield from _leaves(cell or [])
        else:
            yield block


def _texts(blocks: Sequence[Block]) -> Iterator[Text]:
    return (b for b in _leaves(blocks) if isinstance(b, Text))


def _pictures(blocks: Sequence[Block]) -> Iterator[Picture]:
    return (p for b in _leaves(blocks) if isinstance(b, Pictures) for p in b.items)


def _title(blocks: list[Block], guesses: list[str]) -> Text | None:
    """The Title-style paragraph; else the first short heading, centred or bold line at the top."""
    lines = [b for b in blocks if isinstance(b, Text)]
    for line in lines:
        if line.style == "title":
            return line
    top = []
    for line in lines:
        if len(clean(line.text)) > TITLE_MAX:
            break
        top.append(line)
    for line in top:
        if (line.style == "heading" or line.centred or line.bold) and people_line(line.text) is None:
            return line
    if top:
        guesses.append("标题：稿件里没有居中或加粗的标题，用了第一行")
        return top[0]
    return None


def people_line(text: str) -> list[tuple[str, str]] | None:
    """`供稿：王芳  摄影：赵强` → [("author", "王芳"), ("photographer", "赵强")]; None if the line is anything else."""
    line = clean(text).strip("（）()【】[]")
    found = list(_ROLE_AT.finditer(line))
    if not found or found[0].start() != 0:
        return None
    pairs = []
    for m, after in zip(found, [*found[1:], None], strict=True):
        value = line[m.end() : after.start() if after else len(line)].strip(_VALUE_EDGES)
        if len(value) > 30 or _NOT_A_NAME.search(value):
            return None
        parts = [p for p in re.split(r"[\s、，,;；]+", value) if p]
        # "李  明": a two-character name spaced out to line up with three-character ones
        names = "".join(parts) if all(len(p) == 1 for p in parts) else "、".join(parts)
        pairs += [(ROLES[role], names) for role in re.split(r"\s*[/／、]\s*", m["roles"])]
    return pairs


def _is_caption(line: Text) -> bool:
    text = clean(line.text)
    if line.style == "caption" or _CAPTION_START.match(text):
        return True
    if line.style or line.list_kind:
        return False
    if line.centred and len(text) <= 100:
        return True
    return len(text) <= 30 and not line.indented and not text.endswith(_SENTENCE_END)


class _Split:
    """Sorts the blocks into the body, the photos (with their captions) and the people of the trailer."""

    def __init__(self, title: Text | None) -> None:
        self.title = title
        self.body: list[Block] = []
        self.photos: list[Picture] = []
        self.captions: dict[int, str] = {}  # index in photos → caption
        self.people: dict[str, str] = {}
        self.people_lines: list[str] = []
        self.placeholders: list[tuple[str, str]] = []  # (key, line): a role written with no name (审核：待定)
        self.waiting: list[int] = []  # photos just above, still without a caption

    def blocks(self, blocks: list[Block]) -> None:
        for block in blocks:
            if block is self.title:
                continue
            if isinstance(block, Pictures):
                self.waiting = [self._add(p) for p in block.items]
            elif isinstance(block, Table) and any(_pictures([block])):
                self.waiting = self._photo_table(block)
            elif isinstance(block, Table):
                self.body.append(block)
                self.waiting = []
            else:
                self._line(block)

    def _line(self, line: Text) -> None:
        waiting, self.waiting = self.waiting, []
        text = clean(line.text)
        if waiting and _CAPTION_START.match(text):
            self._caption(waiting, text)
        elif not line.style and not line.list_kind and (pairs := people_line(text)):
            named = False
            for key, names in pairs:
                real = [n for n in names.split("、") if n and not _PLACEHOLDER.fullmatch(n)]
                named = named or bool(real)
                if len(real) < len(names.split("、")) and (key, text) not in self.placeholders:
                    self.placeholders.append((key, text))
                known = self.people.get(key, "")
                for name in real:
                    if name not in known.split("、"):
                        known = f"{known}、{name}" if known else name
                if known:
                    self.people[key] = known
            if named:
                self.people_lines.append(text)
        elif waiting and _is_caption(line):
            self._caption(waiting, text)
        else:
            self.body.append(line)

    def _add(self, picture: Picture) -> int:
        self.photos.append(picture)
        return len(self.photos) - 1

    def _caption(self, numbers: list[int], text: str) -> None:
        for n in numbers:
            self.captions[n] = text.lstrip("▲△↑ ")

    def _photo_table(self, table: Table) -> list[int]:
        """Photos side by side in a table: a caption is the text under the picture in its cell, or the
        cell below. Other text in the table stays in the body. Returns the photos still without a caption."""
        used: set[int] = set()
        uncaptioned = []
        for i, row in enumerate(table.rows):
            for j, cell in enumerate(row):
                if not cell or id(cell) in used:
                    continue
                numbers: list[int] = []
                for block in cell:
                    if isinstance(block, Pictures):
                        numbers += [self._add(p) for p in block.items]
                    elif isinstance(block, Text) and numbers and not any(n in self.captions for n in numbers):
                        self._caption(numbers, clean(block.text))
                    elif isinstance(block, Text):
                        self.body.append(block)
                below = (
                    table.rows[i + 1][j] if i + 1 < len(table.rows) and j < len(table.rows[i + 1]) else None
                )
                text = " ".join(clean(t.text) for t in _texts(below or [])) if below else ""
                if (
                    numbers
                    and not any(n in self.captions for n in numbers)
                    and text
                    and not any(_pictures(below or []))
                ):
                    self._caption(numbers, text)
                    used.add(id(below))
                uncaptioned += [n for n in numbers if n not in self.captions]
        return uncaptioned


def _local_links(blocks: Sequence[Block], notes: list[str]) -> None:
    """Links a published page cannot open (a file on the author's computer, a shared folder, an
    attachment next to the draft) become their text, each named in a note; `www.…` gets its `http://`."""
    for line in _texts(blocks):
        runs: list[list[Span]] = []
        for span in line.spans:
            if runs and runs[-1][0].url == span.url:
                runs[-1].append(span)
            else:
                runs.append([span])
        for run in runs:
            url = run[0].url.strip()
            if not url or _WEB.match(url):
                continue
            if _WWW.fullmatch(url):
                for span in run:
                    span.url = f"http://{url}"
                continue
            for span in run:
                span.url = ""
            text = clean("".join(s.text for s in run))
            how = ""
            if url.startswith("#"):
                where = "链接到稿件里的另一处（书签），网站上没有这个位置"
            elif _SCHEME.match(url) and not url.lower().startswith("file:"):
                where = f"的地址“{url}”不是网址，网站上打不开"
            else:
                where = f"链接到作者电脑或单位内网上的文件“{url}”，网站上打不开"
                how = "。附件请先放到学院网站等网上，再在新闻里把这几个字链接到它的网址（https://…）"
            if text:
                notes.append(f"正文里的链接“{text}”{where}，已改成普通文字{how}")


def _date(texts: list[str], saved: list[dt.datetime], guesses: list[str]) -> When | None:
    """The first date written in the text; a date without a year takes the year from the text, then
    from when the document was saved (an event is reported after it happened)."""
    found = []
    for text in texts:
        for m in _DATE.finditer(unicodedata.normalize("NFKC", text)):
            year = m["y"] or m["y2"]
            month, day = int(m["m"] or m["m2"] or m["m3"]), int(m["d"] or m["d2"] or m["d3"])
            try:
                dt.date(int(year or 2000), month, day)  # skip what is no date (13月40日); 2000 allows 2月29日
            except ValueError:
                continue
            found.append((int(year) if year else None, month, day, m[0]))
    if not found:
        return None
    year, month, day, written = found[0]
    how = f"取自稿件里的“{written}”"
    if year is None:
        years = {y for y, *_ in found if y} or {
            int(y) for text in texts for y in _YEAR.findall(unicodedata.normalize("NFKC", text))
        }
        if len(years) == 1:
            year = years.pop()
            how = f"稿件里写的是“{written}”，年份取自稿件里写的 {year} 年"
        elif saved:
            year = saved[0].year if (month, day) <= (saved[0].month, saved[0].day) else saved[0].year - 1
            how = f"稿件里写的是“{written}”，年份按文档的保存时间（{saved[0]:%Y-%m-%d}）推断"
        else:
            return None
    try:
        when = parse_when(f"{year}-{month}-{day}")
    except DateError:
        return None
    guesses.append(f"日期 {when.date.isoformat()}：{how}")
    return when


def _type(title: str, body: list[str], types: Sequence[str], guesses: list[str]) -> str | None:
    """The type named in the title (the first one there), else the one the body names most often."""
    words = {name: name for name in types if name != "其他"}
    words |= {alias: name for name in words.copy() for alias in ALIASES.get(name, ())}
    if not words:
        return None
    pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    if m := pattern.search(title):
        guesses.append(f"活动类型 {words[m[0]]}：标题里有“{m[0]}”")
        return words[m[0]]
    counts = Counter(words[m[0]] for text in body for m in pattern.finditer(text))
    if not counts:
        return None
    (name, count), *others = counts.most_common()
    also = f"（也提到了 {'、'.join(n for n, _ in others)}）" if others else ""
    guesses.append(f"活动类型 {name}：正文里提到了 {count} 次{also}")
    return name


def metafile_renderer() -> Callable[..., Any] | None:
    """`metafile_render.render_metafile` when the optional converter is installed (pip extra `metafile`)."""
    try:
        from metafile_render import render_metafile
    except ImportError:
        return None
    return render_metafile


def _photos(split: _Split, problems: list[str], notes: list[str]) -> list[Photo]:
    photos: list[Photo] = []
    seen: dict[str, int] = {}
    for n, picture in enumerate(split.photos, 1):
        caption = split.captions.get(n - 1, "")
        where = f"第 {n} 张图片" + (f"（说明“{caption}”）" if caption else "")
        if picture.linked:
            problems.append(
                f"{where}没有嵌在文档里，只是链接到作者电脑上的 {picture.name}。"
                "请在 Word 里删掉它，用“插入”→“图片”重新插入这张照片，保存后再导入"
            )
            continue
        digest = hashlib.sha256(picture.data).hexdigest()
        if digest in seen:
            notes.append(f"{where}和第 {seen[digest]} 张是同一张图片，只保留了一张")
            continue
        seen[digest] = n
        try:
            suffix, data, note = _saveable(picture.data)
        except ValueError as exc:
            problems.append(f"{where}{exc}")
            continue
        if note:
            notes.append(f"{where}{note}")
        photos.append(Photo(data, suffix, caption))
    return photos


RE_INSERT = "请在 Word 里右键这张图片，选“另存为图片”，存成 JPG 或 PNG，再把它重新插入稿子"


def _saveable(data: bytes) -> tuple[str, bytes, str]:
    """(suffix, bytes, note): photos keep their bytes; BMP/TIFF become PNG (lossless), EMF/WMF are rendered
    to PNG when the optional converter is installed."""
    if data[:2] == b"\x1f\x8b":  # .emz / .wmz: a compressed metafile
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            raise ValueError(f"已损坏。{RE_INSERT}") from None
    kind = _kind(data)
    if kind in ("jpg", "png", "gif", "webp"):
        return f".{kind}", data, ""
    if kind in ("bmp", "tiff"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as image:
                out = io.BytesIO()
                image.convert("RGBA" if "A" in image.getbands() else "RGB").save(out, "PNG")
        except (OSError, UnidentifiedImageError, ValueError):
            raise ValueError(f"已损坏。{RE_INSERT}") from None
        return ".png", out.getvalue(), f"是 {kind.upper()} 格式，已无损转成 PNG"
    if kind in ("emf", "wmf"):
        render = metafile_renderer()
        if render is None:
            raise ValueError(
                f"是 {kind.upper()} 格式（Word 里的矢量图），网站不能显示，也没有装转换组件。"
                f"{RE_INSERT}；或者请网站管理员安装转换组件（pip install metafile-render）后重新导入"
            )
        try:
            result = render(data, output_format="png")
        except Exception as exc:  # an optional third-party converter: any failure is this picture's problem
            raise ValueError(f"是 {kind.upper()} 格式，转换成 PNG 时失败（{exc}）。{RE_INSERT}") from None
        partial = "，有部分内容没能画出来，请打开看一看" if result.partial else ""
        return ".png", result.data, f"是 {kind.upper()} 格式，已转成 PNG{partial}"
    raise ValueError(f"的格式认不出来（不是 JPG、PNG、GIF 这些常见的图片格式）。{RE_INSERT}")


def _kind(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:2] == b"BM":
        return "bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] == b"\x01\x00\x00\x00" and data[40:44] == b" EMF":
        return "emf"
    if data[:4] == b"\xd7\xcd\xc6\x9a" or (
        data[:2] in (b"\x01\x00", b"\x02\x00") and data[2:4] == b"\x09\x00"
    ):
        return "wmf"
    return ""
