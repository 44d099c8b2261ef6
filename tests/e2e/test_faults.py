"""Faults during a build: a killed worker, a killed or terminated build, two builds at once, a damaged
manifest, an output folder that cannot be written. Each loses no good output and says what happened in Chinese."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from helpers.intake.load import write_district
from helpers.report import demo
from tests.conftest import make_project

BIN = Path(sys.executable).parent


def project(tmp_path: Path, towns: int, years: list[int], nap: float = 0) -> Path:
    """Sample towns; with ``nap``, a template (params/naps.yaml) whose one cell sleeps that long."""
    base = make_project(tmp_path / "project")
    write_district(base / "data", demo.district_data(demo.demo_towns(towns), years, seed=8))
    (base / "params").mkdir()
    if nap:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        params = nbformat.v4.new_code_cell('data_file = ""')
        params.metadata["tags"] = ["parameters"]
        nb.cells = [params, nbformat.v4.new_code_cell(f"import time\n\ntime.sleep({nap})\nprint(data_file)")]
        nbformat.write(nb, base / "notebooks" / "naps.ipynb")
        (base / "params" / "naps.yaml").write_text("name: 慢\ntemplate: notebooks/naps.ipynb\n", encoding="utf-8")
    return base


def start(base: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "xxgk"), "build", *args], cwd=base, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def xxgk(base: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), *args], cwd=base, capture_output=True, text=True, timeout=600)


def descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pids: set[int]) -> set[int]:
    living = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.add(pid)
    return living


def workers_of(pid: int) -> list[int]:
    """The build's worker processes (spawned Python processes running multiprocessing's spawn_main)."""
    result = []
    for child in descendants(pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            parent = int(Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if "spawn_main" in cmdline and parent == pid:
            result.append(child)
    return result


def wait_for(condition, seconds: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def kernels_below(pid: int) -> set[int]:
    """The kernels below ``pid``: launched (``-m ipykernel_launcher``) or forked (named ``ipykernel``)."""
    found = set()
    for child in descendants(pid):
        try:
            proc = Path(f"/proc/{child}")
            if b"ipykernel" in (proc / "cmdline").read_bytes() or (proc / "comm").read_text().strip() == "ipykernel":
                found.add(child)
        except OSError:
            pass
    return found


def test_a_killed_worker_fails_only_its_report_and_the_rest_are_built(tmp_path):
    base = project(tmp_path, 6, [2025], nap=4)
    build = start(base, "params/naps.yaml", "-j", "2", "--quiet")
    wait_for(lambda: len(kernels_below(build.pid)) == 2)
    victim = workers_of(build.pid)[0]
    os.kill(victim, signal.SIGKILL)
    out, err = build.communicate(timeout=300)
    assert build.returncode == 1, out + err
    assert out.count("失败    ") == 1 and "构建进程意外退出（被信号 9 终止），本报告未生成" in out
    assert "共 7 份报告：生成 6 份，未变化 0 份，有警告 0 份，失败 1 份" in out
    assert "BrokenProcessPool" not in out + err and "Traceback" not in err


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_terminating_the_build_stops_every_process_and_keeps_what_was_built(tmp_path, sig, code):
    base = project(tmp_path, 6, [2025], nap=3)
    assert xxgk(base, "build", "--town", "t001").returncode == 0
    good = (base / "outputs/2025/t001.html").read_bytes()
    build = start(base, "params/naps.yaml", "-j", "2", "--quiet", "--force")
    wait_for(lambda: len(kernels_below(build.pid)) == 2)
    tree = descendants(build.pid)
    build.send_signal(sig)
    out, err = build.communicate(timeout=120)
    assert build.returncode == code, out + err
    assert "已中断：已完成的报告已保存，未完成的报告保持原样。" in out
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    wait_for(lambda: not alive(tree), seconds=15)
    assert (base / "outputs/2025/t001.html").read_bytes() == good
    assert json.loads((base / "outputs/manifest.json").read_text(encoding="utf-8"))["reports"]
    assert not list((base / "outputs").rglob("*.tmp"))


def test_killing_the_build_takes_its_workers_and_kernels_with_it(tmp_path):
    base = project(tmp_path, 4, [2025], nap=30)
    build = start(base, "params/naps.yaml", "-j", "2", "--quiet")
    wait_for(lambda: len(kernels_below(build.pid)) == 2)
    tree = descendants(build.pid)
    build.kill()
    build.wait(timeout=30)
    wait_for(lambda: not alive(tree), seconds=15)


def test_two_builds_at_once_both_land_in_the_manifest_and_the_index(tmp_path):
    base = project(tmp_path, 4, [2025], nap=2)
    first = start(base, "params/naps.yaml", "--town", "t001", "--town", "t002", "-j", "1")
    wait_for(lambda: (base / "outputs" / ".xxgk-build.lock").exists())
    second = start(base, "params/naps.yaml", "--town", "t003", "--town", "t004", "-j", "1")
    out1, _ = first.communicate(timeout=300)
    out2, _ = second.communicate(timeout=300)
    assert first.returncode == 0 and second.returncode == 0, out1 + out2
    assert "正由进程" in out2 and "等待它结束" in out2
    reports = json.loads((base / "outputs/manifest.json").read_text(encoding="utf-8"))["reports"]
    assert {"2025/t001", "2025/t002", "2025/t003", "2025/t004"} <= set(reports)
    index = (base / "outputs/index.html").read_text(encoding="utf-8")
    assert all(f"2025/t00{i}.html" in index for i in range(1, 5))


@pytest.mark.parametrize("damage", ["truncated", "[]", "null", '{"reports": {"2025/t001": 5}}'])
def test_a_damaged_manifest_is_set_aside_and_no_report_leaves_the_index(tmp_path, damage):
    base = project(tmp_path, 3, [2025])
    assert xxgk(base, "build", "-j", "2").returncode == 0
    manifest = base / "outputs/manifest.json"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text[: len(text) // 2] if damage == "truncated" else damage, encoding="utf-8")
    run = xxgk(base, "build", "--town", "t001")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "manifest.json 已损坏" in run.stdout and "已改名为 manifest.damaged-" in run.stdout
    assert "Traceback" not in run.stderr
    assert len(list((base / "outputs").glob("manifest.damaged-*.json"))) == 1
    index = (base / "outputs/index.html").read_text(encoding="utf-8")
    assert all(f"2025/{t}.html" in index for t in ("t001", "t002", "t003", "yangli-summary"))
    again = xxgk(base, "build")
    # t001 and the summary were built just now; the two listed from their pages are built anew.
    assert again.returncode == 0 and "生成 2 份，未变化 2 份" in again.stdout


def _mount(folder: Path, *options: str) -> bool:
    """A small tmpfs at ``folder`` (root only); False where this machine cannot mount."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def outputs_on_tmpfs(tmp_path):
    """A project whose outputs folder is a 3 MB tmpfs of its own."""
    base = project(tmp_path, 2, [2025])
    out = base / "outputs"
    if os.geteuid() != 0 or not _mount(out, "size=3m"):
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail("CI runs as root and must be able to mount a tmpfs for this test")
        pytest.skip("needs root to mount a tmpfs")
    yield base
    subprocess.run(["umount", str(out)], check=False)


def test_a_read_only_output_folder_is_one_chinese_line_and_keeps_every_page(outputs_on_tmpfs):
    base = outputs_on_tmpfs
    assert xxgk(base, "build").returncode == 0
    pages = {p: p.read_bytes() for p in (base / "outputs").rglob("*") if p.is_file()}
    pages.pop(base / "outputs" / ".xxgk-build.lock")
    assert subprocess.run(["mount", "-o", "remount,ro", str(base / "outputs")]).returncode == 0
    run = xxgk(base, "build", "--force")
    assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
    assert run.stderr == f"错误：输出目录 {base / 'outputs'} 不可写（文件系统只读），没有生成任何报告\n"
    assert {p: p.read_bytes() for p in pages} == pages


def test_a_full_disk_is_one_chinese_line_and_loses_no_good_page(outputs_on_tmpfs):
    base = outputs_on_tmpfs
    assert xxgk(base, "build").returncode == 0
    pages = {p: p.read_bytes() for p in (base / "outputs").rglob("*") if p.is_file()}
    filler = base / "outputs" / "filler"
    with filler.open("wb", buffering=0) as handle:  # fill the 3 MB until the disk says no (nothing left to flush)
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    run = xxgk(base, "build", "--force")
    assert run.returncode == 1 and "Traceback" not in run.stderr, run.stderr
    assert f"错误：无法保存 {base / 'outputs' / 'manifest.json'}（磁盘空间不足）" in run.stdout, run.stdout
    failed = [line for line in run.stdout.splitlines() if line.startswith("        ") and "磁盘空间不足" in line]
    assert len(failed) == 3, run.stdout  # each report: one line naming what could not be written
    lock = base / "outputs" / ".xxgk-build.lock"
    assert {p: p.read_bytes() for p in pages if p != lock} == {p: b for p, b in pages.items() if p != lock}
    assert not list((base / "outputs").rglob("*.tmp"))


def test_a_template_that_is_not_a_notebook_fails_its_reports_in_chinese(tmp_path):
    base = project(tmp_path, 1, [2025])
    (base / "notebooks" / "broken.ipynb").write_text("这不是笔记本", encoding="utf-8")
    (base / "params" / "broken.yaml").write_text("name: 坏模板\ntemplate: notebooks/broken.ipynb\n", encoding="utf-8")
    run = xxgk(base, "build", "params/broken.yaml")
    assert run.returncode == 1
    assert "broken.ipynb 不是有效的 Jupyter 笔记本" in run.stdout and "NotJSONError(" not in run.stdout


def test_a_timeout_prints_no_traceback(tmp_path):
    base = project(tmp_path, 1, [2025], nap=30)
    run = xxgk(base, "build", "params/naps.yaml", "--timeout", "2")
    assert run.returncode == 1 and "执行超过 2 秒，已停止" in run.stdout
    assert "Traceback" not in run.stderr and "KeyboardInterrupt" not in run.stderr, run.stderr
