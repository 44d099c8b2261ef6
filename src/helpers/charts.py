"""Charts: small inline SVG figures (pygal) with text kept as text, a title and a description.

Text stays ``<text>``, so Chinese renders in the reader's own fonts and no CJK
font is needed to build; no script and nothing from the network.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from html import escape

import pygal
from pygal.style import Style

FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1f1f1f",
    foreground_strong="#1f1f1f",
    foreground_subtle="#8c8c8c",
    font_family=FONTS,
    title_font_family=FONTS,
    label_font_family=FONTS,
    major_label_font_family=FONTS,
    value_font_family=FONTS,
    legend_font_family=FONTS,
    title_font_size=16,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    value_font_size=12,
    colors=("#a4161a", "#0b4f9c", "#5b8c2a", "#8a5a00"),
)
_OPTIONS = {
    "style": STYLE,
    "js": [],
    "disable_xml_declaration": True,
    "show_legend": False,
    "print_values": True,
    "value_formatter": lambda v: f"{v:g}",
}


def bar_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, desc: str) -> str:
    """A horizontal bar per label, in the order given."""
    chart = pygal.HorizontalBar(title=title, width=720, height=60 + 34 * max(len(labels), 2), **_OPTIONS)
    chart.x_labels = list(reversed(labels))
    chart.add(title, list(reversed(values)))
    return _finish(chart, title, desc)


def line_chart(years: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str, desc: str) -> str:
    """One line per series over the years, with a legend; the second series on its own axis."""
    options = {**_OPTIONS, "show_legend": True, "legend_at_bottom": True, "include_x_axis": True, "margin": 24}
    chart = pygal.Line(title=title, width=720, height=320, **options)
    chart.x_labels = list(years)
    for index, (name, values) in enumerate(series.items()):
        chart.add(name, list(values), secondary=index > 0)
    return _finish(chart, title, desc)


def _finish(chart: pygal.graph.graph.Graph, title: str, desc: str) -> str:
    """Inline SVG with a stable id, <title> and <desc> announced by role="img"; no comments, no script
    (pygal writes its interactive configuration as a script even without its JavaScript)."""
    svg = chart.render(is_unicode=True)
    key = hashlib.sha1((title + desc + svg[-200:]).encode()).hexdigest()[:10]
    svg = re.sub(r"chart-[0-9a-f-]{36}", f"chart-{key}", svg)
    svg = re.sub(r"<!--.*?-->|<script\b.*?</script>", "", svg, flags=re.DOTALL)
    svg = re.sub(r"<title>.*?</title>", "", svg, count=1, flags=re.DOTALL)
    # What pygal writes that SVG does not allow: an anchor named "left", a bar without a width (a blank value).
    svg = svg.replace('text-anchor="left"', 'text-anchor="start"')
    svg = re.sub(r"<rect\b(?![^>]*\swidth=)", '<rect width="0"', svg)
    head = f'<title id="t-{key}">{escape(title)}</title><desc id="d-{key}">{escape(desc)}</desc>'
    return re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-labelledby="t-{key} d-{key}">{head}',
        svg,
        count=1,
    )
