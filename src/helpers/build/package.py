"""The filing package: per district and year one archive of every organ's PDF (for signature and seal) and Word
file, its page and open data, the district summary, the audit and its notices, and a manifest with each file's
SHA-256 and each published page's build time — so that a later change to a published page can be shown.

What goes in is read under the build lock (no build changes it meanwhile), each file once: the bytes read are
the bytes hashed and the bytes packed. Only regular files of the year's folder go in: a link (symbolic, or a hard
link shared with a file elsewhere), a pipe, a device or a file of another file system is listed as missing."""

from __future__ import annotations

import datetime
import errno
import hashlib
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from helpers.build.batch import BuildLock
from helpers.errors import XxgkError, os_reason
from helpers.project import Outputs, audit_stem, notice_stem, package_stem, summary_stem

MANIFEST_NAME = "manifest.json"
_OPEN = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


def _when(mtime: float) -> str:
    return datetime.datetime.fromtimestamp(mtime).astimezone().isoformat(timespec="seconds")


def contents(out_dir: Path, year: int, district: str, organs: list[tuple[str, str]]
             ) -> tuple[list[tuple[Path, str]], list[str]]:
    """What should go into the package, each with how the missing list names it (in Chinese), and what is not
    there at all: ``organs`` are (code, name)."""
    files: list[tuple[Path, str]] = []
    missing: list[str] = []
    for slug, name in organs:
        made = Outputs(out_dir, year, slug)
        for label, path in (("PDF", made.pdf), ("Word 文件", made.docx), ("网页", made.html), ("开放数据", made.data)):
            said = f"{name}的{label}（{path.name}）"
            if os.path.lexists(path):
                files.append((path, said))
            else:
                missing.append(said)
        notice = Outputs(out_dir, year, notice_stem(slug)).docx
        if os.path.lexists(notice):
            files.append((notice, f"{name}的整改通知（{notice.name}）"))
    summary = Outputs(out_dir, year, summary_stem(district), district)
    audit = Outputs(out_dir, year, audit_stem(district))
    for label, path in (("区汇总", summary.html), ("区汇总数据", summary.data), ("审核页", audit.html),
                        ("审核表", audit.xlsx)):
        if os.path.lexists(path):
            files.append((path, f"{label}（{path.name}）"))
        else:
            missing.append(f"{label}（{path.name}）")
    return files, missing


class Refused(Exception):
    """A file of the year's folder that is not packed, and why (in Chinese)."""


def read_own(folder_fd: int, name: str) -> tuple[bytes, float]:
    """A file the build wrote, as bytes with its time, read once through ``folder_fd`` (the year's folder):
    never through a link, never a shared inode, a pipe, a device or a file of another file system."""
    try:
        fd = os.open(name, _OPEN, dir_fd=folder_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Refused("是符号链接，链接不打包（可能指向项目之外的文件）") from None
        raise Refused(f"无法读取（{os_reason(exc)}）") from None
    try:
        found = os.fstat(fd)
        if not stat.S_ISREG(found.st_mode):
            raise Refused("不是普通文件（目录、管道或设备），不打包")
        if found.st_nlink > 1:
            raise Refused(f"有 {found.st_nlink} 个硬链接（与别处的文件共用内容），不打包")
        if found.st_dev != os.fstat(folder_fd).st_dev:
            raise Refused("在另一个文件系统上（如挂载的 /proc），不打包")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
        return data, found.st_mtime
    except OSError as exc:
        raise Refused(f"无法读取（{os_reason(exc)}）") from None
    finally:
        os.close(fd)


def sweep(out_dir: Path, year: int, district: str) -> None:
    """Remove what a killed packaging left: its unfinished archive beside the package, and the whole copy an
    earlier version kept in ``outputs/.cache/scratch/`` (never through a link)."""
    target = Outputs(out_dir, year, package_stem(district)).zip
    scratch = out_dir / ".cache" / "scratch"
    left = [*target.parent.glob(f".{target.name}.*.tmp")]
    if not any(p.is_symlink() for p in (scratch.parent, scratch)):
        left.append(scratch / target.name)
    for path in left:
        if path.is_file() and not path.is_symlink():
            path.unlink(missing_ok=True)


def write_package(out_dir: Path, year: int, district: str, organs: list[tuple[str, str]],
                  on_wait: Callable[[str], None] = lambda holder: None) -> tuple[Path, list[str]]:
    """Write ``<out_dir>/<year>/<district>-package.zip`` (beside it first, then renamed into place) under the
    build lock; returns it and what is missing from it, each with why."""
    folder = out_dir / str(year)
    with BuildLock(out_dir, on_wait=on_wait):
        if folder.is_symlink():
            raise XxgkError(f"{folder} 是符号链接，没有打包")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as exc:
            raise XxgkError(f"{folder} 无法读取（{os_reason(exc)}），没有打包") from None
        try:
            sweep(out_dir, year, district)
            return _pack(folder_fd, out_dir, year, district, organs)
        finally:
            os.close(folder_fd)


def _pack(folder_fd: int, out_dir: Path, year: int, district: str, organs: list[tuple[str, str]]
          ) -> tuple[Path, list[str]]:
    """The archive written from ``folder_fd``, each file read once: its bytes hashed and packed."""
    target = Outputs(out_dir, year, package_stem(district)).zip
    names = dict(organs)
    files, missing = contents(out_dir, year, district, organs)
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        packed, pages = [], []
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path, said in files:
                try:
                    data, mtime = read_own(folder_fd, path.name)
                except Refused as why:
                    missing.append(f"{said}：{why}")
                    continue
                digest = hashlib.sha256(data).hexdigest()
                archive.writestr(f"{year}-{district}/{path.name}", data)
                packed.append({"name": path.name, "sha256": digest, "bytes": len(data)})
                if path.suffix == ".html" and path.stem in names:
                    pages.append({"organ": path.stem, "name": names[path.stem], "page": path.name,
                                  "sha256": digest, "built": _when(mtime)})
            manifest: dict[str, Any] = {
                "year": year, "district": district,
                "made": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                "files": packed, "pages": pages, "missing": missing,
            }
            archive.writestr(f"{year}-{district}/{MANIFEST_NAME}",
                             json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target, missing


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
