"""xxgk preview in Chromium: a save rebuilds the report and the page reloads itself; a broken save shows the
Chinese error instead of a stale report; the server stops cleanly and leaves nothing behind."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.browser.conftest import ARTIFACTS
from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _scratch_dirs() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("xxgk-preview-*")}


def test_preview_rebuilds_on_save_and_reloads_the_page_by_itself(browser, tmp_path):
    project = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    data_file = project / "data" / "nanhu" / "2025.yaml"
    original = data_file.read_text(encoding="utf-8")
    port, log = _free_port(), tmp_path / "preview.log"
    before = _scratch_dirs()
    with log.open("w") as out:
        proc = subprocess.Popen([str(BIN / "xxgk"), "preview", "nanhu", "2025", "--no-browser", "--port", str(port)],
                                stdout=out, stderr=subprocess.STDOUT, cwd=project)
    try:
        deadline = time.monotonic() + 120
        while "预览地址" not in log.read_text(encoding="utf-8"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.2)
        assert f"http://127.0.0.1:{port}/" in log.read_text(encoding="utf-8")
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/")
        assert "组织政务公开业务培训14次" in page.inner_text("main")
        page.evaluate("window.__notReloaded = true")

        data_file.write_text(original.replace("培训14次", "培训15次"), encoding="utf-8")
        saved = time.monotonic()
        page.wait_for_function("document.body.innerText.includes('组织政务公开业务培训15次')", timeout=60_000)
        print(f"保存到页面刷新：{time.monotonic() - saved:.2f} 秒")
        assert page.evaluate("window.__notReloaded") is None  # the page reloaded itself
        page.screenshot(path=str(ARTIFACTS / "preview-report.png"))

        broken = original.replace("  phone: ", "  phone：", 1)
        data_file.write_text(broken, encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('全角冒号')", timeout=60_000)
        text = page.inner_text("body")
        assert "第 18 行" in text and "无法生成报告" in text and "培训15次" not in text  # no stale report
        page.screenshot(path=str(ARTIFACTS / "preview-error.png"))

        data_file.write_text(original, encoding="utf-8")
        page.wait_for_function("document.body.innerText.includes('组织政务公开业务培训14次')", timeout=60_000)
        page.close()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, log.read_text(encoding="utf-8")
    assert "预览已停止" in log.read_text(encoding="utf-8") and "Traceback" not in log.read_text(encoding="utf-8")
    assert _scratch_dirs() <= before  # its private build folder is gone
    assert not (project / "outputs" / "2025").exists()  # the published outputs were never touched
