"""Atomic file writes: a reader (or a crash) never sees half a file."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def _beside(path: Path, content: str | bytes) -> str:
    """A finished temporary file holding ``content`` (text, or bytes) in ``path``'s folder, so that a rename
    is atomic."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
        os.chmod(tmp, 0o666 & ~_umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write ``text`` (or bytes) beside ``path`` and rename it into place."""
    tmp = _beside(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_new(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` only if no file is there, whole or not at all; False if one was there."""
    tmp = _beside(path, text)
    try:
        os.link(tmp, path)  # fails if the path exists, even when another writer got there a moment before
        return True
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)


def replace_atomic(source: Path, path: Path) -> None:
    """Move a finished file (possibly on another file system) into place without a half-written moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
