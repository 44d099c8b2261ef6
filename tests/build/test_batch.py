"""The batch stage without kernels: selection, batch files, and what the manifest decides to rebuild."""

from __future__ import annotations

import concurrent.futures as cf
import datetime
import json
import shutil
from pathlib import Path

import pytest

from helpers.build import batch
from helpers.build.batch import Job, Manifest, Result, find_jobs, load_batch
from helpers.errors import DataFileError, ProjectError
from helpers.output.index import write_index
from helpers.project import Outputs, Project
from tests.conftest import FIXTURES, ROOT, make_project

CHECKS = FIXTURES / "checks"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the seed and two years of one sample town."""
    for town in ("daxin", "nanhu"):
        shutil.copytree(ROOT / "data" / town, tmp_path / "data" / town)
    return make_project(tmp_path)


def jobs_in(project: Path, **kw) -> list[Job]:
    return find_jobs(Project.at(project), **kw)


def test_find_jobs_picks_the_template_for_each_format(project):
    jobs = {j.key: j for j in jobs_in(project)}
    towns = {"2018/daxin", "2020/nanhu", "2023/nanhu", "2024/nanhu", "2025/nanhu"}
    summaries = {"2018/jimo-summary", *(f"{y}/yangli-summary" for y in (2020, 2023, 2024, 2025))}
    assert set(jobs) == towns | summaries
    assert jobs["2025/yangli-summary"].template.name == "district_summary.ipynb"
    assert jobs["2025/yangli-summary"].data == project.resolve() / "outputs" / "2025" / "yangli.csv"
    assert jobs["2018/daxin"].template.name == "annual_report_2008.ipynb"
    assert jobs["2025/nanhu"].template.name == "annual_report.ipynb"
    assert jobs["2025/nanhu"].html == project.resolve() / "outputs" / "2025" / "nanhu.html"


def test_selection_by_year_and_town(project):
    assert [j.key for j in jobs_in(project, years=[2024, 2025])] == [
        "2024/nanhu",
        "2025/nanhu",
        "2024/yangli-summary",
        "2025/yangli-summary",
    ]
    assert [j.key for j in jobs_in(project, towns=["daxin"])] == ["2018/daxin", "2018/jimo-summary"]
    assert jobs_in(project, years=[2018], towns=["nanhu"]) == []
    assert [j.key for j in jobs_in(project, towns=["daxin"], districts=False)] == ["2018/daxin"]


def test_batch_files_shipped_with_the_project_are_valid():
    daxin = load_batch(ROOT / "params" / "daxin-2018.yaml", ROOT)
    assert (daxin.years, daxin.towns) == ([2018], ["daxin"])
    sample = load_batch(ROOT / "params" / "sample-2025.yaml", ROOT)
    assert sample.years == [2025] and len(sample.towns) == 12
    assert all((ROOT / "data" / town / "2025.yaml").exists() for town in sample.towns)


@pytest.mark.parametrize(
    ("line", "path"),
    [
        ("towns: [daxin, ../../etc]", "towns[1]"),
        ("towns: [/tmp/x]", "towns[0]"),
        ("output: ../elsewhere", "output"),
        ("output: /tmp/out", "output"),
        ("template: ../../x.ipynb", "template"),
    ],
)
def test_batch_files_cannot_leave_the_project(tmp_path, line, path):
    params = tmp_path / "params" / "bad.yaml"
    params.parent.mkdir()
    params.write_text(f"name: 坏的批量定义\nyears: [2025]\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_batch(params, tmp_path)
    [problem] = caught.value.problems
    assert problem.path == path and problem.line == 3


def test_batch_file_unknown_field(tmp_path):
    params = tmp_path / "bad.yaml"
    params.write_text("name: x\nyear: [2025]\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        load_batch(params, tmp_path)
    assert "是否应为“years”" in str(caught.value)


class FakeBuild:
    """Stands in for building a report: writes a page and remembers which reports it built."""

    def __init__(self) -> None:
        self.built: list[str] = []

    def __call__(self, job: Job) -> Result:
        self.built.append(job.key)
        job.html.parent.mkdir(parents=True, exist_ok=True)
        job.html.write_text(job.key, encoding="utf-8")
        return Result(job.key, "built", 0.1, job.town)


def build(project: Path, monkeypatch, **kw) -> list[str]:
    fake = FakeBuild()
    monkeypatch.setattr(batch, "build_one", fake)
    with cf.ThreadPoolExecutor(1) as executor:
        batch.run(jobs_in(project), executor, Manifest(project / "outputs"), **kw)
    return sorted(fake.built)


def test_unchanged_inputs_are_not_rebuilt(project, monkeypatch):
    assert len(build(project, monkeypatch)) == 10
    assert build(project, monkeypatch) == []
    assert len(build(project, monkeypatch, force=True)) == 10


def touch(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8") + "\n# 修改\n", encoding="utf-8")


def test_touching_a_data_file_rebuilds_it_and_the_next_year(project, monkeypatch):
    build(project, monkeypatch)
    touch(project / "data" / "nanhu" / "2024.yaml")
    assert [k for k in build(project, monkeypatch) if "summary" not in k] == ["2024/nanhu", "2025/nanhu"]


def test_touching_a_town_rebuilds_its_district_summaries_only(project, monkeypatch):
    build(project, monkeypatch)
    touch(project / "data" / "nanhu" / "2025.yaml")
    assert build(project, monkeypatch) == [
        "2020/yangli-summary",
        "2023/yangli-summary",
        "2024/yangli-summary",
        "2025/nanhu",
        "2025/yangli-summary",
    ]


def test_later_years_rebuild_too_because_their_trend_chart_shows_every_earlier_year(project, monkeypatch):
    build(project, monkeypatch)
    touch(project / "data" / "nanhu" / "2023.yaml")
    towns = [k for k in build(project, monkeypatch) if "summary" not in k]
    assert towns == ["2023/nanhu", "2024/nanhu", "2025/nanhu"]


def test_touching_a_template_rebuilds_every_report_that_uses_it(project, monkeypatch):
    build(project, monkeypatch)
    template = project / "notebooks" / "annual_report.ipynb"
    template.write_text(template.read_text(encoding="utf-8").replace("一、总体情况", "一、 总体情况"), encoding="utf-8")
    assert build(project, monkeypatch) == ["2020/nanhu", "2023/nanhu", "2024/nanhu", "2025/nanhu"]
    summary = project / "notebooks" / "district_summary.ipynb"
    text = summary.read_text(encoding="utf-8")
    summary.write_text(text.replace("一、各{{ organs }}", "一、 各{{ organs }}"), encoding="utf-8")
    assert build(project, monkeypatch) == [
        "2018/jimo-summary",
        "2020/yangli-summary",
        "2023/yangli-summary",
        "2024/yangli-summary",
        "2025/yangli-summary",
    ]


def test_what_lab_changes_in_a_template_by_opening_running_and_saving_it_rebuilds_nothing(project, monkeypatch):
    import nbformat

    build(project, monkeypatch)
    template = project / "notebooks" / "annual_report.ipynb"
    nb = nbformat.read(template, as_version=4)
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.2"}
    nb.metadata["widgets"] = {}
    for number, cell in enumerate(nb.cells, 1):
        cell.metadata["execution"] = {"iopub.status.busy": "2026-01-05T09:00:00"}
        if cell.cell_type == "code":
            cell.execution_count = number
            cell.outputs = [nbformat.v4.new_output("stream", text="运行结果\n")]
    nbformat.write(nb, template)
    assert build(project, monkeypatch) == []
    nb.cells[0].metadata["tags"] = ["moved"]
    nbformat.write(nb, template)
    assert build(project, monkeypatch) == ["2020/nanhu", "2023/nanhu", "2024/nanhu", "2025/nanhu"]


def test_a_changed_environment_rebuilds_everything(project, monkeypatch):
    build(project, monkeypatch)
    monkeypatch.setattr(batch, "environment_fingerprint", lambda: "another library version")
    assert len(build(project, monkeypatch)) == 10


def test_a_missing_output_is_rebuilt(project, monkeypatch):
    build(project, monkeypatch)
    (project / "outputs" / "2018" / "daxin.html").unlink()
    assert build(project, monkeypatch) == ["2018/daxin"]


def test_failed_reports_are_retried(project, monkeypatch):
    def failing(job: Job) -> Result:
        return Result(job.key, "failed", 0.1, job.town, "坏了")

    monkeypatch.setattr(batch, "build_one", failing)
    with cf.ThreadPoolExecutor(1) as executor:
        batch.run(jobs_in(project, towns=["daxin"]), executor, Manifest(project / "outputs"))
    assert build(project, monkeypatch) == sorted(j.key for j in jobs_in(project))


def test_index_lists_every_report_with_its_status(tmp_path):
    reports = {
        "2025/a": {"status": "built", "name": "甲镇", "warnings": []},
        "2025/b": {"status": "built", "name": "乙镇", "warnings": ["警告：结转不一致"]},
        "2024/c": {"status": "failed", "name": "丙镇", "message": "表三“自然人”列不平衡", "warnings": []},
        "2024/d": {"status": "failed", "name": "丁镇", "message": "尚未填写", "warnings": [], "unfinished": True},
        "2024/e": {"status": "built", "name": "戊镇", "warnings": [], "published_on": "2025-01-20"},
    }
    (tmp_path / "2025").mkdir()
    (tmp_path / "2025" / "a.html").write_text("x", encoding="utf-8")
    (tmp_path / "2025" / "a.docx").write_text("x", encoding="utf-8")
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "c.failed.ipynb").write_text("{}", encoding="utf-8")
    html = write_index(reports, tmp_path).read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and "http" not in html and " src=" not in html
    assert html.count("<script") == 1 and '<form id="filter" class="filter no-print" hidden>' in html
    assert html.index("2025 年度") < html.index("2024 年度")
    assert 'data-town="甲镇" data-status="已生成"' in html
    assert 'data-town="乙镇" data-status="待审核"' in html and "警告：结转不一致" in html
    assert 'data-town="丙镇" data-status="有错误"' in html and "表三“自然人”列不平衡" in html
    assert 'data-town="丁镇" data-status="未填完"' in html
    assert 'data-town="戊镇" data-status="已发布"' in html and "已发布（2025-01-20）" in html
    assert 'href="2025/a.html"' in html and 'href="2025/a.docx"' in html and 'href="2024/c.failed.ipynb"' in html
    assert 'href="2025/b.html"' not in html


def test_the_index_lists_every_expected_organ_with_its_deadlines(tmp_path):
    from helpers.intake.roster import Expected
    from helpers.output.index import Office
    from helpers.project import Deadlines

    reports = {"2025/a": {"status": "built", "name": "甲镇", "warnings": [], "published_on": "2026-02-03"},
               "2025/yangli-summary": {"status": "built", "name": "样例区汇总", "warnings": [], "district": "yangli"}}
    expected = [Expected("a", "甲镇", "yangli", "样例区", 2025, tmp_path / "a.yaml", "上一年报送了报告"),
                Expected("b", "乙镇", "yangli", "样例区", 2025, None, "上一年报送了报告")]
    office = Office({2025: expected}, Deadlines((1, 26), (1, 31)), datetime.date(2026, 2, 10))
    html = write_index(reports, tmp_path, office).read_text(encoding="utf-8")
    assert 'data-town="乙镇" data-status="未开始"' in html and "报送已逾期 15 天（期限 2026-01-26）" in html
    assert "已发布（2026-02-03）" in html and "晚发布 3 天（2026-02-03，期限 2026-01-31）" in html
    assert "1 个应报送的机关未计入本汇总：乙镇" in html and 'data-town="样例区汇总" data-status="有警告"' in html
    assert "截至 2026-02-10：应报送 2 份，未开始 1 份" in html and "2025 年度样例区各机关报告" in html


def test_an_edit_made_during_a_build_and_undone_rebuilds_the_report(project, monkeypatch):
    """The manifest records what a report was built from; an edit that slips in while it builds makes it stale."""
    target = project / "data" / "nanhu" / "2025.yaml"
    original = target.read_text(encoding="utf-8")

    def building(job: Job) -> Result:
        if job.data_file == target:
            target.write_text(original.replace("南湖街道", "草稿街道"), encoding="utf-8")  # saved mid-build
        job.html.parent.mkdir(parents=True, exist_ok=True)
        job.html.write_text(job.data_file.read_text(encoding="utf-8"), encoding="utf-8")
        return Result(job.key, "built", 0.1, job.town)

    monkeypatch.setattr(batch, "_build", building)
    with cf.ThreadPoolExecutor(1) as executor:
        results = batch.run(jobs_in(project, towns=["nanhu"], years=[2025]), executor, Manifest(project / "outputs"))
    (town,) = [r for r in results if r.key == "2025/nanhu"]
    assert any("生成期间输入文件有改动" in w for w in town.warnings)
    target.write_text(original, encoding="utf-8")  # the draft is undone
    assert "2025/nanhu" in build(project, monkeypatch)  # not 未变化: the page still holds the draft


def test_pdf_and_word_files_are_made_for_exactly_the_reports_selected(project):
    chosen = find_jobs(Project.at(project), towns=["nanhu"], years=[2025], pdf=True, docx=True)
    expected = {("2025/nanhu", True, True), ("2025/yangli-summary", False, False)}
    assert {(j.key, j.pdf, j.docx) for j in chosen} == expected
    everything = find_jobs(Project.at(project), years=[2025], pdf=True, docx=True)
    assert all(j.pdf and j.docx for j in everything)


def test_a_manifest_key_that_is_not_a_report_name_is_dropped_with_a_warning(tmp_path):
    out = tmp_path / "outputs"
    out.mkdir()
    good = {"status": "built", "warnings": [], "inputs": "x", "name": "南湖街道"}
    entries = {"2025/nanhu": good, "2025/../../x": good, "2025/a/b": good, "2025/Nanhu": good}
    (out / "manifest.json").write_text(json.dumps({"version": 1, "reports": entries}), encoding="utf-8")
    manifest = Manifest(out)
    assert list(manifest.reports) == ["2025/nanhu"]
    assert len(manifest.notes) == 3 and all("不是报告的名称" in note for note in manifest.notes)
    manifest.save()  # and the index, which lists what the manifest holds, is written
    (out / "manifest.json").write_text("[" * 100_000, encoding="utf-8")
    assert "已损坏" in Manifest(out).notes[0]  # too deep to read: set aside like any damaged manifest


@pytest.mark.parametrize("stem", ["../x", "a/b", "", "Nanhu", ".hidden", "x\0y"])
def test_no_output_path_leaves_its_year_folder(tmp_path, stem):
    with pytest.raises(ProjectError, match="无效的输出文件名"):
        Outputs(tmp_path, 2025, stem)
    with pytest.raises(ProjectError):
        Outputs(tmp_path, 2025, "yangli-summary", district=stem or "..")
    assert Outputs(tmp_path, 2025, "yangli-summary", district="yangli").data == tmp_path / "2025" / "yangli.csv"


def test_scratch_folders_of_processes_that_are_gone_are_swept(tmp_path):
    import os
    import subprocess

    out = tmp_path / "outputs"
    gone = subprocess.Popen(["true"])
    gone.wait()
    left = batch.scratch_root(out) / f"p{gone.pid}-abc"  # as a worker killed with -9 leaves it
    (left / "made").mkdir(parents=True)
    (left / "made" / "x.pdf").write_bytes(b"%PDF-")
    ours = batch.scratch_root(out) / f"p{os.getpid()}-def"
    ours.mkdir()
    batch.sweep_scratch(out)
    assert not left.exists() and ours.exists()


def test_a_pass_over_many_jobs_reads_each_file_once_and_digests_as_each_job_alone(project):
    from helpers.project import Project

    jobs = find_jobs(Project.find(project))
    environment = batch.environment_fingerprint()
    read: dict[Path, bytes] = {}
    together = [batch.input_digest(job, environment, read) for job in jobs]
    assert together == [batch.input_digest(job, environment) for job in jobs]
    assert sorted(read) == sorted(project.glob("data/*/*.yaml"))  # the summaries read nothing again
    (project / "data" / "nanhu" / "2024.yaml").write_text("changed: true\n", encoding="utf-8")
    assert [batch.input_digest(job, environment) for job in jobs] != together
