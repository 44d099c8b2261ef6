"""One validator for the scalar values of a report, shared by the YAML loader and the Excel intake.

A field's type in the data model names its kind: ``int`` a non-negative count,
``Signed`` a change that may be negative, ``Decimal`` a non-negative amount,
``str`` one line of text, ``Markdown`` prose, ``Url`` an http(s) address,
``bool`` a flag. A number typed as text (``12件``, ``１２``, ``120元``) and a date
however it is written (``2027年1月20日``, ``2027.1.20``, ``2027/1/20``) read the same
in a data file and a workbook, and what is refused is refused in both.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from helpers.errors import XxgkError
from helpers.report.model import (
    AMOUNT_UNITS,
    ORGAN_KINDS,
    SLUG,
    SLUG_RULE,
    AmountUnit,
    IsoDate,
    Markdown,
    OrganKind,
    Record,
    Signed,
    Slug,
    Url,
    field_at,
)

KINDS: dict[Any, str] = {
    Record: "record",
    AmountUnit: "unit",
    IsoDate: "date",
    OrganKind: "organ_kind",
    Slug: "slug",
    int: "count",
    Signed: "signed",
    Decimal: "amount",
    str: "text",
    Markdown: "markdown",
    Url: "url",
    bool: "flag",
}
EXPECTED = {
    "record": "published（按已发布的报告原样记录）",
    "unit": f"金额单位（{'或'.join(AMOUNT_UNITS)}）",
    "date": "日期（如 2026-01-20 或 2026年1月20日）",
    "organ_kind": f"机关类别之一（{'、'.join(ORGAN_KINDS)}）",
    "slug": f"{SLUG_RULE}的代码",
    "count": "非负整数",
    "signed": "整数（可为负数）",
    "amount": "非负金额（数字）",
    "text": "单行文本",
    "markdown": "文本",
    "url": "以 http:// 或 https:// 开头的网址",
    "flag": "true 或 false",
}
_URL = re.compile(r"^https?://[^\s<>\"]+$")
MAX_PROSE = 100_000  # characters of one prose field (a whole report is rarely a tenth of it)
MAX_LINE = 1_000  # characters of a one-line text field
DIGITS = 12  # integer digits of a count or an amount: no town's year comes near 10**12; more is a typing mistake
DECIMALS = 6  # decimals of an amount: a millionth of 万元 is a cent
LARGEST = 10**DIGITS
AMOUNT_BOUND = f"整数不超过 {DIGITS} 位、小数不超过 {DECIMALS} 位的{EXPECTED['amount']}"
# C0/C1 controls but line feed and tab; bidi embeddings, overrides and isolates (they reorder text on the page).
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_INTEGER_TEXT = re.compile(r"[+-]?(\d+)(\.0+)?")
COUNT_UNITS = ("件", "个", "项", "次", "人", "条")  # what a printed or typed count may end with: 12件
_COUNT_UNIT = re.compile(rf"(?<=\d)\s*(?:{'|'.join(COUNT_UNITS)})$")
_AMOUNT_UNIT = re.compile(r"(?<=\d)\s*(万元|元)$")
# 2027-01-20, 2027年1月20日, 2027.1.20, 2027/1/20: one date however it was typed
_DATE_TEXT = re.compile(r"(\d{4})\s*(?:年|-|\.|/)\s*(\d{1,2})\s*(?:月|-|\.|/)\s*(\d{1,2})\s*日?")
_FULL_MINUS = str.maketrans({"−": "-", "－": "-", "＋": "+"})


class ValueProblem(XxgkError):
    """A value that is not of its field's kind: what was expected and what was found, in Chinese."""

    def __init__(self, expected: str, found: str):
        self.expected, self.found = expected, found
        super().__init__(f"应为{expected}，实际为{found}")


def kind_of(tp: Any) -> str | None:
    """The kind of a data-model type, or None for a type that is not a scalar of ours."""
    return KINDS.get(tp)


def kind_at(cls: type, path: str) -> str | None:
    """The kind of the field at a dotted path of a data-model class (``applications.received.natural``: count),
    None where the path names no scalar field."""
    found = field_at(cls, path)
    return kind_of(found[1]) if found is not None else None


def check_value(value: Any, kind: str) -> Any:
    """``value`` as its kind (amounts become Decimal, text is stripped); raise ValueProblem otherwise."""
    expected = EXPECTED[kind]
    if kind == "date":
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return value.isoformat()
        found = _DATE_TEXT.fullmatch(unicodedata.normalize("NFKC", str(value)).strip())
        try:
            if found is None:
                raise ValueError
            return datetime.date(*(int(part) for part in found.groups())).isoformat()
        except ValueError:
            raise ValueProblem(expected, describe(value)) from None
    if kind == "flag":
        if not isinstance(value, bool):
            raise ValueProblem(expected, describe(value))
        return value
    if kind in ("count", "signed"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueProblem(expected, describe(value))
        if kind == "count" and value < 0:
            raise ValueProblem(expected, f"负数 {value}")
        if abs(value) >= LARGEST:
            raise ValueProblem(f"不超过 {DIGITS} 位的{expected}", f" {_int_digits(value)} 位数")
        return value
    if kind == "amount":
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueProblem(expected, describe(value))
        try:
            amount = _as_entered(value)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise ValueProblem(AMOUNT_BOUND if isinstance(value, float) else expected, describe(value))
        if amount < 0:
            raise ValueProblem(expected, f"负数 {value}")
        return amount
    if kind == "url":
        if not isinstance(value, str) or not _URL.match(value.strip()):
            raise ValueProblem(expected, describe(value))
        return value.strip()
    if not isinstance(value, str):
        raise ValueProblem("文本", describe(value))
    bad = _FORBIDDEN.search(value)
    if bad:
        where = value.count("\n", 0, bad.start()) + 1
        column = bad.start() - (value.rfind("\n", 0, bad.start()) + 1) + 1
        place = f"第 {where} 行第 {column} 个字符" if "\n" in value else f"第 {column} 个字符"
        raise ValueProblem("不含控制字符、双向控制符的文本", f"{place}为 U+{ord(bad.group()):04X}")
    if kind == "slug":
        if not SLUG.match(value.strip()):
            raise ValueProblem(expected, describe(value))
        return value.strip()
    if kind == "record":
        if value.strip() != "published":
            raise ValueProblem(expected, describe(value))
        return value.strip()
    if kind == "unit":
        if value.strip() not in AMOUNT_UNITS:
            raise ValueProblem(expected, describe(value))
        return value.strip()
    if kind == "organ_kind":
        if value.strip() not in ORGAN_KINDS:
            raise ValueProblem(expected, describe(value))
        return value.strip()
    if kind == "text":
        if "\n" in value.strip():
            raise ValueProblem(expected, "多行文本")
        if len(value) > MAX_LINE:
            raise ValueProblem(f"不超过 {MAX_LINE} 个字符的{expected}", f"{len(value)} 个字符")
        return value.strip()
    if len(value) > MAX_PROSE:
        raise ValueProblem(f"不超过 {MAX_PROSE} 个字符的正文", f"{len(value)} 个字符")
    return str(value)


def _int_digits(value: int) -> int:
    """How many digits an integer has, without writing it out (Python refuses past 4300 digits, and a huge one
    takes long): exact below that, from its logarithm above."""
    value = abs(value)
    if value.bit_length() < 13_000:
        return len(str(value))
    return int(math.log10(value)) + 1


def _places(amount: Decimal) -> tuple[int, int]:
    """An amount's integer digits and decimals (trailing zeros not counted), read from its digits and exponent
    alone: ``1e999999999`` is a billion digits, counted without writing one of them."""
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    kept = len(digits)
    while kept and digits[kept - 1] == 0:
        kept -= 1
    if not any(digits[:kept]):
        return 0, 0
    exponent += len(digits) - kept
    lead = next(i for i, d in enumerate(digits) if d)
    return max(0, kept - lead + exponent), max(0, -exponent)


def _bounded(amount: Decimal, value: Any) -> Decimal:
    """An amount within what the form allows (``DIGITS`` integer digits, ``DECIMALS`` decimals), checked before
    any arithmetic on it; ValueProblem in the form's words otherwise. A spreadsheet's binary float noise
    (0.30000000000000004) is rounded away; a decimal typed past a cent is refused."""
    if not amount.is_finite():
        return amount
    whole, decimals = _places(amount)
    if whole > DIGITS:
        raise ValueProblem(AMOUNT_BOUND, f" {whole} 位整数")
    if decimals > DECIMALS and isinstance(value, float) and getattr(value, "_width", None) is None:
        rounded = round(value, DECIMALS)
        if abs(value - rounded) <= 1e-9 * abs(value):
            return Decimal(str(rounded))
    if decimals > DECIMALS:
        raise ValueProblem(AMOUNT_BOUND, f" {decimals} 位小数")
    exponent = amount.as_tuple().exponent
    zero = not amount and not (isinstance(exponent, int) and -DECIMALS <= exponent <= 0)
    return Decimal(0) if zero else amount  # 0e999999999 is 0, never a billion zeros written out


def _as_entered(value: Any) -> Decimal:
    """An amount with the digits it was written with: ``0`` stays 0, ``1646.50`` keeps its two decimals.

    A YAML float remembers how it was written (ruamel's width and the position of its point); any other number
    keeps the digits of its shortest form. Bounded (``_bounded``) before anything is worked out from it.
    """
    amount = _bounded(Decimal(str(value)), value)
    width, point = getattr(value, "_width", None), getattr(value, "_prec", None)
    exponent = getattr(value, "_exp", None)
    if isinstance(width, int) and isinstance(point, int) and exponent is None and amount.is_finite():
        decimals = width - point - 1
        if 0 <= decimals <= 10:
            amount = amount.quantize(Decimal(1).scaleb(-decimals))
    return amount


def read_cell(value: Any, kind: str, unit: str | None = None) -> Any:
    """A spreadsheet cell as its kind: numbers stored as text, full-width digits; a blank number is None.

    An amount typed with its unit (``28.46万元``, ``120元``) is converted to ``unit``, the unit its field is kept in;
    where the file gives the unit elsewhere (``unit`` None), an amount is typed without one."""
    written = ""  # the unit an amount was typed with
    if isinstance(value, str):
        # Full-width digits and signs become ASCII for numbers only: prose keeps its Chinese punctuation.
        if kind in ("text", "markdown", "url", "slug", "organ_kind", "date", "unit"):
            value = value.strip()
        else:
            value = unicodedata.normalize("NFKC", value).translate(_FULL_MINUS).strip()
            typed = _AMOUNT_UNIT.search(value) if kind == "amount" else None  # 28.46万元, 120元
            if typed and unit is None:
                raise ValueProblem("不带单位的金额（金额单位另填在“金额单位”一栏）", describe(value))
            if typed:
                written, value = typed.group(1), value[: typed.start()]
            elif kind != "amount":
                value = _COUNT_UNIT.sub("", value)  # 12件
        if value == "":
            value = None
    if kind in ("organ_kind", "date", "unit"):
        return None if value is None else check_value(value, kind)
    if kind in ("text", "markdown", "url", "slug"):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value)
        return text.rstrip() + "\n" if kind == "markdown" else check_value(text, kind)
    if kind == "flag":
        if value in (None, "否", "N", "n", False, 0):
            return False
        if value in ("是", "Y", "y", True, 1):
            return True
        raise ValueProblem("“是”或“否”", describe(value))
    if value is None:
        return None  # a blank is not yet filled in, never a 0 nobody entered
    if isinstance(value, str):
        if kind == "amount":
            try:
                value = _bounded(Decimal(value), None)
            except InvalidOperation:
                raise ValueProblem(EXPECTED[kind], describe(value)) from None
            if written and unit and written != unit:  # 120元 in a field kept in 万元: 0.012
                value = value / AMOUNT_UNITS[written] * AMOUNT_UNITS[unit]
                value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        elif typed_integer := _INTEGER_TEXT.fullmatch(value):
            digits = len(typed_integer.group(1).lstrip("0"))
            if digits > DIGITS:  # counted before it is read: 5000 digits are no count
                raise ValueProblem(f"不超过 {DIGITS} 位的{EXPECTED[kind]}", f" {digits} 位数")
            value = int(Decimal(value))
        else:
            raise ValueProblem(EXPECTED[kind], describe(value))
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem(EXPECTED[kind], "超出范围的数")
    if isinstance(value, float) and kind != "amount":
        if not value.is_integer():
            raise ValueProblem(EXPECTED[kind], f"小数 {value:g}")
        value = int(value)
    return check_value(value, kind)


def describe(value: Any) -> str:
    """A clerk-readable description of a value."""
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return f"布尔值 {'true' if value else 'false'}"
    if isinstance(value, int):
        return f"整数 {value}"
    if isinstance(value, float | Decimal):
        return f"小数 {value}" if math.isfinite(value) else "超出范围的数"
    if isinstance(value, str):
        short = value if len(value) <= 20 else value[:20] + "…"
        return f"文本“{_visible(short)}”"
    if isinstance(value, dict):
        return "映射（若干字段）"
    if isinstance(value, list):
        return "列表"
    return type(value).__name__


def _visible(text: str) -> str:
    """Text safe to print on a terminal or a page: control and bidi characters shown as their code."""
    return _FORBIDDEN.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def dotted(values: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as one level of dotted paths (``organ.town``) to values; mappings are opened up."""
    found: dict[str, Any] = {}
    for key, value in values.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            found.update(dotted(value, name))
        else:
            found[name] = value
    return found
