"""Word stage: the published page as a .docx in the layout of 党政机关公文格式 (GB/T 9704-2012), for sign-off.

The document is made from the exported page, so that it says exactly what the page says: the title, each
heading and paragraph, every table with its official merged header cells, the 落款. A4, the standard's
margins, 标题 in 小标宋 二号, 正文 in 仿宋_GB2312 三号, 一级标题 in 黑体, 二级标题 in 楷体_GB2312, page numbers
``— 1 —`` at the foot. Each font is named for East Asian text too, so that Word and WPS substitute correctly
where a font is missing. Charts are left out: the figures they show are in the tables.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import html as lxml_html

from helpers.intake.pages import CAPTION_STYLE

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
)
ER_HAO, SAN_HAO, SI_HAO, WU_HAO = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号, 三号, 四号, 五号
LINE = Pt(28.95)  # 22 lines in the 225 mm of the text block
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}  # 天头 37 mm, 版心 156 × 225 mm


@dataclass
class _Cell:
    text: str
    header: bool
    rows: int
    cols: int


def _font(run: Any, name: str, size: Any, bold: bool = False) -> None:
    """A run's font, named for Latin and for East Asian text alike."""
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)


def _paragraph(document: Any, text: str, *, font: str = BODY_FONT, size: Any = SAN_HAO, bold: bool = False,
               align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True) -> Any:
    """One paragraph; a line break in ``text`` stays a line break."""
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    form = paragraph.paragraph_format
    if size == SAN_HAO:
        form.line_spacing_rule, form.line_spacing = WD_LINE_SPACING.EXACTLY, LINE
    form.space_before = form.space_after = Pt(0)
    if indent:
        form.first_line_indent = Pt(32)  # two characters of 三号
    _runs(paragraph, text, font, size, bold)
    return paragraph


def _runs(paragraph: Any, text: str, font: str, size: Any, bold: bool) -> None:
    lines = text.split("\n")
    for number, line in enumerate(lines):
        run = paragraph.add_run(line)
        _font(run, font, size, bold)
        if number < len(lines) - 1:
            run.add_break()


def _text(element: Any) -> str:
    """An element's text as a reader sees it: ``<br>`` a line break, white space collapsed."""
    return "\n".join(" ".join(line.split()) for line in "".join(_pieces(element)).split("\n")).strip()


def _pieces(element: Any) -> Any:
    """The text of an element and its descendants in order, a ``<br>`` as a line break (the tree untouched)."""
    yield element.text or ""
    for child in element:
        if isinstance(child.tag, str):
            yield "\n" if child.tag == "br" else "".join(_pieces(child))
        yield child.tail or ""


def _grid(table: Any) -> list[list[_Cell | None]]:
    """A table's rows as a grid, each spanning cell once at its top left and None where it spans."""
    rows = [tr for part in table if part.tag in ("thead", "tbody", "tfoot") for tr in part if tr.tag == "tr"]
    rows += [tr for tr in table if tr.tag == "tr"]
    grid: list[list[_Cell | None]] = []
    taken: dict[tuple[int, int], bool] = {}
    for r, tr in enumerate(rows):
        grid.append([])
        c = 0
        for cell in tr:
            if cell.tag not in ("th", "td"):
                continue
            while taken.get((r, c)):
                c += 1
            span_r, span_c = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(span_r):
                for dc in range(span_c):
                    taken[(r + dr, c + dc)] = True
            header = cell.tag == "th" and cell.getparent().getparent().tag == "thead"
            placed = _Cell(_text(cell), header or "corner" in cell.get("class", ""), span_r, span_c)
            grid[r].extend([None] * (c + 1 - len(grid[r])))
            grid[r][c] = placed
            c += span_c
    width = max((max((c for (r_, c) in taken if r_ == r), default=-1) + 1 for r in range(len(grid))), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    return grid


def _table(document: Any, table: Any) -> None:
    caption = table.find("caption")
    if caption is not None:  # Word's 题注 (Caption) style, so that a reader of the file knows it is the table's
        written = _paragraph(document, _text(caption), font=HEADING_FONT, size=SI_HAO,
                             align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        written.style = document.styles[CAPTION_STYLE]
    grid = _grid(table)
    if not grid or not grid[0]:
        return
    out = document.add_table(rows=len(grid), cols=len(grid[0]))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    widths = _widths(grid)
    for column, width in zip(out.columns, widths, strict=True):
        column.width = width  # the table's grid, which LibreOffice and WPS follow
    for row in out.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
    for r, row in enumerate(grid):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            target = out.cell(r, c)
            if cell.rows > 1 or cell.cols > 1:
                target = target.merge(out.cell(r + cell.rows - 1, c + cell.cols - 1))
            target.paragraphs[0].text = ""
            align = WD_ALIGN_PARAGRAPH.RIGHT if _is_number(cell.text) else (
                WD_ALIGN_PARAGRAPH.CENTER if cell.header else WD_ALIGN_PARAGRAPH.LEFT
            )
            paragraph = target.paragraphs[0]
            paragraph.alignment = align
            _runs(paragraph, cell.text, BODY_FONT, WU_HAO, cell.header)
    repeat = sum(1 for row in grid if any(c is not None and c.header for c in row))
    for tr in out.rows[:repeat]:
        properties = tr._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")  # the header rows repeat on every page the table runs over
        header.set(qn("w:val"), "true")
        properties.append(header)
    _paragraph(document, "", indent=False)


def _widths(grid: list[list[_Cell | None]]) -> list[Any]:
    """Column widths over the text block: a label column as wide as its longest label needs (within reason),
    the columns of figures alike."""
    need = []
    for c in range(len(grid[0])):
        cells = [cell for row in grid if (cell := row[c]) is not None and cell.cols == 1]
        labels = [cell.text for cell in cells if not cell.header and not _is_number(cell.text)]
        headers = [cell.text for cell in cells if cell.header]
        need.append(max(min(max(map(len, labels), default=0), 8), min(max(map(len, headers), default=0), 4)) + 1)
    total = sum(need)
    return [Cm(15.6 * n / total) for n in need]


def _page_numbers(section: Any) -> None:
    """``— 1 —`` at the foot of every page, 四号 宋体."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run("— "), NUMBER_FONT, SI_HAO)
    run = paragraph.add_run()
    _font(run, NUMBER_FONT, SI_HAO)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), kind)
            run._element.append(field)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._element.append(instruction)
        else:
            shown = OxmlElement("w:t")
            shown.text = text
            run._element.append(shown)
    _font(paragraph.add_run(" —"), NUMBER_FONT, SI_HAO)


def docx_from_page(page: str) -> bytes:
    """The .docx of a report page (the HTML the build exported)."""
    root = lxml_html.document_fromstring(page)
    main = root.find(".//main")
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side, size in MARGINS.items():
        setattr(section, f"{side}_margin", size)
    section.footer_distance = Cm(2.0)
    normal = document.styles["Normal"]
    _font(normal, BODY_FONT, SAN_HAO)
    _page_numbers(section)
    caption = document.styles[CAPTION_STYLE].font  # black and upright like the text, not the template's blue
    caption.color.rgb, caption.italic, caption.bold = RGBColor(0, 0, 0), False, None
    for element in (main.iter() if main is not None else []):
        if not isinstance(element.tag, str):
            continue
        classes = element.get("class", "").split()
        if element.tag == "h1":
            _paragraph(document, _text(element), font=TITLE_FONT, size=ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER,
                       indent=False)
            _paragraph(document, "", indent=False)
        elif element.tag == "h2":
            _paragraph(document, _text(element), font=HEADING_FONT)
        elif element.tag == "h3":
            _paragraph(document, _text(element), font=SUBHEADING_FONT)
        elif element.tag == "table" and "xxgk-table" in classes:
            _table(document, element)
        elif element.tag == "p" and "signature" in classes:
            _paragraph(document, "", indent=False)
            for span in element.findall("span"):
                _paragraph(document, _text(span), align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        elif element.tag == "p" and not _inside(element, ("table", "figure", "li")):
            _paragraph(document, _text(element), bold="sample-notice" in classes)
        elif element.tag == "li" and not _inside(element, ("table",)):
            _paragraph(document, _text(element))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _is_number(text: str) -> bool:
    return text.replace(",", "").replace(".", "", 1).lstrip("+-").removesuffix("%").isdigit()


def _inside(element: Any, tags: tuple[str, ...]) -> bool:
    parent = element.getparent()
    while parent is not None:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False
