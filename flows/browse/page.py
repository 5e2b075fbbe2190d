"""The page-object base: what every page the bot reads shares (docs/pages.md "How to read a
page").

A page object knows its page's path, how to tell the page has loaded, and how to read it the way
a person does: by headings, labels, visible text and a value's format, from the one look per
page load (`flows/browse/look.py`). Its acting methods are the only way a flow clicks something
that acts on the seller's account: they call `act`, which clicks once through the gate and
waits for what a person would see happen (`flows/browse/settle.py`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from automation.errors import PageChanged
from flows.browse import pw
from flows.browse.gate import Reading, require_certain
from flows.browse.look import Control, RawTable, Snapshot, forget, read_page
from flows.browse.settle import Outcome, click_and_settle
from flows.browse.tables import Placed, Row, next_control

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


T = TypeVar("T")

MAX_PAGES = 200
"""How many pages of one table are followed before its paging counts as endless."""


def expect_shown(locator: Locator, what: str, *, timeout_ms: float | None = None) -> None:
    """Wait until `locator` is visible; `PageChanged` (with the page's URL) if it never is.

    `what` says in a few words what the page should have shown (e.g. "the permissions
    table"); it becomes the error's message. `timeout_ms` defaults to the run's timeout
    (SELLERAUTH_TIMEOUT_MS, set by the runner). A missing element is a changed page, not a
    slow one: the error is not retried (docs/pages.md, "The markup is not known").
    """
    try:
        pw.expect(locator).to_be_visible(timeout=timeout_ms)
    except AssertionError:
        raise PageChanged(
            f"The page does not show {what}: the site may have changed.", url=locator.page.url
        ) from None


class PageObject:
    """One page the bot reads. Subclasses set `path` (None: reached by a click, not a URL) and
    `shows` (what the page must show, in words, for messages), and override `recognises`."""

    path: ClassVar[str | None] = None
    shows: ClassVar[str] = "the page the bot expects"

    def __init__(self, page: Page) -> None:
        self.page = page

    def snapshot(self, *, wait: bool = True) -> Snapshot:
        """What the page shows (this load's look; with `wait`, once it has filled in)."""
        return read_page(self.page, wait=wait)

    def recognises(self, snapshot: Snapshot) -> bool:
        """Whether `snapshot` is this page; the base accepts any page."""
        return True

    def is_shown(self) -> bool:
        """Whether the page shows this page now (no waiting beyond this load's look)."""
        return self.recognises(self.snapshot(wait=False))

    def wait_loaded(self) -> None:
        """Wait until the page has filled in; `PageChanged` when it is not this page."""
        if not self.recognises(self.snapshot()):
            raise PageChanged(
                f"The page does not show {self.shows}: the site may have changed.",
                url=self.page.url,
            )

    def refresh(self) -> None:
        """Forget this load's look: the page changed in place (the bot typed, ticked, clicked)."""
        forget(self.page)

    def value_after(self, label: str) -> str:
        """The value a label introduces, on its line (`Label: value`) or the next one.

        Raises `PageChanged` when no line starts with `label` or nothing follows it."""
        lines = [" ".join(line.split()) for line in self.snapshot().text.splitlines()]
        lines = [line for line in lines if line]
        for i, line in enumerate(lines):
            if line.startswith(label):
                rest = line[len(label) :].lstrip(" :：")
                if rest:
                    return rest
                if i + 1 < len(lines):
                    return lines[i + 1]
        raise PageChanged(f"The page shows no value after '{label}'.", url=self.page.url)

    def value_matching(self, pattern: re.Pattern[str]) -> str:
        """The one value of the visible text in `pattern`'s format (e.g. a seller ID).

        Raises `PageChanged` when there is none, or more than one distinct value: a reading
        that is not certain is never guessed from."""
        words = {w.strip(".,:;()（）") for w in self.snapshot().text.split()}
        found = sorted(w for w in words if pattern.fullmatch(w))
        if len(found) != 1:
            raise PageChanged(
                f"The page shows {len(found)} values in the format {pattern.pattern} where one "
                "was expected.",
                url=self.page.url,
            )
        return found[0]

    def act(self, control: Control, *, what: str, reading: Reading, **watch: Any) -> Outcome:
        """The one way to make an acting click (grant, consent, renew, restore, confirm,
        re-authorize, enable): `reading` must be certain (`require_certain`: else
        `PageChanged`, nothing clicked), then `control` is clicked once and its effect waited
        for (`click_and_settle`, whose `row`, `pager`, `gone` and `dialogs` say what to
        watch). `what` names the control in messages. Raises as `click_and_settle`."""
        require_certain(reading, self.page.url)
        return click_and_settle(self.page, control, what=what, **watch)

    def turn(self, control: Control, *, what: str, **watch: Any) -> Outcome:
        """A click that acts on nothing (a pager's next page, `表示` revealing a token): once,
        waiting for its effect as `act` does, without the gate."""
        return click_and_settle(self.page, control, what=what, **watch)

    def page_to(
        self,
        locate: Callable[[Snapshot], RawTable | None],
        find: Callable[[RawTable], T | None],
        *,
        what: str,
    ) -> T | None:
        """Page one table forward from the page shown now until `find` finds what it looks
        for on a page (a row to click, after a complete reading found it there); None when
        the table ends (or vanishes) first."""
        visited = {1}
        for _ in range(MAX_PAGES):
            raw = locate(self.snapshot())
            if raw is None:
                return None
            found = find(raw)
            if found is not None:
                return found
            step = next_control(raw, visited)
            if step is None:
                return None
            control, number = step
            visited.add(number if number is not None else max(visited) + 1)
            last = raw.rows[-1] if raw.rows else None
            self.turn(control, what=f"{what}: next page", pager=raw.pager, row=last)
            forget(self.page)
        return None

    def read_pages(
        self,
        locate: Callable[[Snapshot], RawTable | None],
        read: Callable[[RawTable], Placed],
        *,
        what: str,
        pages: int = MAX_PAGES,
    ) -> TableRead:
        """Every page of one table: `locate` finds it in what the page shows, `read` places
        one page's rows; the table's own pager is followed to its end (`次へ`, or the page
        numbers). The reading is uncertain (`TableRead.problems`) when the rows read do not
        add up to the count the pager gives, or the table vanishes between pages. An absent
        table (a note in its place) is an empty one. Leaves the browser on the last page."""
        result = TableRead()
        visited = {1}
        for _ in range(pages):
            raw = locate(self.snapshot())
            if raw is None:
                if result.pages:
                    result.problems.append(f"{what} went away while it was paged")
                return result
            placed = read(raw)
            result.add(placed)
            count = raw.count()
            if count is not None:
                result.total = count[2]
            step = next_control(raw, visited)
            if step is None:
                result.check_count(what)
                return result
            control, number = step
            visited.add(number if number is not None else max(visited) + 1)
            first = raw.rows[-1] if raw.rows else None
            self.turn(control, what=f"{what}: next page", pager=raw.pager, row=first)
            forget(self.page)
        result.problems.append(f"{what}'s paging does not end")
        return result


@dataclass
class TableRead:
    """Every page of one table: its rows, the pages read, the total its pager gave, and what
    kept the reading from being complete or certain."""

    rows: list[Row] = field(default_factory=list)
    pages: int = 0
    left_out: int = 0
    total: int | None = None
    problems: list[str] = field(default_factory=list)

    def add(self, placed: Placed) -> None:
        """One more page."""
        self.rows.extend(placed.rows)
        self.left_out += placed.left_out
        self.problems.extend(placed.problems)
        self.pages += 1

    def check_count(self, what: str) -> None:
        """The rows read must be as many as the pager said (with or without the rows left out
        on purpose, such as the seller's own: pagers differ on whether they count it)."""
        shown = len(self.rows)
        if self.total is not None and self.total not in (shown, shown + self.left_out):
            self.problems.append(
                f"{what} says it has {self.total} rows, but {shown + self.left_out} were read"
            )
