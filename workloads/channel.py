"""How events travel from a run's processes to its session: one connection per process.

Every process of a run (the host and each child) opens its own stream connection to a
Unix socket the session listens on, and sends pickled batches of events over it.
Nothing is shared between processes: no lock, no feeder thread. That is the point.
With one ``multiprocessing.Queue`` for the whole run, a worker killed while it held
the queue's write lock wedged every other writer, and the run hung forever. Here a
process that dies only cuts its own stream short; the session reads the others on.

The socket lives in a fresh directory only this user can enter, and each connection
opens with the run's random token, so a stray process cannot talk into a run.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import secrets
import selectors
import shutil
import socket
import tempfile
import threading
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from workloads.events import Event

_PROTOCOL = pickle.HIGHEST_PROTOCOL
#: Pending connections the listening socket queues (a run may start 256 processes at once).
BACKLOG = 1024


class Address(NamedTuple):
    """Where a run's processes send their events, and the token that lets them in."""

    path: str
    token: str


class Hello(NamedTuple):
    """The first message on every connection: who is talking."""

    token: str
    pid: int


class Sender:
    """The sending end in one process. Thread-safe: a lock keeps batches whole.

    ``put`` is what :class:`workloads.reporter.Reporter` calls with each batch. If the
    session is gone (the UI died), sends are dropped silently: the process is about to
    be taken down by its parent watcher anyway.
    """

    def __init__(self, address: Address) -> None:
        self.address = address
        self.pid = os.getpid()
        self._lock = threading.Lock()
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.connect(address.path)
        except OSError:
            sock.close()
            raise
        self._conn: Connection | None = Connection(sock.detach())
        self._send(pickle.dumps(Hello(address.token, self.pid), _PROTOCOL))

    def put(self, batch: list[Event]) -> None:
        """Send one batch of events."""
        self._send(pickle.dumps(batch, _PROTOCOL))

    def _send(self, data: bytes) -> None:
        with self._lock:
            conn = self._conn
            if conn is None:
                return
            try:
                conn.send_bytes(data)
            except OSError:  # the session is gone
                self._conn = None
                with contextlib.suppress(OSError):
                    conn.close()

    def close(self) -> None:
        """Close the connection (the session sees its end)."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.close()

    def forget(self) -> None:
        """Drop the connection without closing it (in a forked child: it is the parent's)."""
        self._conn = None
        self._lock = threading.Lock()


def _sent_at(batch: list[Event]) -> float:
    """When a batch was sent, near enough: the time of its last event (a reporter
    sends its events in the order they happened, soon after the last one)."""
    last = batch[-1]
    t = getattr(last, "t", None)
    return float(t if t is not None else getattr(last, "end", 0.0))


class Listener:
    """The session's end: accepts every process's connection and reads their batches."""

    def __init__(self) -> None:
        self._dir = tempfile.mkdtemp(prefix="interleave-")  # mode 0700
        path = os.path.join(self._dir, "events")
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.bind(path)
        self._sock.listen(BACKLOG)
        self._sock.setblocking(False)
        self.address = Address(path, secrets.token_hex(16))
        #: Connections that have not said hello yet, and those that did (by pid).
        self._new: list[Connection] = []
        self._open: dict[Connection, int] = {}
        # One selector for the session's life, each connection registered once: the
        # session reads some thirty times a second, and building a poll set of every
        # connection at each read (what multiprocessing's wait() does) was most of the
        # session thread's work with a few processes, and grew with their number.
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._sock, selectors.EVENT_READ)

    @property
    def open_count(self) -> int:
        """Connections still open (processes that may still send)."""
        return len(self._open) + len(self._new)

    def read(self, timeout: float) -> list[Event]:
        """Every event that is ready now, waiting up to ``timeout`` for the first.

        Accepts new connections, drops the ones that ended (the process exited or was
        killed; a batch cut short by a kill is dropped whole), and never blocks longer
        than ``timeout``.
        """
        try:
            ready = self._selector.select(timeout)
        except InterruptedError:  # a signal: nothing read this time
            return []
        batches: list[list[Event]] = []
        for key, _ in ready:
            obj = key.fileobj
            if obj is self._sock:
                self._accept()
            else:
                assert isinstance(obj, Connection)
                self._receive(obj, batches)
        if len(batches) == 1:
            return batches[0]
        # Several processes' batches in one read: in the order they were sent (as their
        # last events tell), not the selector's. A worker's last line, sent as it
        # exited, comes before the line main printed once it had joined it.
        batches.sort(key=_sent_at)
        return [event for batch in batches for event in batch]

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:  # out of fds: leave the rest queued, try again next read
                return
            sock.setblocking(True)
            conn = Connection(sock.detach())
            self._new.append(conn)
            self._selector.register(conn, selectors.EVENT_READ)

    def _receive(self, conn: Connection, batches: list[list[Event]]) -> None:
        # Read what is buffered without blocking on a connection that has sent part
        # of a message: select() said one message's first bytes are there; a batch is
        # written with one sendall, so the rest follows at once, or the sender died.
        try:
            data = conn.recv_bytes()
            message: Any = pickle.loads(data)
        except (EOFError, OSError, pickle.UnpicklingError, ValueError):
            self._drop(conn)
            return
        if conn in self._open:
            if message:
                batches.append(message)
        elif isinstance(message, Hello) and message.token == self.address.token:
            self._new.remove(conn)
            self._open[conn] = message.pid
        else:
            self._drop(conn)

    def _drop(self, conn: Connection) -> None:
        if conn in self._open:
            del self._open[conn]
        elif conn in self._new:
            self._new.remove(conn)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self._selector.unregister(conn)
        with contextlib.suppress(OSError):
            conn.close()

    def close(self) -> None:
        """Close every connection and the socket, and remove its directory."""
        for conn in [*self._new, *self._open]:
            with contextlib.suppress(OSError):
                conn.close()
        self._new.clear()
        self._open.clear()
        self._selector.close()
        with contextlib.suppress(OSError):
            self._sock.close()
        shutil.rmtree(self._dir, ignore_errors=True)
