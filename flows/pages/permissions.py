"""The permissions screen `Amazon MWS 開発者権限` (PAGES.md §4): read both tables, act on a row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from playwright.sync_api import Locator, Page, expect

from automation.errors import PageChanged
from flows import texts
from flows.dates import parse_date, parse_datetime
from flows.pages.navigation import click_to_navigate
from flows.results import DeveloperAccess

PATH = "/gp/account-manager/home.html"
SELLER_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
TOKEN = re.compile(r"^amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_PAGER = re.compile(r"(\d+)\s*-\s*(\d+)\s*(?:/|of)\s*(\d+)")
_MAX_PAGES = 200

# Reads a table in one round trip: per row, each cell's text (links and buttons left out,
# so a nickname comes without its `編集` link) and the names of its visible controls.
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


def digits(developer_id: str) -> str:
    """A developer ID with its hyphens (and anything else but digits) removed."""
    return re.sub(r"\D", "", developer_id)


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
    """One parsed table row, with the controls it offers."""

    access: DeveloperAccess
    actions: list[str] = field(default_factory=list)
    seller_self: bool = False


class PermissionsPage:
    """The permissions screen: account information, confirmation line, two paged tables."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.heading = page.get_by_text(texts.exact("developer_permissions")).first
        self.grant_button = _control(page, texts.exact("authorize_developer"))
        # True once a table was paged: the other table's first page then needs a fresh load.
        self.paged = False

    # -- the page as a whole -------------------------------------------------------------

    def is_shown(self) -> bool:
        """Whether the loaded page is the permissions screen (no waiting)."""
        return self.heading.count() > 0 and self.heading.is_visible()

    def wait_loaded(self) -> None:
        """Wait for the screen; an unknown page is `page_changed`."""
        try:
            expect(self.heading).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "Expected the permissions screen (Amazon MWS 開発者権限) but the page does not "
                "show it. Open the URL with --headed to see what Amazon shows instead.",
                url=self.page.url,
            ) from None

    def seller_id(self) -> str:
        """The seller ID under `アカウント情報`, checked against its format."""
        label = "|".join(re.escape(t) for t in texts.texts("seller_id"))
        pattern = re.compile(rf"(?:{label})\s*[:：]?\s*([A-Z0-9]+)")
        locator = self.page.get_by_text(pattern).first
        try:
            expect(locator).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The permissions screen shows no seller ID.", url=self.page.url
            ) from None
        match = pattern.search(locator.inner_text())
        value = match.group(1) if match else ""
        if not SELLER_ID.match(value):
            raise PageChanged(
                "The seller ID on the permissions screen does not look like one "
                "(A followed by 9 to 20 letters or digits).",
                url=self.page.url,
            )
        return value

    def access_confirmation(self) -> Literal["enabled", "disabled", "mandatory"]:
        """`enabled` (with a 無効にする link), `disabled`, or `mandatory` (on, no link)."""
        self._wait_filled(self.current_table(), self._sections("current"))  # section is in
        if self.page.get_by_text(texts.containing("confirmation_disabled")).count():
            return "disabled"
        if self.disable_link.count():
            return "enabled"
        return "mandatory"

    @property
    def disable_link(self) -> Locator:
        return _control(self.page, texts.exact("disable"))

    def disable_confirmation(self) -> None:
        """Click `無効にする`; the caller reads the line back."""
        click_to_navigate(self.page, self.disable_link.first, acts=True)

    # -- tables ----------------------------------------------------------------------------

    def current_table(self) -> Locator:
        return self._table(texts.exact("col_granted_at"))

    def history_table(self) -> Locator:
        return self._table(texts.exact("col_action_date"))

    def _table(self, column: re.Pattern[str]) -> Locator:
        return self.page.get_by_role("table").filter(
            has=self.page.get_by_role("columnheader", name=column)
        )

    def _section(self, heading_key: str, other_key: str, table: Locator) -> Locator:
        """The innermost block holding this table's heading, table and pager, not the other's."""
        heading = self.page.get_by_text(texts.exact(heading_key))
        other = self.page.get_by_text(texts.exact(other_key))
        blocks = self.page.locator("section, div, form, fieldset")
        return blocks.filter(has=heading).filter(has=table).filter(has_not=other).last

    def read_table(self, which: Literal["current", "history"]) -> list[Row]:
        """Every row of one table on the page shown now, once the table has filled in."""
        table = self.current_table() if which == "current" else self.history_table()
        section = self._sections(which)
        self._wait_filled(table, section)
        raw = table.first.evaluate(_READ_TABLE_JS)
        return _parse_rows(raw, which, self.page.url)

    def read_all(self, which: Literal["current", "history"]) -> list[Row]:
        """Every row of one table across all of its pages (leaves the page on the last one)."""
        rows: list[Row] = []
        for _ in range(_MAX_PAGES):
            rows.extend(self.read_table(which))
            if not self.next_page(which):
                return rows
        raise PageChanged("The table's paging does not end.", url=self.page.url)

    def next_page(self, which: Literal["current", "history"]) -> bool:
        """Go to the table's next page; False on its last page."""
        section = self._sections(which)
        link = _control(section, texts.exact("next")).first
        if not link.count() or not link.is_visible():
            return False
        self.paged = True
        pager = section.get_by_text(_PAGER).first
        if not pager.count():
            click_to_navigate(self.page, link)
            return True
        before = pager.inner_text()
        link.click()  # a link or a script: either way the pager's range changes
        expect(section.get_by_text(_PAGER).first).not_to_have_text(before)
        return True

    def find_row(self, developer_id: str, which: Literal["current", "history"]) -> Locator | None:
        """Page through a table to the configured developer's row; None when it has none."""
        # The ID cell alone decides: a nickname mentioning our ID is another developer's row.
        id_cell = self.page.get_by_role("cell", name=developer_cell_pattern(developer_id))
        for _ in range(_MAX_PAGES):
            table = self.current_table() if which == "current" else self.history_table()
            self._wait_filled(table, self._sections(which))
            rows = table.get_by_role("row").filter(has=id_cell)
            found = rows.count()
            if found > 1:
                raise PageChanged(
                    f"The developer {developer_id} has {found} rows in one table; nothing was "
                    "clicked. Check the permissions screen in Seller Central.",
                    url=self.page.url,
                )
            if found:
                return rows.first
            if not self.next_page(which):
                return None
        raise PageChanged("The table's paging does not end.", url=self.page.url)

    def _sections(self, which: Literal["current", "history"]) -> Locator:
        if which == "current":
            return self._section(
                "current_authorizations", "authorization_history", self.current_table()
            )
        return self._section(
            "authorization_history", "current_authorizations", self.history_table()
        )

    def _wait_filled(self, table: Locator, section: Locator) -> None:
        """Tables may fill in after load: wait for the table, then for the rows its pager counts."""
        try:
            expect(table.first).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The permissions screen shows no table of developers.", url=self.page.url
            ) from None
        pager = section.get_by_text(_PAGER).first
        if not pager.count():
            return
        match = _PAGER.search(pager.inner_text())
        if not match:
            return
        first, last, total = (int(g) for g in match.groups())
        if total == 0:
            return
        # The seller's own row is not counted by the pager; an empty table may show a note row.
        developer_rows = (
            table.get_by_role("row")
            .filter(has=self.page.get_by_role("cell"))
            .filter(has_not_text=texts.containing("seller_self"))
        )
        try:
            expect(developer_rows.nth(last - first)).to_be_visible()
        except AssertionError:
            raise PageChanged(
                f"The table announces {last - first + 1} rows but shows fewer.",
                url=self.page.url,
            ) from None

    # -- one row -----------------------------------------------------------------------------

    def reveal_token(self, row: Locator) -> str:
        """Click `表示` in the row and read the token it reveals, checked against its format."""
        _control(row, texts.exact("view_token")).first.click()
        shown = row.get_by_text(re.compile(r"amzn\.mws\.")).first
        try:
            expect(shown).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "Clicking 表示 did not reveal an MWS auth token.", url=self.page.url
            ) from None
        match = re.search(r"amzn\.mws\.\S+", shown.inner_text())
        token = match.group(0) if match else ""
        if not TOKEN.match(token):
            raise PageChanged(
                "The revealed MWS auth token does not look like one (amzn.mws. and a UUID).",
                url=self.page.url,
            )
        return token

    def row_action(self, row: Locator, action: Literal["renew", "restore"]) -> Locator:
        """The row's `アクセス権を承認` or `アクセス権を復元` control (never `取り消し`)."""
        return _control(row, texts.exact(action)).first


def _control(scope: Page | Locator, name: re.Pattern[str]) -> Locator:
    """A button or a link with this accessible name; hidden decoys are not matched."""
    return scope.get_by_role("button", name=name).or_(scope.get_by_role("link", name=name))


def _parse_rows(raw: list[dict], which: str, url: str) -> list[Row]:
    header = next((r for r in raw if r["header"]), None)
    if header is None:
        raise PageChanged("A permissions table has no header row.", url=url)
    columns = [c["text"] for c in header["cells"]]

    def index(key: str) -> int | None:
        pattern = texts.exact(key)
        return next((i for i, c in enumerate(columns) if pattern.match(c)), None)

    id_col, nick_col = index("col_developer_id"), index("col_nickname")
    # History rows carry an action date, not a grant date: their granted_at stays unknown.
    date_col = index("col_granted_at") if which == "current" else None
    expiry_col = index("col_expires_at")
    if id_col is None or nick_col is None:
        raise PageChanged("A permissions table lacks its developer ID column.", url=url)
    self_marks = texts.texts("seller_self")
    rows: list[Row] = []
    for r in raw:
        if r["header"] or len(r["cells"]) <= max(id_col, nick_col):
            continue
        cells = r["cells"]
        text = " ".join(c["full"] for c in cells)
        actions = [name for c in cells for name in c["controls"] if name]
        if any(mark in text for mark in self_marks):
            continue
        raw_id = digits(cells[id_col]["full"])
        if len(raw_id) != 12:
            raise PageChanged(f"A developer ID in the table is malformed: {raw_id!r}.", url=url)
        nickname = cells[nick_col]["text"]
        granted = parse_datetime(cells[date_col]["full"]) if date_col is not None else None
        expires = None
        if expiry_col is not None and which == "current":
            shown = cells[expiry_col]["full"].strip()
            expires = parse_date(shown)
            if expires is None and shown not in ("", "-", "—", "–"):
                # Never guess: an unread expiry would mean a renewal click on every run.
                raise PageChanged(
                    f"An expiry date on the permissions screen is in an unknown format: {shown!r}.",
                    url=url,
                )
        access = DeveloperAccess(
            developer_id=f"{raw_id[0:4]}-{raw_id[4:8]}-{raw_id[8:12]}",
            nickname=nickname,
            state="active" if which == "current" else "inactive",
            granted_at=granted,
            expires_at=expires,
        )
        rows.append(Row(access=access, actions=actions))
    return rows
