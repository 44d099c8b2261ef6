"""Reading a data file with its context: last year's file for the cross-year rules, the other organs of its
folder for names that must be unique in a district, and every organ of a district for its summary.

The rules themselves are the report stage's (``helpers.report.checks``); this module only finds and loads the
files they are given.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import DataFileError, Problem
from helpers.intake.load import UNFILLED, Glance, as_far_as_read, glance, glance_of, load_report, stamp
from helpers.project import YearFile, year_file, year_files
from helpers.report.checks import DRAFT_EXPECTED, check, errors, problem_at
from helpers.report.district import District, NotCounted
from helpers.report.model import Report


def check_file(path: str | Path, namesakes: Namesakes | None = None) -> tuple[Report, list[Problem]]:
    """Load a data file and check it: with last year's file (when it exists) for the cross-year rules, and
    with the other towns of its data folder for names that must be unique in a district.

    ``namesakes`` are the towns of the folder that report under this file's name this year, where the caller
    has them already (a build reads the folder once, not once per report). Raises DataFileError when the file
    cannot be read at all; a file whose only problems are wrong or blank values is checked as far as it was read,
    its report returned with every problem (errors included).
    """
    path = Path(path)
    report, problems = as_far_as_read(lambda: load_report(path))
    previous = None
    last_year = path.with_name(f"{report.year - 1}.yaml")
    if last_year.is_file():
        try:
            previous = load_report(last_year)
        except DataFileError:
            problems.append(
                Problem(
                    report.origin.file,
                    None,
                    "",
                    f"可读取的上年数据文件 {last_year.name}",
                    "该文件有错误",
                    "本次跳过跨年核对。",
                    severity="warning",
                )
            )
    return report, problems + check(report, previous) + _same_name(report, path, namesakes)


def unfinished(problems: list[Problem]) -> bool:
    """Whether a file's errors are only what is not filled in yet (blank numbers, parts still in draft): the
    organ has started but not finished, rather than got something wrong."""
    found = errors(problems)
    return bool(found) and all(p.found.startswith(UNFILLED) or p.expected == DRAFT_EXPECTED for p in found)


def _same_name(report: Report, path: Path, namesakes: Namesakes | None) -> list[Problem]:
    """Two towns of one district with the same name in one year cannot be told apart in its summary."""
    here = year_file(path)
    if here is None:
        return []
    problems = []
    if namesakes is None:
        namesakes = namesakes_of(glance_of(report), path)
    for town, shown in namesakes:
        if town != here.town:
            problems.append(
                problem_at(
                    report,
                    "organ.town",
                    expected=f"在{report.organ.district}内唯一的镇街名称",
                    found=f"“{report.organ.town}”，与 {shown} 相同",
                    hint="同一区内两个镇街同名时，区汇总无法区分它们。",
                )
            )
    return problems


Namesakes = tuple[tuple[str, str], ...]  # towns (code, file as shown) reporting under one name in one year
Names = dict[tuple[str | None, str], Namesakes]
_names: dict[tuple[Path, int], tuple[tuple[tuple[str, int, int], ...], Names]] = {}
_steady = False


def names_of(data_dir: Path, year: int) -> Names:
    """(district code, town name) → the towns (code, file as shown) of ``data_dir`` that report under that name
    in ``year``: read once per process while the year's files are unchanged (inside ``unchanging``, once)."""
    folder = data_dir.resolve()
    kept = _names.get((folder, year))
    if kept is not None and _steady:
        return kept[1]
    files = [f for f in year_files(data_dir) if f.year == year]
    signature = tuple((str(f.path), *stamp(f.path)) for f in files)
    if kept is not None and kept[0] == signature:
        return kept[1]
    index: Names = {}
    for found in files:
        try:
            them = glance(found.path)
        except DataFileError:
            continue
        key = (them.district_slug, them.town)
        index[key] = (*index.get(key, ()), (found.town, them.file))
    _names[(folder, year)] = (signature, index)
    return index


def namesakes_of(organ: Glance, path: Path) -> Namesakes:
    """The towns of the data folder of ``path`` that report in its year under the name of ``organ`` (as the
    file gives it)."""
    here = year_file(path)
    if here is None:
        return ()
    return names_of(path.parent.parent, here.year).get((organ.district_slug, organ.town), ())


@contextlib.contextmanager
def unchanging() -> Iterator[None]:
    """Within it, the data files are taken not to change (``xxgk check`` of a whole folder): the names of a year
    are read once, not checked again for every file, so that checking a district is linear in its organs."""
    global _steady
    before, _steady = _steady, True
    try:
        yield
    finally:
        _steady = before


@dataclass(frozen=True)
class Town:
    """A town's folder: its data files by year, and its name and district as its files give them."""

    slug: str
    name: str
    district: str
    files: dict[int, Path]


def towns(data_dir: Path) -> dict[str, list[Town]]:
    """district slug → its towns, for every town folder of ``data_dir``.

    A town's district and name come from its latest readable data file, else from what its latest file
    says of its organ; a town whose files say nothing of it belongs to no district (its own reports fail,
    and say why).
    """
    by_town: dict[str, list[YearFile]] = {}
    for found in year_files(data_dir):
        by_town.setdefault(found.town, []).append(found)
    result: dict[str, list[Town]] = {}
    for slug, files in sorted(by_town.items()):
        organ: dict[str, str] = {}
        for latest in sorted(files, key=lambda f: -f.year):
            try:
                seen = glance(latest.path)
            except DataFileError as exc:
                organ = organ or exc.organ
                continue
            organ = {"town": seen.town, "district_slug": seen.district_slug or ""}
            break
        if organ.get("district_slug"):
            town = Town(slug, organ.get("town") or slug, organ["district_slug"], {f.year: f.path for f in files})
            result.setdefault(town.district, []).append(town)
    return result


def load_district(data_dir: str | Path, slug: str, year: int) -> District:
    """Load and check every town of the district for the year; a town not counted is named with the reason."""
    district = District(slug, year)
    with unchanging():  # the district as one snapshot: each year's names read once, linear in its organs
        _gather(district, Path(data_dir), slug, year)
    return district


def _gather(district: District, data_dir: Path, slug: str, year: int) -> None:
    for town in towns(data_dir).get(slug, []):
        path = town.files.get(year)
        if path is None:
            district.missing.append(town.name)
            continue
        try:
            report, problems = check_file(path)
        except DataFileError as exc:
            district.excluded.append(NotCounted(town.name, exc.problems[0].file, _first(exc.problems)))
            continue
        if errors(problems):
            district.excluded.append(NotCounted(report.organ.town, report.origin.file, _first(errors(problems))))
            continue
        if report.organ.district_slug != slug:
            reason = f"本年数据文件填写的区代码为 {report.organ.district_slug}"
            district.excluded.append(NotCounted(report.organ.town, report.origin.file, reason))
            continue
        district.reports.append(report)
        district.name, district.city = report.organ.district, report.organ.city


def _first(problems: list[Problem]) -> str:
    more = f"等 {len(problems)} 个错误" if len(problems) > 1 else ""
    return f"数据文件有错误（{problems[0].describe().rstrip('。')}{more}）"


