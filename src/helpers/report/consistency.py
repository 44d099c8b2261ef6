"""正文与表格一致: every figure the narrative states (新收申请…件, 办结…件, 行政复议…件 …) against the tables.

Reviewers deduct for a narrative that says 共受理申请41个 while 表三 says 17; a clerk sees it in ``check``
before publishing. The narrative is read as published: placeholders filled, white space removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation

from helpers.errors import PlaceholderError, Problem
from helpers.report import formats, placeholders, tables
from helpers.report.model import Active2019, Active2021, National2021Report, NationalReport, Report

_ESCAPE = re.compile(r"\\(.)")
_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_NUMBER = r"(\d+(?:\.\d+)?)"
_NOT_TIME = r"(?!工作日|日|月|小时|天|年|次)"  # 收到申请后15个工作日内: a time limit, not a count
_GAP = r"[^，,。；;：:、\d]{0,8}?"  # words between a figure's name and its number, never across a clause


@dataclass(frozen=True)
class Stated:
    """A kind of figure narratives state: how the sentence reads, and where the table has it."""

    label: str  # the figure, as the tables name it
    pattern: re.Pattern[str]
    value: Callable[[NationalReport], int | Decimal | None]
    table: str  # the table's cell, as it prints it


def _totals(key: str) -> Callable[[NationalReport], int | None]:
    return lambda report: tables.national_totals(report)[key]


def _normative_issued(report: NationalReport) -> int | None:
    active = report.active
    if isinstance(active, Active2021):
        return active.normative.issued
    return active.normative.made if isinstance(active, Active2019) else None


def _collected(report: NationalReport) -> Decimal | None:
    return report.processing_fees.collected if isinstance(report, National2021Report) else None


STATED = (
    Stated("本年新收申请", re.compile(rf"(?:新收|受理|收到|接收){_GAP}申请{_GAP}{_NUMBER}(?:件|个|条|宗){_NOT_TIME}"),
           _totals("received"), "表三“一、本年新收政府信息公开申请数量”行“总计”列"),
    Stated("本年办结申请", re.compile(rf"办结{_GAP}{_NUMBER}(?:件|个|条|宗){_NOT_TIME}"),
           _totals("handled"), "表三“三、本年度办理结果（七）总计”行“总计”列"),
    Stated("结转下年度继续办理", re.compile(rf"结转下一?年度?{_GAP}{_NUMBER}(?:件|个|条){_NOT_TIME}"),
           _totals("carried_over"), "表三“四、结转下年度继续办理”行“总计”列"),
    Stated("行政复议", re.compile(rf"行政复议{_GAP}{_NUMBER}(?:件|起|个|宗){_NOT_TIME}"),
           _totals("reconsiderations"), "表四“行政复议”的“总计”"),
    Stated("行政诉讼", re.compile(rf"行政诉讼{_GAP}{_NUMBER}(?:件|起|个|宗){_NOT_TIME}"),
           _totals("lawsuits"), "表四“行政诉讼”两栏“总计”之和"),
    Stated("制发规范性文件", re.compile(rf"(?:制发|印发|制定){_GAP}规范性文件{_GAP}{_NUMBER}(?:件|个|份){_NOT_TIME}"),
           _normative_issued, "表二“规范性文件”行“本年制发件数”"),
    Stated("实际收取信息处理费", re.compile(rf"(?:实际)?收取{_GAP}(?:信息)?处理费{_GAP}{_NUMBER}元"),
           _collected, "表（六）“实际收取金额（元）”"),
)


def plain_prose(report: Report) -> dict[str, str]:
    """Each prose part as a reader sees it: placeholders filled (left as written where they cannot be),
    Markdown escapes and white space removed, digits in their ASCII form."""
    values = placeholders.namespace(report)
    found = {}
    for f in fields(report.prose):
        text = getattr(report.prose, f.name)
        if not isinstance(text, str) or not text.strip():
            continue
        try:
            text = _ESCAPE.sub(r"\1", placeholders.fill(text, values, f.name))
        except PlaceholderError:
            pass
        found[f.name] = "".join(text.translate(_DIGITS).split())
    return found


def quote(text: str, start: int, end: int, around: int = 12) -> str:
    """The words around ``text[start:end]``, with … where they were cut."""
    left, right = max(0, start - around), min(len(text), end + around)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


@dataclass(frozen=True)
class Contradiction:
    """A figure the narrative states that its table contradicts."""

    part: str  # the prose field
    title: str  # its part's heading
    stated: Stated
    table: int | Decimal  # what the table has
    said: str  # the number as the sentence writes it
    quote: str  # the words around it


def contradictions(report: Report, prose: dict[str, str] | None = None) -> list[Contradiction]:
    """Each figure the narrative states that its table contradicts; ``prose`` is ``plain_prose(report)`` where
    the caller has it already."""
    if not isinstance(report, NationalReport):
        return []
    parts = formats.of(report).prose_parts
    found = []
    for name, text in (plain_prose(report) if prose is None else prose).items():
        for stated in STATED:
            table = stated.value(report)
            if table is None:
                continue  # a blank cell: nothing to hold the sentence to
            for match in stated.pattern.finditer(text):
                try:
                    said = Decimal(match.group(1))
                except InvalidOperation:
                    continue
                if said != Decimal(table):
                    found.append(Contradiction(name, parts.get(name, name), stated, table, match.group(1),
                                               quote(text, match.start(), match.end())))
    return found


def stated_figures(report: Report) -> list[Problem]:
    """Each figure the narrative states that its table contradicts (a warning each, quoting the sentence)."""
    return [
        Problem(report.origin.file, report.origin.line(f"prose.{c.part}"), f"prose.{c.part}",
                f"与{c.stated.table}一致的{c.stated.label}数（{c.table}）",
                f"“{c.quote}”（{c.stated.label} {c.said}）", severity="warning", table=f"正文“{c.title}”")
        for c in contradictions(report)
    ]
