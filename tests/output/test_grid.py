"""The editing view's grids in the kernel: what a clerk types is read by the one reader of values, written into
that cell of the data file only, and every grid (totals, balance marks, problems) shows the file as written."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.output import notebook
from helpers.output.grid import Sheet
from helpers.report.places import place_of, short_name
from tests.conftest import ROOT, make_project

PATH = re.compile(r"\b[a-z_]+\.[a-z_.]+\b")


@pytest.fixture
def new_year(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "p")
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    run = subprocess.run([str(Path(sys.executable).parent / "xxgk"), "new-year", "2026", "--town", "nanhu"],
                         cwd=project, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return project / "data" / "nanhu" / "2026.yaml"


def _opened(data_file: Path) -> Sheet:
    """The data file's sheet with every grid of the editing view shown, as Run All shows them."""
    sheet = Sheet(data_file)
    for name in ("active", "applications", "appeals", "processing_fees"):
        sheet.show(name)
    sheet.show_details()
    return sheet


def _grid(sheet: Sheet, name: str):  # noqa: ANN202
    return next(g for g in sheet.grids if g.name == name)


def test_every_cell_is_named_as_the_form_prints_it_and_totals_are_not_typed(new_year):
    sheet = _opened(new_year)
    applications = _grid(sheet, "applications")
    assert len(applications.inputs) == 24 * 6
    titles = [text.tooltip for grid in sheet.grids for text in grid.inputs.values()]
    assert "表三“（三）不予公开 1.属于国家秘密”行“自然人”列" in titles and "发布日期（落款日期）" in titles
    assert not [t for t in titles if PATH.search(t)]
    assert all(text.disabled for text in applications.computed.values())
    assert "尚未填写" in sheet.summary.value and "applications" not in sheet.summary.value


def test_a_value_typed_is_written_in_its_cell_and_the_totals_follow(new_year):
    sheet = _opened(new_year)
    before = new_year.read_text(encoding="utf-8")
    applications = _grid(sheet, "applications")
    applications.inputs["applications.received.natural"].value = "１２件"
    applications.inputs["applications.received.commercial"].value = "3"
    assert applications.inputs["applications.received.natural"].value == "12"  # as the file now holds it
    after = new_year.read_text(encoding="utf-8")
    changed = [(o, n) for o, n in zip(before.splitlines(), after.splitlines(), strict=True) if o != n]
    assert changed == [("  received: {natural: , commercial: , research: , social: , legal: , other: }",
                        "  received: {natural: 12, commercial: 3, research: , social: , legal: , other: }")]
    assert "已保存到 2026.yaml：表三“一、本年新收政府信息公开申请数量”行“商业企业”列 = 3" in sheet.status.value
    sentence = "新收政府信息公开申请{{ totals.received }}件。"
    sheet.show_text(lambda report: notebook._template_html(report, sentence))
    text, _ = sheet.texts[-1]
    assert "新收政府信息公开申请（尚未填写）件" in text.value
    for key in ("research", "social", "legal", "other"):
        applications.inputs[f"applications.received.{key}"].value = "0"
    assert applications.computed[(0, 6)].value == "15"  # 一's 总计: computed, never typed
    assert "新收政府信息公开申请15件" in text.value  # the template's sentence, filled again as the clerk types


def test_a_wrong_value_is_refused_in_the_forms_words_and_not_written(new_year):
    sheet = _opened(new_year)
    before = new_year.read_text(encoding="utf-8")
    appeals = _grid(sheet, "appeals")
    appeals.inputs["appeals.reconsideration.upheld"].value = "-2"
    assert new_year.read_text(encoding="utf-8") == before
    assert "表四“行政复议 结果维持”列：应为非负整数" in sheet.status.value
    assert "xxgk-wrong" in appeals.inputs["appeals.reconsideration.upheld"]._dom_classes
    assert "结果维持”列：应为非负整数" in appeals.note.value
    appeals.inputs["appeals.reconsideration.upheld"].value = "2"
    assert "xxgk-wrong" not in appeals.inputs["appeals.reconsideration.upheld"]._dom_classes
    assert "reconsideration: {upheld: 2," in new_year.read_text(encoding="utf-8")


def test_a_column_out_of_balance_is_marked_beside_it_until_it_balances(new_year):
    sheet = _opened(new_year)
    grid = _grid(sheet, "applications")
    for text in grid.inputs.values():
        if text.value == "":
            text.value = "0"
    grid.inputs["applications.received.natural"].value = "2"  # 2 + 0 ≠ 0 + 0
    assert "不平衡" in grid.marks["自然人"].value and not grid.marks["商业企业"].value
    assert not any("xxgk-quiet" in cell._dom_classes for cell in grid.check_row)
    assert "“自然人”列：应为一、本年新收（2）+ 二、上年结转（0）" in grid.note.value
    grid.inputs["applications.carried_over.natural"].value = "2"
    assert not grid.marks["自然人"].value and "自然人" not in grid.note.value
    assert all("xxgk-quiet" in cell._dom_classes for cell in grid.check_row)  # the 核对 row is gone again


FILLED = {"national-2021": ROOT / "data" / "nanhu" / "2025.yaml",
          "national-2019": ROOT / "data" / "nanhu" / "2020.yaml"}


def _inputs(fmt: str, tmp: Path) -> list[str]:
    path = tmp / fmt / "nanhu" / FILLED[fmt].name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FILLED[fmt], path)
    sheet = _opened(path)
    return [p for grid in sheet.grids for p in grid.inputs if not p.startswith(("publication.", "contact."))]


@pytest.mark.parametrize("fmt", sorted(FILLED))
def test_every_cell_of_every_grid_left_blank_is_refused_by_its_printed_name(fmt, tmp_path):
    paths = _inputs(fmt, tmp_path / "all")
    assert len(paths) > 150
    for index, path in enumerate(paths[:: max(1, len(paths) // 20)]):  # twenty cells spread over every table
        copy = tmp_path / str(index) / "nanhu" / FILLED[fmt].name
        copy.parent.mkdir(parents=True)
        shutil.copy(FILLED[fmt], copy)
        sheet = _opened(copy)
        grid = next(g for g in sheet.grids if path in g.inputs)
        grid.inputs[path].value = ""
        place = place_of(sheet.format, path)
        assert place is not None
        said = [p.describe() for p in sheet.problems if p.is_error and "尚未填写" in p.found]
        assert len(said) == 1, (path, said)
        assert said[0].startswith(place.table) and place.row in said[0], said
        assert short_name(sheet.format, path) in said[0] and not PATH.search(said[0]), said
        assert "尚未填写" in sheet.summary.value and "还有 1 格尚未填写" in grid.note.value
