"""Official table layout: spans, scope, captions and number formatting in the HTML."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from helpers.output.layout import format_value, table_html
from helpers.report import tables
from helpers.report.model import Change
from tests.report.test_tables import _generated


def test_table3_header_spans_follow_the_official_layout():
    html = table_html(tables.applications_table(_generated(2025)))
    assert '<td class="corner" rowspan="3" colspan="3">（本列数据的勾稽关系为' in html
    assert '<th scope="colgroup" colspan="7">申请人情况</th>' in html
    assert '<th scope="col" rowspan="2">自然人</th>' in html
    assert '<th scope="colgroup" colspan="5">法人或其他组织</th>' in html
    assert '<th scope="col" rowspan="2">总计</th>' in html
    assert '<th scope="row" colspan="3">一、本年新收政府信息公开申请数量</th>' in html
    assert '<th scope="rowgroup" rowspan="22">三、本年度办理结果</th>' in html
    assert '<th scope="rowgroup" rowspan="8">（三）不予公开</th>' in html
    assert '<th scope="row" colspan="2">（七）总计</th>' in html
    assert "<caption>三、收到和处理政府信息公开申请情况</caption>" in html


def test_table4_has_three_groups_of_five():
    html = table_html(tables.appeals_table(_generated(2025)))
    assert '<th scope="colgroup" rowspan="2" colspan="5">行政复议</th>' in html
    assert '<th scope="colgroup" colspan="10">行政诉讼</th>' in html
    assert html.count('<th scope="col">结果维持</th>') == 3
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
