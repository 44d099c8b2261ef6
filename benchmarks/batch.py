"""Benchmark: a hand-written papermill + nbconvert loop against ``xxgk build``, in one run.

    .venv/bin/python benchmarks/batch.py [--reports 60] [--jobs 2]

Generates N town-years of synthetic data in a temporary folder, then measures
(a) the naive loop: for each report the papermill CLI, then the nbconvert CLI;
(b) ``xxgk build -j 2`` from cold; (c) the same build again with nothing changed.
Prints wall seconds, the ratio (a)/(b), reports per minute, peak RSS per worker
and mean HTML size. Targets on a 2-core machine: (a)/(b) >= 4, (c) <= 1 s,
RSS per worker <= 300 MB, mean HTML <= 150 KB.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers import demo

ROOT = Path(__file__).resolve().parent.parent

BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=60, help="town-years to build (default 60)")
    parser.add_argument("--jobs", type=int, default=2, help="xxgk build -j (default 2)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="xxgk-bench-") as tmp:
        base = Path(tmp)
        towns = demo.demo_towns((args.reports + 1) // 2)
        data = demo.district_data(towns, [2024, 2025], seed=42)
        keep = dict(list(sorted(data.items(), key=lambda kv: (kv[0][1], kv[0][0])))[: args.reports])
        paths = demo.write_district(base / "data", keep)
        shutil.copytree(ROOT / "notebooks", base / "notebooks")

        naive_out = base / "naive"
        naive_out.mkdir()
        naive = 0.0
        for path in paths:
            out = naive_out / f"{path.parent.name}-{path.stem}.ipynb"
            naive += timed(
                [str(BIN / "papermill"), "notebooks/annual_report.ipynb", str(out), "-p", "data_file", str(path)],
                base,
            )
            naive += timed([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(out)], base)

        cold = timed([str(BIN / "xxgk"), "build", "-j", str(args.jobs), "--quiet"], base)
        warm = [timed([str(BIN / "xxgk"), "build", "--quiet"], base) for _ in range(5)]

        manifest = json.loads((base / "outputs" / "manifest.json").read_text(encoding="utf-8"))["reports"]
        rss = max(entry.get("worker_rss_mb", 0.0) for entry in manifest.values())
        sizes = [p.stat().st_size for p in (base / "outputs").glob("*/*.html")]
        per_report = statistics.median(e["seconds"] for e in manifest.values() if not e.get("district"))

    n = len(paths)
    print(
        f"机器：{platform.machine()}，{platform.python_implementation()} {platform.python_version()}，"
        f"{len(os.sched_getaffinity(0))} 核"
    )
    print(f"报告数：{n}")
    print(f"(a) 逐份 papermill + nbconvert 命令：{naive:.1f} 秒（{n / naive * 60:.1f} 份/分钟）")
    print(
        f"(b) xxgk build -j {args.jobs}（冷启动）：{cold:.1f} 秒"
        f"（{n / cold * 60:.1f} 份/分钟，单份中位数 {per_report:.2f} 秒）"
    )
    print(f"(c) 再次 xxgk build（无变化）：中位数 {statistics.median(warm):.2f} 秒（5 次）")
    print(f"(a)/(b) = {naive / cold:.2f}（目标 ≥ 4）")
    print(f"每个工作进程的峰值内存：{rss:.0f} MB（目标 ≤ 300 MB）")
    print(f"HTML 平均大小：{statistics.mean(sizes) / 1024:.1f} KB（目标 ≤ 150 KB）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
