"""Clicking a control the look read, once, and waiting for what a person would see happen.

`click_and_settle` clicks a marked control and waits for whichever comes first: a new page,
an in-page dialog, a watched row changing in place, or a pager moving on (`js/settle.js`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from automation.errors import PageChanged, SiteUnavailable, Timeout
from flows.browse import pw
from flows.browse.look import (
    POLL_MS,
    Control,
    Look,
    RawRow,
    Seen,
    forget,
    look,
    look_once,
    marked,
    seen_of,
)
from flows.browse.requests import requests_of
from flows.browse.scripts import script

if TYPE_CHECKING:
    from playwright.sync_api import Page

Outcome = Literal["navigated", "dialog", "changed"]


def click_and_settle(
    page: Page,
    control: Control,
    *,
    what: str,
    row: RawRow | None = None,
    pager: str | None = None,
    gone: str | None = None,
    dialogs: bool = False,
) -> Outcome:
    """Click a marked control once and wait for whichever comes: a new page (`navigated`), an
    in-page dialog (`dialog`, when `dialogs`), or in place (`changed`): the watched `row`
    re-rendered or changed, the `pager` text gone, or the `gone` element hidden.

    Never clicks twice. A control no longer shown, or a click after which nothing happens, is
    `PageChanged` (the page did not do what a person would see it do), not a transient fault;
    a request left hanging is `Timeout`; a new page answered with HTTP 5xx is
    `SiteUnavailable`. A new page is looked at once (`look`), and that look is reused.
    """
    requests = requests_of(page)
    at_click = requests.started  # what the click starts is told from what was open before
    seen = seen_of(page)
    before = seen.navigations
    forget(page)
    try:
        # The mark was set by the read this control comes from (which also flagged the
        # document as read, so that a new document tells itself apart below).
        marked(page, control.mark).click()
    except pw.TimeoutError:
        if seen.navigations != before or requests.since(at_click):
            # Clicked: the navigation it started outlasted the timeout. Retried; the retry
            # reads the effect back before it would click again.
            raise Timeout(
                f"After clicking {what}, Seller Central did not answer in time.", url=page.url
            ) from None
        raise PageChanged(f"The page no longer shows {what}.", url=page.url) from None
    if seen.navigations != before:
        # The click came back after a navigation committed (Playwright waits for one the
        # click starts): no need to poll for it. A new document is looked at as soon as it
        # is parsed; the same document (a history-API navigation) settles as below.
        found = _new_document(page, seen)
        if found is not None:
            return _navigated(page, found)
    try:
        page.wait_for_function(
            script("settle.js"),
            arg={
                "row": row.mark if row else None,
                "sig": row.text if row else None,
                "pager": pager,
                "gone": gone,
                "dialogs": dialogs,
            },
            polling=POLL_MS,
        )
    except pw.TimeoutError:
        if requests.since(at_click):
            raise Timeout(
                f"After clicking {what}, Seller Central did not answer in time.", url=page.url
            ) from None
        raise PageChanged(
            f"Clicked {what} but nothing happened: no new page, no dialog, no change.",
            url=page.url,
        ) from None
    if seen.navigations != before:
        _loaded(page)
        return _navigated(page, look(page))
    if dialogs and look(page).snapshot.dialogs:
        return "dialog"
    return "changed"


def _loaded(page: Page) -> None:
    """Wait for the main document's DOMContentLoaded (answered from the load states Playwright
    already holds when it came: no round trip then)."""
    try:
        page.wait_for_load_state("domcontentloaded")
    except pw.TimeoutError:
        raise Timeout("The next page did not load in time.", url=page.url) from None


def _new_document(page: Page, seen: Seen) -> Look | None:
    """The look at the document a click loaded, once parsed; None when the main frame still
    holds the document read before (nothing read then, the marks kept)."""
    _loaded(page)
    return look_once(page, seen, wait=False, only_new=True)


def _navigated(page: Page, found: Look) -> Outcome:
    """`navigated`, unless the new page was served with HTTP 5xx (`SiteUnavailable`)."""
    if found.status is not None and found.status >= 500:
        raise SiteUnavailable(
            f"Seller Central answered HTTP {found.status}. Try again later.", url=page.url
        )
    return "navigated"
