"""The 2008–2018 format (the 大信镇 2018 seed): free-form parts, a few counted figures, no official tables."""

from __future__ import annotations

import dataclasses
import random
from typing import Any

import pandas as pd

from helpers.errors import Problem
from helpers.report import demo, tables
from helpers.report.checks import problem_at
from helpers.report.formats import ReportFormat
from helpers.report.model import LEGACY_PROSE_PARTS, Legacy2008Report, Report, blank


class Legacy2008(ReportFormat[Legacy2008Report]):
    """政府信息公开工作年度报告, the format in use from 2008 to 2018."""

    name = "legacy-2008"
    label = "2008 年版格式"
    report_class = Legacy2008Report
    template = "annual_report_2008.ipynb"
    first_year = 2008
    last_year = 2018
    prose_parts = LEGACY_PROSE_PARTS
    headed_prose = tuple(LEGACY_PROSE_PARTS)
    prescribed_tables = False  # each organ printed the figures it chose
    required_prose = tuple(part for part in LEGACY_PROSE_PARTS if part not in ("applications", "appeals"))
    figure_fields = ("figures",)
    sheets = ("figures",)
    extra_fields = (("legal_basis", "依据（如《中华人民共和国政府信息公开条例》）", "text"),)

    def checks(self, report: Legacy2008Report, previous: Report | None) -> list[Problem]:
        """The 2008 outline's preamble says on what basis and to whom the report is filed (并报送……): a report to
        publish gives both; a published one is as it was printed."""
        if report.published:
            return []
        needed = (("publication.filed_with", report.publication.filed_with, "报送单位（引言中“并报送……”）"),
                  ("legal_basis", report.legal_basis, "依据（引言中“根据……等有关规定”）"))
        return [problem_at(report, path, expected=expected, found="空白") for path, value, expected in needed
                if not value.strip()]

    def printed(self) -> dict[str, tuple[str, str]]:
        """Every figure by its part's title and its table's row, as the 统计数据 sheet and the page print them."""
        report = blank(Legacy2008Report)
        found = {}
        for section, (part, _) in tables.LEGACY_TABLES.items():
            found[f"figures.{section}"] = (part, "")
            rows = tables.legacy_rows(report, section)
            found.update({f"figures.{section}.{key}": (part, label) for key, label in rows})
        return found

    def facts(self, report: Legacy2008Report) -> dict[str, Any]:
        return {
            "figures": {"published": {"total": tables.published_total(report)}},
            "phrases": tables.legacy_phrases(report),
        }

    def figures(self, report: Legacy2008Report) -> dict[str, Any]:
        figures = super().figures(report)["figures"]
        figures["published"]["total"] = tables.published_total(report)
        if report.printed_figures:  # a published report's own figures, as it printed them
            figures["printed"] = [{**dataclasses.asdict(f), "value": tables.as_written(f.value)}
                                  for f in report.printed_figures]
        return figures

    def tables(self, report: Legacy2008Report, *, summable: bool = False) -> dict[str, list[pd.DataFrame]]:
        return {name: [build(report)] for name, (_, build) in tables.LEGACY_TABLES.items()}

    def headline(self, report: Legacy2008Report) -> dict[str, int | None]:
        return tables.legacy_headline(report)

    def trend(self, report: Legacy2008Report) -> dict[str, int | None]:
        if report.parts or report.printed_figures:  # its own figures: no channel sum, no standard label to chart
            return {tables.PUBLISHED_ITEMS: None, tables.APPLICATIONS: None}
        return {
            tables.PUBLISHED_ITEMS: tables.published_total(report),
            tables.APPLICATIONS: report.figures.applications.received,
        }

    def demo(self, rng: random.Random, urban: bool, state: dict[str, Any], stated: bool) -> dict[str, Any]:
        return {
            "legal_basis": "《中华人民共和国政府信息公开条例》（以下简称《条例》）",
            "figures": {
                "interaction": {
                    "policy_interpretations": rng.randint(0, 40),
                    "media_appearances": rng.randint(0, 3),
                    "questions_handled": rng.randint(0, 60),
                },
                "proposals": {"cppcc_proposals": rng.randint(0, 8)},
                "published": {
                    "website": rng.randint(50, 400),
                    "weibo": rng.randint(0, 30),
                    "wechat": rng.randint(0, 60),
                    "other": rng.randint(0, 20),
                },
                "channels": {"service_stations": rng.randint(3, 20)},
                "applications": {"received": rng.choice([0, 0, 1, 2])},
                "appeals": {"reconsiderations": 0, "lawsuits": 0, "complaints": 0},
            },
            "prose": {
                "overview": demo.overview(rng, 2, joiner="") + "\n",
                "leadership": "成立了政府信息公开工作领导小组，明确分管领导和具体承办人员。\n",
                "institutions": "建立健全政府信息公开、依申请公开、保密审查等制度。\n",
                "interaction": "{{ year }}年共发布政策解读{{ figures.interaction.policy_interpretations }}条。\n",
                "proposals": "{{ year }}年共承办{{ figures.proposals.cppcc_proposals }}个政协提案，已进行公开。\n",
                "published": "主动公开政府信息主要包括机构信息、政策文件和工作动态。\n",
                "channels": "设立村级便民服务站点{{ figures.channels.service_stations }}个。\n",
                "confidentiality": "坚持“先审查、后公开”，全年未发生泄密事件。\n",
                "public_institutions": "督促所属事业单位做好信息公开工作。\n",
                "problems": demo.problem_and_measure(rng) + "\n",
            },
        }
