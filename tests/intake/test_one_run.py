"""A clerk's numbers: every blank field of every format is refused in the form's own words, in a data file and in
a workbook alike, and everything wrong with a file is reported in one run."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import DataFileError
from helpers.intake import excel, gather
from helpers.intake import importer as intake
from helpers.intake.load import dump_yaml, parse_report
from helpers.report import demo
from helpers.report.placeholders import misspelt
from helpers.report.places import name_of
from tests.intake.test_excel import cell_of, filled, generated, lookup

FORMATS = [("legacy-2008", 2018), ("national-2019", 2020), ("national-2021", 2025)]
NUMBERS = ("count", "signed", "amount")
FIELD_PATH = re.compile(r"[a-z_]+\.[a-z_]+")  # what a message must never show: a dotted field path


def number_cells(fmt: str, year: int) -> list[str]:
    return [c.path for c in excel.build_workbook(fmt, year).cells if c.kind in NUMBERS]


def data_of(fmt: str, year: int) -> dict:
    data = demo.district_data([demo.DemoTown("t001", "东城街道")], [year], seed=7)[("t001", year)]
    assert data["format"] == fmt
    return data


def left_blank(data: dict, path: str) -> None:
    *parents, last = path.split(".")
    lookup(data, ".".join(parents))[last] = None


@pytest.mark.parametrize(("fmt", "year"), FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_number_left_blank_in_a_data_file_is_refused_in_the_forms_words(fmt, year, data):
    path = data.draw(st.sampled_from(number_cells(fmt, year)))
    content = data_of(fmt, year)
    left_blank(content, path)
    with pytest.raises(DataFileError) as refused:
        parse_report(dump_yaml(content), "t001/2025.yaml")
    [problem] = [p for p in refused.value.problems if "尚未填写" in p.found]
    shown = problem.describe()
    assert shown.startswith(f"{name_of(fmt, path)}：") and problem.line is not None, (path, shown)
    assert not FIELD_PATH.search(shown), shown
    expected = "非负金额" if excel_kind(fmt, year, path) == "amount" else "整数"
    assert expected in problem.expected, (path, problem.expected)


def excel_kind(fmt: str, year: int, path: str) -> str:
    return next(c.kind for c in excel.build_workbook(fmt, year).cells if c.path == path)


@pytest.mark.parametrize(("fmt", "year"), FORMATS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_number_left_blank_in_a_workbook_is_refused_at_its_cell_in_the_forms_words(tmp_path_factory, fmt, year,
                                                                                      data):
    path = data.draw(st.sampled_from(number_cells(fmt, year)))
    where = cell_of(fmt, year, path)
    out = tmp_path_factory.mktemp("blank")
    book = filled(data_of(fmt, year), out / "b.xlsx", **{where: None})
    result = intake.import_workbook(book, out / "data")
    assert not result.ok and not (out / "data").exists()
    [line] = [line for line in result.lines if "尚未填写" in line and "警告" not in line]
    assert line.startswith(f"b.xlsx {where}：{name_of(fmt, path)}：") or line.startswith(
        f"b.xlsx {where}（{name_of(fmt, path)}）："), (path, line)
    assert not FIELD_PATH.search(line.partition("：")[2]), line


def five_problems(data: dict) -> dict[str, object]:
    """A text in a number cell, a negative number, an impossible date, an unbalanced column and a misspelt
    placeholder, by field path."""
    return {
        "active.licensing.decisions": "很多",
        "applications.received.commercial": -3,
        "publication.date": "2027年13月1日",
        "applications.received.natural": data["applications"]["received"]["natural"] + 1,
        "prose.problems": "{{ yaer }}年，我镇政务公开工作还存在一些不足。" + data["prose"]["problems"],
    }


def assert_all_five(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert "表二“行政许可”行“本年处理决定数量”列" in text and "实际为文本“很多”" in text, text
    assert "表三“一、本年新收政府信息公开申请数量”行“商业企业”列" in text and "实际为负数 -3" in text, text
    assert "“发布日期（落款日期）”" in text and "实际为文本“2027年13月1日”" in text, text
    assert "表三“自然人”列：应为一、本年新收" in text, text  # the balance, judged though other cells are wrong
    assert "“五、存在的主要问题及改进情况”" in text and "“yaer”" in text and "应为 year？" in text, text
    # the 商业企业 column holds a wrong cell: its balance is not judged, and the message says so
    assert "表三“商业企业”列" not in text and "含它们的合计与勾稽关系本次未核对" in text, text
    assert "缺少该字段" not in text, text  # no follow-up of a cell already named
    assert not [line for line in lines if FIELD_PATH.search(line.partition("：")[2])], text


def test_a_workbook_with_five_problems_gets_all_five_in_one_run(tmp_path):
    data = generated(2025)
    cells = {cell_of("national-2021", 2025, path): value for path, value in five_problems(data).items()}
    result = intake.import_workbook(filled(data, tmp_path / "five.xlsx", **cells), tmp_path / "data")
    assert not result.ok and not (tmp_path / "data").exists()
    assert_all_five(result.lines)


def test_a_data_file_with_five_problems_gets_all_five_in_one_check(tmp_path):
    data = generated(2025)
    for path, value in five_problems(data).items():
        *parents, last = path.split(".")
        lookup(data, ".".join(parents))[last] = value
    target = tmp_path / "data" / "t001" / "2025.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(dump_yaml(data), encoding="utf-8")
    report, problems = gather.check_file(target)
    assert_all_five([str(p) for p in problems + misspelt(report)])
    assert report.applications.received.commercial is None  # the wrong cell is blank in what was judged


def test_a_file_that_cannot_be_read_into_a_report_is_still_refused_whole(tmp_path):
    data = generated(2025)
    del data["applications"]["received"]  # a whole row missing: nothing can be judged on it
    target = tmp_path / "data" / "t001" / "2025.yaml"
    target.parent.mkdir(parents=True)
    target.write_text(dump_yaml(data), encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        gather.check_file(target)
    assert refused.value.judged is None
    assert any("表三“一、本年新收政府信息公开申请数量”行" in str(p) for p in refused.value.problems)


def test_an_amount_left_blank_is_said_to_be_an_amount():
    data = generated(2025)
    data["active"]["fees"]["amount"] = None
    with pytest.raises(DataFileError) as refused:
        parse_report(dump_yaml(data), "t.yaml")
    [problem] = [p for p in refused.value.problems if "尚未填写" in p.found]
    assert "金额" in problem.expected and "整数" not in problem.expected, problem
    assert isinstance(generated(2025)["active"]["fees"]["amount"], Decimal | int | float)
    data["processing_fees"] = {"notices": None, "billed": None, "collected": None}  # a count and two amounts
    with pytest.raises(DataFileError) as refused:
        parse_report(dump_yaml(data), "t.yaml")
    [row] = [p for p in refused.value.problems if "发出收费通知件数、收费金额、实际收取金额" in p.found]
    assert "件数为非负整数" in row.expected and "金额" in row.expected, row
