"""Values from the editing view written back: the file diffs in the cells set only, and what cannot be written so
is refused in Chinese with the file left as it was."""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from helpers.intake.load import load_report
from helpers.intake.writeback import WriteBackError, set_values, write_values
from tests.conftest import ROOT, make_project

HAND_WRITTEN = """\
# 手写的数据文件：注释、引号和空白都要原样保留
format: national-2021
year: 2026
publication:
  site: '某某区人民政府门户网站'   # 单引号
  url: https://www.example.gov.cn/
contact:
  office: 党政办公室
active:
  rules: {issued: , repealed: ~, in_force: 0}   # 行尾注释
  fees: {amount: }
appeals:
  reconsideration: {upheld: 1, corrected: , other: , pending: }
  lawsuit_direct:
    upheld:
    corrected: 0  # 已核对
"""


def _changed(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_only_the_cells_set_change_and_every_other_byte_stays():
    after = set_values(HAND_WRITTEN, "2026.yaml", {
        "active.rules.issued": 3, "appeals.reconsideration.pending": 0, "appeals.lawsuit_direct.upheld": 2,
        "active.fees.amount": Decimal("28.46"), "appeals.reconsideration.upheld": None,
    })
    assert sorted(_changed(HAND_WRITTEN, after)) == sorted([
        "-  rules: {issued: , repealed: ~, in_force: 0}   # 行尾注释",
        "-  fees: {amount: }",
        "-  reconsideration: {upheld: 1, corrected: , other: , pending: }",
        "-    upheld:",
        "+  rules: {issued: 3, repealed: ~, in_force: 0}   # 行尾注释",
        "+  fees: {amount: 28.46}",
        "+  reconsideration: {upheld: , corrected: , other: , pending: 0}",
        "+    upheld: 2",
    ])


def test_a_field_the_file_lacks_is_added_to_its_mapping_and_text_is_quoted_as_typed():
    after = set_values(HAND_WRITTEN, "2026.yaml", {"publication.date": "2027-01-20",
                                                    "contact.phone": "0468-7910006，地址：连生村"})
    assert _changed(HAND_WRITTEN, after) == ['+  date: "2027-01-20"', '+  phone: "0468-7910006，地址：连生村"']


def test_what_cannot_be_written_in_place_is_refused_and_nothing_is_written(tmp_path):
    path = tmp_path / "2026.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    with pytest.raises(WriteBackError, match="值写法特殊"):
        write_values(path, {"publication.site": "新网站"})  # a quoted value: changed by hand, not here
    with pytest.raises(WriteBackError, match="一组"):
        write_values(path, {"applications.received.natural": 3})  # no 表三 in this file
    assert path.read_text(encoding="utf-8") == HAND_WRITTEN


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["active.rules.issued", "active.rules.repealed", "active.fees.amount",
                                        "appeals.reconsideration.corrected", "appeals.lawsuit_direct.corrected",
                                        "appeals.lawsuit_direct.upheld"]),
                       st.one_of(st.none(), st.integers(0, 10**9)), min_size=1))
def test_any_values_set_read_back_as_set_with_the_rest_unchanged(values):
    after = set_values(HAND_WRITTEN, "2026.yaml", values)
    skeleton = re.compile(r"(\w+):[^,}#\n]*")
    assert [skeleton.sub(r"\1:", line).rstrip() for line in after.splitlines()] == [
        skeleton.sub(r"\1:", line).rstrip() for line in HAND_WRITTEN.splitlines()]  # keys, comments, layout
    doc = YAML(typ="safe").load(after)
    for path, value in values.items():
        group, row, key = path.split(".")
        assert doc[group][row][key] == value


def test_a_new_year_file_filled_cell_by_cell_loads_with_the_numbers(tmp_path):
    project = make_project(tmp_path / "p")
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    run = subprocess.run([str(Path(sys.executable).parent / "xxgk"), "new-year", "2026", "--town", "nanhu"],
                         cwd=project, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    path = project / "data" / "nanhu" / "2026.yaml"
    before = path.read_text(encoding="utf-8")
    write_values(path, {"applications.received.natural": 5, "applications.results.granted.natural": 4,
                        "publication.date": "2027-01-20"})
    after = path.read_text(encoding="utf-8")
    assert len(_changed(before, after)) == 5  # two rows out, two in, the date added
    assert "  received: {natural: 5, commercial: , research: , social: , legal: , other: }" in after
    with pytest.raises(Exception) as refused:
        load_report(path)  # the rest is still blank: not yet a report, and says so
    assert "尚未填写" in str(refused.value)
