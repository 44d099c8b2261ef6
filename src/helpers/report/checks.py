"""Checks stage: the rules every report is held to, and its format's balancing (勾稽关系) and cross-year
rules; returns problems, never prints.

Errors stop a report; warnings are built and listed in the build summary.
"""

from __future__ import annotations

import re
from dataclasses import fields

from rapidfuzz import fuzz

from helpers.errors import Problem
from helpers.report import consistency, formats, placeholders
from helpers.report.model import Report
from helpers.report.places import name_of, placed, places

TABLE_ACTIVE = "表二"
TABLE_APPLICATIONS = "表三"
TABLE_APPEALS = "表四"
SIMILAR = 0.9  # 内容雷同: the 2021 notice warns against copying last year's text
SIMILAR_MIN_CHARS = 60  # a one-line part such as "无其他需要报告的事项" may stay the same each year
DRAFT_EXPECTED = "本年度的正文"
UNJUDGED_EXPECTED = "全部单元格正确填写后核对的合计与勾稽关系"  # a table's sums skipped over its wrong or blank cells
DRAFT_MARK = "【草稿：沿用{year}年度报告原文，请按本年度实际修改，并删除本行】"  # written by xxgk new-year
TITLE = re.compile(r"^(?:\S+?\d{4}年(?:度)?|\d{4}年(?:度)?\S+?)政府信息公开工作年度报告$")  # the year after or before
_DRAFT = re.compile(r"【草稿：沿用(\d{4})年度报告原文[^】\n]*】")


def check(report: Report, previous: Report | None = None) -> list[Problem]:
    """Every rule that applies to ``report``; ``previous`` is last year's report of the same town, if any."""
    fmt = formats.of(report)
    problems = _placeholders(report) + _drafts(report)
    problems += _similar_prose(report, previous) if previous is not None else []
    if not fmt.in_force(report.year):
        problems.append(
            problem_at(
                report,
                "format",
                expected=f"{report.year} 年适用的报告格式（{fmt.name} 用于 {fmt.years_text()}的报告）",
                found=fmt.name,
                severity="warning" if report.published else "error",
            )
        )
    for name in fmt.required_prose:
        if not report.published and report.origin.line(f"prose.{name}") is None and report.origin.file:
            problems.append(problem_at(report, "prose", expected=f"必填字段 {name}", found="缺少该字段"))
    title = report.organ.title
    if report.published and title and fmt.prescribed_tables and not TITLE.match(title):
        problems.append(problem_at(report, "organ.title", expected="“<机关><年度>年政府信息公开工作年度报告”形式的标题",
                                   found=f"“{title}”（按原报告记录）", severity="warning"))
    if not report.published and not report.contact.office.strip():
        problems.append(problem_at(report, "contact", expected="联系机关（“如对本报告有疑问，请与……联系”）",
                                   found="空白"))
    problems += fmt.checks(report, previous) + consistency.stated_figures(report) + blanks(report) + unjudged(report)
    return [placed(report.format, p) for p in problems]


def unjudged(report: Report) -> list[Problem]:
    """The tables of a refused file with wrong or blank cells, one note each: the sums and balances over those
    cells are skipped in this run, and judged once they are put right."""
    by_table: dict[str, list[str]] = {}
    for path in report.unjudged:
        place = places(report.format).get(path)
        if place is not None and place.table and not place.table.startswith("“"):
            by_table.setdefault(place.table, []).append(path)
    return [
        problem_at(report, paths[0], table=table, expected=UNJUDGED_EXPECTED,
                   found=f"{len(paths)} 个单元格有错误或尚未填写，含它们的合计与勾稽关系本次未核对",
                   hint="改正、填写后请再检查一次。", severity="warning")
        for table, paths in by_table.items()
    ]


TABLE_OF = {"active": TABLE_ACTIVE, "applications": TABLE_APPLICATIONS, "appeals": TABLE_APPEALS}


def blanks(report: Report) -> list[Problem]:
    """Each table of a published report with blank cells, as one warning: kept blank, counted as unknown."""
    if not formats.of(report).prescribed_tables:
        return []  # the format prescribed no table: a published report's figures are those it printed
    problems = []
    for part, blank in report.blanks().items():
        if not report.seen(part):
            continue  # a table its source did not show: not blank, not seen
        table = TABLE_OF.get(part, "")
        names = [name_of(report.format, path).removeprefix(table) for path in blank[:5]]
        shown = "、".join(names) + ("等" if len(blank) > 5 else "")
        problems.append(
            problem_at(
                report,
                blank[0],
                table=table,
                expected="填写了数字的单元格",
                found=f"{len(blank)} 个空白单元格（{shown}），按已发布的报告原样保留为空白，视为未知",
                severity="warning",
            )
        )
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def problem_at(report: Report, path: str, **kw: str) -> Problem:
    """A problem at field ``path`` of the report's data file, with that field's line, named as the form prints it."""
    return placed(report.format, Problem(report.origin.file, report.origin.line(path), path, **kw))


def _placeholders(report: Report) -> list[Problem]:
    """Placeholders in the prose that a build would refuse (method calls, unknown filters, too long …)."""
    problems = []
    for f in fields(report.prose):
        text = getattr(report.prose, f.name)
        path = f"prose.{f.name}"
        for placeholder in placeholders.find(text):
            why = placeholders.refusal(placeholder)
            if why:
                at = report.origin.text_line(path, placeholder.line)
                problems.append(
                    Problem(report.origin.file, at, path, "只读取数值的占位符", f"{placeholder.shown}：{why}")
                )
    return problems


def _drafts(report: Report) -> list[Problem]:
    """A part still marked as last year's draft (xxgk new-year) must not be published as it is."""
    problems = []
    for f in fields(report.prose):
        path = f"prose.{f.name}"
        text = getattr(report.prose, f.name)
        mark = _DRAFT.search(text)
        if mark:
            line = report.origin.text_line(path, text.count("\n", 0, mark.start()) + 1)
            problems.append(
                Problem(
                    report.origin.file, line, path, DRAFT_EXPECTED,
                    f"仍带草稿标记的{mark.group(1)}年度原文",
                    "请按本年度实际修改这一部分，然后删除草稿标记这一行。",
                )
            )
    return problems


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1, ignoring white space: the normalised Indel similarity (rapidfuzz's
    ``fuzz.ratio``: twice the characters the two share in order, over both lengths)."""
    return fuzz.ratio("".join(a.split()), "".join(b.split())) / 100


def _similar_prose(report: Report, previous: Report) -> list[Problem]:
    """A part whose prose is (nearly) the same as last year's: 内容雷同."""
    parts = formats.of(report).prose_parts
    problems = []
    for f in fields(report.prose):
        now, before = getattr(report.prose, f.name), getattr(previous.prose, f.name, "")
        if (
            not isinstance(before, str)
            or not isinstance(now, str)
            or min(len("".join(now.split())), len("".join(before.split()))) < SIMILAR_MIN_CHARS
        ):
            continue
        ratio = similarity(now, before)
        if ratio >= SIMILAR:
            problems.append(
                problem_at(
                    report,
                    f"prose.{f.name}",
                    expected=f"与{previous.year}年“{parts.get(f.name, f.name)}”"
                    f"有实质区别的正文（相似度低于 {SIMILAR:.0%}）",
                    found=f"相似度 {ratio:.0%}（内容雷同）",
                    severity="warning",
                )
            )
    return problems
