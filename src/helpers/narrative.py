"""Narrative stage: fill ``{{ … }}`` placeholders from the values an executed notebook recorded.

Placeholders are evaluated one by one in Jinja2's sandbox, so that a data file's
prose can read the report's values and nothing else; every inserted value is
Markdown-escaped so that it reads as text.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from nbconvert.preprocessors import Preprocessor

from . import placeholders, tables
from .errors import Problem
from .markup import prose_to_html
from .model import Report
from .notebook import PROSE_META, VALUES_MIME
from .placeholders import fill

PART_HEADING = re.compile(r"^##(?!#)\s*(.+?)\s*$", re.MULTILINE)
PART_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")


def namespace(report: Report, template: Any | None = None) -> dict[str, Any]:
    """Every name a placeholder of this report may use, with its value: the report's facts, and the parts
    of its template (``part_titles``, ``part_count``) when the template (a notebook node) is given."""
    values = tables.facts(report)
    if template is not None:
        titles = part_titles([c.source for c in template.cells if c.cell_type == "markdown"])
        values.update(part_titles=titles, part_count=len(titles))
    return values


def misspelt(report: Report, template: Any | None = None) -> list[Problem]:
    """Every placeholder in the data file's prose that names something the report does not have: all of them
    at once, each at its own line, with the closest name it does have."""
    texts = [(report.origin.file, f"prose.{f.name}", getattr(report.prose, f.name)) for f in fields(report.prose)]
    return _misspelt_in(report, template, texts)


def misspelt_in_template(report: Report, template: Any, shown: str) -> list[Problem]:
    """The same for a template's Markdown cells (read as notebook node; ``shown`` is its path), against the
    names of a report that uses it."""
    texts = [(f"{shown} 第 {i + 1} 个单元格", "", c.source) for i, c in enumerate(template.cells)
             if c.cell_type == "markdown"]
    return _misspelt_in(report, template, texts)


def _misspelt_in(report: Report, template: Any | None, texts: list[tuple[str, str, str]]) -> list[Problem]:
    """The misspelt placeholders of ``texts`` (where, data-file field or "", text): a field's are placed at the
    field's own line of the data file, a template cell's at the line within the cell."""
    values = _checked_against(report, template)
    found = []
    for where, path, text in texts:
        for placeholder in placeholders.find(text):
            line = report.origin.text_line(path, placeholder.line) if path else placeholder.line
            for name, close in placeholders.unknown(placeholder, values):
                hint = f"应为 {close}？" if close else "可用的名称见 xxgk check --names。"
                shown = f"占位符 {placeholder.shown} 中的“{name}”"
                found.append(Problem(where, line, path, "报告中有的名称", shown, hint))
    return found


def _checked_against(report: Report, template: Any | None) -> dict[str, Any]:
    values = namespace(report, template)
    values.setdefault("part_titles", [])
    values.setdefault("part_count", 0)
    return values


def part_titles(sources: list[str]) -> list[str]:
    """The report's parts: level-2 headings of the Markdown cells, without their numbering."""
    return [PART_NUMBER.sub("", m.group(1)) for src in sources for m in PART_HEADING.finditer(src)]


class NarrativePreprocessor(Preprocessor):
    """Fill placeholders in Markdown cells and in the data file's prose, then drop the recorded values."""

    def preprocess(self, nb: Any, resources: dict) -> tuple[Any, dict]:
        values: dict[str, Any] = {}
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            kept = []
            for output in cell.get("outputs", []):
                if VALUES_MIME in output.get("data", {}):
                    values.update(output["data"][VALUES_MIME])
                else:
                    kept.append(output)
            cell.outputs = kept

        markdown = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]
        headings = [
            fill(m.group(0), values, _cell_name(i, c)) for i, c in markdown for m in PART_HEADING.finditer(c.source)
        ]
        titles = part_titles(headings)
        values = {**values, "part_titles": titles, "part_count": len(titles)}

        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                cell.source = fill(cell.source, values, _cell_name(index, cell))
            for output in cell.get("outputs", []):
                prose = output.get("metadata", {}).get(PROSE_META)
                if prose:
                    where = f"{prose['file']} 第 {prose['line']} 行，字段 {prose['field']}"
                    output["data"] = {"text/html": prose_to_html(fill(prose["markdown"], values, where))}
        if "title" in values:
            nb.metadata["title"] = values["title"]
        return nb, resources


def _cell_name(index: int, cell: Any) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"模板第 {index + 1} 个单元格（“{first[:30]}”）"
