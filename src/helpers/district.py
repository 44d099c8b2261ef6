"""District roll-up: one district's towns for one year, their summed tables and a comparison by town.

A town belongs to a district when any of its data files names that district
(``organ.district_slug``); a district town without a file for the year is listed
as missing. Sums are taken over the towns' own official tables, so the
district's table 三 balances whenever every town's does.
"""

from __future__ import annotations

import functools
import operator
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import tables
from .checks import check_file, errors
from .errors import DataFileError
from .load import district_files
from .model import NationalReport, Report


@dataclass
class District:
    """The towns of a district for one year."""

    slug: str
    year: int
    name: str = ""
    city: str = ""
    reports: list[Report] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def by_town(self) -> list[Report]:
        """The towns' reports in the order of every per-town table: by town code."""
        return sorted(self.reports, key=lambda r: r.organ.slug)

    @property
    def national(self) -> bool:
        return bool(self.reports) and all(isinstance(r, NationalReport) for r in self.reports)


def load_district(data_dir: str | Path, slug: str, year: int) -> District:
    """Load and check every town of the district for the year; towns with errors are left out and named."""
    towns = district_files(Path(data_dir)).get(slug, {})
    district = District(slug, year)
    for town, years in sorted(towns.items()):
        if year not in years:
            district.missing.append(_town_name(years) or town)
            continue
        try:
            report, problems = check_file(years[year])
        except DataFileError as exc:
            problems, report = exc.problems, None
        if report is None or errors(problems):
            district.excluded.append(f"{town}（数据文件有错误，未计入汇总）")
            continue
        district.reports.append(report)
        district.name, district.city = report.organ.district, report.organ.city
    return district


def _town_name(years: dict[int, Path]) -> str:
    """The town's Chinese name from its latest file, read cheaply."""
    text = years[max(years)].read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^\s+town:\s*(\S+)\s*$", text, re.MULTILINE)
    return match.group(1) if match else ""


def _sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    total = functools.reduce(operator.add, frames)
    total.attrs.update(frames[0].attrs)
    return total


def active_tables(district: District) -> list[pd.DataFrame]:
    """The district's table 二: each block summed cell by cell over its towns."""
    per_town = [tables.active_tables(r) for r in district.reports]  # type: ignore[arg-type]
    return [_sum(list(blocks)) for blocks in zip(*per_town, strict=True)]


def applications_table(district: District) -> pd.DataFrame:
    """The district's table 三, summed over its towns; it balances when theirs do."""
    return _sum([tables.applications_table(r) for r in district.reports])  # type: ignore[arg-type]


def appeals_table(district: District) -> pd.DataFrame:
    """The district's table 四, summed over its towns."""
    return _sum([tables.appeals_table(r) for r in district.reports])  # type: ignore[arg-type]


def comparison(district: District) -> pd.DataFrame:
    """One row per town, one column per main figure (the columns of the district CSV)."""
    rows = {r.organ.town: tables.headline(r) for r in district.by_town()}
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.attrs.update(caption=f"{district.year}年各镇（街道）主要数据对比", corner="镇（街道）")
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
        "missing_count": len(district.missing),
        "missing": "、".join(district.missing) or "无",
        "excluded": "；".join(district.excluded) or "无",
    }
