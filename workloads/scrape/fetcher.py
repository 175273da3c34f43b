"""Fetching a page with ``requests``: every failure becomes a one-line reason, never a raise.

The rules of a careful scraper, each one a line of :func:`fetch`:

- only ``http`` and ``https`` URLs (not ``file:``, ``ftp:``, ...) with a valid port;
- a connect timeout and a read timeout, and a deadline for the whole fetch;
- ``stream=True`` and a cap on the (decoded) body size, so a huge download is cut short;
- only HTML is kept (``text/html`` or ``application/xhtml+xml``);
- HTTP error statuses (4xx, 5xx) are failures, and so are redirect loops.

Why a deadline needs more than ``timeout``: requests' read timeout bounds each read from
the socket, not the response. A server that sends one byte a second (of its headers or
of its body) never trips it. So each fetch gets a :class:`Deadline`; the sessions of
:func:`new_session` tell it every socket they open or reuse, and when the deadline passes
a watchdog thread shuts those sockets down, which ends whatever read is blocked on them.

A ``requests.Session`` keeps connections open between requests to the same host, but
one session must not be shared by threads: :class:`Sessions` gives each thread its own.
"""

from __future__ import annotations

import codecs
import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
import urllib3.poolmanager
from requests.adapters import HTTPAdapter

#: Seconds to wait for a connection, and for each read from it.
TIMEOUT = (5.0, 10.0)
#: Seconds for the whole fetch: connecting, redirects, headers and body.
DEADLINE_S = 30.0
#: Bodies larger than this (once decompressed) are not read to the end.
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 10
USER_AGENT = "interleave-scraper/0.1 (a teaching demo; python-requests)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: Small reads: the deadline and the size cap are checked between them, and a compressed
#: body is inflated at most this much at a time.
_CHUNK = 16 * 1024
#: Schemes written without ``//``: ``localhost:8000`` is a missing scheme, ``mailto:x`` is not.
_SCHEME_ONLY = ("file", "mailto", "data", "javascript", "about", "tel", "news", "urn")
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: A redirect's body up to this size (declared, uncompressed) is read, not dropped.
_REDIRECT_BODY_MAX = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """What came back for one URL. ``error`` is empty on success."""

    url: str
    final_url: str = ""
    status: int | None = None
    content_type: str = ""
    encoding: str | None = None
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        """True when the body is HTML worth parsing."""
        return not self.error

    @property
    def size(self) -> int:
        """Bytes of body read."""
        return len(self.body)


# -- the deadline -------------------------------------------------------------------------
class Deadline:
    """The time limit of one fetch; once it passes, the fetch's sockets are shut down.

    Shutting a socket down (rather than closing it) is safe from another thread: the
    read blocked on it returns at once with end-of-file, and the thread that owns the
    socket still closes it.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self.closed = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def over(self) -> bool:
        """True once the deadline has passed (whether or not the watchdog acted yet)."""
        return self.expired or time.monotonic() >= self.at

    @property
    def message(self) -> str:
        """The error of a fetch cut short by this deadline."""
        return f"deadline exceeded: the whole fetch took longer than {self.seconds:g} s"

    def cap(self, timeout: object) -> float:
        """``timeout`` (seconds, or None for none) shortened to the time left."""
        left = max(self.at - time.monotonic(), 0.001)
        return min(timeout, left) if isinstance(timeout, (int, float)) else left

    def watch(self, sock: socket.socket) -> None:
        """Shut ``sock`` down when the deadline passes (at once if it already has)."""
        with self._lock:
            if self.closed:
                return
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def expire(self) -> None:
        """The deadline passed: shut down every socket of the fetch, unless it is over."""
        with self._lock:
            if self.closed:
                return
            self.expired = True
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    def close(self) -> None:
        """The fetch is over: forget its sockets (they may go back to the pool)."""
        with self._lock:
            self.closed = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, not SSLSocket's: that one also drops the TLS state
    # under the feet of the thread reading from it.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One thread that expires deadlines when they pass; it runs only while some are open."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._due: list[tuple[float, int, Deadline]] = []
        self._ids = itertools.count()
        self._open = 0
        self._running = False

    def add(self, deadline: Deadline) -> None:
        """Expire ``deadline`` when it passes, unless :meth:`discard` comes first."""
        with self._cond:
            heapq.heappush(self._due, (deadline.at, next(self._ids), deadline))
            self._open += 1
            if not self._running:
                self._start()
            elif self._due[0][2] is deadline:
                self._cond.notify()

    def _start(self) -> None:
        thread = threading.Thread(target=self._run, name="fetch-deadlines", daemon=True)
        try:
            thread.start()
        except RuntimeError:  # no thread to be had: the fetch still checks between reads
            return
        self._running = True

    def discard(self, deadline: Deadline) -> None:
        """``deadline`` is closed; with none open, the thread ends (nothing left behind)."""
        with self._cond:
            self._open -= 1
            if not self._open:
                self._due.clear()
                self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while self._open:
                now = time.monotonic()
                while self._due and (self._due[0][2].closed or self._due[0][0] <= now):
                    heapq.heappop(self._due)[2].expire()
                self._cond.wait(self._due[0][0] - now if self._due else None)
            self._running = False


_WATCHDOG = _Watchdog()
# A forked child has no watchdog thread even if its parent had one running.
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_WATCHDOG._reset)
_current = threading.local()


def _deadline() -> Deadline | None:
    """The deadline of the fetch running in this thread, if any."""
    return getattr(_current, "deadline", None)


class _WatchedMixin:
    """A urllib3 connection that hands its socket to the calling thread's deadline."""

    timeout: Any
    sock: socket.socket | None

    def _new_conn(self) -> socket.socket:
        deadline = _deadline()
        if deadline is not None:  # connecting may not outlast the deadline either
            self.timeout = deadline.cap(self.timeout)
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        if deadline is not None:
            deadline.watch(sock)
        return sock

    def request(self, *args: Any, **kwargs: Any) -> None:
        deadline = _deadline()
        if deadline is not None and self.sock is not None:  # a kept-alive connection
            deadline.watch(self.sock)
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_WatchedMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_WatchedMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class BadRedirect(requests.exceptions.InvalidURL):
    """A redirect to a URL :func:`check_url` refuses (its message says why)."""


class DeadlineAdapter(HTTPAdapter):
    """requests' adapter whose connections report their sockets to the fetch's deadline.

    It also checks every URL it is sent to, so a redirect to port 0 is refused as an
    invalid port (as the same URL given directly is) rather than tried.
    """

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        problem = check_url(request.url or "")
        if problem:
            raise BadRedirect(problem, request=request)
        resp = super().send(request, *args, **kwargs)
        if resp.is_redirect and not _small_plain_body(resp.headers):
            # requests reads a redirect's whole body (to reuse the connection): an
            # endless one, or a gzip bomb, inflated in memory. Drop the connection instead.
            resp.raw.close()
        return resp

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _use_watched_pools(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        _use_watched_pools(manager)
        return manager


def _small_plain_body(headers: Mapping[str, str]) -> bool:
    """True when a body is declared small and not compressed: cheap to read whole."""
    length = headers.get("Content-Length", "").strip()
    encoding = headers.get("Content-Encoding", "identity").strip().lower()
    small = length.isascii() and length.isdigit() and int(length) <= _REDIRECT_BODY_MAX
    return small and encoding == "identity"


def _use_watched_pools(manager: Any) -> None:
    # Only a manager with urllib3's plain pools: a SOCKS proxy has its own connections
    # (there, the deadline is still checked between reads of the body).
    if manager.pool_classes_by_scheme is urllib3.poolmanager.pool_classes_by_scheme:
        manager.pool_classes_by_scheme = _POOLS


def _with_deadlines(session: requests.Session) -> None:
    for prefix in ("http://", "https://"):
        if not isinstance(session.adapters.get(prefix), DeadlineAdapter):
            session.mount(prefix, DeadlineAdapter())


# -- sessions -------------------------------------------------------------------------------
def new_session() -> requests.Session:
    """A session with this module's redirect limit, user agent and deadline adapter."""
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = USER_AGENT
    _with_deadlines(session)
    return session


class Sessions:
    """One ``requests.Session`` per thread, all closed by :meth:`close` (or ``with``)."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[requests.Session] = []

    def get(self) -> requests.Session:
        """The calling thread's session (made on first use)."""
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = new_session()
            with self._lock:
                self._all.append(session)
        return session

    def close(self) -> None:
        """Close every session made so far (their connections with them)."""
        with self._lock:
            sessions, self._all = self._all, []
        for session in sessions:
            session.close()

    def __enter__(self) -> Sessions:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- checking a URL ---------------------------------------------------------------------------
def check_url(url: str) -> str:
    """Why ``url`` cannot be fetched, or ``""`` if it can be tried. Never raises."""
    if not url:
        return "empty URL"
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "http://[::1": an unclosed IPv6 bracket
        return f"invalid URL: {exc}"
    scheme = parts.scheme.lower()
    if not scheme or ("://" not in url and scheme not in _SCHEME_ONLY):
        return "no scheme: write it as http://... or https://..."
    if scheme not in ("http", "https"):
        return f"unsupported scheme '{scheme}:' (only http and https)"
    problem = _port_problem(parts.netloc)
    if problem:
        return problem
    if not parts.hostname:
        return "invalid URL: no host name"
    return ""


def _port_problem(netloc: str) -> str:
    """Why the port of ``netloc`` (``user@host:port``) is invalid, or ``""``.

    Parsed here rather than with ``urlsplit(...).port``, whose errors ("Port could not
    be cast to integer value") and limits (it accepts port 0) vary between Pythons.
    """
    hostport = netloc.rpartition("@")[2]
    if hostport.startswith("["):  # an IPv6 literal: the port comes after "]"
        rest = hostport.partition("]")[2]
        if not rest:
            return ""
        if not rest.startswith(":"):
            return f"invalid URL: unexpected {rest!r} after the IPv6 address"
        text = rest[1:]
    else:
        _, colon, text = hostport.rpartition(":")
        if not colon:
            return ""
    if not text:
        return "invalid port: nothing after ':' (leave out the colon for the default)"
    if not (text.isascii() and text.isdigit()):
        return f"invalid port {text[:20]!r} (must be a number from 1 to 65535)"
    if not 1 <= int(text) <= 65535:
        return f"invalid port {int(text)} (must be from 1 to 65535)"
    return ""


# -- fetching -------------------------------------------------------------------------------
def fetch(
    session: requests.Session,
    url: str,
    *,
    timeout: tuple[float, float] = TIMEOUT,
    deadline_s: float = DEADLINE_S,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET ``url`` and read its HTML body; any failure is in ``Fetched.error``.

    The whole fetch (connecting, redirects, headers, body) ends within about
    ``deadline_s`` whatever the server does; only a DNS lookup, which nothing can
    interrupt, may outlast it. ``session`` should come from :func:`new_session`;
    another session gets this module's adapter mounted.
    """
    url = url.strip()
    problem = check_url(url)
    if problem:
        return Fetched(url, error=problem)
    _with_deadlines(session)
    deadline = Deadline(deadline_s)
    _WATCHDOG.add(deadline)
    _current.deadline = deadline
    try:
        return _get(session, url, timeout, deadline, max_bytes)
    finally:
        _current.deadline = None
        deadline.close()
        _WATCHDOG.discard(deadline)


def _get(
    session: requests.Session,
    url: str,
    timeout: tuple[float, float],
    deadline: Deadline,
    max_bytes: int,
) -> Fetched:
    status: int | None = None
    final_url = url
    try:
        with session.get(url, timeout=timeout, stream=True) as resp:
            status, final_url = resp.status_code, resp.url
            page = _read(resp, url, deadline, max_bytes)
    except Exception as exc:  # every failure is a result, never a crash of the worker
        # A socket shut down by the deadline fails in many ways; the deadline is the cause.
        error = deadline.message if deadline.over else describe_error(exc, url, timeout)
        return Fetched(url, final_url, status, error=error)
    if deadline.expired:  # cut short: what was read (headers even) may be truncated
        return Fetched(url, final_url, status, error=deadline.message)
    return page


def _read(resp: requests.Response, url: str, deadline: Deadline, max_bytes: int) -> Fetched:
    """Judge the response by its headers, then read its body if it is worth it."""
    status, final_url = resp.status_code, resp.url
    ctype = resp.headers.get("Content-Type", "")
    mime = ctype.split(";", 1)[0].strip().lower()
    encoding = charset_of(ctype)
    if status >= 400:
        reason = f" {resp.reason}" if resp.reason else ""
        return Fetched(url, final_url, status, mime, error=f"HTTP {status}{reason}")
    if mime and mime not in HTML_TYPES:
        return Fetched(url, final_url, status, mime, error=f"not HTML ({mime})")
    length = resp.headers.get("Content-Length", "").strip()
    if length.isascii() and length.isdigit() and int(length) > max_bytes:
        return Fetched(url, final_url, status, mime, error=_too_big(int(length), max_bytes))
    body, error = _read_body(resp.iter_content(_CHUNK), deadline, max_bytes)
    if not error and not mime and not _looks_like_html(body):
        error = "not HTML (no Content-Type, and the body does not look like HTML)"
    return Fetched(url, final_url, status, mime or "text/html", encoding, body, error)


def _read_body(chunks: Iterator[bytes], deadline: Deadline, max_bytes: int) -> tuple[bytes, str]:
    """The body (decoded: the cap applies to what a gzip bomb inflates to), or why not."""
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        if deadline.over:
            return b"", deadline.message
        size += len(chunk)
        if size > max_bytes:
            return b"", _too_big(size, max_bytes, at_least=True)
        parts.append(chunk)
    return b"".join(parts), ""


def _too_big(size: int, limit: int, *, at_least: bool = False) -> str:
    if at_least:  # cut off at the cap: the real size is unknown
        return f"too large: more than the {_human(limit)} limit"
    return f"too large: {_human(size)} (the limit is {_human(limit)})"


def _human(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} kB"
    return f"{n} B"


def charset_of(content_type: str) -> str | None:
    """The ``charset=`` of a Content-Type header, if it names a known codec."""
    for param in content_type.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip("\"'")
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<title"))


# -- describing a failure -------------------------------------------------------------------
def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and everything it wraps (requests -> urllib3 -> socket)."""
    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        e = todo.pop(0)
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [getattr(e, "reason", None), e.__cause__, e.__context__, *e.args]


def _target(chain: list[BaseException], url: str) -> tuple[str, int | None]:
    """The host and port the failed request went to: after redirects, urllib3's pool
    knows it; else it is the URL's (``None`` for the port when the URL is malformed)."""
    for e in chain:
        pool = getattr(e, "pool", None) if isinstance(e, urllib3.exceptions.PoolError) else None
        host = getattr(pool, "host", None)
        if host:
            return str(host), getattr(pool, "port", None)
    try:
        parts = urlsplit(url)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower())
        return parts.hostname or "?", port
    except ValueError:
        return "?", None


def _host_port(host: str, port: int | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port is not None else shown


def describe_error(exc: BaseException, url: str, timeout: tuple[float, float] = TIMEOUT) -> str:
    """One line saying why fetching ``url`` failed, for a reader, not a debugger."""
    chain = list(_chain(exc))
    host, port = _target(chain, url)

    def has(*types: type) -> bool:
        return any(isinstance(e, types) for e in chain)

    if has(BadRedirect):
        return f"redirected to a URL that cannot be fetched: {_first_line(exc)}"
    if has(requests.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if has(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return f"DNS lookup failed: no address for host '{host}'"
    if has(ConnectionRefusedError):
        return f"connection refused by {_host_port(host, port)} (nothing listening)"
    if has(requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError):
        return f"timed out connecting to {_host_port(host, port)} (after {timeout[0]:g} s)"
    if has(requests.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        return f"timed out waiting for {host} to answer (after {timeout[1]:g} s)"
    if has(requests.exceptions.SSLError):
        return f"TLS/SSL error with {host}: {_first_line(exc)}"
    if has(requests.exceptions.InvalidSchema):
        return f"unsupported scheme (only http and https): {_first_line(exc)}"
    if has(requests.exceptions.InvalidURL, requests.exceptions.MissingSchema):
        return f"invalid URL: {_first_line(exc)}"
    if has(ConnectionResetError, requests.exceptions.ChunkedEncodingError):
        return f"connection broken by {host} while reading the page"
    if has(requests.ConnectionError):
        return f"could not connect to {_host_port(host, port)}: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."
