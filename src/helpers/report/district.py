"""District roll-up: one district's towns for one year, their summed tables and a comparison by town.

A town belongs to a district when its data files name that district
(``organ.district_slug``); ``helpers.intake.gather`` reads them. For the year, every
town of the district is either counted, or named with the reason it is not: no data
file for the year (未报送), or a data file that fails its checks (未计入). Sums
are taken over the towns' own official tables, so the district's table 三
balances whenever every town's does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.project import Outputs, summary_stem
from helpers.report import formats
from helpers.report.model import NOT_APPLICABLE, ORGAN_KINDS, TOWN_KINDS, Report

_KIND_ORDER = {kind: i for i, kind in enumerate(ORGAN_KINDS)}


def _group(report: Report) -> int:
    """Towns (镇、乡、街道, or an organ of unknown kind) first, then departments, offices, others."""
    kind = report.organ.kind_or_guess
    return 0 if kind is None or kind in TOWN_KINDS else _KIND_ORDER[kind]


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
    _tables: list[dict[str, list[pd.DataFrame]]] = field(default_factory=list, repr=False, compare=False)

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


def _sum(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Cell by cell; a cell that is blank (unknown) in any organ's table is blank in the sum. One pass over the
    organs' cells, whatever their number (2 000 organs: a fraction of a second)."""
    cells = np.stack([frame.to_numpy(dtype=object) for frame in frames])
    blank = np.frompyfunc(_blank, 1, 1)(cells).astype(bool)
    absent = cells == NOT_APPLICABLE  # printed "/": the organ has nothing here, so it adds nothing
    summed = np.where(blank | absent, 0, cells).sum(axis=0)
    unknown = blank.any(axis=0)
    if unknown.any() or absent.any():
        shown = np.where(absent.all(axis=0), np.full(summed.shape, NOT_APPLICABLE, dtype=object), summed)
        cells = np.where(unknown, np.full(summed.shape, None, dtype=object), shown)
        total = pd.DataFrame(cells, index=frames[0].index, columns=frames[0].columns, dtype=object)
    else:
        total = pd.DataFrame(summed, index=frames[0].index, columns=frames[0].columns, dtype=object)
        total = total.astype(dict(zip(total.columns, frames[0].dtypes, strict=True)))  # the organs' own types
    total.attrs.update(frames[0].attrs)
    return total


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def unknown_in(district: District) -> list[str]:
    """The organs whose published reports leave cells blank: the district's sums over those cells are unknown."""
    return [r.organ.town for r in district.by_town() if formats.of(r).prescribed_tables and r.blanks()]


def summed(district: District, table: str) -> list[pd.DataFrame]:
    """One of the format's tables summed cell by cell over the district's counted towns; [] if it has none."""
    fmt = district.format()
    if fmt is None or table not in fmt.summed_tables:
        return []
    if len(district._tables) != len(district.reports):  # every organ's tables made once for all the sums
        district._tables = [fmt.tables(r, summable=True) for r in district.reports]
    per_town = [tables[table] for tables in district._tables]
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
