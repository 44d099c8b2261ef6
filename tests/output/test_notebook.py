"""What the template's calls show: in the editing view a part is shown once unless it has values to fill."""

from __future__ import annotations

import dataclasses

import pytest

from helpers.intake.load import load_report
from helpers.output import notebook
from tests.conftest import ROOT


@pytest.fixture
def shown(monkeypatch):
    """The outputs the calls display, in the editing view (its state cleared afterwards)."""
    outputs: list[dict] = []
    monkeypatch.setattr(notebook, "display", lambda data, **kw: outputs.append(data))
    monkeypatch.setattr(notebook, "_live", {})
    notebook.start_editing_view(["总体情况"])
    outputs.clear()
    return outputs


def test_a_part_with_nothing_to_fill_is_not_shown_again_below_its_cell(shown):
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    plain = dataclasses.replace(report, prose=dataclasses.replace(report.prose, overview="全年开放查阅点 3 处。\n"))
    notebook.show_prose(plain, "overview")
    notebook.show_filled(plain, "overview")
    assert shown == []


def test_a_part_with_values_is_shown_once_filled_below_its_cell(shown):
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    notebook.show_prose(report, "overview")
    assert shown == []  # the template's cell: the part's own cells show it in the editing view
    notebook.show_filled(report, "overview")
    [html] = [o["text/html"] for o in shown]
    assert html.startswith('<div class="xxgk-filled">') and "2025年，南湖街道" in html and "{{" not in html


def test_a_blank_quoted_in_the_editing_view_is_not_yet_filled_not_unpublished(shown):
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    blank = dataclasses.replace(report, prose=dataclasses.replace(
        report.prose, overview="收到申请{{ totals.received }}件。\n"), applications=dataclasses.replace(
        report.applications, received=dataclasses.replace(report.applications.received, natural=None)))
    notebook.show_filled(blank, "overview")
    [html] = [o["text/html"] for o in shown]
    assert "收到申请（尚未填写）件" in html and "未公布" not in html


def test_outside_the_editing_view_a_part_is_shown_as_written(monkeypatch):
    outputs: list[dict] = []
    monkeypatch.setattr(notebook, "display", lambda data, **kw: outputs.append(data))
    monkeypatch.setattr(notebook, "_live", {})
    notebook.show_prose(load_report(ROOT / "data" / "nanhu" / "2025.yaml"), "overview")
    [html] = [o["text/html"] for o in outputs]
    assert "{{ year }}" in html and "填入数值后" not in html  # the narrative stage fills it at export
