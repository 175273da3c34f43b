"""``compare``: every mode runs in turn; the figures and the words come from the runs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tui.cli import main as cli_main
from workloads import catalog, gil_lab
from workloads.compare import (
    Comparison,
    ModeResult,
    Stopped,
    Stopper,
    chart_text,
    compare,
    conclusion,
    modes_of,
    report_text,
    table_text,
)
from workloads.events import RunStatus
from workloads.param import ParamError
from workloads.run_state import RunState
from workloads.runtime import RunConfig


class FakeRunner:
    """Pretends to run: each mode takes the given (wall, cpu) seconds."""

    def __init__(self, figures: dict[str, tuple[float, float]], python: str = "3.11.7") -> None:
        self.figures = figures
        self.python = python
        self.configs: list[RunConfig] = []

    def __call__(self, config: RunConfig, **kwargs: Any) -> RunState:
        self.configs.append(config)
        mode = config.params["mode"]
        state = RunState(demo=config.demo, params=dict(config.params), python=self.python)
        if mode not in self.figures:
            state.status, state.error = RunStatus.FAILED, "boom"
            return state
        state.status = RunStatus.FINISHED
        state.wall_s, state.cpu_s = self.figures[mode]
        return state


CPU_FIGURES = {
    "sequential": (4.0, 4.0),
    "threads": (4.1, 4.1),
    "processes": (2.1, 4.0),
    "thread-pool": (4.0, 4.0),
    "process-pool": (2.0, 3.9),
    "dask": (3.1, 4.6),
}
IO_FIGURES = {
    "sequential": (4.0, 0.01),
    "threads": (1.0, 0.01),
    "processes": (1.2, 0.4),
    "thread-pool": (1.0, 0.01),
    "process-pool": (1.3, 0.4),
    "asyncio": (1.0, 0.01),
    "dask": (2.2, 0.9),
}


class FakeMeter:
    """The machine's other load, as the test says: ``busy[mode]`` cores during each mode."""

    def __init__(self, busy: dict[str, float] | None = None) -> None:
        self.busy = busy or {}
        self.calls = 0

    def __call__(self) -> FakeMeter:
        return self

    def start(self) -> None:
        pass

    def stop(self, run_cpu_s: float) -> float:
        mode = list(gil_lab.IO_MODES)[self.calls]
        self.calls += 1
        return self.busy.get(mode, 0.0)


def fake_compare(
    figures: dict[str, tuple[float, float]], demo_id: str = "cpu-bound", **kwargs: Any
) -> Comparison:
    demo = catalog.get(demo_id)
    kwargs.setdefault("load_meter", FakeMeter())
    return compare(demo, {"workers": 4}, runner=FakeRunner(figures), **kwargs)


def test_modes_run_in_turn_sequential_first():
    runner = FakeRunner(CPU_FIGURES)
    result = compare(
        catalog.get("cpu-bound"),
        {"mode": "threads", "workers": 3},
        runner=runner,
        load_meter=FakeMeter(),
    )
    assert [c.params["mode"] for c in runner.configs] == list(gil_lab.MODES)
    assert all(c.params["workers"] == 3 for c in runner.configs)
    assert [m.mode for m in result.modes] == list(gil_lab.MODES)
    assert "mode" not in result.params


def test_figures_are_computed_from_the_runs():
    result = fake_compare(CPU_FIGURES)
    threads, processes = result.mode("threads"), result.mode("processes")
    assert threads is not None and processes is not None
    assert threads.speedup == pytest.approx(4.0 / 4.1)
    assert processes.speedup == pytest.approx(4.0 / 2.1)
    assert processes.cores_busy == pytest.approx(4.0 / 2.1)
    doc = result.document()
    assert set(doc) >= {"demo", "params", "cores", "modes"}
    for mode in doc["modes"]:
        assert set(mode) >= {"mode", "wall_s", "cpu_s", "speedup", "cores_busy"}
    json.dumps(doc)


def test_conclusion_for_cpu_bound_names_processes_with_the_numbers():
    result = fake_compare(CPU_FIGURES)
    result.cores = 2
    text = conclusion(result)
    assert "threads 1.0x" in text.lower() and "processes 1.9x" in text
    assert "2 cores" in text and "processes" in text.split(":")[1]


def test_conclusion_says_why_dask_costs_more_than_the_process_pool():
    result = fake_compare(CPU_FIGURES)
    text = result.conclusion()
    assert "dask 1.3x, below process-pool 2.0x" in text
    assert "scheduler" in text and "pickled" in text
    assert "Not finished" not in text


def test_conclusion_when_dask_keeps_up():
    figures = {**CPU_FIGURES, "dask": (2.0, 3.9)}
    assert "about as fast as process-pool" in fake_compare(figures).conclusion()


def test_conclusion_for_io_bound_favours_threads():
    result = fake_compare(IO_FIGURES, "io-bound")
    text = result.conclusion()
    assert "Threads 4.0x" in text and "wait" in text
    assert "asyncio 4.0x: its tasks overlap the waits in one thread." in text
    assert result.warnings == [] and result.document()["warnings"] == []


def test_arithmetic_is_never_explained_by_waiting():
    # Threads 2x on CPU-bound work with the GIL on: the figures are off, not the work.
    result = fake_compare({**CPU_FIGURES, "threads": (2.0, 4.0)})
    text = result.conclusion()
    assert "wait" not in text and "baseline" in text


def test_other_load_gives_a_warning_and_no_false_reason():
    meter = FakeMeter({"threads": 0.9, "processes": 0.95})
    result = fake_compare({**CPU_FIGURES, "processes": (3.9, 4.0)}, load_meter=meter)
    assert [w.split(" during ")[1].split(":")[0] for w in result.warnings] == [
        "threads",
        "processes",
    ]
    text = result.conclusion()
    assert "Other load on the machine distorted" in text and "wait" not in text
    doc = result.document()
    assert doc["background_cores"] > 0 and len(doc["warnings"]) == 2
    assert [m["background_cores"] for m in doc["modes"]][:3] == [0.0, 0.9, 0.95]


def test_conclusion_without_a_gil():
    result = fake_compare({**CPU_FIGURES, "threads": (2.1, 4.0)})
    result.gil_enabled = False
    assert "GIL off" in result.conclusion()


def test_a_failed_mode_is_reported_not_raised():
    figures = {k: v for k, v in CPU_FIGURES.items() if k != "process-pool"}
    result = fake_compare(figures)
    failed = result.mode("process-pool")
    assert failed is not None and failed.status == RunStatus.FAILED and failed.speedup is None
    assert not result.ok
    assert "Not finished: process-pool" in result.conclusion()
    assert "failed" in table_text(result)


def test_no_baseline_no_speedups():
    result = fake_compare({k: v for k, v in CPU_FIGURES.items() if k != "sequential"})
    assert all(m.speedup is None for m in result.modes)
    assert "no baseline" in result.conclusion()


def test_text_report_has_table_chart_and_conclusion():
    result = fake_compare(CPU_FIGURES)
    text = report_text(result)
    for mode in gil_lab.MODES:
        assert mode in text
    assert "speedup" in text and "cores busy" in text
    chart = chart_text(result).splitlines()
    assert len(chart) == 1 + len(gil_lab.MODES)
    assert "█" in chart[3]  # processes has a bar
    assert text.endswith(result.conclusion())


def test_stop_before_a_mode_raises():
    stop = Stopper()
    seen: list[tuple[str, ModeResult | None]] = []

    def on_mode(mode: str, result: ModeResult | None) -> None:
        seen.append((mode, result))
        if result is not None:
            stop.stop()

    with pytest.raises(Stopped):
        fake_compare(CPU_FIGURES, stopper=stop, on_mode=on_mode)
    assert [m for m, _ in seen] == ["sequential", "sequential"]


def test_demo_without_modes_is_refused():
    with pytest.raises(ParamError, match="no --mode"):
        modes_of(catalog.get("threads"))


@pytest.mark.usefixtures("no_orphans")
def test_compare_cli_json_runs_every_mode(capsys):
    args = ["compare", "cpu-bound", "--json", "--workers", "2", "--size", "100"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["demo"] == "cpu-bound" and doc["cores"] >= 1
    assert doc["params"]["workers"] == 2 and "mode" not in doc["params"]
    assert [m["mode"] for m in doc["modes"]] == list(gil_lab.MODES)
    for m in doc["modes"]:
        assert m["wall_s"] > 0 and m["cpu_s"] >= 0 and m["speedup"] > 0 and m["cores_busy"] >= 0
    assert doc["modes"][0]["speedup"] == 1.0
    assert isinstance(doc["conclusion"], str) and doc["conclusion"]


@pytest.mark.usefixtures("no_orphans")
def test_compare_cli_text(capsys):
    args = ["compare", "io-bound", "--workers", "2", "--items", "1", "--time-scale", "0.05"]
    assert cli_main(args) == 0
    out = capsys.readouterr().out
    assert "running sequential ..." in out and "speedup vs sequential" in out
    assert "cores busy" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["compare", "threads"], "no --mode"),
        (["compare", "cpu-bound", "--mode", "threads"], "unrecognized arguments"),
        (["compare", "cpu-bound", "--python", "/no/such"], "not an executable file"),
        (["compare", "cpu-bound", "--workers", "0"], "at least 1"),
    ],
)
def test_compare_cli_errors_are_one_line(capsys, args, words):
    assert cli_main(args) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1
