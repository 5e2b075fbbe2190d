"""What a page is (docs/pages.md §1–§2, §6 "Amazon's refusals"), recognised by structure and text.

One look (`flows.browse.look.look`: one `page.evaluate`, shared with reading what the page shows)
gathers the facts a person would go by — where each form posts, which fields it asks for, the
headings, the error box, the visible controls and text — and `classify` turns them into a
`PageKind`. The sign-in loop and Seller Central navigation both ask `recognise`; nothing else
keeps a list of page ids. The page is read before its HTTP status: a captcha served with 503 is
a captcha.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flows import texts
from flows.browse.look import look

if TYPE_CHECKING:
    from playwright.sync_api import Page


class PageKind(enum.Enum):
    """Every kind of page the bot may meet between a Seller Central URL and its page."""

    EMAIL = "email"
    UNIFIED_EMAIL = "unified_email"
    PASSWORD = "password"
    ONE_PAGE = "one_page"
    MFA = "mfa"
    CHOOSE_DEVICE = "choose_device"
    CHALLENGE = "challenge"
    """Only a person may pass it (captcha, codes, approval, puzzle, passkey, reset...)."""
    SILENT_CHECK = "silent_check"
    """A JavaScript (AWS WAF) check a real browser passes by itself."""
    NOT_AN_ACCOUNT = "not_an_account"
    """The "new to Amazon" page: no account has the e-mail typed."""
    SWITCH_ACCOUNTS = "switch_accounts"
    """The sign-in's chooser of remembered accounts."""
    CHOOSER = "chooser"
    """Seller Central's account and marketplace chooser (popup picker or full-page switcher)."""
    INTERSTITIAL = "interstitial"
    NOT_PERMITTED = "not_permitted"
    REFUSED = "refused"
    UNKNOWN_SIGNIN = "unknown_signin"
    """A sign-in page (`/ap/...`) that is none of the above."""
    SELLER_CENTRAL = "seller_central"


SIGNIN_PATHS = ("/ap/", "/errors/validateCaptcha")
CHOOSER_PATHS = ("/authorization/select-account", "/account-switcher/")
_AMAZON_CODE = re.compile(r"(?:Error Code|Error code|エラーコード)\s*[:：]\s*([A-Z]{2}\d{3,5})")


@dataclass(frozen=True)
class Recognition:
    """What one look at a page found: its kind and the words a report should quote."""

    kind: PageKind
    url: str
    detail: str | None = None
    """For a challenge: captcha, robot_check, cvf_code, approval, puzzle, verification,
    password_reset, passkey, otp_limit; for a chooser: picker or switcher."""
    heading: str | None = None
    words: str | None = None
    """Amazon's own words on the page (error box, refusal, challenge heading)."""
    amazon_code: str | None = None
    errors: tuple[str, ...] = ()
    """The sign-in error box's messages, if it shows."""
    seen: dict[str, bool] = field(default_factory=dict)

    @property
    def has_error_box(self) -> bool:
        return bool(self.errors) or self.seen.get("error_box", False)

    def quote(self) -> str:
        """Amazon's words (or the heading) and the address, for a message."""
        said = self.words or self.heading or "no heading"
        return f"“{said}” ({self.url})"


def recognise(page: Page) -> Recognition:
    """Look at the page once and say what it is (docs/pages.md §1–§2, §6).

    The look (`flows.browse.look.look`: these facts and what the page shows, in one round trip) is
    kept until the page navigates or the bot acts on it, so asking again costs nothing.
    """
    seen = look(page)
    return classify(seen.facts | {"text": seen.snapshot.text[:8000]}, page.url)


def classify(facts: dict[str, Any], url: str) -> Recognition:
    """The kind of a page from its facts (`flows/browse/js/facts.js`); pure, for tests too."""
    seen: dict[str, bool] = facts.get("seen", {})
    forms: list[dict[str, Any]] = facts.get("forms", [])
    headings: list[str] = facts.get("headings", [])
    controls: list[str] = facts.get("controls", [])
    errors = tuple(facts.get("errors", []))
    body: str = facts.get("text", "")
    path = urlsplit(url).path
    heading = headings[0] if headings else None

    def made(kind: PageKind, detail: str | None = None, **extra: Any) -> Recognition:
        return Recognition(
            kind=kind,
            url=url,
            detail=detail,
            heading=heading,
            errors=errors,
            seen=seen,
            **extra,
        )

    def any_text(key: str, where: list[str] | str) -> str | None:
        pattern = texts.containing(key)
        for line in [where] if isinstance(where, str) else where:
            if pattern.search(line):
                return line
        return None

    def posts_to(*prefixes: str) -> bool:
        return any(f["action"].startswith(prefixes) for f in forms)

    def visible_field(*, names: tuple[str, ...] = (), types: tuple[str, ...] = ()) -> bool:
        return any(
            i["visible"] and (i["name"] in names or i["type"] in types)
            for f in forms
            for i in f["fields"]
        )

    lines = [" ".join(x.split()) for x in body.splitlines() if x.strip()]
    asks_credentials = seen.get("password") or seen.get("email") or seen.get("unified_email")

    # Refusals: Amazon's answer to the job, never a changed page (docs/pages.md §2, §6).
    code = _AMAZON_CODE.search(body)
    if code and not asks_credentials:
        return made(PageKind.REFUSED, amazon_code=code.group(1), words=_refusal_words(lines, code))
    denied = any_text("not_permitted", [*headings, *lines])
    if denied and not asks_credentials:
        return made(PageKind.NOT_PERMITTED, words=denied)

    # Checks only a person may pass (docs/pages.md §1, "human verification" and "more checks").
    challenge = _challenge(seen, forms, headings, posts_to)
    if challenge is None and not asks_credentials:
        if any_text("captcha_headings", headings):
            challenge = "captcha"
        elif any_text("create_new_password", headings) or _new_password_fields(forms) >= 2:
            challenge = "password_reset"
        elif (
            seen.get("passkey") or any_text("passkey_signin", [*headings, *controls])
        ) and path.startswith("/ap/"):
            challenge = "passkey"
    if challenge is not None:
        words = any_text("captcha_headings", headings) if challenge == "captcha" else None
        return made(PageKind.CHALLENGE, challenge, words=words or heading)
    if seen.get("waf") and not any(i["visible"] for f in forms for i in f["fields"]):
        return made(PageKind.SILENT_CHECK, "waf", words=heading)
    if seen.get("intent") or (posts_to("/ap/register") and not seen.get("password")):
        return made(PageKind.NOT_AN_ACCOUNT, words=heading)

    device_page = seen.get("choose_device") or seen.get("device_radio")
    if device_page and not seen.get("mfa"):
        if errors:
            # The password was accepted: an error here is about the codes, never the password.
            return made(PageKind.CHALLENGE, "otp_limit", words=" ".join(errors))
        return made(PageKind.CHOOSE_DEVICE)
    if seen.get("mfa"):
        return made(PageKind.MFA)
    if seen.get("password") and seen.get("email"):
        return made(PageKind.ONE_PAGE)
    if seen.get("password"):
        return made(PageKind.PASSWORD)
    if seen.get("unified_email"):
        return made(PageKind.UNIFIED_EMAIL)
    if seen.get("email"):
        return made(PageKind.EMAIL)

    if path.startswith("/ap/") and any(texts.exact("add_account").match(c) for c in controls):
        return made(PageKind.SWITCH_ACCOUNTS)
    if seen.get("picker") or path.startswith(CHOOSER_PATHS):
        return made(PageKind.CHOOSER, "picker" if seen.get("picker") else "switcher")
    if seen.get("phone_fixup") or (
        path.startswith("/ap/")
        and any(texts.exact("not_now").match(c) or texts.exact("close").match(c) for c in controls)
    ):
        return made(PageKind.INTERSTITIAL)
    if path.startswith(SIGNIN_PATHS):
        return made(PageKind.UNKNOWN_SIGNIN, words=heading)
    return made(PageKind.SELLER_CENTRAL)


def _challenge(
    seen: dict[str, bool],
    forms: list[dict[str, Any]],
    headings: list[str],
    posts_to: Any,
) -> str | None:
    """Which check only a person may pass the page's structure shows, if any."""
    if seen.get("password_reset") or posts_to("/ap/forgotpassword"):
        return "password_reset"
    if seen.get("captcha"):
        return "captcha"
    # The robot check and the newer "continue shopping" check both post to validateCaptcha.
    if posts_to("/errors/validateCaptcha"):
        return "robot_check"
    if seen.get("puzzle"):
        return "puzzle"
    if seen.get("approval") or posts_to("/ap/cvf/approval"):
        return "approval"
    if seen.get("cvf_code"):
        return "cvf_code"
    if posts_to("/ap/cvf/"):
        return "verification"
    return None


def _new_password_fields(forms: list[dict[str, Any]]) -> int:
    return sum(
        1
        for f in forms
        for i in f["fields"]
        if i["visible"] and i["type"] == "password" and i["autocomplete"] == "new-password"
    )


def _refusal_words(lines: list[str], code: re.Match[str]) -> str:
    """The heading, reason line and code of Amazon's refusal, as one short quote."""
    at = next((n for n, line in enumerate(lines) if code.group(0) in line), len(lines) - 1)
    start = at
    heading = texts.containing("something_went_wrong")
    for n in range(at, max(at - 4, -1), -1):
        start = n
        if heading.search(lines[n]):
            break
    return " ".join(line[:200] for line in lines[start : at + 1])


# How the loop describes each challenge to the operator.
CHALLENGE_DESCRIPTIONS = {
    "captcha": "a captcha (type the characters shown)",
    "robot_check": "a robot check (a captcha or a 'continue shopping' button)",
    "cvf_code": "a verification code sent by e-mail or text message",
    "verification": "an identity verification",
    "approval": "an approval in the Amazon app or by e-mail",
    "puzzle": "a puzzle",
    "waf": "a browser check that did not clear by itself",
    "passkey": "a passkey on the device where it was created",
    "password_reset": "a new password (Amazon requires a password reset)",
    "otp_limit": "a one-time password, which Amazon cannot send now",
}
