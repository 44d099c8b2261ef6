"""Notebook stage: what a template notebook calls inside the kernel to load, record and show a report.

Values are recorded as display outputs of a private MIME type, so that the
narrative stage can fill placeholders after execution without re-running code.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd
from IPython.display import display

from .checks import check_file, errors
from .errors import DataFileError
from .layout import table_html
from .markup import prose_to_html
from .model import Report
from .tables import facts

VALUES_MIME = "application/vnd.xxgk.values+json"
PROSE_META = "xxgk_prose"
SAMPLE_NOTICE = "示例数据：本报告使用虚构的演示数据生成，仅供演示，不是真实的政府信息公开工作年度报告。"


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
    """Load and check the report, record its values for the narrative, and show the sample notice if any.

    A report that breaks a balancing rule is not built: the errors are raised here.
    """
    report, problems = check_file(find_data_file(data_file))
    if errors(problems):
        raise DataFileError(errors(problems))
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


def show_table(*frames: pd.DataFrame) -> None:
    """Display tables of the tables stage, each wrapped so that a wide table scrolls on its own."""
    for frame in frames:
        label = escape(frame.attrs.get("caption", "表格"), quote=True)
        html = f'<div class="table-wrap" role="region" aria-label="{label}" tabindex="0">{table_html(frame)}</div>'
        display({"text/html": html, "text/plain": frame.to_string()}, raw=True)
