"""The ``xxgk`` command: thin over the stages, every word it prints in Chinese."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .batch import build_all, find_jobs
from .checks import check_file, errors, warnings
from .demo import SAMPLE_TOWNS, demo_towns, district_data, write_district
from .errors import DataFileError


def _build(args: argparse.Namespace) -> int:
    jobs = find_jobs(args.data, args.out)
    if not jobs:
        print(f"在 {args.data} 下没有找到数据文件（应为 {args.data}/<镇街代码>/<年份>.yaml）。")
        return 1
    results = build_all(jobs, args.notebooks, timeout=args.timeout)
    for r in results:
        name = f"{r.job.year}/{r.job.town}"
        if r.ok:
            note = f"，{len(r.warnings)} 条警告" if r.warnings else ""
            print(f"已生成  {name}  {r.seconds:.1f} 秒{note}  → {r.job.html}")
        else:
            print(f"失败    {name}  {r.seconds:.1f} 秒\n        " + r.message.replace("\n", "\n        "))
        for w in r.warnings:
            print(f"        {w}")
    failed = sum(not r.ok for r in results)
    warned = sum(bool(r.warnings) and r.ok for r in results)
    print(f"共 {len(results)} 份报告：生成 {len(results) - failed} 份（其中有警告 {warned} 份），失败 {failed} 份。")
    return 1 if failed else 0


def _data_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files += sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    return files


def _check(args: argparse.Namespace) -> int:
    files = _data_files(args.paths)
    if not files:
        print("没有找到要检查的数据文件。")
        return 1
    failed = 0
    for path in files:
        try:
            _, found = check_file(path)
        except DataFileError as exc:
            found = exc.problems
        bad, warned = errors(found), warnings(found)
        if bad:
            status = f"{len(bad)} 个错误" + (f"，{len(warned)} 条警告" if warned else "")
        elif warned:
            status = f"{len(warned)} 条警告"
        else:
            status = "通过"
        print(f"{path}：{status}")
        for problem in found:
            print(f"    {problem}")
        failed += bool(bad) or (args.strict and bool(warned))
    print(f"共检查 {len(files)} 个文件，{failed} 个未通过。")
    return 1 if failed else 0


def _years(text: str) -> list[int]:
    years: list[int] = []
    for part in text.replace(",", " ").split():
        first, _, last = part.partition("-")
        years += list(range(int(first), int(last or first) + 1))
    return years


def _demo_data(args: argparse.Namespace) -> int:
    towns = list(SAMPLE_TOWNS) if args.sample else demo_towns(args.towns)
    try:
        years = _years(" ".join(args.years))
    except ValueError:
        print(f"无法识别的年份：{' '.join(args.years)}（示例：2020 2023-2025）")
        return 2
    data = district_data(towns, years, seed=args.seed, stated_totals=args.stated_totals)
    paths = write_district(args.out, data)
    print(f"已在 {args.out} 写入 {len(towns)} 个镇街、{len(years)} 个年度，共 {len(paths)} 个数据文件。")
    return 0


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

    check = sub.add_parser("check", help="只检查数据文件，不生成报告", description="检查数据文件的格式与勾稽关系")
    check.add_argument("paths", nargs="*", type=Path, default=[Path("data")], metavar="路径", help="文件或目录")
    check.add_argument("--strict", action="store_true", help="有警告也视为未通过")
    check.set_defaults(run=_check)

    demo = sub.add_parser("demo-data", help="生成符合全部规则的虚构数据", description="生成虚构的演示数据")
    demo.add_argument("--towns", type=int, default=12, help="镇街个数（默认 12）")
    demo.add_argument("--years", nargs="+", default=["2020", "2023-2025"], help="年份，如 2020 2023-2025")
    demo.add_argument("--out", type=Path, required=True, help="输出目录")
    demo.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")
    demo.add_argument("--sample", action="store_true", help="使用样例区的 12 个镇街")
    demo.add_argument("--stated-totals", action="store_true", help="同时写出各行总计（如同照抄已发布的报告）")
    demo.set_defaults(run=_demo_data)
    return top


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``xxgk`` console script."""
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
