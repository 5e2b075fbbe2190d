"""A consent whose refresh token was lost (issue 22, item 4.4): the run's journal holds the
SP-API intents an earlier run left open, or an earlier attempt of this run made; the job reads
Manage Your Apps and consents once more through the consent page, says so, and never clicks
`Re-authorize` again. A second consent in one run is refused, its intents left open, with no
picture or address of a blank page. (The same through killed processes: tests/test_spapi_kill.py.)
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import SecretStr

from automation.errors import NotConfirmed
from automation.journal import Journal
from fixtures.simulator.scenarios import DEMO_SELLER_ID
from fixtures.simulator.spapi_model import DEMO_APP_ID
from flows.spapi import app_renew, authorize
from flows.spapi.options import KnownAuthorization
from tests.flows import test_authorize as spapi_tests
from tests.jobs import job

app_for = spapi_tests.app_for  # the simulator's app settings (a fixture)
consents, exchanges = spapi_tests.consents, spapi_tests.exchanges


def this_run(*actions: str) -> Journal:
    """A journal in which an earlier attempt of this run noted `actions`."""
    journal = Journal()
    for action in actions:
        journal.append(action)
    return journal


def test_a_second_consent_in_one_run_is_refused_and_left_open(
    site_factory, account_for, run, app_for
) -> None:
    site = site_factory("spapi")
    journal = this_run("app_consent")
    with pytest.raises(NotConfirmed) as caught:
        run(job(authorize.SPEC, app=app_for(site)), account_for(site), journal=journal)
    assert consents(site) == []
    assert "run `sellerauth authorize`" in caught.value.message
    assert "five minutes" in caught.value.message
    assert caught.value.screenshot is None and caught.value.url is None  # not about:blank
    assert journal.settled() == []  # the intent stays open: the next run recovers


def test_authorize_recovers_an_earlier_runs_consent_once(
    site_factory, account_for, run, app_for
) -> None:
    """A killed run consented: Manage Your Apps shows the app; one new consent, said so, even
    with a stored token that still works (its consent is not the last one)."""
    site = site_factory("spapi-authorized", language="en")
    journal = Journal(["app_consent"])
    token = "Atzr|" + "x" * 40
    site.sim.spapi_state.refresh_tokens[token] = (DEMO_SELLER_ID, DEMO_APP_ID)  # it works
    known = KnownAuthorization(SecretStr(token))
    result = run(
        job(authorize.SPEC, app=app_for(site), known=known), account_for(site), journal=journal
    )
    assert result.outcome == "authorized"
    assert result.recovery and "a run gave consent" in result.recovery
    assert "Manage Your Apps shows the app active until" in result.recovery
    assert len(consents(site)) == 1
    assert result.refresh_token.get_secret_value() == exchanges(site)[0]["refresh_token"]
    assert journal.settled() == ["app_consent", "app_consent"]  # both closed by this run


@pytest.mark.parametrize(
    ("journal", "said"),
    [
        (lambda: Journal(["app_reauthorize"]), "a run clicked Re-authorize"),
        (lambda: this_run("app_reauthorize"), "an earlier attempt of this run clicked"),
        (lambda: Journal(["app_reauthorize", "app_consent"]), "Re-authorize and gave consent"),
    ],
)
def test_app_renew_recovers_without_a_second_reauthorize(
    site_factory, account_for, run, app_for, journal, said
) -> None:
    site = site_factory("spapi-expiring", language="en")
    result = run(job(app_renew.SPEC, app=app_for(site)), account_for(site), journal=journal())
    assert site.sim.events_of("spapi_app_action") == []  # never Re-authorize again
    assert len(consents(site)) == 1
    assert result.action == "reauthorized"
    assert result.recovery and said in result.recovery
    assert result.expires_at >= date.today() + timedelta(days=364)
    assert result.refresh_token.get_secret_value() == exchanges(site)[0]["refresh_token"]


def test_app_renew_recovery_when_the_consent_never_reached_amazon(
    site_factory, account_for, run, app_for
) -> None:
    """Killed between the intent and the click on a new seller's consent page: no row of ours;
    the recovery authorizes through the consent page (`authorized`), not `not_authorized`."""
    site = site_factory("spapi", language="en")
    result = run(
        job(app_renew.SPEC, app=app_for(site)), account_for(site), journal=Journal(["app_consent"])
    )
    assert result.action == "authorized" and result.recovery
    assert "does not show the app" in result.recovery
    assert len(consents(site)) == 1
    apps = site.sim.scenario.logins[0].sellers[0].apps
    assert [a.app_id for a in apps].count(DEMO_APP_ID) == 1
