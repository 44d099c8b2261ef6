"""Editing view: a town's report as a notebook in JupyterLab, its narrative as Markdown cells.

``data/<town>/<year>.ipynb`` is not a file: JupyterLab asks our contents manager for it, which builds it from
the format's template and the data file ``data/<town>/<year>.yaml``. The template's cells compute the tables
as a build does; each part of the narrative is an ordinary Markdown cell, tagged with its part. Saving the
notebook writes those cells back into the data file's ``prose:`` (nothing else), so the data file stays the one
home of the narrative: editing it there or here is the same, and there is no second copy to drift.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import functools
import io
import json
import os
import re
import sys
import typing
from pathlib import Path
from typing import Any

import nbformat
from jupyter_server.services.contents.filemanager import FileContentsManager
from papermill.parameterize import parameterize_notebook
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import LiteralScalarString
from tornado import web

from helpers.atomic import write_atomic
from helpers.errors import DataFileError, XxgkError
from helpers.intake.load import parse_report, parse_yaml, stamp
from helpers.intake.writeback import locked, read_data, stored
from helpers.output.notebook import editing_style
from helpers.output.render import read_template
from helpers.project import Project, year_file
from helpers.report import formats, placeholders
from helpers.report.model import OVERVIEW_PARTS, PUBLISHED_PARTS
from helpers.report.placeholders import part_titles
from helpers.report.values import ValueProblem, check_value

NARRATIVE_TAG = "xxgk-narrative"
_PROSE_CALL = re.compile(r"show_prose\(\s*report\s*,\s*[\"'](\w+)[\"']")
_OVERVIEW_CALL = re.compile(r"show_overview\(\s*report")


def _yaml() -> YAML:
    """The round-trip reader and writer: a data file comes back as it was, but for the parts changed."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.preserve_quotes = True
    return yaml


def _read(data_file: Path, yaml: YAML | None = None) -> CommentedMap:
    """The data file's YAML, or the loader's own Chinese explanation of what is wrong with it."""
    return parse_yaml(data_file.read_text(encoding="utf-8-sig"), data_file.name, yaml)


def view(project: Project, data_file: Path) -> Any:
    """The editing notebook of a data file: the template's cells, the narrative as Markdown cells."""
    relative = data_file.relative_to(project.root).as_posix()
    try:
        doc = _read(data_file)
    except (DataFileError, OSError) as exc:
        return _notice(f"数据文件 {relative} 有错误，修改后请重新打开本笔记本：\n\n{exc}")
    fmt = formats.lookup(doc.get("format"))
    if fmt is None:
        return _notice(f"数据文件 {relative} 的 format 不是已知的报告格式（{'、'.join(formats.names())}）。")
    template = read_template(project.template(fmt.template))
    prose = doc.get("prose") if isinstance(doc.get("prose"), dict) else {}
    titles = part_titles([c.source for c in template.cells if c.cell_type == "markdown"])
    guide = (
        f"**编辑视图**：本笔记本由模板和数据文件 `{relative}` 生成。各部分标题下的文字单元格就是本报告的正文，"
        "双击即可修改，可用 `{{ year }}`、`{{ organ.town }}` 等占位符引用数值；**保存（Ctrl+S）后写回数据文件**。"
        "标题来自模板，不能在这里修改。点“运行”菜单中的“运行所有单元格”后，各表显示为可填写的表格："
        "在格子里填入数字即写回数据文件（表下显示“已保存到……”），合计自动计算，不平衡的列当即标出；"
        "落款日期和联系方式在报告末尾填写。"
    )
    setup = ("from helpers.output.notebook import show_filled, show_text, start_editing_view\n\n"
             f"start_editing_view({_literal(titles)})")
    styled = nbformat.v4.new_code_cell(setup, outputs=[nbformat.v4.new_output("display_data", editing_style())])
    cells = [_locked(nbformat.v4.new_markdown_cell(guide)), _locked(styled, hidden=True)]
    waiting: list[Any] | None = []  # template text shown filled needs the report: it waits for the cell opening it
    for cell in template.cells:
        if cell.cell_type == "markdown" and any(True for _ in placeholders.find(cell.source)):
            shown = _locked(nbformat.v4.new_code_cell(f"show_text(report, {_literal(cell.source)})"), hidden=True)
            (cells if waiting is None else waiting).append(shown)
            continue
        if cell.cell_type == "code" and "parameters" not in cell.metadata.get("tags", []):
            for part in _parts_shown(cell.source, prose):
                text = str(prose.get(part) or "").rstrip("\n")
                meta = {"tags": [NARRATIVE_TAG], "xxgk": {"part": part}}
                if part in OVERVIEW_PARTS:  # a sub-part of 一、总体情况 under its heading, as the page shows it
                    cells.append(_locked(nbformat.v4.new_markdown_cell(f"### {OVERVIEW_PARTS[part]}")))
                cells.append(nbformat.v4.new_markdown_cell(text, metadata=meta))
                filled = nbformat.v4.new_code_cell(f"show_filled(report, {_literal(part)})")
                cells.append(_locked(filled, hidden=True))  # right below: the part as published, filled
        own = copy.deepcopy(cell)
        if own.cell_type == "code":
            own.outputs, own.execution_count = [], None
        cells.append(_locked(own, hidden=own.cell_type == "code"))
        if "open_report(" in cell.source and waiting is not None:
            cells += waiting
            waiting = None
    nb = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(template.metadata))
    nb.metadata["xxgk"] = {"data_file": relative}
    nb.metadata["language_info"] = _language_info()  # as the kernel will report it: an unedited view stays clean
    nb.metadata["papermill"] = {}  # what papermill's parameterize expects to find, as its execute prepares it
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb = parameterize_notebook(nb, {"data_file": data_file.name}, report_mode=False)
    for cell in nb.cells:
        if "injected-parameters" in cell.metadata.get("tags", []):
            _locked(cell, hidden=True)
    nb.metadata.pop("papermill", None)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.id = f"xxgk-{index}"  # the same view twice is the same notebook (JupyterLab compares hashes)
    return nb


def _language_info() -> dict[str, Any]:
    """What Lab writes into a notebook's metadata once its Python kernel starts (ipykernel's own description):
    given beforehand, a view just opened has nothing to save."""
    from ipykernel.ipkernel import IPythonKernel

    return copy.deepcopy(dict(IPythonKernel.language_info))


def _literal(value: Any) -> str:
    """A Python literal of a string or list of strings (JSON is one)."""
    return json.dumps(value, ensure_ascii=False)


def _parts_shown(source: str, prose: dict) -> list[str]:
    """The prose parts a template code cell shows: ``show_prose(report, "problems")``, and for ``show_overview``
    the overview and those of its five sub-parts the file has; of the parts only a published report has
    (PUBLISHED_PARTS), those the file has."""
    parts = []
    if _OVERVIEW_CALL.search(source):
        parts += ["overview", *(p for p in OVERVIEW_PARTS if str(prose.get(p) or "").strip())]
    parts += [p for p in _PROSE_CALL.findall(source) if p not in PUBLISHED_PARTS or str(prose.get(p) or "").strip()]
    return parts


def _locked(cell: Any, hidden: bool = False) -> Any:
    """A template cell in the view: not editable or deletable (its changes would not be saved), its code hidden."""
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    if hidden:
        cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return cell


def _notice(text: str) -> Any:
    return nbformat.v4.new_notebook(cells=[_locked(nbformat.v4.new_markdown_cell(text))])


def narrative(nb: Any) -> dict[str, str]:
    """The narrative in a saved editing view: per part, the text of its Markdown cell and of any Markdown cells the
    clerk added right after it (a cell split in two, a new paragraph), joined again.

    Raises ValueError, in Chinese, for text the clerk added where it belongs to no part: it would be lost.
    """
    parts: dict[str, list[str]] = {}
    current: str | None = None
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {})
        part = meta.get("xxgk", {}).get("part")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise ValueError("单元格的内容不是文字，无法保存")
        text = source
        if cell.get("cell_type") == "markdown" and isinstance(part, str):
            current = part
        elif meta.get("editable") is False or str(cell.get("id", "")).startswith("xxgk-"):
            current = None  # a cell of the template: what follows is no longer this part
            continue
        elif cell.get("cell_type") != "markdown" or not text.strip():
            continue
        elif current is None:
            raise ValueError(f"新加的文字单元格（“{text.strip()[:20]}”）不在任何一部分正文之后，无法保存；"
                             "请把这段文字写进某一部分的正文单元格")
        parts.setdefault(current, []).append(text)
    return {part: "\n\n".join(t.strip("\n") for t in texts if t.strip()) for part, texts in parts.items()}


_SEPARATORS = re.compile("\r\n|[\r\u2028\u2029\u0085]")  # pasted from web pages and Word: line breaks


def write_narrative(data_file: Path, parts: dict[str, str]) -> bool:
    """Write the parts into the data file's ``prose:``, everything else kept as it is; False if nothing changed.

    Only what loads is written: line and paragraph separators become line breaks; a part the format does not
    have, or text the loader refuses (control or bidi characters, too long), is a ValueError in Chinese; the
    new file is read back before it replaces the old one, and one that loaded before must load after. Under the
    data file's lock, as every writer of it: a number typed into a grid at the same moment is never lost.
    """
    if not parts:
        return False
    with locked(data_file):
        return _write_narrative(data_file, parts)


def _write_narrative(data_file: Path, parts: dict[str, str]) -> bool:
    yaml = _yaml()
    original, form = read_data(data_file)
    doc = parse_yaml(original, data_file.name, yaml)
    fmt = formats.lookup(doc.get("format"))
    if fmt is None:
        raise ValueError("数据文件的 format 不是已知的报告格式，无法确定正文有哪些部分")
    known = {f.name for f in dataclasses.fields(typing.get_type_hints(fmt.report_class)["prose"])}
    prose = doc.get("prose")
    if not isinstance(prose, CommentedMap):
        prose = doc["prose"] = CommentedMap()
    changed = False
    for part, text in parts.items():
        if part not in known:
            raise ValueError(f"单元格所属的正文部分“{str(part)[:30]}”不是{fmt.label}的一部分"
                             "（可能是从别的报告复制来的单元格），无法保存；请把文字写进本报告的正文单元格")
        new = _SEPARATORS.sub("\n", text).strip("\n")
        title = fmt.prose_parts.get(part) or OVERVIEW_PARTS.get(part, part)
        try:
            check_value(new, "markdown")
        except ValueProblem as exc:
            raise ValueError(f"“{title}”：应为{exc.expected}，实际为{exc.found}") from None
        if str(prose.get(part) or "").strip("\n") == new:
            continue
        prose[part] = LiteralScalarString(new + "\n") if new else ""
        changed = True
    if not changed:
        return False
    written = _spliced(original, doc, prose, [p for p in parts if prose.get(p) is not None], yaml)
    if written is None:  # a part the file did not have yet, or a prose written in flow style: the file anew
        buffer = io.StringIO()
        yaml.dump(doc, buffer)
        written = buffer.getvalue()
    back = parse_yaml(written, data_file.name, _yaml())  # raises DataFileError, in Chinese, if it does not read
    for part, text in parts.items():
        if str((back.get("prose") or {}).get(part) or "").strip("\n") != _SEPARATORS.sub("\n", text).strip("\n"):
            raise ValueError(f"“{fmt.prose_parts.get(part, part)}”写入后读回的文字与输入不同，未保存")
    if _loads(original, data_file):
        parse_report(written, data_file.name, data_file)  # a file that loaded before loads after
    write_atomic(data_file, stored(written, form))
    return True


def _spliced(original: str, doc: CommentedMap, prose: CommentedMap, parts: list[str], yaml: YAML) -> str | None:
    """The original text with only the lines of ``parts`` replaced: every other byte (blanks left empty, ``~``,
    comments, quotes, spacing) stays as it was. None where the parts' lines cannot be told apart."""
    if prose.fa.flow_style() or "prose" not in doc or any(p not in prose.lc.data for p in parts):
        return None
    lines = original.splitlines(keepends=True)
    keys = list(doc)
    after_prose = keys.index("prose") + 1
    end_of_prose = doc.lc.key(keys[after_prose])[0] if after_prose < len(keys) else len(lines)
    starts = sorted((prose.lc.key(k)[0], k) for k in prose)
    spans = {}
    for i, (start, key) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else end_of_prose
        column = prose.lc.key(key)[1]
        while end > start + 1 and _outside(lines[end - 1], column):
            end -= 1  # blank lines and comments after a part are the file's, not the part's
        spans[key] = (start, end)
    for key in sorted(parts, key=lambda k: spans[k][0], reverse=True):
        start, end = spans[key]
        column = prose.lc.key(key)[1]
        if lines[start][:column].strip():
            return None
        buffer = io.StringIO()
        yaml.dump({key: prose[key]}, buffer)
        block = [" " * column + line if line.strip() else line for line in buffer.getvalue().splitlines(keepends=True)]
        lines[start:end] = block
    return "".join(lines)


def _outside(line: str, column: int) -> bool:
    """Whether a line after a part's key is no line of its text: blank, or a comment no deeper than the key."""
    stripped = line.lstrip(" ")
    return not stripped.strip() or (stripped.startswith("#") and len(line) - len(stripped) <= column)


def _loads(text: str, data_file: Path) -> bool:
    try:
        parse_report(text, data_file.name, data_file)
    except DataFileError:
        return False
    return True


class ReportContentsManager(FileContentsManager):
    """JupyterLab's files, plus an editing view ``<data>/<town>/<year>.ipynb`` beside every data file."""

    def _data_file(self, path: str) -> Path | None:
        """The data file whose editing view ``path`` names, if it does (and no real notebook is there)."""
        path = path.strip("/")
        if not path.endswith(".ipynb") or os.path.exists(self._get_os_path(path)):
            return None
        candidate = Path(self._get_os_path(path[: -len(".ipynb")] + ".yaml"))
        project = self._project
        if project is None or year_file(candidate) is None or not candidate.is_file():
            return None
        return candidate if candidate.parent.parent.resolve() == project.data else None

    @functools.cached_property
    def _project(self) -> Project | None:
        """The project the server's root folder is in (found once: the root does not change)."""
        try:
            return Project.find(Path(self.root_dir))
        except XxgkError:
            return None

    @functools.cached_property
    def _narrative_times(self) -> dict[str, tuple[tuple[int, int], str, Any]]:
        return {}  # a data file → its stamp when last read, its narrative then, and the view's time for it

    def _narrative_modified(self, data_file: Path, modified: Any) -> Any:
        """When the view last changed: when the data file's narrative (or format) last did, not its numbers, which
        the view's grids write themselves (a save after them is no conflict with the file on disk). The file is
        read again only when it has changed since."""
        stamped = stamp(data_file)
        kept = self._narrative_times.get(str(data_file))
        if kept is not None and kept[0] == stamped:
            return kept[2]
        try:
            doc = _read(data_file)
        except (DataFileError, OSError):
            return modified
        meaning = json.dumps([doc.get("format"), doc.get("prose")], default=str, ensure_ascii=False, sort_keys=True)
        if kept is not None and kept[1] == meaning:
            modified = kept[2]
        self._narrative_times[str(data_file)] = (stamped, meaning, modified)
        return modified

    def _view_model(self, path: str, data_file: Path, content: bool, require_hash: bool = False) -> dict[str, Any]:
        yaml_path = path[: -len(".ipynb")] + ".yaml"
        model = self._base_model(yaml_path)
        model["last_modified"] = self._narrative_modified(data_file, model["last_modified"])
        model.update(name=path.rsplit("/", 1)[-1], path=path, type="notebook", size=None)
        if content or require_hash:
            assert self._project is not None  # a view exists only in a project
            nb = view(self._project, data_file)
            self.notary.mark_cells(nb, True)  # its one output is our own style: shown from the start, unsanitised
            if require_hash:
                model.update(**self._get_hash(nbformat.writes(nb).encode()))
            if content:
                model["content"] = nb
                model["format"] = "json"
                self.validate_notebook_model(model)
        return model

    def exists(self, path: str) -> bool:
        return self._data_file(path) is not None or super().exists(path)

    def file_exists(self, path: str = "") -> bool:
        return self._data_file(path) is not None or bool(super().file_exists(path))

    def get(self, path: str, content: bool = True, type: str | None = None, format: str | None = None,
            require_hash: bool = False) -> dict[str, Any]:
        data_file = self._data_file(path)
        if data_file is not None:
            return self._view_model(path.strip("/"), data_file, content, require_hash)
        model = super().get(path, content=content, type=type, format=format, require_hash=require_hash)
        if model["type"] == "directory" and content and isinstance(model.get("content"), list):
            listed = {item["path"] for item in model["content"]}
            for item in list(model["content"]):
                if item["type"] == "file" and item["name"].endswith(".yaml"):
                    view_path = item["path"][: -len(".yaml")] + ".ipynb"
                    found = self._data_file(view_path)
                    if found is not None and view_path not in listed:
                        model["content"].append(self._view_model(view_path, found, False))
        return model

    def save(self, model: dict[str, Any], path: str = "") -> dict[str, Any]:
        data_file = self._data_file(path)
        if data_file is None:
            return super().save(model, path)
        content = model.get("content")
        cells = content.get("cells", []) if isinstance(content, dict) else None
        if model.get("type") != "notebook" or not isinstance(cells, list) or not all(isinstance(c, dict)
                                                                                   for c in cells):
            raise web.HTTPError(400, "编辑视图只能保存为笔记本")
        try:
            write_narrative(data_file, narrative(model["content"]))
        except (DataFileError, OSError, ValueError) as exc:
            raise web.HTTPError(400, f"无法写回数据文件 {data_file.name}：{exc}") from None
        return self._view_model(path.strip("/"), data_file, False, require_hash=True)

    def delete_file(self, path: str) -> None:
        if self._data_file(path) is not None:
            raise web.HTTPError(400, "编辑视图不是文件，不能删除；要删除报告请删除它的数据文件")
        super().delete_file(path)

    def rename_file(self, old_path: str, new_path: str) -> None:
        if self._data_file(old_path) is not None:
            raise web.HTTPError(400, "编辑视图不能改名；它总是与数据文件同名")
        super().rename_file(old_path, new_path)

    # A view has no file to keep checkpoints of; the data file is in git.
    def create_checkpoint(self, path: str) -> dict[str, Any]:
        if self._data_file(path) is not None:
            now = datetime.datetime.now(datetime.UTC)
            return {"id": "view", "last_modified": now}
        return super().create_checkpoint(path)

    def list_checkpoints(self, path: str) -> list[dict[str, Any]]:
        return [] if self._data_file(path) is not None else super().list_checkpoints(path)

    def restore_checkpoint(self, checkpoint_id: str, path: str) -> None:
        if self._data_file(path) is None:
            super().restore_checkpoint(checkpoint_id, path)

    def delete_checkpoint(self, checkpoint_id: str, path: str) -> None:
        if self._data_file(path) is None:
            super().delete_checkpoint(checkpoint_id, path)


JUPYTER_CONFIG = Path(__file__).parent / "jupyter"  # Lab's settings for this project: Chinese, no news prompt


def lab_command(project: Project, *, open_path: str = "", port: int = 0, browser: bool = True) -> list[str]:
    """The command line of JupyterLab for the project: on 127.0.0.1 only, with the editing views, opening
    ``open_path`` (a path in the project) when given."""
    command = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={project.root}",
        f"--ServerApp.contents_manager_class={ReportContentsManager.__module__}.{ReportContentsManager.__name__}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--allow-root",
        "--ServerApp.log_level=WARN",  # Lab's start-up lines are not the clerk's; its warnings and errors are
        "--LabApp.log_level=WARN",
        # The kernel's sockets encrypted (CurveZMQ keys from the server): nothing sent in plain text, nothing to
        # warn of, and no socket file whose path can be too long for the system
        "--MappingKernelManager.transport_encryption=auto",
        "--ServerApp.answer_yes=True",  # one Ctrl+C stops it, without an English question
    ]
    if open_path:
        command.append(f"--LabApp.default_url=/lab/tree/{open_path}")  # Lab sets the server's default_url
    if port:
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if not browser:
        command.append("--no-browser")
    return command


def lab_environment() -> dict[str, str]:
    """The environment of JupyterLab: our settings first on Jupyter's configuration path."""
    paths = [str(JUPYTER_CONFIG), *filter(None, os.environ.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep))]
    return {**os.environ, "JUPYTER_CONFIG_PATH": os.pathsep.join(paths)}
