"""A report's Word attachment printed to PDF by LibreOffice, as offices publish it: the title, the site's date line
and the preamble stay apart (each ends short of the right margin), a table whose first row is a merged caption
and whose header prints one character per line reads cell by cell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from helpers.intake.pages import Grid, PageError, read_page
from helpers.intake.transcribe import transcribe
from tests.conftest import FIXTURES, libreoffice

pytestmark = pytest.mark.slow


def _pdf(tmp_path: Path, document: docx.document.Document) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("没有 LibreOffice（Debian 软件包 libreoffice-writer）")
    source = tmp_path / "r.docx"
    document.save(str(source))
    run = subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    return tmp_path / "r.pdf"


def test_a_word_attachment_as_pdf_keeps_its_lines_apart_and_reads_its_table(tmp_path):
    document = docx.Document()
    for line in ("东风路街道2025年政府信息公开工作年度报告", "发布日期：2026-01-20",
                 "根据《中华人民共和国政府信息公开条例》，现向社会公布本报告。", "一、总体情况",
                 "2025年，东风路街道扎实推进政务公开工作。", "二、主动公开政府信息情况"):
        document.add_paragraph(line)
    table = document.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 3)).text = "第二十条第（一）项"
    for column, header in enumerate(("信息内容", "本\n年\n制\n发\n件\n数", "本\n年\n废\n止\n件\n数", "现行有效件数")):
        table.cell(1, column).text = header
    for row, (label, *values) in enumerate((("规章", "0", "0", "0"), ("行政规范性文件", "3", "1", "12")), 2):
        for column, text in enumerate((label, *values)):
            table.cell(row, column).text = text
    page = read_page(_pdf(tmp_path, document))
    assert page.blocks[:3] == ["东风路街道2025年政府信息公开工作年度报告", "发布日期：2026-01-20",
                               "根据《中华人民共和国政府信息公开条例》，现向社会公布本报告。"]
    result = transcribe(page)
    data = result.data
    assert data["year"] == 2025 and data["organ"]["town"] == "东风路街道"
    assert data["publication"]["date"] == "2026-01-20"
    assert data["active"]["rules"] == {"issued": 0, "repealed": 0, "in_force": 0}
    assert data["active"]["normative"] == {"issued": 3, "repealed": 1, "in_force": 12}
    assert data["prose"]["preamble"] == "根据《中华人民共和国政府信息公开条例》，现向社会公布本报告。"


# --- tables as offices' attachments print them ------------------------------------------------------------

STANDARD = FIXTURES / "pages" / "standard-2021.html"
TABLE_FIELDS = ("active", "applications", "appeals", "processing_fees")
PARTS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")


def _cells(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            found.update(_cells(value, f"{prefix}{key}."))
        elif (prefix + key).split(".")[0] in TABLE_FIELDS:
            found[prefix + key] = value
    return found


def _convert(tmp_path: Path, source: Path) -> Path:
    kind = "pdf:writer_web_pdf_Export" if source.suffix == ".html" else "pdf"
    return libreoffice(source, kind, tmp_path)


def _merge_runs(table: Any, rows: list[list[str]]) -> None:
    """Label cells of the same text side by side or one above the other merged, as the page's spans were."""
    done: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if (r, c) in done:
                continue
            if text.replace(".", "").isdigit():
                table.cell(r, c).text = text
                continue
            right = c
            while right + 1 < len(row) and row[right + 1] == text and (r, right + 1) not in done:
                right += 1
            down = r
            while (down + 1 < len(rows) and all(rows[down + 1][k] == text for k in range(c, right + 1))
                   and (c == 0 or rows[down + 1][c - 1] != text)
                   and (right + 1 == len(row) or rows[down + 1][right + 1] != text)):
                down += 1
            done |= {(i, k) for i in range(r, down + 1) for k in range(c, right + 1)}
            cell = table.cell(r, c).merge(table.cell(down, right)) if (down, right) != (r, c) else table.cell(r, c)
            cell.text = text


def _word_report(path: Path, border: str = "single", size: int = 4, repeat_header: bool = False) -> Path:
    """The standard page's report as a Word file: its parts, and tables 二, 三, 四 and the fee table with their
    cells merged as on the page, ruled with ``border`` lines (``double``: a Word table with double borders)."""
    page = read_page(STANDARD)
    document = docx.Document()
    document.add_paragraph(page.title)
    document.add_paragraph("本报告根据《中华人民共和国政府信息公开条例》编制。")
    grids = iter(page.grids)
    for part in PARTS:
        document.add_paragraph(part)
        document.add_paragraph(f"{part[2:]}的正文。")
        if part[0] in "二三四六":
            rows = next(grids).rows
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            lines = "".join(f'<w:{edge} w:val="{border}" w:sz="{size}" w:space="0" w:color="000000"/>'
                            for edge in ("top", "left", "bottom", "right", "insideH", "insideV"))
            table._tbl.tblPr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>{lines}</w:tblBorders>'))
            _merge_runs(table, rows)
            if repeat_header and part[0] == "三":
                for row in table.rows[:3]:
                    row._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    document.save(str(path))
    return path


def _same_cells_as_the_page(pdf: Path) -> list[Grid]:
    want = _cells(transcribe(read_page(STANDARD)).data)
    page = read_page(pdf)
    result = transcribe(page)
    assert [e for e in result.errors if "表" in e] == []
    got = _cells(result.data)
    assert {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v} == {}
    return page.grids


@pytest.mark.parametrize(("border", "size"), [("double", 12), ("double", 4)])
def test_a_word_table_with_double_borders_reads_every_cell(tmp_path, border, size):
    grids = _same_cells_as_the_page(_convert(tmp_path, _word_report(tmp_path / "r.docx", border, size)))
    assert max(len(row) for grid in grids for row in grid.rows) == 15  # no column between a border's two lines


def test_an_html_table_with_cell_spacing_reads_every_cell(tmp_path):
    text = STANDARD.read_text(encoding="utf-8").replace('cellspacing="0"', 'cellspacing="2"')
    text = text.replace("border-collapse:collapse", "border-collapse:separate")
    source = tmp_path / "spaced.html"
    source.write_text(text.replace("border:1px solid #000", "border:3px double #000"), encoding="utf-8")
    _same_cells_as_the_page(_convert(tmp_path, source))


@pytest.mark.parametrize("repeat_header", [False, True])
def test_a_table_cut_by_page_breaks_is_one_grid(tmp_path, repeat_header):
    pdf = _convert(tmp_path, _word_report(tmp_path / "r.docx", repeat_header=repeat_header))
    with pdfplumber.open(pdf) as document:
        assert len(document.pages) >= 4  # table 三 runs over pages, rows cut by the breaks
    grids = _same_cells_as_the_page(pdf)
    three = [grid for grid in grids if any("自然人" in cell for row in grid.rows for cell in row)]
    assert len(three) == 1 and len(three[0].rows) == 28  # 3 header rows (not repeated), 25 rows of figures
    labels = [next(cell for cell in row if cell) for row in three[0].rows]
    assert "一、本年新收政府信息公开申请数量" in labels and all(row.count("自然人") <= 1 for row in three[0].rows)


def test_a_word_table_with_a_merged_caption_and_one_character_a_line_reads(tmp_path):
    document = docx.Document()
    document.add_paragraph("东风路街道2025年政府信息公开工作年度报告")
    document.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = document.add_table(rows=5, cols=15)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 14)).text = "政府信息公开行政复议、行政诉讼情况"
    table.cell(1, 0).merge(table.cell(1, 4)).text = "行政复议"
    table.cell(1, 5).merge(table.cell(1, 14)).text = "行政诉讼"
    results = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    for column, result in enumerate(results):
        table.cell(2, column).merge(table.cell(3, column)).text = result
        table.cell(3, 5 + column).text = table.cell(3, 10 + column).text = result
    table.cell(2, 5).merge(table.cell(2, 9)).text = "未经复议直接起诉"
    table.cell(2, 10).merge(table.cell(2, 14)).text = "复议后起诉"
    for column in range(15):
        table.cell(4, column).text = str(column % 4)
    document.add_paragraph("五、存在的主要问题及改进情况")
    pdf = _pdf(tmp_path, document)
    with pdfplumber.open(pdf) as opened:
        printed = opened.pages[0].extract_text().splitlines()
        assert "结 结 其 尚 总" in printed[4] and "结果维持" not in "".join(printed[4:])  # one character a line
        assert opened.pages[0].extract_tables()
    page = read_page(pdf)
    assert len(page.grids) == 1 and page.grids[0].rows
    assert page.grids[0].rows[-2][:5] == list(results) and page.grids[0].rows[-1][:3] == ["0", "1", "2"]
    appeals = transcribe(page).data["appeals"]
    assert appeals["reconsideration"] == {"upheld": 0, "corrected": 1, "other": 2, "pending": 3, "total": 0}
    assert appeals["lawsuit_direct"] == {"upheld": 1, "corrected": 2, "other": 3, "pending": 0, "total": 1}
    assert appeals["lawsuit_after"] == {"upheld": 2, "corrected": 3, "other": 0, "pending": 1, "total": 2}


def test_a_scan_without_text_is_refused_in_one_sentence(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline="black", width=3)
    scan = tmp_path / "scan.pdf"
    image.save(scan)
    with pytest.raises(PageError) as refused:
        read_page(scan)
    assert str(refused.value).startswith("scan.pdf：这是扫描件（PDF 中只有图像，没有文字层），无法读取其中的文字；")
