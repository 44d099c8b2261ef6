"""The filing package: per district and year one archive of every organ's PDF (for signature and seal) and Word
file, its page and open data, the district summary, the audit and its notices, and a manifest with each file's
SHA-256 and each published page's build time — so that a later change to a published page can be shown."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from helpers.atomic import replace_atomic
from helpers.project import Outputs, audit_stem, notice_stem, package_stem, summary_stem

MANIFEST_NAME = "manifest.json"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _when(path: Path) -> str:
    return datetime.datetime.fromtimestamp(path.stat().st_mtime).astimezone().isoformat(timespec="seconds")


def contents(out_dir: Path, year: int, district: str, organs: list[tuple[str, str]]) -> tuple[list[Path], list[str]]:
    """What goes into the package, and what is missing from it (in Chinese): ``organs`` are (code, name)."""
    files: list[Path] = []
    missing: list[str] = []
    for slug, name in organs:
        made = Outputs(out_dir, year, slug)
        for label, path in (("PDF", made.pdf), ("Word 文件", made.docx), ("网页", made.html), ("开放数据", made.data)):
            if path.is_file():
                files.append(path)
            else:
                missing.append(f"{name}的{label}（{path.name}）")
        notice = Outputs(out_dir, year, notice_stem(slug)).docx
        if notice.is_file():
            files.append(notice)
    summary = Outputs(out_dir, year, summary_stem(district), district)
    audit = Outputs(out_dir, year, audit_stem(district))
    for label, path in (("区汇总", summary.html), ("区汇总数据", summary.data), ("审核页", audit.html),
                        ("审核表", audit.xlsx)):
        if path.is_file():
            files.append(path)
        else:
            missing.append(f"{label}（{path.name}）")
    return files, missing


def write_package(out_dir: Path, year: int, district: str, organs: list[tuple[str, str]],
                  scratch: Path) -> tuple[Path, list[str]]:
    """Write ``<out_dir>/<year>/<district>-package.zip`` (built in ``scratch``, then renamed into place);
    returns it and what is missing from it."""
    files, missing = contents(out_dir, year, district, organs)
    folder = out_dir / str(year)
    names = dict(organs)
    digests = {p: _sha256(p) for p in files}
    manifest: dict[str, Any] = {
        "year": year, "district": district, "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "files": [{"name": p.name, "sha256": digests[p], "bytes": p.stat().st_size} for p in files],
        "pages": [{"organ": p.stem, "name": names[p.stem], "page": p.name, "sha256": digests[p], "built": _when(p)}
                  for p in files if p.suffix == ".html" and p.stem in names],
        "missing": missing,
    }
    target = Outputs(out_dir, year, package_stem(district)).zip
    scratch.mkdir(parents=True, exist_ok=True)
    temporary = scratch / target.name
    with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, f"{year}-{district}/{path.relative_to(folder)}")
        archive.writestr(f"{year}-{district}/{MANIFEST_NAME}",
                         json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
    replace_atomic(temporary, target)
    return target, missing
