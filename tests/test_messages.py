"""The suite's scan of every message it provokes (tests/conftest.py) finds a field path, and only that."""

from __future__ import annotations

from tests.conftest import field_paths


def test_a_field_named_by_its_path_is_found():
    assert field_paths("字段 applications.received：应为非负整数，实际为空白。") == ["applications.received"]
    assert field_paths("表二：应为填写了数字的单元格，实际为22 个空白单元格（active.enforcement.change）。") == [
        "active.enforcement.change"]


def test_what_a_message_quotes_is_not_a_field_path():
    misspelt = "“一、总体情况”：应为报告中有的名称，实际为占位符 {{ organ.twn }} 中的“organ.twn”。应为 organ.town？"
    assert field_paths(misspelt) == []
    assert field_paths("“发布网址”：应为网址，实际为文本“www.example.gov.cn”。") == []
    assert field_paths("“联系方式”：应为邮箱，实际为 nanhu@example.gov.cn。") == []
