"""Benchmark: ``xxgk check`` of a whole data folder is linear in its files.

    .venv/bin/python benchmarks/check.py [--small 200] [--large 2000] [--rounds 3]

Writes two fictional districts' data folders (each town with two years, so that the cross-year rules run, and
all towns in one district, so that the same-name check sees every other), then checks each with ``xxgk check``,
alternating small and large ``--rounds`` times under the same load. Prints the seconds per file of each (median
and spread) and their ratio; the target is a large/small ratio within 1.5.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from helpers.intake.load import write_district
from helpers.report import demo

BIN = Path(sys.executable).parent


def folder(base: Path, files: int) -> Path:
    """A project whose data folder holds ``files`` data files: files / 2 towns of one district, two years each."""
    write_district(base / "data", demo.district_data(demo.demo_towns(files // 2), [2024, 2025], seed=3))
    (base / "xxgk.toml").write_text("", encoding="utf-8")
    return base


def per_file(base: Path, files: int) -> float:
    start = time.perf_counter()
    run = subprocess.run([str(BIN / "xxgk"), "check", str(base / "data")], cwd=base, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if run.returncode not in (0, 1):
        raise SystemExit(run.stdout + run.stderr)
    return seconds / files


def spread(values: list[float]) -> str:
    return f"中位数 {statistics.median(values):.2f}（{min(values):.2f}—{max(values):.2f}，{len(values)} 次）"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=200, help="files of the small folder (default 200)")
    parser.add_argument("--large", type=int, default=2000, help="files of the large folder (default 2000)")
    parser.add_argument("--rounds", type=int, default=3, help="alternations (default 3)")
    args = parser.parse_args()
    found: dict[str, list[float]] = {"small": [], "large": [], "ratio": []}
    with tempfile.TemporaryDirectory(prefix="xxgk-check-") as name:
        small, large = folder(Path(name) / "small", args.small), folder(Path(name) / "large", args.large)
        for _ in range(args.rounds):
            found["small"].append(per_file(small, args.small) * 1000)
            found["large"].append(per_file(large, args.large) * 1000)
            found["ratio"].append(found["large"][-1] / found["small"][-1])
    print(f"机器：{platform.machine()}，{platform.python_implementation()} {platform.python_version()}，"
          f"{len(os.sched_getaffinity(0))} 核；{time.strftime('%Y-%m-%d')}")
    print(f"xxgk check 整个数据目录，交替 {args.rounds} 轮：")
    print(f"   {args.small} 个文件：每个文件 {spread(found['small'])} 毫秒")
    print(f"   {args.large} 个文件：每个文件 {spread(found['large'])} 毫秒")
    print(f"   每个文件的时间之比（大/小）：{spread(found['ratio'])}（目标 ≤ 1.5）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
