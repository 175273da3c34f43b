"""``ReplaySession`` on a fake clock: speed, pause, steps, home and end."""

from __future__ import annotations

import pytest

from tests.tui_fakes import PARAMS, T0, fixed_sample, threads_run_events
from workloads.events import Output, RunStatus
from workloads.recording import Entry, Recording, RecordingHeader
from workloads.replay_session import MAX_SPEED, MIN_SPEED, ReplaySession
from workloads.run_document import run_document


class FakeClock:
    """Wall time that moves only when told."""

    def __init__(self) -> None:
        self.t = 500.0

    def __call__(self) -> float:
        return self.t

    def tick(self, seconds: float) -> None:
        self.t += seconds


def recording() -> Recording:
    entries: list[Entry] = [*threads_run_events(), fixed_sample()]
    entries.sort(key=lambda e: getattr(e, "t", None) or e.end)  # type: ignore[union-attr]
    return Recording(RecordingHeader("threads", PARAMS, machine="big-box", cores=16), entries)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def lines(replay: ReplaySession) -> list[str]:
    return [o.text for o in replay.snapshot().outputs]


def test_at_1x_the_replay_keeps_the_recorded_pace(clock: FakeClock) -> None:
    replay = ReplaySession(recording(), clock=clock)
    assert replay.now() == T0 and replay.snapshot().status == RunStatus.RUNNING
    clock.tick(1.0)
    replay.advance()
    assert replay.now() == pytest.approx(T0 + 1.0)
    assert lines(replay) == ["Number: 0", "Letter: A"]
    clock.tick(2.0)
    replay.advance()
    assert lines(replay)[-2:] == ["Number: 1", "Letter: B"]
    assert not replay.ended
    clock.tick(100.0)
    replay.advance()
    assert replay.ended and replay.now() == replay.end_t
    assert replay.snapshot().status == RunStatus.FINISHED


def test_speed_scales_the_wall_clock_from_0_01x_to_10x(clock: FakeClock) -> None:
    replay = ReplaySession(recording(), clock=clock)
    replay.set_speed(0.01)  # a 5 ms GIL slice lasts half a second
    clock.tick(0.5)
    replay.advance()
    assert replay.now() - T0 == pytest.approx(0.005)
    replay.set_speed(10)
    clock.tick(0.1)
    replay.advance()
    assert replay.now() - T0 == pytest.approx(1.005)
    replay.set_speed(1000)
    assert replay.speed == MAX_SPEED
    replay.set_speed(0)
    assert replay.speed == MIN_SPEED


def test_brackets_step_through_the_speeds(clock: FakeClock) -> None:
    replay = ReplaySession(recording(), clock=clock)
    seen = [replay.speed]
    for _ in range(12):
        replay.faster()
        seen.append(replay.speed)
    assert seen[:4] == [1.0, 2.0, 5.0, 10.0] and seen[-1] == MAX_SPEED
    for _ in range(20):
        replay.slower()
    assert replay.speed == MIN_SPEED


def test_a_paused_replay_stands_still_and_steps_event_by_event(clock: FakeClock) -> None:
    replay = ReplaySession(recording(), clock=clock)
    clock.tick(1.0)
    replay.pause()
    at, index = replay.now(), replay.index
    clock.tick(50.0)
    replay.advance()
    assert replay.paused and replay.now() == at and replay.index == index

    replay.step(1)
    assert replay.index == index + 1
    entry = replay.entries[index]
    replay.step(1)
    replay.step(1)
    assert replay.index == index + 3
    replay.step(-3)
    assert replay.index == index
    assert replay.now() == replay.times[index - 1]
    # Stepping until the next line appears shows exactly one more line.
    before = len(lines(replay))
    while len(lines(replay)) == before:
        replay.step(1)
    assert len(lines(replay)) == before + 1
    assert isinstance(replay.entries[replay.index - 1], Output)
    assert entry is not None


def test_home_and_end(clock: FakeClock) -> None:
    rec = recording()
    replay = ReplaySession(rec, clock=clock)
    replay.end()
    assert replay.ended
    assert run_document(replay.snapshot(), spans=True) == run_document(rec.state(), spans=True)
    assert replay.sample == fixed_sample()  # the gauges show the recorded machine
    replay.home()
    assert replay.index == replay.times.count(T0) and replay.now() == T0 and replay.sample is None
    assert lines(replay) == []
    clock.tick(3.0)  # home keeps playing from the start
    replay.advance()
    assert len(lines(replay)) == 4


def test_stepping_back_folds_the_same_state_as_forward(clock: FakeClock) -> None:
    rec = recording()
    replay = ReplaySession(rec, clock=clock)
    replay.end()
    replay.step(-5)
    expected = rec.state(len(rec.entries) - 5)
    assert run_document(replay.snapshot(), spans=True) == run_document(expected, spans=True)
    assert replay.version > 0


def test_an_empty_recording_is_over_at_once(clock: FakeClock) -> None:
    replay = ReplaySession(Recording(RecordingHeader("threads", {})), clock=clock)
    assert replay.ended and replay.duration == 0
    replay.step(1)
    replay.step(-1)
    replay.home()
    replay.end()
