"""The roster: last year's reporters are expected again; the office's roster.yaml adds and retires organs."""

from __future__ import annotations

import shutil

import pytest

from helpers.errors import DataFileError
from helpers.intake.roster import expected, read_roster
from helpers.project import Project
from tests.conftest import ROOT, make_project


@pytest.fixture
def project(tmp_path):
    base = make_project(tmp_path / "project")
    for town in ("nanhu", "baihe", "xinghua"):
        shutil.copytree(ROOT / "data" / town, base / "data" / town)
    (base / "data" / "baihe" / "2025.yaml").unlink()  # 白河镇 has not reported 2025 yet
    return base


def test_who_reported_last_year_is_expected_this_year(project):
    found = {e.slug: e for e in expected(Project.at(project), 2025)}
    assert sorted(found) == ["baihe", "nanhu", "xinghua"]
    assert found["baihe"].file is None and found["baihe"].name == "白河镇" and found["baihe"].district == "yangli"
    assert found["nanhu"].file == project / "data" / "nanhu" / "2025.yaml"
    assert [e.slug for e in expected(Project.at(project), 2026)] == ["nanhu", "xinghua"]  # 白河镇 missed 2025


def test_the_roster_adds_and_retires_organs_from_a_year_on(project):
    (project / "roster.yaml").write_text(
        "add:\n  - {slug: yangli-jyj, name: 样例区教育局, district: yangli, district_name: 样例区, year: 2025}\n"
        "retire:\n  - {slug: xinghua, year: 2025, reason: 并入石桥镇}\n", encoding="utf-8")
    found = {e.slug: e for e in expected(Project.at(project), 2025)}
    assert sorted(found) == ["baihe", "nanhu", "yangli-jyj"]
    assert found["yangli-jyj"].name == "样例区教育局" and "名单新增" in found["yangli-jyj"].why
    assert "xinghua" in {e.slug for e in expected(Project.at(project), 2024)}


def test_a_wrong_roster_names_each_problem(project):
    (project / "roster.yaml").write_text("add:\n  - {slug: 教育局, name: 教育局}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        read_roster(project / "roster.yaml")
    text = str(raised.value)
    assert "roster.yaml 第 2 行" in text and "year" in text
