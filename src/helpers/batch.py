"""Batch stage: find every data file, build each report, never overwrite a good report with a bad one."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from papermill.exceptions import PapermillExecutionError

from .checks import check_file, errors, warnings
from .errors import DataFileError, Problem, XxgkError
from .model import TEMPLATES
from .render import execute, export_html, write_atomic


@dataclass(frozen=True)
class Job:
    """One report to build: a town's data file for one year."""

    data_file: Path
    town: str
    year: int
    out_dir: Path

    @property
    def html(self) -> Path:
        return self.out_dir / str(self.year) / f"{self.town}.html"

    @property
    def notebook(self) -> Path:
        return self.out_dir / str(self.year) / f"{self.town}.ipynb"

    @property
    def failed_notebook(self) -> Path:
        return self.out_dir / str(self.year) / f"{self.town}.failed.ipynb"


@dataclass(frozen=True)
class Result:
    """How one job ended."""

    job: Job
    ok: bool
    seconds: float
    message: str = ""
    warnings: list[Problem] = field(default_factory=list)


def find_jobs(data_dir: Path, out_dir: Path) -> list[Job]:
    """Every ``<data_dir>/<town>/<year>.yaml``, sorted by year then town."""
    jobs = [
        Job(path, path.parent.name, int(path.stem), out_dir)
        for path in data_dir.glob("*/*.yaml")
        if path.stem.isdigit() and len(path.stem) == 4
    ]
    return sorted(jobs, key=lambda j: (j.year, j.town))


def build_one(job: Job, notebooks_dir: Path, *, timeout: int = 120) -> Result:
    """Load, execute and export one report; on failure keep the old outputs and say why."""
    start = time.perf_counter()
    found: list[Problem] = []
    try:
        report, found = check_file(job.data_file)
        if errors(found):
            raise DataFileError(errors(found))
        template = notebooks_dir / TEMPLATES[report.format]
        job.notebook.parent.mkdir(parents=True, exist_ok=True)
        scratch = job.notebook.with_name(f".{job.town}.{os.getpid()}.ipynb")
        try:
            executed = execute(template, job.data_file, scratch, timeout=timeout)
            html = export_html(executed)
        except BaseException:
            if scratch.exists():
                os.replace(scratch, job.failed_notebook)
            raise
        write_atomic(job.html, html)
        os.replace(scratch, job.notebook)
        job.failed_notebook.unlink(missing_ok=True)
    except PapermillExecutionError as exc:
        first = next((line for line in exc.source.splitlines() if line.strip()), "")
        message = f"{job.data_file}：执行第 {exc.exec_count} 个代码单元格（{first}）时出错：{exc.ename}：{exc.evalue}"
        return Result(job, False, time.perf_counter() - start, message, warnings(found))
    except XxgkError as exc:
        return Result(job, False, time.perf_counter() - start, str(exc), warnings(found))
    return Result(job, True, time.perf_counter() - start, warnings=warnings(found))


def build_all(jobs: list[Job], notebooks_dir: Path, *, timeout: int = 120) -> list[Result]:
    """Build every job in turn; one failure never stops the others."""
    return [build_one(job, notebooks_dir, timeout=timeout) for job in jobs]
