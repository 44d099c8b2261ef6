"""The editing view's tables as grids a clerk types into: the official row and column labels, the computed totals
read-only and kept up to date, each table's problems beside it; every value entered is checked by the one reader
of values and written at once into the data file, that cell only.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pandas as pd
from IPython.display import display

from helpers.errors import Problem, XxgkError
from helpers.intake.gather import check_file
from helpers.intake.load import UNFILLED, stamp
from helpers.intake.writeback import ChangedMeanwhile, write_values
from helpers.output.layout import format_value, grid_classes, table_block
from helpers.report import formats
from helpers.report.checks import UNJUDGED_EXPECTED, errors
from helpers.report.model import Report, unit_of
from helpers.report.places import FIELDS, name_of, place_of
from helpers.report.values import ValueProblem, kind_at, read_cell

# The fields other than the tables' that a clerk fills each year: the 落款's date and whom to ask.
DETAILS = ("publication.date", "contact.office", "contact.phone", "contact.email", "contact.address",
           "contact.postcode")
BLANK_HINT = "未填"


def shown(value: Any) -> str:
    """A value as its cell shows it: as on the page (blank for not filled, an amount with its digits as entered)."""
    return format_value(value)[0]


def placed(widget: Any, row: int, column: int, rows: int = 1, columns: int = 1) -> Any:
    """A widget put in its grid's row and column, spanning ``rows`` and ``columns``: by classes, which the view's
    style places (ipywidgets' own grid_row and grid_column do not reach a child in JupyterLab)."""
    for name in grid_classes(row, column, rows, columns):
        widget.add_class(name)
    return widget


def _blank(problem: Problem) -> bool:
    """A cell not filled yet: the grid shows it as an empty cell, the summary counts its table."""
    return problem.found.startswith(UNFILLED)


def value_at(report: Report, path: str) -> Any:
    """The value of a field of the report, by its dotted path."""
    return functools.reduce(getattr, path.split("."), report)


def _problem_line(problem: Problem, table: str) -> str:
    """A problem under its table: without the table's name, which the grid's caption gives."""
    text = problem.describe()
    return text.replace(table, "", 1) if table and not table.startswith("“") else text


class Sheet:
    """One data file in the editing view: its report as last written, the grids showing it, what was refused."""

    def __init__(self, data_file: str | Path):
        self.path = Path(data_file)
        self.report, self.problems = check_file(self.path)
        self.read_at = stamp(self.path)  # the file as the view last read it: told apart from a change elsewhere
        self.grids: list[Grid] = []
        self.texts: list[tuple[widgets.HTML, Callable[[Report], str]]] = []
        self.refused: dict[str, str] = {}  # a field → why what was typed into it is not written
        self.summary = widgets.HTML()
        self.status = widgets.HTML()
        self.summary.add_class("xxgk-grid-summary")
        self.status.add_class("xxgk-grid-status")
        self._update_summary()

    @property
    def format(self) -> str:
        return self.report.format

    def show(self, name: str) -> None:
        """The grids of one kind of table (the format's key: active, applications …), then the save status."""
        frames = formats.of(self.report).tables(self.report).get(name, [])
        shown_any = False
        for index, frame in enumerate(frames):
            if frame.attrs.get(formats.TABLE_FIELDS):
                grid = Grid(self, name, index, frame)
                self.grids.append(grid)
                display(grid.box)
                shown_any = True
            else:  # a table that names no fields: shown as the page shows it
                display({"text/html": table_block(frame), "text/plain": frame.to_string()}, raw=True)
        if shown_any:
            display(self.status)

    def show_text(self, render: Callable[[Report], str]) -> None:
        """Text of the template that quotes the report's values (render: the report → HTML), kept filled."""
        text = widgets.HTML()
        text.add_class("xxgk-live-text")
        self.texts.append((text, render))
        self._render(text, render)
        display(text)

    def _render(self, text: widgets.HTML, render: Callable[[Report], str]) -> None:
        text.value = f'<div class="jp-RenderedHTMLCommon">{render(self.report)}</div>'

    def show_details(self) -> None:
        """The 落款's date and the contact details, each a labelled field."""
        grid = Details(self)
        self.grids.append(grid)
        display(grid.box, self.status)

    def enter(self, path: str, text: str) -> None:
        """What the clerk typed into a field: read as its kind, written into the data file, every grid updated."""
        cls = type(self.report)
        kind = kind_at(cls, path) or "text"
        where = name_of(self.format, path)
        try:
            value = read_cell(text, kind, unit_of(cls, path))
        except ValueProblem as exc:
            self.refused[path] = f"应为{exc.expected}，实际为{exc.found}"
            said = f"{where}：{self.refused[path]}（未保存）"
            self.status.value = f'<p class="xxgk-wrong-note">{escape(said)}</p>'
            self.refresh()
            return
        self.refused.pop(path, None)
        if kind == "date" and value:
            value = datetime.date.fromisoformat(value)
        if kind in ("text", "url") and value == "" and value_at(self.report, path) in ("", None):
            value = None
        try:
            current = value_at(self.report, path)
            if not (value == current or (value is None and current in ("", None))):
                elsewhere = stamp(self.path) != self.read_at
                write_values(self.path, {path: value}, seen={path: current})
                self.report, self.problems = check_file(self.path)
                self.read_at = stamp(self.path)
                saved = shown(value) or "空白"
                merged = "（数据文件已在别处修改过，其他格子已按文件刷新）" if elsewhere else ""
                self.status.value = (f'<p class="xxgk-saved-note">已保存到 {escape(self.path.name)}：'
                                     f"{escape(where)} = {escape(saved)}{merged}</p>")
        except ChangedMeanwhile as exc:  # changed in the file since: the file as it is now, shown
            self.report, self.problems = check_file(self.path)
            self.read_at = stamp(self.path)
            self.status.value = f'<p class="xxgk-wrong-note">{escape(where)}：{escape(str(exc))}</p>'
        except (XxgkError, OSError) as exc:
            self.status.value = f'<p class="xxgk-wrong-note">{escape(where)}：{escape(str(exc))}（未保存）</p>'
        self.refresh()

    def refresh(self) -> None:
        frames = formats.of(self.report).tables(self.report)  # once for every grid
        for grid in self.grids:
            grid.refresh(frames)
        for text, render in self.texts:
            self._render(text, render)
        self._update_summary()

    def _update_summary(self) -> None:
        blanks = [p for p in errors(self.problems) if _blank(p)]
        others = [p for p in self.problems if p not in blanks and p.expected != UNJUDGED_EXPECTED]
        if blanks:
            where = "、".join(dict.fromkeys(p.table or p.path for p in blanks))
            lines = [f"尚未填写：{where}中还有空着的格子，请在下面的表格中填写（确为零时填 0）。"]
        else:
            lines = ["各表数值已全部填写。" + ("" if others else "未发现问题。")]
        lines += [problem.describe() for problem in others]
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        self.summary.value = f'<div class="xxgk-grid-summary-box" role="status"><ul>{items}</ul></div>'


class Grid:
    """One table of the report as a grid: the frame's labels, an input per field, the computed cells read-only."""

    def __init__(self, sheet: Sheet, name: str, index: int, frame: pd.DataFrame):
        self.sheet, self.name, self.index = sheet, name, index
        fields: list[list[str | None]] = frame.attrs[formats.TABLE_FIELDS]
        first = next(p for row in fields for p in row if p)
        found = place_of(sheet.format, first)
        self.table = found.table if found is not None else ""
        self.inputs: dict[str, widgets.Text] = {}
        self.computed: dict[tuple[int, int], widgets.Text] = {}
        self.marks: dict[str, widgets.HTML] = {}  # a column's short label → its check mark under the grid
        children: list[widgets.Widget] = []
        levels = frame.columns.nlevels
        columns = list(frame.columns) if levels > 1 else [(c,) for c in frame.columns]
        corner = frame.attrs.get("corner", "")
        children.append(self._label(corner, "xxgk-grid-head", row=1, column=1, rows=levels))
        for level in range(levels):
            j = 0
            while j < len(columns):
                label = columns[j][level]
                span = 1
                while j + span < len(columns) and columns[j + span][: level + 1] == columns[j][: level + 1]:
                    span += 1
                if label or level == 0:
                    depth = 1
                    while level + depth < levels and all(not columns[j + k][level + depth] for k in range(span)):
                        depth += 1
                    children.append(self._label(str(label), "xxgk-grid-head", row=level + 1, column=j + 2,
                                                rows=depth, columns=span))
                j += span
        row_at = levels + 1
        index_labels = list(frame.index)
        previous: tuple[str, ...] = ()
        for i, labels in enumerate(index_labels):
            labels = labels if isinstance(labels, tuple) else (labels,)
            named = [str(label) for label in labels if label]
            if frame.attrs.get("row_headers") is False:
                named = ["件数"]
            for depth in range(len(named) - 1):  # a group's heading on a row of its own, once
                if tuple(named[: depth + 1]) != previous[: depth + 1]:
                    children.append(self._label(named[depth], f"xxgk-grid-group xxgk-depth-{depth}",
                                                row=row_at, column=1, columns=len(columns) + 1))
                    row_at += 1
            previous = tuple(named)
            children.append(self._label(named[-1] if named else "", f"xxgk-grid-row xxgk-depth-{len(named) - 1}",
                                        row=row_at, column=1))
            for j, path in enumerate(fields[i]):
                cell = frame.iat[i, j]
                editable = path is not None and not path.endswith(".total")
                text = placed(widgets.Text(value=shown(cell), continuous_update=False,
                                           layout=widgets.Layout(width="auto")), row_at, j + 2)
                if editable:
                    assert path is not None
                    text.placeholder = BLANK_HINT
                    text.tooltip = name_of(sheet.format, path)
                    text.add_class("xxgk-cell")
                    text.observe(functools.partial(self._typed, path), names="value")
                    self.inputs[path] = text
                else:
                    text.disabled = True
                    text.tooltip = "自动计算，不能填写"
                    text.add_class("xxgk-total")
                    self.computed[(i, j)] = text
                children.append(text)
            row_at += 1
        self.labels = [str(c[-1] or next((x for x in reversed(c) if x), "")) for c in columns]
        self.check_row = [self._label("核对", "xxgk-grid-row", row=row_at, column=1)]
        for j, label in enumerate(self.labels):
            mark = placed(widgets.HTML(), row_at, j + 2)
            mark.add_class("xxgk-grid-mark")
            self.marks.setdefault(label, mark)
            self.check_row.append(mark)
        children += self.check_row
        template = f"minmax(11em, 2.4fr) repeat({len(columns)}, minmax(3.6em, 1fr))"
        self.grid = widgets.GridBox(children, layout=widgets.Layout(grid_template_columns=template, grid_gap="1px"))
        self.grid.add_class("xxgk-grid")
        self.note = widgets.HTML()
        caption = widgets.HTML(f'<p class="xxgk-grid-caption">{escape(frame.attrs.get("caption", ""))}</p>')
        self.box = widgets.VBox([caption, self.grid, self.note])
        self.box.add_class("xxgk-grid-box")
        self._update(frame)

    def _label(self, text: str, classes: str, *, row: int, column: int, rows: int = 1, columns: int = 1
               ) -> widgets.HTML:
        label = widgets.HTML(f"<span>{escape(text)}</span>")
        for name in classes.split():
            label.add_class(name)
        return placed(label, row, column, rows, columns)

    def _typed(self, path: str, change: dict[str, Any]) -> None:
        self.sheet.enter(path, str(change["new"]))
        if path not in self.sheet.refused:  # 2件, １ as the file now holds them: 2, 1
            kept = shown(value_at(self.sheet.report, path))
            if self.inputs[path].value != kept:
                self.inputs[path].value = kept

    def problems(self) -> list[Problem]:
        """This table's problems but its blanks (the grid shows those as empty cells)."""
        return [p for p in self.sheet.problems if p.table == self.table and not _blank(p)
                and p.expected != UNJUDGED_EXPECTED]

    def refresh(self, frames: dict[str, list[pd.DataFrame]]) -> None:
        """The grid as the report now is: ``frames`` are the report's tables."""
        self._update(frames[self.name][self.index])

    def _update(self, frame: pd.DataFrame) -> None:
        for (i, j), text in self.computed.items():
            cell = frame.iat[i, j]
            text.value = shown(cell)
        for path, text in self.inputs.items():
            wrong = path in self.sheet.refused
            (text.add_class if wrong else text.remove_class)("xxgk-wrong")
        found = self.problems()
        wrong_columns: dict[str, list[str]] = {}
        for problem in found:
            if problem.column and not problem.row:
                wrong_columns.setdefault(problem.column, []).append(problem.describe())
        for label, mark in self.marks.items():
            said = wrong_columns.get(label)
            mark.value = (f'<span class="xxgk-mark-wrong" title="{escape(" ".join(said))}">✗ 不平衡</span>'
                          if said else "")
        for cell in self.check_row:  # the 核对 row only while a column is out of balance
            (cell.remove_class if wrong_columns else cell.add_class)("xxgk-quiet")
        lines = [_problem_line(p, self.table) for p in found]
        lines += [f"{name_of(self.sheet.format, path).replace(self.table, '', 1)}：{why}（未保存）"
                  for path, why in self.sheet.refused.items() if path in self.inputs]
        blank = sum(1 for path in self.inputs if path not in self.sheet.refused
                    and value_at(self.sheet.report, path) is None)
        if blank:
            lines.append(f"还有 {blank} 格尚未填写（显示为“{BLANK_HINT}”）。")
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        self.note.value = f'<ul class="xxgk-grid-problems" role="status">{items}</ul>' if items else ""


class Details(Grid):
    """The 落款's date and the contact details as labelled fields (the same checks and writing as a grid's)."""

    def __init__(self, sheet: Sheet):  # noqa: D107 - a grid of one column
        self.sheet, self.name, self.index, self.table = sheet, "", 0, ""
        self.inputs, self.computed, self.marks, self.check_row = {}, {}, {}, []
        rows: list[widgets.Widget] = []
        for path in DETAILS:
            if kind_at(type(sheet.report), path) is None:
                continue
            text = widgets.Text(value=shown(value_at(sheet.report, path) or None), continuous_update=False,
                                layout=widgets.Layout(width="auto"))
            text.placeholder = "如 2027-01-20" if path == "publication.date" else BLANK_HINT
            text.tooltip = FIELDS[path]
            text.add_class("xxgk-cell")
            text.observe(functools.partial(self._typed, path), names="value")
            self.inputs[path] = text
            rows += [self._label(FIELDS[path], "xxgk-grid-row", row=len(rows) // 2 + 1, column=1),
                     placed(text, len(rows) // 2 + 1, 2)]
        self.grid = widgets.GridBox(rows, layout=widgets.Layout(grid_template_columns="minmax(11em, 1fr) 3fr",
                                                                grid_gap="1px"))
        self.grid.add_class("xxgk-grid")
        self.note = widgets.HTML()
        caption = widgets.HTML('<p class="xxgk-grid-caption">落款日期与联系方式</p>')
        self.box = widgets.VBox([caption, self.grid, self.note])
        self.box.add_class("xxgk-grid-box")
        self._update()

    def problems(self) -> list[Problem]:
        return [p for p in self.sheet.problems if any(p.path == path or p.path == path.split(".")[0]
                                                      for path in DETAILS)]

    def refresh(self, frames: dict[str, list[pd.DataFrame]]) -> None:
        self._update()

    def _update(self, frame: pd.DataFrame | None = None) -> None:
        for path, text in self.inputs.items():
            (text.add_class if path in self.sheet.refused else text.remove_class)("xxgk-wrong")
        lines = [p.describe() for p in self.problems()]
        lines += [f"{FIELDS[path]}：{why}（未保存）" for path, why in self.sheet.refused.items() if path in self.inputs]
        if not value_at(self.sheet.report, "publication.date"):
            lines.append("发布日期（落款日期）尚未填写：落款只显示机关名称。")
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        self.note.value = f'<ul class="xxgk-grid-problems" role="status">{items}</ul>' if items else ""

