"""The balancing rules (勾稽关系): one failing fixture per rule, each message naming table, row, column, numbers."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import DataFileError
from helpers.intake import gather
from helpers.intake.load import dump_yaml, parse_report
from helpers.report import checks, demo
from helpers.report.model import APPEAL_GROUPS, APPLICANT_COLUMNS, AppealResults, ApplicantCounts
from tests.conftest import FIXTURES, ROOT

CASES = FIXTURES / "checks"


def problems_of(case: str) -> list:
    path = CASES / case / "nanhu" / "2024.yaml"
    try:
        return gather.check_file(path)[1]
    except DataFileError as exc:
        return exc.problems


def test_valid_fixture_passes():
    assert problems_of("valid") == []


def test_column_balance_names_column_and_four_numbers():
    [p] = problems_of("column_balance")
    assert p.is_error and (p.table, p.column) == ("表三", "自然人")
    text = str(p)
    assert "一、本年新收（17）" in text and "二、上年结转（0）" in text
    assert "（七）总计（14）" in text and "四、结转下年度继续办理（2）" in text
    assert "17 + 0 = 17，而 14 + 2 = 16" in text
    assert p.line == 29


def test_stated_row_total_must_equal_the_six_columns():
    [p] = problems_of("row_total")
    assert p.is_error and (p.table, p.row, p.column) == ("表三", "一、本年新收政府信息公开申请数量", "总计")
    assert "16 + 0 + 0 + 0 + 1 + 1 = 18" in p.expected and "19" in p.found


def test_stated_result_total_must_equal_the_outcome_rows():
    [p] = problems_of("results_total")
    assert p.is_error and (p.table, p.row, p.column) == ("表三", "（七）总计", "自然人")
    assert "14" in p.expected and "15" in p.found


def test_appeal_total_must_equal_its_four_results():
    [p] = problems_of("appeals_total")
    assert p.is_error and p.table == "表四" and p.column == "行政诉讼 未经复议直接起诉 总计"
    assert "0 + 1 + 0 + 0 = 1" in p.expected and "2" in p.found


@pytest.mark.parametrize(
    ("case", "path", "found"),
    [
        ("negative_count", "applications.results.granted.natural", "负数 -6"),
        ("negative_amount", "active.fees.amount", "负数 -1.5"),
        ("year_path", "year", "2023"),
        ("town_path", "organ.slug", "“beiguan”"),
    ],
)
def test_values_and_paths(case, path, found):
    [p] = checks.errors(problems_of(case))
    assert p.path == path and p.found == found


def test_carry_over_differs_from_last_year_is_a_warning():
    [p] = problems_of("carry_over")
    assert not p.is_error and (p.table, p.row, p.column) == ("表三", "二、上年结转政府信息公开申请数量", "自然人")
    assert "2023年" in p.expected and "0" in p.expected and p.found == "1"
    assert str(p).startswith("警告：")


def test_in_force_differs_from_last_year_plus_issued_minus_repealed():
    [p] = problems_of("in_force")
    assert not p.is_error and (p.table, p.row, p.column) == ("表二", "行政规范性文件", "现行有效件数")
    assert "19 + 本年制发 1 − 本年废止 2 = 18" in p.expected and p.found == "19"


def test_legacy_reports_have_no_balancing_rules_to_break():
    assert gather.check_file(ROOT / "data/daxin/2018.yaml")[1] == []


# --- properties over generated data ------------------------------------------------------------

YEARS = st.lists(st.integers(2019, 2026), min_size=1, max_size=3, unique=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), towns=st.integers(1, 3), years=YEARS)
def test_generated_files_pass_every_check(seed, towns, years):
    data = demo.district_data(demo.demo_towns(towns), years, seed=seed)
    reports = {key: parse_report(dump_yaml(value), f"{key[0]}/{key[1]}.yaml") for key, value in data.items()}
    for (slug, year), report in reports.items():
        assert checks.check(report, reports.get((slug, year - 1))) == []


def _cells(report) -> list[tuple[str, str, str, str]]:
    """Every typed count of tables 三 and 四: (path to its parent row, key, row label, column label)."""
    cells = []
    for path, labels, _ in report.applications.rows():
        row = " ".join(label for label in labels if label)
        cells += [(path, key, row, label) for key, label in APPLICANT_COLUMNS]
    for key, labels in APPEAL_GROUPS:
        group = " ".join(label for label in labels if label)
        cells += [(f"appeals.{key}", result, group, group) for result in ("upheld", "corrected", "other", "pending")]
    return cells


def _bump(report, path: str, key: str, delta: int):
    """A copy of ``report`` with one count changed by ``delta``."""
    names = path.split(".")

    def change(obj, rest):
        if not rest:
            assert isinstance(obj, ApplicantCounts | AppealResults)
            return dataclasses.replace(obj, **{key: getattr(obj, key) + delta})
        return dataclasses.replace(obj, **{rest[0]: change(getattr(obj, rest[0]), rest[1:])})

    return change(report, names)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), year=st.integers(2019, 2026), pick=st.integers(0, 10_000), up=st.booleans())
def test_changing_any_single_count_breaks_a_rule_naming_its_row_or_column(seed, year, pick, up):
    data = demo.district_data(demo.demo_towns(1), [year], seed=seed, stated_totals=True)
    report = parse_report(dump_yaml(next(iter(data.values()))), "t001.yaml")
    assert checks.check(report) == []
    path, key, row, column = _cells(report)[pick % len(_cells(report))]
    current = getattr(_walk(report, path), key)
    delta = 1 if up or current == 0 else -1
    found = checks.errors(checks.check(_bump(report, path, key, delta)))
    assert found, (path, key)
    assert any(row in (p.row + p.column) or column in (p.row + p.column) for p in found), [str(p) for p in found]


def _walk(obj, path: str):
    for name in path.split("."):
        obj = getattr(obj, name)
    return obj


def test_demo_towns_are_distinct():
    towns = demo.demo_towns(300)
    assert len({t.name for t in towns}) == 300 and len({t.slug for t in towns}) == 300


def test_generated_carry_overs_are_chained():
    data = demo.district_data(demo.demo_towns(2), [2023, 2024, 2025], seed=41)
    for slug in ("t001", "t002"):
        for year in (2024, 2025):
            now, before = data[(slug, year)], data[(slug, year - 1)]
            assert now["applications"]["carried_in"] == before["applications"]["carried_over"]


def _with_prose(report, **prose):
    return dataclasses.replace(report, prose=dataclasses.replace(report.prose, **prose))


def test_copied_section_raises_the_similarity_warning_and_a_rewritten_one_does_not():
    from helpers.intake.load import load_report

    before = load_report(CASES / "valid" / "nanhu" / "2023.yaml")
    now = load_report(CASES / "valid" / "nanhu" / "2024.yaml")
    copied = _with_prose(now, problems=before.prose.problems.replace("一是", "一 是"))
    [p] = [p for p in checks.check(copied, before) if p.path == "prose.problems"]
    assert not p.is_error and "五、存在的主要问题及改进情况" in p.expected and "相似度 " in p.found
    assert "内容雷同" in str(p)
    rewritten = _with_prose(now, problems="今年重点解决了栏目更新滞后的问题，" * 3 + before.prose.problems[:30])
    assert not [p for p in checks.check(rewritten, before) if p.path == "prose.problems"]


# --- plausibility: warnings that real reports showed were worth a second look ------------------------------


def _nanhu(year: int, **changes: str) -> str:

    text = (ROOT / "data" / "nanhu" / f"{year}.yaml").read_text(encoding="utf-8")
    for old, new in changes.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _problems(tmp_path, texts: dict[int, str]) -> list:
    for year, text in texts.items():
        path = tmp_path / "nanhu" / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return gather.check_file(tmp_path / "nanhu" / f"{max(texts)}.yaml")[1]


def _rules_line(text: str, issued: int) -> str:
    return text.replace("rules: {issued: 0,", f"rules: {{issued: {issued},", 1)


@pytest.mark.parametrize(("kind", "warns"), [("", True), ("  kind: 街道\n", True), ("  kind: 部门\n", False)])
def test_a_town_reporting_rules_is_warned_but_a_department_is_not(tmp_path, kind, warns):
    text = _rules_line(_nanhu(2025), 1).replace("  city: 示例市\n", "  city: 示例市\n" + kind, 1)
    found = [p for p in _problems(tmp_path, {2025: text}) if p.path == "active.rules.issued"]
    assert bool(found) == warns and all(not p.is_error for p in found)
    if warns:
        assert "不制定规章" in str(found[0])
    assert not [p for p in _problems(tmp_path, {2025: _nanhu(2025)}) if p.path.startswith("active.rules")]


@pytest.mark.parametrize(("year", "error"), [(2019, True), (2021, False), (2026, False)])
def test_a_format_outside_its_years_is_an_error(tmp_path, year, error):
    text = _nanhu(2025, **{"year: 2025": f"year: {year}"})
    found = [p for p in _problems(tmp_path, {year: text}) if p.path == "format"]
    assert bool(found) == error
    if error:
        assert found[0].is_error and "national-2021 用于 2021 年起的报告" in str(found[0])


@pytest.mark.parametrize(("repealed", "warns"), [(99, True), (0, False)])
def test_in_force_going_negative_through_the_chain_is_warned(tmp_path, repealed, warns):
    before = _nanhu(2024)
    now = _nanhu(2025)
    import re

    now = re.sub(r"normative: \{issued: \d+, repealed: \d+, in_force: \d+\}",
                 f"normative: {{issued: 0, repealed: {repealed}, in_force: 0}}", now)
    found = [p for p in _problems(tmp_path, {2024: before, 2025: now}) if p.path == "active.normative.repealed"]
    assert bool(found) == warns
    if warns:
        assert "现行有效件数推算为" in str(found[0]) and not found[0].is_error


@pytest.mark.parametrize(
    ("before", "now", "warns"), [(10, 300, True), (300, 0, True), (100, 150, False), (3, 15, False)]
)
def test_decisions_an_order_of_magnitude_from_last_year_are_warned(tmp_path, before, now, warns):
    import re

    def with_licensing(text: str, n: int) -> str:
        return re.sub(r"licensing: \{decisions: \d+\}", f"licensing: {{decisions: {n}}}", text)

    texts = {2024: with_licensing(_nanhu(2024), before), 2025: with_licensing(_nanhu(2025), now)}
    found = [p for p in _problems(tmp_path, texts) if p.path == "active.licensing.decisions"]
    assert bool(found) == warns


@pytest.mark.parametrize(("notices", "warns"), [(0, True), (1, False)])
def test_a_fee_charged_with_no_notice_is_warned(tmp_path, notices, warns):
    text = _nanhu(2025, **{"processing_fees: {notices: 0, billed: 0, collected: 0}":
                           f"processing_fees: {{notices: {notices}, billed: 50, collected: 50}}"})
    found = [p for p in _problems(tmp_path, {2025: text}) if p.path == "processing_fees.notices"]
    assert bool(found) == warns


@pytest.mark.parametrize("unseen", [[], ["applications", "appeals"]])
def test_a_table_its_source_did_not_show_has_no_blank_cells_to_warn_of(unseen):
    text = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8").replace(
        "format: national-2021\n", f"format: national-2021\nsource: published\nunseen: {unseen}\n")
    text = text[:text.index("applications:")] + text[text.index("processing_fees:"):]  # 表三、表四 left out
    warned = {p.table for p in checks.check(parse_report(text, "x.yaml")) if "空白单元格" in p.found}
    assert warned == (set() if unseen else {"表三", "表四"})


@pytest.mark.parametrize(("title", "warned"), [("南湖街道2025年政府信息公开工作年度报告", False),
                                               ("南湖街道2025年度政府信息公开工作报告", True)])
def test_a_published_title_other_than_the_standard_form_is_kept_and_warned_of(title, warned):
    text = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8").replace(
        "format: national-2021\n", "format: national-2021\nsource: published\n").replace(
        "  town: 南湖街道\n", f"  town: 南湖街道\n  title: {title}\n")
    report = parse_report(text, "x.yaml")
    found = [p for p in checks.check(report) if "形式的标题" in p.expected]
    assert bool(found) is warned and all(not p.is_error and title in p.found for p in found)
