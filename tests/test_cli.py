"""The xxgk command line: exit codes and what it prints, run in-process."""

from __future__ import annotations

import pytest

from helpers.cli import main
from tests.conftest import FIXTURES, ROOT

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
    assert "共检查 3 个文件，1 个未通过。" in out
