"""Runs one flow for one account: a browser context with its saved session, typed errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import structlog

from automation.errors import SellerAuthError, SiteUnavailable, Timeout
from automation.otp import Clock, SystemClock, TotpSource
from automation.retry import retrying
from automation.settings import AccountProfile, Settings

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.browser import BrowserSession

log = structlog.get_logger("automation.runner")

T = TypeVar("T")


@dataclass
class RunContext:
    """What a flow gets besides its page: settings, the account, its OTP source, a person."""

    settings: Settings
    account: AccountProfile
    otp: TotpSource | None
    clock: Clock
    # Called with (page, what Amazon asks for) when only a person can go on; None = unattended.
    human: Callable[[Page, str], None] | None = None
    # Actions clicked on the seller's account in earlier attempts of this run, so a retry
    # that finds them done reports them as done by this run (see flows' re-reading).
    journal: list[str] = field(default_factory=list)


Flow = Callable[["Page", RunContext], T]


def run_one(
    flow: Flow[T],
    settings: Settings,
    account: AccountProfile,
    *,
    headed: bool = False,
    clock: Clock | None = None,
    human: Callable[[Page, str], None] | None = None,
    browser: BrowserSession | None = None,
) -> T:
    """Run `flow` for `account` in a fresh browser context that reuses the account's session.

    `browser` is a started `BrowserSession` to open the context in (a batch worker keeps one
    for all its accounts); without it the run launches and closes a browser of its own.
    """
    from playwright.sync_api import expect

    from automation.browser import BrowserSession, session_path

    clock = clock or SystemClock()
    otp = (
        TotpSource(
            account.totp_secret,
            account.name,
            settings.state_dir,
            clock=clock,
            min_remaining=settings.otp_min_remaining_seconds,
        )
        if account.totp_secret is not None
        else None
    )
    ctx = RunContext(settings=settings, account=account, otp=otp, clock=clock, human=human)
    state_file = session_path(settings.state_dir, account.name)
    expect.set_options(timeout=settings.timeout_ms)
    if browser is None:
        with BrowserSession(settings, headed=headed) as own:
            return _with_retries(own, flow, ctx, state_file)
    return _with_retries(browser, flow, ctx, state_file)


def _with_retries(browser: BrowserSession, flow: Flow[T], ctx: RunContext, state_file: Path) -> T:
    """The whole flow again, in a new context, after a transient failure; flows re-read first."""
    settings = ctx.settings
    for attempt in retrying(settings, f"flow for {ctx.account.name}", settings.retry_attempts):
        with attempt:
            if not browser.browser.is_connected():
                log.warning("browser_relaunch", account=ctx.account.name)
                browser.close()
                browser.start()
            return _run_in(browser, flow, ctx, state_file)
    raise AssertionError("unreachable: the last attempt re-raises")


def _run_in(browser: BrowserSession, flow: Flow[T], ctx: RunContext, state_file: Path) -> T:
    """One browser context for one account: run the flow, keep the session, attach evidence."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    from automation.browser import masked_screenshot

    settings, account = ctx.settings, ctx.account
    context = browser.new_context(state_file)
    page = context.new_page()

    def failed(error: SellerAuthError) -> SellerAuthError:
        _attach_evidence(error, page, settings.state_dir, account.name, masked_screenshot)
        return error

    try:
        return flow(page, ctx)
    except SellerAuthError as error:
        raise failed(error) from None
    except PlaywrightTimeout as error:
        raise failed(
            Timeout(
                f"A page or element did not arrive in time ({_first_line(error)}). Amazon may "
                "be slow: try again, or raise SELLERAUTH_TIMEOUT_MS."
            )
        ) from None
    except PlaywrightError as error:
        raise failed(
            SiteUnavailable(f"The browser lost the page ({_first_line(error)}). Try again later.")
        ) from None
    finally:
        # Kept on failure too: a session that got past sign-in spares the next run a login.
        try:
            browser.save_storage_state(context, state_file)
            context.close()
        except Exception as problem:  # a crashed browser has no state to keep
            log.warning("session_not_saved", account=account.name, problem=type(problem).__name__)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _attach_evidence(
    error: SellerAuthError, page: Page, state_dir: Path, account: str, shoot: Callable[..., Path]
) -> None:
    """Add the page's URL and a masked screenshot to a failure, without ever failing itself."""
    try:
        if error.url is None:
            error.url = page.url
        if error.screenshot is None and not page.is_closed():
            stamp = structlog.processors.TimeStamper(fmt="%Y%m%dT%H%M%S")(None, "", {})["timestamp"]
            path = state_dir / "evidence" / account / f"{stamp}-{error.code}.png"
            mask = [
                page.locator("input[type=password], #ap_password, #auth-mfa-otpcode"),
                page.get_by_text(re.compile(r"amzn\.mws\.")),
            ]
            error.screenshot = str(shoot(page, path, mask=mask))
    except Exception as problem:  # evidence is best effort; the original error matters
        log.warning("evidence_failed", problem=type(problem).__name__)
