"""Every example in the README is executed: its data file is checked, built and counted in its district summary;
its commands run, in the README's order, in a copy of the project (outputs and temporary paths moved to the test's
own folder). ``make reports`` and ``make test`` are what CI itself runs, so they are not run again here."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from openpyxl import load_workbook

from helpers.build.batch import load_batch
from helpers.intake.excel import build_workbook
from tests.conftest import FIXTURES, ROOT, make_project, visible_text

README = (ROOT / "README.md").read_text(encoding="utf-8")
BIN = Path(sys.executable).parent
BLOCKS = [
    (m.group(1), m.group(2), README[: m.start()].count("\n") + 1)
    for m in re.finditer(r"```(\w*)\n(.*?)```", README, re.S)
]


def block_after(heading: str, language: str) -> str:
    """The first fenced block of ``language`` after ``heading``."""
    start = README.count("\n", 0, README.index(heading)) + 1
    return next(text for lang, text, line in BLOCKS if lang == language and line > start)


def commands(text: str) -> list[list[str]]:
    return [shlex.split(line, comments=True) for line in text.splitlines() if line.strip()]


def run(argv: list[str], cwd: Path, tmp: Path) -> subprocess.CompletedProcess:
    argv = [f"{tmp}/{a.removeprefix('/tmp/')}" if a.startswith("/tmp/") else a for a in argv]  # the README's /tmp
    argv = [str(BIN / a.removeprefix(".venv/bin/")) if a.startswith(".venv/bin/") else a for a in argv]
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project with a few of its towns (the README's commands at a smaller scale)."""
    base = make_project(tmp_path_factory.mktemp("readme") / "project")
    for town in ("daxin", "nanhu", "baihe", "dongcheng"):
        shutil.copytree(ROOT / "data" / town, base / "data" / town)
    shutil.copytree(ROOT / "params", base / "params")
    return base


def test_every_shell_block_is_run_here_or_by_ci():
    expected = {"生成报告", "标准工具依然可以单独使用", "镇街的一年", "检查数据", "Excel 填报表", "导入已发布的报告",
                "示例数据", "整改的来回"}
    runs = [line for lang, _, line in BLOCKS if lang == "sh"]
    assert len(runs) == len(expected) + 1, "a new sh block in the README needs a test here"
    assert commands(BLOCKS[0][1]) == [["make", "reports"], ["make", "test"]]


def test_the_readme_data_file_builds_and_counts_in_its_district_summary(tmp_path):
    base = make_project(tmp_path / "project")
    for town in ("nanhu", "dongcheng"):
        shutil.copytree(ROOT / "data" / town, base / "data" / town)
    example = base / "data" / "hubin" / "2025.yaml"
    example.parent.mkdir(parents=True)
    example.write_text(block_after("## 数据文件", "yaml"), encoding="utf-8")
    check = run([".venv/bin/xxgk", "check", "data/hubin"], base, tmp_path)
    assert check.returncode == 0 and "data/hubin/2025.yaml：通过" in check.stdout, check.stdout
    build = run([".venv/bin/xxgk", "build", "--year", "2025"], base, tmp_path)
    assert build.returncode == 0, build.stdout + build.stderr
    page = visible_text((base / "outputs/2025/hubin.html").read_text(encoding="utf-8"))
    assert "示例市样例区湖滨街道2025年政府信息公开工作年度报告" in page
    summary = visible_text((base / "outputs/2025/yangli-summary.html").read_text(encoding="utf-8"))
    assert "根据样例区3个镇（街道）" in summary and "湖滨街道" in summary
    assert "湖滨街道,hubin," in (base / "outputs/2025/yangli.csv").read_text(encoding="utf-8-sig")


def test_the_batch_file_example_is_a_valid_batch_file(tmp_path):
    path = tmp_path / "example.yaml"
    path.write_text(block_after("**批量定义**", "yaml"), encoding="utf-8")
    (tmp_path / "notebooks").mkdir()
    batch = load_batch(path, tmp_path)
    assert batch.years == [2025] and batch.towns == ["dongcheng", "xicheng"]


def test_build_commands(project, tmp_path):
    for argv in commands(block_after("## 生成报告", "sh")):
        done = run(argv, project, tmp_path)
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
        assert "失败 0 份" in done.stdout, (argv, done.stdout)
    assert (project / "outputs/2018/daxin.html").exists() and (project / "outputs/2025/yangli-summary.html").exists()


def test_standard_tools_commands(tmp_path):
    for argv in commands(block_after("标准工具依然可以单独使用", "sh")):
        done = run(argv, ROOT, tmp_path)
        assert done.returncode == 0, (argv, done.stderr)
    page = (tmp_path / "x.html").read_text(encoding="utf-8")  # the last command's: our template, placeholders filled
    assert "318" in visible_text(page) and "大信镇" in visible_text(page) and "{{" not in page


def _start(argv: list[str], cwd: Path, log: Path, **env: str) -> subprocess.Popen:
    argv = [str(BIN / a.removeprefix(".venv/bin/")) if a.startswith(".venv/bin/") else a for a in argv]
    with log.open("w") as out:
        return subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **env})


def _get(url: str, proc: subprocess.Popen, log: Path) -> str:
    """The body at ``url`` once the server answers (it is still starting at first)."""
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None, log.read_text(encoding="utf-8")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")
            time.sleep(0.5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_clerks_year_commands(tmp_path):
    base = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", base / "data" / "nanhu")
    new_year, names, edit, preview = commands(block_after("## 镇街的一年", "sh"))
    done = run(new_year, base, tmp_path)
    assert done.returncode == 0 and "data/nanhu/2026.yaml：已从 2025 年度生成" in done.stdout, done.stdout
    check = run([".venv/bin/xxgk", "check", "data/nanhu/2026.yaml"], base, tmp_path)
    assert check.returncode == 1 and "空白（尚未填写）" in check.stdout
    done = run(names, base, tmp_path)
    assert done.returncode == 0 and "organ.town = 南湖街道" in done.stdout, done.stdout

    # The two servers, run headless on a free port: JupyterLab serves the town's notebook, the preview its page.
    port, token = _free_port(), "readme-test-token"
    lab = _start([*edit, "--no-browser", "--port", str(port)], base, tmp_path / "lab.log", JUPYTER_TOKEN=token,
                 JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    try:
        model = json.loads(_get(f"http://127.0.0.1:{port}/api/contents/data/nanhu/2025.ipynb?token={token}", lab,
                                tmp_path / "lab.log"))
        parts = [c["metadata"]["xxgk"]["part"] for c in model["content"]["cells"] if "xxgk" in c["metadata"]]
        assert model["type"] == "notebook" and parts == ["overview", "problems", "other"]
    finally:
        lab.terminate()
        lab.wait(timeout=30)
    port = _free_port()
    server = _start([*preview, "--no-browser", "--port", str(port)], base, tmp_path / "preview.log")
    try:
        assert "南湖街道" in _get(f"http://127.0.0.1:{port}/", server, tmp_path / "preview.log")
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0
    assert "预览已停止" in (tmp_path / "preview.log").read_text(encoding="utf-8")


def test_check_commands_and_the_example_output(project, tmp_path):
    for argv in commands(block_after("## 检查数据", "sh")):
        done = run(argv, project, tmp_path)
        assert done.returncode == 0, (argv, done.stdout)
        assert "0 个未通过" in done.stdout
    shown = next(text for lang, text, line in BLOCKS if lang == "" and "个错误" in text)
    broken = tmp_path / "broken"
    (broken / "data" / "nanhu").mkdir(parents=True)
    shutil.copy(FIXTURES / "checks/column_balance/nanhu/2024.yaml", broken / "data/nanhu/2024.yaml")
    done = run([".venv/bin/xxgk", "check", "data/nanhu/2024.yaml"], broken, tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith(shown), done.stdout


def test_excel_commands(project, tmp_path):
    first, second, third = commands(block_after("## Excel 填报表", "sh"))
    done = run(first, project, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    workbook = project / "nanhu-2026.xlsx"
    # The clerk's part: the prose, and table 三 with this year's applications (carried in, all still open).
    wb = load_workbook(workbook)
    wb["正文"]["B2"] = "{{ year }}年，{{ organ.town }}全年主动公开政府信息。"
    for row in wb["正文"].iter_rows(min_row=3, min_col=2, max_col=2):  # last year's text, prefilled as a draft
        for cell in row:
            if isinstance(cell.value, str) and "【草稿" in cell.value:
                cell.value = "{{ year }}年本部分按本年度实际重新撰写。"
    sheet = wb["表三"]
    rows = {sheet.cell(row, 1).value: row for row in range(1, sheet.max_row + 1)}
    carried_in, carried_over = rows["二、上年结转政府信息公开申请数量"], rows["四、结转下年度继续办理"]
    for column in range(4, 10):
        sheet.cell(carried_over, column).value = sheet.cell(carried_in, column).value
    wb.save(workbook)
    done = run(second, project, tmp_path)  # the other numbers left blank: not yet filled in, never zeros
    assert done.returncode == 1 and "尚未填写" in done.stdout, done.stdout
    assert not (project / "data/nanhu/2026.yaml").exists()
    # Every other number is 0 this year, and the clerk types the 0s.
    for cell in build_workbook("national-2021", 2026).cells:
        if cell.kind in ("count", "signed", "amount") and wb[cell.sheet][cell.ref].value is None:
            wb[cell.sheet][cell.ref] = 0
    wb.save(workbook)
    done = run(second, project, tmp_path)
    assert done.returncode == 0, done.stdout
    assert (project / "data/nanhu/2026.yaml").exists()
    done = run(third, project, tmp_path)
    assert done.returncode == 0 and "失败 0 份" in done.stdout, done.stdout
    assert "2026年政府信息公开工作年度报告" in (project / "outputs/2026/nanhu.html").read_text(encoding="utf-8")


def test_import_commands(tmp_path):
    project = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "tests" / "fixtures", project / "tests" / "fixtures")
    single, folder, build = commands(block_after("## 导入已发布的报告", "sh"))
    done = run(single, project, tmp_path)
    assert done.returncode == 0 and "data/guanghua/2023.yaml" in done.stdout, done.stdout
    pages = tmp_path / "往年报告" / "2023"
    pages.mkdir(parents=True)
    for name in ("gbk.html", "split-table.html", "merged-labels.html"):
        shutil.copy(ROOT / "tests" / "fixtures" / "pages" / name, pages / name)
    done = run(folder, project, tmp_path)
    assert done.returncode == 0, done.stdout
    assert [line.split("：")[0] for line in done.stdout.splitlines()[:3]] == ["gbk.html", "merged-labels.html",
                                                                           "split-table.html"]
    done = run(build, project, tmp_path)
    assert done.returncode == 0 and "失败 0 份" in done.stdout, done.stdout
    for town in ("guanghua", "qingshi", "beitang", "xinqiao"):
        assert (project / "outputs" / "2023" / f"{town}.html").exists()


def test_demo_data_commands_reproduce_the_sample_district(tmp_path):
    base = tmp_path / "project"
    shutil.copytree(ROOT / "data", base / "data")
    for argv in commands(block_after("## 示例数据", "sh")):
        done = run(argv, base, tmp_path)
        assert done.returncode == 0, (argv, done.stdout, done.stderr)
    changed = [
        str(p.relative_to(base)) for p in sorted((base / "data").rglob("*.yaml"))
        if p.read_bytes() != (ROOT / p.relative_to(base)).read_bytes()
    ]
    assert changed == [], "the committed sample district is exactly what the README's command writes"
    assert len(list((tmp_path / "demo").glob("*/*.yaml"))) == 40 * 5


def test_the_entry_point_example_names_the_registrys_group():
    from helpers.report.formats import ENTRY_POINTS

    assert f'[project.entry-points."{ENTRY_POINTS}"]' in block_after("## 报告格式", "toml")


def test_the_published_history_example_is_the_fixture_that_builds():
    """The README's fragment of a published report: the same source and totals-only table 三 as the fixture that
    tests/e2e/test_published.py builds and reads back."""
    from ruamel.yaml import YAML

    snippet = YAML(typ="safe").load(block_after("### 已发布的历史报告", "yaml"))
    fixture = YAML(typ="safe").load(
        (FIXTURES / "published/totals_only/beiguan/2023.yaml").read_text(encoding="utf-8")
    )
    assert snippet["source"] == fixture["source"] == "published"
    assert snippet["applications"] == fixture["applications"]
    assert {k: snippet["organ"][k] for k in ("slug", "town")} == {k: fixture["organ"][k] for k in ("slug", "town")}


def test_the_published_parts_examples_load_and_build_as_they_say(tmp_path):
    """The README's not-seen / not-there / 落款 fragment laid over a bundled report, and its 2008-format report as
    published: both check clean, build, and print what the README says (a 落款 as printed, nothing for an absent
    引言, the note for an unseen part, the 2008 report's own parts)."""
    from ruamel.yaml import YAML

    yaml = YAML()
    base = make_project(tmp_path / "project")
    doc = yaml.load((ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8"))
    doc.insert(1, "source", "published")
    for key, value in YAML(typ="safe").load(block_after("**没看到、没有、不知道，三者分开。**", "yaml")).items():
        doc[key] = {**doc[key], **value} if key == "publication" else value
    (base / "data" / "nanhu").mkdir(parents=True)
    with (base / "data" / "nanhu" / "2025.yaml").open("w", encoding="utf-8") as out:
        yaml.dump(doc, out)
    legacy = block_after("2008 年版格式（2018 年及以前）的已发布报告", "yaml")
    (base / "data" / "xinhe").mkdir(parents=True)
    (base / "data" / "xinhe" / "2013.yaml").write_text(legacy, encoding="utf-8")
    check = run([".venv/bin/xxgk", "check"], base, tmp_path)
    assert check.returncode == 0, check.stdout
    build = run([".venv/bin/xxgk", "build"], base, tmp_path)
    assert build.returncode == 0 and "失败 0 份" in build.stdout, build.stdout + build.stderr
    page = visible_text((base / "outputs/2025/nanhu.html").read_text(encoding="utf-8"))
    assert page.startswith("南湖街道2025年政府信息公开工作年度报告") and "本报告根据" not in page  # no 引言
    assert "六、其他需要报告的事项（原报告此部分未录入）" in page and page.endswith("新河镇人民政府2014年3月18日")
    old = visible_text((base / "outputs/2013/xinhe.html").read_text(encoding="utf-8"))
    assert "一、概述2013年，新河镇扎实推进政府信息公开工作。二、主动公开政府信息情况全年主动公开政府信息5条。" in old


def test_the_correction_loop_commands(tmp_path):
    """The README's three audit commands on the office's fixture district; the example's finding number is the
    one the first audit printed for 北关街道 (a number depends on what the report says)."""
    from tests.office import office_district

    base = office_district(tmp_path / "project")
    first, dismiss, again = commands(block_after("**整改的来回。**", "sh"))
    done = run(first, base, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    number = re.search(r"\[(beiguan-[0-9a-f]{6})\]", done.stdout).group(1)
    done = run([number if a.startswith("beiguan-") else a for a in dismiss], base, tmp_path)
    assert done.returncode == 0 and "北关街道：10 分，0 条问题" in done.stdout, done.stdout
    done = run(again, base, tmp_path)
    assert done.returncode == 0 and "【退回未改】" in done.stdout and "北关街道：10 分" in done.stdout, done.stdout
    wrong = run([a if not a.startswith("beiguan-") else "beiguan-000000" for a in dismiss], base, tmp_path)
    assert wrong.returncode == 2 and "没有编号为 beiguan-000000 的问题" in wrong.stderr, wrong.stdout


def test_the_offices_examples_are_valid_roster_settings_and_scoring_sheet(tmp_path):
    from helpers.intake.audit import read_sheet
    from helpers.intake.roster import read_roster
    from helpers.project import read_settings
    from helpers.report.review import Finding, score

    heading = "## 区政务公开办的一年"
    (tmp_path / "roster.yaml").write_text(block_after(heading, "yaml"), encoding="utf-8")
    roster = read_roster(tmp_path / "roster.yaml")
    assert [a.slug for a in roster.add] == ["yangli-tjj"] and roster.retire[0].year == 2026
    (tmp_path / "xxgk.toml").write_text(block_after(heading, "toml"), encoding="utf-8")
    settings = read_settings(tmp_path / "xxgk.toml")
    assert settings.deadlines.submit == (1, 26) and settings.office == "样例区政务公开办公室"
    sheet_text = next(text for lang, text, line in BLOCKS if lang == "yaml" and text.startswith("满分"))
    (tmp_path / "scoring.yaml").write_text(sheet_text, encoding="utf-8")
    sheet = read_sheet(tmp_path / "scoring.yaml")
    assert score([Finding("内容雷同", "", ""), Finding("内容雷同", "", "")], sheet)[0] == 50
