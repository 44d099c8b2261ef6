"""Prose a clerk wrote keeps its Markdown formatting but can never become live markup."""

from __future__ import annotations

import pytest

from helpers.output.markup import prose_to_html
from helpers.report.placeholders import md_escape


@pytest.mark.parametrize(
    ("prose", "expected"),
    [
        ("<script>window.__pwned=1</script>", "<p>&lt;script&gt;window.__pwned=1&lt;/script&gt;</p>\n"),
        (
            '前言 <img src=x onerror="window.__pwned=1">',
            "<p>前言 &lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;</p>\n",
        ),
        ("<style>body{display:none}</style>", "<p>&lt;style&gt;body{display:none}&lt;/style&gt;</p>\n"),
        # A javascript: link keeps its words and shows its address as text: no <a> at all.
        ("[点我](javascript:window.__pwned=1)", "<p>点我（javascript:window.__pwned=1）</p>\n"),
        # An image would be a request to the network: its description stands in for it.
        ("![图](http://evil.example/x.png)", "<p>［图片：图］</p>\n"),
    ],
)
def test_hostile_prose_comes_out_as_text(prose, expected):
    assert prose_to_html(prose) == expected


def test_markdown_formatting_and_safe_links_survive():
    html = prose_to_html("**加粗**\n\n1. 第一\n2. 第二\n\n[网站](https://www.gov.cn/)")
    assert "<strong>加粗</strong>" in html and "<ol>" in html
    assert '<a href="https://www.gov.cn/">网站</a>' in html


def test_md_escape_makes_markdown_literal():
    escaped = md_escape("<b>*x*</b> [a](javascript:1)")
    assert prose_to_html(escaped) == "<p>&lt;b&gt;*x*&lt;/b&gt; [a](javascript:1)</p>\n"


def test_a_single_line_break_pasted_from_word_stays_a_line_break():
    html = prose_to_html("一是加强组织领导。\n二是完善制度建设。\n\n另起一段。")
    paragraphs = html.count("<p>")
    assert paragraphs == 2
    first = html.split("</p>")[0]
    assert "一是加强组织领导。<br" in first and "二是完善制度建设。" in first
