"""The floor: the plainest Playwright sync script doing the same clicks with hard-coded selectors.

No page objects, no retries, no sign-in loop: it knows the simulator's pages by heart. It reads
what sellerauth reads (seller ID, our row in both tables, the consent statement, the
credentials; the expiry before and after renewing) so that both do the same work.

Also runnable alone, for the start-up and whole-process comparisons:
`python -m bench.plain renew BASE_URL [BROWSER [STATE]]` with BENCH_EMAIL, BENCH_PASSWORD,
BENCH_TOTP_SECRET set.
"""

from __future__ import annotations

import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyotp

from bench import site
from bench.site import Credentials

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def sign_in(page: Page, who: Credentials) -> None:
    """E-mail, password, one-time password, when the page is the sign-in page."""
    if "/ap/signin" not in page.url:
        return
    page.fill(site.EMAIL, who.email)
    with page.expect_navigation():
        page.click(site.EMAIL_NEXT)
    page.fill(site.PASSWORD, who.password)
    page.check(site.REMEMBER_ME)
    with page.expect_navigation():
        page.click(site.SIGN_IN)
    page.fill(site.OTP, pyotp.TOTP(who.totp_secret).now())
    page.check(site.REMEMBER_DEVICE)
    with page.expect_navigation():
        page.click(site.OTP_SUBMIT)


def register(page: Page, base_url: str, who: Credentials) -> dict[str, str]:
    """Open the registration link, sign in, grant access, read the credentials."""
    page.goto(base_url + site.REGISTER)
    sign_in(page, who)
    seller_id = page.inner_text(site.SELLER_ID)
    for table in (site.CURRENT, site.HISTORY):
        if page.locator(f"{table} tr", has_text=site.DEVELOPER_ID).count():
            raise RuntimeError("the plain script only grants: the developer already has a row")
    with page.expect_navigation():
        page.click(site.GRANT)
    page.fill(site.DEV_NAME_FIELD, site.DEVELOPER_NAME)
    page.fill(site.DEV_ID_FIELD, site.DEVELOPER_ID)
    with page.expect_navigation():
        page.click(site.FORM_SUBMIT)
    if site.DEVELOPER_NAME not in page.inner_text(site.CONSENT_TEXT):
        raise RuntimeError("the consent page names another developer")
    for box in site.CONSENT_BOXES:
        page.check(box)
    with page.expect_navigation():
        page.click(site.FORM_SUBMIT)
    values = page.locator(site.CREDENTIALS).all_inner_texts()
    if values[0] != seller_id or not values[2].startswith("amzn.mws."):
        raise RuntimeError(f"unexpected credentials {values[:2]}")
    return {"seller_id": values[0], "marketplace_id": values[1], "token": values[2]}


def renew(page: Page, base_url: str, who: Credentials, today: date | None = None) -> str:
    """Open the permissions screen, sign in, renew our row when it expires within 30 days."""
    today = today or date.today()
    page.goto(base_url + site.HOME)
    sign_in(page, who)
    row = page.locator(f"{site.CURRENT} tr", has_text=site.DEVELOPER_ID)
    expiry = row.locator(f"td:nth-child({site.EXPIRY_COLUMN})")
    before = site.ja_date(expiry.inner_text())
    if before > today + timedelta(days=site.RENEW_WITHIN_DAYS):
        return "none"
    with page.expect_navigation():
        row.locator("button", has_text=site.RENEW_LABEL).click()
    after = site.ja_date(expiry.inner_text())
    if after <= before:
        raise RuntimeError("the expiry did not move")
    return "renewed"


def status(page: Page, base_url: str, who: Credentials) -> dict[str, Any]:
    """Open the permissions screen, sign in, read the seller ID and every row of both tables."""
    page.goto(base_url + site.HOME)
    sign_in(page, who)
    seller_id = page.inner_text(site.SELLER_ID)
    rows = {
        name: page.locator(f"{table} tbody tr").all_inner_texts()
        for name, table in (("current", site.CURRENT), ("history", site.HISTORY))
    }
    if not any(site.DEVELOPER_ID in row for row in rows["current"]):
        raise RuntimeError("the plain script did not find our row in the current table")
    return {"seller_id": seller_id, **rows}


def save_session(page: Page, base_url: str, who: Credentials, path: Path) -> None:
    """Sign in once and keep the cookies, as a plain script would between runs."""
    page.goto(base_url + site.HOME)
    sign_in(page, who)
    page.wait_for_selector(site.CURRENT)
    page.context.storage_state(path=path)


FLOWS: dict[str, Any] = {"register": register, "renew": renew, "status": status}


def run(browser: Browser, flow: str, base_url: str, who: Credentials, state: Path | None) -> Any:
    """One flow in a fresh context (with the saved cookies when `state` is given)."""
    context = browser.new_context(storage_state=state, locale="ja-JP")
    try:
        return FLOWS[flow](context.new_page(), base_url, who)
    finally:
        context.close()


def main(argv: list[str]) -> int:
    """`python -m bench.plain FLOW BASE_URL [BROWSER [STATE]]`: launch, run one flow, exit.

    With STATE (a file), start from the cookies it holds when it exists, and keep the
    session in it afterwards, as sellerauth keeps its own.
    """
    from playwright.sync_api import sync_playwright

    flow, base_url = argv[0], argv[1]
    executable = argv[2] if len(argv) > 2 and argv[2] else None
    state = Path(argv[3]) if len(argv) > 3 else None
    who = Credentials(
        os.environ["BENCH_EMAIL"], os.environ["BENCH_PASSWORD"], os.environ["BENCH_TOTP_SECRET"]
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable)
        saved = state if state is not None and state.exists() else None
        context = browser.new_context(storage_state=saved, locale="ja-JP")
        print(FLOWS[flow](context.new_page(), base_url, who))
        if state is not None:
            context.storage_state(path=state)
        context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
