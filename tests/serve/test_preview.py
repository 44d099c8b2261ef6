"""The preview server: only this machine's own addresses are answered, connections are served from a bounded
pool, and a connection a client drops is one quiet line."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from helpers.project import Project
from helpers.serve import preview as previews
from helpers.serve.preview import Preview, serve
from tests.conftest import make_project


@pytest.fixture
def running(tmp_path):
    preview = Preview(Project.at(make_project(tmp_path / "project")), "nanhu", 2025)
    preview.page.publish("<html><body>草稿</body></html>", 0.1)
    server = serve(preview)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    preview.stop.set()
    preview.close()
    server.shutdown()
    server.server_close()


def _get(port: int, host: str | None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.putrequest("GET", "/", skip_host=True)
    if host is not None:
        connection.putheader("Host", host)
    connection.endheaders()
    answer = connection.getresponse()
    return answer.status, answer.read().decode()


@pytest.mark.parametrize("host", ["127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}"])
def test_this_machine_is_answered(running, host):
    port = running.server_port
    assert _get(port, host.format(port=port)) == (200, _get(port, f"127.0.0.1:{port}")[1])
    assert "草稿" in _get(port, host.format(port=port))[1]


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1.evil.example:{port}", "127.0.0.1:1", None, ""])
def test_any_other_host_is_refused(running, host):
    port = running.server_port
    status, body = _get(port, None if host is None else host.format(port=port))
    assert status == 403 and "只接受本机地址" in body and "草稿" not in body


def test_connections_beyond_the_pool_are_turned_away_and_the_pool_recovers(running):
    port = running.server_port
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(previews.MAX_CONNECTIONS)]
    time.sleep(0.3)  # every slot held by a connection that sends nothing
    extra = socket.create_connection(("127.0.0.1", port), timeout=5)
    assert extra.recv(64).startswith(b"HTTP/1.1 503")
    assert threading.active_count() < previews.MAX_CONNECTIONS + 10
    for s in idle:
        s.close()
    time.sleep(0.5)
    assert _get(port, f"127.0.0.1:{port}")[0] == 200


def test_an_aborted_connection_is_one_quiet_line(running, capfd):
    port = running.server_port
    for _ in range(20):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # reset before the answer is read
    time.sleep(0.5)
    err = capfd.readouterr().err
    assert "Traceback" not in err
    assert all(line.startswith("预览：一个浏览器连接中断") for line in err.splitlines())
