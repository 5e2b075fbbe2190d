"""SP-API `authorize`, `app_status` and `app_renew` end to end against the simulator: what the
bot reported and what the simulated Amazon (pages, LWA, Sellers API) recorded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from automation.errors import NotAuthorized, NotConfirmed, NotPermitted, PageChanged, WrongDeveloper
from fixtures.simulator.scenarios import DEMO_SELLER_ID
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LOGIN_URI,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)
from flows.spapi import app_renew, app_status, authorize
from flows.spapi.errors import CodeExpired, LwaInvalidClient, Refused
from flows.spapi.options import KnownAuthorization
from flows.spapi.settings import AppSettings, load_app_settings
from tests.jobs import job

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
        result = run(job(authorize.SPEC, app=app), account_for(site))
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

    @pytest.mark.parametrize(
        ("language", "knobs"),
        [
            ("en", {}),
            ("ja", {"redirect_by": "302", "controls": "link"}),
            # docs/pages.md §6: a box to tick before `<app>に今すぐログイン` is enabled.
            ("ja", {"login_box": True}),
            ("en", {"login_box": True, "redirect_by": "302"}),
        ],
    )
    def test_login_variant_plays_the_app(
        self, site_factory, account_for, run, app_for, language, knobs
    ) -> None:
        """Variant B: the login URI is caught, the confirm hop gets amazon_state and our state."""
        site = site_factory("spapi", language=language, spapi={"variant": "login", **knobs})
        result = run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert_one_clean_consent(site)
        assert consents(site)[0]["via"] == "login"
        hop = site.sim.events_of("spapi_confirm")
        assert len(hop) == 1 and hop[0]["amazon_state_ok"]
        assert hop[0]["redirect_uri"] == DEMO_REDIRECT_URI
        assert result.selling_partner_id == DEMO_SELLER_ID
        assert result.refresh_token.get_secret_value() == exchanges(site)[0]["refresh_token"]
        if knobs.get("redirect_by") == "302":
            assert len(site.sim.events_of("spapi_login_hop")) == 1

    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_another_wording_of_the_statement(
        self, site_factory, account_for, run, app_for, language
    ) -> None:
        """The statement worded otherwise: our app still recognised, consent given once."""
        site = site_factory("spapi", language=language, spapi={"consent_wording": "alternate"})
        result = run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert result.outcome == "authorized"
        assert_one_clean_consent(site)

    def test_another_wording_naming_another_app_is_refused(
        self, site_factory, account_for, run, app_for
    ) -> None:
        site = site_factory(
            "spapi",
            language="ja",
            spapi={"consent_wording": "alternate", "consent_app_name": "Evil Scraper"},
        )
        with pytest.raises(WrongDeveloper):
            run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert site.sim.events_of("spapi_consent_attempt") == [] and consents(site) == []

    def test_draft_app_sends_version_beta(self, site_factory, account_for, run, app_for) -> None:
        """SELLERAUTH_APP_DRAFT adds version=beta, which a draft app needs."""
        site = site_factory("spapi", spapi={"draft": True})
        result = run(job(authorize.SPEC, app=app_for(site, app_draft=True)), account_for(site))
        assert result.outcome == "authorized"
        assert site.sim.events_of("spapi_consent_url")[0]["version"] == "beta"
        assert_one_clean_consent(site)

    def test_chooses_the_configured_account_first(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """With an account name configured the chooser is set before consent: the consent
        goes to the chosen seller account and marketplace."""
        site = site_factory("picker")
        account = account_for(site, account_name="サンプル商店", marketplace="US")
        result = run(job(authorize.SPEC, app=app_for(site)), account)
        assert result.selling_partner_id == DEMO_SELLER_ID
        picks = site.sim.events_of("picker_select")
        assert picks and (picks[-1]["seller_id"], picks[-1]["marketplace"]) == (
            DEMO_SELLER_ID,
            "US",
        )
        given = consents(site)
        assert len(given) == 1 and given[0]["marketplace"] == "US"
        assert sorted(result.marketplace_ids) == sorted([JP, "ATVPDKIKX0DER"])

    def test_reloads_a_blank_interstitial(self, site_factory, account_for, run, app_for) -> None:
        """The `We are authorizing …` page blank for two loads: reloaded, then the redirect."""
        site = site_factory("spapi", spapi={"blank_interstitial": 2})
        app = app_for(site, interstitial_wait_ms=800, interstitial_reloads=2)
        result = run(job(authorize.SPEC, app=app), account_for(site))
        assert result.outcome == "authorized"
        blanks = [e["blank"] for e in site.sim.events_of("spapi_interstitial")]
        assert blanks == [True, True, False]
        assert_one_clean_consent(site)

    def test_interstitial_blank_beyond_the_reloads_is_not_confirmed(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """Still blank after the allowed reloads: not_confirmed, nothing exchanged, no retry."""
        site = site_factory("spapi", spapi={"blank_interstitial": 5})
        app = app_for(site, interstitial_wait_ms=500, interstitial_reloads=1)
        with pytest.raises(NotConfirmed):
            run(job(authorize.SPEC, app=app), account_for(site))
        assert len(consents(site)) == 1
        assert len(site.sim.events_of("spapi_interstitial")) == 2
        assert exchanges(site) == []

    def test_lwa_failing_once_is_tried_again_without_a_new_consent(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """LWA answering 500 once: the exchange is tried again at once, one consent only."""
        site = site_factory("spapi", faults={"fail_once": ["/auth/o2/token"]})
        result = run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert result.outcome == "authorized"
        failed = [e for e in site.sim.events_of("request") if e.get("fault") == "fail"]
        assert [e["path"] for e in failed] == ["/auth/o2/token"]
        assert_one_clean_consent(site)

    def test_a_500_on_the_interstitial_is_reloaded(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """Seller Central failing on the page after consent: reloaded, never consented again."""
        site = site_factory("spapi", faults={"fail_once": ["/apps/authorize/status"]})
        app = app_for(site, interstitial_wait_ms=800)
        result = run(job(authorize.SPEC, app=app), account_for(site))
        assert result.outcome == "authorized"
        assert_one_clean_consent(site)

    @pytest.mark.parametrize("layout", ["split", "nested"])
    def test_other_layouts(self, site_factory, account_for, run, app_for, layout) -> None:
        """Texts split across elements, extra wrappers: the same consent, read the same way."""
        site = site_factory("spapi-expiring", layout=layout, spapi={"markup": "grid"})
        app = app_for(site)
        status = run(job(app_status.SPEC, app=app), account_for(site))
        assert [a.ours for a in status.apps] == [False, True, False]
        result = run(job(app_renew.SPEC, app=app), account_for(site))
        assert result.action == "reauthorized"
        assert_one_clean_consent(site)


class TestAnswers:
    def test_another_app_named_is_wrong_developer(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """Consent naming another app: wrong_developer, the box never ticked, nothing given."""
        site = site_factory("spapi", language="en", spapi={"consent_app_name": "Evil Scraper"})
        with pytest.raises(WrongDeveloper) as caught:
            run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert "Evil Scraper" in caught.value.message
        assert site.sim.events_of("spapi_consent_attempt") == []
        assert consents(site) == [] and exchanges(site) == []

    @pytest.mark.parametrize(
        ("knobs", "configured", "code", "says"),
        [
            ({"draft": True}, {}, "MD1000", "SELLERAUTH_APP_DRAFT=1"),
            (
                {},
                {"redirect_uri": "https://other.example.test/cb"},
                "MD5101",
                "not registered",
            ),
            ({"md_error": "MD9000"}, {}, "MD9000", "not eligible"),
            ({"md_error": "MD9100"}, {}, "MD9100", "login URI"),
            ({"md_error": "MD4100"}, {}, "MD4100", "SELLERAUTH_APP_ID"),
            ({"md_error": "MD9999"}, {}, "MD9999", "run again later"),
        ],
    )
    def test_amazon_error_codes_are_refused(
        self, site_factory, account_for, run, app_for, knobs, configured, code, says
    ) -> None:
        """`Something went wrong` with an MD code: refused, the code, what to do; no click."""
        site = site_factory("spapi", language="en", spapi=knobs)
        with pytest.raises(Refused) as caught:
            run(
                job(authorize.SPEC, app=app_for(site, **configured)),
                account_for(site),
            )
        assert caught.value.amazon_code == code
        assert caught.value.to_dict()["amazon_code"] == code
        assert says in caught.value.message
        assert consents(site) == [] and exchanges(site) == []
        assert len(site.sim.events_of("spapi_consent_url")) == 1  # not retried

    def test_japanese_error_page_is_read_too(self, site_factory, account_for, run, app_for):
        site = site_factory("spapi", language="ja", spapi={"md_error": "MD5110"})
        with pytest.raises(Refused) as caught:
            run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert caught.value.amazon_code == "MD5110"

    def test_invalid_access_is_not_permitted(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi", language="en", spapi={"invalid_access": True})
        with pytest.raises(NotPermitted):
            run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert consents(site) == []

    def test_state_mismatch_stops_before_the_exchange(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """A redirect carrying another state: page_changed, the code never sent."""
        site = site_factory("spapi", spapi={"wrong_state": True})
        with pytest.raises(PageChanged) as caught:
            run(job(authorize.SPEC, app=app_for(site)), account_for(site))
        assert "state" in caught.value.message
        assert exchanges(site) == []
        assert len(consents(site)) == 1

    def test_a_code_that_may_be_too_old_is_never_sent(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """Five minutes pass on a hanging interstitial: the code is not sent to LWA."""
        site = site_factory(
            "spapi", spapi={"blank_interstitial": 2, "interstitial_load_seconds": 150}
        )
        app = app_for(site, interstitial_wait_ms=500, interstitial_reloads=2)
        with pytest.raises(CodeExpired):
            run(job(authorize.SPEC, app=app), account_for(site))
        assert site.sim.events_of("lwa_token") == []

    def test_wrong_client_secret_is_lwa_invalid_client(
        self, site_factory, account_for, run, app_for
    ) -> None:
        site = site_factory("spapi")
        app = app_for(site, lwa_client_secret="not-the-secret-at-all")
        with pytest.raises(LwaInvalidClient) as caught:
            run(job(authorize.SPEC, app=app), account_for(site))
        assert "SELLERAUTH_LWA_CLIENT_SECRET" in caught.value.message
        assert [e["error"] for e in site.sim.events_of("lwa_token")] == ["invalid_client"]
        assert len(consents(site)) == 1


class TestAlreadyAuthorized:
    def _first(self, site, account_for, run, app_for):
        return run(job(authorize.SPEC, app=app_for(site)), account_for(site))

    def test_known_working_token_and_valid_app_consent_nothing(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """Our app valid beyond the window and the known token works: no new consent."""
        site = site_factory("spapi", language="en", spapi={"markup": "grid"})
        first = self._first(site, account_for, run, app_for)
        known = KnownAuthorization(first.refresh_token, first.selling_partner_id)
        second = run(job(authorize.SPEC, app=app_for(site), known=known), account_for(site))
        assert second.outcome == "already_authorized"
        assert second.refresh_token.get_secret_value() == first.refresh_token.get_secret_value()
        assert second.marketplace_ids == [JP] and second.expires_at == first.expires_at
        assert len(consents(site)) == 1

    def test_refused_known_token_gets_a_new_consent(
        self, site_factory, account_for, run, app_for
    ) -> None:
        """A known token LWA refuses: a new consent and a new token."""
        site = site_factory("spapi-authorized")
        known = KnownAuthorization(pydantic_secret("Atzr|not-a-token-the-sim-issued"))
        result = run(job(authorize.SPEC, app=app_for(site), known=known), account_for(site))
        assert result.outcome == "authorized"
        assert_one_clean_consent(site)

    def test_no_verify_skips_the_check(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi")
        result = run(job(authorize.SPEC, app=app_for(site), verify=False), account_for(site))
        assert result.verified is False and result.marketplace_ids == []
        assert site.sim.events_of("sellers_call") == []
        assert_one_clean_consent(site)


def pydantic_secret(value: str):
    from pydantic import SecretStr

    return SecretStr(value)


class TestAppStatus:
    @pytest.mark.parametrize(
        ("language", "knobs"), [("ja", {}), ("en", {"markup": "grid", "controls": "link"})]
    )
    def test_every_row_ours_marked(
        self, site_factory, account_for, run, app_for, language, knobs
    ) -> None:
        site = site_factory("spapi-expiring", language=language, spapi=knobs)
        result = run(job(app_status.SPEC, app=app_for(site)), account_for(site))
        names = [a.app_name for a in result.apps]
        assert names == ["Inventory Helper", DEMO_APP_NAME, "Repricer Pro"]
        ours = [a for a in result.apps if a.ours]
        assert len(ours) == 1 and ours[0].app_name == DEMO_APP_NAME
        assert ours[0].status == "active" and ours[0].developer == "shippinno"
        assert ours[0].expires_at is not None
        assert result.apps[2].status == "expired"
        assert site.sim.events_of("spapi_app_action") == []

    @pytest.mark.parametrize(
        ("language", "date_style"), [("en", "iso"), ("en", "numeric"), ("ja", "numeric")]
    )
    def test_td_headers_and_other_date_formats(
        self, site_factory, account_for, run, app_for, language, date_style
    ) -> None:
        """A header row of plain cells and dates as 2027-03-06, 3/6/2027 or 2027/03/06."""
        site = site_factory(
            "spapi-expiring",
            language=language,
            spapi={"markup": "plain", "date_style": date_style},
        )
        result = run(job(app_status.SPEC, app=app_for(site)), account_for(site))
        ours = next(a for a in result.apps if a.ours)
        expected = site.sim.seller(DEMO_SELLER_ID).apps[1].expires_at
        assert ours.expires_at is not None
        assert abs((ours.expires_at - expected.date()).days) <= 1
        assert [a.status for a in result.apps] == ["active", "active", "expired"]

    def test_every_page(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi-many-apps", language="en")
        result = run(job(app_status.SPEC, app=app_for(site)), account_for(site))
        assert len(result.apps) == 14
        assert [a.ours for a in result.apps].count(True) == 1
        assert [e["page"] for e in site.sim.events_of("spapi_apps_page")] == [1, 2]

    def test_no_apps(self, site_factory, account_for, run, app_for) -> None:
        def none(scenario) -> None:
            scenario.logins[0].sellers[0].apps = []

        site = site_factory("spapi", language="ja", configure=none)
        result = run(job(app_status.SPEC, app=app_for(site)), account_for(site))
        assert result.apps == []


class TestAppRenew:
    def renew(self, site, account_for, run, app_for, **options):
        return run(job(app_renew.SPEC, app=app_for(site), **options), account_for(site))

    @pytest.mark.parametrize(
        ("language", "knobs"),
        [("en", {}), ("ja", {"variant": "login", "markup": "grid", "controls": "link"})],
    )
    def test_expiring_is_reauthorized(
        self, site_factory, account_for, run, app_for, language, knobs
    ) -> None:
        """Within the window: Re-authorize, consent, a new token, a year ahead read back."""
        site = site_factory("spapi-expiring", language=language, spapi=knobs)
        result = self.renew(site, account_for, run, app_for)
        actions = [(e["app_id"], e["action"]) for e in site.sim.events_of("spapi_app_action")]
        assert actions == [(DEMO_APP_ID, "reauthorize")]
        assert_one_clean_consent(site)
        assert result.action == "reauthorized" and result.would_do == []
        assert result.refresh_token.get_secret_value() == exchanges(site)[0]["refresh_token"]
        assert result.expires_at >= date.today() + timedelta(days=364)
        assert result.selling_partner_id == DEMO_SELLER_ID
        assert result.marketplace_ids == [JP]

    def test_expired_is_enabled(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi-expired", language="en", spapi={"variant": "login"})
        result = self.renew(site, account_for, run, app_for)
        actions = [e["action"] for e in site.sim.events_of("spapi_app_action")]
        assert actions == ["enable"]
        assert result.action == "enabled"
        assert_one_clean_consent(site)

    def test_on_the_second_page(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi-many-apps", language="en", spapi={"redirect_by": "302"})
        result = self.renew(site, account_for, run, app_for)
        assert result.action == "reauthorized"
        actions = [(e["app_id"], e["action"]) for e in site.sim.events_of("spapi_app_action")]
        assert actions == [(DEMO_APP_ID, "reauthorize")]

    def test_fresh_does_nothing(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi-authorized")
        result = self.renew(site, account_for, run, app_for)
        assert result.action == "none" and result.refresh_token is None
        assert site.sim.events_of("spapi_app_action") == [] and consents(site) == []

    def test_force_reauthorizes_a_fresh_one(self, site_factory, account_for, run, app_for):
        site = site_factory("spapi-authorized", language="en")
        result = self.renew(site, account_for, run, app_for, force=True)
        assert result.action == "reauthorized"
        assert_one_clean_consent(site)

    def test_dry_run_says_what_it_would_do(self, site_factory, account_for, run, app_for):
        site = site_factory("spapi-expired")
        result = self.renew(site, account_for, run, app_for, dry_run=True)
        assert result.dry_run and result.action == "none" and result.would_do == ["enable"]
        assert site.sim.events_of("spapi_app_action") == [] and consents(site) == []

    def test_not_authorized_at_all(self, site_factory, account_for, run, app_for) -> None:
        site = site_factory("spapi")
        with pytest.raises(NotAuthorized):
            self.renew(site, account_for, run, app_for)
        assert site.sim.events_of("spapi_app_action") == []

    def test_disabled_by_the_seller_is_left_alone(
        self, site_factory, account_for, run, app_for
    ) -> None:
        def disabled(scenario) -> None:
            for app in scenario.logins[0].sellers[0].apps:
                if app.app_id == DEMO_APP_ID:
                    app.disabled = True

        site = site_factory("spapi-authorized", configure=disabled)
        with pytest.raises(NotAuthorized) as caught:
            self.renew(site, account_for, run, app_for)
        assert "--force" in caught.value.message
        assert site.sim.events_of("spapi_app_action") == []
