"""Reading a saved web page or a Word file: encodings, merged cells spread over the cells they cover, line
breaks inside cells, the page's own address, layout tables, files that are neither."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from helpers.intake.pages import CAPTION_STYLE, TABLE, PageError, decode, read_page

PAGE = """<html><head>{meta}<title>t</title></head><body>
<h1>样例区南湖镇2023年政府信息公开工作年度报告</h1>
<table><tr><td><table><tr><td>布局表格里的表格</td></tr></table></td></tr></table>
<table><tr><td rowspan="2" colspan="2">甲</td><td>乙</td></tr><tr><td>丙<br>丁</td></tr>
<tr><td>1</td><td>2</td><td>3</td></tr></table>
<p>一、总体情况</p></body></html>"""


def test_encodings_by_mark_declaration_or_content():
    text = "南湖镇政府信息公开"
    assert decode("\ufeff".encode() + text.encode()) == text
    assert decode(b'<meta charset="gb2312">' + text.encode("gbk")).endswith(text)
    assert decode(text.encode("gb18030")) == text  # no declaration: not UTF-8, so GB18030
    assert decode(b'<meta charset="utf-8">' + text.encode()).endswith(text)


def test_spans_spread_line_breaks_kept_and_layout_tables_skipped(tmp_path):
    path = tmp_path / "p.html"
    path.write_text(PAGE.format(meta='<link rel="canonical" href="https://x.example.gov.cn/a.html">'),
                    encoding="utf-8")
    page = read_page(path)
    assert page.title == "样例区南湖镇2023年政府信息公开工作年度报告"
    assert [g.rows for g in page.grids] == [[["布局表格里的表格"]],
                                            [["甲", "甲", "乙"], ["甲", "甲", "丙\n丁"], ["1", "2", "3"]]]
    assert page.meta["url"] == "https://x.example.gov.cn/a.html"


def test_the_address_a_browser_saved_the_page_from(tmp_path):
    path = tmp_path / "p.htm"
    path.write_text("<!-- saved from url=(0031)http://www.example.gov.cn/a.htm -->\n" + PAGE.format(meta=""),
                    encoding="utf-8")
    assert read_page(path).meta["url"] == "http://www.example.gov.cn/a.htm"


def test_a_word_file_merged_cells_caption_and_title_on_two_lines(tmp_path):
    document = docx.Document()
    document.add_paragraph("南湖镇人民政府")
    document.add_paragraph("2023年政府信息公开工作年度报告")
    document.add_paragraph("一、总体情况")
    document.add_paragraph("表一").style = document.styles[CAPTION_STYLE]
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "甲"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "乙"
    table.cell(1, 1).text, table.cell(1, 2).text = "1", "2"
    path = tmp_path / "r.docx"
    document.save(str(path))
    page = read_page(path)
    assert page.title == "南湖镇人民政府2023年政府信息公开工作年度报告"
    assert page.grids[0].rows == [["甲", "乙", "乙"], ["甲", "1", "2"]] and page.grids[0].caption == "表一"
    assert page.blocks[-2:] == ["一、总体情况", TABLE]


@pytest.mark.parametrize(("name", "content", "says"), [
    ("r.docx", b"\xd0\xcf\x11\xe0" + b"\0" * 100, "不是 .docx 文档（可能是旧的 .doc 格式"),
    ("r.docx", b"", "文件为空"),
    ("r.html", b"   ", "文件为空"),
    ("r.pdf", b"%PDF-1.4", "不是可以读取的 PDF 文件"),
    ("r.txt", b"text", "不是网页（.html/.htm）、Word 文档（.docx/.doc）或 PDF 文件"),
])
def test_files_that_are_neither_are_one_sentence(tmp_path, name, content, says):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(PageError) as refused:
        read_page(path)
    assert says in str(refused.value) and str(refused.value).startswith(name)


def test_an_oversized_page_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr("helpers.intake.pages.MAX_PAGE", 100)
    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"x" * 200 + b"</p>")
    with pytest.raises(PageError, match="超过上限"):
        read_page(Path(path))
