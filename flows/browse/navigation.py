"""Clicking a control that loads a new page, telling a server error from a page, and retrying.

After every load, the page's after-load hooks run, in the order they were added (as crawlee's
`post_navigation_hook`): the sign-in loop adds one that recognises the page, stops the run on a
refusal, and hands a check only a person may pass to that loop (`flows/signin/loop.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

import structlog

from automation.errors import PageChanged, SiteUnavailable, SiteUnreachable, Timeout
from automation.retry import current_policy, retrying
from flows.browse import pw
from flows.browse.requests import requests_of

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page, Response

    from automation.settings import Settings


log = structlog.get_logger("flows.browse.navigation")

AfterLoad = Callable[["Page"], bool]
"""A hook run after each load; True when it knows the page (a captcha served with 503, say),
so that the page's HTTP status is no reason to load it again. It may raise to stop the run."""

_AFTER_LOAD: WeakKeyDictionary[Page, dict[str, AfterLoad]] = WeakKeyDictionary()


def add_after_load(page: Page, name: str, hook: AfterLoad) -> None:
    """Run `hook` after every load of `page` from now on; a hook of the same `name` is
    replaced (one sign-in loop per page)."""
    _AFTER_LOAD.setdefault(page, {})[name] = hook


def policy(page: Page) -> Settings | None:
    """The settings of the run driving `page` (`automation.retry.retry_policy`), if any."""
    return current_policy()


def goto(page: Page, url: str) -> Response | None:
    """Load `url`; a server error, a dropped connection or a timeout is transient and retried
    as the running flow's settings say (`automation.retry.retry_policy`, set by the runner)."""
    settings = current_policy()
    if settings is None:
        return _goto_once(page, url)
    for attempt in retrying(settings, f"load {url}", settings.step_retries + 1):
        with attempt:
            return _goto_once(page, url)
    return None  # unreachable: the last attempt re-raises


def _goto_once(page: Page, url: str) -> Response | None:
    try:
        response = page.goto(url, wait_until="domcontentloaded")
    except pw.TimeoutError:
        raise Timeout(
            "The page did not load in time. Amazon may be slow: try again later, or raise "
            "SELLERAUTH_TIMEOUT_MS.",
            url=url,
        ) from None
    except pw.Error as error:
        unreachable = unreachable_host(url, str(error))
        if unreachable is not None:
            raise unreachable from None
        raise SiteUnavailable(
            f"Could not load the page ({first_line(error)}). Check the network and the base "
            "URL, then try again.",
            url=url,
        ) from None
    if not _says_what_it_is(page):
        _refuse_server_error(response, url)
    return response


def click_to_navigate(page: Page, control: Locator, *, acts: bool = False) -> None:
    """Click `control` and wait for the page it loads.

    A server error on a page opened by a link (GET) is loaded again, unless the click `acts`
    on the account (a renew link, say); after a form post, or an acting click, the error is
    raised, since only the flow can tell by re-reading whether the action took effect.
    A control that is not there is `page_changed`, not a slow page.
    """
    requests = requests_of(page)
    at_click = requests.started
    try:
        with page.expect_navigation(wait_until="domcontentloaded") as navigation:
            try:
                # The click waits for the control to show (and be enabled) by itself: one
                # round trip, not two.
                control.click()
            except pw.TimeoutError:
                if requests.since(at_click):
                    raise Timeout(
                        "The next page did not load in time after the click.", url=page.url
                    ) from None
                # The selector is for the debug log only: a person reads words, not a repr.
                log.debug("control_missing", selector=str(control))
                raise PageChanged(
                    "The page does not show the button or link the bot needs to go on, or it "
                    "stays disabled: the site may have changed. Open the page with --headed "
                    "to see it.",
                    url=page.url,
                ) from None
        response = navigation.value
    except pw.TimeoutError:
        raise Timeout("The next page did not load in time.", url=page.url) from None
    except pw.Error as error:
        unreachable = unreachable_host(page.url, str(error))
        if unreachable is not None:
            raise unreachable from None
        raise SiteUnavailable(
            f"The connection failed while loading the next page ({first_line(error)}).",
            url=page.url,
        ) from None
    if _says_what_it_is(page):
        return
    if (
        response is not None
        and response.status >= 500
        and response.request.method == "GET"
        and not acts
    ):
        goto(page, response.url)
        return
    _refuse_server_error(response, page.url)


def _says_what_it_is(page: Page) -> bool:
    """Run the page's after-load hooks (`add_after_load`): read the page before its HTTP
    status. True when a hook knows the page, so that its status is no reason to load it again."""
    known = False
    for hook in list(_AFTER_LOAD.get(page, {}).values()):
        known = hook(page) or known
    return known


def _refuse_server_error(response: Response | None, url: str) -> None:
    if response is not None and response.status >= 500:
        raise SiteUnavailable(
            f"Seller Central answered HTTP {response.status}. Try again later.", url=url
        )


# Chromium's network errors that say the host cannot be reached at all (not a dropped or
# reset connection, which a second try may well get through), and how to say each.
_UNREACHABLE = {
    "ERR_NAME_NOT_RESOLVED": "its name does not resolve",
    "ERR_NAME_RESOLUTION_FAILED": "its name does not resolve",
    "ERR_CONNECTION_REFUSED": "the connection was refused (nothing listens on {port})",
    "ERR_ADDRESS_UNREACHABLE": "the address is unreachable",
    "ERR_ADDRESS_INVALID": "the address is invalid",
    "ERR_UNSAFE_PORT": "the browser refuses to connect to {port}",
}


def unreachable_host(url: str, error: str) -> SiteUnreachable | None:
    """`site_unavailable` naming the host and the setting that gave it, when Chromium's error
    says the host of `url` cannot be reached at all; None for any other failure."""
    reason = next((why for code, why in _UNREACHABLE.items() if f"net::{code}" in error), None)
    if reason is None:
        return None
    parts = urlsplit(url)
    host = parts.hostname or url
    port = f"port {parts.port}" if parts.port else "its port"
    hint = (
        " Is the simulator (`sellerauth sim`) running on that port?"
        if host in ("127.0.0.1", "localhost", "::1")
        else ""
    )
    return SiteUnreachable(
        f"Cannot reach {host}: {reason.format(port=port)}. Check the base URL"
        f" ({parts.scheme}://{parts.netloc}): --base-url, SELLERAUTH_BASE_URL, or "
        f"base_url in the accounts file.{hint}",
        url=url,
        host=host,
    )


def first_line(error: Exception) -> str:
    """The first line of an error's text (Playwright's carry call logs after it)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
