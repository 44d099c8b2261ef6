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

from helpers.errors import XxgkError, os_reason

MAX_PAGE = 20 * 1024 * 1024  # bytes of a saved page or an unpacked Word file; a report is well under 2 MB
PAGE_SUFFIXES = (".html", ".htm")
WORD_SUFFIXES = (".docx",)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(\S+?)\s*-->", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
CAPTION_STYLE = "Caption"  # Word's built-in 题注 style
TABLE = "\x00表格"  # a block that stands for a table in the body's text
_GB = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn"}


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
    raise PageError(f"{path.name}：不是网页（.html/.htm）或 Word 文档（.docx）")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PAGE:
            raise PageError(f"{path.name}：文件有 {size // 1024 // 1024} MB，超过上限 {MAX_PAGE // 1024 // 1024} MB")
        raw = path.read_bytes()
    except OSError as exc:
        raise PageError(f"{path.name}：无法读取（{os_reason(exc)}）") from None
    if not raw.strip():
        raise PageError(f"{path.name}：文件为空")
    return raw


def decode(raw: bytes) -> str:
    """The text of a saved page: by its byte-order mark, else its ``<meta charset>``, else UTF-8, else GB18030
    (which reads GB2312 and GBK pages too)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    declared = _CHARSET.search(raw[:4096])
    tried = []
    if declared:
        name = declared.group(1).decode("ascii").lower()
        tried.append("gb18030" if name in _GB else name)
    for encoding in (*tried, "utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("gb18030", errors="replace")


def read_html(path: Path) -> Page:
    """A saved web page: its tables from the whole page, its text from the body trafilatura finds."""
    from lxml import etree
    from lxml import html as lxml_html

    text = _XML_DECLARATION.sub("", decode(_read_bytes(path)))
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise PageError(f"{path.name}：不是可以读取的网页") from None
    meta = _meta(root, text)
    grids = [_html_grid(table) for table in root.iter("table") if not table.findall(".//table")]
    heading = root.find(".//h1")
    title = meta.pop("title", "") or (_text(heading) if heading is not None else "")
    if not title:
        found = root.find(".//title")
        title = _text(found) if found is not None else ""
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


def _html_grid(table: Any) -> Grid:
    """A table's rows with every spanned cell repeated where it reaches."""
    rows: list[list[str]] = []
    pending: dict[tuple[int, int], str] = {}  # (row, column) → text of a cell spanning down into it
    caption = table.find("caption")
    body_rows = [row for row in table.iter("tr")]
    for r, row in enumerate(body_rows):
        cells: list[str] = []
        c = 0
        for cell in row:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in pending:
                cells.append(pending.pop((r, c)))
                c += 1
            text = _text(cell)
            across, down = _span(cell.get("colspan")), _span(cell.get("rowspan"))
            for i in range(across):
                cells.append(text)
                for below in range(1, down):
                    pending[(r + below, c + i)] = text
            c += across
        while (r, c) in pending:
            cells.append(pending.pop((r, c)))
            c += 1
        rows.append(cells)
    return Grid(rows, _text(caption) if caption is not None else "")


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
    """A Word document: its paragraphs and tables in order, merged cells repeated, and its title."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    raw = _checked_archive(path)
    try:
        document = Document(io.BytesIO(raw))
    except (KeyError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise PageError(f"{path.name}：不是可以读取的 Word 文档（{type(exc).__name__}）") from None
    blocks: list[str] = []
    grids: list[Grid] = []
    caption = ""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            paragraph = Paragraph(child, document)
            text = "\n".join(" ".join(line.split()) for line in paragraph.text.split("\n")).strip()
            if text and paragraph.style is not None and paragraph.style.name == CAPTION_STYLE:
                caption = text  # a table's 题注: its caption, not the report's text
            elif text:
                blocks.append(text)
        elif child.tag == qn("w:tbl"):
            table = Table(child, document)
            rows = [[" ".join(cell.text.split()) for cell in row.cells] for row in table.rows]
            grids.append(Grid(rows, caption))
            blocks.append(TABLE)
            caption = ""
    at = next((i for i, b in enumerate(blocks) if "年度报告" in b), None)
    title = "" if at is None else blocks[at]
    if at and title[:1].isdigit():  # the organ's name on a line of its own above "2023年……年度报告"
        title = blocks[at - 1] + title
    return Page(path.name, " ".join(title.split()), blocks, grids, {})


def _checked_archive(path: Path) -> bytes:
    """A Word file's bytes, read once: refused where they are no zip archive or unpack to more than
    ``MAX_PAGE``."""
    raw = _read_bytes(path)
    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise PageError(f"{path.name}：不是 .docx 文档（可能是旧的 .doc 格式或改了扩展名的其他文件，请另存为 .docx）")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise PageError(f"{path.name}：文档已损坏") from None
    if unpacked > MAX_PAGE:
        limit = MAX_PAGE // 1024 // 1024
        raise PageError(f"{path.name}：文档解压后 {unpacked // 1024 // 1024} MB，超过上限 {limit} MB")
    return raw
