"""Turning untrusted text into safe page content: safe Markdown → HTML."""

from __future__ import annotations

from urllib.parse import urlsplit

import mistune

SAFE_SCHEMES = {"http", "https", "mailto"}


class _SafeRenderer(mistune.HTMLRenderer):
    """HTML renderer that escapes raw HTML and renders unsafe links and all images as text."""

    def link(self, text: str, url: str, title: str | None = None) -> str:
        if urlsplit(url.strip()).scheme.lower() not in SAFE_SCHEMES:
            return text + "（" + mistune.escape(url) + "）"
        return super().link(text, url, title)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        # Images would be requests to the network; a report shows their description instead.
        return "［图片：" + text + "］"


# hard_wrap: a single line break is kept as a line break, as a clerk pasting from Word or WPS expects.
_markdown = mistune.create_markdown(
    escape=True, hard_wrap=True, renderer=_SafeRenderer(escape=True), plugins=["table", "strikethrough"]
)


def prose_to_html(markdown: str) -> str:
    """Render prose a clerk wrote: Markdown formatting kept, any HTML shown as text."""
    return str(_markdown(markdown))
