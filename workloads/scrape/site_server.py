"""The embedded website the scraper reads when it is given no URL: a lecture room's network.

A small field guide (home, about, four section indexes, two dozen articles) generated
from a fixed seed, so every run serves the same bytes. Each response waits ``latency``
first (with a deterministic jitter per page), the way a real server on a real network
makes a client wait. It binds to 127.0.0.1 only, on a port the OS picks.

Usage::

    with SiteServer(latency=0.3) as site:
        for url in site.urls():
            ...

The delay is a ``time.sleep`` looked up at call time, so inside a run the host's
``--time-scale`` scales it like every other sleep of the demo.
"""

from __future__ import annotations

import contextlib
import html
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SITE_NAME = "Riverside Field Guide"

#: Section slug -> (section title, entries).
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "birds": (
        "Birds",
        ("Kingfisher", "Grey Heron", "Mute Swan", "Dipper", "Sand Martin", "Reed Warbler"),
    ),
    "trees": (
        "Trees",
        ("Crack Willow", "Black Alder", "Silver Birch", "Hazel", "Field Maple", "Hawthorn"),
    ),
    "insects": (
        "Insects",
        ("Banded Demoiselle", "Mayfly", "Water Boatman", "Pond Skater", "Caddisfly", "Hoverfly"),
    ),
    "plants": (
        "Plants",
        (
            "Yellow Iris",
            "Water Mint",
            "Meadowsweet",
            "Purple Loosestrife",
            "Bulrush",
            "Marsh Marigold",
        ),
    ),
}

#: A link on one article points at a page that no longer exists (a crawl finds a 404).
DEAD_LINK = "/trees/old-oak.html"

_PLACES = ("the weir", "the old mill", "the ford", "the reed beds", "the meander", "the footbridge")
_TIMES = ("at dawn", "in late spring", "after rain", "on still evenings", "in high summer")
_ADJ = ("quiet", "shaded", "gravelly", "slow", "muddy", "sunlit", "sheltered", "open")
_VERBS = ("is often seen", "can be found", "thrives", "is common", "is easy to miss")
_FACTS = (
    "Its numbers rise and fall with the health of the water.",
    "Volunteers count it every year along a marked stretch of bank.",
    "Look closely: its colours change with the angle of the light.",
    "It depends on plants and insects that only grow where the river floods.",
    "Local records go back more than a hundred years.",
    "A patient observer with binoculars will see it within the hour.",
    "It is sensitive to pollution, which makes it a useful indicator species.",
    "The best place to start looking is where the current slows down.",
)
_ASPECTS = ("Where to look", "When to look", "How to recognise it", "Habitat", "Conservation")


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


@dataclass(frozen=True)
class Page:
    """One generated page: its path, HTML body, and the facts tests check against."""

    path: str
    title: str
    body: bytes


def _sentence(rng: random.Random, subject: str) -> str:
    return (
        f"The {subject.lower()} {rng.choice(_VERBS)} near {rng.choice(_PLACES)} "
        f"{rng.choice(_TIMES)}, where the banks are {rng.choice(_ADJ)}."
    )


def _paragraph(rng: random.Random, subject: str) -> str:
    parts = [_sentence(rng, subject) if rng.random() < 0.6 else rng.choice(_FACTS)]
    parts += [
        _sentence(rng, subject) if rng.random() < 0.5 else rng.choice(_FACTS)
        for _ in range(rng.randint(2, 6))
    ]
    return " ".join(parts)


def _sightings(rng: random.Random) -> str:
    rows = "".join(
        f"<tr><td>{2019 + year}</td><td>{rng.choice(_PLACES)}</td>"
        f"<td>{rng.randint(1, 40)}</td></tr>"
        for year in range(rng.randint(3, 6))
    )
    return (
        '<table class="sightings"><caption>Sightings recorded by volunteers</caption>'
        f"<tr><th>Year</th><th>Place</th><th>Count</th></tr>{rows}</table>"
    )


def _layout(title: str, h1: str, main: str, crumbs: list[tuple[str, str]]) -> bytes:
    nav = "".join(
        f'<li><a href="/{slug}/index.html">{html.escape(t)}</a></li>'
        for slug, (t, _) in SECTIONS.items()
    )
    trail = " &rsaquo; ".join(f'<a href="{href}">{html.escape(t)}</a>' for href, t in crumbs)
    doc = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ font-family: Georgia, serif; max-width: 48rem; margin: auto; }}</style>
<script>window.siteVersion = "1.4";</script>
</head>
<body>
<header>
<p class="logo"><a href="/">{SITE_NAME}</a></p>
<nav><ul>{nav}<li><a href="/about.html">About</a></li></ul></nav>
<p class="crumbs">{trail}</p>
</header>
<main>
<h1>{html.escape(h1)}</h1>
{main}
</main>
<footer><p>Written by volunteers. Text may be reused with credit.
<a href="/about.html#contact">Contact us</a>.</p></footer>
</body>
</html>
"""
    return doc.encode("utf-8")


def _article(section: str, name: str, rng: random.Random) -> Page:
    section_title, entries = SECTIONS[section]
    blocks: list[str] = [f'<p class="lead">{html.escape(_paragraph(rng, name))}</p>']
    for aspect in rng.sample(_ASPECTS, rng.randint(3, 5)):
        blocks.append(f"<h2>{aspect}</h2>")
        for _ in range(rng.randint(2, 5)):
            blocks.append(f"<p>{html.escape(_paragraph(rng, name))}</p>")
    related = [e for e in entries if e != name]
    see = rng.sample(related, rng.randint(2, 4))
    others = [(s, e) for s, (_, es) in SECTIONS.items() if s != section for e in es]
    see_also = rng.sample(others, rng.randint(1, 3))
    items = [f'<li><a href="/{section}/{_slug(e)}.html">{html.escape(e)}</a></li>' for e in see]
    items += [f'<li><a href="/{s}/{_slug(e)}.html">{html.escape(e)}</a></li>' for s, e in see_also]
    if (section, name) == ("trees", "Hawthorn"):
        items.append(f'<li><a href="{DEAD_LINK}">The Old Oak (archived)</a></li>')
    blocks.append(_sightings(rng))
    blocks.append("<h2>Related</h2>\n<ul>" + "".join(items) + "</ul>")
    title = f"{name} · {section_title} · {SITE_NAME}"
    crumbs = [("/", "Home"), (f"/{section}/index.html", section_title)]
    return Page(
        f"/{section}/{_slug(name)}.html", title, _layout(title, name, "\n".join(blocks), crumbs)
    )


def _section_index(section: str, rng: random.Random) -> Page:
    section_title, entries = SECTIONS[section]
    intro = f"<p>{html.escape(_paragraph(rng, section_title[:-1]))}</p>"
    items = "".join(
        f'<li><a href="/{section}/{_slug(e)}.html">{html.escape(e)}</a></li>' for e in entries
    )
    title = f"{section_title} · {SITE_NAME}"
    main = f"{intro}\n<h2>Species in this guide</h2>\n<ul>{items}</ul>"
    return Page(
        f"/{section}/index.html", title, _layout(title, section_title, main, [("/", "Home")])
    )


def _home(rng: random.Random) -> Page:
    blocks = [
        "<p>A guide to the wildlife of one small river, written by the people who walk it.</p>",
        "<h2>Sections</h2>",
    ]
    for slug, (t, entries) in SECTIONS.items():
        first = entries[0]
        blocks.append(
            f'<h3><a href="/{slug}/index.html">{t}</a></h3>'
            f"<p>{len(entries)} species, starting with "
            f'<a href="/{slug}/{_slug(first)}.html">{html.escape(first)}</a>.</p>'
        )
    blocks.append(f"<h2>This month</h2><p>{html.escape(_paragraph(rng, 'river'))}</p>")
    title = f"{SITE_NAME}: wildlife of the river"
    return Page("/", title, _layout(title, SITE_NAME, "\n".join(blocks), [("/", "Home")]))


def _about(rng: random.Random) -> Page:
    main = (
        f"<p>{html.escape(_paragraph(rng, 'guide'))}</p>\n"
        '<h2 id="contact">Contact</h2>\n<p>Write to the volunteers at the old mill.</p>'
    )
    title = f"About · {SITE_NAME}"
    return Page("/about.html", title, _layout(title, "About this guide", main, [("/", "Home")]))


def build_site(seed: int = 7) -> dict[str, Page]:
    """Every page of the site by path, in reading order (home, about, sections, articles)."""
    pages = [_home(random.Random(f"{seed}/")), _about(random.Random(f"{seed}/about"))]
    for section, (_, entries) in SECTIONS.items():
        pages.append(_section_index(section, random.Random(f"{seed}/{section}")))
        for name in entries:
            pages.append(_article(section, name, random.Random(f"{seed}/{section}/{name}")))
    return {p.path: p for p in pages}


def page_count() -> int:
    """How many pages :func:`build_site` makes (without building them)."""
    return 2 + sum(1 + len(entries) for _, entries in SECTIONS.values())


_NOT_FOUND = b"""<!DOCTYPE html>
<html><head><title>Not found</title></head>
<body><h1>404: no such page</h1><p><a href="/">Back to the guide</a></p></body></html>
"""


def _jitter(path: str, jitter: float) -> float:
    """A factor in [1 - jitter, 1 + jitter], the same for a path on every run."""
    return 1.0 + jitter * (2.0 * random.Random(path).random() - 1.0)


#: Connections the kernel may queue before the server accepts them. socketserver's
#: default, 5, drops the SYNs of a burst of 30 workers connecting at once (the kernel
#: logs "SYN flooding"); each dropped client retries a second later, slower than 8 workers.
BACKLOG = 128


class _Server(ThreadingHTTPServer):
    """Tracks open connections so :meth:`SiteServer.stop` can end them all."""

    daemon_threads = True
    request_queue_size = BACKLOG
    pages: dict[str, Page]
    latency: float
    jitter: float
    sleep: Callable[[float], None]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.connections: dict[socket.socket, threading.Thread] = {}
        self.requests = 0

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet: a client that hangs up mid-response is not the lecture's business."""

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        with self.lock:
            self.connections[request] = threading.current_thread()
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.lock:
                self.connections.pop(request, None)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: a Session reuses its connection
    server_version = "RiversideGuide/1.0"
    timeout = 10  # an idle keep-alive connection is dropped after this

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, *, head: bool) -> None:
        srv = self.server
        with srv.lock:
            srv.requests += 1
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == "/index.html":
            path = "/"
        page = srv.pages.get(path)
        if srv.latency > 0:
            srv.sleep(srv.latency * _jitter(path, srv.jitter))
        status, body = (200, page.body) if page is not None else (404, _NOT_FOUND)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a lecture's output pane shows the scraper, not the server's log."""


def _sleep(secs: float) -> None:
    time.sleep(secs)  # looked up at call time: a run's host scales it


class SiteServer:
    """The embedded site on 127.0.0.1 (ephemeral port), served from daemon threads.

    ``latency`` is seconds per response (before jitter of +/- ``jitter`` of it).
    Start and stop it with ``with``; stopping closes every connection and joins every
    thread it started, so nothing is left behind.
    """

    def __init__(self, latency: float = 0.3, jitter: float = 0.25, seed: int = 7) -> None:
        self.pages = build_site(seed)
        self.latency = latency
        self.jitter = jitter
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._server is None:
            raise RuntimeError("the site is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> int:
        """How many requests it has answered so far."""
        return 0 if self._server is None else self._server.requests

    def url(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.base_url + path

    def urls(self, limit: int | None = None) -> list[str]:
        """The URLs of the site's pages in reading order (the first ``limit`` of them)."""
        paths = list(self.pages)[:limit]
        return [self.url(p) for p in paths]

    def start(self) -> SiteServer:
        """Bind to 127.0.0.1 on a free port and serve from a daemon thread."""
        server = _Server(("127.0.0.1", 0), _Handler)
        server.pages = self.pages
        server.latency = self.latency
        server.jitter = self.jitter
        server.sleep = _sleep
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="site-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the listening socket and every open connection."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with server.lock:
            open_connections = list(server.connections.items())
        for sock, _ in open_connections:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for _, thread in open_connections:
            thread.join(2.0)
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
