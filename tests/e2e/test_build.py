"""Whole builds: real papermill, real kernels, real nbconvert, on a copy of the project's data."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, ROOT, visible_text

REFERENCE = FIXTURES / "daxin-2018-report.txt"  # copy of shared/reference, the published seed
BIN = Path(sys.executable).parent


def xxgk(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    """The seed report built by ``xxgk build`` from a copy of data/daxin."""
    base = tmp_path_factory.mktemp("seed")
    shutil.copytree(ROOT / "data" / "daxin", base / "data" / "daxin")
    run = xxgk("build", "--data", str(base / "data"), "--out", str(base / "outputs"))
    assert run.returncode == 0, run.stdout + run.stderr
    return base, run


@pytest.fixture(scope="module")
def seed_html(seed_build) -> str:
    return (seed_build[0] / "outputs" / "2018" / "daxin.html").read_text(encoding="utf-8")


def reference_sentences() -> list[str]:
    text = REFERENCE.read_text(encoding="utf-8")
    sentences = []
    for line in text.splitlines():
        sentences += [s + "。" if not s.endswith("：") else s for s in line.split("。") if s.strip()]
    return [re.sub(r"\s+", "", s) for s in sentences]


def test_build_writes_both_outputs(seed_build):
    base, run = seed_build
    assert (base / "outputs/2018/daxin.html").stat().st_size > 0
    assert (base / "outputs/2018/daxin.ipynb").stat().st_size > 0
    assert "2018/daxin" in run.stdout and "失败 0 份" in run.stdout


def test_golden_every_reference_sentence_is_in_the_page(seed_html):
    text = visible_text(seed_html)
    parts = re.findall(r"<h2[^>]*>(.*?)</h2>", seed_html)
    assert len(parts) == 10
    missing = []
    for sentence in reference_sentences():
        expected = sentence.replace("等12个部分组成", f"等{len(parts)}个部分组成")
        if expected.rstrip("。") not in text:
            missing.append(sentence)
    assert not missing, missing
    assert "等10个部分组成" in text


def test_every_figure_is_in_a_table(seed_html):
    cells = re.findall(r'<td class="num"\s*>(\d+)</td>', seed_html)
    for figure in ["28", "1", "41", "5", "318", "294", "3", "15", "6", "10", "0"]:
        assert figure in cells, figure
    assert re.search(r'<th[^>]*scope="row"[^>]*>合计</th><td class="num"\s*>318</td>', seed_html)
    assert "附表" in visible_text(seed_html)


def test_page_is_chinese_titled_and_self_contained(seed_html):
    assert '<html lang="zh-CN">' in seed_html
    assert "<title>青岛市即墨区大信镇2018年政府信息公开工作年度报告</title>" in seed_html
    assert "<script" not in seed_html
    assert len(seed_html.encode("utf-8")) < 150_000
    external = re.findall(r"""(?:src|href)\s*=\s*["']?(https?://[^"'\s>]+)""", seed_html)
    assert external == ["http://www.jimo.gov.cn/n28356062/n6050/index.html"]
    assert not re.search(r"@import|url\(\s*['\"]?https?:", seed_html)


def test_no_code_or_prompts_in_the_page(seed_html):
    assert "open_report" not in seed_html and "show_prose" not in seed_html
    assert "In&nbsp;[" not in seed_html and "{{" not in seed_html


def test_standard_tools_work_on_their_own(tmp_path):
    executed = tmp_path / "x.ipynb"
    run = subprocess.run(
        [
            str(BIN / "papermill"),
            "notebooks/annual_report_2008.ipynb",
            str(executed),
            "-p",
            "data_file",
            "data/daxin/2018.yaml",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    run = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    assert "318" in (tmp_path / "x.html").read_text(encoding="utf-8")


def _project_copy(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "daxin", data / "daxin")
    return data, tmp_path / "outputs"


def test_failing_rebuild_leaves_the_good_report_untouched(tmp_path):
    data, out = _project_copy(tmp_path)
    assert xxgk("build", "--data", str(data), "--out", str(out)).returncode == 0
    html = out / "2018" / "daxin.html"
    good = html.read_bytes()

    data_file = data / "daxin" / "2018.yaml"
    data_file.write_text(data_file.read_text(encoding="utf-8").replace("weibo: 3", "weibo: -3"), encoding="utf-8")
    run = xxgk("build", "--data", str(data), "--out", str(out))
    assert run.returncode == 1
    assert "“五（一）主动公开信息情况”“政务微博”行" in run.stdout and "负数 -3" in run.stdout
    assert "figures" not in run.stdout  # the row as the page prints it, never the field's path
    assert html.read_bytes() == good
    assert not list(out.rglob("*.tmp"))


def test_bad_placeholder_fails_that_report_before_it_runs_and_keeps_the_good_page(tmp_path):
    data, out = _project_copy(tmp_path)
    assert xxgk("build", "--data", str(data), "--out", str(out)).returncode == 0
    good = (out / "2018" / "daxin.html").read_bytes()
    data_file = data / "daxin" / "2018.yaml"
    text = data_file.read_text(encoding="utf-8").replace("{{ organ.town }}党委政府", "{{ organ.mayor }}党委政府")
    data_file.write_text(text, encoding="utf-8")
    run = xxgk("build", "--data", str(data), "--out", str(out))
    assert run.returncode == 1
    assert "第 46 行，“概述”：" in run.stdout and "prose." not in run.stdout and "“organ.mayor”" in run.stdout
    assert (out / "2018" / "daxin.html").read_bytes() == good
    # Found by the check before the template runs, like any other error in a data file: nothing executed.
    assert not (out / "2018" / "daxin.failed.ipynb").exists()


def test_hostile_prose_reads_as_text(tmp_path):
    data = tmp_path / "data"
    text = (FIXTURES / "legacy_minimal.yaml").read_text(encoding="utf-8")
    hostile = (
        '<script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1"> [点我](javascript:window.__pwned=1)'
    )
    text = text.replace('overview: "{{ year }}年，{{ organ.town }}概述。"', f"overview: '{hostile}'")
    (data / "daxin").mkdir(parents=True)
    (data / "daxin" / "2018.yaml").write_text(text, encoding="utf-8")
    run = xxgk("build", "--data", str(data), "--out", str(tmp_path / "outputs"))
    assert run.returncode == 0, run.stdout + run.stderr
    html = (tmp_path / "outputs" / "2018" / "daxin.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "<script>window.__pwned=1</script>" in visible_text(html)
