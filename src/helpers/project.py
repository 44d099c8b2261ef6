"""The project: its folders, the one rule for what a data file is, and the one place for output names.

A project is the folder holding ``xxgk.toml``; the command line finds it once
(``--project DIR``, else the nearest ancestor of the working folder) and passes
it down. Every path in a ``Project`` is absolute, so nothing later depends on
where a command was started.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from helpers.errors import ProjectError

MARKER = "xxgk.toml"
DISTRICT_TEMPLATE = "district_summary.ipynb"
_YEAR_STEM = re.compile(r"^\d{4}$")
# Editors' droppings never count as data: JupyterLab's checkpoints, hidden folders, backups.
_IGNORED_DIRS = re.compile(r"^\.|^__|checkpoints$")


@dataclass(frozen=True)
class YearFile:
    """``<data>/<town>/<year>.yaml``: one organ's data for one year."""

    path: Path
    town: str
    year: int


def year_file(path: Path) -> YearFile | None:
    """The data file ``path`` names, if it follows the layout ``<town>/<year>.yaml``; else None."""
    if path.suffix != ".yaml" or not _YEAR_STEM.match(path.stem) or _IGNORED_DIRS.search(path.parent.name):
        return None
    return YearFile(path, path.parent.name, int(path.stem))


def _listed(paths: Iterable[Path]) -> list[YearFile]:
    """The data files among ``paths``: regular files that follow the layout, by town then year."""
    found = [year_file(p) for p in paths if p.is_file()]
    return sorted((f for f in found if f is not None), key=lambda f: (f.town, f.year))


def year_files(data_dir: Path) -> list[YearFile]:
    """Every data file of a data folder, by town then year."""
    return _listed(data_dir.glob("*/*.yaml"))


def year_files_of_town(town_dir: Path) -> list[YearFile]:
    """Every data file of one town's folder, oldest first."""
    return _listed(town_dir.glob("*.yaml"))


def strays(data_dir: Path) -> list[str]:
    """What looks like a data file but is none (a folder named ``2025.yaml``, a broken link), as lines to print."""
    found = []
    for path in sorted(data_dir.rglob("*.yaml")):
        if year_file(path) is not None and not path.is_file():
            what = "目录" if path.is_dir() else "失效的链接" if path.is_symlink() else "不是普通文件"
            found.append(f"跳过 {path}：{what}，不是数据文件")
    return found


def data_files_under(path: Path) -> list[Path]:
    """The data files a user means by ``path``: the file itself, or every data file below a folder."""
    if not path.is_dir():
        return [path]
    found = [year_file(p) for p in sorted(path.rglob("*.yaml")) if p.is_file()]
    return [f.path for f in found if f is not None and not any(_IGNORED_DIRS.search(part) for part in f.path.parts)]


@dataclass(frozen=True)
class Project:
    """A project's folders, all absolute."""

    root: Path
    data: Path
    notebooks: Path
    outputs: Path
    params: Path

    @classmethod
    def at(
        cls, root: Path, *, data: Path | None = None, notebooks: Path | None = None, outputs: Path | None = None
    ) -> Project:
        """The project rooted at ``root``; any folder may be put elsewhere (relative paths: to the working folder)."""
        root = root.resolve()
        return cls(
            root,
            (data or root / "data").resolve(),
            (notebooks or root / "notebooks").resolve(),
            (outputs or root / "outputs").resolve(),
            (root / "params").resolve(),
        )

    @classmethod
    def find(cls, start: Path, **folders: Path | None) -> Project:
        """The project holding ``start``: the nearest folder, ``start`` or above, with ``xxgk.toml``."""
        start = start.resolve()
        for folder in (start, *start.parents):
            if (folder / MARKER).is_file():
                return cls.at(folder, **folders)
        raise ProjectError(
            f"{start} 及其上级目录中都没有 {MARKER}，找不到项目目录；请在项目目录中运行，或用 --project 指定。"
        )

    @property
    def parsed(self) -> Path:
        """Where a build keeps parsed data files between its processes (``helpers.intake.parsed``)."""
        return self.outputs / ".cache" / "parsed"

    def template(self, name: str) -> Path:
        return self.notebooks / name

    def year_files(self) -> list[YearFile]:
        return year_files(self.data)


OUTPUT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")  # a town's or district's code, or <district>-summary
REPORT_KEY = re.compile(r"^\d{4}/[a-z0-9][a-z0-9_-]{0,99}$")  # a report's key in the manifest: <year>/<stem>


@dataclass(frozen=True)
class Outputs:
    """The files a report or a district summary writes under ``<outputs>/<year>/``."""

    out_dir: Path
    year: int
    stem: str  # the town's code, or ``<district>-summary``
    district: str = ""

    def __post_init__(self) -> None:
        # Every name below comes from a validated code; this holds even if one did not (a file planted where a
        # build reads back): an output path never leaves <outputs>/<year>/.
        if not (OUTPUT_NAME.match(self.stem) and (not self.district or OUTPUT_NAME.match(self.district))
                and isinstance(self.year, int) and 1000 <= self.year <= 9999):
            shown = f"{str(self.year)[:10]}/{self.stem[:60]}"
            raise ProjectError(f"无效的输出文件名：{shown}（只能由小写字母、数字、- 或 _ 组成）")

    @property
    def folder(self) -> Path:
        return self.out_dir / str(self.year)

    @property
    def html(self) -> Path:
        return self.folder / f"{self.stem}.html"

    @property
    def notebook(self) -> Path:
        return self.folder / f"{self.stem}.ipynb"

    @property
    def failed_notebook(self) -> Path:
        return self.folder / f"{self.stem}.failed.ipynb"

    @property
    def pdf(self) -> Path:
        return self.folder / f"{self.stem}.pdf"

    @property
    def docx(self) -> Path:
        return self.folder / f"{self.stem}.docx"

    @property
    def data(self) -> Path:
        """The open-data file: the report's JSON, or the district's CSV."""
        return self.folder / (f"{self.district}.csv" if self.district else f"{self.stem}.json")

    def links(self) -> dict[str, Path]:
        """What the index page links to, by Chinese label."""
        return {"报告": self.html, "开放数据": self.data, "执行记录": self.notebook, "失败记录": self.failed_notebook}


def summary_stem(district: str) -> str:
    """The output stem of a district's summary."""
    return f"{district}-summary"
