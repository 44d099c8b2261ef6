"""Batch stage: find the work, build it in parallel, skip what has not changed, never lose a good report.

The runner takes any ``concurrent.futures``-style executor: a process pool on
one machine, or a Dask cluster's executor. Each worker builds a report from
start to finish (check, execute in a fresh kernel, export in-process) and
writes its outputs atomically; the calling process keeps the manifest.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import os
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from helpers.atomic import replace_atomic, write_atomic
from helpers.errors import BuildError, DataFileError, Problem, XxgkError, os_reason
from helpers.intake.gather import Namesakes, check_file, load_district, namesakes_of, unchanging, unfinished
from helpers.intake.gather import towns as district_towns
from helpers.intake.load import digest_bytes, file_digest, glance, load_report, load_typed, stamp
from helpers.output.opendata import district_csv, dumps, report_json
from helpers.project import DISTRICT_TEMPLATE, REPORT_KEY, Outputs, Project, shown_in, summary_stem, year_files_of_town
from helpers.report import formats
from helpers.report.checks import errors, warnings
from helpers.report.district import unknown_in
from helpers.report.model import SLUG, SLUG_RULE
from helpers.report.placeholders import misspelt, misspelt_in_template

MANIFEST = "manifest.json"
LIBRARIES = (
    "papermill",
    "nbconvert",
    "nbclient",
    "nbformat",
    "ipykernel",
    "pandas",
    "Jinja2",
    "ruamel.yaml",
    "mistune",
)


@dataclass(frozen=True)
class Job:
    """One report to build: a town's data file for one year, with the template for its format.

    A district summary is a job too: ``district`` names it, ``data_file`` is the data folder and
    ``town`` the stem of its outputs (``<district>-summary``). ``root`` is the project folder the
    kernel runs in.
    """

    data_file: Path
    town: str
    year: int
    out_dir: Path
    template: Path | None
    timeout: int = 120
    district: str = ""
    pdf: bool = False
    root: Path | None = None
    docx: bool = False
    environment: str = ""  # the code and libraries' fingerprint, for the digest of what a worker builds from
    namesakes: Namesakes | None = None  # the towns reporting under this one's name this year, as the build found

    @property
    def key(self) -> str:
        return f"{self.year}/{self.town}"

    @property
    def outputs(self) -> Outputs:
        return Outputs(self.out_dir, self.year, self.town, self.district)

    @property
    def html(self) -> Path:
        return self.outputs.html

    @property
    def notebook(self) -> Path:
        return self.outputs.notebook

    @property
    def failed_notebook(self) -> Path:
        return self.outputs.failed_notebook

    @property
    def pdf_file(self) -> Path:
        return self.outputs.pdf

    @property
    def docx_file(self) -> Path:
        return self.outputs.docx

    @property
    def data(self) -> Path:
        """The open-data file: the report's JSON, or the district's CSV."""
        return self.outputs.data


@dataclass(frozen=True)
class Result:
    """How one job ended: status is 'built', 'unchanged' or 'failed'."""

    key: str
    status: str
    seconds: float = 0.0
    name: str = ""
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    worker_rss_mb: float = 0.0
    # The digest of the inputs as the builder read them; None when they changed while it built (so the next build
    # builds again); empty when the builder does not say, and the runner's digest stands.
    built_from: str | None = ""
    unfinished: bool = False  # failed only for what is not filled in yet (the index says 未填完)
    published_on: str = ""  # the publication date the data file records, as YYYY-MM-DD
    submitted_on: str = ""  # the day the office recorded receiving it
    published: bool = False  # the file records a report as published (source: published)

    @property
    def ok(self) -> bool:
        return self.status != "failed"


@dataclass(frozen=True)
class BatchFile:
    """A named batch (``params/NAME.yaml``): which towns and years, and optionally template and output folder."""

    name: str
    years: list[int] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    template: str = ""
    output: str = ""


def load_batch(path: Path, root: Path) -> BatchFile:
    """Read and validate a batch file: slugs are plain names, paths stay inside the project."""
    batch, source = load_typed(path, BatchFile)
    problems = []
    for i, slug in enumerate(batch.towns):
        if not SLUG.match(slug):
            problems.append((f"towns[{i}]", f"{SLUG_RULE}的镇街代码", f"“{slug}”"))
    for key in ("template", "output"):
        value = getattr(batch, key)
        if value and (Path(value).is_absolute() or not (root / value).resolve().is_relative_to(root.resolve())):
            problems.append((key, "项目目录之内的相对路径", f"“{value}”"))
    if problems:
        raise DataFileError([Problem(source.file, source.line(p), p, e, f) for p, e, f in problems])
    return batch


def find_jobs(
    project: Project,
    *,
    years: Iterable[int] = (),
    towns: Iterable[str] = (),
    template: Path | None = None,
    timeout: int = 120,
    districts: bool = True,
    pdf: bool = False,
    docx: bool = False,
) -> list[Job]:
    """Every data file of the project that the selection keeps, sorted by year then town, then a summary for
    every district and year with data (of a selected town).

    The template comes from the file's format, as the loader reads it; a file the loader refuses still gets a
    job, whose build fails with the same messages as ``check``. Paths are absolute, so that workers
    elsewhere (a Dask cluster) find the same files.
    """
    years, towns = set(years), set(towns)
    template = template.resolve() if template else None
    jobs = []
    with unchanging():  # the folder is read once for every report's same-name check, not once per report
        for found in project.year_files():
            if (years and found.year not in years) or (towns and found.town not in towns):
                continue
            format_template, namesakes = _context_of(found.path, project)
            job = Job(found.path, found.town, found.year, project.outputs, template or format_template, timeout,
                      pdf=pdf, root=project.root, docx=docx, namesakes=namesakes)
            jobs.append(job)
    summaries = []
    for slug, members in district_towns(project.data).items() if districts else ():
        if towns and not towns & {t.slug for t in members}:
            continue
        for year in sorted({y for town in members for y in town.files}):
            if not years or year in years:
                summary = project.template(DISTRICT_TEMPLATE)
                stem, out = summary_stem(slug), project.outputs
                # A summary is rebuilt for a selected town's sake, but printed only when whole districts are asked for.
                printed = not towns
                summaries.append(
                    Job(project.data, stem, year, out, summary, timeout, slug, pdf and printed, project.root,
                        docx and printed)
                )
    return sorted(jobs, key=lambda j: (j.year, j.town)) + sorted(summaries, key=lambda j: (j.year, j.town))


def _context_of(data_file: Path, project: Project) -> tuple[Path | None, Namesakes | None]:
    """The template of the file's format and the towns reporting under its name; None for both lets the build
    report why the file cannot be read."""
    try:
        seen = glance(data_file)
        return project.template(formats.get(seen.format).template), namesakes_of(seen, data_file)
    except XxgkError:
        return None, None


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def environment_fingerprint() -> str:
    """The project's own code and templates, and the versions of the libraries a report runs on."""
    package = Path(__file__).parent.parent  # helpers/, every stage
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    versions = [f"{lib}=={metadata.version(lib)}" for lib in LIBRARIES]
    return _digest(
        sys.version.encode(),
        " ".join(versions).encode(),
        *(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes() for p in files),
    )


_meanings: dict[Path, tuple[tuple[int, int], bytes]] = {}  # a template's meaning while the file is unchanged


def template_meaning(template: Path) -> bytes:
    """What a template means, for deciding a rebuild: each cell's type, source and tags, and the kernel.

    Opening, running and saving a template in JupyterLab changes its outputs, execution counts, cell ids and
    metadata, never what a build runs; none of those count. A file that is no notebook counts as its bytes.
    Read as the JSON it is, without nbformat, whose import alone costs a no-op build a second.
    """
    stamped = stamp(template)
    try:
        if template in _meanings and _meanings[template][0] == stamped:
            return _meanings[template][1]  # every report of a batch asks for the same few templates
        nb = json.loads(template.read_text(encoding="utf-8"))
        cells = [[c["cell_type"], _text(c["source"]), sorted(c.get("metadata", {}).get("tags", []))]
                 for c in nb["cells"]]
        kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name", "")
    except OSError:
        return b"-"
    except (ValueError, KeyError, TypeError, AttributeError):  # no notebook: its bytes decide; the build says why
        return template.read_bytes()
    meaning = json.dumps({"kernel": kernel, "cells": cells}, ensure_ascii=False).encode()
    _meanings[template] = (stamped, meaning)
    return meaning


def _text(source: str | list[str]) -> str:
    """A cell's source as nbformat gives it: one string (the file may store a list of lines)."""
    return source if isinstance(source, str) else "".join(source)


def input_digest(job: Job, environment: str, read: dict[Path, bytes] | None = None) -> str:
    """Everything a report depends on: its data file and the town's earlier years (carry-over checks,
    year-over-year figures, trend chart), its template, and the environment. A district summary
    depends on every file of every town of the district (a town missing this year is listed).

    ``read`` keeps what a pass over many jobs has read of each file (a summary's digest reads every file of its
    district, most of which the reports' digests have just read)."""
    read = {} if read is None else read
    if job.district:
        members = district_towns(job.data_file).get(job.district, [])
        inputs = sorted(path for town in members for path in town.files.values())
    else:
        inputs = [job.data_file] + [f.path for f in year_files_of_town(job.data_file.parent) if f.year < job.year]
    for path in inputs:
        if path not in read:
            read[path] = digest_bytes(path)
    return _digest(
        environment.encode(),
        *(p.as_posix().encode() + b"\0" + read[p] for p in inputs),
        template_meaning(job.template) if job.template else b"-",
    )


class BuildLock:
    """One build at a time per output folder: an advisory lock on ``<outputs>/.xxgk-build.lock``.

    The operating system releases it when its holder ends however it ends, so a lock is never left stale; the
    file says who holds it (process and start time), for the message of a build that has to wait.
    """

    def __init__(self, out_dir: Path, on_wait: Callable[[str], None] = lambda holder: None):
        self.path = out_dir / ".xxgk-build.lock"
        self.on_wait = on_wait
        self._handle: Any = None

    def __enter__(self) -> BuildLock:
        try:
            import fcntl
        except ImportError:  # not a POSIX system: no lock
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise BuildError(f"输出目录 {self.path.parent} 不可写（{os_reason(exc)}），没有生成任何报告") from None
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.seek(0)
            self.on_wait(self._handle.read().strip() or "另一个生成进程")
            fcntl.flock(self._handle, fcntl.LOCK_EX)
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(f"进程 {os.getpid()}（{time.strftime('%Y-%m-%d %H:%M:%S')} 开始）")
        self._handle.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            self._handle.close()  # closing releases the lock


def _own_file(path: Path) -> bool:
    """Whether ``path`` is a file as a build writes it: a regular file, not a link, with no other name."""
    try:
        found = path.lstat()
    except OSError:
        return False
    return stat.S_ISREG(found.st_mode) and found.st_nlink == 1


class Manifest:
    """``outputs/manifest.json``: per report, the digest of its inputs and how its last build ended.

    A manifest that cannot be read as one (truncated, another shape) is set aside under a new name, never
    silently emptied; the reports on disk are then listed again from their pages, and built anew.
    """

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        self.out_dir = out_dir
        self.notes: list[str] = []
        self.reports: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            self._recover()
            return
        except (OSError, UnicodeDecodeError) as exc:
            self._set_aside(f"无法读取（{os_reason(exc) if isinstance(exc, OSError) else '不是 UTF-8 文本'}）")
            return
        try:
            self.reports = _valid_reports(json.loads(text))
        except (ValueError, RecursionError) as exc:
            self._set_aside(str(exc) if isinstance(exc, ManifestShapeError) else "不是完整的 JSON")
            return
        for key in [k for k in self.reports if not REPORT_KEY.match(k)]:  # e.g. a hand edit, or a path in a key
            del self.reports[key]
            self.notes.append(f"警告：{self.path} 中的条目“{key[:60]}”不是报告的名称（年度/代码），已忽略。")

    def _set_aside(self, why: str) -> None:
        aside = self.path.with_name(f"manifest.damaged-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            self.path.rename(aside)
            where = f"已改名为 {aside.name} 保存"
        except OSError:
            where = "无法改名，原样保留"
        self.notes.append(
            f"警告：{self.path} 已损坏（{why}），{where}；索引按输出目录中的报告重新列出，这些报告将重新生成。"
        )
        self._recover()

    def _recover(self) -> None:
        """List the pages already in the output folder, so that the index keeps them (they are built anew)."""
        for page in sorted(self.out_dir.glob("[0-9][0-9][0-9][0-9]/*.html")):
            key = f"{page.parent.name}/{page.stem}"
            if key in self.reports or not REPORT_KEY.match(key):
                continue
            district = page.stem.removesuffix("-summary") if page.stem.endswith("-summary") else ""
            self.reports[key] = {
                "key": key, "status": "built", "name": _page_title(page) or page.stem, "message": "",
                "warnings": [], "inputs": None, "year": int(page.parent.name), "town": page.stem, "district": district,
            }

    def unchanged(self, job: Job, digest: str) -> bool:
        entry = self.reports.get(job.key, {})
        wanted = [job.html, *([job.pdf_file] if job.pdf else []), *([job.docx_file] if job.docx else [])]
        outputs = all(_own_file(path) for path in wanted)  # a link planted in place of one: built again
        return entry.get("inputs") == digest and entry.get("status") != "failed" and outputs

    def record(self, job: Job, result: Result, digest: str) -> None:
        entry = asdict(result)
        built_from = entry.pop("built_from")
        entry.update(
            inputs=(built_from if built_from != "" else digest) if result.ok else None,
            data_file=str(job.data_file),
            year=job.year,
            town=job.town,
            district=job.district,
        )
        self.reports[job.key] = entry

    def save(self) -> None:
        """Write the manifest; an OS error (read-only folder, full disk) is one Chinese line naming the path."""
        text = json.dumps({"version": 1, "reports": self.reports}, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            write_atomic(self.path, text + "\n")
        except OSError as exc:
            raise BuildError(f"无法保存 {self.path}（{os_reason(exc)}），本次结果未记入清单") from None


class ManifestShapeError(ValueError):
    """A manifest that is JSON but not of the manifest's shape."""


def _valid_reports(data: Any) -> dict[str, dict[str, Any]]:
    """The manifest's reports, after checking its shape; ManifestShapeError says what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
        raise ManifestShapeError("应为含 reports 映射的 JSON 对象")
    for key, entry in data["reports"].items():
        year, _, town = str(key).partition("/")
        if not (year.isdigit() and town and isinstance(entry, dict) and isinstance(entry.get("status"), str)):
            raise ManifestShapeError(f"条目 {str(key)[:40]} 的格式不对")
        if not isinstance(entry.get("warnings", []), list):
            raise ManifestShapeError(f"条目 {key} 的 warnings 应为列表")
    return data["reports"]


def _page_title(page: Path) -> str:
    """The <title> of a page this tool wrote (used only to list a report again after a damaged manifest)."""
    from html import unescape

    try:
        head = page.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return ""
    start, end = head.find("<title>"), head.find("</title>")
    return unescape(head[start + 7 : end]).strip()[:100] if 0 <= start < end else ""


def build_one(job: Job) -> Result:
    """Check, execute and export one report; on any failure keep the old outputs and say why.

    The digest of the inputs is taken before and after: a report whose inputs changed while it was built is
    recorded as built from nothing known, so that the next build builds it again.
    """
    before = input_digest(job, job.environment)
    result = _build(job)
    if result.ok and input_digest(job, job.environment) != before:
        note = "警告：生成期间输入文件有改动，本报告可能反映改动前后不一致的内容；下次生成时将重新生成。"
        return replace(result, warnings=[*result.warnings, note], built_from=None)
    return replace(result, built_from=before)


def _build(job: Job) -> Result:
    # Imported here, in the workers only: papermill, nbconvert and nbformat cost about a second to import, which a
    # build with nothing to do never pays. nbformat's jsonschema would also import rfc3987_syntax where it is
    # installed (JupyterLab's jupyter-events wants it) and compile its Lark grammar, 1.5 s in every worker, for
    # IRI formats that no notebook schema uses: a worker has it count as not installed.
    sys.modules.setdefault("rfc3987_syntax", cast(ModuleType, None))  # None: import raises ImportError
    from helpers.build.execute import declares, execute
    from helpers.output.render import export_html, print_pdf, read_template_once

    start = time.perf_counter()
    notes: list[str] = []
    name = job.town
    dates: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix=f"p{os.getpid()}-", dir=scratch_root(job.out_dir)) as scratch_dir:
        scratch = Path(scratch_dir) / f"{job.town}.ipynb"
        try:
            template = read_template_once(job.template) if job.template is not None and job.template.is_file() else None
            if job.district:
                name, parameters, data, notes = _district_inputs(job)
            else:
                report, found = check_file(job.data_file, job.namesakes)
                if template is not None:
                    found += misspelt(report, template) + misspelt_in_template(report, template, str(job.template))
                # as the index and open data name a data file: never a path of the office's machine
                name, notes = report.organ.town, [str(replace(p, file=_public(job, p.file))) for p in warnings(found)]
                dates = {"published_on": report.publication.date or "", "published": report.published,
                         "submitted_on": report.publication.submitted or ""}
                if errors(found):
                    raise DataFileError(errors(found))
                parameters = {"data_file": str(job.data_file)}
                if template is not None and declares(template, "checked"):  # the kernel need not check it again
                    parameters["checked"] = file_digest(job.data_file)
                data = dumps(report_json(report, notes))
            if template is None or job.template is None:
                raise BuildError(f"{job.data_file}：找不到模板笔记本 {job.template}")
            executed = execute(job.template, parameters, scratch, timeout=job.timeout, cwd=job.root)
            html = export_html(executed)
            # A report's files change together: every one is made in the scratch folder first, and only when all
            # are made do they replace the old ones.
            made = Path(scratch_dir) / "made"
            made.mkdir()
            scratch.replace(made / job.notebook.name)  # as papermill wrote it: not serialised and validated again
            (made / job.data.name).write_text(data, encoding="utf-8")
            (made / job.html.name).write_text(html, encoding="utf-8")
            if job.pdf:
                print_pdf(made / job.html.name, made / job.pdf_file.name, timeout=job.timeout,
                          scratch=Path(scratch_dir))
            if job.docx:
                from helpers.output.word import docx_from_page  # python-docx, only for builds asked for Word

                (made / job.docx_file.name).write_bytes(docx_from_page(html))
            for target in [job.notebook, job.data, job.html, *([job.pdf_file] if job.pdf else []),
                           *([job.docx_file] if job.docx else [])]:
                target.parent.mkdir(parents=True, exist_ok=True)
                replace_atomic(made / target.name, target)
            job.failed_notebook.unlink(missing_ok=True)
        except Exception as exc:  # every failure fails this report only, with a Chinese reason
            message = _explain(job, exc, scratch)
            if scratch.exists():
                try:
                    write_atomic(job.failed_notebook, scratch.read_text(encoding="utf-8"))
                except OSError as kept:
                    message += f"（执行记录也未能保存：{os_reason(kept)}）"
            started = isinstance(exc, DataFileError) and unfinished(exc.problems)
            return Result(job.key, "failed", time.perf_counter() - start, name, message, notes, unfinished=started,
                          **dates)
    return Result(job.key, "built", time.perf_counter() - start, name, warnings=notes, worker_rss_mb=_rss_mb(),
                  **dates)


def _public(job: Job, file: str) -> str:
    """A problem's data file as the index and open data name it."""
    return shown_in(job.root, Path(file)) if file else file


def scratch_root(out_dir: Path) -> Path:
    """Where a build's workers make their files: under ``outputs/.cache``, swept at the next start even after a
    kill -9 (each folder is named for the process that made it)."""
    folder = out_dir / ".cache" / "scratch"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sweep_scratch(out_dir: Path) -> None:
    """Remove scratch folders left by processes that are no longer running."""
    folder = out_dir / ".cache" / "scratch"
    for left in folder.glob("p*-*") if folder.is_dir() else []:
        pid = left.name[1:].partition("-")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(left, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _district_inputs(job: Job) -> tuple[str, dict[str, Any], str, list[str]]:
    """A district summary's name, notebook parameters, CSV, and a warning per town left out of it."""
    district = load_district(job.data_file, job.district, job.year)
    if not district.reports:
        reasons = "；".join(str(t) for t in district.excluded) or "该区没有本年度的数据文件"
        raise BuildError(f"{job.data_file}：{job.year} 年 {job.district} 区没有可计入汇总的数据文件（{reasons}）")
    parameters = {"data_dir": str(job.data_file), "district": job.district, "year": job.year}
    notes = [f"警告：{t}" for t in district.excluded]
    unknown = unknown_in(district)
    if unknown:
        notes.append(f"警告：{'、'.join(unknown)}的已发布报告有空白单元格，汇总中含这些单元格的合计为未知")
    return f"{district.name}汇总", parameters, district_csv(district), notes


def _rss_mb() -> float:
    """Peak resident memory of this worker process so far and of its zygote (helpers.build.warm), in MB."""
    import resource

    from helpers.build.warm import zygote_rss_mb  # jupyter_client's provisioning (0.1 s), a worker's business

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 + zygote_rss_mb()


def _explain(job: Job, exc: BaseException, executed: Path) -> str:
    """The first useful line of a failure, in Chinese; a failed cell is read from the executed notebook."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    from helpers.build.execute import failed_cell

    if isinstance(exc, XxgkError):
        return str(exc)
    if isinstance(exc, DeadKernelError):
        cell = failed_cell(executed) if executed.exists() else None
        where = f"执行代码单元格“{cell.first_line}”时" if cell is not None else "执行时"
        return f"{job.data_file}：{where}内核意外退出"
    cell = failed_cell(executed) if executed.exists() else None
    if cell is not None and isinstance(exc, PapermillExecutionError | CellTimeoutError | RuntimeError):
        if isinstance(exc, CellTimeoutError):
            return f"{job.data_file}：代码单元格“{cell.first_line}”执行超过 {job.timeout} 秒，已停止"
        if cell.error:
            return f"{job.data_file}：执行代码单元格“{cell.first_line}”时出错：{cell.error}"
        return f"{job.data_file}：执行代码单元格“{cell.first_line}”时内核意外退出"
    return f"{job.data_file}：{_reason(exc, '生成失败')}"


def _reason(exc: BaseException, otherwise: str) -> str:
    """Why something failed that is not one of ours: a file that could not be read or written, or ``otherwise``."""
    if isinstance(exc, XxgkError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"读写 {exc.filename or '文件'} 时出错（{os_reason(exc)}）"
    return f"{otherwise}（{type(exc).__name__}：{exc}）"


PRIME_AT = 8  # fewer files than this never parsed yet: the build reads them itself


def prime(paths: list[Path], executor: cf.Executor) -> None:
    """Have the workers parse, in parallel and in a few chunks each, the data files nobody has parsed yet, so that
    the build's own reading of them (its jobs, their digests and namesakes) finds them parsed and kept: on a cold
    build the calling process would otherwise parse every file alone while the workers wait."""
    if len(paths) < PRIME_AT:
        return
    chunks = max(1, min(len(paths) // 4, 4 * default_workers()))
    for future in [executor.submit(parse_all, paths[i::chunks]) for i in range(chunks)]:
        try:
            future.result()
        except Exception:  # noqa: BLE001  # a worker that died: the build reads those files itself, and says why
            continue


def parse_all(paths: list[Path]) -> None:
    """Parse and keep each file (a file with errors is left for its job to report)."""
    for path in paths:
        try:
            load_report(path)
        except XxgkError:
            continue


def run(
    jobs: list[Job],
    executor: cf.Executor,
    manifest: Manifest,
    *,
    force: bool = False,
    on_result: Callable[[Result], None] = lambda r: None,
) -> list[Result]:
    """Build what changed (everything with ``force``), reporting each result as it ends."""
    for out_dir in {job.out_dir for job in jobs}:
        sweep_scratch(out_dir)
    environment = environment_fingerprint()
    results, pending = [], {}
    # District summaries first: each takes longer than a report, and started last they would leave the other
    # workers idle at the end. Each job is handed out as soon as its digest says it must be built.
    jobs = sorted((replace(job, environment=environment) for job in jobs), key=lambda job: not job.district)
    digests: dict[str, str] = {}
    read: dict[Path, bytes] = {}
    for job in jobs:
        digests[job.key] = input_digest(job, environment, read)
        if not force and manifest.unchanged(job, digests[job.key]):
            entry = manifest.reports[job.key]
            result = Result(job.key, "unchanged", 0.0, entry.get("name", job.town), warnings=entry.get("warnings", []))
            results.append(result)
            on_result(result)
        else:
            pending[executor.submit(build_one, job)] = job
    try:
        for future in cf.as_completed(pending):
            job = pending[future]
            try:
                result = future.result()
            except Exception as exc:  # a worker that died takes only its own report down
                why = _reason(exc, "构建进程异常退出")
                result = Result(job.key, "failed", 0.0, job.town, f"{job.data_file}：{why}")
            manifest.record(job, result, digests[job.key])
            results.append(result)
            on_result(result)
    finally:
        try:
            manifest.save()
        except XxgkError:
            pass  # the caller saves again and says why it cannot
    return sorted(results, key=lambda r: (r.key.split("/")[0], r.key))


def local_executor(workers: int) -> cf.Executor:
    """A pool of worker processes; each builds many reports, one fresh kernel per report; a worker that dies
    fails only its own report."""
    from helpers.build.pool import LocalPool  # with the warm start's jupyter_client: only a build that runs reports

    return LocalPool(workers)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
