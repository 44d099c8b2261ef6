"""The office's review: a district's reports for one year judged by the reviewers' criteria, each finding
with its evidence quoted, and scored by the office's scoring sheet.

The rules are the reviewers' (年报考核: 按时报送、按时发布、应报尽报、格式规范、数据准确、内容雷同 …; 国办公开办函
〔2021〕30号 on reports late, inaccurate, incomplete or 内容雷同). Returns findings, never prints.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from rapidfuzz import fuzz, process

from helpers.errors import Problem
from helpers.project import Deadlines
from helpers.report import checks, consistency, formats, tables
from helpers.report.model import National2021Report, NationalReport, Report

CRITERIA = {
    "按时报送": "在报送期限前报送区政务公开办",
    "按时发布": "在发布期限前在政府网站发布",
    "应报尽报": "应报送名单上的机关都有本年度报告",
    "格式规范": "标题、六个部分和官方表格齐全",
    "数据准确": "勾稽关系、跨年衔接成立，没有空白单元格",
    "正文与表格一致": "正文写到的数字与表格一致",
    "收费说明": "收取了信息处理费的，在第六部分作出说明",
    "问题与改进": "第五部分具体写明问题和改进措施，不照搬上年",
    "内容雷同": "各部分不与上年、不与本区其他机关本年的报告雷同",
    "发布后改动": "网站上发布的报告与区政务公开办备案的一致",
    "退回未改": "被退回整改的问题在整改期限内改正（未改正的再扣分）",
}
# What each finding rests on, in the words a reviewer cites (a finding names its rule, never a file or a field).
RULES = {
    "按时报送": "区政务公开办规定的报送期限",
    "按时发布": "《中华人民共和国政府信息公开条例》第五十条（每年1月31日前公布上一年度的年度报告）",
    "应报尽报": "《中华人民共和国政府信息公开条例》第四十九条、第五十条；区政务公开办的应报送名单",
    "格式规范": "《中华人民共和国政府信息公开工作年度报告格式》",
    "数据准确": "《中华人民共和国政府信息公开工作年度报告格式》各表的勾稽关系",
    "正文与表格一致": "《中华人民共和国政府信息公开工作年度报告格式》：正文所述数据与表格一致",
    "收费说明": "《政府信息公开信息处理费管理办法》；年度报告格式第六部分",
    "问题与改进": "年度报告格式第五部分（存在的主要问题及改进情况）",
    "内容雷同": "国办公开办函〔2021〕30号：年度报告不得内容雷同",
    "发布后改动": "区政务公开办备案的年度报告",
    "退回未改": "区政务公开办的整改通知及其整改期限",
}
FORM_NOTICES = {"national-2019": "国办公开办函〔2019〕60号", "national-2021": "国办公开办函〔2021〕30号"}
SIMILAR = checks.SIMILAR  # 内容雷同: the same measure and threshold as ``check``'s against last year
MIN_CHARS = checks.SIMILAR_MIN_CHARS
GENERIC_CHARS = 80  # a part 五 shorter than this (without white space), or of one sentence, says nothing specific
TITLE = checks.TITLE
PUBLISHED_SAME = 0.98  # a published part less alike than this to the filed one has been changed


@dataclass(frozen=True)
class Finding:
    """One thing a reviewer would mark: under which criterion, what, and the evidence quoted (the report's own
    words and cells as printed, or the dates recorded: never a file, a line or a field)."""

    criterion: str
    text: str
    evidence: str

    @property
    def rule(self) -> str:
        """The rule the finding rests on, as a reviewer cites it."""
        return RULES[self.criterion]

    def said(self) -> str:
        """The finding as a notice lists it: 【criterion】what. 依据：rule。evidence — one full stop each."""
        evidence = f"{self.evidence.rstrip('。')}。" if self.evidence else ""
        return f"【{self.criterion}】{self.text.rstrip('。')}。依据：{self.rule}。{evidence}"


@dataclass(frozen=True)
class Submission:
    """One organ the office expects a report from, as far as it could be read."""

    slug: str
    name: str
    file: str  # the data file as shown to users, "" when there is none
    report: Report | None = None
    previous: Report | None = None  # the same organ's report of the year before
    problems: list[Problem] = field(default_factory=list)  # what reading the file found, where it could not be read
    why_expected: str = ""
    published: Report | None = None  # the report as the site publishes it, where the office imported the page
    published_from: str = ""
    district_name: str = ""  # the district's name as the roster or the organ's files give it


@dataclass(frozen=True)
class Sheet:
    """The scoring sheet: full marks, and the points one criterion with findings takes off (once per criterion)."""

    full: Decimal
    deductions: dict[str, Decimal]
    name: str = "默认评分表"


DEFAULT_SHEET = Sheet(
    Decimal(10),
    {
        # The published district rule: 年报 10 分, 5 off each for late filing, late publication, missing parts and
        # 内容雷同; the rest are this tool's additions.
        "按时报送": Decimal(5), "按时发布": Decimal(5), "应报尽报": Decimal(10), "格式规范": Decimal(5),
        "数据准确": Decimal(2), "正文与表格一致": Decimal(2), "收费说明": Decimal(1), "问题与改进": Decimal(2),
        "内容雷同": Decimal(5), "发布后改动": Decimal(5), "退回未改": Decimal(5),
    },
)


DISMISSED, CONFIRMED = "撤销", "确认"
REPORTED_LAST_YEAR = "上一年报送了报告"  # why an organ is expected by default (helpers.intake.roster)


@dataclass(frozen=True)
class Decision:
    """The office's word on one finding: confirmed, or dismissed (never found again), by whom, when and why."""

    finding: str  # the finding's id (``finding_id``)
    decision: str  # DISMISSED or CONFIRMED
    by: str
    on: str
    why: str = ""


@dataclass(frozen=True)
class Seen:
    """A finding an audit made: its id and what it said."""

    id: str
    said: str


@dataclass(frozen=True)
class Run:
    """One audit of the district: the day it judged as of, every finding it made and the ids of those it returned
    to their organs in a 整改通知."""

    on: str
    found: list[Seen] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Record:
    """The office's record of one district's year: its decisions and its audits, oldest first."""

    decisions: list[Decision] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)


def finding_id(slug: str, finding: Finding) -> str:
    """A finding's id, the same on every audit while the organ's report says the same: organ, then a digest of
    what was found."""
    digest = hashlib.sha1(f"{finding.criterion}|{finding.text}|{finding.evidence}".encode()).hexdigest()[:6]
    return f"{slug}-{digest}"


@dataclass(frozen=True)
class FollowedUp:
    """One organ's findings after the office's decisions and earlier audits: those that count, each one's history
    by id, and what was returned before and is now corrected."""

    findings: list[Finding]
    history: dict[str, str]
    fixed: list[str]
    dismissed: list[str]


def follow_up(slug: str, found: list[Finding], record: Record, as_of: datetime.date, correction_days: int
              ) -> FollowedUp:
    """Apply the office's record to one organ's findings: a dismissed finding no longer counts (it stays in the
    history); one returned by an earlier audit whose correction deadline has passed and that is still there adds
    a 退回未改 finding (the district's “被退回且未及时修改 再扣分”); one returned and gone is corrected."""
    decided = {d.finding: d for d in record.decisions}
    counted, history, dismissed, overdue = [], {}, [], []
    ids = {finding_id(slug, f): f for f in found}
    for fid, f in ids.items():
        notes = []
        first = next((run.on for run in record.runs if any(seen.id == fid for seen in run.found)), None)
        if first:
            notes.append(f"{first} 首次发现")
        returned = next((run for run in record.runs if fid in run.returned), None)
        if returned is not None:
            due = datetime.date.fromisoformat(returned.on) + datetime.timedelta(days=correction_days)
            notes.append(f"{returned.on} 退回整改，期限 {due}" + ("，已过仍未改正" if as_of > due else ""))
            if as_of > due and (fid not in decided or decided[fid].decision != DISMISSED):
                overdue.append(Finding("退回未改", "被退回整改的问题在整改期限后仍未改正",
                                       f"{due} 前应改正：【{f.criterion}】{f.text}"))
        decision = decided.get(fid)
        if decision is not None:
            why = f"：{decision.why}" if decision.why else ""
            notes.append(f"{decision.on} 由{decision.by}{decision.decision}{why}")
        history[fid] = "；".join(notes)
        if decision is not None and decision.decision == DISMISSED:
            dismissed.append(fid)
        else:
            counted.append(f)
    fixed = sorted({seen.said for run in record.runs for seen in run.found
                    if seen.id.startswith(f"{slug}-") and seen.id in run.returned and seen.id not in ids})
    return FollowedUp(counted + overdue[:1], history, fixed, dismissed)


def score(findings: Iterable[Finding], sheet: Sheet) -> tuple[Decimal, dict[str, Decimal]]:
    """An organ's score and the points taken off per criterion: each criterion with findings once, never
    below zero."""
    taken = {c: sheet.deductions.get(c, Decimal(0)) for c in dict.fromkeys(f.criterion for f in findings)}
    return max(Decimal(0), sheet.full - sum(taken.values(), Decimal(0))), taken


def review(submissions: list[Submission], year: int, deadlines: Deadlines, as_of: datetime.date
           ) -> dict[str, list[Finding]]:
    """Every finding for every organ of one district and year, by organ code, in the order of ``CRITERIA``."""
    found: dict[str, list[Finding]] = {s.slug: [] for s in submissions}
    texts = {s.slug: _texts(s) for s in submissions}  # each report's prose as read, once: every rule reads it
    for s in submissions:
        found[s.slug] += _on_time(s, year, deadlines, as_of)
        if s.report is None:
            found[s.slug] += _unread(s, _due(year, deadlines), as_of)
            continue
        now, before = texts[s.slug]
        found[s.slug] += _form(s.report, now) + _accuracy(s.report, s.previous) + _stated(s.report, now)
        found[s.slug] += _fees(s.report, now) + _problems_part(s.previous, now, before) + _changed(s, now)
    for slug, findings in _alike(submissions, texts).items():
        found[slug] += findings
    order = list(CRITERIA)
    return {slug: sorted(f, key=lambda x: order.index(x.criterion)) for slug, f in found.items()}


def _texts(s: Submission) -> tuple[dict[str, str], dict[str, str]]:
    """This year's and last year's prose of a submission as a reader sees it (``consistency.plain_prose``)."""
    def read(report: Report | None) -> dict[str, str]:
        return consistency.plain_prose(report) if report is not None else {}
    return read(s.report), read(s.previous)


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def _due(year: int, deadlines: Deadlines) -> datetime.date | None:
    """The day a report is due with the office: the submission deadline, else the publication one."""
    return deadlines.submit_by(year) or deadlines.publish_by(year)


def _history_only(s: Submission) -> bool:
    """Whether an organ is expected only because last year's report was imported from its site: that this year's
    was not imported says nothing of whether it was published."""
    return s.previous is not None and s.previous.published and s.why_expected == REPORTED_LAST_YEAR


def unjudged(s: Submission, year: int, deadlines: Deadlines, as_of: datetime.date) -> dict[str, str]:
    """The criteria not judged for one organ, each with why: nothing seen to judge, nothing recorded, not
    applicable, or its deadline still to come. Shown as “—”, never as ✓, never a deduction."""
    report = s.report
    if report is None:
        due = _due(year, deadlines)
        why = "数据文件有错误，未能读取报告" if s.file else "没有本年度报告"
        absent = {c: why for c in CRITERIA if c != ("数据准确" if s.file else "应报尽报")}
        absent["退回未改"] = "没有退回整改的问题"
        if not s.file and due is not None and as_of <= due:
            absent["应报尽报"] = f"报送期限 {due} 未到（还有 {(due - as_of).days} 天），催报而不扣分"
        elif not s.file and _history_only(s):
            absent["应报尽报"] = "只导入了上一年从网站保存的报告，本年度的报告没有导入"
        return absent
    left: dict[str, str] = {}
    submit_by, publish_by = deadlines.submit_by(year), deadlines.publish_by(year)
    if not report.publication.submitted:
        left["按时报送"] = ("报送期限未到" if submit_by and as_of <= submit_by else "未记录报送日期") if submit_by \
            else "未设报送期限"
    if not report.publication.date:
        if report.published:
            left["按时发布"] = "已发布的报告未记录发布日期"
        elif publish_by is None or as_of <= publish_by:
            left["按时发布"] = f"发布期限 {publish_by} 未到" if publish_by else "未设发布期限"
    tables_seen = [t for t in ("active", "applications", "appeals") if hasattr(report, t) and report.seen(t)]
    prose_seen = [p for p in formats.of(report).prose_parts if report.seen(p)]
    if report.published and not tables_seen and formats.of(report).prescribed_tables:
        left["数据准确"] = left["正文与表格一致"] = "原报告的表格未录入"
    if not isinstance(report, National2021Report):
        left["收费说明"] = f"不适用（{formats.of(report).label}没有信息处理费）"
    elif not (report.seen("other") and report.seen("processing_fees")):
        left["收费说明"] = "原报告第六部分未录入"
    if not report.seen("problems"):
        left["问题与改进"] = "原报告第五部分未录入"
    if not prose_seen:
        left["内容雷同"] = left["正文与表格一致"] = "原报告的正文未录入"
    if s.published is None:
        left["发布后改动"] = "没有导入网站上发布的报告"
    left["退回未改"] = "没有退回整改的问题"  # judged by ``follow_up`` where an earlier audit returned some
    return left


def _on_time(s: Submission, year: int, deadlines: Deadlines, as_of: datetime.date) -> list[Finding]:
    submit_by, publish_by = deadlines.submit_by(year), deadlines.publish_by(year)
    report = s.report
    findings: list[Finding] = []
    if report is None:
        return findings
    submitted = _day(report.publication.submitted)
    if submit_by and submitted and submitted > submit_by:
        findings.append(Finding("按时报送", f"晚于报送期限 {(submitted - submit_by).days} 天报送",
                                f"报送日期 {submitted}，期限 {submit_by}"))
    published = _day(report.publication.date)
    if publish_by and published and published > publish_by:
        name, day = tables.signature(report)
        shown = f"落款“{name} {day}”" if day else f"发布日期 {published}"
        findings.append(Finding("按时发布", f"晚于发布期限 {(published - publish_by).days} 天发布",
                                f"{shown}，期限 {publish_by}"))
    elif publish_by and published is None and as_of > publish_by and not report.published:
        findings.append(Finding("按时发布", f"发布期限已过 {(as_of - publish_by).days} 天，仍未记录发布日期",
                                f"截至 {as_of} 未发布，期限 {publish_by}"))
    return findings


def _unread(s: Submission, due: datetime.date | None, as_of: datetime.date) -> list[Finding]:
    """An organ without a report: 应报尽报 only once the report is overdue (before, it is reminded); a report
    that could not be read, its first problems in the form's words."""
    if not s.file:
        if due is not None and as_of <= due or _history_only(s):
            return []
        late = f"，报送期限 {due} 已过 {(as_of - due).days} 天" if due else ""
        return [Finding("应报尽报", "应报送而没有本年度报告", f"{s.why_expected}{late}")]
    shown = [p.describe().rstrip("。") for p in checks.errors(s.problems)]
    more = f"等 {len(shown)} 个问题" if len(shown) > 3 else ""
    return [Finding("数据准确", "报告有错误，不能生成", "；".join(shown[:3]) + more)]


def _form(report: Report, now: dict[str, str]) -> list[Finding]:
    findings = []
    title = tables.title(report)
    if not formats.of(report).prescribed_tables:
        pass  # the 2008 outline prescribed no title: each organ titled its own
    elif not TITLE.match(title):
        findings.append(Finding("格式规范", "标题不是“××××年政府信息公开工作年度报告”的格式", f"标题“{title}”"))
    elif len(re.findall(r"(?<!\d)\d{4}(?!\d)", title)) > 1 or report.organ.town not in title:
        findings.append(Finding("格式规范", "标题中的年度重复或机关名称不全", f"标题“{title}”"))
    fmt = formats.of(report)
    if not fmt.in_force(report.year):
        findings.append(Finding("格式规范", f"{report.year} 年度的报告未使用当年适用的格式",
                                f"使用的是{fmt.label}（用于 {fmt.years_text()}的报告）"))
    if isinstance(report, NationalReport):
        prose = report.prose
        overview = any(getattr(prose, name).strip() for name in ("overview", "active", "requests", "management",
                                                                 "platforms", "oversight"))
        problems = bool(prose.problems.strip())
        for present, key, part in ((overview, "overview", "一、总体情况"),
                                   (problems, "problems", "五、存在的主要问题及改进情况")):
            if not present and report.seen(key):  # a part its source did not show is not missing
                findings.append(Finding("格式规范", f"缺少“{part}”", f"“{part}”没有正文"))
        note = " ".join(prose.drafting_note.split())
        if note:
            findings.append(Finding("格式规范", "发布的报告中留有格式的编写说明",
                                    f"原文“{note[:40]}{'……' if len(note) > 40 else ''}”"))
        other = now.get("other", "")
        if _a_government(report) and isinstance(report, National2021Report) and report.seen("other") and \
                not _ACCOUNTS.search(other):
            quoted = f"第六部分：“{consistency.quote(other, 0, 0, 40)}”" if other else "第六部分没有正文"
            findings.append(Finding("格式规范", ACCOUNTS_MISSING, quoted))
        shown = fmt.tables(report)
        for name, table in (("active", checks.TABLE_ACTIVE), ("applications", checks.TABLE_APPLICATIONS),
                            ("appeals", checks.TABLE_APPEALS)):
            if report.seen(name) and not any(has for _, _, has in _cells(shown.get(name, []))):
                findings.append(Finding("格式规范", f"缺少{table}", f"{table}没有一个填写了数字的单元格"))
    return findings


_ACCOUNTS = re.compile(r"考核|社会评议|责任追究")
ACCOUNTS_MISSING = "人民政府的年度报告第六部分没有报告年度工作考核、社会评议和责任追究结果"


def _a_government(report: Report) -> bool:
    """Whether the organ is a people's government (镇、乡, a county's): its report also accounts for the year's
    考核、社会评议和责任追究 (the 2021 format's part 六); a 街道办事处 or a department does not."""
    organ = report.organ
    return organ.kind_or_guess in ("镇", "乡") or organ.full_name.endswith("人民政府")


def _cells(frames: list[pd.DataFrame]) -> Iterator[tuple[str, list[tuple[str, str, object]], bool]]:
    """Each table's caption, its known cells as (row label, column label, value), and whether it has any."""
    for frame in frames:
        known = []
        for row, values in zip(frame.index, frame.itertuples(index=False), strict=True):
            for column, value in zip(frame.columns, values, strict=True):
                if value is not None and not pd.isna(value):
                    known.append((_label(row), _label(column), value))
        yield str(frame.attrs.get("caption", "")), known, bool(known)


def _label(key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return "".join(str(p) for p in parts if str(p) and not str(p).isdigit())


def _accuracy(report: Report, previous: Report | None) -> list[Finding]:
    """The format's balances and cross-year rules, in the form's words; a published report's blank cells are
    unknown (a page may have cut them off), not judged."""
    problems = formats.of(report).checks(report, previous) + ([] if report.published else checks.blanks(report))
    return [Finding("数据准确", p.describe().removeprefix("警告：").rstrip("。"), "") for p in problems]


def _stated(report: Report, now: dict[str, str]) -> list[Finding]:
    return [Finding("正文与表格一致", c.heading, c.detail) for c in consistency.contradictions(report, now)]


_FEE_WORDS = re.compile(r"收费|信息处理费|处理费")


def _fees(report: Report, now: dict[str, str]) -> list[Finding]:
    if not isinstance(report, National2021Report) or not report.seen("other"):
        return []
    fees = report.processing_fees
    unpaid = report.applications.results.other.no_fee.shown_total()
    if unpaid and not fees.notices and report.seen("processing_fees"):  # 表二's 行政事业性收费 is another fee
        return [Finding("收费说明", "表三有申请人逾期未缴纳信息处理费，第六部分却没有发出收费通知",
                        f"表三“（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用”为 {unpaid}；"
                        f"信息处理费表“发出收费通知件数”为 {fees.notices if fees.notices is not None else '空白'}")]
    if not (fees.notices or fees.billed or fees.collected):
        return []
    other = now.get("other", "")
    if _FEE_WORDS.search(other):
        return []
    charged = tables.fee_sentence(report.year, report.organ.town, fees.notices, fees.billed, fees.collected)
    said = f"第六部分正文：“{consistency.quote(other, 0, 0, 40)}”" if other else "第六部分没有正文"
    return [Finding("收费说明", "收取了信息处理费，第六部分未作说明", f"表格：{charged}{said}")]


_PROBLEM_WORDS = re.compile(r"问题|不足|短板|薄弱|差距|欠缺|不够|有待")
_MEASURE_WORDS = re.compile(r"改进|整改|措施|下一步|将进一步|加强|完善|提升|推进|落实")
_LAST_YEAR = re.compile(r"上年|去年|上一年|上年度|\d{4}年(?:度)?(?:存在|发现|提出)的问题|整改情况|改进情况")


def _problems_part(previous: Report | None, now: dict[str, str], before: dict[str, str]) -> list[Finding]:
    text = now.get("problems", "")
    if not text:
        return []  # 格式规范 says it is missing
    sentences = [s for s in re.split(r"[。！？!?；;]", text) if s.strip()]
    if len(text) < GENERIC_CHARS or len(sentences) <= 1:
        return [Finding("问题与改进", "第五部分过于笼统，没有具体的问题和改进措施",
                        f"第五部分全文 {len(text)} 字：“{consistency.quote(text, 0, 0, 60)}”")]
    if not (_PROBLEM_WORDS.search(text) and _MEASURE_WORDS.search(text)):
        return [Finding("问题与改进", "第五部分没有同时写明存在的问题和改进措施",
                        f"第五部分：“{consistency.quote(text, 0, 0, 60)}”")]
    if previous is not None and not _LAST_YEAR.search(text) and str(previous.year) not in text:
        return [Finding("问题与改进", "第五部分没有报告上年度问题的改进情况",
                        f"第五部分：“{consistency.quote(text, 0, 0, 60)}”")]
    last = before.get("problems", "")
    if len(last) >= MIN_CHARS:
        ratio = checks.similarity(text, last)
        if ratio >= SIMILAR:
            return [Finding("问题与改进", f"第五部分与{previous.year if previous else ''}年的几乎相同",
                            f"相似度 {ratio:.0%}：“{consistency.quote(text, 0, 0, 30)}”")]
    return []


def _changed(s: Submission, now: dict[str, str]) -> list[Finding]:
    """A published page that differs from the report the office built and filed: each figure, each part."""
    if s.published is None or s.report is None:
        return []
    findings = []
    fmt = formats.of(s.report)
    filed, shown = fmt.tables(s.report), formats.of(s.published).tables(s.published)
    for key, frames in filed.items():
        for (caption, cells, _), (_, others, _) in zip(_cells(frames), _cells(shown.get(key, [])), strict=False):
            published = {(row, column): value for row, column, value in others}
            for row, column, value in cells:
                printed = published.get((row, column))
                if printed is not None and str(printed) != str(value):
                    findings.append(Finding(
                        "发布后改动", "网站上的数字与备案的报告不同",
                        f"“{caption}”“{row}”行“{column}”列：备案 {value}，网站 {printed}（{s.published_from}）"))
    shown_prose = consistency.plain_prose(s.published)
    for name, text in now.items():
        other = shown_prose.get(name)
        if other is not None and (ratio := checks.similarity(text, other)) < PUBLISHED_SAME:
            title = fmt.prose_parts.get(name, name)
            findings.append(Finding("发布后改动", f"网站上的“{title}”与备案的正文不同",
                                    f"相似度 {ratio:.0%}；网站："
                                    f"“{consistency.quote(other, 0, 0, 40)}”（{s.published_from}）"))
    return findings


def _alike(submissions: list[Submission], texts: dict[str, tuple[dict[str, str], dict[str, str]]]
           ) -> dict[str, list[Finding]]:
    """内容雷同: each part against the same organ's last year (part 五: under 问题与改进) and against the same
    part of every other organ of the district this year; one finding per organ and part, naming the others."""
    found: dict[str, list[Finding]] = {}
    by_part: dict[str, list[tuple[str, str, str]]] = {}  # part → (organ, its text, the part's heading)
    names = {s.slug: s.name for s in submissions}
    for s in submissions:
        if s.report is None:
            continue
        now, before = texts[s.slug]
        parts = formats.of(s.report).prose_parts
        for part, text in now.items():
            if len(text) < MIN_CHARS or part == "preamble":  # an 引言 its county prescribes is shared by design
                continue
            by_part.setdefault(part, []).append((s.slug, text, parts.get(part, part)))
            old = before.get(part, "")
            if part != "problems" and len(old) >= MIN_CHARS and (ratio := checks.similarity(text, old)) >= SIMILAR:
                found.setdefault(s.slug, []).append(Finding(
                    "内容雷同", f"“{parts.get(part, part)}”与本机关上年的几乎相同",
                    f"相似度 {ratio:.0%}：“{consistency.quote(text, 0, 0, 30)}”"))
    for organs in by_part.values():
        if len(organs) < 2:
            continue
        shown = [text for _, text, _ in organs]
        scores = process.cdist(shown, shown, scorer=fuzz.ratio, score_cutoff=SIMILAR * 100, workers=-1)
        for i, (slug, text, title) in enumerate(organs):
            alike = [(organs[j][0], float(scores[i][j]) / 100) for j in range(len(organs)) if j != i and scores[i][j]]
            if not alike:
                continue
            others = "、".join(f"{names[o]}（相似度 {r:.0%}）" for o, r in sorted(alike, key=lambda a: -a[1])[:5])
            more = f"等 {len(alike)} 个机关" if len(alike) > 5 else ""
            found.setdefault(slug, []).append(Finding(
                "内容雷同", f"“{title}”与本区其他机关本年的报告雷同",
                f"与{others}{more}；本机关：“{consistency.quote(text, 0, 0, 30)}”"))
    return found

