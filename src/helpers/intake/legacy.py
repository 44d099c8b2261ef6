"""A published report of the 2008–2018 format (``legacy-2008``) read off its page: under the 2008 条例 every organ
printed its own outline, so the page is recorded as printed — each part under its heading, in order, and each
figure its sentences state (主动公开政府信息5条, 收到政府信息公开申请10件, 行政复议0件) with the part it stands in, its
label, value and unit. Nothing the page does not print is written."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from helpers.intake.pages import TABLE, Page
from helpers.intake.transcribe import (
    Title,
    Transcript,
    _caption,
    _ordered,
    _preamble,
    chrome,
    dated,
    head,
    norm,
    sentence,
    signature,
)
from helpers.report import formats

LEGACY_2008 = "legacy-2008"
_PART = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.．]\s*\S")
UNITS = ("万人次", "人次", "万人", "万元", "条", "件", "次", "个", "项", "篇", "期", "场", "元", "份", "家", "批", "名",
         "人")
# A figure: the words of its clause, a number (50余篇: about), a unit (never a date's 年, 月, 日).
_FIGURE = re.compile(r"(?P<words>[^，,。；;：:、！？\s（）()“”]*?)(?P<value>\d+(?:\.\d+)?)\s*(?P<about>余|多)?"
                     rf"(?P<unit>{'|'.join(UNITS)})")
# A count the report gives as none: 没有接到……申请, 未收取任何费用, 未发生……行政复议案 (value 0, as printed).
_NONE = re.compile(r"(?P<before>[^，,。；;：:！？]*?)(?P<said>(?:没有|未|无)(?:接到|收到|受理|发生|收取|出现|产生)?)"
                   r"(?P<after>[^，,。；;：:！？]*)")
_COUNTED = ("申请", "收费", "费用", "复议", "诉讼", "申诉", "投诉")
_CLAUSE = re.compile(r"[^，,。；;！？]+")
_AFTER = re.compile(r"^.*(?:共计|累计|合计|总计|其中|全年|共)")  # what stands before these is not the label
_LEAD = re.compile(r"^(?:\d{4}年度?|本年度|本年|今年|年内|通过|在|向|对|为|我(?:镇|乡|街道|局|委|办|区|县|市|单位))+")
_TRAIL = re.compile(r"(?:共计|共|计|合计|累计|为|达|有|了|约|达到)+$")


def transcribe_legacy(page: Page, title: Title, year: int | None) -> Transcript:
    """The data file's content of a 2008-format page: its parts as printed and the figures they state."""
    result = Transcript({"format": LEGACY_2008, "source": "published"})
    head(page, title, year, result)
    data = result.data
    parts: list[tuple[str, list[str]]] = [("", [])]  # the preamble: the text before the first heading
    for at, block in enumerate(page.blocks):
        if block == TABLE or _caption(page.blocks, at) or chrome(block):
            continue
        if _PART.match(block) and len(block) <= 40 and "。" not in block:
            parts.append((" ".join(block.split()), []))
        elif len(parts) == 1 and (norm(block) == norm(page.title) or not sentence(block)):
            continue  # above the first part: the title (on one line or two), the site's links
        else:
            parts[-1][1].append(block)
    if len(parts) == 1:
        result.errors.append(f"{page.name}：找不到“一、……”等各部分的标题，无法按部分读取正文")
    _preamble(parts[0][1], page, data)
    signature(parts[-1][1], data)  # the 落款 ends the last part
    dated(page, data)
    kept = [(heading, blocks) for heading, blocks in parts if heading or blocks]
    data["parts"] = [{"heading": heading, "text": "\n\n".join(blocks)} for heading, blocks in kept]
    figures = [figure for heading, blocks in kept for block in blocks for figure in figures_of(block, heading)]
    if figures:
        data["printed_figures"] = figures
    result.data = _ordered(data, formats.get(LEGACY_2008).report_class)
    result.notes.append(f"{page.name}：2008 年版格式的报告（没有全国统一格式的表格）：按原样记录 {len(kept)} 个部分"
                        f"和句子中写出的 {len(figures)} 个数字")
    return result


def figures_of(text: str, part: str) -> list[dict[str, Any]]:
    """The figures a paragraph states (主动公开政府信息156条), each with its label as printed, value and unit; and
    the counts it states as none (没有接到……申请: 0, as printed)."""
    found: list[dict[str, Any]] = []
    for clause in _CLAUSE.findall(norm(text)):
        figures = list(_FIGURE.finditer(clause))
        for match in figures:
            label = _label(match.group("words"))
            if not label or match.group("words").endswith("第"):
                continue
            value = Decimal(match.group("value"))
            figure: dict[str, Any] = {"part": part, "label": label,
                                      "value": int(value) if value == value.to_integral_value() else value,
                                      "unit": match.group("unit")}
            if match.group("about"):
                figure["as_printed"] = match.group(0)[len(match.group("words")):]
            found.append(figure)
        none = _NONE.search(clause) if not figures and any(word in clause for word in _COUNTED) else None
        if none:
            label = _label(none.group("before")) + re.sub(r"^(?:任何|针对.*?的|关于)", "", none.group("after"))
            said = none.group("said") + none.group("after")
            found.append({"part": part, "label": label or none.group("after"), "value": 0, "unit": "",
                          "as_printed": said if len(said) <= 12 else none.group("said")})
    return found


def _label(words: str) -> str:
    """What a figure counts, from the words before it in its clause: without the connecting 共, 其中, the year,
    我镇 …"""
    words = _TRAIL.sub("", words)
    words = _AFTER.sub("", words)
    return _LEAD.sub("", words)
