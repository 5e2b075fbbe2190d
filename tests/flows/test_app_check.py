"""`app-check` against the simulator's LWA and Sellers API: each class comes out right, the
next client secret is tried once, 429 waits what Retry-After asks; no browser starts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import SecretStr

from automation.otp import FakeClock
from automation.runner import RunOptions, run_without_browser
from fixtures.simulator.spapi import issue_refresh_token
from flows.spapi import app_check
from flows.spapi.errors import AppCheckFailed
from flows.spapi.options import KnownAuthorization
from tests.flows.test_authorize_leaks import app_settings
from tests.jobs import job

NEXT_SECRET = "amzn1.oa2-cs.v1.sim0next0secret0b6d8f0a1c3e5b7d9f2a4c6e8b0d1234"


def check(site: Any, settings: Any, account: Any, clock: FakeClock, **app: Any) -> Any:
    """app-check of the site's first seller, as the engine runs it (no browser)."""
    seller = site.login.sellers[0]
    known = KnownAuthorization(
        SecretStr(issue_refresh_token(site.sim, seller.seller_id)), seller.seller_id
    )
    flow = job(app_check.SPEC, app=app_settings(site, **app), known=known)
    return run_without_browser(flow, settings, account, RunOptions(clock=clock))


def failed(site: Any, settings: Any, account: Any, clock: FakeClock, **app: Any) -> Any:
    with pytest.raises(AppCheckFailed) as caught:
        check(site, settings, account, clock, **app)
    data = caught.value.to_dict()
    assert data["checked_at"]
    return data


def test_ok_proves_the_token_with_one_grant_and_one_call(
    site_factory, account_for, settings, clock
) -> None:
    site = site_factory("spapi-authorized")
    result = check(site, settings, account_for(site), clock)
    assert result.check == "ok" and result.secret == "current" and result.throttled == 0
    assert result.marketplace_ids == ["A1VC38T7YXB528"]
    assert [e["grant_type"] for e in site.sim.events_of("lwa_token")] == ["refresh_token"]
    assert [e["ok"] for e in site.sim.events_of("sellers_call")] == [True]
    assert "refresh_token" not in result.model_dump_json()


def test_revoked_token_is_relink_needed(site_factory, account_for, settings, clock) -> None:
    site = site_factory("spapi-authorized", spapi={"refresh_revoked": True})
    data = failed(site, settings, account_for(site), clock)
    assert data["code"] == "relink_needed" and data["secret"] == "current"
    assert site.sim.events_of("sellers_call") == []


def test_retired_secret_is_client_rejected(site_factory, account_for, settings, clock) -> None:
    site = site_factory("spapi-authorized", spapi={"lwa_secret_retired": True})
    data = failed(site, settings, account_for(site), clock)
    assert data["code"] == "client_rejected" and data["secret"] == "current"


def test_rotation_the_next_secret_is_tried_once_and_named(
    site_factory, account_for, settings, clock
) -> None:
    site = site_factory(
        "spapi-authorized",
        spapi={"lwa_secret_retired": True, "lwa_client_secret_next": NEXT_SECRET},
    )
    result = check(site, settings, account_for(site), clock, lwa_client_secret_next=NEXT_SECRET)
    assert result.check == "ok" and result.secret == "next"
    grants = site.sim.events_of("lwa_token")
    assert [(e["ok"], e.get("error")) for e in grants] == [
        (False, "invalid_client"),
        (True, None),
    ]


def test_next_secret_refused_too_is_client_rejected_once(
    site_factory, account_for, settings, clock
) -> None:
    site = site_factory("spapi-authorized", spapi={"lwa_secret_retired": True})
    data = failed(site, settings, account_for(site), clock, lwa_client_secret_next=NEXT_SECRET)
    assert data["code"] == "client_rejected" and data["secret"] == "next"
    assert len(site.sim.events_of("lwa_token")) == 2


def test_403_is_forbidden(site_factory, account_for, settings, clock) -> None:
    site = site_factory("spapi-authorized", spapi={"sellers_status": 403})
    assert failed(site, settings, account_for(site), clock)["code"] == "forbidden"


def test_429_waits_what_retry_after_asks(site_factory, account_for, settings, clock) -> None:
    site = site_factory(
        "spapi-authorized", spapi={"sellers_throttled": 2, "sellers_retry_after": "7"}
    )
    result = check(site, settings, account_for(site), clock)
    assert result.check == "ok" and result.throttled == 2
    assert clock.sleeps == [7.0, 7.0]


def test_429_on_every_try_is_throttled_bounded(site_factory, account_for, settings, clock) -> None:
    site = site_factory(
        "spapi-authorized", spapi={"sellers_throttled": 99, "sellers_retry_after": "120"}
    )
    data = failed(site, settings, account_for(site), clock)
    assert data["code"] == "throttled"
    assert len(site.sim.events_of("sellers_call")) == app_check.THROTTLE_TRIES
    assert clock.sleeps == [app_check.MAX_RETRY_AFTER_SECONDS] * (app_check.THROTTLE_TRIES - 1)


def test_5xx_is_unavailable_and_transient(site_factory, account_for, settings, clock) -> None:
    site = site_factory("spapi-authorized", spapi={"sellers_status": 503})
    fast = settings.model_copy(update={"retry_attempts": 1})
    data = failed(site, fast, account_for(site), clock)
    assert data["code"] == "unavailable"


def test_no_stored_token_is_not_authorized(site_factory, account_for, settings, clock) -> None:
    site = site_factory("spapi-authorized")
    flow = job(app_check.SPEC, app=app_settings(site))
    with pytest.raises(Exception) as caught:
        run_without_browser(flow, settings, account_for(site), RunOptions(clock=clock))
    assert getattr(caught.value, "code", None) == "not_authorized"
