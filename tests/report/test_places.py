"""Every field a clerk fills is named by the form's own words, and no two fields share a name."""

from __future__ import annotations

import re

import pytest

from helpers.intake.excel import build_workbook
from helpers.report.places import name_of, places


@pytest.mark.parametrize("fmt", ["national-2019", "national-2021"])
def test_every_field_of_the_workbook_has_its_printed_name_and_no_two_share_one(fmt):
    cells = build_workbook(fmt, 2025 if fmt == "national-2021" else 2020).cells
    names = {cell.path: name_of(fmt, cell.path) for cell in cells}
    unnamed = [path for path, name in names.items() if name.startswith("字段 ")]
    assert unnamed == [], unnamed
    assert not [name for name in names.values() if re.search(r"[a-z]", name)]
    shared = {name for name in names.values() if list(names.values()).count(name) > 1}
    assert shared == set(), shared


def test_a_cell_is_named_as_the_official_table_prints_it():
    assert name_of("national-2021", "applications.results.refused.state_secret.natural") == \
        "表三“（三）不予公开 1.属于国家秘密”行“自然人”列"
    assert name_of("national-2021", "appeals.lawsuit_after.pending") == "表四“行政诉讼 复议后起诉 尚未审结”列"
    assert name_of("national-2021", "prose.overview") == "“一、总体情况”"
    assert "active.rules" in places("national-2021") and places("unknown-format") == {}
