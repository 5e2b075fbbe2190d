"""`register`: give the configured developer access (screens ① to ⑤) and read back its token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from rich.table import Table

from automation.audit import AuditEvent
from automation.commands import CommandSpec, NoOptions
from automation.errors import NotConfirmed, PageChanged
from automation.log import register_secret
from automation.runner import RunContext
from flows.browse.navigation import click_to_navigate
from flows.browse.settle import click_and_settle
from flows.marketplaces import get_marketplace
from flows.mws.access import act_on_row, current_screen, find_access
from flows.mws.pages import registration
from flows.mws.pages.permissions import PermissionsPage
from flows.mws.pages.registration import CompletionPage, ConsentPage, DeveloperFormPage
from flows.mws.results import RegisterResult
from flows.seller_central import SellerCentral
from flows.site import DeveloperOverrides, SellerAccount, seller_account

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from rich.console import Console

    from automation.accounts import AccountProfile

log = structlog.get_logger("flows.mws.register")


def register(sc: SellerCentral, account: SellerAccount) -> RegisterResult:
    """Grant access unless the developer already has it; restore it from the history if there."""
    marketplace_id = get_marketplace(account.marketplace).marketplace_id
    sc.open(registration.PATH, _prefill(account))
    perms = PermissionsPage(sc.page)
    perms.wait_loaded()
    seller_id = perms.seller_id()

    perms, access = find_access(sc, account.developer_id, perms)
    if access is not None and access.state == "active":
        token = _reveal(perms, account)
        sc.note("token_revealed", screenshot=True)
        # An earlier attempt of this run whose grant or restore took effect before it failed.
        outcome = next((o for o in ("granted", "restored") if o in sc.journal), "already_granted")
        return _result(account, outcome, seller_id, marketplace_id, token)
    if access is not None:
        act_on_row(sc, perms, account.developer_id, account.developer_name, "restore")
        perms = current_screen(sc)
        if perms.find_row(account.developer_id, "current") is None:
            raise NotConfirmed(
                "Clicked アクセス権を復元 but the developer is not back in 現在の権限. Check the "
                "permissions screen in Seller Central.",
                url=sc.page.url,
            )
        token = _reveal(perms, account)
        sc.note("restored", screenshot=True)
        return _result(account, "restored", seller_id, marketplace_id, token)

    credentials = _grant(sc, account, perms)
    if credentials.marketplace_id != marketplace_id:
        raise PageChanged(
            f"The completion page shows marketplace {credentials.marketplace_id}, not the "
            f"configured {account.marketplace} ({marketplace_id}): check the marketplace setting "
            "and the account picker's choice.",
            url=sc.page.url,
        )
    if credentials.seller_id != seller_id:
        raise PageChanged(
            "The completion page names another seller ID than the permissions screen.",
            url=sc.page.url,
        )
    return _result(account, "granted", seller_id, marketplace_id, credentials.mws_auth_token)


def _prefill(account: SellerAccount) -> dict[str, str]:
    """The query parameters of the real registration links (they pre-fill screen ③)."""
    return {
        "signInPageDisplayed": "1",
        "developerName": account.developer_name,
        "devMWSAccountId": account.developer_digits,
    }


def _grant(
    sc: SellerCentral, account: SellerAccount, perms: PermissionsPage
) -> registration.Credentials:
    click_to_navigate(sc.page, perms.grant_button)
    sc.ensure_signed_in()
    form = DeveloperFormPage(sc.page)
    form.wait()
    if form.pass_option_screen():
        log.info("legacy_option_screen_passed", account=account.name)
    form.submit(account.developer_name, account.developer_id)

    consent = ConsentPage(sc.page)
    consent.read()
    # Stops with nothing ticked when the page names another developer or an unknown box.
    consent.check(account.developer_name, account.developer_id)
    log.info("consent", account=account.name, developer=account.developer_name)
    consent.tick_all()
    sc.note("consent_ticked", screenshot=True, developer=account.developer_name)
    submit = consent.submit_control()
    sc.journal.append("granted")
    if click_and_settle(sc.page, submit, what="次へ (consent)") != "navigated":
        raise PageChanged(
            "After consenting, the page changed in place instead of showing the completion page.",
            url=sc.page.url,
        )
    sc.ensure_signed_in()
    credentials = CompletionPage(sc.page).read()
    register_secret(credentials.mws_auth_token)  # before anything can fail and log or trace it
    sc.note("completion", screenshot=True)
    return credentials


def _reveal(perms: PermissionsPage, account: SellerAccount) -> str:
    """Our row's MWS auth token, revealed by its 表示 control (in place or after a reload)."""
    row = perms.find_row(account.developer_id, "current")
    if row is None:
        raise PageChanged("The developer's row went away.", url=perms.page.url)
    token = perms.reveal_token(row)
    register_secret(token)
    return token


def _result(
    account: SellerAccount, outcome: str, seller_id: str, marketplace_id: str, token: str
) -> RegisterResult:
    return RegisterResult.model_validate(
        {
            "account": account.name,
            "outcome": outcome,
            "seller_id": seller_id,
            "marketplace_id": marketplace_id,
            "mws_auth_token": token,
            "developer_id": account.developer_id,
        }
    )


# ---- the command ---------------------------------------------------------------------------


def audit_register(data: dict[str, Any], options: object) -> list[AuditEvent]:
    """`granted` and `restored` are actions on the account; `already_granted` is not."""
    if data.get("outcome") not in ("granted", "restored"):
        return []
    action = "grant" if data["outcome"] == "granted" else "restore"
    after = {k: data.get(k) for k in ("seller_id", "marketplace_id")} | {"state": "active"}
    return [AuditEvent(action, data.get("developer_id"), after)]


def summarise_register(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """The outcome; register reads no expiry."""
    return str(data.get("outcome", "-")), "-"


def render_register(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """The values read back, for the person who ran the command."""
    outcome_text = {
        "granted": "access granted",
        "already_granted": "already had access: nothing granted",
        "restored": "expired access restored",
    }[data["outcome"]]
    table = Table(title=f"{account.name}: {outcome_text}", show_header=False)
    for key in ("seller_id", "marketplace_id", "developer_id", "mws_auth_token"):
        table.add_row(key.replace("_", " "), str(data[key]))
    console.print(table)
    console.print(
        "The MWS auth token is a secret: store it safely. `sellerauth register` again, or "
        "`sellerauth export --reveal`, shows it again.",
        style="dim",
        markup=False,
    )


def run_job(page: Page, ctx: RunContext, options: NoOptions) -> RegisterResult:
    """`register` as the engine runs it (it has no options)."""
    return register(SellerCentral.for_run(page, ctx), seller_account(ctx.account))


SPEC = CommandSpec(
    name="register",
    help="""Grant the developer access to the seller's account and read back its MWS auth token.

    Idempotent: when the developer already has access, the token is read and nothing granted;
    when the access expired, it is restored.
    """,
    batch_help="Grant the developer access on every account (idempotent); tokens go to the store.",
    options=NoOptions,
    flow=run_job,
    result=RegisterResult,
    account_overrides=DeveloperOverrides,
    audit=audit_register,
    summary=summarise_register,
    render=render_register,
    export_columns=("seller_id", "marketplace_id", "developer_id", "outcome"),
    grant_field="developer_id",
    secret_fields=("mws_auth_token",),
)
