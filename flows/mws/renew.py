"""`renew`: renew (アクセス権を承認) or restore (アクセス権を復元) our developer's access when it
is due, and read the effect back (the permissions screen, docs/pages.md §3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import structlog
from pydantic import ConfigDict, Field

from automation.audit import AuditEvent
from automation.commands import CommandSpec
from automation.errors import NotAuthorized, NotConfirmed
from automation.runner import RunContext
from flows.mws.access import act_on_row, open_permissions, read_back, read_screen
from flows.mws.grants import renew_facts
from flows.mws.options import SellerOptions, prepare_known_seller
from flows.mws.pages.permissions import PermissionsPage
from flows.mws.results import DeveloperAccess, RenewResult
from flows.seller_central import SellerCentral
from flows.site import RENEW_WITHIN_DAYS, SellerAccount, SiteOverrides, seller_account

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from rich.console import Console

    from automation.accounts import AccountProfile

log = structlog.get_logger("flows.mws.renew")

Confirmation = Literal["enabled", "disabled", "mandatory"]


def decide(
    access: DeveloperAccess,
    confirmation: str,
    today: date,
    renew_within: int = RENEW_WITHIN_DAYS,
    force: bool = False,
) -> Literal["renewed", "restored", "none"]:
    """What `renew` must do for our row; pure, so the rules are tested without a browser."""
    if access.state == "inactive":
        return "restored"
    if confirmation == "disabled":
        return "none"  # access does not expire, and the screen offers no renew control
    if force or access.expires_at is None:
        return "renewed"
    return "renewed" if access.expires_at <= today + timedelta(days=renew_within) else "none"


def renew(
    sc: SellerCentral,
    account: SellerAccount,
    *,
    today: date,
    renew_within: int = RENEW_WITHIN_DAYS,
    force: bool = False,
    dry_run: bool = False,
    disable_confirmation: bool = False,
) -> RenewResult:
    """Renew or restore the configured developer's access when needed, and prove the effect."""

    def result(action: str, expires_at: date | None, **extra: object) -> RenewResult:
        return RenewResult.model_validate(
            {
                "account": account.name,
                "developer_id": account.developer_id,
                "action": action,
                "expires_at": expires_at,
                "access_confirmation": confirmation,
                "confirmation_changed": changed,
                **extra,
            }
        )

    perms = open_permissions(sc)
    confirmation = perms.access_confirmation()
    would_do: list[str] = []  # a dry run's preview, in the order a real run would act
    if disable_confirmation and confirmation == "enabled":
        if dry_run:
            would_do.append("disable_confirmation")
        else:
            confirmation = _disable_confirmation(sc, perms)
    changed = "confirmation_disabled" in sc.journal  # by this run, earlier attempts included
    perms, reading = read_screen(sc, perms)
    access = reading.access(account.developer_id, sc.page.url)
    if access is None:
        raise NotAuthorized(
            f"Developer {account.developer_id} has no access to this seller account: run "
            "`sellerauth register` first.",
            url=sc.page.url,
        )
    done_before = next((a for a in ("renewed", "restored") if a in sc.journal), None)
    if done_before and access.state == "active" and _fresh(access, confirmation, today):
        # An earlier attempt of this run clicked, and the page shows the effect: never again.
        return result(done_before, access.expires_at)
    action = decide(access, confirmation, today, renew_within, force)
    log.info("renew_decision", account=account.name, action=action, expires_at=access.expires_at)
    if dry_run:
        # Nothing was done: `action` stays "none"; what a real run would do is in `would_do`.
        would_do += {"renewed": ["renew"], "restored": ["restore"]}.get(action, [])
        return result(
            "none", access.expires_at, dry_run=True, would_do=would_do, state=access.state
        )
    if action == "none":
        return result(action, access.expires_at)
    sc.note("before_" + action, screenshot=True)
    act_on_row(
        sc,
        perms,
        reading,
        account.developer_id,
        account.developer_name,
        "renew" if action == "renewed" else "restore",
    )
    after = read_back(sc, account.developer_id)
    if after is None or after.state != "active":
        raise NotConfirmed(
            "The click did not show its effect: the developer's row is not in 現在の権限. Check "
            "the permissions screen in Seller Central.",
            url=sc.page.url,
        )
    sc.note("after_" + action, screenshot=True, expires_at=str(after.expires_at))
    if not _a_year_ahead(after, confirmation, today):
        raise NotConfirmed(
            "The click did not show its effect: the expiry date is not a year from today. Check "
            "the permissions screen in Seller Central.",
            url=sc.page.url,
        )
    return result(action, after.expires_at)


def _disable_confirmation(sc: SellerCentral, perms: PermissionsPage) -> Confirmation:
    """Click 無効にする and read the line back; the seller asked for it explicitly."""
    sc.note("before_disable_confirmation", screenshot=True)
    sc.journal.append("confirmation_disabled")
    perms.disable_confirmation()
    confirmation = open_permissions(sc).access_confirmation()
    sc.note("after_disable_confirmation", screenshot=True, confirmation=confirmation)
    if confirmation != "disabled":
        raise NotConfirmed(
            "Clicked 無効にする but the screen still shows confirmation enabled.",
            url=sc.page.url,
        )
    return confirmation


def _a_year_ahead(access: DeveloperAccess, confirmation: str, today: date) -> bool:
    """What a renewal or restore shows: expiry a year from today (none when confirmation is off)."""
    if confirmation == "disabled":
        return access.expires_at is None
    return access.expires_at is not None and access.expires_at >= today + timedelta(days=364)


def _fresh(access: DeveloperAccess, confirmation: str, today: date) -> bool:
    """Access that a renewal or restore has just moved (about) a year ahead."""
    if confirmation == "disabled":
        return True
    return access.expires_at is not None and access.expires_at >= today + timedelta(days=300)


# ---- the command ---------------------------------------------------------------------------


class RenewOptions(SellerOptions):
    """`renew`'s options and their defaults (the only place they are written down)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    renew_within: int = Field(
        RENEW_WITHIN_DAYS,
        ge=0,
        description="Renew when access expires within DAYS (Amazon starts reminding at 30).",
        json_schema_extra={"metavar": "DAYS"},
    )
    force: bool = Field(False, description="Renew even when not due.")
    dry_run: bool = Field(False, description="Say what would be done; click nothing.")
    disable_confirmation: bool = Field(
        False,
        description="Also switch off the seller's developer access confirmation (無効にする), "
        "so access stops expiring. Changes a security setting: only when the seller asked.",
        json_schema_extra={"batch": False},
    )


def run_job(page: Page, ctx: RunContext, options: RenewOptions) -> RenewResult:
    """`renew` as the engine runs it."""
    today = datetime.fromtimestamp(ctx.clock.time()).date()
    sc = SellerCentral.for_run(page, ctx)
    sc.known_seller_id = options.known_seller_id
    return renew(
        sc,
        seller_account(ctx.account),
        today=today,
        **options.model_dump(),
    )


def unforced(options: RenewOptions) -> RenewOptions:
    """A forced renewal would renew a second time: an account a killed run may already have
    renewed is renewed again only when it is due."""
    return options.model_copy(update={"force": False})


def audit_renew(data: dict[str, Any], options: RenewOptions) -> list[AuditEvent]:
    """Renewals, restores and switching the confirmation off; nothing for a dry run."""
    if data.get("dry_run"):
        return []
    developer = data.get("developer_id")
    events: list[AuditEvent] = []
    after = {k: data.get(k) for k in ("state", "expires_at", "access_confirmation")}
    if data.get("action") in ("renewed", "restored"):
        action = "renew" if data["action"] == "renewed" else "restore"
        events.append(AuditEvent(action, developer, after))
    changed = data.get("confirmation_changed")
    if changed is None:
        # Older results do not say whether the flow clicked: asked for and now disabled.
        changed = options.disable_confirmation and data.get("access_confirmation") == "disabled"
    if changed:
        events.append(
            AuditEvent("disable_confirmation", developer, {"access_confirmation": "disabled"})
        )
    return events


def summarise_renew(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """What was done (or would be, in a dry run) and the expiry read back."""
    action = str(data.get("action", "-"))
    if data.get("dry_run"):
        would = data.get("would_do") or []
        action = f"dry run: would {' + '.join(would)}" if would else "dry run: nothing due"
    expires = data.get("expires_at") or (
        "never" if data.get("access_confirmation") == "disabled" else "-"
    )
    return action, str(expires)


def render_renew(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """One line: what was done and when access now expires."""
    verb = {"renewed": "renewed", "restored": "restored", "none": "nothing to do"}[data["action"]]
    if data.get("dry_run"):
        would = " and ".join(w.replace("_", " ") for w in data.get("would_do") or [])
        verb = f"dry run, nothing done: would {would}" if would else "dry run: nothing to do"
    expiry = data["expires_at"] or "never (confirmation disabled)"
    if data.get("state") == "inactive":
        expiry = f"{data['expires_at'] or '-'} (expired; only in the history)"
    console.print(
        f"{account.name}: developer {data['developer_id']}: {verb}; access expires {expiry}."
    )


SPEC = CommandSpec(
    name="renew",
    help="""Renew (アクセス権を承認) or restore (アクセス権を復元) the developer's access
    when needed.

    Acts only on the configured developer's row, and only when its access expires within
    --renew-within days, has expired, or --force is given. Never revokes anything.
    """,
    batch_help="Renew or restore the developer's access on every account where it is due.",
    options=RenewOptions,
    flow=run_job,
    result=RenewResult,
    account_overrides=SiteOverrides,
    audit=audit_renew,
    summary=summarise_renew,
    render=render_renew,
    retry_safe=unforced,
    prepare=prepare_known_seller,
    export_columns=("action", "expires_at", "access_confirmation"),
    grant_field="developer_id",
    grant_facts=renew_facts,
)
