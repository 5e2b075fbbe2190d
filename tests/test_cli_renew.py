"""`sellerauth renew` as a scheduler runs it: a dry run says what it would do and does nothing;
the log names the account of each acting click."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.account import account_env
from tests.cli import sellerauth


def login_env(simulator: Simulator) -> dict[str, str]:
    return account_env(simulator) | {"SELLERAUTH_TIMEOUT_MS": "10000"}


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scenario", "extra", "would", "state"),
    [
        ("expiring", [], ["renew"], "active"),
        ("expired", ["--disable-confirmation"], ["disable_confirmation", "restore"], "inactive"),
        ("granted", [], [], "active"),
    ],
)
def test_dry_run_says_what_it_would_do_and_clicks_nothing(
    scenario: str, extra: list[str], would: list[str], state: str, tmp_path: Path
) -> None:
    """--json: action none, dry_run, the steps it would take; the table says `dry run` and
    each step; the simulator sees no row action nor confirmation change."""
    simulator = Simulator(build_scenario(scenario))
    env = login_env(simulator)
    with SimulatorServer(simulator) as server:
        done = sellerauth(
            "renew", "--dry-run", "--json", "--base-url", server.url, *extra,
            state_dir=tmp_path, env=env,
        )  # fmt: skip
        people = sellerauth(
            "renew", "--dry-run", "--base-url", server.url, *extra, state_dir=tmp_path, env=env
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["action"] == "none" and result["dry_run"] is True
    assert result["would_do"] == would and result["state"] == state
    assert simulator.events_of("row_action") == []
    assert simulator.events_of("confirmation_change") == []
    assert "dry run" in people.stdout
    for step in would:
        assert step.replace("_", " ") in people.stdout


@pytest.mark.browser
def test_row_action_log_event_names_the_account(tmp_path: Path) -> None:
    """The `row_action` log event of a renewal names the account it acted on."""
    simulator = Simulator(build_scenario("expiring"))
    with SimulatorServer(simulator) as server:
        renew = sellerauth(
            "renew", "--json", "--base-url", server.url, state_dir=tmp_path,
            env=login_env(simulator),
        )  # fmt: skip
    assert renew.returncode == 0, renew.stderr
    events = [json.loads(line) for line in renew.stderr.splitlines() if line.startswith("{")]
    row_action = [e for e in events if e.get("event") == "row_action"]
    assert row_action and row_action[0]["account"] == "default"
