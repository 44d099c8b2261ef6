"""District roll-up: totals are the towns' tables summed cell by cell, and they balance."""

from __future__ import annotations

import functools
import operator
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.intake import gather
from helpers.intake.load import load_report, write_district
from helpers.report import checks, demo, district, tables
from tests.conftest import ROOT

FRAMES = {"applications": tables.applications_table, "appeals": tables.appeals_table}


def _write(tmp: Path, towns: int, years: list[int], seed: int) -> Path:
    write_district(tmp, demo.district_data(demo.demo_towns(towns), years, seed=seed))
    return tmp


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), towns=st.integers(1, 6), year=st.integers(2019, 2026))
def test_district_tables_are_the_sum_of_the_town_tables(tmp_path_factory, seed, towns, year):
    data = _write(tmp_path_factory.mktemp("d"), towns, [year], seed)
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, year)
    assert len(found.reports) == towns and found.missing == []
    reports = [load_report(p) for p in sorted(data.glob(f"*/{year}.yaml"))]
    for name, part in FRAMES.items():
        expected = functools.reduce(operator.add, [part(r) for r in reports])
        assert district.summed(found, name)[0].equals(expected)
    for i, block in enumerate(district.summed(found, "active")):
        expected = functools.reduce(operator.add, [tables.active_tables(r)[i] for r in reports])
        assert block.equals(expected)
    (total,) = district.summed(found, "applications")
    one, two = total.iloc[0, :], total.iloc[1, :]
    seven, four = total.loc[("三、本年度办理结果", "（七）总计", "")], total.iloc[-1, :]
    assert list(one + two) == list(seven + four)


def test_a_town_without_this_years_file_is_listed_as_missing(tmp_path):
    data = _write(tmp_path, 3, [2024, 2025], 1)
    (data / "t002" / "2025.yaml").unlink()
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025)
    assert found.missing == ["西湖街道"]
    assert len(found.reports) == 2
    assert district.values(found)["missing"] == "西湖街道"


def test_a_town_with_errors_is_left_out_and_named(tmp_path):
    data = _write(tmp_path, 2, [2025], 1)
    path = data / "t001" / "2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("year: 2025", "year: 二〇二五"), encoding="utf-8")
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025)
    assert [r.organ.slug for r in found.reports] == ["t002"]
    # The town is named by its Chinese name, with the file and the reason.
    (left_out,) = found.excluded
    assert left_out.name == "东城街道" and left_out.file.endswith("t001/2025.yaml")
    assert "数据文件有错误" in left_out.reason and "“年度”" in left_out.reason and "未计入汇总" in str(left_out)
    assert district.values(found)["excluded"] == "东城街道"


def test_a_town_whose_file_breaks_a_balancing_rule_is_named_with_the_rule(tmp_path):
    data = _write(tmp_path, 3, [2025], 2)
    path = data / "t003" / "2025.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("received: {natural: ", "received: {natural: 1000", 1), encoding="utf-8")
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025)
    assert [t.name for t in found.excluded] == ["南关街道"]
    assert "表三" in found.excluded[0].reason
    assert sorted(r.organ.slug for r in found.reports) == ["t001", "t002"]


def test_a_town_whose_only_file_is_broken_is_still_named(tmp_path):
    data = _write(tmp_path, 2, [2025], 4)
    path = data / "t002" / "2025.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("format: national-2021", "format: 2021"), encoding="utf-8")
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025)
    assert [t.name for t in found.excluded] == ["西湖街道"]
    assert "“报告格式”" in found.excluded[0].reason


def test_two_towns_with_one_name_fail_check_naming_both_files(tmp_path):
    data = _write(tmp_path, 2, [2025], 6)
    second = data / "t002" / "2025.yaml"
    second.write_text(second.read_text(encoding="utf-8").replace("西湖街道", "东城街道"), encoding="utf-8")
    _, problems = gather.check_file(second)
    (error,) = checks.errors(problems)
    assert "t001/2025.yaml" in str(error) and "东城街道" in str(error) and "t002/2025.yaml" in str(error)
    found = gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025)
    assert found.reports == [] and len(found.excluded) == 2


def test_comparison_has_one_row_per_town(tmp_path):
    data = _write(tmp_path, 4, [2025], 3)
    frame = district.comparison(gather.load_district(data, demo.SAMPLE_DISTRICT_SLUG, 2025))
    assert list(frame.index) == [t.name for t in demo.demo_towns(4)]
    assert "本年新收申请（件）" in frame.columns


def test_sample_district_summary_has_no_errors():
    found = gather.load_district(ROOT / "data", "yangli", 2025)
    assert len(found.reports) == 12 and not found.excluded
    assert all(not checks.errors(checks.check(r)) for r in found.reports)


def test_district_totals_of_known_files(tmp_path):
    """东城街道 and 西城街道 2025 as committed: 160 + 5 applications received, worked out from their files."""
    for town in ("dongcheng", "xicheng"):
        (tmp_path / town).mkdir()
        (tmp_path / town / "2025.yaml").write_bytes((ROOT / "data" / town / "2025.yaml").read_bytes())
    (total,) = district.summed(gather.load_district(tmp_path, "yangli", 2025), "applications")
    assert list(total.loc[("一、本年新收政府信息公开申请数量", "", "")]) == [123, 22, 0, 2, 6, 12, 165]


def test_procurement_in_yuan_and_in_wan_yuan_is_converted_before_it_is_summed(tmp_path):
    """2019 采购总金额 as published: 南湖 251000 元, 东城 240 万元 → 265.1 万元 for the district."""
    import re

    for town, amount, unit in (("nanhu", "251000", "元"), ("dongcheng", "240", "万元")):
        text = (ROOT / "data" / town / "2020.yaml").read_text(encoding="utf-8")
        text = re.sub(r"procurement: \{projects: (\d+), amount: [0-9.]+\}",
                      rf"procurement: {{projects: \1, amount: {amount}, unit: {unit}}}", text)
        (tmp_path / town).mkdir()
        (tmp_path / town / "2020.yaml").write_text(text, encoding="utf-8")
    found = gather.load_district(tmp_path, "yangli", 2020)
    procurement = district.summed(found, "active")[-1]
    assert list(procurement.columns) == ["采购项目数量", "采购总金额（单位：万元）"]
    assert procurement.iloc[0, 1] == Decimal("265.1")
    blocks = tables.active_tables(load_report(tmp_path / "nanhu" / "2020.yaml"))
    (own,) = [f for f in blocks if "政府集中采购" in f.index]
    assert list(own.columns) == ["采购项目数量", "采购总金额（单位：元）"] and own.iloc[0, 1] == Decimal("251000")
