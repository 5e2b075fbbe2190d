"""Consent to our app and collect its refresh token (docs/pages.md §6, §8), shared by
`authorize` and `app-renew`: open the consent page, check it names our app, consent once,
catch the redirect, exchange the code at once with Login with Amazon, prove the token.

`flows.spapi.lwa` (authlib, requests, cryptography, python-amazon-sp-api) is imported only
when a job talks to LWA (`lwa_for`, `participations`), not when the command line is built.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import structlog

from automation.errors import NotConfirmed, PageChanged, WrongDeveloper
from automation.log import register_secret
from automation.retry import retrying
from automation.runner import RunContext
from flows import names
from flows.browse import pw
from flows.browse.gate import Reading, require_certain
from flows.browse.navigation import goto
from flows.seller_central import Action, SellerCentral
from flows.site import SellerAccount
from flows.spapi.errors import CodeExpired
from flows.spapi.pages.consent import AppConsentPage, NavigationCatcher, query_of, raise_if_refused
from flows.spapi.settings import AppSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from flows.spapi.lwa import Lwa

log = structlog.get_logger("flows.spapi.consent")

CONSENT_PATH = "/apps/authorize/consent"
CONFIRM_PATH_PREFIX = "/apps/authorize/confirm/"
PICKER_PATH = "/authorization/select-account"
CODE_LIFE_SECONDS = 300
# A code is only sent while it is surely younger than its five minutes: its age is counted
# from the consent click (it cannot be older), with this margin for the exchange itself.
CODE_MARGIN_SECONDS = 30
SELLING_PARTNER_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
JOURNAL_CONSENT: Action = "app_consent"


def lwa_for(app: AppSettings) -> Lwa:
    """The app's Login with Amazon client."""
    from flows.spapi.lwa import Lwa  # lazy: authlib and requests only when a job runs

    return Lwa(app)


def participations(app: AppSettings, endpoint: str, access_token: str) -> list[str]:
    """The marketplace IDs the Sellers API gives for `access_token`
    (getMarketplaceParticipations)."""
    from flows.spapi.lwa import marketplace_participations  # lazy: python-amazon-sp-api

    return marketplace_participations(app, endpoint, access_token)


@dataclass(frozen=True)
class Consented:
    """What the redirect after consent brought, and the refresh token it was exchanged for."""

    selling_partner_id: str
    refresh_token: str
    access_token: str


def today_of(ctx: RunContext) -> date:
    """Today's date on the run's clock."""
    return datetime.fromtimestamp(ctx.clock.time()).date()


def new_consent(sc: SellerCentral, app: AppSettings, account: SellerAccount) -> Callable[[], str]:
    """How a new authorization reaches the consent page (docs/pages.md §6): the consent URL
    for the app with a fresh `state` of ours, opened signed in with the configured account
    chosen first; returns what `consent_and_exchange` calls to get there (it returns `state`)."""
    state = secrets.token_urlsafe(24)
    register_secret(state)
    query = {"application_id": app.app_id, "state": state}
    if app.app_draft:
        query["version"] = "beta"
    if app.redirect_uri:
        query["redirect_uri"] = app.redirect_uri
    consent_url = sc.url(CONSENT_PATH, query)

    def open_consent() -> str:
        _open_consent(sc, consent_url, account)
        return state

    return open_consent


def _open_consent(sc: SellerCentral, consent_url: str, account: SellerAccount) -> None:
    """Open the consent URL signed in, with the configured account chosen first when one is
    configured: consent applies to the account and marketplace selected (docs/pages.md §2, §6)."""
    page = sc.page
    if account.account_name:
        goto(page, sc.url(PICKER_PATH, {"returnTo": consent_url}))
        # Signs in if needed; the sign-in loop's picker step (flows.signin.chooser) chooses the
        # configured account and marketplace, then the picker returns to the consent URL.
        sc.signin.ensure(page)
    if urlsplit(page.url).path != CONSENT_PATH:
        goto(page, consent_url)
        sc.signin.ensure(page)
    if urlsplit(page.url).path != CONSENT_PATH:
        raise_if_refused(page, "")
        goto(page, consent_url)  # sign-in does not always come back to where it started
        sc.signin.ensure(page)


def consent_and_exchange(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    lwa: Lwa,
    *,
    open_consent: Callable[[], str | None],
) -> Consented:
    """Open the consent page (`open_consent` gets there and returns the `state` that must
    come back), check it names our app, consent once, catch the redirect, check `state`, and
    exchange the code at once (docs/pages.md §6, §8). The app's redirect and login URIs are
    caught from before the consent page is opened: the browser never loads them."""
    page = sc.page
    catcher = NavigationCatcher(
        page,
        seller_central=sc.base_url,
        redirect_uri=str(app.redirect_uri),
        login_uri=app.login_uri,
    )
    with catcher:
        expected_state = open_consent()
        consent = AppConsentPage(page, expected=(app.app_name,))
        variant = consent.wait_shown(app.app_id)
        shown = consent.named_apps(variant)
        ours = names_only(shown, app.app_name)
        named = (
            app.app_name
            if ours
            else next((n for n in shown if not names_only([app.app_name, n], app.app_name)), None)
        )
        if not ours:
            raise WrongDeveloper(
                f"The consent page names the app '{named or 'unknown'}', not the configured "
                f"'{app.app_name}'. Nothing was consented. Check SELLERAUTH_APP_ID and "
                "SELLERAUTH_APP_NAME.",
                url=page.url,
            )
        # The gate of both consent clicks: the page names our app, whole, and no other.
        gate = Reading("the consent page", f"the app '{app.app_name}'", matches=1)
        sc.note("app_consent_shown", app=named, variant=variant)
        log.info("app_consent", account=ctx.account.name, app=named, variant=variant)
        if variant == "checkbox":
            consent.tick()
            sc.note("app_consent_submitted", screenshot=True, app=named)  # as it is sent
            consented_at = ctx.clock.time()
            sc.journal.append(JOURNAL_CONSENT)
            _click_leaving(page, consent.confirm.first, app, gate)
        else:
            consented_at = ctx.clock.time()  # no code can be older than this click
            expected_state = _play_the_app(sc, ctx, app, consent, catcher, gate)
        redirect = _wait_for_redirect(sc, app, catcher)
        _note_interstitial(sc)
    register_secret(redirect)
    query = query_of(redirect)
    code = query.get("spapi_oauth_code", "")
    register_secret(code)
    _leave_page(page)  # the redirect URL (with its code) is not left in the address bar
    if query.get("state") != expected_state:
        raise PageChanged(
            "The redirect after consent carries another state than the one sent: it may not "
            "be the answer to this run's consent. Nothing was exchanged; run again.",
            url=sc.url(CONSENT_PATH),
        )
    seller = query.get("selling_partner_id", "")
    if not SELLING_PARTNER_ID.match(seller) or not code:
        raise PageChanged(
            "The redirect after consent lacks a well-formed selling_partner_id or "
            "spapi_oauth_code. Nothing was exchanged.",
            url=sc.url(CONSENT_PATH),
        )
    redirect_uri = redirect.split("?", 1)[0]
    # A failed exchange is tried again here, while the code is young, never by a new consent.
    for attempt in retrying(ctx.settings, "LWA code exchange", ctx.settings.step_retries + 1):
        with attempt:
            age = ctx.clock.time() - consented_at
            if age > CODE_LIFE_SECONDS - CODE_MARGIN_SECONDS:
                raise CodeExpired(
                    f"The authorization code may be older than five minutes ({int(age)} s "
                    "since consent): it was not sent to Login with Amazon. Run authorize again.",
                    url=sc.url(CONSENT_PATH),
                )
            tokens = lwa.exchange(code, redirect_uri)
    sc.note("code_exchanged", selling_partner_id=seller)
    return Consented(
        selling_partner_id=seller,
        refresh_token=tokens.refresh_token,
        access_token=tokens.access_token,
    )


def names_only(named: list[str], app_name: str) -> bool:
    """Whether the names a consent page gives are ours and nothing else: each is our app's
    whole name, or our name followed by the sentence's own words (`Shippinno Connector with`, a
    wording worded slightly differently); a longer name (`Shippinno Connector Pro`) is
    another app's (docs/pages.md "How to read a page")."""
    return app_name in named and all(names.is_the_name(n, app_name) for n in named)


def _play_the_app(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    consent: AppConsentPage,
    catcher: NavigationCatcher,
    gate: Reading,
) -> str:
    """Variant B: follow `Log in to <app> now` (ticking the consent box first where the page
    shows one and keeps the button disabled until then), catch the login URI, and continue to
    `amazon_callback_uri` with `amazon_state` and our own `state`, as the app would."""
    page = sc.page
    consent.tick_for_login()
    sc.note("app_consent_submitted", screenshot=True, app=app.app_name)  # as it is sent
    sc.journal.append(JOURNAL_CONSENT)
    _click_leaving(page, consent.login_control.first, app, gate)
    login_url = catcher.wait("login", app.interstitial_wait_ms)
    if login_url is None:
        raise_if_refused(page, app.app_id)
        raise PageChanged("'Log in to … now' did not lead to the app's login URI.", url=page.url)
    query = query_of(login_url)
    register_secret(query.get("amazon_state"))
    callback = query.get("amazon_callback_uri", "")
    parts = urlsplit(callback)
    if (
        parts.netloc != urlsplit(sc.base_url).netloc
        or not parts.path.startswith(CONFIRM_PATH_PREFIX)
        or parts.path.removeprefix(CONFIRM_PATH_PREFIX) != app.app_id
    ):
        raise PageChanged(
            "The login URI was given an amazon_callback_uri that is not Seller Central's "
            "confirm page for the configured app; it was not followed.",
            url=sc.url(CONSENT_PATH),
        )
    state = secrets.token_urlsafe(24)
    register_secret(state)
    back = {"amazon_state": query.get("amazon_state", ""), "state": state}
    if app.redirect_uri:
        back["redirect_uri"] = app.redirect_uri
    if app.app_draft or query.get("version") == "beta":
        back["version"] = "beta"
    log.info("app_login_hop", account=ctx.account.name)
    joiner = "&" if "?" in callback else "?"
    _goto_leaving(page, f"{callback}{joiner}{urlencode(back)}", app)
    return state


def _click_leaving(page: Page, control: object, app: AppSettings, gate: Reading) -> None:
    """Click a consent control, through the gate, whose page may go on to a URI that is
    caught and aborted."""
    require_certain(gate, page.url)
    assert isinstance(control, pw.Locator)
    try:
        pw.expect(control).to_be_enabled()
    except AssertionError:
        raise PageChanged(
            "The control the bot needs is not there or disabled.", url=page.url
        ) from None
    try:
        with page.expect_navigation(
            wait_until="domcontentloaded", timeout=app.interstitial_wait_ms
        ):
            control.click()
    except (pw.TimeoutError, pw.Error):
        pass  # the navigation may be the one aborted: the catcher has it, or the page says why


def _goto_leaving(page: Page, url: str, app: AppSettings) -> None:
    # As above: a redirect to the caught URI aborts this load.
    with contextlib.suppress(pw.TimeoutError, pw.Error):
        page.goto(url, wait_until="domcontentloaded", timeout=app.interstitial_wait_ms)


def _wait_for_redirect(sc: SellerCentral, app: AppSettings, catcher: NavigationCatcher) -> str:
    """Wait for the redirect; reload a blank `We are authorizing …` page a bounded number of
    times (docs/pages.md §6: it is known to hang until reloaded). Amazon's refusals raise."""
    page = sc.page
    for attempt in range(app.interstitial_reloads + 1):
        url = catcher.redirect or _refused_or_wait(page, app, catcher)
        if url is not None:
            return url
        if attempt < app.interstitial_reloads:
            log.warning("interstitial_reload", attempt=attempt + 1)
            sc.note("interstitial_reload", screenshot=True, attempt=attempt + 1)
            with contextlib.suppress(pw.TimeoutError, pw.Error):
                page.reload(wait_until="domcontentloaded", timeout=app.interstitial_wait_ms)
    raise NotConfirmed(
        f"Consent was given but Amazon did not send the browser to the redirect URI (the page "
        f"stayed as it was after {app.interstitial_reloads} reloads). Check Manage Your Apps, "
        "then run authorize again.",
        url=page.url,
    )


def _note_interstitial(sc: SellerCentral) -> None:
    """Evidence of `We are authorizing …` (docs/pages.md §6), where the browser stays once its
    redirect was caught: its picture, and its address without the query (the page is left at
    once after, for the code's sake)."""
    parts = urlsplit(sc.page.url)
    if parts.path == CONSENT_PATH or f"{parts.scheme}://{parts.netloc}" != sc.base_url:
        return  # no interstitial shown (a 302 straight from the consent post), or blank
    sc.note("app_interstitial", screenshot=True, address=f"{sc.base_url}{parts.path}")


def _refused_or_wait(page: Page, app: AppSettings, catcher: NavigationCatcher) -> str | None:
    if not page.url.startswith("chrome-error:"):
        # A page that is navigating away cannot be read: that is no refusal.
        with contextlib.suppress(pw.Error):
            raise_if_refused(page, app.app_id)
    return catcher.wait("redirect", app.interstitial_wait_ms)


def _leave_page(page: Page) -> None:
    with contextlib.suppress(pw.Error):
        page.goto("about:blank")


def prove_token(
    ctx: RunContext, app: AppSettings, lwa: Lwa, endpoint: str, done: Consented
) -> list[str]:
    """Prove the refresh token works: a refresh grant, then getMarketplaceParticipations.

    Transient failures are tried again here: the new refresh token is never given up for a
    new consent.
    """
    ids: list[str] = []
    for attempt in retrying(ctx.settings, "refresh token check", ctx.settings.step_retries + 1):
        with attempt:
            access = lwa.access_token(done.refresh_token)
            ids = participations(app, endpoint, access)
    return ids
