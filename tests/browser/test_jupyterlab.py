"""JupyterLab, the editors' tool: open the national template, run every cell through the UI, see the tables."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(url: str, proc: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"JupyterLab exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"JupyterLab did not answer in {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def _dismiss_dialogs(page) -> None:  # noqa: ANN001
    """Answer JupyterLab's own prompts (kernel choice and the like) with their default button, and say so."""
    for _ in range(3):
        dialog = page.locator("dialog.jp-Dialog")
        if not dialog.count():
            return
        print("JupyterLab dialog:", dialog.first.inner_text()[:300])
        page.keyboard.press("Enter")
        page.wait_for_timeout(500)


def test_lab_opens_the_template_and_runs_every_cell(browser, tmp_path):
    # A copy of the project, so that Lab's autosave never writes outputs into the committed template.
    project = tmp_path / "project"
    make_project(project)
    shutil.copytree(ROOT / "data" / "dongcheng", project / "data" / "dongcheng")
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    env = {
        **__import__("os").environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                str(BIN / "jupyter"),
                "lab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={token}",
                f"--ServerApp.root_dir={project}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                "--allow-root",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=project,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/api/status?token={token}", proc, log)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        page = context.new_page()
        page.goto(f"{base}/lab/tree/notebooks/annual_report.ipynb?token={token}")
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        # The kernel shows "idle" a moment before its websocket is ready: run the parameters cell until it runs.
        for _ in range(10):
            _dismiss_dialogs(page)
            page.click(".jp-Notebook .jp-CodeCell >> nth=0")
            page.keyboard.press("Escape")
            page.keyboard.press("Control+Enter")
            try:
                page.wait_for_selector(".jp-CodeCell >> nth=0 >> .jp-InputPrompt:has-text('[1]')", timeout=10_000)
                break
            except Exception:  # noqa: BLE001 - playwright's TimeoutError; try again
                continue
        _dismiss_dialogs(page)
        page.click(".lm-MenuBar-item:has-text('Run')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        page.wait_for_selector(".jp-OutputArea-output table.xxgk-table", timeout=120_000)
        page.wait_for_function(
            "document.querySelectorAll('.jp-OutputArea-output table.xxgk-table').length >= 6", timeout=120_000
        )
        text = page.inner_text(".jp-NotebookPanel")
        assert "三、收到和处理政府信息公开申请情况" in text and "一、本年新收政府信息公开申请数量" in text
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
        context.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
