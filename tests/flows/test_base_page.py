"""The page-object base: waiting for what a page needs, reading values by label or format."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from automation.browser import BrowserSession
from automation.errors import PageChanged
from flows.browse.page import PageObject, expect_shown


@pytest.fixture(scope="module")
def browser_page(shared_browser: BrowserSession) -> Iterator[Any]:
    """A page of the product's own browser, the session's shared one (not pytest-playwright's:
    its event loop would stay open in this thread and break every later sync Playwright run
    of the session)."""
    context = shared_browser.new_context(None, timeout_ms=30000)
    yield context.new_page()
    context.close()


def test_shown_element_passes(browser_page) -> None:
    """An element that is visible (or becomes so) returns quietly."""
    browser_page.set_content("<h1>ユーザー権限</h1>")
    heading = browser_page.get_by_role("heading", name="ユーザー権限")
    expect_shown(heading, "the heading", timeout_ms=2000)


def test_missing_element_is_page_changed_with_the_url(browser_page) -> None:
    """An element that never shows is `page_changed`, naming what was expected and the URL."""
    browser_page.set_content("<h1>Something else</h1>")
    with pytest.raises(PageChanged) as changed:
        expect_shown(browser_page.get_by_role("table"), "the permissions table", timeout_ms=300)
    assert "the permissions table" in changed.value.message
    assert changed.value.url == browser_page.url
    assert changed.value.code == "page_changed" and not changed.value.retryable


def test_hidden_element_is_not_shown(browser_page) -> None:
    """Present in the markup but hidden counts as not shown."""
    browser_page.set_content('<button style="display:none">承認</button>')
    with pytest.raises(PageChanged):
        expect_shown(browser_page.get_by_role("button", name="承認"), "the button", timeout_ms=300)


class Profile(PageObject):
    """A page object as docs/architecture.md's worked example writes one."""

    shows = "the seller profile"

    def recognises(self, snapshot: Any) -> bool:
        return "Business Name" in snapshot.text


def test_a_page_object_reads_a_value_by_its_label_or_its_format(browser_page) -> None:
    """`value_after` finds a value by the label before it (same line or the next); the one
    value in a format is found by `value_matching`; two or none is `page_changed`."""
    browser_page.set_content(
        "<h1>Seller profile</h1><dl><dt>Business Name</dt><dd>サンプル商店</dd></dl>"
        "<p>Seller ID: A10APOS60JU4WN</p>"
    )
    profile = Profile(browser_page)
    profile.wait_loaded()
    assert profile.value_after("Business Name") == "サンプル商店"
    assert profile.value_matching(re.compile(r"A[0-9A-Z]{9,20}")) == "A10APOS60JU4WN"
    browser_page.set_content("<p>Business Name: x</p><p>A10APOS60JU4WN</p><p>A2ANOTHERSELLER9</p>")
    profile.refresh()  # set_content changed the page in place: look again
    with pytest.raises(PageChanged, match="2 values"):
        profile.value_matching(re.compile(r"A[0-9A-Z]{9,20}"))
    browser_page.set_content("<p>Nothing here</p>")
    profile.refresh()
    with pytest.raises(PageChanged, match="the seller profile"):
        profile.wait_loaded()
