"""Worker processes for local builds: one job at a time per worker, a dead worker fails only its own job and is
replaced, and no worker outlives the build.

``concurrent.futures.ProcessPoolExecutor`` breaks as a whole when one worker dies (every queued job then fails
with ``BrokenProcessPool``), and its workers keep running when the main process is killed. This executor keeps
the same interface (``submit``, ``shutdown``) so that the batch runner takes it, a Dask executor, or any other.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from helpers.build.warm import launch, stop
from helpers.errors import BuildError


class WorkerDied(BuildError):
    """The worker process building a report ended without an answer (killed, out of memory, crashed)."""


def _die_with(parent: int) -> None:
    """Ask Linux to kill this process when its parent ends (any signal, SIGKILL included)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)


def _serve(conn: Connection, parent: int) -> None:
    """A worker: run each task sent, send back ("ok", value) or ("error", exception), until told to stop.

    Ctrl-C (or the pool's own SIGINT) ends it quietly: the build it was running has cleaned up its kernel.
    """
    _die_with(parent)
    launch()  # the zygote's imports overlap this worker's own
    try:
        _loop(conn)
    except KeyboardInterrupt:
        return
    finally:
        stop()


def _loop(conn: Connection) -> None:
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        fn, args, kwargs = task
        try:
            answer: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001  # the caller decides; a KeyboardInterrupt ends this worker
            if isinstance(exc, KeyboardInterrupt):
                _forget_interrupted_cells()
            answer = ("error", exc)
        try:
            conn.send(answer)
        except Exception as exc:  # noqa: BLE001  # an answer that cannot be sent is a failure of its own
            conn.send(("error", BuildError(f"构建进程无法返回结果（{type(exc).__name__}）")))
        if answer[0] == "error" and isinstance(answer[1], KeyboardInterrupt):
            return


def _forget_interrupted_cells() -> None:
    """Keep an interrupted build quiet: the cell the kernel was running ends with an error that no one awaits any
    more, and asyncio would print it as "Task exception was never retrieved" when the worker lets it go."""
    logging.getLogger("asyncio").disabled = True


@dataclass
class _Worker:
    process: Any
    conn: Connection
    task: tuple[cf.Future[Any], str] | None = None  # the future it works for, and a description for messages


@dataclass
class _Task:
    future: cf.Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


class LocalPool(cf.Executor):
    """``workers`` processes (started with spawn), each running one task at a time."""

    def __init__(self, workers: int):
        self._context = multiprocessing.get_context("spawn")
        self._size = max(1, workers)
        self._pending: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._wake_read, self._wake_write = self._context.Pipe(duplex=False)
        self._closing = False
        self._abandon = False
        self._thread = threading.Thread(target=self._dispatch, name="xxgk-pool", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future[Any]:
        future: cf.Future[Any] = cf.Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot submit after shutdown")
            self._pending.append(_Task(future, fn, args, kwargs))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closing = True
            if cancel_futures:
                while self._pending:
                    self._pending.popleft().future.cancel()
            if not wait:
                self._abandon = True
        self._wake()
        if wait:
            self._thread.join()
        else:
            self.terminate()

    def terminate(self, grace: float = 5.0) -> None:
        """Stop every worker: SIGINT first, so that each stops its kernel as Ctrl-C would; SIGKILL after ``grace``
        seconds. Unfinished tasks fail."""
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            if worker.process.is_alive() and worker.process.pid:
                try:
                    os.kill(worker.process.pid, signal.SIGINT)
                except ProcessLookupError:
                    pass
        for worker in workers:
            worker.process.join(timeout=grace)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._workers if w.process.pid]

    # --- the dispatcher thread -------------------------------------------------------------------------

    def _wake(self) -> None:
        try:
            self._wake_write.send_bytes(b"!")
        except OSError:
            pass

    def _start_worker(self) -> _Worker:
        ours, theirs = self._context.Pipe(duplex=True)
        process = self._context.Process(target=_serve, args=(theirs, os.getpid()), name="xxgk-worker", daemon=True)
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        return worker

    def _assign(self) -> bool:
        """Give pending tasks to idle workers (starting workers as needed); True when all is done."""
        with self._lock:
            if self._abandon:
                return True
            while self._pending:
                idle = next((w for w in self._workers if w.task is None), None)
                if idle is None and len(self._workers) < self._size:
                    idle = self._start_worker()
                if idle is None:
                    break
                task = self._pending.popleft()
                if not task.future.set_running_or_notify_cancel():
                    continue
                try:
                    idle.conn.send((task.fn, task.args, task.kwargs))
                except (OSError, ValueError) as exc:
                    task.future.set_exception(WorkerDied(f"无法把任务交给构建进程（{exc}）"))
                    continue
                idle.task = (task.future, repr(task.args[:1]))
            busy = any(w.task is not None for w in self._workers)
            if self._closing and not self._pending and not busy:
                for worker in self._workers:
                    try:
                        worker.conn.send(None)
                    except OSError:
                        pass
                return True
        return False

    def _dispatch(self) -> None:
        while not self._assign():
            with self._lock:
                watched: list[Any] = [self._wake_read]
                for worker in self._workers:
                    watched += [worker.conn, worker.process.sentinel]
            for ready in wait(watched):
                if ready is self._wake_read:
                    while self._wake_read.poll():
                        self._wake_read.recv_bytes()
                    continue
                self._settle(ready)
        for worker in list(self._workers):
            worker.process.join(timeout=10)

    def _settle(self, ready: Any) -> None:
        """An answer or a death: settle that worker's task; a dead worker is dropped (a new one starts on demand)."""
        with self._lock:
            worker = next((w for w in self._workers if ready in (w.conn, w.process.sentinel)), None)
            if worker is None:
                return
            answer = None
            if worker.conn.poll():
                try:
                    answer = worker.conn.recv()
                except (EOFError, OSError):
                    answer = None
            task, worker.task = worker.task, None
            if answer is not None and task is not None:
                kind, value = answer
                if kind == "ok":
                    task[0].set_result(value)
                else:
                    task[0].set_exception(value)
            elif not worker.process.is_alive() or answer is None:
                worker.process.join(timeout=1)
                code = worker.process.exitcode
                self._workers.remove(worker)
                if task is not None and not task[0].done():
                    how = f"被信号 {-code} 终止" if code is not None and code < 0 else f"退出码 {code}"
                    task[0].set_exception(WorkerDied(f"构建进程意外退出（{how}），本报告未生成"))
