"""A 直辖市 page's table 二: the article item (第二十条第（一）项) in the first column merged down its rows and the
信息内容 labels in the second, so that every figure stands one column to the right of the 2021 layout; each cell
is read under its header, none lost, and the article items are no rows."""

from __future__ import annotations

from pathlib import Path

from helpers.intake.pages import read_page
from helpers.intake.transcribe import transcribe
from tests.conftest import FIXTURES

STANDARD = FIXTURES / "pages" / "standard-2021.html"
BLOCKS = (  # (article item, header of its figures, rows (label, figures)) as the standard page prints them
    ("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"),
     (("规章", ("0", "0", "0")), ("行政规范性文件", ("3", "1", "12")))),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", ("240",)),)),
    ("第二十条第（六）项", ("本年处理决定数量",), (("行政处罚", ("35",)), ("行政强制", ("2",)))),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", ("12.5",)),)),
)


def _cells(texts: tuple[str, ...]) -> str:
    """A row's figure cells: three, or one spanning the three columns."""
    span = ' colspan="3"' if len(texts) == 1 else ""
    return "".join(f"<td{span}>{text}</td>" for text in texts)


def _shifted_page(tmp_path: Path, caption_row: bool = False) -> Path:
    rows = ['<tr><td colspan="5">主动公开政府信息情况</td></tr>'] if caption_row else []
    for item, headers, labelled in BLOCKS:
        rows.append(f'<tr><td rowspan="{len(labelled) + 1}">{item}</td><td>信息内容</td>{_cells(headers)}</tr>')
        rows += [f"<tr><td>{label}</td>{_cells(figures)}</tr>" for label, figures in labelled]
    table = f'<table border="1" cellspacing="0"><tbody>{"".join(rows)}</tbody></table>'
    text = STANDARD.read_text(encoding="utf-8")
    start, end = text.index("<table"), text.index("</table>") + len("</table>")
    path = tmp_path / "shifted.html"
    path.write_text(text[:start] + table + text[end:], encoding="utf-8")
    return path


def test_the_shifted_layout_is_as_the_page_prints_it(tmp_path):
    rows = read_page(_shifted_page(tmp_path)).grids[0].rows
    assert rows[0] == ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert rows[2] == ["第二十条第（一）项", "行政规范性文件", "3", "1", "12"]
    assert rows[-1] == ["第二十条第（八）项", "行政事业性收费", "12.5", "12.5", "12.5"]


def test_table_two_one_column_to_the_right_reads_every_cell_under_its_header(tmp_path):
    want = transcribe(read_page(STANDARD)).data["active"]
    for caption_row in (False, True):
        result = transcribe(read_page(_shifted_page(tmp_path, caption_row)))
        assert result.errors == []
        assert result.data["active"] == want
        assert not any("第二十条" in note for note in result.notes)  # an article item is no row of its own
