"""Reading a page as a person sees it, in one round trip, whatever its markup.

`read_page` runs one script in the page that returns what is visible: the text, every table in
any of the shapes PAGES.md ("The markup is not known") allows (`<table>` with `th` or `td`
header cells, ARIA `div` grids), each table's pager and next-page control, the controls (links,
buttons, submit inputs) and open dialogs. Hidden copies (for small screens) and hidden decoys
are left out. Every control and row it returns carries a mark (a `data-sellerauth` attribute
the script sets), so a flow clicks exactly what it read: `marked(page, mark)`.

`click_and_settle` clicks a marked control and waits for whichever comes first: a new page,
an in-page dialog, a watched row changing in place, or a pager moving on.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal
from weakref import WeakKeyDictionary

from automation.errors import PageChanged, SiteUnavailable, Timeout
from flows import texts
from flows.pages import pw

if TYPE_CHECKING:
    from playwright.sync_api import Frame, Locator, Page, Request

PAGER = re.compile(r"(\d+)\s*-\s*(\d+)\s*(?:/|of)\s*(\d+)")

_COMMON_JS = r"""
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const vis = el => el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  const CONTROLS = 'a[href], button, [role=button], [role=link], '
    + 'input[type=submit], input[type=button]';
  const TABLES = 'table, [role=table], [role=grid]';
  const ROWS = 'tr, [role=row]';
  const CELLS = 'th, td, [role=cell], [role=gridcell], [role=columnheader], [role=rowheader]';
  const DIALOGS = '[role=dialog], [role=alertdialog], dialog';
  const name = el => norm(el.tagName === 'INPUT' ? el.value
    : (el.innerText || el.getAttribute('aria-label') || el.getAttribute('title')));
"""

_READ_JS = (
    "(a) => {"
    + _COMMON_JS
    + r"""
  const pager = new RegExp(a.pager);
  window.__sellerauthRead = true;
  let n = 0;
  document.querySelectorAll('[data-sellerauth]').forEach(e => e.removeAttribute('data-sellerauth'));
  const mark = el => {
    const had = el.getAttribute('data-sellerauth');
    if (had) return had;
    const id = String(++n);
    el.setAttribute('data-sellerauth', id);
    return id;
  };
  const control = el => ({name: name(el), mark: mark(el)});
  const tables = [];
  for (const t of document.querySelectorAll(TABLES)) {
    if (!vis(t)) continue;
    const rows = [];
    for (const r of t.querySelectorAll(ROWS)) {
      if (r.closest(TABLES) !== t || !vis(r)) continue;
      const cells = [...r.querySelectorAll(CELLS)].filter(c => c.closest(ROWS) === r);
      if (!cells.length) continue;
      rows.push({
        mark: mark(r),
        text: norm(r.innerText),
        header: cells.every(c => c.tagName === 'TH' || c.getAttribute('role') === 'columnheader'),
        cells: cells.map(c => {
          const copy = c.cloneNode(true);
          const hidden = ', [hidden], [style*="display:none"], [style*="display: none"]';
          copy.querySelectorAll(CONTROLS + hidden)
            .forEach(e => e.remove());
          return {text: norm(copy.textContent), full: norm(c.innerText),
                  controls: [...c.querySelectorAll(CONTROLS)].filter(vis).map(control)};
        }),
      });
    }
    // The pager and its next-page control: in the smallest block around the table holding a
    // pager text and no other visible table.
    let pagerText = null, next = null;
    const top = document.documentElement;
    for (let box = t.parentElement; box && box !== top; box = box.parentElement) {
      const others = [...box.querySelectorAll(TABLES)]
        .filter(o => o !== t && !t.contains(o) && !o.contains(t) && vis(o));
      if (others.length) break;
      const found = [...box.querySelectorAll('*')]
        .filter(e => !t.contains(e) && vis(e) && pager.test(e.innerText || ''));
      if (found.length) {
        pagerText = norm(found[found.length - 1].innerText).match(pager)[0];
        const nx = [...box.querySelectorAll(CONTROLS)]
          .filter(e => !t.contains(e) && vis(e) && a.next.includes(name(e)));
        if (nx.length) next = control(nx[0]);
        break;
      }
    }
    tables.push({mark: mark(t), rows, pager: pagerText, next});
  }
  const loading = [...document.querySelectorAll('body *')].some(e =>
    e.children.length === 0 && a.loading.some(w => (e.textContent || '').includes(w)) && vis(e));
  const dialogs = [...document.querySelectorAll(DIALOGS)].filter(vis).map(d => ({
    text: norm(d.innerText),
    controls: [...d.querySelectorAll(CONTROLS)].filter(vis).map(control)}));
  const controls = [...document.querySelectorAll(CONTROLS)]
    .filter(e => vis(e) && !e.closest(TABLES) && !e.closest(DIALOGS)).map(control);
  const ready = !loading && tables.every(t => {
    const m = t.pager && t.pager.match(pager);
    if (!m || +m[3] === 0) return true;
    // Without th / columnheader cells, the first row is the header (a `td` header row).
    const data = t.rows.some(r => r.header) ? t.rows.filter(r => !r.header).length
      : t.rows.length - 1;
    return data >= +m[2] - +m[1] + 1;
  });
  return {url: location.href, text: document.body ? document.body.innerText : '', loading,
          tables, dialogs, controls, ready};
}"""
)

_SETTLE_JS = (
    "(a) => {"
    + _COMMON_JS
    + r"""
  if (!window.__sellerauthRead) return document.readyState === 'loading' ? false : 'navigated';
  if (a.dialogs && [...document.querySelectorAll(DIALOGS)].some(vis)) return 'dialog';
  if (a.row) {
    const r = document.querySelector('[data-sellerauth="' + a.row + '"]');
    if (!r || !vis(r) || norm(r.innerText) !== a.sig) return 'changed';
  }
  if (a.pager && !norm(document.body.innerText).includes(a.pager)) return 'changed';
  if (a.gone) {
    const d = document.querySelector('[data-sellerauth="' + a.gone + '"]');
    if (!d || !vis(d)) return 'changed';
  }
  return false;
}"""
)


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
    """A visible table (any shape), its pager text (`1-2 / 2 件を表示`) and next-page control."""

    mark: str
    rows: list[RawRow]
    pager: str | None
    next: Control | None


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
        "next": list(texts.texts("next")),
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
class _Seen:
    """Per page: the main frame's navigations so far, and the last look (valid while no
    navigation or action of ours has happened since)."""

    navigations: int = 0
    look: Look | None = None
    at: int = -1

    def current(self) -> Look | None:
        return self.look if self.look is not None and self.at == self.navigations else None


_SEEN: WeakKeyDictionary[Page, _Seen] = WeakKeyDictionary()


def _seen(page: Page) -> _Seen:
    seen = _SEEN.get(page)
    if seen is None:
        seen = _SEEN[page] = _Seen()

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


@cache
def _look_js() -> str:
    from flows.pages.kinds import FACTS_JS

    return str(
        "async (a) => { const facts = "
        + FACTS_JS
        + "; const read = "
        + _READ_JS
        + ";"
        + r"""
  if (a.onlyNew && window.__sellerauthRead) return null;
  const deadline = Date.now() + a.timeout;
  for (;;) {
    const snap = read(a);
    if (snap.ready || !a.wait || Date.now() >= deadline) {
      const nav = performance.getEntriesByType('navigation')[0];
      // One JSON string: Playwright then checks and parses one value instead of walking
      // every key of the reading (2-7 ms a look); undefined is kept as null, as it would be.
      const status = (nav && nav.responseStatus) || null;
      return JSON.stringify({facts: facts(a.markers), snap, status},
        (key, value) => value === undefined ? null : value);
    }
    await new Promise(done => setTimeout(done, a.poll));
  }
}"""
    )


def _timeout_ms() -> int:
    from automation.retry import current_policy

    settings = current_policy()
    return int(getattr(settings, "timeout_ms", 30_000))


def look(page: Page, *, wait: bool = False) -> Look:
    """Look at the page once (one round trip): its recognition facts, what it shows, its HTTP
    status. Reused until the main frame navigates or `forget` is called; with `wait`, a look
    taken before the page filled in is not reused, and the new one waits (up to the run's
    timeout) for it to fill in (see `read_page`)."""
    seen = _seen(page)
    cached = seen.current()
    if cached is not None and (cached.snapshot.ready or not wait):
        return cached
    found = _look_once(page, seen, wait=wait, only_new=False)
    assert found is not None  # only a look at a new document only may find none
    return found


def _look_once(page: Page, seen: _Seen, *, wait: bool, only_new: bool) -> Look | None:
    """One `evaluate` of the look; with `only_new`, None (nothing read, no mark moved) when
    the document was read before (the same document, after a history-API navigation)."""
    from flows.pages.kinds import MARKERS

    at = seen.navigations
    arg = _args() | {
        "markers": MARKERS,
        "wait": wait,
        "timeout": _timeout_ms(),
        "poll": _POLL_MS,
        "onlyNew": only_new,
    }
    try:
        raw = page.evaluate(_look_js(), arg)
    except pw.Error:
        # The page was replaced while being read: read the new one.
        page.wait_for_load_state("domcontentloaded")
        at = seen.navigations
        raw = page.evaluate(_look_js(), arg)
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


Outcome = Literal["navigated", "dialog", "changed"]


_POLL_MS = 20
"""How often an in-page wait checks again (Playwright's default here would be 100 ms)."""

_PENDING: WeakKeyDictionary[Page, set[Request]] = WeakKeyDictionary()


def _pending(page: Page) -> set[Request]:
    """The requests of `page` still open; watched from the first click on (subscribed once
    per page, not once per click)."""
    pending = _PENDING.get(page)
    if pending is None:
        pending = _PENDING[page] = set()
        open_now = pending

        def started(request: Request) -> None:
            open_now.add(request)

        def done(request: Request) -> None:
            open_now.discard(request)

        page.on("request", started)
        page.on("requestfinished", done)
        page.on("requestfailed", done)
    return pending


def click_and_settle(
    page: Page,
    control: Control,
    *,
    what: str,
    row: RawRow | None = None,
    pager: str | None = None,
    gone: str | None = None,
    dialogs: bool = False,
) -> Outcome:
    """Click a marked control once and wait for whichever comes: a new page (`navigated`), an
    in-page dialog (`dialog`, when `dialogs`), or in place (`changed`): the watched `row`
    re-rendered or changed, the `pager` text gone, or the `gone` element hidden.

    Never clicks twice. A control no longer shown, or a click after which nothing happens, is
    `PageChanged` (the page did not do what a person would see it do), not a transient fault;
    a request left hanging is `Timeout`; a new page answered with HTTP 5xx is
    `SiteUnavailable`. A new page is looked at once (`look`), and that look is reused.
    """
    pending = _pending(page)
    seen = _seen(page)
    before = seen.navigations
    forget(page)
    try:
        # The mark was set by the read this control comes from (which also flagged the
        # document as read, so that a new document tells itself apart below).
        marked(page, control.mark).click()
    except pw.TimeoutError:
        raise PageChanged(f"The page no longer shows {what}.", url=page.url) from None
    if seen.navigations != before:
        # The click came back after a navigation committed (Playwright waits for one the
        # click starts): no need to poll for it. A new document is looked at as soon as it
        # is parsed; the same document (a history-API navigation) settles as below.
        found = _new_document(page, seen)
        if found is not None:
            return _navigated(page, found)
    try:
        page.wait_for_function(
            _SETTLE_JS,
            arg={
                "row": row.mark if row else None,
                "sig": row.text if row else None,
                "pager": pager,
                "gone": gone,
                "dialogs": dialogs,
            },
            polling=_POLL_MS,
        )
    except pw.TimeoutError:
        if pending:
            raise Timeout(
                f"After clicking {what}, Seller Central did not answer in time.", url=page.url
            ) from None
        raise PageChanged(
            f"Clicked {what} but nothing happened: no new page, no dialog, no change.",
            url=page.url,
        ) from None
    if seen.navigations != before:
        _loaded(page)
        return _navigated(page, look(page))
    if dialogs and look(page).snapshot.dialogs:
        return "dialog"
    return "changed"


def _loaded(page: Page) -> None:
    """Wait for the main document's DOMContentLoaded (answered from the load states Playwright
    already holds when it came: no round trip then)."""
    try:
        page.wait_for_load_state("domcontentloaded")
    except pw.TimeoutError:
        raise Timeout("The next page did not load in time.", url=page.url) from None


def _new_document(page: Page, seen: _Seen) -> Look | None:
    """The look at the document a click loaded, once parsed; None when the main frame still
    holds the document read before (nothing read then, the marks kept)."""
    _loaded(page)
    return _look_once(page, seen, wait=False, only_new=True)


def _navigated(page: Page, found: Look) -> Outcome:
    """`navigated`, unless the new page was served with HTTP 5xx (`SiteUnavailable`)."""
    if found.status is not None and found.status >= 500:
        raise SiteUnavailable(
            f"Seller Central answered HTTP {found.status}. Try again later.", url=page.url
        )
    return "navigated"
