"""Exception and problem types shared by every stage, with messages in Chinese."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EROFS: "文件系统只读",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "文件或目录不存在",
    errno.EISDIR: "这是一个目录",
    errno.ENOTDIR: "路径中有一段不是目录",
    errno.EIO: "读写设备出错",
    errno.EMFILE: "打开的文件过多",
}


def os_reason(exc: OSError) -> str:
    """What went wrong with a file, in Chinese."""
    return _OS_REASONS.get(exc.errno or 0, f"系统错误 {exc.errno}" if exc.errno else "系统错误")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a data file: where it is, what was expected, what was found."""

    file: str
    line: int | None
    path: str
    expected: str
    found: str
    hint: str = ""
    severity: str = "error"
    table: str = ""
    row: str = ""
    column: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def describe(self) -> str:
        """The problem without its file and line: where in the report, what was expected and found."""
        if self.table:
            cell = "".join(f"“{label}”{kind}" for label, kind in ((self.row, "行"), (self.column, "列")) if label)
            subject = f"{self.table}{cell}："
        else:
            subject = f"字段 {self.path}：" if self.path else ""
        text = f"{subject}应为{self.expected}，实际为{self.found}。{self.hint}"
        return text if self.is_error else f"警告：{text}"

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file} 第 {self.line} 行"
        text = self.describe().removeprefix("警告：")
        located = f"{where}，{text}" if self.table or self.path else f"{where}：{text}"
        return located if self.is_error else f"警告：{located}"


class XxgkError(Exception):
    """Base class of every error this project raises on purpose."""


class DataFileError(XxgkError):
    """A data file cannot be read into a report; carries every problem found.

    ``organ`` holds what the file says of its organ (town name, district code …) where the YAML itself could
    be read, so that a district summary can name a town whose file is broken. ``judged`` is the report as far as
    it could be read (its wrong and blank cells left blank) where the file is whole otherwise: every other rule is
    judged on it in the same run.
    """

    def __init__(self, problems: list[Problem], organ: dict[str, str] | None = None, judged: Any = None):
        self.problems = problems
        self.organ = organ or {}
        self.judged = judged
        super().__init__("\n".join(str(p) for p in problems))


class PlaceholderError(XxgkError):
    """A {{ … }} placeholder names a value the report did not record, or fails to evaluate."""


class BuildError(XxgkError):
    """A report could not be executed or exported."""


class ProjectError(XxgkError):
    """The project folder, or one of its folders, cannot be found."""


class FormatError(XxgkError):
    """A report format that is not registered, or a registration that is not valid."""


class WorkbookError(XxgkError):
    """An Excel workbook that cannot be read as a fill-in workbook of this tool."""
