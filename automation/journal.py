"""The journal of acting clicks of one run for one account (write-ahead intents, kept across
attempts and across a killed run's rerun)."""

from __future__ import annotations

from collections.abc import Callable, Iterable


class Journal(list[str]):
    """The actions a flow clicked on the account (`RunContext.journal`), written ahead.

    A flow appends an action right before it clicks; `before_act(action)` runs first (the
    store records the intent: account, run, action, developer, time) and may raise (a store
    that cannot be written raises StoreFailed: then nothing is clicked). Entries given at the
    start (`earlier`) are intents an earlier, killed run left open: a flow that finds their
    effect done reports them as done by this run. A flow that cannot read an action's effect
    back (`leave_open`) keeps its intents open, whatever the run's outcome, for the next run.
    """

    def __init__(
        self,
        earlier: Iterable[str] = (),
        before_act: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(earlier)
        self.earlier: tuple[str, ...] = tuple(self)
        self._before_act = before_act
        self._left_open: set[str] = set()
        # Whether the run's signed-in session was saved when its browser context closed
        # (None: no context was closed), so a stopped run says truthfully what it kept.
        self.session_saved: bool | None = None

    def append(self, action: str) -> None:
        """Record the intent of `action` (before the click), then note it."""
        if self._before_act is not None:
            self._before_act(action)
        super().append(action)

    def this_run(self) -> list[str]:
        """The actions this run noted (every attempt), not those an earlier run left open."""
        return list(self[len(self.earlier) :])

    def leave_open(self, *actions: str) -> None:
        """The effect of `actions` is not known: their intents stay open after this run."""
        self._left_open.update(actions)

    def settled(self) -> list[str]:
        """The actions whose intents this run's outcome closes (`Outcome.acted`)."""
        return [action for action in self if action not in self._left_open]
