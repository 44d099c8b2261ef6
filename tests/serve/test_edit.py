"""The editing view: a town's report as a notebook whose narrative cells are its data file's prose."""

from __future__ import annotations

import shutil

import nbformat
import pytest
from tornado import web

from helpers.intake.load import load_report
from helpers.project import Project
from helpers.serve.edit import NARRATIVE_TAG, ReportContentsManager, narrative, view, write_narrative
from tests.conftest import ROOT, make_project


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", root / "data" / "nanhu")
    return Project.at(root)


def parts_of(nb) -> dict[str, str]:
    return {c.metadata["xxgk"]["part"]: c.source for c in nb.cells if NARRATIVE_TAG in c.metadata.get("tags", [])}


def test_the_view_has_the_narrative_as_markdown_cells_and_the_template_locked(project):
    data_file = project.data / "nanhu" / "2025.yaml"
    nb = view(project, data_file)
    report = load_report(data_file)
    assert parts_of(nb) == {
        "overview": report.prose.overview.rstrip("\n"),
        "problems": report.prose.problems.rstrip("\n"),
        "other": report.prose.other.rstrip("\n"),
    }
    narrative_cells = [c for c in nb.cells if NARRATIVE_TAG in c.metadata.get("tags", [])]
    assert all(c.cell_type == "markdown" and c.metadata.get("editable", True) for c in narrative_cells)
    others = [c for c in nb.cells if c not in narrative_cells]
    assert all(c.metadata["editable"] is False for c in others)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata["tags"]]
    assert len(injected) == 1 and 'data_file = "2025.yaml"' in injected[0].source
    assert nbformat.writes(nb) == nbformat.writes(view(project, data_file))  # the same view twice
    nbformat.validate(nb)


def test_saving_the_view_changes_only_the_edited_part_of_the_data_file(project):
    data_file = project.data / "nanhu" / "2025.yaml"
    before = data_file.read_text(encoding="utf-8")
    nb = view(project, data_file)
    for cell in nb.cells:
        if cell.metadata.get("xxgk", {}).get("part") == "problems":
            cell.source = "{{ organ.town }}的问题：\n一是人手不足。\n二是栏目更新慢。"
    assert write_narrative(data_file, narrative(nb)) is True
    after = data_file.read_text(encoding="utf-8")
    old_problems = before.split("  problems: |\n")[1].split("  other: |")[0]
    assert after == before.replace(
        old_problems, "    {{ organ.town }}的问题：\n    一是人手不足。\n    二是栏目更新慢。\n"
    )
    assert load_report(data_file).prose.problems == "{{ organ.town }}的问题：\n一是人手不足。\n二是栏目更新慢。\n"
    stamp = data_file.stat().st_mtime_ns
    assert write_narrative(data_file, narrative(view(project, data_file))) is False
    assert data_file.stat().st_mtime_ns == stamp  # nothing changed, nothing written: no rebuild


def test_a_cell_split_in_two_is_one_part_again(project):
    nb = view(project, project.data / "nanhu" / "2025.yaml")
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("xxgk", {}).get("part") == "other")
    second = nbformat.from_dict({**nb.cells[index], "source": "第二段。"})
    nb.cells.insert(index + 1, second)
    nb.cells[index].source = "第一段。"
    assert narrative(nb)["other"] == "第一段。\n\n第二段。"


def test_the_contents_manager_serves_and_saves_the_view_beside_each_data_file(project):
    manager = ReportContentsManager(root_dir=str(project.root))
    listing = {item["name"]: item["type"] for item in manager.get("data/nanhu")["content"]}
    assert listing["2025.yaml"] == "file" and listing["2025.ipynb"] == "notebook"
    model = manager.get("data/nanhu/2025.ipynb", require_hash=True)
    assert model["type"] == "notebook" and model["hash"] and model["writable"]
    assert manager.get("data/nanhu/2025.ipynb", content=False, require_hash=True)["hash"] == model["hash"]
    nb = model["content"]
    for cell in nb.cells:
        if cell.metadata.get("xxgk", {}).get("part") == "other":
            cell.source = "无其他需要报告的事项。"
        if cell.cell_type == "code":
            cell.source = "import os  # a clerk's change to a template cell is not kept"
    saved = manager.save({"type": "notebook", "content": nb}, "data/nanhu/2025.ipynb")
    assert saved["hash"] != model["hash"] and saved["content"] is None
    assert load_report(project.data / "nanhu" / "2025.yaml").prose.other == "无其他需要报告的事项。\n"
    assert not (project.data / "nanhu" / "2025.ipynb").exists()
    assert manager.list_checkpoints("data/nanhu/2025.ipynb") == []
    with pytest.raises(web.HTTPError):
        manager.delete_file("data/nanhu/2025.ipynb")
    with pytest.raises(web.HTTPError):
        manager.rename_file("data/nanhu/2025.ipynb", "data/nanhu/x.ipynb")
    assert not manager.exists("data/nanhu/2019.ipynb") and not manager.exists("notebooks/2025.ipynb")


def test_a_data_file_with_errors_opens_as_a_notice_and_saving_it_changes_nothing(project):
    data_file = project.data / "nanhu" / "2025.yaml"
    data_file.write_text(data_file.read_text(encoding="utf-8").replace("  phone: ", "  phone：", 1), encoding="utf-8")
    text = data_file.read_text(encoding="utf-8")
    manager = ReportContentsManager(root_dir=str(project.root))
    nb = manager.get("data/nanhu/2025.ipynb")["content"]
    assert len(nb.cells) == 1 and "全角冒号" in nb.cells[0].source and "第 18 行" in nb.cells[0].source
    manager.save({"type": "notebook", "content": nb}, "data/nanhu/2025.ipynb")
    assert data_file.read_text(encoding="utf-8") == text


def test_quotes_and_comments_elsewhere_in_the_file_are_kept(project):
    data_file = project.data / "nanhu" / "2025.yaml"
    text = data_file.read_text(encoding="utf-8").replace("  phone: 0000-3801846", "  phone: '0000-3801846'  # 值班电话")
    data_file.write_text(text, encoding="utf-8")
    write_narrative(data_file, {"other": "本年度无其他事项。"})
    after = data_file.read_text(encoding="utf-8")
    assert "  phone: '0000-3801846'  # 值班电话\n" in after and "  other: |\n    本年度无其他事项。\n" in after


def test_saving_a_part_changes_its_lines_only_and_every_other_byte_stays(project):
    """Blanks left empty and written ``~``, spacing before a comment, a comment between parts and a Markdown
    heading at the end of a part: the file after a save is the file before with the part's lines replaced."""
    data_file = project.data / "nanhu" / "2025.yaml"
    text = data_file.read_text(encoding="utf-8")
    text = text.replace("  received: {natural: 0, commercial: 0, research: 0, social: 0, legal: 0, other: 0}",
                        "  received: {natural: , commercial: ~, research: 0, social: , legal: , other: }    # 待填")
    text = text.replace("  other: |\n    {{ year }}", "  # 第六部分由办公室核定\n  other: |\n    {{ year }}")
    problems = text.split("  problems: |\n")[1].split("  # 第六部分")[0]
    text = text.replace(problems, problems + "\n    # 下一步\n")
    data_file.write_text(text, encoding="utf-8")
    write_narrative(data_file, {"problems": "一是人手不足。\n\n二是栏目更新慢。"})
    after = data_file.read_text(encoding="utf-8")
    assert after == text.replace(problems + "\n    # 下一步\n", "    一是人手不足。\n\n    二是栏目更新慢。\n")


def test_a_paragraph_added_after_a_part_belongs_to_it_and_one_added_nowhere_is_refused(project):
    nb = view(project, project.data / "nanhu" / "2025.yaml")
    index = next(i for i, c in enumerate(nb.cells) if c.metadata.get("xxgk", {}).get("part") == "other")
    nb.cells.insert(index + 1, nbformat.v4.new_markdown_cell("新加的一段。"))  # Lab's "B": no metadata, a new id
    assert narrative(nb)["other"].endswith("\n\n新加的一段。")
    nb.cells.insert(0, nbformat.v4.new_markdown_cell("写在最前面的一段。"))
    with pytest.raises(ValueError, match="不在任何一部分正文之后"):
        narrative(nb)
    manager = ReportContentsManager(root_dir=str(project.root))
    before = (project.data / "nanhu" / "2025.yaml").read_bytes()
    with pytest.raises(web.HTTPError) as refused:
        manager.save({"type": "notebook", "content": nb}, "data/nanhu/2025.ipynb")
    assert refused.value.status_code == 400 and "不在任何一部分正文之后" in refused.value.log_message
    assert (project.data / "nanhu" / "2025.yaml").read_bytes() == before


def _with_part(nb, part: str, source):
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("xxgk", {}).get("part") == "other":
            cell["metadata"]["xxgk"]["part"] = part
            cell["source"] = source
    return nb


def test_line_and_paragraph_separators_are_saved_as_line_breaks(project):
    manager = ReportContentsManager(root_dir=str(project.root))
    nb = manager.get("data/nanhu/2025.ipynb")["content"]
    pasted = "第一行\u2028第二行\u2029第三行\u0085第四行\r\n第五行"
    manager.save({"type": "notebook", "content": _with_part(nb, "other", pasted)}, "data/nanhu/2025.ipynb")
    data_file = project.data / "nanhu" / "2025.yaml"
    assert load_report(data_file).prose.other == "第一行\n第二行\n第三行\n第四行\n第五行\n"
    assert manager.get("data/nanhu/2025.ipynb")["content"]["cells"]  # the view opens again as a notebook


@pytest.mark.parametrize(("part", "source", "reason"), [
    ("leadership", "别的格式的正文", "不是全国统一格式（2021 年版）的一部分"),
    ("<<", "合并键", "不是全国统一格式（2021 年版）的一部分"),
    ("", "空的标签", "不是全国统一格式（2021 年版）的一部分"),
    ("other", "空字符\x00在中间", "U+0000"),
    ("other", "反转\u202e文字", "U+202E"),
    ("other", "长" * 200_001, "不超过 100000 个字符的正文"),
    ("other", ["一行", 3], "单元格的内容不是文字"),
    ("other", {"text": "不是文字"}, "单元格的内容不是文字"),
])
def test_what_would_not_load_is_refused_with_a_chinese_reason_and_the_file_kept(project, part, source, reason):
    manager = ReportContentsManager(root_dir=str(project.root))
    data_file = project.data / "nanhu" / "2025.yaml"
    before = data_file.read_bytes()
    nb = manager.get("data/nanhu/2025.ipynb")["content"]
    with pytest.raises(web.HTTPError) as refused:
        manager.save({"type": "notebook", "content": _with_part(nb, part, source)}, "data/nanhu/2025.ipynb")
    assert refused.value.status_code == 400 and reason in refused.value.log_message
    assert data_file.read_bytes() == before


@pytest.mark.parametrize("content", [None, "字符串", [1, 2], {"cells": "x"}, {"cells": [1]}])
def test_a_malformed_save_is_a_400_not_a_500(project, content):
    manager = ReportContentsManager(root_dir=str(project.root))
    with pytest.raises(web.HTTPError) as refused:
        manager.save({"type": "notebook", "content": content}, "data/nanhu/2025.ipynb")
    assert refused.value.status_code == 400
