"""Manage Your Apps (docs/pages.md §7): every row on every page, and our row's controls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, ClassVar, Literal

from automation.errors import PageChanged
from flows import texts
from flows.browse.look import Cell, Control, RawTable, Snapshot
from flows.browse.page import PageObject, TableRead
from flows.browse.tables import Column, Row, place
from flows.dates import parse_date
from flows.spapi.pages.consent import raise_if_refused
from flows.spapi.results import AppRow

if TYPE_CHECKING:
    from playwright.sync_api import Page

PATH = "/apps/manage"
_BLANKS = ("", "-", "—", "–")
Status = Literal["active", "expired", "disabled"]
Action = Literal["reauthorize", "enable"]


@dataclass
class ParsedRow:
    """One row of the table as read, with the names of the controls it offers."""

    row: AppRow
    controls: list[Control] = field(default_factory=list)

    @property
    def actions(self) -> list[str]:
        """The names of the row's controls."""
        return [c.name for c in self.controls if c.name]


def words(key: str) -> re.Pattern[str]:
    """`key`'s wordings as a whole text, ignoring case (labels here are only known roughly)."""
    return re.compile(texts.exact(key).pattern, re.IGNORECASE)


_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_US = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})\s+([A-Z][a-z]{2})[a-z]*\.?,?\s+(\d{4})")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def read_date(text: str) -> date | None:
    """A date as Manage Your Apps may write it: `2027年3月6日`, `Mar 6, 2027`, `6 Mar 2027`,
    `2027-03-06`, `2027/03/06` or (English pages) `3/6/2027`; None when there is none."""
    found = parse_date(text)
    if found is not None:
        return found
    try:
        if match := _ISO.search(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _US.search(text):
            return date(int(match[3]), int(match[1]), int(match[2]))
        if (match := _DAY_MONTH.search(text)) and match[2] in _MONTHS:
            return date(int(match[3]), _MONTHS.index(match[2]) + 1, int(match[1]))
    except ValueError:
        return None
    return None


def _is_date(cell: Cell) -> bool:
    return read_date(cell.full) is not None


def _is_expiry(cell: Cell) -> bool:
    return cell.full.strip() in _BLANKS or _is_date(cell)


def _is_status(cell: Cell) -> bool:
    return not cell.controls and _status_word(cell.text) is not None


def _is_name(cell: Cell) -> bool:
    text = cell.text.strip()
    return bool(text) and not cell.controls and not _is_date(cell) and not _is_status(cell)


_ACTIONS = ("apps_reauthorize", "apps_enable", "apps_disable")


def _is_actions(cell: Cell) -> bool:
    names = [c.name for c in cell.controls]
    return not cell.text.strip() and all(any(words(k).match(n) for k in _ACTIONS) for n in names)


def _when(cell: Cell) -> object:
    return read_date(cell.full)


def _columns(app_name: str) -> tuple[Column, ...]:
    return (
        Column("app", words("apps_col_app"), _is_name, anchor=lambda c: c.text == app_name),
        Column("developer", words("apps_col_developer"), _is_name, required=False),
        Column("status", words("apps_col_status"), _is_status),
        Column(
            "authorized",
            words("apps_col_authorized"),
            _is_date,
            required=False,
            order=_when,
            earlier_than="expires",
        ),
        Column("expires", words("apps_col_expires"), _is_expiry, required=False, order=_when),
        Column("actions", words("apps_col_actions"), _is_actions, required=False),
    )


class ManageYourAppsPage(PageObject):
    """The apps table (a `<table>` or an ARIA grid, with or without a header row), its own
    pager, and the row controls; read with the one table reader (`flows/browse/tables.py`)."""

    path: ClassVar[str | None] = PATH
    shows: ClassVar[str] = "Manage Your Apps (its table of apps)"

    def __init__(self, page: Page, app_id: str, app_name: str = "") -> None:
        super().__init__(page)
        self.app_id = app_id
        self.app_name = app_name

    def recognises(self, snapshot: Snapshot) -> bool:
        return bool(self._tables(snapshot)) or snapshot.shows(words("apps_none"))

    def wait_loaded(self) -> None:
        """Wait for the table or its `no items` note; Amazon's refusals raise."""
        raise_if_refused(self.page, self.app_id)
        if not self.recognises(self.snapshot()):
            raise_if_refused(self.page, self.app_id)
            raise PageChanged(
                "Expected Manage Your Apps (its table of apps) but the page does not show it.",
                url=self.page.url,
            )

    def _tables(self, snapshot: Snapshot) -> list[RawTable]:
        """The tables that are the apps table: named by a header, or holding app rows."""
        found = []
        for raw in snapshot.tables:
            placed = place(raw, _columns(self.app_name), note=words("apps_none"))
            if placed.headed or (placed.rows and not placed.problems):
                found.append(raw)
        return found

    def read_table(self) -> TableRead:
        """Every row of the apps table, every page followed (leaves the browser on its last
        page); `problems` says what kept the reading from being complete or certain."""
        extra: list[str] = []

        def locate(snapshot: Snapshot) -> RawTable | None:
            found = self._tables(snapshot)
            if len(found) > 1 and "two apps tables" not in extra:
                extra.append("two apps tables")
            return found[0] if found else None

        result = self.read_pages(
            locate,
            lambda raw: place(raw, _columns(self.app_name), note=words("apps_none")),
            what="the apps table",
        )
        result.problems.extend(extra)
        return result

    def rows(self, read: TableRead) -> list[ParsedRow]:
        """The apps of a table reading, values checked; `ours` where the name is ours whole."""
        return [_parsed(row, self.app_name, self.page.url) for row in read.rows]

    def locate_row(self) -> ParsedRow | None:
        """Page through the table from the page shown now to our app's row (to click it,
        after a complete reading found it there); None when it is not there."""

        def locate(snapshot: Snapshot) -> RawTable | None:
            found = self._tables(snapshot)
            return found[0] if found else None

        def ours(raw: RawTable) -> ParsedRow | None:
            placed = place(raw, _columns(self.app_name), note=words("apps_none"))
            rows = (_parsed(r, self.app_name, self.page.url) for r in placed.rows)
            return next((r for r in rows if r.row.ours), None)

        return self.page_to(locate, ours, what="the apps table")

    def row_control(self, row: ParsedRow, action: Action) -> Control | None:
        """The row's re-authorize or enable control (never `Disable authorization`)."""
        key = "apps_reauthorize" if action == "reauthorize" else "apps_enable"
        return next((c for c in row.controls if words(key).match(c.name)), None)


def _status_word(text: str) -> Status | None:
    statuses: tuple[Status, ...] = ("active", "expired", "disabled")
    return next((s for s in statuses if words(f"apps_status_{s}").match(text)), None)


def _status(text: str, controls: list[str], url: str) -> Status:
    """The status the row shows; an unknown word is read from the control the row offers
    (`Re-authorize` only while valid, `Enable Authorization` once expired)."""
    found = _status_word(text)
    if found is not None:
        return found
    if any(words("apps_enable").match(c) for c in controls):
        return "expired"
    if any(words("apps_reauthorize").match(c) for c in controls):
        return "active"
    raise PageChanged(f"An app's status in Manage Your Apps is unknown: {text!r}.", url=url)


def _date(text: str, url: str) -> date | None:
    shown = text.strip()
    value = read_date(shown)
    if value is None and shown not in _BLANKS:
        raise PageChanged(
            f"A date in Manage Your Apps is in an unknown format: {shown!r}.", url=url
        )
    return value


def _parsed(row: Row, app_name: str, url: str) -> ParsedRow:
    name = " ".join(row.text("app").split())
    controls = row.controls
    names = [c.name for c in controls if c.name]
    parsed = AppRow.model_validate(
        {
            "app_name": name,
            "developer": " ".join(row.text("developer").split()),
            "status": _status(row.text("status"), names, url),
            "authorized_at": _date(row.full("authorized"), url),
            "expires_at": _date(row.full("expires"), url),
            "ours": name == app_name,
        }
    )
    return ParsedRow(row=parsed, controls=controls)
