"""The corpus of real published reports (tests/corpus): import rate, field-, cell- and prose-exactness at least as
the README states them, for pages, Word files and PDFs; the reports built from the imported pages show every
cell as published and no sentence that is not in their source, but for the note on a part not seen."""

from __future__ import annotations

import importlib.util
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from lxml import html as lxml_html

from helpers.intake.importer import import_file
from helpers.intake.load import parse_report
from helpers.output.layout import format_value
from helpers.output.notebook import UNSEEN
from helpers.report import formats
from tests.conftest import ROOT, make_project
from tests.e2e.test_build import xxgk

CORPUS = ROOT / "tests" / "corpus"
REPORTS = sorted(p for p in CORPUS.iterdir() if (p / "truth.yaml").is_file())
TYPES = {"网页": "html", "Word": "docx", "PDF": "pdf"}
_spec = importlib.util.spec_from_file_location("corpus_bench", ROOT / "benchmarks" / "corpus.py")
assert _spec is not None and _spec.loader is not None
bench: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def stated() -> dict[str, dict[str, tuple[int, int]]]:
    """The README's corpus table: per source type, each measure as (matching, of)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### 真实报告语料"):]
    rows: dict[str, dict[str, tuple[int, int]]] = {}
    for name, kind in TYPES.items():
        line = re.search(rf"^\| {name} \|(.*)\|$", section, re.M)
        assert line, name
        pairs = [tuple(map(int, m)) for m in re.findall(r"(\d+)/(\d+)", line.group(1))]
        rows[kind] = dict(zip(("imported", "fields", "cells", "prose", "shown"), pairs, strict=False))
    return rows


def test_corpus_imports_at_least_as_the_readme_states():
    rows = bench.run([], list(TYPES.values()))
    totals = bench.totals(rows)
    for kind, measures in stated().items():
        got = totals[kind]
        assert (got["imported"], got["reports"]) >= measures["imported"][:1] + (0,), (kind, got)
        assert got["reports"] == measures["imported"][1] == len(REPORTS)
        for measure in ("fields", "cells", "prose"):
            matching, of = got[measure]
            assert of == measures[measure][1], (kind, measure, got[measure])  # the same truth, all of it
            assert matching >= measures[measure][0], (kind, measure, got[measure], measures[measure])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Every corpus page imported into one project and built."""
    base = make_project(tmp_path_factory.mktemp("corpus"))
    written: dict[str, Path] = {}
    for folder in REPORTS:
        result = import_file(folder / "source.html", base / "data", keep_invalid=True)
        if result.written is not None:
            written[folder.name] = result.written
    run = xxgk("build", "-j", "2", cwd=base)
    assert "Traceback" not in run.stdout + run.stderr
    return base, written


def _truth(folder: Path, written: Path) -> Any:
    """The truth as a report, under the organ's code the import chose."""
    from ruamel.yaml import YAML

    yaml = YAML()
    doc = yaml.load((folder / "truth.yaml").read_text(encoding="utf-8"))
    doc["organ"]["slug"] = written.parent.name
    out = StringIO()
    yaml.dump(doc, out)
    return parse_report(out.getvalue(), "truth.yaml")


def _page_cells(page: str) -> list[pd.DataFrame]:
    try:
        return pd.read_html(StringIO(page), keep_default_na=False, thousands=None, flavor="lxml")
    except ValueError:  # a page with no table at all
        return []


def _row_label(label: object) -> str:
    """A table row's own label: the last non-empty level of a row index (表三's sub-rows under their group)."""
    levels = label if isinstance(label, tuple) else (label,)
    return next((str(level) for level in reversed(levels) if str(level)), "")


def shown_cells(frame: pd.DataFrame, page_tables: list[pd.DataFrame]) -> tuple[int, int]:
    """How many of a truth table's known cells the page prints, row by row under its own label, column by column
    in the table's order; and how many there are."""
    rows = [[str(v) for v in row] for table in page_tables for row in table.to_numpy().tolist()]
    width = len(frame.columns)
    shown = known = 0
    for label, values in zip(frame.index, frame.itertuples(index=False), strict=True):
        wanted = [(j, format_value(v)[0]) for j, v in enumerate(values) if v is not None]
        known += len(wanted)
        page = next((r for r in rows if len(r) > width and _row_label(label) in r[:-width]), None)
        if page is not None:
            shown += sum(1 for j, text in wanted if page[len(page) - width + j] == text)
    return shown, known


def test_each_built_page_shows_every_published_cell_as_published(built):
    base, written = built
    shown, cells = 0, 0
    for folder in REPORTS:
        if folder.name not in written:
            continue
        report = _truth(folder, written[folder.name])
        path = base / "outputs" / str(report.year) / f"{written[folder.name].parent.name}.html"
        page_tables = _page_cells(path.read_text(encoding="utf-8")) if path.is_file() else []
        fmt = formats.of(report)
        for name, frames in fmt.tables(report).items() if fmt.prescribed_tables else ():  # 2008: figures in text
            for frame in frames if report.seen(name) else []:
                got, known = shown_cells(frame, page_tables)
                shown, cells = shown + got, cells + known
    measures = stated()["html"]
    assert shown >= measures["shown"][0] and cells == measures["shown"][1], (shown, cells)


def _sentences(page: str) -> list[str]:
    """The sentences of a page's paragraphs and list items (not its tables and headings), white space removed."""
    tree = lxml_html.fromstring(page)
    texts = ["".join(p.text_content().split()) for p in tree.iter("p", "li") if not p.xpath("ancestor::table")]
    return [s for text in texts for s in re.split(r"(?<=[。！？])", text) if len(s) >= 4]


def _plain(text: str) -> str:
    return re.sub(r"[\s*_#>`\\]", "", text)


def test_no_built_page_says_a_sentence_its_source_did_not(built):
    base, written = built
    checked = 0
    for folder in REPORTS:
        if folder.name not in written:
            continue
        data = written[folder.name]
        year = data.stem
        page = base / "outputs" / year / f"{data.parent.name}.html"
        if not page.is_file():
            continue
        source = _plain(lxml_html.fromstring((folder / "source.html").read_bytes()).text_content())
        for sentence in _sentences(page.read_text(encoding="utf-8")):
            if sentence == UNSEEN or sentence.startswith("注："):
                continue
            assert _plain(sentence) in source, (folder.name, sentence)
            checked += 1
    assert checked >= 40


def test_the_corpus_is_real_and_apart_from_the_fixtures():
    """Each report names the page it came from; at least 20 reports of at least 8 kinds of organ."""
    kinds = set()
    for folder in REPORTS:
        meta = bench.load_yaml(folder / "meta.yaml")
        assert str(meta["url"]).startswith("http")
        kinds.add(meta.get("kind_detail") or meta["kind"])
        assert {p.name for p in folder.iterdir()} >= {"source.html", "source.docx", "source.pdf", "truth.yaml"}
    assert len(REPORTS) >= 20 and len(kinds) >= 8
