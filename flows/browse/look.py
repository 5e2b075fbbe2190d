"""Reading a page as a person sees it, in one round trip, whatever its markup.

`read_page` runs one script in the page (`js/read.js`) that returns what is visible: the text,
every table in any of the shapes docs/pages.md ("The markup is not known") allows (`<table>`
with `th` or `td` header cells, ARIA `div` grids), each table's pager and next-page control,
the controls (links, buttons, submit inputs) and open dialogs. Hidden copies (for small
screens) and hidden decoys are left out. Every control and row it returns carries a mark (a
`data-sellerauth` attribute the script sets), so a flow clicks exactly what it read:
`marked(page, mark)`. The same round trip gathers the facts page kinds go by (`js/facts.js`).

Flows do not call these directly: page objects do (`flows/browse/page.py`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from automation.errors import PageChanged, Timeout
from automation.retry import current_policy
from flows import texts
from flows.browse import pw
from flows.browse.markers import MARKERS
from flows.browse.scripts import script

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Locator, Page

PAGER = re.compile(r"(\d+)\s*-\s*(\d+)\s*(?:/|of)\s*(\d+)")


@dataclass(frozen=True)
class Control:
    """A visible link, button or submit input: its accessible name and its mark."""

    name: str
    mark: str


@dataclass(frozen=True)
class Cell:
    """A table cell: its text without controls, its whole text, its visible controls."""

    text: str
    full: str
    controls: list[Control] = field(default_factory=list)


@dataclass(frozen=True)
class RawRow:
    """A visible row of a table, as the page shows it."""

    mark: str
    text: str
    header: bool
    cells: list[Cell]


@dataclass(frozen=True)
class RawTable:
    """A visible table (any shape) with what pages it: its pager text (`1-2 / 2 件を表示`), its
    next-page control and its page-number controls (`1 2 次へ ›`), each the first after the
    table with no heading between; and its title (caption, label, or the heading before it)."""

    mark: str
    rows: list[RawRow]
    pager: str | None
    next: Control | None
    pages: list[Control] = field(default_factory=list)
    title: str | None = None

    def count(self) -> tuple[int, int, int] | None:
        """The pager's `first-last / total` as numbers, when it shows them."""
        found = PAGER.search(self.pager or "")
        return (int(found[1]), int(found[2]), int(found[3])) if found else None


@dataclass(frozen=True)
class Dialog:
    """A visible in-page dialog: its text and controls."""

    text: str
    controls: list[Control]


@dataclass(frozen=True)
class Snapshot:
    """What a page shows at one moment (visible parts only)."""

    url: str
    text: str
    loading: bool
    ready: bool
    tables: list[RawTable]
    dialogs: list[Dialog]
    controls: list[Control]

    def shows(self, pattern: re.Pattern[str]) -> bool:
        """Whether a line of the visible text matches `pattern` (a heading or label standing
        on its own line, as `get_by_text` with an anchored pattern finds it)."""
        return any(pattern.match(" ".join(line.split())) for line in self.text.splitlines())

    def mentions(self, pattern: re.Pattern[str]) -> bool:
        """Whether the visible text holds `pattern` anywhere."""
        return pattern.search(self.text) is not None

    def control(self, pattern: re.Pattern[str]) -> Control | None:
        """The first visible control outside tables and dialogs whose name matches."""
        return next((c for c in self.controls if pattern.match(c.name)), None)


def _args() -> dict[str, Any]:
    return {
        "pager": PAGER.pattern,
        "next": list(dict.fromkeys(texts.texts("next") + texts.texts("apps_next"))),
        "loading": list(texts.texts("loading")),
    }


def _snapshot(raw: dict[str, Any]) -> Snapshot:
    def control(c: dict[str, str]) -> Control:
        return Control(name=c["name"], mark=c["mark"])

    tables = [
        RawTable(
            mark=t["mark"],
            rows=[
                RawRow(
                    mark=r["mark"],
                    text=r["text"],
                    header=r["header"],
                    cells=[
                        Cell(c["text"], c["full"], [control(x) for x in c["controls"]])
                        for c in r["cells"]
                    ],
                )
                for r in t["rows"]
            ],
            pager=t["pager"],
            next=control(t["next"]) if t["next"] else None,
            pages=[control(c) for c in t["pages"]],
            title=t["title"],
        )
        for t in raw["tables"]
    ]
    return Snapshot(
        url=raw["url"],
        text=raw["text"],
        loading=raw["loading"],
        ready=raw["ready"],
        tables=tables,
        dialogs=[Dialog(d["text"], [control(x) for x in d["controls"]]) for d in raw["dialogs"]],
        controls=[control(c) for c in raw["controls"]],
    )


@dataclass(frozen=True)
class Look:
    """One look at a loaded page: the facts `kinds.classify` goes by, what it shows, and the
    HTTP status its document was served with (None when the browser does not say)."""

    facts: dict[str, Any]
    snapshot: Snapshot
    status: int | None


@dataclass
class Seen:
    """Per page: the main frame's navigations so far, and the last look (valid while no
    navigation or action of ours has happened since)."""

    navigations: int = 0
    look: Look | None = None
    at: int = -1

    def current(self) -> Look | None:
        return self.look if self.look is not None and self.at == self.navigations else None


_SEEN: WeakKeyDictionary[Page, Seen] = WeakKeyDictionary()


def seen_of(page: Page) -> Seen:
    seen = _SEEN.get(page)
    if seen is None:
        seen = _SEEN[page] = Seen()

        def navigated(frame: Frame) -> None:
            if frame.parent_frame is None:
                seen.navigations += 1
                seen.look = None

        page.on("framenavigated", navigated)
    return seen


def forget(page: Page) -> None:
    """Drop the last look at `page`: the bot changed the page in place (typed, ticked, clicked)."""
    seen = _SEEN.get(page)
    if seen is not None:
        seen.look = None


POLL_MS = 20
"""How often an in-page wait checks again (Playwright's default here would be 100 ms)."""


def _timeout_ms() -> int:
    settings = current_policy()
    return int(getattr(settings, "timeout_ms", 30_000))


def look(page: Page, *, wait: bool = False) -> Look:
    """Look at the page once (one round trip): its recognition facts, what it shows, its HTTP
    status. Reused until the main frame navigates or `forget` is called; with `wait`, a look
    taken before the page filled in is not reused, and the new one waits (up to the run's
    timeout) for it to fill in (see `read_page`)."""
    seen = seen_of(page)
    cached = seen.current()
    if cached is not None and (cached.snapshot.ready or not wait):
        return cached
    found = look_once(page, seen, wait=wait, only_new=False)
    assert found is not None  # only a look at a new document only may find none
    return found


def look_once(page: Page, seen: Seen, *, wait: bool, only_new: bool) -> Look | None:
    """One `evaluate` of the look; with `only_new`, None (nothing read, no mark moved) when
    the document was read before (the same document, after a history-API navigation)."""
    at = seen.navigations
    arg = _args() | {
        "markers": MARKERS,
        "wait": wait,
        "timeout": _timeout_ms(),
        "poll": POLL_MS,
        "onlyNew": only_new,
    }
    try:
        raw = page.evaluate(script("look.js"), arg)
    except pw.Error:
        # The page was replaced while being read: read the new one.
        page.wait_for_load_state("domcontentloaded")
        at = seen.navigations
        raw = page.evaluate(script("look.js"), arg)
    if raw is None:
        return None
    raw = json.loads(raw)
    found = Look(facts=raw["facts"], snapshot=_snapshot(raw["snap"]), status=raw["status"])
    seen.look, seen.at = found, at
    return found


def read_page(page: Page, *, wait: bool = True) -> Snapshot:
    """What the page shows, once it has filled in (no loading note, every table holding the
    rows its pager announces); with `wait=False`, what it shows now. One round trip at most,
    none when this load was already read (`look`).

    Raises `PageChanged` when the page never fills in within the timeout (a pager announcing
    more rows than the table shows), `Timeout` when its loading note stays.
    """
    now = look(page, wait=wait).snapshot
    if wait and not now.ready:
        forget(page)
        if now.loading:
            raise Timeout("The page kept showing its loading note.", url=page.url)
        raise PageChanged(
            "A table announces more rows than it shows, even after waiting.", url=page.url
        )
    return now


def marked(page: Page, mark: str) -> Locator:
    """The element `read_page` marked `mark` (valid until the next read or page load)."""
    return page.locator(f'[data-sellerauth="{mark}"]')
