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


def test_line_ends_and_a_byte_order_mark_are_kept(tmp_path):
    path = tmp_path / "2026.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + HAND_WRITTEN.replace("\n", "\r\n").encode("utf-8"))
    write_values(path, {"active.rules.issued": 2, "publication.date": "2027-01-20"})
    raw = path.read_bytes()
    ends = HAND_WRITTEN.count("\n") + 1  # and the line the date takes
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n") == ends
    assert b"issued: 2," in raw and b'  date: "2027-01-20"\r\n' in raw


def test_a_text_the_view_wrote_can_be_written_again(tmp_path):
    path = tmp_path / "2026.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    for phone in ("0468-7910006", "0468-7910007，转 2", '带"引号"的号码'):
        write_values(path, {"contact.phone": phone})
        assert YAML(typ="safe").load(path.read_text(encoding="utf-8"))["contact"]["phone"] == phone


def test_a_cell_changed_in_the_file_since_the_view_read_it_is_refused_and_other_changes_are_merged(tmp_path):
    path = tmp_path / "2026.yaml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    write_values(path, {"active.rules.in_force": 7})  # another hand, after the view read in_force as 0
    with pytest.raises(WriteBackError, match="已在别处改为 7（表格中原为 0）"):
        write_values(path, {"active.rules.in_force": 5}, seen={"active.rules.in_force": 0})
    write_values(path, {"active.rules.issued": 3}, seen={"active.rules.issued": None})  # another cell: merged
    doc = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    assert doc["active"]["rules"] == {"issued": 3, "repealed": None, "in_force": 7}


def test_a_cell_given_by_a_yaml_merge_key_is_refused_in_chinese(tmp_path):
    path = tmp_path / "2026.yaml"
    path.write_text(HAND_WRITTEN + "base: &base {upheld: 0, corrected: 0}\nmore:\n  lawsuit_after:\n"
                    "    <<: *base\n    other: 1\n", encoding="utf-8")
    with pytest.raises(WriteBackError, match="合并写法"):
        write_values(path, {"more.lawsuit_after.upheld": 2})


@pytest.mark.slow
def test_two_writers_at_once_never_lose_a_number(tmp_path):
    """The grid's write and the narrative's save, started together in two processes, 12 times: both land."""
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "nanhu" / "2025.yaml", path)
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from helpers.intake.writeback import write_values\n"
        "from helpers.serve.edit import write_narrative\n"
        "path, kind, n, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])\n"
        "time.sleep(max(0, go - time.time()))\n"
        "if kind == 'grid':\n"
        "    write_values(path, {'appeals.reconsideration.upheld': n})\n"
        "else:\n"
        "    write_narrative(path, {'other': f'第{n}次保存的第六部分。'})\n"
    )
    import time

    for n in range(1, 13):
        go = time.time() + 1.5
        procs = [subprocess.Popen([sys.executable, "-c", script, str(path), kind, str(n), str(go)])
                 for kind in ("grid", "prose")]
        assert [p.wait(timeout=60) for p in procs] == [0, 0]
        report = load_report(path)
        assert report.appeals.reconsideration.upheld == n and report.prose.other.strip() == f"第{n}次保存的第六部分。"
