"""One signed-in Seller Central: opens a page by path, signing in again whenever Amazon asks."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from automation.errors import SiteUnavailable, Timeout
from flows.signin import SignIn

if TYPE_CHECKING:
    from automation.runner import RunContext


class SellerCentral:
    """A page on one seller's Seller Central, and the sign-in loop that guards it."""

    def __init__(self, page: Page, base_url: str, signin: SignIn) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.signin = signin

    @classmethod
    def for_run(cls, page: Page, ctx: RunContext) -> SellerCentral:
        """The Seller Central of the run's account, with its sign-in loop."""
        signin = SignIn(
            account=ctx.account,
            otp=ctx.otp,
            max_steps=ctx.settings.signin_max_steps,
            human=ctx.human,
        )
        return cls(page, ctx.account.base_url, signin)

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def open(self, path: str, query: dict[str, str] | None = None) -> None:
        """Open `path`, sign in if sent to sign-in, and make sure the page is `path` at the end."""
        target = self.url(path, query)
        self._goto(target)
        self.signin.ensure(self.page)
        if urlsplit(self.page.url).path != path:
            # Sign-in does not always return to where it started.
            self._goto(target)
            self.signin.ensure(self.page)

    def ensure_signed_in(self) -> None:
        """After a click that may have met an expired session: sign in again if needed."""
        self.signin.ensure(self.page)

    def _goto(self, url: str) -> None:
        try:
            response = self.page.goto(url, wait_until="domcontentloaded")
        except PlaywrightTimeout:
            raise Timeout(
                "The page did not load in time. Amazon may be slow: try again later, or raise "
                "SELLERAUTH_TIMEOUT_MS.",
                url=url,
            ) from None
        except PlaywrightError as error:
            raise SiteUnavailable(
                f"Could not load the page ({_first_line(error)}). Check the network and the "
                "base URL, then try again.",
                url=url,
            ) from None
        if response is not None and response.status >= 500:
            raise SiteUnavailable(
                f"Seller Central answered HTTP {response.status}. Try again later.", url=url
            )


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
