"""The national formats (国办公开办函〔2019〕60号 and 〔2021〕30号): tables 二, 三 and 四 and their rules."""

from __future__ import annotations

import dataclasses
import random
from typing import Any, ClassVar, TypeVar

import pandas as pd

from helpers.errors import Problem
from helpers.report import demo, tables
from helpers.report.checks import TABLE_ACTIVE, TABLE_APPEALS, TABLE_APPLICATIONS, problem_at
from helpers.report.formats import ReportFormat
from helpers.report.model import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPEAL_TOTAL,
    APPLICANT_COLUMNS,
    APPLICANT_TOTAL,
    CARRIED_IN,
    CARRIED_OVER,
    PROSE_PARTS,
    PUBLISHED_PARTS,
    RESULT_TOTAL,
    TOWN_KINDS,
    National2019Report,
    National2021Report,
    NationalReport,
    NotProcessed,
    OtherHandling,
    Refused,
    Report,
    Unable,
    known_sum,
)

N = TypeVar("N", bound=NationalReport)


class NationalFormat(ReportFormat[N]):
    """What both national formats share: the three official tables, their balancing rules and carry-over."""

    prose_parts = PROSE_PARTS
    required_prose = ("overview", "problems")
    headed_prose = ("overview", "problems", "other")
    published_parts = PUBLISHED_PARTS
    figure_fields: ClassVar[tuple[str, ...]] = ("active", "applications", "appeals")
    sheets = ("active", "applications", "appeals")
    summed_tables = ("active", "applications", "appeals")

    def checks(self, report: N, previous: Report | None) -> list[Problem]:
        problems = applications_balance(report) + added_rows(report) + appeals_totals(report) + rules_of_a_town(report)
        if isinstance(previous, NationalReport):
            problems += carry_over(report, previous) + decisions_jump(report, previous)
        return problems

    def facts(self, report: N) -> dict[str, Any]:
        return {"totals": tables.national_totals(report), "phrases": {"fees": ""}}

    def tables(self, report: N, *, summable: bool = False) -> dict[str, list[pd.DataFrame]]:
        return {
            "active": tables.active_tables(report, in_wan=summable, as_printed=not summable),
            "applications": [tables.applications_table(report, as_printed=not summable)],
            "appeals": [tables.appeals_table(report)],
        }

    def headline(self, report: N) -> dict[str, int | None]:
        return tables.national_headline(report)

    def trend(self, report: N) -> dict[str, int | None]:
        return {
            tables.PUBLISHED_DECISIONS: report.active.decisions(),
            tables.APPLICATIONS: tables.national_totals(report)["received"],
        }

    def demo(self, rng: random.Random, urban: bool, state: dict[str, Any], stated: bool) -> dict[str, Any]:
        data = {
            "active": self.demo_active(rng, urban, state),
            "applications": demo_applications(rng, urban, state, stated, self.other_rows),
            "appeals": demo_appeals(rng, urban, stated),
            **self.demo_extra(rng, urban),
        }
        data["prose"] = {"overview": demo.overview(rng, 5, urban=urban) + "\n", "problems": demo.problems(rng) + "\n"}
        return data

    def demo_extra(self, rng: random.Random, urban: bool) -> dict[str, Any]:
        """Figures beyond tables 二 to 四, drawn before the prose."""
        return {}

    other_rows: ClassVar[tuple[str, ...]] = ()  # the sub-rows of （六）其他处理, if split

    def demo_active(self, rng: random.Random, urban: bool, state: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError


class National2019(NationalFormat[National2019Report]):
    """全国统一格式（2019 年版）, for the reports of 2019 and 2020."""

    name = "national-2019"
    label = "全国统一格式（2019 年版）"
    report_class = National2019Report
    template = "annual_report.ipynb"
    first_year = 2019
    last_year = 2020

    def demo_active(self, rng: random.Random, urban: bool, state: dict[str, Any]) -> dict[str, Any]:
        scale = 4 if urban else 1
        made = rng.randint(0, 4)
        previous_total = state.get("normative_public", rng.randint(5, 30))
        state["normative_public"] = previous_total + made
        items = {
            key: {"previous": p, "change": rng.randint(-2, 3), "decisions": _steady(rng, state, key, d // 6, d) * scale}
            for key, p, d in (
                ("licensing", rng.randint(5, 40), 120),
                ("other_services", rng.randint(5, 60), 200),
                ("punishment", rng.randint(10, 80), 60),
                ("enforcement", rng.randint(0, 10), 8),
            )
        }
        for item in items.values():
            item["change"] = max(item["change"], -item["previous"])
        fee_previous = rng.randint(0, 6)
        return {
            "rules": {"made": 0, "published": 0, "total_public": 0},
            "normative": {"made": made, "published": made, "total_public": previous_total + made},
            **items,
            "fees": {"previous": fee_previous, "change": max(rng.randint(-1, 1), -fee_previous)},
            "procurement": {"projects": (p := rng.randint(0, 12)), "amount": round(p * rng.uniform(3, 40), 2)},
        }


class National2021(NationalFormat[National2021Report]):
    """全国统一格式（2021 年版）, for the reports of 2021 on: adds 现行有效 chains and information-processing fees."""

    name = "national-2021"
    label = "全国统一格式（2021 年版）"
    report_class = National2021Report
    template = "annual_report.ipynb"
    first_year = 2021
    figure_fields = ("active", "applications", "appeals", "processing_fees")
    other_rows = tuple(OtherHandling.LABELS)

    def checks(self, report: National2021Report, previous: Report | None) -> list[Problem]:
        problems = super().checks(report, previous) + fees_without_notice(report)
        if isinstance(previous, National2021Report):
            problems += in_force(report, previous)
        return problems

    def facts(self, report: National2021Report) -> dict[str, Any]:
        return {**super().facts(report), "phrases": {"fees": tables.fee_phrase(report)}}

    def tables(self, report: National2021Report, *, summable: bool = False) -> dict[str, list[pd.DataFrame]]:
        return {**super().tables(report, summable=summable), "processing_fees": [tables.fee_table(report)]}

    def demo_active(self, rng: random.Random, urban: bool, state: dict[str, Any]) -> dict[str, Any]:
        scale = 4 if urban else 1
        issued, in_force_before = rng.randint(0, 4), state.get("in_force", rng.randint(5, 25))
        repealed = min(rng.randint(0, 2), in_force_before)
        state["in_force"] = in_force_before + issued - repealed
        return {
            "rules": {"issued": 0, "repealed": 0, "in_force": 0},
            "normative": {"issued": issued, "repealed": repealed, "in_force": state["in_force"]},
            "licensing": {"decisions": _steady(rng, state, "licensing", 20, 150) * scale},
            "punishment": {"decisions": _steady(rng, state, "punishment", 10, 80) * scale},
            "enforcement": {"decisions": rng.randint(0, 6)},
            "fees": {"amount": round(rng.uniform(0, 30) * scale, 2)},
        }

    def demo_extra(self, rng: random.Random, urban: bool) -> dict[str, Any]:
        notices = rng.choice([0, 0, 0, 1, 2]) if urban else 0
        billed = round(notices * rng.choice([50, 100, 120.5]), 2)
        collected = billed if rng.random() < 0.7 else 0
        return {"processing_fees": {"notices": notices, "billed": billed, "collected": collected}}

    def demo(self, rng: random.Random, urban: bool, state: dict[str, Any], stated: bool) -> dict[str, Any]:
        data = super().demo(rng, urban, state, stated)
        data["prose"]["other"] = demo.closing(rng) + "\n"
        return data


# --- rules ------------------------------------------------------------------------------------


def _row_label(labels: tuple[str, ...]) -> str:
    return " ".join(label for label in labels if label)


def added_rows(report: NationalReport) -> list[Problem]:
    """Table 三's added rows: seven cells each (six kinds of applicant and 总计), as the table prints them."""
    width = len(APPLICANT_COLUMNS) + 1
    columns = "、".join([*(label for _, label in APPLICANT_COLUMNS), APPLICANT_TOTAL])
    return [
        problem_at(report, f"applications.added[{i}].cells", table=TABLE_APPLICATIONS, row=row.label,
                   expected=f"{width} 个单元格（{columns}）", found=f"{len(row.cells)} 个")
        for i, row in enumerate(report.applications.added)
        if len(row.cells) != width
    ]


def applications_balance(report: NationalReport) -> list[Problem]:
    """Table 三: stated totals equal their parts; per column 一 + 二 = （七）总计 + 四."""
    apps = report.applications
    problems = []
    for path, labels, counts in apps.rows():
        if None not in (counts.total, counts.computed_total()) and counts.total != counts.computed_total():
            parts = " + ".join(str(n) for n in counts.counts())
            problems.append(
                problem_at(
                    report,
                    f"{path}.total",
                    table=TABLE_APPLICATIONS,
                    row=_row_label(labels),
                    column=APPLICANT_TOTAL,
                    expected=f"六类申请人之和 {parts} = {counts.computed_total()}",
                    found=f"填写的 {counts.total}",
                    severity=_severity(report),
                )
            )
    computed = apps.results.computed_total()
    # A report to publish is held to the totals it computes; a published one to the totals it published.
    shown = apps.results.shown_total() if report.published else (*computed, known_sum(computed))
    stated = apps.results.total
    columns = [*APPLICANT_COLUMNS, ("total", APPLICANT_TOTAL)]
    for index, (key, label) in enumerate(APPLICANT_COLUMNS):
        if stated is not None and None not in (stated.counts()[index], computed[index]) and (
            stated.counts()[index] != computed[index]
        ):
            problems.append(
                problem_at(
                    report,
                    f"applications.results.total.{key}",
                    table=TABLE_APPLICATIONS,
                    row=RESULT_TOTAL,
                    column=label,
                    expected=f"（一）至（六）各项之和 {computed[index]}",
                    found=f"填写的 {stated.counts()[index]}",
                    severity=_severity(report),
                )
            )
    for index, (key, label) in enumerate(columns):
        if key == "total" and None not in computed:
            break  # every column balances on its own, so the 总计 column does too
        if key == "total":
            new, carried_in = apps.received.shown_total(), apps.carried_in.shown_total()
            total, carried_over = shown[-1], apps.carried_over.shown_total()
        else:
            new, carried_in = apps.received.counts()[index], apps.carried_in.counts()[index]
            total, carried_over = shown[index], apps.carried_over.counts()[index]
        if new is None or carried_in is None or total is None or carried_over is None:
            continue  # a blank cell of a published report: unknown, listed as a blank
        if new + carried_in != total + carried_over:
            problems.append(
                problem_at(
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
                    severity=_severity(report),
                )
            )
    return problems


def _severity(report: Report) -> str:
    """A broken rule is an error in a report to publish, and a warning in one recorded as it was published."""
    return "warning" if report.published else "error"


def appeals_totals(report: NationalReport) -> list[Problem]:
    """Table 四: a stated 总计 equals its four results."""
    problems = []
    for key, labels in APPEAL_GROUPS:
        group = getattr(report.appeals, key)
        if None not in (group.total, group.computed_total()) and group.total != group.computed_total():
            parts = " + ".join(str(n) for n in group.counts())
            problems.append(
                problem_at(
                    report,
                    f"appeals.{key}.total",
                    table=TABLE_APPEALS,
                    column=f"{_row_label(labels)} {APPEAL_TOTAL}",
                    expected=f"结果维持、结果纠正、其他结果、尚未审结之和 {parts} = {group.computed_total()}",
                    found=f"填写的 {group.total}",
                    severity=_severity(report),
                )
            )
    return problems


def carry_over(report: NationalReport, previous: NationalReport) -> list[Problem]:
    """This year's 上年结转 is last year's 结转下年度继续办理 (warning)."""
    now = report.applications.carried_in.counts()
    before = previous.applications.carried_over.counts()
    return [
        problem_at(
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
        if a is not None and b is not None and a != b  # a blank (unknown) is listed as a blank, not compared
    ]


def in_force(report: National2021Report, previous: National2021Report) -> list[Problem]:
    """2021 table 二: 现行有效 = last year's 现行有效 + 本年制发 − 本年废止 (warning)."""
    problems = []
    for key, label in (("rules", "规章"), ("normative", "行政规范性文件")):
        now, before = getattr(report.active, key), getattr(previous.active, key)
        if None in (before.in_force, now.issued, now.repealed, now.in_force):
            continue  # a blank (unknown) figure: nothing to compare
        expected = before.in_force + now.issued - now.repealed
        if expected < 0:
            problems.append(
                problem_at(
                    report,
                    f"active.{key}.repealed",
                    table=TABLE_ACTIVE,
                    row=label,
                    column="本年废止件数",
                    expected=f"不多于上年现行有效 {before.in_force} 件与本年制发 {now.issued} 件之和",
                    found=f"本年废止 {now.repealed} 件（现行有效件数推算为 {expected}）",
                    severity="warning",
                )
            )
        elif now.in_force != expected:
            problems.append(
                problem_at(
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


MAGNITUDE = 10  # a figure ten times (or a tenth of) last year's is worth a second look …
MAGNITUDE_FLOOR = 20  # … once the larger of the two is at least this many decisions


def decisions_jump(report: NationalReport, previous: NationalReport) -> list[Problem]:
    """行政许可 and 行政处罚 decisions an order of magnitude away from last year's (warning)."""
    problems = []
    for key, label in (("licensing", "行政许可"), ("punishment", "行政处罚")):
        now, before = getattr(report.active, key).decisions, getattr(previous.active, key).decisions
        if now is None or before is None:
            continue  # a blank (unknown) figure in either year: nothing to compare
        big, small = max(now, before), min(now, before)
        if big >= MAGNITUDE_FLOOR and (small == 0 or big / small >= MAGNITUDE):
            problems.append(
                problem_at(
                    report,
                    f"active.{key}.decisions",
                    table=TABLE_ACTIVE,
                    row=label,
                    column="处理决定数量",
                    expected=f"与{previous.year}年的 {before} 件相差不到 {MAGNITUDE} 倍（或有说明）",
                    found=str(now),
                    hint="请核对是否多填或漏填了数位。",
                    severity="warning",
                )
            )
    return problems


def rules_of_a_town(report: NationalReport) -> list[Problem]:
    """A 镇, 乡 or 街道 cannot make 规章: any 规章 figure of such an organ is worth a second look (warning)."""
    kind = report.organ.kind_or_guess
    if kind not in TOWN_KINDS:
        return []
    rules = getattr(report.active, "rules")  # noqa: B009  # both formats' table 二 has 规章; Active leaves it open
    figures = {f.name: getattr(rules, f.name) for f in dataclasses.fields(rules)}
    return [
        problem_at(
            report,
            f"active.rules.{name}",
            table=TABLE_ACTIVE,
            row="规章",
            expected=f"0（{kind}不制定规章）",
            found=str(value),
            severity="warning",
        )
        for name, value in figures.items()
        if value
    ]


def fees_without_notice(report: National2021Report) -> list[Problem]:
    """2021: an information-processing fee billed or collected with no 收费通知 sent (warning)."""
    fees = report.processing_fees
    if fees.notices is None or fees.notices or not (fees.billed or fees.collected):
        return []  # notices sent, none charged, or the number of notices unknown
    return [
        problem_at(
            report,
            "processing_fees.notices",
            expected=f"收取信息处理费（收费 {fees.billed} 元，实收 {fees.collected} 元）时至少发出 1 件收费通知",
            found="0 件",
            severity="warning",
        )
    ]


# --- invented data ------------------------------------------------------------------------------


def _applicant_row(values: list[int], stated: bool) -> dict[str, int]:
    row = dict(zip((key for key, _ in APPLICANT_COLUMNS), values, strict=True))
    if stated:
        row["total"] = sum(values)
    return row


def _steady(rng: random.Random, state: dict[str, Any], key: str, low: int, high: int) -> int:
    """A town's yearly figure: around its own level, which it keeps from year to year (within ±40 %)."""
    level = state.setdefault(f"level/{key}", rng.randint(low, high))
    return max(0, round(level * rng.uniform(0.6, 1.4)))


def demo_applications(
    rng: random.Random, urban: bool, state: dict[str, Any], stated: bool, other_rows: tuple[str, ...]
) -> dict[str, Any]:
    """Table 三 with last year's 结转 as this year's 上年结转; ``other_rows`` splits （六） (2021)."""
    new_total = rng.randint(100, 160) if urban else rng.choice([0, 1, 2, 3, 5, 8, 12, 18, 25, 30])
    received = demo.split(rng, new_total, [70, 10, 1, 1, 3, 4])
    carried_in = state.get("carried_over") or [0] * 6
    carried_over = [
        rng.randint(0, min(2, n // 6)) if n else 0 for n in map(sum, zip(received, carried_in, strict=True))
    ]
    state["carried_over"] = carried_over
    handled = [r + c - o for r, c, o in zip(received, carried_in, carried_over, strict=True)]

    groups: list[tuple[str, list[str]]] = [
        ("granted", ["granted"]),
        ("partial", ["partial"]),
        ("refused", list(Refused.LABELS)),
        ("unable", list(Unable.LABELS)),
        ("not_processed", list(NotProcessed.LABELS)),
        ("other", list(other_rows) or ["other"]),
    ]
    slots = [(group, row) for group, rows in groups for row in rows]
    weights = [45, 8] + [0.5] * 8 + [18, 2, 2] + [3, 2, 1, 0.3, 0.7] + [1.5] * len(groups[-1][1])
    per_column = [demo.split(rng, n, weights) for n in handled]
    results: dict[str, Any] = {}
    for index, (group, row) in enumerate(slots):
        counts = _applicant_row([column[index] for column in per_column], stated)
        if group in ("granted", "partial") or (group == "other" and not other_rows):
            results[group] = counts
        else:
            results.setdefault(group, {})[row] = counts
    if stated:
        results["total"] = _applicant_row(handled, True)
    return {
        "received": _applicant_row(received, stated),
        "carried_in": _applicant_row(list(carried_in), stated),
        "results": results,
        "carried_over": _applicant_row(carried_over, stated),
    }


def demo_appeals(rng: random.Random, urban: bool, stated: bool) -> dict[str, Any]:
    """Table 四: a few appeals, more for an urban street office."""

    def group(most: int) -> dict[str, int]:
        counts = demo.split(rng, rng.randint(0, most), [5, 2, 1, 1])
        row = dict(zip((key for key, _ in APPEAL_RESULTS), counts, strict=True))
        if stated:
            row["total"] = sum(counts)
        return row

    big = 4 if urban else 1
    return {"reconsideration": group(2 * big), "lawsuit_direct": group(big), "lawsuit_after": group(big // 2)}
