"""Every kind of page in real Chromium: no requests, no sideways scroll, accessible, safe."""

from __future__ import annotations

import pytest

from tests.browser.conftest import AXE, HOSTILE

PAGES = {
    "legacy-2018": "2018/daxin.html",
    "national-2019": "2020/nanhu.html",
    "national-2021": "2025/nanhu.html",
    "district-summary": "2025/yangli-summary.html",
    "index": "index.html",
    "hostile": "2025/hostile.html",
}


def open_page(browser, url: str, width: int = 1280, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url, wait_until="load")
    return context, page, requests, errors


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_alone_without_errors(browser, site, name):
    url = (site / PAGES[name]).as_uri()
    context, page, requests, errors = open_page(browser, url)
    try:
        assert requests == [url]
        assert errors == []
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", PAGES)
def test_no_sideways_scroll(browser, site, artifacts, name, width):
    context, page, _, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path=str(artifacts / f"{name}-{width}.png"), full_page=name != "hostile")
    finally:
        context.close()


def test_wide_tables_scroll_inside_their_own_container(browser, site):
    context, page, _, _ = open_page(browser, (site / PAGES["national-2021"]).as_uri(), 390)
    try:
        scrolling = page.evaluate(
            """[...document.querySelectorAll('.table-wrap')].filter(w =>
                 w.scrollWidth > w.clientWidth && getComputedStyle(w).overflowX === 'auto').length"""
        )
        assert scrolling >= 1
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_nothing_serious(browser, site, name):
    context, page, _, _ = open_page(browser, (site / PAGES[name]).as_uri())
    try:
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']}（{v['impact']}）：{v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        assert serious == []
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_tables_and_headings_are_structured(browser, site, name):
    context, page, _, _ = open_page(browser, (site / PAGES[name]).as_uri())
    try:
        tables = page.evaluate(
            """[...document.querySelectorAll('table')].map(t => ({
                 caption: !!t.querySelector('caption') && t.querySelector('caption').textContent.trim() !== '',
                 unscoped: [...t.querySelectorAll('th')].filter(th => !th.getAttribute('scope')).length}))"""
        )
        assert tables and all(t["caption"] and t["unscoped"] == 0 for t in tables)
        levels = page.evaluate("[...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1])")
        assert levels[0] == 1 and levels.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    finally:
        context.close()


def test_hostile_strings_read_as_text_and_never_run(browser, site):
    context, page, _, errors = open_page(browser, (site / PAGES["hostile"]).as_uri(), 390)
    try:
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("getComputedStyle(document.body).display") != "none"
        assert page.evaluate("document.querySelectorAll('main script, main img, main style').length") == 0
        text = page.inner_text("main")
        for attack in HOSTILE:
            assert attack.replace("[link](javascript:window.__pwned=1)", "link（javascript:window.__pwned=1）") in text
        assert page.evaluate("[...document.links].every(a => !a.href.startsWith('javascript:'))")
        # The project's own charts and tables survive: the report still shows them.
        assert page.locator("table.xxgk-table").count() >= 6
        assert errors == []
    finally:
        context.close()


def test_hostile_district_summary_is_safe_too(browser, site):
    context, page, _, _ = open_page(browser, (site / "2025" / "evil-summary.html").as_uri())
    try:
        assert page.evaluate("window.__pwned") is None
        assert page.locator("figure.chart svg").count() >= 2
        assert "<script>window.__pwned=1</script>" in page.inner_text("main")
    finally:
        context.close()


def test_index_filters_by_year_town_and_status(browser, site):
    context, page, _, _ = open_page(browser, (site / "index.html").as_uri())
    try:
        visible = (
            "() => [...document.querySelectorAll('tbody tr')]"
            ".filter(r => r.offsetParent !== null).map(r => r.dataset.town)"
        )
        everything = page.evaluate(visible)
        assert len(everything) > 8
        page.select_option("#f-status", "有错误")
        assert page.evaluate(visible) == ["西城街道"]
        assert page.locator("#y2018").is_hidden()
        page.select_option("#f-status", "")
        page.select_option("#f-year", "2018")
        assert page.evaluate(visible) == ["大信镇", "即墨区汇总"] or set(page.evaluate(visible)) == {
            "大信镇",
            "即墨区汇总",
        }
        page.select_option("#f-year", "")
        page.fill("#f-town", "南湖")
        assert set(page.evaluate(visible)) == {"南湖街道"}
        assert "显示" in page.inner_text("#f-count")
    finally:
        context.close()


def test_index_without_script_lists_everything(browser, site):
    context, page, _, _ = open_page(browser, (site / "index.html").as_uri(), java_script_enabled=False)
    try:
        assert page.locator("#filter").is_hidden()
        rows = page.evaluate("document.querySelectorAll('tbody tr').length")
        assert rows == page.locator("tbody tr:visible").count()
    finally:
        context.close()


PHONE = """() => {
  const problems = [];
  for (const c of document.querySelectorAll('table.xxgk-table caption')) {
    const b = c.getBoundingClientRect();
    if (b.left < -0.5 || b.right > innerWidth + 0.5) problems.push(['caption outside the screen', c.textContent]);
  }
  for (const th of document.querySelectorAll('table.xxgk-table th')) {
    const em = parseFloat(getComputedStyle(th).fontSize);
    if (th.getBoundingClientRect().width < 3 * em - 0.5) problems.push(['th narrower than 3em', th.textContent]);
  }
  for (const td of document.querySelectorAll('table.xxgk-table td.num')) {
    const range = document.createRange();
    range.selectNodeContents(td);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) problems.push(['number broken over lines', td.textContent]);
  }
  for (const a of document.querySelectorAll('table.xxgk-table th.name a')) {
    const range = document.createRange();
    range.selectNodeContents(a);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) problems.push(['town name wraps', a.textContent]);
  }
  return problems;
}"""


@pytest.mark.parametrize("name", ["national-2021", "national-2019", "district-summary"])
def test_tables_are_readable_on_a_phone(browser, site, name):
    context, page, _, _ = open_page(browser, (site / PAGES[name]).as_uri(), 390)
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert page.evaluate(PHONE) == []
        aligned = page.evaluate("[...document.querySelectorAll('main p')].map(p => getComputedStyle(p).textAlign)")
        assert "justify" not in aligned  # no CJK spread apart on a narrow screen
    finally:
        context.close()


def test_town_names_on_the_summary_link_to_their_reports(browser, site):
    context, page, _, _ = open_page(browser, (site / PAGES["district-summary"]).as_uri(), 1280)
    try:
        links = page.eval_on_selector_all("table.xxgk-table th.name a", "as => as.map(a => [a.textContent, a.href])")
        assert links and all(href.endswith(".html") for _, href in links)
        for _, href in links:
            assert (site / "2025" / href.rsplit("/", 1)[1]).exists()
        assert page.evaluate(PHONE) == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("name", ["national-2021", "district-summary"])
def test_a_long_title_wraps_before_its_last_words_never_inside_them(browser, site, name, width):
    context, page, _, _ = open_page(browser, (site / PAGES[name]).as_uri(), width)
    try:
        lines = page.evaluate("""() => {
          const r = document.createRange(); r.selectNodeContents(document.querySelector('h1 .title-tail'));
          return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }""")
        assert lines == 1
    finally:
        context.close()
