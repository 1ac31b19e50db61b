"""Reading a Word file: what it really is (sniffed from its bytes), then its body as plain blocks in
document order. Nothing here knows about news items.

python-docx opens the package and gives styles, numbering, relationships, table grids and core
properties; the body is walked as XML, because python-docx's own iterators skip floating pictures,
content controls and field results, and cannot tell a field code from the text it shows.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import parse_xml
from docx.table import Table as DocxTable
from lxml.etree import XMLSyntaxError

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


W = {
    n: _q(f"w:{n}")
    for n in [
        "p",
        "tbl",
        "r",
        "t",
        "tab",
        "br",
        "cr",
        "hyperlink",
        "fldChar",
        "instrText",
        "object",
        "txbxContent",
        "footnoteReference",
        "endnoteReference",
    ]
}
W_VAL = _q("w:val")
R_EMBED, R_LINK, R_ID = _q("r:embed"), _q("r:link"), _q("r:id")
A_BLIP, V_IMAGEDATA, MC_FALLBACK, WP_ANCHOR, A_GRAPHIC_DATA = (
    _q("a:blip"),
    _q("v:imagedata"),
    _q("mc:Fallback"),
    _q("wp:anchor"),
    _q("a:graphicData"),
)
MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
NOTE_PARTS = {  # reference tag → (relationship type, the note's tag)
    W["footnoteReference"]: (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes",
        _q("w:footnote"),
    ),
    W["endnoteReference"]: (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes",
        _q("w:endnote"),
    ),
}
# Containers whose content is shown: tracked insertions, content controls, smart tags, simple fields.
_SHOWN = {_q(f"w:{n}") for n in ["ins", "moveTo", "smartTag", "customXml", "sdt", "sdtContent", "fldSimple"]}
_FALSE = {"0", "false", "off", "none"}
OTHER_OFFICE = {"xl/workbook.xml": "这是 Excel 表格", "ppt/presentation.xml": "这是 PPT 演示文稿"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SAVE_AS = "请用 Word 或 WPS 打开它，点“文件”→“另存为”，文件类型选“Word 文档（*.docx）”，再导入另存的文件"
STRICT = "这是“Strict Open XML 文档”格式，请在 Word 里“另存为”→“Word 文档 (*.docx)”再导入"
DAMAGED = (
    "文件不完整或已损坏（可能没有下载或复制完）。请重新复制一份；能在 Word 里打开的话，另存为 .docx 后再导入"
)


class DocxError(Exception):
    """A file that cannot be imported; every message (without the file name) is for editors."""

    def __init__(self, *messages: str) -> None:
        super().__init__(*messages)
        self.messages = list(messages)


@dataclass
class Span:
    text: str
    bold: bool = False
    url: str = ""
    note: int = 0  # a footnote's or endnote's number (1, 2, … in the order referenced); its text is ""


@dataclass
class Text:
    """One line of a Word paragraph (a paragraph is split at its manual line breaks)."""

    spans: list[Span]
    style: str = ""  # "title", "heading", "caption" or ""
    level: int = 0  # heading level (1–9), or list nesting level (0-based)
    list_kind: str = ""  # "bullet", "number" or ""
    centred: bool = False
    indented: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans).strip()

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.spans if s.text.strip())


@dataclass
class Picture:
    data: bytes
    name: str  # the part inside the .docx (/word/media/image3.emf), or the linked file
    linked: bool = False  # only a link to a file on the author's computer: no bytes


@dataclass
class Pictures:
    """Pictures next to each other in one paragraph."""

    items: list[Picture]


@dataclass
class Table:
    rows: list[list[list[Block] | None]]  # None: covered by a merged cell to its left or above


Block = Text | Pictures | Table


@dataclass
class Body:
    blocks: list[Block]
    saved: list[dt.datetime] = field(default_factory=list)  # core properties: modified, then created
    notes: list[str] = field(default_factory=list)  # what was left out, for the editor
    footnotes: list[list[Block]] = field(default_factory=list)  # footnotes and endnotes, by `Span.note` - 1


def sniff(path: Path, data: bytes) -> None:
    """Refuse what is not a .docx, saying what the file really is."""
    suffix = path.suffix.lower()
    if not data:
        raise DocxError("文件是空的（0 字节）。请重新复制一份，或在 Word 里重新保存")
    if data.startswith(OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise DocxError(
                "文件设置了打开密码，无法读取。请在 Word 里打开它，点“文件”→“信息”→“保护文档”→“用密码进行加密”，"
                "清空密码后保存，再导入"
            )
        if suffix == ".wps":
            raise DocxError(f"这是 WPS 文字的旧格式（.wps）。{SAVE_AS}")
        if suffix == ".doc":
            raise DocxError(f"这是旧版 Word 格式（.doc），不能直接导入。{SAVE_AS}")
        raise DocxError(
            f"文件名是 {suffix or '（没有扩展名）'}，内容却是旧版 Word 格式（.doc），可能被改过扩展名。{SAVE_AS}"
        )
    if data.startswith(b"{\\rtf"):
        raise DocxError(f"这是 RTF 格式的文件，不是 .docx。{SAVE_AS}")
    if data.startswith(b"%PDF"):
        raise DocxError("这是 PDF 文件，不是 Word 文档。请导入原来的 Word 稿（.docx）")
    head = data[:4096].lower()
    for marks, what in SAVED_AS_TEXT:
        if any(mark in head for mark in marks):
            raise DocxError(f"{what}，不是 .docx。{SAVE_AS}")
    if not data.startswith(b"PK\x03\x04"):
        raise DocxError(
            "这不是 Word 文档（.docx）。请确认选对了文件；能用 Word 或 WPS 打开的话，就在里面点“文件”→“另存为”，"
            "文件类型选“Word 文档（*.docx）”，再导入另存的文件"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
            kind = _package_kind(archive, names)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise DocxError(DAMAGED) from None
    if bad:
        raise DocxError(DAMAGED)
    if kind:
        raise DocxError(kind)
    if "word/document.xml" not in names:
        what = next((w for part, w in OTHER_OFFICE.items() if part in names), "这是一个压缩包")
        raise DocxError(f"{what}，不是 Word 文档。请导入 Word 稿（.docx）")


# Word's other "Save as" types, known by their first bytes (lower-cased).
SAVED_AS_TEXT = (
    ((b"<pkg:package", b'progid="word.document"'), "这是“Word XML 文档”格式（.xml）"),
    ((b"schemas.microsoft.com/office/word/2003/wordml",), "这是“Word 2003 XML 文档”格式（.xml）"),
    ((b"mime-version:", b"multipart/related"), "这是“单个文件网页”格式（.mht）"),
    ((b"<html", b"<!doctype html"), "这是网页文件（.htm、.html）"),
)
ODF = {
    b"application/vnd.oasis.opendocument.text": f"这是“OpenDocument 文本”格式（.odt），不是 .docx。{SAVE_AS}",
    b"application/vnd.oasis.opendocument.spreadsheet": "这是 OpenDocument 表格（.ods），不是 Word 文档。请导入 Word 稿（.docx）",
    b"application/vnd.oasis.opendocument.presentation": "这是 OpenDocument 演示文稿（.odp），不是 Word 文档。请导入 Word 稿（.docx）",
}


def _package_kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    """A problem with a zip package that python-docx would call damaged: Strict Open XML (its own
    namespaces, which python-docx cannot read), or an OpenDocument file."""
    if "mimetype" in names:
        mimetype = archive.read("mimetype").strip()
        return ODF.get(mimetype, "")
    for part in ("_rels/.rels", "word/document.xml"):
        if part in names:
            with archive.open(part) as f:
                if b"purl.oclc.org/ooxml/" in f.read(4096):
                    return STRICT
    return ""


def read(path: Path) -> Body:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DocxError(f"无法读取文件（{exc.strerror}）。请关掉正在打开它的 Word 或 WPS，再试一次") from None
    sniff(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
    except ValueError:  # python-docx refuses a macro-enabled document or a template by its content type
        raise DocxError(
            f"这是启用宏的 Word 文档或 Word 模板（.docm、.dotx），不是普通的 .docx。{SAVE_AS}"
        ) from None
    except (KeyError, PackageNotFoundError, XMLSyntaxError, zipfile.BadZipFile):
        raise DocxError(DAMAGED) from None
    try:
        reader = _Reader(document)
        blocks = reader.blocks(document.element.body)
        footnotes = reader.footnotes()
    except (KeyError, AttributeError, XMLSyntaxError):
        raise DocxError(DAMAGED) from None
    props = document.core_properties
    saved = [d for d in (props.modified, props.created) if d is not None]
    return Body(blocks, saved, reader.notes, footnotes)


_HYPERLINK = re.compile(r'\s*HYPERLINK\s+"([^"]+)"')
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*(\d)$")


class _Styles:
    """The paragraph and character properties an element gets from its style and the styles it is based on."""

    def __init__(self, element) -> None:
        self.by_id = {s.get(_q("w:styleId")): s for s in element.iterfind(_q("w:style"))}
        defaults = [
            s
            for s in self.by_id.values()
            if s.get(_q("w:type")) == "paragraph" and s.get(_q("w:default")) in ("1", "true", "on")
        ]
        self.default_paragraph = defaults[0].get(_q("w:styleId")) if defaults else None
        self.doc_defaults = element.find(f"{_q('w:docDefaults')}/{_q('w:rPrDefault')}/{_q('w:rPr')}")

    def chain(self, style_id: str | None) -> list:
        found: list = []
        while style_id and style_id in self.by_id and len(found) < 20:
            style = self.by_id[style_id]
            if style in found:
                break
            found.append(style)
            based = style.find(_q("w:basedOn"))
            style_id = based.get(W_VAL) if based is not None else None
        return found

    def paragraph_chain(self, p) -> tuple[list, list]:
        """The paragraph's own properties, then its style's, then the styles that one is based on."""
        ppr = p.find(_q("w:pPr"))
        style = ppr.find(_q("w:pStyle")) if ppr is not None else None
        style_id = style.get(W_VAL) if style is not None else self.default_paragraph
        styles = self.chain(style_id)
        return [ppr, *[s.find(_q("w:pPr")) for s in styles]], styles

    def bold(self, run, paragraph_styles: list) -> bool:
        rpr = run.find(_q("w:rPr"))
        layers = [rpr]
        if rpr is not None and (rstyle := rpr.find(_q("w:rStyle"))) is not None:
            layers += [s.find(_q("w:rPr")) for s in self.chain(rstyle.get(W_VAL))]
        layers += [s.find(_q("w:rPr")) for s in paragraph_styles] + [self.doc_defaults]
        for layer in layers:
            b = layer.find(_q("w:b")) if layer is not None else None
            if b is not None:
                return b.get(W_VAL, "1").lower() not in _FALSE
        return False


def _first(layers: list, tag: str):
    for layer in layers:
        found = layer.find(_q(tag)) if layer is not None else None
        if found is not None:
            return found
    return None


def _on(element) -> bool:
    return element is not None and element.get(W_VAL, "1").lower() not in _FALSE


class _Reader:
    def __init__(self, document) -> None:
        self.document = document
        self.part = document.part
        self.styles = _Styles(document.styles.element)
        self.formats = _list_formats(document.part)
        self.fields: list[list] = []  # open fields: [their result (the shown text) has begun, their code]
        self.notes: list[str] = []
        self.referenced: dict[tuple[str, str], int] = {}  # (reference tag, note id) → its number
        self.custom_mark = False  # the next text is a note's own mark (*, †), not body text

    def blocks(self, container) -> list[Block]:
        out: list[Block] = []
        for child in container:
            if child.tag == W["p"]:
                self.paragraph(child, out)
            elif child.tag == W["tbl"]:
                out.append(self.table(child))
            elif child.tag in _SHOWN:
                out.extend(self.blocks(child))
        return out

    def paragraph(self, p, out: list[Block]) -> None:
        layers, styles = self.styles.paragraph_chain(p)
        props = self._paragraph_props(layers, styles)
        spans: list[Span] = []
        pictures: Pictures | None = None  # inline pictures since the last text of this paragraph
        floating: list[Picture] = []  # floating pictures come after the line they are anchored in

        def line_end() -> None:
            nonlocal pictures
            if "".join(s.text for s in spans).strip():
                out.append(Text(list(spans), **props))
            spans.clear()
            if floating:
                out.append(Pictures(list(floating)))
                floating.clear()
                pictures = None

        for run, url in self._runs(p):
            rpr = run.find(_q("w:rPr"))
            hidden = rpr is not None and (_on(rpr.find(_q("w:vanish"))) or _on(rpr.find(_q("w:webHidden"))))
            bold = self.styles.bold(run, styles)
            for child in run:
                tag = child.tag
                if tag == W["fldChar"]:
                    kind = child.get(_q("w:fldCharType"))
                    if kind == "begin":
                        self.fields.append([False, ""])
                    elif kind == "separate" and self.fields:
                        self.fields[-1][0] = True
                    elif kind == "end" and self.fields:
                        self.fields.pop()
                elif tag == W["instrText"] and self.fields and not self.fields[-1][0]:
                    self.fields[-1][1] += child.text or ""
                elif hidden or not all(shown for shown, _ in self.fields):
                    continue  # hidden text, or a field's code (its instruction, not what it shows)
                elif tag in NOTE_PARTS:
                    key = (tag, child.get(_q("w:id"), ""))
                    number = self.referenced.setdefault(key, len(self.referenced) + 1)
                    spans.append(Span("", note=number))
                    self.custom_mark = child.get(_q("w:customMarkFollows"), "0").lower() not in _FALSE
                elif tag == W["t"] and self.custom_mark:
                    self.custom_mark = False
                elif tag == W["t"]:
                    spans.append(Span(child.text or "", bold, url or self._field_link()))
                    if (child.text or "").strip():
                        pictures = None
                elif tag == W["tab"]:
                    spans.append(Span(" "))
                elif tag in (W["br"], W["cr"]):
                    line_end()
                elif tag == W["object"]:
                    self.notes.append(
                        "文档里有嵌入的对象（例如 Excel 表格、公式），没有导入；需要的话请截图后作为图片插入"
                    )
                else:
                    for picture, floats in self._pictures(child):
                        if floats:
                            floating.append(picture)
                            continue
                        if pictures is None:
                            line_end()
                            pictures = Pictures([])
                            out.append(pictures)
                        pictures.items.append(picture)
        line_end()

    def _field_link(self) -> str:
        """The address of the HYPERLINK field whose result this is (Word's other way of writing a link)."""
        for _, code in reversed(self.fields):
            if m := _HYPERLINK.match(code):
                return m[1].replace("\\\\", "\\")  # a field's text doubles its backslashes
        return ""

    def footnotes(self) -> list[list[Block]]:
        """The footnotes and endnotes the body referred to, in the order of their numbers. Each is read
        like the body, its links and pictures from its own part."""
        found: list[list[Block]] = []
        parts: dict[str, tuple[Any, dict[str, Any]]] = {}  # relationship type → (part, its notes by id)
        body_part = self.part
        for (tag, note_id), _ in sorted(self.referenced.items(), key=lambda kv: kv[1]):
            rel_type, note_tag = NOTE_PARTS[tag]
            if rel_type not in parts:
                try:
                    part = body_part.part_related_by(rel_type)
                except KeyError:
                    parts[rel_type] = (None, {})
                else:
                    notes = {n.get(_q("w:id")): n for n in _element(part).iterfind(note_tag)}
                    parts[rel_type] = (part, notes)
            part, notes = parts[rel_type]
            self.part, self.fields, self.custom_mark = part, [], False
            found.append(self.blocks(notes[note_id]) if note_id in notes else [])
        self.part = body_part
        return found

    def _paragraph_props(self, layers: list, styles: list) -> dict:
        props: dict = {"centred": False, "indented": False}
        for style in styles:
            name = style.find(_q("w:name"))
            name = (name.get(W_VAL) if name is not None else "").strip().lower()
            if name in ("title", "标题"):
                props.update(style="title")
            elif m := _HEADING_NAME.match(name):
                props.update(style="heading", level=int(m[1]))
            elif name in ("caption", "题注"):
                props.update(style="caption")
            else:
                continue
            break
        outline = _first(layers, "w:outlineLvl")
        if (
            "style" not in props
            and outline is not None
            and outline.get(W_VAL, "9").isdigit()
            and int(outline.get(W_VAL)) < 9
        ):
            props.update(style="heading", level=int(outline.get(W_VAL)) + 1)
        jc = _first(layers, "w:jc")
        props["centred"] = jc is not None and jc.get(W_VAL) == "center"
        ind = _first(layers, "w:ind")
        if ind is not None:
            first = ind.get(_q("w:firstLineChars")) or ind.get(_q("w:firstLine")) or "0"
            props["indented"] = first.lstrip("-").isdigit() and int(first) > 0
        num = _first(layers, "w:numPr")
        if num is not None and props.get("style") != "heading":
            num_id = num.find(_q("w:numId"))
            level = num.find(_q("w:ilvl"))
            ilvl = int(level.get(W_VAL, "0")) if level is not None else 0
            fmt = self.formats.get(num_id.get(W_VAL) if num_id is not None else "0", {}).get(ilvl)
            if fmt:
                props.update(list_kind="bullet" if fmt == "bullet" else "number", level=ilvl)
        return props

    def _runs(self, parent: Any, url: str = "") -> Iterator[tuple[Any, str]]:
        for child in parent:
            if child.tag == W["r"]:
                yield child, url
            elif child.tag == W["hyperlink"]:
                rid = child.get(R_ID)
                rel = self.part.rels.get(rid) if rid else None
                yield from self._runs(child, rel.target_ref if rel is not None and rel.is_external else url)
            elif child.tag in _SHOWN:
                yield from self._runs(child, url)
            elif child.tag in (f"{{{MATH}}}oMath", f"{{{MATH}}}oMathPara"):
                self.notes.append("文档里有公式，没有导入；需要的话请截图后作为图片插入")

    def _pictures(self, element, floats: bool = False) -> Iterator[tuple[Picture, bool]]:
        """(picture, floating) inside a run's drawing, in order; mc:AlternateContent's fallback copy is skipped."""
        floats = floats or element.tag == WP_ANCHOR
        for child in element.iterchildren():
            if child.tag == MC_FALLBACK:
                continue
            if child.tag == W["txbxContent"] and "".join(child.itertext()).strip():
                self.notes.append("文档里有文本框，框里的文字没有导入；需要的话请复制到正文里")
            if child.tag == A_GRAPHIC_DATA and re.search(r"/(chart|chartex|diagram)$", child.get("uri", "")):
                self.notes.append("文档里有图表或 SmartArt 图形，没有导入；需要的话请截图后作为图片插入")
            if child.tag in (A_BLIP, V_IMAGEDATA):
                embed = child.get(R_EMBED) or (child.get(R_ID) if child.tag == V_IMAGEDATA else None)
                if embed and embed in self.part.related_parts:
                    part = self.part.related_parts[embed]
                    yield Picture(part.blob, str(part.partname)), floats
                    continue
                link = child.get(R_LINK) or embed
                rel = self.part.rels.get(link) if link else None
                if rel is not None:
                    yield Picture(b"", rel.target_ref, linked=True), floats
                continue
            yield from self._pictures(child, floats)

    def table(self, tbl) -> Table:
        rows: list[list[list[Block] | None]] = []
        above: list = []
        for row in DocxTable(tbl, self.document).rows:
            tcs = [cell._tc for cell in row.cells]
            rows.append(
                [
                    None
                    if (j and tc is tcs[j - 1]) or (j < len(above) and tc is above[j])
                    else self.blocks(tc)
                    for j, tc in enumerate(tcs)
                ]
            )
            above = tcs
        return Table(rows)


def _element(part: Any) -> Any:
    """A part's XML: python-docx parses the parts it knows; others (footnotes, endnotes) are bytes."""
    element = getattr(part, "element", None)
    return parse_xml(part.blob) if element is None else element


def _list_formats(part) -> dict[str, dict[int, str]]:
    """numId → {level: numFmt} from the numbering part ("bullet", "decimal", "chineseCounting", …)."""
    try:
        numbering = part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering"
        ).element
    except KeyError:
        return {}

    def levels(parent) -> dict[int, str]:
        found = {}
        for lvl in parent.iter(_q("w:lvl")):
            fmt = lvl.find(_q("w:numFmt"))
            if fmt is not None and fmt.get(W_VAL) != "none":
                found[int(lvl.get(_q("w:ilvl"), "0"))] = fmt.get(W_VAL)
        return found

    abstract = {a.get(_q("w:abstractNumId")): levels(a) for a in numbering.iterfind(_q("w:abstractNum"))}
    formats = {}
    for num in numbering.iterfind(_q("w:num")):
        ref = num.find(_q("w:abstractNumId"))
        formats[num.get(_q("w:numId"))] = {
            **abstract.get(ref.get(W_VAL) if ref is not None else "", {}),
            **levels(num),
        }
    return formats
