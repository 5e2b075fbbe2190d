"""The peer: the same clicks with Selenium and Debian's chromedriver, hard-coded selectors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import pyotp

from bench import site
from bench.site import Credentials

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

CHROMEDRIVER = "/usr/bin/chromedriver"
TIMEOUT_S = 30
POLL_S = 0.02


def start(binary: str, *, headless_shell: bool) -> WebDriver:
    """A headless Chromium driven by chromedriver (one per benchmark, like one Playwright)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    if not headless_shell:
        options.add_argument("--headless=new")
    # --no-sandbox as Playwright launches (root in containers needs it).
    for arg in (
        "--no-sandbox",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-sync",
    ):
        options.add_argument(arg)
    options.add_argument("--lang=ja-JP")
    return webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))


def _wait(driver: WebDriver) -> Any:
    from selenium.common.exceptions import NoSuchElementException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # During a navigation chromedriver may answer "Node ... does not belong to the document".
    # Polled every 20 ms, not the default 500 ms, so that the peer is not slowed by its waits.
    return WebDriverWait(
        driver,
        TIMEOUT_S,
        poll_frequency=POLL_S,
        ignored_exceptions=(NoSuchElementException, WebDriverException),
    )


def _present(driver: WebDriver, css: str) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec

    return _wait(driver).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _click_and_wait(driver: WebDriver, element: Any) -> None:
    """Click something that loads a new page; wait until the old page is gone."""
    from selenium.webdriver.support import expected_conditions as ec

    element.click()
    _wait(driver).until(ec.staleness_of(element))


def sign_in(driver: WebDriver, who: Credentials) -> None:
    if "/ap/signin" not in driver.current_url:
        return
    _present(driver, site.EMAIL).send_keys(who.email)
    _click_and_wait(driver, _present(driver, site.EMAIL_NEXT))
    _present(driver, site.PASSWORD).send_keys(who.password)
    _present(driver, site.REMEMBER_ME).click()
    _click_and_wait(driver, _present(driver, site.SIGN_IN))
    _present(driver, site.OTP).send_keys(pyotp.TOTP(who.totp_secret).now())
    _present(driver, site.REMEMBER_DEVICE).click()
    _click_and_wait(driver, _present(driver, site.OTP_SUBMIT))


def register(driver: WebDriver, base_url: str, who: Credentials) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    driver.get(base_url + site.REGISTER)
    sign_in(driver, who)
    seller_id = _present(driver, site.SELLER_ID).text
    for table in ("mws-current-authorizations", "mws-authorization-history"):
        if driver.find_elements(By.XPATH, site.row_xpath(table)):
            raise RuntimeError("the Selenium script only grants: the developer already has a row")
    _click_and_wait(driver, _present(driver, site.GRANT))
    for css, value in (
        (site.DEV_NAME_FIELD, site.DEVELOPER_NAME),
        (site.DEV_ID_FIELD, site.DEVELOPER_ID),
    ):
        field = _present(driver, css)
        field.clear()  # the registration link pre-fills the form
        field.send_keys(value)
    _click_and_wait(driver, _present(driver, site.FORM_SUBMIT))
    if site.DEVELOPER_NAME not in _present(driver, site.CONSENT_TEXT).text:
        raise RuntimeError("the consent page names another developer")
    for box in site.CONSENT_BOXES:
        _present(driver, box).click()
    _click_and_wait(driver, _present(driver, site.FORM_SUBMIT))
    _present(driver, site.CREDENTIALS)
    values = [e.text for e in driver.find_elements(By.CSS_SELECTOR, site.CREDENTIALS)]
    if values[0] != seller_id or not values[2].startswith("amzn.mws."):
        raise RuntimeError(f"unexpected credentials {values[:2]}")
    return {"seller_id": values[0], "marketplace_id": values[1], "token": values[2]}


def renew(driver: WebDriver, base_url: str, who: Credentials, today: date | None = None) -> str:
    from selenium.webdriver.common.by import By

    today = today or date.today()
    driver.get(base_url + site.HOME)
    sign_in(driver, who)
    _present(driver, site.CURRENT)
    xpath = site.row_xpath("mws-current-authorizations")
    expiry = f"{xpath}/td[{site.EXPIRY_COLUMN}]"
    before = site.ja_date(driver.find_element(By.XPATH, expiry).text)
    if before > today + timedelta(days=site.RENEW_WITHIN_DAYS):
        return "none"
    button = driver.find_element(By.XPATH, f"{xpath}//button[contains(., '{site.RENEW_LABEL}')]")
    _click_and_wait(driver, button)
    after = site.ja_date(driver.find_element(By.XPATH, expiry).text)
    if after <= before:
        raise RuntimeError("the expiry did not move")
    return "renewed"


def clear(driver: WebDriver) -> None:
    """Forget every cookie: the next flow starts like a new browser profile."""
    driver.execute_cdp_cmd("Network.clearBrowserCookies", {})
    driver.get("about:blank")


def save_session(driver: WebDriver, base_url: str, who: Credentials) -> list[dict[str, Any]]:
    """Sign in once and keep the cookies."""
    clear(driver)
    driver.get(base_url + site.HOME)
    sign_in(driver, who)
    _present(driver, site.CURRENT)
    return driver.execute_cdp_cmd("Network.getAllCookies", {})["cookies"]


FLOWS: dict[str, Any] = {"register": register, "renew": renew}


def _settable(cookie: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    """A cookie from Network.getAllCookies as Network.setCookies takes it."""
    out = {k: cookie[k] for k in keep if cookie.get(k) is not None}
    if cookie.get("session") or out.get("expires", 0) <= 0:
        out.pop("expires", None)
    return out


def run(
    driver: WebDriver,
    flow: str,
    base_url: str,
    who: Credentials,
    cookies: list[dict[str, Any]] | None,
) -> Any:
    """One flow from a clean cookie jar (with the saved cookies when given)."""
    clear(driver)
    if cookies:
        keep = ("name", "value", "domain", "path", "expires", "httpOnly", "secure", "sameSite")
        driver.execute_cdp_cmd(
            "Network.setCookies",
            {"cookies": [_settable(c, keep) for c in cookies]},
        )
    return FLOWS[flow](driver, base_url, who)


def main(argv: list[str]) -> int:
    """`python -m bench.peer FLOW BASE_URL [BROWSER]`: start chromedriver, run one flow, exit."""
    import os

    flow, base_url = argv[0], argv[1]
    binary = argv[2] if len(argv) > 2 else "/usr/lib/chromium/chromium-headless-shell"
    who = Credentials(
        os.environ["BENCH_EMAIL"], os.environ["BENCH_PASSWORD"], os.environ["BENCH_TOTP_SECRET"]
    )
    driver = start(binary, headless_shell="headless-shell" in binary)
    try:
        print(FLOWS[flow](driver, base_url, who))
    finally:
        driver.quit()
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
