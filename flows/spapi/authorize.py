"""`authorize`: authorize our SP-API app on the seller's account and collect the selling
partner ID and the LWA refresh token (the consent page, docs/pages.md §6; LWA, §8)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import structlog
from pydantic import SecretStr

from automation.commands import CommandSpec
from automation.log import register_secret
from automation.runner import RunContext
from flows.seller_central import SellerCentral
from flows.site import RENEW_WITHIN_DAYS, SiteOverrides, seller_account
from flows.spapi import reporting
from flows.spapi.consent import (
    consent_and_exchange,
    lwa_for,
    new_consent,
    participations,
    prove_token,
    today_of,
)
from flows.spapi.errors import LwaInvalidGrant
from flows.spapi.grants import authorize_facts
from flows.spapi.manage import read_apps, read_expiry
from flows.spapi.options import (
    NO_VERIFY,
    RENEW_WITHIN,
    AppJobOptions,
    KnownAuthorization,
    app_of,
    prepare_app_job,
)
from flows.spapi.recovery import lost, recovery_note, refuse_second_consent, token_or_open
from flows.spapi.results import AuthorizeResult
from flows.spapi.settings import AppSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from flows.spapi.lwa import Lwa

log = structlog.get_logger("flows.spapi.authorize")


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
    Apps, and the token still working: `already_authorized`, no consent. A consent an
    earlier run gave without keeping its token is recovered: Manage Your Apps read, then one
    consent (`recovery` says so; flows/spapi/recovery.py).
    """
    account = seller_account(ctx.account)
    refuse_second_consent(sc, "authorize")
    lwa = lwa_for(app)
    endpoint = app.endpoint_for(account.marketplace)
    if known is not None:
        register_secret(known.refresh_token)
    recovery = None
    clicks = lost(sc)
    if clicks:
        _apps, reading = read_apps(sc, app)
        reading.certain(sc.page.url)
        recovery = recovery_note(sc, reading, clicks)
    elif known is not None:
        found = _still_authorized(sc, ctx, app, lwa, endpoint, known, renew_within)
        if found is not None:
            return found
    done = consent_and_exchange(sc, ctx, app, lwa, open_consent=new_consent(sc, app, account))
    marketplace_ids = prove_token(ctx, app, lwa, endpoint, done) if verify else []
    expires_at = read_expiry(sc, app)
    return AuthorizeResult(
        account=account.name,
        outcome="authorized",
        app_id=app.app_id,
        selling_partner_id=done.selling_partner_id,
        marketplace_ids=marketplace_ids,
        expires_at=expires_at,
        refresh_token=SecretStr(done.refresh_token),
        verified=verify,
        recovery=recovery,
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
    _apps, reading = read_apps(sc, app)
    # Whether to consent again is decided only on a complete reading.
    reading.certain(sc.page.url)
    ours = [r.row for r in reading.ours()]
    if len(ours) != 1 or ours[0].status != "active" or ours[0].expires_at is None:
        return None
    if ours[0].expires_at <= today_of(ctx) + timedelta(days=renew_within):
        return None
    try:
        access = lwa.access_token(known.refresh_token.get_secret_value())
    except LwaInvalidGrant:
        log.info("known_token_refused", account=ctx.account.name)
        return None
    marketplace_ids = participations(app, endpoint, access)
    return AuthorizeResult(
        account=ctx.account.name,
        outcome="already_authorized",
        app_id=app.app_id,
        selling_partner_id=known.selling_partner_id,
        marketplace_ids=marketplace_ids,
        expires_at=ours[0].expires_at,
        refresh_token=known.refresh_token,
    )


# ---- the command ---------------------------------------------------------------------------


class AuthorizeOptions(AppJobOptions):
    """`authorize`'s options and their defaults."""

    renew_within: int = RENEW_WITHIN
    no_verify: bool = NO_VERIFY


def run_job(page: Page, ctx: RunContext, options: AuthorizeOptions) -> AuthorizeResult:
    """`authorize` as the engine runs it."""
    sc = SellerCentral.for_run(page, ctx)
    with token_or_open(sc, "authorize"):
        return authorize(
            sc,
            ctx,
            options.app_for(ctx),
            verify=not options.no_verify,
            known=options.known,
            renew_within=options.renew_within,
        )


SPEC = CommandSpec(
    name="authorize",
    help="""Authorize the developer's SP-API app on the seller's account; collect the selling
    partner ID and the LWA refresh token.

    Opens the consent page for SELLERAUTH_APP_ID, checks it names SELLERAUTH_APP_NAME, consents
    once, catches the redirect in the browser, exchanges the code with Login with Amazon and
    proves the refresh token with the Sellers API (--no-verify skips that). When the store holds
    a working refresh token and Manage Your Apps shows the app valid beyond --renew-within
    days: already_authorized, no new consent. The refresh token is stored encrypted and shown
    only with --json. Settings: docs/spapi.md "Settings".
    """,
    batch_help="Authorize the SP-API app on every account; refresh tokens go to the store only.",
    options=AuthorizeOptions,
    flow=run_job,
    result=AuthorizeResult,
    account_overrides=SiteOverrides,
    audit=reporting.audit_authorize,
    summary=reporting.summarise_authorize,
    render=reporting.render_authorize,
    export_columns=("app_id", "selling_partner_id", "outcome", "expires_at"),
    grant_field="app_id",
    grant_facts=authorize_facts,
    secret_fields=("refresh_token",),
    prepare=prepare_app_job,
    grant_of=app_of,
)
