"""Benchmark: a hand-written papermill + nbconvert loop against ``xxgk build``, interleaved, then at scale.

    .venv/bin/python benchmarks/batch.py [--reports 200] [--jobs 2] [--rounds 3] [--naive 4] [--batch 40 200]
                                         [--profile 40] [--only-profile]

1. Interleaved: ``--rounds`` times, (a) the naive loop (the papermill CLI, then the nbconvert CLI, per report)
   on ``--naive`` reports, then (b) ``xxgk build -j J`` from cold on ``--batch`` other reports (one build per
   size), so that the machine's load falls on all alike. Per report: wall seconds and CPU seconds (user+sys of
   every process, kernels included); the ratio (a)/(b) per round and size, its median and spread; the mean
   number of busy cores over each build and over its report phase (the process tree's CPU sampled every 50 ms).
2. Where a report's time goes, kernel by kernel, with the warm start (``helpers.build.warm``) and without
   (``XXGK_WARM=0``), alternated: kernel start until it answers, the template's imports, the rest of the
   execution, the HTML export (medians of ``--samples``).
3. Scale: ``xxgk build -j J`` from cold on ``--reports`` reports, measured (not extrapolated), with its busy
   cores; the no-op rebuild (median of 5), the index page's size, the manifest's load and save, peak RSS per
   worker.
4. With ``--profile N``: a cold build of N reports under py-spy (``record --subprocesses``, CPU samples only):
   CPU seconds by process role (main, worker, zygote, kernel) and each role's top functions.

Targets on a 2-core machine: (a)/(b) >= 20 at 200 reports and >= 15 at 40; CPU per report <= 0.3 s; >= 1.8 busy
cores with -j 2 in the report phase; 1 000 reports from cold <= 5 minutes; no-op rebuild of 1 000 <= 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from helpers.intake.load import file_digest, write_district
from helpers.report import demo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = "notebooks/annual_report.ipynb"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measured(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of a command and every process it waited for."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, env=env)
    return time.perf_counter() - start, children_cpu() - cpu


def project(base: Path, data: dict, keys: list) -> Path:
    base.mkdir(parents=True)
    shutil.copy(ROOT / "xxgk.toml", base / "xxgk.toml")
    shutil.copytree(ROOT / "notebooks", base / "notebooks")
    write_district(base / "data", {k: data[k] for k in keys})
    return base


def spread(values: list[float]) -> str:
    return f"中位数 {statistics.median(values):.2f}（{min(values):.2f}—{max(values):.2f}，{len(values)} 次）"


def interleaved(tmp: Path, data: dict, keys: list, args: argparse.Namespace) -> dict[str, list[float]]:
    """Naive and xxgk phases alternated: each round the naive loop, then ``xxgk build`` of each batch size; per
    report wall and CPU seconds of each, the busy cores of each build, and the ratio per round and size."""
    found: dict[str, list[float]] = {"naive": [], "naive_cpu": []}
    cursor = 0
    for round_ in range(args.rounds):
        naive_keys = keys[cursor:cursor + args.naive]
        cursor += args.naive
        base = project(tmp / f"naive-{round_}", data, naive_keys)
        wall = cpu = 0.0
        for path in sorted((base / "data").glob("*/*.yaml")):
            out = base / f"{path.parent.name}-{path.stem}.ipynb"
            w, c = measured([str(BIN / "papermill"), TEMPLATE, str(out), "-p", "data_file", str(path)], base)
            w2, c2 = measured([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], base)
            wall, cpu = wall + w + w2, cpu + c + c2
        found["naive"].append(wall / len(naive_keys))
        found["naive_cpu"].append(cpu / len(naive_keys))
        for size in args.batch:
            batch_keys = keys[cursor:cursor + size]
            cursor += size
            build = busy_build(project(tmp / f"xxgk-{size}-{round_}", data, batch_keys), args.jobs)
            for key, value in (("wall", build["wall"] / size), ("cpu", build["cpu"] / size),
                               ("busy", build["busy"]), ("phase_busy", build["phase_busy"]),
                               ("startup", build["startup"]), ("ratio", found["naive"][-1] / (build["wall"] / size))):
                found.setdefault(f"{key}-{size}", []).append(value)
    return found


async def _stages(path: Path, cwd: Path) -> dict[str, float]:
    """One report executed stage by stage in a kernel of ours (warm or not, as the environment says)."""
    import nbformat
    from nbclient import NotebookClient

    from helpers.build.execute import IPCKernelManager
    from helpers.output.render import export_html

    nb = nbformat.read(str(cwd / TEMPLATE), as_version=4)
    source = nb.cells[2].source  # the template's imports and open_report
    nb.cells[1].source = f'data_file = "{path}"\nchecked = "{file_digest(path)}"'  # as a build passes them
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=IPCKernelManager, resources={
        "metadata": {"path": str(cwd)}}, timeout=120)
    times: dict[str, float] = {}
    start = time.perf_counter()
    async with client.async_setup_kernel(cwd=str(cwd)):
        times["kernel start"] = time.perf_counter() - start
        begin = time.perf_counter()
        imports = source.split("\n\n")[0]
        nb.cells[2].source = imports
        await client.async_execute_cell(nb.cells[1], 1)
        await client.async_execute_cell(nb.cells[2], 2)
        times["imports"] = time.perf_counter() - begin
        nb.cells[2].source = source
        begin = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            if index >= 2:
                await client.async_execute_cell(cell, index)
        times["execution"] = time.perf_counter() - begin
    begin = time.perf_counter()
    export_html(nb)
    times["export"] = time.perf_counter() - begin
    return times


def stages(base: Path, samples: int) -> dict[str, dict[str, list[float]]]:
    """The split of a report's time, warm and cold alternated."""
    path = sorted((base / "data").glob("*/*.yaml"))[-1]
    found: dict[str, dict[str, list[float]]] = {"1": {}, "0": {}}
    for warm in ("1", "0"):  # not counted: the zygote's own start (once per worker) and first imports
        os.environ["XXGK_WARM"] = warm
        asyncio.run(_stages(path, base))
    for _ in range(samples):
        for warm in ("1", "0"):
            os.environ["XXGK_WARM"] = warm
            for stage, seconds in asyncio.run(_stages(path, base)).items():
                found[warm].setdefault(stage, []).append(seconds)
    os.environ.pop("XXGK_WARM", None)
    from helpers.build.warm import stop

    stop()
    return found


def busy_build(base: Path, jobs: int) -> dict[str, float]:
    """A cold ``xxgk build -j J`` of ``base`` watched as it runs: its wall and CPU seconds (every process of the
    build, kernels included), and the mean number of busy cores, over the whole build and over its report phase
    (from the start of the first report, as the first result line dates it, to the last result line)."""
    import threading

    import psutil

    cpu_before, start = children_cpu(), time.perf_counter()
    process = subprocess.Popen([str(BIN / "xxgk"), "build", "-j", str(jobs)], cwd=base, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    root = psutil.Process(process.pid)
    samples: list[tuple[float, float]] = []

    def tree_cpu() -> float:
        """Every live process of the build, with what it has waited for (a kernel, once its worker has reaped it,
        counts in the worker's children's times)."""
        total = 0.0
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.Error:
            return samples[-1][1] if samples else 0.0
        for member in members:
            try:
                t = member.cpu_times()
            except psutil.Error:
                continue
            total += t.user + t.system + t.children_user + t.children_system
        return total

    def sample() -> None:
        while process.poll() is None:
            samples.append((time.perf_counter() - start, tree_cpu()))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    results: list[tuple[float, float]] = []  # (when the line came, the seconds it says the report took)
    for line in process.stdout or []:
        if line.startswith("已生成"):
            results.append((time.perf_counter() - start, float(line.rsplit("秒", 1)[0].split()[-1])))
    process.wait()
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu_before
    sampler.join()
    first = max(0.0, results[0][0] - results[0][1]) if results else 0.0
    last = results[-1][0] if results else wall

    def at(moment: float) -> float:
        before = [c for t, c in samples if t <= moment]
        return before[-1] if before else 0.0

    phase = max(last - first, 1e-9)
    return {"wall": wall, "cpu": cpu, "busy": cpu / wall, "phase": phase, "startup": first,
            "phase_busy": (at(last) - at(first)) / phase, "reports": len(results)}


IDLE = ("select (selectors.py", "poll (selectors.py", "_watch_pipe_fd", "device (zmq", "Condition.wait",
        "Event.wait", "wait (multiprocessing/connection.py", "wait (threading.py", "sleep")
# Frames every sample of a role passes through (the process's or a cell's scaffolding): left out of the tops.
GENERIC = ("<frozen", "asyncio/", "tornado/", "threading.py", "multiprocessing/", "runpy", "<module> (<string>",
           "spawn_main", "traitlets/config/application.py", "ipykernel/kernelapp.py", "ipykernel/kernelbase.py",
           "ipykernel/ipkernel.py", "ipykernel/zmqshell.py", "IPython/core/interactiveshell.py",
           "IPython/core/async_helpers.py", "importlib/__init__.py", "_run_module_as_main", "_serve (helpers/build",
           "_loop (helpers/build", "_become_kernel", "<module> (helpers/build/warm.py)", "main (xxgk",
           "<module> (xxgk)", "build_one (helpers", "_build (helpers/build", "jupyter_core/utils",
           "papermill/engines.py", "papermill/clientwrap.py")


def profile(base: Path, jobs: int, rate: int = 100, top: int = 12) -> str:
    """A cold ``xxgk build -j J`` of ``base`` under py-spy (``record --subprocesses``, CPU samples only): CPU
    seconds by process role (main, worker, zygote, kernel) and each role's top functions, inclusive."""
    import collections
    import re

    raw = base / "profile.txt"
    subprocess.run([str(BIN / "py-spy"), "record", "--subprocesses", "-f", "raw", "-r", str(rate), "-o", str(raw),
                    "--", str(BIN / "xxgk"), "build", "-j", str(jobs), "--quiet"], cwd=base, check=True,
                   capture_output=True)
    stacks: list[tuple[str, list[str], int]] = []
    kernels: set[str] = set()
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        processes = [f for f in frames if f.startswith("process ")]
        code = [re.sub(r":\d+\)", ")", f) for f in frames if not f.startswith("process ")]
        if not code or not count.isdigit() or any(k in code[-1] for k in IDLE):
            continue
        pid = processes[-1].split(":")[0] if processes else "?"
        if any("_become_kernel" in f for f in code):
            kernels.add(pid)
        stacks.append((processes[-1] if processes else "", code, int(count)))
    roles: collections.Counter[str] = collections.Counter()
    functions: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for process, code, count in stacks:
        pid = process.split(":")[0]
        if "helpers.build.warm" in process:
            role = "kernel" if pid in kernels else "zygote"
        elif "spawn_main" in process:
            role = "worker"
        else:
            role = "main"
        roles[role] += count
        for name in dict.fromkeys(code):
            if not any(g in name for g in GENERIC):
                functions[role][name] += count
    lines = [f"   py-spy {rate} 次/秒，{raw.stat().st_size // 1024} KB 样本；CPU 秒数（不含等待）："
             + "，".join(f"{role} {roles[role] / rate:.1f}" for role in ("main", "worker", "zygote", "kernel"))]
    for role in ("worker", "kernel", "zygote", "main"):
        lines.append(f"   {role} 中占用最多的函数（含其调用的函数，秒）：")
        lines += [f"     {n / rate:6.2f}  {name}" for name, n in functions[role].most_common(top)]
    return "\n".join(lines)


def manifest_times(outputs: Path) -> tuple[float, float]:
    """Seconds to load the manifest of ``outputs``, and to save it."""
    from helpers.build.batch import Manifest

    start = time.perf_counter()
    manifest = Manifest(outputs)
    loaded = time.perf_counter()
    manifest.save()
    return loaded - start, time.perf_counter() - loaded


def scale(base: Path, jobs: int) -> dict[str, Any]:
    """A cold build of every report of ``base``, then the no-op rebuild, the index and the manifest."""
    found: dict[str, Any] = {}
    cold = busy_build(base, jobs)
    found.update(cold=cold["wall"], cold_cpu=cold["cpu"], busy=cold["busy"], phase_busy=cold["phase_busy"])
    found["noops"] = [measured([str(BIN / "xxgk"), "build", "--quiet"], base)[0] for _ in range(5)]
    found["noop"] = statistics.median(found["noops"])
    outputs = base / "outputs"
    found["index_kb"] = (outputs / "index.html").stat().st_size / 1024
    manifest_path = outputs / "manifest.json"
    entries = json.loads(manifest_path.read_text(encoding="utf-8"))["reports"]
    found["rss"] = max(entry.get("worker_rss_mb", 0.0) for entry in entries.values())
    found["reports"] = sum(1 for entry in entries.values() if not entry.get("district"))
    found["manifest_kb"] = manifest_path.stat().st_size / 1024
    found["manifest_load"], found["manifest_save"] = manifest_times(outputs)
    # 10 000 reports: the manifest made of this run's entries again and again, loaded and saved.
    big = outputs.parent / "ten-thousand"
    big.mkdir()
    cycle = itertools.cycle(entries.items())
    many = {f"{key.split('/')[0]}/t{i:05d}": entry for i, (key, entry) in zip(range(10_000), cycle, strict=False)}
    (big / manifest_path.name).write_text(json.dumps({"reports": many}, ensure_ascii=False), encoding="utf-8")
    found["manifest_load_10k"], found["manifest_save_10k"] = manifest_times(big)
    found["manifest_kb_10k"] = (big / manifest_path.name).stat().st_size / 1024
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200, help="reports of the scale run (default 200)")
    parser.add_argument("--jobs", type=int, default=2, help="xxgk build -j (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--naive", type=int, default=4, help="naive-loop reports per round (default 4)")
    parser.add_argument("--batch", type=int, nargs="+", default=[40, 200],
                        help="xxgk build reports per round, one build per size (default 40 200)")
    parser.add_argument("--samples", type=int, default=5, help="kernels per stage split (default 5)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="also profile a cold build of N reports with py-spy: CPU by process role, top functions")
    parser.add_argument("--only-profile", action="store_true", help="the profile alone (with --profile N)")
    args = parser.parse_args()

    needed = args.rounds * (args.naive + sum(args.batch))
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as name:
        tmp = Path(name)
        towns = demo.demo_towns((max(needed, args.reports, args.profile) + 1) // 2)
        data = demo.district_data(towns, [2024, 2025], seed=42)
        keys = sorted(data, key=lambda k: (k[1], k[0]))  # each town's 2024 before any 2025: history to read
        mixed = keys[len(keys) // 2:] + keys[: len(keys) // 2]
        found = profile(project(tmp / "profile", data, keys[: args.profile]), args.jobs) if args.profile else ""
        if args.only_profile:
            print(f"{args.profile} 份报告的冷启动构建（xxgk build -j {args.jobs}）：\n{found}")
            return 0
        rounds = interleaved(tmp, data, mixed, args)
        split = stages(project(tmp / "stages", data, keys[:2]), args.samples)
        big = scale(project(tmp / "scale", data, keys[: args.reports]), args.jobs)

    print(f"机器：{platform.machine()}，{platform.python_implementation()} {platform.python_version()}，"
          f"{len(os.sched_getaffinity(0))} 核；{time.strftime('%Y-%m-%d')}")
    sizes = "、".join(str(n) for n in args.batch)
    print(f"1. 交替测量 {args.rounds} 轮（每轮先逐份 {args.naive} 份，"
          f"再 xxgk build -j {args.jobs} 冷启动 {sizes} 份）：")
    print(f"   (a) 逐份 papermill + nbconvert 命令：每份 {spread(rounds['naive'])} 秒，"
          f"{60 / statistics.median(rounds['naive']):.1f} 份/分钟；CPU 每份 {spread(rounds['naive_cpu'])} 秒")
    for size in args.batch:
        wall, cpu = rounds[f"wall-{size}"], rounds[f"cpu-{size}"]
        print(f"   (b) xxgk build {size} 份：每份 {spread(wall)} 秒，{60 / statistics.median(wall):.1f} 份/分钟；"
              f"CPU 每份 {spread(cpu)} 秒")
        print(f"       忙碌的核数：整个构建 {spread(rounds[f'busy-{size}'])}，"
              f"报告阶段 {spread(rounds[f'phase_busy-{size}'])}；"
              f"第一份报告开始前 {spread(rounds[f'startup-{size}'])} 秒")
        print(f"       (a)/(b)：{spread(rounds[f'ratio-{size}'])}")
    print(f"2. 一份报告的时间（秒，{args.samples} 次中位数）：阶段 | 预热（fork） | 普通启动")
    for stage in split["1"]:
        print(f"   {stage} | {statistics.median(split['1'][stage]):.3f} | {statistics.median(split['0'][stage]):.3f}")
    reports = int(big["reports"])
    per_minute = reports / big["cold"] * 60
    print(f"3. 规模：{reports} 份（另含区汇总）xxgk build -j {args.jobs} 冷启动 {big['cold']:.1f} 秒，"
          f"{per_minute:.1f} 份/分钟；CPU 每份 {big['cold_cpu'] / reports:.2f} 秒；"
          f"忙碌的核数：整个构建 {big['busy']:.2f}，报告阶段 {big['phase_busy']:.2f}")
    print(f"   无变化时再次生成：中位数 {big['noop']:.2f} 秒（5 次，{min(big['noops']):.2f}—{max(big['noops']):.2f}）；"
          f"索引页 {big['index_kb']:.0f} KB；清单 {big['manifest_kb']:.0f} KB，"
          f"读取 {big['manifest_load'] * 1000:.0f} 毫秒，保存 {big['manifest_save'] * 1000:.0f} 毫秒")
    print(f"   每个工作进程的峰值内存：{big['rss']:.0f} MB")
    print(f"   10 000 份的清单（由本次的条目重复而成）：{big['manifest_kb_10k'] / 1024:.1f} MB，"
          f"读取 {big['manifest_load_10k'] * 1000:.0f} 毫秒，保存 {big['manifest_save_10k'] * 1000:.0f} 毫秒；"
          f"索引页按每份 {big['index_kb'] * 1024 / reports:.0f} 字节约 {big['index_kb'] / reports * 10:.1f} MB")
    if found:
        print(f"4. 剖析：{args.profile} 份报告的冷启动构建（xxgk build -j {args.jobs}）：\n{found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
