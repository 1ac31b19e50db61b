#!/usr/bin/env python3
"""Write three Word drafts (.docx) like those a 宣传委员 sends, to try `import-docx` on.

Usage:
    python scripts/make_demo_drafts.py [FOLDER]        # default: demo-drafts/

    python -m mkdocs_branches import-docx jg1 demo-drafts

The drafts are made with python-docx, plus raw XML where python-docx cannot (a floating picture, a
field, a bookmark); their photos are small pictures drawn with Pillow. `tests/test_import_docx.py`
imports them into a temporary site and builds it. The helpers below also make the tests' own drafts.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import struct
import sys
from pathlib import Path

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from PIL import Image, ImageDraw

INDENT = "\u3000\u3000"  # how Chinese drafts indent a paragraph: two full-width spaces


def photo(seed: int, fmt: str = "JPEG", size: tuple[int, int] = (96, 64)) -> bytes:
    """A small picture, different for every seed."""
    image = Image.new("RGB", size, (40 + seed * 37 % 200, 90 + seed * 53 % 150, 160 - seed * 29 % 120))
    ImageDraw.Draw(image).ellipse([8, 8, size[0] // 2, size[1] - 8], fill=(230, 200, 40))
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def emf() -> bytes:
    """A minimal Enhanced Metafile: the header, one rectangle, the end record."""
    rect = struct.pack("<II4i", 43, 24, 10, 10, 90, 60)  # EMR_RECTANGLE
    eof = struct.pack("<5I", 14, 20, 0, 16, 20)  # EMR_EOF
    header = struct.pack(
        "<II4i4iIIIIHHIIIiiii",
        *(1, 88),  # EMR_HEADER, its size
        *(0, 0, 100, 70),  # bounds, in device pixels
        *(0, 0, 2646, 1852),  # frame, in 0.01 mm
        *(0x464D4520, 0x10000, 88 + len(rect) + len(eof), 3),  # " EMF", version, bytes, records
        *(1, 0, 0, 0, 0),  # handles, reserved, no description, no palette
        *(1024, 768, 320, 240),  # the reference device: pixels, millimetres
    )
    return header + rect + eof


def new_document(modified: dt.datetime | None = None) -> docx.Document:
    document = docx.Document()
    when = modified or dt.datetime(2024, 11, 16, 9, 30, tzinfo=dt.timezone.utc)
    document.core_properties.created = when - dt.timedelta(days=1)
    document.core_properties.modified = when
    return document


def paragraph(
    container, text: str = "", *, bold: bool = False, centred: bool = False, style: str | None = None
):
    p = container.add_paragraph(style=style)
    if text:
        p.add_run(text).bold = bold or None
    if centred:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def picture(container, data: bytes, *, centred: bool = True, width: float = 8):
    """A paragraph holding one inline picture, in a document or in a table cell (its first paragraph)."""
    cell_start = (
        hasattr(container, "_tc") and len(container.paragraphs) == 1 and not container.paragraphs[0].runs
    )
    p = container.paragraphs[0] if cell_start else container.add_paragraph()
    p.add_run().add_picture(io.BytesIO(data), width=Cm(width))
    if centred:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def float_picture(p) -> None:
    """Make the last inline picture of paragraph `p` a floating one (wp:anchor, square wrapping)."""
    inline = p._p.findall(".//" + qn("wp:inline"))[-1]
    anchor = parse_xml(
        f'<wp:anchor {nsdecls("wp")} distT="0" distB="0" distL="114300" distR="114300" simplePos="0"'
        ' relativeHeight="251658240" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        "</wp:anchor>"
    )
    extent, doc_pr, frame, graphic = (
        inline.find(qn(t)) for t in ("wp:extent", "wp:docPr", "wp:cNvGraphicFramePr", "a:graphic")
    )
    anchor.append(copy.deepcopy(extent))
    anchor.append(parse_xml(f'<wp:wrapSquare {nsdecls("wp")} wrapText="bothSides"/>'))
    for element in (doc_pr, frame, graphic):
        anchor.append(copy.deepcopy(element))
    inline.getparent().replace(inline, anchor)


def field(p, instruction: str, result: str) -> None:
    """A complex field (`HYPERLINK …`, `PAGE`, …): its code, then the result Word shows."""
    for xml in (
        '<w:r {ns}><w:fldChar w:fldCharType="begin"/></w:r>',
        '<w:r {ns}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
        '<w:r {ns}><w:fldChar w:fldCharType="separate"/></w:r>',
        "<w:r {ns}><w:t>{result}</w:t></w:r>",
        '<w:r {ns}><w:fldChar w:fldCharType="end"/></w:r>',
    ):
        p._p.append(parse_xml(xml.format(ns=nsdecls("w"), code=instruction, result=result)))


def bookmark(p, name: str = "_GoBack") -> None:
    """Word's hidden bookmark (where the cursor was), around nothing."""
    p._p.append(parse_xml(f'<w:bookmarkStart {nsdecls("w")} w:id="0" w:name="{name}"/>'))
    p._p.append(parse_xml(f'<w:bookmarkEnd {nsdecls("w")} w:id="0"/>'))


def line_break(p, times: int = 1) -> None:
    for _ in range(times):
        p.add_run().add_break()


# The three drafts: (file name, what its photos are, builder)


def theme_day(folder: Path) -> Path:
    """主题党日: a centred bold title, a date without a year, captions under the photos, a trailer."""
    d = new_document()
    paragraph(d, "管理学院教工第一党支部开展“追寻红色足迹”主题党日活动", bold=True, centred=True)
    paragraph(d)
    p = paragraph(
        d, INDENT + "11月15日下午，管理学院教工第一党支部组织全体党员赴校史馆开展“追寻红色足迹”主题党日活动。"
    )
    p.add_run("支部书记王芳").bold = True
    p.add_run("主持活动，23名党员参加。")
    picture(d, photo(1))
    paragraph(d, "图为党员参观校史馆", centred=True)
    p = paragraph(
        d,
        INDENT
        + "在讲解员的带领下，党员们依次参观了“建校初期”“艰苦创业”“改革发展”三个展区，深入了解学校的红色历史。",
    )
    bookmark(p)
    line_break(p, 2)
    p = picture(d, photo(2, "PNG"))
    line_break(p)
    p.add_run("▲ 全体党员重温入党誓词")
    paragraph(
        d, INDENT + "活动最后，全体党员面向党旗重温入党誓词。大家纷纷表示，要从学校的红色历史中汲取奋进力量。"
    )
    picture(d, photo(3))
    paragraph(
        d,
        INDENT
        + "党员们表示，将以此次主题党日活动为契机，把学习成果转化为立德树人的实际行动，在教学科研岗位上发挥先锋模范作用。",
    )
    paragraph(d)
    paragraph(d, "供稿：王芳  摄影：赵强")
    paragraph(d, "审核：李明").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return save(d, folder / "主题党日新闻稿.docx")


def party_lecture(folder: Path) -> Path:
    """党课: Title and Heading styles, numbered and bulleted lists, a table, a field, no photos."""
    d = new_document(dt.datetime(2024, 6, 21, 8, 0, tzinfo=dt.timezone.utc))
    d.add_heading("教工第二党支部书记讲授专题党课", level=0)
    p = paragraph(
        d,
        INDENT
        + "2024年6月20日，教工第二党支部在管理学院204会议室开展专题党课，支部书记陈立华以“弘扬教育家精神”为题，为全体党员讲授党课。",
    )
    d.add_heading("一、党课主要内容", level=1)
    paragraph(d, "党课围绕三个方面展开：")
    for item in (
        "心有大我、至诚报国的理想信念",
        "言为士则、行为世范的道德情操",
        "启智润心、因材施教的育人智慧",
    ):
        paragraph(d, item, style="List Number")
    d.add_heading("二、学习安排", level=1)
    table = d.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        (("时间", "内容", "负责人"), ("7月", "集中学习", "陈立华"), ("8月", "交流研讨", "刘敏")),
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for item, strong in (("每名党员撰写一篇学习心得", "一篇"), ("结合课程思政开展一次教学研讨", "")):
        p = paragraph(d, style="List Bullet")
        before, _, after = item.partition(strong) if strong else (item, "", "")
        p.add_run(before)
        if strong:
            p.add_run(strong).bold = True
            p.add_run(after)
    p = paragraph(d, INDENT + "党课全文见")
    field(p, 'HYPERLINK "https://www.example.edu.cn/glxy/"', "学院网站")
    p.add_run("。")
    paragraph(d, "撰稿 | 李明    责任编辑：孙丽")
    paragraph(d, "初审：张华  复审：陈立华  终审：王芳")
    return save(d, folder / "专题党课.docx")


def partnership(folder: Path) -> Path:
    """支部共建: a bold title, two photos side by side in a table with captions in the cells below,
    a floating picture, a trailer one role a line with half-width colons."""
    d = new_document(dt.datetime(2024, 5, 10, 2, 0, tzinfo=dt.timezone.utc))
    paragraph(d, "学生第一党支部与桂园社区党委开展支部共建活动", bold=True)
    paragraph(
        d,
        INDENT
        + "5月8日上午，学生第一党支部与桂园社区党委开展“党建引领·共建共享”支部共建活动，这是2024年“我为群众办实事”实践活动的一项内容。",
    )
    table = d.add_table(rows=2, cols=2)
    picture(table.cell(0, 0), photo(4), width=6)
    picture(table.cell(0, 1), photo(5, "PNG"), width=6)
    table.cell(1, 0).text = "图为志愿者为居民测量血压"
    table.cell(1, 1).text = "图为党员与社区工作者座谈"
    p = paragraph(d, INDENT + "活动中，党员志愿者为社区居民提供义诊、政策咨询和手机使用指导，")
    p.add_run().add_picture(io.BytesIO(photo(6)), width=Cm(5))
    float_picture(p)
    p.add_run("受到居民的欢迎。")
    paragraph(d, "活动现场", centred=True)
    paragraph(d, INDENT + "双方表示，将以共建为纽带，推动党建工作与社区治理深度融合。")
    paragraph(d, "文/周敏 图/刘洋")
    paragraph(d, "编辑:孙丽|审核:李明")
    return save(d, folder / "支部共建（定稿）.docx")


def save(document, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


DRAFTS = (theme_day, party_lecture, partnership)


def write_drafts(folder: Path) -> list[Path]:
    return [make(folder) for make in DRAFTS]


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo-drafts")
    for path in write_drafts(target):
        print(path)
