"""Audit stage: a district's review for one year as the office uses it — a page (organ × criterion, each cell
linking to its findings, a score per organ), the same as an ``.xlsx`` workbook, and a 整改通知 Word file for each
organ with findings."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from helpers.atomic import write_atomic
from helpers.errors import XxgkError
from helpers.intake.audit import read_record, recorded, save_record
from helpers.output.index import render_page
from helpers.output.opendata import spreadsheet_text
from helpers.project import NO_DISTRICT, Deadlines, Outputs, Project, Settings, audit_stem, notice_stem, reminder_stem
from helpers.report.review import (
    CRITERIA,
    Decision,
    Finding,
    Record,
    Run,
    Seen,
    Sheet,
    Submission,
    finding_id,
    follow_up,
    review,
    score,
    unjudged,
)


@dataclass(frozen=True)
class Audited:
    """One organ's line of the audit: its findings, points taken off per criterion, its score, and the criteria
    not judged (each with why)."""

    submission: Submission
    findings: list[Finding]
    taken: dict[str, Decimal]
    score: Decimal
    unjudged: dict[str, str] = field(default_factory=dict)
    history: dict[str, str] = field(default_factory=dict)  # a finding's id → its history (found, returned, …)
    fixed: list[str] = field(default_factory=list)  # returned by an earlier audit, corrected since
    dismissed: list[str] = field(default_factory=list)  # the ids the office dismissed (shown, not counted)

    def finding_ids(self) -> list[str]:
        """Each finding's id, in order (an overdue 退回未改 has its own)."""
        return [self.id_of(f) for f in self.findings]

    def id_of(self, finding: Finding) -> str:
        return finding_id(self.submission.slug, finding)

    def count(self, criterion: str) -> int:
        return sum(f.criterion == criterion for f in self.findings)

    def judged(self) -> list[str]:
        """The criteria judged for this organ, in the sheet's order."""
        return [c for c in CRITERIA if c not in self.unjudged]

    def out_of(self) -> str:
        """What the score is out of, as said beside it: every criterion, or those judged."""
        return f"（审核 {len(self.judged())}/{len(CRITERIA)} 项）" if self.unjudged else ""


def audited(submissions: list[Submission], findings: dict[str, list[Finding]], sheet: Sheet,
            unjudged: dict[str, dict[str, str]] | None = None, record: Record | None = None,
            as_of: datetime.date | None = None, correction_days: int = 0) -> list[Audited]:
    """Each organ's line: its findings after the office's record (dismissed ones out, overdue ones added), its
    score, what was not judged."""
    rows = []
    for s in submissions:
        left = dict((unjudged or {}).get(s.slug, {}))
        found = findings.get(s.slug, [])
        followed = follow_up(s.slug, found, record or Record(), as_of or datetime.date.today(), correction_days)
        if any(fid.startswith(f"{s.slug}-") for run in (record or Record()).runs for fid in run.returned):
            left.pop("退回未改", None)  # something was returned to it: whether it was corrected is judged
        total, taken = score(followed.findings, sheet)
        rows.append(Audited(s, followed.findings, taken, total, left, followed.history, followed.fixed,
                            followed.dismissed))
    return rows


def audit_district(project: Project, year: int, district: str, found: list[Submission], sheet: Sheet,
                   as_of: datetime.date, decisions: list[Decision]) -> tuple[str, list[Audited], list[Path]]:
    """One district's audit, as the office runs it: judged, followed up against its record (with the office's
    new decisions), written out, and recorded as this day's run. Returns its name, its lines and its files."""
    stem = district or NO_DISTRICT
    path = project.audit_record(year, stem)
    record = recorded(read_record(path), Run(as_of.isoformat()), decisions)
    settings = project.settings
    findings = review(found, year, settings.deadlines, as_of)
    known = {finding_id(slug, f) for slug, fs in findings.items() for f in fs}
    unknown = [d.finding for d in decisions if d.finding not in known]
    if unknown:
        raise XxgkError(f"本次审核没有编号为 {'、'.join(unknown)} 的问题（问题编号见审核页和审核的输出），"
                        "未记录任何决定")
    left = {s.slug: unjudged(s, year, settings.deadlines, as_of) for s in found}
    rows = audited(found, findings, sheet, left, record, as_of, settings.correction_days)
    name = next((n for s in found if (n := s.district_name or (s.report.organ.district if s.report else ""))),
                "未标明所属区的机关" if not district else "区名未知的区")
    written = write_audit(project.outputs, year, stem, name, rows, sheet, settings, as_of)
    read = [r for r in rows if r.submission.report is not None]  # an organ without a report has nothing to follow
    seen = [Seen(fid, f.said()) for r in read for fid, f in zip(r.finding_ids(), r.findings, strict=True)]
    returned = [fid for r in read if r.findings for fid in r.finding_ids()]
    save_record(path, recorded(record, Run(as_of.isoformat(), seen, returned), []))
    return name, rows, written


def _chinese_day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def points(value: Decimal) -> str:
    """Points as a reviewer writes them: 5, 2.5."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def page(rows: list[Audited], year: int, district_name: str, sheet: Sheet, as_of: datetime.date,
         notices: dict[str, str], reminding: str = "") -> str:
    """The audit page: valid HTML, Chinese, self-contained."""
    return render_page(
        "audit.html.j2", rows=rows, year=year, district=district_name, criteria=list(CRITERIA), help=CRITERIA,
        sheet=sheet, as_of=as_of, notices=notices, points=points, total=sum(len(r.findings) for r in rows),
        with_findings=sum(bool(r.findings) for r in rows), reminding=reminding,
        waiting=[r for r in rows if r.submission.report is None and not r.submission.file],
    )


def workbook(rows: list[Audited], year: int, district_name: str, sheet: Sheet) -> bytes:
    """The audit as the office's own tables: 汇总 (organ × criterion, points, score) and 问题清单 (one finding
    a row, with its evidence)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    title = f"{year} 年度{district_name}政府信息公开工作年度报告审核（{sheet.name}，满分 {points(sheet.full)}）"
    summary.append([text(title)])
    summary.append(["机关", "机关代码", *CRITERIA, "扣分", "得分", "审核项数"])
    for r in rows:
        cells = ["—" if c in r.unjudged else r.count(c) for c in CRITERIA]  # —: not judged; 0: judged, none
        summary.append([text(r.submission.name), text(r.submission.slug), *cells,
                        float(sum(r.taken.values(), Decimal(0))), float(r.score), f"{len(r.judged())}/{len(CRITERIA)}"])
    listing = book.create_sheet("问题清单")
    listing.append(["机关", "评审项", "问题", "依据", "原文或记录", "扣分"])
    for r in rows:
        for f in r.findings:
            taken = float(sheet.deductions.get(f.criterion, 0))
            listing.append([text(r.submission.name), f.criterion, text(f.text), f.rule, text(f.evidence), taken])
        if r.unjudged:  # one row an organ: a district of thousands stays a sheet of thousands of rows
            left = "；".join(f"{criterion}（{why}）" for criterion, why in r.unjudged.items())
            listing.append([text(r.submission.name), "未审核的项", f"未审核：{left}", "", "", 0])
    for sheet_ in (summary, listing):
        for cell in sheet_[2 if sheet_ is summary else 1]:
            cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 18
    for column, width in (("A", 18), ("B", 14), ("C", 50), ("D", 80)):
        listing.column_dimensions[column].width = width
    wrapped = Alignment(wrap_text=True, vertical="top")  # one style object for every cell: registered once
    for row in listing.iter_rows(min_row=2, min_col=3, max_col=5):  # the text columns
        for cell in row:
            cell.alignment = wrapped
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text(value: str) -> str:
    """Text bound for a spreadsheet, never run as a formula (an organ named “=1+1”)."""
    return spreadsheet_text(value)


def reminder(rows: list[Audited], year: int, deadlines: Deadlines, sender: str, as_of: datetime.date) -> bytes | None:
    """The 催报通知: the organs whose report has not come, each with last year's contact and phone and the days
    left (or overdue); None when every report has come."""
    from helpers.output.word import notice_docx

    waiting = [r for r in rows if r.submission.report is None and not r.submission.file]
    if not waiting:
        return None
    due = deadlines.submit_by(year) or deadlines.publish_by(year)
    items = []
    for r in waiting:
        last = r.submission.previous
        contact = last.contact if last is not None else None
        who = "、".join(filter(None, (contact.office, f"电话 {contact.phone}" if contact.phone else ""))) \
            if contact else ""
        when = "" if due is None else (f"距报送期限还有 {(due - as_of).days} 天" if as_of <= due
                                       else f"已逾期 {(as_of - due).days} 天")
        items.append("；".join(filter(None, (r.submission.name, f"上年联系：{who}" if who else "", when))))
    deadline = f"请于{_chinese_day(due)}前" if due is not None and as_of <= due else "请尽快"
    return notice_docx(
        f"关于报送{year}年政府信息公开工作年度报告的催报通知", "各有关单位",
        f"截至{_chinese_day(as_of)}，以下单位尚未报送{year}年政府信息公开工作年度报告：",
        items, f"{deadline}将年度报告报送{sender}。", sender, _chinese_day(as_of))


def notice(row: Audited, year: int, settings: Settings, sender: str, as_of: datetime.date) -> bytes:
    """The 整改通知 to one organ: its findings in the reviewers' words, with the evidence, and a deadline."""
    from helpers.output.word import notice_docx  # python-docx only where notices are written

    s = row.submission
    name = s.report.organ.full_name if s.report is not None else s.name
    due = as_of + datetime.timedelta(days=settings.correction_days)
    items = [f.said() for f in row.findings]
    return notice_docx(
        f"关于{name}{year}年政府信息公开工作年度报告的整改通知",
        name,
        f"经审核，你单位{year}年政府信息公开工作年度报告存在以下问题，请逐项整改：",
        items,
        f"请于{_chinese_day(due)}前完成整改，将修改后的年度报告报送{sender}，并在政府网站同步更新。",
        sender,
        _chinese_day(as_of),
    )


def sender_of(rows: list[Audited], settings: Settings) -> str:
    """The office sending notices: as set in ``xxgk.toml``, else the office the reports are filed with."""
    if settings.office:
        return settings.office
    filed = [r.submission.report.publication.filed_with for r in rows
             if r.submission.report is not None and r.submission.report.publication.filed_with]
    return max(set(filed), key=filed.count) if filed else "区政务公开工作主管部门"


def write_audit(out_dir: Path, year: int, district: str, district_name: str, rows: list[Audited], sheet: Sheet,
                settings: Settings, as_of: datetime.date) -> list[Path]:
    """Write the audit's page, workbook, 整改通知 (to each organ whose report was read and has findings) and the
    催报通知 (for the reports still to come) under ``<out_dir>/<year>/``; returns what was written."""
    sender = sender_of(rows, settings)
    written = []
    notices: dict[str, str] = {}
    reminding = Outputs(out_dir, year, reminder_stem(district)).docx
    listed = reminder(rows, year, settings.deadlines, sender, as_of)
    if listed is None:
        reminding.unlink(missing_ok=True)
    else:
        write_atomic(reminding, listed)
        written.append(reminding)
    for row in rows:
        target = Outputs(out_dir, year, notice_stem(row.submission.slug)).docx
        if row.findings and row.submission.report is not None:
            write_atomic(target, notice(row, year, settings, sender, as_of))
            notices[row.submission.slug] = target.name
            written.append(target)
        else:
            target.unlink(missing_ok=True)  # a notice of an earlier audit whose findings are now corrected
    files = Outputs(out_dir, year, audit_stem(district))
    write_atomic(files.xlsx, workbook(rows, year, district_name, sheet))
    write_atomic(files.html, page(rows, year, district_name, sheet, as_of, notices,
                                  reminding.name if listed is not None else ""))
    return [files.html, files.xlsx, *written]

