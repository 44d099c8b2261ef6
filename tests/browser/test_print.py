"""Every cell on paper and on a phone: the PDF of a report of each format and of a district summary holds every
label and every row of figures of its page's tables, nothing prints beyond the text box or scrolls, a table too
wide for a portrait page is printed on a landscape one; on a phone a table wider than the screen says so."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.conftest import ROOT
from tests.e2e.test_build import xxgk

STEMS = ["2018/daxin", "2018/jimo-summary", "2020/dongcheng", "2025/dongcheng", "2025/yangli-summary"]
CM = 72 / 2.54
MARGINS = {"top": 2 * CM, "side": 1.8 * CM, "bottom": 2.2 * CM}  # report.css's @page
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def printed(tmp_path_factory, browser):
    if not shutil.which("pdftotext"):
        pytest.fail("需要 poppler-utils（pdftotext、pdfinfo）")
    base = tmp_path_factory.mktemp("print")
    for town in ("daxin", "dongcheng"):
        shutil.copytree(ROOT / "data" / town, base / "data" / town)
    run = xxgk("build", "--data", str(base / "data"), "--out", str(base / "out"), "--pdf",
               "--year", "2018", "--year", "2020", "--year", "2025")
    assert run.returncode == 0, run.stdout + run.stderr
    return base / "out"


def _tables(page: str) -> list[tuple[list[str], list[list[str]]]]:
    """Each table of a page: its labels (caption, header and row labels) and its rows of figures, as shown."""
    found = []
    for table in lxml_html.document_fromstring(page).iter("table"):
        labels = [" ".join(c.text_content().split()) for c in table.iter("caption", "th")]
        rows = [[" ".join(td.text_content().split()) for td in tr.iter("td") if "corner" not in td.get("class", "")]
                for tr in table.iter("tr")]
        found.append(([label for label in labels if label], [[v for v in row if v] for row in rows if any(row)]))
    return found


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("stem", STEMS)
def test_every_label_and_every_row_of_figures_is_in_the_pdf(printed, stem):
    page = (printed / f"{stem}.html").read_text(encoding="utf-8")
    pdf = printed / f"{stem}.pdf"
    raw = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat, spaced = _flat(raw), " ".join(raw.split())
    labels = rows = 0
    at = 0
    for table_labels, table_rows in _tables(page):
        for label in table_labels:
            assert _flat(label) in flat, f"{stem}：PDF 中没有标签“{label}”"
            labels += 1
        for values in table_rows:  # the row's figures in their order, the rows in theirs
            found = re.compile(r"(?<!\S)" + r"\s+".join(map(re.escape, values)) + r"(?!\S)").search(spaced, at)
            assert found, f"{stem}：PDF 中没有（或不按顺序）这一行数字：{values}"
            at = found.end()
            rows += 1
    assert labels >= 8 and rows >= 1, (labels, rows)  # jimo's summary: one town, one comparison row
    print(f"{stem}：{labels} 个标签、{rows} 行数字，全部在 PDF 中")


@pytest.mark.parametrize("stem", STEMS)
def test_nothing_is_printed_beyond_the_text_box(printed, stem):
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(printed / f"{stem}.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    outside = []
    for number, sheet in enumerate(etree.fromstring(layout.encode()).iter(f"{XHTML}page"), 1):
        width, height = float(sheet.get("width")), float(sheet.get("height"))
        for line in sheet.iter(f"{XHTML}line"):
            words = list(line.iter(f"{XHTML}word"))
            text = "".join(w.text or "" for w in words)
            if re.fullmatch(r"第\d+页，共\d+页", text):
                continue  # the page number, in the bottom margin by design
            for w in words:
                x0, x1, y0, y1 = (float(w.get(k)) for k in ("xMin", "xMax", "yMin", "yMax"))
                if (x0 < MARGINS["side"] - 2 or x1 > width - MARGINS["side"] + 2 or y0 < MARGINS["top"] - 2
                        or y1 > height - MARGINS["bottom"] + 2):
                    outside.append((number, w.text, round(x0), round(x1), round(y0), round(y1)))
    assert outside == []


def test_a_table_too_wide_for_portrait_is_printed_on_a_landscape_page(printed):
    pdf = printed / "2025" / "dongcheng.pdf"
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True, text=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    landscape = [i for i, (w, h) in enumerate(sizes, 1) if w > h]
    assert len(landscape) == 1, sizes  # 表四 alone; the rest portrait
    text = subprocess.run(["pdftotext", "-f", str(landscape[0]), "-l", str(landscape[0]), "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "复议后起诉" in text and text.count("结果维持") == 3


@pytest.mark.parametrize("stem", ["2025/dongcheng", "2025/yangli-summary"])
def test_nothing_scrolls_in_print_and_a_phone_is_told_what_does(printed, browser, stem):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    try:
        page.goto((printed / f"{stem}.html").resolve().as_uri())
        shown = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(box => {
            const hint = box.querySelector('.scroll-hint');
            const heads = [...box.querySelectorAll('thead th')].map(th => th.getBoundingClientRect().width
                / parseFloat(getComputedStyle(th).fontSize));
            return {scrolls: box.scrollWidth > box.clientWidth + 1, hint: getComputedStyle(hint).display !== 'none'
                    && hint.getBoundingClientRect().height > 0,
                    says: getComputedStyle(hint, '::before').content, narrowest: Math.min(...heads)};
        })""")
        assert sum(t["scrolls"] for t in shown) >= 2, shown  # 表三 and 表四 at least
        for table in shown:
            assert table["hint"] == table["scrolls"], table  # the hint on exactly the tables that scroll
            assert "左右滑动查看全表" in table["says"]
            assert table["narrowest"] >= 2, table  # no header cell narrower than two characters
        page.emulate_media(media="print")
        scrolling = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
            const s = getComputedStyle(e);
            return ['auto', 'scroll'].includes(s.overflowX) || ['auto', 'scroll'].includes(s.overflowY);
        }).map(e => e.className || e.tagName)""")
        assert scrolling == []
        hints = page.evaluate("() => [...document.querySelectorAll('.scroll-hint')]"
                              ".map(h => getComputedStyle(h).display)")
        assert hints and set(hints) == {"none"}
    finally:
        page.close()
