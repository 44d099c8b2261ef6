"""Kernels forked from a pre-imported parent (helpers.build.warm): still one fresh kernel per report — no state, module
or environment variable of one report is seen by the next on the same worker; a kernel that exits, hangs or
raises fails its report only; the ordinary launch (``XXGK_WARM=0``) builds the same pages byte for byte; and
Dask workers fork their kernels too."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.intake.load import write_district
from helpers.report import demo
from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent
PROBE = '''import json, os, sys
from pathlib import Path

import helpers.intake.load as loaded

assert "leftover" not in globals(), "a global of another report"
leftover = data_file
assert not hasattr(loaded, "LEFT_BY_ANOTHER_REPORT"), "a module of another report's kernel"
loaded.LEFT_BY_ANOTHER_REPORT = data_file
assert "XXGK_LEFT" not in os.environ, "an environment variable of another report's kernel"
os.environ["XXGK_LEFT"] = data_file
record = {"forked": os.environ.get("XXGK_FORKED_KERNEL"), "pid": os.getpid(), "cwd": os.getcwd(),
          "modules": sorted(sys.modules)}
Path(os.environ["XXGK_PROBE"], Path(data_file).parent.name + ".json").write_text(json.dumps(record))
'''
FAULTS = '''import os, time
from pathlib import Path

town = Path(data_file).parent.name
if town == "t001":
    os._exit(1)
if town == "t002":
    time.sleep(60)
if town == "t003":
    raise ValueError("故意的错误")
'''


def _project(tmp_path: Path, towns: int, cells: list[str], name: str) -> Path:
    base = make_project(tmp_path / "project")
    write_district(base / "data", demo.district_data(demo.demo_towns(towns), [2025], seed=3))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('data_file = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, base / "notebooks" / f"{name}.ipynb")
    (base / "params").mkdir()
    (base / "params" / f"{name}.yaml").write_text(f"name: 测试\ntemplate: notebooks/{name}.ipynb\n", encoding="utf-8")
    return base


def _build(base: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "xxgk"), "build", *args], cwd=base, capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


def _probes(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")}


def test_reports_built_back_to_back_by_one_worker_cannot_see_each_other(tmp_path):
    base = _project(tmp_path, 3, [PROBE], "probe")
    probes = tmp_path / "probes"
    probes.mkdir()
    run = _build(base, "params/probe.yaml", "-j", "1", XXGK_PROBE=str(probes))
    assert run.returncode == 0, run.stdout + run.stderr
    found = _probes(probes)
    assert sorted(found) == ["t001", "t002", "t003"]
    assert {p["forked"] for p in found.values()} == {"1"}  # the warm start was used
    assert len({p["pid"] for p in found.values()}) == 3  # a process per report
    assert {p["cwd"] for p in found.values()} == {str(base)}  # the folder the build gives every kernel
    modules = [p["modules"] for p in found.values()]
    assert modules[0] == modules[1] == modules[2]  # each kernel began as the others did


def test_a_kernel_that_exits_hangs_or_raises_fails_its_report_only(tmp_path):
    base = _project(tmp_path, 4, [FAULTS, PROBE], "faults")
    probes = tmp_path / "probes"
    probes.mkdir()
    run = _build(base, "params/faults.yaml", "-j", "1", "--timeout", "5", XXGK_PROBE=str(probes))
    assert run.returncode == 1
    out = run.stdout
    assert "共 5 份报告：生成 2 份" in out and "失败 3 份" in out, out  # t004 and the district summary
    assert "执行超过 5 秒，已停止" in out and "故意的错误" in out
    assert "内核意外退出" in out and "DeadKernelError" not in out  # the kernel that exited, said in Chinese
    assert "Traceback" not in run.stderr
    assert sorted(_probes(probes)) == ["t004"] and _probes(probes)["t004"]["forked"] == "1"


def test_the_ordinary_launch_builds_the_same_pages_byte_for_byte(tmp_path):
    pages = {}
    for warm in ("1", "0"):
        base = make_project(tmp_path / warm)
        write_district(base / "data", demo.district_data(demo.demo_towns(2), [2024, 2025], seed=5))
        run = _build(base, "-j", "2", XXGK_WARM=warm)
        assert run.returncode == 0, run.stdout + run.stderr
        pages[warm] = {p.relative_to(base): p.read_bytes() for p in (base / "outputs").rglob("*.html")}
    assert len(pages["1"]) == 7 and pages["1"] == pages["0"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dask_workers_fork_their_kernels_too(tmp_path, monkeypatch):
    distributed = pytest.importorskip("dask.distributed")
    base = _project(tmp_path, 2, [PROBE], "probe")
    probes = tmp_path / "probes"
    probes.mkdir()
    monkeypatch.setenv("XXGK_PROBE", str(probes))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  scheduler_port=_free_port(), dashboard_address=None) as cluster:
        run = _build(base, "params/probe.yaml", "--scheduler", cluster.scheduler_address)
        assert run.returncode == 0, run.stdout + run.stderr
    assert {p["forked"] for p in _probes(probes).values()} == {"1"} and len(_probes(probes)) == 2


# Appended to every bundled template: what the kernel imported and read while it built its report.
OWN_WORK = '''import json, os, sys
from pathlib import Path

from helpers.build import warm
from helpers.intake import gather, load

added = sorted(set(sys.modules) - warm.AT_FORK)
read = sorted(str(p) for p in load._cache)
record = {"forked": bool(warm.AT_FORK), "added": added, "read": read, "names": len(gather._names)}
Path(os.environ["XXGK_PROBE"], Path(data_dir if "data_dir" in dir() else data_file).name + "-"
     + str(os.getpid()) + ".json").write_text(json.dumps(record))
'''
OURS_OR_EXPORT = ("helpers", "nbconvert", "nbformat", "jsonschema", "lark", "rfc3987_syntax", "bs4", "mistune")


def test_a_kernel_imports_nothing_of_ours_and_reads_only_its_own_organs_files(tmp_path):
    base = make_project(tmp_path / "project")
    write_district(base / "data", demo.district_data(demo.demo_towns(3), [2024, 2025], seed=7))
    shutil.copytree(ROOT / "data" / "daxin", base / "data" / "daxin")  # the legacy-2008 template too
    for template in (base / "notebooks").glob("*.ipynb"):
        nb = nbformat.read(template, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(OWN_WORK))
        nbformat.write(nb, template)
    probes = tmp_path / "probes"
    probes.mkdir()
    run = _build(base, "-j", "2", XXGK_PROBE=str(probes))
    assert run.returncode == 0, run.stdout + run.stderr
    found = [json.loads(p.read_text()) for p in probes.glob("*.json")]
    pages = list((base / "outputs").glob("*/*.html"))
    assert len(found) == len(pages) == 3 * 2 + 1 + 3  # every report of the two formats, and the three summaries
    assert all(p["forked"] for p in found)
    for probe in found:
        ours = [m for m in probe["added"] if m.split(".")[0] in OURS_OR_EXPORT]
        assert ours == [], ours  # the zygote had imported all of it
    reports = [p for p in found if p["names"] == 0]
    assert len(reports) == 3 * 2 + 1  # no report's kernel read its folder for the same-name check
    for probe in reports:
        assert probe["read"] and len({Path(p).parent for p in probe["read"]}) == 1, probe["read"]  # its own organ's
