"""A real HTTP server on 127.0.0.1 that misbehaves on purpose, one route per trick.

Written on raw sockets (not ``http.server``) so that every byte and every pause is the
test's choice. Each connection gets one response, then is closed. Routes:

- ``/ok``: a small HTML page;
- ``/trickle-headers``: the status line and headers, one byte every ``TRICKLE_S``, forever;
- ``/trickle-body``: complete headers, then the body one byte every ``TRICKLE_S``, forever;
- ``/slow-redirect/N``: waits ``HOP_S``, then redirects to ``/slow-redirect/N+1``: each
  hop is quick enough, all of them together are not;
- ``/huge``: an HTML body of ``HUGE_BYTES``, streamed without a Content-Length;
- ``/huge-declared``: a Content-Length of ``HUGE_BYTES`` (the body never comes);
- ``/gzip-bomb``: ``Content-Encoding: gzip``, ~64 kB that inflate to ``BOMB_BYTES``;
- ``/redirect-bomb``, ``/redirect-endless``: redirects to ``/ok`` whose own body is a
  gzip bomb, or never ends;
- ``/loop``: a redirect to itself;
- ``/redirect-to/PORT``: a redirect to ``http://127.0.0.1:PORT/``;
- ``/json``: a JSON document (not HTML);
- ``/500``: an internal server error.

Stopping it ends every trickle at once and joins every thread it started.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from functools import cache

from workloads.scrape.fetcher import MAX_BYTES

TRICKLE_S = 0.05
HOP_S = 0.6
#: Bigger than the fetcher's default cap, so a huge body is too large even for the demo.
HUGE_BYTES = 2 * MAX_BYTES
BOMB_BYTES = 64 * 1024 * 1024
OK_BODY = b"<!DOCTYPE html><html><head><title>Fine</title></head><body><h1>Fine</h1></body></html>"


@cache
def gzip_bomb() -> bytes:
    """A gzip member of ``BOMB_BYTES`` zeros (after a little HTML): about 64 kB."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [packer.compress(b"<html><body>")]
    zeros = bytes(1024 * 1024)
    parts += [packer.compress(zeros) for _ in range(BOMB_BYTES // len(zeros))]
    parts.append(packer.flush())
    return b"".join(parts)


def _head(status: str, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


class HostileServer:
    """The server; use it with ``with``, which yields it with :attr:`base_url` set."""

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._conns: dict[socket.socket, threading.Thread] = {}
        self._listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self._listener.settimeout(0.05)
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._thread = threading.Thread(target=self._accept, name="hostile-accept")

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.base_url + path

    def __enter__(self) -> HostileServer:
        gzip_bomb()  # made once, before any client waits for it
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._listener.close()
        with self._lock:
            conns = list(self._conns.items())
        for conn, _ in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for _, thread in conns:
            thread.join(5)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), name="hostile-conn")
            with self._lock:
                self._conns[conn] = thread
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            path = _read_request_path(conn)
            if path is not None:
                self._respond(conn, path)
        except OSError:
            pass  # the client hung up: that is what the deadline does
        finally:
            with self._lock:
                self._conns.pop(conn, None)
            conn.close()

    def _respond(self, conn: socket.socket, path: str) -> None:
        html = "Content-Type: text/html; charset=utf-8"
        if path == "/ok":
            conn.sendall(_head("200 OK", html, f"Content-Length: {len(OK_BODY)}") + OK_BODY)
        elif path == "/trickle-headers":
            pad = b"X-Padding: " + b"a" * 1_000_000
            self._trickle(conn, _head("200 OK", html).rstrip(b"\r\n") + b"\r\n" + pad)
        elif path == "/trickle-body":
            conn.sendall(_head("200 OK", html, "Content-Length: 100000"))
            self._trickle(conn, b"<html>" + b"b" * 99_994)
        elif path.startswith("/slow-redirect/"):
            hop = int(path.rsplit("/", 1)[1])
            if not self._stop.wait(HOP_S):
                self._redirect(conn, f"/slow-redirect/{hop + 1}")
        elif path == "/huge":
            conn.sendall(_head("200 OK", html))
            chunk = b"<p>" + b"h" * 65_536 + b"</p>"
            for _ in range(HUGE_BYTES // len(chunk) + 1):
                conn.sendall(chunk)
        elif path == "/huge-declared":
            conn.sendall(_head("200 OK", html, f"Content-Length: {HUGE_BYTES}"))
        elif path == "/gzip-bomb":
            bomb = gzip_bomb()
            head = _head("200 OK", html, "Content-Encoding: gzip", f"Content-Length: {len(bomb)}")
            conn.sendall(head + bomb)
        elif path == "/redirect-bomb":  # a redirect whose body is a gzip bomb
            bomb = gzip_bomb()
            conn.sendall(
                _head(
                    "302 Found",
                    "Location: /ok",
                    html,
                    "Content-Encoding: gzip",
                    f"Content-Length: {len(bomb)}",
                )
                + bomb
            )
        elif path == "/redirect-endless":  # a redirect whose body never ends
            conn.sendall(_head("302 Found", "Location: /ok", html))
            while not self._stop.is_set():
                conn.sendall(bytes(65_536))
        elif path == "/loop":
            self._redirect(conn, "/loop")
        elif path.startswith("/redirect-to/"):
            self._redirect(conn, f"http://127.0.0.1:{path.rsplit('/', 1)[1]}/")
        elif path == "/json":
            body = b'{"not": "html"}'
            conn.sendall(
                _head("200 OK", "Content-Type: application/json", f"Content-Length: {len(body)}")
                + body
            )
        elif path == "/500":
            body = b"<html><title>oops</title></html>"
            conn.sendall(
                _head("500 Internal Server Error", html, f"Content-Length: {len(body)}") + body
            )
        else:
            conn.sendall(_head("404 Not Found", "Content-Length: 0"))

    def _trickle(self, conn: socket.socket, data: bytes) -> None:
        """Send ``data`` one byte at a time until it is all sent, the client leaves, or stop."""
        for i in range(len(data)):
            if self._stop.wait(TRICKLE_S):
                return
            conn.sendall(data[i : i + 1])

    def _redirect(self, conn: socket.socket, location: str) -> None:
        conn.sendall(_head("302 Found", f"Location: {location}", "Content-Length: 0"))


def _read_request_path(conn: socket.socket) -> str | None:
    """The path of the request on ``conn`` (its headers read and ignored)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk or len(data) > 65_536:
            return None
        data += chunk
    parts = data.split(b"\r\n", 1)[0].split()
    return parts[1].decode("latin-1") if len(parts) == 3 else None
