"""SP-API `authorize`, `app_status` and `app_renew` end to end against the simulator: what the
bot reported and what the simulated Amazon (pages, LWA, Sellers API) recorded."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest

from automation.errors import (
    CodeExpired,
    LwaInvalidClient,
    NotAuthorized,
    NotConfirmed,
    NotPermitted,
    PageChanged,
    Refused,
    WrongDeveloper,
)
from fixtures.simulator.scenarios import DEMO_SELLER_ID
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LOGIN_URI,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)
from flows import authorize
from flows.authorize import KnownAuthorization
from flows.spapi_settings import AppSettings, load_app_settings

JP = "A1VC38T7YXB528"


@pytest.fixture
def app_for():
    """The SP-API settings of the simulator's app, its LWA and Sellers API on the simulator."""

    def make(site: Any, **overrides: Any) -> AppSettings:
        values: dict[str, Any] = {
            "app_id": DEMO_APP_ID,
            "app_name": DEMO_APP_NAME,
            "redirect_uri": DEMO_REDIRECT_URI,
            "login_uri": DEMO_LOGIN_URI,
            "lwa_client_id": DEMO_LWA_CLIENT_ID,
            "lwa_client_secret": DEMO_LWA_CLIENT_SECRET,
            "lwa_token_url": site.url + "/auth/o2/token",
            "spapi_endpoint": site.url,
            "interstitial_wait_ms": 2000,
        }
        values.update(overrides)
        return load_app_settings(**values)

    return make


def consents(site) -> list[dict]:
    return site.sim.events_of("spapi_consent")


def exchanges(site) -> list[dict]:
    return [e for e in site.sim.events_of("lwa_token") if e["grant_type"] == "authorization_code"]


def assert_one_clean_consent(site) -> None:
    """One consent, for our app only, its code exchanged once within its life; no Disable."""
    given = consents(site)
    assert len(given) == 1, given
    assert given[0]["app_id"] == DEMO_APP_ID
    codes = site.sim.events_of("spapi_code_issued")
    assert len(codes) == 1
    sent = exchanges(site)
    assert [e["code"] for e in sent] == [codes[0]["code"]]
    assert sent[0]["ok"] and sent[0]["age"] <= 300
    actions = [e["action"] for e in site.sim.events_of("spapi_app_action")]
    assert "disable" not in actions and "disable_ok" not in actions


class TestAuthorize:
    @pytest.mark.parametrize(
        ("language", "knobs"),
        [
            ("ja", {}),
            ("en", {"markup": "grid", "controls": "link"}),
            ("en", {"redirect_by": "302"}),
        ],
    )
    def test_checkbox_consent_collects_a_working_refresh_token(
        self, site_factory, account_for, run, app_for, language, knobs
    ) -> None:
        """Variant A: ticked, confirmed, redirect caught, code exchanged, token proven."""
        site = site_factory("spapi", language=language, spapi=knobs)
        app = app_for(site)
        result = run(partial(authorize.run_authorize, app=app), account_for(site))
        assert_one_clean_consent(site)
        issued = exchanges(site)[0]["refresh_token"]
        assert result.outcome == "authorized"
        assert result.refresh_token.get_secret_value() == issued
        assert result.selling_partner_id == DEMO_SELLER_ID
        assert result.marketplace_ids == [JP]
        assert result.app_id == DEMO_APP_ID
        assert result.expires_at is not None and result.expires_at >= date.today() + timedelta(
            days=364
        )
        refreshes = [
            e for e in site.sim.events_of("lwa_token") if e["grant_type"] == "refresh_token"
        ]
        assert [e["refresh_token"] for e in refreshes] == [issued]
        assert [e["ok"] for e in site.sim.events_of("sellers_call")] == [True]
        shown = site.sim.events_of("spapi_consent_url")[0]
        assert shown["state"] and shown["redirect_uri"] == DEMO_REDIRECT_URI
        assert shown["version"] is None
