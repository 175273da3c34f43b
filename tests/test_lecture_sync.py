"""The file that keeps a lecture's two windows together (tui/lecture/lecture_sync.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tui.lecture.deck_position import Position
from tui.lecture.lecture_sync import LectureSync, runtime_dir, sync_file


def test_the_file_lives_in_a_private_runtime_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    path = sync_file(Path("talk.md"))
    assert path.parent == tmp_path / "interleave"
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert sync_file(Path("talk.md")) == path
    assert sync_file(Path("other.md")) != path


def test_without_xdg_runtime_dir_a_0700_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    root = runtime_dir()
    assert root.parent == tmp_path
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_each_window_sees_the_others_writes_once_and_never_its_own(tmp_path: Path) -> None:
    path = tmp_path / "lecture.json"
    slides, presenter = LectureSync(path), LectureSync(path)
    slides.write(Position(3, 1), 100.0)
    assert slides.read_new() is None  # its own
    seen = presenter.read_new()
    assert seen is not None
    assert (seen.position, seen.timer_started) == (Position(3, 1), 100.0)
    assert presenter.read_new() is None  # once
    presenter.write(Position(4, 0), None)
    again = slides.read_new()
    assert again is not None and again.position == Position(4, 0)


@pytest.mark.parametrize("content", ["", "{", '{"index": "x"}', "[]"])
def test_a_damaged_file_is_ignored(tmp_path: Path, content: str) -> None:
    path = tmp_path / "lecture.json"
    path.write_text(content)
    assert LectureSync(path).read_new() is None
