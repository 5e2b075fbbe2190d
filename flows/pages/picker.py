"""The account picker after sign-in (PAGES.md §2): choose the seller account and marketplace."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from automation.errors import InvalidInput, PageChanged
from flows import texts
from flows.marketplaces import MARKETPLACES
from flows.pages.navigation import click_to_navigate


class AccountPickerPage:
    """`/authorization/select-account`: picker buttons, then `アカウントを選択`."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.buttons = page.locator("button.picker-button")
        self.confirm = page.locator("button.picker-switch-accounts-button")

    def names(self) -> list[str]:
        """The names the visible picker buttons show (accounts or countries)."""
        names = self.buttons.locator("div.picker-name").all_inner_texts()
        return [n.strip() for n in names if n.strip()]

    def choose(self, account_name: str | None, countries: tuple[str, ...]) -> None:
        """Pick the account (when several are offered) and the marketplace, then confirm."""
        shown = self.names()
        account_buttons = [n for n in shown if n not in countries and n not in _ALL_COUNTRIES]
        if account_buttons:
            if account_name is None:
                if len(account_buttons) > 1:
                    raise InvalidInput(
                        "This login reaches several seller accounts ("
                        + ", ".join(account_buttons)
                        + "): set account_name (SELLERAUTH_ACCOUNT_NAME or the accounts file) "
                        "to the one to use.",
                        field="account_name",
                        url=self.page.url,
                    )
                account_name = account_buttons[0]
            if account_name not in account_buttons:
                raise InvalidInput(
                    f"The account picker does not offer '{account_name}' (it offers "
                    + ", ".join(account_buttons)
                    + "): correct account_name.",
                    field="account_name",
                    url=self.page.url,
                )
            self._button(account_name).click()
        country = self.buttons.filter(
            has=self.page.locator("div.picker-name").get_by_text(_any_of(countries))
        ).first
        try:
            expect(country).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The account picker does not offer the configured marketplace ("
                + " / ".join(countries)
                + "): check the marketplace setting, or the account's marketplaces.",
                url=self.page.url,
            ) from None
        country.click()
        expect(self.confirm).to_be_enabled()
        click_to_navigate(self.page, self.confirm)

    def _button(self, name: str) -> Locator:
        return self.buttons.filter(
            has=self.page.locator("div.picker-name").get_by_text(name, exact=True)
        ).first


def _any_of(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"^\s*(?:" + "|".join(re.escape(n) for n in names) + r")\s*$")


# Every marketplace country the picker may list, in both languages: a picker button showing
# one of these is a marketplace, any other an account name.
_ALL_COUNTRIES = frozenset(
    {m.country_ja for m in MARKETPLACES.values()}
    | {m.country_en for m in MARKETPLACES.values()}
    | set(texts.texts("picker_countries"))
)
