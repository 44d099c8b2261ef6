"""Charts as Chromium lays them out: no two texts overlap, nothing is drawn outside its plot, and text is at
least 12 px on a 390 px phone — over generated series with gaps and one series 100 times another."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.output.charts import bar_chart, line_chart
from tests.conftest import ROOT

CSS = (ROOT / "src/helpers/output/templates/xxgk/static/parts.css").read_text(encoding="utf-8")
BOXES = """() => [...document.querySelectorAll('svg')].map(svg => ({
  view: svg.viewBox.baseVal.width,
  shown: svg.getBoundingClientRect().width,
  texts: [...svg.querySelectorAll('text')].map(t => {
    const b = t.getBBox();
    return {text: t.textContent, x: b.x, y: b.y, w: b.width, h: b.height,
            px: parseFloat(getComputedStyle(t).fontSize)};
  }),
  height: svg.viewBox.baseVal.height,
}))"""


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["w"] - 0.5 and b["x"] < a["x"] + a["w"] - 0.5 and \
        a["y"] < b["y"] + b["h"] - 0.5 and b["y"] < a["y"] + a["h"] - 0.5


def _check(page, html: str) -> None:  # noqa: ANN001
    page.set_content(f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><style>{CSS}</style>'
                     f'<body style="margin:16px"><figure class="chart">{html}</figure></body></html>')
    for svg in page.evaluate(BOXES):
        scale = svg["shown"] / svg["view"]
        texts = svg["texts"]
        for i, a in enumerate(texts):
            assert a["px"] * scale >= 12 - 1e-6, (a["text"], a["px"] * scale)
            assert -0.5 <= a["x"] and a["x"] + a["w"] <= svg["view"] + 0.5, a
            assert -0.5 <= a["y"] and a["y"] + a["h"] <= svg["height"] + 0.5, a
            for b in texts[i + 1:]:
                assert not _overlap(a, b), (a, b)


series = st.lists(st.integers(2008, 2035), min_size=1, max_size=12, unique=True).map(sorted).flatmap(
    lambda years: st.tuples(
        st.just(years),
        st.lists(st.one_of(st.none(), st.integers(0, 5000)), min_size=len(years), max_size=len(years)),
    )
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(series, st.sampled_from([1, 100]))
def test_trend_plots_never_overlap_their_texts_on_a_phone(browser, data, factor):
    years, values = data
    bigger = [None if v is None else v * factor for v in values]
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        plotted = {"收到政府信息公开申请（件）": values, "主动公开的许可、处罚、强制决定（件）": bigger}
        _check(page, line_chart(years, plotted, desc="说明"))
    finally:
        page.close()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["东城街道", "西城街道", "青山镇", "杏花镇", "经济技术开发区管委会"]),
                          st.one_of(st.none(), st.integers(0, 100_000))), min_size=1, max_size=14))
def test_district_bars_never_overlap_their_texts_on_a_phone(browser, rows):
    page = browser.new_page(viewport={"width": 390, "height": 800})
    try:
        title = "各镇（街道）主动公开处理决定（许可、处罚、强制，件）"  # wider than a plot: it wraps
        _check(page, bar_chart([r[0] for r in rows], [r[1] for r in rows], title=title, desc="说明"))
    finally:
        page.close()
