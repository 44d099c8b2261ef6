"""A published national-format report (a ``pages.Page``) written down as a data file's content.

Every cell of tables 二, 三 and 四 (and the 2021 fee table) is found by its row and column labels as printed,
never by its position; the labels are matched by their distinctive words (``CORES``), so that the spellings
real pages use still read (``规范性文件`` in a 2021 table, ``本年增\\减``, ``现行有效件``, ``本年(2023)制发件数``,
units in cells, full-width digits, brackets of explanation, a table split by a page break, label columns
merged differently). A cell or row that cannot be placed is named as printed, never guessed.
"""

from __future__ import annotations

import dataclasses
import re
import typing
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from helpers.intake.pages import DATE_LINE, TABLE, Grid, Page
from helpers.report import formats, tables
from helpers.report.demo import SAMPLE_NOTICE
from helpers.report.model import NOT_APPLICABLE, OVERVIEW_PARTS, AmountUnit, field_at, kind_of_name
from helpers.report.values import COUNT_UNITS

NATIONAL_2019, NATIONAL_2021 = "national-2019", "national-2021"
LAST_LEGACY_YEAR, FIRST_2021_YEAR = 2018, 2021  # the 2008 format's last report; the 2021 format's first
REPORT_WORDS = "政府信息公开工作年度报告"
HISTORY_HEADING = "与往年数据对比"  # what our own pages add to 一 (tables.year_over_year); not prose
NO_OTHER = "无其他需要报告的事项。"  # what our pages print for an empty 六
_SIGNS = str.maketrans("−，", "-,")
_BLANK = {"", "-", "--", "—", "——", "–", "无", "空"}
_NOT_APPLICABLE = {"/", "\\"}  # printed for a cell that does not apply: recorded as NOT_APPLICABLE

# Table 二: the row (a field of ``active``) and column (a key of that field) by distinctive words, in the
# order they are tried; which of them a format has is read from its data class.
ACTIVE_ROWS = (("其他对外管理服务", "other_services"), ("规范性文件", "normative"), ("规章", "rules"),
               ("行政许可", "licensing"), ("行政处罚", "punishment"), ("行政强制", "enforcement"),
               ("行政事业性收费", "fees"), ("集中采购", "procurement"))
ACTIVE_COLUMNS = (("制发", "issued"), ("废止", "repealed"), ("现行有效", "in_force"), ("新制作", "made"),
                  ("新公开", "published"), ("对外公开总", "total_public"), ("上一年项目", "previous"),
                  ("上年项目", "previous"), ("处理决定", "decisions"), ("收费金额", "amount"),
                  ("采购项目", "projects"), ("采购总金额", "amount"), ("增", "change"), ("减", "change"))
ACTIVE_2021 = {"issued", "repealed", "in_force"}
ACTIVE_2019 = {"made", "published", "total_public", "previous", "change", "projects"}
# Table 三.
APPLICANTS = (("自然人", "natural"), ("商业企业", "commercial"), ("科研机构", "research"), ("社会公益", "social"),
              ("法律服务", "legal"), ("总计", "total"), ("合计", "total"))
FLOWS = (("本年新收", "received"), ("上年结转", "carried_in"), ("结转下年", "carried_over"))
OUTCOMES = (("予以公开", "granted"), ("部分公开", "partial"), ("不予公开", "refused"), ("无法提供", "unable"),
            ("不予处理", "not_processed"), ("其他处理", "other"), ("总计", "total"), ("合计", "total"))
SUB_OUTCOMES = {
    "refused": (("国家秘密", "state_secret"), ("禁止公开", "law_prohibited"), ("三安全一稳定", "three_safety"),
                ("第三方", "third_party"), ("内部事务", "internal_affairs"), ("过程性", "process_info"),
                ("执法案卷", "enforcement_files"), ("查询事项", "query_items")),
    "unable": (("不掌握", "not_held"), ("另行制作", "needs_creation"), ("仍不明确", "unclear")),
    "not_processed": (("信访", "petition"), ("重复申请", "repeated"), ("出版物", "publication"),
                      ("大量反复", "excessive"), ("确认或重新出具", "confirmation")),
    "other": (("逾期不补正", "no_correction"), ("缴纳费用", "no_fee"), ("其他", "other")),
}
# Table 四.
APPEAL_GROUPS = (("复议后起诉", "lawsuit_after"), ("未经复议", "lawsuit_direct"), ("直接起诉", "lawsuit_direct"),
                 ("行政复议", "reconsideration"))
APPEAL_RESULTS = (("维持", "upheld"), ("纠正", "corrected"), ("其他", "other"), ("未审结", "pending"),
                  ("总计", "total"), ("合计", "total"))
FEE_COLUMNS = (("收费通知", "notices"), ("实际收取", "collected"), ("收费金额", "billed"))
# The report's parts: the numeral of the heading, and words one of which its title has.
PARTS = (("一", ("总体",), "overview"), ("二", ("主动公开",), ""), ("三", ("申请",), ""),
         ("四", ("复议", "诉讼"), ""), ("五", ("问题",), "problems"), ("六", ("其他",), "other"))
# The five usual sub-parts of 一 by the words their headings use, the most telling first (政府信息公开平台建设情况
# is 平台建设, not 政府信息管理; 信息管理情况 is 政府信息管理).
SUB_PARTS = (("主动公开", "active"), ("依申请", "requests"), ("平台", "platforms"), ("监督", "oversight"),
             ("保障", "oversight"), ("信息管理", "management"), ("政府信息", "management"))
TABLE_NAMES = {"active": "表二", "applications": "表三", "appeals": "表四", "processing_fees": "信息处理费表"}
_HEADING = re.compile(r"^([一二三四五六七八九十]{1,2})\s*[、.．，,]\s*(.*)$", re.S)
_SUB_HEADING = re.compile(r"^[（(]\s*([一二三四五六七八九十])\s*[)）]\s*(.{1,16}?)(?:[。：:；;]\s*(.*))?$", re.S)
_DISCLOSURE = r"(?:政府信息公开|政务公开|信息公开)"
_TAIL = r"(?P<tail>[（(][^）)]{1,10}[）)])?"  # 报告（全文）: part of the title as printed
_TITLES = (  # the forms real titles take: organ then year, the year first, 工作情况报告 or 年度报告 without 工作
    re.compile(rf"^(?P<organ>.+?)(?P<year>\d{{4}})年度?{_DISCLOSURE}?工作年度报告{_TAIL}"),
    re.compile(rf"^(?P<organ>.+?)(?P<year>\d{{4}})年度?{_DISCLOSURE}(?:工作)?(?:年度|情况)?(?:工作)?报告{_TAIL}"),
    re.compile(rf"^(?P<year>\d{{4}})年度?(?P<organ>.+?){_DISCLOSURE}(?:工作)?(?:年度|情况)?(?:工作)?报告{_TAIL}"),
)
# A title without a year (东风路街道政府信息公开工作年度报告): its organ must read as one by its name.
_TITLE_NO_YEAR = re.compile(rf"^(?P<organ>[^\d]{{2,40}}?){_DISCLOSURE}(?:工作)?年度报告{_TAIL}")
STANDARD_TITLE = "{organ}{year}年政府信息公开工作年度报告"
# The year where the title gives none: the period the figures cover, else the first "2020年度" of the text.
_PERIOD = re.compile(r"(\d{4})年1月1日(?:起)?(?:至|到|—|-|～|~)(\d{4})年12月31日")
_YEAR_OF_TEXT = re.compile(r"(\d{4})年度")
_DATE = re.compile(r"^(?P<before>.*?)(?P<year>\d{4})\s*年\s*(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日$", re.S)
_PUBLISHED_AT = re.compile(
    r"在(?P<site>[^（(，。；]{2,60}?)\s*[（(]\s*\[?(?P<url>(?:https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^）)\s\]]*)\]?"
    r"(?:\([^)]*\))?\s*[）)](?P<column>[^，。；]{0,40}?)(?:公布|查阅|发布|下载)")
_CONTACT = re.compile(r"请与(?P<office>[^，。（(；]{2,40}?)联系(?:\s*[（(](?P<details>[^）)]*)[）)])?")
# 请联系浦口区教育局办公室，地址：……电话：……。 / 请联系武进区卫生健康局，联系电话：……
_ASK = re.compile(r"请联系(?P<office>[^，,。（(；;：:]{2,40}?)"
                  r"(?:\s*[（(](?P<details>[^）)]*)[）)]|[，,](?P<after>[^。]*)|。|$)")
_PHONE_ONLY = re.compile(r"(?:联系|咨询)电话[：:]\s*(?P<details>[^。]*)")
_CONTACT_LABELS = (("通讯地址", "address"), ("联系地址", "address"), ("地址", "address"), ("邮政编码", "postcode"),
                   ("邮编", "postcode"), ("电子邮箱", "email"), ("电子信箱", "email"), ("邮箱", "email"),
                   ("联系电话", "phone"), ("咨询电话", "phone"), ("电话", "phone"))
_NUMBER = re.compile(rf"^(?P<sign>[+-])?(?P<digits>\d+(?:\.\d+)?)(?P<unit>万元|元|{'|'.join(COUNT_UNITS)})?$")
_CITY = re.compile(r"^(.{2,8}?(?:自治州|地区|市|州|盟))(.+)$")
_DISTRICT = re.compile(r"^(.{1,8}?(?:自治县|新区|区|县|旗|市))(.+)$")
_SEAT = re.compile(r"(人民政府|街道办事处|办事处|政府)$")


def norm(text: str) -> str:
    """A label as matched: full-width letters and digits made ASCII, white space, quotes and stray marks out,
    ``\\`` as ``/``."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\"'“”‘’「」]", "", text).replace("\\", "/")


def shown_label(cells: list[str]) -> str:
    """A row's label cells as printed, merged cells once."""
    kept: list[str] = []
    for cell in cells:
        text = " ".join(cell.split())
        if text and (not kept or kept[-1] != text):
            kept.append(text)
    return " ".join(kept)


def _first(text: str, cores: tuple[tuple[str, str], ...]) -> str | None:
    return next((key for core, key in cores if core in text), None)


@dataclass
class Transcript:
    """A report read off a published page: the data file's content, where each field was printed, what could
    not be placed (errors: the import is refused) and what was left out or converted (notes)."""

    data: dict[str, Any]
    where: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        year = self.data.get("year")
        return year if isinstance(year, int) else None


class NotAReport(Exception):
    """The page is not a national-format annual report: one sentence that says what it is instead."""


@dataclass
class _Cells:
    """What the tables gave: field path → value, its printed place, and the problems."""

    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    noted: set[str] = field(default_factory=set)
    marks: dict[str, int] = field(default_factory=lambda: {NATIONAL_2019: 0, NATIONAL_2021: 0})
    added: list[dict[str, Any]] = field(default_factory=list)  # table 三's rows the official layout lacks
    # table 二's rows the official layout lacks, each with the error it is where the table lacks an official row
    active_added: list[tuple[dict[str, Any], str]] = field(default_factory=list)

    def put(self, path: str, value: Any, where: str) -> None:
        if path in self.values and self.values[path] != value:
            self.errors.append(f"{where}：同一格在 {self.where[path]} 已读到 {self.values[path]}，这里又是 {value}")
            return
        self.values[path] = value
        self.where[path] = where


def transcribe(page: Page, year: int | None = None) -> Transcript:
    """The data file's content of ``page``; NotAReport when the page is not a report we can read. ``year``: the
    report's year where its title gives none (``xxgk import --year``)."""
    if "汇总" in page.title:
        raise NotAReport(f"{page.name}：这是区汇总页面（{page.title}），不是一个机关的报告；"
                         "汇总由各镇街的报告生成，不能导入")
    kinds = [(grid, _kind(grid)) for grid in page.grids]
    cells = _Cells()
    readers = {"active": _read_active, "applications": _read_applications, "appeals": _read_appeals,
               "processing_fees": _read_fees}
    columns: dict[str, Any] = {}
    for grid, kind in kinds:
        if kind:
            readers[kind](grid, cells, columns)
    title = title_of(page)
    fmt = NATIONAL_2021 if cells.marks[NATIONAL_2021] >= cells.marks[NATIONAL_2019] else NATIONAL_2019
    if not any(kind for _, kind in kinds):
        if title is None:
            raise NotAReport(f"{page.name}：这不是政府信息公开工作年度报告（找不到报告标题和表二、表三、表四）")
        if not any(_HEADING.match(b) for b in page.blocks if b != TABLE):  # a list of reports, a news page
            raise NotAReport(f"{page.name}：这不是政府信息公开工作年度报告（找不到报告的各部分和表二、表三、表四）")
        covered, _ = report_year(page, title, year)
        if covered is None or covered <= LAST_LEGACY_YEAR:
            from helpers.intake.legacy import transcribe_legacy  # a 2008-format page: its own parts and figures

            return transcribe_legacy(page, title, year)
        # A report of the national formats' years whose tables the page does not show (images, or cut off): its
        # text as printed, every table unseen.
        fmt = NATIONAL_2019 if covered < FIRST_2021_YEAR else NATIONAL_2021
    data: dict[str, Any] = {"format": fmt, "source": "published"}
    _check_against_model(fmt, cells)
    _place_active_added(fmt, cells)
    result = Transcript(data, dict(cells.where), [f"{page.name}：{e}" for e in cells.errors],
                        [f"{page.name}：{n}" for n in cells.notes])
    head(page, title, year, result)
    _drop_stated_sums(cells.values)
    for path, value in sorted(cells.values.items()):
        _put(data, path, value)
    if cells.added:
        data.setdefault("applications", {})["added"] = cells.added
    if cells.active_added:
        data.setdefault("active", {})["added"] = [row for row, _ in cells.active_added]
    for name, table in TABLE_NAMES.items():
        if name != "processing_fees" or fmt == NATIONAL_2021:
            if not any(path.startswith(name + ".") for path in cells.values):
                unread = [n for n, (grid, kind) in enumerate(kinds, 1) if kind == name and _has_numbers(grid)]
                if unread:  # found, with figures, but not one of them read: never written as blank
                    result.errors.append(f"{page.name}：页面第 {unread[0]} 张表格是{table}，但按官方格式的行、列标签"
                                         "一个数字也读不出来，未导入（请核对这张表格的标签）")
                else:
                    result.notes.append(f"{page.name}：页面中没有{table}，{table}的数字按空白（未公布）记录")
                    data.setdefault("unseen", []).append(name)
    _prose(page, result)
    result.data = _ordered(data, formats.get(fmt).report_class)
    return result


def report_year(page: Page, title: Title, given: int | None) -> tuple[int | None, str]:
    """The report's year: its title's, else ``given`` (--year), else the text's; and a note of where it came from
    when not from the title (or why there is none)."""
    if title.year is not None:
        if given is not None and given != title.year:
            return title.year, f"标题中的年度是 {title.year}，--year {given} 未采用"
        return title.year, ""
    if given is not None:
        return given, f"标题中没有年度，按 --year 记为 {given} 年度"
    if found := year_of_text(page):
        return found[0], f"标题中没有年度，按正文“{found[1]}”记为 {found[0]} 年度（可用 --year 指定）"
    return None, ""


def head(page: Page, title: Title | None, given: int | None, result: Transcript) -> None:
    """The report's year and organ from its title (the year, where the title has none, from ``given`` or the
    text, with a note of which), and the title itself, as printed, where it is not the standard form."""
    data = result.data
    if title is None:
        result.errors.append(f"{page.name}：找不到报告标题“××{REPORT_WORDS}”，无法确定机关和年度")
        return
    year, note = report_year(page, title, given)
    if note:
        result.notes.append(f"{page.name}：{note}")
    if year is None:
        result.errors.append(f"{page.name}：标题“{title.printed}”中没有年度，正文中也找不到，请用 --year 指定")
    else:
        data["year"] = year
    organ = data["organ"] = _organ(title.organ)
    if title.shown and (year is None or title.printed != STANDARD_TITLE.format(organ=organ["town"], year=year)):
        organ["title"] = title.printed  # as printed: never rewritten to the standard form


@dataclass
class Title:
    """A report's title as printed: the organ it names, its year (None where it gives none) and its text."""

    organ: str
    year: int | None
    printed: str
    shown: bool = True  # printed on the page (its heading or a line of its text), not only the browser tab's


def _title_in(text: str, patterns: tuple[re.Pattern[str], ...] = _TITLES) -> Title | None:
    """The title a text is, read as printed (white space out), else with full-width digits and marks made plain."""
    for shown in (re.sub(r"\s", "", text), norm(text)):
        for pattern in patterns:
            found = pattern.search(shown)
            named = found.group("organ") if found else ""
            if found and 0 < len(named) <= 100 and not re.search(r"[，。；：《》、,;:]", named):  # not a sentence
                year = int(found.group("year")) if found.groupdict().get("year") else None
                organ = re.sub(r"[（(][^）)]*[）)]", "", found.group("organ"))  # 青龙镇政府（机关）
                if organ.endswith("人民") and shown[found.end("organ"):].startswith("政府"):
                    organ += "政府"  # 合水镇人民政府信息公开……: the organ's 政府 is the report's too
                return Title(organ, year, found.group(0))
    return None


def title_of(page: Page) -> Title | None:
    """The report's title (its organ and year): the page's heading, else its ``<title>``, else one of its first
    paragraphs; a title without a year only where none has one and its organ reads as an organ."""
    tab = page.meta.get("page_title", "")
    lines = [b for b in page.blocks[:6] if b != TABLE and len(b) <= 80]  # a paragraph that is a title, not prose
    texts = [(text, text != tab or bool(page.meta.get("heading"))) for text in (page.title, tab, *lines) if text]
    for patterns in (_TITLES, (_TITLE_NO_YEAR,)):
        for text, shown in texts:
            title = _title_in(text, patterns)
            if title and (patterns is _TITLES or kind_of_name(title.organ) or _SEAT.search(title.organ)):
                title.shown = shown
                return title
    return None


def year_of_text(page: Page) -> tuple[int, str] | None:
    """The year the text says the report covers, and the words that say it: the period of its figures
    (统计期限为2025年1月1日至2025年12月31日), else the first ``2020年度``."""
    text = norm("".join(b for b in page.blocks if b != TABLE))
    period = next((m for m in _PERIOD.finditer(text) if m.group(1) == m.group(2)), None)
    if period:
        return int(period.group(1)), period.group(0)
    first = _YEAR_OF_TEXT.search(text)
    return (int(first.group(1)), first.group(0)) if first else None


def _has_numbers(grid: Grid) -> bool:
    return any(_NUMBER.match(norm(cell).replace(",", "")) for row in grid.rows for cell in row if cell.strip())


def _ordered(value: Any, cls: Any) -> Any:
    """The data in the order of the data class's fields, as a data file of ours is written."""
    cls = _dataclass_of(cls)
    if not isinstance(value, dict) or cls is None:
        return value
    hints = typing.get_type_hints(cls)
    order = [f.name for f in dataclasses.fields(cls)]
    if "source" in order:  # a published record says so at the top
        order.insert(order.index("year") + 1, order.pop(order.index("source")))
    keys = sorted(value, key=lambda k: order.index(k) if k in order else len(order))
    return {k: _ordered(value[k], hints.get(k)) for k in keys}


def _kind(grid: Grid) -> str:
    """Which report table a grid is (or a piece of): active, applications, appeals, processing_fees, or ""."""
    text = norm(" ".join(" ".join(row) for row in grid.rows) + grid.caption)
    if "结果维持" in text or "复议后起诉" in text:
        return "appeals"
    if "商业企业" in text or any(core in text for core, _ in OUTCOMES[:5]) or any(
            core in text for subs in SUB_OUTCOMES.values() for core, _ in subs[:-1]):
        return "applications"  # (a piece after a page break has no header, but its rows say what it is)
    if "信息处理费" in text and "收费" in text:
        return "processing_fees"
    if "第二十条" in text or "信息内容" in text or (
            _first(text, ACTIVE_COLUMNS[:-2]) and _first(text, ACTIVE_ROWS)):
        return "active"
    return ""


def _place(table: str, row: str, column: str) -> str:
    cell = "".join(f"“{label}”{kind}" for label, kind in ((row, "行"), (column, "列")) if label)
    return f"{table}{cell}"


def parse_cell(text: str, kind: str, unit: str = "") -> tuple[Any, str]:
    """A printed cell as a ``count``, ``signed`` or ``amount`` (in ``unit``), and a note when its own unit was
    converted; None where the cell is blank, "/" where it is printed as not applicable. ValueError with what
    was found when it is not a number."""
    shown = unicodedata.normalize("NFKC", text).translate(_SIGNS)
    value = re.sub(r"\s", "", shown).replace(",", "")
    if value in _BLANK:
        return None, ""
    if value in _NOT_APPLICABLE:
        return NOT_APPLICABLE, ""
    if kind == "signed":  # 本年增/减 printed in words: 增4, 减4, 增加4, 减少4
        value = re.sub(r"^(?:增加|增)(?=\d)", "+", re.sub(r"^(?:减少|减)(?=\d)", "-", value))
    found = _NUMBER.match(value)
    if not found:
        raise ValueError(f"“{text}”")
    digits, sign, own = found.group("digits"), found.group("sign") or "", found.group("unit") or ""
    if kind in ("count", "signed"):
        if "." in digits and not digits.rstrip("0").endswith("."):
            raise ValueError(f"带小数的“{text}”")
        number = int(Decimal(digits))
        if sign == "-" and kind == "count":
            raise ValueError(f"负数“{text}”")
        return (-number if sign == "-" else number), ""
    if sign == "-":
        raise ValueError(f"负数“{text}”")
    try:
        amount = Decimal(digits)
    except InvalidOperation:
        raise ValueError(f"“{text}”") from None
    if own in ("万元", "元") and unit and own != unit:
        converted = amount * 10_000 if own == "万元" else amount / 10_000
        converted = converted.quantize(Decimal(1)) if converted == converted.to_integral() else converted.normalize()
        return converted, f"“{text}”按{unit}记为 {converted}"
    return amount, ""


def _value(cells: _Cells, place: str, text: str, kind: str, unit: str = "") -> tuple[bool, Any]:
    try:
        value, note = parse_cell(text, kind, unit)
    except ValueError as exc:
        expected = {"count": "非负整数", "signed": "整数（可为负数）", "amount": "非负金额"}[kind]
        cells.errors.append(f"{place}：应为{expected}，实际为{exc}")
        return False, None
    if note and f"{place}：{note}" not in cells.noted:  # a set: a table of many converted cells stays linear
        cells.noted.add(f"{place}：{note}")
        cells.notes.append(f"{place}：{note}")
    return True, value


def _unit(header: str) -> str:
    return "万元" if "万元" in header else "元" if "元" in header else ""


def _is_header(row: list[str]) -> bool:
    """A row of labels only: no cell reads as a number."""
    texts = [c for c in row if c.strip()]
    return bool(texts) and not any(_NUMBER.match(norm(c).replace(",", "")) for c in texts)


# --- table 二 -------------------------------------------------------------------------------------------

def _read_active(grid: Grid, cells: _Cells, columns: dict[str, Any]) -> None:
    current: dict[int, tuple[str, str, str]] = columns.get("active", {})  # column → (key, header, unit)
    width = columns.get("active_width", 0)
    for number, row in enumerate(grid.rows, 1):
        normed = [norm(c) for c in row]
        keys = {i: _first(text, ACTIVE_COLUMNS) for i, text in enumerate(normed)}
        if _is_header(row) and any(keys.values()) and not _first(normed[0], ACTIVE_ROWS):
            current = {i: (key, row[i], _unit(normed[i])) for i, key in keys.items() if key}
            for key, _, _ in current.values():
                if key in ACTIVE_2021 | ACTIVE_2019:
                    cells.marks[NATIONAL_2021 if key in ACTIVE_2021 else NATIONAL_2019] += 1
            columns["active"], columns["active_width"] = current, width = current, len(row)
            # The rows' labels stand under 信息内容: in the second column where the first holds the article item
            # (第二十条第（一）项) merged down the rows, as a 直辖市's pages print it.
            columns["active_label"] = next((i for i, text in enumerate(normed) if "信息内容" in text), None)
            continue
        # A row wider than its header (a label cell spanning two columns under a one-column header): its
        # figures stand under the header's columns counted from the right.
        shift = len(row) - width if width and len(row) > width else 0
        label_at = columns.get("active_label")
        if label_at is None or not 0 <= label_at + shift < len(row) or not normed[label_at + shift]:
            label_at = next((i for i, text in enumerate(normed) if text), None)
        else:
            label_at += shift
        if label_at is None or label_at - shift in current:
            continue
        name = _first(normed[label_at], ACTIVE_ROWS)
        values = {i: row[i] for i in range(label_at + 1, len(row)) if row[i].strip() and row[i] != row[label_at]}
        if name is None:
            if any(i - shift in current or _NUMBER.match(norm(v)) for i, v in values.items()):
                _active_added(cells, number, shown_label([row[label_at]]), row, current, shift)
            continue
        for i, text in values.items():
            if i - shift not in current:
                cells.errors.append(f"{_place('表二', row[label_at], '')}第 {i + 1} 列的“{text}”：这一列没有可以"
                                    "对应的表头，无法放入")
        for i, (key, header, unit) in current.items():
            i += shift
            if i >= len(row) or i == label_at:
                continue
            place = _place("表二", row[label_at], header)
            kind = "signed" if key == "change" else "amount" if key == "amount" else "count"
            if name == "fees" and key == "amount":
                unit = unit or "万元"
            ok, value = _value(cells, place, row[i], kind, unit)
            if ok:
                cells.put(f"active.{name}.{key}", value, place)
                printed = unit or next((u for u in ("万元", "元") if norm(row[i]).endswith(u)), "")
                if name == "procurement" and key == "amount" and printed:
                    cells.put("active.procurement.unit", AmountUnit(printed), place)


def _active_added(cells: _Cells, number: int, label: str, row: list[str], current: dict[int, tuple[str, str, str]],
                  shift: int) -> None:
    """A row of table 二 the official layout does not have (其他主动公开文件): its cells under the block's
    columns, as printed; whether it is kept is told once every table is read (``_place_active_added``)."""
    refused = (f"表二第 {number} 行“{label}”：不是官方格式中的行，无法对应（应为规章、规范性文件、行政许可、行政处罚、"
               "行政强制、行政事业性收费等）")
    values: list[Any] = []
    headers: list[str] = []
    for i, (key, header, unit) in sorted(current.items()):
        text = row[i + shift] if i + shift < len(row) else ""
        try:
            value, _ = parse_cell(text, "amount" if key == "amount" else "signed" if key == "change" else "count",
                                  unit)
        except ValueError:
            cells.errors.append(refused)
            return
        value = None if value == NOT_APPLICABLE else value
        values.append(int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else value)
        headers.append(" ".join(header.split()))
    if not all(v is None or isinstance(v, int) for v in values):
        cells.errors.append(refused)
        return
    after = next((key for _, key in reversed([(p, p.split(".")[1]) for p in cells.values if p.startswith("active.")])),
                 "")
    cells.active_added.append(({"label": label, "cells": values, "after": after}, refused))


def _place_active_added(fmt: str, cells: _Cells) -> None:
    """Table 二's added rows kept (with a note each) where every official row of the format was read; where one
    is missing, an added row may be that row mislabelled: each is then named as an error, never guessed."""
    if not cells.active_added:
        return
    found = field_at(formats.get(fmt).report_class, "active")
    active = found[1] if found is not None else None
    official = {f.name for f in dataclasses.fields(active) if f.name != "added"} if dataclasses.is_dataclass(
        active) else set()
    read = {path.split(".")[1] for path in cells.values if path.startswith("active.")}
    if not official or official - read:
        cells.errors.extend(refused for _, refused in cells.active_added)
        cells.active_added.clear()
        return
    for row, _ in cells.active_added:
        cells.notes.append(f"表二“{row['label']}”行：不是官方格式中的行，按原报告增列的行记录（单独列出，不计入任何合计）")


# --- table 三 -------------------------------------------------------------------------------------------

def _applicant_key(header: str) -> str | None:
    text = norm(header)
    if text == "其他" or (text.startswith("其他") and "处理" not in text and len(text) <= 4):
        return "other"
    return _first(text, APPLICANTS)


def _read_applications(grid: Grid, cells: _Cells, columns: dict[str, Any]) -> None:
    mapped: dict[int, tuple[str, str]] = {}
    first_data = next((n for n, row in enumerate(grid.rows) if _row_of(norm("".join(row)), None)), len(grid.rows))
    for row in grid.rows[:first_data]:
        for i, text in enumerate(row):
            key = _applicant_key(text)
            if key and (i not in mapped or key != "total" or mapped[i][0] == "total"):
                mapped[i] = (key, " ".join(text.split()))
    width = max(len(r) for r in grid.rows)
    if len({key for key, _ in mapped.values()}) >= 6:
        columns["applications"] = (mapped, width)
    elif "applications" in columns:  # a piece after a page break, without its header: the columns of the last
        mapped, width = columns["applications"]
    else:
        cells.errors.append("表三：找不到申请人列的表头（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计）")
        return
    group = None
    for number, row in enumerate(grid.rows[first_data:], first_data + 1):
        shift = len(row) - width  # a row without the cells a merged label of the row above covers: align right
        label = shown_label(row[:min(mapped) + shift])
        values = {i + shift: value for i, value in mapped.items() if 0 <= i + shift < len(row)}
        found = _row_of(norm(label), group)
        filled = any(row[i].strip() for i in values)
        if found is None:
            if filled:
                _added_row(cells, label, {mapped[i - shift][0]: (row[i], mapped[i - shift][1]) for i in values})
            continue
        path, group, heading_only = found
        if heading_only and not filled:
            continue
        if heading_only and group != "other":
            cells.errors.append(f"表三第 {number} 行“{label}”：这一项应分为几行（如“1.……”），无法对应")
            continue
        cells.marks[NATIONAL_2021] += path.startswith("applications.results.other.")
        for i, (key, header) in values.items():
            place = _place("表三", label, header)
            ok, value = _value(cells, place, row[i], "count")
            if ok:
                cells.put(f"{path}.{key}", value, place)


def _added_row(cells: _Cells, label: str, printed: dict[str, tuple[str, str]]) -> None:
    """A row of table 三 the official layout does not have (申请人撤回申请): kept with its numbers, as published
    (its cells keyed by column: text and header)."""
    values: list[Any] = []
    for key in (*(key for _, key in APPLICANTS[:5]), "other", "total"):
        text, header = printed.get(key, ("", ""))
        ok, value = _value(cells, _place("表三", label, header), text, "count")
        if not ok:
            return
        values.append(None if value == NOT_APPLICABLE else value)
    label = re.sub(r"^三\s*[、.．]\s*本年度办理结果\s*", "", label)  # the table's own group, beside every row
    cells.added.append({"label": label, "cells": values})
    cells.notes.append(f"表三“{label}”行：不是官方格式中的行，按原报告增列的行记录（单独列出，不计入任何合计）")


def _row_of(text: str, group: str | None) -> tuple[str, str | None, bool] | None:
    """The field path of a row of table 三 by its label, the outcome group it is in (carried to the rows
    below), and whether it is only the heading of a group that has sub-rows."""
    if not text:
        return None
    flow = _first(text, FLOWS)
    if flow:
        return f"applications.{flow}", None, False
    own = _first(text, OUTCOMES)
    if own == "total" and group is None and "办理结果" not in text and not re.search(r"[(（]七[)）]", text):
        own = None
    if own is None and re.search(r"[(（][一二三四五六七八九十][)）]", text):
        return None  # an outcome （n） the official table does not have
    at = group if own is None else own
    if at is None:
        found = _lost_group(text)
        return (f"applications.results.{found[0]}.{found[1]}", found[0], False) if found else None
    subs = SUB_OUTCOMES.get(at)
    if subs is None:
        return f"applications.results.{at}", at, False
    rest = text.split(next(core for core, key in OUTCOMES if key == at), 1)[-1] if own else text
    sub = _first(rest, subs)
    if sub is None and own is None:  # its group's label was lost (a PDF's page break cuts a merged cell)
        at, sub = _lost_group(rest) or (at, None)
    if sub is None and re.search(r"\d+\s*[.、．]", rest):
        return None  # a numbered sub-row the official table does not have
    if sub is None:  # the heading of a group of sub-rows (or, for （六） in the 2019 format, its one row)
        return f"applications.results.{at}", at, True
    return f"applications.results.{at}.{sub}", at, False


def _lost_group(text: str) -> tuple[str, str] | None:
    """The one outcome group whose sub-row ``text`` (``2.重复申请``) names, where its group's label is not
    beside it."""
    if not re.match(r"^\d+\s*[.、．]", text):
        return None
    found = [(key, sub) for key, choices in SUB_OUTCOMES.items() if (sub := _first(text, choices))]
    return found[0] if len(found) == 1 else None


# --- table 四 and the fee table ------------------------------------------------------------------------

def _read_appeals(grid: Grid, cells: _Cells, columns: dict[str, Any]) -> None:
    header_rows = [row for row in grid.rows if _is_header(row)]
    data_rows = [row for row in grid.rows if not _is_header(row) and any(c.strip() for c in row)]
    if not data_rows and len(grid.rows) > len(header_rows):
        data_rows = [grid.rows[-1]]
    width = max(len(r) for r in grid.rows)
    # A caption merged over the whole width (政府信息公开行政复议、行政诉讼情况) names no column's group.
    labels = [row for row in header_rows if len(row) == 1 or len({c for c in row if c.strip()}) > 1]
    mapped: dict[int, tuple[str, str]] = {}
    for i in range(width):
        texts = [norm(row[i]) for row in labels if i < len(row)]
        group = next((g for t in texts if (g := _first(t, APPEAL_GROUPS))), None)
        result = next((r for t in reversed(texts) if (r := _first(t, APPEAL_RESULTS))), None)
        if group and result:
            shown = [row[i] for row in labels if i < len(row)]
            mapped[i] = (f"appeals.{group}.{result}", shown_label(shown))
    if len(mapped) < 12:
        cells.errors.append("表四：找不到行政复议、行政诉讼各项结果的表头（结果维持、结果纠正、其他结果、尚未审结、总计）")
        return
    for number, row in enumerate(data_rows):
        if number:
            at = len(header_rows) + number + 1
            cells.errors.append(f"表四第 {at} 行“{shown_label(row)}”：表四只有一行数字，无法对应")
            continue
        for i, (path, header) in mapped.items():
            if i < len(row):
                place = _place("表四", "", header)
                ok, value = _value(cells, place, row[i], "count")
                if ok:
                    cells.put(path, value, place)


def _read_fees(grid: Grid, cells: _Cells, columns: dict[str, Any]) -> None:
    mapped: dict[int, tuple[str, str, str]] = {}
    for row in grid.rows:
        if _is_header(row) and any(_first(norm(c), FEE_COLUMNS) for c in row):
            mapped = {i: (key, c, _unit(norm(c)) or "元")
                      for i, c in enumerate(row) if (key := _first(norm(c), FEE_COLUMNS))}
            continue
        if not mapped or _is_header(row) and not any(c.strip() for c in row[1:]):
            continue
        for i, (key, header, unit) in mapped.items():
            if i < len(row):
                place = _place("信息处理费表", shown_label(row[:1]), header)
                ok, value = _value(cells, place, row[i], "count" if key == "notices" else "amount", unit)
                if ok:
                    cells.put(f"processing_fees.{key}", value, place)
        cells.marks[NATIONAL_2021] += 1
        break


# --- fitting the cells to the format's data class -------------------------------------------------------

def _dataclass_of(tp: Any) -> Any:
    if dataclasses.is_dataclass(tp):
        return tp
    found = [a for a in typing.get_args(tp) if dataclasses.is_dataclass(a)]
    return found[0] if found else None


def _check_against_model(fmt: str, cells: _Cells) -> None:
    """Every cell read must be a field of the format's data class: a 2019 row in a 2021 table is named."""
    report_class = formats.get(fmt).report_class
    label = formats.get(fmt).label
    for path in list(cells.values):
        if field_at(report_class, path) is None:
            cells.errors.append(f"{cells.where[path]}：{label}中没有这一项，无法放入")
            del cells.values[path]


def _drop_stated_sums(values: dict[str, Any]) -> None:
    """A 总计 printed equal to the sum it totals is that sum: left out, as a data file leaves it (and kept
    where it differs or its parts are blank, so that the check names the discrepancy)."""
    rows: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        parent, _, key = path.rpartition(".")
        rows.setdefault(parent, {})[key] = value
    outcomes = [row for parent, row in rows.items()
                if parent.startswith("applications.results.") and parent != "applications.results.total"]
    for parent, row in rows.items():
        if parent == "applications.results.total":
            columns = [key for key in row if key != "total"]
            sums = {key: _sum([o.get(key) for o in outcomes]) for key in columns}
            if outcomes and all(row[key] == sums[key] for key in columns) and row.get("total") == _sum(
                    [row[key] for key in columns]):
                for key in row:
                    del values[f"{parent}.{key}"]
        elif "total" in row and len(row) > 1 and row["total"] == _sum([v for k, v in row.items() if k != "total"]):
            del values[f"{parent}.total"]


def _sum(items: list[Any]) -> Any:
    return sum(items) if all(isinstance(v, int) for v in items) else None


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path of the data; an amount printed whole is written whole (251000, 0: never 0.0)."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = int(value)
    *parents, last = path.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    data[last] = value


# --- the organ, the parts' prose, the publication and contact ----------------------------------------

def split_parents(named: str) -> tuple[str, str, str]:
    """A name's city and district where it begins with them (清河市临江区光华镇 → 清河市, 临江区, 光华镇), and the
    rest; each parent "" where the name has none."""
    city, district, rest = "", "", named
    found = _CITY.match(rest)
    if found and _DISTRICT.match(found.group(2)):
        city, rest = found.group(1), found.group(2)
    found = _DISTRICT.match(rest)
    if found and len(found.group(2)) >= 2 and kind_of_name(found.group(2)):
        district, rest = found.group(1), found.group(2)
    return city, district, rest


def _organ(named: str) -> dict[str, Any]:
    """The organ as the title names it, its kind as its name says it. A department, an office or another organ
    (管委会, 管理区, a non-street 办事处) is its whole name as printed (``大冶市自然资源和规划局``): the city and
    district in it are its own name, never taken off. A town's title may put its city and district before it
    (清河市临江区光华镇): those are recorded as its parents, and the name as the title prints it as its official
    name (宁陕县梅子镇人民政府)."""
    kind = kind_of_name(named)
    if kind in ("部门", "办公室", "其他"):
        return {"town": named, "name": named, "kind": kind}
    city, district, rest = split_parents(named)
    organ: dict[str, Any] = {key: value for key, value in (("city", city), ("district", district)) if value}
    town = rest.removesuffix("办事处") if rest.endswith("街道办事处") else _SEAT.sub("", rest) or rest
    organ["town"] = town
    if town != named:
        organ["name"] = named
    if kind_of_name(town) or kind:
        organ["kind"] = kind_of_name(town) or kind
    return organ


# The website's own lines a page's text may keep (the elderly and accessible versions, the breadcrumbs, the date
# and source line, font size, print and close, share bars, a metadata table's 索引号 and 发布机构): never prose.
_CHROME = re.compile(
    r"长者|无障碍|适老|当前位置|当前的位置|您的位置|所在位置|字体[:：]?[【\[]?大|字号|打印本页|打印此页|关闭窗口|【打印】|【关闭】|"
    r"分享到|分享至|浏览次数|阅读次数|访问次数|访问量|点击数|浏览[:：]|作者[:：]|更新日期|打印内容|索引号|发布机构|生成日期|成文日期|文章来源|信息来源|来源[:：]|"
    r"发[布表](?:日期|时间)[:：]|扫一扫|主题分类|发文字号|公开方式|^[【\[]?(?:打印|关闭|返回顶部|收藏)[】\]]?$|"
    r"^\d{4}-\d{1,2}-\d{1,2}\s*\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?$")
_SHARE = re.compile(r"^(?:分享|微信|微博|QQ空间|QQ好友|朋友圈|[|｜/\s])+$")
_ISO_DAY = re.compile(r"^(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def chrome(block: str) -> bool:
    """Whether a block is the website's own (breadcrumbs, date and source line, print and share links), not the
    report's: a line without a full stop that says what only a website says."""
    text = norm(block)
    return "。" not in text and len(text) <= 200 and bool(_CHROME.search(text) or _SHARE.match(text))


def sentence(block: str) -> bool:
    """Whether a block above a report's first part is its text (a preamble has sentences), not a line of the title
    or of the site's links (中国政府网 山西省政府 忻州市政府)."""
    return bool(re.search(r"[。，；：,;:！？!?]", block))


def is_title(block: str) -> bool:
    """Whether a block is the report's title line (not a sentence that names the report)."""
    return len(block) <= 80 and "。" not in block and "，" not in block and _title_in(block) is not None


def _day(year: str, month: str, day: str) -> str | None:
    """An ISO day, None where it is no calendar day."""
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def date_line(page: Page, year: int | None = None) -> str | None:
    """The day the page says it was published: its date line (发布日期：…, 生成日期 in a metadata table), else its
    ``<meta name="PubDate">``, else a date standing alone in the site's lines, if in the two years after the one
    reported on."""
    texts = [page.meta.get("date_line", ""), *(b for b in page.blocks if b != TABLE and chrome(b)),
             *(" ".join(row) for grid in page.grids for row in grid.rows if not _kind(grid))]
    for text in texts:
        found = DATE_LINE.search(norm(text))
        if found and (day := _day(*found.groups())):
            return day
    for key in ("date", "date_alone"):
        found = _ISO_DAY.match(page.meta.get(key, ""))
        day = _day(*found.groups()) if found else None
        if day and (key == "date" or year is not None and year < int(day[:4]) <= year + 2):  # after the year
            return day
    return None


def dated(page: Page, data: dict[str, Any]) -> None:
    """``publication.date``: the page's date line or PubDate, else the 落款's date."""
    day = date_line(page, data.get("year")) or (data.get("signature") or {}).get("date")
    if day:
        data.setdefault("publication", {})["date"] = day


def _part_of(text: str, after: int) -> tuple[int, str] | None:
    """Which part (0 for 一 …) a block is the heading of, and the text after the heading; parts only go
    forward, so that an enumeration ``一、……`` inside a part is not taken for a heading."""
    found = _HEADING.match(text)
    if not found:
        return None
    numeral, rest = found.groups()
    for index, (mark, words, _) in enumerate(PARTS):
        if mark == numeral and index > after:
            title = norm(rest)[:24]
            if any(word in title for word in words):
                return index, ""
    return None


def _prose(page: Page, result: Transcript) -> None:
    """The text of each part (and of the sub-parts of 一), the publication and contact of the preamble, and
    the 落款's date; text beside the tables of 二, 三 and 四 is named as left out."""
    parts: dict[int, list[str]] = {}
    subs: dict[str, list[str]] = {}
    order: list[tuple[str, str]] = []  # the sub-parts of 一 as printed: heading, and key (or the heading itself)
    part, sub = -1, ""
    for at, block in enumerate(page.blocks):
        if block == TABLE or _caption(page.blocks, at) or chrome(block):
            continue
        heading = _part_of(block, part)
        if heading is not None:
            part, sub = heading[0], ""
            continue
        if part < 0 and (norm(block) == norm(page.title) or not sentence(block)):
            continue  # above the first part: the title (on one line or two), the site's links
        if part == 0:
            found = _SUB_HEADING.match(block)
            key = _first(norm(found.group(2)), SUB_PARTS) if found else None
            if found:  # a sub-part of its own: one of the five (once), or one the report adds
                printed = f"（{found.group(1)}）{found.group(2).strip()}"
                sub = key if key and key not in subs else printed
                while sub in subs:  # the same heading printed twice: two sub-parts still
                    sub += " "
                order.append((printed, sub))
                subs[sub] = [found.group(3).strip()] if found.group(3) else []
                continue
            if norm(block) == HISTORY_HEADING:
                sub = "-"
                continue
            if sub == "-":
                continue
        if sub and sub != "-":
            subs.setdefault(sub, []).append(block)
        else:
            parts.setdefault(part, []).append(block)
    data = result.data
    if 0 not in parts and not subs and not any(p > 0 for p in parts):
        result.errors.append(f"{page.name}：找不到“一、总体情况”等各部分的标题，无法读取正文")
    shown = {index for index, blocks in parts.items() if blocks}  # the parts the source has text in
    _preamble(parts.get(-1, []), page, data)
    if not data["contact"]:  # a page without a preamble: whom to ask, in its first part
        data["contact"] = _contact(" ".join(parts.get(0, []) + [b for blocks in subs.values() for b in blocks]))
    last = max((index for index, blocks in parts.items() if index >= 0 and blocks), default=5)
    signature(parts.get(last, []), data)  # the 落款 ends the report, whichever part it follows
    dated(page, data)
    other = parts.get(5, [])
    fees = _fee_phrase(data)
    other = [b for b in other if b != fees]
    if other == [NO_OTHER]:
        other = []
    parts[5] = other
    prose: dict[str, str] = {}
    for index, (_, _, key) in enumerate(PARTS):
        blocks = parts.get(index, [])
        if key:
            prose[key] = "\n\n".join(blocks)
        elif blocks and index == 1 and "active" in data.get("unseen", []) and data.get("format") == NATIONAL_2021:
            _active_from_sentences("".join(blocks), data, result, page.name)
        elif blocks:
            result.notes.append(f"{page.name}：“{PARTS[index][0]}”部分表格以外的 {len(blocks)} 段文字未导入"
                                "（这一部分由表格生成）")
    if any(key not in OVERVIEW_PARTS for _, key in order):
        # A sub-part the five do not name: every sub-part kept under its printed heading, in printed order, so
        # that none is merged into another and none changes place.
        kept = [f"### {heading}\n\n" + "\n\n".join(subs[key]) for heading, key in order]
        prose["overview"] = "\n\n".join(filter(None, [prose.get("overview", ""), *kept]))
    else:
        for key in OVERVIEW_PARTS:
            if subs.get(key):
                prose[key] = "\n\n".join(subs[key])
    preamble = [b for b in parts.get(-1, []) if b != SAMPLE_NOTICE]
    if preamble:
        prose["preamble"] = "\n\n".join(preamble)
    seen = {key for index, (_, _, key) in enumerate(PARTS) if key and index in shown}
    unseen = [key for key in ("preamble", "overview", "problems", "other")
              if key not in seen and not prose.get(key) and not (key == "overview" and subs)]
    if unseen:
        data["unseen"] = [*unseen, *data.get("unseen", [])]
    data["prose"] = {key: value for key, value in prose.items() if value}


_N = r"(\d+(?:\.\d+)?)"
_W = r"[^，,。；;、\d]{0,6}?"  # a few words between a figure's name and its number, never across a clause
# 表二 printed as sentences: each figure by how reports say it; 未制定规章 says 0 as plainly as 制定规章0件.
ACTIVE_SENTENCES = (
    ("rules.issued", "规章制发件数", rf"(?:制定|制发|出台){_W}规章{_W}{_N}件|(?P<none>未|没有)(?:制定|制发|出台)规章"),
    ("rules.repealed", "规章废止件数", rf"废止{_W}规章{_W}{_N}件"),
    ("rules.in_force", "规章现行有效件数", rf"现行有效{_W}规章{_W}{_N}件|规章{_W}现行有效{_W}{_N}件"),
    ("normative.issued", "规范性文件制发件数",
     rf"(?:制定|制发|出台|印发){_W}规范性文件{_W}{_N}件|(?P<none>未|没有)(?:制定|制发|出台|印发)(?:行政)?规范性文件"),
    ("normative.repealed", "规范性文件废止件数", rf"废止{_W}规范性文件{_W}{_N}件"),
    ("normative.in_force", "规范性文件现行有效件数",
     rf"现行有效{_W}规范性文件{_W}{_N}件|规范性文件{_W}现行有效{_W}{_N}件"),
    ("licensing.decisions", "行政许可处理决定数", rf"许可{_W}{_N}件"),
    ("punishment.decisions", "行政处罚处理决定数", rf"处罚{_W}{_N}件"),
    ("enforcement.decisions", "行政强制处理决定数", rf"强制{_W}{_N}件"),
    ("fees.amount", "行政事业性收费金额（万元）", rf"收费{_W}{_N}(万元|元)"),
)


def _active_from_sentences(text: str, data: dict[str, Any], result: Transcript, name: str) -> None:
    """表二 printed as sentences (``未制定规章……许可办件量3361件……``): each figure a sentence names, and a note
    of those found and those not (left blank, unknown)."""
    shown = norm(text)  # full-width digits made ASCII
    found, missing = [], []
    for path, label, pattern in ACTIVE_SENTENCES:
        match = re.search(pattern, shown)
        if match is None:
            missing.append(label)
            continue
        if match.groupdict().get("none"):
            value: Any = 0
        else:
            number = next(g for g in match.groups() if g and g[0].isdigit())
            value = Decimal(number) if path == "fees.amount" else int(Decimal(number))
            if path == "fees.amount" and match.group(0).endswith("元") and not match.group(0).endswith("万元"):
                value = (value / 10_000).normalize()
        _put(data, f"active.{path}", value)
        found.append(f"{label} {value}（“{match.group(0)}”）")
    if found:
        data["unseen"] = [u for u in data.get("unseen", []) if u != "active"]
        if not data["unseen"]:
            del data["unseen"]
        result.notes[:] = [n for n in result.notes if "页面中没有表二" not in n]
        result.notes.append(f"{name}：表二以句子写出，按句子读取：{'；'.join(found)}"
                            + (f"；句子中没有：{'、'.join(missing)}（按空白记录）" if missing else ""))


def _caption(blocks: list[str], at: int) -> bool:
    """Whether block ``at`` is a table's caption: a short line without a full stop right above a table."""
    text = blocks[at]
    return at + 1 < len(blocks) and blocks[at + 1] == TABLE and len(text) <= 40 and "。" not in text


def _preamble(blocks: list[str], page: Page, data: dict[str, Any]) -> None:
    """Where the report is published and whom to ask, as the preamble (or the page's own data) says."""
    text = "".join(blocks)
    publication: dict[str, Any] = {}
    found = _PUBLISHED_AT.search(text)
    if found:
        url = found.group("url")
        publication["site"] = found.group("site").strip("“”\"")
        publication["url"] = url if url.startswith("http") else f"http://{url}"
        if found.group("column").strip():
            publication["column"] = found.group("column").strip()
    for key in ("site", "url", "column"):
        if key not in publication and page.meta.get(key):
            publication[key] = f"“{page.meta[key]}”栏目" if key == "column" else page.meta[key]
    data["publication"] = publication
    data["contact"] = _contact(text)


def _contact(text: str) -> dict[str, Any]:
    """Whom a text says to ask: the office, and the address, postcode, phone and e-mail it gives."""
    contact: dict[str, Any] = {}
    asked = _CONTACT.search(text) or _ASK.search(text)
    details = ""
    if asked:
        contact["office"] = asked.group("office").strip()
        details = (asked.groupdict().get("details") or asked.groupdict().get("after") or "").strip()
    elif phone := _PHONE_ONLY.search(text):
        details = "联系电话：" + phone.group("details")
    if asked and not details:  # 请与……联系。 then 联系电话：…… and 地址：…… in paragraphs of their own
        details = "；".join(_labelled(text[asked.end():]))
    for item in re.split(r"[；;，,]", details):
        word, label, value = _contact_item(item)
        if not value:
            continue
        if label == "email" or "@" in value:
            contact["email_name"] = word if label == "email" else "电子邮箱"
            contact["email"] = value
        elif label and label not in contact:
            contact[label] = value
    return contact


_LABELLED = re.compile("(?:" + "|".join(word for word, _ in _CONTACT_LABELS) + r")[：:][^；;，,。：:]+?"
                       r"(?=[；;，,。]|$|" + "|".join(word for word, _ in _CONTACT_LABELS) + ")")


def _labelled(text: str) -> list[str]:
    """The contact's fields a text gives each after its label (联系电话：……, 地址：……), in order."""
    return [found.group(0) for found in _LABELLED.finditer(text)]


def _contact_item(item: str) -> tuple[str, str, str]:
    """One field of a contact sentence (``电话：0468-7910006``, ``地址 绥滨县连生乡``): its label as printed, its
    key and its value."""
    text = item.strip()
    for word, key in _CONTACT_LABELS:
        if text.startswith(word):
            value = text[len(word):].lstrip("：: ").strip()
            return word, key, re.split(r"\s*[（(]", value, maxsplit=1)[0]  # 023-45874056（本电话仅……）: the number
    return "", "", ""


def signature(blocks: list[str], data: dict[str, Any]) -> None:
    """Take the 落款 off the end of the last part: the organ's name and the date, as printed, into ``signature``."""
    organ = data.get("organ", {})
    names = {n for n in (organ.get("town"), organ.get("name")) if n}
    printed: dict[str, Any] = {}
    while blocks:
        last = " ".join(blocks[-1].split())
        found = _DATE.match(last)
        if found and len(found.group("before")) <= 30 and "date" not in printed and "name" not in printed:
            day = _day(found.group("year"), found.group("month"), found.group("day"))
            if day is None:
                break
            printed["date"] = day
            last = found.group("before").strip()
            if last:
                printed["name"] = last
                if last not in names:
                    _official_name(organ, last)
            blocks.pop()
        elif "name" not in printed and (last in names or (_SEAT.search(last) and len(last) <= 30)
                                        or (kind_of_name(last) and len(last) <= 30 and "。" not in last)):
            printed["name"] = last
            _official_name(organ, last)
            blocks.pop()
        else:
            break
    if printed:
        data["signature"] = {key: printed[key] for key in ("name", "date") if key in printed}


def _official_name(organ: dict[str, Any], name: str) -> None:
    """A town's official name from its 落款 where it signs as its seat (遂溪县建新镇人民政府 for 建新镇)."""
    town = organ.get("town", "")
    if town and name != town and _SEAT.search(name) and town in name and organ.get("kind") not in ("部门", "办公室",
                                                                                                 "其他"):
        organ["name"] = name


def _fee_phrase(data: dict[str, Any]) -> str | None:
    """The sentence our own 2021 pages print above the fee table (a page of ours re-imported drops it)."""
    fees = data.get("processing_fees", {})
    if data.get("format") != NATIONAL_2021 or None in (fees.get(k) for k in ("notices", "billed", "collected")):
        return None
    return tables.fee_sentence(data.get("year", 0), data.get("organ", {}).get("town", ""), fees["notices"],
                               Decimal(fees["billed"]), Decimal(fees["collected"]))  # (an amount read whole is an int)
