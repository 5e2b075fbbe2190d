"""The right seller, every time, through the command line: a run configured for one seller
never acts on, or reports, another seller's account (the issue's own two commands)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from tests.cli import login_env, sellerauth

pytestmark = pytest.mark.browser


def serve(scenario_name: str, stack: list[SimulatorServer], **seller: str) -> tuple[Simulator, str]:
    scenario = build_scenario(scenario_name)
    if seller:
        first = scenario.logins[0].sellers[0]
        scenario.logins[0].sellers[0] = dataclasses.replace(first, **seller)
    simulator = Simulator(scenario)
    server = SimulatorServer(simulator)
    server.start()
    stack.append(server)
    return simulator, server.url


@pytest.fixture
def servers() -> Iterator[list[SimulatorServer]]:
    stack: list[SimulatorServer] = []
    yield stack
    for server in stack:
        server.stop()


def test_another_sellers_email_in_the_same_state_dir_acts_on_nothing(
    servers: list[SimulatorServer], tmp_path: Path
) -> None:
    """`status` as seller@example.com, then `register` with another seller's e-mail and
    password in the same state dir: the second run signs in as that e-mail (unknown here, so
    it fails), grants nothing, and prints nothing of the first seller."""
    simulator, url = serve("granted", servers)
    first = sellerauth(
        "status", "--json", "--base-url", url, state_dir=tmp_path, env=login_env(simulator)
    )
    assert first.returncode == 0, first.stderr
    seller_id = json.loads(first.stdout)["seller_id"]
    simulator.clear_events()
    other = login_env(
        simulator,
        SELLERAUTH_EMAIL="other-seller@another.example",
        SELLERAUTH_PASSWORD="another password entirely",
    )
    second = sellerauth("register", "--json", "--base-url", url, state_dir=tmp_path, env=other)
    assert second.returncode != 0
    assert json.loads(second.stdout)["error"]["code"] == "login_failed"
    assert seller_id not in second.stdout
    assert simulator.events_of("grant_attempt") == [] and simulator.events_of("grant") == []
    assert simulator.events_of("token_view") == []


def test_another_seller_id_than_the_store_knows_is_wrong_account(
    servers: list[SimulatorServer], tmp_path: Path
) -> None:
    """An account whose earlier run read seller A, now signed in where Seller Central shows
    seller B: `renew` stops with wrong_account (exit 5) before any click."""
    first_sim, first_url = serve("expiring", servers)
    done = sellerauth(
        "status", "--json", "--base-url", first_url, state_dir=tmp_path, env=login_env(first_sim)
    )
    assert done.returncode == 0, done.stderr
    other_sim, other_url = serve("expiring", servers, seller_id="A2ANOTHERSELLER9")
    renewed = sellerauth(
        "renew", "--json", "--base-url", other_url, state_dir=tmp_path, env=login_env(other_sim)
    )
    assert renewed.returncode == 5, renewed.stdout + renewed.stderr
    error = json.loads(renewed.stdout)["error"]
    assert error["code"] == "wrong_account" and "A2ANOTHERSELLER9" in error["message"]
    assert other_sim.events_of("row_action") == []
