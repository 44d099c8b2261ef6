"""Prose a clerk wrote keeps its Markdown formatting but can never become live markup."""

from __future__ import annotations

import pytest

from helpers.markup import md_escape, prose_to_html


@pytest.mark.parametrize(
    ("prose", "forbidden"),
    [
        ("<script>window.__pwned=1</script>", "<script"),
        ('前言 <img src=x onerror="window.__pwned=1">', "<img"),
        ("<style>body{display:none}</style>", "<style"),
        ("[点我](javascript:window.__pwned=1)", 'href="javascript'),
        ("![图](http://evil.example/x.png)", "<img"),
    ],
)
def test_hostile_prose_comes_out_as_text(prose, forbidden):
    html = prose_to_html(prose)
    assert forbidden not in html
    assert "&lt;" in html or "javascript" in html or "［图片：图］" in html


def test_markdown_formatting_and_safe_links_survive():
    html = prose_to_html("**加粗**\n\n1. 第一\n2. 第二\n\n[网站](https://www.gov.cn/)")
    assert "<strong>加粗</strong>" in html and "<ol>" in html
    assert '<a href="https://www.gov.cn/">网站</a>' in html


def test_md_escape_makes_markdown_literal():
    escaped = md_escape("<b>*x*</b> [a](javascript:1)")
    assert prose_to_html(escaped) == "<p>&lt;b&gt;*x*&lt;/b&gt; [a](javascript:1)</p>\n"
