"""`status`: every developer with access to the seller's account, and when it expires
(the permissions screen, docs/pages.md §3). Reads only; clicks nothing that acts."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.table import Table

from automation.commands import CommandSpec
from automation.runner import RunContext
from flows.mws.access import read_screen
from flows.mws.grants import status_facts
from flows.mws.options import SellerOptions, prepare_known_seller
from flows.mws.results import StatusResult
from flows.seller_central import SellerCentral
from flows.site import DEVELOPER_ID, SiteOverrides, digits, seller_account

if TYPE_CHECKING:
    from playwright.sync_api import Page
    from rich.console import Console

    from automation.accounts import AccountProfile


def status(sc: SellerCentral, account: AccountProfile) -> StatusResult:
    """Every developer row of both tables, on every page, the seller's own row left out.

    Raises `PageChanged` when a table could not be read completely (docs/pages.md §4)."""
    _perms, reading = read_screen(sc)
    # A partial list is never reported as the whole: an incomplete reading is page_changed.
    reading.certain(sc.page.url)
    return StatusResult(
        account=account.name,
        seller_id=reading.seller_id,
        access_confirmation=reading.confirmation,
        developers=[r.access for r in reading.current + reading.history],
    )


def summarise_status(data: dict[str, Any], account: AccountProfile | None) -> tuple[str, str]:
    """How many developers, and our row's state and expiry."""
    developers = data.get("developers") or []
    wanted = digits(seller_account(account).developer_id if account is not None else DEVELOPER_ID)
    ours = [d for d in developers if digits(d.get("developer_id", "")) == wanted]
    counted = f"{len(developers)} developer{'' if len(developers) == 1 else 's'}"
    if not ours:
        return f"{counted}; ours absent", "-"
    return f"{counted}; ours {ours[0]['state']}", str(ours[0].get("expires_at") or "-")


def render_status(data: dict[str, Any], account: AccountProfile, console: Console) -> None:
    """Every developer row, ours in bold green, with the days left."""
    ours = digits(seller_account(account).developer_id)
    table = Table(
        title=f"{account.name}: seller {data['seller_id']}, access confirmation "
        f"{data['access_confirmation']}"
    )
    for column in ("developer ID", "nickname", "state", "granted", "expires", "days left"):
        table.add_column(column)
    for dev in data["developers"]:
        expires = dev["expires_at"]
        days = str((date.fromisoformat(expires) - date.today()).days) if expires else "-"
        table.add_row(
            dev["developer_id"],
            dev["nickname"],
            dev["state"],
            (dev["granted_at"] or "-")[:10],
            expires or "-",
            days,
            style="bold green" if digits(dev["developer_id"]) == ours else None,
        )
    console.print(table)


def run_job(page: Page, ctx: RunContext, options: SellerOptions) -> StatusResult:
    """`status` as the engine runs it (no options of its own)."""
    sc = SellerCentral.for_run(page, ctx)
    sc.known_seller_id = options.known_seller_id
    return status(sc, ctx.account)


SPEC = CommandSpec(
    name="status",
    help="List every developer with access to the seller's account, and when it expires.",
    batch_help="Read every account's permissions screen.",
    options=SellerOptions,
    prepare=prepare_known_seller,
    flow=run_job,
    result=StatusResult,
    account_overrides=SiteOverrides,
    summary=summarise_status,
    grant_field="developer_id",
    grant_facts=status_facts,
    render=render_status,
)
