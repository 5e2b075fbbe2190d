"""How the bot is set up for a running simulator (fixtures/simulator/account.py)."""

from __future__ import annotations

from fixtures.simulator import Simulator, build_scenario
from fixtures.simulator.account import account_env, account_settings, app_env


def test_settings_are_the_first_login_and_the_url() -> None:
    """E-mail, password, TOTP secret of the scenario's first login, and the simulator's URL."""
    simulator = Simulator(build_scenario("demo"))
    login = simulator.scenario.logins[0]
    assert account_settings(simulator, "http://127.0.0.1:1") == {
        "email": "seller@example.com",
        "password": "correct horse battery staple",
        "totp_secret": login.totp_secret,
        "base_url": "http://127.0.0.1:1",
    }
    assert login.totp_secret


def test_environment_names_and_an_empty_totp_secret_without_two_step() -> None:
    """As `SELLERAUTH_*` variables; no TOTP secret is an empty one; no URL, no base URL."""
    simulator = Simulator(build_scenario("no-2sv"))
    assert account_env(simulator) == {
        "SELLERAUTH_EMAIL": "seller@example.com",
        "SELLERAUTH_PASSWORD": "correct horse battery staple",
        "SELLERAUTH_TOTP_SECRET": "",
    }
    with_url = account_env(simulator, "http://127.0.0.1:1")
    assert with_url["SELLERAUTH_BASE_URL"] == "http://127.0.0.1:1"


def test_app_settings_point_at_the_simulators_token_endpoint_and_api() -> None:
    """The demo app's IDs, and LWA and the Sellers API on the simulator's own URL."""
    env = app_env("http://127.0.0.1:1")
    assert env["SELLERAUTH_APP_NAME"] == "Shippinno Connector"
    assert env["SELLERAUTH_LWA_TOKEN_URL"] == "http://127.0.0.1:1/auth/o2/token"
    assert env["SELLERAUTH_SPAPI_ENDPOINT"] == "http://127.0.0.1:1"
