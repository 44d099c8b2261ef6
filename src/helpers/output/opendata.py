"""Open data: every computed table and figure of a report as JSON, and a district's towns as CSV.

The JSON keeps the data file's English keys for figures, and each table in a
"split" layout (caption, column labels, row labels, cells) with its Chinese
labels; ``docs/open-data.md`` and ``docs/report.schema.json`` describe it.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pandas as pd

from helpers.report import formats, tables
from helpers.report.district import District, comparison
from helpers.report.model import Report

SCHEMA = "xxgk-report/1"


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def _labels(index: pd.Index) -> list[list[str]]:
    return [list(key) if isinstance(key, tuple) else [str(key)] for key in index]


def table_json(frame: pd.DataFrame) -> dict[str, Any]:
    """One table: caption, corner text, column and row labels (a list per level), cells row by row."""
    return {
        "caption": frame.attrs.get("caption", ""),
        "corner": frame.attrs.get("corner_note", frame.attrs.get("corner", "")),
        "columns": _labels(frame.columns),
        "rows": _labels(frame.index) if frame.attrs.get("row_headers", True) else [],
        "cells": [[_cell(v) for v in row] for row in frame.itertuples(index=False)],
    }


def table_from_json(data: dict[str, Any]) -> pd.DataFrame:
    """The DataFrame back from ``table_json`` (for readers in Python, and for the round-trip test)."""
    columns = (
        pd.MultiIndex.from_tuples(map(tuple, data["columns"]))
        if len(data["columns"][0]) > 1
        else [c[0] for c in data["columns"]]
    )
    rows = data["rows"]
    if not rows:
        index: Any = None
    elif len(rows[0]) > 1:
        index = pd.MultiIndex.from_tuples(map(tuple, rows))
    else:
        index = [r[0] for r in rows]
    return pd.DataFrame(data["cells"], index=index, columns=columns)


def report_json(report: Report, discrepancies: list[str] | None = None) -> dict[str, Any]:
    """Everything a reader may want from one town's report, under stable keys; for a report recorded as it was
    published, the discrepancies found in it (blank cells, broken balances) as the build listed them."""
    fmt = formats.of(report)
    values = tables.facts(report)
    out: dict[str, Any] = {
        "schema": SCHEMA,
        "format": report.format,
        "year": report.year,
        "sample": report.sample,
        "title": values["title"],
        "organ": {**values["organ"], "kind": report.organ.kind_or_guess, "name": report.organ.full_name},
        "figures": _json_ready(fmt.figures(report)),
        "headline": {label: _cell(value) for label, value in fmt.headline(report).items()},
        "tables": {name: [table_json(f) for f in frames] for name, frames in fmt.tables(report).items()},
    }
    if "totals" in values:
        out["totals"] = values["totals"]
    if report.published:
        out["source"] = "published"
        out["discrepancies"] = list(discrepancies or [])
        if report.not_applicable:
            out["not_applicable"] = list(report.not_applicable)
    return out


def _json_ready(value: Any) -> Any:
    """Data-file values for JSON: amounts as numbers; totals the file did not state are left out."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    return _cell(value)


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """Text a spreadsheet will not run: text that starts like a formula gets a leading apostrophe (OWASP's
    advice for CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def district_csv(district: District) -> str:
    """One row per town, one column per main figure; UTF-8 with BOM so Excel and WPS read the Chinese."""
    frame = comparison(district)
    frame.index = pd.Index([spreadsheet_text(name) for name in frame.index], name=district.label())
    frame.insert(0, "镇街代码", [r.organ.slug for r in district.by_town()])
    frame.columns = pd.Index([spreadsheet_text(c) for c in frame.columns])
    return "\ufeff" + frame.map(spreadsheet_text).to_csv(lineterminator="\n")
