"""Our developer's access on the permissions screen (docs/pages.md §4), shared by `status`,
`register` and `renew`: read both tables completely, find our row, act on it once, read the
effect back.

A decision (absent: grant; in the history: restore; due: renew) is only taken from a complete,
certain reading of both tables (`read_screen`); a reading that missed something is
`page_changed`, never "not there".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import structlog

from automation.errors import PageChanged
from flows import names, texts
from flows.browse.dialogs import answering_dialogs
from flows.browse.gate import Reading, require_complete
from flows.browse.look import RawRow
from flows.mws.pages.permissions import (
    PATH,
    DeveloperRow,
    PermissionsPage,
    Which,
    developer_pattern,
)
from flows.mws.results import DeveloperAccess
from flows.seller_central import SellerCentral
from flows.site import digits

log = structlog.get_logger("flows.mws.access")

Confirmation = Literal["enabled", "disabled", "mandatory"]


def open_permissions(sc: SellerCentral) -> PermissionsPage:
    """Open the permissions screen (signing in if needed) and wait for it."""
    sc.open(PATH)
    perms = PermissionsPage(sc.page)
    perms.wait_loaded()
    return perms


@dataclass
class ScreenReading:
    """Both tables of the permissions screen, every page of each, and what kept them from
    being read completely and certainly (`problems`: empty when they were)."""

    seller_id: str
    confirmation: Confirmation
    current: list[DeveloperRow] = field(default_factory=list)
    history: list[DeveloperRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    paged: bool = False
    """Whether a table had more than one page (the screen is no longer on its first pages)."""

    def rows_of(self, developer_id: str, which: Which) -> list[DeveloperRow]:
        """The configured developer's rows in one table (its ID's digits compared)."""
        rows = self.current if which == "current" else self.history
        return [r for r in rows if digits(r.access.developer_id) == digits(developer_id)]

    def gate(self, developer_id: str, which: Which, action: str) -> Reading:
        """What an acting click on our row must rest on: the whole screen read, and exactly
        one row of ours in `which` offering `action` (`renew` or `restore`)."""
        name = texts.exact(action)
        offering = [
            r for r in self.rows_of(developer_id, which) if any(name.match(a) for a in r.actions)
        ]
        return Reading(
            what="the permissions screen",
            target=f"developer {developer_id} with {texts.texts(action)[0]}",
            matches=len(offering),
            problems=tuple(self.problems),
        )

    def certain(self, url: str) -> None:
        """Raise `PageChanged` (nothing clicked) when the screen was not read completely."""
        require_complete(self.problems, "the permissions screen", url)

    def access(self, developer_id: str, url: str) -> DeveloperAccess | None:
        """Our access: the current table's row, else the history's; None when neither table
        holds our developer. Only from a complete reading (else `PageChanged`); two rows of
        ours in the current table are `PageChanged` too."""
        self.certain(url)
        current = self.rows_of(developer_id, "current")
        if len(current) > 1:
            raise PageChanged(
                f"The developer {developer_id} has {len(current)} rows in 現在の権限; nothing "
                "was clicked. Check the permissions screen in Seller Central.",
                url=url,
            )
        if current:
            return current[0].access
        history = self.rows_of(developer_id, "history")
        return history[0].access if history else None


def read_screen(
    sc: SellerCentral, perms: PermissionsPage | None = None
) -> tuple[PermissionsPage, ScreenReading]:
    """Read the whole permissions screen: the seller ID, the confirmation line and every row of
    both tables, every page followed (a table paged moves the other off its first page: the
    screen is loaded again). Uses the screen `perms` shows when given."""
    perms = perms or open_permissions(sc)
    reading = ScreenReading(seller_id=perms.seller_id(), confirmation=perms.access_confirmation())
    sc.confirm_seller(reading.seller_id)
    current = perms.read_table("current")
    if current.pages > 1:
        reading.paged = True
        perms = open_permissions(sc)
    history = perms.read_table("history")
    reading.paged = reading.paged or history.pages > 1
    reading.current = perms.developers(current, "current")
    reading.history = perms.developers(history, "history")
    reading.problems = current.problems + history.problems
    return perms, reading


def locate(
    sc: SellerCentral,
    perms: PermissionsPage,
    reading: ScreenReading,
    developer_id: str,
    which: Which,
) -> tuple[PermissionsPage, DeveloperRow]:
    """Our row on the screen, to click it: found on the page shown when nothing was paged,
    else on a fresh load, paged forward to it. `PageChanged` when it is gone."""
    if reading.paged or not perms.is_shown():
        perms = open_permissions(sc)
    row = perms.locate_row(developer_id, which)
    if row is None:
        raise PageChanged(
            "The developer's row went away before it could be clicked.", url=sc.page.url
        )
    return perms, row


def act_on_row(
    sc: SellerCentral,
    perms: PermissionsPage,
    reading: ScreenReading,
    developer_id: str,
    developer_name: str,
    action: Literal["renew", "restore"],
) -> None:
    """Click our row's renew or restore control once, through the gate (a complete reading
    with exactly one row of ours offering it), then wait for whichever comes: a new page, a
    confirmation step naming our developer (a page, an in-page dialog or a browser
    `confirm()`, each confirmed once), or our row changing in place. The caller reads the
    effect back.

    Raises `PageChanged` when the reading is not certain, when the row or its control is
    missing, when a confirmation does not name the configured developer (nothing confirmed),
    or when the click shows no effect.
    """
    which: Which = "current" if action == "renew" else "history"
    label = texts.texts(action)[0]
    perms, row = locate(sc, perms, reading, developer_id, which)
    control = perms.row_action(row, action)
    if control is None and perms.wait_for_action(row, action):
        # The row's controls were drawn after the page was read: read it all again, as a
        # person who waited would, and act on that reading.
        perms, reading = read_screen(sc, perms)
        perms, row = locate(sc, perms, reading, developer_id, which)
        control = perms.row_action(row, action)
    if control is None:
        raise PageChanged(f"The developer's row offers no {label} control.", url=sc.page.url)
    gate = reading.gate(developer_id, which, action)
    log.info("row_action", account=sc.signin.account.name, developer_id=developer_id, action=action)
    names_us = developer_pattern(developer_id)

    def names_ours(text: str) -> bool:
        return bool(names_us.search(text)) or bool(
            developer_name and names.names_whole(text, developer_name)
        )

    # A browser confirm() is accepted only when it names our developer.
    with answering_dialogs(sc.page, names_ours) as declined:
        sc.journal.append("renewed" if action == "renew" else "restored")
        try:
            outcome = perms.act(control, what=label, reading=gate, row=row.raw, dialogs=True)
        except PageChanged:
            if declined:
                raise PageChanged(
                    "The browser asked to confirm for another developer than the configured "
                    "one; nothing was confirmed.",
                    url=sc.page.url,
                ) from None
            raise
        if outcome == "dialog":
            _confirm_dialog(sc, perms, developer_id, names_ours, row.raw)
        elif outcome == "navigated":
            sc.ensure_signed_in()
            _confirm_page(sc, perms, developer_id, names_ours)


def _confirm_dialog(
    sc: SellerCentral,
    perms: PermissionsPage,
    developer_id: str,
    names_ours: Callable[[str], bool],
    row: RawRow | None,
) -> None:
    """Confirm (承認する) an in-page dialog naming our developer, once."""
    snap = perms.snapshot(wait=False)
    for dialog in snap.dialogs:
        confirm = next((c for c in dialog.controls if texts.exact("confirm").match(c.name)), None)
        if confirm is None:
            continue
        gate = Reading(
            "the confirmation dialog",
            f"developer {developer_id}",
            matches=1 if names_ours(dialog.text) else 0,
        )
        if perms.act(confirm, what="承認する", reading=gate, row=row) == "navigated":
            sc.ensure_signed_in()
        return
    raise PageChanged(
        "A dialog opened that offers no 承認する / Confirm button; nothing was confirmed.",
        url=sc.page.url,
    )


def _confirm_page(
    sc: SellerCentral, perms: PermissionsPage, developer_id: str, names_ours: Callable[[str], bool]
) -> None:
    """Confirm (承認する) when the click led to a confirmation page naming our developer."""
    page = PermissionsPage(sc.page)  # whatever page it is: read it as a page
    snap = page.snapshot()
    confirm = snap.control(texts.exact("confirm"))
    if confirm is None:
        return  # the click's answer is the result itself
    gate = Reading(
        "the confirmation step",
        f"developer {developer_id}",
        matches=1 if names_ours(snap.text) else 0,
    )
    page.act(confirm, what="承認する", reading=gate)
    sc.ensure_signed_in()


def read_back(sc: SellerCentral, developer_id: str) -> DeveloperAccess | None:
    """Our row in the current table, read afresh from a new load of the screen after the
    action (every page of it), never from the look taken the instant the row first changed."""
    perms = open_permissions(sc)
    current = perms.read_table("current")
    rows = [
        r
        for r in perms.developers(current, "current")
        if digits(r.access.developer_id) == digits(developer_id)
    ]
    return rows[0].access if len(rows) == 1 else None
