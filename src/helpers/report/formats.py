"""Report formats: one description per format, registered once, asked by every stage.

A format is a ``ReportFormat`` subclass: its data class, template notebook,
years in force, prose parts, tables, checks, workbook sheets, open-data figures
and summary columns. Formats are found through the ``xxgk.formats`` entry point
group (the built-in ones too), or registered at run time with ``register``.
"""

from __future__ import annotations

import dataclasses
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from helpers.errors import FormatError, Problem
from helpers.report.model import Report

if TYPE_CHECKING:
    import random

    import pandas as pd

ENTRY_POINTS = "xxgk.formats"
# A table's attribute: per row, the data-file field of each cell (None for a computed one); messages name a field
# by its table's caption, row and column where no other place is known (a plug-in format's table).
TABLE_FIELDS = "fields"
R = TypeVar("R", bound=Report)


class ReportFormat(Generic[R]):
    """The description of one report format (its reports are of data class ``R``); subclass it and register an
    instance."""

    name: ClassVar[str]
    label: ClassVar[str]  # the format's Chinese name, e.g. 全国统一格式（2021 年版）
    report_class: type[R]
    template: ClassVar[str]  # the template notebook's file name in notebooks/
    first_year: ClassVar[int]
    last_year: ClassVar[int | None] = None
    prose_parts: ClassVar[dict[str, str]]  # prose field → the heading of its part
    published_parts: ClassVar[dict[str, str]] = {}  # prose only a published report has → what it is
    headed_prose: ClassVar[tuple[str, ...]] = ()  # prose fields that are whole parts under the form's headings
    prescribed_tables: ClassVar[bool] = True  # whether its tables are prescribed (a published one's blanks: unknown)
    required_prose: ClassVar[tuple[str, ...]] = ()  # prose fields a report to publish must give (not a published one)
    figure_fields: ClassVar[tuple[str, ...]] = ()  # the data class's fields that hold figures (open data)
    sheets: ClassVar[tuple[str, ...]] = ()  # Excel sheets after 机关信息 and 正文, by kind
    extra_fields: ClassVar[tuple[tuple[str, str, str], ...]] = ()  # workbook rows beyond the organ's: path, label, kind
    summed_tables: ClassVar[tuple[str, ...]] = ()  # tables a district summary adds up cell by cell

    def in_force(self, year: int) -> bool:
        """Whether reports for ``year`` are written in this format."""
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def years_text(self) -> str:
        return f"{self.first_year} 年起" if self.last_year is None else f"{self.first_year}—{self.last_year} 年"

    def checks(self, report: R, previous: Report | None) -> list[Problem]:
        """The format's balancing and cross-year rules; ``previous`` is last year's report, of any format."""
        return []

    def facts(self, report: R) -> dict[str, Any]:
        """Values beyond the data file's fields that the narrative may quote (totals, stock phrases)."""
        return {}

    def tables(self, report: R, *, summable: bool = False) -> dict[str, list[pd.DataFrame]]:
        """The report's tables by open-data key, in the report's order; ``summable``: amounts in the units a
        district summary adds them up in. A table naming its cells' fields (``attrs[TABLE_FIELDS]``) names them
        in messages and makes them editable in the editing view."""
        return {}

    def printed(self) -> dict[str, tuple[str, str]]:
        """Fields this format prints outside the official tables (a part's own table): path → (the part's title,
        the row's label), so that a message names them as the page prints them."""
        return {}

    def figures(self, report: R) -> dict[str, Any]:
        """The figures of the data file, as plain values, for open data."""
        return {name: dataclasses.asdict(getattr(report, name)) for name in self.figure_fields}

    def headline(self, report: R) -> dict[str, int | None]:
        """The main figures by Chinese label: year-over-year rows and the district comparison's columns."""
        return {}

    def trend(self, report: R) -> dict[str, int | None]:
        """The figures of the trend chart, by Chinese label."""
        return {}

    def demo(self, rng: random.Random, urban: bool, state: dict[str, Any], stated: bool) -> dict[str, Any]:
        """Invented figures and prose for a sample data file; ``state`` carries last year's into this year's."""
        raise FormatError(f"报告格式 {self.name} 不提供虚构的演示数据")


AnyFormat = ReportFormat[Any]
_registry: dict[str, AnyFormat] = {}
_loaded = False


def register(fmt: AnyFormat) -> AnyFormat:
    """Add a format (replacing one of the same name); returns it."""
    for attribute in ("name", "label", "report_class", "template", "first_year", "prose_parts"):
        if not hasattr(fmt, attribute):
            raise FormatError(f"报告格式 {type(fmt).__name__} 缺少 {attribute}")
    _registry[fmt.name] = fmt
    return fmt


def unregister(name: str) -> None:
    _registry.pop(name, None)


def _load_entry_points() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for entry in entry_points(group=ENTRY_POINTS):
        found = entry.load()
        register(found() if isinstance(found, type) else found)


def all_formats() -> list[AnyFormat]:
    """Every registered format, oldest first."""
    _load_entry_points()
    return sorted(_registry.values(), key=lambda f: (f.first_year, f.name))


def names() -> list[str]:
    return [f.name for f in all_formats()]


def get(name: str) -> AnyFormat:
    """The format called ``name``; FormatError names the known ones."""
    _load_entry_points()
    try:
        return _registry[name]
    except KeyError:
        raise FormatError(f"未知的报告格式“{name}”（已知：{'、'.join(names())}）") from None


def lookup(name: object) -> AnyFormat | None:
    """The format called ``name``, or None."""
    _load_entry_points()
    return _registry.get(name) if isinstance(name, str) else None


def of(report: Report) -> AnyFormat:
    """The format a report is written in."""
    return get(report.format)


def years() -> tuple[int, int]:
    """The report years this tool takes: from the oldest registered format's first to next year (a report is
    written in the year after its own)."""
    import datetime

    return min(f.first_year for f in all_formats()), datetime.date.today().year + 1


def for_year(year: int) -> AnyFormat:
    """The format in force for reports of ``year``."""
    for fmt in reversed(all_formats()):
        if fmt.in_force(year):
            return fmt
    raise FormatError(f"没有适用于 {year} 年报告的格式")
