"""Preview stage: one report served on 127.0.0.1, rebuilt whenever its data file, its earlier years or its
template is saved, and reloaded in the browser by itself.

The report is built exactly as ``xxgk build`` builds it (papermill executes the template, nbconvert exports the
page), into a private folder, so the project's published outputs are never touched. A build that fails shows
its Chinese reason on the page instead of the last good report, which would be stale.
"""

from __future__ import annotations

import dataclasses
import html
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import watchfiles

from helpers.build.batch import Result, build_one, find_jobs
from helpers.project import Project, year_file

DEBOUNCE_MS = 150  # a save is often two writes (an editor's temporary file, then the rename)
MAX_CONNECTIONS = 16  # a clerk has a tab or two open; every connection beyond this is turned away
RELOAD = """<script>
(function () {
  var source = new EventSource("/events");
  var seen = null;
  source.onmessage = function (event) {
    if (seen !== null && event.data !== seen) { location.reload(); }
    seen = event.data;
  };
})();
</script>"""


@dataclasses.dataclass
class Page:
    """What the preview serves now, and its version (one more per rebuild)."""

    html: str = ""
    version: int = 0
    seconds: float = 0.0
    changed: threading.Condition = dataclasses.field(default_factory=threading.Condition)

    def publish(self, html_text: str, seconds: float) -> None:
        with self.changed:
            self.html, self.seconds = _with_reload(html_text), seconds
            self.version += 1
            self.changed.notify_all()


def _with_reload(page: str) -> str:
    """The page with the script that reloads it when the preview has a newer one."""
    at = page.rfind("</body>")
    return page[:at] + RELOAD + page[at:] if at >= 0 else page + RELOAD


def error_page(title: str, message: str) -> str:
    """A Chinese page saying why the report could not be built."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>预览：{html.escape(title)}</title></head><body>"
        '<main style="max-width:54rem;margin:2rem auto;padding:0 1rem;font-family:sans-serif;line-height:1.8">'
        f'<h1 style="color:#a4161a">{html.escape(title)}：无法生成报告</h1>'
        '<div style="white-space:pre-wrap;border:2px solid #a4161a;padding:1rem" role="alert">'
        f"{html.escape(message)}</div>"
        "<p>修改并保存数据文件或模板后，本页会自动刷新。</p></main></body></html>"
    )


class Preview:
    """One report of a project, rebuilt into a private folder on every relevant save."""

    def __init__(self, project: Project, town: str, year: int, timeout: int = 120):
        self.scratch = Path(tempfile.mkdtemp(prefix="xxgk-preview-"))
        self.project = dataclasses.replace(project, outputs=self.scratch)
        self.town, self.year, self.timeout = town, year, timeout
        self.data_file = project.data / town / f"{year}.yaml"
        self.page = Page()
        self.stop = threading.Event()

    def build(self) -> Result:
        """Build the report now and publish the page (or the error page)."""
        start = time.perf_counter()
        jobs = find_jobs(self.project, years=[self.year], towns=[self.town], timeout=self.timeout, districts=False)
        title = f"{self.town}（{self.year} 年度）"
        if not jobs:
            result = Result(f"{self.year}/{self.town}", "failed", message=f"没有数据文件 {self.data_file}")
        else:
            result = build_one(jobs[0])
        seconds = time.perf_counter() - start
        if result.ok:
            self.page.publish(jobs[0].html.read_text(encoding="utf-8"), seconds)
        else:
            name = result.name if result.name and result.name != self.town else ""
            self.page.publish(error_page(f"{name}{title}", result.message), seconds)
        return result

    def watched(self) -> list[Path]:
        """The town's data folder (this year and the years its tables compare with) and the templates."""
        return [self.data_file.parent, self.project.notebooks]

    def relevant(self, change: watchfiles.Change, path: str) -> bool:  # noqa: ARG002
        """A save of a data file of the town up to this year, or of a template (not an editor's dropping)."""
        changed = Path(path)
        if changed.parent == self.project.notebooks:
            return changed.suffix == ".ipynb" and not changed.name.startswith(".")
        found = year_file(changed)
        return found is not None and found.year <= self.year

    def watch(self, on_build: Callable[[Result], None] = lambda result: None) -> None:
        """Rebuild on every relevant save until ``stop`` is set."""
        for _ in watchfiles.watch(
            *self.watched(), watch_filter=self.relevant, debounce=DEBOUNCE_MS, step=50, stop_event=self.stop,
            raise_interrupt=False,
        ):
            on_build(self.build())

    def close(self) -> None:
        self.stop.set()
        with self.page.changed:
            self.page.changed.notify_all()  # the event streams end too
        shutil.rmtree(self.scratch, ignore_errors=True)


def serve(preview: Preview, port: int = 0) -> HTTPServer:
    """An HTTP server on 127.0.0.1 (``port``, or a free one): ``/`` the page, ``/events`` its versions."""
    page = preview.page

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self._from_this_machine():
                return None
            if self.path == "/events":
                return self._events()
            if self.path not in ("/", "/index.html"):
                self.send_error(404, "Not Found")
                return None
            with page.changed:
                body = page.html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return None

        def _events(self) -> None:
            """Server-sent events: the page's version now, then each new one."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = -1
            try:
                while not preview.stop.is_set():
                    with page.changed:
                        if page.version == seen:
                            page.changed.wait(timeout=15)
                        version = page.version
                    # A comment line keeps the stream open through quiet spells.
                    self.wfile.write(f"data: {version}\n\n".encode() if version != seen else b": \n\n")
                    self.wfile.flush()
                    seen = version
            except (BrokenPipeError, ConnectionResetError):
                return

        def _from_this_machine(self) -> bool:
            """Only a page of this machine's own address may read the draft: any other Host (a site that made
            its name resolve to 127.0.0.1, DNS rebinding) is refused."""
            port = getattr(self.server, "server_port", 0)
            allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost")} | {"127.0.0.1", "localhost"}
            if self.headers.get("Host", "").strip().lower() in allowed:
                return True
            body = "只接受本机地址（127.0.0.1 或 localhost）的请求。".encode()
            self.send_response(403)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return False

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            return  # no request log in the clerk's terminal

    return PreviewServer(("127.0.0.1", port), Handler)


class PreviewServer(HTTPServer):
    """An HTTP server that answers each connection on a thread of a bounded pool (``MAX_CONNECTIONS``; one more
    is turned away at once), and says of a connection that failed one quiet line, never a traceback."""

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]):
        super().__init__(address, handler)
        self.pool = ThreadPoolExecutor(MAX_CONNECTIONS, thread_name_prefix="preview")
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        self.said = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            try:
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        self.pool.submit(self._answer, request, client_address)

    def _answer(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - one line for the clerk, whatever a client did to its connection
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        kind = sys.exc_info()[0]
        name = kind.__name__ if kind is not None else "未知原因"
        with self.said:  # whole lines, however many connections drop at once
            sys.stderr.write(f"预览：一个浏览器连接中断（{name}）\n")
            sys.stderr.flush()

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)
