"""The sign-in loop against every variant of the simulator's sign-in pages (docs/pages.md §1–§2)."""

from __future__ import annotations

import itertools
import stat
import threading

import pytest
from playwright.sync_api import Page

from automation.browser import session_path
from automation.errors import LoginFailed, NeedsPerson, WrongAccount
from automation.runner import RunContext
from automation.settings import Settings, load_settings
from fixtures.simulator import Faults, Scenario
from flows.mws.access import open_permissions
from flows.seller_central import SellerCentral


@pytest.fixture
def settings(state_dir) -> Settings:
    """The suite's settings, with a short grace for a silent check (10 s by default): the one
    test that meets a check that stays would otherwise wait it out in full."""
    return load_settings(
        state_dir=state_dir, timeout_ms=5000, log_format="json", silent_check_grace_ms=1000
    )


def signed_in_seller_id(page: Page, ctx: RunContext) -> str:
    """A minimal flow: sign in, open the permissions screen, read the seller ID."""
    return open_permissions(SellerCentral.for_run(page, ctx)).seller_id()


def without_2sv(scenario: Scenario) -> None:
    for login in scenario.logins:
        login.totp_secret = None


MATRIX = list(
    itertools.product(
        ("two_step", "one_page", "unified"), (True, False), (True, False), ("ja", "en")
    )
)


class TestSignInMatrix:
    @pytest.mark.parametrize(
        "variant,two_step_verification,picker,language",
        MATRIX,
        ids=[
            f"{v}-{'2sv' if t else 'no2sv'}-{'picker' if p else 'single'}-{lang}"
            for v, t, p, lang in MATRIX
        ],
    )
    def test_reaches_seller_central(
        self, site_factory, account_for, run, variant, two_step_verification, picker, language
    ) -> None:
        """Every variant, with or without 2SV and the picker, in both languages, signs in once."""
        site = site_factory(
            "picker" if picker else "demo",
            configure=None if two_step_verification else without_2sv,
            signin_variant=variant,
            language=language,
        )
        account = account_for(site, account_name=site.login.sellers[0].name if picker else None)
        seller_id = run(signed_in_seller_id, account)
        assert seller_id == site.login.sellers[0].seller_id
        assert len(site.sim.events_of("signin_success")) == 1
        assert [e["ok"] for e in site.sim.events_of("signin_password")] == [True]
        otps = site.sim.events_of("otp")
        assert [e["ok"] for e in otps] == ([True] if two_step_verification else [])
        picks = site.sim.events_of("picker_select")
        if picker:
            assert [(p["seller_id"], p["marketplace"]) for p in picks] == [(seller_id, "JP")]
        else:
            assert picks == []
        assert site.sim.events_of("passkey_clicked") == []


class TestSignInFailures:
    def test_wrong_password_is_tried_once(self, site_factory, account_for, run) -> None:
        """A wrong password is submitted exactly once and reported as login_failed."""
        site = site_factory("demo")
        with pytest.raises(LoginFailed) as caught:
            run(signed_in_seller_id, account_for(site, password="not the password"))
        assert [e["ok"] for e in site.sim.events_of("signin_password")] == [False]
        assert "not the password" not in str(caught.value)
        assert caught.value.screenshot

    def test_a_password_step_for_another_email_is_wrong_account(
        self, site_factory, account_for, run
    ) -> None:
        """The password step claims another account's e-mail (Amazon remembered it): the run
        stops with wrong_account and never types the password."""
        site = site_factory("demo", faults=Faults(claim_email="someone-else@example.com"))
        with pytest.raises(WrongAccount, match="someone-else@example.com"):
            run(signed_in_seller_id, account_for(site))
        assert site.sim.events_of("signin_password") == []
        assert site.sim.events_of("signin_success") == []

    def test_unknown_email_fails_at_once(self, site_factory, account_for, run) -> None:
        """An e-mail Amazon does not know is login_failed, with no password typed."""
        site = site_factory("demo")
        with pytest.raises(LoginFailed):
            run(signed_in_seller_id, account_for(site, email="nobody@example.com"))
        assert len(site.sim.events_of("signin_email")) == 1
        assert [e["ok"] for e in site.sim.events_of("signin_password")] in ([], [False])
        assert site.sim.events_of("signin_success") == []

    def test_captcha_needs_a_person(self, site_factory, account_for, run) -> None:
        """Unattended, a captcha stops the run with needs_person and is never answered."""
        site = site_factory("demo", faults=Faults(captcha=True))
        with pytest.raises(NeedsPerson):
            run(signed_in_seller_id, account_for(site))
        assert site.sim.events_of("captcha_shown")
        assert site.sim.events_of("signin_success") == []

    def test_emailed_code_needs_a_person(self, site_factory, account_for, run) -> None:
        """Unattended, an e-mailed verification code stops the run with needs_person."""
        site = site_factory("demo", faults=Faults(email_code=True))
        with pytest.raises(NeedsPerson):
            run(signed_in_seller_id, account_for(site))
        assert site.sim.events_of("signin_success") == []

    def test_no_totp_secret_needs_a_person(self, site_factory, account_for, run) -> None:
        """With 2SV on and no TOTP secret configured, an unattended run needs a person."""
        site = site_factory("demo")
        with pytest.raises(NeedsPerson):
            run(signed_in_seller_id, account_for(site, totp_secret=None))
        assert site.sim.events_of("otp") == []

    def test_rejected_otp_is_retried_once_with_a_later_step(
        self, site_factory, account_for, run
    ) -> None:
        """A rejected OTP is retried once with the next time-step's code, then signs in."""
        site = site_factory("demo", faults=Faults(reject_first_otp=True))
        run(signed_in_seller_id, account_for(site))
        otps = site.sim.events_of("otp")
        assert [e["ok"] for e in otps] == [False, True]
        assert otps[1]["step"] > otps[0]["step"]

    def test_wrong_totp_secret_fails_after_one_retry(self, site_factory, account_for, run) -> None:
        """A TOTP secret that is not the account's gives login_failed after two codes."""
        site = site_factory("demo")
        with pytest.raises(LoginFailed):
            run(
                signed_in_seller_id,
                account_for(site, totp_secret="GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            )
        assert [e["ok"] for e in site.sim.events_of("otp")] == [False, False]


class TestSavedSession:
    def test_second_run_opens_no_signin_page(
        self, site_factory, account_for, run, state_dir
    ) -> None:
        """The saved session is reused: the second run meets no sign-in page at all."""
        site = site_factory("demo")
        account = account_for(site)
        run(signed_in_seller_id, account)
        saved = session_path(state_dir, account.name)
        assert stat.S_IMODE(saved.stat().st_mode) == 0o600
        site.sim.clear_events()
        run(signed_in_seller_id, account)
        paths = [e["path"] for e in site.sim.events_of("request")]
        assert not any(p.startswith("/ap/") for p in paths)
        assert site.sim.events_of("signin_success") == []

    def test_expired_session_signs_in_again(self, site_factory, account_for, run) -> None:
        """When Amazon expired the session server-side, the bot signs in again and goes on."""
        site = site_factory("demo")
        account = account_for(site)
        run(signed_in_seller_id, account)
        site.sim.expire_sessions()
        assert run(signed_in_seller_id, account) == site.login.sellers[0].seller_id
        assert len(site.sim.events_of("signin_success")) == 2

    def test_otp_steps_are_never_reused_across_runs(
        self, site_factory, account_for, run, state_dir
    ) -> None:
        """Two sign-ins needing an OTP use two different time-steps, even across runs."""
        site = site_factory("demo")
        account = account_for(site)

        run(signed_in_seller_id, account)
        site.sim.expire_sessions()
        # Forget the browser session (and any remembered device) but keep the OTP memory.
        session_path(state_dir, account.name).unlink()
        run(signed_in_seller_id, account)
        steps = [e["step"] for e in site.sim.events_of("otp") if e["ok"]]
        assert len(steps) == 2 and steps[0] != steps[1]
        assert all(e["reason"] != "reused" for e in site.sim.events_of("otp"))


class TestOnlyPeopleMayAnswer:
    @pytest.mark.parametrize(
        "knob", ["captcha", "email_code", "robot_check", "app_approval", "puzzle", "waf_challenge"]
    )
    def test_every_human_check_needs_a_person(self, site_factory, account_for, run, knob) -> None:
        """Each kind of human verification stops an unattended run, unanswered."""
        site = site_factory("demo", faults=Faults(**{knob: True}))
        with pytest.raises(NeedsPerson):
            run(signed_in_seller_id, account_for(site))
        assert site.sim.events_of(f"{knob}_shown")
        guesses = [e for e in site.kinds() if e.endswith("_guess")]
        assert guesses == [] and site.sim.events_of("signin_success") == []

    def test_a_person_finishing_the_check_lets_the_bot_go_on(
        self, site_factory, account_for, run
    ) -> None:
        """In assisted mode the bot waits while a person solves the captcha, then carries on."""
        from flows.signin.person import wait_for_person

        site = site_factory("demo", faults=Faults(captcha=True))

        def person(page: Page, what: str) -> None:
            # The operator solves it in the window a moment after the bot starts waiting.
            threading.Timer(1.0, site.sim.complete_challenge).start()
            wait_for_person(page, what, timeout_s=30)

        assert run(signed_in_seller_id, account_for(site), human=person)
        assert site.sim.events_of("challenge_completed")
        assert len(site.sim.events_of("signin_success")) == 1


class TestInterstitials:
    @pytest.mark.parametrize("knob", ["add_phone", "passkey_nudge"])
    def test_nudges_are_dismissed_without_changing_anything(
        self, site_factory, account_for, run, knob
    ) -> None:
        """Add-a-phone and passkey nudges are dismissed; no phone added, no passkey created."""
        site = site_factory("demo", faults=Faults(**{knob: True}))
        assert run(signed_in_seller_id, account_for(site)) == site.login.sellers[0].seller_id
        assert site.sim.events_of(f"{knob}_dismissed")
        assert site.sim.events_of("add_phone_submitted") == []
        assert site.sim.events_of("passkey_created") == []
