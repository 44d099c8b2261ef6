"""Next year from last year: a town's new data file, started from its latest earlier one.

What stays from year to year is carried (the organ, where the report is published, whom to ask); what
follows from last year's figures is chained (上年结转 = last year's 结转下年度继续办理; 2021 table 二's
现行有效 件数 = last year's, to be changed by this year's 制发 and 废止); every other count is left blank for
the clerk, and a blank is an error at ``check`` until it is filled. Last year's narrative is kept as a draft,
marked as one, so that an unchanged draft is caught (内容雷同, and the mark itself).
"""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path
from typing import Any

from helpers.intake.load import dump_yaml, load_report, unknown
from helpers.project import year_files_of_town
from helpers.report import formats
from helpers.report.checks import DRAFT_MARK
from helpers.report.model import Documents2021, Report, required

CARRIED = ("organ", "publication", "contact")
_FLOW_NULL = re.compile(r"(?<=:) null(?=[,}])")
_FLOW_LINE = re.compile(r"^\s*\w+: \{.*\}$")


def latest_before(town_dir: Path, year: int) -> Report | None:
    """The town's latest data file before ``year`` that can be read, or None."""
    for found in reversed(year_files_of_town(town_dir)):
        if found.year < year:
            try:
                return load_report(found.path)
            except Exception:  # noqa: BLE001 - a broken file is skipped; check names it
                continue
    return None


def next_year(previous: Report, year: int, fmt_name: str = "") -> dict[str, Any]:
    """The content of the town's data file for ``year`` (in the format of that year, or ``fmt_name``), from its
    report of an earlier year."""
    fmt = formats.get(fmt_name) if fmt_name else formats.for_year(year)
    data: dict[str, Any] = {"format": fmt.name, "year": year}
    if previous.sample:
        data["sample"] = True
    for name in CARRIED:
        data[name] = _without_blanks(dataclasses.asdict(getattr(previous, name)))
    for path, _, _ in fmt.extra_fields:  # a format's own details (e.g. 依据 of legacy-2008)
        if "." not in path and isinstance(getattr(previous, path, None), str):
            data[path] = getattr(previous, path)
    data["publication"].pop("date", None)  # this year's report is not published yet
    hints = typing.get_type_hints(fmt.report_class)
    for f in dataclasses.fields(fmt.report_class):
        tp = hints[f.name]
        table = isinstance(tp, type) and dataclasses.is_dataclass(tp) and f.name not in (*CARRIED, "prose")
        if table and required(f):
            data[f.name] = _required(unknown(tp))
    consecutive = previous.year == year - 1
    carried_over = getattr(getattr(previous, "applications", None), "carried_over", None)
    if consecutive and carried_over is not None and "applications" in data:
        data["applications"]["carried_in"] = _required(carried_over)
    for key in ("rules", "normative"):
        before = getattr(getattr(previous, "active", None), key, None)
        if consecutive and isinstance(before, Documents2021) and key in data.get("active", {}):
            data["active"][key]["in_force"] = before.in_force
    data["prose"] = _draft(previous, fmt.report_class)
    return data


def _draft(previous: Report, report_class: type) -> dict[str, str]:
    """Last year's prose, each part marked as a draft; parts the new format does not have are left out."""
    hints = typing.get_type_hints(report_class)
    parts = {f.name for f in dataclasses.fields(hints["prose"])}
    mark = DRAFT_MARK.format(year=previous.year)
    return {
        name: f"{mark}\n\n{text}"
        for name, text in dataclasses.asdict(previous.prose).items()
        if name in parts and text.strip()
    }


def _required(value: Any) -> dict[str, Any]:
    """A dataclass as a mapping of its required fields only (a stated total, a unit … are left out)."""
    found = {}
    for f in dataclasses.fields(value):
        if required(f):
            item = getattr(value, f.name)
            found[f.name] = _required(item) if dataclasses.is_dataclass(item) else item
    return found


def _without_blanks(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def new_year_text(previous: Report, year: int) -> str:
    """The YAML text of the new file: blank counts written as nothing after the colon, ready to be filled."""
    head = (
        f"# {year} 年度数据文件，由 xxgk new-year 从 {previous.year} 年度的文件生成。\n"
        "# 空着的数字请按本年度实际填写（确为零时填 0）；填完之前 xxgk check 会逐项列出未填写的字段。\n"
    )
    text = dump_yaml(next_year(previous, year))
    lines = [_FLOW_NULL.sub(" ", line) if _FLOW_LINE.match(line) else line for line in text.splitlines()]
    return head + "\n".join(lines) + "\n"
