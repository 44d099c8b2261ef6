"""Real headless Chromium (Debian's), driven by Playwright; never a browser download.

Without Chromium, Playwright or axe-core these tests skip and say why;
XXGK_REQUIRE_TOOLS=1 (set by .ci/run) turns that skip into a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.intake.load import write_district
from helpers.output.render import CHROMIUM_FLAGS
from helpers.report import demo
from tests.conftest import ROOT
from tests.e2e.test_build import xxgk

CHROMIUM = os.environ.get("XXGK_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]  # Playwright adds its own headless mode
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "[link](javascript:window.__pwned=1)",
    "<style>body{display:none}</style>",
]


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"没有找到 Chromium（{CHROMIUM}；Debian 软件包 chromium）"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "没有安装 Python 包 playwright"
    if not AXE.exists():
        return "没有 axe-core（在项目目录运行 npm ci）"
    return None


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the whole session."""
    reason = missing()
    if reason:
        if os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
            pytest.fail(f"XXGK_REQUIRE_TOOLS=1，但{reason}")
        pytest.skip(f"跳过浏览器测试：{reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


def hostile_data(base: Path) -> None:
    """A 2021-format town whose every text field holds hostile strings, and a long unbroken line."""
    data = demo.district_data([demo.DemoTown("hostile", "恶意镇")], [2025], seed=13)[("hostile", 2025)]
    attack = "".join(HOSTILE)
    for key in ("town", "district", "city"):
        data["organ"][key] = f"恶意{attack}"
    for key in ("site", "column", "filed_with"):
        data["publication"][key] = attack
    for key in ("office", "phone", "email_name", "email"):
        data["contact"][key] = attack
    lines = "\n\n".join(HOSTILE + ["长" * 50_000])
    data["prose"] = {key: f"{lines}\n" for key in data["prose"]}
    data["organ"]["district_slug"] = "evil"
    write_district(base, {("hostile", 2025): data})


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """Every kind of page: a legacy, a 2019 and a 2021 report, a district summary, the index,
    a hostile report and a failed one (for the index's status filter)."""
    base = tmp_path_factory.mktemp("site")
    for town in ("daxin", "nanhu", "baihe"):
        shutil.copytree(ROOT / "data" / town, base / "data" / town)
    hostile_data(base / "data")
    broken = base / "data" / "broken" / "2025.yaml"
    broken.parent.mkdir()
    text = (ROOT / "data" / "xicheng" / "2025.yaml").read_text(encoding="utf-8")
    broken.write_text(
        text.replace("slug: xicheng", "slug: broken").replace("received: {natural: ", "received: {natural: 9"),
        encoding="utf-8",
    )
    run = xxgk("build", "--data", str(base / "data"), "--out", str(base / "outputs"), "-j", "2")
    assert run.returncode == 1, run.stdout + run.stderr  # only the broken town fails
    assert "失败 1 份" in run.stdout, run.stdout
    return base / "outputs"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
