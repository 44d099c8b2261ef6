"""The ``xxgk`` command: thin over the stages, every word it prints in Chinese."""

from __future__ import annotations

import argparse
import datetime
import os
import re
import signal
import sys
from concurrent.futures import Executor
from dataclasses import replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from helpers.atomic import write_new
from helpers.build.batch import (
    BuildLock,
    Job,
    Manifest,
    Result,
    default_workers,
    find_jobs,
    load_batch,
    local_executor,
    prime,
    run,
)
from helpers.build.package import write_package
from helpers.errors import DataFileError, Problem, ProjectError, XxgkError, os_reason
from helpers.intake import parsed
from helpers.intake.audit import read_sheet, submissions
from helpers.intake.gather import check_file, unchanging
from helpers.intake.importer import ImportResult, import_file, importable
from helpers.intake.load import display_path, load_report, town_slug, unparsed, write_district
from helpers.intake.newyear import latest_before, new_year_text
from helpers.intake.roster import expected
from helpers.output.audit import audit_district, points
from helpers.output.index import office_of, write_index
from helpers.project import (
    MARKER,
    NO_DISTRICT,
    Project,
    data_files_under,
    strays,
    unprintable,
    visible,
    year_files,
    year_files_of_town,
)
from helpers.report import formats
from helpers.report.checks import errors, warnings
from helpers.report.demo import SAMPLE_TOWNS, demo_towns, district_data
from helpers.report.model import SLUG, SLUG_RULE, Report
from helpers.report.placeholders import misspelt, misspelt_in_template, namespace
from helpers.report.review import CONFIRMED, DISMISSED, Decision, Sheet
from helpers.report.values import ValueProblem, check_value, dotted


def _project(args: argparse.Namespace) -> Project:
    """The project: ``--project DIR``, else the one holding the working folder; folder options override."""
    folders = {key: getattr(args, key, None) for key in ("data", "notebooks", "outputs")}
    if args.project:
        return Project.at(args.project, **folders)
    return Project.find(Path.cwd(), **folders)


SCHEDULER_TIMEOUT = 10  # seconds to reach a Dask scheduler before saying it cannot be reached


def max_workers() -> int:
    """The most worker processes a build starts: twice the cores (each also has a zygote and a kernel)."""
    return 2 * default_workers()


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为“{text}”") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实际为 {value}")
    return value


def _seconds(text: str) -> int:
    value = _count(text)
    if value > 86_400:
        raise argparse.ArgumentTypeError(f"应为不超过 86400 秒（一天）的秒数，实际为 {value}")
    return value


def _day(text: str) -> datetime.date:
    """A day given on the command line, as YYYY-MM-DD (or 2027年2月3日)."""
    try:
        day = datetime.date.fromisoformat(check_value(text, "date"))
    except (ValueProblem, ValueError):
        raise argparse.ArgumentTypeError(f"应为日期，如 2027-02-03，实际为“{text}”") from None
    earliest, latest = formats.years()
    if not earliest <= day.year <= latest + 1:
        raise argparse.ArgumentTypeError(f"应为 {earliest}—{latest + 1} 年之间的日期，实际为 {day}")
    return day


def _report_year(text: str) -> int:
    """A report year, between the oldest registered format's first year and next year."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为年度，如 2026，实际为“{text}”") from None
    earliest, latest = formats.years()
    if not earliest <= value <= latest:
        raise argparse.ArgumentTypeError(f"应为 {earliest}—{latest} 年之间的年度，实际为 {value}")
    return value


def _data_dir(args: argparse.Namespace) -> Path:
    """The data folder: ``--data`` as given, else the project's."""
    return Path(args.data) if args.data else _project(args).data


def _build(args: argparse.Namespace) -> int:
    project = _project(args)
    template, years, towns = None, list(args.year), list(args.town)
    if args.params:
        try:
            batch = load_batch(args.params, project.root)
        except DataFileError as exc:
            print("批量定义文件有错误：\n    " + str(exc).replace("\n", "\n    "))
            return 2
        years, towns = years or batch.years, towns or batch.towns
        template = project.root / batch.template if batch.template else None
        if batch.output and not args.outputs:
            project = replace(project, outputs=(project.root / batch.output).resolve())
    towns = [t if SLUG.match(t) else _town(project.data, t) for t in towns]  # 南湖街道 as well as nanhu
    os.environ.setdefault(parsed.FOLDER, str(project.parsed))  # for this process, its workers and their kernels
    executor = None if args.scheduler else _executor(args)  # its workers start with the first task given them
    try:
        if executor is not None:  # files never parsed: parsed by the workers, in parallel, before the build reads them
            prime(unparsed(f.path for f in project.year_files() if not years or f.year in years), executor)
        jobs = find_jobs(project, years=years, towns=towns, template=template, timeout=args.timeout, pdf=args.pdf,
                         docx=args.docx)
    except KeyboardInterrupt:
        if executor is not None:
            _stop(executor)
        print("已中断：没有生成任何报告。")
        return 130
    if not jobs:
        if executor is not None:
            executor.shutdown()
        print(f"在 {project.data} 下没有找到符合条件的数据文件（应为 {project.data}/<镇街代码>/<年份>.yaml）。")
        return 1
    for line in strays(project.data):
        print(line)
    out = project.outputs
    with BuildLock(out, on_wait=lambda holder: print(f"{out} 正由{holder}生成，等待它结束……", flush=True)):
        return _build_locked(args, jobs, project, executor or _executor(args))


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise Terminated()


def _build_locked(args: argparse.Namespace, jobs: list[Job], project: Project, executor: Executor) -> int:
    out = project.outputs
    manifest = Manifest(out)
    for note in manifest.notes:
        print(note)
    bar = tqdm(
        total=len(jobs),
        desc="生成报告",
        unit="份",
        file=sys.stdout,
        leave=False,
        disable=args.quiet or not sys.stdout.isatty(),
    )

    def report(result: Result) -> None:
        bar.update(1)
        if result.status == "unchanged":
            return
        label = f"{result.key}（{result.name}）"
        if result.ok:
            note = f"，{len(result.warnings)} 条警告" if result.warnings else ""
            bar.write(f"已生成  {label}  {result.seconds:.1f} 秒{note}")
        else:
            bar.write(
                f"失败    {label}  {result.seconds:.1f} 秒\n        " + result.message.replace("\n", "\n        ")
            )
        for warning in result.warnings:
            bar.write(f"        {warning}")

    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        results = run(jobs, executor, manifest, force=args.force, on_result=report)
    except KeyboardInterrupt as stop:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        _stop(executor)
        bar.close()
        _save(manifest, project, args.as_of)
        print("已中断：已完成的报告已保存，未完成的报告保持原样。")
        return 143 if isinstance(stop, Terminated) else 130
    except XxgkError as exc:
        _stop(executor)
        bar.close()
        print(f"错误：{exc}")
        _save(manifest, project, args.as_of)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    executor.shutdown()
    bar.close()
    index = _save(manifest, project, args.as_of)
    counts = {s: sum(r.status == s for r in results) for s in ("built", "unchanged", "failed")}
    warned = sum(bool(r.warnings) for r in results if r.ok)
    print(
        f"共 {len(results)} 份报告：生成 {counts['built']} 份，未变化 {counts['unchanged']} 份，"
        f"有警告 {warned} 份，失败 {counts['failed']} 份。索引：{index}"
    )
    return 1 if counts["failed"] else 0


def _save(manifest: Manifest, project: Project, as_of: datetime.date | None) -> Path:
    """Save the manifest and write the index; an OS error is one Chinese line, and the index is still written."""
    out = project.outputs
    try:
        manifest.save()
    except XxgkError as exc:
        print(f"错误：{exc}")
    try:
        office = office_of(project, as_of)
    except XxgkError as exc:
        print(f"错误：{exc}；索引页只列出已有报告")
        office = None
    try:
        return write_index(manifest.reports, out, office)
    except OSError as exc:
        print(f"错误：无法写入索引页 {out / 'index.html'}（{os_reason(exc)}）")
        return out / "index.html"


def _stop(executor: Executor) -> None:
    """Cancel what has not started and stop the workers (each stops its own kernel, as on Ctrl-C)."""
    try:
        executor.shutdown(wait=False, cancel_futures=True)
    except TypeError:  # executors without cancel_futures, such as Dask's
        executor.shutdown(wait=False)


def _executor(args: argparse.Namespace) -> Executor:
    """Worker processes here, or the executor of an existing Dask cluster with ``--scheduler``."""
    if args.scheduler:
        try:
            from dask.distributed import Client
        except ImportError:
            raise SystemExit("使用 --scheduler 需要安装 Dask：pip install 'xxgk-workbook[dask]'") from None
        if not re.match(r"^(tcp|tls|inproc|ucx|ws|wss)://[^\s/]+$", args.scheduler):
            raise SystemExit(f"调度器地址“{args.scheduler[:60]}”无效，应为 tcp://主机:端口")
        try:
            return Client(args.scheduler, timeout=SCHEDULER_TIMEOUT).get_executor()
        except (OSError, TimeoutError, ValueError) as exc:
            raise SystemExit(f"无法连接 Dask 调度器 {args.scheduler}（{SCHEDULER_TIMEOUT} 秒内没有回应："
                             f"{type(exc).__name__}）") from None
    workers = args.jobs or default_workers()
    if workers > max_workers():
        print(f"并行数 {workers} 超过上限 {max_workers()}（CPU 核数的两倍），按 {max_workers()} 个进程生成。")
        workers = max_workers()
    return local_executor(workers)


def _check(args: argparse.Namespace) -> int:
    project = _project_or_none(args)
    paths = args.paths or [_project(args).data]
    files = [file for path in paths for file in data_files_under(path)]
    for path in paths:
        for line in strays(path) if path.is_dir() else []:
            print(line)
    if not files:
        print("没有找到要检查的数据文件。")
        return 1
    if args.names:
        return _names(files, project)
    read: dict[Path, Any] = {}
    failed, templates = 0, {}
    with unchanging():  # one reading of each year's names for the whole folder: linear in its files
        for path in files:
            try:
                report, found = check_file(path)
                template_file, template = _template_of(report, project, read)
                found = found + misspelt(report, template)
                if template_file and template is not None and template_file not in templates:
                    templates[template_file] = misspelt_in_template(report, template, display_path(template_file))
            except DataFileError as exc:
                found = exc.problems
            except Exception as exc:  # noqa: BLE001 - a fault of ours on one file never stops the others
                found = [Problem(display_path(path), None, "", "可以检查的数据文件",
                                 f"检查时程序出错（{type(exc).__name__}），这是本工具的问题，请报告")]
            failed += _print_checked(str(path), found, args.strict)
    for template_file, found in templates.items():
        failed += _print_checked(display_path(template_file), found, args.strict)
    checked = f"共检查 {len(files)} 个文件" + (f"和 {len(templates)} 个模板" if templates else "")
    print(f"{checked}，{failed} 个未通过。")
    return 1 if failed else 0


def _print_checked(name: str, found: list[Problem], strict: bool) -> bool:
    """Print one checked file's status and problems; whether it fails."""
    bad, warned = errors(found), warnings(found)
    if bad:
        status = f"{len(bad)} 个错误" + (f"，{len(warned)} 条警告" if warned else "")
    elif warned:
        status = f"{len(warned)} 条警告"
    else:
        status = "通过"
    print(f"{name}：{status}")
    for problem in found:
        print(f"    {problem}")
    return bool(bad) or (strict and bool(warned))


def _names(files: list[Path], project: Project | None) -> int:
    """``check --names``: every name a placeholder may use, with this report's value."""
    read: dict[Path, Any] = {}
    for path in files:
        try:
            report = load_report(path)
        except DataFileError as exc:
            print(f"{path}：无法读取，不能列出名称")
            for problem in exc.problems:
                print(f"    {problem}")
            return 1
        _, template = _template_of(report, project, read)
        print(f"{path}：占位符可用的名称（写作 {{{{ 名称 }}}}）及本报告的值")
        for name, value in dotted(namespace(report, template)).items():
            shown = "、".join(map(str, value)) if isinstance(value, list) else str(value)
            shown = "（空白）" if value is None else shown
            first = shown.strip().partition("\n")[0]
            print(f"    {name} = {first[:40]}" + ("……" if len(first) > 40 or first != shown.strip() else ""))
    return 0


def _project_or_none(args: argparse.Namespace) -> Project | None:
    try:
        return _project(args)
    except ProjectError:
        return None


def _template_of(report: Report, project: Project | None, read: dict[Path, Any]) -> tuple[Path | None, Any]:
    """The template file of the report's format in the project, and the template as read (each file read once,
    into ``read``); None for either where there is no project or no such file."""
    from helpers.output.render import read_template  # nbconvert (about 1 s): only --names with a template

    template_file = project.template(formats.of(report).template) if project else None
    if template_file is None or not template_file.is_file():
        return template_file, None
    if template_file not in read:
        read[template_file] = read_template(template_file)
    return template_file, read[template_file]


def _new_year(args: argparse.Namespace) -> int:
    data = _data_dir(args)
    if args.town:
        slugs = [_town(data, town) for town in args.town]
    else:  # every town that reported last year; a town that stopped earlier is named, not started again
        slugs = sorted({f.town for f in year_files(data) if f.year == args.year - 1})
        for town in sorted({f.town for f in year_files(data)} - set(slugs)):
            print(f"{town}：没有 {args.year - 1} 年度的数据文件，未生成（确需生成请加 --town {town}）")
    if not slugs:
        print(f"{data} 中没有 {args.year - 1} 年度的数据文件，无法从上一年度生成。")
        return 1
    failed = 0
    for slug in slugs:
        target = data / slug / f"{args.year}.yaml"
        kept = f"{target}：已存在，未改动"
        if target.exists():
            print(kept)
            continue
        previous = latest_before(data / slug, args.year)
        if previous is None:
            print(f"{slug}：{args.year} 年之前没有可读取的数据文件，未生成")
            failed += 1
        elif write_new(target, new_year_text(previous, args.year)):
            print(f"{target}：已从 {previous.year} 年度生成（各项数字待填写，正文为草稿）")
        else:
            print(kept)  # written by someone else a moment ago: never overwritten
    return 1 if failed else 0


def _town(data: Path, town: str) -> str:
    """A town's folder from its code or its name, or a Chinese error."""
    slug = town_slug(data, town)
    if slug is None:
        raise ProjectError(f"{data} 中没有代码或名称为“{town}”的镇街")
    return slug


def _lab(args: argparse.Namespace) -> int:
    project = _project(args)
    print(f"在 JupyterLab 中打开项目 {project.root}：每个数据文件旁都有它的编辑视图（.ipynb）。按 Ctrl+C 停止。")
    return _start_lab(project, "", args)


def _town_year(args: argparse.Namespace) -> tuple[Project, str, Path]:
    """The project, the town's folder and its data file for the year, from ``town`` (code or name) and ``year``."""
    project = _project(args)
    slug = _town(project.data, args.town)
    data_file = project.data / slug / f"{args.year}.yaml"
    if not data_file.is_file():
        hint = f"新年度的数据文件可用 xxgk new-year {args.year} --town {slug} 从上一年度生成"
        raise ProjectError(f"没有 {data_file}：{hint}。")
    return project, slug, data_file


def _edit(args: argparse.Namespace) -> int:
    project, _, data_file = _town_year(args)
    view = data_file.with_suffix(".ipynb").relative_to(project.root).as_posix()
    print(f"在 JupyterLab 中打开 {view}：正文单元格修改后保存（Ctrl+S）即写回 {data_file.relative_to(project.root)}。"
          "按 Ctrl+C 停止。")
    return _start_lab(project, view, args)


def _preview(args: argparse.Namespace) -> int:
    import threading
    import time
    import webbrowser

    from helpers.serve.preview import Preview, serve  # the build's papermill and watchfiles, for preview only

    project, slug, data_file = _town_year(args)
    preview = Preview(project, slug, args.year, args.timeout)
    server = serve(preview, args.port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"

    def said(result: Result) -> None:
        when = time.strftime("%H:%M:%S")
        if result.ok:
            print(f"{when} 已生成（{preview.page.seconds:.1f} 秒）", flush=True)
        else:
            print(f"{when} 生成失败：{result.message}", flush=True)

    def stop(signum: int, frame: object) -> None:
        preview.stop.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        print(f"正在生成 {data_file.relative_to(project.root)} 的预览……", flush=True)
        said(preview.build())
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(f"预览地址：{url}", flush=True)
        print("保存数据文件或模板后自动重新生成，浏览器中的页面随之刷新；按 Ctrl+C 停止。", flush=True)
        if not args.no_browser:
            webbrowser.open(url)
        preview.watch(said)
    finally:
        server.shutdown()
        server.server_close()
        preview.close()
    print("预览已停止。")
    return 0


def _start_lab(project: Project, view: str, args: argparse.Namespace) -> int:
    """Replace this process with JupyterLab (its own signal handling, its own exit code)."""
    from helpers.serve.edit import lab_command, lab_environment  # jupyter_server, for edit and lab only

    command = lab_command(project, open_path=view, port=args.port, browser=not args.no_browser)
    sys.stdout.flush()
    os.execve(command[0], command, lab_environment())
    return 0  # not reached


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


def _excel_template(args: argparse.Namespace) -> int:
    from helpers.intake.excel import build_workbook, prefill_from  # openpyxl, for this command only

    data = _data_dir(args)
    town = args.town if not args.town or SLUG.match(args.town) else _town(data, args.town)
    year = args.year
    if year is None:  # the year after the town's latest report
        latest = year_files_of_town(data / town) if town else []
        if not latest:
            print("请用 --year 指定年度（如 --year 2026）；"
                  "给出已有数据文件的镇街（--town）时默认为其最近一年的下一年。")
            return 2
        year = latest[-1].year + 1
    fmt = args.format or formats.for_year(year).name
    values = prefill_from(data, town, year, fmt) if town else {}
    layout = build_workbook(fmt, year, values)
    # The file is named by the town's code, never by a name from a data file (which could hold a path).
    out = args.out or Path(f"{town or fmt}-{year}.xlsx")
    out.parent.mkdir(parents=True, exist_ok=True)
    layout.workbook.save(out)
    print(f"已生成填报表 {out}（格式 {fmt}，{year} 年度，黄色单元格为填写处）。")
    return 0


def _import(args: argparse.Namespace) -> int:
    failed = 0
    data = _data_dir(args)
    files = importable(args.files)
    if args.town and (len(files) != 1 or not SLUG.match(args.town)):
        print(f"--town 只能用于导入一个文件，且镇街代码只能{SLUG_RULE}")
        return 2
    previous = signal.signal(signal.SIGTERM, _on_sigterm)  # as Ctrl-C: a converter's folder and processes go
    try:
        for path in files:
            try:
                result = import_file(path, data, overwrite=args.overwrite, keep_invalid=args.keep_invalid,
                                     town=args.town, site=args.site, url=args.url, year=args.year)
            except Exception as exc:  # one unreadable file never stops the others
                reason = f"{path.name}：无法导入（{type(exc).__name__}）"
                result = ImportResult(False, [reason], summary=reason)
            # One file: everything it showed; many: a line each, the details with ``xxgk import <file>``.
            for line in result.lines if len(files) == 1 else [result.summary]:
                print(line)
            failed += not result.ok
    except KeyboardInterrupt as stop:
        print("已中断：已导入的文件保留，正在导入的文件没有写入。")
        return 143 if isinstance(stop, Terminated) else 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not files:
        print("没有找到可以导入的文件（.xlsx、.html、.htm、.docx）")
        return 1
    more = "；某个文件的详细问题可用 xxgk import <文件> 查看" if failed and len(files) > 1 else ""
    print(f"共 {len(files)} 个文件：导入 {len(files) - failed} 个，未导入 {failed} 个{more}。")
    return 1 if failed else 0




def _sheet(args: argparse.Namespace, project: Project) -> Sheet | None:
    """The scoring sheet of ``--scoring`` (which must be readable) or of the project; None, said, where it cannot
    be used."""
    try:
        return read_sheet(args.scoring or project.scoring, required=args.scoring is not None)
    except DataFileError as exc:
        print("评分表有错误：\n    " + str(exc).replace("\n", "\n    ") + "\n未审核，没有写出任何文件。")
    except ProjectError as exc:
        print(f"错误：{exc}；未审核，没有写出任何文件。")
    return None


def _audit(args: argparse.Namespace) -> int:
    project = _project(args)
    as_of = args.as_of or datetime.date.today()
    project.settings  # noqa: B018  # xxgk.toml read first: a wrong setting stops the audit before it writes
    sheet = _sheet(args, project)
    if sheet is None:
        return 2
    published = importable(args.published)
    # Text that reaches the notices, the workbook and the record is one line of visible characters.
    for place, value in [*((f"--published 的文件名“{visible(p.name)}”", p.name) for p in published),
                         ("--by", args.by), ("--why", args.why)]:
        if bad := unprintable(value):
            print(f"错误：{place} 含控制字符或双向控制符（{bad}），请改正后再审核；未审核，没有写出任何文件。")
            return 2
    by_district, notes = submissions(project, args.year, published)
    for note in notes:
        print(note)
    wanted = args.district or sorted(by_district)
    unknown = [d for d in wanted if d not in by_district]
    if unknown or not by_district:
        known = "、".join(d or NO_DISTRICT for d in by_district) or "没有"
        print(f"{args.year} 年度没有应报送的机关属于区 {'、'.join(unknown) or '（任何区）'}（有：{known}）。")
        return 1
    decisions = [Decision(fid, word, args.by, as_of.isoformat(), args.why) for word, ids in
                 ((DISMISSED, args.dismiss), (CONFIRMED, args.confirm)) for fid in ids]
    if decisions and not args.by:
        print("确认或撤销问题时须用 --by 写明是谁作出的决定。")
        return 2
    slugs = {s.slug for district in wanted for s in by_district[district]}
    orphans = [d.finding for d in decisions if d.finding.rpartition("-")[0] not in slugs]
    if orphans:
        print(f"错误：本次审核的机关中没有编号为 {'、'.join(orphans)} 的问题。")
        return 2
    for district in wanted:
        name, rows, written = audit_district(project, args.year, district, by_district[district], sheet, as_of,
                                             [d for d in decisions if any(d.finding.startswith(f"{s.slug}-")
                                                                          for s in by_district[district])])
        print(f"{args.year} 年度{name}：审核 {len(rows)} 个机关，{sum(bool(r.findings) for r in rows)} 个有问题"
              f"（评分：{sheet.name}）")
        for row in rows:
            print(f"  {row.submission.name}：{points(row.score)} 分，{len(row.findings)} 条问题")
            for fid, finding in zip(row.finding_ids(), row.findings, strict=True):
                print(f"      [{fid}] {finding.said()}")
        notices = [p for p in written if p.name.endswith("-notice.docx")]
        reminders = [p for p in written if p.name.endswith("-reminder.docx")]
        print(f"  审核页：{written[0]}\n  审核表：{written[1]}"
              + (f"\n  整改通知 {len(notices)} 份，如 {notices[0]}" if notices else "")
              + (f"\n  催报通知：{reminders[0]}" if reminders else ""))
    return 0


def _package(args: argparse.Namespace) -> int:
    project = _project(args)
    organs = [e for e in expected(project, args.year) if (e.district or NO_DISTRICT) == args.district]
    if not organs:
        print(f"{args.year} 年度区 {args.district} 没有应报送的机关。")
        return 1
    project.settings  # noqa: B018  # a wrong setting in xxgk.toml stops it before anything is built
    if _sheet(args, project) is None:  # and so does a scoring sheet that cannot be used
        return 2
    towns = [e.slug for e in organs if e.file is not None]
    common, as_of = ["--project", str(project.root)], ["--as-of", str(args.as_of)] if args.as_of else []
    built = main([*common, "build", "--year", str(args.year), *(f"--town={t}" for t in towns), "--pdf", "--docx",
                  "--quiet", *as_of]) if towns else 1
    audited_ok = main([*common, "audit", "--year", str(args.year), "--district", args.district, *as_of,
                       *(["--scoring", str(args.scoring)] if args.scoring else [])])
    out = project.outputs
    target, missing = write_package(out, args.year, args.district, [(e.slug, e.name) for e in organs],
                                    on_wait=lambda holder: print(f"{out} 正由{holder}生成，等待它结束再打包……",
                                                                 flush=True))
    print(f"归档包：{target}")
    for line in missing:
        print(f"  缺少：{line}")
    return 1 if built or audited_ok or missing else 0


# argparse's own messages, as a clerk reads them (the same words argparse fills in, in its order)
_ARGPARSE_WORDS = (
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必须给出的参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (re.compile(r"argument (.*?): invalid choice: (.*?) \(choose from (.*)\)"), r"参数 \1：无效的选择 \2（可选：\3）"),
    (re.compile(r"argument (.*?): invalid \w+ value: (.*)"), r"参数 \1：无效的值 \2"),
    (re.compile(r"argument (.*?): expected one argument"), r"参数 \1：后面应给出一个值"),
    (re.compile(r"argument (.*?): expected at least one argument"), r"参数 \1：后面应至少给出一个值"),
    (re.compile(r"ambiguous option: (.*?) could match (.*)"), r"选项 \1 不明确，可能是：\2"),
    (re.compile(r"argument (.*?): (.*)"), r"参数 \1：\2"),
)


_METAVARS = {"year": "年度", "town": "镇街", "jobs": "个数", "scheduler": "地址", "data": "目录", "outputs": "目录",
             "notebooks": "目录", "as_of": "日期", "timeout": "秒数", "out": "路径", "towns": "个数",
             "years": "年份", "seed": "种子", "port": "端口", "district": "区代码", "scoring": "评分表"}


class _ChineseHelp(argparse.HelpFormatter):
    """argparse's help with a Chinese frame: 用法、位置参数、选项."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An argument parser whose every word a user reads is Chinese: help, headings and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _ChineseHelp)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        """An option's value is named in Chinese in the usage line: ``--year 年度``."""
        action = super().add_argument(*args, **kwargs)
        if action.option_strings and action.metavar is None and action.nargs != 0 and action.choices is None:
            action.metavar = _METAVARS.get(action.dest, "值")
        return action

    def error(self, message: str) -> Any:
        for pattern, words in _ARGPARSE_WORDS:
            if pattern.fullmatch(message):
                message = pattern.sub(words, message)
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}\n")


def parser() -> argparse.ArgumentParser:
    """The command line: ``xxgk build``."""
    top = ChineseParser(prog="xxgk", description="政府信息公开工作年度报告工作簿")
    top.add_argument("--version", action="version", version=f"xxgk {_version()}", help="显示版本号并退出")
    top.add_argument(
        "--project", type=Path, metavar="目录", help=f"项目目录（默认：当前目录或其上级中含 {MARKER} 的目录）"
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="命令")
    build = sub.add_parser(
        "build", help="生成 data/ 下每个数据文件的报告", description="生成报告（只重新生成有变化的）"
    )
    build.add_argument("params", nargs="?", type=Path, metavar="批量定义", help="params/ 下的批量定义文件（可选）")
    build.add_argument("--year", type=_report_year, action="append", default=[], help="只生成某一年度（可重复）")
    build.add_argument("--town", action="append", default=[], help="只生成某个镇街代码（可重复）")
    build.add_argument("-j", "--jobs", type=_count, default=0,
                       help=f"并行数（默认：CPU 核数；最多为 CPU 核数的两倍，即 {max_workers()}）")
    build.add_argument("--force", action="store_true", help="即使没有变化也重新生成")
    build.add_argument("--quiet", action="store_true", help="不显示进度条")
    build.add_argument("--scheduler", help="在已有的 Dask 集群上生成，如 tcp://host:8786")
    build.add_argument("--pdf", action="store_true", help="同时用 Chromium 打印 A4 PDF（需要 chromium）")
    build.add_argument("--docx", action="store_true", help="同时写出党政机关公文格式的 Word 文件（供审签）")
    build.add_argument("--data", type=Path, help="数据目录（默认：项目的 data）")
    build.add_argument("--out", dest="outputs", type=Path, help="输出目录（默认：项目的 outputs）")
    build.add_argument("--notebooks", type=Path, help="模板目录（默认：项目的 notebooks）")
    build.add_argument("--as-of", type=_day, help="索引页按这一天计算剩余或逾期天数，如 2027-02-03（默认：今天）")
    build.add_argument("--timeout", type=_seconds, default=120, help="每个单元格的最长执行秒数（默认 120，须为正数）")
    build.set_defaults(run=_build)

    check = sub.add_parser("check", help="只检查数据文件，不生成报告", description="检查数据文件的格式与勾稽关系")
    check.add_argument("paths", nargs="*", type=Path, metavar="路径", help="文件或目录（默认：项目的 data）")
    check.add_argument("--strict", action="store_true", help="有警告也视为未通过")
    check.add_argument("--names", action="store_true", help="列出占位符可用的全部名称及本报告的值，不做检查")
    check.set_defaults(run=_check)

    demo = sub.add_parser("demo-data", help="生成符合全部规则的虚构数据", description="生成虚构的演示数据")
    demo.add_argument("--towns", type=int, default=12, help="镇街个数（默认 12）")
    demo.add_argument("--years", nargs="+", default=["2020", "2023-2025"], help="年份，如 2020 2023-2025")
    demo.add_argument("--out", type=Path, required=True, help="输出目录")
    demo.add_argument("--seed", type=int, default=0, help="随机种子（默认 0）")
    demo.add_argument("--sample", action="store_true", help="使用样例区的 12 个镇街")
    demo.add_argument("--stated-totals", action="store_true", help="同时写出各行总计（如同照抄已发布的报告）")
    demo.set_defaults(run=_demo_data)

    template = sub.add_parser("excel-template", help="生成给镇街填写的 Excel 填报表", description="生成 Excel 填报表")
    template.add_argument("--format", choices=formats.names(), help="报告格式（默认：该年度适用的全国统一格式）")
    template.add_argument("--year", type=_report_year, help="年度（默认：该镇街最近一个数据文件的下一年）")
    template.add_argument("--town", help="镇街代码或名称：从 data/ 中填入机关信息和上年结转数")
    template.add_argument("--data", type=Path, help="数据目录（默认：项目的 data）")
    template.add_argument("--out", type=Path, help="输出文件（默认：<镇街代码>-<年度>.xlsx）")
    template.set_defaults(run=_excel_template)

    new_year = sub.add_parser(
        "new-year", help="从上一年度的数据文件生成新年度的数据文件", description="从上一年度生成新年度的数据文件"
    )
    new_year.add_argument("year", type=_report_year, metavar="年度", help="新的年度，如 2026")
    new_year.add_argument("--town", action="append", default=[], help="镇街代码或名称（可重复；默认：全部镇街）")
    new_year.add_argument("--data", type=Path, help="数据目录（默认：项目的 data）")
    new_year.set_defaults(run=_new_year)

    lab = sub.add_parser("lab", help="用 JupyterLab 打开本项目（中文界面）", description="用 JupyterLab 打开本项目")
    edit = sub.add_parser(
        "edit", help="在 JupyterLab 中编辑某镇街某年度的报告正文", description="在 JupyterLab 中编辑报告正文"
    )
    edit.add_argument("town", metavar="镇街", help="镇街代码或名称，如 nanhu 或 南湖街道")
    edit.add_argument("year", type=int, metavar="年度", help="年度，如 2025")
    for command in (lab, edit):
        command.add_argument("--port", type=int, default=0, help="端口（默认：自动选择空闲端口）")
        command.add_argument("--no-browser", action="store_true", help="不自动打开浏览器（终端里会显示地址）")
    preview = sub.add_parser(
        "preview", help="预览某镇街某年度的报告，保存后自动刷新", description="在本机浏览器中预览报告，保存即刷新"
    )
    preview.add_argument("town", metavar="镇街", help="镇街代码或名称，如 nanhu 或 南湖街道")
    preview.add_argument("year", type=int, metavar="年度", help="年度，如 2025")
    preview.add_argument("--port", type=int, default=0, help="端口（默认：自动选择空闲端口）")
    preview.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    preview.add_argument("--timeout", type=_seconds, default=120, help="每个单元格的最长执行秒数（默认 120，须为正数）")
    preview.set_defaults(run=_preview)
    lab.set_defaults(run=_lab)
    edit.set_defaults(run=_edit)

    intake = sub.add_parser(
        "import", help="把填好的 Excel 填报表或已发布的报告（网页、Word 文档、PDF）导入为数据文件",
        description="导入 Excel 填报表（.xlsx），或已发布的报告：浏览器保存的网页（.html/.htm）、"
                    "Word 文档（.docx/.doc）、PDF。可以给出文件夹，导入其中全部文件，每个文件一行结果。")
    intake.add_argument("files", nargs="+", type=Path, metavar="文件或文件夹")
    intake.add_argument("--town", help="已发布报告的镇街代码（默认：按名称找已有的镇街，否则取名称的拼音）")
    intake.add_argument("--data", type=Path, help="数据目录（默认：项目的 data）")
    intake.add_argument("--site", help="已发布报告的发布网站（页面、Word、PDF 中没有写时填入；默认：不记）")
    intake.add_argument("--url", help="已发布报告的网址（页面、Word、PDF 中没有写时填入；默认：不记）")
    intake.add_argument("--year", type=_report_year,
                        help="已发布报告的年度（标题中没有年度时使用；默认：取正文中的统计期限）")
    intake.add_argument("--overwrite", action="store_true", help="覆盖已有的数据文件")
    intake.add_argument("--keep-invalid", action="store_true", help="有错误时仍写出 <年度>.invalid.yaml 供查看")
    intake.set_defaults(run=_import)
    audit = sub.add_parser("audit", help="按考核标准审核一个年度的全部报告，写出审核页、审核表和整改通知",
                           description="审核报告：按时、应报尽报、格式规范、数据准确、正文与表格一致、收费说明、"
                                       "问题与改进、内容雷同、发布后改动")
    audit.add_argument("--year", type=_report_year, required=True, help="年度")
    audit.add_argument("--district", action="append", default=[], help="只审核某个区（区代码，可重复；默认：全部）")
    audit.add_argument("--as-of", type=_day, help="按这一天判断是否逾期，如 2027-02-03（默认：今天）")
    audit.add_argument("--scoring", type=Path, help="评分表（默认：项目的 scoring.yaml，没有则用默认评分表）")
    audit.add_argument("--dismiss", nargs="+", default=[], metavar="问题编号",
                       help="撤销这些问题（审核页上每条问题前的编号），以后的审核不再计入")
    audit.add_argument("--confirm", nargs="+", default=[], metavar="问题编号", help="确认这些问题")
    audit.add_argument("--by", default="", metavar="姓名", help="作出确认或撤销决定的人")
    audit.add_argument("--why", default="", metavar="理由", help="确认或撤销的理由")
    audit.add_argument("--published", nargs="+", type=Path, default=[], metavar="网页",
                       help="从政府网站保存的已发布报告（网页或 Word 文件、或其文件夹）：与备案的报告比对")
    audit.set_defaults(run=_audit)
    package = sub.add_parser("package", help="生成一个区一个年度的归档包（PDF、Word、汇总、审核和清单）",
                             description="生成归档包：先生成 PDF 和 Word、审核，再打包")
    package.add_argument("--year", type=_report_year, required=True, help="年度")
    package.add_argument("--district", required=True, help="区代码，如 yangli")
    package.add_argument("--as-of", type=_day, help="按这一天判断是否逾期（默认：今天）")
    package.add_argument("--scoring", type=Path, help="评分表（默认：项目的 scoring.yaml）")
    package.set_defaults(run=_package)
    return top


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("xxgk-workbook")
    except PackageNotFoundError:
        return "（未安装）"


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``xxgk`` console script: every error of ours is one Chinese message, never a traceback."""
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except XxgkError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (``xxgk check | head``): nothing more to say
        sys.stderr.close()
        return 0
    except OSError as exc:
        print(f"错误：读写 {exc.filename or '文件'} 时出错（{os_reason(exc)}）", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
