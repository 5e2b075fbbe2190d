"""`app-status`: every app in the seller's Manage Your Apps, ours marked, with its
authorization and expiry dates (docs/pages.md §7). Reads only; clicks nothing that acts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.commands import CommandSpec
from automation.runner import RunContext
from flows.seller_central import SellerCentral
from flows.site import SiteOverrides
from flows.spapi import reporting
from flows.spapi.grants import app_status_facts
from flows.spapi.manage import read_apps
from flows.spapi.options import AppJobOptions, app_of, prepare_app_settings
from flows.spapi.results import AppStatusResult
from flows.spapi.settings import AppSettings

if TYPE_CHECKING:
    from playwright.sync_api import Page


def app_status(sc: SellerCentral, ctx: RunContext, app: AppSettings) -> AppStatusResult:
    """Every row of Manage Your Apps, on every page, ours marked."""
    _apps, reading = read_apps(sc, app)
    reading.certain(sc.page.url)  # a partial list is never reported as the whole
    return AppStatusResult(
        account=ctx.account.name, app_id=app.app_id, apps=[r.row for r in reading.rows]
    )


def run_job(page: Page, ctx: RunContext, options: AppJobOptions) -> AppStatusResult:
    """`app-status` as the engine runs it."""
    return app_status(SellerCentral.for_run(page, ctx), ctx, options.app_for(ctx))


SPEC = CommandSpec(
    name="app-status",
    help="""List every app authorized in the seller's Manage Your Apps, ours marked.

    Reads every page of the table: app name, developer, status, authorization and expiry
    dates. Clicks nothing.
    """,
    batch_help="Read every account's Manage Your Apps.",
    options=AppJobOptions,
    flow=run_job,
    result=AppStatusResult,
    account_overrides=SiteOverrides,
    grant_field="app_id",
    grant_facts=app_status_facts,
    summary=reporting.summarise_app_status,
    render=reporting.render_app_status,
    prepare=prepare_app_settings,
    grant_of=app_of,
)
