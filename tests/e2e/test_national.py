"""A 2019-format and a 2021-format report built end to end; every table cell read back from the HTML."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

from helpers.intake.load import load_report, write_district
from helpers.output.layout import format_value
from helpers.report import demo, tables
from tests.conftest import visible_text
from tests.e2e.test_build import xxgk


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("national")
    town = demo.DemoTown("qingshan", "青山镇", urban=True)
    write_district(base / "data", demo.district_data([town], [2020, 2024, 2025], seed=11))
    run = xxgk("build", "--data", str(base / "data"), "--out", str(base / "outputs"))
    assert run.returncode == 0, run.stdout + run.stderr
    return base


def _expected(report) -> list[pd.DataFrame]:
    return [
        *tables.active_tables(report),
        tables.applications_table(report),
        tables.appeals_table(report),
        *([tables.fee_table(report)] if report.year >= 2021 else []),
    ]


@pytest.mark.parametrize("year", [2020, 2025])
def test_every_table_cell_reads_back(built, year):
    report = load_report(built / "data" / "qingshan" / f"{year}.yaml")
    html = (built / "outputs" / str(year) / "qingshan.html").read_text(encoding="utf-8")
    if "与往年数据对比" in html:  # checked in its own test below
        html = html[: html.index("<h3>与往年数据对比</h3>")] + html[html.index("</figure>") :]
    parsed = pd.read_html(StringIO(html), thousands=None, keep_default_na=False)
    expected = _expected(report)
    assert len(parsed) == len(expected)
    for got, want in zip(parsed, expected, strict=True):
        width = want.shape[1]
        body = got.iloc[-len(want) :, -width:].astype(float).to_numpy().tolist()
        assert body == [[float(format_value(v)[0]) for v in row] for row in want.itertuples(index=False)], want.attrs
        if want.attrs.get("row_headers", True):
            labels = got.iloc[-len(want) :, 0].astype(str).tolist()
            firsts = [key[0] if isinstance(key, tuple) else key for key in want.index]
            assert labels == firsts


def test_2021_report_has_the_six_official_parts_and_the_sample_notice(built):
    html = (built / "outputs" / "2025" / "qingshan.html").read_text(encoding="utf-8")
    text = visible_text(html)
    for part in [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]:
        assert f">{part}</h2>" in html
    assert "示例数据" in text and "共6个部分组成" in text
    assert "信息处理费" in text
    report = load_report(built / "data" / "qingshan" / "2025.yaml")
    assert f'<td class="num">{report.active.fees.amount:.2f}</td>' in html


def test_2019_report_has_no_fee_table(built):
    html = (built / "outputs" / "2020" / "qingshan.html").read_text(encoding="utf-8")
    assert "信息处理费收取情况" not in html
    assert "第二十条第（九）项" in html


def test_unbalanced_file_is_not_built(built, tmp_path):
    data = tmp_path / "data" / "qingshan"
    data.mkdir(parents=True)
    text = (built / "data" / "qingshan" / "2025.yaml").read_text(encoding="utf-8")
    marker = "  received: {natural: "
    start = text.index(marker) + len(marker)
    number = text[start : text.index(",", start)]
    (data / "2025.yaml").write_text(text.replace(marker + number, marker + str(int(number) + 1), 1), encoding="utf-8")
    run = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "outputs"))
    assert run.returncode == 1
    assert "表三“自然人”列" in run.stdout
    assert not (tmp_path / "outputs" / "2025" / "qingshan.html").exists()


def test_year_over_year_table_and_trend_chart(built):
    html = (built / "outputs" / "2025" / "qingshan.html").read_text(encoding="utf-8")
    assert "<h3>与往年数据对比</h3>" in html and "<caption>主要数据与2024年对比</caption>" in html
    chart = html[html.index('<figure class="chart">') : html.index("</figure>")]
    assert "<title" in chart and "历年主动公开与收到申请情况" in chart
    assert ">2020</text>" in chart and ">2025</text>" in chart and chart.count("<svg") == 2  # one plot a quantity
    assert "<script" not in html
    first = (built / "outputs" / "2020" / "qingshan.html").read_text(encoding="utf-8")
    assert "与往年数据对比" not in first


def test_open_data_and_district_summary_beside_the_reports(built):
    out = built / "outputs"
    data = json.loads((out / "2025" / "qingshan.json").read_text(encoding="utf-8"))
    assert data["organ"]["slug"] == "qingshan" and data["tables"]["applications"][0]["cells"]
    summary = (out / "2025" / "yangli-summary.html").read_text(encoding="utf-8")
    assert "<title>示例市样例区2025年政府信息公开工作年度报告汇总</title>" in summary
    assert "三、收到和处理政府信息公开申请情况（全区合计）" in summary and '<figure class="chart">' in summary
    csv = (out / "2025" / "yangli.csv").read_bytes()
    assert csv.startswith("\ufeff".encode()) and "青山镇".encode() in csv
    index = (out / "index.html").read_text(encoding="utf-8")
    for href in ("2025/qingshan.json", "2025/yangli-summary.html", "2025/yangli.csv", "2025/qingshan.html"):
        assert f'href="{href}"' in index
