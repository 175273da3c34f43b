"""The scraper against a server that misbehaves on purpose, and against malformed URLs.

Whatever the server does (trickle its headers or its body, redirect slowly or forever,
send a huge body or a gzip bomb), each URL ends within its deadline as one result row
that says why. Whatever the URL, too: a malformed one is a row, never a failed run.
"""

from __future__ import annotations

import threading
import time
import tracemalloc
from collections.abc import Iterator

import pytest

from tests.hostile_server import BOMB_BYTES, HostileServer
from tests.scrape_support import no_leaks, unused_port
from workloads import catalog
from workloads.events import RunStatus
from workloads.run_document import run_document
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.scrape.fetcher import Fetched, Sessions, fetch

DEADLINE_S = 2.0
#: How late a fetch may end after its deadline: loose, a loaded CI machine is slow.
SLACK_S = 1.5
CAP = 256 * 1024


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as s:
        yield s


def get(url: str, **kwargs: object) -> Fetched:
    with Sessions() as sessions:
        return fetch(sessions.get(), url, **kwargs)  # type: ignore[arg-type]


@pytest.mark.timeout(30)
def test_trickles_and_slow_redirects_end_at_the_deadline(server: HostileServer) -> None:
    urls = [server.url(p) for p in ("/trickle-headers", "/trickle-body", "/slow-redirect/0")]
    # A TLS handshake that never gets an answer (the server speaks plain HTTP, and
    # waits for a request that never comes): the connect phase is bounded too.
    urls.append(server.url("/ok").replace("http:", "https:"))
    ended: dict[str, tuple[float, Fetched]] = {}

    def run(url: str) -> None:
        start = time.monotonic()
        page = get(url, deadline_s=DEADLINE_S, timeout=(30.0, 30.0), max_bytes=CAP)
        ended[url] = (time.monotonic() - start, page)

    with no_leaks():  # the watchdog thread ends too, and every socket is closed
        threads = [threading.Thread(target=run, args=(u,)) for u in urls]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for url in urls:
        took, page = ended[url]
        assert page.error == "deadline exceeded: the whole fetch took longer than 2 s", url
        assert page.body == b""
        assert DEADLINE_S - 0.1 <= took <= DEADLINE_S + SLACK_S, (url, took)


@pytest.mark.timeout(30)
def test_many_fetches_each_keep_their_own_deadline(server: HostileServer) -> None:
    # Deadlines of 1, 1.5 and 2 s at once: the watchdog wakes for each in turn, and
    # quick fetches in between (which open and close deadlines) do not disturb it.
    ended: dict[float, float] = {}

    def run(deadline: float) -> None:
        start = time.monotonic()
        page = get(server.url("/trickle-body"), deadline_s=deadline, max_bytes=CAP)
        assert page.error.startswith("deadline exceeded")
        ended[deadline] = time.monotonic() - start

    threads = [threading.Thread(target=run, args=(d,)) for d in (2.0, 1.0, 1.5)]
    for t in threads:
        t.start()
    for _ in range(20):
        assert get(server.url("/ok"), deadline_s=30).ok
    for t in threads:
        t.join()
    for deadline, took in ended.items():
        assert deadline - 0.1 <= took <= deadline + SLACK_S, (deadline, took)


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/huge", 200, "too large: more than the 256.0 kB limit"),
        ("/huge-declared", 200, "too large: 10.0 MB (the limit is 256.0 kB)"),
        ("/gzip-bomb", 200, "too large: more than the 256.0 kB limit"),
        ("/loop", None, "too many redirects (more than 10)"),
        ("/json", 200, "not HTML (application/json)"),
        ("/500", 500, "HTTP 500 Internal Server Error"),
        ("/redirect-to/0", None, "redirected to a URL that cannot be fetched: invalid port 0"),
        ("/redirect-to/99999", None, "redirected to a URL that cannot be fetched: invalid port"),
    ],
)
def test_hostile_routes_are_reasons(server: HostileServer, path: str, status, error: str) -> None:
    page = get(server.url(path), deadline_s=DEADLINE_S, max_bytes=CAP)
    assert page.error.startswith(error), page.error
    assert page.status == status
    assert page.body == b"" and "\n" not in page.error


@pytest.mark.timeout(30)
@pytest.mark.parametrize("path", ["/redirect-bomb", "/redirect-endless"])
def test_the_body_of_a_redirect_is_not_read(server: HostileServer, path: str) -> None:
    tracemalloc.start()
    try:
        start = time.monotonic()
        page = get(server.url(path), deadline_s=10)
        took = time.monotonic() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert page.ok, page.error
    assert page.final_url == server.url("/ok")
    assert took < 5  # far from the deadline: the endless body was dropped, not read
    assert peak < 16 * 1024 * 1024


def test_a_redirect_to_a_closed_port_names_that_port(server: HostileServer) -> None:
    port = unused_port()
    page = get(server.url(f"/redirect-to/{port}"), deadline_s=DEADLINE_S)
    assert page.error == f"connection refused by 127.0.0.1:{port} (nothing listening)"


def test_a_gzip_bomb_is_capped_on_decoded_bytes_without_inflating_it(
    server: HostileServer,
) -> None:
    tracemalloc.start()
    try:
        page = get(server.url("/gzip-bomb"))  # the default cap, 5 MB
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert page.error.startswith("too large: more than the 5.0 MB limit")
    assert peak < 16 * 1024 * 1024 < BOMB_BYTES  # the bomb was never inflated whole


# -- the demo: one row per URL, in input order, the run finishes ---------------------------
def run_demo(**params: object) -> RunState:
    state = run_to_end(catalog.get("scrape").config(params, time_scale=1.0))
    assert state.status == RunStatus.FINISHED, state.error
    return state


def errors_by_url(state: RunState) -> list[tuple[str, str]]:
    return [(r["url"], r["error"]) for r in run_document(state)["results"]]


MALFORMED = [
    ("http://127.0.0.1:99999/", "invalid port 99999 (must be from 1 to 65535)"),
    ("http://[::1", "invalid URL: Invalid IPv6 URL"),
    ("ftp://x", "unsupported scheme 'ftp:' (only http and https)"),
    ("not a url", "no scheme: write it as http://... or https://..."),
    ("http://127.0.0.1:/", "invalid port: nothing after ':'"),
    ("http://127.0.0.1:0/", "invalid port 0 (must be from 1 to 65535)"),
]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["threads", "sequential"])
def test_every_url_is_one_row_in_input_order(server: HostileServer, mode: str) -> None:
    expected = [
        (server.url("/ok"), ""),
        *MALFORMED[:3],
        (server.url("/500"), "HTTP 500 Internal Server Error"),
        (server.url("/json"), "not HTML (application/json)"),
        *MALFORMED[3:],
        (server.url("/gzip-bomb"), "too large: more than the 5.0 MB limit"),
        (server.url("/huge"), "too large: more than the 5.0 MB limit"),
        (server.url("/huge-declared"), "too large: 10.0 MB (the limit is 5.0 MB)"),
        (server.url("/loop"), "too many redirects (more than 10)"),
        (server.url("/redirect-to/0"), "redirected to a URL that cannot be fetched: invalid port"),
        (server.url("/ok"), ""),  # a duplicate is a row too
    ]
    state = run_demo(mode=mode, workers=4, url=[url for url, _ in expected])
    rows = errors_by_url(state)
    assert [url for url, _ in rows] == [url for url, _ in expected]
    for (url, error), (_, want) in zip(rows, expected, strict=True):
        assert error.startswith(want) if want else error == "", (url, error)
        assert "\n" not in error


@pytest.mark.timeout(60)
def test_a_crawl_from_malformed_urls_goes_on(server: HostileServer) -> None:
    urls = ["http://[::1", "http://127.0.0.1:99999/", server.url("/ok")]
    state = run_demo(mode="thread-pool", workers=2, crawl=5, url=urls)
    rows = errors_by_url(state)
    assert [url for url, _ in rows] == urls
    assert [error for _, error in rows] == [
        "invalid URL: Invalid IPv6 URL",
        "invalid port 99999 (must be from 1 to 65535)",
        "",
    ]
