"""`app-check`: prove the stored refresh token still works, without a browser — a refresh
grant at Login with Amazon, then one Sellers API call (`getMarketplaceParticipations`)
(docs/spapi.md "app-check", docs/pages.md §8).

What it sees is classified: `ok` is the result; `relink_needed` (invalid_grant),
`client_rejected` (invalid_client, the next secret too), `forbidden` (403), `throttled` (429 on
every try, `Retry-After` honoured between them) and `unavailable` (5xx, network; retried as
transient) are errors of those codes, carrying `checked_at`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict

from automation.commands import CommandSpec
from automation.errors import NotAuthorized, SiteUnavailable
from automation.runner import RunContext
from flows.site import SiteOverrides, seller_account
from flows.spapi.errors import (
    AppCheckFailed,
    ClientRejected,
    LwaInvalidClient,
    LwaInvalidGrant,
    RelinkNeeded,
    Throttled,
    Unavailable,
)
from flows.spapi.options import AppJobOptions, KnownAuthorization, app_of, prepare_app_job
from flows.spapi.settings import AppSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from rich.console import Console

    from automation.accounts import AccountProfile

log = structlog.get_logger("flows.spapi.app_check")

# 429 from the Sellers API: this many calls in all, waiting what `Retry-After` asks between
# them, at most MAX_RETRY_AFTER_SECONDS each (SP-API's rate limits ask callers to back off).
THROTTLE_TRIES = 3
MAX_RETRY_AFTER_SECONDS = 30.0

Secret = Literal["current", "next"]


class AppCheckResult(BaseModel):
    """A stored refresh token proven to work at `checked_at` (UTC): the marketplaces the
    Sellers API gave for it, which LWA client secret worked (`current`, or `next` during a
    rotation), and how many 429 answers were waited out. Holds no token."""

    model_config = ConfigDict(frozen=True)

    account: str
    app_id: str
    check: Literal["ok"] = "ok"
    checked_at: datetime
    selling_partner_id: str | None = None
    marketplace_ids: list[str]
    secret: Secret = "current"
    throttled: int = 0


def app_check(
    ctx: RunContext, app: AppSettings, known: KnownAuthorization | None
) -> AppCheckResult:
    """Prove `known` (the stored refresh token) works: an access token from it, then the
    Sellers API's marketplace participations with that access token.

    Raises NotAuthorized (no refresh token stored: run `authorize`), RelinkNeeded,
    ClientRejected, Forbidden, Throttled, Unavailable (see the module), NotConfirmed (an
    answer that is neither a token nor a refusal).
    """
    account = seller_account(ctx.account)
    if known is None:
        raise NotAuthorized(
            f"No refresh token is stored for the app {app.app_id} on this account: run "
            "`sellerauth authorize` (or `app-renew`) first; app-check only proves stored ones."
        )
    checked_at = datetime.fromtimestamp(ctx.clock.time(), UTC).replace(microsecond=0)
    stamp = checked_at.isoformat()
    access, secret = _access_token(app, known, stamp)
    endpoint = app.endpoint_for(account.marketplace)
    ids, throttled = _participations(ctx, app, endpoint, access, stamp, secret)
    log.info("app_check_ok", account=account.name, secret=secret, throttled=throttled)
    return AppCheckResult(
        account=account.name,
        app_id=app.app_id,
        checked_at=checked_at,
        selling_partner_id=known.selling_partner_id,
        marketplace_ids=ids,
        secret=secret,
        throttled=throttled,
    )


def _access_token(app: AppSettings, known: KnownAuthorization, stamp: str) -> tuple[str, Secret]:
    """An access token from the refresh token, and the client secret that got it: the
    current one, else (invalid_client) the next one, tried once."""
    from flows.spapi.lwa import Lwa  # lazy: authlib and requests only when a check runs

    token = known.refresh_token.get_secret_value()
    secret: Secret = "current"
    try:
        try:
            return Lwa(app).access_token(token), secret
        except LwaInvalidClient:
            if app.lwa_client_secret_next is None:
                raise
            log.warning("lwa_current_secret_refused", trying="next")
            secret = "next"
            return Lwa(app, app.lwa_client_secret_next).access_token(token), secret
    except LwaInvalidClient:
        tried = "the current and the next client secret" if secret == "next" else "its secret"
        raise ClientRejected(
            f"Login with Amazon refused the app's credentials (invalid_client) with {tried}: "
            "check SELLERAUTH_LWA_CLIENT_ID and the client secret in Developer Central (it is "
            "rotated every 180 days; a new one goes in SELLERAUTH_LWA_CLIENT_SECRET_NEXT).",
            url=app.lwa_token_url,
            checked_at=stamp,
            secret=secret,
        ) from None
    except LwaInvalidGrant:
        raise RelinkNeeded(
            "Login with Amazon refused the stored refresh token (invalid_grant): the seller "
            "revoked the app, the authorization lapsed, or the seller's role changed. The "
            "seller must authorize again: `sellerauth app-renew` or `sellerauth authorize`.",
            url=app.lwa_token_url,
            checked_at=stamp,
            secret=secret,
        ) from None
    except SiteUnavailable as error:
        raise Unavailable(error.message, url=error.url, checked_at=stamp, secret=secret) from None


def _participations(
    ctx: RunContext, app: AppSettings, endpoint: str, access: str, stamp: str, secret: Secret
) -> tuple[list[str], int]:
    """The marketplace IDs, and how many 429 answers were waited out first (Retry-After
    honoured, at most MAX_RETRY_AFTER_SECONDS each); Throttled after THROTTLE_TRIES calls."""
    from flows.spapi.lwa import check_participations  # lazy: python-amazon-sp-api

    for tried in range(THROTTLE_TRIES):
        try:
            ids, wait = check_participations(app, endpoint, access)
        except AppCheckFailed as error:
            error.checked_at, error.secret = stamp, secret
            raise
        if wait is None:
            return ids, tried
        if tried + 1 < THROTTLE_TRIES:
            log.warning("sellers_throttled", retry_after=wait, attempt=tried + 1)
            ctx.clock.sleep(min(wait, MAX_RETRY_AFTER_SECONDS))
    raise Throttled(
        f"The Sellers API answered 429 (throttled) {THROTTLE_TRIES} times, waiting what "
        "Retry-After asked between them: run app-check again later, or with less concurrency.",
        url=endpoint,
        checked_at=stamp,
        secret=secret,
    )


# ---- the command ---------------------------------------------------------------------------


def run_job(page: Page | None, ctx: RunContext, options: AppJobOptions) -> AppCheckResult:
    """`app-check` as the engine runs it (no page: the spec needs no browser)."""
    return app_check(ctx, options.app_for(ctx), options.known)


def summarise(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """`ok (JP, US)` or `ok via next secret`, and `-` (no expiry: app-status reads it)."""
    ids = ", ".join(data.get("marketplace_ids") or []) or "no marketplace"
    via = " via next secret" if data.get("secret") == "next" else ""
    return f"ok{via} ({ids})", "-"


def render(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """The check for a person at a terminal."""
    outcome, _ = summarise(data, account)
    console.print(f"{data['account']}: refresh token {outcome}, checked {data['checked_at']}")
    if data.get("secret") == "next":
        console.print(
            "The current LWA client secret was refused; the next one worked: make it "
            "SELLERAUTH_LWA_CLIENT_SECRET (docs/spapi.md, rotation)."
        )


SPEC = CommandSpec(
    name="app-check",
    help="""Prove the stored SP-API refresh token still works, without a browser.

    A refresh grant at Login with Amazon, then one Sellers API call
    (getMarketplaceParticipations). Errors say what failed: relink_needed (the seller must
    authorize again), client_rejected (our client secret), forbidden (roles or region),
    throttled, unavailable. Clicks nothing, opens no browser.
    """,
    batch_help="Prove every account's stored SP-API refresh token (daily; no browser).",
    options=AppJobOptions,
    flow=run_job,
    result=AppCheckResult,
    account_overrides=SiteOverrides,
    summary=summarise,
    render=render,
    export_columns=("app_id", "check", "checked_at", "marketplace_ids", "secret"),
    grant_field="app_id",
    prepare=prepare_app_job,
    grant_of=app_of,
    browser=False,
)
