"""The fault matrix: slow, failing and changed pages; each case checks the action log."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from automation.errors import PageChanged, Timeout
from automation.runner import RunContext
from automation.settings import load_settings
from fixtures.simulator import Faults
from flows.mws import register, renew, status
from flows.mws.access import open_permissions
from flows.seller_central import SellerCentral
from tests.jobs import job

OUR_ID = "5259-6479-4073"


def actions(site) -> list[tuple[str, str]]:
    return [(e["developer_id"], e["action"]) for e in site.sim.events_of("row_action")]


def grants(site) -> list[str]:
    return [e["developer_id"] for e in site.sim.events_of("grant")]


def served_faults(site) -> list[str]:
    return [e["fault"] for e in site.sim.events_of("request") if e.get("fault")]


@pytest.fixture
def settings_with(state_dir):
    def make(**values):
        base = {"state_dir": state_dir, "timeout_ms": 5000, "log_format": "json"}
        base.update(values)
        return load_settings(**base)

    return make


class TestServerErrors:
    @pytest.mark.parametrize(
        "path",
        [
            "/ap/signin",
            "/ap/mfa",
            "/gp/mws/registration/register.html",
            "/gp/mws/registration/authorize.html",
            "/gp/mws/registration/consent.html",
            "/gp/mws/registration/complete.html",
        ],
    )
    def test_register_survives_one_500_on_each_step(
        self, site_factory, account_for, run, path
    ) -> None:
        """An HTTP 500 once on any step of register is retried; the developer is granted once."""
        site = site_factory("demo", faults=Faults(fail_once=[path]))
        result = run(job(register.SPEC), account_for(site))
        assert "fail" in served_faults(site)
        assert result.outcome == "granted"
        assert grants(site) == [OUR_ID]

    @pytest.mark.parametrize(
        "path",
        [
            "/gp/account-manager/developer-access.html",
            "/gp/account-manager/developer-access-confirm.html",
        ],
    )
    def test_renew_survives_one_500_on_the_action(
        self, site_factory, account_for, run, path
    ) -> None:
        """A 500 on the renew post or its confirmation: renewed exactly once in the end."""
        site = site_factory("expiring", faults=Faults(fail_once=[path], confirmation_step=True))
        result = run(job(renew.SPEC), account_for(site))
        assert "fail" in served_faults(site)
        assert result.action == "renewed"
        assert actions(site) == [(OUR_ID, "renew")]

    def test_grant_that_took_effect_is_not_repeated(self, site_factory, account_for, run) -> None:
        """The consent post went through but answered 500: the retry re-reads and grants nothing."""
        site = site_factory(
            "demo", faults=Faults(fail_after_once=["POST /gp/mws/registration/consent.html"])
        )
        result = run(job(register.SPEC), account_for(site))
        assert "fail_after" in served_faults(site)
        assert result.outcome == "granted"
        assert grants(site) == [OUR_ID]
        row = site.sim.developer_row(site.login.sellers[0].seller_id, OUR_ID)
        assert result.mws_auth_token.get_secret_value() == row.token

    @pytest.mark.parametrize("scenario,action", [("expiring", "renew"), ("expired", "restore")])
    def test_row_action_that_took_effect_is_not_repeated(
        self, site_factory, account_for, run, scenario, action
    ) -> None:
        """A renew or restore that went through but answered 500 is read back, not clicked again."""
        site = site_factory(
            scenario,
            faults=Faults(fail_after_once=["POST /gp/account-manager/developer-access.html"]),
        )
        result = run(job(renew.SPEC), account_for(site))
        assert "fail_after" in served_faults(site)
        assert result.action == {"renew": "renewed", "restore": "restored"}[action]
        assert actions(site) == [(OUR_ID, action)]

    def test_a_click_answered_after_the_timeout_is_read_back_not_changed(
        self, site_factory, account_for, settings_with, clock, browser_for
    ) -> None:
        """The renew post is carried out but its answer comes after the run's timeout: a
        `timeout` (a request the click started is open), retried, and the retry reads the
        renewal back instead of clicking again (it was `page_changed`, never retried)."""
        from automation.runner import run_one

        site = site_factory(
            "expiring",
            faults=Faults(slow_after_once=["POST /gp/account-manager/developer-access.html"]),
        )
        site.sim.scenario.faults.slow_seconds = 4.0
        settings = settings_with(timeout_ms=2000, retry_backoff_ms=0)
        result = run_one(
            job(renew.SPEC), settings, account_for(site), clock=clock, browser=browser_for(settings)
        )
        assert "slow" in served_faults(site)
        assert result.action == "renewed"
        assert actions(site) == [(OUR_ID, "renew")]

    @pytest.mark.parametrize("seed", [1, 2, 3])
    def test_register_at_a_30_percent_failure_rate(
        self, site_factory, account_for, settings_with, clock, browser_for, seed
    ) -> None:
        """With 30 % of requests failing, register still grants exactly once."""
        from automation.runner import run_one

        site = site_factory("demo", faults=Faults(fail_rate=0.3, fail_seed=seed))
        # Each attempt has two form posts that cannot be retried in place (only re-read and
        # redone): at a 30 % failure rate 8 attempts make success near certain.
        settings = settings_with(retry_backoff_ms=0, retry_attempts=8)
        account = account_for(site)
        result = run_one(
            job(register.SPEC), settings, account, clock=clock, browser=browser_for(settings)
        )
        assert served_faults(site)
        assert result.outcome == "granted"
        assert grants(site) == [OUR_ID]

    def test_dropped_connection_is_retried(self, site_factory, account_for, run) -> None:
        """A connection closed without an answer is retried, and the flow goes on."""
        site = site_factory(
            "expiring", faults=Faults(drop_once=["/gp/account-manager/home.html", "/ap/mfa"])
        )
        result = run(job(renew.SPEC), account_for(site))
        assert served_faults(site).count("drop") == 2
        assert result.action == "renewed"
        assert actions(site) == [(OUR_ID, "renew")]


class TestSlowPages:
    def test_five_seconds_latency_on_every_page(
        self, site_factory, account_for, settings_with, clock, browser_for
    ) -> None:
        """5 s on every request is only slow: status still reads the screen."""
        from automation.runner import run_one

        site = site_factory("granted", faults=Faults(latency=5.0))
        settings = settings_with(timeout_ms=20000)
        result = run_one(
            job(status.SPEC),
            settings,
            account_for(site),
            clock=clock,
            browser=browser_for(settings),
        )
        assert [d.developer_id for d in result.developers if d.developer_id == OUR_ID]
        assert actions(site) == []

    def test_page_that_never_loads_is_a_timeout(
        self, site_factory, account_for, settings_with, clock, browser_for
    ) -> None:
        """A page that never finishes loading ends in `timeout` with its URL and a screenshot."""
        from automation.runner import run_one

        site = site_factory("expiring", faults=Faults(hang=["/gp/account-manager/home.html"]))
        settings = settings_with(
            timeout_ms=1500, retry_attempts=1, step_retries=1, retry_backoff_ms=0
        )
        with pytest.raises(Timeout) as caught:
            run_one(
                job(status.SPEC),
                settings,
                account_for(site),
                clock=clock,
                browser=browser_for(settings),
            )
        assert "/gp/account-manager/home.html" in (caught.value.url or "")
        assert caught.value.screenshot
        assert actions(site) == []


class TestChangedSite:
    def test_session_expiring_between_two_steps(self, site_factory, account_for, run) -> None:
        """Amazon expiring the session mid-flow: the bot signs in again and goes on."""
        site = site_factory("expiring")

        def renew_after_expiry(page: Page, ctx: RunContext):
            sc = SellerCentral.for_run(page, ctx)
            open_permissions(sc)
            site.sim.expire_sessions()
            return renew.renew(sc, ctx.account, today=permissions_today(ctx))

        result = run(renew_after_expiry, account_for(site))
        assert result.action == "renewed"
        assert len(site.sim.events_of("signin_success")) == 2
        assert actions(site) == [(OUR_ID, "renew")]

    def test_unknown_page_is_page_changed(self, site_factory, account_for, run) -> None:
        """Where the permissions screen was expected, an unknown page gives page_changed."""
        site = site_factory("granted")
        account = account_for(site, base_url=site.url + "/moved")
        with pytest.raises(PageChanged) as caught:
            run(job(status.SPEC), account)
        assert "/moved/gp/account-manager/home.html" in (caught.value.url or "")
        assert caught.value.screenshot
        assert actions(site) == [] and grants(site) == []


def permissions_today(ctx: RunContext):
    from datetime import datetime

    return datetime.fromtimestamp(ctx.clock.time()).date()
