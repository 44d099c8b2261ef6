"""Excel intake: the clerks' fill-in workbook, and importing it back into a data file.

One function lays out the workbook and, as it goes, records where every input
cell is; the importer asks that same function for the map, so the template and
the importer cannot drift apart. Totals are Excel formulas in the workbook and
are recomputed on import; a typed-over total is ignored and reported.
"""

from __future__ import annotations

import dataclasses
import datetime
import typing
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from helpers.errors import WorkbookError, os_reason
from helpers.intake.newyear import latest_before, next_year
from helpers.report import formats, tables
from helpers.report.formats import ReportFormat
from helpers.report.model import (
    APPEAL_GROUPS,
    APPEAL_RESULTS,
    APPEAL_TOTAL,
    APPLICANT_COLUMNS,
    APPLICANT_HEADER,
    APPLICANT_TOTAL,
    BALANCE_NOTE,
    CARRIED_IN,
    CARRIED_OVER,
    LEGAL_PERSON,
    RECEIVED,
    RESULT_TOTAL,
    RESULTS,
    Legacy2008Report,
    blank,
    required,
    unit_of,
)
from helpers.report.places import name_of
from helpers.report.values import ValueProblem, dotted, read_cell

ORGAN_SHEET, PROSE_SHEET, FIGURES_SHEET = "机关信息", "正文", "统计数据"
ACTIVE_SHEET, APPLICATIONS_SHEET, APPEALS_SHEET = "表二", "表三", "表四"
INPUT = PatternFill("solid", fgColor="FFF2CC")
HEADER = PatternFill("solid", fgColor="F2F2F2")
RED = PatternFill("solid", fgColor="F4B6B6")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNBALANCED = "不平衡"

ORGAN_FIELDS = [
    ("organ.slug", "镇街代码（数据目录名，小写字母）", "text"),
    ("organ.town", "镇（街道）名称", "text"),
    ("organ.district", "区名称", "text"),
    ("organ.district_slug", "区代码（小写字母）", "text"),
    ("organ.city", "市名称", "text"),
    ("publication.site", "发布网站名称", "text"),
    ("publication.url", "发布网址", "text"),
    ("publication.column", "发布栏目", "text"),
    ("publication.filed_with", "报送单位", "text"),
    ("contact.office", "联系部门", "text"),
    ("contact.phone", "联系电话", "text"),
    ("contact.email_name", "邮箱名称", "text"),
    ("contact.email", "邮箱地址", "text"),
    ("contact.address", "通讯地址（可不填）", "text"),
    ("contact.postcode", "邮政编码（可不填）", "text"),
    ("organ.kind", "机关类别：镇、乡、街道、部门、办公室、其他（可不填，按名称推断）", "organ_kind"),
    ("organ.name", "机关全称，如“徐望镇人民政府”（可不填，即名称）", "text"),
    ("publication.date", "发布日期，如 2026-01-20（可不填）", "date"),
    ("sample", "示例数据（是/否）", "flag"),
]


@dataclass(frozen=True)
class Cell:
    """An input cell of the workbook: the data-file field it fills, and how to read it."""

    path: str
    sheet: str
    ref: str
    kind: str  # count | signed | amount | text | markdown | flag


@dataclass
class Layout:
    """A workbook and the map of its input cells (and of the total cells a clerk might type over)."""

    workbook: Workbook
    report_class: type
    cells: list[Cell] = field(default_factory=list)
    totals: list[tuple[str, str, list[str]]] = field(default_factory=list)  # sheet, ref, refs summed


def _style(
    ws: Worksheet, ref: str, value: object = None, *, fill: PatternFill | None = HEADER, bold: bool = False
) -> None:
    cell = ws[ref]
    if value is not None:
        cell.value = value
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    cell.border = BOX
    if fill is not None:
        cell.fill = fill
    if bold:
        cell.font = Font(bold=True)


def _label(ws: Worksheet, top_left: str, text: object, bottom_right: str | None = None, **kw: Any) -> None:
    _style(ws, top_left, text, **kw)
    if bottom_right and bottom_right != top_left:
        ws.merge_cells(f"{top_left}:{bottom_right}")
        for row in ws[f"{top_left}:{bottom_right}"]:
            for cell in row:
                cell.border = BOX


class _Writer:
    """Lays out one workbook, recording input cells; validations are shared per kind."""

    def __init__(self, fmt: ReportFormat, year: int):
        self.layout = Layout(Workbook(), fmt.report_class)
        self.fmt, self.year = fmt, year
        self.report: Any = blank(fmt.report_class)  # a report of zeros: the rows its tables have
        self.validations: dict[str, DataValidation] = {}

    def sheet(self, title: str) -> Worksheet:
        wb = self.layout.workbook
        first = wb.active
        ws = first if isinstance(first, Worksheet) and first.title == "Sheet" else wb.create_sheet()
        ws.title = title
        ws.protection.sheet = True
        ws.protection.formatCells = False
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        return ws

    def input(self, ws: Worksheet, ref: str, path: str, kind: str, value: Any = None) -> None:
        cell = ws[ref]
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text from a data file is text, never a formula
        cell.fill = INPUT
        cell.border = BOX
        cell.protection = Protection(locked=False)
        cell.alignment = Alignment(
            horizontal="right" if kind in ("count", "signed", "amount") else "left",
            vertical="top",
            wrap_text=kind in ("text", "markdown"),
        )
        if kind == "amount":
            cell.number_format = "0.00"
        if kind in ("count", "signed", "amount"):
            self._validation(ws, kind).add(ref)
        self.layout.cells.append(Cell(path, ws.title, ref, kind))

    def _validation(self, ws: Worksheet, kind: str) -> DataValidation:
        key = f"{ws.title}/{kind}"
        if key not in self.validations:
            rules: dict[str, tuple[Any, Any, str, str | None, str]] = {
                "count": ("whole", "greaterThanOrEqual", "0", None, "请填写非负整数（件数不能为负数或小数）。"),
                "signed": ("whole", "between", "-1000000", "1000000", "请填写整数（可为负数）。"),
                "amount": ("decimal", "greaterThanOrEqual", "0", None, "请填写非负金额。"),
            }
            kind_, op, f1, f2, message = rules[kind]
            dv = DataValidation(
                type=kind_,
                operator=op,
                formula1=f1,
                formula2=f2,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="输入有误",
                error=message,
            )
            ws.add_data_validation(dv)
            self.validations[key] = dv
        return self.validations[key]

    def total(self, ws: Worksheet, ref: str, refs: list[str]) -> None:
        _style(ws, ref, f"=SUM({','.join(refs)})", fill=HEADER, bold=True)
        self.layout.totals.append((ws.title, ref, refs))


def build_workbook(fmt_name: str, year: int, prefill: dict[str, Any] | None = None) -> Layout:
    """The fill-in workbook for a format and year; ``prefill`` maps field paths to values to fill in."""
    fmt = formats.get(fmt_name)
    values = prefill or {}
    w = _Writer(fmt, year)
    ws = w.sheet(ORGAN_SHEET)
    _label(ws, "A1", "报告格式")
    _label(ws, "B1", fmt.name, fill=None)
    _label(ws, "A2", "年度")
    _label(ws, "B2", year, fill=None)
    organ = [*ORGAN_FIELDS[:9], *fmt.extra_fields, *ORGAN_FIELDS[9:]]
    for row, (path, label, kind) in enumerate(organ, start=3):
        _label(ws, f"A{row}", label)
        default = "否" if kind == "flag" else None
        w.input(ws, f"B{row}", path, kind, _shown(values.get(path, default)))
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 36, 60

    ws = w.sheet(PROSE_SHEET)
    parts = fmt.prose_parts
    _label(ws, "A1", "部分")
    _label(ws, "B1", "正文（可用 Markdown；可用 {{ year }} 等占位符引用数值）")
    for row, (key, label) in enumerate(parts.items(), start=2):
        _label(ws, f"A{row}", label)
        w.input(ws, f"B{row}", f"prose.{key}", "markdown", values.get(f"prose.{key}"))
        ws.row_dimensions[row].height = 120
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 28, 100

    for kind in fmt.sheets:
        SHEETS[kind](w, values)
    for sheet in w.layout.workbook.worksheets:
        _print_setup(sheet)
    return w.layout


HEADER_ROWS = {APPLICATIONS_SHEET: "1:3", APPEALS_SHEET: "1:3"}  # repeated at the top of every printed page
LINE_POINTS = 15  # one line of 11-point text in a row
CHARS_PER_WIDTH = 0.55  # CJK characters per unit of Excel column width, roughly


def _print_setup(ws: Worksheet) -> None:
    """A sheet as it prints: A4, one page wide (landscape where the table is wide), the header rows on every
    page, and each row tall enough for its wrapped labels."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if ws.max_column > 4 else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    if ws.title in HEADER_ROWS:
        ws.print_title_rows = HEADER_ROWS[ws.title]
    widths = {}
    for merged in ws.merged_cells.ranges:
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43
                    for c in range(merged.min_col, merged.max_col + 1))
        widths[(merged.min_row, merged.min_col)] = (width, merged.max_row - merged.min_row + 1)
    for number, row in enumerate(ws.iter_rows(), start=1):
        if ws.row_dimensions[number].height:
            continue  # a row given its height on purpose (the prose)
        lines = 1.0
        for cell in row:
            if isinstance(cell.value, str) and not cell.value.startswith("="):
                own = (ws.column_dimensions[cell.column_letter].width or 8.43, 1)
                width, rows = widths.get((cell.row, cell.column), own)
                lines = max(lines, _lines(cell.value, width) / rows)
        if lines > 1:
            ws.row_dimensions[number].height = round(lines * LINE_POINTS + 3)


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a cell ``width`` wide."""
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _shown(value: Any) -> Any:
    return {True: "是", False: "否"}.get(value, value) if isinstance(value, bool) else value


def _figures_sheet(w: _Writer, values: dict[str, Any]) -> None:
    """统计数据 (2008 format): every group of ``figures`` under its part, with its table's units and 合计."""
    ws = w.sheet(FIGURES_SHEET)
    for ref, text in (("A1", "部分"), ("B1", "项目"), ("C1", "数量"), ("D1", "单位")):
        _label(ws, ref, text)
    report = blank(Legacy2008Report)
    row = 2
    for section, (part, build) in tables.LEGACY_TABLES.items():
        frame = build(report)
        first = row
        for key, label in tables.legacy_rows(report, section):
            _label(ws, f"B{row}", label)
            w.input(ws, f"C{row}", f"figures.{section}.{key}", "count")
            _label(ws, f"D{row}", frame.loc[label, tables.UNIT])
            row += 1
        if tables.TOTAL in frame.index:
            _label(ws, f"B{row}", tables.TOTAL, bold=True)
            w.total(ws, f"C{row}", [f"C{r}" for r in range(first, row)])
            _label(ws, f"D{row}", frame.loc[tables.TOTAL, tables.UNIT])
            row += 1
        _label(ws, f"A{first}", part, f"A{row - 1}")
    for col, width in zip("ABCD", (34, 30, 12, 8), strict=True):
        ws.column_dimensions[col].width = width


def _active_sheet(w: _Writer, values: dict[str, Any]) -> None:
    """表二 in the format's official layout."""
    ws = w.sheet(ACTIVE_SHEET)
    row = 1
    for caption, columns, rows in w.report.active.BLOCKS:
        last = get_column_letter(1 + len(columns))
        _label(ws, f"A{row}", caption, f"{last}{row}", bold=True)
        row += 1
        _label(ws, f"A{row}", tables.INFO)
        for i, column in enumerate(columns):
            _label(ws, f"{get_column_letter(2 + i)}{row}", column)
        row += 1
        for label, name, keys in rows:
            _label(ws, f"A{row}", label)
            for i, key in enumerate(keys):
                kind = "amount" if key == "amount" else "signed" if key == "change" else "count"
                w.input(ws, f"{get_column_letter(2 + i)}{row}", f"active.{name}.{key}", kind)
            row += 1
        row += 1
    ws.column_dimensions["A"].width = 24
    for i in range(2, 5):
        ws.column_dimensions[get_column_letter(i)].width = 18


def _applications_sheet(w: _Writer, values: dict[str, Any]) -> None:
    """表三 with its merged headers, formula totals and a balance check per column; 2021: the fee block."""
    ws = w.sheet(APPLICATIONS_SHEET)
    _label(ws, "A1", BALANCE_NOTE, "C3")
    _label(ws, "D1", APPLICANT_HEADER, "J1", bold=True)
    _label(ws, "D2", APPLICANT_COLUMNS[0][1], "D3")
    _label(ws, "E2", LEGAL_PERSON, "I2")
    for i, (_, label) in enumerate(APPLICANT_COLUMNS[1:]):
        _label(ws, f"{get_column_letter(5 + i)}3", label)
    _label(ws, "J2", APPLICANT_TOTAL, "J3")
    typed = list(w.report.applications.rows())
    outcome_rows: list[int] = []
    row, where = 4, {}
    groups: dict[str, list[int]] = {}
    for path, labels, _ in typed:
        if labels[0] == CARRIED_OVER:
            where["seven"] = row
            _row_labels(ws, row, (RESULTS, RESULT_TOTAL, ""))
            for i in range(7):
                col = get_column_letter(4 + i)
                w.total(ws, f"{col}{row}", [f"{col}{r}" for r in outcome_rows])
            groups.setdefault(RESULTS, []).append(row)
            row += 1
        _row_labels(ws, row, labels)
        for i, (key, _) in enumerate(APPLICANT_COLUMNS):
            col = get_column_letter(4 + i)
            w.input(ws, f"{col}{row}", f"{path}.{key}", "count", values.get(f"{path}.{key}"))
        w.total(ws, f"J{row}", [f"{get_column_letter(4 + i)}{row}" for i in range(6)])
        if labels[1]:
            outcome_rows.append(row)
            groups.setdefault(labels[0], []).append(row)
            if labels[2]:
                groups.setdefault(labels[0] + "/" + labels[1], []).append(row)
        where.setdefault({RECEIVED: "one", CARRIED_IN: "two", CARRIED_OVER: "four"}.get(labels[0], "_"), row)
        row += 1
    for key, rows in groups.items():
        column = "B" if "/" in key else "A"
        if len(rows) > 1:
            ws.merge_cells(f"{column}{rows[0]}:{column}{rows[-1]}")
    check = row
    _label(ws, f"A{check}", "勾稽关系核对：第一项＋第二项＝第三项（七）总计＋第四项", f"C{check}", bold=True)
    for i in range(7):
        col = get_column_letter(4 + i)
        formula = (
            f"=IF({col}{where['one']}+{col}{where['two']}={col}{where['seven']}+{col}{where['four']},"
            f'"平衡","{UNBALANCED}")'
        )
        _style(ws, f"{col}{check}", formula, fill=None, bold=True)
    ws.conditional_formatting.add(
        f"D{check}:J{check}", CellIsRule(operator="equal", formula=[f'"{UNBALANCED}"'], fill=RED)
    )
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width, ws.column_dimensions["C"].width = 18, 26, 40
    if hasattr(w.report, "processing_fees"):
        _fees_block(w, ws, check + 2)


def _row_labels(ws: Worksheet, row: int, labels: tuple[str, str, str]) -> None:
    first, second, third = labels
    if not second:
        _label(ws, f"A{row}", first, f"C{row}")
    elif not third:
        _label(ws, f"A{row}", first)
        _label(ws, f"B{row}", second, f"C{row}")
    else:
        _label(ws, f"A{row}", first)
        _label(ws, f"B{row}", second)
        _label(ws, f"C{row}", third)


def _fees_block(w: _Writer, ws: Worksheet, row: int) -> None:
    _label(ws, f"A{row}", "六、信息处理费（《政府信息公开信息处理费管理办法》）", f"D{row}", bold=True)
    for i, (key, label, kind) in enumerate(
        (
            ("notices", "发出收费通知件数", "count"),
            ("billed", "收费金额（元）", "amount"),
            ("collected", "实际收取金额（元）", "amount"),
        ),
        start=1,
    ):
        _label(ws, f"A{row + i}", label, f"C{row + i}")
        w.input(ws, f"D{row + i}", f"processing_fees.{key}", kind)


def _appeals_sheet(w: _Writer, values: dict[str, Any]) -> None:
    """表四: three groups of four results and their formula 总计."""
    ws = w.sheet(APPEALS_SHEET)
    _label(ws, "A1", "行政复议", "E2", bold=True)
    _label(ws, "F1", "行政诉讼", "O1", bold=True)
    _label(ws, "F2", APPEAL_GROUPS[1][1][1], "J2")
    _label(ws, "K2", APPEAL_GROUPS[2][1][1], "O2")
    for g, (group, _) in enumerate(APPEAL_GROUPS):
        base = 1 + 5 * g
        for i, (key, label) in enumerate(APPEAL_RESULTS):
            col = get_column_letter(base + i)
            _label(ws, f"{col}3", label)
            w.input(ws, f"{col}4", f"appeals.{group}.{key}", "count")
        total = get_column_letter(base + 4)
        _label(ws, f"{total}3", APPEAL_TOTAL)
        w.total(ws, f"{total}4", [f"{get_column_letter(base + i)}4" for i in range(4)])
    for i in range(1, 16):
        ws.column_dimensions[get_column_letter(i)].width = 11


# The workbook sheets a format may list in ``ReportFormat.sheets``, by kind.
SHEETS: dict[str, Callable[[_Writer, dict[str, Any]], None]] = {
    "figures": _figures_sheet,
    "active": _active_sheet,
    "applications": _applications_sheet,
    "appeals": _appeals_sheet,
}


# --- import ---------------------------------------------------------------------------------------

class CellError(WorkbookError):
    """A workbook that cannot be read as a fill-in workbook of this tool."""


@dataclass
class Imported:
    """A workbook read back: the data, the cells it came from, and what was wrong."""

    data: dict[str, Any]
    fmt: str
    year: int
    cells: dict[str, str]  # field path → "表三!D14"
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # the fields of ``errors``, left blank in ``data``


MAX_UNPACKED = 20 * 1024 * 1024  # bytes a fill-in workbook unpacks to; ours is well under 100 KB
MAX_ROWS = 500  # rows of any sheet; ours has fewer than 60
MAX_COLUMNS = 50  # columns of any sheet; ours has fewer than 15
FIRST_YEAR = 2008  # the first year of 政府信息公开工作年度报告


def _open(path: Path) -> Any:
    """The workbook at ``path``, or a one-line Chinese reason why it cannot be one of ours; checks its size
    before anything is unpacked."""
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise CellError(f"{name}：无法读取（{os_reason(exc)}）") from None
    if size == 0:
        raise CellError(f"{name}：文件为空")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CellError(f"{name}：这是旧的 .xls 格式，请在 Excel 或 WPS 中另存为 .xlsx 后再导入")
    if not zipfile.is_zipfile(path):
        raise CellError(f"{name}：不是 .xlsx 工作簿（可能是改了扩展名的其他文件，或文件不完整）")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                raise CellError(f"{name}：工作簿解压后 {unpacked // 1024 // 1024} MB，超过填报表的上限 20 MB")
            bad = archive.testzip()
            if bad is not None:
                raise CellError(f"{name}：工作簿已损坏（{bad} 校验失败）")
            _check_ranges(archive, name)
        wb = load_workbook(path)
    except CellError:
        raise
    except (zipfile.BadZipFile, zlib.error, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise CellError(f"{name}：工作簿已损坏或不是 Excel 工作簿（{type(exc).__name__}）") from None
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS:
            raise CellError(f"{name} {ws.title}：{ws.max_row} 行，超过填报表的上限 {MAX_ROWS} 行")
    return wb


def _check_ranges(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse, before openpyxl expands them, merged and hyperlink ranges beyond what a fill-in workbook can
    be (``MAX_ROWS`` × ``MAX_COLUMNS``): openpyxl makes an object for every cell a range covers."""
    from lxml import etree
    from openpyxl.utils.cell import range_boundaries

    sheets = _sheet_names(archive)
    for member in sorted(n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")):
        with archive.open(member) as handle:
            events = etree.iterparse(handle, events=("start",), resolve_entities=False, no_network=True,
                                     huge_tree=False)
            try:
                for _, element in events:
                    tag = etree.QName(element).localname
                    ref = element.get("ref") if tag in ("mergeCell", "hyperlink") else None
                    if ref is None:
                        element.clear(keep_tail=True)
                        continue
                    try:
                        left, top, right, bottom = range_boundaries(ref)
                    except (TypeError, ValueError):
                        continue
                    if (right or left or 1) > MAX_COLUMNS or (bottom or top or 1) > MAX_ROWS:
                        what = "合并单元格" if tag == "mergeCell" else "超链接"
                        raise CellError(f"{name} {sheets.get(member, member)}：{what}范围 {ref[:40]} 超出填报表的"
                                        f"大小（最多 {MAX_ROWS} 行、{MAX_COLUMNS} 列），不是本工具生成的填报表")
            except etree.XMLSyntaxError:
                raise CellError(f"{name} {sheets.get(member, member)}：工作表的 XML 已损坏，"
                                "或含有不允许的内容（如外部实体）") from None


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → the sheet's name as Excel shows it (for messages)."""
    from lxml import etree

    try:
        book = etree.fromstring(archive.read("xl/workbook.xml"), etree.XMLParser(resolve_entities=False))
        rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"), etree.XMLParser(resolve_entities=False))
    except (KeyError, etree.XMLSyntaxError):
        return {}
    targets = {r.get("Id"): "xl/" + r.get("Target", "").lstrip("/").removeprefix("xl/") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {targets.get(sheet.get(rid), ""): f"工作表“{sheet.get('name')}”"
            for sheet in book.iter("{*}sheet")}


def read_workbook(path: Path) -> Imported:
    """Read a filled workbook into data-file content; every unreadable cell is named."""
    wb = _open(path)
    name = path.name
    organ = wb[ORGAN_SHEET] if ORGAN_SHEET in wb.sheetnames else None
    if organ is None:
        raise CellError(f"{name}：找不到工作表“{ORGAN_SHEET}”，这不是本工具生成的填报表")
    fmt, year = str(organ["B1"].value or "").strip(), organ["B2"].value
    if formats.lookup(fmt) is None or not isinstance(year, int):
        raise CellError(f"{name} {ORGAN_SHEET}!B1:B2：应为本工具写入的报告格式和年度，实际为“{fmt}”“{year}”")
    last_year = datetime.date.today().year + 1
    if not FIRST_YEAR <= year <= last_year:
        raise CellError(f"{name} {ORGAN_SHEET}!B2：应为 {FIRST_YEAR}—{last_year} 年之间的年度，实际为 {year}")
    layout = build_workbook(fmt, year)
    missing = sorted({cell.sheet for cell in layout.cells} - set(wb.sheetnames))
    if missing:
        names = "、".join(f"“{sheet}”" for sheet in missing)
        raise CellError(f"{name}：找不到工作表{names}（工作表不能改名或删除）")
    result = Imported({"format": fmt, "year": year}, fmt, year, {})
    for cell in layout.cells:
        where = f"{cell.sheet}!{cell.ref}"
        result.cells[cell.path] = where
        raw = wb[cell.sheet][cell.ref].value
        if isinstance(raw, str) and raw.startswith("=") and cell.kind in ("markdown", "text"):
            result.notes.append(f"{name} {where}：单元格是公式“{raw[:40]}”，按公式的文字原样导入（不会计算它），"
                                "如不是有意为之请改为文字")
        try:
            value = read_cell(raw, cell.kind, unit_of(layout.report_class, cell.path))
        except ValueProblem as exc:
            result.errors.append(f"{name} {where}（{name_of(fmt, cell.path)}）：{exc}")
            result.refused.append(cell.path)
            _put(result.data, cell.path, None)
            continue
        if value in ("", None) and _optional(layout.report_class, cell.path):
            continue  # an optional field left blank is left out of the data file
        if cell.kind == "text" and value == "":
            result.errors.append(f"{name} {where}（{name_of(fmt, cell.path)}）：应为非空文本，实际为空")
            result.refused.append(cell.path)
        _put(result.data, cell.path, value)
    for sheet, ref, refs in layout.totals:
        raw = wb[sheet][ref].value
        if isinstance(raw, str) and raw.startswith("="):
            continue
        try:
            typed = read_cell(raw, "amount")
            parts = [read_cell(wb[sheet][r].value, "amount") for r in refs]
        except ValueProblem:
            continue
        if typed is None or None in parts:
            continue  # a blank total is computed; a total over blanks is judged when they are filled
        computed = sum(parts)
        if typed != computed:
            result.notes.append(
                f"{name} {sheet}!{ref}：总计应由公式计算，填写的 {raw} 已忽略，按各项之和 {computed} 计算"
            )
    return result


def _optional(report_class: type, path: str) -> bool:
    """Whether the data model gives field ``path`` a default (so that it may be left out)."""
    cls: Any = report_class
    *parents, last = path.split(".")
    for part in parents:
        cls = typing.get_type_hints(cls)[part]
    found = {f.name: f for f in dataclasses.fields(cls)}.get(last)
    return found is not None and not required(found)


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


# --- the two commands' work ---------------------------------------------------------------------


def prefill_from(data_dir: Path, slug: str, year: int, fmt: str) -> dict[str, Any]:
    """What a new year's workbook starts from: what ``xxgk new-year`` would write for the town (its details,
    last year's 结转 as this year's 上年结转, last year's prose as a draft), cell path by cell path."""
    previous = latest_before(data_dir / slug, year)
    if previous is None:
        return {"organ.slug": slug}
    return {path: value for path, value in dotted(next_year(previous, year, fmt)).items() if value is not None}
