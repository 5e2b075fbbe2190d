"""A person taking over (docs/pages.md §1): when Amazon asks for what only a person may give
(a captcha, an e-mailed code, an approval) and someone watches the browser, tell them and wait
until the page moves on."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from automation.errors import NeedsPerson
from flows.browse import pw
from flows.signin.kinds import recognise

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.settings import Settings

_MARK_JS = "() => { window.__sellerauthWaiting = true; }"
_MOVED_JS = "() => !window.__sellerauthWaiting"


def wait_for_person(page: Page, what: str, *, timeout_s: int) -> None:
    """Assisted mode: tell the operator what Amazon asks for and wait until the page moves on."""
    print(
        f"\n>>> Amazon asks for {what}. Please finish it in the browser window; the bot waits "
        f"up to {timeout_s // 60} minutes and then carries on by itself.",
        file=sys.stderr,
    )
    before = recognise(page)
    page.evaluate(_MARK_JS)
    try:
        while True:
            try:
                page.wait_for_function(_MOVED_JS, timeout=timeout_s * 1000)
            except pw.TimeoutError:
                raise
            except pw.Error:
                pass  # the document was replaced while watched: it moved on
            page.wait_for_load_state("domcontentloaded")
            now = recognise(page)
            if (now.kind, now.detail) != (before.kind, before.detail) or now.url != before.url:
                break
            page.evaluate(_MARK_JS)  # the same check again (a new picture): keep waiting
    except pw.TimeoutError:
        raise NeedsPerson(
            f"Nobody finished {what} within {timeout_s // 60} minutes. Run again and finish it "
            "in the browser window.",
            url=page.url,
        ) from None
    print(">>> Thank you: carrying on.", file=sys.stderr)


def watching_person(settings: Settings) -> Callable[[Page, str], None]:
    """What runs when Amazon asks for what only a person may give and one watches: tell them,
    and wait (up to SELLERAUTH_HUMAN_WAIT_SECONDS) until the page moves on."""
    return functools.partial(wait_for_person, timeout_s=settings.human_wait_seconds)
