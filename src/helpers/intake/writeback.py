"""Values entered in the editing view, written back into a data file: only the cells that changed, every other byte
(comments, quotes, blanks left empty, spacing, flow mappings, line ends, a byte-order mark) kept as it was; every
read–modify–write of a data file under its lock, so that two hands never lose an edit."""

from __future__ import annotations

import codecs
import contextlib
import datetime
import fcntl
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from helpers.atomic import write_atomic
from helpers.errors import XxgkError
from helpers.intake.load import parse_yaml
from helpers.report.values import dotted


class WriteBackError(XxgkError):
    """A value the data file cannot take where it is written (its mapping missing, or written in a way we do not
    rewrite): said in Chinese; the file is left as it was."""


class ChangedMeanwhile(WriteBackError):
    """The cell was changed in the file since the view read it, to another value than the one typed: not written;
    the view reloads the file."""


@dataclass(frozen=True)
class Form:
    """How a data file's text is stored: with a UTF-8 byte-order mark or not, CRLF or LF line ends."""

    bom: bool = False
    crlf: bool = False


@contextlib.contextmanager
def locked(data_file: Path) -> Iterator[None]:
    """Hold the data file's write lock (the OS's, on a hidden file beside it: released when the holder ends) for
    one read–modify–write; every writer of data files takes it."""
    lock = data_file.with_name(f".{data_file.name}.lock")
    with open(lock, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_data(data_file: Path) -> tuple[str, Form]:
    """A data file's text with LF line ends and no byte-order mark, and how to store it back as it was."""
    raw = data_file.read_bytes()
    bom = raw.startswith(codecs.BOM_UTF8)
    text = raw[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8")
    return text.replace("\r\n", "\n"), Form(bom, "\r\n" in text)


def stored(text: str, form: Form) -> bytes:
    """``text`` (LF line ends) as the file stores it: its line ends and byte-order mark as they were."""
    body = (text.replace("\n", "\r\n") if form.crlf else text).encode("utf-8")
    return (codecs.BOM_UTF8 if form.bom else b"") + body


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def scalar(value: Any) -> str:
    """A value as YAML text that reads back as itself in block and flow mappings alike ('' for a blank); text
    double-quoted (such a value is rewritten in place next time too)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # normalize leaves no trailing zero to strip
    if isinstance(value, datetime.date):
        return value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)  # a double-quoted YAML string: nothing in it is syntax


def set_values(text: str, shown: str, values: dict[str, Any]) -> str:
    """``text`` with each field of ``values`` (dotted path → value, None for blank) set, nothing else changed.

    A field already in the file has its value replaced where it stands; a missing one is added after the last
    field of its mapping. The result is read back: every other value must be what it was, each set one what was
    asked, or WriteBackError is raised.
    """
    lines = text.splitlines(keepends=True)
    doc = parse_yaml(text, shown, _yaml())
    edits: list[tuple[int, int, int, str]] = []  # line, from column, to column, new text
    inserts: list[tuple[int, str]] = []  # before line, new line
    for path, value in values.items():
        holder, key = _holder(doc, path)
        if key in holder and _same(holder[key]) == _same(value):
            continue  # as it is: not even its spelling changes (a ``~`` stays a ``~``)
        if key in holder:
            edits.append(_replace(lines, holder, key, scalar(value)))
        else:
            inserts.append(_insert(lines, holder, key, scalar(value), path))
    for line, start, end, new in sorted(edits, reverse=True):
        lines[line] = lines[line][:start] + new + lines[line][end:]
    for line, new in sorted(inserts, key=lambda item: item[0], reverse=True):
        if line > 0 and not lines[line - 1].endswith("\n"):
            lines[line - 1] += "\n"
        lines.insert(line, new)
    written = "".join(lines)
    _verify(doc, parse_yaml(written, shown, _yaml()), values)
    return written


def write_values(data_file: Path, values: dict[str, Any], seen: dict[str, Any] | None = None) -> str:
    """Set ``values`` in the data file under its lock (atomically; the file as it was when anything is wrong); its
    new text. ``seen``: each cell as the view showed it; a cell changed in the file since, to another value than
    the one typed, is ChangedMeanwhile (cells changed elsewhere in the file are kept: the write merges)."""
    with locked(data_file):
        original, form = read_data(data_file)
        if seen:
            now = dotted(_plain_data(parse_yaml(original, data_file.name, _yaml())))
            for path, before in seen.items():
                there = now.get(path)
                if _same(there) not in (_same(before), _same(values.get(path))) and not _blank(there, before):
                    raise ChangedMeanwhile(f"这一格已在别处改为 {scalar(there) or '空白'}（表格中原为 "
                                           f"{scalar(before) or '空白'}），未保存；表格已按数据文件刷新，请核对后再填")
        written = set_values(original, data_file.name, values)
        if written != original:
            write_atomic(data_file, stored(written, form))
    return written


def _blank(there: Any, before: Any) -> bool:
    """Both blank, however each is spelt (absent, ~, an empty text)."""
    return there in (None, "") and before in (None, "")


def _holder(doc: CommentedMap, path: str) -> tuple[CommentedMap, str]:
    *parents, key = path.split(".")
    holder: Any = doc
    for part in parents:
        holder = holder.get(part) if isinstance(holder, CommentedMap) else None
        if not isinstance(holder, CommentedMap):
            raise WriteBackError(f"数据文件中没有“{part}”这一组，无法写入；请先补上这一组（可参照上一年度的文件）")
    if key in holder and key not in holder.lc.data:  # a value taken from a YAML merge key (<<: *anchor)
        raise WriteBackError("这一格的值由数据文件中的合并写法（<<）给出，无法在这里修改；请在数据文件中直接修改")
    return holder, key


def _replace(lines: list[str], holder: CommentedMap, key: str, new: str) -> tuple[int, int, int, str]:
    """Where the value of ``key`` stands on its key's line, and what replaces it there."""
    line, column = holder.lc.key(key)
    text = lines[line]
    colon = _colon(text, column)
    flow = holder.fa.flow_style()
    end = colon + 1
    if flow:
        while end < len(text) and text[end] not in ",}\n":
            end += 1
    else:
        end = len(text.rstrip("\r\n"))
        comment = text.find(" #", colon)
        if comment >= 0:
            end = comment
    current = text[colon + 1:end]
    if flow and current.lstrip().startswith('"'):  # a double-quoted text in a flow mapping: to its closing quote
        end = _quoted_end(text, text.index('"', colon + 1))
        current = text[colon + 1:end]
    if current.strip() and not _one_quoted(current.strip()) and (
            current.strip()[0] in "\"'|>[{&*!" or (flow and not _plain(current))):
        raise WriteBackError(f"第 {line + 1} 行的值写法特殊，无法在这里修改；请在数据文件中直接修改")
    if not current.strip():
        lead, trail = current, ""
    else:
        lead = current[: len(current) - len(current.lstrip())]
        trail = current[len(current.rstrip()):]
    if new and not lead:
        lead = " "
    if not new and not flow:
        lead = ""
    return line, colon + 1, end, lead + new + trail


def _quoted_end(text: str, start: int) -> int:
    """The column after the double-quoted scalar that opens at ``start`` (escapes skipped)."""
    at = start + 1
    while at < len(text) and text[at] != '"':
        at += 2 if text[at] == "\\" else 1
    return min(at + 1, len(text))


def _one_quoted(value: str) -> bool:
    """Whether ``value`` is one double-quoted scalar on its line (as ``scalar`` writes text): rewritable."""
    return len(value) >= 2 and value[0] == value[-1] == '"' and _quoted_end(value, 0) == len(value)


def _plain(current: str) -> bool:
    return all(ch not in current for ch in "[]{}")


def _colon(text: str, column: int) -> int:
    """The column of the ``:`` after the key that starts at ``column``."""
    at = column
    if text[at:at + 1] in ("'", '"'):
        quote = text[at]
        at = text.index(quote, at + 1) + 1
    colon = text.find(":", at)
    if colon < 0:
        raise WriteBackError("数据文件的写法特殊（键与值不在同一行），无法在这里修改；请在数据文件中直接修改")
    return colon


def _insert(lines: list[str], holder: CommentedMap, key: str, new: str, path: str) -> tuple[int, str]:
    """A new line ``key: value`` after the last field of a block mapping whose last value is one line."""
    if holder.fa.flow_style() or not len(holder):
        raise WriteBackError(f"数据文件中还没有“{path.rsplit('.', 1)[-1]}”一项，且所在的一组写在一行里，"
                             "无法自动添加；请在数据文件中补上这一项")
    last = list(holder)[-1]
    line, column = holder.lc.key(last)
    value = holder[last]
    if isinstance(value, (dict, list)) or "\n" in str(value):
        raise WriteBackError(f"数据文件中还没有“{path.rsplit('.', 1)[-1]}”一项，无法自动添加；请在数据文件中补上这一项")
    return line + 1, " " * column + f"{key}:" + (f" {new}" if new else "") + "\n"


def _verify(before: CommentedMap, after: CommentedMap, values: dict[str, Any]) -> None:
    """Every value as it was but those set, and those as asked: else the file is not written."""
    old, new = dotted(_plain_data(before)), dotted(_plain_data(after))
    for path, value in values.items():
        got = new.pop(path, None)
        old.pop(path, None)
        if _same(got) != _same(value):
            raise WriteBackError(f"写入后读回的值与输入不同（{scalar(value) or '空白'}），未保存")
    if old != new:
        raise WriteBackError("写入会改动数据文件的其他内容，未保存；请在数据文件中直接修改")


def _same(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value


def _plain_data(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value
