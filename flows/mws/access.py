"""Our developer's access on the permissions screen (docs/pages.md §3), shared by `register` and
`renew`: open the screen, find our row in either table, act on it once, read the effect back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

import structlog

from automation.errors import PageChanged
from flows import texts
from flows.browse.dialogs import answering_dialogs
from flows.browse.look import RawRow, read_page
from flows.browse.settle import click_and_settle
from flows.mws.pages.permissions import PATH, PermissionsPage, developer_pattern
from flows.mws.results import DeveloperAccess
from flows.seller_central import SellerCentral

if TYPE_CHECKING:
    pass

log = structlog.get_logger("flows.mws.access")


def open_permissions(sc: SellerCentral) -> PermissionsPage:
    """Open the permissions screen (signing in if needed) and wait for it."""
    sc.open(PATH)
    perms = PermissionsPage(sc.page)
    perms.wait_loaded()
    return perms


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

    # A browser confirm() is accepted only when it names our developer.
    with answering_dialogs(sc.page, names_ours) as declined:
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


def read_back(sc: SellerCentral, developer_id: str) -> DeveloperAccess | None:
    """Our row in the current table, read from the screen the action's answer shows (updated
    in place or newly loaded) when it is the permissions screen, else from a new load."""
    perms = current_screen(sc)
    row = perms.find_row(developer_id, "current")
    return row.access if row is not None else None
