"""Access points for tests: a TCP listener and an HTTP server on loopback
that a test switches off and on again on the same port."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class TcpDevice:
    """Accepts TCP connections while up (counted in `connections`)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port = free_port(host)
        self.connections = 0
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    def up(self) -> TcpDevice:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(16)
        listener.settimeout(0.05)
        self._socket = listener
        self._thread = threading.Thread(target=self._serve, args=(listener,))
        self._thread.start()
        return self

    def _serve(self, listener) -> None:
        while self._socket is listener:
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def connections_after(self, expected: int, timeout: float = 10.0) -> int:
        """`connections` once `expected` have been accepted (or the timeout):
        the kernel completes a connect before this thread accepts and counts
        it, which on a loaded machine can be a while."""
        deadline = time.monotonic() + timeout
        while self.connections < expected and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.connections

    def down(self) -> None:
        listener, self._socket = self._socket, None
        if self._thread is not None:
            self._thread.join(timeout=5)
        if listener is not None:
            listener.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class HttpDevice:
    """Answers GET with `status` while up (requests counted in `hits`)."""

    def __init__(self, host: str = "127.0.0.1", status: int = 200) -> None:
        self.host = host
        self.port = free_port(host)
        self.status = status
        self.hits = 0
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/status"

    def up(self) -> HttpDevice:
        device = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                device.hits += 1
                body = b"ok"
                self.send_response(device.status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = _Server((self.host, self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever)
        self._thread.start()
        return self

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None
