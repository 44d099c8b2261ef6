"""xxgk build --pdf: an A4 PDF through Chromium's print-to-PDF, checked with poppler's tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

from helpers.intake.load import load_report
from helpers.report import tables
from tests.conftest import ROOT
from tests.e2e.test_build import xxgk


def test_pdf_has_pages_the_title_and_table_three(browser, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("需要 poppler-utils（pdftotext、pdfinfo）")
    shutil.copytree(ROOT / "data" / "nanhu", tmp_path / "data" / "nanhu")
    run = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--year", "2025", "--pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    pdf = tmp_path / "out" / "2025" / "nanhu.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert 3 <= pages <= 12
    assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "南湖街道2025年政府信息公开工作年度报告" in re.sub(r"\s+", "", text)
    report = load_report(ROOT / "data" / "nanhu" / "2025.yaml")
    received = [str(n) for n in tables.applications_table(report).iloc[0]]
    assert any(re.search(r"\s+".join(received) + r"\s*$", line) for line in text.splitlines()), received
    assert "第 1 页，共" in text
    assert (tmp_path / "out" / "2025" / "yangli-summary.pdf").exists()
    page = (tmp_path / "out" / "2025" / "nanhu.html").read_text(encoding="utf-8")
    starts = _caption_positions(page, pdf)
    assert len(starts) >= 6 and all(y < 0.85 for _, _, y in starts), starts
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    if _truetype_cjk():
        assert "Type 3" not in fonts, fonts
    elif os.environ.get("XXGK_REQUIRE_TOOLS") == "1":
        pytest.fail("XXGK_REQUIRE_TOOLS=1，但没有 TrueType 中文字体（Debian 软件包 fonts-wqy-zenhei）")


def _truetype_cjk() -> bool:
    """Whether a CJK font with TrueType outlines is installed (Chromium embeds those as fonts, not Type 3)."""
    listed = subprocess.run(["fc-list", ":lang=zh", "family", "fontformat"], capture_output=True, text=True).stdout
    return any("TrueType" in line and "Noto" not in line for line in listed.splitlines())


def _caption_positions(page: str, pdf) -> list[tuple[str, int, float]]:  # noqa: ANN001
    """Where each table's caption is printed: (caption, page, top as a fraction of the page height)."""
    from lxml import etree
    from lxml import html as lxml_html

    captions = [re.sub(r"\s+", "", c.text_content()) for c in lxml_html.document_fromstring(page).iter("caption")]
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True,
                            check=True).stdout
    xhtml = "{http://www.w3.org/1999/xhtml}"
    found: dict[str, tuple[str, int, float]] = {}
    for number, sheet in enumerate(etree.fromstring(layout.encode()).iter(f"{xhtml}page"), 1):
        height = float(sheet.get("height"))
        for line in sheet.iter(f"{xhtml}line"):
            text = "".join(w.text or "" for w in line.iter(f"{xhtml}word"))
            if text in captions:
                found[text] = (text, number, float(line.get("yMin")) / height)  # a heading of the same words is before
    return list(found.values())


@pytest.mark.parametrize("paragraphs", range(40, 54, 2))
def test_a_table_never_starts_in_the_last_lines_of_a_page(browser, tmp_path, paragraphs):
    """The same table after more and more text: wherever it falls, it starts in the upper 85 % of a page."""
    from helpers.output.render import print_pdf

    static = ROOT / "src/helpers/output/templates/xxgk/static"
    css = (static / "report.css").read_text(encoding="utf-8") + (static / "parts.css").read_text(encoding="utf-8")
    rows = "".join(f'<tr><th scope="row">第{i}行</th><td class="num">{i}</td><td class="num">{i * 3}</td></tr>'
                   for i in range(30))
    filler = "".join(f"<p>第{i}段：政府信息公开工作稳步推进，各项制度持续完善。</p>" for i in range(paragraphs))
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>分页</title><style>{css}</style>'
            f'</head><body><main class="report">{filler}<div class="table-wrap"><table class="xxgk-table">'
            f'<caption>测试表格</caption><thead><tr><th scope="col">项目</th><th scope="col">甲</th>'
            f'<th scope="col">乙</th></tr></thead><tbody>{rows}</tbody></table></div></main></body></html>')
    html = tmp_path / "page.html"
    html.write_text(page, encoding="utf-8")
    print_pdf(html, tmp_path / "page.pdf")
    (start,) = _caption_positions(page, tmp_path / "page.pdf")
    assert start[2] < 0.85, start


def test_pdf_with_a_town_prints_only_that_town(browser, tmp_path):
    shutil.copytree(ROOT / "data" / "nanhu", tmp_path / "data" / "nanhu")
    run = xxgk("build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"), "--year", "2025",
               "--town", "nanhu", "--pdf")
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out/2025/nanhu.pdf").exists() and (tmp_path / "out/2025/yangli-summary.html").exists()
    assert not (tmp_path / "out/2025/yangli-summary.pdf").exists()


def _net_log(path) -> dict:  # noqa: ANN001
    """Chromium's net log; a log cut short at exit is closed the way Chromium would close it."""
    import json

    text = path.read_text(encoding="utf-8").rstrip()
    return json.loads(text if text.endswith("}") else text.rstrip(",") + "]}")


def test_printing_a_pdf_sends_nothing_out(browser, tmp_path):
    """Every network attempt Chromium makes while printing is recorded in its net log: no DNS query is made
    (every host name maps to nothing) and no request reaches a server."""
    logs = tmp_path / "logs"
    logs.mkdir()
    wrapper = tmp_path / "chromium"
    wrapper.write_text(
        f'#!/bin/sh\nexec "{shutil.which("chromium") or "/usr/bin/chromium"}" '
        f'--log-net-log="{logs}/net-$$.json" --net-log-capture-mode=Everything "$@"\n',
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    shutil.copytree(ROOT / "data" / "daxin", tmp_path / "data" / "daxin")
    env = {**__import__("os").environ, "XXGK_CHROMIUM": str(wrapper)}
    run = subprocess.run(
        [str(ROOT / ".venv/bin/xxgk"), "build", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "out"),
         "--pdf"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out/2018/daxin.pdf").exists()
    files = list(logs.glob("net-*.json"))
    assert len(files) == 2  # the report and the district summary
    for file in files:
        log = _net_log(file)
        names = {v: k for k, v in log["constants"]["logEventTypes"].items()}
        events = [(names[e["type"]], e.get("phase"), e.get("params", {})) for e in log["events"]]
        kinds = {kind for kind, _, _ in events}
        assert not {k for k in kinds if k.startswith(("DNS_TRANSACTION", "HOST_RESOLVER_DNS_TASK"))}, kinds
        assert "HOST_RESOLVER_SYSTEM_TASK" not in kinds and "HTTP_TRANSACTION_READ_HEADERS" not in kinds
        asked = [p["host"] for k, phase, p in events if k == "HOST_RESOLVER_MANAGER_REQUEST" and "host" in p]
        assert all("~notfound" in host for host in asked), asked
        answers = [p.get("net_error") for k, phase, p in events if k == "HOST_RESOLVER_MANAGER_REQUEST" and phase == 2]
        assert all(code == -105 for code in answers), answers  # ERR_NAME_NOT_RESOLVED, without asking anyone
