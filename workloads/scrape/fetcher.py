"""Fetching a page with ``requests``: every failure becomes a one-line reason, never a raise.

The rules of a careful scraper, each one a line of :func:`fetch`:

- only ``http`` and ``https`` URLs (not ``file:``, ``ftp:``, ...);
- a connect timeout and a read timeout, and a deadline for the whole body;
- ``stream=True`` and a cap on the body size, so a huge download is cut short;
- only HTML is kept (``text/html`` or ``application/xhtml+xml``);
- HTTP error statuses (4xx, 5xx) are failures, and so are redirect loops.

A ``requests.Session`` keeps connections open between requests to the same host, but
one session must not be shared by threads: :class:`Sessions` gives each thread its own.
"""

from __future__ import annotations

import codecs
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

#: Seconds to wait for a connection, and for each read from it.
TIMEOUT = (5.0, 10.0)
#: Seconds for the whole response, body included (a trickling server is cut off).
DEADLINE_S = 30.0
#: Bodies larger than this are not read to the end.
MAX_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 10
USER_AGENT = "interleave-scraper/0.1 (a teaching demo; python-requests)"
HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 64 * 1024
#: Schemes written without ``//``: ``localhost:8000`` is a missing scheme, ``mailto:x`` is not.
_SCHEME_ONLY = ("file", "mailto", "data", "javascript", "about", "tel", "news", "urn")


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


def new_session() -> requests.Session:
    """A session with this module's redirect limit and user agent."""
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    session.headers["User-Agent"] = USER_AGENT
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


def check_url(url: str) -> str:
    """Why ``url`` cannot be fetched, or ``""`` if it can be tried."""
    if not url:
        return "empty URL"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as exc:
        return f"invalid URL: {exc}"
    scheme = parts.scheme.lower()
    if not scheme or ("://" not in url and scheme not in _SCHEME_ONLY):
        return "no scheme: write it as http://... or https://..."
    if scheme not in ("http", "https"):
        return f"unsupported scheme '{scheme}:' (only http and https)"
    if not parts.hostname:
        return "invalid URL: no host name"
    return ""


def fetch(
    session: requests.Session,
    url: str,
    *,
    timeout: tuple[float, float] = TIMEOUT,
    deadline_s: float = DEADLINE_S,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """GET ``url`` and read its HTML body; any failure is in ``Fetched.error``."""
    url = url.strip()
    problem = check_url(url)
    if problem:
        return Fetched(url, error=problem)
    start = time.monotonic()
    status: int | None = None
    final_url = url
    try:
        with session.get(url, timeout=timeout, stream=True) as resp:
            status, final_url = resp.status_code, resp.url
            ctype = resp.headers.get("Content-Type", "")
            mime = ctype.split(";", 1)[0].strip().lower()
            encoding = charset_of(ctype)
            if status >= 400:
                reason = f" {resp.reason}" if resp.reason else ""
                return Fetched(url, final_url, status, mime, error=f"HTTP {status}{reason}")
            if mime and mime not in HTML_TYPES:
                return Fetched(url, final_url, status, mime, error=f"not HTML ({mime})")
            length = resp.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                return Fetched(url, final_url, status, mime, error=_too_big(int(length), max_bytes))
            body, error = _read_body(resp.iter_content(_CHUNK), start, deadline_s, max_bytes)
            if not error and not mime and not _looks_like_html(body):
                error = "not HTML (no Content-Type, and the body does not look like HTML)"
            return Fetched(url, final_url, status, mime or "text/html", encoding, body, error)
    except Exception as exc:  # every failure is a result, never a crash of the worker
        return Fetched(url, final_url, status, error=describe_error(exc, url, timeout))


def _read_body(
    chunks: Iterator[bytes], start: float, deadline_s: float, max_bytes: int
) -> tuple[bytes, str]:
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_bytes:
            return b"", _too_big(size, max_bytes, at_least=True)
        parts.append(chunk)
        if time.monotonic() - start > deadline_s:
            return b"", f"timed out: the whole page took longer than {deadline_s:g} s"
    return b"".join(parts), ""


def _too_big(size: int, limit: int, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    return f"too large: {more}{_human(size)} (the limit is {_human(limit)})"


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


def describe_error(exc: BaseException, url: str, timeout: tuple[float, float] = TIMEOUT) -> str:
    """One line saying why fetching ``url`` failed, for a reader, not a debugger."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    chain = list(_chain(exc))

    def has(*types: type) -> bool:
        return any(isinstance(e, types) for e in chain)

    if has(requests.TooManyRedirects):
        return f"too many redirects (more than {MAX_REDIRECTS})"
    if has(urllib3.exceptions.NameResolutionError, socket.gaierror):
        return f"DNS lookup failed: no address for host '{host}'"
    if has(ConnectionRefusedError):
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"connection refused by {host}:{port} (nothing listening)"
    if has(requests.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError):
        return f"timed out connecting to {host} (after {timeout[0]:g} s)"
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
        return f"could not connect to {host}: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 160 else line[:157] + "..."
