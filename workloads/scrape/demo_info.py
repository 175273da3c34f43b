"""The catalog entry of the ``scrape`` demo (its code is :mod:`workloads.demos.scrape`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workloads import dask_options
from workloads.demo import Demo
from workloads.param import ChoiceParam, IntParam, ListParam, TextParam
from workloads.scrape.site_server import page_count
from workloads.scrape.url_source import check_url_file
from workloads.worker_count import MAIN, process_pool, thread_pool, with_main

#: The modes ``compare`` runs, sequential first.
MODES = ("sequential", "threads", "thread-pool", "processes", "dask")
SITE_PAGES = page_count()


def scrape_workers(params: Mapping[str, Any]) -> int | None:
    """The workers a scrape shows: as many as ``--workers``, but no more than pages."""
    if params["urls"]:
        return None  # a file of URLs: read when the run starts
    crawl = params["crawl"]
    given = [url for url in params["url"] if url.strip()]
    urls = len(given) or (1 if crawl else params["pages"])  # else the built-in site's
    workers = max(1, min(params["workers"], max(urls, crawl)))  # as the demo's main()
    mode = params["mode"]
    if mode == "sequential":
        return MAIN
    if mode == "threads":
        return MAIN + workers  # all started at once, whatever the crawl finds
    if crawl:
        return None  # a pool maps one batch of links after another, reusing idle workers
    if mode == "thread-pool":
        return with_main(thread_pool(workers, workers))
    if mode == "processes":
        return with_main(process_pool(workers, workers))
    return None  # dask: which worker thread runs a task is the scheduler's choice


SCRAPE = Demo(
    id="scrape",
    workload="mixed",
    title="A threaded web scraper",
    summary="requests fetches, BeautifulSoup parses: sequential vs threads on a real HTTP site",
    module="workloads.demos.scrape",
    params=(
        ChoiceParam("mode", "threads", "how pages are fetched", MODES),
        IntParam("workers", 8, "threads or processes fetching at once", 1, 64),
        IntParam("latency", 300, "ms the built-in site takes to answer", 0, 10000),
        IntParam("pages", SITE_PAGES, "pages of the built-in site to fetch", 1, SITE_PAGES),
        ListParam(
            "url",
            (),
            "a page to fetch instead of the built-in site (repeatable)",
            metavar="URL",
        ),
        TextParam(
            "urls",
            "",
            "a file of URLs, one a line",
            validate=check_url_file,
            metavar="FILE",
        ),
        IntParam("crawl", 0, "follow same-host links breadth-first up to N pages", 0, 1000),
        *dask_options.params(menu=False),
    ),
    workers=scrape_workers,
    results=("url", "status", "title", "links", "words", "ms", "error"),
    explanation="""\
**Web scraping** is fetching pages and parsing them: `requests.get(url)` downloads
a page, `BeautifulSoup(html, "html.parser")` turns it into a tree to pull the
title, the first `h1`, the links and the words out of.

Fetching is almost all **waiting**: for the connection, for the server, for
the bytes. Parsing is a little **CPU** work. Without a URL the demo serves its own
small website on 127.0.0.1 that takes about 300 ms to answer each request, like a
real network.

- `sequential`: one page after the other; each wait is added to the total.
- `threads`: `--workers` threads take URLs from a `queue.Queue`; while one waits
  for its page, the others fetch theirs, so N threads are close to N times faster.
- `thread-pool`: the same with `ThreadPoolExecutor.map`.
- `processes`: `ProcessPoolExecutor.map`; it works too, but each process costs an
  interpreter, and waiting does not need more cores.
- `dask`: the same `executor.map` on a Dask cluster (`--scheduler` for one that
  exists): each page is a task the scheduler hands to a worker process.

Each thread has its own `requests.Session` (a session must not be shared between
threads). Watch the panels: *waiting* while fetching, a blip of *running* while
parsing. A failure (404, timeout, refused, not HTML, too big, `ftp:`) is a row
of the table that says why; the run goes on.

`--url URL` (repeatable) or `--urls FILE` scrapes real pages; `--crawl N` follows
links on the same host, breadth-first, up to N pages.
""",
)
