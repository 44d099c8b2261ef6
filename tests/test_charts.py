"""Charts are valid SVG, keep Chinese as <text>, carry a title and a description, and stay small."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from helpers.charts import bar_chart, line_chart
from helpers.load import load_report
from helpers.notebook import trend_chart
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_valid_svg_with_chinese_text():
    towns = ["东城街道", "西城街道", "南湖街道"]
    svg = bar_chart(towns, [115, 20, 3], title="各镇街收到申请", desc="东城街道115件，西城街道20件，南湖街道3件")
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "各镇街收到申请" and "东城街道115件" in desc.text
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    assert set(towns) <= set(texts(root))
    assert len(svg.encode("utf-8")) < 40_000
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/", "")


def test_trend_chart_of_sample_town_names_every_year():
    reports = [load_report(ROOT / "data" / "nanhu" / f"{y}.yaml") for y in (2020, 2023, 2024, 2025)]
    svg = trend_chart(reports)
    root = parse(svg)
    labels = texts(root)
    assert {"2020年", "2023年", "2024年", "2025年", "主动公开", "收到申请"} <= set(labels)
    assert len(svg.encode("utf-8")) < 40_000


def test_chart_ids_are_stable_and_distinct():
    a = line_chart(["2024年", "2025年"], {"甲": [1, 2]}, title="甲", desc="一")
    assert a == line_chart(["2024年", "2025年"], {"甲": [1, 2]}, title="甲", desc="一")
    b = line_chart(["2024年", "2025年"], {"甲": [1, 2]}, title="乙", desc="二")
    assert parse(a).get("id") != parse(b).get("id")
