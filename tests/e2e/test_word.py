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
from docx.shared import Cm, Pt
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
    shown = [" ".join(t.split()) for t in paragraphs]
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
    assert title.text.endswith("2025年政府信息公开工作年度报告") and title.runs[0].font.size == Pt(22)
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


def test_libreoffice_converts_the_word_file_to_a_sensible_pdf(built, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail("XXGK_REQUIRE_TOOLS=1，但没有 LibreOffice（Debian 软件包 libreoffice-writer）")
        pytest.skip("没有 LibreOffice（Debian 软件包 libreoffice-writer）")
    run = subprocess.run(
        [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(built / "2025/nanhu.docx")],
        capture_output=True, text=True, timeout=300,
    )
    pdf = tmp_path / "nanhu.pdf"
    assert run.returncode == 0 and pdf.exists(), run.stdout + run.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 3 <= pages <= 12, pages
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"—\s*1\s*—", text) and "三、收到和处理政府信息公开申请情况" in text
