"""`sellerauth batch app-check` over a fleet that authorized our app: no browser, results in
the store and the export, one alert per incident, no token or secret left behind."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from automation.settings import load_settings
from automation.store import Store
from fixtures.simulator import Simulator, SimulatorServer
from fixtures.simulator.account import app_env
from fixtures.simulator.app_fleet import (
    app_fleet_scenario,
    app_sellers,
    issue_tokens,
    write_app_accounts,
)
from fixtures.simulator.spapi_model import DEMO_APP_ID, DEMO_LWA_CLIENT_SECRET

from .conftest import Done, Fleet, Hook, sellerauth


def seed_store(state_dir: Path, tokens: dict[str, str], seller_ids: dict[str, str]) -> None:
    """The store as `batch authorize` would have left it: one refresh token per account."""
    with Store.open(load_settings(state_dir=state_dir)) as store:
        run = store.create_run("authorize", {}, list(tokens))
        for name, token in tokens.items():
            store.start_result(run.run_id, name)
            store.finish_result(
                run.run_id,
                name,
                "done",
                data={
                    "account": name,
                    "app_id": DEMO_APP_ID,
                    "selling_partner_id": seller_ids[name],
                },
                secrets={"refresh_token": token},
            )
        store.finish_run(run.run_id)


class AppFleet:
    """A simulator of `count` authorized sellers, its accounts file and a seeded store."""

    def __init__(self, root: Path, count: int, **spapi: Any) -> None:
        self.scenario = app_fleet_scenario(count, **spapi)
        self.sim = Simulator(self.scenario)
        self.server = SimulatorServer(self.sim).start()
        self.sellers = app_sellers(self.scenario)
        self.tokens = issue_tokens(self.sim, self.sellers)
        self.fleet = Fleet(root=root, sellers=[])
        self.fleet.urls["main"] = self.server.url
        write_app_accounts(root, self.server.url, self.sellers)
        seed_store(self.fleet.state_dir, self.tokens, {s.name: s.seller_id for s in self.sellers})

    def run(self, *args: str, **env: str) -> Done:
        # No browser may be needed: a browser path that does not exist proves none is looked for.
        return sellerauth(
            self.fleet,
            *args,
            **app_env(self.server.url),
            SELLERAUTH_BROWSER_PATH=str(self.fleet.root / "no-browser-here"),
            **env,
        )


@pytest.fixture
def app_fleet(tmp_path: Path) -> Iterator[Callable[..., AppFleet]]:
    made: list[AppFleet] = []

    def make(count: int, **spapi: Any) -> AppFleet:
        fleet = AppFleet(tmp_path / f"app-fleet-{len(made)}", count, **spapi)
        made.append(fleet)
        return fleet

    yield make
    for fleet in made:
        fleet.server.stop()


def test_batch_app_check_proves_every_token_without_a_browser(app_fleet) -> None:
    fleet = app_fleet(3)
    done = fleet.run("batch", "app-check", "--json")
    assert done.returncode == 0, done.stderr
    lines = done.by_account()
    assert sorted(lines) == [s.name for s in fleet.sellers]
    for line in lines.values():
        assert line["state"] == "done" and line["result"]["check"] == "ok"
        assert line["result"]["checked_at"] and line["result"]["secret"] == "current"
    exported = fleet.run("export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    rows = [r for r in json.loads(exported.stdout) if r.get("check") == "ok"]
    assert {r["account"] for r in rows} == set(lines)
    assert all(r["checked_at"] for r in rows)


def test_one_alert_names_the_incident_not_every_account(app_fleet, hook: Hook) -> None:
    """Every LWA call refused with invalid_client over six accounts: one message, naming the
    incident (code, count, triage, the first five accounts), not six lines."""
    fleet = app_fleet(6, lwa_secret_retired=True)
    done = fleet.run("batch", "app-check", "--json", SELLERAUTH_NOTIFY_URLS=hook.url)
    assert done.returncode == 1, done.stderr
    lines = done.by_account()
    assert {line["error"]["code"] for line in lines.values()} == {"client_rejected"}
    assert all(line["error"]["triage"]["owner"] for line in lines.values())
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["message"]
    assert "INCIDENT [client_rejected] on 6 of 6 accounts" in body
    assert "next step:" in body and "owner: the developer of the app" in body
    names = [s.name for s in fleet.sellers]
    assert all(name in body for name in names[:5]) and names[5] not in body
    assert "and 1 more" in body


def test_isolated_failures_keep_their_own_lines(app_fleet, hook: Hook) -> None:
    """One revoked token among six is below the incident share: listed as an account."""
    fleet = app_fleet(6)
    revoked = fleet.sellers[2]
    fleet.sim.spapi_state.revoked.add(fleet.tokens[revoked.name])
    done = fleet.run("batch", "app-check", "--json", SELLERAUTH_NOTIFY_URLS=hook.url)
    assert done.returncode == 1
    assert done.by_account()[revoked.name]["error"]["code"] == "relink_needed"
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["message"]
    assert "INCIDENT" not in body and f"- {revoked.name}: failed [relink_needed]" in body


def test_app_check_leaves_no_token_or_secret(app_fleet) -> None:
    """Refresh tokens, access tokens and the client secret appear nowhere: JSON lines, logs,
    the single run's JSON, the store file in clear, failures included."""
    fleet = app_fleet(2)
    runs = [
        fleet.run("batch", "app-check", "--json"),
        fleet.run("app-check", "--account", "app-0001", "--json"),
        fleet.run("app-check", "--account", "app-0002"),
    ]
    fleet.sim.scenario.spapi.refresh_revoked = True
    runs.append(fleet.run("app-check", "--account", "app-0001", "--json"))
    assert [r.returncode for r in runs] == [0, 0, 0, 5]
    assert fleet.sim.events_of("sellers_call")  # the calls were made
    secrets = [*fleet.tokens.values(), DEMO_LWA_CLIENT_SECRET]
    secrets += [t for t in fleet.sim.spapi_state.access_tokens]
    texts = [r.stdout + r.stderr for r in runs]
    texts += [
        p.read_bytes().decode("latin-1") for p in fleet.fleet.state_dir.rglob("*") if p.is_file()
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text
            assert secret.split("|")[-1] not in text
