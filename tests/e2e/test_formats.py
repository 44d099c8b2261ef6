"""A new report format touches its own module and template only: a toy format, installed as a plug-in through
the ``xxgk.formats`` entry point group, is checked, built (HTML and JSON), summarised and offered as a workbook
by the unchanged tool."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from tests.conftest import make_project, visible_text

BIN = Path(sys.executable).parent

TOY_MODULE = '''
"""A toy report format: visits and calls of a reception office, with one rule and one table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.report.checks import problem_at
from helpers.errors import Problem
from helpers.report.formats import ReportFormat
from helpers.report.model import Markdown, Report


@dataclass(frozen=True)
class ToyProse:
    overview: Markdown


@dataclass(frozen=True)
class ToyFigures:
    visits: int
    calls: int


@dataclass(frozen=True)
class ToyReport(Report):
    prose: ToyProse
    figures: ToyFigures


class Toy(ReportFormat[ToyReport]):
    name = "toy-1990"
    label = "来访来电报告"
    report_class = ToyReport
    template = "toy.ipynb"
    first_year = 1990
    last_year = 1999
    prose_parts = {"overview": "一、概述"}
    figure_fields = ("figures",)

    def checks(self, report: ToyReport, previous: Report | None) -> list[Problem]:
        f = report.figures
        if f.calls <= f.visits:
            return []
        expected = f"不超过来访人次 {f.visits} 的来电次数"
        return [problem_at(report, "figures.calls", expected=expected, found=str(f.calls))]

    def facts(self, report: ToyReport) -> dict[str, Any]:
        return {"totals": {"contacts": report.figures.visits + report.figures.calls}}

    def tables(self, report: ToyReport) -> dict[str, list[pd.DataFrame]]:
        frame = pd.DataFrame(
            [[report.figures.visits], [report.figures.calls]], index=["来访（人次）", "来电（次）"], columns=["数量"]
        )
        frame.attrs.update(caption="来访来电情况", corner="项目", fields=[["figures.visits"], ["figures.calls"]])
        return {"figures": [frame]}

    def headline(self, report: ToyReport) -> dict[str, int]:
        return {"来访（人次）": report.figures.visits, "来电（次）": report.figures.calls}
'''

TOY_DATA = """
format: toy-1990
year: {year}
organ: {{slug: {slug}, town: {town}, district: 玩具区, district_slug: toyland, city: 玩具市}}
publication: {{site: 玩具网, url: "https://toy.example/", column: 年报, filed_with: 玩具区办公室}}
contact: {{office: {town}办公室, phone: "0000", email_name: 邮箱, email: toy@example.org}}
figures: {{visits: {visits}, calls: {calls}}}
prose:
  overview: |
    {{{{ year }}}}年，{{{{ organ.town }}}}接待来访{{{{ figures.visits }}}}人次。
"""


def _template() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('data_file = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [
        nbformat.v4.new_markdown_cell("# {{ organ.town }}{{ year }}年来访来电报告"),
        params,
        nbformat.v4.new_code_cell(
            "from helpers.output.notebook import open_report, show_prose, show_tables\n\n"
            "report = open_report(data_file)"
        ),
        nbformat.v4.new_markdown_cell("## 一、概述"),
        nbformat.v4.new_code_cell('show_prose(report, "overview")'),
        nbformat.v4.new_markdown_cell("## 二、来访来电\n\n全年来访来电共{{ totals.contacts }}人次。"),
        nbformat.v4.new_code_cell('show_tables(report, "figures")'),
    ]
    return nb


@pytest.fixture
def toy(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A project with the toy format's template and two towns, and an environment where the plug-in is installed."""
    site = tmp_path / "site"
    (site / "toyformat-1.0.dist-info").mkdir(parents=True)
    (site / "toyformat.py").write_text(textwrap.dedent(TOY_MODULE), encoding="utf-8")
    (site / "toyformat-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: toyformat\nVersion: 1.0\n", encoding="utf-8"
    )
    (site / "toyformat-1.0.dist-info" / "entry_points.txt").write_text(
        "[xxgk.formats]\ntoy-1990 = toyformat:Toy\n", encoding="utf-8"
    )
    base = make_project(tmp_path / "project")
    nbformat.write(_template(), base / "notebooks" / "toy.ipynb")
    for slug, town, visits, calls in (("north", "北站", 40, 12), ("south", "南站", 25, 30)):
        path = base / "data" / slug / "1995.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(TOY_DATA.format(year=1995, slug=slug, town=town, visits=visits, calls=calls), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))}
    return base, env


def xxgk(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_toy_format_is_checked_built_and_summarised_without_touching_the_tool(toy):
    base, env = toy
    check = xxgk(env, base, "check")
    assert check.returncode == 1, check.stdout
    assert "data/north/1995.yaml：通过" in check.stdout
    expected = ("data/south/1995.yaml 第 7 行，来访来电情况“来电（次）”行“数量”列："
                "应为不超过来访人次 25 的来电次数，实际为30。")
    assert expected in check.stdout

    south = base / "data" / "south" / "1995.yaml"
    south.write_text(south.read_text(encoding="utf-8").replace("calls: 30", "calls: 5"), encoding="utf-8")
    build = xxgk(env, base, "build", "-j", "2")
    assert build.returncode == 0, build.stdout + build.stderr
    assert "生成 3 份" in build.stdout  # two reports and the district summary

    page = visible_text((base / "outputs/1995/north.html").read_text(encoding="utf-8"))
    assert "北站1995年来访来电报告" in page and "全年来访来电共52人次" in page
    assert "1995年，北站接待来访40人次" in page and "来访来电情况" in page
    data = json.loads((base / "outputs/1995/north.json").read_text(encoding="utf-8"))
    assert data["format"] == "toy-1990" and data["figures"] == {"figures": {"visits": 40, "calls": 12}}
    assert data["tables"]["figures"][0]["cells"] == [[40], [12]] and data["totals"] == {"contacts": 52}
    assert data["headline"] == {"来访（人次）": 40, "来电（次）": 12}

    summary = visible_text((base / "outputs/1995/toyland-summary.html").read_text(encoding="utf-8"))
    assert "根据玩具区2个镇（街道）" in summary and "本年度报告格式不含此表" in summary
    assert (base / "outputs/1995/toyland.csv").read_text(encoding="utf-8-sig").splitlines()[1:] == [
        "北站,north,40,12",
        "南站,south,25,5",
    ]

    workbook = xxgk(env, base, "excel-template", "--format", "toy-1990", "--year", "1996", "--out", "toy.xlsx")
    assert workbook.returncode == 0, workbook.stdout + workbook.stderr
    assert (base / "toy.xlsx").stat().st_size > 0


def test_without_the_plug_in_the_format_is_unknown_with_a_chinese_message(toy):
    base, _ = toy
    check = xxgk(dict(os.environ), base, "check", "data/north/1995.yaml")
    assert check.returncode == 1
    known = "legacy-2008、national-2019、national-2021"
    assert f"“报告格式”：应为已知的报告格式（{known}），实际为文本“toy-1990”" in check.stdout
