"""Command palette entries: one per demo of the catalog."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from workloads import catalog


class DemoCommands(Provider):
    """``Run threads: Two threads interleave`` and so on, with default parameters."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [(f"Run {d.id}: {d.title}", d.id, d.summary) for d in catalog.DEMOS.values()]

    async def discover(self) -> Hits:
        for text, demo_id, summary in self._commands():
            yield DiscoveryHit(text, partial(self._launch, demo_id), help=summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, demo_id, summary in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(text), partial(self._launch, demo_id), help=summary
                )

    def _launch(self, demo_id: str) -> None:
        launch = getattr(self.app, "launch", None)
        if launch is not None:
            launch(demo_id)
