"""Published reports as real sites and offices put them out: no government <meta> tags, the site's own lines in
the text, a date line apart from the 落款, titles with the year anywhere or none, organs named whole, a table
two row the official layout lacks, a label cell wider than its header, a contact over two paragraphs, and the
2008 format's own outline. Each page is the standard fixture page changed as a real one is."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from ruamel.yaml import YAML

from helpers.cli import main
from helpers.intake.importer import import_file
from helpers.intake.load import load_report
from helpers.intake.pages import read_page
from helpers.intake.transcribe import transcribe
from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"
STANDARD = (PAGES / "standard-2021.html").read_text(encoding="utf-8")
TITLE = "清河市临江区光华镇2023年政府信息公开工作年度报告"
WHERE = "本报告电子版可在清河市临江区人民政府门户网站（http://www.linjiang.example.gov.cn）查阅或下载。"
SIGNED = '<p style="text-align:right">清河市临江区光华镇人民政府</p>\n<p style="text-align:right">2024年1月18日</p>'
BODY = '<div class="TRS_Editor" id="zoom">'


def _bare(text: str = STANDARD) -> str:
    """The page as saved from a site that carries no government <meta> tags, with no address in its text."""
    text = re.sub(r"<meta name=[^>]*>\n?", "", text)
    return re.sub(r"<!-- saved from[^>]*-->\n?", "", text).replace(WHERE, "")


def _page(tmp_path: Path, text: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _read(tmp_path: Path, text: str, year: int | None = None):
    return transcribe(read_page(_page(tmp_path, text)), year)


def _yaml(path: Path) -> dict:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


# --- 1. site and URL optional ----------------------------------------------------------------------------

def test_a_page_without_meta_imports_its_site_and_url_unknown_unless_given(tmp_path, capsys):
    page = _page(tmp_path, _bare())
    result = import_file(page, tmp_path / "data")
    assert result.ok, result.lines
    publication = _yaml(result.written)["publication"]
    assert "site" not in publication and "url" not in publication  # unknown: left out, never made up
    assert load_report(result.written).publication.site == ""
    assert main(["import", str(page), "--data", str(tmp_path / "given"), "--site", "清河市临江区人民政府门户网站",
                 "--url", "http://www.linjiang.example.gov.cn"]) == 0, capsys.readouterr().out
    given = _yaml(tmp_path / "given" / "guanghua" / "2023.yaml")["publication"]
    assert given["site"] == "清河市临江区人民政府门户网站" and given["url"] == "http://www.linjiang.example.gov.cn"


@pytest.mark.parametrize(("year", "fmt"), [(2025, "national-2021"), (2013, "legacy-2008")])
def test_a_word_attachment_imports_without_site_or_url(tmp_path, year, fmt):
    document = docx.Document()
    for line in (f"东风路街道{year}年政府信息公开工作年度报告", "一、总体情况",
                 f"{year}年，东风路街道扎实推进政务公开工作。", "五、存在的主要问题及改进情况",
                 "仍存在公开形式单一等问题。"):
        document.add_paragraph(line)
    path = tmp_path / "r.docx"
    document.save(str(path))
    assert transcribe(read_page(path)).data["format"] == fmt  # its tables not shown (2025), or the 2008 format
    result = import_file(path, tmp_path / "data")
    assert result.ok, result.lines
    written = _yaml(result.written)
    assert "site" not in written.get("publication", {}) and "url" not in written.get("publication", {})
    if fmt == "national-2021":
        assert {"active", "applications", "appeals"} <= set(written["unseen"])  # not shown: never blank or 0


# --- 2. the day of publication and the 落款 ----------------------------------------------------------------

@pytest.mark.parametrize(("line", "day"), [
    ("发表日期：2026-01-26　文章来源：光华镇", "2026-01-26"),
    ("发布日期：2020-01-31", "2020-01-31"),
    ("发布时间：2024年1月20日 10:00", "2024-01-20"),
    ('<table><tr><td>索引号</td><td>11441500/2026-00012</td><td>发布机构</td><td>陆丰市人民政府办公室</td></tr>'
     '<tr><td>生成日期</td><td>2026-01-23 16:24:38</td><td>公开方式</td><td>主动公开</td></tr></table>', "2026-01-23"),
])
def test_the_day_of_publication_is_the_pages_date_line_the_signature_kept_apart(tmp_path, line, day):
    text = _bare().replace('<div class="info">发布时间：2024-01-18 09:30', '<div class="info">')
    result = _read(tmp_path, text.replace(BODY, f"<div>{line}</div>{BODY}"))
    assert result.data["publication"]["date"] == day
    assert result.data["signature"] == {"name": "清河市临江区光华镇人民政府", "date": "2024-01-18"}


def test_the_pubdate_meta_else_the_signature_gives_the_day(tmp_path):
    without_line = STANDARD.replace('<div class="info">发布时间：2024-01-18 09:30', '<div class="info">')
    meta = _read(tmp_path, without_line.replace(SIGNED, '<p style="text-align:right">2024年1月25日</p>'))
    assert meta.data["publication"]["date"] == "2024-01-18"  # <meta name="PubDate">
    assert meta.data["signature"] == {"date": "2024-01-25"}
    signed = _read(tmp_path, _bare(without_line))
    assert signed.data["publication"]["date"] == "2024-01-18"  # from the 落款: nothing else dates the page
    unsigned = _read(tmp_path, _bare(without_line).replace(SIGNED, ""))
    assert "signature" not in unsigned.data and "date" not in unsigned.data["publication"]


# --- 3. the site's own lines ------------------------------------------------------------------------------

CHROME = ("长者版 无障碍阅读", "当前位置：首页 > 政务公开 > 政府信息公开年报",
          "2026-01-22 17:49:17 陆丰市人民政府办公室 字体：大中小", "发表日期：2024-01-19 文章来源：光华镇",
          "【打印本页】【关闭窗口】", "分享到： 微信 微博 QQ空间")


def test_the_sites_own_lines_never_become_the_report(tmp_path):
    lines = "".join(f"<p>{line}</p>" for line in CHROME)
    table = ('<table><tr><td>索引号</td><td>001</td><td>发布机构</td><td>光华镇</td></tr>'
             '<tr><td>生成日期</td><td>2024-01-19 08:00:00</td><td>主题分类</td><td>年度报告</td></tr></table>')
    text = STANDARD.replace(BODY, f"{BODY}{lines}{table}<p>{TITLE}</p>").replace(SIGNED, lines + SIGNED)
    result = _read(tmp_path, text)
    assert result.errors == []
    prose = "\n".join(result.data["prose"].values())
    for line in (*CHROME, "索引号", "生成日期", TITLE):
        assert line not in prose
    assert result.data["prose"]["preamble"].startswith("本报告根据《中华人民共和国政府信息公开条例》")
    assert result.data["publication"]["date"] == "2024-01-18"


# --- 4. titles ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("title", "organ", "year", "kept"), [
    ("2025年东风路街道政府信息公开工作年度报告", "东风路街道", 2025, True),
    ("东风路街道2025年政府信息公开工作年度报告", "东风路街道", 2025, False),
    ("东风路街道2025年政府信息公开工作报告", "东风路街道", 2025, True),
    ("东风路街道2025年政府信息公开工作年度报告（全文）", "东风路街道", 2025, True),
])
def test_the_year_before_or_after_the_organ_and_the_title_kept_as_printed(tmp_path, title, organ, year, kept):
    text = STANDARD.replace(TITLE, title).replace("2023", str(year)).replace("光华镇", organ)
    result = _read(tmp_path, _bare(text))
    assert result.data["year"] == year and result.data["organ"]["town"] == organ
    assert result.data["organ"].get("title") == (title if kept else None)


def test_a_title_without_a_year_takes_it_from_year_or_the_text_and_says_which(tmp_path):
    text = _bare(STANDARD.replace(TITLE, "东风路街道政府信息公开工作年度报告").replace("光华镇", "东风路街道"))
    from_text = _read(tmp_path, text)
    assert from_text.data["year"] == 2023 and from_text.data["organ"]["title"] == "东风路街道政府信息公开工作年度报告"
    assert any("按正文“2023年1月1日起至2023年12月31日”记为 2023 年度" in n for n in from_text.notes)
    given = _read(tmp_path, text, year=2023)
    assert given.data["year"] == 2023 and any("按 --year 记为 2023 年度" in n for n in given.notes)
    niandu = _read(tmp_path, text.replace("本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。",
                                          "2022年度我街办认真落实《条例》。"))
    assert niandu.data["year"] == 2022 and any("按正文“2022年度”" in n for n in niandu.notes)


# --- 5. organs named whole ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "kind"), [
    ("大冶市自然资源和规划局", "部门"), ("武汉市东湖生态旅游风景区城乡工作办事处", "其他"),
    ("东湖新技术开发区管委会", "其他"), ("某某农垦管理区", "其他"),
])
def test_an_organ_other_than_a_town_keeps_its_whole_name(tmp_path, name, kind):
    text = _bare(STANDARD.replace(TITLE, f"{name}2023年政府信息公开工作年度报告"))
    assert _read(tmp_path, text).data["organ"] == {"town": name, "name": name, "kind": kind}


# --- 6. tables ----------------------------------------------------------------------------------------

OTHER_ROW = ("<tr><td>其他主动公开文件</td><td>4</td><td>0</td><td>7</td></tr>")


def test_an_extra_row_of_table_two_is_kept_as_printed(tmp_path):
    at = STANDARD.index("第二十条第（五）项") - len('<tr><td colspan="4" style="border:1px solid #000;padding:0 5px">'
                                                  '<p style="text-align:center"><span style="font-size:14px">')
    result = _read(tmp_path, STANDARD[:at] + OTHER_ROW + STANDARD[at:])
    assert result.errors == []
    assert result.data["active"]["added"] == [{"label": "其他主动公开文件", "cells": [4, 0, 7], "after": "normative"}]
    assert any("表二“其他主动公开文件”行：不是官方格式中的行，按原报告增列的行记录" in n for n in result.notes)
    written = import_file(_page(tmp_path, STANDARD[:at] + OTHER_ROW + STANDARD[at:], "x.html"), tmp_path / "data")
    assert written.ok, written.lines
    assert load_report(written.written).active.added[0].cells == [4, 0, 7]


def test_a_label_cell_wider_than_its_header_loses_no_cell_and_numbers_keep_their_kind(tmp_path):
    text = STANDARD.replace('<td style="border:1px solid #000;padding:0 5px"><p style="text-align:center">'
                            '<span style="font-size:14px">行政规范性文件</span>',
                            '<td colspan="2"><p>行政规范性文件</p>', 1)
    text = text.replace(">12.5<", ">0<")
    result = _read(tmp_path, text)
    assert result.errors == []
    assert result.data["active"]["normative"] == {"issued": 3, "repealed": 1, "in_force": 12}
    written = import_file(_page(tmp_path, text, "n.html"), tmp_path / "data")
    assert written.ok, written.lines
    shown = written.written.read_text(encoding="utf-8")
    assert "fees: {amount: 0}" in shown and "billed: 300," in shown  # as printed: 0 and 300, never 0.0 or 300.0
    point = _read(tmp_path, STANDARD.replace(">12.5<", ">0.8<"))
    assert point.data["active"]["fees"]["amount"] == Decimal("0.8")


# --- 7. contact over two paragraphs -----------------------------------------------------------------------

def test_a_contact_in_a_paragraph_of_its_own_is_read(tmp_path):
    asked = ("如对本报告有任何疑问，请与光华镇党政办公室联系（地址：临江区光华镇人民路1号；邮编：123456；"
             "电话：0123-4567890）。")
    text = STANDARD.replace(asked,
                            "如对本报告有疑问，请与光华镇党政办公室联系。</span></p><p><span>联系电话：0123-4567890"
                            "</span></p><p><span>地址：临江区光华镇人民路1号")
    result = _read(tmp_path, text)
    assert result.data["contact"] == {"office": "光华镇党政办公室", "phone": "0123-4567890",
                                      "address": "临江区光华镇人民路1号"}


# --- 9. the 2008 format ---------------------------------------------------------------------------------

def test_a_2008_format_page_is_its_parts_and_the_figures_it_states(tmp_path):
    result = transcribe(read_page(PAGES / "legacy-2008.html"))
    data = result.data
    assert result.errors == [] and data["format"] == "legacy-2008" and data["year"] == 2018
    assert [part["heading"] for part in data["parts"]][:3] == ["", "一、概述", "二、主动公开政府信息情况"]
    assert data["parts"][2]["text"] == "全年主动公开政府信息156条，其中镇政府网站公开112条。"
    assert data["printed_figures"] == [
        {"part": "二、主动公开政府信息情况", "label": "主动公开政府信息", "value": 156, "unit": "条"},
        {"part": "二、主动公开政府信息情况", "label": "镇政府网站公开", "value": 112, "unit": "条"},
        {"part": "三、依申请公开政府信息情况", "label": "收到政府信息公开申请", "value": 3, "unit": "件"},
        # a count it gives as none is 0, with the words that say so
        {"part": "四、政府信息公开的收费及减免情况", "label": "费用", "value": 0, "unit": "",
         "as_printed": "未收取任何费用"},
        {"part": "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
         "label": "因政府信息公开申请提起行政复议、行政诉讼的情况", "value": 0, "unit": "", "as_printed": "未发生"},
    ]
    written = import_file(PAGES / "legacy-2008.html", tmp_path / "data")
    assert written.ok, written.lines
    report = load_report(written.written)
    assert report.published and report.printed_figures[0].value == 156
