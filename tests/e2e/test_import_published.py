"""xxgk import of published reports, round trip: every report the project builds, re-imported from its own
page and from its Word file, gives back the data it was built from (every count, amount, organ field and
prose part); the pages that are not one organ's national-format report are refused in one sentence."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.intake.load import load_report
from helpers.report import tables
from helpers.report.model import NationalReport
from helpers.report.placeholders import fill
from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent
DATA = ROOT / "data"
NATIONAL = sorted(p for p in DATA.glob("*/*.yaml") if isinstance(load_report(p), NationalReport))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("import") / "project")
    shutil.copytree(DATA, project / "data")
    run = subprocess.run([str(BIN / "xxgk"), "build", "--docx"], cwd=project, capture_output=True, text=True,
                         timeout=1800)
    assert run.returncode == 0, run.stdout + run.stderr
    return project / "outputs"


def _import(source: Path, data: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "xxgk"), "import", str(source), "--data", str(data)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)


def _figures(report: NationalReport) -> dict[str, object]:
    """Every figure of a report as its page shows it: counts, amounts and the totals the page prints."""
    active = dataclasses.asdict(report.active)
    if "procurement" in active:  # the unit the table prints (a report to publish naming none prints 万元)
        active["procurement"]["unit"] = tables.amount_unit(report, report.active.procurement)
    shown: dict[str, object] = {
        "active": active,
        "appeals": [(group.counts(), group.shown_total())
                    for group in (report.appeals.reconsideration, report.appeals.lawsuit_direct,
                                  report.appeals.lawsuit_after)],
        "rows": [(path, counts.counts(), counts.shown_total()) for path, _, counts in report.applications.rows()],
        "results_total": report.applications.results.shown_total(),
    }
    if hasattr(report, "processing_fees"):
        shown["processing_fees"] = dataclasses.asdict(report.processing_fees)
    return shown


def _prose(report: NationalReport) -> dict[str, str]:
    values = tables.facts(report)
    return {f.name: fill(getattr(report.prose, f.name), values, f.name).strip()
            for f in dataclasses.fields(report.prose)}


def _same_report(original: NationalReport, imported: NationalReport) -> None:
    assert imported.published and imported.format == original.format and imported.year == original.year
    # The organ as its data file has it; the kind its name says and the title as the page printed it are written
    # too (a published record keeps its printed title), and its 落款's name: the same organ, printed the same.
    core = ("slug", "town", "district", "district_slug", "city")
    assert [getattr(imported.organ, f) for f in core] == [getattr(original.organ, f) for f in core]
    assert imported.organ.kind_or_guess == original.organ.kind_or_guess
    assert tables.title(imported) == tables.title(original)
    assert _figures(imported) == _figures(original)
    assert {k: v for k, v in _prose(imported).items() if k != "preamble"} == \
        {k: v for k, v in _prose(original).items() if k != "preamble"}
    assert imported.prose.preamble.startswith("本报告根据《中华人民共和国政府信息公开条例》")  # as the page printed it
    assert original.publication.site in imported.prose.preamble and "示例数据" not in imported.prose.preamble


@pytest.mark.parametrize("data_file", NATIONAL, ids=lambda p: f"{p.parent.name}-{p.stem}")
@pytest.mark.parametrize("kind", ["html", "docx"])
def test_a_built_report_reimported_gives_back_its_data(built, tmp_path, data_file, kind):
    source = built / data_file.stem / f"{data_file.parent.name}.{kind}"
    run = _import(source, tmp_path / "data")
    assert run.returncode == 0, run.stdout + run.stderr
    written = tmp_path / "data" / data_file.parent.name / data_file.name
    assert f"已导入 → {written}" in run.stdout
    _same_report(load_report(data_file), load_report(written))


def test_an_imported_page_builds(built, tmp_path):
    project = make_project(tmp_path / "project")
    run = _import(built / "2025" / "nanhu.html", project / "data")
    assert run.returncode == 0, run.stdout
    build = subprocess.run([str(BIN / "xxgk"), "build"], cwd=project, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stdout + build.stderr
    page = (project / "outputs" / "2025" / "nanhu.html").read_text(encoding="utf-8")
    assert "南湖街道2025年" in page and "20.15" in page


@pytest.mark.parametrize(("stem", "says"), [
    ("2025/yangli-summary.html", "这是区汇总页面"),
    ("index.html", "这不是政府信息公开工作年度报告"),
])
def test_pages_that_are_not_one_organs_national_report_are_refused_in_one_sentence(built, tmp_path, stem, says):
    run = _import(built / stem, tmp_path / "data")
    assert run.returncode == 1
    first = run.stdout.splitlines()[0]
    assert says in first and "Traceback" not in run.stdout + run.stderr
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.yaml"))
