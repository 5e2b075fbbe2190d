"""Amazon's shared sign-in pages (PAGES.md §1): how to recognise each step and act on it."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page

from flows import texts
from flows.pages.navigation import click_to_navigate


class SignInStep(enum.Enum):
    """Every page the sign-in loop can meet, as recognised by `identify`."""

    ARRIVED = "arrived"
    EMAIL = "email"
    UNIFIED_EMAIL = "unified_email"
    PASSWORD = "password"
    ONE_PAGE = "one_page"
    MFA = "mfa"
    CHOOSE_DEVICE = "choose_device"
    HUMAN_VERIFICATION = "human_verification"
    INTERSTITIAL = "interstitial"
    ACCOUNT_PICKER = "account_picker"
    UNKNOWN_SIGNIN = "unknown_signin"


# The stable ids of the real sign-in pages; one probe reads them all in one round trip.
MARKERS: dict[str, str] = {
    "email": "input#ap_email[type=email]",
    "unified_email": "form#ap_login_form input#ap_email_login",
    "password": "input#ap_password",
    "signin_submit": "#signInSubmit",
    "error_box": "#auth-error-message-box",
    "mfa": "form#auth-mfa-form input#auth-mfa-otpcode",
    "choose_device": "form#auth-select-device-form",
    "captcha": "img#auth-captcha-image, input#auth-captcha-guess, #captchacharacters",
    "cvf_code": "form#verification-code-form, input#input-box-otp",
    "approval": "form#pollingForm, #resend-approval-link",
    "puzzle": "iframe#cvf-aamation-challenge-iframe, .amzn-captcha-modal",
    "waf": 'script[src*="awswaf"]',
    "phone_fixup": "#ap-account-fixup-phone-skip-link",
    "picker": "button.picker-button",
}

_PROBE_JS = """(markers) => {
  const seen = {};
  for (const [name, selector] of Object.entries(markers)) {
    const els = Array.from(document.querySelectorAll(selector));
    // Scripts and hidden inputs have no box; count them as present.
    seen[name] = els.some(el => el.tagName === 'SCRIPT' || el.type === 'hidden'
      || el.tagName === 'IFRAME' || el.checkVisibility());
  }
  return seen;
}"""

HUMAN_MARKERS = ("captcha", "cvf_code", "approval", "puzzle", "waf")
HUMAN_DESCRIPTIONS = {
    "captcha": "a captcha (type the characters shown)",
    "cvf_code": "a verification code sent by e-mail or text message",
    "approval": "an approval in the Amazon app or by e-mail",
    "puzzle": "a puzzle",
    "waf": "a browser check",
}
SIGNIN_PATHS = ("/ap/", "/errors/validateCaptcha", "/authorization/select-account")


@dataclass(frozen=True)
class Probe:
    """What one look at the page found."""

    step: SignInStep
    seen: dict[str, bool]
    url: str

    @property
    def has_error_box(self) -> bool:
        return self.seen.get("error_box", False)

    @property
    def human_kind(self) -> str | None:
        return next((m for m in HUMAN_MARKERS if self.seen.get(m)), None)


def identify(page: Page) -> Probe:
    """Recognise the sign-in step the page shows, or ARRIVED when it is past sign-in."""
    seen: dict[str, bool] = page.evaluate(_PROBE_JS, MARKERS)
    path = urlsplit(page.url).path
    if any(seen.get(m) for m in HUMAN_MARKERS):
        step = SignInStep.HUMAN_VERIFICATION
    elif seen["mfa"]:
        step = SignInStep.MFA
    elif seen["choose_device"]:
        step = SignInStep.CHOOSE_DEVICE
    elif seen["password"] and seen["email"]:
        step = SignInStep.ONE_PAGE
    elif seen["password"]:
        step = SignInStep.PASSWORD
    elif seen["unified_email"]:
        step = SignInStep.UNIFIED_EMAIL
    elif seen["email"]:
        step = SignInStep.EMAIL
    elif seen["picker"]:
        step = SignInStep.ACCOUNT_PICKER
    elif seen["phone_fixup"] or _nudge(page).count():
        step = SignInStep.INTERSTITIAL
    elif path.startswith(SIGNIN_PATHS):
        step = SignInStep.UNKNOWN_SIGNIN
    else:
        step = SignInStep.ARRIVED
    return Probe(step=step, seen=seen, url=page.url)


def _nudge(page: Page) -> Locator:
    """'Not now' / 'Close' on a passkey or phone nudge, only on sign-in paths."""
    if not urlsplit(page.url).path.startswith("/ap/"):
        return page.locator("#sellerauth-never-matches")
    name = re.compile(f"{texts.exact('not_now').pattern}|{texts.exact('close').pattern}")
    return page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name))


class SignInPage:
    """Actions on the e-mail, password, one-page and unified steps."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def error_messages(self) -> list[str]:
        box = self.page.locator("#auth-error-message-box")
        return [t.strip() for t in box.locator("li").all_inner_texts() if t.strip()]

    def submit_email(self, email: str) -> None:
        self.page.locator("input#ap_email").fill(email)
        self._submit(self.page.locator("input#continue"))

    def submit_unified_email(self, email: str) -> None:
        self.page.locator("input#ap_email_login").fill(email)
        self._submit(self.page.locator("span#continue input, span#continue button").first)

    def submit_password(self, password: str, email: str | None = None) -> None:
        if email is not None:
            self.page.locator("input#ap_email").fill(email)
        # Typed, not filled: a trace then records key presses, not the value.
        field = self.page.locator("input#ap_password")
        field.fill("")
        field.press_sequentially(password)
        remember = self.page.locator("input[name=rememberMe]")
        if remember.count() and remember.first.is_visible():
            remember.first.check()
        # Never `#continue` here: on this page it is the passkey button.
        self._submit(self.page.locator("input#signInSubmit, button#signInSubmit").first)

    def _submit(self, button: Locator) -> None:
        click_to_navigate(self.page, button)


class MfaPage:
    """Two-step verification: the OTP form and the choice of OTP device."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def submit_code(self, code: str) -> None:
        field = self.page.locator("input#auth-mfa-otpcode")
        field.fill("")
        field.press_sequentially(code)
        remember = self.page.locator("input#auth-mfa-remember-device")
        if remember.count() and remember.is_visible():
            remember.check()
        click_to_navigate(self.page, self.page.locator("input#auth-signin-button"))

    def offers_authenticator_app(self) -> bool:
        return self.page.locator("div.auth-TOTP input[name=otpDeviceContext]").count() > 0

    def choose_authenticator_app(self) -> None:
        self.page.locator("div.auth-TOTP input[name=otpDeviceContext]").first.check()
        click_to_navigate(self.page, self.page.locator("input#auth-send-code"))


class InterstitialPage:
    """Add-a-phone and passkey nudges: dismissed without changing anything."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def dismiss(self) -> None:
        skip = self.page.locator("#ap-account-fixup-phone-skip-link")
        target = skip if skip.count() else _nudge(self.page).first
        click_to_navigate(self.page, target)
