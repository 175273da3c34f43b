"""Web scraping: fetch each page with requests, parse it with BeautifulSoup.

Fetching is waiting for the network; parsing is a little CPU work. So with threads,
while one thread waits for its page the others fetch theirs: I/O-bound work that
threads speed up almost by the number of threads.
"""

import queue
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from workloads import runtime
from workloads.dask_cluster import dask_executor
from workloads.scrape.fetcher import Sessions, fetch
from workloads.scrape.page_parser import parse_page
from workloads.scrape.site_server import SiteServer
from workloads.scrape.url_source import Crawl, given_urls

# A requests.Session reuses connections, but must not be shared between threads:
# each thread gets its own.
sessions = Sessions()


def scrape(row, url, follow=False):
    """Fetch and parse one page; report it as result ``row``.

    Returns the page's URL (after redirects) and, when ``follow`` (a crawl), its links.
    """
    start = time.perf_counter()
    with runtime.waiting(f"fetching {url}"):
        page = fetch(sessions.get(), url)

    result = {
        "url": url,
        "status": page.status,
        "title": "",
        "h1": "",
        "links": 0,
        "words": 0,
        "bytes": page.size,
        "ms": 0,
        "error": page.error,
    }
    links = []
    if page.ok:
        runtime.status(f"parsing {url} · {page.status} · {page.size:,} bytes")
        try:
            info = parse_page(page.body, page.final_url, page.encoding)
        except Exception as exc:  # a page that breaks the parser is a result too
            result["error"] = f"could not parse the page: {exc}"
        else:
            result.update(title=info.title, h1=info.h1, links=info.links, words=info.words)
            links = list(info.hrefs) if follow else []  # 100k pages' links add up
    result["ms"] = round((time.perf_counter() - start) * 1000)
    runtime.result(row, result)

    if result["error"]:
        print(f"{url} -> failed: {result['error']}")
    else:
        print(
            f"{url} -> {page.status} {result['title'][:60]!r}: "
            f"{result['links']} links, {result['words']} words"
        )
    return page.final_url or url, links


# -- one mode each ------------------------------------------------------------------
def run_sequential(crawl):
    done = 0
    for batch in crawl:
        for row, url in batch:
            crawl.found(*scrape(row, url, crawl.wants_links))
            done += 1
            runtime.progress(done, len(crawl.urls))


def scrape_worker(todo, found, follow):
    """A thread's loop: take a URL from the queue, scrape it, until told to stop."""
    done = 0
    while True:
        with runtime.waiting("waiting for a URL"):
            job = todo.get()
        if job is None:
            break
        row, url = job
        try:
            found[row] = scrape(row, url, follow)
        finally:
            todo.task_done()
        done += 1
        runtime.progress(done)


def run_threads(crawl, workers):
    todo: queue.Queue = queue.Queue()
    found: dict = {}
    follow = crawl.wants_links
    threads = [
        threading.Thread(target=scrape_worker, args=(todo, found, follow)) for _ in range(workers)
    ]
    for t in threads:
        t.start()

    for batch in crawl:
        for job in batch:
            todo.put(job)
        with runtime.waiting("waiting for the threads"):
            todo.join()
        for row, url in batch:
            crawl.found(*found.pop(row, (url, ())))

    for _ in threads:
        todo.put(None)
    for t in threads:
        t.join()


def run_pool(crawl, executor):
    for batch in crawl:
        rows = [row for row, _ in batch]
        urls = [url for _, url in batch]
        follow = [crawl.wants_links] * len(batch)
        for page_url, links in executor.map(scrape, rows, urls, follow):
            crawl.found(page_url, links)


# -- the demo -----------------------------------------------------------------------
def main(params):
    urls = given_urls(params["url"], params["urls"])
    mode, workers = params["mode"], params["workers"]

    site = None
    if not urls:  # no URL given: scrape the built-in site, served from this process
        site = SiteServer(latency=params["latency"] / 1000).start()
        urls = [site.url("/")] if params["crawl"] else site.urls(params["pages"])
        print(f"Serving the built-in site at {site.base_url}")

    crawl = Crawl(urls, params["crawl"])
    pages = max(len(urls), params["crawl"])
    workers = max(1, min(workers, pages))
    start_time = time.time()
    try:
        if mode == "sequential":
            run_sequential(crawl)
        elif mode == "threads":
            run_threads(crawl, workers)
        elif mode == "thread-pool":
            with ThreadPoolExecutor(max_workers=workers) as executor:
                run_pool(crawl, executor)
        elif mode == "dask":  # the same map on a Dask cluster (workloads/dask_cluster.py)
            with dask_executor(params, workers=workers) as executor:
                run_pool(crawl, executor)
        else:
            with ProcessPoolExecutor(max_workers=workers) as executor:
                run_pool(crawl, executor)
    finally:
        sessions.close()
        if site is not None:
            site.stop()
    end_time = time.time()

    print(f"Scraped {len(crawl.urls)} pages in {end_time - start_time:.2f} s ({mode})")
