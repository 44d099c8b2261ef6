"""Benchmark: what the charts cost a report, against the report's whole build, measured alternately.

    .venv/bin/python benchmarks/charts.py [--rounds 7]

Copies one sample town (four years, so its report has the trend plots) into a temporary project, then, round
after round, (a) imports the chart module in a fresh Python and draws that town's trend plots and one district
bar chart (its tables already computed, as in the kernel), and (b) rebuilds that town's 2025 report with
``xxgk build --force`` and reads the report's own build seconds from the manifest. Prints the medians and
spreads of both and their ratio; the issue's budget is under 20 %.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DRAW = """
import sys, time
from pathlib import Path
from helpers.report import tables  # pandas: the kernel has it for the tables anyway
from helpers.intake.load import load_report
reports = sorted((load_report(p) for p in Path(sys.argv[1]).glob("*.yaml")), key=lambda r: r.year)
frame = tables.trend(reports)
start = time.perf_counter()
from helpers.output.charts import bar_chart, line_chart
line_chart([r.year for r in reports], {c: list(frame[c]) for c in frame.columns}, desc="说明")
bar_chart(["东城街道", "西城街道", "南湖街道", "北关街道"], [115, 20, None, 3], title="各镇街收到申请", desc="说明")
print(time.perf_counter() - start)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    charts, builds = [], []
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-charts-") as tmp:
        project = Path(tmp)
        shutil.copy(ROOT / "xxgk.toml", project / "xxgk.toml")
        shutil.copytree(ROOT / "notebooks", project / "notebooks")
        shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
        for _ in range(args.rounds):
            run = subprocess.run([sys.executable, "-c", DRAW, str(project / "data" / "nanhu")], check=True,
                                 capture_output=True, text=True)
            charts.append(float(run.stdout))
            subprocess.run([str(BIN / "xxgk"), "build", "--force", "--town", "nanhu", "--year", "2025", "--quiet",
                            "-j", "1"], cwd=project, check=True, capture_output=True)
            manifest = json.loads((project / "outputs" / "manifest.json").read_text(encoding="utf-8"))
            builds.append(manifest["reports"]["2025/nanhu"]["seconds"])  # the report's own build, as recorded
    chart, build = statistics.median(charts), statistics.median(builds)
    print(f"机器：{platform.node()}，{os.cpu_count()} 核，Python {platform.python_version()}，{args.rounds} 轮交替测量")
    print(f"图表（新进程中导入图表模块、画一份趋势图和一张条形图）：中位数 {chart * 1000:.1f} 毫秒"
          f"（{min(charts) * 1000:.1f}—{max(charts) * 1000:.1f}）")
    print(f"生成这份报告（清单记录的单份用时）：中位数 {build:.2f} 秒（{min(builds):.2f}—{max(builds):.2f}）")
    print(f"图表占一份报告生成时间的 {chart / build:.1%}（目标 < 20%）")


if __name__ == "__main__":
    main()
