"""Notebook stage: what a template notebook calls inside the kernel to load, record and show a report.

Values are recorded as display outputs of a private MIME type, so that the
narrative stage can fill placeholders after execution without re-running code.
"""

from __future__ import annotations

import dataclasses
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import display

from helpers.errors import BuildError, DataFileError, PlaceholderError, XxgkError
from helpers.intake import gather
from helpers.intake.gather import check_file
from helpers.intake.load import file_digest, load_history, load_report
from helpers.output.charts import bar_chart, line_chart
from helpers.output.layout import grid_rules, table_block
from helpers.output.markup import prose_to_html
from helpers.report import district as districts
from helpers.report import formats, placeholders, tables
from helpers.report.checks import errors
from helpers.report.demo import SAMPLE_NOTICE
from helpers.report.model import OVERVIEW_PARTS, Report
from helpers.report.places import name_of

VALUES_MIME = "application/vnd.xxgk.values+json"
PROSE_META = "xxgk_prose"
PARTS_CSS = Path(__file__).parent / "templates" / "xxgk" / "static" / "parts.css"
_live: dict[str, Any] = {}  # in the editing view: the template's part titles, and placeholders filled as shown
UNFILLED_SHOWN = "（尚未填写）"  # a blank value quoted by the narrative, in the editing view
_sheet: dict[str, Any] = {}  # in the editing view: the data file's grids (helpers.output.grid.Sheet)


def start_editing_view(part_titles: list[str]) -> None:
    """In a report's editing view in JupyterLab (``xxgk edit``): show tables and charts with the page's own
    styles, and from now on show every placeholder filled with this report's value, as the page will."""
    _live.update(part_titles=part_titles, part_count=len(part_titles))
    display(editing_style(), raw=True)
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:  # our errors (a data file with problems …) as their Chinese message, not a traceback
        shell.set_custom_exc((XxgkError,), _show_error)


VIEW_CSS = """
.jp-Notebook:has(.xxgk-editing-view) .jp-CodeCell .jp-Cell-inputWrapper,
.jp-Notebook:has(.xxgk-editing-view) .jp-CodeCell .jp-OutputArea-promptOverlay { display: none; }
.jp-Notebook:has(.xxgk-editing-view) .jp-CodeCell .jp-OutputArea-prompt { visibility: hidden; }
.jp-Notebook:has(.xxgk-editing-view) .jp-CodeCell:not(:has(.jp-OutputArea-output)) { display: none; }
.jp-Notebook:has(.xxgk-editing-view) .jp-RenderedHTMLCommon table.xxgk-table tbody th { text-align: left; }
.jp-Notebook:has(.xxgk-editing-view) .jp-RenderedHTMLCommon table.xxgk-table { font-size: 0.8rem; }
.jp-Notebook:has(.xxgk-editing-view) .jp-RenderedHTMLCommon table.xxgk-table :is(th, td) {
  padding: 0.2rem 0.3rem; min-width: 0; }
.jp-Notebook:has(.xxgk-editing-view) .jp-OutputArea-output:has(table.xxgk-table) { overflow-x: auto; }
.jp-Notebook:has(.xxgk-editing-view) .jp-MarkdownCell.jp-mod-rendered:has(+ .jp-CodeCell .xxgk-filled)
  .jp-RenderedMarkdown > * { display: none; }
.jp-Notebook:has(.xxgk-editing-view) .jp-MarkdownCell.jp-mod-rendered:has(+ .jp-CodeCell .xxgk-filled)
  .jp-RenderedMarkdown::before { content: "✎ 双击这里修改这一段（下面是填入数值后的样子）"; color: #5a5a5a;
  font-size: 0.85em; cursor: text; }
.xxgk-grid { font-size: 0.8rem; background: #d0d0d0; border: 1px solid #d0d0d0; max-width: 100%; overflow-x: auto; }
.xxgk-grid > .widget-html, .xxgk-grid > .widget-text { margin: 0; background: #fff; min-width: 0; }
.xxgk-grid .widget-html-content { line-height: 1.3; padding: 0.15rem 0.3rem; height: auto; }
.xxgk-grid-head { background: #f0f3f7 !important; font-weight: bold; text-align: center; }
.xxgk-grid-group { background: #fafafa !important; }
.xxgk-grid-row .widget-html-content, .xxgk-grid-group .widget-html-content { text-align: left; }
.xxgk-depth-1 .widget-html-content { padding-left: 1.2rem; }
.xxgk-depth-2 .widget-html-content { padding-left: 2.4rem; }
.xxgk-grid .widget-text input { text-align: right; min-width: 0; width: 100%; border: 0; }
.xxgk-grid .xxgk-total input { background: #f4f4f4; color: #222; }
.xxgk-grid .xxgk-wrong input, .xxgk-mark-wrong { color: #a40000; background: #fde8e8; font-weight: bold; }
.xxgk-grid > .xxgk-quiet { display: none; }
.xxgk-grid-caption { font-weight: bold; margin: 0.6rem 0 0.2rem; }
.xxgk-grid-problems { color: #a40000; margin: 0.3rem 0; }
.xxgk-grid-summary-box { border-left: 4px solid #a4161a; background: #fff5f5; padding: 0.3rem 0.8rem; }
.xxgk-saved-note { color: #2d6a2d; margin: 0.2rem 0; } .xxgk-wrong-note { color: #a40000; margin: 0.2rem 0; }
"""  # the editing view (and only it): code hidden, outputs shown; labels left; a wide table within the notebook


def editing_style() -> dict[str, str]:
    """The output that styles an editing view: the page's own table and notice styles, and the view's (code cells
    hidden, their outputs shown). The view carries it from the start; running the notebook shows it again."""
    css = PARTS_CSS.read_text(encoding="utf-8")
    html = f'<style>{css}{VIEW_CSS}{grid_rules()}</style><div class="xxgk-editing-view" hidden></div>'
    return {"text/html": html, "text/plain": ""}


def _show_error(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: Any = None) -> list[str]:
    _alert(str(value))
    return []


def _alert(message: str) -> None:
    """A problem shown in the editing view, in the report's own notice style, its line breaks kept."""
    html = f'<p class="sample-notice" role="alert" style="white-space: pre-wrap">{escape(message)}</p>'
    display({"text/html": html, "text/plain": message}, raw=True)


def _shown_filled(report: Report, text: str, where: str) -> str | None:
    """``text`` with its placeholders filled in the editing view (None elsewhere, where the narrative stage
    fills them at export); a placeholder that cannot be filled is shown as the error it is."""
    if not _live:
        return None
    try:
        return _filled(report, text, where)
    except PlaceholderError as exc:
        _alert(str(exc))
        return text


def _filled(report: Report, text: str, where: str) -> str:
    """``text`` with its placeholders filled as the editing view shows them; PlaceholderError as fill raises it."""
    return placeholders.fill(text, {**tables.facts(report), **_live}, where, unknown=UNFILLED_SHOWN)


def show_text(report: Report, markdown: str) -> None:
    """A Markdown cell of the template, as the page will show it (the editing view shows these filled, and with
    its grids, filled again as the clerk fills them)."""
    if _sheet:
        _sheet["sheet"].show_text(lambda shown: _template_html(shown, markdown))
        return
    filled = _shown_filled(report, markdown, "模板中的文字")
    display({"text/markdown": markdown if filled is None else filled, "text/plain": ""}, raw=True)


def _template_html(report: Report, markdown: str) -> str:
    """A Markdown cell of the template filled with the report's values, as HTML; a placeholder that cannot be
    filled is shown as the error it is."""
    try:
        filled = _filled(report, markdown, "模板中的文字")
    except PlaceholderError as exc:
        return f'<p class="sample-notice" role="alert">{escape(str(exc))}</p>'
    return prose_to_html(filled)


def open_report(data_file: str | Path, checked: str = "") -> Report:
    """Load and check the report, record its values for the narrative, and show the sample notice if any.

    A report that breaks a balancing rule is not built: the errors are raised here. ``checked`` is the digest of
    the file as ``xxgk build`` has just checked it (with the whole folder at hand): while the file is still that
    file, it is loaded, not checked again.
    """
    if _live:  # the editing view: a report still being filled in is shown as far as it is, in grids to fill
        from helpers.output.grid import Sheet  # ipywidgets: the editing view's only

        sheet = _sheet["sheet"] = Sheet(data_file)  # DataFileError when the file cannot be read into a report
        display(sheet.summary)
        record(tables.facts(sheet.report))
        return sheet.report
    if checked and checked == file_digest(Path(data_file)):
        report = load_report(data_file)
    else:
        report, problems = check_file(data_file)
        if errors(problems):
            raise DataFileError(errors(problems))
    record(tables.facts(report))
    if report.sample:
        show_sample_notice()
    return report


def show_sample_notice() -> None:
    """The visible 示例数据 notice of a report or summary built from invented data."""
    display(
        {"text/html": f'<p class="sample-notice" role="note">{SAMPLE_NOTICE}</p>', "text/plain": SAMPLE_NOTICE},
        raw=True,
    )


def record(values: dict) -> None:
    """Record values that Markdown placeholders may quote; the narrative stage reads them back."""
    display({VALUES_MIME: values, "text/plain": ""}, raw=True)


def show_prose(report: Report, field: str, *, otherwise: str = "") -> None:
    """Show one prose field of the data file (``otherwise`` when it is empty, so that no part is left bare);
    its placeholders are filled by the narrative stage."""
    text = getattr(report.prose, field)
    path = f"prose.{field}"
    if not report.seen(field):
        show_unseen()
        return
    if not text.strip():
        if report.published and report.has(field) and field in formats.of(report).headed_prose:  # unknown
            show_unseen()
            return
        if otherwise and not report.published:
            display({"text/html": f"<p>{escape(otherwise)}</p>", "text/plain": otherwise}, raw=True)
        return
    if _live:
        return  # the editing view: the part's own cells show it, filled (show_filled)
    part = name_of(report.format, path)
    meta = {"file": report.origin.file, "part": part, "line": report.origin.line(path), "markdown": text}
    display({"text/html": prose_to_html(text), "text/plain": text}, raw=True, metadata={PROSE_META: meta})


def show_filled(report: Report, field: str) -> None:
    """In the editing view, right below a part's Markdown cell: the part as it will be published, its
    placeholders filled; the view's style then shows the cell above as one line to double-click (nothing is
    shown twice). Nothing where the text has nothing to fill."""
    text = getattr(report.prose, field, "")
    filled = _shown_filled(report, text, name_of(report.format, f"prose.{field}"))
    if filled is None or filled == text:
        return
    html = f'<div class="xxgk-filled">{prose_to_html(filled)}</div>'
    display({"text/html": html, "text/plain": filled}, raw=True)


def show_overview(report: Report) -> None:
    """一、总体情况: its free text, then each of the five usual sub-parts the file gives, under its heading."""
    given = [field for field in OVERVIEW_PARTS if getattr(report.prose, field, "").strip()]
    if report.prose.overview.strip() or not given:
        show_prose(report, "overview")
    if _live:
        return  # the editing view shows each sub-part under its heading in cells of its own
    printed = getattr(report, "sub_headings", None)
    for field, usual in OVERVIEW_PARTS.items():
        heading = getattr(printed, field, "") or usual  # a published report's own, as printed
        if getattr(report.prose, field, "").strip():
            display({"text/html": f"<h3>{escape(heading)}</h3>", "text/plain": heading}, raw=True)
            show_prose(report, field)


def show_signature(report: Report) -> None:
    """The 落款 at the end of the report: the organ's official name and the day of publication."""
    if _sheet:
        _sheet["sheet"].show_details()
    name, day = tables.signature(report)
    if not (name or day):
        return  # a published report that printed no 落款
    lines = "".join(f"<span>{escape(line)}</span>" for line in (name, day) if line)
    display({"text/html": f'<p class="signature">{lines}</p>', "text/plain": "\n".join(filter(None, (name, day)))},
            raw=True)


def show_parts(report: Report) -> None:
    """A published report's own parts, each under its heading as printed (a 2008-format report's outline is the
    organ's own); nothing for a report without them."""
    parts = getattr(report, "parts", [])
    if report.published and not parts:
        show_unseen()  # a published 2008-format report whose parts were not recorded
    for part in parts:
        heading = f"<h2>{escape(part.heading)}</h2>"
        display({"text/html": heading + prose_to_html(part.text), "text/plain": f"{part.heading}\n{part.text}"},
                raw=True)


def show_table(*frames: pd.DataFrame) -> None:
    """Display tables of the tables stage, each wrapped so that a wide table scrolls on its own."""
    for frame in frames:
        display({"text/html": table_block(frame), "text/plain": frame.to_string()}, raw=True)


UNSEEN = "（原报告此部分未录入）"  # a part the published source does not show: never the format's standard text


def show_unseen() -> None:
    display({"text/html": f'<p class="unseen">{UNSEEN}</p>', "text/plain": UNSEEN}, raw=True)


def show_tables(report: Report, name: str) -> None:
    """The report's tables of one kind (its format's open-data key); nothing if its format has none; a note
    for a table a published source does not show (the fee table: nothing, as part 六 says)."""
    if not report.seen(name):
        if name != "processing_fees":
            show_unseen()
        return
    if _sheet:
        _sheet["sheet"].show(name)
        return
    if name == "processing_fees" and report.published and _unprinted(getattr(report, name, None)):
        return  # the fee figures are ours to tabulate: a published report that gave none gets no empty table
    show_table(*formats.of(report).tables(report).get(name, []))


def _unprinted(part: object) -> bool:
    """Whether every number of a part of the data file is blank (a table the published report did not print)."""
    if not dataclasses.is_dataclass(part):
        return False
    return all(_unprinted(v) if dataclasses.is_dataclass(v := getattr(part, f.name)) else
               v is None or v == [] or v == f.default for f in dataclasses.fields(part))


def show_history(report: Report) -> None:
    """Year over year: last year's main figures beside this year's, and a trend over all earlier years."""
    history = load_history(report.origin.path, report.year)
    previous = next((r for r in history if r.year == report.year - 1), None)
    if not history:
        return
    display({"text/html": "<h3>与往年数据对比</h3>", "text/plain": "与往年数据对比"}, raw=True)
    if previous is not None:
        show_table(tables.year_over_year(report, previous))
    show_chart(trend_chart([*history, report]), "历年主动公开与收到申请情况（每项一图；没有数据的年度留空，不连线）")


def trend_chart(reports: list[Report]) -> str:
    """主动公开 and applications over the years given, as a small SVG plot per quantity."""
    frame = tables.trend(reports)
    years = sorted(r.year for r in reports)
    series = {name: [None if v != v else v for v in frame[name]] for name in frame.columns}  # NaN: unknown
    desc = "；".join(
        f"{year}年：" + "，".join(f"{name}{'未公布' if v is None else f'{v:g}'}" for name, v in zip(
            series, (values[i] for values in series.values()), strict=True))
        for i, year in enumerate(years)
    )
    return line_chart(years, series, desc=desc)


def show_chart(svg: str, caption: str = "") -> None:
    """Display an SVG chart of ours inline, as a figure."""
    note = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    display({"text/html": f'<figure class="chart">{svg}{note}</figure>', "text/plain": caption or "图表"}, raw=True)


def open_district(data_dir: str | Path, district: str, year: int) -> districts.District:
    """Load a district's towns for the year and record the summary's values for the narrative."""
    found = gather.load_district(data_dir, district, year)
    if not found.reports:
        raise BuildError(f"{data_dir}：{year} 年没有代码为 {district} 的区可计入汇总的数据文件")
    record(districts.values(found))
    if any(r.sample for r in found.reports):
        show_sample_notice()
    return found


def show_comparison(district: districts.District) -> None:
    """The per-town table and a bar chart per main figure."""
    frame = districts.comparison(district)
    show_table(frame)
    for column in frame.columns[:2]:
        values = [None if v is None else int(v) for v in frame[column]]  # None: blank in a published report
        desc = "；".join(f"{town}{'未公布' if v is None else v}" for town, v in zip(frame.index, values, strict=True))
        show_chart(bar_chart(list(frame.index), values, title=f"各{district.label()}{column}", desc=desc))


def show_totals(district: districts.District, table: str) -> None:
    """A table of the towns' format summed over the district's counted towns; sums over blanks are said so."""
    frames = districts.summed(district, table)
    unknown = districts.unknown_in(district)
    if frames and unknown:
        note = f"注：{'、'.join(unknown)}按原样记录的已发布报告中有空白单元格，含这些单元格的合计为未知，显示为空白。"
        display({"text/html": f'<p class="note">{escape(note)}</p>', "text/plain": note}, raw=True)
    if not frames:
        text = "本年度报告格式不含此表。"
        if district.format() is None:
            text = f"各{district.label()}本年度使用的报告格式不一致，此表不作合计。"
        display({"text/html": f"<p>{text}</p>", "text/plain": text}, raw=True)
        return
    show_table(*frames)


def show_missing(district: districts.District) -> None:
    """Towns of the district not counted this year: no data file, or a data file with errors (and why)."""
    items = [f"{name}：未报送本年度数据" for name in district.missing] + [str(t) for t in district.excluded]
    html = "".join(f"<li>{escape(item)}</li>" for item in items) or "<li>无</li>"
    display({"text/html": f'<ul class="not-counted">{html}</ul>', "text/plain": "\n".join(items) or "无"}, raw=True)
