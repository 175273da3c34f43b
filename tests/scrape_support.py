"""Helpers for the scraper tests: a local server with error routes, and leak checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import psutil

OK_PAGE = b"""<!DOCTYPE html>
<html><head><title>
  A test   page
</title><script>var hidden = "not words";</script></head>
<body><h1>Hello <em>there</em></h1>
<p>one two three</p><p>four</p>
<a href="/ok.html">self</a> <a href="/missing">gone</a> <a name="anchor">no href</a>
<a href="http://elsewhere.test/">away</a>
</body></html>
"""

LATIN1_PAGE = (
    "<html><head><title>Caf\u00e9 cr\u00e8me</title></head><body>\u00e9t\u00e9</body></html>"
)

#: Bytes a test fetcher accepts; the "huge" routes send more than this.
SMALL_CAP = 10_000


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str | None = "text/html; charset=utf-8"):
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        path = self.path
        if path == "/ok.html":
            self._send(200, OK_PAGE)
        elif path == "/missing":
            self._send(404, b"<html><title>nope</title></html>")
        elif path == "/boom":
            self._send(500, b"<html><title>oops</title></html>")
        elif path == "/slow":
            time.sleep(1.0)
            self._send(200, OK_PAGE)
        elif path == "/binary":
            self._send(200, bytes(range(256)) * 4, "application/octet-stream")
        elif path == "/huge":
            self._send(200, b"<html>" + b"x" * (SMALL_CAP * 3) + b"</html>")
        elif path == "/huge-stream":  # no Content-Length: the cap must cut the read
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Connection", "close")
            self.end_headers()
            for _ in range(30):
                self.wfile.write(b"<p>" + b"y" * 1000 + b"</p>")
            self.close_connection = True
        elif path == "/loop":
            self._redirect("/loop")
        elif path == "/redirect":
            self._redirect("/ok.html")
        elif path == "/to-ftp":
            self._redirect("ftp://example.test/file")
        elif path == "/no-type":
            self._send(200, OK_PAGE, None)
        elif path == "/latin1":
            self._send(200, LATIN1_PAGE.encode("latin-1"), "text/html; charset=iso-8859-1")
        else:
            self._send(404, b"not here", "text/plain")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: clients that time out hang up on purpose (e.g. on /slow)."""


@contextmanager
def error_server() -> Iterator[str]:
    """A server on 127.0.0.1 with error routes; yields its base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def unused_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _connections() -> set[tuple[object, object]]:
    return {
        (c.laddr, c.raddr)
        for c in psutil.Process().net_connections(kind="inet")
        if c.status in (psutil.CONN_ESTABLISHED, psutil.CONN_LISTEN)
    }


@contextmanager
def no_leaks(grace: float = 3.0) -> Iterator[None]:
    """Fails if the block leaves a thread alive or a socket open in this process."""
    threads = set(threading.enumerate())
    conns = _connections()
    yield
    deadline = time.monotonic() + grace
    while True:
        extra_threads = [t for t in threading.enumerate() if t not in threads and t.is_alive()]
        extra_conns = _connections() - conns
        if not extra_threads and not extra_conns:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"left behind: threads {extra_threads}, sockets {extra_conns}")
        time.sleep(0.02)
