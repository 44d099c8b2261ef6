"""Placeholders within a budget: no method calls, no growing filters, no repetition; refused alike by check and
by the build, before any large string is made."""

from __future__ import annotations

import time

import pytest

from helpers.errors import PlaceholderError
from helpers.intake import gather
from helpers.report import checks
from helpers.report.placeholders import MAX_TEXT, MAX_VALUE, fill
from tests.conftest import ROOT

VALUES = {"year": 2025, "organ": {"town": "南湖街道"}, "part_titles": ["总体情况", "存在的主要问题"]}
GROWING = [
    "{{ organ.town.ljust(99999999) }}",
    "{{ organ.town.center(99999999) }}",
    "{{ organ.town | center(99999999) }}",
    "{{ '%99999999s' | format(year) }}",
    "{{ organ.town | replace('南', organ.town) | replace('南', organ.town) }}",
    "{{ organ.town * 99999999 }}",
    "{{ [organ.town] * 99999999 }}",
    "{{ organ.town + organ.town }}",
    "{{ 9 ** 99999999 }}",
    "{{ range(99999999) | list }}",
    "{{ organ.town | indent(99999999) }}",
    "{{ organ.town | wordwrap(1) }}",
    "{{ organ.town.join(part_titles) }}",
]


@pytest.mark.parametrize("attack", GROWING)
def test_growing_placeholders_are_refused_quickly(attack):
    start = time.perf_counter()
    with pytest.raises(PlaceholderError) as caught:
        fill(f"前文{attack}后文", VALUES, "数据文件 prose.overview")
    assert time.perf_counter() - start < 1
    assert str(caught.value).startswith("数据文件 prose.overview：占位符")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{{ year }}年{{ organ.town }}", "2025年南湖街道"),
        ("{{ part_titles | join('、') }}", "总体情况、存在的主要问题"),
        ("{{ part_titles | length }}个部分", "2个部分"),
        ("{{ year - 1 }}", "2024"),
        ("{{ organ.town ~ '办' }}", "南湖街道办"),
    ],
)
def test_looking_values_up_still_works(text, expected):
    assert fill(text, VALUES, "c") == expected


def test_a_value_past_the_budget_is_refused():
    with pytest.raises(PlaceholderError, match=f"最多 {MAX_VALUE} 个字符"):
        fill("{{ big }}", {"big": "字" * (MAX_VALUE + 1)}, "c")
    with pytest.raises(PlaceholderError, match=f"最多 {MAX_TEXT} 个字符"):
        fill("{{ big }}" * 3, {"big": "字" * MAX_VALUE}, "c")


def test_check_refuses_them_with_the_line_of_the_placeholder(write_data):
    text = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8")
    text = text.replace("  overview: |\n", "  overview: |\n    第一行\n    见{{ organ.town.ljust(99999999) }}。\n", 1)
    path = write_data(text, town="nanhu", year="2025")
    _, problems = gather.check_file(path)
    (error,) = checks.errors(problems)
    overview = text.splitlines().index("  overview: |") + 1
    assert error.line == overview + 2 and error.path == "prose.overview"
    assert "占位符中不能调用函数或方法" in str(error)
