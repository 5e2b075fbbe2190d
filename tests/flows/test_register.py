"""`register` end to end against the simulator: what the bot reported and what the site recorded."""

from __future__ import annotations

import pytest

from automation.errors import PageChanged, WrongDeveloper
from fixtures.simulator import Faults, Scenario
from flows.mws import register
from tests.jobs import job

OUR_ID = "5259-6479-4073"


def only_grant(site) -> dict:
    grants = site.sim.events_of("grant")
    assert len(grants) == 1, grants
    return grants[0]


class TestGrant:
    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_grants_and_reads_back_the_credentials(
        self, site_factory, account_for, run, language
    ) -> None:
        """A fresh seller: the developer is granted, both boxes ticked, the values returned."""
        site = site_factory("demo", language=language)
        result = run(job(register.SPEC), account_for(site))
        grant = only_grant(site)
        assert grant["developer_id"].replace("-", "") == OUR_ID.replace("-", "")
        assert grant["developer_name"] == "shippinno"
        assert sorted(grant["boxes"]) == [1, 2]
        row = site.sim.developer_row(site.login.sellers[0].seller_id, OUR_ID)
        assert row is not None and row.active
        assert result.outcome == "granted"
        assert result.seller_id == site.login.sellers[0].seller_id
        assert result.marketplace_id == "A1VC38T7YXB528"
        assert result.mws_auth_token.get_secret_value() == row.token == grant["token"]
        assert result.developer_id == OUR_ID

    def test_second_run_is_already_granted(self, site_factory, account_for, run) -> None:
        """Running register twice grants once; the second run reads the same token."""
        site = site_factory("demo")
        account = account_for(site)
        first = run(job(register.SPEC), account)
        second = run(job(register.SPEC), account)
        only_grant(site)
        assert second.outcome == "already_granted"
        assert second.mws_auth_token.get_secret_value() == first.mws_auth_token.get_secret_value()
        assert len(site.sim.events_of("token_view")) == 1

    def test_already_granted_grants_nothing(self, site_factory, account_for, run) -> None:
        """A seller whose developer already has access: the token is revealed, nothing granted."""
        site = site_factory("granted")
        result = run(job(register.SPEC), account_for(site))
        row = site.sim.developer_row(site.login.sellers[0].seller_id, OUR_ID)
        assert result.outcome == "already_granted"
        assert result.mws_auth_token.get_secret_value() == row.token
        assert result.marketplace_id == "A1VC38T7YXB528"
        assert site.sim.events_of("grant") == [] and site.sim.events_of("grant_form") == []
        assert site.sim.events_of("row_action") == []

    def test_restores_from_history_with_the_same_token(
        self, site_factory, account_for, run
    ) -> None:
        """A developer only in the history is restored, keeping its token; nothing is granted."""
        site = site_factory("expired")
        seller_id = site.login.sellers[0].seller_id
        token_before = site.sim.developer_row(seller_id, OUR_ID).token
        result = run(job(register.SPEC), account_for(site))
        assert result.outcome == "restored"
        assert result.mws_auth_token.get_secret_value() == token_before
        actions = [(e["developer_id"], e["action"]) for e in site.sim.events_of("row_action")]
        assert actions == [(OUR_ID, "restore")]
        assert site.sim.developer_row(seller_id, OUR_ID).active
        assert site.sim.events_of("grant") == []

    def test_a_consent_naming_us_mid_sentence_is_ours(self, site_factory, account_for, run) -> None:
        """`...the acts or omissions of shippinno in connection with my seller account...`
        names our developer whole: granted once (it was wrong_developer, the name read as
        `shippinno in connection`)."""
        site = site_factory("demo", language="en", faults=Faults(consent_mid_sentence=True))
        result = run(job(register.SPEC), account_for(site))
        assert result.outcome == "granted"
        assert [e["boxes"] for e in site.sim.events_of("grant_attempt")] == [[1, 2]]
        assert len(site.sim.events_of("grant")) == 1

    def test_passes_the_legacy_option_screen(self, site_factory, account_for, run) -> None:
        """Older accounts' option screen is passed by choosing to give a developer access."""

        def legacy(scenario: Scenario) -> None:
            scenario.logins[0].sellers[0].legacy_option_screen = True

        site = site_factory("demo", configure=legacy)
        result = run(job(register.SPEC), account_for(site))
        assert result.outcome == "granted"
        only_grant(site)

    def test_overwrites_a_prefilled_form(self, site_factory, account_for, run) -> None:
        """Pre-filled form values are replaced by the configured developer's name and ID."""
        site = site_factory("demo")
        result = run(
            job(register.SPEC),
            account_for(site, developer_name="acme-logistics", developer_id="123412341234"),
        )
        grant = only_grant(site)
        assert grant["developer_name"] == "acme-logistics"
        assert grant["developer_id"].replace("-", "") == "123412341234"
        assert result.developer_id == "1234-1234-1234"


class TestRefusals:
    def test_consent_naming_another_developer_is_refused(
        self, site_factory, account_for, run
    ) -> None:
        """When consent names another developer: wrong_developer, nothing ticked, no grant."""
        site = site_factory("demo", faults=Faults(consent_developer_name="evil-corp"))
        with pytest.raises(WrongDeveloper) as caught:
            run(job(register.SPEC), account_for(site))
        assert "evil-corp" in caught.value.message
        assert site.sim.events_of("grant") == []
        assert site.sim.events_of("grant_attempt") == []
        assert site.sim.developer_row(site.login.sellers[0].seller_id, OUR_ID) is None

    def test_malformed_token_is_page_changed(self, site_factory, account_for, run) -> None:
        """A completion page whose token is malformed gives page_changed, never a result."""
        site = site_factory("demo", faults=Faults(malformed_token=True))
        with pytest.raises(PageChanged) as caught:
            run(job(register.SPEC), account_for(site))
        assert caught.value.url and "/gp/mws/" in caught.value.url
        assert caught.value.screenshot

    def test_wrong_marketplace_is_page_changed(self, site_factory, account_for, run) -> None:
        """A completion page for another marketplace than the configured one is page_changed."""

        def us_only(scenario: Scenario) -> None:
            scenario.logins[0].sellers[0].marketplaces = ["US"]

        site = site_factory("demo", configure=us_only)
        with pytest.raises(PageChanged):
            run(job(register.SPEC), account_for(site))  # configured JP, the seller sells in the US
