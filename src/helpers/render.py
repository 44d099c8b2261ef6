"""Render stage: execute a template with papermill, export the result to one self-contained HTML page."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import nbformat
import papermill
from nbconvert import HTMLExporter
from traitlets import Bool, Unicode, default

TEMPLATES = Path(__file__).parent / "templates"
KERNEL = "python3"


class ReportExporter(HTMLExporter):
    """HTML export of an executed report: placeholders filled, no code, no prompts, our template."""

    export_from_notebook = "xxgk report"
    template_name = Unicode("xxgk").tag(config=True)
    exclude_input = Bool(True).tag(config=True)
    exclude_input_prompt = Bool(True).tag(config=True)
    exclude_output_prompt = Bool(True).tag(config=True)
    embed_images = Bool(True).tag(config=True)
    exclude_anchor_links = Bool(True).tag(config=True)

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self) -> list[str]:
        return [str(TEMPLATES)]


def execute(template: Path, data_file: Path, output: Path, *, timeout: int = 120) -> Any:
    """Run ``template`` for ``data_file`` in a fresh ``python3`` kernel, writing the executed notebook."""
    return papermill.execute_notebook(
        str(template),
        str(output),
        parameters={"data_file": str(data_file)},
        kernel_name=KERNEL,
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
    )


def export_html(notebook: Any) -> str:
    """The report page for an executed notebook (a NotebookNode or a path)."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    body, _ = ReportExporter().from_notebook_node(notebook)
    return body


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` beside ``path`` and rename it into place, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
