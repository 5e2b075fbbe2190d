"""One signed-in Seller Central: opens a page by path, signing in again whenever Amazon asks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeVar, cast
from urllib.parse import urlencode, urlsplit

from automation.errors import WrongAccount
from automation.evidence import Evidence, NoEvidence
from automation.journal import Journal
from flows.browse.masking import secret_fields
from flows.browse.navigation import goto
from flows.browse.page import PageObject
from flows.signin.loop import SignIn
from flows.site import seller_account

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from automation.runner import RunContext

# What a flow clicked on the seller's account, as it notes it in the run's journal (mypy
# checks each name, and with strict equality each `in sc.journal` test).
PageT = TypeVar("PageT", bound=PageObject)

Action = Literal[
    "granted",
    "renewed",
    "restored",
    "confirmation_disabled",
    "app_consent",
    "app_reauthorize",
    "app_enable",
]


class SellerCentral:
    """A page on one seller's Seller Central, and the sign-in loop that guards it."""

    def __init__(
        self, page: Page, base_url: str, signin: SignIn, journal: list[Action] | None = None
    ) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.signin = signin
        # Actions clicked in this run, earlier attempts included (RunContext.journal).
        self.journal = journal if journal is not None else []
        self.evidence: Evidence | NoEvidence = NoEvidence()
        self.known_seller_id: str | None = None
        """The seller ID an earlier run read for this account: another one is `wrong_account`."""
        signin.watch(page)  # every load of this page is looked at by the sign-in loop

    @classmethod
    def for_run(cls, page: Page, ctx: RunContext) -> SellerCentral:
        """The Seller Central of the run's account, with its sign-in loop."""
        account = seller_account(ctx.account)
        signin = SignIn(
            account=account,
            otp=ctx.otp,
            max_steps=ctx.settings.signin_max_steps,
            human=ctx.human,
            ask_otp=ctx.ask_otp,
            transient_retries=ctx.settings.step_retries,
        )
        ctx.declare_mask(secret_fields)
        sc = cls(page, account.base_url, signin, cast("list[Action]", ctx.journal))
        sc.evidence = ctx.evidence
        return sc

    def url(self, path: str, query: dict[str, str] | None = None) -> str:
        return self.base_url + path + (f"?{urlencode(query)}" if query else "")

    def open(self, path: str, query: dict[str, str] | None = None) -> None:
        """Open `path`, sign in if sent to sign-in, and make sure the page is `path` at the end."""
        target = self.url(path, query)
        goto(self.page, target)
        self.signin.ensure(self.page)
        if urlsplit(self.page.url).path != path:
            # Sign-in does not always return to where it started.
            goto(self.page, target)
            self.signin.ensure(self.page)

    def open_page(self, page_object: type[PageT]) -> PageT:
        """Open a page object's `path` (signing in if needed) and wait until it has loaded.

        Raises `PageChanged` when the page is not the one expected (its `shows`)."""
        if page_object.path is None:
            raise ValueError(f"{page_object.__name__} has no path: it is reached by a click")
        self.open(page_object.path)
        found = page_object(self.page)
        found.wait_loaded()
        return found

    def confirm_seller(self, shown: str) -> None:
        """The page shows seller ID `shown`: raise `WrongAccount` (nothing clicked) when an
        earlier run of this account read another."""
        if self.known_seller_id and shown != self.known_seller_id:
            raise WrongAccount(
                f"Seller Central shows seller {shown}, but this account's earlier runs read "
                f"seller {self.known_seller_id}: it is signed in to another seller's account. "
                "Nothing was clicked. Check the account's e-mail, account_name and marketplace.",
                url=self.page.url,
            )

    def earlier(self) -> list[Action]:
        """The actions an earlier, killed run left open on the account (their intents)."""
        return list(cast("tuple[Action, ...]", getattr(self.journal, "earlier", ())))

    def this_run(self) -> list[Action]:
        """The actions this run clicked, every attempt of it, not an earlier run's."""
        return self.journal[len(self.earlier()) :]

    def leave_open(self, *actions: Action) -> None:
        """This run could not read the effect of `actions` back: their intents stay open, so
        the next run on the account knows (`Journal.leave_open`)."""
        if isinstance(self.journal, Journal):
            self.journal.leave_open(*actions)

    def note(
        self,
        action: str,
        *,
        screenshot: bool = False,
        address: str | None = None,
        **details: object,
    ) -> None:
        """Add a step to the run's evidence (when asked for), with a masked screenshot;
        `address` is kept as the page's instead of its URL."""
        self.evidence.record(self.page, action, screenshot=screenshot, address=address, **details)

    def ensure_signed_in(self) -> None:
        """After a click that may have met an expired session: sign in again if needed."""
        self.signin.ensure(self.page)
