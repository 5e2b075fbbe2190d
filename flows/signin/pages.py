"""Amazon's shared sign-in pages (docs/pages.md §1): acting on each step (`kinds` recognises
them)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flows import texts
from flows.browse.look import forget, look
from flows.browse.navigation import click_to_navigate

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page


def _nudge(page: Page) -> Locator:
    """'Not now' / 'Close' on a passkey or phone nudge, only on sign-in paths."""
    if not urlsplit(page.url).path.startswith("/ap/"):
        return page.locator("#sellerauth-never-matches")
    name = re.compile(f"{texts.exact('not_now').pattern}|{texts.exact('close').pattern}")
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


def _shows(page: Page, marker: str) -> bool:
    """Whether this load's look saw `MARKERS[marker]` (flows/browse/markers.py) shown (no round
    trip of its own)."""
    return bool(look(page).facts["seen"].get(marker))


class SignInPage:
    """Actions on the e-mail, password, one-page and unified steps."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def error_messages(self) -> list[str]:
        box = self.page.locator("#auth-error-message-box")
        return [t.strip() for t in box.locator("li").all_inner_texts() if t.strip()]

    def email_claim(self) -> str | None:
        """The e-mail the password step says it signs in (`span#auth-email-claim`), if shown."""
        claim = self.page.locator("span#auth-email-claim").filter(visible=True)
        return " ".join(claim.first.inner_text().split()) if claim.count() else None

    def submit_email(self, email: str) -> None:
        self.page.locator("input#ap_email").fill(email)
        self._submit(self.page.locator("input#continue"))

    def submit_unified_email(self, email: str) -> None:
        self.page.locator("input#ap_email_login").fill(email)
        self._submit(self.page.locator("span#continue input, span#continue button").first)

    def submit_password(self, password: str, email: str | None = None) -> None:
        # Filled, not typed: traces are scrubbed of secrets (automation.evidence), and the
        # leak tests prove no trace, log or report holds the password.
        offers_remember = _shows(self.page, "remember_me")
        if email is not None:
            self.page.locator("input#ap_email").fill(email)
        self.page.locator("input#ap_password").fill(password)
        if offers_remember:
            self.page.locator("input[name=rememberMe]").filter(visible=True).first.check()
        forget(self.page)
        # Never `#continue` here: on this page it is the passkey button.
        self._submit(self.page.locator("input#signInSubmit, button#signInSubmit").first)

    def _submit(self, button: Locator) -> None:
        click_to_navigate(self.page, button)


class MfaPage:
    """Two-step verification: the OTP form and the choice of OTP device."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def submit_code(self, code: str) -> None:
        offers_remember = _shows(self.page, "remember_device")
        self.page.locator("input#auth-mfa-otpcode").fill(code)
        if offers_remember:
            self.page.locator("input#auth-mfa-remember-device").check()
        forget(self.page)
        click_to_navigate(self.page, self.page.locator("input#auth-signin-button"))

    def offers_authenticator_app(self) -> bool:
        return self.page.locator("div.auth-TOTP input[name=otpDeviceContext]").count() > 0

    def choose_authenticator_app(self) -> None:
        self.page.locator("div.auth-TOTP input[name=otpDeviceContext]").first.check()
        click_to_navigate(self.page, self.page.locator("input#auth-send-code"))


class SwitchAccountsPage:
    """The sign-in's chooser of remembered accounts (docs/pages.md §1 "switch accounts")."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def choose(self, email: str) -> str:
        """Open the tile showing `email`, else `Add account`; returns which it did."""
        tile = self.page.get_by_role("link", name=re.compile(re.escape(email), re.I)).or_(
            self.page.get_by_role("button", name=re.compile(re.escape(email), re.I))
        )
        if tile.count():
            click_to_navigate(self.page, tile.first)
            return "tile"
        name = texts.exact("add_account")
        page = self.page
        add = page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))
        click_to_navigate(self.page, add.first)
        return "add_account"


class InterstitialPage:
    """Add-a-phone and passkey nudges: dismissed without changing anything."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def dismiss(self) -> None:
        skip = self.page.locator("#ap-account-fixup-phone-skip-link")
        target = skip if skip.count() else _nudge(self.page).first
        click_to_navigate(self.page, target)
