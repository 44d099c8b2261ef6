"""The xxgk command line: exit codes and what it prints, run in-process."""

from __future__ import annotations

import re
import shutil

import pytest

from helpers.cli import main
from tests.conftest import FIXTURES, ROOT, make_project

CASES = FIXTURES / "checks"


def test_check_passes_valid_files(capsys):
    assert main(["check", str(CASES / "valid")]) == 0
    out = capsys.readouterr().out
    assert "2023.yaml：通过" in out and "2024.yaml：通过" in out and "0 个未通过" in out


def test_check_fails_on_an_error_and_prints_the_message(capsys):
    assert main(["check", str(CASES / "column_balance")]) == 1
    out = capsys.readouterr().out
    assert "2024.yaml：1 个错误" in out and "表三“自然人”列" in out


@pytest.mark.parametrize(("strict", "code"), [([], 0), (["--strict"], 1)])
def test_warnings_fail_only_with_strict(capsys, strict, code):
    assert main(["check", *strict, str(CASES / "carry_over")]) == code
    assert "1 条警告" in capsys.readouterr().out


def test_check_reports_unreadable_files(tmp_path, capsys):
    bad = tmp_path / "x" / "2024.yaml"
    bad.parent.mkdir()
    bad.write_text("format: national-2021\nyear: [", encoding="utf-8")
    assert main(["check", str(bad)]) == 1
    assert "语法错误" in capsys.readouterr().out


def test_check_with_nothing_to_check(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 1
    assert "没有找到" in capsys.readouterr().out


def test_demo_data_writes_files_that_pass_check(tmp_path, capsys):
    assert main(["demo-data", "--towns", "3", "--years", "2020", "2023-2024", "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*/*.yaml"))) == 9
    assert main(["check", "--strict", str(tmp_path)]) == 0


def test_demo_data_rejects_bad_years(tmp_path, capsys):
    assert main(["demo-data", "--years", "二〇二〇", "--out", str(tmp_path)]) == 2
    assert "无法识别的年份" in capsys.readouterr().out


def test_bad_files_fail_alone_and_the_others_are_checked(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "nanhu").mkdir(parents=True)
    for year in (2024, 2025):
        (data / "nanhu" / f"{year}.yaml").write_bytes((ROOT / "data/nanhu" / f"{year}.yaml").read_bytes())
    (data / "baihe" / "2025.yaml").mkdir(parents=True)  # a folder named like a data file
    (data / "qingshan").mkdir()
    (data / "qingshan" / "2025.yaml").symlink_to(tmp_path / "gone.yaml")  # a broken link
    (data / "meixi").mkdir()
    text = (ROOT / "data/meixi/2025.yaml").read_text(encoding="utf-8").replace("梅溪镇", "梅\a溪镇", 1)
    (data / "meixi" / "2025.yaml").write_text(text, encoding="utf-8")
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out
    assert f"跳过 {data / 'baihe' / '2025.yaml'}：目录，不是数据文件" in out
    assert f"跳过 {data / 'qingshan' / '2025.yaml'}：失效的链接，不是数据文件" in out
    assert "meixi/2025.yaml：1 个错误" in out and "U+0007" in out and "\a" not in out
    assert "nanhu/2024.yaml：通过" in out and "nanhu/2025.yaml：通过" in out
    assert "共检查 3 个文件和 1 个模板，1 个未通过。" in out


def test_check_names_every_misspelt_placeholder_at_its_line_with_the_closest_name(tmp_path, capsys):
    data = tmp_path / "data"
    (data / "nanhu").mkdir(parents=True)
    (data / "nanhu" / "2025.yaml").write_bytes((ROOT / "tests/fixtures/typos/nanhu-2025.yaml").read_bytes())
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out
    lines = [line.strip() for line in out.splitlines() if "报告中有的名称" in line]
    assert len(lines) == 3, out
    for line, (at, field, shown, close) in zip(lines, [
        (67, "“一、总体情况”", "{{ organ.twn }}", "organ.town"),
        (71, "“一、总体情况”", "{{ totals.recieved }}", "totals.received"),
        (79, "“五、存在的主要问题及改进情况”", "{{ yaer }}", "year"),
    ], strict=True):
        assert line.startswith(f"{data / 'nanhu' / '2025.yaml'} 第 {at} 行，{field}："), line
        assert shown in line and f"应为 {close}？" in line


def test_check_names_a_misspelt_placeholder_in_a_template(tmp_path, capsys):
    project = tmp_path / "project"
    make_project(project)
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    template = project / "notebooks" / "annual_report.ipynb"
    template.write_text(template.read_text(encoding="utf-8").replace("{{ totals.lawsuits }}", "{{ totals.lawsiuts }}"),
                        encoding="utf-8")
    assert main(["--project", str(project), "check"]) == 1
    out = capsys.readouterr().out
    assert "annual_report.ipynb 第 13 个单元格 第 3 行" in out and "应为 totals.lawsuits？" in out


def test_check_names_lists_what_a_placeholder_may_use_with_this_towns_values(capsys):
    assert main(["check", "--names", str(ROOT / "data/nanhu/2025.yaml")]) == 0
    out = capsys.readouterr().out
    assert "organ.town = 南湖街道" in out and "year = 2025" in out and "part_count = 6" in out
    assert "totals.received = " in out


def test_editor_droppings_are_not_data_files(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "nanhu", data / "nanhu")
    checkpoints = data / "nanhu" / ".ipynb_checkpoints"
    checkpoints.mkdir()
    for name in ("2025-checkpoint.yaml", "2025.yaml"):
        (checkpoints / name).write_text("broken: [", encoding="utf-8")
    (data / "nanhu" / "2025.yaml~").write_text("broken: [", encoding="utf-8")
    (data / "nanhu" / ".~lock.2025.yaml#").write_text("broken: [", encoding="utf-8")
    assert main(["check", str(data)]) == 0
    out = capsys.readouterr().out
    assert "共检查 4 个文件" in out and "checkpoint" not in out and "~" not in out

    from helpers.build.batch import find_jobs
    from helpers.project import Project

    project = Project.at(make_project(tmp_path), data=data)
    assert sorted(job.key for job in find_jobs(project, districts=False)) == [
        "2020/nanhu", "2023/nanhu", "2024/nanhu", "2025/nanhu"]


@pytest.mark.parametrize(("argv", "said"), [
    (["new-year", "99999"], "应为 2008—"),
    (["new-year", "1999"], "应为 2008—"),
    (["build", "--timeout", "0"], "应为正整数"),
    (["build", "--timeout", "-1"], "应为正整数"),
    (["build", "-j", "0"], "应为正整数"),
    (["preview", "南湖街道", "2025", "--timeout", "0"], "应为正整数"),
])
def test_numbers_out_of_their_range_are_refused_before_anything_runs(tmp_path, capsys, argv, said):
    with pytest.raises(SystemExit) as stopped:
        main(["--project", str(make_project(tmp_path / "p")), *argv])
    assert stopped.value.code == 2 and said in capsys.readouterr().err
    assert not list((tmp_path / "p").rglob("*.yaml"))


def test_workers_are_capped_at_twice_the_cores_and_help_says_so(tmp_path, capsys):
    import argparse

    from helpers import cli

    with pytest.raises(SystemExit):
        main(["build", "-h"])
    assert f"最多为 CPU 核数的两倍，即 {cli.max_workers()}" in capsys.readouterr().out
    executor = cli._executor(argparse.Namespace(scheduler=None, jobs=1000))
    try:
        assert executor._size == cli.max_workers()
        assert "并行数 1000 超过上限" in capsys.readouterr().out
    finally:
        executor.shutdown()


@pytest.mark.parametrize("address", ["ftp://127.0.0.1:8786", "127.0.0.1:8786", "tcp:// spaced"])
def test_a_scheduler_address_of_the_wrong_form_is_said_in_chinese(address):
    import argparse

    from helpers import cli

    pytest.importorskip("dask.distributed")
    with pytest.raises(SystemExit) as stopped:
        cli._executor(argparse.Namespace(scheduler=address, jobs=0))
    assert "无效，应为 tcp://主机:端口" in str(stopped.value.code)


def test_a_name_two_towns_have_is_an_error_listing_both(tmp_path, capsys):
    project = make_project(tmp_path / "p")
    for slug, district in (("nanhu", "yangli"), ("nanhu2", "beiqu")):
        text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
        text = text.replace("slug: nanhu", f"slug: {slug}")
        text = text.replace("district_slug: yangli", f"district_slug: {district}")
        (project / "data" / slug).mkdir(parents=True)
        (project / "data" / slug / "2025.yaml").write_text(text, encoding="utf-8")
    code = main(["--project", str(project), "new-year", "2026", "--town", "南湖街道"])
    out = capsys.readouterr()
    said = out.out + out.err
    assert code != 0 and "有 2 个" in said and "nanhu（" in said and "nanhu2（" in said
    assert not list(project.rglob("2026.yaml"))


def _commands() -> list[str]:
    from helpers.cli import parser

    sub = next(a for a in parser()._actions if a.dest == "command")
    return sorted(sub.choices)


@pytest.mark.parametrize("command", ["", *_commands()])
def test_every_help_is_chinese_frame_and_all(capsys, command):
    """No word of argparse's English frame, and every value an option takes is named in Chinese."""
    with pytest.raises(SystemExit) as done:
        main([*([command] if command else []), "--help"])
    assert done.value.code == 0
    shown = capsys.readouterr().out
    assert shown.startswith("用法：xxgk") and "选项" in shown
    for english in ("usage", "positional arguments", "options:", "show this help", "optional arguments"):
        assert english not in shown, shown
    usage = shown.split("\n\n")[0]
    assert not re.search(r"--[a-z-]+ [A-Z_]+\b", usage), usage  # no --year YEAR


@pytest.mark.parametrize(("argv", "said"), [
    (["import"], "xxgk import：错误：缺少必须给出的参数：文件或文件夹"),
    (["build", "--year", "二〇二六"], "xxgk build：错误：参数 --year：应为年度，如 2026，实际为“二〇二六”"),
    (["bogus"], "xxgk：错误：参数 命令：无效的选择 'bogus'"),
    (["check", "--nope"], "xxgk：错误：无法识别的参数：--nope"),
])
def test_a_mistyped_command_line_is_answered_in_chinese(capsys, argv, said):
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert said in err and err.startswith("用法：") and "error" not in err, err


def test_version_is_the_installed_package_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"xxgk {version('xxgk-workbook')}"


@pytest.mark.slow  # a real build of one report
def test_build_takes_a_town_by_its_name_and_says_so_when_there_is_none(tmp_path, capsys):
    base = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", base / "data" / "nanhu")
    assert main(["--project", str(base), "build", "--town", "南湖街道", "--year", "2020", "--quiet"]) == 0
    assert "2020/nanhu（南湖街道）" in capsys.readouterr().out
    assert main(["--project", str(base), "build", "--town", "北湖街道"]) == 2
    assert "没有代码或名称为“北湖街道”的镇街" in capsys.readouterr().err


def test_a_year_or_a_day_no_report_has_fails_its_file_alone(tmp_path, capsys):
    """data/nanhu/9999.yaml and a 落款 of 0001-01-01 are refused in the form's words; the other file is judged."""
    data = tmp_path / "data"
    (data / "nanhu").mkdir(parents=True)
    text = (ROOT / "data/nanhu/2025.yaml").read_text(encoding="utf-8")
    (data / "nanhu" / "9999.yaml").write_text(text.replace("year: 2025", "year: 9999"), encoding="utf-8")
    (data / "nanhu" / "2025.yaml").write_text(text.replace("publication:\n", "publication:\n  date: 0001-01-01\n"),
                                              encoding="utf-8")
    (data / "nanhu" / "2024.yaml").write_bytes((ROOT / "data/nanhu/2024.yaml").read_bytes())
    assert main(["check", str(data)]) == 1
    out = capsys.readouterr().out
    assert re.search(r"9999\.yaml 第 \d+ 行，“年度”：应为2008—\d{4} 年之间的年度，实际为9999。", out), out
    assert re.search(r"2025\.yaml 第 \d+ 行，.*应为2008—\d{4} 年之间的日期，实际为0001-01-01", out), out
    assert "nanhu/2024.yaml：通过" in out


@pytest.mark.parametrize("args", [["audit", "--year", "9999"], ["build", "--year", "9999"], ["package", "--year", "0"],
                                  ["audit", "--year", "2025", "--as-of", "9999-12-31"]])
def test_a_year_or_a_day_out_of_range_is_refused_on_the_command_line(args, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert re.search(r"应为 2008—\d{4} 年之间的(年度|日期)", capsys.readouterr().err)
