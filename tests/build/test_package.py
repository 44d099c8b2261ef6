"""The filing package without a build: only regular files the build wrote go in (a link, a shared inode, a pipe
is listed as missing with its reason, and no byte from outside reaches the archive); what is packed is read once,
under the build lock, so the manifest hashes exactly the packed bytes; no copy of the archive is left behind."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest

from helpers.atomic import write_atomic
from helpers.build import package
from helpers.build.batch import BuildLock
from helpers.errors import XxgkError

ORGANS = [("nanhu", "南湖街道"), ("yangli-tjj", "样例区统计局")]
OWN = ("nanhu.html", "nanhu.json", "nanhu.docx", "yangli-summary.html", "yangli.csv", "yangli-audit.html",
       "yangli-audit.xlsx")
MARKER = "XXGK-OUTSIDE-7f3a9c"  # in every file outside the project the test plants a way to


@pytest.fixture
def outputs(tmp_path: Path) -> Path:
    """``outputs/2025`` with the files a build and an audit write for 南湖街道 (no PDF yet) and the district."""
    folder = tmp_path / "project" / "outputs" / "2025"
    folder.mkdir(parents=True)
    for name in OWN:
        (folder / name).write_bytes(f"own {name}\n".encode())
    return folder.parent


def _packed(target: Path) -> tuple[dict[str, bytes], dict]:
    with zipfile.ZipFile(target) as archive:
        files = {n.rpartition("/")[2]: archive.read(n) for n in archive.namelist()}
    return files, json.loads(files.pop(package.MANIFEST_NAME))


def _agrees(files: dict[str, bytes], manifest: dict) -> None:
    """Every file the manifest lists is in the archive with that hash and size, and nothing else is."""
    assert sorted(e["name"] for e in manifest["files"]) == sorted(files)
    for entry in manifest["files"]:
        data = files[entry["name"]]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    for page in manifest["pages"]:
        assert page["sha256"] == hashlib.sha256(files[page["page"]]).hexdigest()


def test_links_shared_inodes_and_pipes_are_missing_with_a_reason_and_nothing_outside_is_packed(
        outputs, tmp_path, monkeypatch):
    monkeypatch.setenv("XXGK_TEST_SECRET", MARKER)  # in /proc/self/environ
    outside = tmp_path / "outside.txt"
    outside.write_text(f"{MARKER}\n", encoding="utf-8")
    folder = outputs / "2025"
    (folder / "nanhu.pdf").symlink_to("/etc/passwd")
    os.link(outside, folder / "yangli-tjj.pdf")
    (folder / "yangli-tjj.docx").symlink_to(outside)
    (folder / "yangli-tjj.html").symlink_to("/proc/self/environ")
    os.mkfifo(folder / "yangli-tjj.json")
    target, missing = package.write_package(outputs, 2025, "yangli", ORGANS)
    link = "是符号链接，链接不打包（可能指向项目之外的文件）"
    assert sorted(missing) == sorted([
        f"南湖街道的PDF（nanhu.pdf）：{link}",
        "样例区统计局的PDF（yangli-tjj.pdf）：有 2 个硬链接（与别处的文件共用内容），不打包",
        f"样例区统计局的Word 文件（yangli-tjj.docx）：{link}",
        f"样例区统计局的网页（yangli-tjj.html）：{link}",
        "样例区统计局的开放数据（yangli-tjj.json）：不是普通文件（目录、管道或设备），不打包",
    ])
    files, manifest = _packed(target)
    assert sorted(files) == sorted(OWN) and manifest["missing"] == missing
    assert all(data == f"own {name}\n".encode() for name, data in files.items())
    assert not any(MARKER.encode() in data or b"root:" in data for data in target.read_bytes().split(b"PK"))
    _agrees(files, manifest)
    assert outside.read_text(encoding="utf-8") == f"{MARKER}\n" and os.stat(outside).st_nlink == 2


def test_a_year_folder_that_is_a_link_is_not_packed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "nanhu.html").write_text(MARKER, encoding="utf-8")
    outputs = tmp_path / "project" / "outputs"
    outputs.mkdir(parents=True)
    (outputs / "2025").symlink_to(elsewhere)
    with pytest.raises(XxgkError, match=r"outputs/2025 是符号链接，没有打包"):
        package.write_package(outputs, 2025, "yangli", ORGANS)
    assert sorted(p.name for p in elsewhere.iterdir()) == ["nanhu.html"]


def test_a_file_replaced_after_it_is_read_never_makes_the_manifest_disagree(outputs, monkeypatch):
    read = package.read_own
    page = outputs / "2025" / "nanhu.html"

    def then_a_build_replaces_it(folder_fd: int, name: str) -> tuple[bytes, float]:
        found = read(folder_fd, name)
        if name == "nanhu.html":
            write_atomic(page, "rebuilt while packing\n")
        return found

    monkeypatch.setattr(package, "read_own", then_a_build_replaces_it)
    target, _ = package.write_package(outputs, 2025, "yangli", ORGANS)
    files, manifest = _packed(target)
    _agrees(files, manifest)
    assert files["nanhu.html"] == b"own nanhu.html\n"  # the bytes read are the bytes hashed and packed
    assert [p["sha256"] for p in manifest["pages"]] == [hashlib.sha256(b"own nanhu.html\n").hexdigest()]


def test_packing_waits_for_a_running_build_and_packs_what_it_left(outputs):
    said: list[str] = []
    done: list[tuple[Path, list[str]]] = []
    with BuildLock(outputs):
        packer = threading.Thread(target=lambda: done.append(
            package.write_package(outputs, 2025, "yangli", ORGANS, on_wait=said.append)))
        packer.start()
        time.sleep(0.5)
        assert packer.is_alive() and not done and said and said[0].startswith("进程 ")
        write_atomic(outputs / "2025" / "nanhu.html", "the build's new page\n")  # the build, finishing
    packer.join(timeout=30)
    files, manifest = _packed(done[0][0])
    _agrees(files, manifest)
    assert files["nanhu.html"] == b"the build's new page\n"


def test_no_copy_of_the_archive_is_left_and_a_killed_runs_is_swept(outputs, monkeypatch):
    scratch = outputs / ".cache" / "scratch"
    scratch.mkdir(parents=True)
    (scratch / "yangli-package.zip").write_bytes(b"a whole copy left by an earlier version")
    (outputs / "2025" / ".yangli-package.zip.x1y2z3.tmp").write_bytes(b"half an archive of a killed run")
    target, _ = package.write_package(outputs, 2025, "yangli", ORGANS)
    assert not list(scratch.iterdir()) and not list((outputs / "2025").glob(".*.tmp"))
    kept = target.read_bytes()

    def killed(folder_fd: int, name: str) -> tuple[bytes, float]:
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "read_own", killed)
    with pytest.raises(KeyboardInterrupt):
        package.write_package(outputs, 2025, "yangli", ORGANS)
    assert target.read_bytes() == kept and not list((outputs / "2025").glob(".*.tmp"))
    assert not list(scratch.iterdir())
