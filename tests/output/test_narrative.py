"""Placeholders: filled from recorded values, escaped, sandboxed, and precise when wrong."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from helpers.errors import PlaceholderError
from helpers.output.narrative import NarrativePreprocessor
from helpers.output.notebook import PROSE_META, VALUES_MIME
from helpers.report.placeholders import fill, part_titles

VALUES = {"year": 2018, "organ": {"town": "大信镇"}, "figures": {"published": {"total": 318}}}


def test_fill_reads_nested_values():
    assert fill("{{ year }}年{{organ.town}}公开{{ figures.published.total }}条", VALUES, "c") == (
        "2018年大信镇公开318条"
    )


@pytest.mark.parametrize(
    ("text", "name", "close"), [("{{ yaer }}", "yaer", "year"), ("{{ organ.twn }}", "organ.twn", "organ.town")]
)
def test_unknown_name_is_named_with_its_cell_and_the_closest_name(text, name, close):
    with pytest.raises(PlaceholderError) as caught:
        fill(f"前文{text}后文", VALUES, "模板第 3 个单元格")
    message = str(caught.value)
    assert message.startswith("模板第 3 个单元格") and f"“{name}”" in message and f"应为 {close}？" in message


@pytest.mark.parametrize(
    "attack",
    [
        "{{ organ.__class__.__mro__ }}",
        "{{ year.__class__.__subclasses__() }}",
        "{{ lipsum.__globals__.os.environ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ range(10) }}",
        "{{ 'x' * 100000000 }}",
        "{{ 9 ** 99999999 }}",
        "{{ organ.town.format.__globals__ }}",
    ],
)
def test_sandbox_gives_values_and_nothing_else(attack):
    with pytest.raises(PlaceholderError):
        fill(attack, VALUES, "数据文件")


def test_inserted_values_are_escaped():
    values = {"town": "<script>alert(1)</script>", "link": "[x](javascript:alert(1))"}
    filled = fill("{{ town }}{{ link }}", values, "c")
    assert "<script>" not in filled and "](javascript" not in filled


def test_part_titles_come_from_level_two_headings():
    sources = ["# 标题", "## 概述\n\n正文", "## 二、组织领导\n\n### （一）小节", "## 十、问题"]
    assert part_titles(sources) == ["概述", "组织领导", "问题"]


def _executed(prose: str, markdown: str) -> object:
    values = new_output("display_data", data={VALUES_MIME: VALUES, "text/plain": ""})
    prose_out = new_output(
        "display_data",
        data={"text/html": "<p>未填充</p>"},
        metadata={
            PROSE_META: {"file": "data/daxin/2018.yaml", "line": 40, "part": "“概述”", "markdown": prose}
        },
    )
    return new_notebook(
        cells=[
            new_code_cell("report = open_report(data_file)", outputs=[values]),
            new_markdown_cell("## 概述"),
            new_markdown_cell(markdown),
            new_code_cell('show_prose(report, "overview")', outputs=[prose_out]),
            new_markdown_cell("## 二、其他"),
        ]
    )


def test_preprocessor_fills_cells_and_prose_and_drops_values():
    nb, _ = NarrativePreprocessor().preprocess(
        _executed("{{ organ.town }}<b>粗</b>", "共{{ part_count }}个部分：{{ part_titles | join('、') }}"), {}
    )
    assert nb.cells[2].source == "共2个部分：概述、其他"
    assert nb.cells[3].outputs[0].data == {"text/html": "<p>大信镇&lt;b&gt;粗&lt;/b&gt;</p>\n"}
    assert not nb.cells[0].outputs
    assert nb.metadata.get("title") is None


def test_preprocessor_names_the_data_field_of_a_bad_prose_placeholder():
    with pytest.raises(PlaceholderError) as caught:
        NarrativePreprocessor().preprocess(_executed("{{ organ.mayor }}", "正文"), {})
    assert str(caught.value).startswith("data/daxin/2018.yaml 第 40 行，“概述”：")
    assert "“organ.mayor”" in str(caught.value)


def test_preprocessor_names_the_template_cell_of_a_bad_placeholder():
    with pytest.raises(PlaceholderError) as caught:
        NarrativePreprocessor().preprocess(_executed("正文", "第一行{{ nothing }}"), {})
    assert "模板第 3 个单元格（“第一行{{ nothing }}”）" in str(caught.value)
