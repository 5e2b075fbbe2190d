"""The permissions-screen flows: `status` reads it, `renew` extends or restores our access."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

import structlog
from pydantic import BaseModel, ConfigDict, Field

from automation.accounts import AccountProfile
from automation.commands import CommandSpec, NoOptions
from automation.errors import NotAuthorized, NotConfirmed, PageChanged
from automation.runner import RunContext
from flows import reporting, texts
from flows.pages.permissions import PATH, PermissionsPage, developer_pattern
from flows.pages.reading import RawRow, click_and_settle, read_page
from flows.results import DeveloperAccess, RenewResult, StatusResult
from flows.seller_central import SellerCentral
from flows.site import SellerAccount, SiteOverrides, seller_account

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page

log = structlog.get_logger("flows.permissions")

RENEW_WITHIN_DAYS = 30
Confirmation = Literal["enabled", "disabled", "mandatory"]


def run_status(page: Page, ctx: RunContext) -> StatusResult:
    """The runner's entry point for `status`."""
    return status(SellerCentral.for_run(page, ctx), ctx.account)


def run_renew(
    page: Page,
    ctx: RunContext,
    *,
    renew_within: int = RENEW_WITHIN_DAYS,
    force: bool = False,
    dry_run: bool = False,
    disable_confirmation: bool = False,
) -> RenewResult:
    """The runner's entry point for `renew` (bind the options with functools.partial)."""
    today = datetime.fromtimestamp(ctx.clock.time()).date()
    return renew(
        SellerCentral.for_run(page, ctx),
        seller_account(ctx.account),
        today=today,
        renew_within=renew_within,
        force=force,
        dry_run=dry_run,
        disable_confirmation=disable_confirmation,
    )


def open_permissions(sc: SellerCentral) -> PermissionsPage:
    """Open the permissions screen (signing in if needed) and wait for it."""
    sc.open(PATH)
    perms = PermissionsPage(sc.page)
    perms.wait_loaded()
    return perms


def status(sc: SellerCentral, account: AccountProfile) -> StatusResult:
    """Every developer row of both tables, on every page, the seller's own row left out."""
    perms = open_permissions(sc)
    seller_id = perms.seller_id()
    confirmation = perms.access_confirmation()
    current = perms.read_all("current")
    if perms.paged:
        perms = open_permissions(sc)
    history = perms.read_all("history")
    return StatusResult(
        account=account.name,
        seller_id=seller_id,
        access_confirmation=confirmation,
        developers=[r.access for r in current + history],
    )


def find_access(
    sc: SellerCentral, developer_id: str, perms: PermissionsPage | None = None
) -> tuple[PermissionsPage, DeveloperAccess | None]:
    """Our developer's row: looked for in the current table, then in the history.

    Uses the screen `perms` already shows when given; loads it again only when paging one
    table may have moved the other off its first page.
    """
    tables: tuple[Literal["current", "history"], ...] = ("current", "history")
    for which in tables:
        if perms is None or perms.paged:
            perms = open_permissions(sc)
        row = perms.find_row(developer_id, which)
        if row is not None:
            return perms, row.access
    assert perms is not None
    return perms, None


def current_screen(sc: SellerCentral) -> PermissionsPage:
    """The permissions screen as shown now (read afresh), or loaded again when the page shows
    something else."""
    perms = PermissionsPage(sc.page)
    if perms.is_shown():
        perms.refresh()
        return perms
    return open_permissions(sc)


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


def act_on_row(
    sc: SellerCentral,
    perms: PermissionsPage,
    developer_id: str,
    developer_name: str,
    action: Literal["renew", "restore"],
) -> None:
    """Click the row's renew or restore control once, then wait for whichever comes: a new
    page, a confirmation step naming our developer (a page, an in-page dialog or a browser
    `confirm()`, each confirmed once), or our row changing in place. The caller reads the
    effect back.

    Raises `PageChanged` when the row or its control is missing, when a confirmation does not
    name the configured developer (nothing confirmed), or when the click shows no effect.
    """
    which: Literal["current", "history"] = "current" if action == "renew" else "history"
    row = perms.find_row(developer_id, which)
    if row is None:
        raise PageChanged(
            "The developer's row went away before it could be clicked.", url=sc.page.url
        )
    control = perms.row_action(row, action)
    label = texts.texts(action)[0]
    if control is None:
        raise PageChanged(f"The developer's row offers no {label} control.", url=sc.page.url)
    log.info("row_action", account=sc.signin.account.name, developer_id=developer_id, action=action)
    names_us = developer_pattern(developer_id)

    def names_ours(text: str) -> bool:
        return bool(names_us.search(text) or (developer_name and developer_name in text))

    declined: list[str] = []

    def answer_native_dialog(dialog: Dialog) -> None:
        # A browser confirm() is accepted only when it names our developer.
        if names_ours(dialog.message):
            dialog.accept()
        else:
            declined.append(dialog.type)
            dialog.dismiss()

    sc.page.on("dialog", answer_native_dialog)
    try:
        sc.journal.append("renewed" if action == "renew" else "restored")
        try:
            outcome = click_and_settle(sc.page, control, what=label, row=row.raw, dialogs=True)
        except PageChanged:
            if declined:
                raise PageChanged(
                    "The browser asked to confirm for another developer than the configured "
                    "one; nothing was confirmed.",
                    url=sc.page.url,
                ) from None
            raise
        if outcome == "dialog":
            _confirm_dialog(sc, names_ours, row.raw)
        elif outcome == "navigated":
            sc.ensure_signed_in()
            _confirm_page(sc, names_ours)
    finally:
        sc.page.remove_listener("dialog", answer_native_dialog)


def _confirm_dialog(
    sc: SellerCentral, names_ours: Callable[[str], bool], row: RawRow | None
) -> None:
    """Confirm (承認する) an in-page dialog naming our developer, once."""
    snap = read_page(sc.page, wait=False)
    for dialog in snap.dialogs:
        confirm = next((c for c in dialog.controls if texts.exact("confirm").match(c.name)), None)
        if confirm is None:
            continue
        if not names_ours(dialog.text):
            raise PageChanged(
                "The confirmation dialog does not name the configured developer; nothing was "
                "confirmed.",
                url=sc.page.url,
            )
        if click_and_settle(sc.page, confirm, what="承認する", row=row) == "navigated":
            sc.ensure_signed_in()
        return
    raise PageChanged(
        "A dialog opened that offers no 承認する / Confirm button; nothing was confirmed.",
        url=sc.page.url,
    )


def _confirm_page(sc: SellerCentral, names_ours: Callable[[str], bool]) -> None:
    """Confirm (承認する) when the click led to a confirmation page naming our developer."""
    snap = read_page(sc.page)
    confirm = snap.control(texts.exact("confirm"))
    if confirm is None:
        return  # the click's answer is the result itself
    if not names_ours(snap.text):
        raise PageChanged(
            "The confirmation step does not name the configured developer; nothing was confirmed.",
            url=sc.page.url,
        )
    click_and_settle(sc.page, confirm, what="承認する")
    sc.ensure_signed_in()


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
    perms, access = find_access(sc, account.developer_id, perms)
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


def read_back(sc: SellerCentral, developer_id: str) -> DeveloperAccess | None:
    """Our row in the current table, read from the screen the action's answer shows (updated
    in place or newly loaded) when it is the permissions screen, else from a new load."""
    perms = current_screen(sc)
    row = perms.find_row(developer_id, "current")
    return row.access if row is not None else None


# ---- the commands --------------------------------------------------------------------------


def run_status_job(page: Page, ctx: RunContext, options: NoOptions) -> StatusResult:
    """`status` as the engine runs it (it has no options)."""
    return run_status(page, ctx)


class RenewOptions(BaseModel):
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


def run_renew_job(page: Page, ctx: RunContext, options: RenewOptions) -> RenewResult:
    """`renew` as the engine runs it."""
    return run_renew(page, ctx, **options.model_dump())


def unforced(options: RenewOptions) -> RenewOptions:
    """A forced renewal would renew a second time: an account a killed run may already have
    renewed is renewed again only when it is due."""
    return options.model_copy(update={"force": False})


STATUS = CommandSpec(
    name="status",
    help="List every developer with access to the seller's account, and when it expires.",
    batch_help="Read every account's permissions screen.",
    options=NoOptions,
    flow=run_status_job,
    result=StatusResult,
    account_overrides=SiteOverrides,
    summary=reporting.summarise_status,
    render=reporting.render_status,
)

RENEW = CommandSpec(
    name="renew",
    help="""Renew (アクセス権を承認) or restore (アクセス権を復元) the developer's access
    when needed.

    Acts only on the configured developer's row, and only when its access expires within
    --renew-within days, has expired, or --force is given. Never revokes anything.
    """,
    batch_help="Renew or restore the developer's access on every account where it is due.",
    options=RenewOptions,
    flow=run_renew_job,
    result=RenewResult,
    account_overrides=SiteOverrides,
    audit=reporting.audit_renew,
    summary=reporting.summarise_renew,
    render=reporting.render_renew,
    retry_safe=unforced,
    export_columns=("action", "expires_at", "access_confirmation"),
    grant_field="developer_id",
)
