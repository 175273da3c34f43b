"""Shared fixtures: every test must leave no child process behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.process_checks import wait_for_no_children


@pytest.fixture
def no_orphans() -> Iterator[None]:
    """Fail the test if it leaves a child process running."""
    yield
    left = wait_for_no_children()
    for p in left:
        p.kill()
    assert not left, f"processes left running: {[p.cmdline() for p in left]}"
