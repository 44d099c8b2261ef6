"""Reading a file made to hurt within bounds: a PDF's streams inflated against a budget (counted as they inflate,
never by what the file claims), the reading of one file in a child process under a memory and time limit, and an
outside converter (LibreOffice) in its own process group, ended as a group on every exit path, with no network."""

from __future__ import annotations

import contextlib
import functools
import io
import multiprocessing
import os
import resource
import shutil
import signal
import subprocess
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from helpers.intake.pages import PageError

T = TypeVar("T")
CHUNK = 1 << 20  # bytes inflated at a time
OUT_OF_MEMORY = 3  # a bounded child's exit code when its memory ran out


class Inflated(Exception):
    """A PDF whose streams inflate past the budget."""


class _Budget:
    """What is left of the bytes a document's streams may inflate to."""

    def __init__(self, limit: int):
        self.limit, self.left = limit, limit

    def take(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise Inflated


class _Decompressor:
    """zlib's decompressobj, each output counted against the budget."""

    def __init__(self, budget: _Budget):
        self.budget, self.inner = budget, zlib.decompressobj()

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inner.decompress(data, max_length) if max_length else self._bounded(data)
        self.budget.take(len(out))
        return out

    def _bounded(self, data: bytes) -> bytes:
        parts, chunk = [], self.inner.decompress(data, CHUNK)
        while True:
            parts.append(chunk)
            self.budget.take(len(chunk))
            if not self.inner.unconsumed_tail:
                return b"".join(parts)
            chunk = self.inner.decompress(self.inner.unconsumed_tail, CHUNK)

    def flush(self) -> bytes:
        out = self.inner.flush()
        self.budget.take(len(out))
        return out

    @property
    def eof(self) -> bool:
        return self.inner.eof


class _Zlib:
    """The ``zlib`` pdfminer's streams see: ``decompress`` inflates a chunk at a time against the budget."""

    error = zlib.error

    def __init__(self, budget: _Budget):
        self.budget = budget

    def decompressobj(self) -> _Decompressor:
        return _Decompressor(self.budget)

    def decompress(self, data: bytes) -> bytes:
        inflater = _Decompressor(self.budget)
        out = inflater.decompress(data)
        if not inflater.eof:  # as zlib.decompress: a stream cut short is an error (pdfminer then salvages it)
            raise zlib.error("incomplete or truncated stream")
        return out


@contextlib.contextmanager
def inflation_budget(limit: int) -> Iterator[None]:
    """Within the block, every Flate and LZW stream pdfminer decodes is counted against ``limit`` bytes in all,
    as it inflates; past it ``Inflated`` is raised before the rest is inflated."""
    from pdfminer import lzw, pdftypes

    budget = _Budget(limit)

    def lzwdecode(data: bytes) -> bytes:
        parts = []
        for part in lzw.LZWDecoder(io.BytesIO(data)).run():
            budget.take(len(part))
            parts.append(part)
        return b"".join(parts)

    saved = pdftypes.zlib, pdftypes.lzwdecode
    for name, stand_in in (("zlib", _Zlib(budget)), ("lzwdecode", lzwdecode)):
        setattr(pdftypes, name, stand_in)  # pdfminer's decoders, counted against the budget while this page is read
    try:
        yield
    finally:
        pdftypes.zlib, pdftypes.lzwdecode = saved


def _address_space() -> int:
    """This process's address space now, in bytes."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _limit_memory(size: int) -> None:
    """This process's address space limited to ``size`` bytes, or to a lower limit it already has."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    size = min([size, *(bound for bound in (soft, hard) if bound != resource.RLIM_INFINITY)])
    resource.setrlimit(resource.RLIMIT_AS, (size, size if hard == resource.RLIM_INFINITY else hard))


def isolated(work: Callable[..., T], *args: Any, memory: int, seconds: float, name: str) -> T:
    """``work(*args)`` in a child process (forked: it has what this one has) whose address space may grow by
    ``memory`` bytes and that may run ``seconds``; its result, or the PageError it raised. Past either bound the
    child is killed and PageError says so in Chinese, with ``name``, the file's."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, work, args, memory), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise PageError(f"{name}：读取超过 {seconds:g} 秒，未读取（文件可能是被刻意构造的）")
        try:
            kind, value = receive.recv()
        except EOFError:
            child.join()
            if child.exitcode in (OUT_OF_MEMORY, -signal.SIGKILL):
                raise PageError(f"{name}：读取所需内存超过 {memory >> 20} MB，未读取"
                                "（文件可能是被刻意构造的）") from None
            raise PageError(f"{name}：读取时进程意外退出（退出码 {child.exitcode}），未读取") from None
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        receive.close()
    if kind == "error":
        raise PageError(value)
    if kind == "fault":
        raise PageError(f"{name}：无法读取（{value}）")
    return value


def _child(send: Any, work: Callable[..., Any], args: tuple[Any, ...], memory: int) -> None:
    """The child's side of ``isolated``: bounded, it sends back ("ok", result) or ("error", Chinese reason)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends this child
    _limit_memory(_address_space() + memory)
    try:
        send.send(("ok", work(*args)))
    except PageError as exc:
        send.send(("error", str(exc)))
    except MemoryError:
        os._exit(OUT_OF_MEMORY)  # the parent says it: nothing more can be done in this memory
    except Exception as exc:  # noqa: BLE001  # the parent says it, as it says any other file's fault
        send.send(("fault", type(exc).__name__))
    finally:
        send.close()


def run_group(command: list[str], seconds: float, memory: int) -> subprocess.CompletedProcess[str]:
    """``command`` in a session (process group) of its own, its address space limited to ``memory`` bytes; the
    whole group is killed when it takes longer than ``seconds`` (TimeoutExpired), when this process is
    interrupted (KeyboardInterrupt, SIGTERM) and whenever this function leaves, so none of its children (such as
    LibreOffice's ``soffice.bin`` behind ``oosplash``) outlives it."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=lambda: _limit_memory(memory))
    try:
        out, err = process.communicate(timeout=seconds)
        return subprocess.CompletedProcess(command, process.returncode, out, err)
    finally:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.kill()
        process.wait()


def offline(command: list[str]) -> list[str]:
    """``command`` to run with no network: in a network namespace of its own (only a loopback, down) where the
    platform allows one (``unshare --net`` as root, ``unshare -rn`` in a user namespace otherwise); as it is where
    neither works (LibreOffice's profile then still refuses remote content: ``no_remote_content``)."""
    return [*_unshare(), *command]


@functools.cache
def _unshare() -> tuple[str, ...]:
    """The ``unshare`` command that works here (tried once a process), or nothing."""
    tool = shutil.which("unshare")
    if tool is None:
        return ()
    for flags in (("--net",), ("-rn",)):
        try:
            if subprocess.run([tool, *flags, "--", "true"], capture_output=True, timeout=10).returncode == 0:
                return (tool, *flags)
        except (OSError, subprocess.TimeoutExpired):
            continue
    return ()


# LibreOffice's own remote loading, off: the http, https, WebDAV, FTP and CMIS content providers removed from the
# profile (a page's linked style sheet or image is then never fetched), and links from untrusted documents blocked.
_REMOVED_PROVIDERS = ("Provider3", "Provider4", "Provider4a", "Provider6", "Provider12", "Provider12a",
                      "Provider12b", "Provider43")
_PROVIDERS = "/org.openoffice.ucb.Configuration/ContentProviders/Local/SecondaryKeys/Office/ProviderData"
_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Common/Security/Scripting">'
    '<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>\n'
    + "".join(f'<item oor:path="{_PROVIDERS}"><node oor:name="{p}" oor:op="remove"/></item>\n'
              for p in _REMOVED_PROVIDERS)
    + "</oor:items>\n"
)


def no_remote_content(profile: Path) -> None:
    """Make ``profile`` (a fresh LibreOffice user installation) one that loads nothing from the network."""
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
