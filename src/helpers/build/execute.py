"""Executing one report: papermill with our engine, in a fresh kernel reached over Unix sockets, started warm
(``helpers.build.warm``) where it can be."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import papermill
import zmq
import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from traitlets import DottedObjectName, default

from helpers.build import warm

KERNEL = "python3"
ENGINE = "xxgk"


class ReadyClient(AsyncKernelClient):
    """A kernel client ready as soon as the kernel has answered on shell and spoken on IOPub.

    jupyter_client's own waits for 0.2 s of silence on IOPub after that, a pause of every kernel start that
    nothing in a batch needs: nbclient takes only the messages of its own requests.
    """

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        # The client connects as soon as the kernel is launched, usually before the kernel has bound its sockets;
        # ZMQ then tries again after its reconnect interval, 100 ms by default: a tenth of a second of every
        # kernel start spent waiting. Our sockets are local, so trying again after 2 ms costs nothing.
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, 2)
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else 60)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected once it carries a message
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


class IPCKernelManager(AsyncKernelManager):
    """A kernel reached over Unix sockets in a private folder, with ``ReadyClient``s.

    TCP kernels pick free ports by probing, and parallel starts race for them
    (papermill issues #511, #239); sockets in a folder of their own cannot collide.
    """

    client_class = DottedObjectName("helpers.build.execute.ReadyClient")

    @default("client_factory")
    def _client_factory_default(self) -> type:
        return ReadyClient

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        self._socket_dir = tempfile.mkdtemp(prefix="xxgk-kernel-")
        return os.path.join(self._socket_dir, "k")

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # The kernel's own log lines (not cell output, which comes over its sockets) never reach the terminal.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client looks every 100 ms whether a kernel asked to end has ended: a tenth of a second of every
        # report spent waiting, for a kernel that ends in a few milliseconds.
        await super()._async_wait(pollinterval=min(pollinterval, 0.002))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart)
        if not restart and getattr(self, "_socket_dir", None):
            shutil.rmtree(self._socket_dir, ignore_errors=True)

    @property
    def kernel_spec(self) -> Any:
        """The kernel's spec; an ordinary Python kernel's asks for the warm start (``helpers.build.warm``) where it
        can be used."""
        spec = super().kernel_spec
        if spec is not None and warm.usable() and spec.argv[1:3] == ["-m", warm.LAUNCHER]:
            spec.metadata.setdefault("kernel_provisioner", {"provisioner_name": warm.PROVISIONER})
        return spec


class QuietManager(NotebookExecutionManager):
    """papermill's record of an execution, written only when the execution was cut short (a timeout, a dead
    kernel), rather than at every cell: nobody watches a batch's notebooks while they run, and papermill itself
    writes the finished notebook (or the one that stopped at an error) once, at the end."""

    cut_short = False

    def save(self, **kwargs: Any) -> None:
        if self.cut_short:
            super().save(**kwargs)


class QuietEngine(NBClientEngine):
    """papermill's nbclient engine with ``QuietManager``, registered with papermill's engines as ``xxgk`` (at
    run time: an entry point would be loaded while papermill itself is being imported, by this module)."""

    @classmethod
    def execute_notebook(cls, nb: Any, kernel_name: str, output_path: str | None = None, progress_bar: bool = True,
                         log_output: bool = False, autosave_cell_every: int = 30, **kwargs: Any) -> Any:
        manager = QuietManager(nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output,
                               autosave_cell_every=0)
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        except BaseException:
            manager.cut_short = True  # papermill will not write this one: the record says where it stopped
            raise
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


papermill_engines.register(ENGINE, QuietEngine)


def execute(
    template: Path, parameters: dict[str, Any], output: Path, *, timeout: int = 120, cwd: Path | None = None
) -> Any:
    """Run a template notebook with ``parameters`` in a fresh ``python3`` kernel in folder ``cwd``, writing the
    executed notebook (read by papermill from its file: a notebook object would be written and read again)."""
    return papermill.execute_notebook(
        str(template),
        str(output),
        parameters=parameters,
        cwd=str(cwd) if cwd else None,
        kernel_name=KERNEL,
        engine_name=ENGINE,
        progress_bar=False,
        log_output=False,
        execution_timeout=timeout,
        kernel_manager_class=IPCKernelManager if os.name == "posix" else AsyncKernelManager,
    )


def declares(template: Any, name: str) -> bool:
    """Whether a template (as ``read_template`` read it) has ``name`` in its cell tagged ``parameters``: a build
    passes what a template does not declare never (papermill would warn of an unknown parameter)."""
    assignment = re.compile(rf"^{re.escape(name)}\s*(?::[^=]*)?=", re.MULTILINE)
    return any("parameters" in cell.metadata.get("tags", []) and assignment.search(cell.source)
               for cell in template.cells if cell.cell_type == "code")


@dataclass(frozen=True)
class FailedCell:
    """The cell an execution stopped at, as papermill recorded it in the executed notebook."""

    index: int
    first_line: str
    error: str  # "<exception>：<message>", empty when the cell was cut short (timeout, dead kernel)


def failed_cell(executed: Path) -> FailedCell | None:
    """The failed or unfinished cell of a notebook papermill executed, or None if every cell completed."""
    try:
        nb = nbformat.read(str(executed), as_version=4)
    except (OSError, ValueError):
        return None
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        state = cell.metadata.get("papermill", {})
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors or state.get("exception") is True or state.get("status") == "running":
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            error = f"{errors[0].get('ename', '')}：{errors[0].get('evalue', '')}" if errors else ""
            return FailedCell(index, first, error)
    return None
