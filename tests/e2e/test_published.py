"""History as published: a report recorded as it was published builds with exactly the published cells (blank
stays blank, totals as stated), and every discrepancy is listed in the build summary, the index and the JSON."""

from __future__ import annotations

import json
import re
import shutil
from io import StringIO

import pandas as pd
import pytest

from tests.conftest import FIXTURES, make_project, visible_text
from tests.e2e.test_build import xxgk

CASES = FIXTURES / "published"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = make_project(tmp_path_factory.mktemp("published"))
    for case in ("unbalanced", "blank", "totals_only", "yuan"):
        shutil.copytree(CASES / case, base / "data", dirs_exist_ok=True)
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    return base, run


def _cells(base, page: str, label: str) -> list[str]:  # noqa: ANN001
    """The cells of the table-三 row whose label is ``label``, as the page shows them."""
    html = (base / "outputs" / page).read_text(encoding="utf-8")
    for table in pd.read_html(StringIO(html), keep_default_na=False, thousands=None):
        for _, row in table.iterrows():
            values = [str(v) for v in row]
            if any(label in v for v in values[:-7]):
                return values[-7:]
    raise AssertionError(label)


def test_an_unbalanced_published_table_builds_as_published_and_says_so(built):
    base, run = built
    assert _cells(base, "2023/xicheng.html", "一、本年新收") == ["1", "0", "0", "0", "0", "0", "1"]
    assert _cells(base, "2023/xicheng.html", "（七）总计") == ["0", "0", "0", "0", "0", "0", "0"]
    warning = "表三“自然人”列：应为一、本年新收（1）+ 二、上年结转（0）= （七）总计（0）+ 四、结转下年度继续办理（0）"
    assert warning in run.stdout
    data = json.loads((base / "outputs/2023/xicheng.json").read_text(encoding="utf-8"))
    assert data["source"] == "published" and any(warning in d for d in data["discrepancies"])
    index = (base / "outputs/index.html").read_text(encoding="utf-8")
    row = next(r for r in index.split("<tr")[1:] if "2023/xicheng.html" in r)
    assert "已发布" in visible_text(row) and warning.replace(" ", "") in visible_text(row)  # as published
    summary = visible_text((base / "outputs/2023/yangli-summary.html").read_text(encoding="utf-8"))
    assert "根据样例区2个镇（街道）" in summary  # counted, as published


def test_a_totals_only_table_renders_its_published_totals_and_blanks(built):
    base, _ = built
    assert _cells(base, "2023/beiguan.html", "一、本年新收") == ["", "", "", "", "", "", "16"]
    assert _cells(base, "2023/beiguan.html", "二、上年结转") == ["", "", "", "", "", "", "1"]
    assert _cells(base, "2023/beiguan.html", "（七）总计") == ["", "", "", "", "", "", "16"]
    assert _cells(base, "2023/beiguan.html", "四、结转下年度") == ["", "", "", "", "", "", "1"]
    text = visible_text((base / "outputs/2023/beiguan.html").read_text(encoding="utf-8"))
    # A published record shows what was published: not the format's standard sentences built from its tables;
    # an 引言 its file neither gives nor says it was published without is unknown, and said so.
    assert "本机关新收政府信息公开申请" not in text and "（原报告此部分未录入）" in text


def test_blank_cells_stay_blank_and_a_sum_over_them_says_so(built):
    base, run = built
    html = (base / "outputs/2020/baihe.html").read_text(encoding="utf-8")
    table = next(t for t in pd.read_html(StringIO(html), keep_default_na=False) if "政府集中采购" in str(t.values))
    assert [str(v) for v in table.iloc[0, 1:]] == ["", ""]
    assert "22 个空白单元格" in run.stdout and "视为未知" in run.stdout
    summary = (base / "outputs/2020/yangli-summary.html").read_text(encoding="utf-8")
    note = "注：白河镇按原样记录的已发布报告中有空白单元格，含这些单元格的合计为未知，显示为空白。"
    assert note in visible_text(summary)
    assert "警告：白河镇的已发布报告有空白单元格，汇总中含这些单元格的合计为未知" in run.stdout
    data = json.loads((base / "outputs/2020/baihe.json").read_text(encoding="utf-8"))
    assert data["totals"]["received"] is not None
    assert data["headline"]["主动公开处理决定（许可、处罚、强制，件）"] is None


def test_procurement_shows_its_published_unit(built):
    base, _ = built
    html = (base / "outputs/2020/qingshan.html").read_text(encoding="utf-8")
    table = next(t for t in pd.read_html(StringIO(html), keep_default_na=False) if "政府集中采购" in str(t.values))
    assert "采购总金额（单位：元）" in str(table.columns) and "251000" in [str(v) for v in table.iloc[0]]
    baihe = json.loads((base / "outputs/2020/baihe.json").read_text(encoding="utf-8"))
    assert any("22 个空白单元格" in d for d in baihe["discrepancies"])


def test_the_same_files_without_source_published_fail_check(tmp_path):
    for case in ("unbalanced", "blank", "totals_only"):
        target = tmp_path / case
        shutil.copytree(CASES / case, target)
        for path in target.rglob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8").replace("source: published", "sample: true"),
                            encoding="utf-8")
        run = xxgk("check", str(target))
        assert run.returncode == 1, (case, run.stdout)
        assert "1 个未通过" in run.stdout
        expected = {
            "unbalanced": "表三“自然人”列：应为一、本年新收（1）",
            "blank": "必填字段",
            "totals_only": "必填字段",
        }
        assert expected[case] in run.stdout, run.stdout


def test_a_page_with_unseen_parts_and_a_stated_appeals_total_renders_only_what_was_published(tmp_path):
    """葫芦岛高新技术产业开发区's page has no part 六, no fee table and no contact; a 表四 states its 总计 with
    the results blank. The page shows notes where the source showed nothing, the total as stated, and none of
    the format's standard sentences."""
    from helpers.intake.importer import import_file

    base = make_project(tmp_path / "project")
    result = import_file(FIXTURES / "pages" / "variants" / "kaifaqu.html", base / "data")
    assert result.ok, result.lines
    text = result.written.read_text(encoding="utf-8")
    assert "unseen:\n- other\n- processing_fees\n" in text
    text = text.replace("appeals:\n  reconsideration: {upheld: 1, corrected: 0, other: 0, pending: 0}",
                        "appeals:\n  reconsideration: {upheld: null, corrected: null, other: null, pending: null, "
                        "total: 2}")
    assert "total: 2}" in text
    result.written.write_text(text, encoding="utf-8")
    run = xxgk("build", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    page = base / "outputs" / "2024" / "hldgxjscykfq.html"
    html = page.read_text(encoding="utf-8")
    shown = visible_text(html)
    six = shown[shown.index("六、其他需要报告的事项"):]
    assert six.startswith("六、其他需要报告的事项（原报告此部分未录入）")
    for standard in ("无其他需要报告的事项", "本机关新收政府信息公开申请", "因政府信息公开被申请行政复议",
                     "信息处理费收取情况", "如对本报告有疑问", "政府信息公开信息处理费"):
        assert standard not in shown, standard
    assert "本报告根据《中华人民共和国政府信息公开条例》" in shown  # the page's own preamble, verbatim
    appeals = next(t for t in pd.read_html(StringIO(html), keep_default_na=False) if "行政复议" in str(t.columns))
    assert [str(v) for v in appeals.iloc[0][:5]] == ["", "", "", "", "2"]  # blank results, 总计 as stated
    assert "葫芦岛高新技术产业开发区2024年政府信息公开工作年度报告" in shown and "葫芦岛市葫芦岛" not in shown
    data = json.loads((base / "outputs/2024/hldgxjscykfq.json").read_text(encoding="utf-8"))
    assert any("表四" in d and "空白" in d for d in data["discrepancies"])  # the blank results, listed


def test_open_data_never_names_a_path_of_the_machine(tmp_path):
    """With ``--data`` outside the project, the JSON's discrepancies and the index name the file as
    <town>/<year>.yaml."""
    base = make_project(tmp_path / "project")
    elsewhere = tmp_path / "elsewhere" / "data"
    shutil.copytree(CASES / "blank", elsewhere)
    run = xxgk("build", "--data", str(elsewhere), cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    made_files = sorted((base / "outputs").glob("[0-9]*/*.json"))
    assert made_files
    for made in made_files:
        data = json.loads(made.read_text(encoding="utf-8"))
        assert data["discrepancies"] and not any(str(tmp_path) in d for d in data["discrepancies"]), made
        assert all(d.startswith(f"{made.stem}/") or d.startswith("警告：") for d in data["discrepancies"])
    assert str(tmp_path) not in (base / "outputs" / "index.html").read_text(encoding="utf-8")  # nor the index


def test_not_applicable_cells_and_an_added_row_reach_every_output_as_printed(tmp_path):
    """A 规章 row printed "/ / /" and a 表三 row the page adds (4.申请人撤回申请): the page, the Word file, the
    PDF's text and the JSON show them as printed; the added row is in no total."""
    import docx
    import pdfplumber

    from helpers.intake.importer import import_file

    base = make_project(tmp_path / "project")
    for name, town in (("not-applicable", "guanghua"), ("added-row", "guangming")):
        result = import_file(FIXTURES / "pages" / "variants" / f"{name}.html", base / "data", town=town)
        assert result.ok, result.lines
        result.written.write_text(result.written.read_text(encoding="utf-8").replace(
            "town: 光华镇", "town: 光明镇" if town == "guangming" else "town: 光华镇"), encoding="utf-8")
    run = xxgk("build", "--pdf", "--docx", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    out = base / "outputs" / "2024"
    html = (out / "guanghua.html").read_text(encoding="utf-8")
    active = next(t for t in pd.read_html(StringIO(html), keep_default_na=False) if "规章" in t.to_string())
    row = active[active.iloc[:, 0] == "规章"].iloc[0]
    assert [str(v) for v in row[1:]] == ["/", "/", "/"]
    words = [" ".join(c.text.split()) for t in docx.Document(str(out / "guanghua.docx")).tables for r in t.rows
             for c in r.cells]
    at = words.index("规章")
    assert words[at + 1:at + 4] == ["/", "/", "/"]
    with pdfplumber.open(out / "guanghua.pdf") as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert re.search(r"规章\s*/\s*/\s*/", text), text[:2000]
    data = json.loads((out / "guanghua.json").read_text(encoding="utf-8"))
    assert data["tables"]["active"][0]["cells"][0] == ["/", "/", "/"]
    assert data["not_applicable"] == ["active.rules.issued", "active.rules.repealed", "active.rules.in_force"]
    assert not any("空白" in d for d in data["discrepancies"])

    added = "（六）其他处理 4.申请人撤回申请"
    assert _cells(base, "2024/guangming.html", added) == ["2", "1", "0", "0", "0", "0", "3"]
    assert _cells(base, "2024/guangming.html", "（七）总计") == ["11", "2", "0", "1", "0", "0", "14"]  # not in it
    words = [" ".join(c.text.split()) for t in docx.Document(str(out / "guangming.docx")).tables for r in t.rows
             for c in r.cells]
    assert "原报告增列的行" in words and added in words
    with pdfplumber.open(out / "guangming.pdf") as pdf:
        rows = [[re.sub(r"\s", "", c or "") for c in row] for page in pdf.pages for t in page.extract_tables()
                for row in t]
    printed = next(row for row in rows if any("申请人撤回申请" in c for c in row))
    assert "原报告增列的行" in printed and [c for c in printed if c.isdigit()] == ["2", "1", "0", "0", "0", "0", "3"]
    data = json.loads((out / "guangming.json").read_text(encoding="utf-8"))
    three = data["tables"]["applications"][0]
    assert three["rows"][-1] == ["原报告增列的行", added, ""] and three["cells"][-1] == [2, 1, 0, 0, 0, 0, 3]
    assert data["figures"]["applications"]["added"] == [{"label": added, "cells": [2, 1, 0, 0, 0, 0, 3]}]


def test_a_published_report_prints_only_what_it_printed(tmp_path):
    """A hand-entered published 2021 report that says it was published with no 引言 and no part 六, with no fee
    figures and no 落款: none of them is made up (no note, no heading 六, no “无其他需要报告的事项”, no empty fee
    table, no 落款 from its publication date), and its title has no added city or district; the same report that
    does not say so shows part 六 as unknown. A 2008-format report as published shows its own parts and nothing
    of the 大信镇 outline; its 落款 as printed."""
    base = make_project(tmp_path / "project")
    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load((FIXTURES.parent.parent / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8"))
    doc.insert(1, "source", "published")
    del doc["prose"]["other"], doc["processing_fees"]  # no part 六, no fee table
    doc["publication"]["date"] = "2026-01-20"  # known from the site, printed in no 落款
    unknown = StringIO()
    yaml.dump(doc, unknown)
    (base / "data" / "beiguan").mkdir(parents=True)
    (base / "data" / "beiguan" / "2025.yaml").write_text(
        unknown.getvalue().replace("slug: nanhu", "slug: beiguan").replace("town: 南湖街道", "town: 北关街道"),
        encoding="utf-8")
    doc.insert(2, "absent", ["preamble", "other"])
    out = StringIO()
    yaml.dump(doc, out)
    text = out.getvalue()
    (base / "data" / "nanhu").mkdir(parents=True)
    (base / "data" / "nanhu" / "2025.yaml").write_text(text, encoding="utf-8")
    legacy = base / "data" / "xinhe" / "2013.yaml"
    legacy.parent.mkdir(parents=True)
    legacy.write_text(
        "format: legacy-2008\nyear: 2013\nsource: published\n"
        "organ: {slug: xinhe, town: 新河镇, district: 样例区, district_slug: yangli, city: 示例市}\n"
        "publication: {date: 2014-03-20}\nsignature: {name: 新河镇人民政府, date: 2014-03-18}\n"
        "parts:\n- {heading: 一、概述, text: 2013年，新河镇扎实推进政府信息公开工作。}\n"
        "- {heading: 二、主动公开政府信息情况, text: 全年主动公开政府信息5条。}\n"
        "printed_figures:\n- {part: 二、主动公开政府信息情况, label: 主动公开政府信息, value: 5, unit: 条}\n",
        encoding="utf-8")
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    shown = visible_text((base / "outputs" / "2025" / "nanhu.html").read_text(encoding="utf-8"))
    for invented in ("原报告此部分未录入", "无其他需要报告的事项", "信息处理费", "2026年1月20日", "本报告根据",
                     "六、其他需要报告的事项"):
        assert invented not in shown, invented
    assert shown.endswith("每月开展一次栏目自查。")  # part 五's last words: nothing after them
    unknown_page = visible_text((base / "outputs" / "2025" / "beiguan.html").read_text(encoding="utf-8"))
    assert unknown_page.endswith("六、其他需要报告的事项（原报告此部分未录入）")
    old = visible_text((base / "outputs" / "2013" / "xinhe.html").read_text(encoding="utf-8"))
    assert "新河镇2013年政府信息公开工作年度报告" in old and "示例市" not in old
    assert "一、概述2013年，新河镇扎实推进政府信息公开工作。二、主动公开政府信息情况全年主动公开政府信息5条。" in old
    assert "新河镇人民政府2014年3月18日" in old  # the 落款 as printed, not the day of publication
    for outline in ("组织领导", "政策解读", "附表", "根据", "（未公布）"):
        assert outline not in old, outline
    data = json.loads((base / "outputs" / "2013" / "xinhe.json").read_text(encoding="utf-8"))
    assert data["figures"]["printed"][0]["value"] == 5 and data["headline"] == {"主动公开政府信息（条）": 5}


def test_what_a_published_report_held_beyond_the_format_is_shown_where_it_stood(tmp_path):
    """A 呈报函 before the report, the format's 编写说明 left in after the 引言, text inside part 四 before its
    table and sub-headings in the report's own words: each on the page where it stood; the audit flags the
    编写说明."""
    from ruamel.yaml import YAML

    base = make_project(tmp_path / "project")
    yaml = YAML()
    doc = yaml.load((FIXTURES.parent.parent / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8"))
    doc.insert(1, "source", "published")
    prose = doc["prose"]
    prose["cover_letter"] = "区政务公开办：现将我街道2025年政府信息公开工作年度报告报上，请审阅。"
    prose["preamble"] = "本报告根据《条例》编制。"
    prose["drafting_note"] = "（编写说明：本表中“本年新收”指本年度收到的申请。）"
    prose["in_appeals"] = "2025年，我街道未出现申请行政复议、提起行政诉讼的情况。"
    prose["active"] = "全年主动公开政府信息326条。"
    doc["sub_headings"] = {"active": "（一）主动公开方面"}
    out = StringIO()
    yaml.dump(doc, out)
    (base / "data" / "nanhu").mkdir(parents=True)
    (base / "data" / "nanhu" / "2025.yaml").write_text(out.getvalue(), encoding="utf-8")
    run = xxgk("build", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    shown = visible_text((base / "outputs" / "2025" / "nanhu.html").read_text(encoding="utf-8"))
    order = ["区政务公开办：现将", "本报告根据《条例》编制。", "（编写说明：", "一、总体情况",
             "（一）主动公开方面全年主动公开", "四、政府信息公开行政复议、行政诉讼情况2025年，我街道未出现申请行政复议",
             "行政复议", "五、存在的主要问题"]
    at = [shown.find(text) for text in order]
    assert -1 not in at and at == sorted(at), list(zip(order, at, strict=True))
    assert "（一）主动公开全年" not in shown  # the usual sub-heading is not put in place of the printed one
    audit = xxgk("audit", "--year", "2025", "--as-of", "2026-03-01", cwd=base)
    assert "发布的报告中留有格式的编写说明" in (base / "outputs" / "2025" / "yangli-audit.html").read_text(
        encoding="utf-8"), audit.stdout + audit.stderr
