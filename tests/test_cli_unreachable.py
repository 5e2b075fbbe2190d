"""A host that cannot be reached at all (issue 26, items 2 and 3), as an operator meets it: a
base URL whose name does not resolve, or where nothing listens, is tried once more, not sixteen
times, and reported `site_unavailable` naming the host and the setting, with no blank picture;
an LWA token endpoint that cannot be reached after consent names that cause, the command that
recovers (a code lives five minutes), and the next run recovers once."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from automation.errors import SiteUnreachable
from automation.retry import is_transient, retrying
from automation.settings import load_settings
from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.spapi_model import DEMO_LWA_CLIENT_SECRET
from tests.cli import sellerauth
from tests.test_cli_spapi import app_env, issued_refresh_tokens

pytestmark = pytest.mark.browser


def closed_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def retries(stderr: str) -> list[dict[str, object]]:
    """The `retry` warnings a run logged (JSON log lines on stderr)."""
    events = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    return [e for e in events if e.get("event") == "retry"]


def pictures(state_dir: Path) -> list[Path]:
    return sorted(state_dir.rglob("*.png"))


SIGN_IN = {"SELLERAUTH_EMAIL": "seller@example.com", "SELLERAUTH_PASSWORD": "pw-0001-seller"}


@pytest.mark.parametrize(
    ("base_url", "said"),
    [
        (f"http://127.0.0.1:{closed_port()}", "the connection was refused (nothing listens on"),
        ("https://nonexistent.invalid", "its name does not resolve"),
    ],
    ids=["refused", "unresolved"],
)
def test_an_unreachable_base_url_is_tried_twice_and_named(tmp_path, base_url, said) -> None:
    state = tmp_path / "state"
    done = sellerauth("status", "--json", "--base-url", base_url, state_dir=state, env=SIGN_IN)
    assert done.returncode == 6, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    host = base_url.split("//", 1)[1].split(":", 1)[0]
    assert error["code"] == "site_unavailable" and error["host"] == host
    assert f"Cannot reach {host}: {said}" in error["message"]
    assert "--base-url" in error["message"] and "SELLERAUTH_BASE_URL" in error["message"]
    assert "--base-url" in error["triage"]["next_step"]  # not "try again later"
    assert len(retries(done.stderr)) == 1  # one retry in all, not 4 x 4 tries
    assert "screenshot" not in error and pictures(state) == []  # no picture of an error page


def test_an_unreachable_host_is_final_after_its_second_try() -> None:
    """The retry policy itself: the first unreachable try is transient, the second is final
    (an outer level, the whole flow, does not try again)."""
    tries: list[SiteUnreachable] = []
    settings = load_settings(retry_backoff_ms=1)
    with pytest.raises(SiteUnreachable) as caught:
        for attempt in retrying(settings, "load", 4):
            with attempt:
                error = SiteUnreachable("x", host="h")
                tries.append(error)
                raise error
    assert len(tries) == 2 and caught.value.final and not is_transient(caught.value)
    assert not tries[0].final


def spapi_accounts(tmp_path: Path, url: str) -> dict[str, str]:
    """One named account `shop-a` for the `spapi` scenario's seller, its secrets in the
    environment, the app's settings too."""
    scenario = build_scenario("spapi")
    login = scenario.logins[0]
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(f'[accounts.shop-a]\nemail = "{login.email}"\nbase_url = "{url}"\n')
    return {
        **app_env(url),
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SHOP_A__PASSWORD": login.password,
        "SELLERAUTH_ACCOUNTS__SHOP_A__TOTP_SECRET": login.totp_secret or "",
    }


def test_consent_then_an_unreachable_token_endpoint_names_the_cause_and_recovers(
    tmp_path,
) -> None:
    simulator = Simulator(build_scenario("spapi"))
    state = tmp_path / "state"
    with SimulatorServer(simulator) as server:
        env = spapi_accounts(tmp_path, server.url)
        good_token_url = env["SELLERAUTH_LWA_TOKEN_URL"]
        env["SELLERAUTH_LWA_TOKEN_URL"] = f"http://127.0.0.1:{closed_port()}/auth/o2/token"
        failed = sellerauth("authorize", "--account", "shop-a", "--json", state_dir=state, env=env)
        assert failed.returncode == 6, failed.stdout + failed.stderr
        error = json.loads(failed.stdout)["error"]
        message = error["message"]
        assert error["code"] == "site_unavailable" and error["host"] == "127.0.0.1"
        assert message.startswith("Consent was given, but its refresh token was not kept")
        assert "Cannot reach Login with Amazon's token endpoint" in message
        assert "SELLERAUTH_LWA_TOKEN_URL" in message and "five minutes" in message
        assert "run `sellerauth authorize --account shop-a`" in message
        assert "of this run" not in message and "warnings above" not in message
        assert "screenshot" not in error and "about:blank" not in failed.stdout
        assert pictures(state) == []
        assert len(simulator.events_of("spapi_consent")) == 1  # consented once, not again
        assert len(retries(failed.stderr)) == 1  # the exchange tried twice, the flow once

        env["SELLERAUTH_LWA_TOKEN_URL"] = good_token_url
        again = sellerauth("authorize", "--account", "shop-a", "--json", state_dir=state, env=env)
    assert again.returncode == 0, again.stdout + again.stderr
    result = json.loads(again.stdout)
    assert result["outcome"] == "authorized" and "a run gave consent" in result["recovery"]
    assert len(simulator.events_of("spapi_consent")) == 2
    assert result["refresh_token"] == issued_refresh_tokens(simulator)[0]


def test_consent_then_a_refused_client_secret_names_it(tmp_path) -> None:
    """Another cause of a failed exchange (LWA refuses the client secret): named, not
    retried, the command that recovers given."""
    simulator = Simulator(build_scenario("spapi"))
    with SimulatorServer(simulator) as server:
        env = spapi_accounts(tmp_path, server.url)
        env["SELLERAUTH_LWA_CLIENT_SECRET"] = DEMO_LWA_CLIENT_SECRET[:-4] + "XXXX"
        done = sellerauth(
            "authorize", "--account", "shop-a", "--json", state_dir=tmp_path / "s", env=env
        )
    assert done.returncode == 5, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "lwa_invalid_client"
    assert "invalid_client" in error["message"]
    assert "SELLERAUTH_LWA_CLIENT_SECRET" in error["message"]
    assert "run `sellerauth authorize --account shop-a`" in error["message"]
    assert len(simulator.events_of("spapi_consent")) == 1
    assert retries(done.stderr) == []
