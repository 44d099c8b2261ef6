"""Parsed data files kept between processes: what is recalled is the report the loader parses (every field,
its lines, the "+" of a change), a changed file is parsed anew, and a damaged or planted entry is never used."""

from __future__ import annotations

import dataclasses
import shutil

import pytest

from helpers.intake import load, parsed
from helpers.report.model import Change
from tests.conftest import FIXTURES, ROOT

FILES = sorted(ROOT.glob("data/*/*.yaml")) + sorted(FIXTURES.glob("published/*/*/*.yaml"))


@pytest.fixture
def kept(tmp_path, monkeypatch):
    folder = tmp_path / "parsed"
    monkeypatch.setenv(parsed.FOLDER, str(folder))
    return folder


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}-{p.stem}")
def test_a_recalled_report_is_the_parsed_one(kept, path):
    text = path.read_text(encoding="utf-8")
    shown = load.display_path(path)
    report = load.parse_report(text, shown, path)
    parsed.keep(text, shown, path, report)
    recalled = parsed.recall(text, shown, path)
    assert recalled == report and type(recalled) is type(report)
    assert recalled.origin == report.origin
    assert _changes(recalled) == _changes(report)  # the "+" a change was written with, too


def _changes(value: object) -> list[str]:
    """Every signed change of a report, as it prints (``+19``)."""
    if isinstance(value, Change):
        return [str(value)]
    if dataclasses.is_dataclass(value):
        return [c for f in dataclasses.fields(value) for c in _changes(getattr(value, f.name))]
    return []


def test_a_changed_file_is_parsed_anew_and_nothing_is_kept_without_the_folder(tmp_path, kept, monkeypatch):
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "nanhu" / "2025.yaml", path)
    first = load.load_report(path)
    assert list(kept.rglob("*.json"))
    path.write_text(path.read_text(encoding="utf-8").replace("licensing: {decisions: 183}",
                                                             "licensing: {decisions: 184}"), encoding="utf-8")
    assert load.load_report(path).active.licensing.decisions == first.active.licensing.decisions + 1
    monkeypatch.delenv(parsed.FOLDER)
    assert parsed.recall(path.read_text(encoding="utf-8"), "x", path) is None


def test_a_damaged_entry_is_not_used(tmp_path, kept):
    path = ROOT / "data" / "nanhu" / "2025.yaml"
    text, shown = path.read_text(encoding="utf-8"), load.display_path(path)
    report = load.parse_report(text, shown, path)
    parsed.keep(text, shown, path, report)
    (entry,) = kept.rglob("*.json")
    entry.write_text('{"format": "national-2021", "year": "not a year"', encoding="utf-8")
    assert parsed.recall(text, shown, path) is None
    entry.write_text('{"format": "no-such-format"}', encoding="utf-8")
    assert parsed.recall(text, shown, path) is None
