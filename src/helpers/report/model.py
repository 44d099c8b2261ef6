"""Typed objects a data file is read into, one dataclass tree per report format.

Field names are the data file's keys; type hints drive the loader's checks:
``int`` is a non-negative count, ``Signed`` a change that may be negative,
``Decimal`` a non-negative amount, ``str`` a single line of text, ``Url`` an
http(s) address, ``Markdown`` prose, ``bool`` a flag. A field with a default is optional in the file.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, Field, dataclass, field, fields, is_dataclass
from decimal import Decimal
from typing import Any, ClassVar, NewType, TypeVar, cast

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # a town's or district's folder-safe code, at most 64 characters
SLUG_RULE = "由小写字母、数字、- 或 _ 组成，不超过 64 个字符"

Markdown = NewType("Markdown", str)
Slug = NewType("Slug", str)  # a town's or district's code: SLUG
IsoDate = NewType("IsoDate", str)  # a day, as YYYY-MM-DD
AmountUnit = NewType("AmountUnit", str)  # 万元 or 元
Record = NewType("Record", str)  # what a data file records: "published"
AMOUNT_UNITS = {"万元": 1, "元": 10_000}  # how many of the unit make one 万元


class Change(int):
    """A signed change (本年增/减) as entered: ``plus`` when the file wrote its "+" (``+19``)."""

    plus: bool

    def __new__(cls, value: int, plus: bool = False) -> Change:
        made = super().__new__(cls, value)
        made.plus = plus and value > 0
        return made

    def __str__(self) -> str:
        return f"+{int(self)}" if self.plus else str(int(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Change, (int(self), self.plus))
Url = NewType("Url", str)
Signed = NewType("Signed", int)


NOT_APPLICABLE = "/"  # a published table's mark for a cell that does not apply (a town makes no 规章)


@dataclass(frozen=True)
class Source:
    """Where a report came from: the file as shown to users, the line of every field path, the file's path."""

    file: str
    lines: dict[str, int] = field(default_factory=dict)
    path: str = ""
    texts: dict[str, int] = field(default_factory=dict)  # a ``|`` block's field path → line of its first text line

    def line(self, path: str) -> int | None:
        """Line of ``path`` in the file, or of its nearest parent that has one."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path.rpartition(".")[0]
        return None

    def text_line(self, path: str, line: int) -> int | None:
        """The file's line of line ``line`` (1-based) of text field ``path``: exact in a ``|`` block, else the
        field's own line."""
        if path in self.texts:
            return self.texts[path] + line - 1
        return self.line(path)


OrganKind = NewType("OrganKind", str)  # one of ORGAN_KINDS
ORGAN_KINDS = ("镇", "乡", "街道", "部门", "办公室", "其他")
TOWN_KINDS = frozenset(["镇", "乡", "街道"])  # organs that do not make 规章
# An organ's kind as its name says it, by how the name ends (the first ending that fits).
KIND_ENDINGS = (
    ("开发区管理委员会", "其他"), ("管理委员会", "其他"), ("管委会", "其他"), ("开发区", "其他"), ("园区", "其他"),
    ("农场", "其他"), ("垦殖场", "其他"), ("林场", "其他"), ("管理区", "其他"),
    ("街道办事处", "街道"), ("街道", "街道"), ("办事处", "其他"),  # a 办事处 of no street: of a 风景区, a 林区
    ("镇人民政府", "镇"), ("乡人民政府", "乡"), ("镇", "镇"), ("乡", "乡"),
    ("办公室", "办公室"), ("委员会", "部门"), ("分局", "部门"), ("局", "部门"), ("委", "部门"), ("中心", "部门"),
)


def kind_of_name(name: str) -> str | None:
    """The kind an organ's name says (…镇 → 镇, …卫生健康局 → 部门, …开发区 → 其他), else None."""
    return next((kind for ending, kind in KIND_ENDINGS if name.endswith(ending)), None)


@dataclass(frozen=True)
class Organ:
    """The reporting organ: its code, short name, kind and official name, and the parents it has.

    ``town`` is the organ's short name in any kind (a 镇, a 街道, a department …); ``name`` is its full official
    name as the title gives it (``徐望镇人民政府``); ``title`` overrides the whole title where the organ's own
    published title differs. A city or prefecture, a district or county: each may be absent.
    """

    slug: Slug
    town: str
    district: str = ""
    district_slug: Slug | None = None
    city: str = ""
    kind: OrganKind | None = None
    name: str = ""
    title: str = ""

    @property
    def kind_or_guess(self) -> str | None:
        """The kind as written, else as the short or the official name says it (``kind_of_name``), else unknown."""
        if self.kind:
            return self.kind
        return kind_of_name(self.town) or (kind_of_name(self.name) if self.name else None)

    @property
    def full_name(self) -> str:
        return self.name or self.town


@dataclass(frozen=True)
class Publication:
    """Where the report is published; the column and the office it is filed with, where the report names them."""

    site: str = ""  # a published report's site may be unknown (a saved page, a Word or PDF attachment)
    url: Url = Url("")
    column: str = ""
    filed_with: str = ""
    date: IsoDate | None = None  # the day of publication, for the 落款
    submitted: IsoDate | None = None  # the day the office received the report (recorded by the office)


@dataclass(frozen=True)
class Signature:
    """The 落款 a published report printed at its end: the name and the date as printed (either may be absent).
    Kept apart from the day of publication, which a page may give without any 落款."""

    name: str = ""
    date: IsoDate | None = None


@dataclass(frozen=True)
class Contact:
    """Whom to ask: the office, and any of address, postcode, phone and e-mail. A published report may give
    none (``office`` empty); a report to publish must name the office (``helpers.report.checks``)."""

    office: str = ""
    phone: str = ""
    email_name: str = ""
    email: str = ""
    address: str = ""
    postcode: str = ""


@dataclass(frozen=True)
class Report:
    """What every report has, whatever its format; a format's data class adds its figures and prose.

    ``sample`` and ``source`` are keyword-only so that subclasses may add required fields after them.
    """

    format: str
    year: int
    organ: Organ
    publication: Publication
    contact: Contact
    prose: Any  # the format's prose parts: a dataclass of Markdown fields
    sample: bool = field(default=False, kw_only=True)
    # "published": the file records a report as it was published (blank cells and imbalances are kept, as warnings)
    source: Record | None = field(default=None, kw_only=True)
    # What a published source does not show (prose parts such as "preamble" or "other", tables such as
    # "processing_fees"): rendered as a note that the part was not recorded, never as the format's standard text.
    unseen: list[str] = field(default_factory=list, kw_only=True)
    # What a published report does not have (the parts it was published without, such as "preamble" or "other"):
    # nothing is printed for them, not even their headings. A part neither given nor listed here nor in ``unseen``
    # is unknown, and said to be so.
    absent: list[str] = field(default_factory=list, kw_only=True)
    # The 落款 as a published report printed it; None: it printed none (or a report to publish, whose 落款 is made).
    signature: Signature | None = field(default=None, kw_only=True)
    # The cells a published table prints as "/" (not applicable), by field path: blank in the model, shown as "/".
    not_applicable: list[str] = field(default_factory=list, kw_only=True, metadata={"yaml": False})
    # The cells of a file the loader refused that are wrong or not yet filled in, by field path: blank here, so
    # that every other rule can still be judged in the same run; a rule over one of them is skipped.
    unjudged: list[str] = field(default_factory=list, kw_only=True, metadata={"yaml": False})
    origin: Source = field(default=Source(""), compare=False, repr=False, kw_only=True, metadata={"yaml": False})

    @property
    def published(self) -> bool:
        """Whether the file records a report as it was published (history), rather than one to publish."""
        return self.source == "published"

    def seen(self, part: str) -> bool:
        """Whether the report shows ``part``: always for a report to publish; for a published one, unless its
        source did not show it."""
        return not (self.published and part in self.unseen)

    def has(self, part: str) -> bool:
        """Whether the report has ``part``: always for a report to publish; for a published one, unless its file
        says it was published without it."""
        return not (self.published and part in self.absent)

    def shown(self, path: str, value: Any) -> Any:
        """A cell as its table shows it: "/" where the published table printed "/" (not applicable)."""
        return NOT_APPLICABLE if value is None and path in self.not_applicable else value

    def blanks(self) -> dict[str, list[str]]:
        """The blank cells of a published report (required numbers left None, not those printed "/"), by part:
        ``active`` → paths."""
        found: dict[str, list[str]] = {}
        for f in fields(cast(Any, self)):
            value = getattr(self, f.name)
            if f.name not in ("organ", "publication", "contact", "prose") and is_dataclass(value):
                left = {*self.not_applicable, *self.unjudged}
                paths = sorted(p for p in _blank_paths(value, f.name) if p not in left)
                if paths:
                    found[f.name] = paths
        return found


def _blank_paths(value: object, path: str) -> Iterator[str]:
    for f in fields(cast(Any, value)):
        inner = getattr(value, f.name)
        if is_dataclass(inner):
            yield from _blank_paths(inner, f"{path}.{f.name}")
        elif inner is None and f.default is MISSING:
            yield f"{path}.{f.name}"


@dataclass(frozen=True)
class LegacyInteraction:
    policy_interpretations: int | None
    media_appearances: int | None
    questions_handled: int | None


@dataclass(frozen=True)
class LegacyProposals:
    cppcc_proposals: int | None
    npc_suggestions: int | None = None


@dataclass(frozen=True)
class LegacyPublished:
    website: int | None
    weibo: int | None
    wechat: int | None
    other: int | None


@dataclass(frozen=True)
class LegacyChannels:
    service_stations: int | None


@dataclass(frozen=True)
class LegacyApplications:
    received: int | None


@dataclass(frozen=True)
class LegacyAppeals:
    reconsiderations: int | None
    lawsuits: int | None
    complaints: int | None


@dataclass(frozen=True)
class LegacyFigures:
    interaction: LegacyInteraction
    proposals: LegacyProposals
    published: LegacyPublished
    channels: LegacyChannels
    applications: LegacyApplications
    appeals: LegacyAppeals


@dataclass(frozen=True)
class LegacyProse:
    """The 大信镇 outline's parts; each required of a report to publish (the format's checks), none of a published
    one, which records its own parts as printed (``parts``)."""

    overview: Markdown = Markdown("")
    leadership: Markdown = Markdown("")
    institutions: Markdown = Markdown("")
    interaction: Markdown = Markdown("")
    proposals: Markdown = Markdown("")
    published: Markdown = Markdown("")
    channels: Markdown = Markdown("")
    confidentiality: Markdown = Markdown("")
    public_institutions: Markdown = Markdown("")
    problems: Markdown = Markdown("")
    applications: Markdown = Markdown("")
    appeals: Markdown = Markdown("")


@dataclass(frozen=True)
class PrintedPart:
    """One part of a published 2008-format report: its heading and its text, as printed."""

    heading: str
    text: Markdown = Markdown("")


@dataclass(frozen=True)
class PrintedFigure:
    """One figure a published 2008-format report states: the part it stands in, what it counts and its unit as
    printed, its value (blank where the report printed none) and, where it was not a numeral (无), how it read."""

    part: str
    label: str
    value: Decimal | None
    unit: str = ""
    as_printed: str = ""


@dataclass(frozen=True)
class Legacy2008Report(Report):
    """A report in the format used for 2008–2018: the 大信镇 2018 outline with its figures, or, as published, each
    organ's own parts (``parts``) and the figures it printed (``printed_figures``)."""

    figures: LegacyFigures
    prose: LegacyProse
    legal_basis: str = field(default="", kw_only=True)  # required of a report to publish (the format's checks)
    parts: list[PrintedPart] = field(default_factory=list, kw_only=True)
    printed_figures: list[PrintedFigure] = field(default_factory=list, kw_only=True)


# --- national formats (国办公开办函〔2019〕60号 and 〔2021〕30号) -----------------------------

APPLICANT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("natural", "自然人"),
    ("commercial", "商业企业"),
    ("research", "科研机构"),
    ("social", "社会公益组织"),
    ("legal", "法律服务机构"),
    ("other", "其他"),
)
APPLICANT_TOTAL = "总计"
LEGAL_PERSON = "法人或其他组织"
APPLICANT_HEADER = "申请人情况"
BALANCE_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


@dataclass(frozen=True)
class ApplicantCounts:
    """One row of table 三: a count per kind of applicant; ``total`` only when a file states it."""

    natural: int | None
    commercial: int | None
    research: int | None
    social: int | None
    legal: int | None
    other: int | None
    total: int | None = None

    def counts(self) -> tuple[int | None, ...]:
        """The six typed counts, in the official column order (None: blank in a published report)."""
        return tuple(getattr(self, key) for key, _ in APPLICANT_COLUMNS)

    def computed_total(self) -> int | None:
        """The sum of the six, or None when one is blank."""
        return known_sum(self.counts())

    def shown_total(self) -> int | None:
        """The row's 总计 as a page shows it: the stated one where the file gives it, else the sum."""
        return self.total if self.total is not None else self.computed_total()


def known_sum(values: Iterable[int | None]) -> int | None:
    """The sum, or None (unknown) when any value is blank."""
    total = 0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _rows(obj: Any, labels: dict[str, str], path: str) -> Iterator[tuple[str, str, ApplicantCounts]]:
    for f in fields(obj):
        if f.name in labels:
            yield f"{path}.{f.name}", labels[f.name], getattr(obj, f.name)


@dataclass(frozen=True)
class Refused:
    """（三）不予公开."""

    state_secret: ApplicantCounts
    law_prohibited: ApplicantCounts
    three_safety: ApplicantCounts
    third_party: ApplicantCounts
    internal_affairs: ApplicantCounts
    process_info: ApplicantCounts
    enforcement_files: ApplicantCounts
    query_items: ApplicantCounts

    LABELS = {
        "state_secret": "1.属于国家秘密",
        "law_prohibited": "2.其他法律行政法规禁止公开",
        "three_safety": "3.危及“三安全一稳定”",
        "third_party": "4.保护第三方合法权益",
        "internal_affairs": "5.属于三类内部事务信息",
        "process_info": "6.属于四类过程性信息",
        "enforcement_files": "7.属于行政执法案卷",
        "query_items": "8.属于行政查询事项",
    }


@dataclass(frozen=True)
class Unable:
    """（四）无法提供."""

    not_held: ApplicantCounts
    needs_creation: ApplicantCounts
    unclear: ApplicantCounts

    LABELS = {
        "not_held": "1.本机关不掌握相关政府信息",
        "needs_creation": "2.没有现成信息需要另行制作",
        "unclear": "3.补正后申请内容仍不明确",
    }


@dataclass(frozen=True)
class NotProcessed:
    """（五）不予处理."""

    petition: ApplicantCounts
    repeated: ApplicantCounts
    publication: ApplicantCounts
    excessive: ApplicantCounts
    confirmation: ApplicantCounts

    LABELS = {
        "petition": "1.信访举报投诉类申请",
        "repeated": "2.重复申请",
        "publication": "3.要求提供公开出版物",
        "excessive": "4.无正当理由大量反复申请",
        "confirmation": "5.要求行政机关确认或重新出具已获取信息",
    }


@dataclass(frozen=True)
class OtherHandling:
    """（六）其他处理, 2021 format: three sub-rows."""

    no_correction: ApplicantCounts
    no_fee: ApplicantCounts
    other: ApplicantCounts

    LABELS = {
        "no_correction": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other": "3.其他",
    }


RESULT_LABELS = {
    "granted": "（一）予以公开",
    "partial": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "refused": "（三）不予公开",
    "unable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
RESULT_TOTAL = "（七）总计"
RECEIVED = "一、本年新收政府信息公开申请数量"
CARRIED_IN = "二、上年结转政府信息公开申请数量"
RESULTS = "三、本年度办理结果"
CARRIED_OVER = "四、结转下年度继续办理"


@dataclass(frozen=True)
class Results:
    """三、本年度办理结果; ``other`` is one row (2019) or three sub-rows (2021)."""

    granted: ApplicantCounts
    partial: ApplicantCounts
    refused: Refused
    unable: Unable
    not_processed: NotProcessed
    other: ApplicantCounts | OtherHandling
    total: ApplicantCounts | None = None

    def outcomes(self, path: str) -> Iterator[tuple[str, tuple[str, str], ApplicantCounts]]:
        """Every outcome row: its field path, its (（n）, sub-row) labels, and its counts."""
        for key, label in RESULT_LABELS.items():
            value = getattr(self, key)
            if isinstance(value, ApplicantCounts):
                yield f"{path}.{key}", (label, ""), value
            else:
                for sub, sub_label, counts in _rows(value, type(value).LABELS, f"{path}.{key}"):
                    yield sub, (label, sub_label), counts

    def computed_total(self) -> tuple[int | None, ...]:
        """（七）总计, column by column (None where a cell of the column is blank)."""
        rows = [counts.counts() for _, _, counts in self.outcomes("")]
        return tuple(known_sum(column) for column in zip(*rows, strict=True))

    def shown_total(self) -> tuple[int | None, ...]:
        """（七）总计 as a page shows it, the six columns and 总计: stated cells where the file gives them."""
        computed = self.computed_total()
        stated = self.total
        columns = [
            s if s is not None else c for s, c in zip(stated.counts() if stated else computed, computed, strict=True)
        ]
        overall = stated.total if stated is not None and stated.total is not None else known_sum(columns)
        return (*columns, overall)


@dataclass(frozen=True)
class Results2019(Results):
    other: ApplicantCounts


@dataclass(frozen=True)
class Results2021(Results):
    other: OtherHandling


ADDED_ROWS = "原报告增列的行"  # the heading under which table 三 shows the rows a published table adds


@dataclass(frozen=True)
class AddedRow:
    """A row a published table 三 adds to the official layout (e.g. 申请人撤回申请): its label as printed and
    its seven cells (six kinds of applicant, 总计), kept as published; it is in no total of ours."""

    label: str
    cells: list[int | None]


@dataclass(frozen=True)
class Applications:
    """Table 三, 收到和处理政府信息公开申请情况."""

    received: ApplicantCounts
    carried_in: ApplicantCounts
    results: Results
    carried_over: ApplicantCounts
    added: list[AddedRow] = field(default_factory=list)  # rows a published table adds, shown after its own

    def rows(self) -> Iterator[tuple[str, tuple[str, str, str], ApplicantCounts]]:
        """Every typed row in the official order: field path, three-level row label, counts."""
        yield "applications.received", (RECEIVED, "", ""), self.received
        yield "applications.carried_in", (CARRIED_IN, "", ""), self.carried_in
        for path, (group, sub), counts in self.results.outcomes("applications.results"):
            yield path, (RESULTS, group, sub), counts
        yield "applications.carried_over", (CARRIED_OVER, "", ""), self.carried_over


@dataclass(frozen=True)
class Applications2019(Applications):
    results: Results2019


@dataclass(frozen=True)
class Applications2021(Applications):
    results: Results2021


APPEAL_RESULTS = (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结"))
APPEAL_TOTAL = "总计"
APPEAL_GROUPS = (
    ("reconsideration", ("行政复议", "")),
    ("lawsuit_direct", ("行政诉讼", "未经复议直接起诉")),
    ("lawsuit_after", ("行政诉讼", "复议后起诉")),
)


@dataclass(frozen=True)
class AppealResults:
    """One group of table 四: four results and their 总计 (typed only when transcribed)."""

    upheld: int | None
    corrected: int | None
    other: int | None
    pending: int | None
    total: int | None = None

    def counts(self) -> tuple[int | None, ...]:
        return tuple(getattr(self, key) for key, _ in APPEAL_RESULTS)

    def computed_total(self) -> int | None:
        return known_sum(self.counts())

    def shown_total(self) -> int | None:
        return self.total if self.total is not None else self.computed_total()


@dataclass(frozen=True)
class Appeals:
    """Table 四, 政府信息公开行政复议、行政诉讼情况."""

    reconsideration: AppealResults
    lawsuit_direct: AppealResults
    lawsuit_after: AppealResults


@dataclass(frozen=True)
class Documents2021:
    issued: int | None
    repealed: int | None
    in_force: int | None


@dataclass(frozen=True)
class Decisions:
    decisions: int | None


@dataclass(frozen=True)
class FeeAmount:
    amount: Decimal | None = field(metadata={"unit": "万元"})  # 本年收费金额（单位：万元）


ActiveBlocks = tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str, tuple[str, ...]], ...]], ...]


@dataclass(frozen=True)
class AddedActiveRow:
    """A row a published table 二 adds to the official layout (e.g. 其他主动公开文件): its label as printed, its
    cells under the columns of the block it stands in, and the official row it follows (``after``: a field of
    the format's ``Active``); kept as published, shown after its block, in no total of ours."""

    label: str
    cells: list[int | None]
    after: str = ""


@dataclass(frozen=True)
class Active:
    """Table 二, 主动公开政府信息情况; ``BLOCKS`` is its official layout (set per format below)."""

    BLOCKS: ClassVar[ActiveBlocks] = ()
    added: list[AddedActiveRow] = field(default_factory=list, kw_only=True)  # rows a published table adds

    def decisions(self) -> int | None:
        """Decisions published under article 20 items (五) and (六): licensing, punishment, enforcement."""
        return known_sum(getattr(self, key).decisions for key in ("licensing", "punishment", "enforcement"))


@dataclass(frozen=True)
class Active2021(Active):
    """Table 二 (2021): 主动公开政府信息情况."""

    rules: Documents2021
    normative: Documents2021
    licensing: Decisions
    punishment: Decisions
    enforcement: Decisions
    fees: FeeAmount


@dataclass(frozen=True)
class Documents2019:
    made: int | None
    published: int | None
    total_public: int | None


@dataclass(frozen=True)
class Items2019:
    previous: int | None
    change: Signed | None
    decisions: int | None


@dataclass(frozen=True)
class FeeItems2019:
    previous: int | None
    change: Signed | None


@dataclass(frozen=True)
class Procurement2019:
    """政府集中采购; the 2019 format leaves the amount's unit open: 万元 (the usual, and a report to publish's where
    the file names none) or 元, as published; a published table that printed none has none."""

    projects: int | None
    amount: Decimal | None
    unit: AmountUnit | None = None


@dataclass(frozen=True)
class Active2019(Active):
    """Table 二 (2019): 主动公开政府信息情况."""

    rules: Documents2019
    normative: Documents2019
    licensing: Items2019
    other_services: Items2019
    punishment: Items2019
    enforcement: Items2019
    fees: FeeItems2019
    procurement: Procurement2019


# Table 二 in the official layout: per block its caption, its columns, and per row the label, the field
# of ``active`` it reads and that field's keys in column order.
ACTIVE_BLOCKS_2021: ActiveBlocks = (
    (
        "第二十条第（一）项",
        ("本年制发件数", "本年废止件数", "现行有效件数"),
        (
            ("规章", "rules", ("issued", "repealed", "in_force")),
            ("行政规范性文件", "normative", ("issued", "repealed", "in_force")),
        ),
    ),
    ("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", "licensing", ("decisions",)),)),
    (
        "第二十条第（六）项",
        ("本年处理决定数量",),
        (("行政处罚", "punishment", ("decisions",)), ("行政强制", "enforcement", ("decisions",))),
    ),
    ("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", "fees", ("amount",)),)),
)
_ITEMS_2019 = ("上一年项目数量", "本年增/减", "处理决定数量")
_ITEM_KEYS = ("previous", "change", "decisions")
ACTIVE_BLOCKS_2019: ActiveBlocks = (
    (
        "第二十条第（一）项",
        ("本年新制作数量", "本年新公开数量", "对外公开总数量"),
        (
            ("规章", "rules", ("made", "published", "total_public")),
            ("规范性文件", "normative", ("made", "published", "total_public")),
        ),
    ),
    (
        "第二十条第（五）项",
        _ITEMS_2019,
        (("行政许可", "licensing", _ITEM_KEYS), ("其他对外管理服务事项", "other_services", _ITEM_KEYS)),
    ),
    (
        "第二十条第（六）项",
        _ITEMS_2019,
        (("行政处罚", "punishment", _ITEM_KEYS), ("行政强制", "enforcement", _ITEM_KEYS)),
    ),
    ("第二十条第（八）项", ("上一年项目数量", "本年增/减"), (("行政事业性收费", "fees", ("previous", "change")),)),
    ("第二十条第（九）项", ("采购项目数量", "采购总金额"), (("政府集中采购", "procurement", ("projects", "amount")),)),
)


@dataclass(frozen=True)
class ProcessingFees:
    """2021 part 六: information-processing fees (《政府信息公开信息处理费管理办法》), amounts in 元."""

    notices: int | None
    billed: Decimal | None = field(metadata={"unit": "元"})
    collected: Decimal | None = field(metadata={"unit": "元"})


Active2019.BLOCKS = ACTIVE_BLOCKS_2019
Active2021.BLOCKS = ACTIVE_BLOCKS_2021


PROSE_PARTS = {
    "overview": "一、总体情况",
    "active": "一（一）主动公开",
    "requests": "一（二）依申请公开",
    "management": "一（三）政府信息管理",
    "platforms": "一（四）平台建设",
    "oversight": "一（五）监督保障",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
# What a published report may hold beyond the format's parts, each shown where it stood: a 呈报函 published
# before the report, the format's 编写说明 left in, text printed inside parts 二、三、四 around their tables.
PUBLISHED_PARTS = {
    "cover_letter": "呈报函（报告前的文字）",
    "drafting_note": "编写说明（原报告中保留的格式说明）",
    "in_active": "二、主动公开政府信息情况（表外的文字）",
    "in_applications": "三、收到和处理政府信息公开申请情况（表外的文字）",
    "in_appeals": "四、政府信息公开行政复议、行政诉讼情况（表外的文字）",
}
OVERVIEW_PARTS = {  # the sub-headings of 一、总体情况 that real reports share
    "active": "（一）主动公开",
    "requests": "（二）依申请公开",
    "management": "（三）政府信息管理",
    "platforms": "（四）平台建设",
    "oversight": "（五）监督保障",
}
LEGACY_PROSE_PARTS = {
    "overview": "概述",
    "leadership": "二（一）组织领导情况",
    "institutions": "二（二）制度建设情况",
    "interaction": "三、发布解读、回应社会关切以及互动交流情况",
    "proposals": "四、建议和提案办理结果公开情况",
    "published": "五（一）主动公开信息情况",
    "channels": "五（二）各类公开渠道建设情况",
    "applications": "六、政府信息公开申请办理情况",
    "appeals": "七、因政府信息公开申请提起行政复议、行政诉讼的情况",
    "confidentiality": "八、政府信息公开保密审查及监督检查情况",
    "public_institutions": "九、所属事业单位信息公开工作推进措施和落实情况",
    "problems": "十、政府信息公开工作存在的主要问题及改进情况",
}


@dataclass(frozen=True)
class NationalProse:
    """The prose of a national-format report; 一、总体情况 may be one text, or the five usual sub-parts, or both."""

    overview: Markdown = Markdown("")  # required of a report to publish (helpers.report.checks)
    problems: Markdown = Markdown("")  # likewise
    other: Markdown = Markdown("")
    preamble: Markdown = Markdown("")  # a published report's own opening paragraph, kept verbatim
    active: Markdown = Markdown("")
    requests: Markdown = Markdown("")
    management: Markdown = Markdown("")
    platforms: Markdown = Markdown("")
    oversight: Markdown = Markdown("")
    cover_letter: Markdown = Markdown("")  # PUBLISHED_PARTS: a published report's only
    drafting_note: Markdown = Markdown("")
    in_active: Markdown = Markdown("")
    in_applications: Markdown = Markdown("")
    in_appeals: Markdown = Markdown("")


@dataclass(frozen=True)
class SubHeadings:
    """The sub-headings of 一、总体情况 as a published report printed them, where they differ from the usual
    ones (OVERVIEW_PARTS): （一）主动公开方面 is printed as such."""

    active: str = ""
    requests: str = ""
    management: str = ""
    platforms: str = ""
    oversight: str = ""


@dataclass(frozen=True)
class NationalReport(Report):
    """Fields common to both national formats."""

    prose: NationalProse
    active: Active
    applications: Applications
    appeals: Appeals
    sub_headings: SubHeadings = field(default_factory=SubHeadings, kw_only=True)


@dataclass(frozen=True)
class National2019Report(NationalReport):
    """A report in the 2019 national format (reports for 2019–2020)."""

    active: Active2019
    applications: Applications2019


@dataclass(frozen=True)
class National2021Report(NationalReport):
    """A report in the 2021 national format (reports for 2021 on)."""

    active: Active2021
    applications: Applications2021
    processing_fees: ProcessingFees


T = TypeVar("T")


def field_at(cls: type, path: str) -> tuple[Field[Any], Any] | None:
    """The data-model field at a dotted path of ``cls`` and its type (an optional one's inner type), None where
    the path names no field."""
    *parents, last = path.split(".")
    holder: Any = cls
    for part in parents:
        holder = _inner(typing.get_type_hints(holder).get(part))
        if not (isinstance(holder, type) and is_dataclass(holder)):
            return None
    found = {f.name: f for f in fields(holder)}.get(last)
    return None if found is None else (found, _inner(typing.get_type_hints(holder)[last]))


def optional_of(tp: Any) -> Any:
    """X for ``X | None``, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0]
    return None


def _inner(tp: Any) -> Any:
    """``X`` of ``X | None``; any other type as it is."""
    return optional_of(tp) or tp


def unit_of(cls: type, path: str) -> str | None:
    """The unit an amount field of ``cls`` is kept in (万元 or 元), None where the file says it (a 2019
    procurement's ``unit``) or the field is no amount."""
    found = field_at(cls, path)
    return found[0].metadata.get("unit") if found is not None else None


def required(f: Field[Any]) -> bool:
    """Whether a data-model field has no default: a data file must give it (or, published, leave it blank)."""
    return f.default is MISSING and f.default_factory is MISSING


def blank(cls: type[T]) -> T:
    """An instance of a data-model class with every count 0, every text empty and every option None."""
    values: dict[str, Any] = {}
    for f in fields(cast(Any, cls)):
        if not f.metadata.get("yaml", True):
            continue
        tp = typing.get_type_hints(cls)[f.name]
        if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp):
            values[f.name] = None
        elif hasattr(tp, "__dataclass_fields__"):
            values[f.name] = blank(tp)
        else:
            values[f.name] = {int: 0, Signed: 0, Decimal: Decimal(0), bool: False}.get(tp, "")
    return cls(**values)
