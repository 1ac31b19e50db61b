"""The 台账 (工作手册) of one branch for a year or a quarter, as a Word document (python-docx).

Contents, in order: a cover (branch, brand and mark, year, 书记, 党员人数, build date), a table of contents
(a Word field, filled in when the file is opened), the brand profile, the plan with each entry's status
(`worklog`), the register as a table, then each activity in date order with its record, its news text and
its photos (reduced for print) with captions, and the compliance summary per rule. A4 portrait, page
numbers, 宋体 body and 黑体 headings declared for East Asian text, so Word and WPS show them alike.

What goes in: records all; news items only as the public edition publishes them (no drafts, nothing
unreviewed), as the review judges them. Photos come from a `PhotoSource`: the renditions a build made
(`photo_from_renditions`), or the originals reduced here (`photo_from_files`, for `branches ledger`).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from .dates import display_date
from .model import Branch, MeetingRecord, NewsItem, PlannedActivity
from .periods import period_display, period_kind
from .rules import Meeting, PeriodResult, Review, pair
from .worklog import UNPLANNED, Worklog, worklog

if TYPE_CHECKING:
    from .images import Processed

PhotoSource = Callable[[str], bytes | None]  # a content path (`jg1/news/x/01.jpg`) → JPEG or PNG bytes
LEDGER_VERSION = 1  # raise when the document's layout changes: cached documents are made again
PRINT_WIDTH = 960  # pixels: 12 cm at 200 dpi, plenty for a printed photo
_QUARTERS = "一二三四"
HEADINGS = ("一、支部品牌", "二、组织生活计划", "三、会议记录", "四、活动纪实", "五、组织生活达标情况")
REGISTER_COLUMNS = ("日期", "活动类型", "主题", "主持人", "记录人", "应到", "实到", "缺席")
PLAN_COLUMNS = ("月份", "活动类型", "主题", "负责人", "状态", "落实情况")
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_MD_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|<[^>]+>|[*_`~]+|\[([^\]]*)\]\([^)]*\)")


@dataclass
class Ledger:
    """Everything the 台账 shows, gathered from one build (`pages.worklog.ledger_of`)."""

    branch: Branch
    year: int
    quarter: int | None
    build_date: dt.date
    log: Worklog
    records: list[MeetingRecord]  # the register of the period, every one
    activities: list[Meeting]  # records and published news of the period, each meeting once
    results: list[PeriodResult]  # compliance of the period's periods
    rules: dict[str, str]  # type → its rule, as the dashboard says it
    logo: str | None
    figures: int = 0

    @classmethod
    def of(
        cls,
        branch: Branch,
        year: int,
        quarter: int | None,
        *,
        review: Review,
        records: Iterable[MeetingRecord],
        meetings: Sequence[Meeting],
        plans: Iterable[PlannedActivity],
    ) -> Ledger:
        """`meetings`: the branch's, paired; `records` and `plans` may hold other branches'."""

        def inside(day: dt.date) -> bool:
            return day.year == year and (quarter is None or (day.month - 1) // 3 + 1 == quarter)

        records = [r for r in records if r.branch_id == branch.id and inside(r.when.date)]
        items = [m.item for m in meetings if m.item and inside(m.day)]
        judged = {t.name for t in review.ruled_types}
        log = worklog(branch.id, year, plans, meetings, judged, review.build_date, quarter)
        results = [
            r for r in review.results if r.branch_id == branch.id and _overlaps(r.period, year, quarter)
        ]
        rules = {t.name: t.rule.display() for t in review.ruled_types if t.rule}
        return cls(
            branch,
            year,
            quarter,
            review.build_date,
            log,
            records,
            pair(items, records),
            results,
            rules,
            branch.logo,
        )

    @property
    def period(self) -> str:
        return f"{self.year}年" + (f"第{_QUARTERS[self.quarter - 1]}季度" if self.quarter else "")

    def photo_paths(self) -> list[str]:
        """Every photo the document shows: the brand's mark, then each news item's photos."""
        paths = [self.logo] if self.logo else []
        return paths + [p.path for m in self.activities if m.item for p in m.item.photos]

    def docx(self, photos: PhotoSource) -> bytes:
        """The Word file; `figures` then says how many photos it shows."""
        writer = _Writer(self, photos)
        data = writer.write()
        self.figures = writer.figures
        return data


def cached(book: Ledger, photos: object, cache: Path | None, make: Callable[[], bytes]) -> bytes:
    """`make()`, or the document made before from the same content and photos (`photos`: what names
    them, such as their renditions), kept in `cache/ledgers/`: most builds change few branches' years."""
    if cache is None:
        return make()
    from .incremental import stamp

    folder = cache / "ledgers"
    prefix = f"{book.branch.id}-{book.year}-{book.quarter or 0}-"
    path = folder / f"{prefix}{stamp(LEDGER_VERSION, book, photos)}.docx"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob(f"{prefix}*.docx"):  # the document as it was before this change
            old.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return data


def _overlaps(label: str, year: int, quarter: int | None) -> bool:
    if label[:4] != f"{year:04d}":
        return False
    if quarter is None:
        return True
    kind = period_kind(label)
    if kind == "month":
        return (int(label[5:]) - 1) // 3 + 1 == quarter
    return kind == "year" or label.endswith(f"Q{quarter}")


# --- photos --------------------------------------------------------------------------------------


def photo_from_renditions(images: Mapping[str, Processed]) -> PhotoSource:
    """A build's own JPEG (or PNG) rendition nearest `PRINT_WIDTH` without going over, read from the cache."""

    def read(path: str) -> bytes | None:
        processed = images.get(path)
        if processed is None:
            return None
        fallbacks = [r for r in processed.renditions if r.mime != "image/webp" and not r.original]
        if not fallbacks:
            return None
        small = [r for r in fallbacks if r.width <= PRINT_WIDTH]
        chosen = max(small, key=lambda r: r.width) if small else min(fallbacks, key=lambda r: r.width)
        try:
            return Path(chosen.path).read_bytes()
        except OSError:
            return None

    return read


def photo_from_files(content_root: Path) -> PhotoSource:
    """The original under `content_root`, turned upright and reduced to `PRINT_WIDTH` (a JPEG); None when
    it cannot be read (the build reports why)."""
    from PIL import Image, ImageOps

    from .images.pipeline import register_heif

    register_heif()

    def read(path: str) -> bytes | None:
        try:
            with Image.open(content_root / path) as img:
                img.draft("RGB", (PRINT_WIDTH, PRINT_WIDTH))  # JPEG: decode at a fraction of the size
                shown = ImageOps.exif_transpose(img).convert("RGB")
            shown.thumbnail((PRINT_WIDTH, PRINT_WIDTH * 2))
            out = io.BytesIO()
            shown.save(out, "JPEG", quality=80)
            return out.getvalue()
        except (OSError, ValueError, Image.DecompressionBombError):
            return None

    return read


# --- the document ---------------------------------------------------------------------------------


def plain_paragraphs(markdown: str) -> list[tuple[str, str]]:
    """A Markdown body as (kind, text) paragraphs: `heading`, `item` (of a list) or `text`; pictures,
    tables, code and raw HTML left out."""
    out: list[tuple[str, str]] = []
    for block in re.split(r"\n\s*\n", markdown):
        block = block.strip()
        if not block or block.startswith(("!", "|", "<", "---", "```")):
            continue
        if block.startswith("#"):
            out.append(("heading", _MD_NOISE.sub(r"\1", block.lstrip("#").strip())))
            continue
        lines = block.splitlines()
        if all(re.match(r"\s*(?:[-*+]|\d+[.)、])\s+", line) for line in lines):
            for line in lines:
                out.append(("item", _MD_NOISE.sub(r"\1", re.sub(r"^\s*(?:[-*+]|\d+[.)、])\s+", "", line))))
            continue
        text = _MD_NOISE.sub(
            lambda m: m.group(1) or "", " ".join(line.strip().lstrip(">").strip() for line in lines)
        )
        if text.strip():
            out.append(("text", text.strip()))
    return out


class _Writer:
    def __init__(self, ledger: Ledger, photos: PhotoSource) -> None:
        import docx

        self.ledger, self.photos = ledger, photos
        self.doc = docx.Document()
        self.figures = 0

    def write(self) -> bytes:
        self._page_setup()
        self._styles()
        self._cover()
        self._contents()
        self._profile()
        self._plan()
        self._register()
        self._activities()
        self._compliance()
        core = self.doc.core_properties
        core.title = f"{self.ledger.branch.name}{self.ledger.period}工作台账"
        core.author = self.ledger.branch.name
        core.created = core.modified = dt.datetime.combine(self.ledger.build_date, dt.time())
        core.revision = 1
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    # --- setup ---

    def _page_setup(self) -> None:
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.3)
        section.different_first_page_header_footer = True  # no number on the cover
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("第 ")
        _field(footer, "PAGE", "1")
        footer.add_run(" 页")
        # Word fills the table of contents in when the file is opened (it asks first; WPS: 引用 → 更新目录).
        settings = self.doc.settings.element
        update = settings.makeelement(_qn("w:updateFields"), {_qn("w:val"): "true"})
        settings.append(update)

    def _styles(self) -> None:
        from docx.shared import Pt, RGBColor

        styles = self.doc.styles
        _fonts(styles["Normal"], "Times New Roman", "宋体", Pt(12))
        for name, size in (("Title", 26), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
            style = styles[name]
            _fonts(style, "Arial", "黑体", Pt(size))
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = name != "Title"
        _fonts(styles["Caption"], "Times New Roman", "宋体", Pt(10.5))
        styles["Caption"].font.color.rgb = RGBColor(0x40, 0x40, 0x40)
        styles["Caption"].font.italic = False
        for name in ("Footer", "TOC Heading"):
            _fonts(styles[name], "Arial", "黑体" if name == "TOC Heading" else "宋体", None)
        lang = (
            styles["Normal"]
            .element.get_or_add_rPr()
            .makeelement(_qn("w:lang"), {_qn("w:val"): "en-US", _qn("w:eastAsia"): "zh-CN"})
        )
        styles["Normal"].element.get_or_add_rPr().append(lang)

    # --- parts ---

    def _cover(self) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
        from docx.shared import Cm, Pt

        ledger, b = self.ledger, self.ledger.branch
        for _ in range(3):
            self.doc.add_paragraph()
        if ledger.logo and (data := self.photos(ledger.logo)):
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run().add_picture(io.BytesIO(data), height=Cm(3.5))
        title = self._para(b.name, "Title")
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        brand = self.doc.add_paragraph()
        brand.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = brand.add_run(f"“{b.brand}”党建品牌")
        run.font.size = Pt(18)
        what = self.doc.add_paragraph()
        what.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = what.add_run(f"{ledger.period}组织生活工作台账")
        run.font.size, run.bold = Pt(22), True
        _east(run, "黑体")
        for _ in range(4):
            self.doc.add_paragraph()
        facts = [
            ("所属党组织", b.parent),
            ("支部书记", b.secretary),
            ("党员人数", f"{b.members} 人" if b.members is not None else ""),
            ("生成日期", display_date(ledger.build_date)),
        ]
        for label, value in facts:
            p = self.doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(f"{label}：").bold = True
            p.add_run(value or "（未填写）")
        self.doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)

    def _contents(self) -> None:
        from docx.enum.text import WD_BREAK

        self._para("目　录", "TOCHeading")
        p = self.doc.add_paragraph()
        _field(p, 'TOC \\o "1-2" \\h \\z \\u', "（目录在 Word 打开时更新；WPS 请点“引用”→“更新目录”）")
        p.add_run().add_break(WD_BREAK.PAGE)

    def _profile(self) -> None:
        b = self.ledger.branch
        self._para(HEADINGS[0], "Heading1")
        lines = [
            ("支部名称", b.name),
            ("品牌名称", b.brand),
            ("品牌口号", b.slogan),
            ("标识释义", b.logo_meaning),
            ("支部类型", b.type),
            ("成立时间", b.founded.display() if b.founded else ""),
            ("共建单位", "、".join(b.partners)),
            ("荣誉", "；".join(h.display() for h in b.honors)),
        ]
        for label, value in lines:
            if value:
                p = self.doc.add_paragraph()
                p.add_run(f"{label}：").bold = True
                p.add_run(value)
        self._text(b.story)

    def _plan(self) -> None:
        log = self.ledger.log
        self._para(HEADINGS[1], "Heading1")
        if not log.entries:
            self.doc.add_paragraph(f"{self.ledger.period}没有提交活动计划。")
        else:
            counts = "，".join(
                f"{s} {log.count(s)} 项" for s in ("已完成", "缺影像", "缺记录", "未开展", "待开展")
            )
            self.doc.add_paragraph(
                f"共 {len(log.entries)} 项计划：{counts}（截至 {display_date(self.ledger.build_date)}）。"
            )
            rows = [
                (
                    period_display(e.plan.month) + (f"{e.plan.day.day}日" if e.plan.day else ""),
                    e.plan.type,
                    e.plan.topic,
                    e.plan.owner,
                    e.status,
                    "、".join(f"{m.day.month}月{m.day.day}日" for m in e.meetings),
                )
                for e in log.entries
            ]
            self._table(PLAN_COLUMNS, rows, (2.2, 2.2, 5.4, 1.8, 1.6, 2.6))
        if log.unplanned:
            self.doc.add_paragraph(
                f"{UNPLANNED}的活动（有频次要求、开展了但计划里没有）："
                + "；".join(_name(m) for m in log.unplanned)
                + "。"
            )

    def _register(self) -> None:
        self._para(HEADINGS[2], "Heading1")
        records = self.ledger.records
        if not records:
            self.doc.add_paragraph("会议记录本里没有这一期间的会议。")
            return
        rows = [
            (
                f"{r.when.date.month}月{r.when.date.day}日",
                r.type,
                r.topic,
                r.host,
                r.recorder,
                "" if r.expected is None else str(r.expected),
                "" if r.present is None else str(r.present),
                r.absent,
            )
            for r in records
        ]
        self._table(REGISTER_COLUMNS, rows, (1.8, 2.0, 4.6, 1.5, 1.5, 1.0, 1.0, 2.4))

    def _activities(self) -> None:
        self._para(HEADINGS[3], "Heading1")
        if not self.ledger.activities:
            self.doc.add_paragraph("这一期间没有活动。")
        for m in self.ledger.activities:
            self._para(_name(m), "Heading2")
            r = m.record
            if r is not None:
                facts = [
                    ("主持人", r.host),
                    ("记录人", r.recorder),
                    ("地点", r.place),
                    ("应到", "" if r.expected is None else f"{r.expected} 人"),
                    ("实到", "" if r.present is None else f"{r.present} 人"),
                    ("缺席", r.absent),
                    ("备注", r.note),
                ]
                p = self.doc.add_paragraph()
                p.add_run("会议记录：").bold = True
                p.add_run("；".join(f"{k}：{v}" for k, v in facts if v) or "（只登记了主题）")
            else:
                p = self.doc.add_paragraph()
                p.add_run("会议记录：").bold = True
                p.add_run("会议记录本里没有登记。")
            if m.item is not None:
                self._news(m.item)

    def _news(self, item: NewsItem) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm

        p = self.doc.add_paragraph()
        p.add_run("新闻报道：").bold = True
        p.add_run(f"《{item.title}》")
        byline = "；".join(
            f"{k}：{v}"
            for k, v in (("作者", item.author), ("摄影", item.photographer), ("审核", item.reviewer))
            if v
        )
        if byline:
            p.add_run(f"（{byline}）")
        self._text(item.body)
        for photo in item.photos:
            data = self.photos(photo.path)
            if data is None:
                continue
            width, height = _size(data)
            picture = self.doc.add_paragraph()
            picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
            picture.paragraph_format.keep_with_next = True
            # 12 cm wide, or 9 cm high for an upright photo: two fit on a page
            if height > width * 0.75:
                picture.add_run().add_picture(io.BytesIO(data), height=Cm(9))
            else:
                picture.add_run().add_picture(io.BytesIO(data), width=Cm(12))
            self.figures += 1
            self._para(
                f"图 {self.figures}　{photo.caption or item.title}", "Caption"
            ).alignment = WD_ALIGN_PARAGRAPH.CENTER

    def _compliance(self) -> None:
        self._para(HEADINGS[4], "Heading1")
        ledger = self.ledger
        self.doc.add_paragraph(
            f"统计截至 {display_date(ledger.build_date)}；新闻和会议记录都算，同一次会议只计一次；"
            "进行中的一期不算未达标。"
        )
        if not ledger.results:
            self.doc.add_paragraph("这一期间没有评定。")
            return
        by_type: dict[str, list[PeriodResult]] = {}
        for r in ledger.results:
            by_type.setdefault(r.type, []).append(r)
        rows = []
        for name, results in by_type.items():
            done = [r for r in results if not r.in_progress]
            unmet = [period_display(r.period) for r in done if not r.met]
            rows.append(
                (
                    name,
                    ledger.rules.get(name, ""),
                    str(len(done)),
                    str(sum(r.met for r in done)),
                    "、".join(unmet) or "无",
                    str(sum(r.count for r in results)),
                    "是" if any(r.in_progress for r in results) else "",
                )
            )
        columns = ("活动类型", "要求", "已评期数", "达标", "未达标的期", "开展次数", "有进行中")
        self._table(columns, rows, (2.4, 2.0, 1.6, 1.4, 4.4, 1.6, 1.6))

    # --- helpers ---

    def _text(self, markdown: str) -> None:
        for kind, text in plain_paragraphs(markdown):
            if kind == "heading":
                self._para(text, "Heading3")
            elif kind == "item":
                self._para(text, "ListBullet")
            else:
                self.doc.add_paragraph(text).paragraph_format.first_line_indent = _chars(2)

    def _para(self, text: str = "", style_id: str = "") -> Any:
        """A paragraph of the style with that id (`Heading1`, `Caption`): python-docx would look a style's
        name up through every style, each time."""
        paragraph = self.doc.add_paragraph()
        if style_id:
            paragraph._p.style = style_id
        if text:
            paragraph.add_run(text)
        return paragraph

    def _table(
        self, columns: Sequence[str], rows: Sequence[Sequence[str]], widths_cm: Sequence[float]
    ) -> None:
        """A bordered table, its header row repeated on every page, written as XML at once (python-docx
        adds a row in time growing with the table)."""
        from docx.oxml import parse_xml

        twips = [round(w * 567) for w in widths_cm]

        def row(values: Sequence[str], head: bool) -> str:
            bold = "<w:b/>" if head else ""
            cells = "".join(
                f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr>{bold}<w:sz w:val="21"/>'
                f'</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
                for w, text in zip(twips, values, strict=True)
            )
            header = '<w:trPr><w:tblHeader w:val="true"/></w:trPr>' if head else ""
            return f"<w:tr>{header}{cells}</w:tr>"

        grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
        xml = (
            f'<w:tbl {_W}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            f'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
            + row(columns, True)
            + "".join(row(values, False) for values in rows)
            + "</w:tbl>"
        )
        body = self.doc.element.body
        body.insert(len(body) - 1, parse_xml(xml))  # before the section's settings, which come last
        self._para()


def _name(m: Meeting) -> str:
    topic = m.record.topic if m.record else m.item.title if m.item else ""
    return f"{m.day.month}月{m.day.day}日　{m.type}：{topic}"


def _size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as img:
        return img.size


def _qn(tag: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(tag))


def _fonts(style: Any, latin: str, east_asian: str, size: Any) -> None:
    """The style's fonts, the East Asian one declared too (python-docx sets only the Latin one)."""
    style.font.name = latin
    if size is not None:
        style.font.size = size
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(_qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(_qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi"):
        fonts.set(_qn(attr), latin)
    fonts.set(_qn("w:eastAsia"), east_asian)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(_qn(theme), None)  # a theme font would win over the names


def _east(run: Any, east_asian: str) -> None:
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(_qn("w:eastAsia"), east_asian)


def _chars(n: int) -> Any:
    from docx.shared import Pt

    return Pt(12 * n)


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, TOC) with the text shown until Word updates it."""
    run = paragraph.add_run()
    element = run._element
    begin = element.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "begin"})
    element.append(begin)
    run = paragraph.add_run()
    text = run._element.makeelement(
        _qn("w:instrText"), {"{http://www.w3.org/XML/1998/namespace}space": "preserve"}
    )
    text.text = f" {instruction} "
    run._element.append(text)
    run = paragraph.add_run()
    run._element.append(run._element.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "separate"}))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._element.append(run._element.makeelement(_qn("w:fldChar"), {_qn("w:fldCharType"): "end"}))
