"""The ``dask`` mode: the same ``executor.map(...)`` on a Dask cluster, shown live.

:func:`dask_executor` is what a demo calls, in the run host::

    with dask_executor(params) as executor:
        list(executor.map(crunch, jobs))

By default it starts a ``LocalCluster`` for the run: ``--workers`` worker processes with
``--threads-per-worker`` threads each, everything bound to 127.0.0.1, the dashboard off
unless ``--dashboard``. Its processes are the host's children, in the run's process
group, so a cancel or a crash takes them down with the rest of the run; a normal end
closes them first. With ``--scheduler`` it connects to an existing cluster instead,
and never stops it: it only unregisters its plugin and hangs up.

Every worker process reports through :class:`~workloads.dask_plugin.PanelPlugin`, and
the events reach the run through the scheduler (:class:`~workloads.dask_bridge.DaskBridge`).
"""

from __future__ import annotations

import concurrent.futures
import concurrent.futures.thread
import logging
import secrets
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor, Future
from contextlib import contextmanager, suppress
from typing import Any

from workloads import runtime
from workloads.dask_bridge import DaskBridge
from workloads.dask_options import DaskOptions, check_dashboard

#: Seconds the workers get to send their last events once the run's tasks are done.
BYE_S = 3.0
#: Seconds a plugin unregistration may take on a cluster that stopped answering.
UNREGISTER_S = 5.0
#: Seconds between two heartbeats of the run to its workers' plugins.
BEAT_S = 1.0


class DaskClusterError(RuntimeError):
    """The cluster could not be reached, or went away during the run."""


def _import_distributed() -> Any:
    """``distributed``, imported with the stdlib's own thread pool.

    Inside a run, ``concurrent.futures.ThreadPoolExecutor`` is the instrumented one,
    whose threads are the run's workers; Dask's internal pools (its offload thread) are
    no worker of the demo, so they must bind the plain class at import.
    """
    if "distributed" not in sys.modules:
        saved = concurrent.futures.ThreadPoolExecutor
        concurrent.futures.ThreadPoolExecutor = concurrent.futures.thread.ThreadPoolExecutor  # type: ignore[misc]
        try:
            import distributed  # noqa: F401
        finally:
            concurrent.futures.ThreadPoolExecutor = saved  # type: ignore[misc]
    return sys.modules["distributed"]


class PanelExecutor(Executor):
    """``Client.get_executor()`` whose tasks report on the workers that run them."""

    def __init__(self, inner: Executor, plugin: str, cluster: DaskCluster) -> None:
        self._inner = inner
        self._plugin = plugin
        self._cluster = cluster

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        from workloads.dask_plugin import PanelTask

        return self._inner.submit(PanelTask(fn, self._plugin), *args, **kwargs)

    def map(
        self,
        fn: Callable[..., Any],
        *iterables: Any,
        timeout: float | None = None,
        chunksize: int = 1,
    ) -> Iterator[Any]:
        from workloads.dask_plugin import PanelTask

        results = self._inner.map(PanelTask(fn, self._plugin), *iterables, timeout=timeout)
        return self._cluster.results(results, getattr(fn, "__name__", "task"))

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inner.shutdown(wait=wait)


class DaskCluster:
    """A cluster for one run: started (``LocalCluster``) or reached (``--scheduler``)."""

    def __init__(self, options: DaskOptions, time_scale: float = 1.0) -> None:
        self.options = options
        self.time_scale = time_scale
        self.topic = f"interleave-{secrets.token_hex(6)}"
        rt = runtime.active()
        emit: Callable[[Any], None] = rt.emit if rt is not None else (lambda e: None)
        self.bridge = DaskBridge(self.topic, emit, local=options.scheduler is None)
        self._cluster: Any = None
        self.client: Any = None
        self._stop_beating = threading.Event()
        self._heartbeat = threading.Thread(
            target=self._beat, name="interleave-dask-heartbeat", daemon=True
        )

    # -- life ----------------------------------------------------------------------------
    def __enter__(self) -> DaskCluster:
        distributed = _import_distributed()
        try:
            with runtime.waiting("starting the dask cluster"):
                self._connect(distributed)
            self.bridge.attach(self.client)
            from workloads.dask_plugin import LEASE_S, PanelPlugin

            # On a cluster that outlives the run, the plugin holds a lease on the run's
            # heartbeat: it leaves by itself if the run host is killed. A LocalCluster
            # dies with the run host: no lease (a busy machine could starve the beats).
            lease = None
            if self.options.scheduler is not None:
                self._heartbeat.start()
                lease = LEASE_S
            plugin = PanelPlugin(self.topic, self.time_scale, lease_s=lease)
            self.client.register_plugin(plugin, name=self.topic)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        with runtime.waiting("closing the dask cluster"):
            self.close()

    def _connect(self, distributed: Any) -> None:
        o = self.options
        if o.dashboard:
            check_dashboard()
        if o.scheduler is None:
            self._cluster = distributed.LocalCluster(
                n_workers=o.workers,
                threads_per_worker=o.threads_per_worker,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0" if o.dashboard else None,
                worker_dashboard_address=None,
                # Without a dashboard the scheduler still serves its health routes, on
                # 8787 by default: take any free port instead, on loopback.
                scheduler_kwargs={} if o.dashboard else {"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
            )
            self.client = distributed.Client(self._cluster)
            if o.dashboard:
                print(f"Dask dashboard: {self.client.dashboard_link}")
            return
        url = o.scheduler.url
        try:
            self.client = distributed.Client(url, timeout=o.connect_timeout)
        except Exception as exc:  # refused, timed out, or something else answered
            raise DaskClusterError(
                f"could not connect to the dask scheduler at {url} within "
                f"{o.connect_timeout:g} s ({type(exc).__name__}: {exc})"
            ) from None
        try:
            self.client.wait_for_workers(1, timeout=o.connect_timeout)
        except (OSError, TimeoutError):
            raise DaskClusterError(
                f"the dask cluster at {url} has no workers (waited {o.connect_timeout:g} s)"
            ) from None
        if o.dashboard:
            print(f"Dask dashboard: {self.client.dashboard_link}")

    def _beat(self) -> None:
        """Tell the workers' plugins the run is alive, once a second (see LEASE_S)."""
        beats = 0
        while True:
            beats += 1
            with suppress(Exception):
                self.client.set_metadata(self.topic, beats)
            if self._stop_beating.wait(BEAT_S):
                return

    def executor(self) -> PanelExecutor:
        """The cluster as a ``concurrent.futures.Executor``."""
        # pure=False: every call runs, as in concurrent.futures (Dask would otherwise run
        # identical calls, crunch(300) twice, once and share the result).
        return PanelExecutor(self.client.get_executor(pure=False), self.topic, self)

    def results(self, results: Iterator[Any], name: str) -> Iterator[Any]:
        """``results``, with the caller shown waiting, and a lost cluster said plainly."""
        while True:
            with runtime.waiting(f"{name} result (dask)"):
                try:
                    item = next(results)
                except StopIteration:
                    return
                except Exception as exc:
                    if self.lost():
                        why = (str(exc) or type(exc).__name__).splitlines()[0]
                        raise DaskClusterError(
                            f"the dask cluster went away during the run ({why})"
                        ) from None
                    raise
            yield item

    def lost(self) -> bool:
        """Whether the client lost its scheduler (it may be trying to reconnect)."""
        return str(getattr(self.client, "status", "closed")) != "running"

    def close(self) -> None:
        """Let the workers say their last, hang up; stop the cluster only if we started it."""
        client, cluster = self.client, self._cluster
        self._stop_beating.set()
        if self._heartbeat.is_alive():
            self._heartbeat.join(timeout=UNREGISTER_S)
        if client is not None and not self.lost():
            with suppress(Exception):
                client.unregister_worker_plugin(self.topic)  # each worker's teardown
                self.bridge.wait_for_byes(BYE_S)
        if client is not None:
            self.bridge.detach(client)
            with suppress(Exception):
                client.close(timeout=UNREGISTER_S)
        if cluster is not None:
            with suppress(Exception):
                cluster.close(timeout=UNREGISTER_S)
        self.client = self._cluster = None


@contextmanager
def dask_executor(params: Mapping[str, Any], workers: int | None = None) -> Iterator[Executor]:
    """A ``concurrent.futures.Executor`` on a Dask cluster, for the run's ``params``.

    ``workers``: the worker processes of a cluster it starts (``--workers`` if None).
    """
    rt = runtime.active()
    scale = rt.config.time_scale if rt is not None else 1.0
    options = DaskOptions.from_params(params)
    if workers is not None:
        options = options._replace(workers=workers)
    with DaskCluster(options, scale) as cluster:
        yield cluster.executor()
