"""Audit stage: a district's review for one year as the office uses it — a page (organ × criterion, each cell
linking to its findings, a score per organ), the same as an ``.xlsx`` workbook, and a 整改通知 Word file for each
organ with findings."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from helpers.atomic import write_atomic
from helpers.output.index import render_page
from helpers.project import Outputs, Settings, audit_stem, notice_stem
from helpers.report.review import CRITERIA, Finding, Sheet, Submission, score


@dataclass(frozen=True)
class Audited:
    """One organ's line of the audit: its findings, points taken off per criterion, and its score."""

    submission: Submission
    findings: list[Finding]
    taken: dict[str, Decimal]
    score: Decimal

    def count(self, criterion: str) -> int:
        return sum(f.criterion == criterion for f in self.findings)


def audited(submissions: list[Submission], findings: dict[str, list[Finding]], sheet: Sheet) -> list[Audited]:
    rows = []
    for s in submissions:
        found = findings.get(s.slug, [])
        total, taken = score(found, sheet)
        rows.append(Audited(s, found, taken, total))
    return rows


def _chinese_day(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def points(value: Decimal) -> str:
    """Points as a reviewer writes them: 5, 2.5."""
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")


def page(rows: list[Audited], year: int, district_name: str, sheet: Sheet, as_of: datetime.date,
         notices: dict[str, str]) -> str:
    """The audit page: valid HTML, Chinese, self-contained."""
    return render_page(
        "audit.html.j2", rows=rows, year=year, district=district_name, criteria=list(CRITERIA), help=CRITERIA,
        sheet=sheet, as_of=as_of, notices=notices, points=points, total=sum(len(r.findings) for r in rows),
        with_findings=sum(bool(r.findings) for r in rows),
    )


def workbook(rows: list[Audited], year: int, district_name: str, sheet: Sheet) -> bytes:
    """The audit as the office's own tables: 汇总 (organ × criterion, points, score) and 问题清单 (one finding
    a row, with its evidence)."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "汇总"
    title = f"{year} 年度{district_name}政府信息公开工作年度报告审核（{sheet.name}，满分 {points(sheet.full)}）"
    summary.append([title])
    summary.append(["机关", "机关代码", *CRITERIA, "扣分", "得分"])
    for r in rows:
        summary.append([r.submission.name, r.submission.slug, *(r.count(c) or None for c in CRITERIA),
                        float(sum(r.taken.values(), Decimal(0))), float(r.score)])
    listing = book.create_sheet("问题清单")
    listing.append(["机关", "评审项", "问题", "依据", "扣分"])
    for r in rows:
        for f in r.findings:
            taken = float(sheet.deductions.get(f.criterion, 0))
            listing.append([r.submission.name, f.criterion, f.text, f.evidence, taken])
    for sheet_ in (summary, listing):
        for cell in sheet_[2 if sheet_ is summary else 1]:
            cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 18
    for column, width in (("A", 18), ("B", 14), ("C", 50), ("D", 80)):
        listing.column_dimensions[column].width = width
    for row in listing.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notice(row: Audited, year: int, settings: Settings, sender: str, as_of: datetime.date) -> bytes:
    """The 整改通知 to one organ: its findings in the reviewers' words, with the evidence, and a deadline."""
    from helpers.output.word import notice_docx  # python-docx only where notices are written

    s = row.submission
    name = s.report.organ.full_name if s.report is not None else s.name
    due = as_of + datetime.timedelta(days=settings.correction_days)
    items = [f"【{f.criterion}】{f.text}。依据：{f.evidence}" for f in row.findings]
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
    """Write the audit's page, workbook and notices under ``<out_dir>/<year>/``; returns what was written."""
    sender = sender_of(rows, settings)
    written = []
    notices: dict[str, str] = {}
    for row in rows:
        target = Outputs(out_dir, year, notice_stem(row.submission.slug)).docx
        if row.findings:
            write_atomic(target, notice(row, year, settings, sender, as_of))
            notices[row.submission.slug] = target.name
            written.append(target)
        else:
            target.unlink(missing_ok=True)  # a notice of an earlier audit whose findings are now corrected
    files = Outputs(out_dir, year, audit_stem(district))
    write_atomic(files.xlsx, workbook(rows, year, district_name, sheet))
    write_atomic(files.html, page(rows, year, district_name, sheet, as_of, notices))
    return [files.html, files.xlsx, *written]

