"""Official table layout: a DataFrame with MultiIndex rows and columns → an HTML table with spans.

An empty label merges into the label before it: leftwards in row headers,
upwards in column headers; equal neighbouring labels under the same parent
merge into one cell. Header cells carry ``scope`` for screen readers.
``frame.attrs`` may hold ``caption``, ``corner`` (the header of the label
columns), ``corner_note`` (a note in that cell instead), ``row_headers``
(False for a table without row labels) and ``links`` (row label → page it links to).
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

import pandas as pd


def _levels(index: pd.Index) -> list[tuple[str, ...]]:
    return [tuple(map(str, key)) if isinstance(key, tuple) else (str(key),) for key in index]


def format_value(value: object) -> tuple[str, str]:
    """(text, css class) of one cell: counts as integers, amounts with the digits they were entered with, a change
    with the "+" it was written with."""
    if isinstance(value, Decimal):
        return format(value, "f"), "num"
    if isinstance(value, float):
        return ("", "num") if value != value else (f"{value:.2f}", "num")  # NaN: blank
    if isinstance(value, int) or hasattr(value, "dtype"):
        return str(value), "num"  # Change prints its own "+"
    if value is None:
        return "", "num"  # blank, as published: unknown, never 0
    return str(value), "text"


def table_html(frame: pd.DataFrame) -> str:
    """The table in its official layout, with caption, corner text and merged header cells."""
    columns = _levels(frame.columns)
    show_rows = frame.attrs.get("row_headers", True)
    rows = _levels(frame.index) if show_rows else [() for _ in range(len(frame))]
    row_depth = len(rows[0]) if rows else 0
    col_depth = len(columns[0])
    links: dict[str, str] = frame.attrs.get("links", {})
    out = ['<table class="xxgk-table">']
    if frame.attrs.get("caption"):
        out.append(f"<caption>{escape(frame.attrs['caption'])}</caption>")
    out.append("<thead>")
    for level in range(col_depth):
        cells = []
        if level == 0 and row_depth:
            spans = _spans(col_depth, row_depth)
            if "corner_note" in frame.attrs:
                cells.append(f'<td class="corner"{spans}>{escape(frame.attrs["corner_note"])}</td>')
            else:
                cells.append(f'<th scope="col" class="corner"{spans}>{escape(frame.attrs.get("corner", ""))}</th>')
        j = 0
        while j < len(columns):
            span = 1
            while j + span < len(columns) and columns[j + span][: level + 1] == columns[j][: level + 1]:
                span += 1
            label = columns[j][level]
            if label or level == 0:
                down = 1
                while level + down < col_depth and columns[j][level + down] == "":
                    down += 1
                scope = "colgroup" if span > 1 else "col"
                cells.append(f'<th scope="{scope}"{_spans(down, span)}>{escape(label)}</th>')
            j += span
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</thead>")
    out.append("<tbody>")
    for i, (labels, values) in enumerate(zip(rows, frame.itertuples(index=False), strict=True)):
        cells = []
        for level in range(row_depth):
            label = labels[level]
            if (level and label == "") or (i and rows[i - 1][: level + 1] == labels[: level + 1]):
                continue
            down = 1
            while i + down < len(rows) and rows[i + down][: level + 1] == labels[: level + 1]:
                down += 1
            across = 1
            while level + across < row_depth and labels[level + across] == "":
                across += 1
            scope = "rowgroup" if down > 1 else "row"
            link = links.get(label)
            text = f'<a href="{escape(link, quote=True)}">{escape(label)}</a>' if link else escape(label)
            name = ' class="name"' if links else ""
            cells.append(f'<th scope="{scope}"{name}{_spans(down, across)}>{text}</th>')
        for value in values:
            text, css = format_value(value)
            cells.append(f'<td class="{css}">{escape(text)}</td>')
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _spans(rowspan: int, colspan: int) -> str:
    return (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
