"""xxgk build --docx: each report also as a Word file in the official document layout, read back with
python-docx (every table cell, every paragraph), and converted by LibreOffice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("word") / "project")
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    run = subprocess.run([str(BIN / "xxgk"), "build", "--docx", "--year", "2025", "--year", "2020"], cwd=project,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return project / "outputs"


def _page_tables(page: Path) -> list[list[str]]:
    root = lxml_html.parse(str(page)).getroot()
    return [[" ".join(c.text_content().split()) for c in t.iter("th", "td")] for t in root.iter("table")]


def _doc_tables(document) -> list[list[str]]:
    texts = []
    for table in document.tables:
        seen, cells = [], []
        for row in table.rows:
            for cell in row.cells:
                if not any(cell._tc is tc for tc in seen):  # a merged cell is one cell, however many places
                    seen.append(cell._tc)
                    cells.append(" ".join(cell.text.split()))
        texts.append(cells)
    return texts


@pytest.mark.parametrize("stem", ["2025/nanhu", "2020/nanhu", "2025/yangli-summary"])
def test_the_word_file_has_every_cell_and_paragraph_of_the_page(built, stem):
    page, word = built / f"{stem}.html", built / f"{stem}.docx"
    document = docx.Document(str(word))
    assert _doc_tables(document) == _page_tables(page)
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    root = lxml_html.parse(str(page)).getroot()
    expected = [" ".join(p.text_content().split()) for p in root.iter("h1", "h2", "h3", "p")
                if p.getparent().tag != "figure" and not any(a.tag in ("table", "li") for a in p.iterancestors())]
    shown = [" ".join(t.split()) for t in paragraphs] + [t.replace("\n", "") for t in paragraphs]  # a broken title
    for text in expected:
        if text and "signature" not in (root.xpath(f"//p[normalize-space()={text!r}]/@class") or [""])[0]:
            assert text in shown, text
    three = next(t for t in document.tables if "一、本年新收政府信息公开申请数量" in t._tbl.xml)
    assert "w:gridSpan" in three._tbl.xml and "w:vMerge" in three._tbl.xml  # the official merged header cells


def test_the_word_file_is_in_the_official_layout(built):
    document = docx.Document(str(built / "2025/nanhu.docx"))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.cm, 1) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    title = document.paragraphs[0]
    assert title.text.replace("\n", "").endswith("2025年政府信息公开工作年度报告")
    assert title.runs[0].font.size == Pt(22)
    fonts = title.runs[0]._element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("本报告根据"))
    assert body.runs[0].font.name == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    heading = next(p for p in document.paragraphs if p.text == "一、总体情况")
    assert heading.runs[0].font.name == "黑体"
    footer = section.footer.paragraphs[0]
    assert footer.text.startswith("— ") and footer.text.endswith(" —") and "PAGE" in footer._p.xml
    assert document.paragraphs[-1].text.endswith("日") or any("南湖街道" in p.text for p in document.paragraphs[-3:])
    assert section.left_margin + section.right_margin + Cm(15.6) <= section.page_width + Cm(0.05)


def _libreoffice_pdf(word: Path, folder: Path) -> Path:
    """The Word file converted to PDF by LibreOffice (a failure where XXGK_REQUIRE_TOOLS=1 and it is missing)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail("XXGK_REQUIRE_TOOLS=1，但没有 LibreOffice（Debian 软件包 libreoffice-writer）")
        pytest.skip("没有 LibreOffice（Debian 软件包 libreoffice-writer）")
    run = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
         "--convert-to", "pdf", "--outdir", str(folder), str(word)],
        capture_output=True, text=True, timeout=300,
    )
    pdf = folder / f"{word.stem}.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stdout + run.stderr
    return pdf


def test_libreoffice_converts_the_word_file_to_a_sensible_pdf(built, tmp_path):
    pdf = _libreoffice_pdf(built / "2025/nanhu.docx", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 3 <= pages <= 12, pages
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"—\s*1\s*—", text) and "三、收到和处理政府信息公开申请情况" in text


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
STEMS = ["2025/nanhu", "2020/nanhu", "2025/yangli-summary"]


def _chars_em(text: str) -> float:
    """How many ems a text takes: a Chinese or full-width character one, anything else half."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.5 for ch in text)


def test_the_word_file_declares_chinese_for_east_asian_text(built):
    import zipfile

    with zipfile.ZipFile(built / "2025/nanhu.docx") as package:
        styles = etree.fromstring(package.read("word/styles.xml"))
        settings = etree.fromstring(package.read("word/settings.xml"))
        everything = b"".join(package.read(n) for n in package.namelist() if n.endswith(".xml"))
    lang = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN" and lang.get(f"{W}val") == "zh-CN"
    theme = settings.find(f"{W}themeFontLang")
    assert theme.get(f"{W}eastAsia") == "zh-CN"
    assert b"ja-JP" not in everything and b'w:eastAsia="en-US"' not in everything


def _sections_of_tables(document) -> list[tuple[object, int]]:
    """Each table with the text width (twips) of the section it stands in."""
    widths = []
    for section in document.sections:
        widths.append(round((section.page_width - section.left_margin - section.right_margin) / 635))
    found, index = [], 0
    for child in document.element.body:
        if child.tag == f"{W}tbl":
            found.append((child, widths[index]))
        elif child.tag == f"{W}p" and child.find(f"{W}pPr/{W}sectPr") is not None:
            index += 1
    return found


@pytest.mark.parametrize("stem", STEMS)
def test_every_table_fits_its_page_and_no_short_label_wraps(built, stem):
    document = docx.Document(str(built / f"{stem}.docx"))
    tables = _sections_of_tables(document)
    assert tables
    short = 0
    for table, room in tables:
        grid = [int(c.get(f"{W}w")) for c in table.iter(f"{W}gridCol")]
        assert sum(grid) <= room, (stem, sum(grid), room)
        margins = table.find(f"{W}tblPr/{W}tblCellMar")
        padding = sum(int(m.get(f"{W}w")) for m in margins) if margins is not None else 2 * 108
        for tr in table.iter(f"{W}tr"):
            column = 0
            for tc in tr.iter(f"{W}tc"):
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                cols = int(span.get(f"{W}val")) if span is not None else 1
                text = "".join(t.text or "" for t in tc.iter(f"{W}t")).strip()
                size = tc.find(f".//{W}rPr/{W}sz")
                if text and len(text) <= 4 and not re.fullmatch(r"[\d.,+\-%]+", text) and size is not None:
                    points = int(size.get(f"{W}val")) / 2
                    width = sum(grid[column:column + cols]) - padding  # twips
                    assert width >= _chars_em(text) * points * 20, (stem, text, width, points)
                    short += 1
                column += cols
    assert short >= 10


@pytest.mark.parametrize("stem", STEMS)
def test_the_title_breaks_only_before_its_last_words_and_url_lines_are_not_spread(built, stem):
    document = docx.Document(str(built / f"{stem}.docx"))
    title = document.paragraphs[0]
    lines = title.text.split("\n")
    assert len(lines) == 2, lines  # these titles are longer than a line of 二号
    assert re.fullmatch(r"政府信息公开工作年度报告(汇总)?", lines[1]), lines
    with_url = [p for p in document.paragraphs if re.search(r"https?://", p.text)]
    assert with_url or "summary" in stem  # a report's preamble names its site's address
    for paragraph in with_url:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.LEFT, paragraph.text


def test_libreoffice_sets_the_title_and_short_labels_whole(built, tmp_path):
    pdf = _libreoffice_pdf(built / "2025/nanhu.docx", tmp_path)
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "政府信息公开工作年度报告" in [line.strip() for line in first.splitlines()]
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    words = [w.text for w in etree.fromstring(layout.encode()).iter("{http://www.w3.org/1999/xhtml}word")]
    document = docx.Document(str(built / "2025/nanhu.docx"))
    cells = [c.text.strip() for t in document.tables for row in t.rows for c in row.cells]
    for label in ("自然人", "商业企业", "科研机构", "结果维持", "结果纠正", "其他结果", "尚未审结"):
        assert words.count(label) >= len(set(c for c in cells if c == label)), label  # never split over two lines
        assert label in words, label
