"""Where a field is printed on the official form: its table, row label and column label, so that every message
speaks in the form's own words (表三“（三）不予公开 1.属于国家秘密”行“自然人”列), never in a field path."""

from __future__ import annotations

import dataclasses
import functools
import re
import typing
from dataclasses import dataclass
from typing import Any

from helpers.errors import Problem
from helpers.report import formats
from helpers.report.model import APPEAL_GROUPS, APPEAL_RESULTS, APPLICANT_COLUMNS, blank

# The fields every format has outside its tables, by the words of the workbook's 机关信息 sheet and the page.
FIELDS = {
    "organ.town": "机关名称", "organ.slug": "镇街代码", "organ.district": "区名称", "organ.district_slug": "区代码",
    "organ.city": "市名称", "organ.kind": "机关类别", "organ.name": "机关全称", "sample": "示例数据",
    "publication.site": "发布网站名称", "publication.url": "发布网址", "publication.column": "发布栏目",
    "publication.filed_with": "报送单位", "publication.date": "发布日期（落款日期）",
    "publication.submitted": "报送日期", "contact.office": "联系部门", "contact.phone": "联系电话",
    "contact.email_name": "邮箱名称", "contact.email": "邮箱地址", "contact.address": "通讯地址",
    "contact.postcode": "邮政编码", "prose": "正文", "year": "年度", "format": "报告格式",
    "organ": "机关信息", "publication": "发布信息", "contact": "联系方式", "source": "数据来源",
}


@dataclass(frozen=True)
class Place:
    """A field as the form prints it: a table (or a part's title, or a field's label), its row and column, and
    the word that names it among its row's cells (``自然人``, ``结果维持``)."""

    table: str
    row: str = ""
    column: str = ""
    short: str = ""


@functools.cache
def places(fmt_name: str) -> dict[str, Place]:
    """Every field of a format with its printed place: cells, the rows and groups that hold them, prose parts."""
    fmt = formats.lookup(fmt_name)
    if fmt is None:
        return {}
    found = {path: Place(f"“{label}”") for path, label in FIELDS.items()}
    hints = typing.get_type_hints(fmt.report_class)
    report: Any = blank(fmt.report_class)
    parts = {**fmt.prose_parts, **fmt.published_parts}
    found.update({f"prose.{part}": Place(f"“{title}”") for part, title in parts.items()})
    found.update({path: Place(f"“{label}”") for path, label, _ in fmt.extra_fields})
    found.update({path: Place(f"“{part}”", row, "", row) for path, (part, row) in fmt.printed().items()})
    for _, columns, rows in getattr(hints.get("active"), "BLOCKS", ()):
        for label, field, keys in rows:
            found[f"active.{field}"] = Place("表二", label)
            for key, column in zip(keys, columns, strict=False):
                found[f"active.{field}.{key}"] = Place("表二", label, column, column)
    if "applications" in hints:
        for path, labels, _ in report.applications.rows():
            row = " ".join(label for label in labels[1:] if label) or labels[0]
            found[path] = Place("表三", row)
            for key, column in APPLICANT_COLUMNS:
                found[f"{path}.{key}"] = Place("表三", row, column, column)
    if "appeals" in hints:
        for key, labels in APPEAL_GROUPS:
            group = " ".join(label for label in labels if label)
            found[f"appeals.{key}"] = Place("表四", "", group)
            for result, column in APPEAL_RESULTS:
                found[f"appeals.{key}.{result}"] = Place("表四", "", f"{group} {column}", column)
    for name, frames in fmt.tables(report).items():  # the cells a (plug-in) format's tables name
        for frame in frames:
            for i, row in enumerate(frame.attrs.get(formats.TABLE_FIELDS) or ()):
                for j, cell in enumerate(row):
                    if cell and cell not in found:
                        column = _label(frame.columns[j])
                        found[cell] = Place(frame.attrs.get("caption") or name, _label(frame.index[i]), column, column)
    if "processing_fees" in hints:
        found["processing_fees"] = Place("信息处理费表", "信息处理费")
        for key, column in (("notices", "发出收费通知件数"), ("billed", "收费金额"), ("collected", "实际收取金额")):
            found[f"processing_fees.{key}"] = Place("信息处理费表", "信息处理费", column, column)
    return found


def _label(key: Any) -> str:
    """A table's row or column label as printed: the levels of a multi-level one joined."""
    return " ".join(str(part) for part in key if part) if isinstance(key, tuple) else str(key)


def place_of(fmt_name: str, path: str) -> Place | None:
    """The printed place of a field, else of the nearest part that holds it (an unknown key of 表二's 行政许可 row
    is named by that row); None for a field of no printed place."""
    found = places(fmt_name) or {path: Place(f"“{label}”") for path, label in FIELDS.items()}  # format unknown
    path = re.sub(r"\[\d+\]", "", path)
    while path:
        if path in found:
            return found[path]
        path = path.rpartition(".")[0]
    return None


def placed(fmt_name: str, problem: Problem) -> Problem:
    """A problem named where the form prints its field (table, row and column, a part's title), not by its path."""
    if problem.table or not problem.path:
        return problem
    place = place_of(fmt_name, problem.path)
    if place is None:
        return problem
    return dataclasses.replace(problem, table=place.table, row=place.row, column=place.column)


def name_of(fmt_name: str, path: str) -> str:
    """A field as a user reads it: ``表三“一、本年新收政府信息公开申请数量”行“自然人”列``; a field of no printed
    place (a plug-in format's) is named by its path."""
    place = places(fmt_name).get(path)
    if place is None:
        return f"字段 {path}"
    cell = "".join(f"“{label}”{kind}" for label, kind in ((place.row, "行"), (place.column, "列")) if label)
    return place.table + cell


def short_name(fmt_name: str, path: str) -> str:
    """A cell among its row's cells (``自然人``), as a list of a row's blank cells names it."""
    place = places(fmt_name).get(path)
    return place.short if place is not None and place.short else path.rpartition(".")[2]
