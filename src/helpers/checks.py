"""Checks stage: the balancing rules (勾稽关系) and the cross-year rules; returns problems, never prints.

Errors stop a report; warnings are built and listed in the build summary.
"""

from __future__ import annotations

import difflib
from dataclasses import fields
from pathlib import Path

from .errors import DataFileError, Problem
from .load import load_report
from .model import (
    APPEAL_GROUPS,
    APPEAL_TOTAL,
    APPLICANT_COLUMNS,
    APPLICANT_TOTAL,
    CARRIED_IN,
    CARRIED_OVER,
    LEGACY_PROSE_PARTS,
    PROSE_PARTS,
    RESULT_TOTAL,
    Legacy2008Report,
    National2021Report,
    NationalReport,
    Report,
)

TABLE_ACTIVE = "表二"
TABLE_APPLICATIONS = "表三"
TABLE_APPEALS = "表四"
SIMILAR = 0.9  # 内容雷同: the 2021 notice warns against copying last year's text
SIMILAR_MIN_CHARS = 60  # a one-line part such as "无其他需要报告的事项" may stay the same each year


def check_file(path: str | Path) -> tuple[Report, list[Problem]]:
    """Load a data file and check it, with last year's file (when it exists) for the cross-year rules.

    Raises DataFileError when the file cannot be read at all.
    """
    path = Path(path)
    report = load_report(path)
    previous = None
    last_year = path.with_name(f"{report.year - 1}.yaml")
    problems: list[Problem] = []
    if last_year.exists():
        try:
            previous = load_report(last_year)
        except DataFileError:
            problems.append(
                Problem(
                    report.source.file,
                    None,
                    "",
                    f"可读取的上年数据文件 {last_year.name}",
                    "该文件有错误",
                    "本次跳过跨年核对。",
                    severity="warning",
                )
            )
    return report, problems + check(report, previous)


def check(report: Report, previous: Report | None = None) -> list[Problem]:
    """Every rule that applies to ``report``; ``previous`` is last year's report of the same town, if any."""
    problems = _similar_prose(report, previous) if previous is not None else []
    if not isinstance(report, NationalReport):
        return problems
    problems += _applications(report) + _appeals(report)
    if isinstance(previous, NationalReport):
        problems += _carry_over(report, previous)
    if isinstance(report, National2021Report) and isinstance(previous, National2021Report):
        problems += _in_force(report, previous)
    return problems


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def _problem(report: Report, path: str, **kw: str) -> Problem:
    return Problem(report.source.file, report.source.line(path), path, **kw)


def _row_label(labels: tuple[str, ...]) -> str:
    return " ".join(label for label in labels if label)


def _applications(report: NationalReport) -> list[Problem]:
    apps = report.applications  # type: ignore[attr-defined]
    problems = []
    for path, labels, counts in apps.rows():
        if counts.total is not None and counts.total != counts.computed_total():
            parts = " + ".join(str(n) for n in counts.counts())
            problems.append(
                _problem(
                    report,
                    f"{path}.total",
                    table=TABLE_APPLICATIONS,
                    row=_row_label(labels),
                    column=APPLICANT_TOTAL,
                    expected=f"六类申请人之和 {parts} = {counts.computed_total()}",
                    found=f"填写的 {counts.total}",
                )
            )
    computed = apps.results.computed_total()
    stated = apps.results.total
    for index, (key, label) in enumerate(APPLICANT_COLUMNS):
        if stated is not None and stated.counts()[index] != computed[index]:
            problems.append(
                _problem(
                    report,
                    f"applications.results.total.{key}",
                    table=TABLE_APPLICATIONS,
                    row=RESULT_TOTAL,
                    column=label,
                    expected=f"（一）至（六）各项之和 {computed[index]}",
                    found=f"填写的 {stated.counts()[index]}",
                )
            )
        new, carried_in = apps.received.counts()[index], apps.carried_in.counts()[index]
        total, carried_over = computed[index], apps.carried_over.counts()[index]
        if new + carried_in != total + carried_over:
            problems.append(
                _problem(
                    report,
                    f"applications.received.{key}",
                    table=TABLE_APPLICATIONS,
                    column=label,
                    expected=(
                        f"一、本年新收（{new}）+ 二、上年结转（{carried_in}）"
                        f"= {RESULT_TOTAL}（{total}）+ {CARRIED_OVER}（{carried_over}）"
                    ),
                    found=(
                        f"{new} + {carried_in} = {new + carried_in}，"
                        f"而 {total} + {carried_over} = {total + carried_over}"
                    ),
                )
            )
    return problems


def _appeals(report: NationalReport) -> list[Problem]:
    problems = []
    for key, labels in APPEAL_GROUPS:
        group = getattr(report.appeals, key)  # type: ignore[attr-defined]
        if group.total is not None and group.total != group.computed_total():
            parts = " + ".join(str(n) for n in group.counts())
            problems.append(
                _problem(
                    report,
                    f"appeals.{key}.total",
                    table=TABLE_APPEALS,
                    column=f"{_row_label(labels)} {APPEAL_TOTAL}",
                    expected=f"结果维持、结果纠正、其他结果、尚未审结之和 {parts} = {group.computed_total()}",
                    found=f"填写的 {group.total}",
                )
            )
    return problems


def _carry_over(report: NationalReport, previous: NationalReport) -> list[Problem]:
    now = report.applications.carried_in.counts()  # type: ignore[attr-defined]
    before = previous.applications.carried_over.counts()  # type: ignore[attr-defined]
    return [
        _problem(
            report,
            f"applications.carried_in.{key}",
            table=TABLE_APPLICATIONS,
            row=CARRIED_IN,
            column=label,
            expected=f"与{previous.year}年“{CARRIED_OVER}”一致的 {b}",
            found=str(a),
            severity="warning",
        )
        for (key, label), a, b in zip(APPLICANT_COLUMNS, now, before, strict=True)
        if a != b
    ]


def _in_force(report: National2021Report, previous: National2021Report) -> list[Problem]:
    problems = []
    for key, label in (("rules", "规章"), ("normative", "行政规范性文件")):
        now, before = getattr(report.active, key), getattr(previous.active, key)
        expected = before.in_force + now.issued - now.repealed
        if now.in_force != expected:
            problems.append(
                _problem(
                    report,
                    f"active.{key}.in_force",
                    table=TABLE_ACTIVE,
                    row=label,
                    column="现行有效件数",
                    expected=(
                        f"上年现行有效 {before.in_force} + 本年制发 {now.issued} − 本年废止 {now.repealed} = {expected}"
                    ),
                    found=str(now.in_force),
                    severity="warning",
                )
            )
    return problems


def similarity(a: str, b: str) -> float:
    """How alike two texts are, from 0 to 1 (difflib's ratio, ignoring white space)."""
    return difflib.SequenceMatcher(None, "".join(a.split()), "".join(b.split()), autojunk=False).ratio()


def _similar_prose(report: Report, previous: Report) -> list[Problem]:
    """A part whose prose is (nearly) the same as last year's: 内容雷同."""
    parts = LEGACY_PROSE_PARTS if isinstance(report, Legacy2008Report) else PROSE_PARTS
    problems = []
    for f in fields(report.prose):  # type: ignore[arg-type]
        now, before = getattr(report.prose, f.name), getattr(previous.prose, f.name, "")
        if (
            not isinstance(before, str)
            or min(len("".join(now.split())), len("".join(before.split()))) < SIMILAR_MIN_CHARS
        ):
            continue
        ratio = similarity(now, before)
        if ratio >= SIMILAR:
            problems.append(
                _problem(
                    report,
                    f"prose.{f.name}",
                    expected=f"与{previous.year}年“{parts.get(f.name, f.name)}”"
                    f"有实质区别的正文（相似度低于 {SIMILAR:.0%}）",
                    found=f"相似度 {ratio:.0%}（内容雷同）",
                    severity="warning",
                )
            )
    return problems
