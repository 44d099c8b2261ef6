"""Tables stage: the report's figures as DataFrames in the report's layout, plus computed totals.

Every total lives here and nowhere else; data files carry raw counts only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pandas as pd

from helpers.report import formats
from helpers.report.model import (
    ADDED_ROWS,
    AMOUNT_UNITS,
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPEAL_TOTAL,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICANT_TOTAL,
    BALANCE_NOTE,
    CARRIED_OVER,
    LEGAL_PERSON,
    RESULT_TOTAL,
    RESULTS,
    Contact,
    Legacy2008Report,
    National2021Report,
    NationalReport,
    Report,
    known_sum,
    required,
)

TOTAL = "合计"
APPLICANT_KEYS = (*(key for key, _ in APPLICANT_COLUMNS), "total")  # table 三's cells of a row, in column order
APPEAL_KEYS = (*(key for key, _ in APPEAL_RESULTS), "total")  # table 四's cells of a group
COUNT = "数量"
UNIT = "单位"


def facts(report: Report) -> dict[str, Any]:
    """Every value a report's narrative may quote: the data file's fields, and its format's totals and phrases."""
    values = _plain(dataclasses.asdict(report))
    values.pop("origin", None)
    values["title"] = title(report)
    values["phrases"] = {"contact": contact_phrase(report.contact)}
    return _merge(values, _plain(formats.of(report).facts(report)))


def title(report: Report) -> str:
    """The report's title: the organ's own where it gives one, else its parents (never added to a published
    report's: it is titled as it was printed), official name and the year."""
    organ = report.organ
    if organ.title:
        return organ.title
    name = organ.full_name
    parents = "".join(parent for parent in (organ.city, organ.district)
                      if parent and not report.published and not _names(name, parent))
    return f"{parents}{name}{report.year}年政府信息公开工作年度报告"


def _names(name: str, parent: str) -> bool:
    """Whether an organ's name already holds a parent: 葫芦岛高新技术产业开发区 holds 葫芦岛市."""
    stem = parent[:-1] if len(parent) > 2 and parent[-1] in "市区县州盟旗" else parent
    return parent in name or name.startswith(stem)


def contact_phrase(contact: Contact) -> str:
    """如对本报告有疑问……: the office, then whichever of address, postcode, phone and e-mail are given."""
    details = [
        f"{label}：{value}"
        for label, value in (
            ("地址", contact.address),
            ("邮编", contact.postcode),
            ("联系电话", contact.phone),
            (contact.email_name or "电子邮箱", contact.email),
        )
        if value
    ]
    if not contact.office:
        return ""  # a published report that names no one: nothing is invented
    return f"如对本报告有疑问，请与{contact.office}联系" + (f"（{'；'.join(details)}）" if details else "") + "。"


def signature(report: Report) -> tuple[str, str]:
    """The 落款: the organ's official name, and the day of publication in Chinese (empty when not given); of a
    published report, what it printed as its 落款 and nothing where it printed none."""
    if report.published:
        printed = report.signature
        return ("", "") if printed is None else (printed.name, chinese_date(printed.date))
    return report.organ.full_name, chinese_date(report.publication.date)


def chinese_date(day: str | None) -> str:
    """2026-01-20 as 2026年1月20日; empty for no day."""
    if not day:
        return ""
    year, month, date = (int(part) for part in day.split("-"))
    return f"{year}年{month}月{date}日"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it, mapping by mapping."""
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value
    return base


def _plain(value: Any) -> Any:
    """JSON-ready copy: amounts become text with two decimals, as the report prints them."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def as_written(value: Decimal | None) -> int | Decimal | None:
    """A figure as its report wrote it: a whole number as an integer (5 条, never 5.00), else the decimal."""
    return int(value) if value is not None and value == value.to_integral_value() else value


def national_totals(report: NationalReport) -> dict[str, int | None]:
    """The headline figures of a national-format report: computed, or as published where a published report
    states a total; None where they are unknown (blank cells)."""
    apps = report.applications
    appeals = report.appeals
    return {
        "received": apps.received.shown_total(),
        "carried_in": apps.carried_in.shown_total(),
        "handled": apps.results.shown_total()[-1],
        "granted": apps.results.granted.shown_total(),
        "carried_over": apps.carried_over.shown_total(),
        "reconsiderations": appeals.reconsideration.shown_total(),
        "lawsuits": known_sum([appeals.lawsuit_direct.shown_total(), appeals.lawsuit_after.shown_total()]),
    }


def fee_phrase(report: National2021Report) -> str:
    """Part 六's sentence on information-processing fees (2021 format)."""
    fees = report.processing_fees
    return fee_sentence(report.year, report.organ.town, fees.notices, fees.billed, fees.collected)


def fee_sentence(year: int, town: str, notices: int | None, billed: Decimal | None, collected: Decimal | None) -> str:
    """The sentence on information-processing fees of ``town`` in ``year`` (a published report's blanks: 未公布)."""
    who = f"{year}年，{town}"
    if notices is None or billed is None or collected is None:
        return f"{who}信息处理费收取情况（未公布）。"
    if notices == 0:
        return f"{who}未发出政府信息公开信息处理费收费通知，未收取信息处理费。"
    return (
        f"{who}依据《政府信息公开信息处理费管理办法》发出收费通知{notices}件，"
        f"收费金额合计{format(billed, 'f')}元，实际收取{format(collected, 'f')}元。"
    )


def published_total(report: Legacy2008Report) -> int | None:
    """主动公开政府信息总数: the sum of every channel (unknown where one is blank)."""
    p = report.figures.published
    return known_sum((p.website, p.weibo, p.wechat, p.other))


def legacy_phrases(report: Legacy2008Report) -> dict[str, str]:
    """Sentences of parts 六 and 七 that depend on whether anything happened at all."""
    who = f"{report.year}年{report.organ.town}"
    received = report.figures.applications.received
    appeals = report.figures.appeals
    counts = (appeals.reconsiderations, appeals.lawsuits, appeals.complaints)
    if received is None or None in counts:  # a blank of a report still being filled in: said, never read as 0
        return {"applications": f"{who}收到政府信息公开申请（未填写）。" if received is None else
                f"{who}共收到政府信息公开申请{received}件。",
                "appeals": f"{who}因政府信息公开引发的行政复议、行政诉讼、举报投诉（未填写）。"}
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


def _counts(caption: str, group: str, rows: list[tuple[str, str, int | None, str]], total_unit: str | None = None
            ) -> pd.DataFrame:
    """A two-column table (数量, 单位) of the figures ``group``, indexed by item (row: label, field, count, unit),
    with an optional computed 合计 row (blank where a count is)."""
    paths: list[list[str | None]] = [[f"figures.{group}.{key}", None] for _, key, _, _ in rows]
    if total_unit is not None:
        rows = [*rows, (TOTAL, "", known_sum(n for _, _, n, _ in rows), total_unit)]
        paths.append([None, None])
    counts = [n for _, _, n, _ in rows]
    frame = pd.DataFrame(
        {COUNT: pd.Series(counts, dtype=_dtype([counts])), UNIT: [u for _, _, _, u in rows]},
    ).set_axis(pd.Index([label for label, _, _, _ in rows], name="项目"))
    frame.attrs.update({"caption": caption, "corner": "项目", formats.TABLE_FIELDS: paths})
    return frame


def legacy_interaction(report: Legacy2008Report) -> pd.DataFrame:
    """三、发布解读、回应社会关切以及互动交流情况."""
    i = report.figures.interaction
    return _counts(
        "发布解读、回应社会关切以及互动交流情况",
        "interaction",
        [
            ("发布政策解读", "policy_interpretations", i.policy_interpretations, "条"),
            ("主要领导做客广播电视节目", "media_appearances", i.media_appearances, "次"),
            ("受理群众问题", "questions_handled", i.questions_handled, "个"),
        ],
    )


def legacy_proposals(report: Legacy2008Report) -> pd.DataFrame:
    """四、建议和提案办理结果公开情况."""
    p = report.figures.proposals
    rows = [("承办政协提案", "cppcc_proposals", p.cppcc_proposals, "个")]
    if p.npc_suggestions is not None:
        rows.insert(0, ("承办人大代表建议", "npc_suggestions", p.npc_suggestions, "个"))
    return _counts("建议和提案办理情况", "proposals", rows)


def legacy_published(report: Legacy2008Report) -> pd.DataFrame:
    """五（一）、主动公开政府信息情况, by channel, with the computed 合计."""
    p = report.figures.published
    return _counts(
        "主动公开政府信息情况（按公开渠道）",
        "published",
        [
            ("政务网站", "website", p.website, "条"),
            ("政务微博", "weibo", p.weibo, "条"),
            ("官方微信", "wechat", p.wechat, "条"),
            ("其他方式", "other", p.other, "条"),
        ],
        total_unit="条",
    )


def legacy_channels(report: Legacy2008Report) -> pd.DataFrame:
    """五（二）、各类公开渠道建设情况."""
    return _counts(
        "公开渠道建设情况",
        "channels",
        [("村级便民服务站点", "service_stations", report.figures.channels.service_stations, "个")],
    )


def legacy_applications(report: Legacy2008Report) -> pd.DataFrame:
    """六、政府信息公开申请办理情况."""
    return _counts(
        "政府信息公开申请情况",
        "applications",
        [("收到政府信息公开申请", "received", report.figures.applications.received, "件")],
    )


def legacy_appeals(report: Legacy2008Report) -> pd.DataFrame:
    """七、因政府信息公开申请提起行政复议、行政诉讼的情况."""
    a = report.figures.appeals
    return _counts(
        "行政复议、行政诉讼及举报投诉情况",
        "appeals",
        [("行政复议", "reconsiderations", a.reconsiderations, "件"), ("行政诉讼", "lawsuits", a.lawsuits, "件"),
         ("举报投诉", "complaints", a.complaints, "件")],
        total_unit="件",
    )


# The 2008 format's tables: per group of ``figures`` (its key in the data file and in open data), the
# part it belongs to and the table's builder.
LEGACY_TABLES: dict[str, tuple[str, Callable[[Legacy2008Report], pd.DataFrame]]] = {
    "interaction": ("三、发布解读、回应社会关切以及互动交流情况", legacy_interaction),
    "proposals": ("四、建议和提案办理结果公开情况", legacy_proposals),
    "published": ("五（一）主动公开信息情况", legacy_published),
    "channels": ("五（二）各类公开渠道建设情况", legacy_channels),
    "applications": ("六、政府信息公开申请办理情况", legacy_applications),
    "appeals": ("七、行政复议、行政诉讼情况", legacy_appeals),
}


def legacy_rows(report: Legacy2008Report, section: str) -> list[tuple[str, str]]:
    """The rows of a 2008 figures group's table as (field, row label), in the table's order; an optional figure
    left blank has no row (a required one left blank has, blank)."""
    group = getattr(report.figures, section)
    keys = [f.name for f in dataclasses.fields(group) if required(f) or getattr(group, f.name) is not None]
    return list(zip(keys, (str(label) for label in LEGACY_TABLES[section][1](report).index), strict=False))


def legacy_summary(report: Legacy2008Report) -> pd.DataFrame:
    """附表: every figure of the report in one table, grouped by part."""
    parts = {part: build(report) for part, build in LEGACY_TABLES.values()}
    frame = pd.concat(parts, names=["部分", "项目"])
    frame.attrs["caption"] = "附表：本报告全部统计数据"
    frame.attrs["corner"] = "部分 / 项目"
    return frame


# --- national formats ------------------------------------------------------------------------

INFO = "信息内容"


def _block(caption: str, columns: list[str], rows: list[tuple[str, list[Any]]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        [values for _, values in rows], index=[label for label, _ in rows], columns=columns, dtype=object
    )
    frame.attrs.update(caption=caption, corner=INFO)
    return frame


def amount_unit(report: Report, item: Any) -> str | None:
    """The unit of an amount whose unit the format leaves open (2019 采购总金额), as its table prints it: a
    published table's as printed (none where it printed none), a report to publish's 万元 where its file names
    none."""
    return item.unit or (None if report.published else "万元")


def active_tables(report: NationalReport, *, in_wan: bool = False, as_printed: bool = True) -> list[pd.DataFrame]:
    """Table 二, 主动公开政府信息情况: one block per article item, in the format's layout.

    An amount whose unit the format leaves open (2019 采购总金额) carries it in its column header, as published;
    ``in_wan`` converts it to 万元 first (for sums over several organs). ``as_printed``: with the rows a published
    table adds (a sum over organs has only the official ones).
    """
    a = report.active
    blocks = []
    for caption, columns, rows in a.BLOCKS:
        headers, cells = list(columns), []
        paths: list[list[str | None]] = []
        for label, field, keys in rows:
            paths.append([f"active.{field}.{k}" for k in keys])
            item = getattr(a, field)
            values = [report.shown(f"active.{field}.{k}", getattr(item, k)) for k in keys]
            if hasattr(item, "unit"):
                at = keys.index("amount")
                unit = amount_unit(report, item)
                if in_wan and unit != "万元" and isinstance(values[at], Decimal):  # in no known unit: unknown
                    values[at], unit = values[at] / AMOUNT_UNITS[unit] if unit else None, "万元"
                headers[at] = f"{columns[at]}（单位：{unit}）" if unit else columns[at]
            cells.append((label, values))
        fields = {field for _, field, _ in rows}
        for added in a.added if as_printed else ():  # a row the published table adds, after the row it followed
            if added.after in fields:
                cells.append((added.label, [*added.cells, *[None] * (len(columns) - len(added.cells))][:len(columns)]))
                paths.append([None] * len(columns))
        blocks.append(_block(caption, headers, cells))
        blocks[-1].attrs[formats.TABLE_FIELDS] = paths
    return blocks


def applicant_columns() -> pd.MultiIndex:
    """Table 三's two-level applicant header (申请人情况 → 自然人 | 法人或其他组织 → five kinds | 总计)."""
    keys = [(APPLICANT_HEADER, APPLICANT_COLUMNS[0][1], "")]
    keys += [(APPLICANT_HEADER, LEGAL_PERSON, label) for _, label in APPLICANT_COLUMNS[1:]]
    keys.append((APPLICANT_HEADER, APPLICANT_TOTAL, ""))
    return pd.MultiIndex.from_tuples(keys)


def applications_table(report: NationalReport, *, as_printed: bool = True) -> pd.DataFrame:
    """Table 三, 收到和处理政府信息公开申请情况, with the 总计 column and （七）总计 row computed; ``as_printed``
    adds the rows a published table added, after the official ones."""
    apps = report.applications
    labels: list[tuple[str, str, str]] = []
    values: list[list[int | None]] = []
    paths: list[list[str | None]] = []
    for path, row_labels, counts in apps.rows():
        if row_labels[0] == CARRIED_OVER:
            labels.append((RESULTS, RESULT_TOTAL, ""))
            values.append(list(apps.results.shown_total()))
            paths.append([None] * len(APPLICANT_KEYS))
        labels.append(row_labels)
        paths.append([f"{path}.{key}" for key in APPLICANT_KEYS])
        cells = [*counts.counts(), counts.shown_total()]
        values.append([report.shown(f"{path}.{key}", v) for key, v in zip(APPLICANT_KEYS, cells, strict=True)])
    if as_printed:  # a district sums the official rows only (every organ's table has the same shape)
        for added in apps.added:
            labels.append((ADDED_ROWS, added.label, ""))
            values.append([*added.cells[: len(APPLICANT_KEYS)], *[None] * (len(APPLICANT_KEYS) - len(added.cells))])
            paths.append([None] * len(APPLICANT_KEYS))
    frame = pd.DataFrame(
        values, index=pd.MultiIndex.from_tuples(labels), columns=applicant_columns(), dtype=_dtype(values)
    )
    frame.attrs.update(caption="三、收到和处理政府信息公开申请情况", corner_note=BALANCE_NOTE)
    frame.attrs[formats.TABLE_FIELDS] = paths
    return frame


def appeal_columns() -> pd.MultiIndex:
    """Table 四's header: 行政复议 | 行政诉讼 → 未经复议直接起诉 | 复议后起诉, each with five results."""
    return pd.MultiIndex.from_tuples(
        [(*group, label) for _, group in APPEAL_GROUPS for label in [*(t for _, t in APPEAL_RESULTS), APPEAL_TOTAL]]
    )


def appeals_table(report: NationalReport) -> pd.DataFrame:
    """Table 四, 政府信息公开行政复议、行政诉讼情况: one row of fifteen cells, totals computed."""
    appeals = report.appeals
    row: list[int | None] = []
    paths: list[str | None] = []
    for key, _ in APPEAL_GROUPS:
        group = getattr(appeals, key)
        paths += [f"appeals.{key}.{k}" for k in APPEAL_KEYS]
        cells = [*group.counts(), group.shown_total()]  # a published total as published (its discrepancy listed)
        row += [report.shown(f"appeals.{key}.{k}", v) for k, v in zip(APPEAL_KEYS, cells, strict=True)]
    frame = pd.DataFrame([row], columns=appeal_columns(), dtype=_dtype([row]))
    frame.attrs.update(caption="四、政府信息公开行政复议、行政诉讼情况", row_headers=False)
    frame.attrs[formats.TABLE_FIELDS] = [paths]
    return frame


def fee_table(report: National2021Report) -> pd.DataFrame:
    """Part 六's information-processing fees (2021 format)."""
    f = report.processing_fees
    frame = pd.DataFrame(
        [[report.shown(f"processing_fees.{k}", getattr(f, k)) for k in ("notices", "billed", "collected")]],
        index=["信息处理费"],
        columns=["发出收费通知件数", "收费金额（单位：元）", "实际收取金额（单位：元）"],
    ).astype(object)
    frame.attrs.update({"caption": "政府信息公开信息处理费收取情况", "corner": "项目",
                        formats.TABLE_FIELDS: [[f"processing_fees.{k}" for k in ("notices", "billed", "collected")]]})
    return frame


# --- year over year ------------------------------------------------------------------------------

# What the trend plots, named exactly: the national formats count decisions published, 2008 items published.
PUBLISHED_DECISIONS = "主动公开的许可、处罚、强制决定（件）"
PUBLISHED_ITEMS = "主动公开政府信息（条）"
APPLICATIONS = "收到政府信息公开申请（件）"


def _dtype(values: list[list[int | None]]) -> Any:
    """Counts as integers, unless a cell is blank (a published report): then Python objects, None kept."""
    return object if any(v is None for row in values for v in row) else None


def printed_headline(report: Legacy2008Report) -> dict[str, Any]:
    """The figures a published 2008-format report printed, by its own label and unit: years compare only where
    their labels match."""
    return {f"{f.label}（{f.unit}）" if f.unit else f.label: as_written(f.value) for f in report.printed_figures}


def legacy_headline(report: Legacy2008Report) -> dict[str, Any]:
    """The main figures of a 2008-format report, by Chinese label (a published one's: as it printed them)."""
    if report.parts or report.printed_figures:
        return printed_headline(report)
    f = report.figures
    return {
        "主动公开政府信息（条）": published_total(report),
        "发布政策解读（条）": f.interaction.policy_interpretations,
        "收到政府信息公开申请（件）": f.applications.received,
        "行政复议（件）": f.appeals.reconsiderations,
        "行政诉讼（件）": f.appeals.lawsuits,
    }


def national_headline(report: NationalReport) -> dict[str, int | None]:
    """The main figures of a national-format report, by Chinese label."""
    totals = national_totals(report)
    return {
        "主动公开处理决定（许可、处罚、强制，件）": report.active.decisions(),
        "本年新收申请（件）": totals["received"],
        "本年办结申请（件）": totals["handled"],
        "结转下年度继续办理（件）": totals["carried_over"],
        "行政复议（件）": totals["reconsiderations"],
        "行政诉讼（件）": totals["lawsuits"],
    }


def year_over_year(report: Report, previous: Report) -> pd.DataFrame:
    """Main figures with last year's value, the change and the percentage (— where last year was 0)."""
    now, before = formats.of(report).headline(report), formats.of(previous).headline(previous)
    rows: list[tuple[str, list[Any]]] = []
    for label, value in now.items():
        if label not in before:
            continue
        last = before[label]
        if value is None or last is None:  # a blank of a published report: unknown
            rows.append((label, [value, last, "—", "—"]))
            continue
        change = value - last
        percent = f"{change / last * 100:+.1f}%" if last else "—"
        rows.append((label, [value, last, f"{change:+}", percent]))
    frame = pd.DataFrame(
        [values for _, values in rows],
        index=[label for label, _ in rows],
        columns=[f"{report.year}年", f"{previous.year}年", "增减", "增减幅度"],
    ).astype(object)
    frame.attrs.update(caption=f"主要数据与{previous.year}年对比", corner="项目")
    return frame


def trend(reports: list[Report]) -> pd.DataFrame:
    """主动公开 and applications for every year given, oldest first (a column per quantity; blank where a year's
    format does not count it)."""
    ordered = sorted(reports, key=lambda r: r.year)
    frame = pd.DataFrame([formats.of(r).trend(r) for r in ordered], index=[f"{r.year}年" for r in ordered])
    frame.attrs.update(caption="历年主动公开与收到申请情况", corner="年度")
    return frame
