"""The permissions screen `Amazon MWS 開発者権限` (docs/pages.md §4): read both tables, act on
a row.

The screen is read as a person reads it, whatever its markup (docs/pages.md "The markup is not
known"). A table is told by the heading above it (`現在の権限`, `権限付与履歴`), else by its
column headers (`権限の付与日` or `アクション日`), else by what its rows offer (`アクセス権を承認`,
`アクセス権を復元`); its columns by their headers or, without a header row, by what the cells
hold (`flows/browse/tables.py`). A table that is absent or replaced by a note is an empty list;
each table's own pager is followed to its end and its count checked; the seller's own row
`(出品者本人)` is never a developer; values are checked against their formats. Whatever cannot be
read so makes the reading uncertain, and an uncertain reading is never acted on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from automation.errors import PageChanged
from flows import texts
from flows.browse import pw
from flows.browse.gate import Reading
from flows.browse.look import Control, RawRow, RawTable, Snapshot, forget, marked, read_page
from flows.browse.page import PageObject, TableRead
from flows.browse.scripts import script
from flows.browse.tables import Column, Holds, Placed, Row, place
from flows.dates import parse_date, parse_datetime
from flows.mws.results import DeveloperAccess
from flows.site import digits

if TYPE_CHECKING:
    from playwright.sync_api import Locator

    from flows.browse.look import Cell

PATH = "/gp/account-manager/home.html"
SELLER_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
TOKEN = re.compile(r"^amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_TOKEN_IN_TEXT = re.compile(r"amzn\.mws\.[^\s<>\"']+")
_DEVELOPER_ID = re.compile(r"\s*\d{4}-?\d{4}-?\d{4}\s*")
_BLANKS = ("", "-", "—", "–")
_DATE_WORDS = re.compile(r"[\d年月日時分秒:/.,\- ]|JST|UTC|GMT|AM|PM|[A-Z][a-z]{2,8}\.?")
Which = Literal["current", "history"]


def developer_pattern(developer_id: str) -> re.Pattern[str]:
    """Matches the developer ID as the screen may write it, with or without hyphens."""
    d = digits(developer_id)
    return re.compile(rf"(?<!\d){d[0:4]}-?{d[4:8]}-?{d[8:12]}(?!\d)")


# ---- what a cell holds (for tables without a header row) -------------------------------------


def _is_date(cell: Cell) -> bool:
    text = cell.full.strip()
    return parse_datetime(text) is not None and not _DATE_WORDS.sub("", text)


def _when(cell: Cell) -> object:
    found = parse_datetime(cell.full)
    return found.date() if found else None


def _is_id(cell: Cell) -> bool:
    return _DEVELOPER_ID.fullmatch(cell.full) is not None


def _is_name(cell: Cell) -> bool:
    text = cell.text.strip()
    return bool(text) and not cell.controls and not _is_id(cell) and not _is_date(cell)


def _offers(*keys: str) -> re.Pattern[str]:
    return re.compile("|".join(texts.exact(k).pattern for k in keys))


_ACTIONS = _offers("renew", "restore", "revoke", "edit")


def _is_action(cell: Cell) -> bool:
    names = [c.name for c in cell.controls]
    if names:
        return all(_ACTIONS.match(n) for n in names)
    return bool(cell.text) and _ACTIONS.match(cell.text) is not None


def _is_token(cell: Cell) -> bool:
    if _TOKEN_IN_TEXT.search(cell.full):
        return True
    names = [c.name for c in cell.controls]
    return bool(names) and all(texts.exact("view_token").match(n) for n in names)


def _is_expiry(cell: Cell) -> bool:
    return cell.full.strip() in _BLANKS or _is_date(cell)


def _column(key: str, text_key: str, holds: Holds, **more: Any) -> Column:
    return Column(key=key, header=texts.exact(text_key), holds=holds, **more)


COLUMNS: dict[Which, tuple[Column, ...]] = {
    "current": (
        _column("developer_id", "col_developer_id", _is_id),
        _column("nickname", "col_nickname", _is_name),
        _column("granted", "col_granted_at", _is_date, order=_when, earlier_than="expires"),
        _column("expires", "col_expires_at", _is_expiry, required=False, order=_when),
        _column("token", "col_token", _is_token, required=False),
        _column("action", "col_action", _is_action, required=False),
    ),
    "history": (
        _column("developer_id", "col_developer_id", _is_id),
        _column("nickname", "col_nickname", _is_name),
        _column("action_date", "col_action_date", _is_date),
        _column("action", "col_action", _is_action, required=False),
    ),
}


@dataclass
class DeveloperRow:
    """One developer row as read: what it says, its visible controls, and its mark."""

    access: DeveloperAccess
    raw: RawRow
    controls: list[Control] = field(default_factory=list)

    @property
    def actions(self) -> list[str]:
        """The names of the row's controls."""
        return [c.name for c in self.controls if c.name]


class PermissionsPage(PageObject):
    """The permissions screen: account information, confirmation line, two paged tables.

    Each load is read once, in one round trip; the methods answer from that read."""

    path: ClassVar[str | None] = PATH
    shows: ClassVar[str] = "the permissions screen (Amazon MWS 開発者権限)"

    def recognises(self, snapshot: Snapshot) -> bool:
        return snapshot.shows(texts.exact("developer_permissions"))

    def _heading(self) -> Locator:
        return self.page.get_by_text(texts.exact("developer_permissions")).filter(visible=True)

    def is_shown(self) -> bool:
        """Whether the loaded page is the permissions screen (no waiting); answered from this
        load's look when it shows the heading on a line of its own."""
        return super().is_shown() or self._heading().count() > 0

    def wait_loaded(self) -> None:
        """Wait for the screen and its tables to fill in; an unknown page is `page_changed`."""
        if self.recognises(read_page(self.page)):
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

    @property
    def snap(self) -> Snapshot:
        """What this load shows, once filled in."""
        return self.snapshot()

    def control_named(self, name: re.Pattern[str], what: str) -> Control:
        """A control outside the tables; `PageChanged` when the screen shows none."""
        control = self.snap.control(name)
        if control is None:
            raise PageChanged(f"The permissions screen shows no {what} control.", url=self.page.url)
        return control

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
        """`enabled` (the line with its 無効にする link), `disabled`, or `mandatory` (on, no
        link of its own)."""
        if texts.containing("confirmation_disabled").search(self.snap.text):
            return "disabled"
        return "enabled" if len(self._line_controls()) == 1 else "mandatory"

    def _line_controls(self) -> list[Control]:
        """The 無効にする controls nearest the confirmation line (docs/pages.md §4): another
        block's 無効にする (notification e-mails, say) is not the line's."""
        name = texts.exact("disable")
        found = [c for c in self.snap.controls if name.match(c.name)]
        if not found or not texts.containing("confirmation_enabled").search(self.snap.text):
            return []
        depths: list[int] = self.page.evaluate(
            script("nearest.js"),
            {"marks": [c.mark for c in found], "words": list(texts.texts("confirmation_enabled"))},
        )
        best = max(depths)
        return [c for c, d in zip(found, depths, strict=True) if d == best and d > 0]

    def disable_confirmation(self) -> None:
        """Click the confirmation line's `無効にする` once (exactly one must be the line's) and
        wait for its effect; the caller reads the line back."""
        found = self._line_controls()
        reading = Reading("the confirmation line", "its 無効にする", matches=len(found))
        control = found[0] if found else Control(name="", mark="")
        self.act(control, what="無効にする", reading=reading, gone=control.mark)

    # -- tables ----------------------------------------------------------------------------

    def kind(self, raw: RawTable) -> Which | None | Literal["unknown"]:
        """Which table `raw` is: by its title, its header, or what its rows offer; None for a
        table that holds no developer; "unknown" for one that does but cannot be told."""
        title = raw.title or ""
        if texts.exact("current_authorizations").match(title):
            return "current"
        if texts.exact("authorization_history").match(title):
            return "history"
        headers = " | ".join(c.text for r in raw.rows[:3] for c in r.cells)
        if texts.containing("col_granted_at").search(headers):
            return "current"
        if texts.containing("col_action_date").search(headers):
            return "history"
        offered = [c.name for r in raw.rows for cell in r.cells for c in cell.controls]
        if any(_offers("renew", "revoke", "view_token").match(n) for n in offered):
            return "current"
        if any(texts.exact("restore").match(n) for n in offered):
            return "history"
        if any(_is_id(cell) for r in raw.rows for cell in r.cells):
            return "unknown"
        return None

    def tables_of(self, which: Which) -> tuple[list[RawTable], list[str]]:
        """The tables of kind `which` on the page shown now, and what could not be told."""
        found, problems = [], []
        for raw in self.snap.tables:
            kind = self.kind(raw)
            if kind == which:
                found.append(raw)
            elif kind == "unknown":
                problems.append("a table of developer IDs is neither 現在の権限 nor 権限付与履歴")
        if len(found) > 1:
            problems.append(f"the screen shows {len(found)} tables that look like {which}")
        return found, problems

    def read_table(self, which: Which) -> TableRead:
        """Every row of one table, every page followed (leaves the browser on its last page);
        `problems` says what kept the reading from being complete or certain."""
        extra: list[str] = []

        def locate(snapshot: Snapshot) -> RawTable | None:
            found, problems = self.tables_of(which)
            extra.extend(p for p in problems if p not in extra)
            return found[0] if found else None

        title = "current_authorizations" if which == "current" else "authorization_history"
        result = self.read_pages(locate, lambda raw: _place(raw, which), what=texts.texts(title)[0])
        result.problems.extend(extra)
        return result

    def developers(self, read: TableRead, which: Which) -> list[DeveloperRow]:
        """The developer rows of a table reading, values checked against their formats."""
        return [_developer(row, which, self.page.url) for row in read.rows]

    def locate_row(self, developer_id: str, which: Which) -> DeveloperRow | None:
        """Page through a table from the page shown now to the configured developer's row (to
        click it, after a complete reading found it there); None when it is not there."""

        def locate(snapshot: Snapshot) -> RawTable | None:
            found, _problems = self.tables_of(which)
            return found[0] if found else None

        def ours(raw: RawTable) -> DeveloperRow | None:
            rows = (_developer(p, which, self.page.url) for p in _place(raw, which).rows)
            mine = [r for r in rows if digits(r.access.developer_id) == digits(developer_id)]
            return mine[0] if mine else None

        return self.page_to(locate, ours, what=which)

    # -- one row -----------------------------------------------------------------------------

    def reveal_token(self, row: DeveloperRow) -> str:
        """Click `表示` in the row and read the token it reveals, in place or after a reload,
        checked against its format."""
        developer_id = row.access.developer_id
        if not _TOKEN_IN_TEXT.search(row.raw.text):
            view = next((c for c in row.controls if texts.exact("view_token").match(c.name)), None)
            if view is None:
                raise PageChanged(
                    "The developer's row offers no 表示 control for its token.", url=self.page.url
                )
            self.turn(view, what="表示", row=row.raw)
            shown = self.locate_row(developer_id, "current")
            if shown is None:
                raise PageChanged(
                    "After 表示 the developer's row is gone from 現在の権限.", url=self.page.url
                )
            row = shown
        match = _TOKEN_IN_TEXT.search(row.raw.text)
        if match is None:
            raise PageChanged("Clicking 表示 did not reveal an MWS auth token.", url=self.page.url)
        if not TOKEN.match(match.group(0)):
            raise PageChanged(
                "The revealed MWS auth token does not look like one (amzn.mws. and a UUID).",
                url=self.page.url,
            )
        return match.group(0)

    def wait_for_action(self, row: DeveloperRow, action: Literal["renew", "restore"]) -> bool:
        """Wait (up to the run's timeout) for the row to show its `action` control, as a
        person waits for buttons a page draws after it loaded; True once it shows."""
        name = texts.exact(action)
        scope = marked(self.page, row.raw.mark)
        control = scope.get_by_role("button", name=name).or_(scope.get_by_role("link", name=name))
        try:
            pw.expect(control.first).to_be_visible()
        except AssertionError:
            return False
        forget(self.page)
        return True

    def row_action(self, row: DeveloperRow, action: Literal["renew", "restore"]) -> Control | None:
        """The row's `アクセス権を承認` or `アクセス権を復元` control (never `取り消し`)."""
        return next((c for c in row.controls if texts.exact(action).match(c.name)), None)


def _place(raw: RawTable, which: Which) -> Placed:
    return place(raw, COLUMNS[which], skip=_own, note=texts.containing("empty_table"))


def _own(row: RawRow) -> bool:
    """The seller's own row `(出品者本人)`: shown in the table, never a developer."""
    return any(mark in row.text for mark in texts.texts("seller_self"))


def _developer(row: Row, which: Which, url: str) -> DeveloperRow:
    """A placed row as a developer's access; `PageChanged` for a value not in its format."""
    raw_id = digits(row.full("developer_id"))
    if len(raw_id) != 12:
        raise PageChanged(f"A developer ID in the table is malformed: {raw_id!r}.", url=url)
    expires = None
    if which == "current":
        shown = row.full("expires").strip()
        expires = parse_date(shown)
        if expires is None and shown not in _BLANKS:
            # Never guess: an unread expiry would mean a renewal click on every run.
            raise PageChanged(
                f"An expiry date on the permissions screen is in an unknown format: {shown!r}.",
                url=url,
            )
    granted = parse_datetime(row.full("granted")) if which == "current" else None
    access = DeveloperAccess(
        developer_id=f"{raw_id[0:4]}-{raw_id[4:8]}-{raw_id[8:12]}",
        nickname=row.text("nickname"),
        state="active" if which == "current" else "inactive",
        granted_at=granted,
        expires_at=expires,
    )
    return DeveloperRow(access=access, raw=row.raw, controls=row.controls)
