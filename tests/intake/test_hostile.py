"""Files made to hurt, given to ``xxgk import`` as a user would: each is refused (or read) with the Chinese reason
it should have, under a memory limit, and nothing is written that should not be. Every payload is made here."""

from __future__ import annotations

import io
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

import docx
import pytest

from tests.conftest import FIXTURES, ROOT

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


# An 11-character amount, a 5000-digit count: bounded by their digits and exponent before any conversion.
HUGE = "1e999999999"
AMOUNT_BOUND = "应为整数不超过 12 位、小数不超过 6 位的非负金额（数字），实际为 1000000000 位整数"


def _limited(args: list[str], timeout: float = 30) -> tuple[subprocess.CompletedProcess, float]:
    """A command in a process limited to ``MEMORY_MB`` of address space and ``timeout`` seconds; its run and time."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_MB << 20, MEMORY_MB << 20))

    started = time.monotonic()
    run = subprocess.run(args, capture_output=True, text=True, timeout=timeout, preexec_fn=limit)
    return run, time.monotonic() - started


def test_a_huge_amount_or_count_typed_in_a_grid_is_refused_in_the_forms_words():
    code = ("from helpers.report.values import ValueProblem, read_cell\n"
            f"for text, kind in (({HUGE!r}, 'amount'), ('9' * 5000, 'count'), ('1e-999999999', 'amount')):\n"
            "    try:\n        read_cell(text, kind, '万元' if kind == 'amount' else None)\n"
            "    except ValueProblem as exc:\n        print(exc)\n")
    run, took = _limited([sys.executable, "-c", code])
    assert run.returncode == 0 and took < 30, run.stderr
    assert run.stdout.splitlines() == [AMOUNT_BOUND, "应为不超过 12 位的非负整数，实际为 5000 位数",
                                       AMOUNT_BOUND.replace("1000000000 位整数", "999999999 位小数")]


@pytest.mark.parametrize(("typed", "said"), [
    (f"'{HUGE}'", AMOUNT_BOUND),
    ("1e999", "应为整数不超过 12 位、小数不超过 6 位的非负金额（数字），实际为超出范围的数"),
    ("0." + "0" * 40 + "1", "实际为 41 位小数"),
])
def test_a_huge_amount_in_a_data_file_is_refused_by_check_at_once(tmp_path, typed, said):
    path = tmp_path / "data" / "nanhu" / "2025.yaml"
    path.parent.mkdir(parents=True)
    text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
    assert "fees: {amount: 20.15}" in text
    path.write_text(text.replace("fees: {amount: 20.15}", f"fees: {{amount: {typed}}}"), encoding="utf-8")
    before = path.read_bytes()
    run, took = _limited([str(BIN / "xxgk"), "check", str(path)])
    assert run.returncode == 1 and said in run.stdout + run.stderr, run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and took < 30
    assert path.read_bytes() == before


def test_a_five_thousand_digit_count_in_a_data_file_is_said_in_chinese(tmp_path):
    path = tmp_path / "2025.yaml"
    text = (ROOT / "data" / "nanhu" / "2025.yaml").read_text(encoding="utf-8")
    path.write_text(text.replace("licensing: {decisions: 183}", "licensing: {decisions: " + "9" * 5000 + "}"),
                    encoding="utf-8")
    run, _ = _limited([str(BIN / "xxgk"), "check", str(path)])
    assert run.returncode == 1 and "应为不超过 12 位的整数，实际为 5000 位数" in run.stdout + run.stderr, run.stdout
    assert "ValueError" not in run.stdout + run.stderr and "Traceback" not in run.stdout + run.stderr


def test_a_huge_amount_in_a_workbook_is_refused_by_import_at_once(tmp_path):
    from tests.intake.test_excel import cell_of, filled, generated

    data = generated(2025)
    book = filled(data, tmp_path / "t.xlsx", **{cell_of(data["format"], 2025, "active.fees.amount"): HUGE})
    run, took = _limited([str(BIN / "xxgk"), "import", str(book), "--data", str(tmp_path / "data")])
    _refused(run, AMOUNT_BOUND, tmp_path / "data")
    assert took < 30


def _pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF of these objects (1 is the catalog), its cross-reference table and trailer."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)


def _one_page(content: bytes, width: int = 595, height: int = 842, stream: bytes = b"") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>" % (width, height),
            b"<< /Length %d %s>>\nstream\n" % (len(content), stream) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]


def test_a_pdf_inflating_to_hundreds_of_megabytes_is_refused_at_the_budget(tmp_path):
    packer, spaces = zlib.compressobj(9), b" " * (1 << 20)
    packed = b"".join(packer.compress(spaces) for _ in range(200)) + packer.flush()  # 200 MB in about 200 KB
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf(_one_page(packed, stream=b"/Filter /FlateDecode ")))
    run, took = _limited([str(BIN / "xxgk"), "import", str(path), "--data", str(tmp_path / "data")])
    _refused(run, "bomb.pdf：PDF 的内容解压后超过 64 MB，不是年度报告，未读取", tmp_path / "data")
    assert took < 30


def test_a_ruled_table_of_twenty_thousand_cells_is_refused_by_its_lines(tmp_path):
    rows, columns = 200, 100
    ops = [b"%d 20 m %d %d l S" % (20 + 20 * c, 20 + 20 * c, 20 + 12 * rows) for c in range(columns + 1)]
    ops += [b"20 %d m %d %d l S" % (20 + 12 * r, 20 + 20 * columns, 20 + 12 * r) for r in range(rows + 1)]
    ops += [b"BT /F1 7 Tf 1 0 0 1 %d %d Tm (%d) Tj ET" % (24 + 20 * c, 23 + 12 * r, r * c % 97)
            for r in range(rows) for c in range(columns)]
    path = tmp_path / "table.pdf"
    path.write_bytes(_pdf(_one_page(b"\n".join(ops), columns * 20 + 40, rows * 12 + 40)))
    assert path.stat().st_size < 1 << 20
    run, took = _limited([str(BIN / "xxgk"), "import", str(path), "--data", str(tmp_path / "data")])
    said = "table.pdf：第 1 页的表格线有 302 条，交点超过 4000 个，不是年度报告的表格，无法读取"
    _refused(run, said, tmp_path / "data")
    assert took < 30


def test_an_encrypted_pdf_is_named_as_such(tmp_path):
    text = b"BT /F1 12 Tf 50 800 Td (Government information disclosure annual report 2024) Tj ET"
    security = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    path = tmp_path / "locked.pdf"
    path.write_bytes(_pdf([*_one_page(text), security], b"/Encrypt 6 0 R /ID [<%s> <%s>] " % (b"33" * 16, b"33" * 16)))
    run, _ = _limited([str(BIN / "xxgk"), "import", str(path), "--data", str(tmp_path / "data")])
    _refused(run, "locked.pdf：PDF 已加密，无法读取文字", tmp_path / "data")
    assert "格式有误" not in run.stdout


# A LibreOffice that hangs converting, with a child (as oosplash has soffice.bin) that must not outlive it.
FAKE_SOFFICE = """#!/bin/sh
sleep 600 &
echo $! >> "$FAKE_PIDS"
echo $$ >> "$FAKE_PIDS"
sleep 600
"""


def _fake_soffice(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``soffice`` is ``FAKE_SOFFICE`` (it writes its processes' ids to ``pids``) and whose
    temporary folders go to ``tmp``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "soffice").write_text(FAKE_SOFFICE)
    (folder / "soffice").chmod(0o755)
    (tmp_path / "tmp").mkdir()
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}", "FAKE_PIDS": str(tmp_path / "pids"),
            "TMPDIR": str(tmp_path / "tmp")}


def _running(pids: list[int]) -> list[int]:
    """Those of ``pids`` still running (not gone, not a zombie), after up to 5 seconds' grace."""
    deadline = time.monotonic() + 5
    while True:
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
            except OSError:
                continue
            if state != "Z":
                alive.append(pid)
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


def _started(pids: Path) -> list[int]:
    deadline = time.monotonic() + 30
    while not (pids.exists() and len(pids.read_text().split()) >= 2):
        assert time.monotonic() < deadline, "the converter never started"
        time.sleep(0.05)
    return [int(pid) for pid in pids.read_text().split()]


def test_a_converter_that_hangs_is_killed_with_its_children(tmp_path, monkeypatch):
    from helpers.intake import pdf
    from helpers.intake.pages import PageError

    env = _fake_soffice(tmp_path)
    for name in ("PATH", "FAKE_PIDS", "TMPDIR"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setattr(pdf, "DOC_SECONDS", 2)
    monkeypatch.setattr(tempfile, "tempdir", None)
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"{\\rtf1 hello}")
    with pytest.raises(PageError, match="old.doc：LibreOffice 转换超过 2 秒，已停止，未读取"):
        pdf.read_doc(doc)
    assert not _running([int(pid) for pid in (tmp_path / "pids").read_text().split()])
    assert not list((tmp_path / "tmp").iterdir())


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_conversion_leaves_nothing_running_and_no_folder(tmp_path, signum, code):
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"{\\rtf1 hello}")
    command = subprocess.Popen([str(BIN / "xxgk"), "import", str(doc), "--data", str(tmp_path / "data")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_fake_soffice(tmp_path))
    pids = _started(tmp_path / "pids")
    command.send_signal(signum)
    out, err = command.communicate(timeout=30)
    assert command.returncode == code, out + err
    assert out.strip() == "已中断：已导入的文件保留，正在导入的文件没有写入。" and not err.strip(), out + err
    assert not _running(pids)
    assert not list((tmp_path / "tmp").iterdir()) and not (tmp_path / "data").exists()
