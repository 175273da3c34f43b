"""A demo of the catalog: what it is called, what it teaches, what it accepts."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from workloads.param import Param, ParamError
from workloads.runtime import RunConfig

Workload = Literal["cpu", "io", "mixed"]


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
    #: What the work does: computes (``cpu``), waits (``io``), or both (``mixed``).
    #: compare's conclusion is written from it as well as from the numbers.
    workload: Workload = "io"

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
            **extra,
        )

    def source_path(self) -> str | None:
        """The file of the demo's module (what the code pane shows), if it has one."""
        spec = importlib.util.find_spec(self.module)
        return None if spec is None else spec.origin

    def source(self) -> str:
        """The code the demo's workers run, for display beside them.

        Read from its file, not imported: the demo runs in the host, and importing it
        here would load its dependencies (bs4, requests) into the UI for nothing.
        """
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            return f"# the source of {self.module} was not found"
        with open(spec.origin, encoding="utf-8") as f:
            return f.read()
