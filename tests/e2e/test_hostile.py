"""Faults and planted files in a real build: a planted parse-cache entry is never published, and a PDF that
Chromium fails to make (crashed, truncated, hung) leaves the report's old files all in place, with a Chinese
reason and nothing of Chromium left running."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.intake import load, parsed
from tests.conftest import ROOT, make_project

BIN = Path(sys.executable).parent


def _build(base: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), "build", *args], cwd=base, capture_output=True, text=True,
                          timeout=900, env={**os.environ, **env})


def test_a_planted_cache_entry_is_ignored_and_the_data_file_published(tmp_path, monkeypatch):
    base = make_project(tmp_path / "project")
    monkeypatch.chdir(base)  # the entry's name is the build's: the file as shown from the project folder
    shutil.copytree(ROOT / "data" / "nanhu", base / "data" / "nanhu")
    path = base / "data" / "nanhu" / "2025.yaml"
    text = path.read_text(encoding="utf-8")
    real = load.parse_report(text, load.display_path(path), path)
    hostile = parsed._plain(real)
    hostile["publication"]["url"] = "javascript:alert(1)"
    hostile["active"]["licensing"]["decisions"] = -1000
    hostile["organ"]["district_slug"] = "../../../../../escaped"
    os.environ[parsed.FOLDER] = str(base / "outputs" / ".cache" / "parsed")
    try:
        place = parsed._place(text, load.display_path(path), path)
    finally:
        del os.environ[parsed.FOLDER]
    place.parent.mkdir(parents=True)
    place.write_text(json.dumps(hostile, ensure_ascii=False), encoding="utf-8")
    run = _build(base, "--year", "2025", XXGK_CACHE_KEY=str(tmp_path / "key"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "未通过校验" in run.stderr and "Traceback" not in run.stderr
    page = (base / "outputs" / "2025" / "nanhu.html").read_text(encoding="utf-8")
    assert "javascript:" not in page and "-1000" not in page and real.publication.url in page
    assert "-1000" not in (base / "outputs" / "2025" / "yangli.csv").read_text(encoding="utf-8")
    assert not list(tmp_path.rglob("escaped*")), "nothing written outside outputs/"


FAKE = """#!/bin/sh
# A Chromium that misbehaves as told by $FAKE_CHROMIUM, with a child that must not outlive it.
sleep 600 &
for arg in "$@"; do case "$arg" in --print-to-pdf=*) out="${arg#--print-to-pdf=}";; esac; done
case "$FAKE_CHROMIUM" in
  crash) exit 1 ;;
  tiny) printf '%%PDF-1.4 broken' > "$out"; exit 0 ;;
  hang) sleep 600 ;;
esac
"""


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """A project built once with --pdf --docx by the real Chromium: the good files every fault must keep."""
    if not shutil.which("chromium"):
        pytest.skip("没有 Chromium") if os.environ.get("XXGK_REQUIRE_TOOLS") != "1" else pytest.fail("没有 Chromium")
    base = make_project(tmp_path_factory.mktemp("pdf") / "project")
    shutil.copytree(ROOT / "data" / "nanhu", base / "data" / "nanhu")
    run = _build(base, "--year", "2025", "--town", "nanhu", "--pdf", "--docx")
    assert run.returncode == 0, run.stdout + run.stderr
    return base


@pytest.mark.parametrize(("fault", "reason"), [
    ("crash", "Chromium 打印 PDF 失败（退出码 1，没有说明原因）"),
    ("tiny", "Chromium 打印出的 PDF 不完整"),
    ("hang", "Chromium 打印 PDF 超过 5 秒仍未完成，已终止"),
])
def test_a_failed_pdf_keeps_every_file_of_the_report_as_it_was(printed, tmp_path, fault, reason):
    fake = tmp_path / "chromium"
    fake.write_text(FAKE, encoding="utf-8")
    fake.chmod(0o755)
    outputs = printed / "outputs" / "2025"
    kept = {p.name: p.read_bytes() for p in outputs.glob("nanhu.*") if not p.name.endswith(".failed.ipynb")}
    assert {"nanhu.html", "nanhu.json", "nanhu.ipynb", "nanhu.pdf", "nanhu.docx"} <= set(kept)
    data = printed / "data" / "nanhu" / "2025.yaml"
    original = data.read_text(encoding="utf-8")
    data.write_text(original.replace("licensing: {decisions: 183}", "licensing: {decisions: 184}"), encoding="utf-8")
    try:
        started = time.monotonic()
        run = _build(printed, "--year", "2025", "--town", "nanhu", "--pdf", "--docx", "--timeout", "5",
                     XXGK_CHROMIUM=str(fake), FAKE_CHROMIUM=fault)
        assert run.returncode == 1 and reason in run.stdout, run.stdout + run.stderr
        assert time.monotonic() - started < 300
        assert {p.name: p.read_bytes() for p in outputs.glob("nanhu.*") if p.name in kept} == kept
        leftover = subprocess.run(["pgrep", "-f", "sleep 600"], capture_output=True, text=True).stdout.split()
        assert leftover == [], "nothing of Chromium outlives the build"
        again = _build(printed, "--year", "2025", "--town", "nanhu", "--pdf", "--docx", XXGK_CHROMIUM=str(fake),
                       FAKE_CHROMIUM=fault, )
        assert "失败    2025/nanhu" in again.stdout  # a failed report is built again, never taken as done
    finally:
        data.write_text(original, encoding="utf-8")


def test_an_unreachable_scheduler_is_said_in_chinese_within_its_timeout(tmp_path):
    pytest.importorskip("dask.distributed")
    base = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", base / "data" / "nanhu")
    started = time.monotonic()
    run = _build(base, "--year", "2025", "--scheduler", "tcp://127.0.0.1:9")
    assert run.returncode != 0 and "无法连接 Dask 调度器 tcp://127.0.0.1:9（10 秒内没有回应" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr and time.monotonic() - started < 60
