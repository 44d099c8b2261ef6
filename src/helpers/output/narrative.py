"""Narrative stage: fill ``{{ … }}`` placeholders from the values an executed notebook recorded.

Placeholders are evaluated one by one in Jinja2's sandbox, so that a data file's
prose can read the report's values and nothing else; every inserted value is
Markdown-escaped so that it reads as text.
"""

from __future__ import annotations

from typing import Any

from nbconvert.preprocessors import Preprocessor

from helpers.output.markup import prose_to_html
from helpers.output.notebook import PROSE_META, UNSEEN, VALUES_MIME
from helpers.report.placeholders import PART_HEADING, fill, md_escape, part_titles


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

        if values.get("source") == "published":
            nb.cells = [c for c in nb.cells if not _left_out(c, values)]
        markdown = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "markdown"]
        headings = [
            fill(m.group(0), values, _cell_name(i, c)) for i, c in markdown for m in PART_HEADING.finditer(c.source)
        ]
        titles = part_titles(headings)
        values = {**values, "part_titles": titles, "part_count": len(titles)}

        published = values.get("source") == "published"
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "markdown":
                if published and STANDARD in cell.get("metadata", {}).get("tags", []):
                    cell.source = _as_published(cell, values)
                cell.source = fill(cell.source, values, _cell_name(index, cell))
            for output in cell.get("outputs", []):
                prose = output.get("metadata", {}).get(PROSE_META)
                if prose:
                    where = f"{prose['file']} 第 {prose['line']} 行，{prose['part']}"
                    output["data"] = {"text/html": prose_to_html(fill(prose["markdown"], values, where))}
        if "title" in values:
            nb.metadata["title"] = values["title"]
        return nb, resources


STANDARD = "standard"  # a Markdown cell whose text is the format's standard sentences (its headings are not)
PART = "part:"  # a cell of one part of the report (part:other): left out of a published report without it
OUTLINE = "outline"  # a cell of the format's own outline: left out of a published report that records its own parts
PREAMBLE = "preamble"  # the standard cell a published report's own opening paragraph takes the place of


def _left_out(cell: Any, values: dict[str, Any]) -> bool:
    """Whether a published report's page leaves a template cell out: a cell of the format's outline where the
    report has its own parts (show_parts), a cell of a part it was published without (heading and all)."""
    tags = cell.get("metadata", {}).get("tags", [])
    absent = set(values.get("absent") or [])
    return OUTLINE in tags or any(tag.removeprefix(PART) in absent for tag in tags if tag.startswith(PART))


def _as_published(cell: Any, values: dict[str, Any]) -> str:
    """A standard cell of a published report: its headings only; the preamble cell, the report's own preamble
    verbatim, else the note that it was not recorded (nothing where the file says the report has none). Nothing
    of the format's standard sentences."""
    headings = [line for line in cell.source.splitlines() if line.startswith("#")]
    if PREAMBLE in cell.get("metadata", {}).get("tags", []):
        own = (values.get("prose") or {}).get("preamble") or ""
        if own.strip():
            headings.append(md_escape(own))
        elif PREAMBLE not in (values.get("absent") or []):
            headings.append(UNSEEN)
    return "\n\n".join(headings)


def _cell_name(index: int, cell: Any) -> str:
    first = next((line for line in cell.source.splitlines() if line.strip()), "")
    return f"模板第 {index + 1} 个单元格（“{first[:30]}”）"
