"""The roster: which organs must report for a year, and what each has handed in so far.

By default every organ that reported the year before must report again; the office changes that in
``roster.yaml`` at the project's root (a new department from a year on, a town merged away from a year on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import DataFileError, Problem
from helpers.intake.load import Glance, glance, load_typed
from helpers.project import Project, YearFile
from helpers.report.model import Slug
from helpers.report.review import REPORTED_LAST_YEAR


@dataclass(frozen=True)
class Added:
    """An organ that must report from ``year`` on although it did not report the year before."""

    slug: Slug
    name: str
    year: int
    district: Slug | None = None
    district_name: str = ""


@dataclass(frozen=True)
class Retired:
    """An organ that no longer reports from ``year`` on (abolished, merged)."""

    slug: Slug
    year: int
    reason: str = ""


@dataclass(frozen=True)
class RosterFile:
    """``roster.yaml``: the office's changes to the default roster."""

    add: list[Added] = field(default_factory=list)
    retire: list[Retired] = field(default_factory=list)


@dataclass(frozen=True)
class Expected:
    """An organ the office expects a report from for ``year``, and this year's data file if there is one."""

    slug: str
    name: str
    district: str  # the district's code, "" where the organ names none
    district_name: str
    year: int
    file: Path | None
    why: str  # why it is expected, in Chinese


def read_roster(path: Path) -> RosterFile:
    """The office's roster file; none is an empty one. Raises DataFileError listing every problem."""
    if not path.is_file():
        return RosterFile()
    roster, source = load_typed(path, RosterFile)
    seen: dict[str, int] = {}
    problems = []
    for i, added in enumerate(roster.add):
        if added.slug in seen:
            problems.append(Problem(source.file, source.line(f"add[{i}]"), "", "每个机关只增加一次",
                                    f"机关代码“{added.slug}”重复"))
        seen[added.slug] = i
    if problems:
        raise DataFileError(problems)
    return roster


def expected(project: Project, year: int, files: list[YearFile] | None = None,
             roster: RosterFile | None = None) -> list[Expected]:
    """Every organ expected to report for ``year``: those that reported the year before, those added by the
    roster, and any that has a file for the year anyway; less those the roster retires. By district, then code.
    ``files`` and ``roster`` where the caller has read them already (for several years)."""
    files = project.year_files() if files is None else files
    roster = read_roster(project.roster) if roster is None else roster
    retired = {r.slug for r in roster.retire if r.year <= year}
    by_town: dict[str, dict[int, Path]] = {}
    for f in files:
        by_town.setdefault(f.town, {})[f.year] = f.path
    found: dict[str, Expected] = {}
    for town, years in by_town.items():
        if town in retired:
            continue
        now = years.get(year)
        if now is None and year - 1 not in years:
            continue
        why = "有本年度数据文件" if year - 1 not in years else REPORTED_LAST_YEAR
        organ = next((g for y in sorted(years, reverse=True) if y <= year and (g := _glance(years[y]))), None)
        found[town] = Expected(town, organ.town if organ else town, (organ.district_slug or "") if organ else "",
                               organ.district if organ else "", year, now, why)
    for added in roster.add:
        if added.year <= year and added.slug not in retired and added.slug not in found:
            now = by_town.get(added.slug, {}).get(year)
            found[added.slug] = Expected(added.slug, added.name, added.district or "", added.district_name, year,
                                         now, f"名单新增（自 {added.year} 年度起）")
    return sorted(found.values(), key=lambda e: (e.district, e.slug))


def _glance(path: Path) -> Glance | None:
    try:
        return glance(path)
    except DataFileError:
        return None


def years(project: Project, files: list[YearFile] | None = None) -> list[int]:
    """The years the office follows: every year with a data file, newest first."""
    files = project.year_files() if files is None else files
    return sorted({f.year for f in files}, reverse=True)
