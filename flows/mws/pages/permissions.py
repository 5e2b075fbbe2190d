"""The permissions screen `Amazon MWS 開発者権限` (docs/pages.md §4): read both tables, act on
a row.

The screen is read as a person reads it, whatever its markup (docs/pages.md "The markup is not
known"): a table is recognised by its column headers (any of the shapes `read_page`
finds), the current one by `権限の付与日`, the history by `アクション日`; a table that is absent or
replaced by a note is an empty list; the pager counts every row, the seller's own included; the
seller's own row `(出品者本人)` is never a developer; values are checked against their formats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from automation.errors import PageChanged
from flows import texts
from flows.browse import pw
from flows.browse.look import (
    Control,
    RawRow,
    RawTable,
    Snapshot,
    forget,
    look,
    marked,
    read_page,
)
from flows.browse.settle import click_and_settle
from flows.dates import parse_date, parse_datetime
from flows.mws.results import DeveloperAccess
from flows.site import digits

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PATH = "/gp/account-manager/home.html"
SELLER_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
TOKEN = re.compile(r"^amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TOKEN_IN_TEXT = re.compile(r"amzn\.mws\.[^\s<>\"']+")
_MAX_PAGES = 200
Which = Literal["current", "history"]


def developer_cell_pattern(developer_id: str) -> re.Pattern[str]:
    """Matches a cell holding exactly the developer ID, with or without hyphens."""
    d = digits(developer_id)
    return re.compile(rf"^\s*{d[0:4]}-?{d[4:8]}-?{d[8:12]}\s*$")


def developer_pattern(developer_id: str) -> re.Pattern[str]:
    """Matches the developer ID as the screen may write it, with or without hyphens."""
    d = digits(developer_id)
    return re.compile(rf"(?<!\d){d[0:4]}-?{d[4:8]}-?{d[8:12]}(?!\d)")


@dataclass
class Row:
    """One developer row as read: what it says, its visible controls, and its mark."""

    access: DeveloperAccess
    actions: list[str] = field(default_factory=list)
    seller_self: bool = False
    raw: RawRow | None = None
    controls: list[Control] = field(default_factory=list)


@dataclass
class Table:
    """One of the two tables as shown now: its developer rows, pager and next-page control."""

    rows: list[Row]
    pager: str | None
    next: Control | None


class PermissionsPage:
    """The permissions screen: account information, confirmation line, two paged tables.

    Each load is read once (`refresh`), in one round trip; the methods answer from that read.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_text(texts.exact("developer_permissions")).first
        # True once a table was paged: the other table's first page then needs a fresh load.
        self.paged = False
        self._snap: Snapshot | None = None

    # -- the page as a whole -------------------------------------------------------------

    def _heading(self) -> Locator:
        return self.page.get_by_text(texts.exact("developer_permissions")).filter(visible=True)

    def is_shown(self) -> bool:
        """Whether the loaded page is the permissions screen (no waiting); answered from this
        load's look when it shows the heading on a line of its own."""
        if look(self.page).snapshot.shows(texts.exact("developer_permissions")):
            return True
        return self._heading().count() > 0

    def wait_loaded(self) -> None:
        """Wait for the screen and its tables to fill in; an unknown page is `page_changed`."""
        if read_page(self.page).shows(texts.exact("developer_permissions")):
            self.refresh()  # this load's read, kept
            return
        try:
            pw.expect(self._heading()).not_to_have_count(0)
        except AssertionError:
            raise PageChanged(
                "Expected the permissions screen (Amazon MWS 開発者権限) but the page does not "
                "show it. Open the URL with --headed to see what Amazon shows instead.",
                url=self.page.url,
            ) from None
        forget(self.page)
        self.refresh()

    def refresh(self) -> Snapshot:
        """Read the page (once it has filled in) and keep what it shows."""
        self._snap = read_page(self.page)
        return self._snap

    @property
    def snap(self) -> Snapshot:
        """The last read of this load (read now when there is none)."""
        return self._snap if self._snap is not None else self.refresh()

    @property
    def grant_button(self) -> Locator:
        """`開発者にアクセス権を付与`, whatever control it is."""
        return self._control_locator(texts.exact("authorize_developer"), "開発者にアクセス権を付与")

    def _control_locator(self, name: re.Pattern[str], what: str) -> Locator:
        control = self.snap.control(name)
        if control is None:
            raise PageChanged(f"The permissions screen shows no {what} control.", url=self.page.url)
        return marked(self.page, control.mark)

    def seller_id(self) -> str:
        """The seller ID under `アカウント情報`, found by its label, checked against its format."""
        label = "|".join(re.escape(t) for t in texts.texts("seller_id"))
        match = re.search(rf"(?:{label})\s*[:：]?\s*(\S+)", self.snap.text)
        if match is None:
            raise PageChanged("The permissions screen shows no seller ID.", url=self.page.url)
        value = match.group(1)
        if not SELLER_ID.match(value):
            raise PageChanged(
                "The seller ID on the permissions screen does not look like one "
                "(A followed by 9 to 20 letters or digits).",
                url=self.page.url,
            )
        return value

    def access_confirmation(self) -> Literal["enabled", "disabled", "mandatory"]:
        """`enabled` (with a 無効にする link), `disabled`, or `mandatory` (on, no link)."""
        if texts.containing("confirmation_disabled").search(self.snap.text):
            return "disabled"
        if self.snap.control(texts.exact("disable")) is not None:
            return "enabled"
        return "mandatory"

    @property
    def disable_link(self) -> Locator:
        """`無効にする` on the confirmation line, whatever control it is."""
        return self._control_locator(texts.exact("disable"), "無効にする")

    def disable_confirmation(self) -> None:
        """Click `無効にする` once and wait for its effect; the caller reads the line back."""
        control = self.snap.control(texts.exact("disable"))
        if control is None:
            raise PageChanged("The permissions screen shows no 無効にする link.", url=self.page.url)
        click_and_settle(self.page, control, what="無効にする", gone=control.mark)
        self._snap = None

    # -- tables ----------------------------------------------------------------------------

    def table(self, which: Which) -> Table:
        """One table on the page shown now; absent (or a note in its place) is empty."""
        for raw in self.snap.tables:
            parsed = _parse_table(raw, self.page.url)
            if parsed is not None and parsed[0] == which:
                return parsed[1]
        return Table(rows=[], pager=None, next=None)

    def read_table(self, which: Which) -> list[Row]:
        """Every developer row of one table on the page shown now."""
        return self.table(which).rows

    def read_all(self, which: Which) -> list[Row]:
        """Every row of one table across all of its pages (leaves the page on the last one)."""
        rows: list[Row] = []
        for _ in range(_MAX_PAGES):
            rows.extend(self.read_table(which))
            if not self.next_page(which):
                return rows
        raise PageChanged("The table's paging does not end.", url=self.page.url)

    def next_page(self, which: Which) -> bool:
        """Go to the table's next page; False on its last page."""
        table = self.table(which)
        if table.next is None:
            return False
        self.paged = True
        click_and_settle(self.page, table.next, what="次へ", pager=table.pager)
        self.refresh()
        return True

    def find_row(self, developer_id: str, which: Which) -> Row | None:
        """Page through a table to the configured developer's row; None when it has none."""
        for _ in range(_MAX_PAGES):
            rows = [r for r in self.read_table(which) if _is(r, developer_id)]
            if len(rows) > 1:
                raise PageChanged(
                    f"The developer {developer_id} has {len(rows)} rows in one table; nothing "
                    "was clicked. Check the permissions screen in Seller Central.",
                    url=self.page.url,
                )
            if rows:
                return rows[0]
            if not self.next_page(which):
                return None
        raise PageChanged("The table's paging does not end.", url=self.page.url)

    # -- one row -----------------------------------------------------------------------------

    def reveal_token(self, row: Row) -> str:
        """Click `表示` in the row and read the token it reveals, in place or after a reload,
        checked against its format."""
        developer_id = row.access.developer_id
        if row.raw is None or not _TOKEN_IN_TEXT.search(row.raw.text):
            view = next((c for c in row.controls if texts.exact("view_token").match(c.name)), None)
            if view is None:
                raise PageChanged(
                    "The developer's row offers no 表示 control for its token.", url=self.page.url
                )
            click_and_settle(self.page, view, what="表示", row=row.raw)
            self.refresh()
            shown = self.find_row(developer_id, "current")
            if shown is None or shown.raw is None:
                raise PageChanged(
                    "After 表示 the developer's row is gone from 現在の権限.", url=self.page.url
                )
            row = shown
        assert row.raw is not None
        match = _TOKEN_IN_TEXT.search(row.raw.text)
        if match is None:
            raise PageChanged("Clicking 表示 did not reveal an MWS auth token.", url=self.page.url)
        if not TOKEN.match(match.group(0)):
            raise PageChanged(
                "The revealed MWS auth token does not look like one (amzn.mws. and a UUID).",
                url=self.page.url,
            )
        return match.group(0)

    def row_action(self, row: Row, action: Literal["renew", "restore"]) -> Control | None:
        """The row's `アクセス権を承認` or `アクセス権を復元` control (never `取り消し`)."""
        return next((c for c in row.controls if texts.exact(action).match(c.name)), None)


def _is(row: Row, developer_id: str) -> bool:
    """The ID cell alone decides: a nickname mentioning our ID is another developer's row."""
    return digits(row.access.developer_id) == digits(developer_id)


def _columns(raw: RawTable) -> tuple[int, list[str]] | None:
    """The header row's index and its column texts: a row of `th`/`columnheader` cells, or the
    first row whose cells name at least two known columns (a `td` header row)."""
    known = [
        texts.exact(k)
        for k in ("col_developer_id", "col_nickname", "col_granted_at", "col_action_date")
    ]
    for i, row in enumerate(raw.rows):
        names = [c.text for c in row.cells]
        hits = sum(1 for n in names if any(p.match(n) for p in known))
        if hits >= 2 or (row.header and hits >= 1):
            return i, names
    return None


def _parse_table(raw: RawTable, url: str) -> tuple[Which, Table] | None:
    """A permissions table (current or history) read from any shape; None for other tables."""
    header = _columns(raw)
    if header is None:
        return None
    start, columns = header

    def index(key: str) -> int | None:
        pattern = texts.exact(key)
        return next((i for i, c in enumerate(columns) if pattern.match(c)), None)

    id_col, nick_col = index("col_developer_id"), index("col_nickname")
    granted_col, action_date_col = index("col_granted_at"), index("col_action_date")
    if id_col is None or nick_col is None:
        return None
    if granted_col is not None:
        which: Which = "current"
    elif action_date_col is not None:
        which = "history"
    else:
        return None
    expiry_col = index("col_expires_at") if which == "current" else None
    self_marks = texts.texts("seller_self")
    rows: list[Row] = []
    for r in raw.rows[start + 1 :]:
        cells = r.cells
        if len(cells) < len(columns):
            continue  # a note row such as 該当するデータはありません
        if any(mark in r.text for mark in self_marks):
            continue  # the seller's own row is not a developer
        raw_id = digits(cells[id_col].full)
        if not raw_id and not cells[id_col].full.strip():
            continue
        if len(raw_id) != 12:
            raise PageChanged(f"A developer ID in the table is malformed: {raw_id!r}.", url=url)
        granted = parse_datetime(cells[granted_col].full) if granted_col is not None else None
        expires = None
        if expiry_col is not None:
            shown = cells[expiry_col].full.strip()
            expires = parse_date(shown)
            if expires is None and shown not in ("", "-", "—", "–"):
                # Never guess: an unread expiry would mean a renewal click on every run.
                raise PageChanged(
                    f"An expiry date on the permissions screen is in an unknown format: {shown!r}.",
                    url=url,
                )
        access = DeveloperAccess(
            developer_id=f"{raw_id[0:4]}-{raw_id[4:8]}-{raw_id[8:12]}",
            nickname=cells[nick_col].text,
            state="active" if which == "current" else "inactive",
            granted_at=granted,
            expires_at=expires,
        )
        controls = [c for cell in cells for c in cell.controls]
        rows.append(
            Row(
                access=access,
                actions=[c.name for c in controls if c.name],
                raw=r,
                controls=controls,
            )
        )
    return which, Table(rows=rows, pager=raw.pager, next=raw.next)
