"""Official table layout: a DataFrame with MultiIndex rows and columns → an HTML table with spans.

An empty label merges into the label before it: leftwards in row headers,
upwards in column headers; equal neighbouring labels under the same parent
merge into one cell. Header cells carry ``scope`` for screen readers.
``frame.attrs`` may hold ``caption``, ``corner`` (the header of the label
columns), ``corner_note`` (a note in that cell instead), ``row_headers``
(False for a table without row labels) and ``links`` (row label → page it links to).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape

import pandas as pd

SHORT_LABEL = 4  # a label of up to four characters (自然人, 结果维持) never breaks on paper or in Word
PORTRAIT_EM = 53.0  # the A4 portrait text width (174 mm) in ems of print's 9 pt table type, less a little for borders
PRINT_PADDING_EM = 0.8  # a printed cell's padding (0.3rem each side) in ems of 9 pt
PAGE_PADDING_REM = 2.5  # main.report's padding on a screen
MIN_VIEWPORT_REM, MAX_VIEWPORT_REM = 20, 54  # the narrowest phone we design for; main.report's widest
SCROLL_HINT = "左右滑动查看全表"  # parts.css's .scroll-hint::before, kept here for the tests


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
                cells.append(f'<th scope="{scope}"{_short(label)}{_spans(down, span)}>{escape(label)}</th>')
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
            cells.append(f'<th scope="{scope}"{name or _short(label)}{_spans(down, across)}>{text}</th>')
        for value in values:
            text, css = format_value(value)
            cells.append(f'<td class="{css}">{escape(text)}</td>')
        spans = ' class="spans"' if any("rowspan=" in cell for cell in cells) else ""  # see report.css (print)
        out.append(f"<tr{spans}>" + "".join(cells) + "</tr>")
    out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _spans(rowspan: int, colspan: int) -> str:
    return (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")


def _short(label: str) -> str:
    """The class of a label that must not break: one of at most ``SHORT_LABEL`` characters."""
    return ' class="nb"' if 0 < len(label) <= SHORT_LABEL else ""


def text_em(text: str) -> float:
    """How wide a text is set in ems: a CJK or full-width character one em, any other about half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


@dataclass(frozen=True)
class Widths:
    """The narrowest a table can be set without breaking a short label or a number: on screen in rem (cells'
    padding and minimum widths included, as parts.css sets them), on paper in ems of print's 9 pt type."""

    screen_rem: float
    print_em: float


def widths(frame: pd.DataFrame) -> Widths:
    """``Widths`` of the table ``table_html`` writes for ``frame``: over its columns, the widest content that
    does not break (a short label, a number) or the column's minimum width, with the cells' padding."""
    columns = _levels(frame.columns)
    rows = _levels(frame.index) if frame.attrs.get("row_headers", True) else []
    screen = printed = 0.0
    for j, labels in enumerate(columns):
        short = max((text_em(label) for label in labels if 0 < len(label) <= SHORT_LABEL), default=1.0)
        widest = max([short, *(text_em(format_value(v)[0]) for v in frame.iloc[:, j])])
        numbers = max([0.0, *(text_em(format_value(v)[0]) for v in frame.iloc[:, j])])
        # On screen a label may wrap (never below the header's min-width 3.6em at 0.95rem, border-box): numbers do not.
        screen += max(3.6 * 0.95, numbers * 0.95 + 1.2)
        printed += widest + PRINT_PADDING_EM
    for level in range(len(rows[0]) if rows else 0):
        short = max((text_em(key[level]) for key in rows if 0 < len(key[level]) <= SHORT_LABEL), default=2.0)
        screen += 5.5 * 0.95  # tbody th: min-width 5.5em; its label wraps
        printed += max(short, 2.0) + PRINT_PADDING_EM
    return Widths(round(screen, 2), round(printed, 2))


def table_block(frame: pd.DataFrame) -> str:
    """A table in its own box: on a screen narrower than the table it scrolls sideways, with shadows at the
    edges while there is more to scroll to and a hint that says so (class ``wide-N``: shown on viewports of at
    most N rem, N in halves, ``wide-all`` on every screen); on paper it is set in full, on a landscape page
    (class ``print-landscape``) when a portrait page is too narrow for it."""
    label = escape(frame.attrs.get("caption", "表格"), quote=True)
    measured = widths(frame)
    viewport = measured.screen_rem + PAGE_PADDING_REM
    classes = ["table-wrap"]
    if viewport > MAX_VIEWPORT_REM:
        classes.append("wide-all")
    elif viewport > MIN_VIEWPORT_REM:
        classes.append("wide-" + f"{round(viewport * 2) / 2:g}".replace(".", "-"))
    if measured.print_em > PORTRAIT_EM:
        classes.append("print-landscape")
    hint = '<span class="scroll-hint" aria-hidden="true"></span>'  # its words come from the CSS: not the page's text
    return (f'<div class="{" ".join(classes)}" role="region" aria-label="{label}" tabindex="0">{hint}'
            f"{table_html(frame)}</div>")


def hint_rules() -> str:
    """parts.css's rules that show the hint of a ``wide-N`` table on viewports of at most N rem."""
    lines = []
    for twice in range(MIN_VIEWPORT_REM * 2 + 1, MAX_VIEWPORT_REM * 2 + 1):
        n = f"{twice / 2:g}"
        lines.append(f"@media screen and (max-width: {n}rem) {{ .wide-{n.replace('.', '-')} > .scroll-hint "
                     "{ display: block; } }")
    return "\n".join(lines) + "\n"


GRID_PLACES = 64  # the rows and columns of an editing view's grid that its style can place a cell in


def grid_classes(row: int, column: int, rows: int = 1, columns: int = 1) -> list[str]:
    """The classes that put a cell of an editing view's grid in its row and column, spanning rows and columns."""
    return [f"xxgk-r{row}", f"xxgk-c{column}", f"xxgk-rs{rows}", f"xxgk-cs{columns}"]


def grid_rules() -> str:
    """The rules those classes name."""
    rules = []
    for n in range(1, GRID_PLACES + 1):
        rules += [f".xxgk-grid > .xxgk-r{n} {{ grid-row-start: {n}; }}",
                  f".xxgk-grid > .xxgk-c{n} {{ grid-column-start: {n}; }}",
                  f".xxgk-grid > .xxgk-rs{n} {{ grid-row-end: span {n}; }}",
                  f".xxgk-grid > .xxgk-cs{n} {{ grid-column-end: span {n}; }}"]
    return "\n".join(rules) + "\n"
