"""The embedded site and the parser: deterministic pages, fields as BeautifulSoup sees them."""

from __future__ import annotations

import socket
import threading
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup

from tests.scrape_support import LATIN1_PAGE, OK_PAGE, no_leaks
from workloads.scrape import site_server
from workloads.scrape.fetcher import Sessions, fetch
from workloads.scrape.page_parser import parse_page
from workloads.scrape.site_server import DEAD_LINK, SiteServer, build_site, page_count


def bs_fields(body: bytes) -> tuple[str, str, int, int]:
    """The four fields, computed straight from BeautifulSoup as a reader would."""
    soup = BeautifulSoup(body, "html.parser")
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    h1 = soup.find("h1")
    return (
        title,
        " ".join(h1.get_text().split()) if h1 else "",
        len(soup.find_all("a", href=True)),
        len(soup.get_text(" ").split()),
    )


def test_site_is_deterministic_and_a_few_dozen_pages() -> None:
    a, b = build_site(), build_site()
    assert list(a) == list(b)
    assert all(a[p].body == b[p].body for p in a)
    assert 24 <= len(a) == page_count() <= 60
    assert len({p.title for p in a.values()}) == len(a)


def test_every_link_of_the_site_resolves_except_the_dead_one() -> None:
    site = build_site()
    targets: set[str] = set()
    for page in site.values():
        targets.update(urlsplit(h).path or "/" for h in parse_page(page.body, "http://s/").hrefs)
    assert DEAD_LINK in targets
    assert targets - set(site) == {DEAD_LINK}
    assert set(site) <= targets | {"/"}


def test_parser_matches_beautifulsoup_on_every_site_page() -> None:
    for page in build_site().values():
        info = parse_page(page.body, "http://s" + page.path)
        assert (info.title, info.h1, info.links, info.words) == bs_fields(page.body)
        assert info.title == page.title
        assert info.h1 and info.links > 5 and info.words > 50


def test_parser_definitions() -> None:
    info = parse_page(OK_PAGE, "http://host.test/dir/page.html")
    assert info.title == "A test page"  # whitespace collapsed
    assert info.h1 == "Hello there"
    assert info.links == 3  # the <a> without href is not a link
    # script text is not words, the title is: "A test page Hello there one two three four
    # self gone no href away"
    assert info.words == 14
    assert info.hrefs == (
        "http://host.test/ok.html",
        "http://host.test/missing",
        "http://elsewhere.test/",
    )


def test_parser_edge_cases() -> None:
    empty = parse_page(b"")
    assert (empty.title, empty.h1, empty.links, empty.words) == ("", "", 0, 0)
    latin = parse_page(LATIN1_PAGE.encode("latin-1"), encoding="iso8859-1")
    assert latin.title == "Caf\u00e9 cr\u00e8me"
    based = parse_page(b'<base href="http://cdn.test/a/"><a href="b.html#x">b</a>', "http://h/")
    assert based.hrefs == ("http://cdn.test/a/b.html",)
    assert parse_page(b'<a href="mailto:x@y">m</a><a href="javascript:0">j</a>').hrefs == ()


def test_server_serves_every_page_on_loopback_and_stops_clean() -> None:
    with no_leaks(), SiteServer(latency=0.0) as site:
        assert urlsplit(site.base_url).hostname == "127.0.0.1"
        urls = site.urls()
        assert len(urls) == len(site.pages)
        results: dict[str, tuple] = {}
        with Sessions() as sessions:

            def work(chunk: list[str]) -> None:
                for url in chunk:
                    page = fetch(sessions.get(), url)
                    assert page.ok, page.error
                    info = parse_page(page.body, page.final_url, page.encoding)
                    results[url] = (info.title, info.h1, info.links, info.words)

            threads = [threading.Thread(target=work, args=(urls[i::3],)) for i in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            for url in urls:
                body = requests.get(url, timeout=5).content
                assert results[url] == bs_fields(body)
            missing = fetch(sessions.get(), site.url(DEAD_LINK))
            assert missing.error == "HTTP 404 Not Found"
        assert site.requests == 2 * len(urls) + 1


def test_latency_is_applied_per_request() -> None:
    import time

    with SiteServer(latency=0.05, jitter=0.0) as site:
        start = time.monotonic()
        requests.get(site.url("/"), timeout=5).close()
        assert time.monotonic() - start >= 0.05  # a lower bound only, never a duration


def test_stop_ends_open_keepalive_connections() -> None:
    with no_leaks():
        site = SiteServer(latency=0.0).start()
        session = requests.Session()
        assert session.get(site.url("/"), timeout=5).status_code == 200
        site.stop()  # the session still holds its keep-alive connection open
        session.close()


def test_the_listen_backlog_holds_a_burst_of_clients() -> None:
    # Nobody accepts here: every connection must wait in the kernel's queue. With
    # socketserver's default backlog of 5, the 7th SYN is dropped and connect() stalls.
    server = site_server._Server(("127.0.0.1", 0), site_server._Handler)
    port = int(server.server_address[1])
    clients: list[socket.socket] = []
    try:
        for _ in range(64):
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=0.5))
    finally:
        for c in clients:
            c.close()
        server.server_close()
    assert len(clients) == 64


@pytest.mark.timeout(60)
def test_sixty_four_workers_at_once_are_all_served() -> None:
    with no_leaks(), SiteServer(latency=0.05, jitter=0.0) as site, Sessions() as sessions:
        start = threading.Barrier(64)
        errors: list[str] = []

        def work(url: str) -> None:
            session = sessions.get()
            start.wait()
            page = fetch(session, url, deadline_s=20)
            if not page.ok:
                errors.append(page.error)

        urls = site.urls() * 3
        threads = [threading.Thread(target=work, args=(urls[i],)) for i in range(64)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert site.requests == 64


def test_a_malformed_link_does_not_break_the_page() -> None:
    body = b'<base href="http://[bad"><a href="http://[::1">x</a> <a href="/ok">ok</a>'
    info = parse_page(body, "http://h.test/dir/")
    assert info.links == 2  # both are links; only the sound one can be followed
    assert info.hrefs == ("http://h.test/ok",)
