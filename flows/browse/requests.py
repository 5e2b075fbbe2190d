"""Which requests a click started and are still open: what tells a slow answer (`timeout`,
retried, the effect read back) from a click that did nothing (`page_changed`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request


@dataclass
class Requests:
    """A page's requests: each numbered as it starts, kept while open."""

    started: int = 0
    open: dict[Request, int] = field(default_factory=dict)

    def since(self, mark: int) -> bool:
        """Whether a request started after `mark` (a `started` count) is still open: one the
        click made, not an earlier long-poll of the page."""
        return any(number > mark for number in self.open.values())


_REQUESTS: WeakKeyDictionary[Page, Requests] = WeakKeyDictionary()


def requests_of(page: Page) -> Requests:
    """The page's request record, listening from the first call on (once per page)."""
    found = _REQUESTS.get(page)
    if found is None:
        found = _REQUESTS[page] = Requests()
        record = found

        def started(request: Request) -> None:
            record.started += 1
            record.open[request] = record.started

        def done(request: Request) -> None:
            record.open.pop(request, None)

        page.on("request", started)
        page.on("requestfinished", done)
        page.on("requestfailed", done)
    return found
