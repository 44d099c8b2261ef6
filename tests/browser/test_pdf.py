"""xxgk build --pdf: an A4 PDF through Chromium's print-to-PDF, checked with poppler's tools."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from helpers import tables
from helpers.load import load_report
from tests.conftest import ROOT
from tests.e2e.test_build import xxgk


def test_pdf_has_pages_the_title_and_table_three(browser, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("需要 poppler-utils（pdftotext、pdfinfo）")
    shutil.copytree(ROOT / "data" / "nanhu", tmp_path / "data" / "nanhu")
    run = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--year", "2025", "--pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = tmp_path / "out" / "2025" / "nanhu.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert 3 <= pages <= 12
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "南湖街道2025年政府信息公开工作年度报告" in re.sub(r"\s+", "", text)
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    received = [str(n) for n in tables.applications_table(report).iloc[0]]
    assert any(re.search(r"\s+".join(received) + r"\s*$", line) for line in text.splitlines()), received
    assert "第 1 页，共" in text
    assert (tmp_path / "out" / "2025" / "yangli-summary.pdf").exists()
