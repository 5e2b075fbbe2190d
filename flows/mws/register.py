"""`register`: give the configured developer access (screens ① to ⑤) and read back its token."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from rich.table import Table

from automation.audit import AuditEvent
from automation.commands import CommandSpec
from automation.errors import NotConfirmed, PageChanged
from automation.log import register_secret
from automation.runner import RunContext
from flows import texts
from flows.browse.gate import Reading
from flows.browse.look import marked
from flows.browse.navigation import click_to_navigate
from flows.marketplaces import get_marketplace
from flows.mws.access import ScreenReading, act_on_row, locate, read_screen
from flows.mws.grants import register_facts
from flows.mws.options import SellerOptions, prepare_known_seller
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
    perms, reading = read_screen(sc, perms)
    seller_id = reading.seller_id
    # Absent, in the history or current: decided only on a complete reading of both tables.
    access = reading.access(account.developer_id, sc.page.url)
    if access is not None and access.state == "active":
        token = _reveal(sc, perms, reading, account)
        sc.note("token_revealed", screenshot=True)
        # An earlier attempt of this run whose grant or restore took effect before it failed.
        outcome = next((o for o in ("granted", "restored") if o in sc.journal), "already_granted")
        return _result(account, outcome, seller_id, marketplace_id, token)
    if access is not None:
        act_on_row(sc, perms, reading, account.developer_id, account.developer_name, "restore")
        perms, reading = read_screen(sc)
        if reading.access(account.developer_id, sc.page.url) is None or not reading.rows_of(
            account.developer_id, "current"
        ):
            raise NotConfirmed(
                "Clicked アクセス権を復元 but the developer is not back in 現在の権限. Check the "
                "permissions screen in Seller Central.",
                url=sc.page.url,
            )
        token = _reveal(sc, perms, reading, account)
        sc.note("restored", screenshot=True)
        return _result(account, "restored", seller_id, marketplace_id, token)

    credentials = _grant(sc, account, perms, reading)
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
    sc: SellerCentral, account: SellerAccount, perms: PermissionsPage, reading: ScreenReading
) -> registration.Credentials:
    """Screens ③ to ⑤: the form, consent (the acting click, through the gate: the whole
    permissions screen read without our developer, and a consent page naming ours only),
    then the completion page's values."""
    grant = perms.control_named(texts.exact("authorize_developer"), "開発者にアクセス権を付与")
    click_to_navigate(sc.page, marked(sc.page, grant.mark))
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
    gate = Reading(
        "the permissions screen and the consent page",
        f"developer {account.developer_id} absent, and named alone on the consent page",
        problems=tuple(reading.problems),
    )
    sc.journal.append("granted")
    if consent.act(submit, what="次へ (consent)", reading=gate) != "navigated":
        raise PageChanged(
            "After consenting, the page changed in place instead of showing the completion page.",
            url=sc.page.url,
        )
    sc.ensure_signed_in()
    credentials = CompletionPage(sc.page).read()
    register_secret(credentials.mws_auth_token)  # before anything can fail and log or trace it
    sc.note("completion", screenshot=True)
    return credentials


def _reveal(
    sc: SellerCentral, perms: PermissionsPage, reading: ScreenReading, account: SellerAccount
) -> str:
    """Our row's MWS auth token, revealed by its 表示 control (in place, or after a reload of
    the page with the token in the row)."""
    perms, row = locate(sc, perms, reading, account.developer_id, "current")
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


def run_job(page: Page, ctx: RunContext, options: SellerOptions) -> RegisterResult:
    """`register` as the engine runs it (no options of its own)."""
    sc = SellerCentral.for_run(page, ctx)
    sc.known_seller_id = options.known_seller_id
    return register(sc, seller_account(ctx.account))


SPEC = CommandSpec(
    name="register",
    help="""Grant the developer access to the seller's account and read back its MWS auth token.

    Idempotent: when the developer already has access, the token is read and nothing granted;
    when the access expired, it is restored.
    """,
    batch_help="Grant the developer access on every account (idempotent); tokens go to the store.",
    options=SellerOptions,
    prepare=prepare_known_seller,
    flow=run_job,
    result=RegisterResult,
    account_overrides=DeveloperOverrides,
    audit=audit_register,
    summary=summarise_register,
    render=render_register,
    export_columns=("seller_id", "marketplace_id", "developer_id", "outcome"),
    grant_field="developer_id",
    grant_facts=register_facts,
    secret_fields=("mws_auth_token",),
)
