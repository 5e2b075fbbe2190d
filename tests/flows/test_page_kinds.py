"""Every page kind of docs/pages.md §1–§2, §6, in two shapes each: recognised for what it is and
answered at once — nothing typed, clicked or reloaded on a page only a person may answer."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from automation.browser import session_path
from automation.errors import (
    InvalidInput,
    LoginFailed,
    NeedsPerson,
    NotPermitted,
    SellerAuthError,
)
from automation.settings import Settings, load_settings
from fixtures.simulator import Faults, Scenario, Seller, paths
from flows.errors import Refused
from flows.mws import register
from flows.mws.access import open_permissions
from flows.seller_central import SellerCentral
from tests.jobs import job

TIMEOUT_MS = 20_000
FAST = 8.0
"""Seconds: a page that says what it is is answered well before any timeout (20 s here, so
that a loaded machine cannot blur answering at once with waiting one out)."""
SHAPES = (0, 1)


@pytest.fixture
def settings(state_dir: Path) -> Settings:
    """A long timeout, so that waiting one out cannot pass for answering at once."""
    return load_settings(
        state_dir=state_dir,
        timeout_ms=TIMEOUT_MS,
        log_format="json",
        silent_check_grace_ms=3000,
    )


def seller_id_flow(page: Any, ctx: Any) -> str:
    """Sign in, open the permissions screen, read the seller ID."""
    return open_permissions(SellerCentral.for_run(page, ctx)).seller_id()


def timed(run: Any, flow: Any, account: Any) -> tuple[Any, float]:
    """(the result or the error raised, seconds taken)."""
    start = time.monotonic()
    try:
        outcome: Any = run(flow, account)
    except SellerAuthError as error:
        outcome = error
    return outcome, time.monotonic() - start


def touched(site: Any) -> list[dict[str, Any]]:
    """What the bot typed into or clicked on the watched pages (challenges, refusals)."""
    return [e for e in site.sim.events if e["kind"] in ("ui_typed", "ui_clicked")]


def requests_to(site: Any, path: str) -> list[dict[str, Any]]:
    """The requests for exactly `path` (any query)."""
    return [e for e in site.sim.events_of("request") if e["path"] == path]


CHALLENGES = {
    # knob: the path it is served on
    "captcha": paths.CAPTCHA,
    "robot_check": paths.ROBOT_CHECK,
    "cvf_captcha": paths.CVF_CAPTCHA,
    "email_code": paths.EMAIL_CODE,
    "app_approval": paths.APP_APPROVAL,
    "puzzle": paths.PUZZLE,
    "passkey_required": paths.PASSKEY_REQUIRED,
    "password_reset": paths.PASSWORD_RESET,
}


class TestOnlyAPersonMayPass:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("knob", sorted(CHALLENGES))
    def test_needs_a_person_at_once_touching_nothing(
        self, site_factory, account_for, run, knob, shape
    ) -> None:
        """Each check stops the account at once with needs_person; nothing typed, clicked or
        reloaded on it, and the password it followed is not blamed."""
        site = site_factory("no-2sv", faults=Faults(**{knob: True, "shape": shape}))
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert seconds < FAST
        assert site.sim.events_of(f"{knob}_shown")
        assert len(requests_to(site, CHALLENGES[knob])) == 1  # never reloaded
        assert touched(site) == []
        assert [k for k in site.kinds() if k.endswith(("_guess", "_post"))] == []
        assert site.sim.events_of("passkey_clicked") == []
        assert site.sim.events_of("signin_success") == []

    @pytest.mark.parametrize("shape", SHAPES)
    def test_a_captcha_served_with_503_is_a_captcha(
        self, site_factory, account_for, run, shape
    ) -> None:
        """The page before its status: a captcha with HTTP 503 is needs_person, loaded once."""
        faults = Faults(captcha=True, challenge_status=503, shape=shape)
        site = site_factory("no-2sv", faults=faults)
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert seconds < FAST
        served = requests_to(site, paths.CAPTCHA)
        assert [e["status"] for e in served] == [503]
        assert touched(site) == []

    @pytest.mark.parametrize("shape", SHAPES)
    def test_the_continue_shopping_check_on_seller_central(
        self, site_factory, account_for, run, shape
    ) -> None:
        """The newer bot check served in place of a Seller Central page (with 503 in one
        shape) is needs_person at once; its `Continue shopping` is never clicked."""
        faults = Faults(bot_check_at=["/gp/"], shape=shape, challenge_status=503 if shape else None)
        site = site_factory("no-2sv", faults=faults)
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert seconds < FAST
        assert len(site.sim.events_of("bot_check_shown")) == 1
        assert site.sim.events_of("bot_check_clicked") == []
        assert touched(site) == []

    @pytest.mark.parametrize("shape", SHAPES)
    def test_too_many_otps_is_not_a_wrong_password(
        self, site_factory, account_for, run, shape
    ) -> None:
        """'Too many OTPs today' on the device page: needs_person, no device chosen or sent."""
        site = site_factory("demo", faults=Faults(otp_limit=True, shape=shape))
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert not isinstance(error, LoginFailed)
        assert seconds < FAST
        assert "too many" in error.message.lower() or "上限" in error.message
        assert site.sim.events_of("otp_device_submit") == []
        assert touched(site) == []


class TestUnknownPageAfterThePassword:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_needs_a_person_quoting_heading_and_url(
        self, site_factory, account_for, run, shape
    ) -> None:
        """A sign-in page of no known kind after the password: needs_person, not page_changed,
        quoting Amazon's heading and the address; nothing clicked."""
        site = site_factory("no-2sv", faults=Faults(unknown_page=True, shape=shape))
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert "アカウントの確認が必要です" in error.message
        assert paths.UNKNOWN_PAGE in error.message
        assert seconds < FAST
        assert touched(site) == [] and site.sim.events_of("unknown_page_post") == []

    def test_assisted_a_person_answers_it(self, site_factory, account_for, run) -> None:
        from flows.signin.person import wait_for_person

        site = site_factory("no-2sv", faults=Faults(unknown_page=True))

        def person(page: Any, what: str) -> None:
            threading.Timer(1.0, site.sim.complete_challenge).start()
            wait_for_person(page, what, timeout_s=30)

        assert run(seller_id_flow, account_for(site), human=person)
        assert len(site.sim.events_of("signin_success")) == 1


class TestAssisted:
    @pytest.mark.parametrize("knob", ["passkey_required", "robot_check"])
    def test_a_person_finishes_it_and_the_bot_goes_on(
        self, site_factory, account_for, run, knob
    ) -> None:
        """Headed: the bot waits while a person passes the check, touching nothing itself."""
        from flows.signin.person import wait_for_person

        site = site_factory("no-2sv", faults=Faults(**{knob: True, "shape": 1}))
        asked: list[str] = []

        def person(page: Any, what: str) -> None:
            asked.append(what)
            threading.Timer(1.0, site.sim.complete_challenge).start()
            wait_for_person(page, what, timeout_s=30)

        assert run(seller_id_flow, account_for(site), human=person)
        assert len(asked) == 1
        assert len(site.sim.events_of("signin_success")) == 1
        assert touched(site) == []


class TestSilentCheck:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_a_check_that_clears_by_itself_is_waited_for(
        self, site_factory, account_for, run, shape
    ) -> None:
        """A WAF check that clears within the grace period: the run goes on by itself."""
        faults = Faults(waf_challenge=True, waf_clears_after=1.0, shape=shape)
        site = site_factory("no-2sv", faults=faults)
        seller_id, seconds = timed(run, seller_id_flow, account_for(site))
        assert seller_id == site.login.sellers[0].seller_id
        assert site.sim.events_of("waf_cleared")
        assert touched(site) == []

    @pytest.mark.parametrize("shape", SHAPES)
    def test_a_check_that_stays_is_handed_over_after_the_grace(
        self, site_factory, account_for, run, shape
    ) -> None:
        """A WAF check that stays: needs_person once the grace period (3 s here) is over."""
        site = site_factory("no-2sv", faults=Faults(waf_challenge=True, shape=shape))
        error, seconds = timed(run, seller_id_flow, account_for(site))
        assert isinstance(error, NeedsPerson), error
        assert 3.0 <= seconds < 3.0 + FAST
        assert len(requests_to(site, paths.WAF_CHALLENGE)) == 1
        assert touched(site) == []


class TestNotAnAccount:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("variant", ["two_step", "unified"])
    def test_new_to_amazon_is_a_wrong_email(
        self, site_factory, account_for, run, variant, shape
    ) -> None:
        """The 'new to Amazon' page: login_failed at once, nothing asked of /ap/register."""
        faults = Faults(intent_for_unknown_email=True, shape=shape)
        site = site_factory("no-2sv", faults=faults, signin_variant=variant)
        error, seconds = timed(run, seller_id_flow, account_for(site, email="sellr@example.com"))
        assert isinstance(error, LoginFailed), error
        assert "sellr@example.com" in error.message
        assert seconds < FAST
        assert site.sim.events_of("intent_shown")
        assert requests_to(site, paths.AP_REGISTER) == []
        assert site.sim.events_of("register_requested") == []
        assert touched(site) == []


class TestSwitchAccounts:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_the_tile_of_the_configured_email(self, site_factory, account_for, run, shape) -> None:
        """The remembered-accounts chooser: the tile with our e-mail, then sign in."""
        site = site_factory("no-2sv", faults=Faults(switch_accounts=True, shape=shape))
        assert run(seller_id_flow, account_for(site)) == site.login.sellers[0].seller_id
        assert [e["email"] for e in site.sim.events_of("switch_account_chosen")] == [
            site.login.email
        ]
        assert site.sim.events_of("add_account") == []

    @pytest.mark.parametrize("shape", SHAPES)
    def test_add_account_when_ours_is_not_remembered(
        self, site_factory, account_for, run, shape
    ) -> None:
        """No tile shows our e-mail: `Add account`, then the usual sign-in."""
        faults = Faults(
            switch_accounts=True, remembered_accounts=["someone@example.com"], shape=shape
        )
        site = site_factory("no-2sv", faults=faults)
        assert run(seller_id_flow, account_for(site)) == site.login.sellers[0].seller_id
        assert len(site.sim.events_of("add_account")) == 1
        assert site.sim.events_of("switch_account_chosen") == []


def three_sellers(scenario: Scenario) -> None:
    """Three accounts: the same countries under several accounts, in different orders."""
    login = scenario.logins[0]
    login.totp_secret = None
    first = login.sellers[0]
    first.name, first.marketplaces = "First Shop", ["JP", "US"]
    login.sellers = [
        first,
        Seller(seller_id="A2SIMMIDDLE0M1", name="Second Store", marketplaces=["US", "JP", "UK"]),
        Seller(seller_id="A3SIMLAST00L1", name="Last Store", marketplaces=["UK", "JP"]),
    ]


def choose_every_account_and_marketplace(site: Any, account_for: Any, run: Any) -> None:
    """Each account and each of its marketplaces, chosen in turn: the choice made is the one
    asked for, and it is made once."""
    for seller in site.login.sellers:
        for marketplace in seller.marketplaces:
            site.sim.expire_sessions()
            site.sim.clear_events()
            account = account_for(site, account_name=seller.name, marketplace=marketplace)
            assert run(seller_id_flow, account) == seller.seller_id
            picks = [
                (e["seller_id"], e["marketplace"]) for e in site.sim.events_of("picker_select")
            ]
            assert picks == [(seller.seller_id, marketplace)]


class TestChoosers:
    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("chooser", ["picker", "switcher"])
    def test_every_account_and_marketplace(
        self, site_factory, account_for, run, chooser, shape
    ) -> None:
        """First, middle and last account, each of its marketplaces: the choice made is the
        one asked for (issue 17: the second account's marketplace was never found)."""
        site = site_factory(
            "picker", configure=three_sellers, chooser=chooser, faults=Faults(shape=shape)
        )
        choose_every_account_and_marketplace(site, account_for, run)

    def test_two_groups_of_plain_buttons(self, site_factory, account_for, run) -> None:
        """Accounts and marketplaces as plain buttons in two groups, the marketplaces drawn
        for the account chosen, confirm disabled until both are chosen (docs/pages.md §2):
        every account and marketplace is chosen as asked (it was `invalid_input`, "offers:
        none", before)."""
        site = site_factory("picker", configure=three_sellers, faults=Faults(shape=2))
        choose_every_account_and_marketplace(site, account_for, run)

    @pytest.mark.parametrize("chooser", ["picker", "switcher"])
    def test_an_option_not_offered_is_invalid_input(
        self, site_factory, account_for, run, chooser
    ) -> None:
        """A marketplace the chosen account lacks, or an unknown account: invalid_input naming
        what was asked and what was offered, at once, nothing confirmed."""
        site = site_factory("picker", configure=three_sellers, chooser=chooser)
        error, seconds = timed(
            run, seller_id_flow, account_for(site, account_name="Last Store", marketplace="US")
        )
        assert isinstance(error, InvalidInput), error
        assert "アメリカ合衆国" in error.message and "イギリス" in error.message
        assert seconds < FAST
        error, _ = timed(run, seller_id_flow, account_for(site, account_name="No Such Shop"))
        assert isinstance(error, InvalidInput), error
        assert "No Such Shop" in error.message and "Second Store" in error.message
        assert site.sim.events_of("picker_select") == []


class TestRefusals:
    @pytest.mark.parametrize("shape", SHAPES)
    def test_no_permission(self, site_factory, account_for, run, shape) -> None:
        """A login without the right: not_permitted at once with Amazon's words, no click."""
        site = site_factory("no-2sv", faults=Faults(refusal="no_permission", shape=shape))
        error, seconds = timed(run, job(register.SPEC), account_for(site))
        assert isinstance(error, NotPermitted), error
        assert error.exit_status == 5
        assert "権限がありません" in error.message or "permission" in error.message
        assert seconds < FAST
        assert touched(site) == []
        assert site.sim.events_of("grant_form") == []

    @pytest.mark.parametrize("shape", SHAPES)
    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_md9000_after_the_developer_form(
        self, site_factory, account_for, run, shape, language
    ) -> None:
        """Amazon refuses the developer after form ③: refused, MD9000 and Amazon's reason,
        nothing consented, nothing clicked on the refusal."""
        faults = Faults(refusal="MD9000", shape=shape)
        site = site_factory("no-2sv", faults=faults, language=language)
        error, seconds = timed(run, job(register.SPEC), account_for(site))
        assert isinstance(error, Refused), error
        assert error.amazon_code == "MD9000"
        assert error.to_dict()["amazon_code"] == "MD9000"
        assert "MD9000" in error.message
        assert "eligible" in error.message or "承認を受けることができません" in error.message
        assert seconds < FAST
        assert site.sim.events_of("consent_shown") == []
        assert site.sim.events_of("grant") == []
        assert len(site.sim.events_of("refusal_shown")) == 1
        assert touched(site) == []


class TestLocalStateIsNotTrusted:
    def test_a_mis_shaped_session_is_set_aside(
        self, site_factory, account_for, run, state_dir
    ) -> None:
        """`{"cookies": {"a": 1}}` as the saved session: set aside, signed in afresh."""
        site = site_factory("demo")
        account = account_for(site)
        saved = session_path(state_dir, account.name)
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text('{"cookies": {"a": 1}}')
        assert run(seller_id_flow, account) == site.login.sellers[0].seller_id
        [broken] = saved.parent.glob(f"{saved.name}.broken-*")
        assert broken.read_text() == '{"cookies": {"a": 1}}'
        assert saved.read_text().startswith("{") and '"cookies": [' in saved.read_text()
        assert len(site.sim.events_of("signin_success")) == 1

    @pytest.mark.parametrize("content", ["not json", '{"cookies": [{"name": 1}]}', "[1, 2]"])
    def test_other_unreadable_sessions(
        self, site_factory, account_for, run, state_dir, content
    ) -> None:
        site = site_factory("no-2sv")
        account = account_for(site)
        saved = session_path(state_dir, account.name)
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(content)
        assert run(seller_id_flow, account) == site.login.sellers[0].seller_id
        assert list(saved.parent.glob(f"{saved.name}.broken-*"))

    def test_an_unreadable_otp_step_file_is_set_aside(
        self, site_factory, account_for, run, state_dir
    ) -> None:
        site = site_factory("demo")
        account = account_for(site)
        otp_dir = state_dir / "otp"
        otp_dir.mkdir(parents=True, exist_ok=True)
        (otp_dir / f"{account.name}.json").write_text("{garbage")
        assert run(seller_id_flow, account) == site.login.sellers[0].seller_id
        assert list(otp_dir.glob(f"{account.name}.json.broken-*"))
        assert [e["ok"] for e in site.sim.events_of("otp")] == [True]
