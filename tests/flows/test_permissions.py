"""`status` and `renew` on the permissions screen, asserting the simulator's click log."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from automation.errors import NotAuthorized
from fixtures.simulator import Faults, Scenario
from flows.mws import renew, status
from tests.jobs import job

OUR_ID = "5259-6479-4073"


def renew_with(**options):
    return job(renew.SPEC, **options)


def row_actions(site) -> list[tuple[str, str]]:
    return [(e["developer_id"], e["action"]) for e in site.sim.events_of("row_action")]


def today(clock) -> date:
    from datetime import datetime

    return datetime.fromtimestamp(clock.time()).date()


class TestStatus:
    def test_lists_every_row_of_both_tables_across_pages(
        self, site_factory, account_for, run
    ) -> None:
        """Every developer of both paged tables is listed once, the seller's own row left out."""
        site = site_factory("many-developers")
        seller = site.login.sellers[0]
        result = run(job(status.SPEC), account_for(site))
        assert result.seller_id == seller.seller_id
        assert result.access_confirmation == "enabled"
        listed = sorted((d.developer_id, d.state) for d in result.developers)
        expected = sorted(
            (r.developer_id, "active" if r.active else "inactive") for r in seller.developers
        )
        assert listed == expected
        ours = [d for d in result.developers if d.developer_id == OUR_ID]
        row = site.sim.developer_row(seller.seller_id, OUR_ID)
        assert abs((ours[0].expires_at - row.expires_at.date()).days) <= 1
        assert ours[0].nickname == "shippinno"
        assert row_actions(site) == []

    def test_english_pages(self, site_factory, account_for, run) -> None:
        """The English permissions screen gives the same reading."""
        site = site_factory("granted", language="en")
        result = run(job(status.SPEC), account_for(site))
        ours = [d for d in result.developers if d.developer_id == OUR_ID]
        assert len(ours) == 1 and ours[0].state == "active" and ours[0].expires_at is not None
        assert ours[0].granted_at is not None


class TestRenew:
    def test_expiring_soon_is_renewed_for_a_year(
        self, site_factory, account_for, run, clock
    ) -> None:
        """Access expiring in 10 days is renewed once; the new expiry is a year from today."""
        site = site_factory("expiring")
        result = run(renew_with(), account_for(site))
        assert row_actions(site) == [(OUR_ID, "renew")]
        assert result.action == "renewed"
        assert abs((result.expires_at - (today(clock) + timedelta(days=365))).days) <= 1

    def test_far_expiry_needs_no_click(self, site_factory, account_for, run) -> None:
        """Access expiring in 200 days: action none and not a single click."""
        site = site_factory("granted")
        result = run(renew_with(), account_for(site))
        assert result.action == "none"
        assert row_actions(site) == []

    def test_force_renews_anyway(self, site_factory, account_for, run) -> None:
        """--force renews access that is not due."""
        site = site_factory("granted")
        assert run(renew_with(force=True), account_for(site)).action == "renewed"
        assert row_actions(site) == [(OUR_ID, "renew")]

    def test_expired_is_restored_with_the_same_token(self, site_factory, account_for, run) -> None:
        """Expired access (in the history) is restored; the developer keeps its token."""
        site = site_factory("expired")
        seller_id = site.login.sellers[0].seller_id
        token = site.sim.developer_row(seller_id, OUR_ID).token
        result = run(renew_with(), account_for(site))
        assert result.action == "restored"
        assert row_actions(site) == [(OUR_ID, "restore")]
        row = site.sim.developer_row(seller_id, OUR_ID)
        assert row.active and row.token == token

    def test_our_row_on_page_two_and_others_untouched(self, site_factory, account_for, run) -> None:
        """Our row on page 2 is found and renewed; other developers expiring too are untouched."""

        def ours_expiring(scenario: Scenario) -> None:
            for row in scenario.logins[0].sellers[0].developers:
                if row.developer_id == OUR_ID:
                    row.expires_at = scenario.anchor + timedelta(days=5)

        site = site_factory("many-developers", configure=ours_expiring)
        result = run(renew_with(), account_for(site))
        assert result.action == "renewed"
        assert row_actions(site) == [(OUR_ID, "renew")]

    def test_confirmation_step_is_completed(self, site_factory, account_for, run) -> None:
        """A confirmation step after the click is confirmed, and the effect read back."""
        site = site_factory("expiring", faults=Faults(confirmation_step=True))
        result = run(renew_with(), account_for(site))
        assert result.action == "renewed"
        assert site.sim.events_of("confirmation_step_shown")
        assert row_actions(site) == [(OUR_ID, "renew")]

    def test_dry_run_clicks_nothing(self, site_factory, account_for, run) -> None:
        """--dry-run says it would renew and clicks nothing."""
        site = site_factory("expiring")
        result = run(renew_with(dry_run=True), account_for(site))
        assert result.action == "none" and result.dry_run and result.would_do == ["renew"]
        assert row_actions(site) == []

    def test_no_row_is_not_authorized(self, site_factory, account_for, run) -> None:
        """A seller without our developer: not_authorized, telling to run register."""
        site = site_factory("demo")
        with pytest.raises(NotAuthorized) as caught:
            run(renew_with(), account_for(site))
        assert "register" in caught.value.message
        assert row_actions(site) == []

    def test_english_pages(self, site_factory, account_for, run) -> None:
        """Renewal works on the English screen."""
        site = site_factory("expiring", language="en")
        assert run(renew_with(), account_for(site)).action == "renewed"
        assert row_actions(site) == [(OUR_ID, "renew")]


class TestDisableConfirmation:
    @pytest.mark.parametrize(
        "mode,expected,changes",
        [("enabled", "disabled", 1), ("disabled", "disabled", 0), ("mandatory", "mandatory", 0)],
    )
    def test_in_each_mode(self, site_factory, account_for, run, mode, expected, changes) -> None:
        """--disable-confirmation clicks 無効にする only when the link exists."""

        def set_mode(scenario: Scenario) -> None:
            scenario.logins[0].sellers[0].confirmation = mode

        site = site_factory("granted", configure=set_mode)
        result = run(renew_with(disable_confirmation=True), account_for(site))
        assert result.access_confirmation == expected
        assert len(site.sim.events_of("confirmation_change")) == changes
        assert row_actions(site) == []
        if expected == "disabled":
            assert result.action == "none"

    def test_never_by_default(self, site_factory, account_for, run) -> None:
        """Without the option the confirmation setting is never touched."""
        site = site_factory("expiring")
        run(renew_with(), account_for(site))
        assert site.sim.events_of("confirmation_change") == []


class TestRenewRules:
    def test_force_on_the_day_of_a_grant(self, site_factory, account_for, run) -> None:
        """--force on access granted today renews (expiry stays a year ahead), not not_confirmed."""
        from flows.mws import register

        site = site_factory("demo")
        account = account_for(site)
        run(job(register.SPEC), account)
        result = run(renew_with(force=True), account)
        assert result.action == "renewed"
        assert row_actions(site) == [(OUR_ID, "renew")]

    def test_disabling_confirmation_is_reported_as_a_change(
        self, site_factory, account_for, run
    ) -> None:
        """A run that clicked 無効にする says so; one that found it off says not."""
        site = site_factory("granted")
        account = account_for(site)
        first = run(renew_with(disable_confirmation=True), account)
        second = run(renew_with(disable_confirmation=True), account)
        assert first.confirmation_changed and not second.confirmation_changed
        assert len(site.sim.events_of("confirmation_change")) == 1


class TestOnlyOurRow:
    def test_a_nickname_mentioning_our_id_is_not_our_row(
        self, site_factory, account_for, run
    ) -> None:
        """Another developer whose nickname holds our ID, ours with a digit-led nickname:
        only our row (found by its ID cell) is renewed, and register reveals our token."""
        from fixtures.simulator import DeveloperRow, new_token
        from flows.mws import register

        def confusing(scenario: Scenario) -> None:
            seller = scenario.logins[0].sellers[0]
            ours = next(r for r in seller.developers if r.developer_id == OUR_ID)
            ours.nickname = "3PL shippinno"
            impostor = DeveloperRow(
                developer_id="1111-2222-3333",
                nickname=f"ex {OUR_ID} (old)",
                token=new_token(),
                granted_at=ours.granted_at,
                expires_at=ours.expires_at,
            )
            seller.developers.insert(0, impostor)

        site = site_factory("expiring", configure=confusing)
        account = account_for(site)
        result = run(renew_with(), account)
        assert result.action == "renewed"
        assert row_actions(site) == [(OUR_ID, "renew")]
        token = run(job(register.SPEC), account).mws_auth_token.get_secret_value()
        assert token == site.sim.developer_row(site.login.sellers[0].seller_id, OUR_ID).token

    def test_an_unreadable_expiry_is_never_clicked(
        self, site_factory, account_for, run, monkeypatch
    ) -> None:
        """An expiry in an unknown format stops with page_changed before any click."""
        from automation.errors import PageChanged
        from fixtures.simulator import permissions as sim_permissions

        site = site_factory("expiring")
        monkeypatch.setattr(sim_permissions, "format_date", lambda value, language: "06/03/2027")
        with pytest.raises(PageChanged):
            run(renew_with(), account_for(site))
        assert row_actions(site) == []
