"""One look per page load (`flows.browse.look.look`): recognising and reading a page share one
evaluate, kept until the main frame navigates or the bot acts; an action is read back afresh."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Route

from automation.browser import BrowserSession
from automation.errors import PageChanged
from flows import texts
from flows.browse.look import forget, look, read_page
from flows.browse.settle import click_and_settle
from flows.signin.kinds import PageKind, recognise

HOST = "https://sellercentral.example.test"
HEADING = texts.texts("developer_permissions")[0]


def doc(body: str) -> str:
    return f'<!doctype html><html><head><meta charset="utf-8"></head><body>{body}</body></html>'


PAGES = {
    "/one": doc(f"<h1>{HEADING}</h1><p>first page</p><a href='/two'>Next</a>"),
    "/two": doc("<h1>Second</h1><p>second page</p>"),
    "/in-place": doc(
        "<h1>Counter</h1><p id=n>zero</p>"
        "<button onclick=\"document.getElementById('n').textContent='one'\">count</button>"
    ),
    "/late": doc(
        "<h1>Late</h1><p>Loading...</p>"
        "<script>setTimeout(() => { document.querySelector('p').textContent = 'filled in' },"
        " 300)</script>"
    ),
    "/spa": doc(
        "<h1>Rows</h1><table><tr><th>Name</th><th>State</th></tr>"
        "<tr><td>ours</td><td id=s>old</td></tr></table>"
        "<button onclick=\"history.pushState({}, '', '/spa?renewed');"
        " setTimeout(() => { document.getElementById('s').textContent = 'new' }, 300)\">"
        "renew</button>"
    ),
    "/spa?renewed": doc("<h1>Not served: the history API keeps the document</h1>"),
    "/status": doc("<h1>Unavailable</h1><a href='/broken'>go</a>"),
    "/long-poll": doc(
        "<h1>Polling</h1><p id=state>idle</p>"
        "<button onclick=\"fetch('/poll'); document.getElementById('state').textContent="
        "'polling'\">start polling</button><button>does nothing</button>"
    ),
    "/broken": doc("<h1>Server error</h1>"),
}


@pytest.fixture(scope="module")
def context() -> Iterator[BrowserContext]:
    """One browser for the module; every page is served by a route (no network)."""
    with BrowserSession(timeout_ms=5000) as session:
        ctx = session.new_context()

        def serve(route: Route) -> None:
            path = "/" + route.request.url.split("/", 3)[3]
            if path == "/poll":
                return  # left pending: a long-poll the page keeps open
            status = 503 if path == "/broken" else 200
            route.fulfill(status=status, body=PAGES[path], content_type="text/html")

        ctx.route(f"{HOST}/**", serve)
        yield ctx
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    yield page
    page.close()


def counting(page: Page) -> list[str]:
    """Count the page's evaluates (the one round trip a look costs)."""
    calls: list[str] = []
    real: Callable[..., Any] = page.evaluate

    def evaluate(expression: str, arg: Any = None) -> Any:
        calls.append(expression[:20])
        return real(expression, arg)

    page.evaluate = evaluate  # type: ignore[method-assign]
    return calls


def test_recognising_and_reading_one_load_cost_one_evaluate(page: Page) -> None:
    """Recognise, recognise again, read and read again: one evaluate for the load."""
    page.goto(HOST + "/one")
    calls = counting(page)
    assert recognise(page).kind is PageKind.SELLER_CENTRAL
    assert recognise(page).kind is PageKind.SELLER_CENTRAL
    snap = read_page(page)
    assert read_page(page, wait=False) is snap
    assert snap.shows(texts.exact("developer_permissions"))
    assert "first page" in snap.text
    assert len(calls) == 1


def test_a_navigation_makes_the_next_look_new(page: Page) -> None:
    """After the main frame navigates, the page is looked at again."""
    page.goto(HOST + "/one")
    assert "first page" in read_page(page).text
    page.goto(HOST + "/two")
    assert "second page" in read_page(page).text
    next_link = look(page).snapshot.control(texts.exact("next"))
    assert next_link is None  # the second page has no `next` link: not the first page's look


def test_an_action_in_place_is_read_back_afresh(page: Page) -> None:
    """A click that changes the page in place is read back, not answered from the old look."""
    page.goto(HOST + "/in-place")
    before = read_page(page)
    assert "zero" in before.text
    button = before.controls[0]
    # Watched as a pager text would be: the word "zero" leaves the page.
    assert click_and_settle(page, button, what="count", pager="zero") == "changed"
    assert "one" in read_page(page).text


def test_forget_drops_the_look(page: Page) -> None:
    """`forget` (the bot typed or ticked): the next read looks again."""
    page.goto(HOST + "/one")
    calls = counting(page)
    read_page(page)
    forget(page)
    read_page(page)
    assert len(calls) == 2


def test_waiting_read_is_not_answered_by_an_early_look(page: Page) -> None:
    """A look taken while the page still shows its loading note is not what a waiting read
    returns: the read waits for the page to fill in."""
    page.goto(HOST + "/late")
    early = look(page)
    assert early.snapshot.loading and not early.snapshot.ready
    assert "filled in" in read_page(page).text


def test_a_new_page_served_with_5xx_is_site_unavailable(page: Page) -> None:
    """A click landing on a page served with HTTP 503 is `SiteUnavailable` (the status comes
    with the look at the new page)."""
    from automation.errors import SiteUnavailable

    page.goto(HOST + "/status")
    link = read_page(page).controls[0]
    with pytest.raises(SiteUnavailable):
        click_and_settle(page, link, what="go")
    assert look(page).status == 503


def test_a_navigating_click_is_looked_at_once_without_a_settle_poll(page: Page) -> None:
    """A click that loads a new page: after it, one evaluate (the look at the new page) and no
    in-page settle poll; the look is the new page's and is reused."""
    page.goto(HOST + "/one")
    link = read_page(page).control(texts.exact("next"))
    assert link is not None
    calls = counting(page)
    polls: list[str] = []
    real_wait: Callable[..., Any] = page.wait_for_function

    def wait_for_function(expression: str, **kwargs: Any) -> Any:
        polls.append(expression[:20])
        return real_wait(expression, **kwargs)

    page.wait_for_function = wait_for_function  # type: ignore[method-assign]
    assert click_and_settle(page, link, what="Next") == "navigated"
    assert "second page" in read_page(page).text
    assert (len(calls), polls) == (1, [])


def test_a_history_api_navigation_still_waits_for_the_row(page: Page) -> None:
    """A click that only pushes a history entry and changes the row later keeps its document:
    the settle waits for the watched row to change, and the read after it shows the change."""
    page.goto(HOST + "/spa")
    snap = read_page(page)
    ours = next(row for table in snap.tables for row in table.rows if "ours" in row.text)
    assert click_and_settle(page, snap.controls[0], what="renew", row=ours) == "navigated"
    assert page.url.endswith("/spa?renewed")
    assert "new" in read_page(page).text.split()


def test_a_long_poll_opened_before_a_click_does_not_make_nothing_a_timeout(page: Page) -> None:
    """A request the page opened before the click (a long-poll) is not the click's: a click
    after which nothing happens is still `page_changed`, not a retried `timeout`."""
    page.goto(f"{HOST}/long-poll")
    page.wait_for_load_state("domcontentloaded")
    page.set_default_timeout(500)
    start = read_page(page).control(re.compile("start polling"))
    assert start is not None
    # A first click: the page's requests are watched from here on; it opens the long-poll.
    assert click_and_settle(page, start, what="start", gone=None, pager="idle") == "changed"
    button = read_page(page).control(re.compile("does nothing"))
    assert button is not None
    with pytest.raises(PageChanged, match="nothing happened"):
        click_and_settle(page, button, what="the button")
