"""`expect_shown`: the one way a page object waits for what it needs or reports a changed page."""

from __future__ import annotations

import pytest

from automation.errors import PageChanged
from flows.pages.base import expect_shown


def test_shown_element_passes(page) -> None:
    """An element that is visible (or becomes so) returns quietly."""
    page.set_content("<h1>ユーザー権限</h1>")
    expect_shown(page.get_by_role("heading", name="ユーザー権限"), "the heading", timeout_ms=2000)


def test_missing_element_is_page_changed_with_the_url(page) -> None:
    """An element that never shows is `page_changed`, naming what was expected and the URL."""
    page.set_content("<h1>Something else</h1>")
    with pytest.raises(PageChanged) as changed:
        expect_shown(page.get_by_role("table"), "the permissions table", timeout_ms=300)
    assert "the permissions table" in changed.value.message
    assert changed.value.url == page.url
    assert changed.value.code == "page_changed" and not changed.value.retryable


def test_hidden_element_is_not_shown(page) -> None:
    """Present in the markup but hidden counts as not shown."""
    page.set_content('<button style="display:none">承認</button>')
    with pytest.raises(PageChanged):
        expect_shown(page.get_by_role("button", name="承認"), "the button", timeout_ms=300)
