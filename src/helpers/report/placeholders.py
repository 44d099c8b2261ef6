"""``{{ … }}`` placeholders: what a placeholder may say, and evaluating one within a budget.

A placeholder may look values up (``organ.town``, ``part_titles[0]``), do arithmetic on numbers, and apply a
short list of filters that cannot make text grow beyond their input (``join``, ``round``, ``default`` …). It may
not call methods, raise to powers, or build text by repeating or padding; its expression is at most
``MAX_EXPRESSION`` characters, its value at most ``MAX_VALUE`` characters, and a filled field or cell at most
``MAX_TEXT``. The same rules are checked before a
build (``xxgk check``) and enforced while filling, so a data file cannot make a page grow without bound.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment

from helpers.errors import PlaceholderError, Problem
from helpers.report import tables
from helpers.report.model import Report
from helpers.report.places import placed
from helpers.report.values import dotted

PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
MAX_EXPRESSION = 200  # characters inside one {{ … }}
MAX_VALUE = 100_000  # characters of one placeholder's value
MAX_TEXT = 200_000  # characters of one field or cell once filled
SAFE_FILTERS = frozenset(
    ["abs", "default", "d", "first", "float", "int", "join", "last", "length", "count", "lower", "upper", "round",
     "string", "trim", "sum", "max", "min", "list", "sort", "unique", "reverse"]
)
_NUMBERS = (int, float, Decimal)
UNKNOWN = "（未公布）"  # a value a published report left blank
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_MISSING_ATTRIBUTE = re.compile(r"has no attribute '([^']+)'")


class _ValuesOnly(SandboxedEnvironment):
    """A sandbox with no globals, no method calls, numbers-only operators and a short list of filters."""

    intercepted_binops = frozenset(["+", "-", "*", "/", "//", "%", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" or not all(isinstance(v, _NUMBERS) and not isinstance(v, bool) for v in (left, right)):
            raise TemplateError(f"运算“{operator}”只能用于数字，且不能用“**”")
        return super().call_binop(context, operator, left, right)

    def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: ARG002
        raise TemplateError("占位符中不能调用函数或方法")


ENV = _ValuesOnly(undefined=StrictUndefined, autoescape=False)
ENV.globals.clear()
ENV.filters = {name: f for name, f in ENV.filters.items() if name in SAFE_FILTERS}
ENV.tests = {}


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ … }}`` in a text: its expression, where it starts, and the line within the text it is on."""

    expression: str
    start: int
    end: int
    line: int  # 1-based, within the text

    @property
    def shown(self) -> str:
        return "{{ " + self.expression + " }}"


def find(text: str) -> Iterator[Placeholder]:
    """Every placeholder of ``text``, in order."""
    for match in PLACEHOLDER.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        yield Placeholder(match.group(1).strip(), match.start(), match.end(), line)


def refusal(placeholder: Placeholder) -> str | None:
    """Why a placeholder may not be used, in Chinese, or None if it may."""
    if len(placeholder.expression) > MAX_EXPRESSION:
        return f"占位符过长（最多 {MAX_EXPRESSION} 个字符）"
    try:
        tree = ENV.parse("{{ " + placeholder.expression + " }}")
    except TemplateError as exc:
        return f"占位符写法有误（{exc.message}）"
    for node in tree.find_all((nodes.Call, nodes.Filter, nodes.Test, nodes.Pow)):
        if isinstance(node, nodes.Call):
            return "占位符中不能调用函数或方法"
        if isinstance(node, nodes.Pow):
            return "占位符中不能用“**”"
        if isinstance(node, nodes.Test):
            return "占位符中不能使用 is 判断"
        if isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS:
            return f"占位符中不能使用过滤器“{node.name}”（可用：{'、'.join(sorted(SAFE_FILTERS))}）"
    return None


def names(placeholder: Placeholder) -> set[str]:
    """The top-level names a placeholder reads."""
    from jinja2 import meta

    return set(meta.find_undeclared_variables(ENV.parse("{{ " + placeholder.expression + " }}")))


def evaluate(placeholder: Placeholder, values: dict[str, Any]) -> Any:
    """The placeholder's value; raises TemplateError (refused, or too long) or jinja2's UndefinedError."""
    why = refusal(placeholder)
    if why:
        raise TemplateError(why)
    value = ENV.compile_expression(placeholder.expression, undefined_to_none=False)(**values)
    if isinstance(value, StrictUndefined):
        str(value)
    if isinstance(value, str | list | tuple | dict) and len(str(value)) > MAX_VALUE:
        raise TemplateError(f"占位符的值过长（最多 {MAX_VALUE} 个字符）")
    return value


def _path(node: nodes.Node) -> list[str | int] | None:
    """``organ.town`` → ["organ", "town"]; ``part_titles[0]`` → ["part_titles", 0]; None for anything else."""
    if isinstance(node, nodes.Name):
        return [node.name]
    if isinstance(node, nodes.Getattr):
        head = _path(node.node)
        return None if head is None else [*head, node.attr]
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str | int):
        head = _path(node.node)
        return None if head is None else [*head, node.arg.value]
    return None


def _shown(path: list[str | int]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


def unknown(placeholder: Placeholder, values: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The names a placeholder reads that ``values`` does not have, each with the closest name it does have."""
    try:
        tree = ENV.parse("{{ " + placeholder.expression + " }}")
    except TemplateError:
        return []
    known = list(dotted(values)) + [k for k, v in values.items() if isinstance(v, dict)]
    missing: dict[str, str | None] = {}
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem)):
        path = _path(node)
        if path is None:
            continue
        here: Any = values
        for depth, part in enumerate(path):
            if isinstance(here, dict) and part in here:
                here = here[part]
            elif isinstance(here, list | tuple) and isinstance(part, int):
                break  # an index into a list: its length is the data's, not a name
            else:
                name = _shown(path[: depth + 1])
                close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                missing.setdefault(name, close[0] if close else None)
                break
    return [(name, close) for name, close in missing.items() if not any(
        name.startswith(other + ".") or name.startswith(other + "[") for other in missing if other != name)]


def fill(text: str, values: dict[str, Any], where: str, unknown: str = UNKNOWN) -> str:
    """Replace every placeholder in ``text``; ``where`` names the cell or data field for errors; a blank value is
    shown as ``unknown`` (a published report's: 未公布)."""
    parts, last = [], 0
    for placeholder in find(text):
        parts.append(text[last : placeholder.start])
        value = _value(placeholder, values, where)
        parts.append(md_escape(unknown if value is None else value))
        last = placeholder.end
    parts.append(text[last:])
    filled = "".join(parts)
    if len(filled) > MAX_TEXT:
        raise PlaceholderError(f"{where}：填充占位符后正文过长（最多 {MAX_TEXT} 个字符）。")
    return filled


def _value(placeholder: Placeholder, values: dict[str, Any], where: str) -> Any:
    shown = placeholder.shown
    why = refusal(placeholder)
    if why:
        raise PlaceholderError(f"{where}：占位符 {shown} 不能使用（{why}）。")
    try:
        missing = unknown(placeholder, values)
        if missing:
            raise PlaceholderError(f"{where}：" + "；".join(_unknown_text(placeholder, name, close)
                                                          for name, close in missing) + "。")
        return evaluate(placeholder, values)
    except UndefinedError as exc:
        attribute = _MISSING_ATTRIBUTE.search(exc.message or "")
        name = attribute.group(1) if attribute else placeholder.expression
        raise PlaceholderError(f"{where}：占位符 {shown} 中的名称“{name}”不是报告记录的数值。") from None
    except TemplateError as exc:
        raise PlaceholderError(f"{where}：占位符 {shown} 无法求值（{exc.message}）。") from None
    except (ArithmeticError, TypeError, ValueError) as exc:
        raise PlaceholderError(f"{where}：占位符 {shown} 无法求值（{exc}）。") from None


def _unknown_text(placeholder: Placeholder, name: str, close: str | None) -> str:
    return f"占位符 {placeholder.shown} 中的名称“{name}”不是报告中的数值" + (f"（应为 {close}？）" if close else "")


def md_escape(value: object) -> str:
    """Text that Markdown renders literally: every ASCII punctuation mark gets a backslash."""
    return _MD_PUNCTUATION.sub(r"\\\1", str(value))


# The names a report offers its placeholders, and the misspelt ones of its prose and template.

PART_HEADING = re.compile(r"^##(?!#)\s*(.+?)\s*$", re.MULTILINE)
PART_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")


def namespace(report: Report, template: Any | None = None) -> dict[str, Any]:
    """Every name a placeholder of this report may use, with its value: the report's facts, and the parts
    of its template (``part_titles``, ``part_count``) when the template (a notebook node) is given."""
    values = tables.facts(report)
    if template is not None:
        titles = part_titles([c.source for c in template.cells if c.cell_type == "markdown"])
        values.update(part_titles=titles, part_count=len(titles))
    return values


def misspelt(report: Report, template: Any | None = None) -> list[Problem]:
    """Every placeholder in the data file's prose that names something the report does not have: all of them
    at once, each at its own line, with the closest name it does have."""
    texts = [(report.origin.file, f"prose.{f.name}", getattr(report.prose, f.name)) for f in fields(report.prose)]
    return _misspelt_in(report, template, texts)


def misspelt_in_template(report: Report, template: Any, shown: str) -> list[Problem]:
    """The same for a template's Markdown cells (read as notebook node; ``shown`` is its path), against the
    names of a report that uses it."""
    texts = [(f"{shown} 第 {i + 1} 个单元格", "", c.source) for i, c in enumerate(template.cells)
             if c.cell_type == "markdown"]
    return _misspelt_in(report, template, texts)


def _misspelt_in(report: Report, template: Any | None, texts: list[tuple[str, str, str]]) -> list[Problem]:
    """The misspelt placeholders of ``texts`` (where, data-file field or "", text): a field's are placed at the
    field's own line of the data file, a template cell's at the line within the cell."""
    values = _checked_against(report, template)
    found = []
    for where, path, text in texts:
        for placeholder in find(text):
            line = report.origin.text_line(path, placeholder.line) if path else placeholder.line
            for name, close in unknown(placeholder, values):
                hint = f"应为 {close}？" if close else "可用的名称见 xxgk check --names。"
                shown = f"占位符 {placeholder.shown} 中的“{name}”"
                found.append(placed(report.format, Problem(where, line, path, "报告中有的名称", shown, hint)))
    return found


def _checked_against(report: Report, template: Any | None) -> dict[str, Any]:
    values = namespace(report, template)
    values.setdefault("part_titles", [])
    values.setdefault("part_count", 0)
    return values


def part_titles(sources: list[str]) -> list[str]:
    """The report's parts: level-2 headings of the Markdown cells, without their numbering."""
    return [PART_NUMBER.sub("", m.group(1)) for src in sources for m in PART_HEADING.finditer(src)]
