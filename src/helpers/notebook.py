"""Notebook stage: what a template notebook calls inside the kernel to load, record and show a report.

Values are recorded as display outputs of a private MIME type, so that the
narrative stage can fill placeholders after execution without re-running code.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from IPython.display import display
from pandas.io.formats.style import Styler

from .load import load_report
from .markup import prose_to_html
from .model import Report
from .tables import facts

VALUES_MIME = "application/vnd.xxgk.values+json"
PROSE_META = "xxgk_prose"
SAMPLE_NOTICE = "示例数据：本报告使用虚构的演示数据生成，仅供演示，不是真实的政府信息公开工作年度报告。"

_TEMPLATES = Path(__file__).parent / "templates" / "pandas"
OfficialStyler = Styler.from_custom_template(str(_TEMPLATES), html_table="official_table.tpl")


def find_data_file(data_file: str | Path) -> Path:
    """The data file as given, or found from a parent folder (JupyterLab runs kernels in notebooks/)."""
    path = Path(data_file)
    if path.is_absolute() or path.exists():
        return path
    for parent in Path.cwd().parents:
        if (parent / path).exists():
            return parent / path
    return path


def open_report(data_file: str | Path) -> Report:
    """Load the report, record its values for the narrative, and show the sample notice if any."""
    report = load_report(find_data_file(data_file))
    record(facts(report))
    if report.sample:
        display(
            {"text/html": f'<p class="sample-notice" role="note">{SAMPLE_NOTICE}</p>', "text/plain": SAMPLE_NOTICE},
            raw=True,
        )
    return report


def record(values: dict) -> None:
    """Record values that Markdown placeholders may quote; the narrative stage reads them back."""
    display({VALUES_MIME: values, "text/plain": ""}, raw=True)


def show_prose(report: Report, field: str) -> None:
    """Show one prose field of the data file; its placeholders are filled by the narrative stage."""
    text = getattr(report.prose, field)
    path = f"prose.{field}"
    if not text.strip():
        return
    meta = {"file": report.source.file, "field": path, "line": report.source.line(path), "markdown": text}
    display({"text/html": prose_to_html(text), "text/plain": text}, raw=True, metadata={PROSE_META: meta})


def table_html(frame: pd.DataFrame) -> str:
    """The table as HTML with its caption and header cells that carry ``scope``."""
    styler = OfficialStyler(frame).set_caption(frame.attrs.get("caption", ""))
    styler = styler.hide(axis="index", names=True).format(escape="html").format_index(escape="html")
    return styler.to_html(exclude_styles=True)


def show_table(frame: pd.DataFrame) -> None:
    """Display a table of the tables stage, wrapped so that a wide table scrolls on its own."""
    html = f'<div class="table-wrap">{table_html(frame)}</div>'
    display({"text/html": html, "text/plain": frame.to_string()}, raw=True)
