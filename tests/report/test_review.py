"""The office's review: on the fixture district every planted problem is found once, with its evidence, and
nothing in the clean towns; scores follow the scoring sheet; narrative figures are held to the tables."""

from __future__ import annotations

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from helpers.cli import main
from helpers.errors import DataFileError
from helpers.intake.audit import read_sheet, submissions
from helpers.intake.load import load_report
from helpers.project import Project
from helpers.report.consistency import stated_figures
from helpers.report.review import DEFAULT_SHEET, RULES, Submission, review, score, unjudged
from tests.conftest import ROOT
from tests.office import AS_OF, CLEAN, office_district

AS_OF_DAY = datetime.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    base = office_district(tmp_path_factory.mktemp("office") / "project")
    project = Project.at(base)
    found, notes = submissions(project, 2025)
    assert notes == [] and list(found) == ["yangli"]
    return base, found["yangli"], review(found["yangli"], 2025, project.settings.deadlines, AS_OF_DAY)


def test_each_planted_problem_is_found_once_with_its_evidence_and_nothing_in_the_clean_towns(district):
    _, subs, findings = district
    by_criterion = {slug: [f.criterion for f in found] for slug, found in findings.items()}
    assert by_criterion == {
        "baihe": ["按时发布"], "beiguan": ["内容雷同"], "dongcheng": ["内容雷同"], "liulin": ["问题与改进"],
        "meixi": ["收费说明"], "nanhu": ["正文与表格一致"], "qingshan": [], "shiqiao": [], "yangli-tjj": ["应报尽报"],
    }
    evidence = {slug: found[0].evidence for slug, found in findings.items() if found}
    assert "2026年2月5日" in evidence["baihe"] and "2026-01-31" in evidence["baihe"]
    assert "东城街道" in evidence["beiguan"] and "北关街道" in evidence["dongcheng"]
    assert "共受理政府信息公开申请41个" in evidence["nanhu"] and "为 0" in evidence["nanhu"]
    assert "我镇政府信息公开工作还存在一些不足" in evidence["liulin"]
    assert "实际收取120.0元" in evidence["meixi"] and "无其他需要报告的事项" in evidence["meixi"]
    assert "名单新增" in evidence["yangli-tjj"]
    assert all(not findings[town] for town in CLEAN)


def test_the_audit_names_each_data_file_within_the_project_wherever_it_is_run(district, monkeypatch, tmp_path):
    base, _, _ = district
    monkeypatch.chdir(tmp_path)  # the audit is filed: it never names a path of the office's machine
    files = {s.slug: s.file for s in submissions(Project.at(base), 2025)[0]["yangli"]}
    assert files["nanhu"] == "data/nanhu/2025.yaml" and files["yangli-tjj"] == ""


def test_scores_follow_the_sheet_and_a_second_sheet_changes_them(district, tmp_path):
    base, subs, findings = district
    scores = {slug: score(found, DEFAULT_SHEET)[0] for slug, found in findings.items()}
    assert scores == {"baihe": 5, "beiguan": 5, "dongcheng": 5, "liulin": 8, "meixi": 9, "nanhu": 8,
                      "qingshan": 10, "shiqiao": 10, "yangli-tjj": 0}
    sheet_file = tmp_path / "scoring.yaml"
    sheet_file.write_text("满分: 100\n扣分:\n  正文与表格一致: 30\n  内容雷同: 50\n  应报尽报: 100\n", encoding="utf-8")
    sheet = read_sheet(sheet_file)
    scores = {slug: score(found, sheet)[0] for slug, found in findings.items()}
    assert scores["nanhu"] == 70 and scores["beiguan"] == 50 and scores["baihe"] == 95
    assert scores["qingshan"] == 100 and scores["yangli-tjj"] == 0 and scores["liulin"] == 98


def test_the_command_writes_the_page_the_workbook_and_a_notice_per_organ_with_findings(district, capsys):
    base = district[0]
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF]) == 0
    said = capsys.readouterr().out
    assert "审核 9 个机关，7 个有问题" in said and "南湖街道：8 分，1 条问题" in said
    folder = base / "outputs" / "2025"
    page = (folder / "yangli-audit.html").read_text(encoding="utf-8")
    assert 'href="#f-nanhu-6"' in page and 'id="f-nanhu-6"' in page  # the 正文与表格一致 cell links to its finding
    assert "共受理政府信息公开申请41个" in page and "http" not in page.replace("https://", "")
    book = load_workbook(folder / "yangli-audit.xlsx")
    rows = [r for r in book["问题清单"].iter_rows(min_row=2, values_only=True) if not r[2].startswith("未审核")]
    assert len(rows) == 7 and ("梅溪镇", "收费说明") in {(r[0], r[1]) for r in rows}
    header = [c.value for c in book["汇总"][2]]
    at = header.index("得分")
    summary = {r[0]: r[at] for r in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["青山镇"] == 10 and summary["样例区统计局"] == 0
    notices = sorted(p.name for p in folder.glob("*-notice.docx"))
    # a 整改通知 answers a report that was read: the organ without one is reminded (催报), not told to correct
    assert len(notices) == 6 and "qingshan-notice.docx" not in notices and "yangli-tjj-notice.docx" not in notices
    from docx import Document

    reminded = "\n".join(p.text for p in Document(str(folder / "yangli-reminder.docx")).paragraphs)
    assert "催报通知" in reminded and "样例区统计局" in reminded and "已逾期 15 天" in reminded


def test_a_bad_scoring_sheet_names_every_problem_at_its_line(tmp_path):
    sheet = tmp_path / "scoring.yaml"
    sheet.write_text("满分: 十\n扣分:\n  内容相同: 5\n  按时发布: -1\n", encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        read_sheet(sheet)
    lines = [p.line for p in raised.value.problems]
    text = str(raised.value)
    assert lines == [1, 3, 4] and "“内容相同”" in text and "内容雷同" in text and "“-1”" in text


def test_a_published_page_that_differs_from_the_filed_report_is_found():
    filed = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    apps = filed.applications
    changed = dataclasses.replace(apps, received=dataclasses.replace(apps.received, natural=3))
    shown = dataclasses.replace(filed, applications=changed,
                                prose=dataclasses.replace(filed.prose, other="本年度另有一项重要事项需要报告。" * 8))
    sub = Submission("nanhu", "南湖街道", "data/nanhu/2025.yaml", filed, None, published=shown,
                     published_from="nanhu.html")
    found = [f for f in review([sub], 2025, Project.at(ROOT).settings.deadlines, AS_OF_DAY)["nanhu"]
             if f.criterion == "发布后改动"]
    assert len(found) == 3  # the cell, the row's 总计 it changes, and part 六
    assert "“一、本年新收政府信息公开申请数量”行“申请人情况自然人”列：备案 0，网站 3（nanhu.html）" in found[0].evidence
    assert "“申请人情况总计”列：备案 0，网站 3" in found[1].evidence
    assert "六、其他需要报告的事项" in found[2].text


@pytest.mark.parametrize(("sentence", "warned"), [
    ("全年共受理政府信息公开申请{n}个。", False),
    ("全年共受理政府信息公开申请{m}个。", True),
    ("本年度办结政府信息公开申请{m}件。", True),
    ("收到申请后15个工作日内予以答复。", False),  # a time limit, not a count
    ("全年新收申请{m}件，办结{n}件。", True),
])
def test_a_figure_in_the_narrative_is_held_to_its_table(sentence, warned):
    report = load_report(ROOT / "data" / "shiqiao" / "2025.yaml")
    received = report.applications.received.shown_total()
    text = sentence.format(n=received, m=received + 7)
    if "办结" in sentence and "新收" not in sentence:
        text = sentence.format(m=report.applications.results.shown_total()[-1] + 1)
    changed = dataclasses.replace(report, prose=dataclasses.replace(report.prose, other=text))
    problems = stated_figures(changed)
    assert bool(problems) is warned, problems
    assert all("六、其他需要报告的事项" in p.describe() and "prose." not in p.describe() for p in problems)
    assert Decimal(received) == received  # the fixture's table is known (not blank)


def _imported_like(base, slug: str, name: str) -> None:
    """An organ's report as a page that shows only its 引言 and part 一 imports it: every other part unseen."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load((ROOT / "data" / "qingshan" / "2025.yaml").read_text(encoding="utf-8"))
    doc["organ"]["slug"], doc["organ"]["town"] = slug, name
    doc.insert(1, "source", "published")
    doc.insert(2, "unseen", ["problems", "other", "active", "applications", "appeals", "processing_fees"])
    for key in ("active", "applications", "appeals", "processing_fees"):
        del doc[key]
    for key in list(doc["prose"]):
        del doc["prose"][key]
    doc["prose"]["overview"] = (f"2025年，{name}围绕湖区治理和渔民转产安置，把征地补偿、渔船回收和生态补偿资金的"
                                "公开作为重点，逐村张榜、逐户告知，全年未发生因信息不公开引发的集体上访。")
    doc["publication"].pop("date", None)
    out = io.StringIO()
    yaml.dump(doc, out)
    (base / "data" / slug).mkdir(parents=True)
    (base / "data" / slug / "2025.yaml").write_text(out.getvalue(), encoding="utf-8")


def test_what_a_page_did_not_show_is_never_a_finding_and_shows_as_not_judged(tmp_path):
    from tests.office import office_district

    base = office_district(tmp_path / "project")
    _imported_like(base, "huxi", "湖西镇")
    project = Project.at(base)
    found = submissions(project, 2025)[0]["yangli"]
    huxi = next(s for s in found if s.slug == "huxi")
    deadlines = project.settings.deadlines
    assert review(found, 2025, deadlines, AS_OF_DAY)["huxi"] == []  # no 缺少, no blank cell, no 收费说明
    left = unjudged(huxi, 2025, deadlines, AS_OF_DAY)
    assert left["问题与改进"] == "原报告第五部分未录入" and left["收费说明"] == "原报告第六部分未录入"
    assert left["数据准确"] == "原报告的表格未录入" and left["发布后改动"] == "没有导入网站上发布的报告"
    assert left["按时报送"] == "未记录报送日期" and left["按时发布"] == "已发布的报告未记录发布日期"
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF]) == 0
    page = (base / "outputs" / "2025" / "yangli-audit.html").read_text(encoding="utf-8")
    row = page[page.index('href="#o-huxi"'):].split("</tr>")[0]
    assert row.count(">—</td>") == len(left) and "✓" in row and "已审 3/11" in row
    assert 'title="未审核：原报告第五部分未录入"' in row
    assert not (base / "outputs" / "2025" / "huxi-notice.docx").exists()


@pytest.mark.parametrize(("as_of", "finding", "said"), [
    ("2026-01-25", False, "距报送期限还有 1 天"),  # before the office's 01-26: reminded, no finding
    ("2026-02-10", True, "已逾期 15 天"),  # after it: 应报尽报, and still listed to chase
])
def test_before_the_deadline_a_missing_report_is_reminded_after_it_found(tmp_path, as_of, finding, said):
    from docx import Document

    from tests.office import office_district

    base = office_district(tmp_path / "project", towns=("qingshan", "shiqiao"))
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", as_of]) == 0
    folder = base / "outputs" / "2025"
    page = (folder / "yangli-audit.html").read_text(encoding="utf-8")
    assert ("应报送而没有本年度报告" in page) is finding
    assert "<h2>催报</h2>" in page and "yangli-reminder.docx" in page
    reminded = "\n".join(p.text for p in Document(str(folder / "yangli-reminder.docx")).paragraphs)
    assert "样例区统计局" in reminded and said in reminded and "整改" not in reminded
    assert not list(folder.glob("*-notice.docx"))  # nothing was read that could be corrected


def test_notices_cite_rules_and_the_reports_own_words_never_files_lines_fields_or_codes(district):
    from docx import Document

    from tests.conftest import field_paths

    base = district[0]
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF]) == 0
    folder = base / "outputs" / "2025"
    notices = sorted(folder.glob("*-notice.docx")) + [folder / "yangli-reminder.docx"]
    codes = ("baihe", "beiguan", "dongcheng", "liulin", "meixi", "nanhu", "qingshan", "shiqiao", "yangli")
    for path in notices:
        text = "\n".join(p.text for p in Document(str(path)).paragraphs)
        assert ".yaml" not in text and "data/" not in text and not re.search(r"第 ?\d+ ?行", text), path.name
        assert not field_paths(text) and not any(code in text for code in codes), path.name
        assert not re.search(r"([。，；：])\1", text), path.name
        items = [line for line in text.splitlines() if re.match(r"\d+\. 【", line)]
        assert all(any(f"依据：{rule}" in item for rule in RULES.values()) for item in items), path.name
    nanhu = "\n".join(p.text for p in Document(str(folder / "nanhu-notice.docx")).paragraphs)
    assert "共受理政府信息公开申请41个" in nanhu and f"依据：{RULES['正文与表格一致']}。正文：" in nanhu


def _reviewed(report, previous=None) -> list:  # noqa: ANN001
    sub = Submission(report.organ.slug, report.organ.town, "x", report, previous)
    return review([sub], 2025, Project.at(ROOT).settings.deadlines, AS_OF_DAY)[report.organ.slug]


def _changed(town: str, **prose: str):  # noqa: ANN202
    report = load_report(ROOT / "data" / town / "2025.yaml")
    return dataclasses.replace(report, prose=dataclasses.replace(report.prose, **prose))


PART_FIVE = ("2025年我镇政务公开仍存在问题：一是政策解读形式单一，图解、视频等形式运用较少；"
             "二是基层公开目录更新不及时，部分村务公开栏内容滞后。下一步将加强业务培训，完善目录动态调整机制，按月开展栏目自查。")


@pytest.mark.parametrize(("town", "change", "criterion", "text"), [
    ("qingshan", {"title": "2025湖口县大垅乡2025年度政府信息公开工作年度报告"}, "格式规范",
     "标题中的年度重复或机关名称不全"),
    ("qingshan", {"problems": PART_FIVE}, "问题与改进", "第五部分没有报告上年度问题的改进情况"),
    ("qingshan", {"problems": PART_FIVE + "上年度提出的问题均已整改。"}, "问题与改进", None),
    ("qingshan", {"problems": "2025年，我镇工作取得成效。" * 6 + "各项工作稳步推进。"}, "问题与改进",
     "第五部分没有同时写明存在的问题和改进措施"),
    ("qingshan", {"other": "无其他需要报告的事项。"}, "格式规范",
     "人民政府的年度报告第六部分没有报告年度工作考核、社会评议和责任追究结果"),
    ("nanhu", {"other": "无其他需要报告的事项。"}, "格式规范", None),  # a 街道办事处 is no people's government
    ("qingshan", {"other": "本年度工作考核为良好，社会评议满意率98%，未发生责任追究。"}, "格式规范", None),
])
def test_the_checks_reviewers_make(town, change, criterion, text):
    previous = load_report(ROOT / "data" / town / "2024.yaml")
    report = _changed(town, **{k: v for k, v in change.items() if k != "title"})
    if "title" in change:
        report = dataclasses.replace(report, organ=dataclasses.replace(report.organ, title=change["title"]))
    found = [f.text for f in _reviewed(report, previous) if f.criterion == criterion]
    assert (text in found) if text else not any("第六部分" in f or "上年度" in f for f in found), found


def test_an_applicant_who_did_not_pay_a_fee_means_part_six_sent_a_fee_notice():
    report = load_report(ROOT / "data" / "qingshan" / "2025.yaml")
    other = report.applications.results.other
    unpaid = dataclasses.replace(other, no_fee=dataclasses.replace(other.no_fee, natural=2))
    apps = dataclasses.replace(report.applications, results=dataclasses.replace(report.applications.results,
                                                                                 other=unpaid))
    report = dataclasses.replace(report, applications=apps)
    found = [f for f in _reviewed(report) if f.criterion == "收费说明"]
    assert [f.text for f in found] == ["表三有申请人逾期未缴纳信息处理费，第六部分却没有发出收费通知"]
    assert "为 2" in found[0].evidence and "发出收费通知件数”为 0" in found[0].evidence


def test_an_introduction_every_organ_of_a_county_is_told_to_print_is_not_alike():
    prescribed = ("本报告根据《中华人民共和国政府信息公开条例》和县政府办公室的统一要求编制，"
                  "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等六个部分，数据统计期限为2025年1月1日至2025年12月31日。")
    subs = []
    for town in ("qingshan", "shiqiao"):
        report = _changed(town, preamble=prescribed)
        subs.append(Submission(town, report.organ.town, "x", report, None))
    found = review(subs, 2025, Project.at(ROOT).settings.deadlines, AS_OF_DAY)
    assert not [f for fs in found.values() for f in fs if f.criterion == "内容雷同"]


def test_the_correction_loop_dismiss_confirm_and_reaudit_after_the_correction_deadline(tmp_path, capsys):
    """The office dismisses one finding and confirms another; the audit returns the rest; a re-audit after the
    correction deadline (5 days) finds what is still there twice (its own criterion and 退回未改) and the
    dismissed one never again; a finding corrected since is listed as corrected."""
    from ruamel.yaml import YAML

    from tests.office import office_district

    base = office_district(tmp_path / "project")
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF]) == 0
    ids = dict(re.findall(r"\[((?:beiguan|nanhu|liulin)-[0-9a-f]{6})\] 【([^】]+)】", capsys.readouterr().out))
    beiguan, nanhu, liulin = (next(i for i in ids if i.startswith(s)) for s in ("beiguan", "nanhu", "liulin"))
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF, "--dismiss", beiguan,
                 "--why", "两个街道执行区里统一的整改要求", "--by", "王科长"]) == 0
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", AS_OF, "--confirm", nanhu,
                 "--by", "王科长"]) == 0
    said = capsys.readouterr().out
    assert "北关街道：10 分，0 条问题" in said and "南湖街道：8 分，1 条问题" in said
    record = YAML(typ="safe").load((base / "audit" / "2025" / "yangli.yaml").read_text(encoding="utf-8"))
    assert {(d["finding"], d["decision"], d["by"]) for d in record["decisions"]} == {
        (beiguan, "撤销", "王科长"), (nanhu, "确认", "王科长")}
    assert [r["on"] for r in record["runs"]] == [AS_OF]  # the same day's audit, once
    # 柳林镇 corrects its part 五 in time; 南湖街道 does not.
    text = (base / "data/liulin/2025.yaml").read_text(encoding="utf-8")
    better = ("2025年，柳林镇政务公开仍存在问题：一是政策解读形式单一，图解、视频运用较少；二是村务公开栏更新不及时。"
              "下一步将加强业务培训，完善目录动态调整机制，按月开展栏目自查。上年度提出的问题均已整改。")
    (base / "data/liulin/2025.yaml").write_text(
        text.replace("我镇政府信息公开工作还存在一些不足，今后将进一步加强。", better), encoding="utf-8")
    later = "2026-02-20"
    assert main(["--project", str(base), "audit", "--year", "2025", "--as-of", later]) == 0
    said = capsys.readouterr().out
    assert "南湖街道：3 分，2 条问题" in said and "【退回未改】被退回整改的问题在整改期限后仍未改正" in said
    assert "北关街道：10 分，0 条问题" in said and "柳林镇：10 分，0 条问题" in said
    page = (base / "outputs" / "2025" / "yangli-audit.html").read_text(encoding="utf-8")
    assert f"{AS_OF} 首次发现；{AS_OF} 退回整改，期限 2026-02-15，已过仍未改正；{AS_OF} 由王科长确认" in page
    assert "已撤销" in page and "两个街道执行区里统一的整改要求" in page
    assert "已改正" in page and "第五部分过于笼统" in page  # 柳林镇's, returned and corrected


def test_an_organ_known_only_from_last_years_page_is_not_blamed_for_this_years_and_is_reminded_with_its_contact():
    last = dataclasses.replace(load_report(ROOT / "data" / "qingshan" / "2024.yaml"), source="published")
    history = Submission("qingshan", "青山镇", "", None, last, why_expected="上一年报送了报告")
    ours = Submission("shiqiao", "石桥镇", "", None, load_report(ROOT / "data" / "shiqiao" / "2024.yaml"),
                      why_expected="上一年报送了报告")
    deadlines = Project.at(ROOT).settings.deadlines
    found = review([history, ours], 2025, deadlines, AS_OF_DAY)
    assert found["qingshan"] == [] and [f.criterion for f in found["shiqiao"]] == ["应报尽报"]
    assert "没有导入" in unjudged(history, 2025, deadlines, AS_OF_DAY)["应报尽报"]


@pytest.mark.parametrize(("title", "flagged"), [
    ("2025年青山镇政府信息公开工作年度报告", False),  # the year first: as many offices print it
    ("青山镇2025年度政府信息公开工作年度报告", False),
    ("青山镇2025年度政府信息公开工作报告", True),
    ("青山镇政府信息公开工作年度报告", True),
    ("青山镇2025年信息公开工作年度报告", True),
])
def test_the_title_rule_reads_the_year_before_or_after_the_organ(title, flagged):
    report = load_report(ROOT / "data" / "qingshan" / "2025.yaml")
    report = dataclasses.replace(report, organ=dataclasses.replace(report.organ, title=title))
    assert any("标题" in f.text for f in _reviewed(report) if f.criterion == "格式规范") is flagged


def test_cells_a_page_cut_off_are_unknown_never_a_finding():
    report = load_report(ROOT / "data" / "qingshan" / "2025.yaml")
    apps = report.applications
    cut = dataclasses.replace(apps, carried_over=dataclasses.replace(apps.carried_over, natural=None, other=None))
    published = dataclasses.replace(report, applications=cut, source="published")
    assert not [f for f in _reviewed(published) if f.criterion == "数据准确"]
    prepared = dataclasses.replace(report, applications=cut)  # a report still being filled in: blanks are found
    assert [f for f in _reviewed(prepared) if f.criterion == "数据准确"]
