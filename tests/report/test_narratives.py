"""正文中的数字: real sentences read as the corpus says they state, at least as well as the README says; each
phrasing read; the traps never read as a figure they are not; any number a phrasing holds read back."""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import sys
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.intake.load import load_report
from helpers.report.consistency import contradictions, plain, read, stated_figures
from tests.conftest import ROOT

_spec = importlib.util.spec_from_file_location("narratives_bench", ROOT / "benchmarks" / "narratives.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
sys.modules["narratives_bench"] = bench  # its dataclasses look their module up
_spec.loader.exec_module(bench)


def readings(text: str) -> list[tuple[str, Decimal]]:
    return [(r.label, r.value) for r in read(plain(text))]


def _readme_figures() -> tuple[int, int, float, float]:
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### 正文中的数字", 1)[1].split("\n## ", 1)[0]
    m = re.search(r"tests/fixtures/narratives 的 (\d+) 份真实报告、(\d+) 句含数字的句子上："
                  r"精确率 ([\d.]+)%，召回率 ([\d.]+)%", section)
    assert m, "README.md 的“### 正文中的数字”应写明语料上的精确率与召回率"
    return int(m[1]), int(m[2]), float(m[3]), float(m[4])


def test_the_corpus_is_read_at_least_as_well_as_the_readme_says():
    reports, sentences, precision, recall = _readme_figures()
    m = bench.measure()
    assert (m.reports, m.sentences) == (reports, sentences)
    shown = float(f"{m.precision():.1%}"[:-1]), float(f"{m.recall():.1%}"[:-1])  # as the benchmark prints them
    assert shown[0] >= precision and shown[1] >= recall, bench.table(m)
    assert m.false_on_negatives == 0, m.wrong


@pytest.mark.parametrize("text, expected", [
    # digits, the usual order and units
    ("全年共受理政府信息公开申请41件。", [("本年新收申请", 41)]),
    ("2021年，全街共受理政府信息公开申请总数1件。", [("本年新收申请", 1)]),
    ("2022年，我办受理依申请信息56条，现将有关情况汇报如下：", [("本年新收申请", 56)]),
    ("依申请公开3次，行政复议0次，行政诉讼0次；", [("本年新收申请", 3), ("行政复议", 0), ("行政诉讼", 0)]),
    # number first
    ("2022年，区政府办公室共收到8份政府信息公开申请，均为自然人申请。", [("本年新收申请", 8)]),
    ("全区共处理政府信息公开申请件1717件（包含上年结转76件），1646件已按规定在法定期限内予以答复，71件结转下年答复。",
     [("上年结转申请", 76), ("本年办结申请", 1646), ("按时办结申请", 1646), ("结转下年度继续办理", 71)]),
    ("6件申请进入行政复议程序。", [("行政复议", 6)]),
    # long gaps
    ("全年收到公民和法人或其他组织政府信息公开申请共32件，办结30件，均严格按照《条例》等有关规定进行办理和答复。",
     [("本年新收申请", 32), ("本年办结申请", 30)]),
    ("受理公民、法人和其他组织向市政府及市政府办公室提出的政府信息公开申请5件，均在法定时限内予以答复。",
     [("本年新收申请", 5)]),
    # 新接收, 结转 of the year before, 转结
    ("今年以来，全区累计处理政府信息依申请公开92件，其中，本年度新接收91件，2020年结转办理1件。",
     [("本年新收申请", 91), ("上年结转申请", 1)]),
    ("除4件转结2022年办理以外，均依法依规完成答复。", [("结转下年度继续办理", 4)]),
    ("2025年，街道新收到依申请公开政府信息0件，上年结转申请0件。", [("本年新收申请", 0), ("上年结转申请", 0)]),
    # 答复/办结/办理/回复, 按时办结
    ("全年受理公开申请40件，回复办理40件，办结率为100%。", [("本年新收申请", 40), ("本年办结申请", 40)]),
    ("2021年，周至县人民政府办公室共办理政府信息公开申请21件。", [("本年办结申请", 21)]),
    ("收到依申请公开请求2件，按时办结2件。", [("本年新收申请", 2), ("本年办结申请", 2), ("按时办结申请", 2)]),
    # outcomes
    ("收到政府信息公开申请4件，已办结4件，其中予以公开0件，部分公开1件，无法提供3件，其他0件，结转下年度继续办理0件，"
     "行政事业性收费0万元。",
     [("本年新收申请", 4), ("本年办结申请", 4), ("予以公开", 0), ("部分公开", 1), ("无法提供", 3), ("其他处理", 0),
      ("结转下年度继续办理", 0)]),
    ("其中予以公开或部分公开59件、占45.3%；不予公开32件、占24.6%；无法提供26件、占20%；不予处理1件、占0.7%；"
     "其他处理12件、占9.2%。", [("予以公开及部分公开", 59), ("不予公开", 32), ("无法提供", 26), ("不予处理", 1),
                             ("其他处理", 12)]),
    ("其中，予以公开2件，部分公开2件，属于四类过程性性信息1件，本办不掌握相关政府信息2件，其他1件（申请人自主撤销）。",
     [("予以公开", 2), ("部分公开", 2), ("不予公开", 1), ("无法提供", 2), ("其他处理", 1)]),
    ("其中“属于已主动公开答复数”2件，“同意公开答复数”2件，“区分处理后公开数”4件，“不予公开答复数”1件。",
     [("予以公开", 4), ("部分公开", 4), ("不予公开", 1)]),
    ("2022年我镇全年共收到依申请公开0件，公开0件，不予公开0件，因政府信息依申请公开引起行政复议0件，行政诉讼0件",
     [("本年新收申请", 0), ("予以公开", 0), ("不予公开", 0), ("行政复议", 0), ("行政诉讼", 0)]),
    # appeals: 诉讼 with or without 行政, units 件/起/宗, results
    ("因政府信息公开引起的行政复议29件，行政诉讼案件22件。", [("行政复议", 29), ("行政诉讼", 22)]),
    ("信息公开类行政复议1起，正在办理中。", [("行政复议", 1)]),
    ("被申请人提起诉讼3宗。", [("行政诉讼", 3)]),
    ("行政复议3件，其中维持2件，纠正1件；行政诉讼1件，维持1件。",
     [("行政复议", 3), ("复议结果维持", 2), ("复议结果纠正", 1), ("行政诉讼", 1)]),
    # 主动公开: a total, a total with its items, items with no total, a list after the sentence with the total
    ("本年度政府网站主动公开信息3931条，发布本年制发的行政规范性文件10件，发布政策解读材料46份。",
     [("主动公开政府信息", 3931), ("制发规范性文件", 10)]),
    ("全年主动公开政府信息总数171条：基层政务公开领域信息124条，工作动态34条，预算决算4条，应急预案3条，政策文件2条，"
     "其他政府信息4条。", [("主动公开政府信息", 171), ("主动公开分项合计", 171)]),
    ("2024年，我街通过门户网站主动公开信息26条，通过微博、微信公众号主动公开信息750条。", [("主动公开分项合计", 776)]),
    ("其中机构类信息20条，内有领导成员10条、机构职能4条、机构概况1条、直属单位或下属机构5条；工作类信息11条，"
     "其中镇街动态3条、计划总结3条、通知公告5条；政策文件类信息4条；民生事项类信息8条；财政管理类信息7条，"
     "其中部门预决算2条、专项经费5条。", [("主动公开分项合计", 50)]),
    ("2024 年，县政府网站累计发布各类政务信息 10300条，其中发布概况类信息 32条，政务动态信息 3129条，信息公开目录发布"
     " 4282 条，解读信息发布152条，微信公众号“甘谷政务”发布信息75条，收到留言56条，已全部办理。",
     [("主动公开政府信息", 10300), ("主动公开分项合计", 7595)]),
    # 制发规范性文件, fees and notices (元/万元)
    ("2022年，共制定出台行政规范性文件6件。", [("制发规范性文件", 6)]),
    ("2025年，石桥镇依据《政府信息公开信息处理费管理办法》发出收费通知2件，收费金额合计150.5元，实际收取150.5元。",
     [("收费通知", 2), ("收取信息处理费", Decimal("150.5"))]),
    ("全年收取信息处理费0.5万元。", [("收取信息处理费", 5000)]),
    # Chinese numerals, no unit, thousands
    ("全年共受理政府信息公开申请十二件，办结一十件，行政复议两起。",
     [("本年新收申请", 12), ("本年办结申请", 10), ("行政复议", 2)]),
    ("全年共受理政府信息公开申请41，办结41。", [("本年新收申请", 41), ("本年办结申请", 41)]),
    ("全区共收到政府信息公开申请1,641件。", [("本年新收申请", 1641)]),
])
def test_each_phrasing_is_read(text, expected):
    assert readings(text) == [(label, Decimal(value)) for label, value in expected]


@pytest.mark.parametrize("text, expected", [
    # 新收 + 结转 is no 新收
    ("2024年区政府办共受理政府信息公开申请件83件（含上年结转5件），80件已按规定在法定期限内予以办结，3件结转下年答复。",
     [("上年结转申请", 5), ("本年办结申请", 80), ("按时办结申请", 80), ("结转下年度继续办理", 3)]),
    # comments, letters, 行政许可申请, 行政事业性收费: not applications nor fees
    ("收到248条网民留言（注：因平台整合该数据来自12345政务服务便民热线），办结留言230条，公开答复4条。", []),
    ("接到网络信件327件，办结率100%。", []),
    ("2023年，我办全年未收到行政许可申请5件；各栏目共刊发文稿44篇。", []),
    ("本年度行政事业性收费0万元。", []),
    # a change on last year is no count
    ("全年收到政府信息公开申请12件，比上年新增3件；行政复议较上年减少2件。", [("本年新收申请", 12)]),
    # time limits, dates, phones, ordinals, words with numerals
    ("收到申请后15个工作日内予以答复。", []),
    ("本报告中所列数据的统计期限为2020年1月1日至12月31日。", []),
    ("如对本年报有任何疑问，请与安福县人民政府办公室联系（地址：安福县行政中心四楼，邮编：343200，电话：0796-7622183）。",
     []),
    ("组织各社区、公司积极开展第十五届“5·15政务公开日”活动。", []),
    ("严格按照接受、登记、审核、做出答复、送达、行政复议和行政诉讼、存档十个流程规范办理依申请工作。", []),
    ("在平台系统使用方面，街道设置登录、审核、发布三个账号。", []),
    # 政务新媒体, 解读, approximate counts, counts of other things
    ("通过政务微博、微信、头条号、抖音号等政务新媒体平台累计发布各类信息和短视频等5313条。", []),
    ("全年累计发布政策解读23篇，发布各类公告公示356条，召开相关新闻发布会7场。", []),
    ("全年主动发布信息11000余条，浏览量超过170万次。", []),
    ("余杭发布推送微信约2100条，总阅读量近1600万；推送微博约3800条。", []),
    ("2023年，市政府及政府办共制作政府信息总数398条，其中主动公开政府信息159条，作为依申请公开信息数102条，"
     "不予公开信息数137条。", [("主动公开政府信息", 159)]),
    ("2021年，区政府门户网站主动公开政府信息6039条，其中发布规范性文件4件。", [("主动公开政府信息", 6039)]),
    ("一是及时转载更新市场监督管理部门主要实施的法律法规规章共计28部。", []),
])
def test_the_traps_are_not_read_as_what_they_are_not(text, expected):
    assert readings(text) == [(label, Decimal(value)) for label, value in expected]


TEMPLATES = [  # (phrasing with {n}, the figure it states)
    ("全年共受理政府信息公开申请{n}件。", "本年新收申请"),
    ("2022年，区政府办公室共收到{n}份政府信息公开申请，均为自然人申请。", "本年新收申请"),
    ("收到公民和法人或其他组织政府信息公开申请共{n}件。", "本年新收申请"),
    ("其中，本年度新接收政府信息公开申请{n}件。", "本年新收申请"),
    ("全区共处理政府信息公开申请，{n}件已按规定在法定期限内予以答复。", "按时办结申请"),
    ("全年收到政府信息公开申请，办结{n}件。", "本年办结申请"),
    ("全区共处理政府信息公开申请，{n}件结转下年答复。", "结转下年度继续办理"),
    ("上年结转政府信息公开申请{n}件。", "上年结转申请"),
    ("其中予以公开{n}件。", "予以公开"),
    ("其中不予公开{n}件。", "不予公开"),
    ("其中予以公开或部分公开{n}件。", "予以公开及部分公开"),
    ("因政府信息公开引起的行政复议{n}件。", "行政复议"),
    ("{n}件申请进入行政复议程序。", "行政复议"),
    ("被提起诉讼{n}起。", "行政诉讼"),
    ("全年主动公开政府信息{n}条。", "主动公开政府信息"),
    ("制发规范性文件{n}件。", "制发规范性文件"),
    ("全年发出收费通知{n}件。", "收费通知"),
    ("实际收取信息处理费{n}元。", "收取信息处理费"),
]


@given(st.sampled_from(TEMPLATES), st.integers(0, 99_999), st.booleans())
def test_a_number_in_any_phrasing_is_read_back_in_digits_or_chinese_numerals(template, n, chinese):
    phrasing, label = template
    written = cn2an.an2cn(n) if chinese else str(n)
    assert (label, Decimal(n)) in readings(phrasing.format(n=written)), (phrasing, written)


def _with_prose(text: str):
    report = load_report(ROOT / "data" / "shiqiao" / "2025.yaml")  # 表三: 30 received, 18 granted, 2 refused (1 过程性)
    return dataclasses.replace(report, prose=dataclasses.replace(report.prose, other=text))


def test_a_named_sub_row_is_held_to_that_sub_row_and_the_outcome_rows_to_theirs():
    agreeing = _with_prose("其中予以公开18件，部分公开2件，属于四类过程性信息1件，无法提供5件，其他1件。")
    assert contradictions(agreeing) == []
    differing = contradictions(_with_prose("其中予以公开18件，属于四类过程性信息3件。"))
    assert [(c.stated.label, c.said, c.table) for c in differing] == [("不予公开", "3件", 1)]
    assert "6.属于四类过程性信息" in differing[0].stated.table
    both = contradictions(_with_prose("不予公开的申请中，属于国家秘密1件，属于四类过程性信息1件。"))  # table: 0 + 1
    assert [(c.stated.label, c.said, c.table) for c in both] == [("不予公开", "1件+1件", 1)]
    assert both[0].stated.table.endswith("中所写各分项之和")


def test_listed_items_that_do_not_add_up_to_the_stated_total_are_a_finding():
    text = "全年主动公开政府信息共计363条。其中，政策文件352条，人事信息1条，财政信息3条，规划计划3条，其他1条。"
    found = contradictions(_with_prose(text))
    assert [(c.stated.label, c.table) for c in found] == [("主动公开分项合计", Decimal(363))]
    assert "所列各项之和与所写总数不一致" in found[0].heading and "352条+1条+3条+3条+1条" in found[0].detail
    warned = stated_figures(_with_prose(text))[0].describe()
    assert "所列各项之和等于所写的主动公开总数（363）" in warned and "（各项之和 352条+1条+3条+3条+1条）" in warned
    assert contradictions(_with_prose(text.replace("352条", "355条"))) == []
    # a list cut short by another channel or an approximate count is no finding: its parts need not add up
    assert contradictions(_with_prose("县政府网站累计发布各类政务信息10300条，其中发布概况类信息32条，"
                                      "政务动态信息3129条，微信公众号发布信息75条。")) == []


def test_figures_the_table_agrees_with_or_has_no_cell_for_are_no_warning():
    report = _with_prose("全年新收政府信息公开申请30件，上年结转0件，办结28件，按时办结28件，结转下年度继续办理2件；"
                         "行政复议2件，其中维持1件，纠正1件；行政诉讼0件。制发规范性文件3件，未收取信息处理费。"
                         "全年主动公开政府信息512条。")
    assert stated_figures(report) == []
    assert [p.found for p in stated_figures(_with_prose("行政复议三起。"))] == [
        "“行政复议三起。”（行政复议 三起）"]
