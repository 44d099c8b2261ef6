"""A published report as a PDF (text PDFs: tables through pdfplumber, merged cells spread over what they cover;
paragraphs rebuilt from the lines) or as an old Word ``.doc`` (converted by LibreOffice where it is installed).
A scanned PDF, with no text layer, is refused in one sentence. Nothing here knows the report formats."""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess
import tempfile
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.intake.confine import Inflated, inflation_budget, isolated, no_remote_content, offline, run_group
from helpers.intake.pages import MAX_CELLS, TABLE, Grid, Page, PageError, read_bytes, read_docx, tidy

PDF_SUFFIXES = (".pdf",)
DOC_SUFFIXES = (".doc",)
MAX_PDF_PAGES = 200  # a report is a few pages to a few dozen
MIN_TEXT = 40  # characters of text a report's PDF has at least (a scan has none)
MAX_INFLATED = 64 << 20  # bytes a PDF's streams may inflate to in all (a report's: fonts and text, under 1 MB)
PDF_MEMORY = 1024 << 20  # bytes of address space reading one PDF may add
PDF_SECONDS = 120  # seconds reading one PDF may take
# Ruling lines of a page: a report's tables have a few dozen lines and a few hundred crossings; pdfplumber's work
# grows with the product of upright and level lines, and with the square of their crossings.
MAX_LINE_PAIRS = 1_000_000
DOC_SECONDS = 60  # seconds LibreOffice may take to convert one .doc (a report's: a few)
DOC_MEMORY = 1024 << 20  # bytes of address space LibreOffice may use converting one (a report's: about 250 MB)
MAX_CROSSINGS = 4_000
_FURNITURE = re.compile(r"^(?:第\s*\d+\s*页[，,]?\s*共\s*\d+\s*页|[—–-]\s*\d+\s*[—–-]|\d{1,3})$")  # page numbers
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十]{1,2}[)）])")
_ENDS = "。！？：；:;"
EDGE = 2.0  # points: cell edges this close are one edge
JOIN = 4.0  # points: a table's parts on two pages are as wide and have the same columns within this
# The two lines of a double border (Word, WPS, an HTML table's cellspacing) snap into one ruling line, and its
# segments, which stop short of each other at every crossing, join.
TABLE_SETTINGS = {"snap_tolerance": 4, "join_tolerance": 6, "intersection_tolerance": 6}
_FIGURE = re.compile(r"^(?:[+-]?\d[\d,.]*(?:%|万元|元|件|个|条|项|次|人次)?|[/\\—–-]+)$")  # a cell's value
_NUMBERED = re.compile(  # a row's label that starts a row of its own: 一、 （一） 1.
    r"^(?:[一二三四五六七八九十]{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}\s*[.、．])")


def _faults() -> tuple[type[Exception], ...]:
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    return (PdfminerException, PDFSyntaxError, PSException, ValueError, TypeError, KeyError, AssertionError)


def read_pdf(path: Path) -> Page:
    """A PDF's title, paragraphs and tables in reading order. PageError for a file that is no readable PDF,
    has too many pages, or is a scan without text."""
    raw = read_bytes(path)
    return isolated(_read_bounded, path, raw, memory=PDF_MEMORY, seconds=PDF_SECONDS, name=path.name)


def _read_bounded(path: Path, raw: bytes) -> Page:
    """``_read_pdf`` with its streams inflated against ``MAX_INFLATED``; every fault a PageError in Chinese."""
    from pdfminer.pdfdocument import PDFEncryptionError

    faults: tuple[type[Exception], ...] = (Inflated, *_faults())
    try:
        with inflation_budget(MAX_INFLATED):
            return _read_pdf(path, raw)
    except faults as exc:
        if _caused(exc, Inflated):  # (pdfplumber wraps what pdfminer raised)
            raise PageError(f"{path.name}：PDF 的内容解压后超过 {MAX_INFLATED >> 20} MB，不是年度报告，未读取"
                            "（文件可能是被刻意构造的）") from None
        if _caused(exc, PDFEncryptionError):
            raise PageError(f"{path.name}：PDF 已加密，无法读取文字；请向发布机关索取未加密的文件，"
                            "或改用网页、Word 文件") from None
        raise PageError(f"{path.name}：不是可以读取的 PDF 文件（{_why(exc)}）") from None


def _caused(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` is, wraps or was raised while handling an exception of ``kind`` (pdfminer's encryption
    errors: a password, an unknown security handler; the inflation budget)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind) or any(isinstance(a, kind) for a in seen.args):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _why(exc: Exception) -> str:
    return "文件已损坏或不完整" if "Root" in str(exc) or "EOF" in str(exc) else "格式有误"


def _read_pdf(path: Path, raw: bytes) -> Page:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as document:
        if len(document.pages) > MAX_PDF_PAGES:
            raise PageError(f"{path.name}：PDF 有 {len(document.pages)} 页，超过上限 {MAX_PDF_PAGES} 页，不是年度报告")
        entries: list[_Piece | tuple[float, float, str]] = []
        text_chars = 0
        for number, page in enumerate(document.pages):  # (the document's Title below: the file's own, not printed)
            text_chars += len(page.chars)
            entries += _page_entries(path.name, number, page)
            page.close()  # its parsed objects: kept no longer than the page is read
    if text_chars < MIN_TEXT:
        raise PageError(f"{path.name}：这是扫描件（PDF 中只有图像，没有文字层），无法读取其中的文字；"
                        "请改用发布机关的文字版 PDF、网页或 Word 文件，或按数据文件格式手工录入")
    blocks: list[str] = []
    chains: list[list[_Piece]] = []
    lines: list[tuple[float, float, str]] = []
    previous: _Piece | tuple[float, float, str] | None = None
    for entry in entries:
        if not isinstance(entry, _Piece):
            lines.append(entry)
        elif isinstance(previous, _Piece) and _continues(previous, entry):
            chains[-1].append(entry)  # a table the page break cut: its rest, at the top of the next page
        else:
            _paragraphs(lines, blocks)
            lines = []
            chains.append([entry])
            blocks.append(TABLE)
        previous = entry
    _paragraphs(lines, blocks)
    grids = [Grid(tidy(_joined(chain))) for chain in chains]
    meta = {"page_title": " ".join(str(title).split())} if (title := document.metadata.get("Title")) else {}
    return Page(path.name, _title(blocks), blocks, grids, meta)


@dataclass
class _Piece:
    """A table's part on one page: rows, column edges (None if unknown), box, page, first or last there."""

    rows: list[list[str]]
    xs: list[float] | None
    box: tuple[float, float, float, float]
    page: int
    first: bool
    last: bool


def _page_entries(name: str, number: int, page: Any) -> list[_Piece | tuple[float, float, str]]:
    """A page's text lines (x0, x1, text; page numbers left out) and tables, top to bottom."""
    page = page.filter(_not_a_frame(page))  # a box drawn round the whole text is no table
    _bounded_rulings(name, number, page)
    tables = page.find_tables(TABLE_SETTINGS)
    boxes = [t.bbox for t in tables]
    outside = page.filter(_outside(boxes))
    items: list[tuple[float, Any]] = []
    for line in outside.extract_text_lines():
        text = " ".join(line["text"].split())
        if text and not _FURNITURE.match(text):
            items.append((line["top"], (line["x0"], line["x1"], text)))
    inside: list[list[dict[str, Any]]] = [[] for _ in tables]
    for char in page.chars:  # each character to the table it stands in: one pass over the page
        at = next((i for i, box in enumerate(boxes) if _inside(char, box)), None)
        if at is not None:
            inside[at].append(char)
    items += [(table.bbox[1], (table, chars)) for table, chars in zip(tables, inside, strict=True)]
    items.sort(key=lambda pair: pair[0])
    entries: list[_Piece | tuple[float, float, str]] = []
    for at, (_, item) in enumerate(items):
        if len(item) == 3:
            entries.append(item)
            continue
        table, chars = item
        rows, xs = _grid(name, table, chars)
        entries.append(_Piece(rows, xs, table.bbox, number, at == 0, at == len(items) - 1))
    return entries


def _bounded_rulings(name: str, number: int, page: Any) -> None:
    """PageError for a page with more ruling lines or crossings than any report's tables, counted before
    pdfplumber looks for tables in them (its work grows with their square)."""
    from pdfplumber.table import TableFinder, TableSettings, edges_to_intersections

    finder = TableFinder.__new__(TableFinder)  # its edges alone: the cells are what takes long
    finder.page, finder.settings = page, TableSettings.resolve(TABLE_SETTINGS)
    edges = finder.get_edges()
    upright = sum(edge["orientation"] == "v" for edge in edges)
    crossings = upright * (len(edges) - upright)
    if crossings <= MAX_LINE_PAIRS:
        crossings = len(edges_to_intersections(edges, finder.settings.intersection_x_tolerance,
                                               finder.settings.intersection_y_tolerance))
    if crossings > MAX_CROSSINGS:
        raise PageError(f"{name}：第 {number + 1} 页的表格线有 {len(edges)} 条，交点超过 {MAX_CROSSINGS} 个，"
                        "不是年度报告的表格，无法读取")


def _title(blocks: list[str]) -> str:
    """The title among the first lines: one line, or two (a title set over two lines: the organ and year,
    then 政府信息公开工作年度报告)."""
    heads = [b for b in blocks[:8] if b != TABLE]
    for one, two in itertools.zip_longest(heads, heads[1:], fillvalue=""):
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


def _grid(name: str, table: Any, chars: list[dict[str, Any]]) -> tuple[list[list[str]], list[float] | None]:
    """A table's rows, merged cells repeated, and its column edges; each character placed by bisection."""
    cells = [c for c in table.cells if c is not None]
    xs = _edges([c[0] for c in cells] + [c[2] for c in cells])
    ys = _edges([c[1] for c in cells] + [c[3] for c in cells])
    width, height = max(1, len(xs) - 1), max(1, len(ys) - 1)
    spans = [(range(_at(ys, top), _at(ys, bottom)), range(_at(xs, x0), _at(xs, x1))) for x0, top, x1, bottom in cells]
    if width * height + sum(len(rows) * len(columns) for rows, columns in spans) > 2 * MAX_CELLS:
        raise PageError(f"{name}：有一张表格超过 {MAX_CELLS} 个单元格（合并单元格按展开计），"
                        "不是年度报告的表格，无法读取")
    owner = [[-1] * width for _ in range(height)]
    for n, (rows, columns) in enumerate(spans):
        for r in rows:
            for c in columns:
                owner[r][c] = n
    held: list[list[dict[str, Any]]] = [[] for _ in cells]
    for char in chars:
        r = bisect_right(ys, (char["top"] + char["bottom"]) / 2) - 1
        c = bisect_right(xs, (char["x0"] + char["x1"]) / 2) - 1
        if 0 <= r < height and 0 <= c < width and owner[r][c] >= 0:
            held[owner[r][c]].append(char)
    grid = [["" for _ in range(width)] for _ in range(height)]
    for (rows, columns), mine in zip(spans, held, strict=True):
        text = "".join(_cell_text(mine).split())  # a label broken over lines inside its cell (本/年/制/发: one a line)
        for r in rows:
            for c in columns:
                grid[r][c] = text
    if chars and not any(cell for row in grid for cell in row):  # cells this reading missed: pdfplumber's own rows
        found = [["".join((cell or "").split()) for cell in row] for row in table.extract()]
        if any(cell for row in found for cell in row):
            return found, None
    return grid, xs


def _cell_text(chars: list[dict[str, Any]]) -> str:
    """The text of a cell's characters, those whose centre is inside it (as pdfplumber's own tables take them: a
    CJK glyph's box often reaches past its cell's, and a cell cropped to its box then lost it)."""
    from pdfplumber.utils import extract_text

    return str(extract_text(chars)) if chars else ""


def _continues(above: _Piece, below: _Piece) -> bool:
    """Whether ``below`` goes on the table ``above`` past a page break: same width and columns."""
    if not (above.last and below.first and below.page == above.page + 1 and above.xs and below.xs):
        return False
    if abs(above.box[0] - below.box[0]) > JOIN or abs(above.box[2] - below.box[2]) > JOIN:
        return False
    fewer, more = sorted((above.xs, below.xs), key=len)
    return all(min(abs(x - y) for y in more) <= JOIN for x in fewer)


def _joined(chain: list[_Piece]) -> list[list[str]]:
    """One table's rows from its parts: repeated headers dropped, cut rows and merged labels rejoined."""
    xs = _edges([x for piece in chain for x in piece.xs or []])
    rows: list[list[str]] = []
    head: list[list[str]] = []
    for n, piece in enumerate(chain):
        part = [row for row in _aligned(piece, xs) if any(row)]
        if n == 0:
            head = list(itertools.takewhile(lambda row: not any(_FIGURE.match(cell) for cell in row), part))
        else:
            while part and part[0] in head:  # the header repeated on each page
                part.pop(0)
            if rows and part and _split(rows[-1], part[0]):
                above, below = rows[-1], part.pop(0)
                rows[-1] = [a + b if b and b != a else a or b for a, b in zip(above, below, strict=True)]
            elif rows and part:
                _rejoin(rows, part)
        rows += part
    return rows


def _rejoin(above: list[list[str]], below: list[list[str]]) -> None:
    """A merged label the break cut (“（四）” above, “无法提供” below) made one over all its rows."""
    for c, (a, b) in enumerate(zip(above[-1], below[0], strict=True)):
        if not (a and b and a != b and _NUMBERED.match(a) and not _NUMBERED.match(b)):
            continue
        for rows, text in ((above[::-1], a), (below, b)):
            for row in rows:
                if row[c] != text:
                    break
                row[c] = a + b


def _aligned(piece: _Piece, xs: list[float]) -> list[list[str]]:
    """A part's rows over the columns ``xs`` of the whole table: each cell repeated over the columns it covers."""
    if piece.xs is None or len(xs) < 2 or piece.xs == xs:
        return piece.rows
    mine = [min(max(bisect_right(piece.xs, (a + b) / 2) - 1, 0), len(piece.xs) - 2) for a, b in itertools.pairwise(xs)]
    return [[row[c] if c < len(row) else "" for c in mine] for row in piece.rows]


def _split(above: list[str], below: list[str]) -> bool:
    """Whether ``below``, a page's first row, is the rest of ``above``, the row the page break cut."""
    if any(_FIGURE.match(cell) for cell in below) or not any(below):
        return False
    pairs = list(zip(above, below, strict=True))
    if any(_NUMBERED.match(b) for a, b in pairs if b and b != a):
        return False
    if any(a == after[0] and a and b != after[1] for (a, b), after in zip(pairs, pairs[1:], strict=False)):
        return False  # a cell across columns above, cells of their own below: a row of its own
    if any(_FIGURE.match(cell) for cell in above):
        return True
    return all(a for a, b in pairs if b) and any(a and not b for a, b in pairs)


def read_doc(path: Path) -> Page:
    """An old Word ``.doc``: converted to ``.docx`` by LibreOffice, then read as one."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise PageError(f"{path.name}：这是旧版 Word 文档（.doc），本机没有 LibreOffice"
                        "（Debian 软件包 libreoffice-writer），无法转换；请在 Word 或 WPS 中另存为 .docx 后导入")
    raw = read_bytes(path)  # with the size and kind checks of every file read, and read once
    # The folder goes on every way out: an error, Ctrl-C, SIGTERM (the command's handler raises); LibreOffice, in
    # a process group of its own, is ended as a group on each (run_group), with what it started.
    with tempfile.TemporaryDirectory(prefix="xxgk-doc-") as folder:
        source = Path(folder) / "source.doc"
        source.write_bytes(raw)
        no_remote_content(Path(folder) / "profile")  # and no network at all where the platform allows
        try:
            run = run_group(
                offline([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                         "--convert-to", "docx", "--outdir", folder, str(source)]),
                seconds=DOC_SECONDS, memory=DOC_MEMORY,
            )
        except subprocess.TimeoutExpired:
            raise PageError(f"{path.name}：LibreOffice 转换超过 {DOC_SECONDS} 秒，已停止，未读取"
                            "（文件可能是被刻意构造的）") from None
        converted = Path(folder) / "source.docx"
        if run.returncode != 0 or not converted.is_file():
            raise PageError(f"{path.name}：LibreOffice 无法转换这个 .doc 文件（可能已损坏、不是 Word 文档，"
                            f"或转换所需内存超过 {DOC_MEMORY >> 20} MB）")
        page = read_docx(converted)
    page.name = path.name
    return page
