"""Manage Your Apps read completely (docs/pages.md §7), shared by the SP-API jobs: every row of
every page, our app's row by its whole name, and what kept the reading from being certain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import structlog

from flows.browse.gate import Reading, require_complete
from flows.seller_central import SellerCentral
from flows.spapi.pages import apps as apps_page
from flows.spapi.pages.apps import ManageYourAppsPage, ParsedRow
from flows.spapi.settings import AppSettings

log = structlog.get_logger("flows.spapi.manage")


def read_expiry(sc: SellerCentral, app: AppSettings) -> date | None:
    """Our row's expiry as Manage Your Apps shows it after the consent (None, with a warning,
    when the table cannot be read completely or shows our app other than once)."""
    _apps, reading = read_apps(sc, app)
    ours = reading.ours()
    if reading.problems or len(ours) != 1:
        log.warning("app_row_not_read", app=app.app_name, rows=len(ours), problems=reading.problems)
        return None
    return ours[0].row.expires_at


def open_apps(sc: SellerCentral, app: AppSettings) -> ManageYourAppsPage:
    """Open Manage Your Apps (signing in if needed) and wait for its table."""
    sc.open(apps_page.PATH)
    apps = ManageYourAppsPage(sc.page, app.app_id, app.app_name)
    apps.wait_loaded()
    return apps


@dataclass
class AppsReading:
    """Every row of Manage Your Apps, every page, and what kept it from being read completely
    and certainly (`problems`: empty when it was)."""

    app_name: str
    rows: list[ParsedRow]
    problems: list[str]
    paged: bool

    def ours(self) -> list[ParsedRow]:
        """The rows whose app name is ours, whole."""
        return [r for r in self.rows if r.row.ours]

    def certain(self, url: str) -> None:
        """Raise `PageChanged` (nothing clicked) when the table was not read completely."""
        require_complete(self.problems, "Manage Your Apps", url)

    def gate(self, label: str) -> Reading:
        """What a click on our row's `label` control must rest on: the whole table read, and
        exactly one row of ours."""
        return Reading(
            what="Manage Your Apps",
            target=f"the app '{self.app_name}' ({label})",
            matches=len(self.ours()),
            problems=tuple(self.problems),
        )


def read_apps(sc: SellerCentral, app: AppSettings) -> tuple[ManageYourAppsPage, AppsReading]:
    """Open Manage Your Apps and read every row of every page."""
    apps = open_apps(sc, app)
    read = apps.read_table()
    return apps, AppsReading(app.app_name, apps.rows(read), read.problems, read.pages > 1)
