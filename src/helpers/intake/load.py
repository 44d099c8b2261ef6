"""Load stage: read a YAML data file into a typed report, or say exactly what is wrong."""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import io
import re
import typing
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.scalarstring import LiteralScalarString

from helpers.errors import DataFileError, FormatError, Problem, ProjectError, os_reason
from helpers.intake import parsed
from helpers.intake.yaml_mistakes import explain, find_mistake
from helpers.project import year_file, year_files_of_town
from helpers.report import formats
from helpers.report.model import Change, Organ, Report, Signed, Source, optional_of, required
from helpers.report.places import placed, places, short_name
from helpers.report.values import DIGITS, EXPECTED, ValueProblem, check_value, describe, kind_of, read_cell

T = TypeVar("T")
UNFILLED = "空白（尚未填写）"
MIXED_EXPECTED = "数字（件数为非负整数，金额为非负数）"  # a row of blanks that holds counts and amounts
UNFILLED_HINT = "请按本年度实际填写，确为零时填 0；只有按已发布报告原样记录的文件（source: published）可以留空。"
_cache: dict[Path, tuple[tuple[int, int], Report | DataFileError]] = {}


def load_report(path: str | Path) -> Report:
    """Read one data file into its format's report object; raise DataFileError listing every problem.

    A file is parsed once per process while it is unchanged (same size and modification time), and once
    across processes where a build keeps what was parsed (``parsed``): every stage that needs a file's format,
    year, organ or district asks here and gets the same answer.
    """
    path = Path(path)
    key = path.resolve()
    stamped = stamp(key)
    cached = _cache.get(key)
    if cached is None or cached[0] != stamped:
        shown = display_path(path)
        result: Report | DataFileError
        try:
            _refuse_outside_link(path, shown)
            text = read_text(path, shown)
            recalled = parsed.recall(text, shown, path)
            if recalled is None:
                recalled = guarded(lambda: parse_report(text, shown, path), shown)
                parsed.keep(text, shown, path, recalled)
            result = recalled
        except DataFileError as exc:
            result = exc
        cached = _cache[key] = (stamped, result)
    if isinstance(cached[1], DataFileError):
        raise cached[1]
    return cached[1]


UNREADABLE = "能按报告格式读取的数据文件"


def guarded(read: typing.Callable[[], T], shown: str) -> T:
    """``read()``, with any failure but DataFileError turned into one (this file's alone): one file that the
    model cannot hold never stops a run over the others."""
    try:
        return read()
    except DataFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever it is, it is this file's problem, said as such
        found = f"无法读取的内容（{type(exc).__name__}），其他文件不受影响"
        raise DataFileError([Problem(shown, None, "", UNREADABLE, found)]) from exc


def as_far_as_read(read: typing.Callable[[], Report]) -> tuple[Report, list[Problem]]:
    """What ``read`` (``load_report`` or ``parse_report``) gives, with the loader's problems: of a file refused for
    wrong or blank values only, the report as far as it was read, so that every other rule is judged in the same
    run. Raises DataFileError when the file cannot be read into a report at all."""
    try:
        return read(), []
    except DataFileError as exc:
        if exc.judged is None:
            raise
        return exc.judged, exc.problems


@dataclasses.dataclass(frozen=True)
class Glance:
    """What is needed of a data file before building it: its format, and the organ's name and district."""

    format: str
    town: str
    district_slug: str | None
    file: str  # the file as shown to users
    district: str = ""  # the district's name


def glance(path: Path) -> Glance:
    """A data file's format, organ name and district, as ``load_report`` reads them: from a report this process
    has loaded, else from what was kept of its parsing (the report object is not built: a no-op build glances at
    every file of a project), else by loading it. Raises DataFileError as ``load_report`` does."""
    key = path.resolve()
    stamped = stamp(key)
    kept = _glances.get(key)
    if kept is not None and kept[0] == stamped:
        return kept[1]
    _glances[key] = (stamped, found := _glance(path, key, stamped))
    return found


_glances: dict[Path, tuple[tuple[int, int], Glance]] = {}


def _glance(path: Path, key: Path, stamped: tuple[int, int]) -> Glance:
    cached = _cache.get(key)
    if cached is not None and cached[0] == stamped:
        return glance_of(load_report(path))
    shown = display_path(path)
    try:
        _refuse_outside_link(path, shown)
        plain = parsed.recall_plain(read_text(path, shown), shown, path)
    except DataFileError:
        plain = None
    organ, origin = (plain.get("organ"), plain.get("origin")) if plain is not None else (None, None)
    if (plain is not None and isinstance(organ, dict) and isinstance(origin, dict)
            and formats.lookup(plain.get("format")) is not None and isinstance(organ.get("town"), str)
            and isinstance(organ.get("district_slug"), str | None) and isinstance(origin.get("file"), str)):
        district = organ.get("district")
        return Glance(plain["format"], organ["town"], organ["district_slug"], origin["file"],
                      district if isinstance(district, str) else "")
    return glance_of(load_report(path))


def glance_of(report: Report) -> Glance:
    """What ``glance`` gives of a report at hand."""
    organ = report.organ
    return Glance(report.format, organ.town, organ.district_slug, report.origin.file, organ.district)


def stamp(path: Path) -> tuple[int, int]:
    """A file's modification time and size, (-1, -1) where it cannot be read: whether it changed since."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_mtime_ns, stat.st_size)


def unparsed(paths: Iterable[Path]) -> list[Path]:
    """The data files among ``paths`` whose text no process has parsed and kept yet (where parsed reports are
    kept at all): what a cold build may have its workers parse, in parallel, before it reads them itself."""
    found = []
    for path in paths:
        shown = display_path(path)
        try:
            _refuse_outside_link(path, shown)
            text = read_text(path, shown)
        except DataFileError:
            continue  # refused unread: nothing to parse
        if parsed.missing(text, shown, path):
            found.append(path)
    return found


def _refuse_outside_link(path: Path, shown: str) -> None:
    """A data file (``<data>/<town>/<year>.yaml``) that is a link to somewhere outside its data folder is refused
    unread: it may be a system file, whose content must never reach a page."""
    if _links_out(path):
        raise DataFileError([Problem(shown, None, "", "数据目录中的文件", "指向数据目录之外的链接（未读取）")])


def _links_out(path: Path) -> bool:
    """Whether a data file (``<data>/<town>/<year>.yaml``) is a link to somewhere outside its data folder."""
    return year_file(path) is not None and not path.resolve().is_relative_to(path.absolute().parent.parent.resolve())


def load_history(path: str | Path, year: int) -> list[Report]:
    """The same town's reports of earlier years (files beside this one), oldest first; broken ones are left out."""
    history = []
    for sibling in year_files_of_town(Path(path).parent):
        if sibling.year < year:
            try:
                history.append(load_report(sibling.path))
            except DataFileError:
                continue
    return history


def town_slug(data_dir: Path, town: str) -> str | None:
    """The folder of a town given by its code (``nanhu``) or by its name (``南湖街道``, or its official name),
    as its latest readable data file gives it; None if no town of the data folder has that code or name.

    A name that more than one town has (in two districts) is a ProjectError listing them: never the first."""
    if (data_dir / town).is_dir() and year_files_of_town(data_dir / town):
        return town
    found = [(slug, organ) for slug, organ in latest_organs(data_dir) if town in (organ.town, organ.full_name)]
    if len(found) > 1:
        listed = "、".join(f"{slug}（{organ.district or '无所属区'}）" for slug, organ in found)
        raise ProjectError(f"名称为“{town}”的机关有 {len(found)} 个：{listed}；请改用代码指定")
    return found[0][0] if found else None


def digest_bytes(path: Path) -> bytes:
    """What a build's input digest reads of a data file: its bytes, but never through a link out of its data
    folder, nor more than a data file may be (the loader refuses both; the digest then notes only that)."""
    try:
        if _links_out(path):
            return b"<link outside the data folder>"
        size = path.stat().st_size
        if size > MAX_DATA_FILE or not path.is_file():
            return f"<refused: {size} bytes>".encode()
        return path.read_bytes()
    except OSError as exc:
        return f"<unreadable: {exc.errno}>".encode()


def file_digest(path: Path) -> str:
    """The SHA-256 of what ``digest_bytes`` reads of a data file: which file a build checked."""
    return hashlib.sha256(digest_bytes(path)).hexdigest()


def latest_organs(data_dir: Path) -> Iterator[tuple[str, Organ]]:
    """Each town folder of ``data_dir`` with its organ as the latest readable data file gives it."""
    for folder in sorted(p for p in data_dir.iterdir() if p.is_dir()) if data_dir.is_dir() else []:
        for found in reversed(year_files_of_town(folder)):
            try:
                yield folder.name, load_report(found.path).organ
            except DataFileError:
                continue
            break


def load_typed(path: str | Path, cls: type[T]) -> tuple[T, Source]:
    """Read any YAML file whose shape is the dataclass ``cls`` (e.g. a batch definition)."""
    path = Path(path)
    shown = display_path(path)
    doc = parse_yaml(read_text(path, shown), shown)
    reader = _Reader(shown)
    value = reader.read(doc, cls, "")
    if reader.problems:
        raise DataFileError(reader.problems)
    return value, Source(shown, reader.lines)


MAX_DATA_FILE = 4 * 1024 * 1024  # bytes of a data file; a year's report is a few KB, its prose at most a few MB


def read_text(path: Path, shown: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_DATA_FILE:
            found = f"{size / 1024 / 1024:.0f} MB 的文件"
            limit = f"不超过 {MAX_DATA_FILE // 1024 // 1024} MB 的数据文件"
            raise DataFileError([Problem(shown, None, "", limit, found)])
        if not path.is_file():
            raise DataFileError([Problem(shown, None, "", "普通文件", "不是普通文件（如管道、设备）")])
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError([Problem(shown, None, "", "存在的文件", "文件不存在")]) from None
    except IsADirectoryError:
        raise DataFileError([Problem(shown, None, "", "数据文件", "一个目录")]) from None
    except OSError as exc:
        raise DataFileError([Problem(shown, None, "", "可读取的文件", f"无法读取（{os_reason(exc)}）")]) from None
    except UnicodeDecodeError as exc:
        raise DataFileError(
            [Problem(shown, None, "", "UTF-8 编码的文本", f"无法按 UTF-8 解码的字节（位置 {exc.start}）")]
        ) from None


def parse_yaml(text: str, shown: str, yaml: YAML | None = None) -> CommentedMap:
    """The mapping a data file's text holds, or DataFileError saying in Chinese where and why it is not one;
    ``yaml`` is the round-trip loader to read with (one that will write the file back, for instance)."""
    try:
        doc = (yaml or YAML(typ="rt")).load(text)
    except ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else None
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
        found = f"不允许出现在数据文件中的控制字符 U+{code:04X}"
        raise DataFileError([Problem(shown, line, "", "可见的文字（控制字符不能出现在数据文件中）", found)]) from None
    except MarkedYAMLError as exc:
        mistake = find_mistake(text)
        if mistake is not None:
            at = Problem(shown, mistake.line, "", "合法的 YAML 格式", mistake.found, mistake.hint)
            raise DataFileError([at]) from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "无法解析"
        raise DataFileError([Problem(shown, line, "", "合法的 YAML 格式", explain(reason))]) from None
    except YAMLError:
        raise DataFileError([Problem(shown, None, "", "合法的 YAML 格式", "无法解析的内容")]) from None
    except ValueError:  # an integer past Python's 4300 digits, refused by the YAML reader before we see it
        long = re.search(r"\d[\d_]{4299,}", text)
        line = text.count("\n", 0, long.start()) + 1 if long else None
        found = f" {len(long.group().replace('_', '').lstrip('0'))} 位数" if long else "位数过多的数"
        raise DataFileError([Problem(shown, line, "", f"不超过 {DIGITS} 位的整数", found)]) from None
    if not isinstance(doc, CommentedMap):
        # Never quote the content: a file that is not a data file may be anything (a symlinked system file).
        raise DataFileError([Problem(shown, 1, "", "以“字段: 值”书写的映射", "不是数据文件的内容")])
    return doc


def parse_report(text: str, shown: str, path: Path | None = None, reported: frozenset[str] = frozenset()) -> Report:
    """Parse the text of a data file named ``shown``; ``path`` enables the year/town path checks.

    ``reported`` are the fields whose values were refused where they were typed (a workbook's cells): left blank
    and not reported again. A file refused for its values only carries the report as far as it was read.
    """
    doc = parse_yaml(text, shown)
    reader = _Reader(shown, text, published=doc.get("source") == "published", reported=reported)
    fmt = formats.lookup(doc.get("format"))
    if fmt is None:
        known = "、".join(formats.names())
        found = "缺少 format 字段" if "format" not in doc else describe(doc.get("format"))
        line = reader.value_line(doc, "format") if "format" in doc else 1
        refused = placed("", Problem(shown, line, "format", f"已知的报告格式（{known}）", found))
        raise DataFileError([refused], _organ_of(doc))

    reader.fmt = fmt.name
    report = reader.read(doc, fmt.report_class, "")
    earliest, latest = formats.years()
    if not reader.broken and not earliest <= report.year <= latest:  # 9999: no deadline, no calendar has it
        reader.problem(reader.value_line(doc, "year"), "year", f"{earliest}—{latest} 年之间的年度", str(report.year))
    if path is not None and not reader.broken:
        _check_path(report, doc, path, reader)
    judged = None if reader.broken else dataclasses.replace(
        report,
        not_applicable=reader.not_applicable,
        unjudged=reader.unjudged,
        origin=Source(shown, reader.lines, str(path.resolve()) if path else "", reader.texts),
    )
    if reader.problems or judged is None:
        raise DataFileError(reader.problems, _organ_of(doc), judged)
    return judged


def _organ_of(doc: CommentedMap) -> dict[str, str]:
    """The organ's text fields as written, from a file that has other problems."""
    organ = doc.get("organ")
    if not isinstance(organ, dict):
        return {}
    return {str(k): v.strip() for k, v in organ.items() if isinstance(v, str)}


def _check_path(report: Report, doc: CommentedMap, path: Path, reader: _Reader) -> None:
    """data/<town>/<year>.yaml: the year and town in the file must match the path."""
    located = year_file(path)
    if located is None:
        return
    if located.year != report.year:
        reader.problem(reader.value_line(doc, "year"), "year", f"与文件名一致的年份 {located.year}", str(report.year),
                       broken=False)
    town_dir = path.resolve().parent.name
    if report.organ.slug != town_dir:
        reader.problem(
            reader.lines.get("organ.slug"),
            "organ.slug",
            f"与所在目录一致的镇街代码“{town_dir}”",
            f"“{report.organ.slug}”",
            broken=False,
        )


class _Reader:
    """Walks a YAML tree against a dataclass, collecting problems and line numbers."""

    def __init__(self, shown: str, text: str = "", published: bool = False, reported: frozenset[str] = frozenset()):
        self.shown = shown
        self.published = published
        self.reported = reported
        self.broken = False  # whether a problem leaves the report unbuildable, not only a cell wrong or blank
        self.unjudged: list[str] = []
        self.text_lines = text.splitlines()
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        self.texts: dict[str, int] = {}
        self.not_applicable: list[str] = []
        self._unfilled: dict[tuple[int, str], tuple[int, list[str]]] = {}
        self.fmt = ""  # the format's name, once known: problems are then named by the form's own labels

    def problem(self, line: int | None, path: str, expected: str, found: str, hint: str = "", *,
                broken: bool = True) -> None:
        self.broken = self.broken or broken
        self.problems.append(self._placed(Problem(self.shown, line, path, expected, found, hint)))

    def _placed(self, problem: Problem) -> Problem:
        """The problem named where the form prints its field: table, row and column, a part's title."""
        return placed(self.fmt, problem) if self.fmt else problem

    def _written_with_plus(self, node: CommentedMap, key: str) -> bool:
        """Whether the value of ``key`` was written with a leading "+" (``change: +19``)."""
        line, column = node.lc.value(key)
        return 0 <= line < len(self.text_lines) and self.text_lines[line][column : column + 1] == "+"

    def unfilled(self, line: int, path: str, expected: str) -> None:
        """A count left blank in a file of our own: one problem per line and mapping, naming each blank field
        (a new year's file has a hundred of them, a line of six at a time)."""
        parent, _, name = path.rpartition(".")
        self.unjudged.append(path)
        at = self._unfilled.get((line, parent))
        if at is None:
            hint = "" if self._unfilled else UNFILLED_HINT
            self._unfilled[(line, parent)] = (len(self.problems), [name])
            self.problem(line, path, expected, UNFILLED, hint, broken=False)
            return
        index, names = at
        names.append(name)
        shown = "、".join(short_name(self.fmt, f"{parent}.{n}") if self.fmt else n for n in names)
        before = self.problems[index].expected
        both = before if before in (expected, MIXED_EXPECTED) else MIXED_EXPECTED  # 信息处理费: 件数 and 金额
        self.problems[index] = self._placed(dataclasses.replace(
            self.problems[index], path=parent, expected=both, found=f"{UNFILLED}：{shown}", table="", row="",
            column=""))

    @staticmethod
    def value_line(node: CommentedMap, key: str) -> int:
        return node.lc.value(key)[0] + 1

    def read(self, node: Any, cls: type, path: str) -> Any:
        """Read a mapping into dataclass ``cls``; missing parts become None and are reported."""
        if not isinstance(node, CommentedMap):
            self.problem(None if not path else self.lines.get(path), path, "包含若干字段的映射", describe(node))
            return None
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if f.metadata.get("yaml", True)}
        values: dict[str, Any] = {}
        misnamed: set[str] = set()  # fields written with a full-width colon: named once, not also as missing
        for key in node:
            line = node.lc.key(key)[0] + 1
            sub = f"{path}.{key}" if path else str(key)
            hint = hints.get(key)
            signed = hint is Signed or optional_of(hint) is Signed
            if signed and isinstance(node[key], int) and self._written_with_plus(node, key):
                self.lines[sub] = line
                values[key] = Change(self.value(node[key], Signed, sub, self.value_line(node, key)), plus=True)
                continue
            written = str(key).partition("：")[0].strip()
            if key not in fields and "：" in str(key) and written in fields:  # licensing：{decisions: 3}
                misnamed.add(written)
                self.problem(line, f"{path}.{written}" if path else written, "合法的 YAML 格式",
                             f"字段名“{written}”后面是全角冒号“：”", f"请改为半角冒号加一个空格：“{written}: ”。")
                continue
            if key not in fields:
                close = difflib.get_close_matches(str(key), list(fields), n=1, cutoff=0.5)
                hint = f"是否应为“{close[0]}”？" if close else ""
                known = "、".join(fields)
                self.problem(line, sub, f"已知字段之一（{known}）", f"未知字段“{key}”", hint, broken=False)
                continue
            self.lines[sub] = line
            if isinstance(node[key], LiteralScalarString):
                self.texts[sub] = self.value_line(node, key) + 1
            blankable = _blankable(fields[key], hints[key])
            kind = kind_of(optional_of(hints[key]) or hints[key])
            scalar = kind is not None and optional_of(hints[key]) is not None  # a value that may be blank (None)
            if sub in self.reported:  # refused where it was typed, and said there
                values[key] = None if scalar else node[key]
                if scalar:
                    self.unjudged.append(sub)
                else:
                    self.broken = True
                continue
            if self.published and node[key] is None and (not required(fields[key]) or _unknowable(hints[key])):
                if required(fields[key]):
                    values[key] = unknown(hints[key])  # a part printed blank: unknown, as one left out
                continue  # an optional detail printed blank: not given
            if blankable and self.published and isinstance(node[key], str) and node[key].strip() in ("/", "／"):
                values[key] = None
                self.not_applicable.append(sub)
                continue
            number = kind in ("count", "signed", "amount")
            if node[key] is None and number and required(fields[key]) and not self.published:
                self.unfilled(self.value_line(node, key), sub, EXPECTED.get(kind or "", "数值"))
                values[key] = None
                self.broken = self.broken or not blankable  # a 2008 figure cannot be blank in a report at all
                continue
            broken, count = self.broken, len(self.problems)
            values[key] = self.value(node[key], hints[key], sub, self.value_line(node, key),
                                     fields[key].metadata.get("unit"))
            if scalar and len(self.problems) > count:  # a wrong value: blank, so that the rest can be judged
                self.broken, values[key] = broken, None
                self.unjudged.append(sub)
        for name, f in fields.items():
            if name not in node and name not in misnamed and required(f):
                sub = f"{path}.{name}" if path else name
                if self.published and _blankable(f, hints[name]):
                    values[name] = None  # left out of a published table: blank, unknown
                elif self.published and _unknowable(hints[name]):
                    values[name] = unknown(hints[name])  # a whole part the published report does not give
                else:
                    named = bool(self.fmt) and sub in places(self.fmt)  # then the subject names it already
                    expected = "必填字段" if named else f"必填字段 {name}"
                    self.problem(self.lines.get(path, 1), sub, expected, "缺少该字段")
        if self.broken:
            return _Partial(values)
        return cls(**values)

    def value(self, node: Any, tp: Any, path: str, line: int, unit: str | None = None) -> Any:
        """Check one value against type ``tp``; ``unit`` is the unit an amount is kept in."""
        optional = optional_of(tp)
        if optional is not None:
            return None if node is None else self.value(node, optional, path, line, unit)
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            return self.read(node, tp, path)
        if typing.get_origin(tp) is list:
            if not isinstance(node, list):
                self.problem(line, path, "列表", describe(node))
                return node
            (item,) = typing.get_args(tp)
            lines = [node.lc.item(i)[0] + 1 if hasattr(node, "lc") else line for i in range(len(node))]
            self.lines.update({f"{path}[{i}]": at for i, at in enumerate(lines)})
            return [self.value(v, item, f"{path}[{i}]", lines[i]) for i, v in enumerate(node)]
        kind = kind_of(tp)
        if kind is None:
            raise FormatError(f"数据类型 {tp!r}（字段 {path}）不是本工具支持的字段类型")
        try:
            if isinstance(node, str) and node.strip() and kind in ("count", "signed", "amount"):
                return read_cell(node, kind, unit)  # 12件, １２, 120元: a number typed as text reads as in a workbook
            value = check_value(node, kind)
            earliest, latest = formats.years()
            if kind == "date" and not earliest <= int(value[:4]) <= latest + 1:  # 0001-01-01: no day of a report
                raise ValueProblem(f"{earliest}—{latest + 1} 年之间的日期", value)
            return value
        except ValueProblem as exc:
            self.problem(line, path, exc.expected, exc.found)
            return node


def _blankable(f: dataclasses.Field[Any], tp: Any) -> bool:
    """A required number typed ``X | None``: blank is allowed in a published report only."""
    return required(f) and kind_of(optional_of(tp)) in ("count", "signed", "amount")


def _unknowable(tp: Any) -> bool:
    """Whether a part a published report leaves out can stand as unknown: a part whose every required field is a
    number (left blank) or such a part in turn; not the organ, whose name a file must give."""
    if not (isinstance(tp, type) and dataclasses.is_dataclass(tp)):
        return False
    hints = typing.get_type_hints(tp)
    return all(_blankable(f, hints[f.name]) or _unknowable(hints[f.name])
               for f in dataclasses.fields(tp) if required(f))


def unknown(cls: type) -> Any:
    """A part a published report does not give (``_unknowable``): every number blank, every nested part likewise."""
    hints = typing.get_type_hints(cls)
    values = {f.name: None if _blankable(f, hints[f.name]) else unknown(hints[f.name])
              for f in dataclasses.fields(cls) if required(f)}
    return cls(**values)


class _Partial(dict):
    """Stands in for a dataclass that could not be built because of earlier problems."""


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def dump_yaml(data: dict[str, Any]) -> str:
    """YAML text of a data file, as the loader reads it back: short mappings of numbers on one line,
    prose as blocks, amounts as plain numbers."""
    yaml = YAML()
    yaml.width = 4096
    yaml.allow_unicode = True
    buffer = io.StringIO()
    buffer.write("# 示例数据：虚构的镇街与数字，由 xxgk demo-data 生成。\n" if data.get("sample") else "")
    yaml.dump(_styled(data), buffer)
    return buffer.getvalue()


def write_district(out: Path, data: dict[tuple[str, int], dict[str, Any]]) -> list[Path]:
    """Write ``<out>/<slug>/<year>.yaml`` for every entry (e.g. ``demo.district_data``'s); returns the paths written."""
    paths = []
    for (slug, year), content in sorted(data.items()):
        path = out / slug / f"{year}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump_yaml(content), encoding="utf-8")
        paths.append(path)
    return paths


def _styled(value: Any) -> Any:
    if isinstance(value, dict):
        node = CommentedMap((k, _styled(v)) for k, v in value.items())
        if value and all(isinstance(v, int | float | Decimal | None) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    if isinstance(value, Decimal):
        return float(value)
    return value
