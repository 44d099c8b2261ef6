"""Fresh kernels without their start-up cost: each kernel is forked from a pre-imported parent (a "zygote").

A kernel normally costs an interpreter start and the imports of ipykernel, pandas and this project before the
first cell runs. The zygote is one process per build worker that has done those imports once, with no thread
and no ZMQ context; for each kernel it forks twice, and the grandchild, in the kernel's own folder with the
kernel's own environment, becomes ``python -m ipykernel_launcher -f <connection file>`` — a process no other
report has touched. The worker is made a child subreaper, so the kernel is the worker's to wait for and signal
exactly as a kernel it had launched itself.

``WarmProvisioner`` is a jupyter_client kernel provisioner (entry point ``xxgk-warm`` of the group
``jupyter_client.kernel_provisioners``): papermill and nbclient use it unchanged. It falls back to an ordinary
launch wherever the fork cannot be used (not Linux, another interpreter or kernel, a zygote that failed, or
``XXGK_WARM=0``). ``jupyter nbconvert --execute`` and ``papermill`` on a template never see it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from typing import Any, cast

from jupyter_client.provisioning import LocalProvisioner

PROVISIONER = "xxgk-warm"
ENABLED = "XXGK_WARM"  # "0" turns the warm start off
FORKED = "XXGK_FORKED_KERNEL"  # set in a forked kernel's environment, so that a test can tell
# What a kernel imports to start (ipykernel's debugger brings debugpy) and what our templates import; a test
# builds every bundled template and finds that a forked kernel imports none of the project's modules itself.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "sqlite3",
           "psutil", "pdb", "IPython", "pandas", "numpy", "jinja2", "ruamel.yaml", "helpers.output.notebook",
           "helpers.report.tables", "helpers.output.charts", "helpers.intake.load")
AT_FORK: frozenset[str] = frozenset()  # in a forked kernel: the modules it was forked with
LAUNCHER = "ipykernel_launcher"
_PR_SET_PDEATHSIG, _PR_SET_NAME, _PR_SET_CHILD_SUBREAPER = 1, 15, 36
KERNEL_NAME = b"ipykernel"  # a forked kernel's process name (``ps``, /proc/<pid>/comm), as a launched one's says


def usable() -> bool:
    """Whether kernels may be forked here: Linux, and not turned off."""
    return sys.platform.startswith("linux") and os.environ.get(ENABLED, "1") != "0"


def forkable(argv: list[str]) -> bool:
    """Whether a kernel command is the one the zygote can stand in for: this interpreter's ipykernel."""
    return (len(argv) >= 3 and os.path.realpath(argv[0]) == os.path.realpath(sys.executable)
            and argv[1:3] == ["-m", LAUNCHER])


def _prctl(option: int, value: int | bytes) -> None:
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


class _Zygote:
    """The client side: a zygote process per worker process, started on first use."""

    _lock = threading.Lock()
    _process: subprocess.Popen[bytes] | None = None
    _owner = 0  # the pid that started it (a forked worker must start its own)
    _broken = False

    @classmethod
    def fork(cls, argv: list[str], env: dict[str, str], cwd: str) -> int | None:
        """A kernel forked for ``argv`` in ``cwd`` with ``env``: its pid, or None where the zygote cannot."""
        with cls._lock:
            process = cls._started()
            if process is None or process.stdin is None or process.stdout is None:
                return None
            try:
                process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}).encode() + b"\n")
                process.stdin.flush()
                answer = json.loads(process.stdout.readline() or b"{}")
            except (OSError, ValueError):
                cls._broken = True
                return None
            pid = answer.get("pid")
            return pid if isinstance(pid, int) and pid > 0 else None

    _ready = False  # it has said it is ready

    @classmethod
    def launch(cls) -> None:
        """Start the zygote without waiting for it, so that its imports overlap the caller's own."""
        with cls._lock:
            cls._launched()

    @classmethod
    def _launched(cls) -> subprocess.Popen[bytes] | None:
        if cls._broken:
            return None
        if cls._process is not None and cls._owner == os.getpid() and cls._process.poll() is None:
            return cls._process
        _prctl(_PR_SET_CHILD_SUBREAPER, 1)  # the kernels, orphaned by the double fork, become ours
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        try:
            cls._process = subprocess.Popen([sys.executable, "-m", "helpers.build.warm", str(os.getpid())],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.DEVNULL, env=env)
        except OSError:
            cls._broken = True
            return None
        cls._owner, cls._ready = os.getpid(), False
        return cls._process

    @classmethod
    def _started(cls) -> subprocess.Popen[bytes] | None:
        process = cls._launched()
        if process is None or cls._ready:
            return process
        try:
            ready = process.stdout.readline() if process.stdout else b""
        except OSError:
            ready = b""
        if json.loads(ready or b"{}").get("ready") is not True:
            cls._broken = True
            return None
        cls._ready = True
        return process


def launch() -> None:
    """Start this process's zygote now, where kernels will be forked, rather than at its first kernel."""
    if usable():
        _Zygote.launch()


def zygote_rss_mb() -> float:
    """The peak resident memory of this process's zygote (MB), 0 when it has none."""
    process = _Zygote._process
    if process is None or _Zygote._owner != os.getpid():
        return 0.0
    try:
        status = open(f"/proc/{process.pid}/status", encoding="ascii").read()
    except OSError:
        return 0.0
    line = next((x for x in status.splitlines() if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    return int(line.split()[1]) / 1024


def stop() -> None:
    """End this process's zygote, if it has one, and wait for it (so that its time is counted as ours)."""
    process = _Zygote._process
    if process is None or _Zygote._owner != os.getpid():
        return
    _Zygote._process = None
    try:
        if process.stdin:
            process.stdin.close()  # the zygote's loop ends at the end of its input
        process.wait(timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        process.kill()
        process.wait()


class _Forked:
    """A forked kernel as ``subprocess.Popen`` shows a launched one: the provisioner waits for and signals it."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.returncode = 0 if not _alive(self.pid) else None
                return self.returncode
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            try:
                _, status = os.waitpid(self.pid, 0)
                self.returncode = os.waitstatus_to_exitcode(status)
            except ChildProcessError:
                self.returncode = 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


class WarmProvisioner(LocalProvisioner):
    """The local provisioner, launching the kernel by a fork of the zygote where it can."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        pid = None
        if usable() and forkable(cmd):
            env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
            pid = _Zygote.fork(cmd, {**env, FORKED: "1"}, str(kwargs.get("cwd") or os.getcwd()))
        if pid is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.process = cast(Any, _Forked(pid))  # waited for and signalled as a Popen is
        self.pid = self.pgid = pid  # the kernel leads a session of its own
        self.cwd = kwargs.get("cwd")
        return self.connection_info


# --- the zygote ---------------------------------------------------------------------------------------------

def _serve(parent: int) -> None:
    """Import what every kernel needs, say so, then fork a kernel for each request until the worker goes."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle; the zygote ends with it
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            continue
    from helpers.report import formats

    formats.all_formats()  # the registry's entry points, read once here rather than in every kernel
    out = sys.stdout.buffer
    if threading.active_count() != 1:  # forking with threads would copy locks held by them
        out.write(b'{"ready": false}\n')
        out.flush()
        return
    out.write(b'{"ready": true}\n')
    out.flush()
    for line in sys.stdin.buffer:
        request = json.loads(line)
        read, write = os.pipe()
        middle = os.fork()
        if middle == 0:
            os.close(read)
            kernel = os.fork()
            if kernel == 0:
                os.close(write)
                _become_kernel(request, parent)
            os.write(write, str(kernel).encode())
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            pid = pipe.read()
        os.waitpid(middle, 0)
        out.write(json.dumps({"pid": int(pid or 0)}).encode() + b"\n")
        out.flush()


def _become_kernel(request: dict[str, Any], worker: int) -> None:
    """In the forked child: the kernel's session, folder, environment and standard streams, then the kernel."""
    try:
        os.setsid()
        while os.getppid() != worker:  # wait to be handed to the worker (its subreaper), then die with it
            if os.getppid() == 1:
                os._exit(1)
            os.sched_yield()
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        _prctl(_PR_SET_NAME, KERNEL_NAME)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD):
            signal.signal(signum, signal.SIG_DFL)
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        argv = request["argv"]
        sys.argv = [argv[2], *argv[3:]]
        sys.path[0] = os.getcwd()  # as ``python -m`` in the kernel's folder would have it
        from helpers.build import warm  # this module by its name (the zygote runs it as __main__)

        warm.AT_FORK = frozenset(sys.modules)
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:  # noqa: BLE001  # a kernel that cannot start ends; its manager sees it die
        code = 1
    os._exit(code)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
