"""``xxgk import``: a filled Excel workbook, or a published report's saved page or Word file, checked and
written as ``data/<town>/<year>.yaml`` — or refused, with every problem named where the source shows it."""

from __future__ import annotations

import dataclasses
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers.atomic import write_atomic
from helpers.errors import DataFileError, Problem, ProjectError, WorkbookError
from helpers.intake.load import (
    as_far_as_read,
    dump_yaml,
    latest_organs,
    load_report,
    parse_report,
    town_slug,
    year_files_of_town,
)
from helpers.report.checks import check, errors
from helpers.report.model import SLUG, SLUG_RULE, Report, kind_of_name
from helpers.report.placeholders import misspelt
from helpers.report.values import dotted

WORKBOOK_SUFFIXES = (".xlsx",)
_KIND_SUFFIX = re.compile(r"(街道办事处|街道|人民政府|办事处|镇|乡|区|县|旗|市)$")


@dataclass
class ImportResult:
    """What importing one file did, in lines to print (``summary`` for a batch: one line)."""

    ok: bool
    lines: list[str]
    written: Path | None = None
    summary: str = ""


def importable(paths: Iterable[Path]) -> list[Path]:
    """The files named, with every importable file of a folder named (its sub-folders too), in name order."""
    from helpers.intake.pages import PAGE_SUFFIXES, WORD_SUFFIXES  # lxml, trafilatura: only an import reads pages
    from helpers.intake.pdf import DOC_SUFFIXES, PDF_SUFFIXES

    suffixes = (*WORKBOOK_SUFFIXES, *PAGE_SUFFIXES, *WORD_SUFFIXES, *PDF_SUFFIXES, *DOC_SUFFIXES)
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes
                                and not p.name.startswith((".", "~$"))))
        else:
            found.append(path)
    return found


def import_file(path: Path, data_dir: Path, *, overwrite: bool = False, keep_invalid: bool = False,
                town: str | None = None, site: str | None = None, url: str | None = None,
                year: int | None = None) -> ImportResult:
    """Import one file by its kind; never raises for what is wrong with the file. ``site`` and ``url``: where a
    published report was published (a saved page, a Word or PDF attachment may not say); ``year``: its year where
    its title gives none."""
    # lxml, trafilatura and python-docx (about 0.5 s) only for a page or a Word file.
    from helpers.intake.pages import PageError, read_page
    from helpers.intake.transcribe import NotAReport, transcribe

    name = path.name
    try:
        regular = path.is_file()  # a FIFO or a device would be read forever
    except OSError:
        regular = False
    if not regular:
        return _refused(name, [f"{name}：不是普通文件（可能是管道、设备或失效的链接），未读取"])
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return import_workbook(path, data_dir, overwrite=overwrite, keep_invalid=keep_invalid)
    try:
        page = read_page(path)
        transcript = transcribe(page, year)
    except (PageError, NotAReport) as exc:
        return _refused(name, [str(exc)])
    data = transcript.data
    lines = [*transcript.errors, *transcript.notes]
    if transcript.year is None:
        return _refused(name, lines, transcript.errors)
    try:
        _complete(data, data_dir, town)
    except ProjectError as exc:  # a name two towns of the data folder have
        error = f"{name}：{exc}（可用 --town 指定）"
        return _refused(name, [*lines, error], [*transcript.errors, error])
    slug = data["organ"].get("slug", "")
    if not SLUG.match(str(slug)):
        error = f"{name}：镇街代码应{SLUG_RULE}，实际为“{slug}”（可用 --town 指定）"
        return _refused(name, [*lines, error], [*transcript.errors, error])
    # A page is a published report: what it does not say (of whom to ask, where it was published) stays unsaid,
    # unless the one importing it says it (--site, --url).
    publication = data.setdefault("publication", {})
    for key, given in (("site", site), ("url", url)):
        if given:
            publication[key] = given
    errors = list(transcript.errors)
    return _finish(name, data, data_dir, transcript.where, errors, transcript.notes, overwrite, keep_invalid)


def read_published(path: Path, data_dir: Path, town: str | None = None) -> Report:
    """A published page (or Word file) read as a report, in memory: nothing is written. Raises DataFileError
    with every reason it cannot be read (the same as ``xxgk import`` gives)."""
    from helpers.intake.pages import PageError, read_page
    from helpers.intake.transcribe import NotAReport, transcribe

    name = path.name
    try:
        transcript = transcribe(read_page(path))
    except (PageError, NotAReport) as exc:
        raise DataFileError([Problem(name, None, "", "政府信息公开工作年度报告的页面", str(exc))]) from None
    if transcript.year is None or transcript.errors:
        found = transcript.errors or ["找不到报告年度"]
        raise DataFileError([Problem(name, None, "", "可读取的已发布报告", e.removeprefix(name).lstrip("："))
                             for e in found])
    try:
        _complete(transcript.data, data_dir, town)
    except ProjectError as exc:
        raise DataFileError([Problem(name, None, "", "可识别的机关", str(exc))]) from None
    return parse_report(dump_yaml(transcript.data), name)


def _refused(name: str, lines: list[str], errors: list[str] | None = None) -> ImportResult:
    """A file not imported: all it showed, and for a batch one line (the reason itself, when it is one)."""
    errors = lines[:1] if errors is None else errors
    if len(errors) == 1:
        reason = errors[0].removeprefix(name).lstrip(" ：")
        return ImportResult(False, lines, summary=f"{name}：未导入——{reason}")
    return ImportResult(False, lines, summary=f"{name}：未导入（{len(errors)} 个问题）")


def _complete(data: dict[str, Any], data_dir: Path, town: str | None) -> None:
    """The organ's codes, and what the page does not say of its publication and contact, from the town's
    latest data file where there is one; otherwise codes from the names' pinyin."""
    organ = data["organ"]
    slug = town or town_slug(data_dir, organ.get("name") or organ["town"]) or town_slug(data_dir, organ["town"])
    latest = None
    if slug and (data_dir / slug).is_dir():
        for found in reversed(year_files_of_town(data_dir / slug)):
            try:
                latest = load_report(found.path)
            except DataFileError:
                continue
            break
    if latest is not None:
        parts = ("organ", "publication", "contact")
        known = dotted({part: dataclasses.asdict(getattr(latest, part)) for part in parts})
        for path, value in known.items():
            part, _, key = path.partition(".")
            if value in (None, "") or key == "date":
                continue
            if part == "organ" or key not in data.setdefault(part, {}):  # the organ as its own file has it
                data.setdefault(part, {})[key] = value
    if organ.get("district") and not organ.get("district_slug"):
        organ["district_slug"] = _district_code(data_dir, organ["district"])
    organ["slug"] = slug or _unique(data_dir, _new_code(organ, data_dir))
    data["organ"] = {key: organ[key] for key in ("slug", "town", "district", "district_slug", "city", "kind",
                                                 "name", "title") if organ.get(key)}


def _code(name: str) -> str:
    """A folder-safe code from a Chinese name: the pinyin of the name without its kind (南湖街道 → nanhu)."""
    from pypinyin import lazy_pinyin

    short = _KIND_SUFFIX.sub("", name) or name
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(short)).lower())


def _new_code(organ: dict[str, Any], data_dir: Path) -> str:
    """The code of an organ new to the project: a town's the pinyin of its name (南湖街道 → nanhu); a
    department's, an office's or another organ's its district's code and the pinyin initials of its name
    (武进区卫生健康局 → wujin-wsjkj, its district read off its whole name where the organ names none), so that
    every district's 教育局 has its own."""
    from helpers.intake.transcribe import split_parents

    kind = organ.get("kind") or kind_of_name(organ["town"])
    if kind not in ("部门", "办公室", "其他"):
        return _code(organ["town"])
    from pypinyin import Style, lazy_pinyin

    _, district, own = split_parents(organ["town"])
    initials = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(own, style=Style.FIRST_LETTER)).lower())
    code = organ.get("district_slug") or (_district_code(data_dir, district) if district else "")
    return f"{code}-{initials}" if code else initials


def _unique(data_dir: Path, code: str) -> str:
    """``code``, or ``code-2``, ``code-3`` … where a folder of another organ already has it."""
    taken = {slug for slug, _ in latest_organs(data_dir)}
    if code not in taken or not code:
        return code
    return next(f"{code}-{n}" for n in range(2, 1000) if f"{code}-{n}" not in taken)


def _district_code(data_dir: Path, district: str) -> str:
    """The district's code as the data folder's other towns give it, else from its pinyin."""
    known = (organ.district_slug for _, organ in latest_organs(data_dir) if organ.district == district)
    return next((slug for slug in known if slug), None) or _code(district)


def import_workbook(path: Path, data_dir: Path, *, overwrite: bool = False, keep_invalid: bool = False) -> ImportResult:
    """Read a filled workbook, check it, and write ``<data>/<town>/<year>.yaml`` if all is well."""
    from helpers.intake.excel import ORGAN_SHEET, read_workbook  # openpyxl, only for a workbook

    name = path.name
    try:
        imported = read_workbook(path)
    except WorkbookError as exc:
        return _refused(name, [str(exc)])
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        return _refused(name, [f"{name}：无法作为 Excel 填报表读取（{type(exc).__name__}）"])
    slug = str(imported.data.get("organ", {}).get("slug", ""))
    if not SLUG.match(slug):
        where = imported.cells["organ.slug"]
        error = f"{name} {where}：镇街代码应{SLUG_RULE}，实际为“{slug}”"
        return _refused(name, [*imported.errors, *imported.notes, error], [*imported.errors, error])
    cells = {**imported.cells, "": ORGAN_SHEET}
    return _finish(name, imported.data, data_dir, cells, imported.errors, imported.notes, overwrite, keep_invalid,
                   frozenset(imported.refused))


def _finish(name: str, data: dict[str, Any], data_dir: Path, where: dict[str, str], errors_found: list[str],
            notes: list[str], overwrite: bool, keep_invalid: bool, reported: frozenset[str] = frozenset()
            ) -> ImportResult:
    """Check the content as the data file it becomes (against last year's), then write it or say why not;
    ``reported`` are the fields refused where they were typed (in ``errors_found``), blank in ``data``."""
    lines = [*errors_found, *notes]
    year = data["year"]
    target = data_dir / data["organ"]["slug"] / f"{year}.yaml"
    text = dump_yaml(data)
    try:
        report, problems = as_far_as_read(lambda: parse_report(text, str(target), target, reported))
        previous_file = target.with_name(f"{year - 1}.yaml")
        previous = load_report(previous_file) if previous_file.exists() else None
        problems = problems + check(report, previous) + misspelt(report)
    except DataFileError as exc:
        problems = exc.problems
    for problem in problems:
        place = "" if problem.table and not where.get("") else f" {_where(where, problem.path)}"
        lines.append(f"{name}{place.rstrip()}：{problem.describe()}")
    warnings = sum(not p.is_error for p in problems)
    found = [*errors_found, *(f"{name}：{p.describe()}" for p in errors(problems))]
    if found:
        if keep_invalid:
            invalid = target.with_name(f"{year}.invalid.yaml")
            write_atomic(invalid, text)
            lines.append(f"{name}：有错误，未导入；按 --keep-invalid 写入 {invalid}（不会被生成报告）")
        else:
            lines.append(f"{name}：有错误，未导入。请按上面指出的位置修改后重新导入。")
        return _refused(name, lines, found)
    if target.exists() and not overwrite:
        lines.append(f"{name}：{target} 已存在，未覆盖（确需覆盖请加 --overwrite）")
        return ImportResult(False, lines, summary=f"{name}：未导入（{target} 已存在）")
    write_atomic(target, text)
    lines.append(f"{name}：已导入 → {target}")
    tail = f"（{warnings} 条警告）" if warnings else ""
    return ImportResult(True, lines, target, summary=f"{name}：已导入 → {target}{tail}")


def _where(cells: dict[str, str], path: str) -> str:
    """Where a field path was in the source (a workbook cell, a page's table, row and column), or of its
    nearest parent that has one."""
    while path:
        if path in cells:
            return cells[path]
        matches = [where for p, where in cells.items() if p.startswith(path + ".")]
        if matches:
            return matches[0]
        path = path.rpartition(".")[0]
    return cells.get("", "")
