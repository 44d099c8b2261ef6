"""District roll-up: one district's towns for one year, their summed tables and a comparison by town.

A town belongs to a district when its data files name that district
(``organ.district_slug``), read by the one loader. For the year, every town of
the district is either counted, or named with the reason it is not: no data
file for the year (未报送), or a data file that fails its checks (未计入). Sums
are taken over the towns' own official tables, so the district's table 三
balances whenever every town's does.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import formats
from .checks import check_file, errors
from .errors import DataFileError, Problem
from .load import load_report
from .model import ORGAN_KINDS, TOWN_KINDS, Report
from .project import Outputs, YearFile, summary_stem, year_files

_KIND_ORDER = {kind: i for i, kind in enumerate(ORGAN_KINDS)}


def _group(report: Report) -> int:
    """Towns (镇、乡、街道, or an organ of unknown kind) first, then departments, offices, others."""
    kind = report.organ.kind_or_guess
    return 0 if kind is None or kind in TOWN_KINDS else _KIND_ORDER[kind]


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
                report = load_report(latest.path)
            except DataFileError as exc:
                organ = organ or exc.organ
                continue
            organ = {"town": report.organ.town, "district_slug": report.organ.district_slug or ""}
            break
        if organ.get("district_slug"):
            town = Town(slug, organ.get("town") or slug, organ["district_slug"], {f.year: f.path for f in files})
            result.setdefault(town.district, []).append(town)
    return result


@dataclass(frozen=True)
class NotCounted:
    """A town with a data file for the year that is left out of the totals, and why."""

    name: str
    file: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}（{self.file}）：{self.reason}，未计入汇总"


@dataclass
class District:
    """The towns of a district for one year."""

    slug: str
    year: int
    name: str = ""
    city: str = ""
    reports: list[Report] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: list[NotCounted] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return summary_stem(self.slug)

    def by_town(self) -> list[Report]:
        """The organs' reports in the order of every per-organ table: towns (镇、乡、街道) first, then departments
        and offices, each by code."""
        return sorted(self.reports, key=lambda r: (_group(r), r.organ.slug))

    def label(self) -> str:
        """What the summary calls its organs: 镇（街道）, 镇（乡、街道）, 部门, or both."""
        kinds = {r.organ.kind_or_guess or "镇" for r in self.reports}
        towns = kinds & TOWN_KINDS
        others = kinds - TOWN_KINDS
        town_label = "镇（乡、街道）" if "乡" in towns else "镇（街道）"
        if not others:
            return town_label
        other_label = "、".join(sorted(others, key=lambda k: _KIND_ORDER[k]))
        return f"{town_label}和{other_label}" if towns else other_label

    def format(self) -> formats.ReportFormat | None:
        """The format all counted towns share, or None when they differ (then no table is summed)."""
        names = {r.format for r in self.reports}
        return formats.get(names.pop()) if len(names) == 1 else None


def load_district(data_dir: str | Path, slug: str, year: int) -> District:
    """Load and check every town of the district for the year; a town not counted is named with the reason."""
    district = District(slug, year)
    for town in towns(Path(data_dir)).get(slug, []):
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
    return district


def _first(problems: list[Problem]) -> str:
    more = f"等 {len(problems)} 个错误" if len(problems) > 1 else ""
    return f"数据文件有错误（{problems[0].describe().rstrip('。')}{more}）"


def _sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Cell by cell; a cell that is blank (unknown) in any organ's table is blank in the sum."""
    if not any(frame.isna().to_numpy().any() for frame in frames):
        total = functools.reduce(operator.add, frames)
    else:
        cells = [frame.to_numpy(dtype=object) for frame in frames]
        rows, columns = cells[0].shape
        summed = [
            [None if any(_blank(c[i][j]) for c in cells) else sum(c[i][j] for c in cells) for j in range(columns)]
            for i in range(rows)
        ]
        total = pd.DataFrame(summed, index=frames[0].index, columns=frames[0].columns, dtype=object)
    total.attrs.update(frames[0].attrs)
    return total


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def unknown_in(district: District) -> list[str]:
    """The organs whose published reports leave cells blank: the district's sums over those cells are unknown."""
    return [r.organ.town for r in district.by_town() if r.blanks()]


def summed(district: District, table: str) -> list[pd.DataFrame]:
    """One of the format's tables summed cell by cell over the district's counted towns; [] if it has none."""
    fmt = district.format()
    if fmt is None or table not in fmt.summed_tables:
        return []
    per_town = [fmt.tables(r, summable=True)[table] for r in district.reports]
    return [_sum(list(blocks)) for blocks in zip(*per_town, strict=True)]


def comparison(district: District) -> pd.DataFrame:
    """One row per organ, one column per main figure (the columns of the district CSV)."""
    rows = {r.organ.town: formats.of(r).headline(r) for r in district.by_town()}
    frame = pd.DataFrame.from_dict(rows, orient="index").astype(object)
    frame = frame.where(frame.notna(), None)
    label = district.label()
    # Each town's name links to its report, which the build writes beside the summary.
    links = {r.organ.town: Outputs(Path("."), district.year, r.organ.slug).html.name for r in district.by_town()}
    frame.attrs.update(caption=f"{district.year}年各{label}主要数据对比", corner=label, links=links)
    return frame


def values(district: District) -> dict[str, object]:
    """What the summary's narrative may quote."""
    return {
        "district": district.name,
        "district_slug": district.slug,
        "city": district.city,
        "year": district.year,
        "title": f"{district.city}{district.name}{district.year}年政府信息公开工作年度报告汇总",
        "town_count": len(district.reports),
        "organs": district.label(),
        "missing_count": len(district.missing),
        "missing": "、".join(district.missing) or "无",
        "excluded_count": len(district.excluded),
        "excluded": "、".join(t.name for t in district.excluded) or "无",
    }
