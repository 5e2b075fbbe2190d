"""`app-renew`: re-authorize our SP-API app in Manage Your Apps when it is due (or enable
an expired authorization), consent again, keep the new refresh token and read the new expiry
back (docs/pages.md §6, §7)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

import structlog
from pydantic import Field, SecretStr

from automation.commands import CommandSpec
from automation.errors import NotAuthorized, NotConfirmed, PageChanged, WrongDeveloper
from automation.log import register_secret
from automation.runner import RunContext
from flows import names
from flows.browse.dialogs import answering_dialogs
from flows.browse.gate import Reading
from flows.browse.look import Control
from flows.seller_central import SellerCentral
from flows.site import RENEW_WITHIN_DAYS, SiteOverrides, seller_account
from flows.spapi import reporting
from flows.spapi.consent import (
    consent_and_exchange,
    lwa_for,
    new_consent,
    prove_token,
    today_of,
)
from flows.spapi.grants import app_renew_facts
from flows.spapi.manage import open_apps, read_apps
from flows.spapi.options import NO_VERIFY, RENEW_WITHIN, AppJobOptions, app_of, prepare_app_job
from flows.spapi.pages.apps import Action, ManageYourAppsPage, words
from flows.spapi.pages.consent import query_of
from flows.spapi.recovery import (
    JOURNAL_ENABLE,
    JOURNAL_REAUTHORIZE,
    lost,
    recovery_note,
    refuse_second_consent,
    token_or_open,
)
from flows.spapi.results import AppRenewResult, AppRow, RenewAction
from flows.spapi.settings import AppSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page

log = structlog.get_logger("flows.spapi.app_renew")


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
    """Re-authorize or enable our app when due; read the new expiry back (a year ahead).

    Decided only on a complete reading of Manage Your Apps, with our app's row found exactly
    once by its whole name (docs/pages.md §7). A due authorization whose row offers no renewal
    control (lapsed, or only `Disable`) is authorized again through the consent page, as for
    a new seller, and the result says so (`authorized`); `Disable` is never clicked. A
    renewal an earlier run began without keeping its token is recovered through the consent
    page, never a second `Re-authorize` click (`recovery` says so; flows/spapi/recovery.py)."""
    account = seller_account(ctx.account)
    today = today_of(ctx)
    refuse_second_consent(sc, "app-renew")
    apps, reading = read_apps(sc, app)
    reading.certain(sc.page.url)
    ours = reading.ours()
    clicks = lost(sc)
    if not ours and not clicks:
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
    recovery = recovery_note(sc, reading, clicks) if clicks else None
    if recovery is not None:
        if ours:
            decide_renewal(ours[0].row, today, renew_within, force)  # a disabled row: refused
        # Through the consent page: never a second click on the row.
        action: RenewAction = _RECOVERED.get(clicks[0], "authorized")
    else:
        action = decide_renewal(ours[0].row, today, renew_within, force)
    offered = any(words(k).match(n) for o in ours[:1] for n in o.actions for k in _RENEWING)
    if recovery is None and action != "none" and not offered:
        # No control to renew with (a lapsed row, or one offering only `Disable`): a new
        # authorization through the consent page, as for a new seller (docs/pages.md §7).
        action = "authorized"
    log.info("app_renew_decision", account=account.name, action=action)
    base = {"account": account.name, "app_id": app.app_id, "dry_run": dry_run}
    if action == "none" or dry_run:
        return AppRenewResult.model_validate(
            {
                **base,
                "action": "none",
                "would_do": [WOULD_DO[action]] if dry_run and action != "none" else [],
                "expires_at": ours[0].row.expires_at if ours else None,
                "recovery": recovery,
            }
        )
    sc.note("before_" + action, screenshot=True)
    if recovery is not None or action == "authorized":
        log.warning("app_renew_authorizes_again", account=account.name, app=app.app_name)
        open_consent: Callable[[], str | None] = new_consent(sc, app, account)
    else:
        if reading.paged:
            apps = open_apps(sc, app)  # back to the first page: the row may be on any
        row = apps.locate_row()
        wanted: Action = "reauthorize" if action == "reauthorized" else "enable"
        control = None
        if row is not None:
            # A lapsed row may offer re-authorization (`再認可`) rather than `Enable`.
            control = apps.row_control(row, wanted) or apps.row_control(
                row, "enable" if wanted == "reauthorize" else "reauthorize"
            )
        if control is None:
            raise PageChanged(
                f"Our app's row offers no control to {wanted}; nothing was clicked.",
                url=sc.page.url,
            )
        open_consent = _renewing(sc, apps, app, control, reading.gate(control.name), action)

    lwa = lwa_for(app)
    done = consent_and_exchange(sc, ctx, app, lwa, open_consent=open_consent)
    endpoint = app.endpoint_for(account.marketplace)
    marketplace_ids = prove_token(ctx, app, lwa, endpoint, done) if verify else []
    _apps, again = read_apps(sc, app)
    after = [r.row for r in again.ours()] if not again.problems else []
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
            "recovery": recovery,
        }
    )


_RENEWING = ("apps_reauthorize", "apps_enable")
_RECOVERED: dict[str, RenewAction] = {
    JOURNAL_REAUTHORIZE: "reauthorized",
    JOURNAL_ENABLE: "enabled",
}
WOULD_DO = {"reauthorized": "reauthorize", "enabled": "enable", "authorized": "authorize"}


def _renewing(
    sc: SellerCentral,
    apps: ManageYourAppsPage,
    app: AppSettings,
    control: Control,
    gate: Reading,
    action: str,
) -> Callable[[], str | None]:
    """How a renewal reaches the consent page: our row's control clicked once through the gate
    (a browser `confirm()` accepted only when it names our app whole), then the consent page
    Amazon leads to, which must be for our app; returns Amazon's `state` to expect back."""

    def open_consent() -> str | None:
        with answering_dialogs(sc.page, lambda message: names.names_whole(message, app.app_name)):
            # Written ahead: a run that finds it open consents again without this click.
            sc.journal.append(JOURNAL_REAUTHORIZE if action == "reauthorized" else JOURNAL_ENABLE)
            apps.act(control, what=control.name, reading=gate)
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

    return open_consent


# ---- the command ---------------------------------------------------------------------------


class AppRenewOptions(AppJobOptions):
    """`app-renew`'s options and their defaults."""

    renew_within: int = RENEW_WITHIN
    force: bool = Field(False, description="Re-authorize even when not due.")
    dry_run: bool = Field(False, description="Say what would be done; click nothing.")
    no_verify: bool = NO_VERIFY


def run_job(page: Page, ctx: RunContext, options: AppRenewOptions) -> AppRenewResult:
    """`app-renew` as the engine runs it."""
    sc = SellerCentral.for_run(page, ctx)
    with token_or_open(sc, "app-renew"):
        return app_renew(
            sc,
            ctx,
            options.app_for(ctx),
            renew_within=options.renew_within,
            force=options.force,
            dry_run=options.dry_run,
            verify=not options.no_verify,
        )


def unforced(options: AppRenewOptions) -> AppRenewOptions:
    """A forced re-authorize would consent a second time: an account a killed run may already
    have re-authorized is re-authorized again only when it is due."""
    return options.model_copy(update={"force": False})


SPEC = CommandSpec(
    name="app-renew",
    help="""Renew our SP-API app's authorization in Manage Your Apps when it is due.

    Re-authorize when it expires within --renew-within days (or with --force), Enable
    Authorization when it has expired; then consent as authorize does, store the new refresh
    token (the old one is kept, marked replaced) and read the new expiry back. Never clicks
    Disable authorization.
    """,
    batch_help="Re-authorize the SP-API app on every account where it is due.",
    options=AppRenewOptions,
    flow=run_job,
    result=AppRenewResult,
    account_overrides=SiteOverrides,
    audit=reporting.audit_app_renew,
    summary=reporting.summarise_app_renew,
    render=reporting.render_app_renew,
    retry_safe=unforced,
    export_columns=("app_id", "selling_partner_id", "action", "expires_at"),
    grant_field="app_id",
    grant_facts=app_renew_facts,
    secret_fields=("refresh_token",),
    prepare=prepare_app_job,
    grant_of=app_of,
)
