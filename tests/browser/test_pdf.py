"""xxgk build --pdf: an A4 PDF through Chromium's print-to-PDF, checked with poppler's tools."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from helpers import tables
from helpers.load import load_report
from tests.conftest import ROOT
from tests.e2e.test_build import xxgk


def test_pdf_has_pages_the_title_and_table_three(browser, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("需要 poppler-utils（pdftotext、pdfinfo）")
    shutil.copytree(ROOT / "data" / "nanhu", tmp_path / "data" / "nanhu")
    run = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--year", "2025", "--pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = tmp_path / "out" / "2025" / "nanhu.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert 3 <= pages <= 12
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "南湖街道2025年政府信息公开工作年度报告" in re.sub(r"\s+", "", text)
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    received = [str(n) for n in tables.applications_table(report).iloc[0]]
    assert any(re.search(r"\s+".join(received) + r"\s*$", line) for line in text.splitlines()), received
    assert "第 1 页，共" in text
    assert (tmp_path / "out" / "2025" / "yangli-summary.pdf").exists()


def _net_log(path) -> dict:  # noqa: ANN001
    """Chromium's net log; a log cut short at exit is closed the way Chromium would close it."""
    import json

    text = path.read_text(encoding="utf-8").rstrip()
    return json.loads(text if text.endswith("}") else text.rstrip(",") + "]}")


def test_printing_a_pdf_sends_nothing_out(browser, tmp_path):
    """Every network attempt Chromium makes while printing is recorded in its net log: no DNS query is made
    (every host name maps to nothing) and no request reaches a server."""
    logs = tmp_path / "logs"
    logs.mkdir()
    wrapper = tmp_path / "chromium"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{shutil.which("chromium") or "/usr/bin/chromium"}" '
        f'--log-net-log="{logs}/net-$$.json" --net-log-capture-mode=Everything "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    shutil.copytree(ROOT / "data" / "daxin", tmp_path / "data" / "daxin")
    env = {**__import__("os").environ, "XXGK_CHROMIUM": str(wrapper)}
    run = subprocess.run(
        [str(ROOT / ".venv/bin/xxgk"), "build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"),
         "--pdf"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out/2018/daxin.pdf").exists()
    files = list(logs.glob("net-*.json"))
    assert len(files) == 2  # the report and the district summary
    for file in files:
        log = _net_log(file)
        names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        events = [(names[e["type"]], e.get("phase"), e.get("params", {})) for e in log["events"]]
        kinds = {kind for kind, _, _ in events}
        assert not {k for k in kinds if k.startswith(("DNS_TRANSACTION", "HOST_RESOLVER_DNS_TASK"))}, kinds
        assert "HOST_RESOLVER_SYSTEM_TASK" not in kinds and "HTTP_TRANSACTION_READ_HEADERS" not in kinds
        asked = [p["host"] for k, phase, p in events if k == "HOST_RESOLVER_MANAGER_REQUEST" and "host" in p]
        assert all("~notfound" in host for host in asked), asked
        answers = [p.get("net_error") for k, phase, p in events if k == "HOST_RESOLVER_MANAGER_REQUEST" and phase == 2]
        assert all(code == -105 for code in answers), answers  # ERR_NAME_NOT_RESOLVED, without asking anyone
