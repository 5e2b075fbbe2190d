"""Screens ② to ⑤ of granting developer access (PAGES.md §3): option, form, consent, completion."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Locator, Page, expect

from automation.errors import PageChanged
from flows import texts
from flows.pages.navigation import click_to_navigate
from flows.pages.permissions import SELLER_ID, TOKEN

PATH = "/gp/mws/registration/register.html"
# The developer the consent statement names, per locale (PAGES.md §3 ④).
CONSENT_DEVELOPER = (
    re.compile(
        r"了承したことになり、\s*(?P<developer>.+?)\s*にAmazon出品用アカウントへのアクセス権"
    ),
    # The English wording is only known approximately: both phrasings seen are accepted.
    re.compile(r"you agree to give\s+(?P<developer>.+?)\s+access to your Amazon seller", re.I),
    re.compile(r"\band\s+(?P<developer>.+?)\s+will be given access to your Amazon seller", re.I),
)
_MARKETPLACE_ID = re.compile(r"^A[0-9A-Z]{9,20}$")


def _button(page: Page, key: str) -> Locator:
    name = texts.exact(key)
    return page.get_by_role("button", name=name).or_(page.get_by_role("link", name=name)).first


def _submit(page: Page, key: str = "next") -> None:
    click_to_navigate(page, _button(page, key))


class DeveloperFormPage:
    """The legacy option screen (older accounts) and form ③: developer name and ID."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.option = page.get_by_label(texts.containing("option_give_developer_access"))
        self.name_field = page.get_by_label(texts.starting("developer_name_label"))
        self.id_field = page.get_by_label(texts.starting("developer_id_label"))

    def wait(self) -> None:
        """Wait for the option screen or the form, whichever Amazon shows."""
        try:
            expect(self.option.or_(self.name_field).first).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "After 開発者にアクセス権を付与 the page shows neither the option screen nor the "
                "developer form.",
                url=self.page.url,
            ) from None

    def pass_option_screen(self) -> bool:
        """Choose 'give a developer access' when the legacy option screen shows; True if it did."""
        if not self.option.count() or not self.option.first.is_visible():
            return False
        self.option.first.check()
        _submit(self.page)
        return True

    def submit(self, developer_name: str, developer_id: str) -> None:
        """Fill both fields (overwriting pre-filled values) and go on to consent."""
        try:
            expect(self.name_field).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The developer form (開発者氏名) is missing.", url=self.page.url
            ) from None
        self.name_field.fill(developer_name)
        self.id_field.fill(developer_id)
        _submit(self.page)


class ConsentPage:
    """Consent ④: the statement naming the developer and the two required boxes."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.statement = page.get_by_text(texts.containing("consent_statement")).first
        self.box_items = page.get_by_label(texts.containing("consent_prohibited_items"))
        self.box_responsibility = page.get_by_label(texts.containing("consent_responsibility"))

    def named_developer(self) -> str | None:
        """The developer the consent statement names, or None when it names none we can read."""
        try:
            expect(self.statement).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The consent page (④) does not show its statement.", url=self.page.url
            ) from None
        text = " ".join(self.statement.inner_text().split())
        for pattern in CONSENT_DEVELOPER:
            match = pattern.search(text)
            if match:
                return match["developer"].strip("「」\"' ")
        return None

    def tick_both(self) -> None:
        """Tick the two required boxes."""
        self.box_items.check()
        self.box_responsibility.check()

    def submit(self) -> None:
        _submit(self.page)


@dataclass(frozen=True)
class Credentials:
    """What completion ⑤ shows."""

    seller_id: str
    marketplace_id: str
    mws_auth_token: str


class CompletionPage:
    """Completion ⑤: seller ID, marketplace ID and MWS auth token, checked against their formats."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.done = page.get_by_text(texts.containing("completion")).first

    def read(self) -> Credentials:
        try:
            expect(self.done).to_be_visible()
        except AssertionError:
            raise PageChanged(
                "The grant did not reach the completion page (手続きが完了しました).",
                url=self.page.url,
            ) from None
        body = self.page.locator("body").inner_text()
        values = Credentials(
            seller_id=self._value(body, "seller_id", SELLER_ID),
            marketplace_id=self._value(body, "marketplace_id", _MARKETPLACE_ID),
            mws_auth_token=self._value(body, "mws_auth_token", TOKEN),
        )
        return values

    def _value(self, body: str, key: str, form: re.Pattern[str]) -> str:
        labels = "|".join(re.escape(t) for t in texts.texts(key))
        for match in re.finditer(rf"(?:{labels})\s*[:：]?\s*(\S+)", body):
            if form.match(match.group(1)):
                return match.group(1)
        raise PageChanged(
            f"The completion page shows no well-formed {texts.texts(key)[-1]}; nothing was "
            "reported. Check the seller's permissions screen in Seller Central.",
            url=self.page.url,
        )
