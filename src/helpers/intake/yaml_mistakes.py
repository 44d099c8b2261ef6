"""The YAML mistakes clerks make, found in the text at the line they are on, with a hint in Chinese.

The parser notices a mistake where it stops making sense, often lines later (a paragraph pasted without
indentation is reported at the next key). These rules look at the text itself, so that the message points at
the line the clerk has to fix; the parser's own message, put in Chinese, is the fallback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK_START = re.compile(r"^(?P<indent> *)(?P<key>[^\s#:][^:#]*?):\s*[|>][-+0-9]*\s*(#.*)?$")
_KEY_LINE = re.compile(r"^\s*(-\s+)?[^\s:#][^:#]*?:(\s|$)")
_FULL_WIDTH_KEY = re.compile(r"^(?P<indent>\s*)(-\s+)?(?P<key>[A-Za-z_][\w.]*)\s*：")
_TAB_INDENT = re.compile(r"^ *\t")

PARSER_MESSAGES = {  # ruamel.yaml's words → what they mean to a clerk
    "could not find expected ':'": "缺少“:”：每个字段应写成“字段名: 值”（半角冒号后加一个空格）",
    "mapping values are not allowed here": "这里不能再出现“: ”：值里含有半角冒号时，请给整个值加上引号",
    "found character '\\t' that cannot start any token": "出现了制表符（Tab）：YAML 只能用空格缩进",
    "found unexpected end of stream": "引号或括号没有闭合",
    "found a tab character that violates indentation": "出现了制表符（Tab）：YAML 只能用空格缩进",
    "found duplicate key": "同一个字段写了两次",
}


@dataclass(frozen=True)
class Mistake:
    """A clerk's mistake: the 1-based line to fix, what is found there, and how to fix it."""

    line: int
    found: str
    hint: str


def find_mistake(text: str) -> Mistake | None:
    """The first common clerk mistake in the text of a YAML file that failed to parse, if one is recognised."""
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        if _TAB_INDENT.match(line):
            return Mistake(number, "用制表符（Tab）缩进的一行", "YAML 只能用空格缩进：请把这一行开头的 Tab 换成空格。")
        full_width = _FULL_WIDTH_KEY.match(line)
        if full_width and not _inside_block(lines, number - 1):
            key = full_width.group("key")
            return Mistake(
                number, f"字段名“{key}”后面是全角冒号“：”", f"请改为半角冒号加一个空格：“{key}: ”。"
            )
    return _unindented_prose(lines)


def _unindented_prose(lines: list[str]) -> Mistake | None:
    """A line of prose that lost its indentation, and so fell out of the block of text above it."""
    for start, line in enumerate(lines):
        block = _BLOCK_START.match(line)
        if not block:
            continue
        key_indent = len(block.group("indent"))
        body = [i for i in range(start + 1, len(lines)) if lines[i].strip()]
        if not body:
            continue
        text_indent = _indent(lines[body[0]])
        if text_indent <= key_indent:
            continue
        for i in body:
            indent = _indent(lines[i])
            if indent >= text_indent:
                continue
            if _KEY_LINE.match(lines[i]) or lines[i].lstrip().startswith("#"):
                break  # the next field: the block ended where it should
            key = block.group("key").strip()
            return Mistake(
                i + 1,
                f"缩进不足的一行正文（应至少缩进 {text_indent} 个空格，实际 {indent} 个）",
                f"这一行不在上面“{key}”的正文里：正文的每一行都要与第 {body[0] + 1} 行的第一行正文对齐，"
                f"比“{key}:”多缩进。",
            )
    return None


def _inside_block(lines: list[str], index: int) -> bool:
    """Whether line ``index`` is text inside a ``|`` or ``>`` block (where any character is allowed)."""
    indent = _indent(lines[index])
    for i in range(index - 1, -1, -1):
        if not lines[i].strip():
            continue
        block = _BLOCK_START.match(lines[i])
        if block and len(block.group("indent")) < indent:
            return True
        if _indent(lines[i]) < indent or (_KEY_LINE.match(lines[i]) and _indent(lines[i]) <= indent):
            return False
    return False


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def explain(problem: str) -> str:
    """The parser's message in Chinese, where it is one we know; else quoted as it is."""
    for words, meaning in PARSER_MESSAGES.items():
        if words in problem:
            return meaning
    return f"语法错误（解析器提示：{problem}）"
