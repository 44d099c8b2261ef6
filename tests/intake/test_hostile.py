"""Files made to hurt, given to ``xxgk import`` as a user would: each is refused (or read) with the Chinese reason
it should have, under a memory limit, and nothing is written that should not be. Every payload is made here."""

from __future__ import annotations

import io
import os
import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

from tests.conftest import FIXTURES

BIN = Path(sys.executable).parent
MEMORY_MB = 768  # a normal import needs well under 600 MB of address space
STANDARD = (FIXTURES / "pages" / "standard-2021.html").read_text(encoding="utf-8")


def _import(path: Path, data: Path) -> subprocess.CompletedProcess:
    """``xxgk import path`` in a process limited to ``MEMORY_MB`` of address space (and 120 s, as a bound)."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_MB << 20, MEMORY_MB << 20))

    return subprocess.run([str(BIN / "xxgk"), "import", str(path), "--data", str(data)], capture_output=True,
                          text=True, timeout=120, preexec_fn=limit)


def _refused(run: subprocess.CompletedProcess, reason: str, data: Path) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    assert reason in run.stdout, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and "MemoryError" not in run.stderr
    assert not list(data.rglob("*.yaml")) if data.exists() else True


def _page(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cells_spanning_a_hundred_thousand_are_bounded_by_the_table(tmp_path):
    cells = "".join('<td colspan="100000" rowspan="100000">x</td>' for _ in range(2000))
    page = _page(tmp_path, "spans.html", STANDARD.replace("<body>", f"<body><table><tr>{cells}</tr></table>", 1))
    assert page.stat().st_size < 200_000
    _refused(_import(page, tmp_path / "data"), "超过 20000 个单元格（合并单元格按展开计）", tmp_path / "data")


def test_a_hundred_thousand_fee_rows_are_refused_at_once(tmp_path):
    rows = "".join(f"<tr><td>行政事业性收费</td><td>{i}元</td></tr>" for i in range(100_000))
    table = f"<table><tr><td>项目</td><td>本年收费金额（单位：万元）</td></tr>{rows}</table>"
    page = _page(tmp_path, "fees.html", STANDARD.replace("</body>", table + "</body>"))
    _refused(_import(page, tmp_path / "data"), "超过 20000 个单元格", tmp_path / "data")


@pytest.mark.parametrize("spacer", ['<tr><td colspan="20">&nbsp;</td></tr>', '<tr><td colspan="13"> </td></tr>',
                                    "<tr><td></td><td></td></tr>"])
def test_a_spacer_row_never_loses_a_table(tmp_path, spacer):
    plain = _page(tmp_path, "plain.html", STANDARD)
    assert _import(plain, tmp_path / "a").returncode == 0
    rows = STANDARD.split("一、本年新收政府信息公开申请数量")
    at = rows[0].rfind("<tr")
    spaced = _page(tmp_path, "spaced.html", rows[0][:at] + spacer + rows[0][at:] + "一、本年新收政府信息公开申请数量"
                   + "一、本年新收政府信息公开申请数量".join(rows[1:]))
    run = _import(spaced, tmp_path / "b")
    assert run.returncode == 0, run.stdout
    (first,), (second,) = (tmp_path / "a").rglob("*.yaml"), (tmp_path / "b").rglob("*.yaml")
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")


@pytest.mark.parametrize(("encoding", "meta"), [
    ("utf-16", ""), ("utf-8", '<meta charset="latin-1">'), ("utf-8", '<meta charset="utf-16">'),
    ("gb18030", '<meta charset="iso-8859-1">'),
])
def test_byte_evidence_beats_a_lying_charset(tmp_path, encoding, meta):
    text = STANDARD.replace("<head>", f"<head>{meta}", 1) if meta else STANDARD
    text = re.sub(r'<meta[^>]*charset=["\']?utf-8["\']?[^>]*>', "", text, count=1, flags=re.I) if meta else text
    run = _import(_page(tmp_path, "page.html", text, encoding), tmp_path / "data")
    assert run.returncode == 0 and "已导入" in run.stdout, run.stdout


def test_an_organ_name_too_long_for_a_folder_is_refused_with_the_way_out(tmp_path):
    long = "光华" + "长" * 80 + "镇"
    run = _import(_page(tmp_path, "long.html", STANDARD.replace("光华镇", long)), tmp_path / "data")
    _refused(run, "不超过 64 个字符", tmp_path / "data")
    assert "--town" in run.stdout and "OSError" not in run.stdout


def test_a_fifo_is_refused_not_read(tmp_path):
    fifo = tmp_path / "pipe.html"
    os.mkfifo(fifo)
    _refused(_import(fifo, tmp_path / "data"), "不是普通文件", tmp_path / "data")


def _docx_with(tmp_path: Path, name: str, body: str, styles: str | None = None) -> Path:
    """A Word file whose document body (and styles) are replaced by the XML given."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    out = tmp_path / name
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                text = data.decode()
                start, end = text.index("<w:body>") + len("<w:body>"), text.index("<w:sectPr")
                data = (text[:start] + body + text[end:]).encode()
            if item.filename == "word/styles.xml" and styles is not None:
                text = data.decode()
                data = text.replace("</w:styles>", styles + "</w:styles>").encode()
            dst.writestr(item, data)
    return out


def test_word_grid_spans_of_a_million_are_bounded_by_the_grid(tmp_path):
    row = '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
    body = f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>{row * 200}</w:tbl>'
    _refused(_import(_docx_with(tmp_path, "spans.docx", body), tmp_path / "data"), "这不是政府信息公开工作年度报告",
             tmp_path / "data")


def test_three_thousand_vertically_merged_rows_need_no_recursion(tmp_path):
    first = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>'
    rest = '<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr>' * 3000
    body = f'<w:tbl><w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid>{first}{rest}</w:tbl>'
    run = _import(_docx_with(tmp_path, "merged.docx", body), tmp_path / "data")
    _refused(run, "这不是政府信息公开工作年度报告", tmp_path / "data")
    assert "RecursionError" not in run.stdout


def test_a_flood_of_styled_paragraphs_is_refused_at_the_budget(tmp_path):
    styles = "".join(f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="样式{i}"/></w:style>'
                     for i in range(3000))
    body = '<w:p><w:pPr><w:pStyle w:val="S2999"/></w:pPr><w:r><w:t>段</w:t></w:r></w:p>' * 150_000
    path = _docx_with(tmp_path, "flood.docx", body, styles)
    _refused(_import(path, tmp_path / "data"), "超过 20000 个段落和表格", tmp_path / "data")


def test_an_archive_that_lies_about_its_size_is_refused_while_unpacking(tmp_path):
    path = _docx_with(tmp_path, "bomb.docx", "<w:p/>" * 10)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/big.bin", b"\0" * (64 << 20))  # 64 MB of zeros, about 64 KB packed
    raw = bytearray(path.read_bytes())
    at = raw.rfind(b"word/media/big.bin")  # the central directory's entry: claim 100 bytes unpacked
    header = raw.rfind(b"PK\x01\x02", 0, at)
    raw[header + 24:header + 28] = (100).to_bytes(4, "little")
    local = raw.find(b"PK\x03\x04" + raw[header + 6:header + 10])
    path.write_bytes(bytes(raw))
    assert local >= 0 and len(raw) < 1 << 20
    run = _import(path, tmp_path / "data")
    assert run.returncode == 1 and ("文档已损坏" in run.stdout or "大小不实" in run.stdout), run.stdout
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("doctype", [
    '<!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
    "",
])
def test_hostile_or_broken_word_xml_is_refused_in_chinese(tmp_path, doctype):
    path = _docx_with(tmp_path, "x.docx", "<w:p><w:r><w:t>&x;&d;</w:t></w:r></w:p>" if doctype else "<w:p><w:r>")
    if doctype:
        raw = io.BytesIO(path.read_bytes())
        out = tmp_path / "x2.docx"
        with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml":
                    text = data.decode()
                    data = re.sub(r"(<\?xml[^>]*\?>)", r"\1" + doctype.replace("\\", "\\\\"), text, count=1).encode()
                dst.writestr(item, data)
        path = out
    run = _import(path, tmp_path / "data")
    _refused(run, "XML 已损坏，或含有不允许的内容", tmp_path / "data")
    assert "root:" not in run.stdout and "XMLSyntaxError" not in run.stdout


def test_a_table_found_but_unreadable_is_refused_never_written_blank(tmp_path):
    page = STANDARD
    for label in ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"):
        page = page.replace(f">{label}<", ">某类申请人<")
    run = _import(_page(tmp_path, "garbled.html", page), tmp_path / "data")
    _refused(run, "是表三，但按官方格式的行、列标签一个数字也读不出来", tmp_path / "data")
