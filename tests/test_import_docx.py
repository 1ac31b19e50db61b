"""`import-docx` on real .docx files made with python-docx (plus raw XML where it cannot), run as the
command, asserting on the files it writes."""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from mkdocs_branches.commands import main
from mkdocs_branches.docx_import import draft as draft_module
from mkdocs_branches.docx_import.draft import people_line
from PIL import Image

from conftest import ROOT, SiteProject, tree_hashes

_spec = importlib.util.spec_from_file_location("make_demo_drafts", ROOT / "scripts" / "make_demo_drafts.py")
drafts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(drafts)  # type: ignore[union-attr]

TABLES = "markdown_extensions:\n  - tables\n"


@pytest.fixture
def site(project: SiteProject, monkeypatch: pytest.MonkeyPatch) -> SiteProject:
    with (project.root / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write(TABLES)
    project.branch("jg1", "name: 管理学院教工第一党支部\nbrand: 红色引擎")
    monkeypatch.chdir(project.root)
    return project


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, ["import-docx", "jg1", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def news(site: SiteProject) -> Path:
    return site.root / "branches" / "jg1" / "news"


def read_item(path: Path) -> tuple[dict, str]:
    _, header, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(header), body.removeprefix("\n")


def only_item(site: SiteProject) -> tuple[Path, dict, str]:
    (path,) = news(site).glob("*.md")
    return (path, *read_item(path))


def simple_draft(folder: Path, name: str, *paragraphs: str, modified: dt.datetime | None = None) -> Path:
    document = drafts.new_document(modified)
    drafts.paragraph(document, paragraphs[0], bold=True, centred=True)
    for text in paragraphs[1:]:
        drafts.paragraph(document, text)
    return drafts.save(document, folder / name)


def test_captions_under_photos_trailer_and_a_date_without_a_year(site: SiteProject, tmp_path: Path) -> None:
    result = run(str(drafts.theme_day(tmp_path / "in")))
    assert result.exit_code == 0, result.output
    path, header, body = only_item(site)
    stem = "2024-11-15-kai-zhan-zhui-xun-hong-se-zu-ji-zhu-ti"
    assert path.name == f"{stem}.md"
    assert header == {
        "标题": "管理学院教工第一党支部开展“追寻红色足迹”主题党日活动",
        "日期": dt.date(2024, 11, 15),
        "活动类型": "主题党日",
        "标签": [],
        "作者": "王芳",
        "摄影": "赵强",
        "编辑": None,
        "审核": "李明",
        "图片": [
            {"文件": f"{stem}/01.jpg", "说明": "图为党员参观校史馆"},
            {"文件": f"{stem}/02.png", "说明": "全体党员重温入党誓词"},
            f"{stem}/03.jpg",
        ],
    }
    folder = path.with_suffix("")
    assert sorted(p.name for p in folder.iterdir()) == ["01.jpg", "02.png", "03.jpg"]
    assert (folder / "01.jpg").read_bytes() == drafts.photo(1)
    assert (folder / "02.png").read_bytes() == drafts.photo(2, "PNG")
    assert (folder / "03.jpg").read_bytes() == drafts.photo(3)
    assert body == (
        "11月15日下午，管理学院教工第一党支部组织全体党员赴校史馆开展“追寻红色足迹”主题党日活动。"
        "**支部书记王芳**主持活动，23名党员参加。\n\n"
        "在讲解员的带领下，党员们依次参观了“建校初期”“艰苦创业”“改革发展”三个展区，深入了解学校的红色历史。\n\n"
        "活动最后，全体党员面向党旗重温入党誓词。大家纷纷表示，要从学校的红色历史中汲取奋进力量。\n\n"
        "党员们表示，将以此次主题党日活动为契机，把学习成果转化为立德树人的实际行动，在教学科研岗位上发挥先锋模范作用。\n"
    )
    out = result.output
    assert f"→ branches/jg1/news/{stem}.md" in out and "图片：3 张（2 张有说明）" in out
    assert "稿件里写的是“11月15日”，年份按文档的保存时间（2024-11-16）推断" in out
    assert "活动类型 主题党日：标题里有“主题党日”" in out
    assert "作者 王芳、摄影 赵强、审核 李明：取自稿件里的“供稿：王芳 摄影：赵强”“审核：李明”" in out
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0 and "检查通过" in check.output, check.output


def test_heading_styles_lists_a_table_a_field_and_no_photos(site: SiteProject, tmp_path: Path) -> None:
    result = run(str(drafts.party_lecture(tmp_path)))
    assert result.exit_code == 0, result.output
    path, header, body = only_item(site)
    assert path.name == "2024-06-20-jiao-gong-di-er-dang-zhi-bu-shu-ji-jiang.md"
    assert (header["标题"], header["日期"], header["活动类型"]) == (
        "教工第二党支部书记讲授专题党课",
        dt.date(2024, 6, 20),
        "党课",
    )
    assert (header["作者"], header["编辑"], header["审核"], header["摄影"]) == (
        "李明",
        "孙丽",
        "张华、陈立华、王芳",
        None,
    )
    assert "图片" not in header
    assert list(path.with_suffix("").iterdir()) == []  # the photo folder is ready, as new-item makes it
    assert body == (
        "2024年6月20日，教工第二党支部在管理学院204会议室开展专题党课，支部书记陈立华以“弘扬教育家精神”为题，为全体党员讲授党课。\n\n"
        "## 一、党课主要内容\n\n"
        "党课围绕三个方面展开：\n\n"
        "1. 心有大我、至诚报国的理想信念\n"
        "1. 言为士则、行为世范的道德情操\n"
        "1. 启智润心、因材施教的育人智慧\n\n"
        "## 二、学习安排\n\n"
        "| 时间 | 内容 | 负责人 |\n"
        "| --- | --- | --- |\n"
        "| 7月 | 集中学习 | 陈立华 |\n"
        "| 8月 | 交流研讨 | 刘敏 |\n\n"
        "- 每名党员撰写**一篇**学习心得\n"
        "- 结合课程思政开展一次教学研讨\n\n"
        "党课全文见[学院网站](https://www.example.edu.cn/glxy/)。\n"  # a HYPERLINK field: its code is gone
    )
    assert "图片：没有" in result.output


def test_photos_side_by_side_in_a_table_and_a_floating_photo(site: SiteProject, tmp_path: Path) -> None:
    result = run(str(drafts.partnership(tmp_path)))
    assert result.exit_code == 0, result.output
    path, header, body = only_item(site)
    stem = path.stem
    assert stem == "2024-05-08-xue-sheng-di-yi-dang-zhi-bu-yu-gui-yuan"
    assert (header["日期"], header["活动类型"]) == (dt.date(2024, 5, 8), "支部共建")
    assert (header["作者"], header["摄影"], header["编辑"], header["审核"]) == (
        "周敏",
        "刘洋",
        "孙丽",
        "李明",
    )
    assert header["图片"] == [
        {"文件": f"{stem}/01.jpg", "说明": "图为志愿者为居民测量血压"},
        {"文件": f"{stem}/02.png", "说明": "图为党员与社区工作者座谈"},
        {"文件": f"{stem}/03.jpg", "说明": "活动现场"},
    ]
    folder = path.with_suffix("")
    saved = [(folder / name).read_bytes() for name in ("01.jpg", "02.png", "03.jpg")]
    assert saved == [
        drafts.photo(4),
        drafts.photo(5, "PNG"),
        drafts.photo(6),
    ]  # document order, bytes untouched
    assert (
        body
        == (
            "5月8日上午，学生第一党支部与桂园社区党委开展“党建引领·共建共享”支部共建活动，这是2024年“我为群众办实事”实践活动的一项内容。\n\n"
            "活动中，党员志愿者为社区居民提供义诊、政策咨询和手机使用指导，受到居民的欢迎。\n\n"  # not split by the floating photo
            "双方表示，将以共建为纽带，推动党建工作与社区治理深度融合。\n"
        )
    )
    assert "年份取自稿件里写的 2024 年" in result.output


@pytest.mark.parametrize(
    ("line", "people"),
    [
        ("供稿：王芳  摄影：赵强", [("author", "王芳"), ("photographer", "赵强")]),
        ("供稿:王芳 | 摄影:赵强", [("author", "王芳"), ("photographer", "赵强")]),
        ("撰稿 | 李明    责任编辑：孙丽", [("author", "李明"), ("editor", "孙丽")]),
        ("（文字：王芳　图片：赵强）", [("author", "王芳"), ("photographer", "赵强")]),
        ("文/周敏 图/刘洋", [("author", "周敏"), ("photographer", "刘洋")]),
        ("文字/摄影：王芳", [("author", "王芳"), ("photographer", "王芳")]),
        ("作者 王芳 赵强", [("author", "王芳、赵强")]),
        ("审核：李  明", [("reviewer", "李明")]),
        ("编辑：孙丽，审核：李明", [("editor", "孙丽"), ("reviewer", "李明")]),
        (
            "初审：张华 复审：陈立华 终审：王芳",
            [("reviewer", "张华"), ("reviewer", "陈立华"), ("reviewer", "王芳")],
        ),
        ("来源：管理学院新闻网", [("source", "管理学院新闻网")]),
        ("审核：待定", [("reviewer", "待定")]),  # a line of the trailer; `make` leaves the reviewer out
        ("供稿：王芳 审核：", [("author", "王芳"), ("reviewer", "")]),
        ("编辑部认真组织了本次活动。", None),
        ("图为党员参观校史馆", None),
        ("作者：王芳在会上发言，大家深受鼓舞。", None),
        ("图 1 党员合影", None),
        ("会议由支部书记王芳主持，审核：李明", None),
    ],
)
def test_trailer_lines(line: str, people: list | None) -> None:
    assert people_line(line) == people


def test_trailer_one_role_a_line_and_a_source(site: SiteProject, tmp_path: Path) -> None:
    draft = simple_draft(
        tmp_path,
        "a.docx",
        "支部召开党员大会",
        "　　3月5日，支部召开党员大会。",
        "撰稿：李明",
        "摄影 赵强",
        "责任编辑｜孙丽",
        "审核：李  明",
        "来源：管理学院新闻网",
    )
    assert run(str(draft)).exit_code == 0
    _, header, body = only_item(site)
    assert header["活动类型"] == "支部党员大会"
    assert [header[k] for k in ("作者", "摄影", "编辑", "审核", "来源")] == [
        "李明",
        "赵强",
        "孙丽",
        "李明",
        "管理学院新闻网",
    ]
    assert body == "3月5日，支部召开党员大会。\n"


@pytest.mark.parametrize(
    ("text", "modified", "expected"),
    [
        ("2024年5月8日上午，支部召开支委会。", None, dt.date(2024, 5, 8)),
        ("支部于2024-05-08召开支委会。", None, dt.date(2024, 5, 8)),
        ("2024.5.8，支部召开支委会。", None, dt.date(2024, 5, 8)),
        ("２０２４年５月８日，支部召开支委会。", None, dt.date(2024, 5, 8)),
        ("原定2024年2月30日，改为2024年3月2日召开支委会。", None, dt.date(2024, 3, 2)),
        (
            "12月28日，支部召开支委会。",
            dt.datetime(2025, 1, 3, tzinfo=dt.timezone.utc),
            dt.date(2024, 12, 28),
        ),
        (
            "12月28日，支部召开支委会。",
            dt.datetime(2025, 12, 30, tzinfo=dt.timezone.utc),
            dt.date(2025, 12, 28),
        ),
    ],
)
def test_the_first_date_in_the_text(
    site: SiteProject, tmp_path: Path, text: str, modified: dt.datetime | None, expected: dt.date
) -> None:
    assert (
        run(
            str(simple_draft(tmp_path, "a.docx", "三月支委会", text, "6月1日再议。", modified=modified))
        ).exit_code
        == 0
    )
    _, header, _ = only_item(site)
    assert header["日期"] == expected


def test_no_date_no_type_no_title_are_reported_together(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    core = document.core_properties._element
    for tag in ("dcterms:created", "dcterms:modified"):
        core.remove(core.find(qn(tag)))
    drafts.paragraph(
        document,
        "　　5月8日，大家一起去了社区，活动内容十分丰富，党员们纷纷表示收获很大，今后还要继续开展这样的活动，把学习成果转化为服务群众的实际行动。",
    )
    path = drafts.save(document, tmp_path / "无题.docx")
    result = run(str(path))
    assert result.exit_code == 1
    assert f"错误  {path}: 没有找到标题" in result.output
    assert "没有找到活动日期（例如“11月15日”）。请加上 --date 2024-11-15 再导入" in result.output
    assert (
        "认不出活动类型。请加上 --type 再导入，可用的类型：支部党员大会、支委会、党小组会、党课"
        in result.output
    )
    assert not news(site).exists()


def test_date_and_type_options_win(site: SiteProject, tmp_path: Path) -> None:
    draft = simple_draft(tmp_path, "a.docx", "三月支委会", "2024年3月13日，支部召开支委会。")
    assert run(str(draft), "--date", "2024-03-14 14:30", "--type", "党课").exit_code == 0
    path, header, _ = only_item(site)
    assert path.name == "2024-03-14-san-yue-zhi-wei-hui.md"
    assert (header["日期"], header["活动类型"]) == ("2024-03-14 14:30", "党课")
    bad = run(str(draft), "--type", "开会")
    assert bad.exit_code == 2 and "活动类型“开会”不在允许的列表里" in bad.output
    assert "无法识别日期" in run(str(draft), "--date", "3月").output


def test_type_from_the_body_and_from_the_sites_own_types(site: SiteProject, tmp_path: Path) -> None:
    draft = simple_draft(
        tmp_path, "a.docx", "学院新闻", "　　5月8日，支部开展主题党日，随后讲授党课。", "党课由书记讲授。"
    )
    result = run(str(draft))
    assert result.exit_code == 0
    assert only_item(site)[1]["活动类型"] == "党课"
    assert "活动类型 党课：正文里提到了 2 次（也提到了 主题党日）" in result.output
    (site.root / "mkdocs.yml").write_text(
        "site_name: x\nplugins:\n  - branches:\n      activity_types:\n        读书会:\n        其他:\n",
        encoding="utf-8",
    )
    other = simple_draft(tmp_path, "b.docx", "支部读书会", "5月9日，支部举办读书会。")
    assert run(str(other)).exit_code == 0
    assert read_item(news(site) / "2024-05-09-du-shu-hui.md")[0]["活动类型"] == "读书会"
    lecture = simple_draft(tmp_path, "c.docx", "专题党课", "5月10日，支部讲授党课。")
    result = run(str(lecture))
    assert result.exit_code == 1 and "可用的类型：读书会、其他" in result.output


def ole(*streams: str) -> bytes:
    """An OLE2 compound file's signature and stream names: what .doc, .wps and password-protected .docx
    files are (not a whole one: only what tells them apart)."""
    names = b"".join(s.encode("utf-16-le") + bytes(2) for s in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + names + bytes(512)


def test_files_that_are_not_drafts_each_get_a_clear_message(site: SiteProject, tmp_path: Path) -> None:
    folder = tmp_path / "稿件"
    good = drafts.theme_day(folder)
    whole = good.read_bytes()
    bad = {
        "old.doc": (ole("WordDocument"), "这是旧版 Word 格式（.doc），不能直接导入。请用 Word 或 WPS 打开它"),
        "renamed.docx": (
            ole("WordDocument"),
            "文件名是 .docx，内容却是旧版 Word 格式（.doc），可能被改过扩展名",
        ),
        "secret.docx": (ole("EncryptionInfo", "EncryptedPackage"), "文件设置了打开密码"),
        "cut.docx": (whole[: len(whole) // 2], "文件不完整或已损坏"),
        "old.wps": (ole("WpsContent"), "这是 WPS 文字的旧格式（.wps）"),
        "zero.docx": (b"", "文件是空的（0 字节）"),
        "notes.docx": ("会议记录".encode(), "这不是 Word 文档（.docx）"),
        "scan.docx": (b"%PDF-1.7\n", "这是 PDF 文件"),
    }
    for name, (data, _) in bad.items():
        (folder / name).write_bytes(data)
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    (folder / "book.docx").write_bytes(book.getvalue())
    drafts.save(drafts.new_document(), folder / "blank.docx")
    (folder / "~$主题党日新闻稿.docx").write_bytes(b"\x06wangfang" + bytes(150))
    before = tree_hashes(folder)
    result = run(str(folder), str(folder / "~$主题党日新闻稿.docx"), str(folder / "missing.docx"))
    assert result.exit_code == 1
    out = result.output
    for name, (_, message) in bad.items():
        assert f"错误  {folder / name}: {message}" in out, name
    assert f"错误  {folder / 'book.docx'}: 这是 Excel 表格，不是 Word 文档" in out
    assert f"错误  {folder / 'blank.docx'}: 文档里没有文字，也没有图片" in out
    assert f"错误  {folder / '~$主题党日新闻稿.docx'}: 这是 Word 或 WPS 打开文件时自动生成的临时文件" in out
    assert out.count("~$主题党日新闻稿.docx") == 1  # in the folder it is skipped; named, it is explained
    assert f"错误  {folder / 'missing.docx'}: 找不到这个文件" in out
    assert f"已导入 {good}" in out  # the good draft is imported all the same
    assert "导入了 1 篇稿子，12 个没有导入" in out
    assert len(list(news(site).glob("*.md"))) == 1
    assert tree_hashes(folder) == before


def test_a_pattern_skips_lock_files_and_a_second_import_never_overwrites(
    site: SiteProject, tmp_path: Path
) -> None:
    drafts.theme_day(tmp_path)
    (tmp_path / "~$主题党日新闻稿.docx").write_bytes(b"\x06wangfang" + bytes(150))
    first = run(str(tmp_path / "*.docx"))  # as typed on Windows, where the shell does not expand it
    assert first.exit_code == 0 and "~$" not in first.output
    before = tree_hashes(news(site))
    again = run(str(tmp_path / "主题党日新闻稿.docx"))
    assert again.exit_code == 1
    assert (
        "这篇稿子已经导入过：branches/jg1/news/2024-11-15-kai-zhan-zhui-xun-hong-se-zu-ji-zhu-ti.md，没有再导入"
        in again.output
    )
    assert tree_hashes(news(site)) == before


def test_a_photo_folder_already_holding_files_is_not_written_into(site: SiteProject, tmp_path: Path) -> None:
    folder = news(site) / "2024-11-15-kai-zhan-zhui-xun-hong-se-zu-ji-zhu-ti"
    folder.mkdir(parents=True)
    (folder / "01.jpg").write_bytes(b"editor's own photo")
    result = run(str(drafts.theme_day(tmp_path)))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in news(site).iterdir()) == [
        folder.name,
        f"{folder.name}-2",
        f"{folder.name}-2.md",
    ]
    assert [p.name for p in folder.iterdir()] == ["01.jpg"]
    assert (folder / "01.jpg").read_bytes() == b"editor's own photo"


def test_the_branch_must_be_an_existing_branch_folder(site: SiteProject, tmp_path: Path) -> None:
    draft = str(drafts.theme_day(tmp_path))
    before = tree_hashes(site.root)
    for branch, message in (
        ("../docs", "支部编号“../docs”不行"),
        (str(site.root / "branches" / "jg1"), "不行：只能用小写英文字母"),
        ("JG1", "不行：只能用小写英文字母"),
        ("jg9", "没有编号为“jg9”的支部"),
    ):
        result = CliRunner().invoke(main, ["import-docx", branch, draft])
        assert result.exit_code == 2 and message in result.output, branch
    new_item = CliRunner().invoke(main, ["new-item", "../docs", "x", "--type", "党课"])
    assert new_item.exit_code == 2 and "支部编号“../docs”不行" in new_item.output
    assert tree_hashes(site.root) == before


def emf_draft(folder: Path) -> Path:
    """A draft whose picture is an EMF (python-docx cannot insert one: a PNG's part is turned into it)."""
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    drafts.paragraph(document, "　　3月13日，支部召开支委会。")
    drafts.picture(document, drafts.photo(1, "PNG"))
    drafts.paragraph(document, "图为会议流程图", centred=True)
    (part,) = [p for p in document.part.package.iter_parts() if p.partname.endswith(".png")]
    part._blob, part._content_type, part.partname = (
        drafts.emf(),
        "image/x-emf",
        PackURI("/word/media/image1.emf"),
    )
    return drafts.save(document, folder / "emf.docx")


def test_an_emf_picture_is_refused_without_a_converter(
    site: SiteProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(draft_module, "metafile_renderer", lambda: None)
    result = run(str(emf_draft(tmp_path)))
    assert result.exit_code == 1
    assert "第 1 张图片（说明“图为会议流程图”）是 EMF 格式（Word 里的矢量图），网站不能显示" in result.output
    assert "pip install metafile-render" in result.output
    assert not news(site).exists()


def test_an_emf_picture_is_converted_when_the_converter_is_installed(
    site: SiteProject, tmp_path: Path
) -> None:
    pytest.importorskip("metafile_render")
    result = run(str(emf_draft(tmp_path)))
    assert result.exit_code == 0, result.output
    path, header, _ = only_item(site)
    assert header["图片"] == [{"文件": f"{path.stem}/01.png", "说明": "图为会议流程图"}]
    with Image.open(path.with_suffix("") / "01.png") as image:
        assert image.format == "PNG" and image.width > 50
    assert "是 EMF 格式，已转成 PNG" in result.output


def test_a_bmp_becomes_a_lossless_png(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    drafts.paragraph(document, "　　3月13日，支部召开支委会。")
    drafts.picture(document, drafts.photo(7, "BMP"))
    assert run(str(drafts.save(document, tmp_path / "bmp.docx"))).exit_code == 0
    path, _, _ = only_item(site)
    with (
        Image.open(path.with_suffix("") / "01.png") as saved,
        Image.open(io.BytesIO(drafts.photo(7, "BMP"))) as bmp,
    ):
        assert saved.tobytes() == bmp.convert("RGB").tobytes()


def test_what_word_hides_is_dropped(site: SiteProject, tmp_path: Path) -> None:
    """Alternate content (one picture, not its fallback copy too), hidden text, field codes, bookmarks,
    breaks used as spacing, the same picture pasted twice, an empty paragraph between a photo and its caption."""
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    p = drafts.paragraph(document, "　　3月13日，支部召开支委会")
    p._p.append(parse_xml(f"<w:r {nsdecls('w')}><w:rPr><w:vanish/></w:rPr><w:t>（内部备注）</w:t></w:r>"))
    p.add_run("，共")
    drafts.field(p, "= 20 + 3", "23")
    p.add_run("人参加。")
    drafts.bookmark(p, "_Toc1")
    drafts.line_break(p, 3)
    photo = drafts.picture(document, drafts.photo(1))
    drawing = photo._p.find(".//" + qn("w:drawing"))
    rid = drawing.find(".//" + qn("a:blip")).get(qn("r:embed"))
    alternate = parse_xml(
        f'<mc:AlternateContent {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"'
        ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<mc:Choice Requires="wps"/><mc:Fallback><w:pict><v:shape><v:imagedata r:id="{rid}"/></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent>"
    )
    drawing.getparent().replace(drawing, alternate)
    alternate[0].append(drawing)
    drafts.paragraph(document)
    drafts.paragraph(document, "会议现场", centred=True)
    drafts.picture(document, drafts.photo(1))
    result = run(str(drafts.save(document, tmp_path / "a.docx")))
    assert result.exit_code == 0, result.output
    path, header, body = only_item(site)
    assert header["图片"] == [{"文件": f"{path.stem}/01.jpg", "说明": "会议现场"}]
    assert [p.name for p in path.with_suffix("").iterdir()] == ["01.jpg"]
    assert "第 2 张图片和第 1 张是同一张图片，只保留了一张" in result.output
    assert result.output.count("同一张图片") == 1  # the fallback copy was not read as another picture
    assert body == "3月13日，支部召开支委会，共23人参加。\n"


def test_numbering_defined_in_the_document_gives_nested_lists(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    drafts.paragraph(document, "　　3月13日，支部召开支委会，议程如下：")
    numbering = document.part.numbering_part.element
    numbering.insert(
        0,
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">'
            '<w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>'
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    for level, text in ((0, "学习文件"), (1, "传达上级精神"), (1, "交流发言"), (0, "研究发展党员工作")):
        p = drafts.paragraph(document, text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
    drafts.paragraph(document, "会议由支部书记主持。")
    assert run(str(drafts.save(document, tmp_path / "a.docx"))).exit_code == 0
    assert only_item(site)[2] == (
        "3月13日，支部召开支委会，议程如下：\n\n"
        "1. 学习文件\n    - 传达上级精神\n    - 交流发言\n1. 研究发展党员工作\n\n"
        "会议由支部书记主持。\n"
    )


def test_demo_drafts_import_into_a_site_that_builds(site: SiteProject, tmp_path: Path) -> None:
    folder = tmp_path / "demo-drafts"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_drafts.py"), str(folder)], check=True)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_branches", "import-docx", "jg1", str(folder)],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("已导入") == 3 and "导入了 3 篇稿子。" in result.stdout
    build = site.build()
    assert build.returncode == 0, build.stderr
    lecture = site.html("branches/jg1/news/2024-06-20-jiao-gong-di-er-dang-zhi-bu-shu-ji-jiang/")
    assert "<table>" in lecture and "<strong>一篇</strong>" in lecture and "<h2" in lecture
    theme = site.html("branches/jg1/news/2024-11-15-kai-zhan-zhui-xun-hong-se-zu-ji-zhu-ti/")
    assert theme.count("图为党员参观校史馆") >= 1 and "<picture" in theme
    assert "供稿" not in theme and "赵强" in theme


REVIEWED = "审核：李明"


def titled_draft(folder: Path, name: str, title: str, *body: str) -> Path:
    return simple_draft(folder, name, title, *body, REVIEWED)


def check_output() -> str:
    check = CliRunner().invoke(main, ["check"])
    assert check.exit_code == 0 and "错误" not in check.output, check.output
    return check.output


def test_drafts_of_one_day_whose_titles_start_alike_get_distinct_readable_names(
    site: SiteProject, tmp_path: Path
) -> None:
    folder = tmp_path / "稿件"
    study = "学习贯彻党的二十届三中全会精神专题研讨会"
    for name, title, body in (
        ("1.docx", "管理学院教工第一党支部开展主题党日活动", "11月15日，支部开展主题党日活动。"),
        ("2.docx", "管理学院教工第一党支部召开支委会", "11月15日，支部召开支委会，研究主题党日。"),
        ("3.docx", "中共管理学院教工第一党支部：党课", "11月15日，书记讲授党课。"),
        ("4.docx", f"{study}（第一场）", "11月15日上午，支部召开支委会。"),
        ("5.docx", f"{study}（第二场）", "11月15日下午，支部召开支委会。"),
        ("6.docx", "支部召开支委会", "11月15日，支部召开支委会。"),
        ("7.docx", "支部召开支委会", "11月15日，支部又召开支委会。"),  # another meeting, the same title
    ):
        titled_draft(folder, name, title, body)
    result = run(str(folder))
    assert result.exit_code == 0, result.output
    assert "导入了 7 篇稿子。" in result.output
    assert sorted(p.stem for p in news(site).glob("*.md")) == [
        "2024-11-15-dang-ke",
        "2024-11-15-kai-zhan-zhu-ti-dang-ri-huo-dong",
        "2024-11-15-xue-xi-guan-che-dang-de-er-shi-jie-san",  # cut after a whole word
        "2024-11-15-xue-xi-guan-che-dang-de-er-shi-jie-san-2",
        "2024-11-15-zhao-kai-zhi-wei-hui",
        "2024-11-15-zhao-kai-zhi-wei-hui-2",
        "2024-11-15-zhao-kai-zhi-wei-hui-3",
    ]
    assert (
        "这一天已经有标题相同的新闻 branches/jg1/news/2024-11-15-zhao-kai-zhi-wei-hui-2.md，"
        "这篇存为 2024-11-15-zhao-kai-zhi-wei-hui-3.md" in result.output
    )
    assert "已经有同名" not in result.output and "把标题改得不一样" not in result.output
    before = tree_hashes(news(site))
    again = run(str(folder / "7.docx"))  # the same draft a second time: refused, nothing written
    assert again.exit_code == 1
    assert "这篇稿子已经导入过：branches/jg1/news/2024-11-15-zhao-kai-zhi-wei-hui-3.md" in again.output
    assert tree_hashes(news(site)) == before
    # new-item names its file by the same rule, and never takes a name in use
    made = CliRunner().invoke(
        main,
        [
            "new-item",
            "jg1",
            "管理学院教工第一党支部召开组织生活会",
            "--type",
            "支委会",
            "--date",
            "2024-11-15",
        ],
    )
    assert made.exit_code == 0 and "2024-11-15-zhao-kai-zu-zhi-sheng-huo-hui.md" in made.output, made.output
    slug = CliRunner().invoke(
        main,
        ["new-item", "jg1", "另一次支委会", "--type", "支委会", "--date", "2024-11-15", "--slug", "dang-ke"],
    )
    assert slug.exit_code == 0 and "2024-11-15-dang-ke-2.md" in slug.output, slug.output
    same = CliRunner().invoke(
        main,
        [
            "new-item",
            "jg1",
            "管理学院教工第一党支部开展主题党日活动",
            "--type",
            "支委会",
            "--date",
            "2024-11-15",
        ],
    )
    assert same.exit_code == 2 and "已经存在：这一天已经有标题相同的新闻" in same.output
    assert len(list(news(site).glob("*.md"))) == 9
    check_output()


def hyperlink(p, target: str, text: str) -> None:
    rid = p.part.relate_to(target, RT.HYPERLINK, is_external=True)
    p._p.append(
        parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{rid}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>')
    )


def test_links_a_published_page_cannot_open_become_text(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    p = drafts.paragraph(document, "3月13日，支部召开支委会，学习")
    for target, text in (
        ("file:///C:/Users/wang/Desktop/%E9%80%9A%E7%9F%A5.pdf", "上级通知"),
        ("附件1：会议议程.docx", "会议议程"),  # an attachment next to the draft
        ("\\\\server\\share\\学习材料.pdf", "学习材料"),
        ("C:\\Users\\wang\\签到表.xlsx", "签到表"),
        ("https://www.example.edu.cn/news/1.html", "学院新闻"),
        ("www.example.edu.cn/dj", "党建网"),
        ("mailto:dangban@example.edu.cn", "党办邮箱"),
        ("javascript:void(0)", "点这里"),
    ):
        hyperlink(p, target, text)
        p.add_run("、")
    drafts.field(p, 'HYPERLINK "D:\\\\稿件\\\\照片.zip"', "照片包")
    p.add_run("。")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "附件"
    hyperlink(table.cell(0, 1).paragraphs[0], "../附件/名单.xlsx", "党员名单")
    drafts.paragraph(document, REVIEWED)
    result = run(str(drafts.save(document, tmp_path / "链接.docx")))
    assert result.exit_code == 0, result.output
    _, _, body = only_item(site)
    assert body.startswith(
        "3月13日，支部召开支委会，学习上级通知、会议议程、学习材料、签到表、"
        "[学院新闻](https://www.example.edu.cn/news/1.html)、[党建网](http://www.example.edu.cn/dj)、"
        "[党办邮箱](mailto:dangban@example.edu.cn)、点这里、照片包。\n"
    )
    assert "| 附件 | 党员名单 |" in body
    out = result.output
    draft = tmp_path / "链接.docx"
    for text, target in (
        ("上级通知", "file:///C:/Users/wang/Desktop/%E9%80%9A%E7%9F%A5.pdf"),
        ("会议议程", "附件1：会议议程.docx"),
        ("学习材料", "\\\\server\\share\\学习材料.pdf"),
        ("签到表", "C:\\Users\\wang\\签到表.xlsx"),
        ("照片包", "D:\\稿件\\照片.zip"),
        ("党员名单", "../附件/名单.xlsx"),
    ):
        assert (
            f"警告  {draft}: 正文里的链接“{text}”链接到作者电脑或单位内网上的文件“{target}”，网站上打不开，已改成普通文字。附件请先"
            in out
        ), text
    assert "正文里的链接“点这里”的地址“javascript:void(0)”不是网址，网站上打不开，已改成普通文字" in out
    assert out.count("已改成普通文字") == 7
    check_output()


FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
ENDNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.endnotes+xml"


def add_notes(document, kind: str, notes: dict[int, str], link: tuple[str, str] | None = None) -> None:
    """A footnotes or endnotes part (with Word's separator notes) holding `notes` by id; `link`: a
    hyperlink (target, text) added to the last note, related from the notes' own part."""
    part = Part(
        PackURI(f"/word/{kind}s.xml"),
        FOOTNOTES_CT if kind == "footnote" else ENDNOTES_CT,
        b"",
        document.part.package,
    )
    linked = ""
    if link:
        rid = part.relate_to(link[0], RT.HYPERLINK, is_external=True)
        linked = f'<w:hyperlink r:id="{rid}"><w:r><w:t>{link[1]}</w:t></w:r></w:hyperlink>'
    items = [
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>',
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>',
    ]
    for n, (note_id, text) in enumerate(notes.items(), 1):
        items.append(
            f'<w:{kind} w:id="{note_id}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r>{linked if n == len(notes) else ""}</w:p></w:{kind}>'
        )
    part._blob = (f'<w:{kind}s xmlns:w="{NS_W}" xmlns:r="{NS_R}">{"".join(items)}</w:{kind}s>').encode()
    document.part.relate_to(part, RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES)


NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def note_reference(p, kind: str, note_id: int) -> None:
    p._p.append(
        parse_xml(
            f'<w:r {nsdecls("w")}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Reference w:id="{note_id}"/></w:r>'
        )
    )


def test_footnotes_and_endnotes_are_kept_as_notes_after_the_body(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    p = drafts.paragraph(document, "3月13日，支部召开支委会，学习《条例》")
    note_reference(p, "footnote", 2)
    p.add_run("和上级文件")
    note_reference(p, "endnote", 1)
    p.add_run("。")
    table = document.add_table(rows=1, cols=1)
    cell = table.cell(0, 0).paragraphs[0]
    cell.add_run("会议议程见通知")
    note_reference(cell, "footnote", 3)
    drafts.paragraph(document, REVIEWED)
    add_notes(
        document,
        "footnote",
        {2: "《中国共产党支部工作条例（试行）》，2018年。", 3: "另见"},
        ("附件.docx", "附件"),
    )
    add_notes(document, "endnote", {1: "校党委〔2024〕3号文件。"})
    result = run(str(drafts.save(document, tmp_path / "脚注.docx")))
    assert result.exit_code == 0, result.output
    _, _, body = only_item(site)
    assert body == (
        "3月13日，支部召开支委会，学习《条例》<sup>[1]</sup>和上级文件<sup>[2]</sup>。\n\n"
        "会议议程见通知<sup>[3]</sup>\n\n"
        "注释：\n\n"
        "1. 《中国共产党支部工作条例（试行）》，2018年。\n"
        "2. 校党委〔2024〕3号文件。\n"
        "3. 另见附件\n"
    )
    assert "脚注和尾注：共 3 条，放在正文最后的“注释”里" in result.output
    assert "正文里的链接“附件”链接到作者电脑或单位内网上的文件“附件.docx”" in result.output  # in a footnote
    check_output()
    build = site.build()
    assert build.returncode == 0, build.stderr
    (page,) = [p for p in (site.root / "site/branches/jg1/news").glob("*/index.html")]
    html = page.read_text(encoding="utf-8")
    assert "<sup>[1]</sup>" in html and "<li>《中国共产党支部工作条例（试行）》，2018年。</li>" in html


def strict(data: bytes) -> bytes:
    """A .docx as Word saves it as “Strict Open XML 文档”: the same parts in the Strict namespaces."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.endswith((".xml", ".rels")):
                part = part.replace(NS_W.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
                part = part.replace(
                    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                    b"http://purl.oclc.org/ooxml/officeDocument/relationships",
                )
            target.writestr(info, part)
    return out.getvalue()


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        (
            "strict.docx",
            strict,
            "这是“Strict Open XML 文档”格式，请在 Word 里“另存为”→“Word 文档 (*.docx)”再导入",
        ),
        (
            "flat.xml",
            lambda _: b'<?xml version="1.0"?>\n<?mso-application progid="Word.Document"?>\n<pkg:package/>',
            "这是“Word XML 文档”格式（.xml），不是 .docx。请用 Word 或 WPS 打开它",
        ),
        (
            "old.xml",
            lambda _: (
                b'<?xml version="1.0"?><w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>'
            ),
            "这是“Word 2003 XML 文档”格式（.xml）",
        ),
        (
            "page.mht",
            lambda _: b"MIME-Version: 1.0\r\nContent-Type: multipart/related;",
            "这是“单个文件网页”格式（.mht）",
        ),
        ("page.docx", lambda _: b"<html xmlns:o='urn:schemas-microsoft-com:office:office'>", "这是网页文件"),
        (
            "draft.odt",
            lambda _: odt(),
            "这是“OpenDocument 文本”格式（.odt），不是 .docx。请用 Word 或 WPS 打开它",
        ),
    ],
)
def test_words_other_save_as_types_are_named_with_how_to_resave(
    site: SiteProject, tmp_path: Path, name: str, make, message: str
) -> None:
    good = drafts.theme_day(tmp_path / "good")
    path = tmp_path / name
    path.write_bytes(make(good.read_bytes()))
    result = run(str(path))
    assert result.exit_code == 1
    assert f"错误  {path}: {message}" in result.output
    assert "已损坏" not in result.output and not news(site).exists()


def test_a_reviewer_that_is_no_name_leaves_the_item_unreviewed(site: SiteProject, tmp_path: Path) -> None:
    for name, trailer in (("a.docx", ("供稿：王芳", "审核：待定")), ("b.docx", ("初审：张华 终审：待审核",))):
        draft = simple_draft(tmp_path, name, f"三月支委会{name[0]}", "3月13日，支部召开支委会。", *trailer)
        result = run(str(draft))
        assert result.exit_code == 0, result.output
        assert (
            "不是审核人的姓名，信息头里的“审核”留空了。这条新闻要等审核通过、填上审核人姓名后才会发布"
            in result.output
        )
        assert "稿件里写了审核人" not in result.output
    items = sorted(news(site).glob("*.md"))
    headers = [read_item(p) for p in items]
    assert [(h["作者"], h["审核"]) for h, _ in headers] == [("王芳", None), (None, None)]
    assert all(b == "3月13日，支部召开支委会。\n" for _, b in headers)  # the trailer is not in the body
    assert "# 审核通过后填写审核人姓名" in items[0].read_text(encoding="utf-8")


def test_formulas_and_charts_are_named_when_left_out(site: SiteProject, tmp_path: Path) -> None:
    document = drafts.new_document()
    drafts.paragraph(document, "三月支委会", bold=True, centred=True)
    p = drafts.paragraph(document, "3月13日，支部召开支委会，出勤率")
    p._p.append(
        parse_xml(
            '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
            "<m:r><m:t>23/25</m:t></m:r></m:oMath>"
        )
    )
    chart = drafts.paragraph(document)
    chart._p.append(
        parse_xml(
            f"<w:r {nsdecls('w', 'wp', 'a')}><w:drawing><wp:inline><a:graphic>"
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/>'
            "</a:graphic></wp:inline></w:drawing></w:r>"
        )
    )
    drafts.paragraph(document, REVIEWED)
    result = run(str(drafts.save(document, tmp_path / "a.docx")))
    assert result.exit_code == 0, result.output
    assert "文档里有公式，没有导入；需要的话请截图后作为图片插入" in result.output
    assert "文档里有图表或 SmartArt 图形，没有导入" in result.output
