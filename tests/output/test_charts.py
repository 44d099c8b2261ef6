"""Charts are valid SVG, keep Chinese as <text>, carry a title and a description, stay small, and show their
numbers honestly: integer ticks from 0, one quantity per plot, no line across a missing year."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from helpers.intake.load import load_report
from helpers.output.charts import bar_chart, integer_ticks, line_chart, line_panel
from helpers.output.notebook import trend_chart
from tests.conftest import ROOT

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element, cls: str | None = None) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text") if cls is None or t.get("class") == cls]


def test_bar_chart_is_valid_svg_with_chinese_text_and_says_what_is_blank():
    towns = ["东城街道", "西城街道", "南湖街道"]
    svg = bar_chart(towns, [115, None, 3], title="各镇街收到申请", desc="东城街道115件，西城街道未公布，南湖街道3件")
    root = parse(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "各镇街收到申请" and "东城街道115件" in desc.text
    assert set(root.get("aria-labelledby").split()) == {title.get("id"), desc.get("id")}
    assert set(towns) <= set(texts(root)) and "未公布" in texts(root, "value")
    assert len(root.findall(f".//{SVG}rect")) == 2  # the blank is said, not drawn as a bar of 0
    children = list(root)
    assert max(i for i, c in enumerate(children) if c.get("class") == "grid") < min(
        i for i, c in enumerate(children) if c.get("class") == "bar")  # gridlines under the bars
    assert len(svg.encode("utf-8")) < 40_000
    assert "<script" not in svg and "http://" not in svg.replace("http://www.w3.org/", "")


def test_the_sample_towns_trend_is_one_plot_per_quantity_with_the_gap_left_open():
    reports = [load_report(ROOT / "data" / "nanhu" / f"{y}.yaml") for y in (2020, 2023, 2024, 2025)]
    html = trend_chart(reports)
    panels = [parse(s) for s in html.split('<div class="chart-panels">')[1].split("</div>")[0].replace(
        "</svg><svg", "</svg>\n<svg").split("\n")]
    titles = [texts(p, "chart-title")[0] for p in panels]
    assert titles == ["主动公开的许可、处罚、强制决定（件）", "收到政府信息公开申请（件）"]
    for panel in panels:
        segments = [s for s in panel.iter(f"{SVG}line") if s.get("class") == "segment"]
        joined = {(s.get("data-from"), s.get("data-to")) for s in segments}
        assert joined == {("2023", "2024"), ("2024", "2025")}  # 2020 → 2023 is a gap, not a line
        assert len(texts(panel, "value")) == 1
    assert len(html.encode("utf-8")) < 40_000


@given(
    st.lists(st.integers(2008, 2040), min_size=1, max_size=12, unique=True).map(sorted),
    st.data(),
)
def test_ticks_are_integers_from_zero_covering_every_value_and_gaps_are_never_joined(years, data):
    values = data.draw(st.lists(st.one_of(st.none(), st.integers(0, 10**6)), min_size=len(years), max_size=len(years)))
    root = parse(line_panel(years, values, title="件数", desc="说明"))
    ticks = [int(t) for t in texts(root, "y-tick")]
    assert len({t.get("x") for t in root.iter(f"{SVG}text") if t.get("class") == "y-tick"}) == 1  # one y scale
    assert ticks[0] == 0 and ticks == sorted(ticks) and ticks[-1] >= max((v for v in values if v is not None),
                                                                         default=0)
    for segment in (s for s in root.iter(f"{SVG}line") if s.get("class") == "segment"):
        assert int(segment.get("data-to")) == int(segment.get("data-from")) + 1
    known = [y for y, v in zip(years, values, strict=True) if v is not None]
    assert [int(c.get("data-year")) for c in root.iter(f"{SVG}circle")] == known


def test_integer_ticks_use_round_steps():
    assert integer_ticks(0) == [0, 1]
    assert integer_ticks(7) == [0, 2, 4, 6, 8]
    assert integer_ticks(158) == [0, 50, 100, 150, 200]


def test_chart_ids_are_stable_and_distinct():
    a = line_chart([2024, 2025], {"甲": [1, 2]}, desc="一")
    assert a == line_chart([2024, 2025], {"甲": [1, 2]}, desc="一")
    b = line_chart([2024, 2025], {"乙": [1, 2]}, desc="一")
    assert a != b and 'id="chart-' in a
