"""The sign-in loop (docs/pages.md §1–§2): look at the page, act, repeat until Seller Central
shows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import structlog

from automation.accounts import DEFAULT_ACCOUNT, account_variable
from automation.errors import (
    LoginFailed,
    NeedsPerson,
    NotConfirmed,
    NotPermitted,
    PageChanged,
    SiteUnavailable,
    Timeout,
    WrongAccount,
)
from automation.log import register_secret
from flows.browse import pw
from flows.browse.look import forget
from flows.browse.navigation import add_after_load, goto, policy
from flows.errors import MD_ADVICE, Refused
from flows.marketplaces import get_marketplace
from flows.signin.chooser import Chooser
from flows.signin.kinds import CHALLENGE_DESCRIPTIONS, PageKind, Recognition, recognise
from flows.signin.pages import InterstitialPage, MfaPage, SignInPage, SwitchAccountsPage
from flows.site import SellerAccount

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.runner import OtpSource

log = structlog.get_logger("flows.signin.loop")

# Called when Amazon asks for something only a person may do; returns once the page moved on.
HumanHandler = Callable[["Page", str], None]

DEFAULT_SILENT_CHECK_GRACE_MS = 10_000
"""How long a silent JavaScript (WAF) check may take to clear by itself (docs/pages.md §1)."""

_STEPS = {
    PageKind.EMAIL,
    PageKind.UNIFIED_EMAIL,
    PageKind.PASSWORD,
    PageKind.ONE_PAGE,
    PageKind.MFA,
    PageKind.CHOOSE_DEVICE,
}
_WAF_GONE_JS = """() => document.readyState !== 'loading'
  && !document.querySelector('script[src*="awswaf"]')"""


def refuse(found: Recognition) -> None:
    """Raise the error of a refusal page (docs/pages.md §2, §6); nothing is clicked on it."""
    if found.kind is PageKind.NOT_PERMITTED:
        raise NotPermitted(
            f"Seller Central refuses this login: {found.quote()}. The login lacks the right to "
            "manage developer access: sign in as the primary user (or have the primary user "
            "grant this user that right).",
            url=found.url,
        )
    if found.kind is PageKind.REFUSED:
        raise Refused(
            f"Amazon refused the request ({found.amazon_code}): {found.quote()}. Nothing was "
            "consented; "
            + MD_ADVICE.get(
                found.amazon_code or "", "see Amazon's error code in its developer documentation"
            )
            + ".",
            amazon_code=found.amazon_code,
            url=found.url,
        )


def _confirm_claim(claim: str | None, email: str, url: str) -> None:
    """The password step must be for the configured e-mail (docs/pages.md §1: the e-mail is
    shown in `span#auth-email-claim`); another is `wrong_account`, the password never typed.
    A claim Amazon masks (`s***@example.com`) or leaves out is not compared."""
    if claim and "@" in claim and "*" not in claim and claim.lower() != email.strip().lower():
        raise WrongAccount(
            f"The sign-in page asks the password of {claim}, not of the configured {email}: "
            "Amazon remembers another account's sign-in. Nothing was typed. Run again with "
            "the right e-mail, or in a browser without that sign-in.",
            url=url,
        )


@dataclass
class SignIn:
    """Everything the loop needs for one account; `human` is None when nobody is watching."""

    account: SellerAccount
    otp: OtpSource | None = None
    max_steps: int = 12
    human: HumanHandler | None = None
    ask_otp: Callable[[], str] | None = None
    transient_retries: int = 3
    silent_check_grace_ms: int | None = None
    """None: the page's run settings (`silent_check_grace_ms`), else 10 s."""
    _active: bool = field(default=False, init=False, repr=False)

    def ensure(self, page: Page) -> None:
        """Sign in if the page is a sign-in page; return once it shows Seller Central.

        Raises NeedsPerson (a check only a person may pass, unattended), LoginFailed,
        NotPermitted / Refused (Amazon's refusal), PageChanged (an unknown sign-in page before
        the credentials were accepted).
        """
        self.watch(page)
        if self._active:
            return
        self._active = True
        try:
            self._loop(page)
        finally:
            self._active = False

    def watch(self, page: Page) -> None:
        """Look at every later load of `page` (`after_load`), whoever loads it."""
        add_after_load(page, "signin", self.after_load)

    def after_load(self, page: Page) -> bool:
        """The after-load hook: refusals stop the run at once; a check only a person may pass
        goes to this loop (which hands it over or stops). True when the page is a known Amazon
        page (not Seller Central itself nor an unknown sign-in page): its HTTP status is then
        no reason to load it again."""
        found = recognise(page)
        if found.kind in (PageKind.NOT_PERMITTED, PageKind.REFUSED):
            refuse(found)
        if found.kind in (PageKind.CHALLENGE, PageKind.SILENT_CHECK):
            self.on_page(page, found)
        return found.kind not in (PageKind.SELLER_CENTRAL, PageKind.UNKNOWN_SIGNIN)

    def on_page(self, page: Page, found: Recognition) -> None:
        """Navigation's hook: a page that is not Seller Central met outside the loop."""
        if found.kind in (PageKind.NOT_PERMITTED, PageKind.REFUSED):
            refuse(found)
        if not self._active and found.kind is not PageKind.SELLER_CENTRAL:
            self.ensure(page)

    def _loop(self, page: Page) -> None:
        last_submit: str | None = None
        accepted = False  # the password was accepted: no later page can blame it
        otp_rejections = transient = choosers = 0
        restart_url = page.url
        for _ in range(self.max_steps + self.transient_retries):
            found = recognise(page)
            kind = found.kind
            if kind is PageKind.SELLER_CENTRAL:
                return
            if last_submit == "password" and kind not in (PageKind.PASSWORD, PageKind.ONE_PAGE):
                accepted = True
            refuse(found)
            if kind is PageKind.NOT_AN_ACCOUNT:
                raise LoginFailed(
                    f"Amazon knows no account with the e-mail {self.account.email}: it offers to "
                    "create one (nothing was created). Check the account's e-mail.",
                    url=page.url,
                )
            if found.has_error_box and kind in _STEPS:
                otp_rejections = self._refused_step(page, found, last_submit, otp_rejections)
            if kind is PageKind.CHOOSER:
                choosers += 1
                if choosers > 2:
                    raise NotConfirmed(
                        "Seller Central showed the account chooser again after the choice was "
                        "confirmed twice; the choice did not take.",
                        url=page.url,
                    )
            if kind is PageKind.UNKNOWN_SIGNIN:
                self._unknown(page, found, accepted)  # raises, or a person finished it
                last_submit = "human"
                continue
            try:
                last_submit = self._act(page, found)
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

    def _refused_step(
        self, page: Page, found: Recognition, last_submit: str | None, otp_rejections: int
    ) -> int:
        """Amazon's error box on a sign-in step: what was typed last was refused."""
        if last_submit == "otp" and found.kind is PageKind.MFA:
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
                + "; ".join(found.errors or ("no reason shown",))
                + "). Check the account's e-mail and password; the bot does not try "
                "again, so that the account is not locked.",
                url=page.url,
            )
        return otp_rejections

    def _unknown(self, page: Page, found: Recognition, accepted: bool) -> None:
        """A sign-in page the bot does not know: after the password, a person's to answer."""
        if accepted and self.human is not None:
            self.human(page, f"the page “{found.heading or found.url}”")
            forget(page)  # a person acted on it, maybe in place: look again
            return
        if accepted:
            raise NeedsPerson(
                f"After the password was accepted Amazon shows a page the bot does not know: "
                f"{found.quote()}. Finish it in a browser (--headed), then run again.",
                url=found.url,
            )
        raise PageChanged(
            f"The sign-in shows a page the bot does not know: {found.quote()}. Run with "
            "--headed to see it, and report it if Amazon changed its pages.",
            url=found.url,
        )

    def _act(self, page: Page, found: Recognition) -> str:
        """Do what the page asks; return what was submitted."""
        kind = found.kind
        log.info("signin_step", account=self.account.name, step=kind.value, detail=found.detail)
        account = self.account
        if kind is PageKind.CHALLENGE and found.detail == "otp_limit" and self.human is None:
            raise NeedsPerson(
                f"Amazon accepted the password but cannot send a one-time password now: "
                f"{found.quote()}. Run this account again once Amazon allows new codes, or "
                "with --headed to finish the sign-in in the browser window.",
                url=page.url,
            )
        if kind is PageKind.CHALLENGE:
            what = CHALLENGE_DESCRIPTIONS.get(found.detail or "", "a check")
            self._hand_over(page, what, found)
            return "human"
        if kind is PageKind.SILENT_CHECK:
            if self._silent_check_cleared(page):
                return "silent_check"
            self._hand_over(page, CHALLENGE_DESCRIPTIONS["waf"], found)
            return "human"
        if kind is PageKind.EMAIL:
            SignInPage(page).submit_email(account.email)
            return "email"
        if kind is PageKind.UNIFIED_EMAIL:
            SignInPage(page).submit_unified_email(account.email)
            return "email"
        if kind in (PageKind.PASSWORD, PageKind.ONE_PAGE):
            email = account.email if kind is PageKind.ONE_PAGE else None
            signin = SignInPage(page)
            if kind is PageKind.PASSWORD:
                _confirm_claim(signin.email_claim(), account.email, page.url)
            signin.submit_password(account.password.get_secret_value(), email)
            return "password"
        if kind is PageKind.CHOOSE_DEVICE:
            mfa = MfaPage(page)
            if self.otp is None or not mfa.offers_authenticator_app():
                cause = self._no_totp_secret() if self.otp is None else None
                self._hand_over(page, "a one-time password sent to a phone", found, cause)
                return "human"
            mfa.choose_authenticator_app()
            return "device"
        if kind is PageKind.MFA:
            if self.otp is not None:
                MfaPage(page).submit_code(self.otp.next_code())
                return "otp"
            if self.ask_otp is not None:
                code = self.ask_otp()
                register_secret(code)
                MfaPage(page).submit_code(code)
                return "otp"
            self._hand_over(page, "a one-time password", found, self._no_totp_secret())
            return "human"
        if kind is PageKind.SWITCH_ACCOUNTS:
            chose = SwitchAccountsPage(page).choose(account.email)
            log.info("switch_accounts", account=account.name, chose=chose)
            return "switch_accounts"
        if kind is PageKind.INTERSTITIAL:
            InterstitialPage(page).dismiss()
            return "interstitial"
        if kind is PageKind.CHOOSER:
            marketplace = get_marketplace(account.marketplace)
            Chooser(page).choose(
                account.account_name, (marketplace.country_ja, marketplace.country_en)
            )
            return "picker"
        raise PageChanged(
            f"The sign-in shows a page the bot does not know: {found.quote()}.", url=page.url
        )

    def _silent_check_cleared(self, page: Page) -> bool:
        """Give a silent JavaScript check its grace period to go away by itself."""
        grace = self.silent_check_grace_ms
        if grace is None:
            settings = policy(page)
            grace = getattr(settings, "silent_check_grace_ms", DEFAULT_SILENT_CHECK_GRACE_MS)
        log.info("silent_check_wait", account=self.account.name, grace_ms=grace)
        try:
            page.wait_for_function(_WAF_GONE_JS, timeout=max(int(grace), 1))
            page.wait_for_load_state("domcontentloaded")
        except pw.TimeoutError:
            return False
        except pw.Error:
            # The check reloaded the page while being watched: look at the new one.
            page.wait_for_load_state("domcontentloaded")
        forget(page)  # the check may have cleared in place: look again
        return True

    def _no_totp_secret(self) -> str:
        """Why a code is asked of a person: no TOTP secret, and the setting that gives one."""
        name = self.account.name
        setting = (
            "SELLERAUTH_TOTP_SECRET (or the file <secrets dir>/sellerauth_totp_secret)"
            if name == DEFAULT_ACCOUNT
            else f"{account_variable(name, 'totp_secret')} (or the file "
            f"<secrets dir>/{name}.totp_secret)"
        )
        return (
            f"No TOTP secret is configured for account {name}, so the bot cannot make the "
            f"code: set {setting} to sign in unattended, or run this account again with "
            "--headed and type the code."
        )

    def _hand_over(
        self, page: Page, what: str, found: Recognition, cause: str | None = None
    ) -> None:
        """Never type, click or reload: a person answers, or the account stops here."""
        if self.human is None:
            advice = cause or (
                "Run this account again with --headed and finish that step in the browser window."
            )
            raise NeedsPerson(
                f"Amazon asks for {what}, which only a person may answer: {found.quote()}. "
                + advice,
                url=page.url,
            )
        self.human(page, what)
        forget(page)  # a person acted on it, maybe in place: look again
