"""Word stage: the published page as a .docx in the layout of 党政机关公文格式 (GB/T 9704-2012), for sign-off.

The document is made from the exported page, so that it says exactly what the page says: the title, each
heading and paragraph, every table with its official merged header cells, the 落款. A4, the standard's
margins, 标题 in 小标宋 二号, 正文 in 仿宋_GB2312 三号, 一级标题 in 黑体, 二级标题 in 楷体_GB2312, page numbers
``— 1 —`` at the foot. Each font is named for East Asian text too, so that Word and WPS substitute correctly
where a font is missing. Charts are left out: the figures they show are in the tables.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor, Twips
from lxml import html as lxml_html

from helpers.intake.pages import CAPTION_STYLE
from helpers.output.layout import SHORT_LABEL, text_em

TITLE_FONT, BODY_FONT, HEADING_FONT, SUBHEADING_FONT, NUMBER_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
)
ER_HAO, SAN_HAO, SI_HAO, WU_HAO = Pt(22), Pt(16), Pt(14), Pt(10.5)  # 二号, 三号, 四号, 五号
LINE = Pt(28.95)  # 22 lines in the 225 mm of the text block
MARGINS = {"top": Cm(3.7), "bottom": Cm(3.5), "left": Cm(2.8), "right": Cm(2.6)}  # 天头 37 mm, 版心 156 × 225 mm
# A landscape page for a table too wide for the 版心: the same margins turned with the page.
LANDSCAPE_MARGINS = {"top": Cm(2.8), "bottom": Cm(2.6), "left": Cm(3.7), "right": Cm(3.5)}
LANGUAGE = "zh-CN"  # for East Asian text too: Word and WPS then use Chinese glyph forms and line-breaking rules
TITLE_TAIL = re.compile(r"政府信息公开工作年度报告(?:汇总)?$")
CELL_MARGIN = Pt(2.85)  # a table cell's left and right margins (0.1 cm)
TABLE_SIZES = (WU_HAO, Pt(9))  # 五号, else 小五 where 五号 does not fit
ROOMY = 1.3  # a size is roomy when its columns would like at most this much more than the text width
LATIN_RUN = re.compile(r"(?:https?://|www\.)\S+|[\x21-\x7e]{16,}")  # a URL or long Latin text


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
    # A justified line before a URL (which cannot break) is spread out letter by letter: such a paragraph is set
    # flush left instead.
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if align == WD_ALIGN_PARAGRAPH.JUSTIFY and LATIN_RUN.search(text) \
        else align
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
    """A table with its caption: columns sized from their content at 五号 (小五 where 五号 does not fit), on a
    landscape page of its own where the 版心 is too narrow even so."""
    grid = _grid(table)
    size, widths, landscape = _fit(grid) if grid and grid[0] else (WU_HAO, [], False)
    if landscape:
        _new_section(document, landscape=True)
    caption = table.find("caption")
    if caption is not None:  # Word's 题注 (Caption) style, so that a reader of the file knows it is the table's
        written = _paragraph(document, _text(caption), font=HEADING_FONT, size=SI_HAO,
                             align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        written.style = document.styles[CAPTION_STYLE]
    if widths:
        _fill(document, grid, size, widths)
    _paragraph(document, "", indent=False)
    if landscape:
        _new_section(document, landscape=False)


def _fill(document: Any, grid: list[list[_Cell | None]], size: Any, widths: list[Any]) -> None:
    out = document.add_table(rows=len(grid), cols=len(grid[0]))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(CELL_MARGIN.pt * 20)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    out._tbl.tblPr.append(margins)
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
            _runs(paragraph, cell.text, BODY_FONT, size, cell.header)
    repeat = sum(1 for row in grid if any(c is not None and c.header for c in row))
    for number, tr in enumerate(out.rows):
        properties = tr._tr.get_or_add_trPr()
        whole = OxmlElement("w:cantSplit")  # a row is never cut by a page break (its label read in two halves)
        whole.set(qn("w:val"), "true")
        properties.append(whole)
        if number < repeat:
            header = OxmlElement("w:tblHeader")  # the header rows repeat on every page the table runs over
            header.set(qn("w:val"), "true")
            properties.append(header)


def _fit(grid: list[list[_Cell | None]]) -> tuple[Any, list[Any], bool]:
    """The table's type size, column widths and whether it needs a landscape page: the first of 五号 and 小五,
    portrait then landscape, at which every column holds its short labels and numbers unbroken."""
    for landscape in (False, True):
        room = text_width(landscape).pt
        fitting = [(size, *_needs(grid, size.pt)) for size in TABLE_SIZES]
        fitting = [(size, need, want) for size, need, want in fitting if sum(need) <= room]
        # 五号 unless its long labels (表三's) would wrap far more than at 小五
        roomy = [f for f in fitting if sum(f[2]) <= ROOMY * room]
        for size, need, want in roomy[:1] or fitting[:1]:
            return size, [_twips(w) for w in _spread(need, want, room)], landscape
    size = TABLE_SIZES[-1]  # wider than a landscape page even so: columns in proportion, labels may break
    need, _ = _needs(grid, size.pt)
    room = text_width(True).pt
    return size, [_twips(room * n / sum(need)) for n in need], True


def _twips(points: float) -> Any:
    """A width in whole twips, rounded down, as Word stores it: the columns never add up to more than the room."""
    return Twips(int(points * 20))


def _needs(grid: list[list[_Cell | None]], size: float) -> tuple[list[float], list[float]]:
    """Each column's width in points: the least that holds its short labels (at most ``SHORT_LABEL``
    characters) and numbers on one line, and what it would like (its longer labels on fewer lines)."""
    margins = 2 * CELL_MARGIN.pt + 1.0  # and the rules
    need, want = [], []
    for c in range(len(grid[0])):
        cells = [cell for row in grid if (cell := row[c]) is not None and cell.cols == 1]
        least, liked = 1.0, 1.0
        for cell in cells:
            for line in cell.text.split("\n"):
                em = text_em(line)
                if _is_number(line) or len(line) <= SHORT_LABEL:
                    least, liked = max(least, em), max(liked, em)
                else:
                    least, liked = max(least, min(em, SHORT_LABEL)), max(liked, min(em, 10.0))
        need.append(least * size + margins)
        want.append(liked * size + margins)
    return need, want


def _spread(need: list[float], want: list[float], room: float) -> list[float]:
    """Widths that fill ``room``: each column its need, the rest shared as the columns would like it."""
    if sum(want) <= room:
        return [w * room / sum(want) for w in want]
    extra = [w - n for n, w in zip(need, want, strict=True)]
    spare = room - sum(need)
    return [n + spare * e / sum(extra) for n, e in zip(need, extra, strict=True)]


def text_width(landscape: bool) -> Any:
    """The width of the text block: the 版心 (156 mm), or a landscape page's."""
    if landscape:
        return Emu(Cm(29.7) - LANDSCAPE_MARGINS["left"] - LANDSCAPE_MARGINS["right"])
    return Emu(Cm(21.0) - MARGINS["left"] - MARGINS["right"])


def _new_section(document: Any, *, landscape: bool) -> None:
    """A new page in the orientation asked for; its page numbers go on from the last page's."""
    _page_setup(document.add_section(WD_SECTION.NEW_PAGE), landscape=landscape)


def _page_setup(section: Any, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side, size in (LANDSCAPE_MARGINS if landscape else MARGINS).items():
        setattr(section, f"{side}_margin", size)
    section.footer_distance = Cm(2.0)


def _chinese(document: Any) -> None:
    """The document's languages: Chinese for East Asian text, in the default run properties and the theme's."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)
    for rid, rel in list(document.part.rels.items()):  # Word 2010's copy of the styles, in English: not needed
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rid)
    theme = document.settings.element.find(qn("w:themeFontLang"))
    if theme is None:
        theme = OxmlElement("w:themeFontLang")
        document.settings.element.append(theme)
    theme.set(qn("w:val"), LANGUAGE)
    theme.set(qn("w:eastAsia"), LANGUAGE)


def _title(text: str) -> str:
    """The title as set: broken before 政府信息公开工作年度报告 when it does not fit one line (as on the page),
    so that the line never breaks inside those words."""
    tail = TITLE_TAIL.search(text)
    if tail is None or tail.start() == 0 or text_em(text) * ER_HAO.pt <= text_width(False).pt:
        return text
    return text[: tail.start()] + "\n" + tail.group(0)


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


def _document() -> Any:
    """A new document in the 公文 layout: Chinese, A4 portrait with the standard's margins, 仿宋 三号, page numbers."""
    document = Document()
    _chinese(document)
    section = document.sections[0]
    _page_setup(section, landscape=False)
    _font(document.styles["Normal"], BODY_FONT, SAN_HAO)
    _page_numbers(section)
    return document


def docx_from_page(page: str) -> bytes:
    """The .docx of a report page (the HTML the build exported)."""
    root = lxml_html.document_fromstring(page)
    main = root.find(".//main")
    document = _document()
    caption = document.styles[CAPTION_STYLE].font  # black and upright like the text, not the template's blue
    caption.color.rgb, caption.italic, caption.bold = RGBColor(0, 0, 0), False, None
    for element in (main.iter() if main is not None else []):
        if not isinstance(element.tag, str):
            continue
        classes = element.get("class", "").split()
        if element.tag == "h1":
            _paragraph(document, _title(_text(element)), font=TITLE_FONT, size=ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER,
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


def notice_docx(title: str, addressee: str, opening: str, items: list[str], closing: str, sender: str,
                day: str) -> bytes:
    """A 整改通知 in 公文 layout: title, 主送机关, the opening, the findings as a numbered list, what to do by
    when, and the sender's 落款 with the day (both right-aligned)."""
    document = _document()
    _paragraph(document, _title(title), font=TITLE_FONT, size=ER_HAO, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, "", indent=False)
    _paragraph(document, f"{addressee}：", indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
    _paragraph(document, opening)
    for number, item in enumerate(items, start=1):
        _paragraph(document, f"{number}. {item}")
    _paragraph(document, closing)
    _paragraph(document, "", indent=False)
    for line in (sender, day):
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
