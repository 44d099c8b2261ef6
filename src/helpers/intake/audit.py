"""What an audit reads: every expected organ's report of a district and year with last year's, the pages
the office imported from the sites, and the office's scoring sheet. The judging is ``helpers.report.review``."""

from __future__ import annotations

import dataclasses
import stat
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from helpers.atomic import write_atomic
from helpers.errors import DataFileError, Problem, ProjectError, os_reason
from helpers.intake.importer import read_published
from helpers.intake.load import display_path, dump_yaml, load_report, load_typed, parse_yaml, read_text
from helpers.intake.roster import expected
from helpers.project import Project
from helpers.report.model import Report
from helpers.report.review import CRITERIA, DEFAULT_SHEET, Decision, Record, Run, Sheet, Submission


def submissions(project: Project, year: int, published: list[Path] | None = None
                ) -> tuple[dict[str, list[Submission]], list[str]]:
    """Every expected organ's submission for ``year``, by district code, and what could not be used (pages
    that are no report, or of no expected organ), as lines to print."""
    pages, notes = _published(project, year, published or [])
    by_district: dict[str, list[Submission]] = {}
    for organ in expected(project, year):
        report, previous, problems = None, None, []
        if organ.file is not None:
            try:
                report = load_report(organ.file)
            except DataFileError as exc:
                problems = exc.problems
        last = project.data / organ.slug / f"{year - 1}.yaml"  # also of an organ still to report: whom to ask
        if last.is_file():
            try:
                previous = load_report(last)
            except DataFileError:
                previous = None
        page = pages.pop(organ.slug, None)
        by_district.setdefault(organ.district, []).append(Submission(
            organ.slug, report.organ.town if report else organ.name,
            project.shown(organ.file) if organ.file else "", report, previous, problems, organ.why,
            page[0] if page else None, page[1] if page else "", organ.district_name))
    notes += [f"{source}：不是本年度应报送机关的报告（机关代码 {slug}），未比对" for slug, (_, source) in pages.items()]
    return by_district, notes


def _published(project: Project, year: int, paths: list[Path]) -> tuple[dict[str, tuple[Report, str]], list[str]]:
    found: dict[str, tuple[Report, str]] = {}
    notes = []
    for path in paths:
        try:
            report = read_published(path, project.data)
        except DataFileError as exc:
            notes += [f"{path.name}：未读取——{p.found}" for p in exc.problems]
            continue
        if report.year != year:
            notes.append(f"{path.name}：是 {report.year} 年度的报告，未比对")
            continue
        found[report.organ.slug] = (report, path.name)
    return found, notes


def read_sheet(path: Path | None, required: bool = False) -> Sheet:
    """The office's scoring sheet: the project's ``scoring.yaml`` (none there: the default sheet), or one given
    on the command line (``required``: it must be there). Raises ProjectError for a sheet that cannot be read,
    DataFileError with every problem of one read, each at its line."""
    if path is None:
        return DEFAULT_SHEET
    shown = display_path(path)
    why = unusable(path)
    if why == MISSING and not required:
        return DEFAULT_SHEET
    if why:
        raise ProjectError(f"评分表 {shown} {why}，不能使用")
    doc = parse_yaml(read_text(path, shown), shown)
    problems: list[Problem] = []
    if not isinstance(doc, dict):
        raise DataFileError([Problem(shown, 1, "", "含“满分”和“扣分”的评分表", "不是映射")])
    full = _points(doc.get("满分", DEFAULT_SHEET.full), shown, _line(doc, "满分"), "满分", problems)
    deductions = dict(DEFAULT_SHEET.deductions)
    given = doc.get("扣分", {})
    if not isinstance(given, dict):
        problems.append(Problem(shown, _line(doc, "扣分"), "", "“扣分”下每项一行：名称: 分数", "不是映射"))
        given = {}
    for name, value in given.items():
        if name not in CRITERIA:
            problems.append(Problem(shown, _line(given, name), "", f"评审项之一（{'、'.join(CRITERIA)}）",
                                    f"“{name}”"))
            continue
        deductions[name] = _points(value, shown, _line(given, name), f"“{name}”的扣分", problems)
    if problems:
        raise DataFileError(problems)
    return Sheet(full, deductions, shown)


MISSING = "不存在"


def unusable(path: Path) -> str:
    """Why ``path`` is no file to read, in Chinese (不存在, 是目录, 不是普通文件 …); "" for a regular file."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "是失效的链接（指向的文件不存在）" if path.is_symlink() else MISSING
    except OSError as exc:
        return f"无法读取（{os_reason(exc)}）"
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "是目录"
    kind = ("命名管道" if stat.S_ISFIFO(mode) else "设备文件" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "套接字" if stat.S_ISSOCK(mode) else "特殊文件")
    return f"不是普通文件（是{kind}）"


def _line(node: object, key: str) -> int | None:
    if isinstance(node, CommentedMap) and key in node:
        return int(node.lc.key(key)[0]) + 1
    return None


def _points(value: object, shown: str, line: int | None, what: str, problems: list[Problem]) -> Decimal:
    try:
        points = Decimal(str(value))
        if isinstance(value, bool) or not points.is_finite() or points < 0 or points > 1000:
            raise InvalidOperation
        return points
    except InvalidOperation:
        problems.append(Problem(shown, line, "", f"{what}：0 到 1000 的分数", f"“{value}”"))
        return Decimal(0)


def read_record(path: Path) -> Record:
    """The office's record of a district's audits for a year (none yet: an empty one). Raises DataFileError with
    every problem, each at its line."""
    if not path.is_file():
        return Record()
    return load_typed(path, Record)[0]


def save_record(path: Path, record: Record) -> None:
    """Write the record (the audit's one writer of it), whole and at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, "# 区政务公开办的审核记录：对问题的确认和撤销，以及每次审核（由 xxgk audit 写入）。\n"
                       + dump_yaml(dataclasses.asdict(record)))


def recorded(record: Record, run: Run, decisions: list[Decision]) -> Record:
    """The record with this audit's run (in place of an earlier one of the same day) and the office's new
    decisions (each replacing an earlier word on the same finding)."""
    runs = [r for r in record.runs if r.on != run.on] + [run]
    newer = {d.finding for d in decisions}
    return Record([*(d for d in record.decisions if d.finding not in newer), *decisions],
                  sorted(runs, key=lambda r: r.on))
