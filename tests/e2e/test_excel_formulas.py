"""The workbook's own formulas, evaluated by LibreOffice, agree with the project's totals; imports build."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.intake.load import dump_yaml, parse_report
from helpers.report import tables
from tests.e2e.test_build import xxgk
from tests.intake.test_excel import cell_of, filled, generated


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail("XXGK_REQUIRE_TOOLS=1，但没有 LibreOffice（Debian 软件包 libreoffice-calc）")
        pytest.skip("跳过：没有 LibreOffice（Debian 软件包 libreoffice-calc）")
    return found


def recalculated(soffice: str, book: Path) -> object:
    """The workbook as LibreOffice computes it: convert, then read the cached values back."""
    out = book.parent / "lo"
    profile = book.parent / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return load_workbook(out / book.name, data_only=True)


@pytest.mark.parametrize("year", [2020, 2025])
def test_national_formulas_compute_the_project_totals(soffice, tmp_path, year):
    data = generated(year, seed=8)
    report = parse_report(dump_yaml(data), "t.yaml")
    wb = recalculated(soffice, filled(data, tmp_path / "t.xlsx"))
    ws = wb["表三"]
    frame = tables.applications_table(report)
    got = [[ws.cell(row, col).value for col in range(4, 11)] for row in range(4, 4 + len(frame))]
    assert got == [list(map(int, row)) for row in frame.itertuples(index=False)]
    check = next(r for r in range(4, 60) if str(ws.cell(r, 1).value).startswith("勾稽关系核对"))
    assert [ws.cell(check, c).value for c in range(4, 11)] == ["平衡"] * 7
    row = [c.value for c in wb["表四"][4]]
    assert row == list(tables.appeals_table(report).iloc[0])


def test_unbalanced_column_shows_in_the_check_row(soffice, tmp_path):
    data = generated(2025, seed=8)
    where = cell_of("national-2021", 2025, "applications.received.legal")
    wb = recalculated(soffice, filled(data, tmp_path / "t.xlsx", **{where: 99}))
    ws = wb["表三"]
    check = next(r for r in range(4, 60) if str(ws.cell(r, 1).value).startswith("勾稽关系核对"))
    values = [ws.cell(check, c).value for c in range(4, 11)]
    assert values == ["平衡", "平衡", "平衡", "平衡", "不平衡", "平衡", "不平衡"]


def test_legacy_totals(soffice, tmp_path):
    data = generated(2018, seed=8)
    report = parse_report(dump_yaml(data), "t.yaml")
    ws = recalculated(soffice, filled(data, tmp_path / "t.xlsx"))["统计数据"]
    totals = [ws.cell(r, 3).value for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == tables.TOTAL]
    assert totals == [tables.published_total(report), 0]


def test_imported_workbook_builds(tmp_path):
    book = filled(generated(2025, seed=8), tmp_path / "东城街道-2025.xlsx")
    run = xxgk("import", str(book), "--data", str(tmp_path / "data"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "已导入" in run.stdout
    build = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"))
    assert build.returncode == 0, build.stdout + build.stderr
    assert (tmp_path / "out" / "2025" / "t001.html").exists()
    again = xxgk("import", str(book), "--data", str(tmp_path / "data"))
    assert again.returncode == 1 and "--overwrite" in again.stdout


def test_the_workbook_prints_table_three_one_page_wide_with_its_labels(soffice, tmp_path):
    book = filled(generated(2025, seed=8), tmp_path / "t.xlsx")
    subprocess.run(
        [soffice, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = tmp_path / "t.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages <= 6  # one sheet a page or so, not a dozen strips
    text = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout for n in range(1, pages + 1)]
    labels = {n for n, t in enumerate(text) if "本年新收政府信息公开申请数量" in t}
    last_column = {n for n, t in enumerate(text) if "法律服务机构" in t}
    six = {n for n, t in enumerate(text) if "申请人无正当理由逾期不补正" in t}
    assert labels and labels == last_column == six, (labels, last_column, six)  # the labels beside every figure
