"""A published report as a browser saved it (.html/.htm) or as its Word file (.docx): title, text, tables.

The page's body is taken out of the website's furniture (navigation, share buttons, footers) by trafilatura;
its tables are read from the whole page with lxml, every ``rowspan``/``colspan`` spread over the cells it
covers, so that a later stage can find each cell by its row and column labels. Nothing here knows the
report formats.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

from helpers.errors import XxgkError, os_reason

MAX_PAGE = 20 * 1024 * 1024  # bytes of a saved page or an unpacked Word file; a report is well under 2 MB
PAGE_SUFFIXES = (".html", ".htm")
WORD_SUFFIXES = (".docx",)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_NUMERIC = re.compile(r"^[\d\s.,%+-]*$")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# The page's own date line: 发表日期：2026-01-26, 发布时间：2020年1月31日, 生成日期 | 2026-01-23 16:24:38.
DATE_LINE = re.compile(r"(?:发[布表](?:日期|时间)|生成日期|更新(?:日期|时间)|(?<![成印截止])(?:时间|日期))"
                       r"\s*[:：|｜]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_ISO_DAY = re.compile(r"(?<![\d/-])(\d{4})-(\d{2})-(\d{2})(?![\d/-])")
CAPTION_STYLE = "Caption"  # Word's built-in 题注 style
TABLE = "\x00表格"  # a block that stands for a table in the body's text
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn"}
_CJK = {"big5", "big5-hkscs", "cp950"}  # other Chinese encodings a page may truly be in
MAX_CELLS = 20_000  # cells of one table once its spans are spread (the official 表三: 280)
MAX_BLOCKS = 20_000  # paragraphs and tables of one document (a report has a few hundred)


class PageError(XxgkError):
    """A file that cannot be read as a saved web page or a Word document."""


@dataclass
class Grid:
    """One table: its rows of cell texts, each merged cell repeated over the cells it spans."""

    rows: list[list[str]]
    caption: str = ""


@dataclass
class Page:
    """What a published report's file shows: its title, its body's paragraphs in order (``\\n`` where the
    page breaks a line; ``TABLE`` where a table stands), its tables, and what the page says of itself (url,
    site, column, date)."""

    name: str
    title: str
    blocks: list[str]
    grids: list[Grid]
    meta: dict[str, str] = field(default_factory=dict)


def read_page(path: Path) -> Page:
    """Read ``path`` by its kind: a saved web page or a Word document."""
    suffix = path.suffix.lower()
    if suffix in PAGE_SUFFIXES:
        return read_html(path)
    if suffix in WORD_SUFFIXES:
        return read_docx(path)
    from helpers.intake.pdf import DOC_SUFFIXES, PDF_SUFFIXES, read_doc, read_pdf  # pdfplumber: only for a PDF

    if suffix in PDF_SUFFIXES:
        return read_pdf(path)
    if suffix in DOC_SUFFIXES:
        return read_doc(path)
    raise PageError(f"{path.name}：不是网页（.html/.htm）、Word 文档（.docx/.doc）或 PDF 文件")


def read_bytes(path: Path) -> bytes:
    """A file's bytes, refused when too large, not a regular file, unreadable or empty."""
    try:
        size = path.stat().st_size
        if size > MAX_PAGE:
            raise PageError(f"{path.name}：文件有 {size // 1024 // 1024} MB，超过上限 {MAX_PAGE // 1024 // 1024} MB")
        if not path.is_file():
            raise PageError(f"{path.name}：不是普通文件（可能是管道或设备），未读取")
        raw = path.read_bytes()
    except OSError as exc:
        raise PageError(f"{path.name}：无法读取（{os_reason(exc)}）") from None
    if not raw.strip():
        raise PageError(f"{path.name}：文件为空")
    return raw


def decode(raw: bytes) -> str:
    """The text of a saved page, by the bytes' own evidence before what the page declares: a byte-order mark
    (UTF-8, UTF-16, UTF-32), else UTF-8 where the bytes are valid UTF-8, else a declared Chinese ``<meta
    charset>`` (GB2312/GBK/GB18030, Big5), else GB18030 (which reads GB2312 and GBK too). A page that declares
    Latin-1 or UTF-16 without being so is read by its bytes."""
    for mark, encoding in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                           (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if raw.startswith(mark):
            return raw[len(mark):].decode(encoding, errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(raw[:4096])
    name = declared.group(1).decode("ascii").lower() if declared else ""
    for encoding in ("gb18030" if name in _GB else name if name in _CJK else "gb18030", "gb18030"):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("gb18030", errors="replace")


def read_html(path: Path) -> Page:
    """A saved web page: its tables from the whole page, its text from the body trafilatura finds."""
    from lxml import etree
    from lxml import html as lxml_html

    text = _XML_DECLARATION.sub("", decode(read_bytes(path)))
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise PageError(f"{path.name}：不是可以读取的网页") from None
    meta = _meta(root, text)
    body = root.find(".//body")
    shown = _text(body if body is not None else root)
    line = DATE_LINE.search(shown)
    if line:  # the site's date line (发布日期：……), which the body trafilatura finds leaves out
        meta["date_line"] = line.group(0)
    elif day := _ISO_DAY.search(shown):  # a date alone by the site's name (银川市人民政府门户网站 … 2023-01-30)
        meta["date_alone"] = day.group(0)
    tables = [table for table in root.iter("table") if not table.findall(".//table")]
    grids = [_html_grid(table, path.name, number) for number, table in enumerate(tables, 1)]
    heading = root.find(".//h1")
    if heading is not None and _text(heading).strip() or meta.get("title"):
        meta["heading"] = meta.get("title") or _text(heading)  # the title the page prints, not only its tab
    found = root.find(".//title")
    if found is not None and _text(found).strip():
        meta["page_title"] = " ".join(_text(found).split())  # the browser tab's title: where some sites put it
    title = meta.pop("title", "") or (_text(heading) if heading is not None else "") or meta.get("page_title", "")
    return Page(path.name, " ".join(title.split()), _body(text) or _all_text(root), grids, meta)


def _meta(root: Any, text: str) -> dict[str, str]:
    """What the page says of itself: the ``<meta>`` names government sites carry (SiteName, ColumnName,
    ArticleTitle, PubDate, Url), the canonical address, or the address the browser saved it from."""
    found: dict[str, str] = {}
    names = {"sitename": "site", "columnname": "column", "articletitle": "title", "pubdate": "date", "url": "url",
             "og:url": "url", "og:site_name": "site"}
    for element in root.iter("meta"):
        key = names.get((element.get("name") or element.get("property") or "").lower())
        content = " ".join((element.get("content") or "").split())
        if key and content and key not in found:
            found[key] = content
    canonical = root.find(".//link[@rel='canonical']")
    if "url" not in found and canonical is not None and canonical.get("href", "").startswith("http"):
        found["url"] = canonical.get("href")
    saved = _SAVED_FROM.search(text[:2048])
    if "url" not in found and saved and saved.group(1).startswith("http"):
        found["url"] = saved.group(1)
    return found


def _text(element: Any) -> str:
    """An element's text with ``<br>`` as a line break and runs of other white space as one space."""
    parts: list[str] = []
    for piece in element.iter():
        if piece.tag == "br":
            parts.append("\n")
        elif piece is not element and piece.tag in ("script", "style"):
            continue
        if piece.text and piece.tag not in ("script", "style") and isinstance(piece.tag, str):
            parts.append(piece.text)
        if piece is not element and piece.tail:
            parts.append(piece.tail)
    lines = ("".join(parts)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines).strip()


def _html_grid(table: Any, name: str = "", number: int = 0) -> Grid:
    """A table's rows with every spanned cell repeated where it reaches, spans bounded by the table's real
    size (no wider than its widest row has cells, no deeper than its rows), then ``tidy``."""
    caption = table.find("caption")
    body_rows = [[cell for cell in row if cell.tag in ("td", "th")] for row in table.iter("tr")]
    widest = max((len(row) for row in body_rows), default=0)
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, column) → text of a cell spanning down into it
    spread = 0
    for r, row in enumerate(body_rows):
        cells: list[str] = []
        c = 0
        for cell in row:
            while (r, c) in pending:
                cells.append(pending.pop((r, c)))
                c += 1
            text = _text(cell)
            across = min(_span(cell.get("colspan")), widest)
            down = min(_span(cell.get("rowspan")), len(body_rows) - r)
            spread += across * down
            if spread > MAX_CELLS:
                raise PageError(f"{name}：第 {number} 张表格超过 {MAX_CELLS} 个单元格（合并单元格按展开计），"
                                "不是年度报告的表格，无法读取")
            for i in range(across):
                cells.append(text)
                for below in range(1, down):
                    pending[(r + below, c + i)] = text
            c += across
        while (r, c) in pending:
            cells.append(pending.pop((r, c)))
            c += 1
        rows.append(cells)
    return Grid(tidy(rows), _text(caption) if caption is not None else "")


def tidy(rows: list[list[str]]) -> list[list[str]]:
    """The rows without those that are blank in every cell and without the columns blank in every row: the
    spacer rows and decorative columns Word and WPS export, wherever they stand; a column split in two, once."""
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    width = max((len(row) for row in rows), default=0)
    kept = [c for c in range(width) if any(c < len(row) and row[c].strip() for row in rows)]
    # A column each of whose cells repeats its left or its right neighbour's, the upper labels its right one's and
    # the lower cells its left one's, is one column the file's grid split in two (a .doc through LibreOffice):
    # dropped. A column of figures never is: it must have a label that is its right neighbour's.
    def cell(row: list[str], c: int) -> str | None:
        return row[c] if 0 <= c < len(row) else None

    def split(n: int) -> bool:
        if n == 0 or n + 1 >= len(kept):
            return False
        c, left, right = kept[n], kept[n - 1], kept[n + 1]
        pairs = [(cell(row, c), cell(row, left), cell(row, right)) for row in rows]
        return (all(here in (before, after) for here, before, after in pairs)
                and any(here == after != before and here and not _NUMERIC.match(here) for here, before, after in pairs)
                and any(here == before != after for here, before, after in pairs))

    kept = [c for n, c in enumerate(kept) if not split(n)]
    return [[row[c] for c in kept if c < len(row)] for row in rows]


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 100))
    except ValueError:
        return 1


def _body(text: str) -> list[str]:
    """The body's headings and paragraphs in order, as trafilatura finds them (tables left to ``_html_grid``)."""
    import trafilatura
    from lxml import html as lxml_html
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    extracted = trafilatura.extract(text, output_format="html", include_tables=True, include_formatting=True,
                                    include_comments=False, favor_recall=True, config=config)
    if not extracted:
        return []
    return _blocks(lxml_html.document_fromstring(extracted))


def _blocks(root: Any) -> list[str]:
    """Headings, paragraphs and list items outside tables, in order, each as its text; ``TABLE`` where a
    table stands."""
    found = []
    for element in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "table"):
        if any(parent.tag in ("table", "p", "li") for parent in element.iterancestors()):
            continue
        text = TABLE if element.tag == "table" else _text(element)
        if text:
            found.append(text)
    return found


def _all_text(root: Any) -> list[str]:
    """Every heading and paragraph of the page, for a page whose body trafilatura cannot find."""
    body = root.find(".//body")
    return _blocks(body if body is not None else root)


def read_docx(path: Path) -> Page:
    """A Word document: its paragraphs and tables in order, merged cells repeated, and its title. Work is
    bounded by what the file really holds: its unpacked size, its blocks, each table's real grid."""
    from docx import Document
    from docx.oxml.ns import qn
    from lxml import etree

    raw = _checked_archive(path)
    try:
        document = Document(io.BytesIO(raw))
    except etree.XMLSyntaxError:
        raise PageError(f"{path.name}：文档中的 XML 已损坏，或含有不允许的内容（如外部实体、实体展开），"
                        "无法读取") from None
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise PageError(f"{path.name}：不是可以读取的 Word 文档（{_reason(exc)}）") from None
    captions = {style.style_id for style in document.styles if style.name == CAPTION_STYLE}
    blocks: list[str] = []
    grids: list[Grid] = []
    caption = ""
    for count, child in enumerate(document.element.body.iterchildren(), 1):
        if count > MAX_BLOCKS:
            raise PageError(f"{path.name}：文档有超过 {MAX_BLOCKS} 个段落和表格，不是年度报告，无法读取")
        if child.tag == qn("w:p"):
            text = "\n".join(" ".join(line.split()) for line in _word_text(child).split("\n")).strip()
            style = child.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if text and style is not None and style.get(qn("w:val")) in captions:
                caption = text  # a table's 题注: its caption, not the report's text
            elif text:
                blocks.append(text)
        elif child.tag == qn("w:tbl"):
            grids.append(Grid(tidy(_word_grid(child, path.name, len(grids) + 1)), caption))
            blocks.append(TABLE)
            caption = ""
    at = next((i for i, b in enumerate(blocks) if "报告" in b and len(b) <= 80 and "。" not in b), None)
    title = "" if at is None else blocks[at]
    if at and title[:1].isdigit():  # the organ's name on a line of its own above "2023年……年度报告"
        title = blocks[at - 1] + title
    meta = {"heading": " ".join(title.split())} if title else {}
    if document.core_properties.title and document.core_properties.title.strip():  # the file's own, not printed
        meta["page_title"] = " ".join(document.core_properties.title.split())
    return Page(path.name, " ".join(title.split()), blocks, grids, meta)


def _reason(exc: Exception) -> str:
    return {"KeyError": "缺少必需的部件", "BadZipFile": "压缩包已损坏"}.get(type(exc).__name__, "内容不是 Word 的格式")


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _word_text(element: Any) -> str:
    """A paragraph's or cell's text: its runs' text, a break or a new paragraph as a line break."""
    parts = []
    for node in element.iter(f"{_W}t", f"{_W}br", f"{_W}cr", f"{_W}tab", f"{_W}p"):
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            parts.append("\t")
        elif node.tag != f"{_W}p" or parts:
            parts.append("\n")
    return "".join(parts)


def _word_grid(table: Any, name: str, number: int) -> list[list[str]]:
    """A Word table's rows, each cell repeated over the grid columns it spans (``gridSpan``, bounded by the
    table's own grid) and down the rows it is merged with (``vMerge``), row by row without recursion."""
    columns = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
    rows: list[list[str]] = []
    above: dict[int, str] = {}  # column → text of the merged cell reaching down into it
    spread = 0
    for tr in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            span = tc.find(f"{_W}tcPr/{_W}gridSpan")
            try:
                across = max(1, int(span.get(f"{_W}val"))) if span is not None else 1
            except (TypeError, ValueError):
                across = 1
            across = min(across, max(columns - len(cells), 1))
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            text = " ".join(_word_text(tc).split())
            if merge is not None and merge.get(f"{_W}val", "continue") != "restart":
                text = above.get(len(cells), "")
            spread += across
            if spread > MAX_CELLS:
                raise PageError(f"{name}：第 {number} 张表格超过 {MAX_CELLS} 个单元格，不是年度报告的表格，无法读取")
            for _ in range(across):
                above[len(cells)] = text
                cells.append(text)
        rows.append(cells)
    return rows


def _checked_archive(path: Path) -> bytes:
    """A Word file's bytes, read once: refused where they are no zip archive or unpack to more than
    ``MAX_PAGE`` (counted while unpacking: an archive may lie about its sizes)."""
    raw = read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise PageError(f"{path.name}：不是 .docx 文档（可能是旧的 .doc 格式或改了扩展名的其他文件，请另存为 .docx）")
    limit = MAX_PAGE // 1024 // 1024
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            declared = sum(info.file_size for info in archive.infolist())
            if declared > MAX_PAGE:
                raise PageError(f"{path.name}：文档解压后 {declared // 1024 // 1024} MB，超过上限 {limit} MB")
            unpacked = 0
            for info in archive.infolist():
                with archive.open(info) as member:
                    while chunk := member.read(1 << 16):
                        unpacked += len(chunk)
                        if unpacked > MAX_PAGE:
                            raise PageError(f"{path.name}：文档解压后超过上限 {limit} MB（压缩包中记录的大小不实）")
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib_error):
        raise PageError(f"{path.name}：文档已损坏") from None
    return raw
