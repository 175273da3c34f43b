"""The options of the ``dask`` mode, declared once for every demo that has it.

``--scheduler`` is checked in two steps: its syntax by the parameter itself (instant,
safe on every key press), and whether anything answers there by
:func:`check_reachable`, a plain TCP connect within ``--connect-timeout``, before a run
is started. Neither imports dask: the UI and the CLI never load it, only the run host.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import socket
import time
from collections.abc import Mapping
from typing import Any, NamedTuple

from workloads.param import FlagParam, FloatParam, IntParam, Param, ParamError, TextParam, quote

#: The one mode name, as ``--mode`` spells it.
DASK = "dask"
#: ``tcp://HOST:PORT``: a name, an IPv4 address or a bracketed IPv6 address, and a port.
_ADDRESS = re.compile(r"tcp://(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>[0-9]{1,5})")


class SchedulerAddress(NamedTuple):
    """Where an existing Dask scheduler listens."""

    host: str
    port: int

    @property
    def url(self) -> str:
        """``tcp://host:port``, as dask takes it."""
        return f"tcp://{self.host}:{self.port}"


def parse_address(text: str) -> SchedulerAddress:
    """``tcp://HOST:PORT`` as a :class:`SchedulerAddress`, or a one-line ParamError."""
    match = _ADDRESS.fullmatch(text)
    port = int(match["port"]) if match else 0
    if match is None or not 0 < port < 65536:
        raise ParamError(f"--scheduler must look like tcp://HOST:PORT, not {quote(text)}")
    return SchedulerAddress(match["host"].strip("[]"), port)


def _check_syntax(text: str) -> None:
    if text:
        parse_address(text)


SCHEDULER = TextParam(
    "scheduler",
    "",
    "dask: use the cluster at tcp://HOST:PORT instead of starting one (never stopped)",
    validate=_check_syntax,
    metavar="ADDRESS",
    menu=False,  # an address is typed once, on the command line (app or run)
)
CONNECT_TIMEOUT = FloatParam(
    "connect_timeout",
    10.0,
    "dask: seconds to wait for --scheduler to answer",
    0.1,
    300.0,
    menu=False,
)
THREADS_PER_WORKER = IntParam(
    "threads_per_worker", 1, "dask: threads in each worker process it starts", 1, 16
)
DASHBOARD = FlagParam("dashboard", False, "dask: serve Dask's dashboard on 127.0.0.1, show its URL")


def params(*, menu: bool = True) -> tuple[Param[Any], ...]:
    """The dask mode's options, to add to a demo's own.

    ``menu=False``: all of them command-line only (a form with long texts already has
    no room for ``--threads-per-worker`` on an 80-column screen).
    """
    every = (SCHEDULER, CONNECT_TIMEOUT, THREADS_PER_WORKER, DASHBOARD)
    return every if menu else tuple(dataclasses.replace(p, menu=False) for p in every)


def unused(params: Mapping[str, Any]) -> frozenset[str]:
    """The dask options that do nothing in a run of ``params`` (a header leaves them out)."""
    if params.get("mode") != DASK:
        return _NAMES
    if params.get("scheduler"):
        return frozenset({THREADS_PER_WORKER.name})  # the cluster's own, not ours to set
    return frozenset({CONNECT_TIMEOUT.name})


_EVERY: tuple[Param[Any], ...] = (SCHEDULER, CONNECT_TIMEOUT, THREADS_PER_WORKER, DASHBOARD)
_NAMES = frozenset(p.name for p in _EVERY)
#: The names of the dask mode's options (every demo with a dask mode has them all).
NAMES = _NAMES


class DaskOptions(NamedTuple):
    """What the run host needs to start or reach a cluster; from the demo's params."""

    workers: int
    threads_per_worker: int = 1
    scheduler: SchedulerAddress | None = None
    connect_timeout: float = 10.0
    dashboard: bool = False

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> DaskOptions:
        """The options of a run's (validated) params; absent ones take their defaults."""
        text = params.get("scheduler", "")
        return cls(
            workers=int(params["workers"]),
            threads_per_worker=int(params.get("threads_per_worker", 1)),
            scheduler=parse_address(text) if text else None,
            connect_timeout=float(params.get("connect_timeout", 10.0)),
            dashboard=bool(params.get("dashboard", False)),
        )


def check_dashboard() -> None:
    """Refuse ``--dashboard`` when Dask could not serve it (bokeh is not installed)."""
    if importlib.util.find_spec("bokeh") is None:
        raise ParamError("--dashboard needs bokeh, which is not installed (pip install bokeh)")


def check_run(params: Mapping[str, Any]) -> None:
    """Refuse a dask run that cannot start, in one line, before starting it.

    Its ``--dashboard`` needs bokeh; its ``--scheduler`` must answer in time; and the
    dask options are refused in any other mode.
    """
    if params.get("mode") != DASK:
        given = [p.option for p in _EVERY if p.name in params and params[p.name] != p.default]
        if given:  # a no-op accepted silently would hide a mistake
            raise ParamError(f"{given[0]} is for --mode dask, not --mode {params.get('mode')}")
        return
    if params.get("dashboard"):
        check_dashboard()
    check_reachable(params)


def check_reachable(params: Mapping[str, Any]) -> None:
    """Refuse, in one line, a dask run whose ``--scheduler`` does not answer in time.

    A TCP connect only (no dask handshake): enough to tell a typo'd host or a stopped
    cluster before a run starts. A port that answers but is no scheduler fails the run.
    """
    if params.get("mode") != DASK or not params.get("scheduler"):
        return
    address = parse_address(params["scheduler"])
    timeout = float(params.get("connect_timeout", 10.0))
    deadline = time.monotonic() + timeout
    late = f"no dask scheduler answered at {address.url} within {timeout:g} s"
    try:
        with socket.create_connection((address.host, address.port), timeout=timeout) as sock:
            # A scheduler speaks first: its handshake names its compression and pickle
            # protocol. Anything else there (a web server, a silent port) is no scheduler.
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            hello = _read_some(sock, 256)
    except TimeoutError:
        raise ParamError(late) from None
    except OSError as exc:
        why = exc.strerror or str(exc) or type(exc).__name__
        raise ParamError(f"cannot reach the dask scheduler at {address.url}: {why}") from None
    if b"compression" not in hello:
        raise ParamError(f"{address.url} answers, but it is not a dask scheduler")


def _read_some(sock: socket.socket, size: int) -> bytes:
    """Up to ``size`` bytes, or what came before the peer stopped sending."""
    data = b""
    while len(data) < size and b"compression" not in data:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data
