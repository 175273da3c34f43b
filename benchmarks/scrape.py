"""How much threads buy the scraper on the embedded site, and how fast pages are parsed.

Runs the ``scrape`` demo headless on its built-in site (default latency, ~300 ms a
request) once sequentially and once with threads, and reports:

- ``thread_efficiency``: the threads run's speedup over the sequential one, divided by
  ``min(workers, pages)`` (the best speedup possible). Target: at least 0.8.
- ``pages_per_s``: pages fetched and parsed per wall second by the threads run.
- ``parse_pages_per_s``: BeautifulSoup parsing alone, pages per CPU second, in this
  process (how much of a page's time is CPU: very little next to its 300 ms wait).

Usage: ``python -m benchmarks.scrape [--workers N] [--pages N] [--latency MS]``.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time

from workloads import catalog
from workloads.events import RunStatus
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.scrape.page_parser import parse_page
from workloads.scrape.site_server import build_site

TARGET = 0.8


def run_mode(mode: str, workers: int, pages: int, latency: int) -> RunState:
    """One headless run of the demo; fails loudly if it did not finish or a page failed."""
    demo = catalog.get("scrape")
    params = {"mode": mode, "workers": workers, "pages": pages, "latency": latency}
    state = run_to_end(demo.config(params))
    if state.status != RunStatus.FINISHED or state.wall_s is None:
        raise SystemExit(f"{mode} run did not finish: {state.status} {state.error}")
    failed = [r for r in state.results.values() if r["error"]]
    if failed or len(state.results) != pages:
        raise SystemExit(f"{mode} run: {len(failed)} failed pages of {len(state.results)}")
    return state


def parse_rate(rounds: int = 5) -> float:
    """Pages parsed per CPU second (the site's pages, ``rounds`` times over)."""
    pages = list(build_site().values())
    start = time.process_time()
    for _ in range(rounds):
        for page in pages:
            parse_page(page.body, "http://127.0.0.1" + page.path, "utf-8")
    return rounds * len(pages) / (time.process_time() - start)


def main() -> None:
    demo = catalog.get("scrape")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=demo.param("workers").default)
    parser.add_argument("--pages", type=int, default=demo.param("pages").default)
    parser.add_argument("--latency", type=int, default=demo.param("latency").default)
    args = parser.parse_args()

    seq = run_mode("sequential", args.workers, args.pages, args.latency)
    thr = run_mode("threads", args.workers, args.pages, args.latency)
    assert seq.wall_s is not None and thr.wall_s is not None
    speedup = seq.wall_s / thr.wall_s
    efficiency = speedup / min(args.workers, args.pages)
    pages_per_s = args.pages / thr.wall_s
    parse_per_s = parse_rate()

    print(f"pages {args.pages}, workers {args.workers}, latency {args.latency} ms")
    print(f"sequential  {seq.wall_s:6.2f} s   CPU {seq.cpu_s or 0:.2f} s")
    print(f"threads     {thr.wall_s:6.2f} s   CPU {thr.cpu_s or 0:.2f} s   speedup {speedup:.2f}x")
    verdict = "ok" if efficiency >= TARGET else "BELOW TARGET"
    print(f"thread efficiency {efficiency:.3f} (target >= {TARGET}: {verdict})")
    print(f"{pages_per_s:.1f} pages/s with threads; parsing alone {parse_per_s:.0f} pages/CPU s")
    print(
        json.dumps(
            {
                "thread_efficiency": round(efficiency, 3),
                "pages_per_s": round(pages_per_s, 2),
                "speedup": round(speedup, 3),
                "sequential_s": round(seq.wall_s, 3),
                "threads_s": round(thr.wall_s, 3),
                "parse_pages_per_s": round(parse_per_s, 1),
                "workers": args.workers,
                "pages": args.pages,
                "latency_ms": args.latency,
            }
        )
    )


if __name__ == "__main__":
    main()
