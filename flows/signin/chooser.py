"""Seller Central's account and marketplace choosers (docs/pages.md §2), every shape by visible
text.

The popup picker (`/authorization/select-account`) and the full-page switcher
(`/account-switcher/...`) are the same job: choose the account by its name, then a marketplace
by its country name *within that account*, confirm (`アカウントを選択` / `Select account`),
and read back the choice Seller Central shows.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import structlog

from automation.errors import InvalidInput, NotConfirmed
from flows import texts
from flows.browse import pw
from flows.browse.navigation import click_to_navigate
from flows.marketplaces import MARKETPLACES

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

log = structlog.get_logger("flows.picker")

# Every visible button-like control: (its text, whether it is an enabled control).
_CONTROLS_JS = """() => Array.from(document.querySelectorAll(
    'button, [role=button], input[type=submit], input[type=button], a[href]'))
  .filter(el => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent)
  .map(el => (el.innerText || el.value || el.getAttribute('aria-label') || '')
    .replace(/\\s+/g, ' ').trim())
  .filter(Boolean)"""

# Which of the marketplace controls `els` belong to `account`: each belongs to the account
# control it shares the deepest ancestor with (its own row or list), ties going to the nearest
# account before it — whatever the markup's classes.
_OWNED_JS = """(els, {account, accounts}) => {
  const chain = el => { const c = []; for (let n = el; n; n = n.parentNode) c.push(n); return c; };
  const shared = (a, b) => {
    const up = new Set(chain(a)), c = chain(b).find(n => up.has(n));
    return c ? chain(c).length : 0;
  };
  const before = (a, b) => !!(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  const owner = el => {
    let best = null, bestDepth = -1;
    for (const a of accounts) {
      const d = shared(a, el);
      const nearer = best && before(a, el) && (!before(best, el) || before(best, a));
      if (d > bestDepth || (d === bestDepth && nearer)) {
        best = a; bestDepth = d;
      }
    }
    return best;
  };
  return els.map(el => owner(el) === account);
}"""


class Chooser:
    """A chooser of account and marketplace, whatever its shape (docs/pages.md §2)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.confirm = self._controls(texts.exact("select_account"))

    def offered(self) -> list[str]:
        """The visible choices: account names and country names, in the order shown."""
        shown: list[str] = self.page.evaluate(_CONTROLS_JS)
        skip = texts.exact("select_account")
        return [t for t in dict.fromkeys(shown) if not skip.match(t)]

    def accounts(self) -> list[str]:
        """The account names offered (a choice that is not a country)."""
        return [t for t in self.offered() if t not in _ALL_COUNTRIES and not _noise(t)]

    def countries(self) -> list[str]:
        """The country names currently shown."""
        return [t for t in self.offered() if t in _ALL_COUNTRIES]

    def choose(self, account_name: str | None, countries: tuple[str, ...]) -> None:
        """Choose the account (when several) and the marketplace, confirm, and read back.

        Raises InvalidInput naming what was asked and what was offered when the account or
        the marketplace is not there; NotConfirmed when the page after confirming shows
        another choice.
        """
        accounts = self.accounts()
        account: Locator | None = None
        if accounts:
            if account_name is None:
                if len(accounts) > 1:
                    raise InvalidInput(
                        "This login reaches several seller accounts ("
                        + ", ".join(accounts)
                        + "): set account_name (SELLERAUTH_ACCOUNT_NAME or the accounts file) "
                        "to the one to use.",
                        field="account_name",
                        url=self.page.url,
                    )
                account_name = accounts[0]
            account = self._controls(_whole(account_name)).first
            if not account.count():
                raise InvalidInput(
                    f"The account chooser does not offer the account '{account_name}'; it "
                    f"offers: {', '.join(accounts)}. Correct account_name.",
                    field="account_name",
                    url=self.page.url,
                )
            account.click()
        marketplace = self._marketplace(account, account_name, countries)
        marketplace.click()
        try:
            pw.expect(self.confirm.first).to_be_enabled()
        except AssertionError:
            raise NotConfirmed(
                "The chooser's confirm button (アカウントを選択) stays disabled after choosing "
                f"{account_name or 'the account'} / {countries[0]}.",
                url=self.page.url,
            ) from None
        log.info("chooser_choice", account_name=account_name, marketplace=countries[-1])
        click_to_navigate(self.page, self.confirm.first)
        self._read_back(account_name, countries)

    def _marketplace(
        self, account: Locator | None, account_name: str | None, countries: tuple[str, ...]
    ) -> Locator:
        """The wanted marketplace's control within the chosen account (its list may open late).

        Raises InvalidInput, naming the account's marketplaces, when it has not that one.
        """
        shown = self._controls(_whole(*_ALL_COUNTRIES))
        try:
            pw.expect(shown.first).to_be_visible()
        except AssertionError:
            raise InvalidInput(
                "The account chooser lists no marketplace"
                + (f" for '{account_name}'" if account_name else "")
                + f" (asked for {' / '.join(countries)}). Check the account's marketplaces.",
                field="marketplace",
                url=self.page.url,
            ) from None
        owned = self._owned(shown, account)
        offered = [" ".join(t.split()) for t in shown.all_inner_texts()]
        pairs = list(zip(offered, owned, strict=False))
        wanted = [n for n, (text, mine) in enumerate(pairs) if mine and text in countries]
        if not wanted:
            theirs = [text for text, mine in pairs if mine]
            raise InvalidInput(
                f"The account chooser offers no marketplace {' / '.join(countries)}"
                + (f" for '{account_name}'" if account_name else "")
                + f"; it offers: {', '.join(dict.fromkeys(theirs)) or 'none'}. Check the "
                "marketplace setting.",
                field="marketplace",
                url=self.page.url,
            )
        return shown.nth(wanted[0])

    def _owned(self, shown: Locator, account: Locator | None) -> list[bool]:
        """For each shown marketplace control, whether it belongs to the chosen account."""
        count = shown.count()
        names = self.accounts()
        if account is None or not names:
            return [True] * count
        accounts = self._controls(_whole(*names)).element_handles()
        owned: list[bool] = shown.evaluate_all(
            _OWNED_JS, {"account": account.element_handle(), "accounts": accounts}
        )
        return owned

    def _read_back(self, account_name: str | None, countries: tuple[str, ...]) -> None:
        """Seller Central names the account and marketplace now chosen; another is an error."""
        if account_name is None:
            return
        if self.confirm.count():
            # A chooser again (returnTo led back to one): nothing to read yet; whoever meets
            # it chooses again, and reads back on the page after that.
            log.info("chooser_shown_again", url=self.page.url)
            return
        named = re.escape(account_name) + r"\s*[|/・,:-]?\s*"
        ours = "|".join(map(re.escape, countries))
        if self.page.get_by_text(re.compile(named + f"(?:{ours})")).count():
            log.info("chooser_read_back", account_name=account_name, marketplace=countries[-1])
            return
        others = "|".join(re.escape(c) for c in sorted(_ALL_COUNTRIES - set(countries)))
        if self.page.get_by_text(re.compile(named + f"(?:{others})")).count():
            raise NotConfirmed(
                f"After choosing '{account_name}' / {countries[0]} Seller Central shows "
                "another marketplace of that account.",
                url=self.page.url,
            )
        log.warning("chooser_choice_not_shown", account_name=account_name)

    def _controls(self, name: re.Pattern[str]) -> Locator:
        """Visible buttons (or button-like links) whose text is `name`."""
        page = self.page
        return (
            page.get_by_role("button", name=name)
            .or_(page.get_by_role("link", name=name))
            .filter(visible=True)
        )


def _whole(*names: str) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + "|".join(re.escape(n) for n in names) + r")\s*$")


def _noise(text: str) -> bool:
    """Controls of a chooser that are neither accounts nor marketplaces."""
    return bool(
        texts.exact("not_now").match(text)
        or texts.exact("close").match(text)
        or texts.exact("cancel").match(text)
    )


# Every marketplace country a chooser may list, in both languages: a control showing one of
# these is a marketplace, any other an account name.
_ALL_COUNTRIES = frozenset(
    {m.country_ja for m in MARKETPLACES.values()}
    | {m.country_en for m in MARKETPLACES.values()}
    | set(texts.texts("picker_countries"))
)
