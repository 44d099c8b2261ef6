"""One reading of every data file: whatever its YAML spelling, a file builds the same report, the same open
data and the same district summary; a town that cannot be counted is named, and the summary says so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, make_project, visible_text
from tests.e2e.test_build import xxgk
from tests.intake.test_load import _plain
from tests.spellings import spell

OUTPUTS = ("2025/nanhu.html", "2025/nanhu.json", "2025/yangli-summary.html", "2025/yangli.csv")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """nanhu (2024, 2025) and dongcheng (2025) built as written; the outputs' bytes."""
    base = make_project(tmp_path_factory.mktemp("spellings"))
    for town, year in (("nanhu", 2024), ("nanhu", 2025), ("dongcheng", 2025)):
        (base / "data" / town).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "data" / town / f"{year}.yaml", base / "data" / town / f"{year}.yaml")
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    return base, {name: (base / "outputs" / name).read_bytes() for name in OUTPUTS}


@settings(max_examples=3, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_spelling_builds_the_same_pages_open_data_and_summary(built, data):
    base, expected = built
    target = base / "data" / "nanhu" / "2025.yaml"
    text = spell(_plain(ROOT / "data" / "nanhu" / "2025.yaml"), data.draw)
    target.write_bytes(text.encode("utf-8"))
    check = xxgk("check", str(target), cwd=base)
    assert check.returncode == 0 and "通过" in check.stdout, check.stdout
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2025/nanhu" in run.stdout, "a changed spelling is a changed input: the report is rebuilt"
    for name in OUTPUTS:
        assert (base / "outputs" / name).read_bytes() == expected[name], f"{name} differs for:\n{text}"


def _district(tmp_path: Path, towns: dict[str, str]) -> Path:
    """A project with the sample district's 2025 files of ``towns`` (slug → Chinese name)."""
    base = make_project(tmp_path)
    for slug in towns:
        (base / "data" / slug).mkdir(parents=True)
        shutil.copy(ROOT / "data" / slug / "2025.yaml", base / "data" / slug / "2025.yaml")
    return base


def test_a_town_that_fails_its_check_is_named_and_the_summary_is_flagged(tmp_path):
    base = _district(tmp_path, {"dongcheng": "东城街道", "xicheng": "西城街道", "nanhu": "南湖街道"})
    broken = base / "data" / "xicheng" / "2025.yaml"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("carried_over: {natural: ", "carried_over: {natural: 9", 1),
        encoding="utf-8",
    )
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 1, run.stdout  # xicheng's own report fails
    assert "失败    2025/xicheng（西城街道）" in run.stdout
    assert "已生成  2025/yangli-summary（样例区汇总）" in run.stdout
    assert "警告：西城街道（data/xicheng/2025.yaml）" in run.stdout
    assert "有警告 1 份" in run.stdout

    summary = visible_text((base / "outputs/2025/yangli-summary.html").read_text(encoding="utf-8"))
    assert "根据样例区2个镇（街道）" in summary
    assert "有本年度数据文件但有错误、未计入合计的镇（街道）：西城街道" in summary
    assert "西城街道（data/xicheng/2025.yaml）：数据文件有错误（表三“自然人”列" in summary
    csv = (base / "outputs/2025/yangli.csv").read_text(encoding="utf-8-sig")
    assert "东城街道" in csv and "南湖街道" in csv and "西城街道" not in csv

    manifest = json.loads((base / "outputs/manifest.json").read_text(encoding="utf-8"))
    assert manifest["reports"]["2025/yangli-summary"]["warnings"] == [
        line.strip() for line in run.stdout.splitlines() if "警告：西城街道" in line
    ]
    index = (base / "outputs/index.html").read_text(encoding="utf-8")
    rows = [row for row in index.split("<tr")[1:] if "yangli-summary.html" in row]
    assert len(rows) == 1 and 'class="row-warnings' in rows[0]
    text = visible_text("<tr" + rows[0])
    assert "有警告" in text and "西城街道（data/xicheng/2025.yaml）：数据文件有错误" in text and "未计入汇总" in text


def test_a_data_file_in_the_readme_spelling_counts_in_its_summary(tmp_path):
    """Comments after values and the organ in flow style: the town builds and is in its district's summary."""
    base = _district(tmp_path, {"dongcheng": "东城街道", "nanhu": "南湖街道"})
    path = base / "data" / "nanhu" / "2025.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  district_slug: yangli\n", "  district_slug: yangli   # 区代码\n")
    path.write_text("\ufeff" + text.replace("\n", "\r\n"), encoding="utf-8")
    run = xxgk("build", "-j", "2", cwd=base)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = visible_text((base / "outputs/2025/yangli-summary.html").read_text(encoding="utf-8"))
    assert "根据样例区2个镇（街道）" in summary and "南湖街道" in summary
    assert "未报送本年度数据的镇（街道）：无" in summary
