"""Tables stage: the report's figures as DataFrames in the report's layout, plus computed totals.

Every total lives here and nowhere else; data files carry raw counts only.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from .model import Legacy2008Report, Report

TOTAL = "合计"
COUNT = "数量"
UNIT = "单位"


def facts(report: Report) -> dict[str, Any]:
    """Every value a report's narrative may quote: the data file's fields, totals and stock phrases."""
    values = dataclasses.asdict(report)
    values.pop("source", None)
    values["title"] = f"{report.organ.town}{report.year}年政府信息公开工作年度报告"
    if isinstance(report, Legacy2008Report):
        values["figures"]["published"]["total"] = published_total(report)
        values["phrases"] = _legacy_phrases(report)
    return values


def published_total(report: Legacy2008Report) -> int:
    """主动公开政府信息总数: the sum of every channel."""
    p = report.figures.published
    return p.website + p.weibo + p.wechat + p.other


def _legacy_phrases(report: Legacy2008Report) -> dict[str, str]:
    """Sentences of parts 六 and 七 that depend on whether anything happened at all."""
    who = f"{report.year}年{report.organ.town}"
    received = report.figures.applications.received
    appeals = report.figures.appeals
    if received == 0:
        applications = f"{who}未收到任何形式的政府信息公开申请。"
    else:
        applications = f"{who}共收到政府信息公开申请{received}件。"
    if appeals.reconsiderations == appeals.lawsuits == appeals.complaints == 0:
        appeal_text = f"{who}未发生因政府信息公开引发的行政复议、行政诉讼、举报投诉。"
    else:
        appeal_text = (
            f"{who}发生因政府信息公开引发的行政复议{appeals.reconsiderations}件、"
            f"行政诉讼{appeals.lawsuits}件、举报投诉{appeals.complaints}件。"
        )
    return {"applications": applications, "appeals": appeal_text}


def _counts(caption: str, rows: list[tuple[str, int, str]], total_unit: str | None = None) -> pd.DataFrame:
    """A two-column table (数量, 单位) indexed by item, with an optional computed 合计 row."""
    if total_unit is not None:
        rows = [*rows, (TOTAL, sum(n for _, n, _ in rows), total_unit)]
    frame = pd.DataFrame(
        {COUNT: [n for _, n, _ in rows], UNIT: [u for _, _, u in rows]},
        index=pd.Index([label for label, _, _ in rows], name="项目"),
    )
    frame.attrs["caption"] = caption
    return frame


def legacy_interaction(report: Legacy2008Report) -> pd.DataFrame:
    """三、发布解读、回应社会关切以及互动交流情况."""
    i = report.figures.interaction
    return _counts(
        "发布解读、回应社会关切以及互动交流情况",
        [
            ("发布政策解读", i.policy_interpretations, "条"),
            ("主要领导做客广播电视节目", i.media_appearances, "次"),
            ("受理群众问题", i.questions_handled, "个"),
        ],
    )


def legacy_proposals(report: Legacy2008Report) -> pd.DataFrame:
    """四、建议和提案办理结果公开情况."""
    p = report.figures.proposals
    rows = [("承办政协提案", p.cppcc_proposals, "个")]
    if p.npc_suggestions is not None:
        rows.insert(0, ("承办人大代表建议", p.npc_suggestions, "个"))
    return _counts("建议和提案办理情况", rows)


def legacy_published(report: Legacy2008Report) -> pd.DataFrame:
    """五（一）、主动公开政府信息情况, by channel, with the computed 合计."""
    p = report.figures.published
    return _counts(
        "主动公开政府信息情况（按公开渠道）",
        [
            ("政务网站", p.website, "条"),
            ("政务微博", p.weibo, "条"),
            ("官方微信", p.wechat, "条"),
            ("其他方式", p.other, "条"),
        ],
        total_unit="条",
    )


def legacy_channels(report: Legacy2008Report) -> pd.DataFrame:
    """五（二）、各类公开渠道建设情况."""
    return _counts(
        "公开渠道建设情况",
        [("村级便民服务站点", report.figures.channels.service_stations, "个")],
    )


def legacy_applications(report: Legacy2008Report) -> pd.DataFrame:
    """六、政府信息公开申请办理情况."""
    return _counts(
        "政府信息公开申请情况",
        [("收到政府信息公开申请", report.figures.applications.received, "件")],
    )


def legacy_appeals(report: Legacy2008Report) -> pd.DataFrame:
    """七、因政府信息公开申请提起行政复议、行政诉讼的情况."""
    a = report.figures.appeals
    return _counts(
        "行政复议、行政诉讼及举报投诉情况",
        [("行政复议", a.reconsiderations, "件"), ("行政诉讼", a.lawsuits, "件"), ("举报投诉", a.complaints, "件")],
        total_unit="件",
    )


LEGACY_SECTIONS = {
    "三、发布解读、回应社会关切以及互动交流情况": legacy_interaction,
    "四、建议和提案办理结果公开情况": legacy_proposals,
    "五（一）主动公开信息情况": legacy_published,
    "五（二）各类公开渠道建设情况": legacy_channels,
    "六、政府信息公开申请办理情况": legacy_applications,
    "七、行政复议、行政诉讼情况": legacy_appeals,
}


def legacy_summary(report: Legacy2008Report) -> pd.DataFrame:
    """附表: every figure of the report in one table, grouped by part."""
    parts = {part: build(report) for part, build in LEGACY_SECTIONS.items()}
    frame = pd.concat(parts, names=["部分", "项目"])
    frame.attrs["caption"] = "附表：本报告全部统计数据"
    return frame
