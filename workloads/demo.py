"""A demo of the catalog: what it is called, what it teaches, what it accepts."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from workloads.chart import Chart
from workloads.param import Param, ParamError
from workloads.runtime import RunConfig
from workloads.script import Script, ScriptError, read_source

Workload = Literal["cpu", "io", "mixed"]


def unknown_workers(params: Mapping[str, Any]) -> int | None:
    """``Demo.workers`` of a run whose count is not known before it ends: None."""
    return None


@dataclass(frozen=True)
class Demo:
    """Metadata of one demo; its code lives in ``module`` (a ``main(params)`` function).

    ``totals`` maps the parameters to how many lines each worker target prints, so that
    panels can show progress for demos that only print and sleep.
    """

    id: str
    title: str
    summary: str
    explanation: str
    module: str
    params: tuple[Param, ...] = ()
    totals: Callable[[Mapping[str, Any]], dict[str, int]] = field(default=lambda p: {})
    #: Columns of the results table (``Result`` events' data keys); empty: no table.
    results: tuple[str, ...] = ()
    #: How the run screen charts the results (bars of one column); None: a table.
    chart: Chart | None = None
    #: What the work does: computes (``cpu``), waits (``io``), or both (``mixed``).
    #: compare's conclusion is written from it as well as from the numbers.
    workload: Workload = "io"
    #: A user's script: this "demo" runs it as ``__main__`` (see :func:`script_demo`).
    script: Script | None = None
    #: How many workers the run shows for these (validated) parameters: its threads,
    #: processes and tasks, the main thread included; the number of entries
    #: ``RunState.workers`` holds at the end of a normal, uncancelled run. None: not
    #: known before the run (a user's script; a pool whose count depends on timing).
    #: The pieces are in :mod:`workloads.worker_count`.
    workers: Callable[[Mapping[str, Any]], int | None] = field(default=unknown_workers)

    def param(self, name: str) -> Param:
        """The parameter called ``name``."""
        for p in self.params:
            if p.name == name:
                return p
        raise ParamError(f"demo {self.id!r} has no option --{name.replace('_', '-')}")

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default value."""
        return {p.name: p.default for p in self.params}

    def resolve(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults overlaid with ``given`` (typed values), each one validated."""
        values = self.defaults()
        for name, value in given.items():
            values[name] = self.param(name).check(value)
        return values

    def parse(self, texts: Mapping[str, str]) -> dict[str, Any]:
        """Defaults overlaid with user text for some parameters, validated."""
        return self.resolve({name: self.param(name).parse(t) for name, t in texts.items()})

    def expected_workers(self, params: Mapping[str, Any]) -> int | None:
        """:attr:`workers` for ``params`` over the defaults; raises :class:`ParamError`."""
        return self.workers(self.resolve(params))

    def config(self, params: Mapping[str, Any], time_scale: float = 1.0) -> RunConfig:
        """The run configuration for validated ``params``."""
        values = self.resolve(params)
        extra: dict[str, Any] = {}
        if "switch_interval" in values:  # a demo option, in ms; the host wants seconds
            extra["switch_interval"] = values["switch_interval"] / 1000
        return RunConfig(
            demo=self.id,
            module=self.module,
            params=values,
            time_scale=time_scale,
            totals=self.totals(values),
            script=self.script,
            **extra,
        )

    def source_path(self) -> str | None:
        """The file of the demo's module, or the user's script (what the code pane shows)."""
        if self.script is not None:
            return os.path.abspath(self.script.path)
        spec = importlib.util.find_spec(self.module)
        return None if spec is None else spec.origin

    def source(self) -> str:
        """The code the demo's workers run, for display beside them.

        Read from its file, not imported: the demo runs in the host, and importing it
        here would load its dependencies (bs4, requests) into the UI for nothing.
        """
        if self.script is not None:
            try:
                return read_source(self.script).text
            except ScriptError as exc:
                return f"# {exc}"
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            return f"# the source of {self.module} was not found"
        with open(spec.origin, encoding="utf-8") as f:
            return f.read()


def script_demo(script: Script) -> Demo:
    """The run of a user's script, as the run screen and the command line see a demo."""
    what = "notebook" if script.path.endswith(".ipynb") else "script"
    return Demo(
        id=script.name,
        title=shown_path(script.path),
        summary=f"your {what}: {script.path}",
        explanation=f"Your {what}, run as `__main__`: `{script.path}`",
        module="",
        script=script,
    )


def shown_path(path: str) -> str:
    """``path`` as short as it reads: from the current directory or home when under it."""
    for base, mark in ((os.getcwd(), ""), (os.path.expanduser("~"), "~/")):
        if path.startswith(base.rstrip(os.sep) + os.sep):
            return mark + os.path.relpath(path, base)
    return path
