"""The tables stage computes every total; the data file types none."""

from __future__ import annotations

import dataclasses

from helpers import tables
from helpers.load import load_report
from tests.conftest import ROOT

SEED = ROOT / "data/daxin/2018.yaml"


def test_published_total_is_the_sum_of_channels():
    report = load_report(SEED)
    frame = tables.legacy_published(report)
    assert frame.loc["合计", tables.COUNT] == 318 == tables.published_total(report)
    assert list(frame[tables.COUNT]) == [294, 3, 15, 6, 318]
    assert frame.attrs["caption"]


def test_total_follows_the_data():
    report = load_report(SEED)
    more = dataclasses.replace(
        report,
        figures=dataclasses.replace(report.figures, published=dataclasses.replace(report.figures.published, other=7)),
    )
    assert tables.facts(more)["figures"]["published"]["total"] == 319


def test_facts_carry_data_totals_title_and_phrases():
    values = tables.facts(load_report(SEED))
    assert values["title"] == "大信镇2018年政府信息公开工作年度报告"
    assert values["figures"]["published"]["total"] == 318
    assert values["phrases"]["applications"] == "2018年大信镇未收到任何形式的政府信息公开申请。"
    assert "source" not in values


def test_phrases_when_something_happened():
    report = load_report(SEED)
    figures = dataclasses.replace(
        report.figures,
        applications=dataclasses.replace(report.figures.applications, received=3),
        appeals=dataclasses.replace(report.figures.appeals, lawsuits=1),
    )
    phrases = tables.facts(dataclasses.replace(report, figures=figures))["phrases"]
    assert phrases["applications"] == "2018年大信镇共收到政府信息公开申请3件。"
    assert "行政诉讼1件" in phrases["appeals"]


def test_summary_holds_every_figure_of_every_section():
    report = load_report(SEED)
    summary = tables.legacy_summary(report)
    for part, build in tables.LEGACY_SECTIONS.items():
        section = build(report)
        assert list(summary.loc[part, tables.COUNT]) == list(section[tables.COUNT])
