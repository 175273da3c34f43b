"""Snapshots of lecture slides at 80x24 in the projector theme: prose, and a live run
(a recorded run and a fixed CPU reading: no process, no clock moves)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.run_fakes import finished_state
from tests.tui_fakes import T0, fixed_sample
from tui.lecture.deck import parse_deck
from tui.lecture.lecture_app import LectureApp
from tui.lecture.lecture_screen import LectureScreen

DECK = """\
# Threads vs processes

**Threads** share one memory; *processes* each have their own.

| | threads | processes |
|---|---|---|
| memory | shared | separate |
| if one dies | all die | others go on |

```
 process ┌──────────────────────┐
         │ thread 1   thread 2  │
         └──────────────────────┘
```

> Waiting overlaps in threads; computing needs processes.

```python
t = threading.Thread(target=work)
```
---
# Predict: how long?

5 numbers and 4 letters, each line followed by `sleep(2)`.

```interleave
run threads
```

About **10 s**: both threads sleep at the same time.
"""


def _app() -> LectureApp:
    deck = parse_deck(DECK, Path.cwd())
    return LectureApp(deck=deck, sync=False, theme="projector", clock=lambda: T0 + 12.0)


async def _live_slide(pilot: Pilot[Any]) -> None:
    await pilot.press("right")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, LectureScreen) and screen.live is not None
    screen.live.show_state(finished_state("threads"), fixed_sample())
    await pilot.pause()
    screen.live.show_state(finished_state("threads"), fixed_sample())  # once laid out
    await pilot.pause()


def test_prose_slide_80x24_projector(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24))


def test_live_slide_80x24_projector(snap_compare: Any) -> None:
    assert snap_compare(_app(), terminal_size=(80, 24), run_before=_live_slide)
