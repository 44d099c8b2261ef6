"""The project: its folders, the one rule for what a data file is, and the one place for output names.

A project is the folder holding ``xxgk.toml``; the command line finds it once
(``--project DIR``, else the nearest ancestor of the working folder) and passes
it down. Every path in a ``Project`` is absolute, so nothing later depends on
where a command was started.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from helpers.errors import ProjectError

MARKER = "xxgk.toml"
ROSTER = "roster.yaml"  # the office's changes to who must report (helpers.intake.roster)
SCORING = "scoring.yaml"  # the office's scoring sheet (helpers.report.review)
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


def shown_in(root: Path | None, path: Path) -> str:
    """A data file as published pages and filed documents name it: relative to the project, else
    ``<town>/<year>.yaml`` (never a path of the office's machine)."""
    path = path.resolve()
    if root is not None and path.is_relative_to(root.resolve()):
        return path.relative_to(root.resolve()).as_posix()
    return f"{path.parent.name}/{path.name}"


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


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")
# C0/C1 controls (a line break too: these are one-line names) and bidi controls: never valid in the XML of a Word
# file or workbook, or they reorder what the reader sees.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def unprintable(text: str) -> str:
    """Where one-line ``text`` holds a control or bidi character, in Chinese (第 3 个字符为 U+0007); "" if none."""
    bad = _UNPRINTABLE.search(text)
    return f"第 {bad.start() + 1} 个字符为 U+{ord(bad.group()):04X}" if bad else ""


def visible(text: str) -> str:
    """``text`` safe to print: each control or bidi character shown as its code."""
    return _UNPRINTABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


@dataclass(frozen=True)
class Deadlines:
    """The days, in the year after the report's, by which an organ's report must be with the office and published.

    Each is a (month, day) or None (not checked); publication defaults to 1月31日 (条例第五十条)."""

    submit: tuple[int, int] | None = None
    publish: tuple[int, int] | None = (1, 31)

    def submit_by(self, year: int) -> datetime.date | None:
        return _after(year, self.submit)

    def publish_by(self, year: int) -> datetime.date | None:
        return _after(year, self.publish)


def _after(year: int, day: tuple[int, int] | None) -> datetime.date | None:
    """``day`` of the year after ``year``; none where there is no such day (a file named 9999.yaml, refused by the
    loader, is still listed)."""
    return datetime.date(year + 1, *day) if day and 0 < year < datetime.MAXYEAR else None


@dataclass(frozen=True)
class Settings:
    """What the office sets in ``xxgk.toml``: its deadlines, its own name, and the days it gives for corrections."""

    deadlines: Deadlines = field(default_factory=Deadlines)
    office: str = ""  # the district disclosure office: sender of a 整改通知
    correction_days: int = 5  # a 整改通知 asks for corrections within this many days


def read_settings(path: Path) -> Settings:
    """The settings of ``xxgk.toml``; every wrong value is one Chinese line naming the key, expected and found."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        line = re.search(r"at line (\d+)", str(exc)) if isinstance(exc, tomllib.TOMLDecodeError) else None
        where = f" 第 {line[1]} 行" if line else ""
        raise ProjectError(f"{path}{where}：不是有效的 TOML 设置文件") from None
    problems = []
    deadlines = data.get("deadlines", {})
    days: dict[str, tuple[int, int] | None] = {}
    for key, label, default in (("submit", "报送区政务公开办", None), ("publish", "发布", "01-31")):
        value = deadlines.get(key, default) if isinstance(deadlines, dict) else default
        if value is False or value == "" or value is None:
            days[key] = None
            continue
        match = _MONTH_DAY.match(str(value))
        try:
            if match is None:
                raise ValueError
            datetime.date(2001, int(match[1]), int(match[2]))
            days[key] = (int(match[1]), int(match[2]))
        except ValueError:
            problems.append(f"[deadlines] {key}（{label}期限）：应为次年的“月-日”，如 \"01-31\"，或 false（不检查），"
                            f"实际为 {value!r}")
    office = data.get("office", {})
    name = office.get("name", "") if isinstance(office, dict) else ""
    correction = office.get("correction_days", 5) if isinstance(office, dict) else 5
    if not isinstance(name, str):
        problems.append(f"[office] name（区政务公开办的名称）：应为文字，实际为 {name!r}")
    elif bad := unprintable(name):
        problems.append(f"[office] name（区政务公开办的名称）：应为不含控制字符、双向控制符的一行文字，实际{bad}")
    if not isinstance(correction, int) or isinstance(correction, bool) or not 1 <= correction <= 90:
        problems.append(f"[office] correction_days（整改期限天数）：应为 1 到 90 的整数，实际为 {correction!r}")
    if problems:
        raise ProjectError(f"{path} 的设置有误：\n" + "\n".join(problems))
    return Settings(Deadlines(days["submit"], days["publish"]), name, correction)


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

    @cached_property
    def settings(self) -> Settings:
        """The office's settings from ``xxgk.toml`` (deadlines, its name); read once."""
        return read_settings(self.root / MARKER)

    @property
    def roster(self) -> Path:
        return self.root / ROSTER

    @property
    def scoring(self) -> Path:
        return self.root / SCORING

    def audit_record(self, year: int, district: str) -> Path:
        """The office's record of one district's audits for ``year``: its decisions on findings and each run (in
        the project, so that the year's 整改 history is in git)."""
        return self.root / "audit" / str(year) / f"{district}.yaml"

    def year_files(self) -> list[YearFile]:
        return year_files(self.data)

    def shown(self, path: Path) -> str:
        return shown_in(self.root, path)


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
    def xlsx(self) -> Path:
        return self.folder / f"{self.stem}.xlsx"

    @property
    def zip(self) -> Path:
        return self.folder / f"{self.stem}.zip"

    @property
    def data(self) -> Path:
        """The open-data file: the report's JSON, or the district's CSV."""
        return self.folder / (f"{self.district}.csv" if self.district else f"{self.stem}.json")

    def links(self) -> dict[str, Path]:
        """What the index page links to, by Chinese label."""
        return {"报告": self.html, "Word": self.docx, "PDF": self.pdf, "开放数据": self.data, "执行记录": self.notebook,
                "失败记录": self.failed_notebook}


def summary_stem(district: str) -> str:
    """The output stem of a district's summary."""
    return f"{district}-summary"


def audit_stem(district: str) -> str:
    """The output stem of a district's audit: its page ``.html`` and its workbook ``.xlsx``."""
    return f"{district}-audit"


NO_DISTRICT = "all"  # the output stem of organs that name no district


def reminder_stem(district: str) -> str:
    """The output stem of a district's 催报通知 (``.docx``): the organs whose reports are still to come."""
    return f"{district}-reminder"


def notice_stem(organ: str) -> str:
    """The output stem of an organ's 整改通知 (``.docx``)."""
    return f"{organ}-notice"


def package_stem(district: str) -> str:
    """The output stem of a district's filing package (``.zip``)."""
    return f"{district}-package"
