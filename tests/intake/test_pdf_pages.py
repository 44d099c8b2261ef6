"""A report's Word attachment printed to PDF by LibreOffice, as offices publish it: the title, the site's date line
and the preamble stay apart (each ends short of the right margin), a table whose first row is a merged caption
and whose header prints one character per line reads cell by cell."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest

from helpers.intake.pages import read_page
from helpers.intake.transcribe import transcribe

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
