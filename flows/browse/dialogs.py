"""Answering a browser `confirm()` the way a careful person does: accept it only when its
message names what the bot is acting for (our developer, our app), dismiss it otherwise."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Dialog, Page


@contextmanager
def answering_dialogs(page: Page, names_ours: Callable[[str], bool]) -> Iterator[list[str]]:
    """While inside, accept each browser dialog of `page` whose message `names_ours`, dismiss
    the others; yields the list of the dismissed dialogs' types (`confirm`, `alert`, ...)."""
    declined: list[str] = []

    def answer(dialog: Dialog) -> None:
        if names_ours(dialog.message):
            dialog.accept()
        else:
            declined.append(dialog.type)
            dialog.dismiss()

    page.on("dialog", answer)
    try:
        yield declined
    finally:
        page.remove_listener("dialog", answer)
