"""Index stage: one page listing, for every year and district, every organ expected to report and its state
(未开始 … 已发布), the days left or overdue, its files, warnings and errors, and the district summaries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from helpers.atomic import write_atomic
from helpers.errors import DataFileError
from helpers.intake import roster
from helpers.intake.roster import Expected
from helpers.project import Deadlines, Outputs, Project

TEMPLATES = Path(__file__).parent / "templates"
PAGE_CSS = ("report.css", "parts.css")  # the page's own styles, then those of a report's parts
STATES = {
    "not_started": "未开始",
    "unfinished": "未填完",
    "errors": "有错误",
    "review": "待审核",
    "built": "已生成",
    "published": "已发布",
}
SUMMARY_STATES = {"built": "已生成", "warnings": "有警告", "failed": "失败"}
STATE_HELP = {
    "not_started": "没有本年度的数据文件",
    "unfinished": "数据文件还有空白或草稿未改完",
    "errors": "数据文件或生成有错误",
    "review": "已生成但有警告，或数据文件尚未生成报告：须过目",
    "built": "已生成，没有警告，尚未记录发布",
    "published": "数据文件记录了已到的发布日期，或按已发布的报告录入",
}


@dataclass(frozen=True)
class Office:
    """What the office follows beyond the manifest: who is expected each year, the deadlines, and today."""

    expected: dict[int, list[Expected]] = field(default_factory=dict)
    deadlines: Deadlines = field(default_factory=Deadlines)
    as_of: datetime.date = field(default_factory=datetime.date.today)
    notes: list[str] = field(default_factory=list)


def office_of(project: Project, as_of: datetime.date | None = None) -> Office:
    """The office's view of ``project``: expected organs for every year with data, from its roster."""
    files = project.year_files()
    notes = []
    try:
        office = roster.read_roster(project.roster)
        expected = {year: roster.expected(project, year, files, office) for year in roster.years(project, files)}
    except DataFileError as exc:
        expected = {}
        notes = [f"应报送名单 {project.roster.name} 有错误，本页只列出已有报告：{p}" for p in exc.problems]
    return Office(expected, project.settings.deadlines, as_of or datetime.date.today(), notes)


def _days(n: int) -> str:
    return f"{n} 天"


def deadline_notes(entry: dict[str, Any], year: int, deadlines: Deadlines, as_of: datetime.date,
                   has_file: bool) -> list[tuple[str, bool]]:
    """The deadline lines of one organ's row, each with whether it is overdue: days left or overdue, late
    filing or publication."""
    lines: list[tuple[str, bool]] = []
    submit_by, publish_by = deadlines.submit_by(year), deadlines.publish_by(year)
    submitted = _date(entry.get("submitted_on"))
    if submit_by is not None:
        if submitted is not None and submitted > submit_by:
            lines.append((f"晚报送 {_days((submitted - submit_by).days)}（{submitted}，期限 {submit_by}）", True))
        elif not has_file and as_of > submit_by:
            lines.append((f"报送已逾期 {_days((as_of - submit_by).days)}（期限 {submit_by}）", True))
        elif not has_file:
            lines.append((f"距报送期限还有 {_days((submit_by - as_of).days)}（{submit_by}）", False))
    if publish_by is not None:
        published = _date(entry.get("published_on"))
        if published is None and entry.get("published"):
            lines.append(("按已发布的报告录入，发布日期未记录", False))
        elif published is not None and published <= as_of:
            if published > publish_by:
                lines.append((f"晚发布 {_days((published - publish_by).days)}（{published}，期限 {publish_by}）", True))
        elif as_of > publish_by:
            lines.append((f"未记录发布日期，期限 {publish_by} 已过 {_days((as_of - publish_by).days)}", True))
        else:
            lines.append((f"距发布期限还有 {_days((publish_by - as_of).days)}（{publish_by}）", False))
    return lines


def _date(text: Any) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if isinstance(text, str) and text else None
    except ValueError:
        return None


def _links(out_dir: Path, year: int, stem: str, district: str = "") -> dict[str, str]:
    files = Outputs(out_dir, year, stem, district).links()
    return {label: f"{year}/{path.name}" for label, path in files.items() if path.exists()}


def organ_state(entry: dict[str, Any] | None, has_file: bool, as_of: datetime.date) -> str:
    """One organ's state for its year, from its manifest entry (None: never built) and whether it has a file."""
    if entry is None:
        return "review" if has_file else "not_started"
    if entry.get("status") == "failed":
        return "unfinished" if entry.get("unfinished") else "errors"
    published = _date(entry.get("published_on"))
    if entry.get("published") or (published is not None and published <= as_of):
        return "published"
    return "review" if entry.get("warnings") else "built"


def entries(reports: dict[str, dict], out_dir: Path, office: Office | None = None) -> list[dict]:
    """Rows of the index, newest year first, then by district (its summary first) and code; links only to
    files that exist; every organ the roster expects has a row, whether or not it has a report."""
    office = office or Office()
    rows: list[dict[str, Any]] = []
    listed: set[str] = set()
    for year, expected in office.expected.items():
        for organ in expected:
            key = f"{year}/{organ.slug}"
            listed.add(key)
            entry = reports.get(key)
            state = organ_state(entry, organ.file is not None, office.as_of)
            rows.append(_organ_row(year, organ.slug, (entry or {}).get("name") or organ.name, organ.district,
                                   organ.district_name, state, entry or {}, out_dir, office, organ.file is not None))
    districts = {(r["year"], r["district"]): r["district_name"] for r in rows}
    for key, entry in reports.items():
        if key in listed:
            continue
        year_text, stem = key.split("/")
        year, district = int(year_text), entry.get("district", "")
        if district:
            rows.append(_summary_row(year, stem, district, districts.get((year, district), ""), entry, rows,
                                     out_dir))
            continue
        state = organ_state(entry, True, office.as_of)
        rows.append(_organ_row(year, stem, entry.get("name") or stem, "", "", state, entry, out_dir, office, True))
    return sorted(rows, key=lambda r: (-r["year"], r["district"], not r["summary"], r["town"]))


def _organ_row(year: int, slug: str, name: str, district: str, district_name: str, state: str,
               entry: dict[str, Any], out_dir: Path, office: Office, has_file: bool) -> dict[str, Any]:
    text = STATES[state] + (f"（{entry['published_on']}）" if state == "published" and entry.get("published_on")
                            else "")
    deadlines = [] if not office.expected else deadline_notes(entry, year, office.deadlines, office.as_of, has_file)
    return {
        "year": year, "town": slug, "name": name, "district": district, "district_name": district_name,
        "state": state, "state_text": text, "state_label": STATES[state], "message": entry.get("message", ""),
        "warnings": entry.get("warnings", []), "deadlines": deadlines,
        "links": _links(out_dir, year, slug), "summary": False,
    }


def _summary_row(year: int, stem: str, district: str, district_name: str, entry: dict[str, Any],
                 rows: list[dict[str, Any]], out_dir: Path) -> dict[str, Any]:
    missing = [r["name"] for r in rows if r["year"] == year and r["district"] == district and not r["summary"]
               and r["state"] in ("not_started", "unfinished", "errors")]
    warnings = list(entry.get("warnings", []))
    if missing:
        warnings.insert(0, f"{len(missing)} 个应报送的机关未计入本汇总：{'、'.join(missing)}")
    state = "failed" if entry.get("status") == "failed" else "warnings" if warnings else "built"
    return {
        "year": year, "town": stem, "name": entry.get("name") or stem, "district": district,
        "district_name": district_name, "state": state, "state_text": SUMMARY_STATES[state],
        "state_label": SUMMARY_STATES[state], "message": entry.get("message", ""),
        "warnings": warnings, "deadlines": [], "links": _links(out_dir, year, stem, district), "summary": True,
    }


def render_page(template: str, **values: Any) -> str:
    """One of the office's own pages (the index, an audit): its template with the report pages' styles inlined,
    so that it is one self-contained file."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    css = "\n".join((TEMPLATES / "xxgk" / "static" / name).read_text(encoding="utf-8") for name in PAGE_CSS)
    return env.get_template(template).render(css=css, **values)


def write_index(reports: dict[str, dict], out_dir: Path, office: Office | None = None) -> Path:
    """Write ``<out_dir>/index.html``: Chinese, self-contained, no network requests."""
    office = office or Office()
    rows = entries(reports, out_dir, office)
    years = sorted({r["year"] for r in rows}, reverse=True)
    groups: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for r in rows:
        groups.setdefault(r["year"], {}).setdefault(r["district"], []).append(r)
    organs = [r for r in rows if not r["summary"]]
    counts = {state: sum(r["state"] == state for r in organs) for state in STATES}
    year_counts = {
        year: {state: sum(r["state"] == state for r in organs if r["year"] == year) for state in STATES}
        for year in years
    }
    labels = sorted({r["state_label"] for r in rows}, key=lambda s: [*STATES.values(), *SUMMARY_STATES.values()]
                    .index(s))
    html = render_page(
        "index.html.j2", rows=rows, organs=organs, years=years, groups=groups, counts=counts, year_counts=year_counts,
        states=STATES, state_help=STATE_HELP, labels=labels, as_of=office.as_of, notes=office.notes,
        summaries=sum(r["summary"] for r in rows), office=bool(office.expected),
    )
    path = out_dir / "index.html"
    write_atomic(path, html)
    return path
