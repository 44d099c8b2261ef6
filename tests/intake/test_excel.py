"""The Excel fill-in workbook: official layout, formulas, validation, and an import that names every bad cell."""

from __future__ import annotations

import dataclasses
import random
import re
import time
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.cli import main
from helpers.errors import DataFileError
from helpers.intake import excel
from helpers.intake import importer as intake
from helpers.intake.load import dump_yaml, load_report, parse_report, write_district
from helpers.report import demo
from helpers.report.values import ValueProblem

FORMATS = [("legacy-2008", 2018), ("national-2019", 2020), ("national-2021", 2025)]


def lookup(data: dict, path: str):
    for key in path.split("."):
        data = data.get(key) if isinstance(data, dict) else None
    return data


def filled(data: dict, out: Path, **overrides) -> Path:
    """A workbook filled the way a clerk would, from generated data; ``overrides`` maps 'sheet!ref' → value."""
    layout = excel.build_workbook(data["format"], data["year"])
    for cell in layout.cells:
        value = lookup(data, cell.path)
        layout.workbook[cell.sheet][cell.ref].value = (
            {True: "是", False: "否"}.get(value, value)
            if isinstance(value, bool)
            else (float(value) if isinstance(value, Decimal) else value)
        )
    for where, value in overrides.items():
        sheet, ref = where.split("!")
        layout.workbook[sheet][ref].value = value
    layout.workbook.save(out)
    return out


def generated(year: int, seed: int = 4) -> dict:
    return demo.district_data([demo.DemoTown("t001", "东城街道")], [year], seed=seed)[("t001", year)]


def cell_of(fmt: str, year: int, path: str) -> str:
    return next(f"{c.sheet}!{c.ref}" for c in excel.build_workbook(fmt, year).cells if c.path == path)


@pytest.mark.parametrize(("fmt", "year"), FORMATS)
def test_round_trip_gives_the_original_data(tmp_path, fmt, year):
    data = generated(year)
    result = intake.import_workbook(filled(data, tmp_path / "t.xlsx"), tmp_path / "data")
    assert result.ok, result.lines
    assert load_report(result.written) == parse_report(dump_yaml(data), "original.yaml")


def test_table3_layout_is_official():
    wb = excel.build_workbook("national-2021", 2025).workbook
    ws = wb["表三"]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:C3", "D1:J1", "D2:D3", "E2:I2", "J2:J3"} <= merged
    assert ws["A1"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert [ws.cell(3, c).value for c in range(5, 10)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert ws["A4"].value == "一、本年新收政府信息公开申请数量" and ws["J4"].value == "=SUM(D4,E4,F4,G4,H4,I4)"
    labels = [ws.cell(r, 3).value for r in range(8, 27)]
    assert "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels
    assert ws.protection.sheet and not ws["D4"].protection.locked and ws["A4"].protection.locked
    assert any(
        "D4" in str(dv.sqref) and dv.type == "whole" and dv.formula1 == "0" for dv in ws.data_validations.dataValidation
    )
    check = next(r for r in range(4, 40) if (ws.cell(r, 1).value or "").startswith("勾稽关系核对"))
    assert ws.cell(check, 4).value.startswith("=IF(D4+D5=D27+D28")
    assert ws.conditional_formatting


def test_table4_and_table2_layout():
    wb = excel.build_workbook("national-2019", 2020).workbook
    ws = wb["表四"]
    assert {"A1:E2", "F1:O1", "F2:J2", "K2:O2"} <= {str(r) for r in ws.merged_cells.ranges}
    assert ws["E4"].value == "=SUM(A4,B4,C4,D4)" and ws["O3"].value == "总计"
    ws = wb["表二"]
    captions = [
        ws.cell(r, 1).value for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("第二十条")
    ]
    assert captions == [f"第二十条第（{n}）项" for n in ("一", "五", "六", "八", "九")]


def test_template_for_a_town_fills_its_details_and_last_years_carry_over(tmp_path):
    data = demo.district_data([demo.DemoTown("t001", "东城街道", urban=True)], [2025], seed=2)
    write_district(tmp_path, data)
    values = excel.prefill_from(tmp_path, "t001", 2026, "national-2021")
    assert values["organ.town"] == "东城街道" and values["contact.email"] == "t001@example.gov.cn"
    carried = data[("t001", 2025)]["applications"]["carried_over"]
    assert values["applications.carried_in.natural"] == carried["natural"]
    ws = excel.build_workbook("national-2021", 2026, values).workbook["表三"]
    assert ws["D5"].value == carried["natural"]


@pytest.mark.parametrize(
    ("raw", "kind", "value"),
    [
        ("１２", "count", 12),
        (" 7 ", "count", 7),
        ("12", "count", 12),
        (3.0, "count", 3),
        (None, "count", None),  # a blank is not yet filled in: never a 0 nobody typed
        ("", "count", None),
        (None, "amount", None),
        ("－2", "signed", -2),
        ("１２.５", "amount", Decimal("12.5")),
        ("大信镇 ", "text", "大信镇"),
        ("第一段，第二段。  ", "markdown", "第一段，第二段。\n"),
        ("是", "flag", True),
    ],
)
def test_cells_that_went_through_excel_or_wps_are_accepted(raw, kind, value):
    assert excel.read_cell(raw, kind) == value


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("五", "count"),
        (3.5, "count"),
        (-1, "count"),
        ("1,234", "count"),
        ("-", "count"),
        ("abc", "amount"),
        (-0.5, "amount"),
        (True, "count"),
        ("也许", "flag"),
    ],
)
def test_ambiguous_cells_are_rejected(raw, kind):
    with pytest.raises(ValueProblem):
        excel.read_cell(raw, kind)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("applications.received.natural", "五", "应为非负整数，实际为文本“五”"),
        ("applications.results.granted.legal", 2.5, "应为非负整数，实际为小数 2.5"),
        ("appeals.lawsuit_direct.upheld", -1, "应为非负整数，实际为负数 -1"),
        ("active.fees.amount", "很多", "应为非负金额"),
        ("organ.town", None, "应为非空文本"),
    ],
)
def test_rejected_cells_are_named_by_workbook_sheet_and_cell(tmp_path, path, value, message):
    where = cell_of("national-2021", 2025, path)
    book = filled(generated(2025), tmp_path / "东城街道-2025.xlsx", **{where: value})
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok
    assert any(line.startswith(f"东城街道-2025.xlsx {where}") and message in line for line in result.lines), (
        result.lines
    )
    assert not (tmp_path / "data").exists()


def test_numbers_left_blank_are_not_yet_filled_in_never_zeros(tmp_path):
    """A workbook whose 表三 and 表四 were left blank is refused, each blank row named once at its cell; no data
    file is written; a 0 typed in a cell stays a 0 that someone entered."""
    data = generated(2025)
    layout = excel.build_workbook("national-2021", 2025)
    blanks = {f"{c.sheet}!{c.ref}": None for c in layout.cells
              if c.path.startswith(("applications.", "appeals.")) and c.kind == "count"}
    zero = cell_of("national-2021", 2025, "applications.received.natural")
    blanks[zero] = 0
    book = filled(data, tmp_path / "b.xlsx", **blanks)
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok and not (tmp_path / "data").exists()
    unfilled = [line for line in result.lines if "尚未填写" in line and "警告" not in line]
    assert any(line.startswith(f"b.xlsx {cell_of('national-2021', 2025, 'appeals.reconsideration.upheld')}")
               for line in unfilled), unfilled
    received = [line for line in unfilled if "表三“一、本年新收政府信息公开申请数量”行" in line]
    assert len(received) == 1 and "自然人" not in received[0] and "商业企业" in received[0], received  # 0 entered
    assert not any(re.search(r"[a-z_]+\.[a-z_]+", line.partition("：")[2]) for line in unfilled)  # no field path
    assert len(unfilled) == len({line.split("：")[0] for line in unfilled})  # one message per blank row


def typed_into_both(tmp_path: Path, path: str, typed: str) -> tuple[str, Path]:
    """The same value typed into a data file's text and into a workbook's cell for field ``path``."""
    data = generated(2025)
    *parents, last = path.split(".")
    lookup(data, ".".join(parents))[last] = typed
    book = filled(generated(2025), tmp_path / "t.xlsx", **{cell_of("national-2021", 2025, path): typed})
    return dump_yaml(data), book


@pytest.mark.parametrize(("path", "typed", "value"), [
    ("active.licensing.decisions", "12件", 12),
    ("active.licensing.decisions", "１２", 12),
    ("active.licensing.decisions", "12 个", 12),
    ("active.fees.amount", "28.46万元", Decimal("28.46")),  # 表二's 收费金额 is kept in 万元
    ("active.fees.amount", "28.46", Decimal("28.46")),
    ("active.fees.amount", "1200元", Decimal("0.12")),  # typed in 元: converted, never read as 1200 万元
    ("processing_fees.collected", "120元", Decimal("120")),  # 信息处理费 is kept in 元
    ("processing_fees.collected", "0.012万元", Decimal("120")),
    ("publication.date", "2027年1月20日", "2027-01-20"),
    ("publication.date", "2027.1.20", "2027-01-20"),
    ("publication.date", "2027/1/20", "2027-01-20"),
    ("publication.date", "２０２７年１月２０日", "2027-01-20"),
])
def test_a_value_typed_in_a_data_file_or_a_workbook_reads_the_same(tmp_path, path, typed, value):
    """One reader of values: what a clerk types means the same in a data file and in a workbook cell."""
    text, book = typed_into_both(tmp_path, path, typed)
    from_yaml = parse_report(text, "typed.yaml")
    result = intake.import_workbook(book, tmp_path / "data")
    assert result.ok, result.lines
    from_workbook = load_report(result.written)
    for report in (from_yaml, from_workbook):
        assert lookup(dataclasses.asdict(report), path) == value


@pytest.mark.parametrize(("path", "typed", "found"), [
    ("applications.received.natural", "12元", "实际为文本“12元”"),
    ("applications.received.natural", "五件", "实际为文本“五件”"),
    ("publication.date", "2027年13月1日", "实际为文本“2027年13月1日”"),
    ("publication.date", "2027年1月", "实际为文本“2027年1月”"),
])
def test_what_is_refused_is_refused_in_a_data_file_and_a_workbook_in_the_same_words(tmp_path, path, typed, found):
    text, book = typed_into_both(tmp_path, path, typed)
    with pytest.raises(DataFileError) as refused:
        parse_report(text, "typed.yaml")
    assert any(found in p.describe() for p in refused.value.problems), refused.value.problems
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok and any(found in line for line in result.lines), result.lines


def test_an_amount_whose_unit_is_filled_in_elsewhere_is_typed_without_one(tmp_path):
    """2019's 政府集中采购 gives its unit in a field of its own: 12万元 there would say it twice, perhaps two ways."""
    data = generated(2020)
    data["active"]["procurement"]["amount"] = "12万元"
    with pytest.raises(DataFileError) as refused:
        parse_report(dump_yaml(data), "t.yaml")
    assert any("不带单位的金额" in p.describe() and "“12万元”" in p.describe() for p in refused.value.problems)
    data["active"]["procurement"]["amount"] = "12"
    assert parse_report(dump_yaml(data), "t.yaml").active.procurement.amount == Decimal("12")


def test_balance_errors_point_at_a_cell_of_the_column(tmp_path):
    data = generated(2025)
    where = cell_of("national-2021", 2025, "applications.received.natural")
    book = filled(data, tmp_path / "b.xlsx", **{where: data["applications"]["received"]["natural"] + 1})
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok
    assert any(f"b.xlsx {where}：表三“自然人”列：应为一、本年新收" in line for line in result.lines), result.lines


def test_typed_over_totals_are_ignored_and_reported(tmp_path):
    book = filled(generated(2025), tmp_path / "t.xlsx", **{"表三!J4": 999})
    result = intake.import_workbook(book, tmp_path / "data")
    assert result.ok
    assert any("表三!J4" in line and "999" in line and "已忽略" in line for line in result.lines)


def test_existing_data_file_is_kept_unless_overwrite(tmp_path):
    book = filled(generated(2025), tmp_path / "t.xlsx")
    first = intake.import_workbook(book, tmp_path / "data")
    target = first.written
    target.write_text(target.read_text(encoding="utf-8") + "# 人工修改\n", encoding="utf-8")
    again = intake.import_workbook(book, tmp_path / "data")
    assert not again.ok and "已存在，未覆盖" in again.lines[-1]
    assert target.read_text(encoding="utf-8").endswith("# 人工修改\n")
    forced = intake.import_workbook(book, tmp_path / "data", overwrite=True)
    assert forced.ok and not target.read_text(encoding="utf-8").endswith("# 人工修改\n")


def test_invalid_workbook_is_written_beside_only_with_keep_invalid(tmp_path):
    data = generated(2025)
    where = cell_of("national-2021", 2025, "applications.carried_over.natural")
    book = filled(data, tmp_path / "t.xlsx", **{where: data["applications"]["carried_over"]["natural"] + 3})
    assert not intake.import_workbook(book, tmp_path / "data").ok
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.yaml"))
    kept = intake.import_workbook(book, tmp_path / "data", keep_invalid=True)
    assert not kept.ok
    assert [p.name for p in (tmp_path / "data" / "t001").iterdir()] == ["2025.invalid.yaml"]
    assert "--keep-invalid" in kept.lines[-1]


def test_not_a_template(tmp_path):
    from openpyxl import Workbook

    other = tmp_path / "随便.xlsx"
    Workbook().save(other)
    result = intake.import_workbook(other, tmp_path / "data")
    assert not result.ok and "不是本工具生成的填报表" in result.lines[0]


# --- unreadable workbooks: one Chinese line each, the others still imported --------------------------------


def _bomb(path: Path) -> None:
    """A small .xlsx whose shared strings unpack to 60 MB."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "A" * 60_000_000 + "</sst>")


def _bad_crc(path: Path, good: Path) -> None:
    raw = bytearray(good.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = raw.index(name) + len(name) + 40  # inside that member's compressed data
    raw[at] ^= 0xFF
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p, good: p.write_bytes(b""), "文件为空"),
        (lambda p, good: p.write_bytes(random.Random(7).randbytes(4096)), "不是 .xlsx 工作簿"),
        (lambda p, good: p.write_bytes(good.read_bytes()[:2000]), "不是 .xlsx 工作簿"),
        (lambda p, good: p.write_text("镇街代码,名称\nnanhu,南湖\n", encoding="utf-8"), "不是 .xlsx 工作簿"),
        (lambda p, good: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "旧的 .xls 格式"),
        (_bad_crc, "已损坏"),
        (lambda p, good: _bomb(p), "超过填报表的上限 20 MB"),
    ],
    ids=["empty", "random", "truncated", "csv", "xls", "crc", "bomb"],
)
def test_unreadable_workbooks_are_one_chinese_line_and_the_others_import(tmp_path, capsys, make, expected):
    good = filled(generated(2025), tmp_path / "good.xlsx")
    bad = tmp_path / "bad.xlsx"
    make(bad, good)
    assert main(["import", str(bad), str(good), "--data", str(tmp_path / "data")]) == 1
    out = capsys.readouterr().out
    first = next(line for line in out.splitlines() if line.startswith("bad.xlsx"))
    assert expected in first and "Traceback" not in out
    assert "good.xlsx：已导入" in out and (tmp_path / "data/t001/2025.yaml").exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda wb: setattr(wb["表三"], "title", "Sheet3"), "找不到工作表“表三”"),
        (lambda wb: wb["机关信息"].__setitem__("B2", 99999), "应为 2008—"),
        (lambda wb: wb["表三"].__setitem__("D4", "1" * 400), "不超过 12 位的非负整数"),
    ],
    ids=["renamed-sheet", "year", "400-digit-text"],
)
def test_workbooks_changed_out_of_shape_are_refused_in_chinese(tmp_path, change, expected):
    book = filled(generated(2025), tmp_path / "t.xlsx")
    wb = load_workbook(book)
    change(wb)
    wb.save(book)
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok and any(expected in line for line in result.lines), result.lines
    assert not (tmp_path / "data").exists()


def test_a_number_too_large_for_a_float_is_refused_in_chinese(tmp_path):
    """A 400-digit number typed in a cell: stored as 1E+400, read as infinity."""
    import re
    import zipfile

    book = filled(generated(2025), tmp_path / "t.xlsx")
    with zipfile.ZipFile(book) as archive:
        members = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet = "xl/worksheets/sheet4.xml"  # 表三
    members[sheet] = re.sub(rb'<c r="D4"[^>]*>.*?</c>', b'<c r="D4"><v>1E+400</v></c>', members[sheet], count=1)
    with zipfile.ZipFile(book, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok and any("表三!D4" in line and "超出范围的数" in line for line in result.lines), result.lines


def test_excel_template_names_its_file_by_the_town_code_only(tmp_path, monkeypatch, capsys):
    data = generated(2025)
    data["organ"]["town"] = "../../x/evil"
    write_district(tmp_path / "data", {("t001", 2025): data})
    monkeypatch.chdir(tmp_path)
    assert main(["excel-template", "--format", "national-2021", "--year", "2026", "--town", "t001",
                 "--data", str(tmp_path / "data")]) == 0
    assert (tmp_path / "t001-2026.xlsx").exists() and not (tmp_path.parent / "x").exists()
    assert main(["excel-template", "--format", "national-2021", "--year", "2026", "--town", "../evil"]) == 2


def test_a_clerk_names_the_town_and_nothing_else(tmp_path, monkeypatch, capsys):
    """``excel-template --town 东城街道``: the town by its name, the year after its latest report, that year's
    format, and last year's carry-over filled in."""
    data = generated(2025)
    write_district(tmp_path / "data", {("t001", 2025): data})
    monkeypatch.chdir(tmp_path)
    assert main(["excel-template", "--town", "东城街道", "--data", str(tmp_path / "data")]) == 0
    assert "格式 national-2021，2026 年度" in capsys.readouterr().out
    book = load_workbook(tmp_path / "t001-2026.xlsx")
    carried_in = cell_of("national-2021", 2026, "applications.carried_in.natural").split("!")
    assert book[carried_in[0]][carried_in[1]].value == data["applications"]["carried_over"]["natural"]
    assert main(["excel-template", "--data", str(tmp_path / "data")]) == 2
    assert "请用 --year 指定年度" in capsys.readouterr().out


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    data = generated(2025)
    data["organ"]["town"] = "=HYPERLINK(\"javascript:1\")"
    values = {"organ.town": data["organ"]["town"]}
    layout = excel.build_workbook("national-2021", 2026, values)
    layout.workbook.save(tmp_path / "t.xlsx")
    cell = load_workbook(tmp_path / "t.xlsx")["机关信息"]["B4"]
    assert cell.value == data["organ"]["town"] and cell.data_type == "s"


def test_misspelt_placeholders_in_prose_cells_are_all_named_with_their_cell_and_the_right_name(tmp_path):
    overview = cell_of("national-2021", 2025, "prose.overview")
    problems = cell_of("national-2021", 2025, "prose.problems")
    book = filled(
        generated(2025),
        tmp_path / "t.xlsx",
        **{overview: "{{ organ.twn }}全年收到申请{{ totals.recieved }}件。", problems: "{{ yaer }}年起逐项整改。"},
    )
    result = intake.import_workbook(book, tmp_path / "data")
    assert not result.ok
    found = [line for line in result.lines if "报告中有的名称" in line]
    assert len(found) == 3, result.lines
    assert f"t.xlsx {overview}" in found[0] and "{{ organ.twn }}" in found[0] and "应为 organ.town？" in found[0]
    assert f"t.xlsx {overview}" in found[1] and "应为 totals.received？" in found[1]
    assert f"t.xlsx {problems}" in found[2] and "应为 year？" in found[2]
    assert overview.startswith("正文!B")


def _with_range(workbook: Path, out: Path, xml: str) -> Path:
    """The workbook with ``xml`` (a mergeCells or hyperlinks element) added to its 表三 sheet's XML."""
    with zipfile.ZipFile(workbook) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet4.xml":
                text = data.decode()
                data = re.sub(r"(</sheetData>)", r"\1" + xml, text, count=1).encode()
            dst.writestr(item, data)
    return out


@pytest.mark.parametrize(("xml", "what"), [
    ('<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>', "合并单元格范围 A1:XFD1048576"),
    ('<mergeCells count="1"><mergeCell ref="A1:Z40000"/></mergeCells>', "合并单元格范围 A1:Z40000"),
    ('<hyperlinks><hyperlink ref="A1:Z40000" display="x"/></hyperlinks>', "超链接范围 A1:Z40000"),
])
def test_a_range_beyond_a_fill_in_workbook_is_refused_before_it_is_expanded(tmp_path, xml, what):
    data = generated(2025)
    path = _with_range(filled(data, tmp_path / "t.xlsx"), tmp_path / "big.xlsx", xml)
    assert path.stat().st_size < 100_000
    started = time.process_time()
    result = intake.import_workbook(path, tmp_path / "data")
    assert not result.ok and any(what in line and "超出填报表的大小" in line for line in result.lines), result.lines
    assert time.process_time() - started < 10  # refused from the XML, not after openpyxl made the cells
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").rglob("*.yaml"))


def test_a_formula_in_a_prose_cell_is_noted(tmp_path):
    data = generated(2025)
    where = cell_of(data["format"], 2025, "prose.other")
    result = intake.import_workbook(filled(data, tmp_path / "t.xlsx", **{where: '=CONCAT("无其他", "事项")'}),
                                    tmp_path / "data")
    assert any(f"{where}：单元格是公式" in line for line in result.lines), result.lines
