"""The sign-in loop (PAGES.md §1–§2): look at the page, act, repeat until Seller Central shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import LoginFailed, NeedsPerson, PageChanged, SiteUnavailable, Timeout
from automation.log import register_secret
from flows.marketplaces import get_marketplace
from flows.pages.navigation import goto
from flows.pages.picker import AccountPickerPage
from flows.pages.signin import (
    HUMAN_DESCRIPTIONS,
    HUMAN_MARKERS,
    MARKERS,
    InterstitialPage,
    MfaPage,
    Probe,
    SignInPage,
    SignInStep,
    identify,
)
from flows.site import SellerAccount

if TYPE_CHECKING:
    from automation.runner import OtpSource

log = structlog.get_logger("flows.signin")

# Called when Amazon asks for something only a person may do; returns once the page moved on.
HumanHandler = Callable[[Page, str], None]


@dataclass
class SignIn:
    """Everything the loop needs for one account; `human` is None when nobody is watching."""

    account: SellerAccount
    otp: OtpSource | None = None
    max_steps: int = 12
    human: HumanHandler | None = None
    ask_otp: Callable[[], str] | None = None
    transient_retries: int = 3

    def ensure(self, page: Page) -> None:
        """Sign in if the page is a sign-in page; return once it shows Seller Central."""
        last_submit: str | None = None
        otp_rejections = 0
        transient = 0
        restart_url = page.url
        for _ in range(self.max_steps + self.transient_retries):
            probe = identify(page)
            if probe.step is SignInStep.ARRIVED:
                return
            if probe.has_error_box and probe.step is not SignInStep.HUMAN_VERIFICATION:
                if last_submit == "otp" and probe.step is SignInStep.MFA:
                    otp_rejections += 1
                    if otp_rejections > 1:
                        raise LoginFailed(
                            "Amazon rejected two one-time passwords in a row: "
                            + (
                                "check that the account's TOTP secret is the one registered in "
                                "its two-step verification settings, and the machine's clock."
                                if self.otp is not None
                                else "check the code on the seller's device and run again."
                            ),
                            url=page.url,
                        )
                    log.warning("otp_rejected", account=self.account.name, retrying=True)
                elif last_submit in ("email", "password"):
                    raise LoginFailed(
                        "Amazon refused the sign-in ("
                        + "; ".join(SignInPage(page).error_messages() or ["no reason shown"])
                        + "). Check the account's e-mail and password; the bot does not try "
                        "again, so that the account is not locked.",
                        url=page.url,
                    )
            try:
                last_submit = self._act(page, probe)
            except (SiteUnavailable, Timeout) as error:
                # The post may not have reached Amazon: start the sign-in over from its URL.
                transient += 1
                if transient > self.transient_retries:
                    raise
                log.warning("signin_retry", account=self.account.name, error=error.code)
                goto(page, restart_url)
                last_submit = None
        raise PageChanged(
            f"Sign-in did not reach Seller Central within {self.max_steps} steps; the last page "
            "was not one the bot knows. Run with --headed to see it.",
            url=page.url,
        )

    def _act(self, page: Page, probe: Probe) -> str:
        """Do what the step asks; return what was submitted."""
        step = probe.step
        log.info("signin_step", account=self.account.name, step=step.value)
        account = self.account
        if step is SignInStep.HUMAN_VERIFICATION:
            self._hand_over(page, HUMAN_DESCRIPTIONS.get(probe.human_kind or "", "a check"))
            return "human"
        if step is SignInStep.EMAIL:
            SignInPage(page).submit_email(account.email)
            return "email"
        if step is SignInStep.UNIFIED_EMAIL:
            SignInPage(page).submit_unified_email(account.email)
            return "email"
        if step in (SignInStep.PASSWORD, SignInStep.ONE_PAGE):
            email = account.email if step is SignInStep.ONE_PAGE else None
            SignInPage(page).submit_password(account.password.get_secret_value(), email)
            return "password"
        if step is SignInStep.CHOOSE_DEVICE:
            mfa = MfaPage(page)
            if self.otp is None or not mfa.offers_authenticator_app():
                self._hand_over(page, "a one-time password sent to a phone")
                return "human"
            mfa.choose_authenticator_app()
            return "device"
        if step is SignInStep.MFA:
            if self.otp is not None:
                MfaPage(page).submit_code(self.otp.next_code())
                return "otp"
            if self.ask_otp is not None:
                code = self.ask_otp()
                register_secret(code)
                MfaPage(page).submit_code(code)
                return "otp"
            self._hand_over(page, "a one-time password (no TOTP secret is configured)")
            return "human"
        if step is SignInStep.INTERSTITIAL:
            InterstitialPage(page).dismiss()
            return "interstitial"
        if step is SignInStep.ACCOUNT_PICKER:
            marketplace = get_marketplace(account.marketplace)
            AccountPickerPage(page).choose(
                account.account_name, (marketplace.country_ja, marketplace.country_en)
            )
            return "picker"
        raise PageChanged(
            "The sign-in shows a page the bot does not know. Run with --headed to see it, "
            "and report it if Amazon changed its pages.",
            url=page.url,
        )

    def _hand_over(self, page: Page, what: str) -> None:
        if self.human is None:
            raise NeedsPerson(
                f"Amazon asks for {what}, which only a person may answer. Run this account "
                "again with --headed and finish that step in the browser window.",
                url=page.url,
            )
        self.human(page, what)


_PRESENT_JS = """(selectors) => selectors.filter(s => document.querySelector(s))"""
_GONE_JS = """(selectors) => !selectors.some(s => document.querySelector(s))"""


def wait_for_person(page: Page, what: str, *, timeout_s: int) -> None:
    """Assisted mode: tell the operator what Amazon asks for and wait until the page moves on."""
    import sys

    print(
        f"\n>>> Amazon asks for {what}. Please finish it in the browser window; the bot waits "
        f"up to {timeout_s // 60} minutes and then carries on by itself.",
        file=sys.stderr,
    )
    candidates = [MARKERS[m] for m in (*HUMAN_MARKERS, "mfa", "choose_device")]
    present = page.evaluate(_PRESENT_JS, candidates) or candidates
    try:
        page.wait_for_function(_GONE_JS, arg=present, timeout=timeout_s * 1000)
        page.wait_for_load_state("domcontentloaded")
    except PlaywrightTimeout:
        raise NeedsPerson(
            f"Nobody finished {what} within {timeout_s // 60} minutes. Run again and finish it "
            "in the browser window.",
            url=page.url,
        ) from None
    print(">>> Thank you: carrying on.", file=sys.stderr)
