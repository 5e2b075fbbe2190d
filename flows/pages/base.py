"""What every page object shares: waiting for what a page must show, or saying it changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.errors import PageChanged
from flows.pages import pw

if TYPE_CHECKING:
    from playwright.sync_api import Locator


def expect_shown(locator: Locator, what: str, *, timeout_ms: float | None = None) -> None:
    """Wait until `locator` is visible; `PageChanged` (with the page's URL) if it never is.

    `what` says in a few words what the page should have shown (e.g. "the permissions
    table"); it becomes the error's message. `timeout_ms` defaults to the run's timeout
    (SELLERAUTH_TIMEOUT_MS, set by the runner). A missing element is a changed page, not a
    slow one: the error is not retried (docs/pages.md, "The markup is not known").
    """
    try:
        pw.expect(locator).to_be_visible(timeout=timeout_ms)
    except AssertionError:
        raise PageChanged(
            f"The page does not show {what}: the site may have changed.", url=locator.page.url
        ) from None
