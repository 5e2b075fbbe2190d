"""The fleet page in a real browser: `sellerauth serve` over a store that a real `batch status`
filled on the simulator; what it shows, its filters, a needs-a-person account's triage and
evidence, and the expiry chart (docs/monitoring.md)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from automation.browser import BrowserSession
from tests.batch.conftest import OUR_ID, Fleet, sellerauth, start_fleet
from tests.batch.serving import serving

# What an operator sees first, kept for a look (test-results/ is not committed).
SCREENSHOT = Path(__file__).resolve().parents[2] / "test-results" / "fleet-page.png"
# What each seller's grant must show after `batch status`: by its kind, captcha, password.
EXPECTED = {
    "seller-01": "ok",  # granted, 200 days left
    "seller-02": "due",  # expiring in 10 days
    "seller-03": "lapsed",  # expired 20 days ago: only in the history table
    "seller-04": "needs_person",  # behind a captcha
    "seller-05": "failing",  # a wrong password
}


@pytest.fixture
def page() -> Iterator[Page]:
    """A page of the product's own headless Chromium, started for the test and closed after
    it (one Playwright per thread: a session-wide one would stop the next test's own)."""
    with BrowserSession(timeout_ms=15000) as session:
        context = session.new_context()
        page = context.new_page()
        yield page
        context.close()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    """Five sellers, one `batch status` over them, the store kept for every test here."""
    root = tmp_path_factory.mktemp("fleet-page")
    fleet, servers = start_fleet(
        root, ["granted", "expiring", "expired"], captcha="granted", wrong_password="granted"
    )
    try:
        done = sellerauth(fleet, "batch", "status")
        assert done.returncode != 0, done.stderr  # a captcha and a wrong password fail
        outcomes = {line["account"]: line["state"] for line in done.lines() if "state" in line}
        assert outcomes["seller-04"] == "needs_person", done.stdout
        yield fleet
    finally:
        for server in servers:
            server.stop()


def fleet_json(fleet: Fleet, *args: str) -> list[dict[str, Any]]:
    done = sellerauth(fleet, "fleet", "--json", *args)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def sim_expiry(fleet: Fleet, name: str) -> date | None:
    """Our developer's expiry as the seller's simulator holds it (JST, as its page shows)."""
    seller = fleet.by_name(name)
    row = fleet.sim_of(seller).developer_row(seller.seller_id, OUR_ID)
    if row is None or row.expires_at is None:
        return None
    return (row.expires_at.astimezone(UTC) + timedelta(hours=9)).date()


def test_the_fleet_page_shows_what_the_store_holds(filled: Fleet, page: Page) -> None:
    with serving(filled) as url:
        page.goto(url)
        expect(page.get_by_role("heading", name="Fleet")).to_be_visible()
        rows = page.locator("#fleet tbody tr[data-account]")
        expect(rows).to_have_count(len(EXPECTED))
        shown = {
            row.get_attribute("data-account"): row.get_attribute("data-state") for row in rows.all()
        }
        assert shown == EXPECTED
        for state in set(EXPECTED.values()):
            count = list(EXPECTED.values()).count(state)
            expect(page.locator(f"[data-count={state}]")).to_contain_text(str(count))
        # The expiry each row shows is the one the seller's simulator holds.
        for name in ("seller-01", "seller-02"):
            expires = sim_expiry(filled, name)
            assert expires is not None
            cell = page.locator(f"tr[data-account={name}] td").nth(3)
            expect(cell).to_contain_text(expires.isoformat())
            expect(cell).to_contain_text("read off the page")
        # The failing seller names its error and who acts.
        failing = page.locator("tr[data-account=seller-05]")
        expect(failing).to_contain_text("login_failed")
        expect(failing).to_contain_text("the operations team")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_filters_search_and_sorting_work(filled: Fleet, page: Page) -> None:
    with serving(filled) as url:
        page.goto(url)
        page.get_by_label("State", exact=True).select_option("due")
        page.get_by_role("button", name="Show").click()
        expect(page.locator("#fleet tbody tr[data-account]")).to_have_count(1)
        expect(page.locator("#fleet tbody tr[data-account]")).to_have_attribute(
            "data-account", "seller-02"
        )
        page.get_by_label("State", exact=True).select_option("")
        page.get_by_label("Search by account").fill("seller-0")
        page.get_by_label("Sort by").select_option("expires")
        page.get_by_role("button", name="Show").click()
        rows = page.locator("#fleet tbody tr[data-account]")
        expect(rows).to_have_count(len(EXPECTED))
        # By expiry: the lapsed one first (its date has passed), the soonest next.
        order = [row.get_attribute("data-account") for row in rows.all()]
        assert order.index("seller-02") < order.index("seller-01")
        page.get_by_label("Search by account").fill("seller-05")
        page.get_by_role("button", name="Show").click()
        expect(rows).to_have_count(1)
        page.get_by_role("link", name="Lapsed").click()
        expect(rows).to_have_count(1)
        expect(rows).to_have_attribute("data-account", "seller-03")


def test_a_needs_person_account_shows_its_triage_and_evidence(filled: Fleet, page: Page) -> None:
    with serving(filled) as url:
        page.goto(url)
        page.get_by_role("link", name="seller-04").first.click()
        expect(page.get_by_role("heading", name="seller-04")).to_be_visible()
        grant = page.locator("#grants tr[data-state=needs_person]")
        expect(grant).to_contain_text("needs_person")
        expect(grant).to_contain_text("the operations team")
        expect(page.locator("#runs")).to_contain_text(
            "sellerauth status --account seller-04 --assist"
        )
        shot = page.locator(".shots img").first
        expect(shot).to_be_visible()
        assert page.evaluate("img => img.naturalWidth", shot.element_handle()) > 0
        # The screenshot is the one the failed run kept, served from the state directory.
        kept = list((filled.state_dir / "evidence" / "seller-04").glob("*.png"))
        assert kept and shot.get_attribute("src", timeout=1000).endswith(sorted(kept)[-1].name)


def test_the_expiry_chart_matches_the_store(filled: Fleet, page: Page) -> None:
    rows = fleet_json(filled)
    today = datetime.now(UTC).date()
    expected = [0] * 13
    for row in rows:
        if row["expires_at"]:
            days = (date.fromisoformat(row["expires_at"]) - today).days
            if 0 <= days < 91:
                expected[days // 7] += 1
    assert sum(expected) == 1  # seller-02's 10 days; seller-01's 200 are beyond the chart
    with serving(filled) as url:
        page.goto(url + "expiries")
        bars = page.locator("#expiry-chart rect")
        expect(bars).to_have_count(13)
        counts = [int(bar.get_attribute("data-count") or "-1") for bar in bars.all()]
        assert counts == expected
