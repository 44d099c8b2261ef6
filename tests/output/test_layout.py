"""Official table layout: spans, scope, captions and number formatting in the HTML."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd

from helpers.output.layout import MAX_VIEWPORT_REM, MIN_VIEWPORT_REM, format_value, hint_rules, table_block, table_html
from helpers.report import tables
from helpers.report.model import Change
from tests.conftest import ROOT
from tests.report.test_tables import _generated


def test_table3_header_spans_follow_the_official_layout():
    html = table_html(tables.applications_table(_generated(2025)))
    assert '<td class="corner" rowspan="3" colspan="3">（本列数据的勾稽关系为' in html
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in html
    assert '<th scope="col" class="nb" rowspan="2">自然人</th>' in html  # a short label never breaks
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in html
    assert '<th scope="col" class="nb" rowspan="2">总计</th>' in html
    assert '<th scope="row" colspan="3">一、本年新收政府信息公开申请数量</th>' in html
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert '<th scope="rowgroup" rowspan="8">（三）不予公开</th>' in html
    assert '<th scope="row" colspan="2">（七）总计</th>' in html
    assert "<caption>三、收到和处理政府信息公开申请情况</caption>" in html


def test_table4_has_three_groups_of_five():
    html = table_html(tables.appeals_table(_generated(2025)))
    assert '<th scope="colgroup" class="nb" rowspan="2" colspan="5">行政复议</th>' in html
    assert '<th scope="colgroup" class="nb" colspan="10">行政诉讼</th>' in html
    assert html.count('<th scope="col" class="nb">结果维持</th>') == 3
    assert html.count('<td class="num">') == 15


def test_numbers_zero_and_amounts():
    assert format_value(0) == ("0", "num")
    assert format_value(Decimal("12.5")) == ("12.5", "num")  # amounts keep the digits they were entered with
    assert format_value(Decimal("12.50")) == ("12.50", "num")
    assert format_value(Decimal("0")) == ("0", "num")
    assert format_value(-2) == ("-2", "num")
    assert format_value(Change(19, plus=True)) == ("+19", "num") and format_value(Change(19)) == ("19", "num")


def test_labels_are_escaped():
    frame = pd.DataFrame([[1]], index=["<b>行</b>"], columns=["列"])
    frame.attrs.update(caption="<i>表</i>", corner="项目")
    html = table_html(frame)
    assert "<b>" not in html and "&lt;b&gt;行" in html and "&lt;i&gt;表" in html


def test_short_labels_never_break_and_long_ones_may():
    html = table_html(tables.applications_table(_generated(2025)))
    assert '<th scope="col" class="nb">商业企业</th>' in html
    assert '<th scope="col">社会公益组织</th>' in html  # six characters: may take two lines
    assert '<tr class="spans"><th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert html.count('<tr class="spans">') == 5  # 三、 and its groups (三) to (六) start rows of spanning cells


def test_table_widths_decide_landscape_and_the_phone_hint():
    report = _generated(2025)
    table4 = table_block(tables.appeals_table(report))
    table3 = table_block(tables.applications_table(report))
    assert "print-landscape" in table4 and re.search(r"wide-5\d", table4)  # 15 columns: scrolls below ~54 rem
    assert "print-landscape" not in table3
    assert re.search(r'class="table-wrap wide-(\d+(-5)?)"', table3)
    assert '<span class="scroll-hint" aria-hidden="true"></span>' in table3  # words from CSS, not page text


def test_the_stylesheet_carries_the_hint_rules_layout_writes():
    css = (ROOT / "src/helpers/output/templates/xxgk/static/parts.css").read_text(encoding="utf-8")
    assert hint_rules() in css
    assert hint_rules().count("@media") == 2 * (MAX_VIEWPORT_REM - MIN_VIEWPORT_REM)
