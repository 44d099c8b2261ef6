"""Batch builds with real kernels: isolation of failures, timeouts, parallel starts, Dask."""

from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import nbformat
import pytest

from helpers.intake.load import write_district
from helpers.report import demo
from tests.conftest import FIXTURES, make_project
from tests.e2e.test_build import xxgk


def project(tmp_path: Path, towns: int, years: list[int]) -> Path:
    write_district(tmp_path / "data", demo.district_data(demo.demo_towns(towns), years, seed=5))
    make_project(tmp_path)
    shutil.copytree(FIXTURES / "notebooks", tmp_path / "notebooks", dirs_exist_ok=True)
    (tmp_path / "params").mkdir()
    return tmp_path


def test_one_broken_town_fails_alone_and_keeps_its_good_report(tmp_path):
    base = project(tmp_path, 3, [2025])
    first = xxgk("build", "-j", "2", cwd=base)
    assert first.returncode == 0, first.stdout + first.stderr
    good = (base / "outputs/2025/t002.html").read_bytes()

    data = base / "data/t002/2025.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("{{ organ.town }}", "{{ organ.mayor }}", 1), encoding="utf-8"
    )
    run = xxgk("build", "-j", "2", "--force", cwd=base)
    assert run.returncode == 1
    assert "失败    2025/t002" in run.stdout and "“一、总体情况”" in run.stdout and "“organ.mayor”" in run.stdout
    assert "prose." not in run.stdout  # the part by its title, never by its path
    assert "生成 3 份" in run.stdout and "失败 1 份" in run.stdout  # two towns and the district summary
    assert (base / "outputs/2025/t002.html").read_bytes() == good
    assert not (base / "outputs/2025/t002.failed.ipynb").exists()  # refused by the check, before it ran
    assert (base / "outputs/2025/t001.html").exists() and (base / "outputs/2025/t003.html").exists()
    index = (base / "outputs/index.html").read_text(encoding="utf-8")
    assert index.count('data-status="有错误"') == 1
    assert index.count('data-status="已生成"') == 2 and "1 个应报送的机关未计入本汇总" in index
    assert not list((base / "outputs").rglob("*.tmp"))


def test_a_raising_cell_names_its_first_line_and_the_exception(tmp_path):
    base = project(tmp_path, 1, [2025])
    (base / "params/raises.yaml").write_text("name: 出错的模板\ntemplate: notebooks/raises.ipynb\n", encoding="utf-8")
    run = xxgk("build", "params/raises.yaml", cwd=base)
    assert run.returncode == 1
    assert '代码单元格“raise ValueError("模拟的单元格错误")”时出错：ValueError：模拟的单元格错误' in run.stdout
    assert (base / "outputs/2025/t001.failed.ipynb").exists()
    assert not (base / "outputs/2025/t001.html").exists()


def test_a_cell_past_the_timeout_fails_that_report(tmp_path):
    base = project(tmp_path, 1, [2025])
    (base / "params/sleeps.yaml").write_text("name: 超时\ntemplate: notebooks/sleeps.ipynb\n", encoding="utf-8")
    run = xxgk("build", "params/sleeps.yaml", "--timeout", "2", cwd=base)
    assert run.returncode == 1
    assert "代码单元格“import time”执行超过 2 秒，已停止" in run.stdout


def test_second_run_is_unchanged_and_starts_no_kernel(tmp_path):
    base = project(tmp_path, 2, [2024, 2025])
    assert xxgk("build", "-j", "2", cwd=base).returncode == 0
    stamp = {p: p.stat().st_mtime_ns for p in (base / "outputs").rglob("*.html") if p.name != "index.html"}
    run = xxgk("build", cwd=base)
    assert run.returncode == 0 and "生成 0 份，未变化 6 份" in run.stdout  # four reports, two district summaries
    assert stamp == {p: p.stat().st_mtime_ns for p in stamp}
    manifest = json.loads((base / "outputs/manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["reports"]) == {
        "2024/t001",
        "2024/t002",
        "2025/t001",
        "2025/t002",
        "2024/yangli-summary",
        "2025/yangli-summary",
    }


def test_forty_reports_at_eight_workers_start_every_kernel(tmp_path):
    base = project(tmp_path, 20, [2024, 2025])
    run = xxgk("build", "-j", "8", "--quiet", cwd=base)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "生成 42 份" in run.stdout and "失败 0 份" in run.stdout  # and two district summaries
    assert len([p for p in (base / "outputs").glob("*/*.html") if "summary" not in p.name]) == 40
    for bad in ("Address already in use", "didn't respond", "Kernel died"):
        assert bad not in run.stdout + run.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_build_on_a_dask_cluster(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    base = project(tmp_path, 2, [2025])
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        scheduler_port=_free_port(),
        dashboard_address=None,
    ) as cluster:
        run = xxgk("build", "--scheduler", cluster.scheduler_address, cwd=base)
        assert run.returncode == 0, run.stdout + run.stderr
        assert "生成 3 份" in run.stdout  # two towns and the district summary
    assert len(list((base / "outputs").glob("2025/*.html"))) == 3


def test_a_worker_reusing_its_exporter_writes_the_pages_fresh_exporters_write(tmp_path):
    from helpers.output.render import ReportExporter

    base = make_project(tmp_path)
    write_district(base / "data", demo.district_data(demo.demo_towns(3), [2024, 2025], seed=11))
    run = xxgk("build", "-j", "1", cwd=base)  # one worker: one exporter for every report and summary
    assert run.returncode == 0, run.stdout + run.stderr
    notebooks = sorted((base / "outputs").glob("*/*.ipynb"))
    assert len(notebooks) == 3 * 2 + 2
    for notebook in notebooks:
        fresh, _ = ReportExporter().from_notebook_node(nbformat.read(notebook, as_version=4))  # every default
        assert fresh == notebook.with_suffix(".html").read_text(encoding="utf-8"), notebook


def test_a_report_writes_its_notebook_once_and_reads_its_folder_once(tmp_path, monkeypatch):
    from dataclasses import replace

    import nbformat.validator

    from helpers.build import batch
    from helpers.intake import gather
    from helpers.project import Project

    base = make_project(tmp_path)
    write_district(base / "data", demo.district_data(demo.demo_towns(4), [2025], seed=11))
    monkeypatch.setenv("XXGK_PARSED", str(tmp_path / "parsed"))
    writes, folder_reads = [], []
    real_writes, real_names = nbformat.writes, gather.names_of
    monkeypatch.setattr(nbformat, "writes", lambda nb, *a, **k: writes.append(1) or real_writes(nb, *a, **k))
    monkeypatch.setattr(gather, "names_of", lambda *a: folder_reads.append(a) or real_names(*a))
    jobs = batch.find_jobs(Project.find(base), districts=False)
    assert len(jobs) == 4 and len(folder_reads) == 4 and all(job.namesakes for job in jobs)
    environment = batch.environment_fingerprint()
    for job in jobs:
        assert batch.build_one(replace(job, environment=environment)).status == "built"
    assert len(writes) == 4  # papermill's one write of each executed notebook: nothing serialised twice
    assert len(folder_reads) == 4  # only find_jobs read the folder (once, under ``unchanging``)
