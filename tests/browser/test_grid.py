"""The clerk's numbers in JupyterLab, driven in Chromium: a fresh ``xxgk new-year`` file opened with ``xxgk edit``,
表三 and the other tables filled in the editing view's grids, a balance problem shown while it is wrong, the
落款's date typed; the data file changes in those cells only, and ``xxgk build`` publishes the numbers."""

from __future__ import annotations

import re
import shutil
import subprocess

import lxml.html

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_jupyterlab import BIN, PANEL, _build, _run_all, _wait_for, lab_page
from tests.conftest import ROOT, make_project

GRID = f"{PANEL} .xxgk-grid"
# 表三 as the clerk fills it: 自然人 and 商业企业 columns, every other cell 0 (the carried-in row is last year's).
RECEIVED = "表三“一、本年新收政府信息公开申请数量”行"
GRANTED = "表三“（一）予以公开”行"
PARTIAL = "表三“（二）部分公开（区分处理的，只计这一情形，不计其他情形）”行"
CARRIED_OVER = "表三“四、结转下年度继续办理”行"
TYPED = {
    f"{RECEIVED}“自然人”列": "5", f"{RECEIVED}“商业企业”列": "2件",  # as a clerk may type it
    f"{GRANTED}“自然人”列": "3", f"{GRANTED}“商业企业”列": "１",  # a full-width digit
    f"{PARTIAL}“自然人”列": "1",
    f"{CARRIED_OVER}“商业企业”列": "1",
}
FLOW_VALUE = re.compile(r"(\w+): [^,}]*")


def _cell(page, title: str):  # noqa: ANN001, ANN202
    return page.locator(f"{GRID} .xxgk-cell input[title='{title}']")


def _typed_into(page, title: str, value: str) -> None:  # noqa: ANN001
    cell = _cell(page, title)
    cell.scroll_into_view_if_needed()
    cell.fill(value)
    cell.press("Tab")  # leaving the cell, as a clerk does for the next one: the value is taken in
    # and, as a clerk sees, said saved (or refused) under the table before the next cell
    said = "t => [...document.querySelectorAll('.xxgk-grid-status')].some(s => s.innerText.includes(t))"
    page.wait_for_function(said, arg=title, timeout=30_000)


def _settled(page) -> None:  # noqa: ANN001
    """Wait until the kernel has taken in everything typed: idle, and the view unchanged for a second."""
    shown = None
    for _ in range(240):
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        now = page.inner_text(PANEL)
        if now == shown:
            return
        shown = now
        page.wait_for_timeout(1000)
    raise AssertionError("输入之后，视图一直在变化")


def _skeleton(line: str) -> str:
    """A line of the data file without its values: what the grid must leave as it was."""
    return FLOW_VALUE.sub(r"\1:", line).rstrip()


def test_a_clerk_fills_a_new_year_in_the_grids_and_the_build_publishes_it(browser, tmp_path):
    project = make_project(tmp_path / "project")
    shutil.copytree(ROOT / "data" / "nanhu", project / "data" / "nanhu")
    new_year = subprocess.run([str(BIN / "xxgk"), "new-year", "2026", "--town", "南湖街道"], cwd=project,
                              capture_output=True, text=True, timeout=120)
    assert new_year.returncode == 0, new_year.stdout + new_year.stderr
    data_file = project / "data" / "nanhu" / "2026.yaml"
    # The narrative is the other test's subject: here its draft marks are taken out as a clerk would.
    text = re.sub(r"    【草稿：[^\n]*\n\n", "", data_file.read_text(encoding="utf-8"))
    data_file.write_text(text.replace("认真落实年度", "全面落实本年度"), encoding="utf-8")
    before = data_file.read_text(encoding="utf-8")

    with lab_page(browser, project, tmp_path, "南湖街道", "2026") as (page, _, _, _):
        _run_all(page, f"document.querySelectorAll('{GRID}').length >= 6 && "
                       f"document.querySelector('{PANEL} .xxgk-grid-summary') !== null")

        # Not a wall of messages: one line says what is left to fill, the grids show where.
        summary = page.inner_text(f"{PANEL} .xxgk-grid-summary")
        assert "尚未填写" in summary and "表三" in summary and summary.count("\n") < 6, summary
        assert "applications" not in page.inner_text(PANEL)
        assert page.locator(f"{PANEL} .jp-CodeCell .jp-Cell-inputWrapper:visible").count() == 0  # no code
        first = _cell(page, f"{RECEIVED}“自然人”列")
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-grid-before.png"))
        assert first.input_value() == "" and first.get_attribute("placeholder") == "未填"
        carried_in = _cell(page, "表三“二、上年结转政府信息公开申请数量”行“自然人”列")
        assert carried_in.input_value() == "0"  # last year's carried over, as new-year wrote it

        # 表三: every blank cell filled, with one column left unbalanced first.
        titles = page.eval_on_selector_all(
            f"{GRID} .xxgk-cell input[title^='表三']", "cells => cells.map(c => [c.title, c.value])")
        assert len(titles) == 24 * 6, len(titles)  # 一、二, the 20 rows of 三 and 四
        for title, value in titles:
            if value == "" and title not in TYPED:
                _typed_into(page, title, "0")
        for title, value in TYPED.items():
            _typed_into(page, title, value)
        _settled(page)
        assert "✗" in page.inner_text(PANEL)  # beside the 自然人 column, under the grid
        wrong = page.locator(f"{PANEL} .xxgk-grid-problems", has_text="“自然人”列").first
        assert "一、本年新收（5）+ 二、上年结转（0）" in wrong.inner_text()
        total = page.locator(f"{GRID} .xxgk-total input[title='自动计算，不能填写']")
        assert total.first.is_disabled()
        wrong.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-grid-unbalanced.png"))
        _typed_into(page, f"{CARRIED_OVER}“自然人”列", "1")
        _settled(page)
        assert "✗" not in page.inner_text(PANEL)
        assert "“自然人”列：应为" not in page.inner_text(PANEL)
        assert "本机关新收政府信息公开申请7件" in page.inner_text(PANEL)  # the template's sentence, filled anew
        received_total = page.evaluate(
            f"[...document.querySelectorAll('{GRID} .xxgk-total input')].map(i => i.value)")
        assert "7" in received_total  # 一、本年新收's 总计, computed as typed: 5 + 2

        # The other tables, and the 落款's date and an address, in the same view.
        for title, value in page.eval_on_selector_all(
                f"{GRID} .xxgk-cell input", "cells => cells.map(c => [c.title, c.value])"):
            if value == "" and "”列" in title:  # a table's cell, not the 落款's date or the contact
                _typed_into(page, title, "0")
        _typed_into(page, "发布日期（落款日期）", "2027年1月20日")
        _typed_into(page, "通讯地址", "样例区南湖路1号")
        _wait_for(page, lambda: "2027-01-20" in data_file.read_text(encoding="utf-8")
                  and "样例区南湖路1号" in data_file.read_text(encoding="utf-8"), "把落款日期写回数据文件", 120)
        _wait_for(page, lambda: "已全部填写" in page.inner_text(f"{PANEL} .xxgk-grid-summary"), "全部填完的提示", 120)
        page.locator(f"{PANEL} .xxgk-grid-summary").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-grid-filled-summary.png"))
        first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "lab-grid-after.png"))
        # Saving the notebook (its narrative) after the grids wrote the file is no conflict: Lab asks nothing.
        page.locator(f"{PANEL} .jp-MarkdownCell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+s")
        page.wait_for_timeout(3000)
        assert page.locator("dialog.jp-Dialog").count() == 0, page.locator("dialog.jp-Dialog").all_inner_texts()
        assert page.locator(".lm-TabBar-tab.jp-mod-dirty").count() == 0
        page.context.close()

    # Only the cells typed changed: every comment, key and blank-free line as it was, in the same places.
    after = data_file.read_text(encoding="utf-8")
    old, new = before.splitlines(), after.splitlines()
    added = [line for line in new if line not in old]
    assert "  date: 2027-01-20" in new and "  address: \"样例区南湖路1号\"" in new, added
    kept = [line for line in new if line not in ("  date: 2027-01-20", "  address: \"样例区南湖路1号\"")]
    assert len(kept) == len(old)
    changed = [(o, n) for o, n in zip(old, kept, strict=True) if o != n]
    assert changed and all(_skeleton(o) == _skeleton(n) for o, n in changed), changed
    assert all(": {" in o for o, _ in changed)  # table rows only: prose, comments and contact untouched
    assert "  received: {natural: 5, commercial: 2, research: 0, social: 0, legal: 0, other: 0}" in new

    # The published page shows the numbers typed, and the 落款 its date.
    out = _build(project)
    html = (project / "outputs" / "2026" / "nanhu.html").read_text(encoding="utf-8")
    assert "2027年1月20日" in html, out
    tree = lxml.html.fromstring(html)
    rows = {" ".join(r.xpath("./th//text()")).strip(): [c.text_content().strip() for c in r.xpath("./td")]
            for r in tree.xpath("//table[contains(caption, '三、收到和处理')]//tbody/tr")}
    received = next(cells for label, cells in rows.items() if "一、本年新收" in label)
    assert received == ["5", "2", "0", "0", "0", "0", "7"], rows
    carried_over = next(cells for label, cells in rows.items() if "四、结转下年度" in label)
    assert carried_over == ["1", "1", "0", "0", "0", "0", "2"], rows
