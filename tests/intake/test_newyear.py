"""xxgk new-year: next year's data files from last year's, never overwriting one."""

from __future__ import annotations

import re
import shutil

from helpers.cli import main
from helpers.intake.gather import check_file
from helpers.intake.load import load_report
from helpers.report.checks import errors, warnings
from tests.conftest import ROOT


def sample(tmp_path, *towns):
    data = tmp_path / "data"
    for town in towns:
        shutil.copytree(ROOT / "data" / town, data / town)
    return data


def test_new_year_chains_carry_overs_and_in_force_and_leaves_every_count_unfilled(tmp_path, capsys):
    data = sample(tmp_path, "nanhu", "qingshan")
    before = {p: p.read_bytes() for p in data.rglob("*.yaml")}
    assert main(["new-year", "2026", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert f"{data / 'nanhu' / '2026.yaml'}：已从 2025 年度生成" in out
    assert all(p.read_bytes() == text for p, text in before.items())

    for town in ("nanhu", "qingshan"):
        last = load_report(data / town / "2025.yaml")
        text = (data / town / "2026.yaml").read_text(encoding="utf-8")
        assert "format: national-2021" in text and "year: 2026" in text
        carried = last.applications.carried_over
        line = next(line for line in text.splitlines() if line.strip().startswith("carried_in:"))
        keys = ("natural", "commercial", "research", "social", "legal", "other")
        assert line.strip() == "carried_in: {" + ", ".join(f"{key}: {getattr(carried, key)}" for key in keys) + "}"
        normative = next(line for line in text.splitlines() if line.strip().startswith("normative:"))
        assert normative.strip() == f"normative: {{issued: , repealed: , in_force: {last.active.normative.in_force}}}"
        assert "received: {natural: , commercial: , research: , social: , legal: , other: }" in text
        assert "date:" not in text and last.organ.town in text and last.contact.office in text

    # Unfilled counts are errors, each named at its line; nothing reads as a silent 0.
    found = errors(check_file(data / "nanhu" / "2026.yaml")[1])
    problems = [p for p in found if p.found.startswith("空白（尚未填写）")]
    assert problems, "an unfilled file passed check"
    assert {p.found for p in found if p not in problems} == {"仍带草稿标记的2025年度原文"}  # in the same run
    text = (data / "nanhu" / "2026.yaml").read_text(encoding="utf-8").splitlines()
    named, rows = 0, {}
    for p in problems:
        assert p.found.startswith("空白（尚未填写）") and p.line is not None
        names = p.found.partition("：")[2].split("、") if "：" in p.found else [p.path]
        line = text[p.line - 1]
        assert line.count(": ,") + line.count(": }") == len(names), (p, line)  # each blank of the line, once
        named += len(names)
        rows[p.path] = names
    assert {"active.licensing.decisions", "applications.received", "appeals.reconsideration", "processing_fees",
            "active.normative"} <= set(rows)
    assert "applications.carried_in" not in rows and "现行有效件数" not in rows["active.normative"]
    blanks = sum(line.count(": ,") + line.count(": }") for line in text)
    assert named == blanks  # every blank named once, nothing else
    assert main(["check", str(data / "nanhu" / "2026.yaml")]) == 1
    out = capsys.readouterr().out
    received = "自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他"
    assert f"表三“一、本年新收政府信息公开申请数量”行：应为非负整数，实际为空白（尚未填写）：{received}" in out
    assert "applications" not in out and "natural" not in out  # the form's words, never a field path


def test_an_unchanged_narrative_draft_is_caught(tmp_path):
    data = sample(tmp_path, "nanhu")
    assert main(["new-year", "2026", "--data", str(data), "--town", "南湖街道"]) == 0
    target = data / "nanhu" / "2026.yaml"
    # The clerk fills every count (as zero here) but leaves the narrative as it was drafted.
    filled = re.sub(r": (?=[,}])", ": 0", target.read_text(encoding="utf-8"))
    target.write_text(filled, encoding="utf-8")
    _, found = check_file(target)
    drafts = [p for p in errors(found) if "草稿标记" in p.found]
    assert {p.path for p in drafts} == {"prose.overview", "prose.problems", "prose.other"}
    assert all(p.line is not None and "【草稿" in filled.splitlines()[p.line - 1] for p in drafts)
    similar = [p for p in warnings(found) if "内容雷同" in p.found]
    assert {p.path for p in similar} >= {"prose.overview", "prose.problems"}


def test_new_year_never_overwrites_and_skips_towns_that_did_not_report_last_year(tmp_path, capsys):
    data = sample(tmp_path, "nanhu", "daxin")
    (data / "nanhu" / "2026.yaml").write_text("# 已经开始填写\n", encoding="utf-8")
    assert main(["new-year", "2026", "--data", str(data)]) == 0
    out = capsys.readouterr().out
    assert (data / "nanhu" / "2026.yaml").read_text(encoding="utf-8") == "# 已经开始填写\n"
    assert "nanhu/2026.yaml：已存在，未改动" in out
    assert "daxin：没有 2025 年度的数据文件，未生成" in out and not (data / "daxin" / "2026.yaml").exists()
    assert main(["new-year", "2026", "--data", str(data), "--town", "不存在的镇"]) == 2
