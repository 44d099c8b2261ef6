"""Published pages as real sites print them (tests/fixtures/pages/variants, made by make.py from the standard
page): departments, an office and a 开发区, each title form, each contact form, the 落款 after part 五; each
checked field by field after import, and the folder imported in one command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from helpers.intake.importer import import_file
from helpers.intake.load import load_report
from helpers.intake.transcribe import parse_cell
from helpers.report import tables
from tests.conftest import FIXTURES

VARIANTS = FIXTURES / "pages" / "variants"
BIN = Path(sys.executable).parent


def _imported(name: str, data: Path, **kw) -> dict:
    result = import_file(VARIANTS / f"{name}.html", data, **kw)
    assert result.ok, result.lines
    return YAML(typ="safe").load(result.written.read_text(encoding="utf-8"))


# A department, an office or another organ keeps its whole name as printed (its city and district are part of it);
# its code still takes its district's (wujin-wsjkj). A title not in the standard form is kept as printed. The day
# of publication is the page's own date line; the 落款 (signed) is kept apart, as printed.
@pytest.mark.parametrize(("name", "slug", "organ", "contact", "signed"), [
    ("department", "wujin-wsjkj", {"town": "常州市武进区卫生健康局", "name": "常州市武进区卫生健康局", "kind": "部门"},
     {"office": "武进区卫生健康局", "phone": "0519-86312345"}, "2025-01-20"),
    ("office", "pukou-rmzfbgs",
     {"town": "南京市浦口区人民政府办公室", "name": "南京市浦口区人民政府办公室", "kind": "办公室"},
     {"office": "浦口区人民政府办公室", "address": "浦口区文德路1号", "phone": "025-58888888"}, "2025-01-22"),
    ("kaifaqu", "hldgxjscykfq",
     {"town": "葫芦岛高新技术产业开发区", "name": "葫芦岛高新技术产业开发区", "kind": "其他"}, {}, "2025-01-23"),
    ("title-qingkuang", "liansheng",
     {"town": "连生乡", "name": "连生乡人民政府", "kind": "乡",
      "title": "2024年连生乡人民政府政府信息公开工作情况报告"},
     {"office": "连生乡党政办公室", "phone": "0468-7910006", "address": "绥滨县连生乡连生村", "postcode": "156200"},
     "2025-01-15"),
    ("title-niandu", "guanghua", {"town": "光华镇", "district": "临江区", "district_slug": "linjiang", "city": "清河市",
                                  "kind": "镇", "name": "清河市临江区光华镇人民政府",
                                  "title": "清河市临江区光华镇2024年政府信息公开年度报告"}, None, "2024-01-18"),
    ("title-in-tab", "guanghua", None, None, "2024-01-18"),
    ("title-first-paragraph", "guanghua", None, None, "2024-01-18"),
    ("contact-phone-only", "guanghua", None, {"phone": "0123-7654321"}, "2024-01-18"),
])
def test_each_variant_imports_field_by_field(tmp_path, name, slug, organ, contact, signed):
    data = _imported(name, tmp_path / "data")
    town = {"town": "光华镇", "district": "临江区", "district_slug": "linjiang", "city": "清河市", "kind": "镇",
            "name": "清河市临江区光华镇人民政府"}  # its 落款's name
    assert data["year"] == 2024 and data["source"] == "published"
    shown = {key: value for key, value in data["organ"].items() if organ is not None or key != "title"}
    assert shown == {"slug": slug, **(organ if organ is not None else town)}
    if contact is not None:
        assert data["contact"] == contact
    else:
        assert data["contact"]["office"] == "光华镇党政办公室" and data["contact"]["postcode"] == "123456"
    assert data["publication"]["date"] == "2024-01-18"  # 发布时间：2024-01-18 09:30
    assert data["signature"]["date"] == signed
    assert "2025年1月" not in data["prose"]["problems"] and "开发区" not in data["prose"]["problems"]  # the 落款 is off
    report = load_report(tmp_path / "data" / slug / "2024.yaml")
    title = tables.title(report)
    assert title.count(report.organ.city or "□") <= 1 and "葫芦岛市葫芦岛" not in title


def test_every_districts_department_has_its_own_code_and_an_existing_organ_is_never_overwritten(tmp_path):
    data = tmp_path / "data"
    first = _imported("department", data)
    assert first["organ"]["slug"] == "wujin-wsjkj"
    target = data / "mine" / "2023.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(data / "wujin-wsjkj" / "2024.yaml", target)
    target.write_text(target.read_text(encoding="utf-8").replace("year: 2024", "year: 2023")
                      .replace("town: 常州市武进区卫生健康局", "town: 区卫健局")
                      .replace("slug: wujin-wsjkj", "slug: mine"), encoding="utf-8")
    again = _imported("department", data, town="mine")
    assert again["organ"]["slug"] == "mine" and again["organ"]["town"] == "区卫健局"  # the file's, not the guess


def test_a_folder_of_variants_imports_in_one_command_every_file_imported(tmp_path):
    folder = tmp_path / "pages"
    shutil.copytree(VARIANTS, folder, ignore=shutil.ignore_patterns("*.py"))
    for number, page in enumerate(sorted(folder.glob("*.html"))):  # 光华镇 several times: a year each
        page.write_text(page.read_text(encoding="utf-8").replace("2024年", f"{2010 + number}年"), encoding="utf-8")
    run = subprocess.run([str(BIN / "xxgk"), "import", str(folder), "--data", str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"导入 {len(list(folder.glob('*.html')))} 个，未导入 0 个" in run.stdout


@pytest.mark.parametrize(("text", "value"), [("减4", -4), ("增4", 4), ("减少12", -12), ("增加3", 3), ("-2", -2)])
def test_a_change_in_words_is_a_signed_number(text, value):
    assert parse_cell(text, "signed") == (value, "")


def test_sub_headings_in_other_words_are_the_five_usual_sub_parts(tmp_path):
    prose = _imported("headings-synonyms", tmp_path / "data")["prose"]
    assert prose["active"].startswith("2023年，光华镇通过区政府门户网站") and prose["requests"].startswith("全年共受理")
    assert prose["management"].startswith("建立政府信息公开属性源头认定机制")  # （三）信息管理情况：
    assert prose["platforms"].startswith("持续优化镇政府信息公开专栏")  # （四）政府信息公开平台建设情况, not 管理
    assert "（三）" not in prose["requests"] and "（四）" not in prose["management"]


def test_a_sub_heading_the_format_does_not_have_is_kept_with_every_sub_part_as_printed(tmp_path):
    prose = _imported("headings-custom", tmp_path / "data")["prose"]
    headings = [line for line in prose["overview"].splitlines() if line.startswith("### ")]
    assert headings == ["### （一）主动公开", "### （二）依申请公开", "### （三）政府信息管理",
                        "### （四）畅通民情民意渠道情况", "### （五）平台建设", "### （六）监督保障"]
    after = prose["overview"].split("### （四）畅通民情民意渠道情况", 1)[1]
    assert after.split("###", 1)[0].strip() == "开通“政务公开”意见箱，收到意见12条。"
    assert not any(key in prose for key in ("active", "requests", "management", "platforms", "oversight"))


def test_table_two_as_sentences_is_read_into_its_figures_and_what_is_not_found_is_listed(tmp_path):
    result = import_file(VARIANTS / "active-sentences.html", tmp_path / "data")
    assert result.ok, result.lines
    data = YAML(typ="safe").load(result.written.read_text(encoding="utf-8"))
    assert data["active"] == {"rules": {"issued": 0}, "normative": {"issued": 3, "in_force": 12},
                              "licensing": {"decisions": 3361}, "punishment": {"decisions": 35},
                              "enforcement": {"decisions": 2}, "fees": {"amount": 12.5}}
    assert "unseen" not in data
    said = next(line for line in result.lines if "表二以句子写出" in line)
    assert "规章制发件数 0（“未制定规章”）" in said and "许可办件量3361件" in said
    assert "句子中没有：规章废止件数、规章现行有效件数、规范性文件废止件数（按空白记录）" in said
    assert not any("页面中没有表二" in line for line in result.lines)


def test_cells_printed_as_not_applicable_are_recorded_and_shown_as_printed(tmp_path):
    data = _imported("not-applicable", tmp_path / "data")
    assert data["active"]["rules"] == {"issued": "/", "repealed": "/", "in_force": "/"}
    report = load_report(tmp_path / "data" / "guanghua" / "2024.yaml")
    assert report.active.rules.issued is None
    assert report.not_applicable == ["active.rules.issued", "active.rules.repealed", "active.rules.in_force"]
    assert "active" not in report.blanks()  # not applicable is not unknown: no blank-cell warning
    first = tables.active_tables(report)[0]
    assert first.loc["规章"].tolist() == ["/", "/", "/"] and first.loc["行政规范性文件"].tolist() == [3, 1, 12]


def test_a_change_printed_in_words_is_its_signed_number(tmp_path):
    data = _imported("change-in-words", tmp_path / "data")
    assert data["active"]["licensing"]["change"] == 4 and data["active"]["other_services"]["change"] == -1


def test_a_row_the_published_table_adds_is_kept_with_its_numbers(tmp_path):
    result = import_file(VARIANTS / "added-row.html", tmp_path / "data")
    assert result.ok, result.lines
    assert any("表三“（六）其他处理 4.申请人撤回申请”行：不是官方格式中的行，按原报告增列的行记录" in line
               for line in result.lines)
    report = load_report(result.written)
    (row,) = report.applications.added
    assert (row.label, row.cells) == ("（六）其他处理 4.申请人撤回申请", [2, 1, 0, 0, 0, 0, 3])
    assert report.applications.results.other.other.natural == 0  # 3.其他 is still its own row
