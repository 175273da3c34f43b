"""When new workers get their panel and lane (tui/screens/worker_placement.py)."""

from __future__ import annotations

from tui.screens.worker_placement import PLACE_WITHIN_S, SETTLE_S, WorkerPlacement


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_the_first_worker_is_placed_at_once() -> None:
    clock = Clock()
    placement = WorkerPlacement(clock)
    assert placement.follow(0) == 0
    assert placement.follow(1) == 1


def test_workers_that_arrive_together_are_placed_together() -> None:
    clock = Clock()
    placement = WorkerPlacement(clock)
    placement.follow(1)
    for count in (2, 3, 4):  # a pool's workers, 50 ms apart
        clock.t += 0.05
        assert placement.follow(count) == 1
    clock.t += SETTLE_S / 2
    assert placement.follow(4) == 1  # not settled yet
    clock.t += SETTLE_S
    assert placement.follow(4) == 4


def test_a_steady_trickle_is_placed_within_the_bound() -> None:
    clock = Clock()
    placement = WorkerPlacement(clock)
    placement.follow(1)
    count, placed_at, first_new = 1, None, clock.t + SETTLE_S / 2
    while placed_at is None:
        clock.t += SETTLE_S / 2  # always a new one before the count settles
        count += 1
        if placement.follow(count) == count:
            placed_at = clock.t
    # Seen at each refresh: placed by the first one at or past the bound.
    assert PLACE_WITHIN_S <= placed_at - first_new < PLACE_WITHIN_S + SETTLE_S / 2


def test_a_finished_run_shows_every_worker() -> None:
    clock = Clock()
    placement = WorkerPlacement(clock)
    placement.follow(1)
    assert placement.follow(5) == 1
    assert placement.follow(5, now_all=True) == 5


def test_a_new_run_starts_again_from_nothing() -> None:
    placement = WorkerPlacement(Clock())
    placement.follow(3, now_all=True)
    assert placement.follow(0) == 0
    assert placement.follow(1) == 1


def test_workers_within_the_plan_are_placed_at_once_and_the_rest_together() -> None:
    # The screen has rows for the four workers the demo said it would show: each is
    # placed as it arrives; a fifth, beyond the plan, waits to be placed with others.
    clock = Clock()
    placement = WorkerPlacement(clock, planned=4)
    placement.follow(1)
    for count in (2, 3, 4):
        clock.t += 0.05
        assert placement.follow(count) == count
    clock.t += 0.05
    assert placement.follow(5) == 4
    clock.t += SETTLE_S
    assert placement.follow(5) == 5
