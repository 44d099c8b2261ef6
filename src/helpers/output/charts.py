"""Charts: small inline SVG figures, drawn here, that show their numbers honestly.

One quantity per plot (two quantities are two small plots side by side, never two y-axes); counts on integer
ticks from 0; years on a true time axis, so a missing year is a visible gap and never a joined line; one value
label per line (its last point) and labels placed so that none overlaps another or an axis; gridlines under
the marks. Each plot is 340 units wide and shown at most that wide, so its 13-unit text is never smaller than
12 px on a 390 px phone. Text stays ``<text>`` (the reader's fonts); no script, nothing from the network.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from html import escape

WIDTH = 340
FONT = 13  # user units = px at full size; a plot is never drawn wider than WIDTH
INK, MUTED, GRID, ACCENT = "#1f1f1f", "#555", "#d9d9d9", "#a4161a"
COLORS = ("#a4161a", "#0b4f9c", "#5b8c2a", "#8a5a00")


def text_width(text: str, size: float = FONT) -> float:
    """A generous estimate of a text's width: CJK a full em, other characters 0.62 em."""
    return sum(size if ord(ch) > 0x2E80 else 0.62 * size for ch in text)


def integer_ticks(top: float, most: int = 5) -> list[int]:
    """Ticks 0, step, 2·step … covering ``top``, the step 1, 2 or 5 × 10ⁿ, at most ``most`` steps."""
    if top <= 0:
        return [0, 1]
    step = 1
    while math.ceil(top / step) > most:
        step = _next_step(step)
    return list(range(0, step * math.ceil(top / step) + 1, step))


def _next_step(step: int) -> int:
    digits = 10 ** (len(str(step)) - 1)
    lead = step // digits
    return {1: 2, 2: 5, 5: 10}[lead] * digits


def _title(title: str) -> tuple[str, float]:
    """The plot's title as text lines that fit its width, and the height they take."""
    lines, line = [], ""
    for ch in title:
        if line and text_width(line + ch) > WIDTH - 2:
            lines.append(line)
            line = ""
        line += ch
    lines.append(line)
    parts = "".join(
        f'<text class="chart-title" x="0" y="{FONT + 2 + i * FONT * 1.35:.1f}" font-weight="700">{escape(text)}</text>'
        for i, text in enumerate(lines)
    )
    return parts, (len(lines) - 1) * FONT * 1.35


def _svg(key: str, title: str, desc: str, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="xxgk-chart" id="chart-{key}" viewBox="0 0 {WIDTH} '
        f'{height:.0f}" width="{WIDTH}" height="{height:.0f}" role="img" aria-labelledby="t-{key} d-{key}" '
        f'font-size="{FONT}" fill="{INK}">'
        f'<title id="t-{key}">{escape(title)}</title><desc id="d-{key}">{escape(desc)}</desc>{body}</svg>'
    )


def _key(*parts: object) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def _fmt(value: float) -> str:
    return f"{value:g}"


def line_panel(years: Sequence[int], values: Sequence[float | None], *, title: str, desc: str, color: str = ACCENT
               ) -> str:
    """One quantity over the years: a point per known year, lines only between consecutive known years."""
    known = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
    ticks = integer_ticks(max((v for _, v in known), default=0))
    left = max(text_width(_fmt(t)) for t in ticks) + 10
    last_label = _fmt(known[-1][1]) if known else ""
    right = max(text_width(last_label) + 12, text_width(str(years[-1] if years else "")) / 2 + 4)
    heading, extra = _title(title)
    top, plot_h, bottom = 2.7 * FONT + extra, 150, 2.3 * FONT
    plot_w = WIDTH - left - right
    first, last = (min(years), max(years)) if years else (0, 1)

    def x(year: int) -> float:
        return left + (plot_w / 2 if first == last else (year - first) / (last - first) * plot_w)

    def y(value: float) -> float:
        return top + plot_h - value / ticks[-1] * plot_h

    parts = [heading]
    for tick in ticks:  # gridlines and tick labels first: the marks are drawn over them
        parts.append(f'<line class="grid" x1="{left:.1f}" x2="{left + plot_w:.1f}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(f'<text class="y-tick" x="{left - 6:.1f}" y="{y(tick) + FONT * 0.35:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{tick}</text>')
    labelled: list[int] = []
    previous_end = -math.inf
    for index, year in enumerate(years):  # year labels, thinned so that none overlaps the one before
        half = text_width(str(year)) / 2
        must = index in (0, len(years) - 1)
        if x(year) - half >= previous_end + 4 or (must and not labelled):
            labelled.append(year)
            previous_end = x(year) + half
        elif must:  # the last year always shows: it replaces the label before it
            labelled[-1] = year
            previous_end = x(year) + half
    for year in labelled:
        parts.append(f'<text class="x-tick" x="{x(year):.1f}" y="{top + plot_h + FONT * 1.9:.1f}" '
                     f'text-anchor="middle" fill="{MUTED}">{year}</text>')
    for (y0, v0), (y1, v1) in zip(known, known[1:], strict=False):
        if y1 == y0 + 1:
            parts.append(f'<line class="segment" data-from="{y0}" data-to="{y1}" x1="{x(y0):.1f}" y1="{y(v0):.1f}" '
                         f'x2="{x(y1):.1f}" y2="{y(v1):.1f}" stroke="{color}" stroke-width="2.5"/>')
    for year, value in known:
        parts.append(f'<circle class="point" data-year="{year}" cx="{x(year):.1f}" cy="{y(value):.1f}" r="3.5" '
                     f'fill="{color}"><title>{year}年：{_fmt(value)}</title></circle>')
    if known:
        year, value = known[-1]
        parts.append(f'<text class="value" x="{x(year) + 7:.1f}" y="{y(value) + FONT * 0.35:.1f}" '
                     f'fill="{color}" font-weight="700">{last_label}</text>')
    height = top + plot_h + bottom
    return _svg(_key("line", title, tuple(years), tuple(values)), title, desc, height, "".join(parts))


def line_chart(years: Sequence[int], series: Mapping[str, Sequence[float | None]], *, desc: str) -> str:
    """Several quantities over the same years: a small plot each, side by side (stacked on a narrow screen)."""
    panels = [
        line_panel(years, values, title=name, desc=f"{name}。{desc}", color=COLORS[i % len(COLORS)])
        for i, (name, values) in enumerate(series.items())
    ]
    return f'<div class="chart-panels">{"".join(panels)}</div>'


def bar_chart(labels: Sequence[str], values: Sequence[float | None], *, title: str, desc: str) -> str:
    """A horizontal bar per label, in the order given; a blank value is said, not drawn as 0."""
    row, font = 24, FONT
    ticks = integer_ticks(max((v for v in values if v is not None), default=0), most=4)
    left = min(max((text_width(label) for label in labels), default=0), 7 * font) + 8
    right = max([text_width(_fmt(v)) for v in values if v is not None] + [text_width("未公布")]) + 8
    heading, extra = _title(title)
    top = 2.2 * font + extra
    plot_w = WIDTH - left - right
    plot_h = row * len(labels)

    def x(value: float) -> float:
        return left + value / ticks[-1] * plot_w

    parts = [heading]
    for tick in ticks:
        parts.append(f'<line class="grid" x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top:.1f}" '
                     f'y2="{top + plot_h:.1f}" stroke="{GRID}" stroke-width="1"/>')
    shown: list[int] = []
    previous_end = -math.inf
    for tick in ticks:
        half = text_width(str(tick)) / 2
        if x(tick) - half >= previous_end + 4 and x(tick) + half <= WIDTH:
            shown.append(tick)
            previous_end = x(tick) + half
    for tick in shown:
        parts.append(f'<text class="x-tick" x="{x(tick):.1f}" y="{top + plot_h + font * 1.3:.1f}" '
                     f'text-anchor="middle" fill="{MUTED}">{tick}</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        middle = top + i * row + row / 2
        name = label if text_width(label) <= 7 * font else label[:6] + "…"
        parts.append(f'<text class="label" x="{left - 6:.1f}" y="{middle + font * 0.35:.1f}" text-anchor="end">'
                     f'{escape(name)}</text>')
        if value is None:
            parts.append(f'<text class="value" x="{left + 4:.1f}" y="{middle + font * 0.35:.1f}" '
                         f'fill="{MUTED}">未公布</text>')
            continue
        end = x(value)
        parts.append(f'<rect class="bar" x="{left:.1f}" y="{middle - row * 0.35:.1f}" width="{end - left:.1f}" '
                     f'height="{row * 0.7:.1f}" fill="{ACCENT}"><title>{escape(label)}：{_fmt(value)}</title></rect>')
        parts.append(f'<text class="value" x="{end + 4:.1f}" y="{middle + font * 0.35:.1f}">{_fmt(value)}</text>')
    height = top + plot_h + font * 1.9
    return _svg(_key("bar", title, tuple(labels), tuple(values)), title, desc, height, "".join(parts))
