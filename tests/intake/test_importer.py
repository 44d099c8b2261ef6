"""xxgk import of published pages: the data file written and checked like any published history, a folder
of pages in one command (a line per file, exit 1 when any failed), refusals that write nothing."""

from __future__ import annotations

import shutil

from helpers.cli import main
from helpers.intake.load import load_report
from helpers.report import tables
from tests.conftest import FIXTURES, ROOT

PAGES = FIXTURES / "pages"
TOWNS = ["光华", "青山", "白石", "红旗", "东风", "新民", "永安", "太平", "长青", "福田", "兴隆", "和平", "黄岭",
         "沙河", "平安", "双桥", "高岭", "清泉", "云山"]


def test_a_page_becomes_a_published_data_file_that_loads(tmp_path, capsys):
    assert main(["import", str(PAGES / "standard-2021.html"), "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "guanghua" / "2023.yaml"
    assert f"standard-2021.html：已导入 → {written}" in out
    report = load_report(written)
    assert report.published and report.organ.district_slug == "linjiang"
    assert report.applications.received.natural == 10


def test_blank_cells_import_with_the_checks_warnings(tmp_path, capsys):
    assert main(["import", str(PAGES / "blank-cells.html"), "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "blank-cells.html：警告：表三" in out and "按已发布的报告原样保留为空白" in out
    assert load_report(tmp_path / "xiling" / "2023.yaml").applications.received.research is None


def test_a_page_with_rows_that_cannot_be_placed_writes_nothing_unless_kept(tmp_path, capsys):
    page = tmp_path / "levy.html"
    page.write_text((PAGES / "standard-2021.html").read_text(encoding="utf-8").replace(">行政强制<", ">行政征收<"),
                    encoding="utf-8")
    data = tmp_path / "data"
    assert main(["import", str(page), "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "“行政征收”：不是官方格式中的行" in out and "有错误，未导入" in out
    assert not list(data.rglob("*.yaml"))
    assert main(["import", str(page), "--data", str(data), "--keep-invalid"]) == 1
    assert [p.name for p in data.rglob("*.yaml")] == ["2023.invalid.yaml"]


def test_rows_table_three_adds_are_imported_and_shown_after_its_own(tmp_path, capsys):
    assert main(["import", str(PAGES / "unmatched-rows.html"), "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "表三“（八）申请人撤回申请”行：不是官方格式中的行，按原报告增列的行记录" in out
    (written,) = tmp_path.rglob("*.yaml")
    report = load_report(written)
    assert [(row.label, row.cells) for row in report.applications.added] == [
        ("（三）不予公开 9.属于其他不予公开情形", [1, 0, 0, 0, 0, 0, 1]),
        ("（八）申请人撤回申请", [2, 0, 0, 0, 0, 0, 2]),
    ]
    frame = tables.applications_table(report)
    assert frame.loc[("原报告增列的行", "（八）申请人撤回申请", "")].tolist() == [2, 0, 0, 0, 0, 0, 2]
    assert frame.index[-3][0] == "四、结转下年度继续办理"


def test_a_known_town_keeps_its_code_and_what_the_page_does_not_say(tmp_path, capsys):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "nanhu", data / "nanhu")
    page = (PAGES / "standard-2021.html").read_text(encoding="utf-8").replace("光华镇", "南湖街道")
    page = page.replace("清河市临江区", "示例市样例区").replace("临江区南湖街道人民路1号", "")
    (tmp_path / "nanhu-2022.html").write_text(page.replace("2023", "2022"), encoding="utf-8")
    assert main(["import", str(tmp_path / "nanhu-2022.html"), "--data", str(data)]) == 0, capsys.readouterr().out
    report = load_report(data / "nanhu" / "2022.yaml")
    assert report.organ.slug == "nanhu" and report.organ.district_slug == "yangli"
    assert report.contact.email == "nanhu@example.gov.cn"  # from the town's own latest file


def test_a_folder_of_twenty_pages_in_one_command(tmp_path, capsys):
    folder = tmp_path / "pages"
    folder.mkdir()
    standard = (PAGES / "standard-2021.html").read_text(encoding="utf-8")
    for number, town in enumerate(TOWNS):
        (folder / f"{number:02d}-{town}.html").write_text(standard.replace("光华", town), encoding="utf-8")
    (folder / "19-五里.html").write_text(standard.replace("光华", "五里").replace(">行政强制<", ">行政征收<")
                                        .replace(">行政处罚<", ">行政裁决<"), encoding="utf-8")
    assert main(["import", str(folder), "--data", str(tmp_path / "data")]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 21  # a line per file, and the count
    assert sum("：已导入 → " in line for line in lines) == 19
    assert lines[19].startswith("19-五里.html：未导入（2 个问题）")
    assert lines[20].startswith("共 20 个文件：导入 19 个，未导入 1 个")
    assert len(list((tmp_path / "data").rglob("2023.yaml"))) == 19


def test_a_second_import_never_overwrites_without_asking(tmp_path, capsys):
    page = str(PAGES / "standard-2021.html")
    assert main(["import", page, "--data", str(tmp_path)]) == 0
    before = (tmp_path / "guanghua" / "2023.yaml").read_bytes()
    assert main(["import", page, "--data", str(tmp_path)]) == 1
    assert "已存在，未覆盖" in capsys.readouterr().out
    assert (tmp_path / "guanghua" / "2023.yaml").read_bytes() == before
    assert main(["import", page, "--data", str(tmp_path), "--overwrite", "--town", "guanghua-zhen"]) == 0
    assert (tmp_path / "guanghua-zhen" / "2023.yaml").exists()
