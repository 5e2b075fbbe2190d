"""Two sellers in one state directory (issue 22, item 1), in any order of the five jobs that
sign in: seller A's job runs first under the account name `default`, then the same account name
is configured for seller B (another e-mail and password, as an operator exporting the next
seller's settings does). The second run finds A's saved session, A's seller ID and A's refresh
token in the store: it must not act on A's account and must not report A's data.

Both sellers are on one simulator (the `sellers` scenario): A is shop-c (our developer and app
due in 10 days), B is shop-b (both valid for 200 days). The runs go through the engine as a
single run does (prepare from the store, the account's lock, the store's records), in-process
with the suite's shared browser."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from automation.outcome import Outcome, record_outcome, run_account
from automation.runner import RunOptions
from automation.store import Store
from fixtures.simulator.account import app_env
from sellerauth.app import COMMANDS

JOBS = ("register", "status", "renew", "authorize", "app-renew")
SPECS = {spec.name: spec for spec in COMMANDS}


def run_job(name: str, account: Any, settings: Any, store: Store, **options: Any) -> Outcome:
    """`sellerauth NAME` for `account` as `automation/cli/single.py` runs it, recorded."""
    command = SPECS[name].command({}).prepared(settings, account, store)
    run = store.create_run(name, command.recorded_options(), [account.name], kind="single")
    store.start_result(run.run_id, account.name)
    outcome = run_account(
        command,
        settings,
        account,
        RunOptions(**options),
        store=store,
        run_id=run.run_id,
        record=lambda o: record_outcome(store, run.run_id, o),
    )
    store.finish_run(run.run_id)
    return outcome


def seller_ids_in(events: list[dict[str, Any]]) -> set[str]:
    return {e["seller_id"] for e in events if e.get("seller_id")}


@pytest.mark.parametrize(("first", "second"), list(itertools.product(JOBS, JOBS)))
def test_the_second_seller_never_gets_the_first_sellers_account_or_data(
    site_factory, account_for, settings, clock, browser_for, monkeypatch, first, second
) -> None:
    site = site_factory("sellers")
    for name, value in app_env(site.url).items():
        monkeypatch.setenv(name, value)
    _shop_a, seller_b, seller_a = site.sim.scenario.logins
    a_id, b_id = seller_a.sellers[0].seller_id, seller_b.sellers[0].seller_id
    options = {"clock": clock, "browser": browser_for(settings)}
    with Store.open(settings) as store:
        one = run_job(first, account_for(site, login=seller_a), settings, store, **options)
        assert one.state == "done", one.error
        assert seller_ids_in(site.sim.events) <= {a_id}
        # What the second run must not show: A's seller ID, A's MWS tokens, every refresh and
        # access token LWA gave so far (all of them A's).
        a_secrets = [a_id, *(d.token for d in seller_a.sellers[0].developers)]
        a_secrets += [*site.sim.spapi_state.refresh_tokens, *site.sim.spapi_state.access_tokens]
        site.sim.clear_events()
        two = run_job(second, account_for(site, login=seller_b), settings, store, **options)
    touched = seller_ids_in(site.sim.events)
    assert a_id not in touched, f"{second} as seller B reached seller A's pages: {touched}"
    said = json.dumps([two.data, two.error, two.secrets], default=str)
    for secret in a_secrets:
        assert secret not in said, f"{second} as seller B reported seller A's {secret[:6]}…"
    # B's own run is not refused for A's sake: it signs in as B and does B's job.
    assert two.state == "done", two.error
    assert {e["email"] for e in site.sim.events_of("signin_success")} == {seller_b.email}
    shown = (two.data or {}).get("seller_id") or (two.data or {}).get("selling_partner_id")
    assert shown in (None, b_id)
