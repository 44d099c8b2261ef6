"""Reading published pages by their labels: one fixture page per real-world variant (tests/fixtures/pages/,
each made like a district government's page: site header, navigation, breadcrumbs, share and print links,
footer), each read into the right cells with the expected notes; and the pages that must be refused."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from helpers.intake.pages import read_page
from helpers.intake.transcribe import NotAReport, parse_cell, transcribe
from tests.conftest import FIXTURES

PAGES = FIXTURES / "pages"
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other")
ROWS_2021 = (
    "received", "carried_in", "results.granted", "results.partial",
    *(f"results.refused.{k}" for k in ("state_secret", "law_prohibited", "three_safety", "third_party",
                                         "internal_affairs", "process_info", "enforcement_files", "query_items")),
    *(f"results.unable.{k}" for k in ("not_held", "needs_creation", "unclear")),
    *(f"results.not_processed.{k}" for k in ("petition", "repeated", "publication", "excessive", "confirmation")),
    *(f"results.other.{k}" for k in ("no_correction", "no_fee", "other")),
    "carried_over",
)
# The figures every 2021 fixture page prints (cells not named here are 0).
NONZERO = {
    "received": {"natural": 10, "commercial": 2, "social": 1},
    "carried_in": {"natural": 1},
    "results.granted": {"natural": 5, "commercial": 1},
    "results.partial": {"natural": 2},
    "results.refused.third_party": {"natural": 1},
    "results.unable.not_held": {"natural": 2, "commercial": 1, "social": 1},
    "results.not_processed.repeated": {"natural": 1},
}
ACTIVE_2021 = {
    "rules": {"issued": 0, "repealed": 0, "in_force": 0},
    "normative": {"issued": 3, "repealed": 1, "in_force": 12},
    "licensing": {"decisions": 240},
    "punishment": {"decisions": 35},
    "enforcement": {"decisions": 2},
    "fees": {"amount": Decimal("12.5")},
}
APPEALS = {
    "reconsideration": {"upheld": 1, "corrected": 0, "other": 0, "pending": 0},
    "lawsuit_direct": {"upheld": 0, "corrected": 1, "other": 0, "pending": 0},
    "lawsuit_after": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0},
}


def _at(data: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        data = data[key]
    return data


def _read(name: str):
    return transcribe(read_page(PAGES / name))


def _table_three(data: dict[str, Any], blank: tuple[str, ...] = ()) -> None:
    for row in ROWS_2021:
        expected = {c: None if c in blank else NONZERO.get(row, {}).get(c, 0) for c in COLUMNS}
        if blank:  # the printed 总计 of a row with blank cells is kept: it is not the sum of what is known
            expected["total"] = sum(NONZERO.get(row, {}).values())
        assert _at(data["applications"], row) == expected, row


def _standard_tables(data: dict[str, Any], blank: tuple[str, ...] = ()) -> None:
    assert data["format"] == "national-2021" and data["source"] == "published"
    assert data["active"] == ACTIVE_2021
    _table_three(data, blank)
    assert data["appeals"] == APPEALS


def test_a_standard_2021_page_reads_every_part():
    result = _read("standard-2021.html")
    assert result.errors == []
    data = result.data
    _standard_tables(data)
    assert data["year"] == 2023
    assert data["organ"] == {"town": "光华镇", "district": "临江区", "city": "清河市", "kind": "镇",
                             "name": "清河市临江区光华镇人民政府",  # as its 落款 signs
                             "title": "清河市临江区光华镇2023年政府信息公开工作年度报告"}  # as printed
    assert data["processing_fees"] == {"notices": 1, "billed": Decimal(300), "collected": Decimal(300)}
    assert data["publication"] == {"site": "清河市临江区人民政府门户网站",
                                   "url": "http://www.linjiang.example.gov.cn",
                                   "column": "“政府信息公开年报”栏目", "date": "2024-01-18"}
    assert data["contact"] == {"office": "光华镇党政办公室", "address": "临江区光华镇人民路1号", "postcode": "123456",
                               "phone": "0123-4567890"}
    prose = data["prose"]
    assert prose["overview"].startswith("2023年，光华镇坚持以习近平新时代中国特色社会主义思想为指导")
    assert prose["active"] == "2023年，光华镇通过区政府门户网站光华镇专栏主动公开政府信息326条。"
    assert prose["oversight"] == "将政务公开工作纳入年度考核，开展业务培训2次。"
    assert prose["problems"] == ("2023年，光华镇政务公开工作虽取得一定成效，但仍存在政策解读形式单一等问题。\n\n"
                                 "下一步，将进一步丰富解读形式，加强业务培训。")
    # The fee table's caption and the 落款 are not prose; nor is any of the site's furniture.
    assert prose["other"] == ("2023年，光华镇依据《政府信息公开信息处理费管理办法》发出收费通知1件，"
                              "收取信息处理费300元。")
    text = "".join(prose.values())
    for furniture in ("打印本页", "关闭窗口", "分享到", "当前位置", "网站标识码", "首页", "相关链接", "人民政府\n"):
        assert furniture not in text


def test_a_gbk_page_reads_like_a_utf8_one():
    raw = (PAGES / "gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    result = _read("gbk.html")
    assert result.errors == []
    _standard_tables(result.data)
    assert result.data["organ"]["town"] == "青石镇"
    assert "青石镇坚持" in result.data["prose"]["overview"]


def test_line_breaks_inside_label_cells_still_match():
    assert "1.属于国家<br>秘密" in (PAGES / "br-labels.html").read_text(encoding="utf-8")
    result = _read("br-labels.html")
    assert result.errors == []
    _standard_tables(result.data)


def test_2019_labels_in_a_2021_table_and_headers_that_name_the_year():
    text = (PAGES / "labels-2019-in-2021.html").read_text(encoding="utf-8")
    assert "本年(2023)制发件数" in text and "现行有效件<" in text and ">规范性文件<" in text
    result = _read("labels-2019-in-2021.html")
    assert result.errors == []
    data = result.data
    assert data["format"] == "national-2021"
    assert data["active"]["normative"] == {"issued": 3, "repealed": 1, "in_force": 12}
    assert data["active"]["fees"] == {"amount": Decimal(240)}  # “240万元” in a 万元 column


def test_2019_change_columns_spelt_three_ways_and_an_amount_with_its_unit():
    text = (PAGES / "change-spellings-2019.html").read_text(encoding="utf-8")
    assert "本年增\\减" in text and "本年增/<" in text
    result = _read("change-spellings-2019.html")
    assert result.errors == []
    data = result.data
    assert data["format"] == "national-2019" and data["year"] == 2020
    assert data["active"]["licensing"] == {"previous": 31, "change": 4, "decisions": 188}
    assert data["active"]["other_services"] == {"previous": 6, "change": -1, "decisions": 20}
    assert data["active"]["punishment"] == {"previous": 12, "change": 0, "decisions": 27}
    assert data["active"]["enforcement"] == {"previous": 3, "change": 1, "decisions": 4}
    assert data["active"]["fees"] == {"previous": 2, "change": 0}
    assert data["active"]["procurement"] == {"projects": 7, "amount": Decimal("1646.5"), "unit": "万元"}
    assert data["applications"]["results"]["other"] == dict.fromkeys(COLUMNS, 0)  # 2019: one row


def test_an_amount_in_yuan_in_a_wanyuan_column_is_converted_and_said():
    result = _read("units-in-cells.html")
    assert result.errors == []
    assert result.data["active"]["fees"] == {"amount": Decimal("25.1")}
    assert any("“251000元”按万元记为 25.1" in note and "行政事业性收费" in note for note in result.notes)


def test_full_width_digits():
    assert "１２" in (PAGES / "full-width-digits.html").read_text(encoding="utf-8")
    result = _read("full-width-digits.html")
    assert result.errors == []
    _standard_tables(result.data)


def test_blank_cells_stay_blank_never_zero():
    result = _read("blank-cells.html")
    assert result.errors == []
    _standard_tables(result.data, blank=("research", "social"))


def test_an_extra_empty_column_is_ignored():
    result = _read("extra-column.html")
    assert result.errors == []
    _standard_tables(result.data)


def test_table_three_split_by_a_page_break_reads_as_one():
    page = read_page(PAGES / "split-table.html")
    assert sum("予以公开" in str(g.rows) or "不予处理" in str(g.rows) for g in page.grids) == 2
    result = transcribe(page)
    assert result.errors == []
    _standard_tables(result.data)


def test_label_column_merged_differently():
    result = _read("merged-labels.html")
    assert result.errors == []
    _standard_tables(result.data)


def test_rows_with_explanations_in_brackets_and_sub_headings_run_into_their_text():
    result = _read("bracket-notes.html")
    assert result.errors == []
    _standard_tables(result.data)
    assert result.data["prose"]["requests"] == "全年共受理政府信息公开申请13件，均在法定期限内答复。"


def test_rows_table_three_adds_are_kept_with_their_numbers_as_printed():
    result = _read("unmatched-rows.html")
    assert result.errors == []
    assert result.data["applications"]["added"] == [
        {"label": "（三）不予公开 9.属于其他不予公开情形", "cells": [1, 0, 0, 0, 0, 0, 1]},
        {"label": "（八）申请人撤回申请", "cells": [2, 0, 0, 0, 0, 0, 2]},
    ]
    assert any("表三“（八）申请人撤回申请”行：不是官方格式中的行，按原报告增列的行记录" in n for n in result.notes)


def test_rows_of_table_two_that_cannot_be_placed_are_named_as_printed(tmp_path):
    page = (PAGES / "standard-2021.html").read_text(encoding="utf-8").replace(">行政强制<", ">行政征收<")
    (tmp_path / "levy.html").write_text(page, encoding="utf-8")
    result = transcribe(read_page(tmp_path / "levy.html"))
    assert len(result.errors) == 1
    assert "表二第" in result.errors[0] and "“行政征收”：不是官方格式中的行，无法对应" in result.errors[0]


@pytest.mark.parametrize(("name", "says"), [  # (a 2008-format page is read: test_real_pages)
    ("not-a-report.html", "not-a-report.html：这不是政府信息公开工作年度报告（找不到报告标题和表二、表三、表四）"),
])
def test_pages_that_are_not_national_reports_are_one_sentence(name, says):
    with pytest.raises(NotAReport) as refused:
        _read(name)
    assert str(refused.value).startswith(says)


@pytest.mark.parametrize(("text", "kind", "unit", "value"), [
    ("１２", "count", "", 12), ("12件", "count", "", 12), ("1,024", "count", "", 1024), ("", "count", "", None),
    ("—", "count", "", None), ("+4", "signed", "", 4), ("－3", "signed", "", -3), ("240万元", "amount", "万元", 240),
    ("251000元", "amount", "万元", Decimal("25.1")), ("1.5万元", "amount", "元", 15000),
])
def test_a_printed_cell(text, kind, unit, value):
    assert parse_cell(text, kind, unit)[0] == value


@pytest.mark.parametrize(("text", "kind"), [("三", "count"), ("-1", "count"), ("1.5", "count"), ("约10", "amount")])
def test_a_cell_that_is_not_a_number(text, kind):
    with pytest.raises(ValueError):
        parse_cell(text, kind)
