"""The load stage: valid files become typed reports; every mistake is named with file, line and field."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.errors import DataFileError
from helpers.intake import gather
from helpers.intake.load import load_report, parse_report
from helpers.report.model import Legacy2008Report
from tests.conftest import ROOT, line_of


def problems(path):
    with pytest.raises(DataFileError) as caught:
        load_report(path)
    return caught.value.problems


def only(path):
    found = problems(path)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_seed_file_loads_with_every_figure():
    report = load_report(ROOT / "data/daxin/2018.yaml")
    assert isinstance(report, Legacy2008Report)
    assert (report.organ.town, report.organ.district, report.organ.city) == ("大信镇", "即墨区", "青岛市")
    f = report.figures
    assert (f.published.website, f.published.weibo, f.published.wechat, f.published.other) == (294, 3, 15, 6)
    assert (f.interaction.policy_interpretations, f.interaction.media_appearances) == (28, 1)
    assert f.interaction.questions_handled == 41 and f.proposals.cppcc_proposals == 5
    assert f.channels.service_stations == 10 and f.applications.received == 0


def test_seed_file_types_no_total():
    text = (ROOT / "data/daxin/2018.yaml").read_text(encoding="utf-8")
    assert "318" not in text and "total" not in text


def test_line_numbers_are_kept_for_fields(write_data, minimal_text):
    report = load_report(write_data(minimal_text))
    assert report.origin.line("figures.published.weibo") == line_of(minimal_text, "weibo: 2")
    assert report.origin.line("prose.overview") == line_of(minimal_text, "overview:")


def test_yaml_syntax_error_names_line(write_data, minimal_text):
    text = minimal_text.replace("    weibo: 2", "    weibo: [2")
    p = only(write_data(text))
    assert p.file.endswith("data/daxin/2018.yaml")
    assert p.line is not None and p.line >= line_of(text, "weibo: [2")
    assert "YAML" in str(p) and "语法错误" in str(p)


def test_unknown_field_suggests_closest_name(write_data, minimal_text):
    text = minimal_text.replace("    website: 10", "    websit: 10")
    found = problems(write_data(text))
    unknown = next(p for p in found if "未知字段" in p.found)
    assert unknown.line == line_of(text, "websit: 10")
    assert unknown.path == "figures.published.websit"
    assert "是否应为“website”" in str(unknown)
    # The misspelt field also leaves the real one missing.
    assert any(p.path == "figures.published.website" and p.found == "缺少该字段" for p in found)


@pytest.mark.parametrize(
    ("value", "found"),
    [('"五"', "文本“五”"), ("3.5", "小数 3.5"), ("true", "布尔值 true"), ("-4", "负数 -4")],
)
def test_count_must_be_a_non_negative_integer(write_data, minimal_text, value, found):
    text = minimal_text.replace("    wechat: 3", f"    wechat: {value}")
    p = only(write_data(text))
    assert (p.line, p.path) == (line_of(text, "wechat:"), "figures.published.wechat")
    assert p.expected == "非负整数" and p.found == found
    assert f"第 {p.line} 行，“五（一）主动公开信息情况”“官方微信”行：" in str(p) and "figures" not in str(p)


def test_missing_required_field(write_data, minimal_text):
    text = minimal_text.replace("  town: 大信镇\n", "")
    p = only(write_data(text))
    assert p.path == "organ.town" and p.found == "缺少该字段"
    assert p.line == line_of(text, "organ:")


def test_year_must_match_the_path(write_data, minimal_text):
    p = only(write_data(minimal_text, year="2019"))
    assert p.file.endswith("2019.yaml")
    assert (p.line, p.path) == (line_of(minimal_text, "year: 2018"), "year")
    assert "2019" in p.expected and p.found == "2018"


def test_town_must_match_the_folder(write_data, minimal_text):
    p = only(write_data(minimal_text, town="lanjia"))
    assert (p.line, p.path) == (line_of(minimal_text, "slug: daxin"), "organ.slug")
    assert "lanjia" in p.expected


def test_unknown_format_lists_the_known_ones(write_data, minimal_text):
    text = minimal_text.replace("format: legacy-2008", "format: legacy-2007")
    p = only(write_data(text))
    assert (p.line, p.path) == (1, "format")
    assert "legacy-2008" in p.expected and "legacy-2007" in p.found


def test_url_must_be_http(write_data, minimal_text):
    text = minimal_text.replace("url: http://example.gov.cn/", "url: javascript:alert(1)")
    p = only(write_data(text))
    assert p.path == "publication.url" and "http" in p.expected


def test_every_problem_is_reported_at_once(write_data, minimal_text):
    text = minimal_text.replace("    weibo: 2", "    weibo: -2").replace("    other: 1", "    other: 一")
    assert {p.path for p in problems(write_data(text))} == {"figures.published.weibo", "figures.published.other"}


def test_missing_file(tmp_path):
    p = only(tmp_path / "nope" / "2018.yaml")
    assert p.found == "文件不存在"


# --- one reading: every spelling of the same data is the same report to every stage ------------------------


def _plain(path):
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _stages(data_dir, path):
    """What check, the district summary and the open data make of one town's file in ``data_dir``."""
    from helpers.output import opendata

    report, found = gather.check_file(path)
    summary = gather.load_district(data_dir, report.organ.district_slug, report.year)
    return (
        report,
        [p.describe() for p in found],
        opendata.report_json(report),
        [r.organ.slug for r in summary.by_town()],
        [t.name for t in summary.excluded],
        opendata.district_csv(summary),
    )


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The sample district's nanhu (2024, 2025) and dongcheng (2025) as written, and what every stage makes of it."""
    import shutil

    base = tmp_path_factory.mktemp("reference") / "data"
    for town, year in (("nanhu", 2024), ("nanhu", 2025), ("dongcheng", 2025)):
        (base / town).mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "data" / town / f"{year}.yaml", base / town / f"{year}.yaml")
    return base, _stages(base, base / "nanhu" / "2025.yaml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), which=st.sampled_from(["nanhu/2025", "daxin/2018"]))
def test_every_yaml_spelling_of_a_file_reads_alike_in_every_stage(reference, tmp_path_factory, data, which):
    import shutil

    from tests.spellings import spell

    original = ROOT / "data" / f"{which}.yaml"
    base = tmp_path_factory.mktemp("spelled") / "data"
    if which == "nanhu/2025":
        shutil.copytree(reference[0], base)
        expected = reference[1]
    else:
        (base / "daxin").mkdir(parents=True)
        shutil.copy(original, base / "daxin" / "2018.yaml")
        expected = _stages(base, base / "daxin" / "2018.yaml")
    text = spell(_plain(original), data.draw)
    target = base / f"{which}.yaml"
    target.write_bytes(text.encode("utf-8"))
    got = _stages(base, target)
    assert got[0] == expected[0], text
    assert got[1:] == expected[1:], text
    assert got[3], "the town counts in its district summary"


# --- hostile files: each fails alone, in Chinese, and never echoes what it is not --------------------------


@pytest.mark.parametrize(("char", "code"), [("\a", "0007"), ("\0", "0000"), ("\x1b", "001B")])
def test_a_control_character_in_the_file_is_named_with_its_line(write_data, minimal_text, char, code):
    lines = minimal_text.splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "town:" in line)
    lines[at] = lines[at].rstrip("\n") + char + "\n"
    problem = only(write_data("".join(lines)))
    assert problem.line == at + 1 and f"U+{code}" in str(problem) and char not in str(problem)


@pytest.mark.parametrize(
    ("name", "code"), [("大信\u202e镇", "202E"), ("大信\u2066镇", "2066"), ("\x1b[31m大信镇", "001B")]
)
def test_names_with_bidi_or_escape_characters_are_refused_with_their_position(write_data, minimal_text, name, code):
    text = minimal_text.replace("town: 大信镇", f'town: "{name.encode("unicode_escape").decode()}"')
    problem = only(write_data(text))
    assert problem.path == "organ.town" and f"U+{code}" in str(problem)
    assert "\u202e" not in str(problem) and "\x1b" not in str(problem)


def test_a_data_file_linking_outside_the_data_folder_is_refused_unread(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:机密内容\n", encoding="utf-8")
    link = tmp_path / "data" / "daxin" / "2018.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(secret)
    problem = only(link)
    assert "指向数据目录之外的链接" in str(problem) and "root:x" not in str(problem) and "机密" not in str(problem)


def test_a_file_that_is_not_a_mapping_is_not_quoted(write_data):
    problem = only(write_data("root:x:0:0:root:/root:/bin/bash\n- 列表\n"))
    assert "root" not in problem.found and problem.found == "不是数据文件的内容"


def test_a_town_folder_whose_name_breaks_the_slug_rule_fails(tmp_path, minimal_text):
    path = tmp_path / "data" / "东城" / "2018.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(minimal_text.replace("slug: daxin", "slug: 东城"), encoding="utf-8")
    problem = only(path)
    assert problem.path == "organ.slug" and "由小写字母、数字、- 或 _ 组成" in problem.expected


@pytest.mark.parametrize("number", ["1" * 400, "1e400", "10000000000000"])
def test_numbers_are_bounded(write_data, minimal_text, number):
    problem = only(write_data(minimal_text.replace("website: 10", f"website: {number}")))
    assert problem.path == "figures.published.website"


MISTAKES = ROOT / "tests" / "fixtures" / "yaml_mistakes"


@pytest.mark.parametrize(
    ("fixture", "line", "found", "hint"),
    [
        ("unindented_prose.yaml", 71, "缩进不足的一行正文", "不在上面“overview”的正文里"),
        ("full_width_colon.yaml", 18, "字段名“phone”后面是全角冒号“：”", "半角冒号加一个空格：“phone: ”"),
        ("tab_indent.yaml", 7, "用制表符（Tab）缩进的一行", "把这一行开头的 Tab 换成空格"),
    ],
)
def test_a_clerks_yaml_mistake_is_named_at_its_own_line_with_a_chinese_hint(tmp_path, fixture, line, found, hint):
    target = tmp_path / "data" / "nanhu" / "2025.yaml"
    target.parent.mkdir(parents=True)
    target.write_bytes((MISTAKES / fixture).read_bytes())
    with pytest.raises(DataFileError) as caught:
        load_report(target)
    (problem,) = caught.value.problems
    assert problem.line == line
    assert found in problem.found and hint in problem.hint
    assert not any(ch.isascii() and ch.isalpha() for ch in problem.hint.replace("Tab", "").replace("YAML", "")
                   .replace("overview", "").replace("phone", ""))


@pytest.mark.parametrize(("written", "name"), [
    ("  licensing：{decisions: 68}", "licensing"),  # before a flow mapping: parses, as an odd key
    ("  licensing: {decisions：68}", "decisions"),  # inside one
])
def test_a_full_width_colon_by_a_flow_mapping_gets_the_same_hint_and_nothing_else(written, name):
    text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if line.startswith("  licensing: {decisions: "))
    with pytest.raises(DataFileError) as caught:
        parse_report(text.replace(line, written.replace("68", line.rpartition(" ")[2].rstrip("}"))), "t.yaml")
    (problem,) = caught.value.problems  # not also 未知字段 and 缺少该字段
    assert problem.line == text.splitlines().index(line) + 1
    assert problem.found == f"字段名“{name}”后面是全角冒号“：”" and f"“{name}: ”" in problem.hint
    assert problem.describe().startswith("表二“行政许可”行")


def test_a_data_file_over_the_size_limit_is_refused_unparsed(tmp_path):
    from helpers.errors import DataFileError
    from helpers.intake import load

    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
    path.write_text(text + "# " + "长" * (load.MAX_DATA_FILE // 3 + 10) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as refused:
        load.load_report(path)
    assert "不超过 4 MB 的数据文件" in refused.value.problems[0].describe()


def test_the_input_digest_never_reads_through_a_link_out_of_the_data_folder(tmp_path):
    from helpers.intake import load

    outside = tmp_path / "elsewhere" / "pipe"
    outside.parent.mkdir()
    os.mkfifo(outside)  # reading it would block forever: the test returning shows it was not read
    link = tmp_path / "data" / "nanhu" / "2025.yaml"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    assert load.digest_bytes(link) == b"<link outside the data folder>"
    inside = tmp_path / "data" / "nanhu" / "2024.yaml"
    inside.write_text("format: national-2021\n", encoding="utf-8")
    assert load.digest_bytes(inside) == b"format: national-2021\n"
