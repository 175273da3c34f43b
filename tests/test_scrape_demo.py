"""Headless runs of the ``scrape`` demo: each mode, broken URLs, a crawl, the JSON rows."""

from __future__ import annotations

import psutil
import pytest

from tests.scrape_support import error_server, unused_port
from workloads import catalog
from workloads.events import RunStatus
from workloads.run_document import run_document
from workloads.run_session import run_to_end
from workloads.run_state import RunState
from workloads.scrape.demo_info import MODES
from workloads.scrape.site_server import build_site

KEYS = ["url", "status", "title", "h1", "links", "words", "bytes", "ms", "error"]
SITE = build_site()


def run(**params) -> RunState:
    demo = catalog.get("scrape")
    state = run_to_end(demo.config(params, time_scale=1.0))
    assert not [p for p in psutil.Process().children(recursive=True) if not _tracker(p)]
    return state


def _tracker(p: psutil.Process) -> bool:
    """multiprocessing's resource tracker: one per test session, not a leftover."""
    try:
        return "resource_tracker" in " ".join(p.cmdline())
    except psutil.Error:
        return True


def rows(state: RunState) -> list[dict]:
    results = run_document(state)["results"]
    assert [list(r) for r in results] == [KEYS] * len(results)
    return results


def test_modes_include_what_compare_needs() -> None:
    mode = catalog.get("scrape").param("mode")
    assert mode.choices[:2] == ("sequential", "threads")
    assert set(mode.choices) == set(MODES)


@pytest.mark.parametrize("mode", MODES)
def test_each_mode_scrapes_the_site_in_input_order(mode: str) -> None:
    state = run(mode=mode, pages=4, latency=20, workers=2)
    assert state.status == RunStatus.FINISHED, state.error
    results = rows(state)
    expected = list(SITE.values())[:4]
    assert [r["url"].split(":", 2)[2].split("/", 1)[1] for r in results] == [
        p.path.lstrip("/") for p in expected
    ]
    for r, page in zip(results, expected, strict=True):
        assert r["status"] == 200 and r["error"] == ""
        assert r["title"] == page.title
        assert r["bytes"] == len(page.body)
        assert r["links"] > 0 and r["words"] > 0 and r["ms"] >= 0
    kinds = {w.kind for w in state.workers.values() if w.id != "main"}
    assert kinds == (
        set()
        if mode == "sequential"
        else {"process" if mode in ("processes", "dask") else "thread"}
    )
    assert sum(1 for line in state.outputs if " -> 200 " in line.text) == 4


def test_broken_urls_are_rows_and_the_run_finishes() -> None:
    port = unused_port()
    with error_server() as base:
        urls = [
            base + "/ok.html",
            base + "/missing",
            "ftp://example.test/x",
            f"http://127.0.0.1:{port}/",
            base + "/binary",
            base + "/loop",
        ]
        state = run(mode="threads", workers=3, url=urls)
    assert state.status == RunStatus.FINISHED
    results = rows(state)
    assert [r["url"] for r in results] == urls
    assert [r["status"] for r in results] == [200, 404, None, None, 200, None]
    assert [r["error"].split(" (")[0].split(":")[0] for r in results] == [
        "",
        "HTTP 404 Not Found",
        "unsupported scheme 'ftp",
        "connection refused by 127.0.0.1",
        "not HTML",
        "too many redirects",
    ]
    assert results[0]["title"] == "A test page" and results[0]["links"] == 3


def test_crawl_follows_links_breadth_first() -> None:
    state = run(mode="thread-pool", workers=4, latency=10, crawl=12)
    assert state.status == RunStatus.FINISHED
    results = rows(state)
    assert len(results) == 12
    assert results[0]["url"].endswith("/")
    host = results[0]["url"].split("/")[2]
    assert all(r["url"].split("/")[2] == host for r in results)
    assert len({r["url"] for r in results}) == 12
