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
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from . import formats
from .atomic import write_atomic
from .checks import check_file, errors, warnings
from .district import towns as district_towns
from .errors import BuildError, DataFileError, Problem, XxgkError
from .load import load_report, load_typed, year_files_of_town
from .model import SLUG, SLUG_RULE
from .project import DISTRICT_TEMPLATE, Outputs, Project, summary_stem

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
    for found in project.year_files():
        if (years and found.year not in years) or (towns and found.town not in towns):
            continue
        chosen = template or _template_for(found.path, project)
        job = Job(found.path, found.town, found.year, project.outputs, chosen, timeout, pdf=pdf, root=project.root)
        jobs.append(job)
    summaries = []
    for slug, members in district_towns(project.data).items() if districts else ():
        if towns and not towns & {t.slug for t in members}:
            continue
        for year in sorted({y for town in members for y in town.files}):
            if not years or year in years:
                summary = project.template(DISTRICT_TEMPLATE)
                stem, out = summary_stem(slug), project.outputs
                summaries.append(Job(project.data, stem, year, out, summary, timeout, slug, pdf, project.root))
    return sorted(jobs, key=lambda j: (j.year, j.town)) + sorted(summaries, key=lambda j: (j.year, j.town))


def _template_for(data_file: Path, project: Project) -> Path | None:
    """The template of the file's format; None lets the build report why the file cannot be read."""
    try:
        return project.template(formats.of(load_report(data_file)).template)
    except XxgkError:
        return None


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def environment_fingerprint() -> str:
    """The project's own code and templates, and the versions of the libraries a report runs on."""
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    versions = [f"{lib}=={metadata.version(lib)}" for lib in LIBRARIES]
    return _digest(
        sys.version.encode(),
        " ".join(versions).encode(),
        *(p.relative_to(package).as_posix().encode() + b"\0" + p.read_bytes() for p in files),
    )


def input_digest(job: Job, environment: str) -> str:
    """Everything a report depends on: its data file and the town's earlier years (carry-over checks,
    year-over-year figures, trend chart), its template, and the environment. A district summary
    depends on every file of every town of the district (a town missing this year is listed)."""
    if job.district:
        members = district_towns(job.data_file).get(job.district, [])
        inputs = sorted(path for town in members for path in town.files.values())
    else:
        inputs = [job.data_file] + [f.path for f in year_files_of_town(job.data_file.parent) if f.year < job.year]
    return _digest(
        environment.encode(),
        *(p.as_posix().encode() + b"\0" + p.read_bytes() for p in inputs),
        job.template.read_bytes() if job.template and job.template.exists() else b"-",
    )


class Manifest:
    """``outputs/manifest.json``: per report, the digest of its inputs and how its last build ended."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        try:
            self.reports: dict[str, dict] = json.loads(self.path.read_text(encoding="utf-8"))["reports"]
        except (FileNotFoundError, ValueError, KeyError):
            self.reports = {}

    def unchanged(self, job: Job, digest: str) -> bool:
        entry = self.reports.get(job.key, {})
        outputs = job.html.exists() and (not job.pdf or job.pdf_file.exists())
        return entry.get("inputs") == digest and entry.get("status") != "failed" and outputs

    def record(self, job: Job, result: Result, digest: str) -> None:
        entry = asdict(result)
        entry.update(
            inputs=digest if result.ok else None,
            data_file=str(job.data_file),
            year=job.year,
            town=job.town,
            district=job.district,
        )
        self.reports[job.key] = entry

    def save(self) -> None:
        text = json.dumps({"version": 1, "reports": self.reports}, ensure_ascii=False, indent=1, sort_keys=True)
        write_atomic(self.path, text + "\n")


def build_one(job: Job) -> Result:
    """Check, execute and export one report; on any failure keep the old outputs and say why."""
    import nbformat

    from .opendata import dumps, report_json
    from .render import execute, export_html, print_pdf

    start = time.perf_counter()
    notes: list[str] = []
    name = job.town
    with tempfile.TemporaryDirectory(prefix="xxgk-build-") as scratch_dir:
        scratch = Path(scratch_dir) / f"{job.town}.ipynb"
        try:
            if job.district:
                name, parameters, data, notes = _district_inputs(job)
            else:
                report, found = check_file(job.data_file)
                name, notes = report.organ.town, [str(p) for p in warnings(found)]
                if errors(found):
                    raise DataFileError(errors(found))
                parameters, data = {"data_file": str(job.data_file)}, dumps(report_json(report))
            if job.template is None or not job.template.is_file():
                raise BuildError(f"{job.data_file}：找不到模板笔记本 {job.template}")
            executed = execute(job.template, parameters, scratch, timeout=job.timeout, cwd=job.root)
            html = export_html(executed)
            write_atomic(job.notebook, nbformat.writes(executed))
            write_atomic(job.data, data)
            write_atomic(job.html, html)
            if job.pdf:
                print_pdf(job.html, job.pdf_file)
            job.failed_notebook.unlink(missing_ok=True)
        except Exception as exc:  # every failure fails this report only, with a Chinese reason
            if scratch.exists():
                write_atomic(job.failed_notebook, scratch.read_text(encoding="utf-8"))
            message = _explain(job, exc, scratch)
            return Result(job.key, "failed", time.perf_counter() - start, name, message, notes)
    return Result(job.key, "built", time.perf_counter() - start, name, warnings=notes, worker_rss_mb=_rss_mb())


def _district_inputs(job: Job) -> tuple[str, dict[str, Any], str, list[str]]:
    """A district summary's name, notebook parameters, CSV, and a warning per town left out of it."""
    from .district import load_district
    from .opendata import district_csv

    district = load_district(job.data_file, job.district, job.year)
    if not district.reports:
        reasons = "；".join(str(t) for t in district.excluded) or "该区没有本年度的数据文件"
        raise BuildError(f"{job.data_file}：{job.year} 年 {job.district} 区没有可计入汇总的数据文件（{reasons}）")
    parameters = {"data_dir": str(job.data_file), "district": job.district, "year": job.year}
    notes = [f"警告：{t}" for t in district.excluded]
    return f"{district.name}汇总", parameters, district_csv(district), notes


def _rss_mb() -> float:
    """Peak resident memory of this worker process so far, in MB (Linux reports KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _explain(job: Job, exc: BaseException, executed: Path) -> str:
    """The first useful line of a failure, in Chinese; a failed cell is read from the executed notebook."""
    from nbclient.exceptions import CellTimeoutError
    from papermill.exceptions import PapermillExecutionError

    from .render import failed_cell

    if isinstance(exc, XxgkError):
        return str(exc)
    cell = failed_cell(executed) if executed.exists() else None
    if cell is not None and isinstance(exc, PapermillExecutionError | CellTimeoutError | RuntimeError):
        if isinstance(exc, CellTimeoutError):
            return f"{job.data_file}：代码单元格“{cell.first_line}”执行超过 {job.timeout} 秒，已停止"
        if cell.error:
            return f"{job.data_file}：执行代码单元格“{cell.first_line}”时出错：{cell.error}"
        return f"{job.data_file}：执行代码单元格“{cell.first_line}”时内核意外退出"
    if isinstance(exc, OSError):
        return f"{job.data_file}：读写文件出错（{exc.strerror or exc}：{exc.filename or ''}）"
    return f"{job.data_file}：生成失败（{type(exc).__name__}：{exc}）"


def run(
    jobs: list[Job],
    executor: cf.Executor,
    manifest: Manifest,
    *,
    force: bool = False,
    on_result: Callable[[Result], None] = lambda r: None,
) -> list[Result]:
    """Build what changed (everything with ``force``), reporting each result as it ends."""
    environment = environment_fingerprint()
    results, pending = [], {}
    digests = {job.key: input_digest(job, environment) for job in jobs}
    for job in jobs:
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
                result = Result(job.key, "failed", 0.0, job.town, f"{job.data_file}：构建进程异常退出（{exc!r}）")
            manifest.record(job, result, digests[job.key])
            results.append(result)
            on_result(result)
    finally:
        manifest.save()
    return sorted(results, key=lambda r: (r.key.split("/")[0], r.key))


def local_executor(workers: int) -> cf.Executor:
    """A pool of worker processes; each builds many reports, one fresh kernel per report."""
    import multiprocessing

    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
