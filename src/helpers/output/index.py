"""Index stage: one page listing every report of the output folder, its status, warnings and errors."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from helpers.atomic import write_atomic
from helpers.project import Outputs

TEMPLATES = Path(__file__).parent / "templates"
PAGE_CSS = ("report.css", "parts.css")  # the page's own styles, then those of a report's parts
STATUS = {"built": "已生成", "warnings": "有警告", "failed": "失败"}


def entries(reports: dict[str, dict], out_dir: Path) -> list[dict]:
    """Rows of the index, newest year first, then by town; links only to files that exist."""
    rows = []
    for key, entry in reports.items():
        year, town = key.split("/")
        status = "failed" if entry.get("status") == "failed" else "warnings" if entry.get("warnings") else "built"
        district = entry.get("district", "")
        files = Outputs(out_dir, int(year), town, district).links()
        links = {label: f"{year}/{path.name}" for label, path in files.items() if path.exists()}
        rows.append(
            {
                "year": int(year),
                "town": town,
                "name": entry.get("name") or town,
                "status": status,
                "status_text": STATUS[status],
                "message": entry.get("message", ""),
                "warnings": entry.get("warnings", []),
                "links": links,
                "summary": bool(district),
            }
        )
    return sorted(rows, key=lambda r: (-r["year"], not r["summary"], r["town"]))


def write_index(reports: dict[str, dict], out_dir: Path) -> Path:
    """Write ``<out_dir>/index.html``: Chinese, self-contained, no network requests."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    rows = entries(reports, out_dir)
    years = sorted({r["year"] for r in rows}, reverse=True)
    counts = {status: sum(r["status"] == status for r in rows) for status in STATUS}
    css = "\n".join((TEMPLATES / "xxgk" / "static" / name).read_text(encoding="utf-8") for name in PAGE_CSS)
    html = env.get_template("index.html.j2").render(rows=rows, years=years, counts=counts, status=STATUS, css=css)
    path = out_dir / "index.html"
    write_atomic(path, html)
    return path
