"""A saved session belongs to who it was signed in for (issue: "the right seller, every time"):
the e-mail, the host, the account and the marketplace chosen. Another identity in the same state
directory signs in afresh and never acts on, or reports, the first seller's account."""

from __future__ import annotations

import json

import pytest

from automation.browser import identity_path, session_path
from automation.errors import SellerAuthError
from fixtures.simulator import Seller
from flows.mws import register, status
from tests.jobs import job


def test_another_email_never_uses_the_first_sellers_session(
    site_factory, account_for, run, settings
) -> None:
    """`status` as one seller, then `register` configured for another e-mail (same account name
    `default`): the second run signs in as its own e-mail (the simulator knows no such login, so
    it fails to sign in) and grants nothing, reporting nothing of the first seller."""
    site = site_factory("granted")
    first = run(job(status.SPEC), account_for(site))
    assert first.seller_id == site.login.sellers[0].seller_id
    saved = session_path(settings.state_dir, "default")
    site.sim.clear_events()
    other = account_for(site, email="other-seller@another.example", password="another-password")
    with pytest.raises(SellerAuthError) as failed:
        run(job(register.SPEC), other)
    assert failed.value.code == "login_failed", failed.value
    assert site.sim.events_of("grant_attempt") == [] and site.sim.events_of("grant") == []
    assert site.sim.events_of("row_action") == [] and site.sim.events_of("token_view") == []
    assert list(saved.parent.glob("default.json.broken-*")), "the first session was set aside"
    assert json.loads(identity_path(saved).read_text())["email"] == "other-seller@another.example"


def two_shops(scenario) -> None:
    login = scenario.logins[0]
    login.totp_secret = None
    first = login.sellers[0]
    first.name, first.marketplaces = "First Shop", ["JP"]
    login.sellers = [
        first,
        Seller(seller_id="A2SIMSECOND0S1", name="Second Store", marketplaces=["JP", "US"]),
    ]


def test_another_chosen_account_signs_in_afresh_and_acts_on_its_own(
    site_factory, account_for, run
) -> None:
    """`status` for one shop of a login, then `register` for another shop of the same login:
    the second run does not reuse the first shop's session; it chooses its own shop and
    grants there, and reports that shop's seller ID and the marketplace the page showed."""
    site = site_factory("picker", configure=two_shops)
    shops = site.login.sellers
    first = run(job(status.SPEC), account_for(site, account_name="First Shop"))
    assert first.seller_id == shops[0].seller_id
    site.sim.clear_events()
    second = run(job(register.SPEC), account_for(site, account_name="Second Store"))
    assert second.seller_id == shops[1].seller_id
    grants = site.sim.events_of("grant")
    assert [g["seller_id"] for g in grants] == [shops[1].seller_id]
    assert [(e["seller_id"], e["marketplace"]) for e in site.sim.events_of("picker_select")] == [
        (shops[1].seller_id, "JP")
    ]
