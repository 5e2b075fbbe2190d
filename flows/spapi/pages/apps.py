"""Manage Your Apps (docs/pages.md §7): every row on every page, and our row's controls."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from automation.errors import PageChanged
from flows import texts
from flows.browse import pw
from flows.browse.navigation import click_to_navigate
from flows.dates import parse_date
from flows.spapi.pages.consent import raise_if_refused
from flows.spapi.results import AppRow

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

PATH = "/apps/manage"
# Reads a table or grid in one round trip: per row, each cell's text (controls left out) and
# the names of its visible controls.
_READ_TABLE_JS = """(table) => {
  const norm = s => (s || '').replace(/\\s+/g, ' ').trim();
  const visible = el => el.checkVisibility ? el.checkVisibility() : true;
  const controls = 'a, button, [role=button], [role=link], input[type=submit]';
  const rows = [];
  for (const row of table.querySelectorAll('tr, [role=row]')) {
    const cells = Array.from(row.querySelectorAll(
      'th, td, [role=cell], [role=gridcell], [role=columnheader]'))
      .filter(c => c.closest('tr, [role=row]') === row);
    rows.push({
      header: cells.length > 0 && cells.every(c => c.tagName === 'TH'
        || c.getAttribute('role') === 'columnheader'),
      cells: cells.map(cell => {
        const copy = cell.cloneNode(true);
        copy.querySelectorAll(controls).forEach(el => el.remove());
        copy.querySelectorAll('[hidden], [style*="display:none"], [style*="display: none"]')
          .forEach(el => el.remove());
        return {
          text: norm(copy.textContent),
          full: norm(cell.innerText),
          controls: Array.from(cell.querySelectorAll(controls)).filter(visible)
            .map(el => norm(el.innerText || el.value || el.getAttribute('aria-label'))),
        };
      }),
    });
  }
  return rows;
}"""
_MAX_PAGES = 100
_BLANKS = ("", "-", "—", "–")
Status = Literal["active", "expired", "disabled"]
Action = Literal["reauthorize", "enable"]


@dataclass
class ParsedRow:
    """One row of the table as read, with the names of the controls it offers."""

    row: AppRow
    controls: list[str] = field(default_factory=list)


def _control(scope: Page | Locator, name: re.Pattern[str]) -> Locator:
    return scope.get_by_role("button", name=name).or_(scope.get_by_role("link", name=name))


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


class ManageYourAppsPage:
    """The apps table (a `<table>` or an ARIA grid), its pager and the row controls."""

    def __init__(self, page: Page, app_id: str) -> None:
        self.page = page
        self.app_id = app_id
        self.heading = page.get_by_text(words("apps_heading")).first
        # The table holding an `App name` header: in `th`, `td` or ARIA column headers.
        header = page.get_by_text(words("apps_col_app"))
        self.table = (
            page.get_by_role("table").or_(page.get_by_role("grid")).filter(has=header).first
        )
        self.none_note = page.get_by_text(words("apps_none")).first

    def wait_loaded(self) -> None:
        """Wait for the table or its `no items` note; Amazon's refusals raise."""
        error = self.page.get_by_text(texts.containing("app_invalid_access")).or_(
            self.page.get_by_role("heading", name=texts.containing("app_error_heading"))
        )
        try:
            pw.expect(self.table.or_(self.none_note).or_(error).first).to_be_visible()
        except AssertionError:
            raise_if_refused(self.page, self.app_id)
            raise PageChanged(
                "Expected Manage Your Apps (its table of apps) but the page does not show it.",
                url=self.page.url,
            ) from None
        raise_if_refused(self.page, self.app_id)

    def read(self, app_name: str) -> list[ParsedRow]:
        """Every row on the page shown now; `ours` where the app name is `app_name`."""
        if not self.table.count():
            return []
        raw = self.table.evaluate(_READ_TABLE_JS)
        return _parse(raw, app_name, self.page.url)

    def read_all(self, app_name: str) -> list[ParsedRow]:
        """Every row on every page (leaves the browser on the last page)."""
        rows: list[ParsedRow] = []
        for _ in range(_MAX_PAGES):
            rows.extend(self.read(app_name))
            if not self.next_page():
                return rows
        raise PageChanged("Manage Your Apps' paging does not end.", url=self.page.url)

    def next_page(self) -> bool:
        """Go to the next page of apps; False on the last one."""
        link = _control(self.page, words("apps_next")).first
        if not link.count() or not link.is_visible():
            return False
        click_to_navigate(self.page, link)
        self.wait_loaded()
        return True

    def find_row(self, app_name: str) -> Locator | None:
        """Page through to the row of the app named `app_name`; None when there is none."""
        name = re.compile(rf"^\s*{re.escape(app_name)}\s*$")
        for _ in range(_MAX_PAGES):
            if self.table.count():
                rows = self.table.get_by_role("row").filter(has=self.page.get_by_text(name))
                found = rows.count()
                if found > 1:
                    raise PageChanged(
                        f"The app '{app_name}' has {found} rows in Manage Your Apps; nothing "
                        "was clicked.",
                        url=self.page.url,
                    )
                if found:
                    return rows.first
            if not self.next_page():
                return None
        raise PageChanged("Manage Your Apps' paging does not end.", url=self.page.url)

    def row_control(self, row: Locator, action: Action) -> Locator:
        """The row's `Re-authorize` or `Enable Authorization` (never `Disable authorization`)."""
        key = "apps_reauthorize" if action == "reauthorize" else "apps_enable"
        return _control(row, words(key)).first


def _status(text: str, controls: list[str], url: str) -> Status:
    """The status the row shows; an unknown word is read from the control the row offers
    (`Re-authorize` only while valid, `Enable Authorization` once expired)."""
    statuses: tuple[Status, ...] = ("active", "expired", "disabled")
    for status in statuses:
        if words(f"apps_status_{status}").match(text):
            return status
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


def _parse(raw: list[dict[str, Any]], app_name: str, url: str) -> list[ParsedRow]:
    # The header row: `th` or column-header cells, else the first row naming the columns.
    header = next((r for r in raw if r["header"]), None) or next(
        (r for r in raw if any(words("apps_col_app").match(c["text"]) for c in r["cells"])),
        None,
    )
    if header is None:
        raise PageChanged("The apps table has no header row.", url=url)
    columns = [c["text"] for c in header["cells"]]

    def index(key: str) -> int | None:
        pattern = words(key)
        return next((i for i, c in enumerate(columns) if pattern.match(c)), None)

    cols = {
        key: index(f"apps_col_{key}")
        for key in ("app", "developer", "status", "authorized", "expires")
    }
    if cols["app"] is None or cols["status"] is None:
        raise PageChanged("The apps table lacks its app name or status column.", url=url)
    parsed: list[ParsedRow] = []
    for r in raw:
        cells = r["cells"]
        if (
            r is header
            or r["header"]
            or len(cells) <= max(i for i in cols.values() if i is not None)
        ):
            continue

        def cell(key: str, cells: list[dict[str, Any]] = cells) -> str:
            i = cols[key]
            return cells[i]["text"] if i is not None else ""

        name = " ".join(cell("app").split())
        controls = [n for c in cells for n in c["controls"] if n]
        row = AppRow.model_validate(
            {
                "app_name": name,
                "developer": " ".join(cell("developer").split()),
                "status": _status(cell("status"), controls, url),
                "authorized_at": _date(cell("authorized"), url),
                "expires_at": _date(cell("expires"), url),
                "ours": name == app_name,
            }
        )
        parsed.append(ParsedRow(row=row, controls=controls))
    return parsed
