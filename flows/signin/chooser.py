"""Seller Central's account and marketplace choosers (docs/pages.md §2), every shape by visible
text.

The popup picker (`/authorization/select-account`) and the full-page switcher
(`/account-switcher/...`) are the same job: choose the account by its name, then a marketplace
by its country name *within that account*, confirm (`アカウントを選択` / `Select account`),
and read back the choice Seller Central shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from automation.errors import InvalidInput, NotConfirmed
from flows import texts
from flows.browse import pw
from flows.browse.navigation import click_to_navigate
from flows.browse.scripts import script
from flows.marketplaces import MARKETPLACES

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

log = structlog.get_logger("flows.picker")


@dataclass(frozen=True)
class Choice:
    """A choice the chooser shows: its text, its mark, and (once an account is chosen) whether
    it belongs to that account."""

    text: str
    mark: str
    owned: bool | None = None
    selected: bool = False
    disabled: bool = False


class Chooser:
    """A chooser of account and marketplace, whatever its shape (docs/pages.md §2): choices
    as buttons, links, radio buttons or list items, the marketplaces listed per account or as
    a group of their own, possibly drawn only once an account is chosen."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.confirm = self._controls(texts.exact("select_account"))

    def scan(
        self, account: Choice | None = None, accounts: list[str] | None = None
    ) -> list[Choice]:
        """Every visible choice (the confirm button and noise left out), in the order shown;
        with `account`, each says whether it belongs to that account."""
        raw = self.page.evaluate(
            script("choices.js", "flows.signin"),
            {
                "account": account.mark if account else None,
                "accountName": account.text if account else None,
                "accounts": accounts or [],
            },
        )
        skip = texts.exact("select_account")
        return [
            Choice(c["text"], c["mark"], c["owned"], c["selected"], c["disabled"])
            for c in raw
            if c["text"] and not skip.match(c["text"]) and not _noise(c["text"])
        ]

    def _click(self, choice: Choice) -> None:
        self.page.locator(f'[data-sellerauth-choice="{choice.mark}"]').click()

    def choose(self, account_name: str | None, countries: tuple[str, ...]) -> None:
        """Choose the account (when several) and the marketplace, confirm, and read back.

        The account is the choice whose text is the configured name, whole (`サンプル商店`,
        never `サンプル商店 アウトレット`). Raises InvalidInput naming what was asked and what
        was offered when the account or the marketplace is not there; NotConfirmed when the
        confirm button stays disabled or the page after confirming shows another choice.
        """
        choices = self.scan()
        names = list(dict.fromkeys(c.text for c in choices if c.text not in _ALL_COUNTRIES))
        account: Choice | None = None
        if names:
            if account_name is None:
                if len(names) > 1:
                    raise InvalidInput(
                        "This login reaches several seller accounts ("
                        + ", ".join(names)
                        + "): set account_name (SELLERAUTH_ACCOUNT_NAME or the accounts file) "
                        "to the one to use.",
                        field="account_name",
                        url=self.page.url,
                    )
                account_name = names[0]
            same = [c for c in choices if c.text == " ".join(account_name.split())]
            if not same:
                raise InvalidInput(
                    f"The account chooser does not offer the account '{account_name}'; it "
                    f"offers: {', '.join(names)}. Correct account_name.",
                    field="account_name",
                    url=self.page.url,
                )
            account = same[0]
            if not account.selected:
                self._click(account)
        marketplace = self._marketplace(account, account_name, names, countries)
        self._click(marketplace)
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
        self,
        account: Choice | None,
        account_name: str | None,
        accounts: list[str],
        countries: tuple[str, ...],
    ) -> Choice:
        """The wanted marketplace's choice within the chosen account (its list may be drawn
        only once the account is chosen: waited for, as a person waits).

        Raises InvalidInput, naming the account's marketplaces, when it has not that one."""
        shown = self.page.get_by_text(_whole(*_ALL_COUNTRIES)).filter(visible=True)
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
        choices = self.scan(account, accounts)
        mine = [c for c in choices if c.text in _ALL_COUNTRIES and c.owned is not False]
        wanted = [c for c in mine if c.text in countries]
        if not wanted:
            raise InvalidInput(
                f"The account chooser offers no marketplace {' / '.join(countries)}"
                + (f" for '{account_name}'" if account_name else "")
                + f"; it offers: {', '.join(dict.fromkeys(c.text for c in mine)) or 'none'}. "
                "Check the marketplace setting.",
                field="marketplace",
                url=self.page.url,
            )
        return wanted[0]

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
