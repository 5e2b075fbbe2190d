"""Clicking a control that loads a new page, and telling a server error from a page."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from automation.errors import SiteUnavailable


def click_to_navigate(page: Page, control: Locator) -> None:
    """Click `control`, wait for the page it loads, and refuse a server error as that page."""
    with page.expect_navigation(wait_until="domcontentloaded") as navigation:
        control.click()
    response = navigation.value
    if response is not None and response.status >= 500:
        raise SiteUnavailable(
            f"Seller Central answered HTTP {response.status}. Try again later.", url=page.url
        )
