"""The ``xxgk`` command: thin over the stages, every word it prints in Chinese."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .batch import build_all, find_jobs


def _build(args: argparse.Namespace) -> int:
    jobs = find_jobs(args.data, args.out)
    if not jobs:
        print(f"在 {args.data} 下没有找到数据文件（应为 {args.data}/<镇街代码>/<年份>.yaml）。")
        return 1
    results = build_all(jobs, args.notebooks, timeout=args.timeout)
    for r in results:
        name = f"{r.job.year}/{r.job.town}"
        if r.ok:
            print(f"已生成  {name}  {r.seconds:.1f} 秒  → {r.job.html}")
        else:
            print(f"失败    {name}  {r.seconds:.1f} 秒\n        {r.message}")
    failed = sum(not r.ok for r in results)
    print(f"共 {len(results)} 份报告：生成 {len(results) - failed} 份，失败 {failed} 份。")
    return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    """The command line: ``xxgk build``."""
    top = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告工作簿")
    sub = top.add_subparsers(dest="command", required=True, metavar="命令")
    build = sub.add_parser("build", help="生成 data/ 下每个数据文件的报告", description="生成报告")
    build.add_argument("--data", type=Path, default=Path("data"), help="数据目录（默认 data）")
    build.add_argument("--out", type=Path, default=Path("outputs"), help="输出目录（默认 outputs）")
    build.add_argument("--notebooks", type=Path, default=Path("notebooks"), help="模板目录（默认 notebooks）")
    build.add_argument("--timeout", type=int, default=120, help="每个单元格的最长执行秒数（默认 120）")
    build.set_defaults(run=_build)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``xxgk`` console script."""
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
