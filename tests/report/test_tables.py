"""The tables stage computes every total; the data file types none."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.intake.load import load_report
from helpers.report import tables
from helpers.report.model import Contact, Organ
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
    assert values["title"] == "青岛市即墨区大信镇2018年政府信息公开工作年度报告"  # the published title
    assert values["figures"]["published"]["total"] == 318
    assert values["phrases"]["applications"] == "2018年大信镇未收到任何形式的政府信息公开申请。"
    assert "origin" not in values  # where the file came from is not a value a report may quote


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
    for part, build in tables.LEGACY_TABLES.values():
        section = build(report)
        assert list(summary.loc[part, tables.COUNT]) == list(section[tables.COUNT])


# --- national formats: labels verbatim from 国办公开办函〔2019〕60号 and 〔2021〕30号 ----------------

TABLE3_ROWS_COMMON = [
    ("一、本年新收政府信息公开申请数量", "", ""),
    ("二、上年结转政府信息公开申请数量", "", ""),
    ("三、本年度办理结果", "（一）予以公开", ""),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ""),
    *[
        ("三、本年度办理结果", "（三）不予公开", s)
        for s in [
            "1.属于国家秘密",
            "2.其他法律行政法规禁止公开",
            "3.危及“三安全一稳定”",
            "4.保护第三方合法权益",
            "5.属于三类内部事务信息",
            "6.属于四类过程性信息",
            "7.属于行政执法案卷",
            "8.属于行政查询事项",
        ]
    ],
    *[
        ("三、本年度办理结果", "（四）无法提供", s)
        for s in ["1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确"]
    ],
    *[
        ("三、本年度办理结果", "（五）不予处理", s)
        for s in [
            "1.信访举报投诉类申请",
            "2.重复申请",
            "3.要求提供公开出版物",
            "4.无正当理由大量反复申请",
            "5.要求行政机关确认或重新出具已获取信息",
        ]
    ],
]
TABLE3_ROWS_2019 = [
    *TABLE3_ROWS_COMMON,
    ("三、本年度办理结果", "（六）其他处理", ""),
    ("三、本年度办理结果", "（七）总计", ""),
    ("四、结转下年度继续办理", "", ""),
]
TABLE3_ROWS_2021 = [
    *TABLE3_ROWS_COMMON,
    ("三、本年度办理结果", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    (
        "三、本年度办理结果",
        "（六）其他处理",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    ("三、本年度办理结果", "（六）其他处理", "3.其他"),
    ("三、本年度办理结果", "（七）总计", ""),
    ("四、结转下年度继续办理", "", ""),
]
TABLE3_COLUMNS = [
    ("申请人情况", "自然人", ""),
    ("申请人情况", "法人或其他组织", "商业企业"),
    ("申请人情况", "法人或其他组织", "科研机构"),
    ("申请人情况", "法人或其他组织", "社会公益组织"),
    ("申请人情况", "法人或其他组织", "法律服务机构"),
    ("申请人情况", "法人或其他组织", "其他"),
    ("申请人情况", "总计", ""),
]
TABLE4_COLUMNS = [
    (*group, result)
    for group in [("行政复议", ""), ("行政诉讼", "未经复议直接起诉"), ("行政诉讼", "复议后起诉")]
    for result in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
]
TABLE2_2021 = [
    ("第二十条第（一）项", ["规章", "行政规范性文件"], ["本年制发件数", "本年废止件数", "现行有效件数"]),
    ("第二十条第（五）项", ["行政许可"], ["本年处理决定数量"]),
    ("第二十条第（六）项", ["行政处罚", "行政强制"], ["本年处理决定数量"]),
    ("第二十条第（八）项", ["行政事业性收费"], ["本年收费金额（单位：万元）"]),
]
TABLE2_2019 = [
    ("第二十条第（一）项", ["规章", "规范性文件"], ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
    ("第二十条第（五）项", ["行政许可", "其他对外管理服务事项"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（六）项", ["行政处罚", "行政强制"], ["上一年项目数量", "本年增/减", "处理决定数量"]),
    ("第二十条第（八）项", ["行政事业性收费"], ["上一年项目数量", "本年增/减"]),
    ("第二十条第（九）项", ["政府集中采购"], ["采购项目数量", "采购总金额（单位：万元）"]),  # the unit as published
]


def _generated(year: int):
    from helpers.intake.load import dump_yaml, parse_report
    from helpers.report import demo

    data = demo.district_data(demo.demo_towns(1), [year], seed=3)
    return parse_report(dump_yaml(next(iter(data.values()))), "t.yaml")


@pytest.mark.parametrize(("year", "rows"), [(2020, TABLE3_ROWS_2019), (2025, TABLE3_ROWS_2021)])
def test_table3_labels_are_verbatim(year, rows):
    frame = tables.applications_table(_generated(year))
    assert list(frame.index) == rows
    assert list(frame.columns) == TABLE3_COLUMNS
    assert frame.attrs["corner_note"] == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@pytest.mark.parametrize("year", [2020, 2025])
def test_table4_labels_are_verbatim(year):
    assert list(tables.appeals_table(_generated(year)).columns) == TABLE4_COLUMNS


@pytest.mark.parametrize(("year", "blocks"), [(2020, TABLE2_2019), (2025, TABLE2_2021)])
def test_table2_blocks_are_verbatim(year, blocks):
    frames = tables.active_tables(_generated(year))
    assert [(f.attrs["caption"], list(f.index), list(f.columns)) for f in frames] == blocks
    assert all(f.attrs["corner"] == "信息内容" for f in frames)


@pytest.mark.parametrize("year", [2020, 2025])
def test_table3_totals_are_computed(year):
    report = _generated(year)
    frame = tables.applications_table(report)
    total = frame.loc[("三、本年度办理结果", "（七）总计", "")]
    outcomes = frame.loc["三、本年度办理结果"].drop(index=("（七）总计", ""))
    assert list(total) == list(outcomes.sum())
    assert (frame.iloc[:, :6].sum(axis=1) == frame.iloc[:, 6]).all()
    one, two = (
        frame.loc[("一、本年新收政府信息公开申请数量", "", "")],
        frame.loc[("二、上年结转政府信息公开申请数量", "", "")],
    )
    four = frame.loc[("四、结转下年度继续办理", "", "")]
    assert list(one + two) == list(total + four)


def test_year_over_year_for_a_known_pair_of_sample_files():
    from helpers.intake.load import load_report

    now, before = load_report(ROOT / "data/nanhu/2025.yaml"), load_report(ROOT / "data/nanhu/2024.yaml")
    frame = tables.year_over_year(now, before)
    assert list(frame.columns) == ["2025年", "2024年", "增减", "增减幅度"]
    received = tables.national_totals(now)["received"], tables.national_totals(before)["received"]
    row = frame.loc["本年新收申请（件）"]
    assert (row["2025年"], row["2024年"]) == received
    assert row["增减"] == f"{received[0] - received[1]:+d}"
    expected = f"{(received[0] - received[1]) / received[1] * 100:+.1f}%" if received[1] else "—"
    assert row["增减幅度"] == expected


def test_year_over_year_percentage_is_a_dash_when_last_year_was_zero():
    from helpers.intake.load import load_report

    seed = load_report(ROOT / "data/daxin/2018.yaml")
    frame = tables.year_over_year(seed, seed)
    assert frame.loc["收到政府信息公开申请（件）", "增减幅度"] == "—"
    assert frame.loc["主动公开政府信息（条）", "增减幅度"] == "+0.0%"


def test_table3_totals_of_a_known_file():
    """东城街道 2025 as committed, totals worked out by hand from its data file."""
    frame = tables.applications_table(load_report(ROOT / "data/dongcheng/2025.yaml"))
    # （七）总计, 商业企业: 予以公开 8 + 内部事务 1 + 行政查询 1 + 不掌握 6 + 信访 1 + 出版物 1 + 不补正 1 + 未缴费 2.
    assert list(frame.loc[("三、本年度办理结果", "（七）总计", "")]) == [121, 21, 0, 2, 6, 11, 161]
    assert list(frame.loc[("一、本年新收政府信息公开申请数量", "", "")]) == [119, 21, 0, 2, 6, 12, 160]


# --- organs of every kind, and contact sentences that read naturally ----------------------------------------


def _organ(**fields: str) -> Organ:
    return dataclasses.replace(load_report(ROOT / "data/nanhu/2025.yaml").organ, **fields)


@pytest.mark.parametrize(
    ("organ", "kind", "title"),
    [
        (
            {"town": "徐望镇", "name": "徐望镇人民政府", "city": "汉中市", "district": "汉台区"},
            "镇",
            "汉中市汉台区徐望镇人民政府",
        ),
        ({"town": "南湖街道", "name": "南湖街道办事处"}, "街道", "示例市样例区南湖街道办事处"),
        ({"town": "鹿角乡", "kind": "乡"}, "乡", "示例市样例区鹿角乡"),
        ({"town": "发展和改革局", "kind": "部门", "name": "样例区发展和改革局", "city": "", "district": ""}, "部门",
         "样例区发展和改革局"),
        ({"town": "沣东新城管委会", "kind": "其他", "city": "西咸新区", "district": "", "district_slug": None}, "其他",
         "西咸新区沣东新城管委会"),
    ],
    ids=["town", "street", "township", "department", "no-district"],
)
def test_every_kind_of_organ_has_its_title(organ, kind, title):
    report = dataclasses.replace(load_report(ROOT / "data/nanhu/2025.yaml"), organ=_organ(**organ))
    assert report.organ.kind_or_guess == kind
    assert tables.title(report) == f"{title}2025年政府信息公开工作年度报告"


def test_an_organ_may_give_its_own_title():
    title = "汉台区徐望镇人民政府2025年度政府信息公开工作年度报告"
    report = dataclasses.replace(load_report(ROOT / "data/nanhu/2025.yaml"), organ=_organ(title=title))
    assert tables.title(report) == title


@pytest.mark.parametrize("present", list(itertools.product([False, True], repeat=4)))
def test_contact_sentences_read_naturally_with_any_field_missing(present):
    values = dict(zip(("address", "postcode", "phone", "email"), ("南湖路1号", "710000", "0916-1234567", "a@b.cn"),
                      strict=True))
    given = {key: value if keep else "" for (key, value), keep in zip(values.items(), present, strict=True)}
    text = tables.contact_phrase(Contact(office="南湖街道党政办公室", email_name="", **given))
    assert text.startswith("如对本报告有疑问，请与南湖街道党政办公室联系") and text.endswith("。")
    for bad in ("；：", "（）", "（；", "；）", "：；", "：）", "；；"):
        assert bad not in text, text
    assert all(value in text for value in given.values() if value)
    assert ("（" in text) == any(present)
    if given["email"]:
        assert "电子邮箱：a@b.cn" in text


def test_the_signature_names_the_organ_and_the_day():
    report = load_report(ROOT / "data/nanhu/2025.yaml")
    dated = dataclasses.replace(report, publication=dataclasses.replace(report.publication, date="2026-01-20"))
    assert tables.signature(dated) == ("南湖街道", "2026年1月20日")
    assert tables.signature(report) == ("南湖街道", "")


# --- amounts and signs as entered -------------------------------------------------------------------------


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=2)
    | st.decimals(min_value=0, max_value=10**5, places=0)
    | st.decimals(min_value=0, max_value=1000, places=4)
    | st.decimals(min_value=0, max_value=1000, places=1)
)
def test_an_amount_renders_with_the_digits_it_was_entered_with(tmp_path_factory, amount):
    from helpers.output.layout import format_value

    entered = format(amount, "f")
    text = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8")
    text = re.sub(r"fees: \{amount: [0-9.]+\}", f"fees: {{amount: {entered}}}", text)
    path = tmp_path_factory.mktemp("amount") / "nanhu" / "2025.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    (fees,) = [f for f in tables.active_tables(load_report(path)) if "本年收费金额（单位：万元）" in f.columns]
    assert format_value(fees.iloc[0, 0])[0] == entered


@pytest.mark.parametrize(("written", "shown"), [("+19", "+19"), ("19", "19"), ("-2", "-2"), ("0", "0")])
def test_a_signed_change_keeps_its_plus(tmp_path, written, shown):
    from helpers.output.layout import format_value

    text = (ROOT / "data/nanhu/2020.yaml").read_text(encoding="utf-8")
    pattern = r"licensing: \{previous: (\d+), change: -?\d+,"
    text = re.sub(pattern, rf"licensing: {{previous: \1, change: {written},", text)
    path = tmp_path / "nanhu" / "2020.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    (block,) = [f for f in tables.active_tables(load_report(path)) if "行政许可" in f.index]
    assert format_value(block.loc["行政许可", "本年增/减"])[0] == shown


@pytest.mark.parametrize(("published", "unit", "header", "in_wan"), [
    (False, None, "采购总金额（单位：万元）", "8040"),  # a report to publish names none: the usual 万元
    (True, None, "采购总金额", None),  # a published table that printed no unit: none, and no sum in 万元
    (True, "元", "采购总金额（单位：元）", "0.804"),
])
def test_the_procurement_amount_has_the_unit_its_table_printed(published, unit, header, in_wan):
    report = load_report(ROOT / "data/nanhu/2020.yaml")
    active = report.active
    procurement = dataclasses.replace(active.procurement, amount=tables.Decimal(8040), unit=unit)
    report = dataclasses.replace(report, active=dataclasses.replace(active, procurement=procurement),
                                 source="published" if published else None)
    block = tables.active_tables(report)[-1]
    assert list(block.columns) == ["采购项目数量", header]
    summed = tables.active_tables(report, in_wan=True)[-1].iloc[0, 1]
    assert (None if summed is None else format(summed.normalize(), "f")) == in_wan


def test_a_row_a_published_table_two_adds_is_shown_after_the_row_it_followed_and_in_no_sum():
    from helpers.report import formats
    from helpers.report.model import AddedActiveRow

    report = load_report(ROOT / "data/nanhu/2025.yaml")
    added = AddedActiveRow("其他主动公开文件", [5, None], "normative")
    report = dataclasses.replace(report, source="published",
                                 active=dataclasses.replace(report.active, added=[added]))
    first = tables.active_tables(report)[0]
    assert list(first.index) == ["规章", "行政规范性文件", "其他主动公开文件"]
    assert list(first.loc["其他主动公开文件"]) == [5, None, None]  # as printed; a cell it did not print, blank
    assert [len(b) for b in formats.of(report).tables(report, summable=True)["active"]] == [2, 1, 2, 1]
