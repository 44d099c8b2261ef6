"""Published reports as PDF and as old Word files: our own page printed by Chromium, our Word file turned into a
PDF (ruled tables, Word's layout) and into a .doc by LibreOffice — each imports with every figure of the data
file, cell by cell, and the text of its parts; a scanned PDF is refused in one sentence."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.intake.importer import import_file
from helpers.intake.load import load_report
from helpers.report import formats
from helpers.report.consistency import plain_prose
from helpers.report.values import dotted
from tests.conftest import ROOT, libreoffice, make_project, tool

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tool("chromium", "chromium")
    base = make_project(tmp_path_factory.mktemp("pdf") / "project")
    shutil.copytree(ROOT / "data" / "shiqiao", base / "data" / "shiqiao")
    run = subprocess.run([str(BIN / "xxgk"), "build", "--year", "2025", "--town", "shiqiao", "--pdf", "--docx"],
                         cwd=base, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return base


def _same_as_the_data_file(made: Path, base: Path, data: Path) -> None:
    result = import_file(made, data)
    assert result.ok, result.lines
    source, imported = load_report(base / "data/shiqiao/2025.yaml"), load_report(result.written)
    want, got = (dotted(formats.of(r).figures(r)) for r in (source, imported))
    assert {k: (v, got.get(k)) for k, v in want.items() if v != got.get(k)} == {}  # every cell, by value
    assert imported.published and imported.organ.town == "石桥镇" and imported.organ.district == "样例区"
    assert imported.publication.url == source.publication.url and imported.contact.office == source.contact.office
    for part in ("overview", "problems"):
        assert plain_prose(imported)[part] == plain_prose(source)[part], part


def test_our_page_printed_by_chromium_imports_with_every_figure(built, tmp_path):
    _same_as_the_data_file(built / "outputs/2025/shiqiao.pdf", built, tmp_path / "data")


def test_a_word_layout_pdf_with_ruled_tables_imports_with_every_figure(built, tmp_path):
    pdf = libreoffice(built / "outputs/2025/shiqiao.docx", "pdf", tmp_path)
    _same_as_the_data_file(pdf, built, tmp_path / "data")


def test_an_old_word_doc_is_converted_and_imports_with_every_figure(built, tmp_path):
    doc = libreoffice(built / "outputs/2025/shiqiao.docx", "doc", tmp_path)
    _same_as_the_data_file(doc, built, tmp_path / "data")


def test_a_scanned_pdf_is_refused_in_one_sentence(built, tmp_path):
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(built / "outputs/2025/shiqiao.pdf"),
                    str(tmp_path / "page")], check=True, capture_output=True)
    scan = tmp_path / "scan.pdf"
    Image.open(next(tmp_path.glob("page*.png"))).convert("RGB").save(scan)
    run = subprocess.run([str(BIN / "xxgk"), "import", str(scan), "--data", str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "scan.pdf：这是扫描件（PDF 中只有图像，没有文字层），无法读取其中的文字" in run.stdout, run.stdout
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.yaml"))
