"""The fetcher against a local server with error routes: every failure is a reason."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.scrape_support import SMALL_CAP, error_server, no_leaks, unused_port
from workloads.scrape.fetcher import Sessions, check_url, describe_error, fetch

FAST = (1.0, 0.3)  # connect, read timeouts small enough for /slow to time out


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with error_server() as url:
        yield url


@pytest.fixture
def sessions() -> Iterator[Sessions]:
    with Sessions() as s:
        yield s


def get(sessions: Sessions, url: str):
    return fetch(sessions.get(), url, timeout=FAST, max_bytes=SMALL_CAP)


def test_ok_page(base: str, sessions: Sessions) -> None:
    page = get(sessions, base + "/ok.html")
    assert page.ok and page.error == ""
    assert page.status == 200
    assert page.content_type == "text/html"
    assert page.encoding == "utf-8"
    assert page.body.startswith(b"<!DOCTYPE html>")
    assert page.size == len(page.body)


def test_redirect_is_followed(base: str, sessions: Sessions) -> None:
    page = get(sessions, base + "/redirect")
    assert page.ok
    assert page.final_url == base + "/ok.html"


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/missing", 404, "HTTP 404 Not Found"),
        ("/boom", 500, "HTTP 500 Internal Server Error"),
        ("/binary", 200, "not HTML (application/octet-stream)"),
        ("/huge", 200, "too large: 29.3 kB (the limit is 9.8 kB)"),
        ("/huge-stream", 200, "too large: more than"),
        ("/loop", None, "too many redirects (more than 10)"),
        ("/slow", None, "timed out waiting for 127.0.0.1 to answer (after 0.3 s)"),
        ("/to-ftp", None, "unsupported scheme"),
    ],
)
def test_error_routes(base: str, sessions: Sessions, path: str, status, error: str) -> None:
    page = get(sessions, base + path)
    assert not page.ok
    assert page.error.startswith(error)
    assert "\n" not in page.error
    assert page.status == status
    assert page.body == b""


def test_no_content_type_but_html_is_accepted(base: str, sessions: Sessions) -> None:
    page = get(sessions, base + "/no-type")
    assert page.ok, page.error


def test_refused(sessions: Sessions) -> None:
    port = unused_port()
    page = get(sessions, f"http://127.0.0.1:{port}/")
    assert page.error == f"connection refused by 127.0.0.1:{port} (nothing listening)"


def test_dns_failure(sessions: Sessions, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host, *args, **kwargs):  # no test touches the network, DNS included
        if host == "no-such-host.test":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    page = get(sessions, "http://no-such-host.test/page")
    assert page.error == "DNS lookup failed: no address for host 'no-such-host.test'"


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("ftp://example.test/file.txt", "unsupported scheme 'ftp:' (only http and https)"),
        ("file:///etc/passwd", "unsupported scheme 'file:' (only http and https)"),
        ("mailto:someone@example.test", "unsupported scheme 'mailto:' (only http and https)"),
        ("example.test/page", "no scheme: write it as http://... or https://..."),
        ("localhost:8000/x", "no scheme: write it as http://... or https://..."),
        ("http://", "invalid URL: no host name"),
        ("http://127.0.0.1:99999/", "invalid port 99999 (must be from 1 to 65535)"),
        ("http://127.0.0.1:0/", "invalid port 0 (must be from 1 to 65535)"),
        ("http://[::1]:0/", "invalid port 0 (must be from 1 to 65535)"),
        (
            "http://127.0.0.1:/",
            "invalid port: nothing after ':' (leave out the colon for the default)",
        ),
        ("http://h.test:8o/", "invalid port '8o' (must be a number from 1 to 65535)"),
        ("http://h.test:+80/", "invalid port '+80' (must be a number from 1 to 65535)"),
        ("http://[::1", "invalid URL: Invalid IPv6 URL"),
        ("http://[::1]x/", "invalid URL: unexpected 'x' after the IPv6 address"),
        ("not a url", "no scheme: write it as http://... or https://..."),
        ("", "empty URL"),
    ],
)
def test_urls_refused_before_any_request(url: str, error: str) -> None:
    assert check_url(url) == error
    with Sessions() as s:
        assert fetch(s.get(), url).error == error


def test_ports_that_are_fine() -> None:
    for url in ("http://h.test:1/", "http://h.test:65535/", "http://[::1]:8080/", "http://[::1]/"):
        assert check_url(url) == "", url
    assert check_url("https://user:pa:ss@h.test/") == ""  # a colon in the password


def test_describe_unknown_error_is_one_line() -> None:
    text = describe_error(RuntimeError("first\nsecond"), "http://x.test/")
    assert text == "RuntimeError: first"


@pytest.mark.parametrize("url", ["http://[::1", "http://h.test:99999/", "", "not a url"])
def test_describe_error_never_raises_on_a_malformed_url(url: str) -> None:
    text = describe_error(ConnectionRefusedError(111, "refused"), url)
    assert text.startswith("connection refused by ") and "\n" not in text


def test_a_session_per_thread_and_nothing_left_open(base: str) -> None:
    import threading

    with no_leaks():
        seen = []
        with Sessions() as s:

            def work() -> None:
                seen.append(s.get())
                assert fetch(s.get(), base + "/ok.html").ok

            threads = [threading.Thread(target=work) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len({id(x) for x in seen}) == 3
