"""Hostile input, round four, as the office meets it with real commands: ``xxgk package`` never follows a link
out of ``outputs/``; names that look like formulas stay text in the audit workbook and the CSV; a ``--scoring``
that cannot be read, a control character in a file name or in ``xxgk.toml`` stop the audit before it writes
anything; converting a ``.doc`` reaches no network. Every payload is made here, and small."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import FIXTURES
from tests.office import AS_OF, ROSTER, office_district

BIN = Path(sys.executable).parent
MARKER = "XXGK-OUTSIDE-5d1e07"  # in every file outside the project the test plants a way to


def _xxgk(base: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "xxgk"), "--project", str(base), *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, **env})


def _tools(*names: str) -> None:
    for name in names:
        if not shutil.which(name):
            message = f"没有 {name}"
            pytest.fail(message) if os.environ.get("XXGK_REQUIRE_TOOLS") == "1" else pytest.skip(message)


def _files(base: Path) -> dict[str, bytes]:
    """Every file of the project (links as where they point), to show that nothing was written."""
    return {str(p.relative_to(base)): p.read_bytes() if p.is_file() else str(p.readlink()).encode()
            for p in sorted(base.rglob("*")) if p.is_file() or p.is_symlink()}


# 1. and 3. the package ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def packaged(tmp_path_factory):
    """南湖街道 packaged once with its PDF and Word file; 样例区统计局 is on the roster with no data file."""
    _tools("chromium")
    base = office_district(tmp_path_factory.mktemp("package") / "project", towns=("nanhu",))
    run = _xxgk(base, "package", "--year", "2025", "--district", "yangli", "--as-of", AS_OF)
    assert run.returncode == 1 and "缺少：样例区统计局的PDF（yangli-tjj.pdf）" in run.stdout, run.stdout + run.stderr
    return base


def test_the_package_never_packs_a_link_out_of_outputs(packaged, tmp_path):
    folder = packaged / "outputs" / "2025"
    passwd = Path("/etc/passwd").read_bytes()
    (folder / "nanhu.pdf").unlink()
    (folder / "nanhu.pdf").symlink_to("/etc/passwd")  # the report's own PDF, replaced by a link
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{MARKER}\n", encoding="utf-8")
    os.link(outside, folder / "yangli-tjj.pdf")  # an organ with no data file: a hard link to an outside inode,
    (folder / "yangli-tjj.docx").symlink_to(outside)  # a link to a file outside the project,
    (folder / "yangli-tjj.html").symlink_to("/proc/self/environ")  # a link to the environment
    run = _xxgk(packaged, "package", "--year", "2025", "--district", "yangli", "--as-of", AS_OF,
                XXGK_TEST_SECRET=MARKER)
    assert run.returncode == 1, run.stdout + run.stderr
    link = "是符号链接，链接不打包（可能指向项目之外的文件）"
    for line in ("样例区统计局的PDF（yangli-tjj.pdf）：有 2 个硬链接（与别处的文件共用内容），不打包",
                 f"样例区统计局的Word 文件（yangli-tjj.docx）：{link}",
                 f"样例区统计局的网页（yangli-tjj.html）：{link}",
                 "样例区统计局的开放数据（yangli-tjj.json）"):
        assert f"缺少：{line}\n" in run.stdout, run.stdout
    assert "nanhu.pdf" not in run.stdout  # its output a link, the report was built again: a PDF of its own
    assert not (folder / "nanhu.pdf").is_symlink() and (folder / "nanhu.pdf").read_bytes().startswith(b"%PDF")
    assert Path("/etc/passwd").read_bytes() == passwd and outside.read_text(encoding="utf-8") == f"{MARKER}\n"
    archive = folder / "yangli-package.zip"
    with zipfile.ZipFile(archive) as z:
        files = {n.rpartition("/")[2]: z.read(n) for n in z.namelist()}
    manifest = json.loads(files.pop("manifest.json"))
    assert files["nanhu.pdf"].startswith(b"%PDF") and not any(n.startswith("yangli-tjj.") for n in files)
    assert not any(MARKER.encode() in data or passwd[:64] in data for data in files.values())
    assert sorted(e["name"] for e in manifest["files"]) == sorted(files)
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256(files[entry["name"]]).hexdigest()
    scratch = packaged / "outputs" / ".cache" / "scratch"
    assert not list(scratch.rglob("*.zip")) and not list(folder.glob(".*.tmp"))  # no copy of the archive left


# 4. formulas -----------------------------------------------------------------------------------------------------


def test_names_that_look_like_formulas_stay_text_in_the_workbook_and_the_csv(tmp_path):
    from helpers.intake.gather import load_district
    from helpers.output.opendata import district_csv

    base = office_district(tmp_path / "project", towns=("nanhu", "qingshan"))
    (base / "roster.yaml").write_text(ROSTER.replace("name: 样例区统计局", 'name: "=1+1"'), encoding="utf-8")
    data = base / "data" / "nanhu" / "2025.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("town: 南湖街道", 'town: "=SUM(A1:A9)"', 1),
                    encoding="utf-8")
    run = _xxgk(base, "audit", "--year", "2025", "--as-of", AS_OF)
    assert run.returncode == 0, run.stdout + run.stderr
    book = load_workbook(base / "outputs" / "2025" / "yangli-audit.xlsx")
    for sheet in ("汇总", "问题清单"):
        cells = [c for row in book[sheet].iter_rows() for c in row if c.value is not None]
        assert not [c.coordinate for c in cells if c.data_type == "f"], sheet
        organs = [c for c in book[sheet]["A"] if c.value in ("'=1+1", "'=SUM(A1:A9)")]  # the 机关 column
        assert {c.value for c in organs} == {"'=1+1", "'=SUM(A1:A9)"} and {c.data_type for c in organs} == {"s"}
    csv = district_csv(load_district(base / "data", "yangli", 2025))
    assert "\n'=SUM(A1:A9),nanhu," in csv and "\n=" not in csv


# 5. --scoring ----------------------------------------------------------------------------------------------------


@pytest.fixture
def office(tmp_path):
    return office_district(tmp_path / "project", towns=("nanhu",))


@pytest.mark.parametrize(("given", "why"), [
    ("missing.yaml", "不存在"), ("folder", "是目录"), ("fifo", "不是普通文件（是命名管道）"),
    ("/dev/zero", "不是普通文件（是设备文件）"),
])
@pytest.mark.parametrize("command", ["audit", "package"])
def test_a_scoring_sheet_that_cannot_be_read_stops_before_anything_is_written(office, tmp_path, given, why,
                                                                               command):
    (tmp_path / "folder").mkdir()
    os.mkfifo(tmp_path / "fifo")
    sheet = given if given.startswith("/") else str(tmp_path / given)
    before = _files(office)
    started = time.monotonic()
    run = _xxgk(office, command, "--year", "2025", "--district", "yangli", "--as-of", AS_OF, "--scoring", sheet)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == f"错误：评分表 {sheet} {why}，不能使用；未审核，没有写出任何文件。\n", run.stdout + run.stderr
    assert _files(office) == before and time.monotonic() - started < 60


def test_without_a_scoring_sheet_of_its_own_the_project_uses_the_default(office):
    assert not (office / "scoring.yaml").exists()
    run = _xxgk(office, "audit", "--year", "2025", "--as-of", AS_OF)
    assert run.returncode == 0 and "（评分：默认评分表）" in run.stdout, run.stdout + run.stderr


# 6. control characters -------------------------------------------------------------------------------------------


def test_a_published_file_name_with_a_control_character_is_refused_before_anything_is_written(office, tmp_path):
    page = tmp_path / "nanhu\x07.html"
    page.write_text((FIXTURES / "pages" / "standard-2021.html").read_text(encoding="utf-8"), encoding="utf-8")
    before = _files(office)
    run = _xxgk(office, "audit", "--year", "2025", "--as-of", AS_OF, "--published", str(page))
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stdout == ("错误：--published 的文件名“nanhu<U+0007>.html” 含控制字符或双向控制符"
                          "（第 6 个字符为 U+0007），请改正后再审核；未审核，没有写出任何文件。\n")
    assert _files(office) == before and "Traceback" not in run.stderr


@pytest.mark.parametrize("command", ["audit", "package"])
def test_an_office_name_with_a_control_character_is_refused_naming_the_setting(office, command):
    settings = office / "xxgk.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        'name = "样例区政务公开办公室"', 'name = "样例区\\u0007政务公开办公室"'), encoding="utf-8")
    before = _files(office)
    run = _xxgk(office, command, "--year", "2025", "--district", "yangli", "--as-of", AS_OF)
    assert run.returncode == 2, run.stdout + run.stderr
    assert run.stderr == (f"错误：{settings} 的设置有误：\n[office] name（区政务公开办的名称）：应为不含控制字符、"
                          "双向控制符的一行文字，实际第 4 个字符为 U+0007\n")
    assert _files(office) == before


def test_an_organ_name_with_a_control_character_is_refused_by_the_loader_and_the_audit_still_written(office):
    data = office / "data" / "nanhu" / "2025.yaml"
    data.write_text(data.read_text(encoding="utf-8").replace("town: 南湖街道", 'town: "南湖\\a街道"', 1),
                    encoding="utf-8")
    run = _xxgk(office, "audit", "--year", "2025", "--as-of", AS_OF)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "“机关名称”：应为不含控制字符、双向控制符的文本，实际为第 3 个字符为 U+0007" in run.stdout
    book = load_workbook(office / "outputs" / "2025" / "yangli-audit.xlsx")
    assert "\x07" not in "".join(str(c.value) for s in book for row in s.iter_rows() for c in row)


# 7. .doc conversion with no network ------------------------------------------------------------------------------


class _Listener:
    """A loopback listener that counts who connects (nobody should)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.requests: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except TimeoutError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.requests.append(connection.recv(1024) or b"(connected)")
                except OSError:
                    self.requests.append(b"(connected)")

    def close(self, wait: float = 2.0) -> list[bytes]:
        time.sleep(wait)  # bounded: anything LibreOffice sent has arrived by now
        self.stop.set()
        self.thread.join(timeout=5)
        self.server.close()
        return self.requests


def _linking_doc(tmp_path: Path, port: int) -> Path:
    """An HTML page saved as ``.doc`` (as some sites serve them) whose style sheet and image are on a server."""
    page = (FIXTURES / "pages" / "standard-2021.html").read_text(encoding="utf-8")
    page = page.replace("<head>", f'<head><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">', 1)
    page = page.replace("<body>", f'<body><img src="http://127.0.0.1:{port}/i.png">', 1)
    path = tmp_path / "report.doc"
    path.write_text(page, encoding="utf-8")
    return path


def test_converting_a_doc_fetches_nothing_from_the_network(tmp_path):
    _tools("soffice")
    listener = _Listener()
    try:
        doc = _linking_doc(tmp_path, listener.port)
        run = subprocess.run([str(BIN / "xxgk"), "import", str(doc), "--data", str(tmp_path / "data")],
                             capture_output=True, text=True, timeout=300)
    finally:
        requests = listener.close()
    assert requests == []
    assert run.returncode == 1 and "report.doc：LibreOffice 无法转换这个 .doc 文件" in run.stdout, run.stdout
    assert not (tmp_path / "data").exists()


def test_without_a_network_namespace_libreoffices_own_profile_still_fetches_nothing(tmp_path, monkeypatch):
    from helpers.intake import confine, pdf
    from helpers.intake.pages import PageError

    _tools("soffice")
    monkeypatch.setattr(confine, "_unshare", lambda: ())  # a platform with no unshare
    assert confine.offline(["soffice"]) == ["soffice"]
    listener = _Listener()
    try:
        with pytest.raises(PageError, match="LibreOffice 无法转换"):
            pdf.read_doc(_linking_doc(tmp_path, listener.port))
    finally:
        requests = listener.close()
    assert requests == []
