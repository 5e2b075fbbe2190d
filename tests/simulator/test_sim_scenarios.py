"""The scenario model, the named scenarios and how a simulator takes them over."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from fixtures.simulator import (
    SCENARIOS,
    DeveloperRow,
    Faults,
    Login,
    Scenario,
    Seller,
    Simulator,
    build_scenario,
    new_token,
)
from fixtures.simulator.scenarios import DEMO_SELLER_ID, OUR_DEVELOPER_ID

SELLER_ID = re.compile(r"A[0-9A-Z]{13}")


def our_row(sim: Simulator) -> DeveloperRow | None:
    return sim.developer_row(DEMO_SELLER_ID, OUR_DEVELOPER_ID)


class TestModel:
    def test_new_token_is_amzn_mws_and_a_uuid(self):
        """A new MWS auth token is `amzn.mws.` and a UUID, different each time."""
        assert re.fullmatch(r"amzn\.mws\.[0-9a-f-]{36}", new_token())
        assert new_token() != new_token()

    def test_defaults_match_the_documented_signatures(self):
        """Sellers, logins and scenarios default as documented: JP, confirmation on, TOTP, Japanese,
        two-step sign-in, standard layout, no fault."""
        seller = Seller("A1AAAAAAAAAAAA", "x")
        assert (seller.marketplaces, seller.confirmation, seller.developers) == (
            ["JP"],
            "enabled",
            [],
        )
        assert seller.legacy_option_screen is False
        login = Login("a@example.com", "pw")
        assert login.totp_secret is None and login.otp_devices == ["TOTP"] and login.sellers == []
        scenario = Scenario("s", [login])
        assert (scenario.language, scenario.signin_variant, scenario.layout) == (
            "ja",
            "two_step",
            "standard",
        )
        assert scenario.effective_signin_language == "ja" and scenario.page_size == 10
        assert scenario.faults == Faults()

    def test_mutable_defaults_are_not_shared(self):
        """Two sellers never share a default developer list."""
        a, b = Seller("A1", "a"), Seller("A2", "b")
        a.developers.append(DeveloperRow("1", "n", "t", datetime.now(UTC)))
        assert b.developers == []


class TestNamedScenarios:
    def test_the_required_scenarios_exist(self):
        """The scenarios the tests and the demo name all exist."""
        assert {
            "demo",
            "granted",
            "expiring",
            "expired",
            "many-developers",
            "picker",
            "english",
        } <= set(SCENARIOS)

    @pytest.mark.parametrize("name", sorted(SCENARIOS))
    def test_every_scenario_builds_with_well_formed_seller_ids(self, name):
        """Every named scenario builds, has a login, and its seller IDs have Amazon's shape."""
        scenario = build_scenario(name)
        assert scenario.logins
        for seller in scenario.sellers():
            assert SELLER_ID.fullmatch(seller.seller_id)

    def test_demo_has_2sv_one_jp_seller_and_someone_elses_row_only(self, make_sim):
        """The demo login has a TOTP secret and one JP seller with confirmation on and another
        developer's row, not ours."""
        sim = make_sim("demo")
        (login,) = sim.scenario.logins
        assert login.email == "seller@example.com" and login.totp_secret
        (seller,) = login.sellers
        assert seller.marketplaces == ["JP"] and seller.confirmation == "enabled"
        assert len(seller.developers) == 1 and our_row(sim) is None

    def test_granted_expiring_and_expired(self, make_sim, clock):
        """`granted` has our row valid 200 days, `expiring` 10 days, and `expired` an inactive
        one."""
        now = datetime.fromtimestamp(clock.time(), UTC)
        granted, expiring, expired = (
            our_row(make_sim(n)) for n in ("granted", "expiring", "expired")
        )
        assert granted.active and granted.nickname == "shippinno"
        assert granted.expires_at == now + timedelta(days=200)
        assert expiring.active and expiring.expires_at == now + timedelta(days=10)
        assert not expired.active

    def test_many_developers_puts_ours_on_page_two(self, make_sim):
        """`many-developers` has 26 current rows with ours on the second page, and a history of two
        pages."""
        sim = make_sim("many-developers")
        seller = sim.seller(DEMO_SELLER_ID)
        current = sim.current_rows(seller)
        assert len(current) == 26
        assert 10 <= current.index(our_row(sim)) < 20
        assert 10 < len(sim.history_rows(seller)) <= 20

    def test_picker_reaches_two_sellers_and_two_marketplaces(self, make_sim):
        """The `picker` login reaches two sellers across JP and US."""
        (login,) = make_sim("picker").scenario.logins
        assert len(login.sellers) == 2
        assert {m for _, m in login.pairs()} == {"JP", "US"}

    def test_english_is_english(self):
        """The `english` scenario's language is English."""
        assert build_scenario("english").language == "en"


class TestBuildScenario:
    def test_overrides_replace_fields(self):
        """Keyword overrides replace the scenario's language, layout and page size."""
        scenario = build_scenario("demo", language="en", layout="split", page_size=5)
        assert (scenario.language, scenario.layout, scenario.page_size) == ("en", "split", 5)

    def test_faults_may_be_a_dict(self):
        """Faults may be given as a dict of knobs."""
        assert build_scenario("demo", faults={"captcha": True}).faults.captcha is True

    def test_an_unknown_name_says_which_exist(self):
        """An unknown scenario name raises KeyError listing the names that exist."""
        with pytest.raises(KeyError, match="demo"):
            build_scenario("nope")


class TestSimulatorState:
    def test_the_simulator_works_on_its_own_copy_of_the_scenario(self, clock):
        """A simulator changes its own copy of the scenario, never the one it was given."""
        scenario = build_scenario("granted")
        sim = Simulator(scenario, clock=clock)
        sim.seller(DEMO_SELLER_ID).developers.clear()
        assert scenario.logins[0].sellers[0].developers

    def test_dates_are_moved_to_the_simulator_clock(self, clock):
        """A scenario's dates are moved to the simulator's clock, keeping their distance from
        now."""
        scenario = build_scenario("granted", now=datetime(2020, 5, 1, tzinfo=UTC))
        sim = Simulator(scenario, clock=clock)
        now = datetime.fromtimestamp(clock.time(), UTC)
        assert our_row(sim).expires_at == now + timedelta(days=200)

    def test_developer_rows_are_found_with_or_without_hyphens(self, make_sim):
        """A developer row is found by its ID with or without hyphens."""
        sim = make_sim("granted")
        assert sim.developer_row(DEMO_SELLER_ID, "525964794073") is our_row(sim)

    def test_an_unknown_seller_is_a_key_error(self, make_sim):
        """Asking for a seller the scenario lacks raises KeyError."""
        with pytest.raises(KeyError):
            make_sim().seller("A0000000000000")

    def test_events_of_and_clear_events(self, make_sim):
        """`events_of` filters the log by kind, and `clear_events` empties the same list in
        place."""
        sim = make_sim()
        sim.record("x", a=1)
        sim.record("y")
        assert [e["a"] for e in sim.events_of("x")] == [1]
        events = sim.events
        sim.clear_events()
        assert events == [] and sim.events is events

    def test_login_lookup_ignores_case(self, make_sim):
        """A login is found by its e-mail whatever the case."""
        assert make_sim().login("SELLER@example.com") is not None
