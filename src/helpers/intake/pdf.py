"""A published report as a PDF (text PDFs: tables through pdfplumber, merged cells spread over what they cover;
paragraphs rebuilt from the lines) or as an old Word ``.doc`` (converted by LibreOffice where it is installed).
A scanned PDF, with no text layer, is refused in one sentence. Nothing here knows the report formats."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from bisect import bisect_left
from pathlib import Path
from typing import Any

from helpers.intake.pages import TABLE, Grid, Page, PageError, read_bytes, read_docx, tidy

PDF_SUFFIXES = (".pdf",)
DOC_SUFFIXES = (".doc",)
MAX_PDF_PAGES = 200  # a report is a few pages to a few dozen
MIN_TEXT = 40  # characters of text a report's PDF has at least (a scan has none)
_FURNITURE = re.compile(r"^(?:第\s*\d+\s*页[，,]?\s*共\s*\d+\s*页|[—–-]\s*\d+\s*[—–-]|\d{1,3})$")  # page numbers
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十]{1,2}[)）])")
_ENDS = "。！？：；:;"
EDGE = 2.0  # points: cell edges this close are one edge


def _faults() -> tuple[type[Exception], ...]:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (PdfminerException, PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AssertionError)


def read_pdf(path: Path) -> Page:
    """A PDF's title, paragraphs and tables in reading order. PageError for a file that is no readable PDF,
    has too many pages, or is a scan without text."""
    raw = read_bytes(path)
    try:
        return _read_pdf(path, raw)
    except _faults() as exc:
        raise PageError(f"{path.name}：不是可以读取的 PDF 文件（{_why(exc)}）") from None


def _why(exc: Exception) -> str:
    return "文件已损坏或不完整" if "Root" in str(exc) or "EOF" in str(exc) else "格式有误"


def _read_pdf(path: Path, raw: bytes) -> Page:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as document:
        if len(document.pages) > MAX_PDF_PAGES:
            raise PageError(f"{path.name}：PDF 有 {len(document.pages)} 页，超过上限 {MAX_PDF_PAGES} 页，不是年度报告")
        blocks: list[str] = []
        grids: list[Grid] = []
        text_chars = 0
        lines: list[tuple[float, float, str]] = []
        for page in document.pages:  # (the document's Title below: the file's own, not printed)
            text_chars += len(page.chars)
            page = page.filter(_not_a_frame(page))  # a box drawn round the whole text is no table
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            outside = page.filter(_outside(boxes))
            items: list[tuple[float, Any]] = [(line["top"], line) for line in outside.extract_text_lines()]
            items += [(t.bbox[1], t) for t in tables]
            for _, item in sorted(items, key=lambda pair: pair[0]):
                if isinstance(item, dict):
                    text = " ".join(item["text"].split())
                    if text and not _FURNITURE.match(text):
                        lines.append((item["x0"], item["x1"], text))
                    continue
                _paragraphs(lines, blocks)
                lines = []
                grids.append(Grid(tidy(_grid(page, item))))
                blocks.append(TABLE)
        _paragraphs(lines, blocks)
    if text_chars < MIN_TEXT:
        raise PageError(f"{path.name}：这是扫描件（PDF 中只有图像，没有文字层），无法读取其中的文字；"
                        "请改用发布机关的文字版 PDF、网页或 Word 文件，或按数据文件格式手工录入")
    meta = {"page_title": " ".join(str(title).split())} if (title := document.metadata.get("Title")) else {}
    return Page(path.name, _title(blocks), blocks, grids, meta)


def _title(blocks: list[str]) -> str:
    """The title among the first lines: one line, or two (a title set over two lines: the organ and year,
    then 政府信息公开工作年度报告)."""
    heads = [b for b in blocks[:8] if b != TABLE]
    for one, two in zip(heads, [*heads[1:], ""], strict=True):
        for text in (one, one + two):
            if len(text) <= 80 and "报告" in text and re.search(r"\d{4}\s*年", text):
                return " ".join(text.split())
    return ""


def _not_a_frame(page: Any) -> Any:
    """What of a page is not a frame drawn round its text (a rectangle over most of the page)."""
    def keep(obj: dict[str, Any]) -> bool:
        return not (obj.get("object_type") == "rect" and obj["width"] > 0.6 * page.width
                    and obj["height"] > 0.3 * page.height)
    return keep


def _outside(boxes: list[tuple[float, float, float, float]]) -> Any:
    """What of a page is not a table's text: every object but the characters inside the tables' boxes."""
    def keep(obj: dict[str, Any]) -> bool:
        return not (obj.get("object_type") == "char" and any(_inside(obj, box) for box in boxes))
    return keep


def _inside(obj: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _paragraphs(lines: list[tuple[float, float, str]], blocks: list[str]) -> None:
    """Lines joined into paragraphs: a paragraph ends after a full stop or colon and after a line that stops
    short of the right margin (a title, a heading, a paragraph's last line); a heading or an indented line (a
    paragraph's first line) starts a new one."""
    if not lines:
        return
    margin = min(x for x, _, _ in lines)
    right = max(x for _, x, _ in lines)
    current, short = "", False
    for x, end, text in lines:
        starts = _HEADING.match(text) or x > margin + 12
        if current and (starts or short or current[-1] in _ENDS):
            blocks.append(current)
            current = ""
        current += text
        short = end < right - 24  # two characters short of the right margin at least
    if current:
        blocks.append(current)


def _edges(values: list[float]) -> list[float]:
    found: list[float] = []
    for value in sorted(values):
        if not found or value - found[-1] > EDGE:
            found.append(value)
    return found


def _at(edges: list[float], value: float) -> int:
    i = bisect_left(edges, value - EDGE)
    return min(i, len(edges) - 1)


def _grid(page: Any, table: Any) -> list[list[str]]:
    """A table's rows with each merged cell's text repeated over every cell it covers (as a page's spans)."""
    cells = [c for c in table.cells if c is not None]
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    grid = [["" for _ in range(max(1, len(xs) - 1))] for _ in range(max(1, len(ys) - 1))]
    chars = page.chars
    for x0, top, x1, bottom in cells:
        text = _cell_text([c for c in chars if _inside(c, (x0, top, x1, bottom))])
        text = "".join(text.split())  # a label broken over lines inside its cell (本/年/制/发: one a line)
        for r in range(_at(ys, top), _at(ys, bottom)):
            for c in range(_at(xs, x0), _at(xs, x1)):
                grid[r][c] = text
    return grid


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """The text of a cell's characters, those whose centre is inside it (as pdfplumber's own tables take them: a
    CJK glyph's box often reaches past its cell's, and a cell cropped to its box then lost it)."""
    from pdfplumber.utils import extract_text

    return str(extract_text(chars)) if chars else ""


def read_doc(path: Path) -> Page:
    """An old Word ``.doc``: converted to ``.docx`` by LibreOffice, then read as one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PageError(f"{path.name}：这是旧版 Word 文档（.doc），本机没有 LibreOffice"
                        "（Debian 软件包 libreoffice-writer），无法转换；请在 Word 或 WPS 中另存为 .docx 后导入")
    raw = read_bytes(path)  # with the size and kind checks of every file read, and read once
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as folder:
        source = Path(folder) / "source.doc"
        source.write_bytes(raw)
        try:
            run = subprocess.run(
                [soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                 "--convert-to", "docx", "--outdir", folder, str(source)],
                capture_output=True, text=True, timeout=180,
            )
        except subprocess.TimeoutExpired:
            raise PageError(f"{path.name}：LibreOffice 转换超过 180 秒，未读取") from None
        converted = Path(folder) / "source.docx"
        if run.returncode != 0 or not converted.is_file():
            raise PageError(f"{path.name}：LibreOffice 无法转换这个 .doc 文件（可能已损坏或不是 Word 文档）")
        page = read_docx(converted)
    page.name = path.name
    return page
