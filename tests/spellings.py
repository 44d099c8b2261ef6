"""Write the same data as YAML in many spellings: comments after values, quoted scalars, flow and block
mappings, a byte-order mark, CRLF line ends. Used by the property tests that every stage reads them alike."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9+.][^\n#]*$")
_FLOW_PLAIN = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9_]*$")


@dataclass(frozen=True)
class Choices:
    """Draws one spelling decision at a time from hypothesis."""

    draw: Any

    def flow(self) -> bool:
        return bool(self.draw(st.booleans()))

    def comment(self) -> str:
        return self.draw(st.sampled_from(["", "", "  # 注释", " #说明: 不是值"]))

    def text_style(self, text: str, block: bool) -> str:
        styles = ["double"]
        if "\n" not in text and "'" not in text:
            styles.append("single")
        if _PLAIN_SAFE.match(text) and ": " not in text and text == text.strip() and not _looks_typed(text):
            styles.append("plain")
        if block and "\n" in text.strip("\n") and not text.startswith((" ", "\n")):
            styles.append("literal")
        return self.draw(st.sampled_from(styles))


def _looks_typed(text: str) -> bool:
    return text.lower() in {"true", "false", "yes", "no", "null", "~", "on", "off"}


def _scalar(value: Any, choices: Choices, block: bool, indent: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if value is None:
        return "null"
    text = str(value)
    style = choices.text_style(text, block)
    if style == "plain":
        return text
    if style == "single":
        return "'" + text + "'"
    if style == "literal":
        if text.endswith("\n"):
            chomp, lines = ("+" if text.endswith("\n\n") else ""), text[:-1].split("\n")
        else:
            chomp, lines = "-", text.split("\n")
        return f"|{chomp}\n" + "\n".join(f"{indent}  {line}" if line else "" for line in lines)
    return json.dumps(text, ensure_ascii=False)


def _flow(value: Any, choices: Choices) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v, choices)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v, choices) for v in value) + "]"
    if isinstance(value, str):
        plain = _FLOW_PLAIN.match(value) and not _looks_typed(value)
        return value if plain and choices.flow() else json.dumps(value, ensure_ascii=False)
    return _scalar(value, choices, False, "")


def _block(mapping: dict[str, Any], choices: Choices, indent: str) -> list[str]:
    lines = []
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            if choices.flow():
                lines.append(f"{indent}{key}: {_flow(value, choices)}{choices.comment()}")
            else:
                lines.append(f"{indent}{key}:{choices.comment()}")
                lines += _block(value, choices, indent + "  ")
        else:
            text = _scalar(value, choices, True, indent)
            if text.startswith("|"):
                head, _, body = text.partition("\n")
                lines.append(f"{indent}{key}: {head}{choices.comment()}")
                lines.append(body)
            else:
                lines.append(f"{indent}{key}: {text}{choices.comment()}")
    return lines


def spell(data: dict[str, Any], draw: Any) -> str:
    """``data`` as YAML text in a spelling drawn with hypothesis's ``draw``."""
    choices = Choices(draw)
    text = "\n".join(_block(data, choices, "")) + "\n"
    if draw(st.booleans()):
        text = "# 数据文件（另一种写法）\n" + text
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text
