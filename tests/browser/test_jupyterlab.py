"""JupyterLab, the clerks' tool, driven in Chromium: ``xxgk edit`` opens a town's report as a notebook in a
Chinese Lab; its narrative is edited in a Markdown cell, saved into the data file, shown filled after Run All,
and published by ``xxgk build``; opening, running and saving the template rebuilds nothing."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.browser.conftest import ARTIFACTS
from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent
EDITED = "{{ organ.town }}在{{ year }}年修改了这一段：便民查阅点全年开放。"
PUBLISHED = "南湖街道在2025年修改了这一段：便民查阅点全年开放。"
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"  # the notebook in the tab that is shown
TABLES = f"document.querySelectorAll('{PANEL} .jp-OutputArea-output table.xxgk-table').length >= 6"
GRIDS = f"document.querySelectorAll('{PANEL} .jp-OutputArea-output .xxgk-grid').length >= 6"  # the editing view's


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


def _run_all(page, done: str) -> None:  # noqa: ANN001
    """运行 → 运行所有单元格, until ``done`` (a JavaScript condition) holds: the kernel reports idle a moment
    before its websocket takes requests, so a first Run All may be lost."""
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
    for _ in range(6):
        _dismiss_dialogs(page)
        page.click(".lm-MenuBar-item:has-text('运行')")
        page.click(".lm-Menu-item[data-command='runmenu:run-all']")
        try:
            page.wait_for_function(done, timeout=30_000)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; run again
            continue
    raise AssertionError("运行所有单元格之后，页面没有出现预期的结果")


def _save(page) -> None:  # noqa: ANN001
    page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    _dismiss_dialogs(page)


def _wait_for(page, condition, what: str, seconds: float = 30) -> None:  # noqa: ANN001
    """Wait for a condition outside the browser, letting Playwright run meanwhile (its request routing runs in
    this process: a plain sleep here would hold every request of the page)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{seconds} 秒内没有{what}")
        page.wait_for_timeout(200)


def _build(project: Path) -> str:
    run = subprocess.run([str(BIN / "xxgk"), "build", "-j", "2"], cwd=project, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    return run.stdout


@contextlib.contextmanager
def lab_page(browser, project: Path, tmp_path: Path, town: str, year: str) -> Iterator[tuple[Any, str, str, Path]]:  # noqa: ANN001
    """``xxgk edit <town> <year>`` in the project, and a Chromium page (only the Lab server reachable) on where the
    browser it would open lands: the page, the server's address and token, and the file its output goes to."""
    port, token = _free_port(), secrets.token_hex(16)
    log = tmp_path / "lab.log"
    env = {
        **os.environ,
        "JUPYTER_TOKEN": token,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(BIN / "xxgk"), "edit", town, year, "--no-browser", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=project,
        )
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/api/status?token={token}", proc, log)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort())
        page = context.new_page()
        page.goto(f"{base}/?token={token}")  # where the browser xxgk edit opens lands: the notebook, not a launcher
        page.wait_for_selector(".jp-NotebookPanel .jp-MarkdownCell", timeout=120_000)
        yield page, base, token, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_clerk_edits_the_narrative_in_lab_and_the_build_publishes_it(browser, tmp_path):
    project = make_project(tmp_path / "project")
    for town in ("nanhu", "dongcheng"):
        shutil.copytree(ROOT / "data" / town, project / "data" / town)
    data_file = project / "data" / "nanhu" / "2025.yaml"
    with lab_page(browser, project, tmp_path, "南湖街道", "2025") as (page, base, token, log):
        assert page.url.split("?")[0] == f"{base}/lab/tree/data/nanhu/2025.ipynb", page.url

        # Lab speaks Chinese and asks nothing about news.
        menus = page.inner_text(".lm-MenuBar-content")
        assert "文件" in menus and "运行" in menus, menus
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        page.wait_for_timeout(2000)
        assert "news" not in page.inner_text("body").lower() and "新闻" not in page.inner_text("body")
        # Opened and not edited (its kernel started): nothing to save, so closing it asks nothing.
        assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0
        # The guide names the menu item as Lab shows it.
        page.click(".lm-MenuBar-item:has-text('运行')")
        run_all = page.inner_text(".lm-Menu-item[data-command='runmenu:run-all'] .lm-Menu-itemLabel").strip()
        page.keyboard.press("Escape")
        assert f"“运行”菜单中的“{run_all}”" in page.inner_text(f"{PANEL} .jp-MarkdownCell >> nth=0"), run_all
        page.screenshot(path=str(ARTIFACTS / "lab-edit-before-run.png"))

        # A clerk's view: no code, from the start.
        assert page.locator(f"{PANEL} .jp-CodeCell .jp-Cell-inputWrapper:visible").count() == 0

        # The 概述 is an ordinary Markdown cell: edit it, render it, save.
        overview = page.locator(".jp-MarkdownCell", has_text="认真贯彻落实").first
        overview.dblclick()
        editor = overview.locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(EDITED)
        page.keyboard.press("Shift+Enter")
        page.screenshot(path=str(ARTIFACTS / "lab-edit-typed.png"))
        _save(page)
        _wait_for(page, lambda: EDITED in data_file.read_text(encoding="utf-8"), "把修改写回数据文件")
        text = data_file.read_text(encoding="utf-8")
        assert f"  overview: |\n    {EDITED}\n" in text and "认真贯彻落实" not in text.split("overview:")[1].split(
            "problems:")[0]
        assert text.replace(f"    {EDITED}\n", "") != text and "active:\n  rules: {issued: 0" in text

        # Run All: every placeholder shows its value, the tables look as on the page.
        _run_all(page, f"document.querySelector('{PANEL}').innerText.includes({PUBLISHED!r}) && {GRIDS}")
        page.locator(f"{PANEL} .jp-MarkdownCell", has_text="修改了这一段").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-edit-after-run.png"))
        outputs = page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts()
        shown = "\n".join(outputs)
        assert PUBLISHED in shown and "统计期限自2025年1月1日起至2025年12月31日止" in shown
        # Each paragraph shown once, filled; the cell with the placeholders is one line to double-click.
        visible = page.inner_text(PANEL)
        assert visible.count(PUBLISHED) == 1 and EDITED not in visible, visible[:2000]
        hint = page.evaluate(f"""getComputedStyle([...document.querySelectorAll('{PANEL} .jp-MarkdownCell')]
            .find(c => c.textContent.includes('修改了这一段')).querySelector('.jp-RenderedMarkdown'),
            '::before').content""")
        assert "双击这里修改这一段" in hint, hint
        assert "{{" not in shown, [o for o in outputs if "{{" in o][:3]
        # Each table a grid of the form's labels, this year's figures in its cells.
        received = page.locator(f"{PANEL} .xxgk-cell input[title='表三“一、本年新收政府信息公开申请数量”行“自然人”列']")
        assert received.input_value() != ""
        assert page.locator(f"{PANEL} .jp-CodeCell .jp-Cell-inputWrapper:visible").count() == 0  # still no code
        label = f"document.querySelector('{PANEL} .xxgk-grid-row .widget-html-content')"
        align = page.evaluate(f"getComputedStyle({label}).textAlign")
        assert align == "left"  # row labels read from the left, as on the page
        notebook = f"document.querySelector('{PANEL} .jp-WindowedPanel-outer, {PANEL} .jp-Notebook')"
        widths = page.evaluate(f"""[...document.querySelectorAll('{PANEL} .xxgk-grid')].map(t => [
            t.innerText.slice(0, 20), t.getBoundingClientRect().right,
            {notebook}.getBoundingClientRect().right])""")
        assert all(right <= edge + 1 for _, right, edge in widths), widths  # every table within the notebook
        assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0

        # The published page has the clerk's sentence, filled.
        out = _build(project)
        html = (project / "outputs" / "2025" / "nanhu.html").read_text(encoding="utf-8")
        assert PUBLISHED in html, out

        # Opening, running and saving the template in Lab changes what it holds, not what it means.
        template = project / "notebooks" / "annual_report.ipynb"
        before = template.read_bytes()
        page.goto(f"{base}/lab/tree/notebooks/annual_report.ipynb?reset&token={token}")
        page.wait_for_selector(f"{PANEL} .jp-CodeCell", timeout=120_000)
        page.wait_for_function(f"(p => p && p.innerText.includes('data_file') && !p.innerText.includes('编辑视图'))"
                               f"(document.querySelector('{PANEL}'))", timeout=60_000)
        _run_all(page, TABLES)
        text = page.inner_text(PANEL)
        assert "三、收到和处理政府信息公开申请情况" in text and "一、本年新收政府信息公开申请数量" in text
        _save(page)
        _wait_for(page, lambda: b"xxgk-table" in template.read_bytes(), "保存模板（连同 Lab 的输出）")
        assert template.read_bytes() != before
        again = _build(project)
        assert "生成 0 份" in again, again

        # Next year's file, its counts not yet filled: the view opens, and Run All says why in Chinese.
        started = subprocess.run([str(BIN / "xxgk"), "new-year", "2026", "--town", "nanhu"], cwd=project,
                                 capture_output=True, text=True, timeout=120)
        assert started.returncode == 0, started.stdout + started.stderr
        page.goto(f"{base}/lab/tree/data/nanhu/2026.ipynb?reset&token={token}")
        page.wait_for_function(f"(p => p && p.innerText.includes('【草稿：沿用2025年度报告原文'))"
                               f"(document.querySelector('{PANEL}'))", timeout=60_000)
        _run_all(page, f"document.querySelector('{PANEL}').innerText.includes('尚未填写：') && {GRIDS}")
        text = page.inner_text(PANEL)
        assert "Traceback" not in text and "DataFileError" not in text and "空白（尚未填写）" not in text
        page.locator(f"{PANEL} .xxgk-grid-summary").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-new-year.png"))
        page.context.close()
        said = log.read_text(encoding="utf-8", errors="replace")
        assert said.startswith("在 JupyterLab 中打开 data/nanhu/2025.ipynb") and "按 Ctrl+C 停止" in said, said
        english = [line for line in said.splitlines() if line.startswith(("[I ", "[E ")) or "without encryption" in line
                   or "websocket_ping" in line]
        assert english == [], english  # Jupyter's own lines: warnings and errors only
