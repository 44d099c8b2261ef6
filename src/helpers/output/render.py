"""Render stage: an executed report notebook → one self-contained HTML page (our nbconvert exporter), and its PDF."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from traitlets import Bool, Unicode, default

from helpers.atomic import replace_atomic
from helpers.errors import BuildError, os_reason
from helpers.intake.load import stamp

TEMPLATES = Path(__file__).parent / "templates"
TITLE_TAIL = re.compile(r"(<h1[^>]*>[^<]*?)(政府信息公开工作年度报告(?:汇总)?)(</h1>)")


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

    def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> tuple[Any, dict[str, Any]]:
        """The page, its title kept from breaking inside “…政府信息公开工作年度报告”, so that a long title wraps
        before it rather than leaving “报告” alone on the last line."""
        body, resources = super().from_notebook_node(nb, resources, **kw)
        return TITLE_TAIL.sub(r'\1<span class="title-tail">\2</span>\3', body, count=1), resources


_read: dict[Path, tuple[tuple[int, int], Any]] = {}


def read_template_once(template: Path) -> Any:
    """``read_template``, once per process while the file is unchanged: for a build's checks, which only read
    it (every report of a batch asks for the same few templates)."""
    stamped = stamp(template)
    kept = _read.get(template)
    if kept is None or kept[0] != stamped:
        kept = _read[template] = (stamped, read_template(template))
    return kept[1]


def read_template(template: Path) -> Any:
    """A template notebook, or a Chinese BuildError saying why it is not one."""
    from nbformat.reader import NotJSONError

    try:
        return nbformat.read(str(template), as_version=4)
    except OSError as exc:
        raise BuildError(f"无法读取模板笔记本 {template}（{os_reason(exc)}）") from None
    except (NotJSONError, ValueError, KeyError, AttributeError) as exc:
        raise BuildError(f"模板 {template} 不是有效的 Jupyter 笔记本（{type(exc).__name__}）") from None




_exporters = threading.local()


def exporter() -> ReportExporter:
    """This thread's exporter for a build: made once, so that its Jinja templates are compiled once, not for
    every report (an export registers its filters on the exporter, so threads do not share one).

    nbconvert validates the whole notebook after every registered preprocessor, enabled or not; nbconvert's
    default ones do nothing to a page of ours in a build (no tags or patterns configured, no code shown), so
    this exporter registers none of them, only ours. A test compares its pages, one report after another, with
    those of a fresh ``ReportExporter`` with every default."""
    if not hasattr(_exporters, "one"):
        _exporters.one = ReportExporter(default_preprocessors=[])
    return _exporters.one


def export_html(notebook: Any) -> str:
    """The report page for an executed notebook (a NotebookNode or a path)."""
    if not isinstance(notebook, nbformat.NotebookNode):
        notebook = nbformat.read(str(notebook), as_version=4)
    body, _ = exporter().from_notebook_node(notebook)
    return body


# Headless, and no network at all: every host name resolves to nothing, and the services that would try
# (updates, components, metrics, safe browsing, translation, domain reliability …) are off.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--metrics-recording-only",
    "--no-pings",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication,CertificateTransparencyComponentUpdater,DialMediaRouteProvider,NetworkTimeServiceQuerying",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def chromium() -> str | None:
    """The Chromium to print with: $XXGK_CHROMIUM, else chromium on the PATH."""
    return os.environ.get("XXGK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def print_pdf(html: Path, pdf: Path, *, timeout: int = 120, scratch: Path | None = None) -> None:
    """Print a report page to an A4 PDF with Chromium's print-to-PDF (the page's own print CSS), in a process
    group of its own that is ended however Chromium ends (nothing of it outlives the call); the PDF is checked
    (a whole PDF with its pages) before it replaces ``pdf``. Every failure is a BuildError in Chinese."""
    browser = chromium()
    if browser is None:
        raise BuildError("生成 PDF 需要 Chromium（Debian 软件包 chromium），本机没有找到。")
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-", dir=scratch) as folder:
        target = Path(folder) / "report.pdf"
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={folder}/profile", "--no-pdf-header-footer",
                   f"--print-to-pdf={target}", html.resolve().as_uri()]
        log = Path(folder) / "chromium.log"  # a file, not a pipe: a child holding it open cannot keep us waiting
        try:
            with log.open("wb") as written:
                chrome = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=written, start_new_session=True)
        except OSError as exc:
            raise BuildError(f"{html.name}：无法启动 Chromium（{os_reason(exc)}）") from None
        try:
            chrome.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise BuildError(f"{html.name}：Chromium 打印 PDF 超过 {timeout} 秒仍未完成，已终止") from None
        finally:
            _end_group(chrome)
            chrome.wait()
        stderr = log.read_text(encoding="utf-8", errors="replace")
        if chrome.returncode != 0:
            last = " ".join(stderr.split())[-200:]
            raise BuildError(f"{html.name}：Chromium 打印 PDF 失败（退出码 {chrome.returncode}"
                             f"{'：' + last if last else '，没有说明原因'}）")
        problem = pdf_problem(target)
        if problem:
            raise BuildError(f"{html.name}：Chromium 打印出的 PDF 不完整（{problem}），未采用")
        replace_atomic(target, pdf)


def _end_group(process: subprocess.Popen) -> None:
    """End a process started in a session of its own, and everything it started (renderers, zygotes)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def pdf_problem(path: Path) -> str:
    """Why a file is not a whole PDF with pages, in Chinese; "" when it is."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"无法读取：{os_reason(exc)}"
    if not data.startswith(b"%PDF-"):
        return f"不是 PDF 文件（{len(data)} 字节）"
    if b"%%EOF" not in data[-1024:] or b"startxref" not in data[-1024:]:
        return "文件末尾不完整"
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, re.S)]
    if pages == 0:
        return "没有页面"
    if counts and max(counts) != pages:
        return f"页数不一致（记录 {max(counts)} 页，实有 {pages} 页）"
    return ""
