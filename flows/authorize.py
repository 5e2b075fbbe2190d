"""The SP-API jobs (PAGES.md §6–§8): `authorize` the developer's app and collect its refresh
token, `app_status` reads Manage Your Apps, `app_renew` re-authorizes before expiry."""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Self, TypeVar
from urllib.parse import urlencode, urlsplit

import structlog
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr

from automation.commands import CommandSpec
from automation.errors import NotAuthorized, NotConfirmed, PageChanged, WrongDeveloper
from automation.log import register_secret
from automation.retry import retrying
from automation.runner import RunContext
from flows import spapi_reporting
from flows.pages import apps as apps_page
from flows.pages import pw
from flows.pages.apps import ManageYourAppsPage
from flows.pages.consent import AppConsentPage, NavigationCatcher, query_of, raise_if_refused
from flows.pages.navigation import click_to_navigate, goto
from flows.seller_central import Action, SellerCentral
from flows.site import SellerAccount, SiteOverrides, seller_account
from flows.spapi_errors import CodeExpired, LwaInvalidGrant
from flows.spapi_results import (
    AppRenewResult,
    AppRow,
    AppStatusResult,
    AuthorizeResult,
    RenewAction,
)
from flows.spapi_settings import AppSettings, app_settings_for

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

    from automation.accounts import AccountProfile
    from automation.settings import Settings
    from automation.store import Store
    from flows.lwa import Lwa

log = structlog.get_logger("flows.authorize")


def _lwa(app: AppSettings) -> Lwa:
    """The app's Login with Amazon client; `flows.lwa` (authlib, requests, cryptography) is
    imported here, when a job talks to LWA, not when the command line is built."""
    from flows.lwa import Lwa

    return Lwa(app)


CONSENT_PATH = "/apps/authorize/consent"
CONFIRM_PATH_PREFIX = "/apps/authorize/confirm/"
PICKER_PATH = "/authorization/select-account"
RENEW_WITHIN_DAYS = 30
CODE_LIFE_SECONDS = 300
# A code is only sent while it is surely younger than its five minutes: its age is counted
# from the consent click (it cannot be older), with this margin for the exchange itself.
CODE_MARGIN_SECONDS = 30
SELLING_PARTNER_ID = re.compile(r"^A[0-9A-Z]{9,20}$")
JOURNAL_CONSENT: Action = "app_consent"


@dataclass(frozen=True)
class KnownAuthorization:
    """A refresh token the caller already holds for this account and app (from the store)."""

    refresh_token: SecretStr
    selling_partner_id: str | None = None


@dataclass(frozen=True)
class Consented:
    """What the redirect after consent brought, and the refresh token it was exchanged for."""

    selling_partner_id: str
    refresh_token: str
    access_token: str


# -- runner entry points (bind the options with functools.partial) ---------------------------


def run_authorize(
    page: Page,
    ctx: RunContext,
    *,
    app: AppSettings,
    verify: bool = True,
    known: KnownAuthorization | None = None,
    renew_within: int = RENEW_WITHIN_DAYS,
) -> AuthorizeResult:
    """`authorize`: consent to the app, exchange the code, prove the refresh token works."""
    return authorize(
        SellerCentral.for_run(page, ctx),
        ctx,
        app,
        verify=verify,
        known=known,
        renew_within=renew_within,
    )


def run_app_status(page: Page, ctx: RunContext, *, app: AppSettings) -> AppStatusResult:
    """`app-status`: every row of Manage Your Apps, ours marked."""
    sc = SellerCentral.for_run(page, ctx)
    apps = open_apps(sc, app)
    rows = [r.row for r in apps.read_all(app.app_name)]
    return AppStatusResult(account=ctx.account.name, app_id=app.app_id, apps=rows)


def run_app_renew(
    page: Page,
    ctx: RunContext,
    *,
    app: AppSettings,
    renew_within: int = RENEW_WITHIN_DAYS,
    force: bool = False,
    dry_run: bool = False,
    verify: bool = True,
) -> AppRenewResult:
    """`app-renew`: `Re-authorize` (or `Enable Authorization`) when due, never `Disable`."""
    return app_renew(
        SellerCentral.for_run(page, ctx),
        ctx,
        app,
        renew_within=renew_within,
        force=force,
        dry_run=dry_run,
        verify=verify,
    )


# -- authorize ------------------------------------------------------------------------------


def today_of(ctx: RunContext) -> date:
    """Today's date on the run's clock."""
    return datetime.fromtimestamp(ctx.clock.time()).date()


def authorize(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    *,
    verify: bool = True,
    known: KnownAuthorization | None = None,
    renew_within: int = RENEW_WITHIN_DAYS,
) -> AuthorizeResult:
    """Authorize the app for the account's selected seller account and marketplace.

    With a `known` refresh token and our app valid beyond `renew_within` days in Manage Your
    Apps, and the token still working: `already_authorized`, no consent.
    """
    account = seller_account(ctx.account)
    _refuse_second_consent(sc)
    lwa = _lwa(app)
    endpoint = app.endpoint_for(account.marketplace)
    if known is not None:
        register_secret(known.refresh_token)
        found = _still_authorized(sc, ctx, app, lwa, endpoint, known, renew_within)
        if found is not None:
            return found
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

    done = consent_and_exchange(sc, ctx, app, lwa, open_consent=open_consent)
    marketplace_ids = _verify(ctx, app, lwa, endpoint, done) if verify else []
    expires_at = _read_expiry(sc, app)
    return AuthorizeResult(
        account=account.name,
        outcome="authorized",
        app_id=app.app_id,
        selling_partner_id=done.selling_partner_id,
        marketplace_ids=marketplace_ids,
        expires_at=expires_at,
        refresh_token=SecretStr(done.refresh_token),
        verified=verify,
    )


def _refuse_second_consent(sc: SellerCentral) -> None:
    if JOURNAL_CONSENT in sc.journal:
        raise NotConfirmed(
            "An earlier attempt of this run gave consent but failed before the refresh token "
            "was collected; nothing more was clicked. Run authorize again: the new consent "
            "replaces the lost one.",
            url=sc.page.url,
        )


def _still_authorized(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    lwa: Lwa,
    endpoint: str,
    known: KnownAuthorization,
    renew_within: int,
) -> AuthorizeResult | None:
    """`already_authorized` when our row is valid beyond the window and the token works."""
    rows = open_apps(sc, app).read_all(app.app_name)
    ours = [r.row for r in rows if r.row.ours]
    if len(ours) != 1 or ours[0].status != "active" or ours[0].expires_at is None:
        return None
    if ours[0].expires_at <= today_of(ctx) + timedelta(days=renew_within):
        return None
    try:
        access = lwa.access_token(known.refresh_token.get_secret_value())
    except LwaInvalidGrant:
        log.info("known_token_refused", account=ctx.account.name)
        return None
    from flows.lwa import marketplace_participations

    marketplace_ids = marketplace_participations(app, endpoint, access)
    return AuthorizeResult(
        account=ctx.account.name,
        outcome="already_authorized",
        app_id=app.app_id,
        selling_partner_id=known.selling_partner_id,
        marketplace_ids=marketplace_ids,
        expires_at=ours[0].expires_at,
        refresh_token=known.refresh_token,
    )


def _open_consent(sc: SellerCentral, consent_url: str, account: SellerAccount) -> None:
    """Open the consent URL signed in, with the configured account chosen first when one is
    configured: consent applies to the account and marketplace selected (PAGES.md §2, §6)."""
    page = sc.page
    if account.account_name:
        goto(page, sc.url(PICKER_PATH, {"returnTo": consent_url}))
        # Signs in if needed; the sign-in loop's picker step (flows.pages.picker) chooses the
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
    exchange the code at once (PAGES.md §6, §8). The app's redirect and login URIs are
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
        names = consent.named_apps(variant)
        ours = names_only(names, app.app_name)
        named = (
            app.app_name
            if ours
            else next((n for n in names if app.app_name not in n), names[0] if names else None)
        )
        if not ours:
            raise WrongDeveloper(
                f"The consent page names the app '{named or 'unknown'}', not the configured "
                f"'{app.app_name}'. Nothing was consented. Check SELLERAUTH_APP_ID and "
                "SELLERAUTH_APP_NAME.",
                url=page.url,
            )
        sc.note("app_consent_shown", screenshot=True, app=named, variant=variant)
        log.info("app_consent", account=ctx.account.name, app=named, variant=variant)
        if variant == "checkbox":
            consent.tick()
            consented_at = ctx.clock.time()
            sc.journal.append(JOURNAL_CONSENT)
            _click_leaving(page, consent.confirm.first, app)
        else:
            consented_at = ctx.clock.time()  # no code can be older than this click
            expected_state = _play_the_app(sc, ctx, app, consent, catcher)
        redirect = _wait_for_redirect(sc, app, catcher)
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


def names_only(names: list[str], app_name: str) -> bool:
    """Whether the names a consent page gives are ours and nothing else (a longer name that
    holds ours is a wording around it, e.g. a statement worded slightly differently)."""
    return app_name in names and all(app_name in n for n in names)


def _play_the_app(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    consent: AppConsentPage,
    catcher: NavigationCatcher,
) -> str:
    """Variant B: follow `Log in to <app> now`, catch the login URI, and continue to
    `amazon_callback_uri` with `amazon_state` and our own `state`, as the app would."""
    page = sc.page
    sc.journal.append(JOURNAL_CONSENT)
    _click_leaving(page, consent.login_control.first, app)
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


def _click_leaving(page: Page, control: object, app: AppSettings) -> None:
    """Click a control whose page may go on to a URI that is caught and aborted."""
    from playwright.sync_api import Locator

    assert isinstance(control, Locator)
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
    times (PAGES.md §6: it is known to hang until reloaded). Amazon's refusals raise."""
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


def _refused_or_wait(page: Page, app: AppSettings, catcher: NavigationCatcher) -> str | None:
    if not page.url.startswith("chrome-error:"):
        # A page that is navigating away cannot be read: that is no refusal.
        with contextlib.suppress(pw.Error):
            raise_if_refused(page, app.app_id)
    return catcher.wait("redirect", app.interstitial_wait_ms)


def _leave_page(page: Page) -> None:
    with contextlib.suppress(pw.Error):
        page.goto("about:blank")


def _verify(
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
            from flows.lwa import marketplace_participations

            ids = marketplace_participations(app, endpoint, access)
    return ids


def _read_expiry(sc: SellerCentral, app: AppSettings) -> date | None:
    """Our row's expiry as Manage Your Apps shows it after the consent."""
    rows = open_apps(sc, app).read_all(app.app_name)
    ours = [r.row for r in rows if r.row.ours]
    if len(ours) != 1:
        log.warning("app_row_not_found", app=app.app_name, rows=len(ours))
        return None
    return ours[0].expires_at


# -- Manage Your Apps -----------------------------------------------------------------------


def open_apps(sc: SellerCentral, app: AppSettings) -> ManageYourAppsPage:
    """Open Manage Your Apps (signing in if needed) and wait for its table."""
    sc.open(apps_page.PATH)
    apps = ManageYourAppsPage(sc.page, app.app_id)
    apps.wait_loaded()
    return apps


def decide_renewal(
    row: AppRow, today: date, renew_within: int = RENEW_WITHIN_DAYS, force: bool = False
) -> RenewAction:
    """What `app_renew` does for our row; pure, so the rules are tested without a browser.

    Expired: `enabled`. Active and expiring within `renew_within` days (or `force`):
    `reauthorized`. A row the seller disabled is re-enabled only with `force`.
    """
    if row.status == "disabled":
        if not force:
            raise NotAuthorized(
                f"The seller disabled the authorization of '{row.app_name}' in Manage Your "
                "Apps; the bot does not undo that by itself. Run app-renew with --force to "
                "enable it again, or ask the seller."
            )
        return "enabled"
    if row.status == "expired":
        return "enabled"
    if force or row.expires_at is None:
        return "reauthorized"
    return "reauthorized" if row.expires_at <= today + timedelta(days=renew_within) else "none"


def app_renew(
    sc: SellerCentral,
    ctx: RunContext,
    app: AppSettings,
    *,
    renew_within: int = RENEW_WITHIN_DAYS,
    force: bool = False,
    dry_run: bool = False,
    verify: bool = True,
) -> AppRenewResult:
    """Re-authorize or enable our app when due; read the new expiry back (a year ahead)."""
    account = seller_account(ctx.account)
    today = today_of(ctx)
    _refuse_second_consent(sc)
    apps = open_apps(sc, app)
    ours = [r.row for r in apps.read_all(app.app_name) if r.row.ours]
    if not ours:
        raise NotAuthorized(
            f"The app '{app.app_name}' is not in this seller's Manage Your Apps: run "
            "`sellerauth authorize` first.",
            url=sc.page.url,
        )
    if len(ours) > 1:
        raise PageChanged(
            f"The app '{app.app_name}' has {len(ours)} rows in Manage Your Apps; nothing was "
            "clicked.",
            url=sc.page.url,
        )
    action = decide_renewal(ours[0], today, renew_within, force)
    log.info("app_renew_decision", account=account.name, action=action)
    base = {"account": account.name, "app_id": app.app_id, "dry_run": dry_run}
    if action == "none" or dry_run:
        return AppRenewResult.model_validate(
            {
                **base,
                "action": "none",
                "would_do": action if dry_run else None,
                "expires_at": ours[0].expires_at,
            }
        )
    apps = open_apps(sc, app)  # back to the first page: the row may be on any
    row = apps.find_row(app.app_name)
    if row is None:
        raise PageChanged("Our app's row went away before it could be clicked.", url=sc.page.url)
    control = apps.row_control(row, "reauthorize" if action == "reauthorized" else "enable")
    sc.note("before_" + action, screenshot=True)

    def answer_native_dialog(dialog: Dialog) -> None:
        # A browser confirm() after the click is accepted only when it names our app.
        if app.app_name in dialog.message:
            dialog.accept()
        else:
            dialog.dismiss()

    def open_consent() -> str | None:
        sc.page.on("dialog", answer_native_dialog)
        try:
            click_to_navigate(sc.page, control, acts=True)
        finally:
            sc.page.remove_listener("dialog", answer_native_dialog)
        sc.ensure_signed_in()
        shown_app = query_of(sc.page.url).get("application_id")
        if shown_app is not None and shown_app != app.app_id:
            raise WrongDeveloper(
                f"{action} led to the consent for another app ({shown_app}); nothing was "
                "consented.",
                url=sc.page.url,
            )
        # Amazon's own state on the consent URL it led to must come back unchanged.
        expected_state = query_of(sc.page.url).get("state")
        register_secret(expected_state)
        return expected_state

    lwa = _lwa(app)
    done = consent_and_exchange(sc, ctx, app, lwa, open_consent=open_consent)
    endpoint = app.endpoint_for(account.marketplace)
    marketplace_ids = _verify(ctx, app, lwa, endpoint, done) if verify else []
    after = [r.row for r in open_apps(sc, app).read_all(app.app_name) if r.row.ours]
    expires_at = after[0].expires_at if len(after) == 1 else None
    sc.note("after_" + action, screenshot=True, expires_at=str(expires_at))
    if len(after) != 1 or after[0].status != "active" or expires_at is None:
        raise NotConfirmed(
            f"After {action} our app is not active in Manage Your Apps. The new refresh "
            "token was not kept; check Manage Your Apps in Seller Central.",
            url=sc.page.url,
        )
    if expires_at < today + timedelta(days=364):
        raise NotConfirmed(
            f"After {action} the expiry date is {expires_at}, not a year from today.",
            url=sc.page.url,
        )
    return AppRenewResult.model_validate(
        {
            **base,
            "action": action,
            "expires_at": expires_at,
            "selling_partner_id": done.selling_partner_id,
            "marketplace_ids": marketplace_ids,
            "refresh_token": SecretStr(done.refresh_token),
            "verified": verify,
        }
    )


# ---- the commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredAuthorization:
    """The last refresh token the store holds for this account and app, and the run that
    brought it (a new token replaces it)."""

    known: KnownAuthorization
    run_id: str


class AppJobOptions(BaseModel):
    """What every SP-API job's options hold besides the command line's: the app's settings
    and the stored authorization, set by `prepare_app_job` before a browser starts (private:
    never an option, never recorded with the run)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    _app: AppSettings | None = PrivateAttr(default=None)
    _stored: StoredAuthorization | None = PrivateAttr(default=None)

    def ready(self, app: AppSettings, stored: StoredAuthorization | None) -> Self:
        """A copy of these options with the account's app settings and stored token."""
        copy = self.model_copy()
        copy._app = app
        copy._stored = stored
        return copy

    def app_for(self, ctx: RunContext) -> AppSettings:
        """The prepared app settings; read now (without a stored token) when the options
        were not prepared, e.g. by `sellerauth record`."""
        return self._app or app_settings_for(ctx.settings, ctx.account)

    @property
    def known(self) -> KnownAuthorization | None:
        """The refresh token the store holds for this account and app, if any."""
        return self._stored.known if self._stored else None

    @property
    def replaces(self) -> str | None:
        """The run whose refresh token a new one replaces (for the audit trail)."""
        return self._stored.run_id if self._stored else None


AppJobOptionsT = TypeVar("AppJobOptionsT", bound=AppJobOptions)


def prepare_app_job(
    options: AppJobOptionsT, settings: Settings, account: AccountProfile, store: Store | None
) -> AppJobOptionsT:
    """The job's options for `account`: its app settings validated (InvalidInput naming the
    variable, before any browser starts) and the last refresh token stored for the app."""
    app = app_settings_for(settings, account)
    stored = None
    if store is not None:
        history = store.secret_history(account.name, "refresh_token", app_id=app.app_id)
        if history:
            last = history[0]
            known = KnownAuthorization(
                SecretStr(last.value), last.data.get("selling_partner_id") or None
            )
            stored = StoredAuthorization(known, last.run_id)
    return options.ready(app, stored)


def prepare_app_settings(
    options: AppJobOptionsT, settings: Settings, account: AccountProfile, store: Store | None
) -> AppJobOptionsT:
    """The options with the account's app settings only (a job that reads, like
    `app-status`, needs no stored token, and never decrypts one)."""
    return options.ready(app_settings_for(settings, account), None)


_RENEW_WITHIN = Field(
    RENEW_WITHIN_DAYS,
    ge=0,
    le=365,
    description="The renewal window: our app counts as due when it expires within DAYS.",
    json_schema_extra={"metavar": "DAYS"},
)
_NO_VERIFY = Field(
    False,
    description="Do not prove the new refresh token (no access token, no Sellers API call).",
)


class AuthorizeOptions(AppJobOptions):
    """`authorize`'s options and their defaults."""

    renew_within: int = _RENEW_WITHIN
    no_verify: bool = _NO_VERIFY


class AppRenewOptions(AppJobOptions):
    """`app-renew`'s options and their defaults."""

    renew_within: int = _RENEW_WITHIN
    force: bool = Field(False, description="Re-authorize even when not due.")
    dry_run: bool = Field(False, description="Say what would be done; click nothing.")
    no_verify: bool = _NO_VERIFY


def run_authorize_job(page: Page, ctx: RunContext, options: AuthorizeOptions) -> AuthorizeResult:
    """`authorize` as the engine runs it."""
    return run_authorize(
        page,
        ctx,
        app=options.app_for(ctx),
        verify=not options.no_verify,
        known=options.known,
        renew_within=options.renew_within,
    )


def run_app_status_job(page: Page, ctx: RunContext, options: AppJobOptions) -> AppStatusResult:
    """`app-status` as the engine runs it."""
    return run_app_status(page, ctx, app=options.app_for(ctx))


def run_app_renew_job(page: Page, ctx: RunContext, options: AppRenewOptions) -> AppRenewResult:
    """`app-renew` as the engine runs it."""
    return run_app_renew(
        page,
        ctx,
        app=options.app_for(ctx),
        renew_within=options.renew_within,
        force=options.force,
        dry_run=options.dry_run,
        verify=not options.no_verify,
    )


def unforced(options: AppRenewOptions) -> AppRenewOptions:
    """A forced re-authorize would consent a second time: an account a killed run may already
    have re-authorized is re-authorized again only when it is due."""
    return options.model_copy(update={"force": False})


AUTHORIZE = CommandSpec(
    name="authorize",
    help="""Authorize the developer's SP-API app on the seller's account; collect the selling
    partner ID and the LWA refresh token.

    Opens the consent page for SELLERAUTH_APP_ID, checks it names SELLERAUTH_APP_NAME, consents
    once, catches the redirect in the browser, exchanges the code with Login with Amazon and
    proves the refresh token with the Sellers API (--no-verify skips that). When the store holds
    a working refresh token and Manage Your Apps shows the app valid beyond --renew-within
    days: already_authorized, no new consent. The refresh token is stored encrypted and shown
    only with --json. Settings: README "SP-API settings", docs/spapi.md.
    """,
    batch_help="Authorize the SP-API app on every account; refresh tokens go to the store only.",
    options=AuthorizeOptions,
    flow=run_authorize_job,
    result=AuthorizeResult,
    account_overrides=SiteOverrides,
    audit=spapi_reporting.audit_authorize,
    summary=spapi_reporting.summarise_authorize,
    render=spapi_reporting.render_authorize,
    export_columns=("app_id", "selling_partner_id", "outcome", "expires_at"),
    grant_field="app_id",
    secret_fields=("refresh_token",),
    prepare=prepare_app_job,
)

APP_STATUS = CommandSpec(
    name="app-status",
    help="""List every app authorized in the seller's Manage Your Apps, ours marked.

    Reads every page of the table: app name, developer, status, authorization and expiry
    dates. Clicks nothing.
    """,
    batch_help="Read every account's Manage Your Apps.",
    options=AppJobOptions,
    flow=run_app_status_job,
    result=AppStatusResult,
    account_overrides=SiteOverrides,
    grant_field="app_id",
    summary=spapi_reporting.summarise_app_status,
    render=spapi_reporting.render_app_status,
    prepare=prepare_app_settings,
)

APP_RENEW = CommandSpec(
    name="app-renew",
    help="""Renew our SP-API app's authorization in Manage Your Apps when it is due.

    Re-authorize when it expires within --renew-within days (or with --force), Enable
    Authorization when it has expired; then consent as authorize does, store the new refresh
    token (the old one is kept, marked replaced) and read the new expiry back. Never clicks
    Disable authorization.
    """,
    batch_help="Re-authorize the SP-API app on every account where it is due.",
    options=AppRenewOptions,
    flow=run_app_renew_job,
    result=AppRenewResult,
    account_overrides=SiteOverrides,
    audit=spapi_reporting.audit_app_renew,
    summary=spapi_reporting.summarise_app_renew,
    render=spapi_reporting.render_app_renew,
    retry_safe=unforced,
    export_columns=("app_id", "selling_partner_id", "action", "expires_at"),
    grant_field="app_id",
    secret_fields=("refresh_token",),
    prepare=prepare_app_job,
)
