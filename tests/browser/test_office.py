"""The office's view in Chromium: the index lists an organ that has not started and the days overdue, its Word and
PDF links resolve, at 1280 and 390 px; ``xxgk package`` writes an archive whose manifest hashes match its files,
and a 整改通知 that python-docx reads back and LibreOffice converts."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from docx import Document

from helpers.cli import main
from tests.e2e.test_word import _libreoffice_pdf
from tests.office import AS_OF, office_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    base = office_district(tmp_path_factory.mktemp("office") / "project", towns=("baihe", "nanhu", "qingshan"))
    code = main(["--project", str(base), "package", "--year", "2025", "--district", "yangli", "--as-of", AS_OF])
    assert code == 1  # 样例区统计局 has no report: its files are missing from the package, and it says so
    return base


@pytest.mark.parametrize("width", [1280, 390])
def test_the_index_shows_the_missing_organ_and_the_days_overdue_and_its_links_resolve(browser, packaged, artifacts,
                                                                                      width):
    index = packaged / "outputs" / "index.html"
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(index.as_uri(), wait_until="load")
        row = page.locator('tr[data-year="2025"][data-town="样例区统计局"]')
        assert row.get_attribute("data-status") == "未开始"
        assert "报送已逾期 15 天（期限 2026-01-26）" in row.inner_text()
        assert "晚发布 5 天" in page.locator('tr[data-year="2025"][data-town="白河镇"]').inner_text()
        assert page.locator('tr[data-year="2025"][data-town="样例区汇总"]').get_attribute("data-status") == "有警告"
        links = page.evaluate("""() => [...document.querySelectorAll('td.links a')]
                                 .map(a => [a.textContent, a.href])""")
        for label in ("Word", "PDF"):
            hrefs = [href for text, href in links if text == label]
            assert len(hrefs) >= 3, links  # three towns' files; the summary's Word and PDF only where built
            assert all(Path(unquote(urlparse(h).path)).is_file() for h in hrefs), hrefs
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        # every cell in view without scrolling the table sideways: on a phone each organ is a card
        problems = page.locator('tr[data-year="2025"][data-town="南湖街道"] td.issues').bounding_box()
        assert problems["x"] + problems["width"] <= width and problems["width"] >= min(width - 60, 300), problems
        page.screenshot(path=str(artifacts / f"office-index-{width}.png"), full_page=True)
        page.goto((packaged / "outputs" / "2025" / "yangli-audit.html").as_uri(), wait_until="load")
        assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")
        page.locator('a[href="#f-baihe-2"]').click()
        assert "落款“白河镇 2026年2月5日”" in page.locator("#f-baihe-2").inner_text()
        page.screenshot(path=str(artifacts / f"office-audit-{width}.png"), full_page=True)
    finally:
        context.close()


def test_the_package_manifest_hashes_match_its_files(packaged):
    archive = packaged / "outputs" / "2025" / "yangli-package.zip"
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("2025-yangli/manifest.json"))
        names = set(z.namelist())
        for entry in manifest["files"]:
            data = z.read(f"2025-yangli/{entry['name']}")
            assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert {f"2025-yangli/{n}" for n in ("nanhu.pdf", "nanhu.docx", "yangli-audit.html", "yangli-audit.xlsx",
                                         "baihe-notice.docx", "yangli-summary.html")} <= names
    pages = {p["organ"]: p for p in manifest["pages"]}
    assert sorted(pages) == ["baihe", "nanhu", "qingshan"] and all(p["built"] for p in pages.values())
    on_disk = (packaged / "outputs" / "2025" / "nanhu.html").read_bytes()
    assert pages["nanhu"]["sha256"] == hashlib.sha256(on_disk).hexdigest()
    assert any("样例区统计局" in m for m in manifest["missing"])


def test_a_notice_reads_back_and_converts_with_libreoffice(packaged, tmp_path):
    notice = packaged / "outputs" / "2025" / "nanhu-notice.docx"
    text = "\n".join(p.text for p in Document(str(notice)).paragraphs)
    assert "关于南湖街道办事处2025年政府信息公开工作年度报告的整改通知" in text or "整改通知" in text.splitlines()[0]
    assert "1. 【正文与表格一致】" in text and "共受理政府信息公开申请41个" in text
    assert "请于2026年2月15日前完成整改" in text and "样例区政务公开办公室" in text
    pdf = _libreoffice_pdf(notice, tmp_path)
    shown = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "整改通知" in shown and "41" in shown
