"""`sellerauth authorize` and `app-renew` SIGKILLed at each point of their way (issue 22, item
4.4), then run again: in the end the store keeps exactly one refresh token, and it works; our
app has one row in Manage Your Apps, a year ahead; no run consented more than once, no run
clicked `Re-authorize` after an earlier one had; no intent is left open; the run after a kill
that had written its intent says it recovered.

The normal suite kills at three points; the long variant (`pytest -m fuzz`) at every point of
both jobs, right at the event and a random moment after it (seeded, printed).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from automation.store import Store
from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.spapi_model import DEMO_APP_ID
from tests.batch.test_resume import _wait_group_gone
from tests.cli import clean_env, login_env
from tests.postgres import StoreBackend, backend
from tests.test_cli_spapi import app_env

pytestmark = pytest.mark.browser

# (job, scenario): authorize a new seller; re-authorize an app expiring in 10 days.
JOBS = {"authorize": "spapi", "app-renew": "spapi-expiring"}
# The moments of a run, as the simulator sees them (event kind, and for `lwa_token` the grant).
POINTS = {
    "authorize": [
        "consent page shown",
        "consent given",
        "code issued",
        "code exchanged",
        "token proven",
    ],
    "app-renew": [
        "re-authorize clicked",
        "consent page shown",
        "consent given",
        "code issued",
        "code exchanged",
        "token proven",
    ],
}


def _seen(sim: Simulator, point: str) -> int:
    if point == "consent page shown":
        return len(sim.events_of("spapi_consent_shown"))
    if point == "consent given":
        return len(sim.events_of("spapi_consent"))
    if point == "code issued":
        return len(sim.events_of("spapi_code_issued"))
    if point == "code exchanged":
        return len(
            [e for e in sim.events_of("lwa_token") if e["grant_type"] == "authorization_code"]
        )
    if point == "token proven":
        return len(sim.events_of("sellers_call"))
    assert point == "re-authorize clicked"
    return len(_reauthorize_clicks(sim))


def _reauthorize_clicks(sim: Simulator) -> list[dict]:
    return [
        e for e in sim.events_of("spapi_app_action") if e["action"] in ("reauthorize", "enable")
    ]


@dataclass
class Site:
    sim: Simulator
    url: str
    state_dir: Path
    backend: StoreBackend

    def env(self) -> dict[str, str]:
        return clean_env(
            self.state_dir,
            **login_env(self.sim),
            **app_env(self.url),
            **self.backend.env(),
            SELLERAUTH_LOG_LEVEL="warning",
            SELLERAUTH_TIMEOUT_MS="15000",
        )

    def start(self, job: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-m", "sellerauth", job, "--json", "--base-url", self.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env(),
            start_new_session=True,
        )

    def open_intents(self) -> list[str]:
        rows = self.backend.rows(self.state_dir, "SELECT action FROM intents WHERE outcome IS NULL")
        return [action for (action,) in rows]


@pytest.fixture
def site_of(tmp_path: Path, store_backend: StoreBackend) -> Iterator:
    """A simulator per site, each with its own state directory and store (on PostgreSQL, a
    database of its own)."""
    servers: list[SimulatorServer] = []
    with ExitStack() as stores:

        def make(scenario: str) -> Site:
            built = build_scenario(scenario)
            built.logins[0].totp_secret = None  # no wait for a fresh code between the runs
            sim = Simulator(built)  # the real clock: the commands run in other processes
            server = SimulatorServer(sim).start()
            servers.append(server)
            store = store_backend
            if servers[1:]:
                made = backend(store_backend.name, store_backend.cluster)
                store = next(made)
                stores.callback(next, made, None)
            return Site(sim, server.url, tmp_path / f"state-{len(servers)}", store)

        yield make
        for server in servers:
            server.stop()


def kill_at(site: Site, job: str, point: str, delay: float) -> bool:
    """Run `job`, SIGKILL it `delay` s after the simulator saw `point`; whether it was killed
    (not when it finished first)."""
    before = _seen(site.sim, point)
    process = site.start(job)
    while _seen(site.sim, point) == before and process.poll() is None:
        time.sleep(0.005)
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    killed = process.poll() is None
    if killed:
        process.kill()  # SIGKILL: no cleanup, no last write
    process.wait(timeout=30)
    _wait_group_gone(process.pid)
    process.communicate()
    return killed


def check_kill_point(site_of, job: str, point: str, delay: float = 0.0) -> str:
    """Kill `job` at `point`, run it again to its end, and check everything; a line for the log."""
    site = site_of(JOBS[job])
    note = f"{job}: SIGKILL {delay:.2f}s after '{point}'"
    assert kill_at(site, job, point, delay), f"{note}: finished before the kill"
    consents_killed = len(site.sim.events_of("spapi_consent"))
    clicks_killed = len(_reauthorize_clicks(site.sim))
    left_open = site.open_intents()
    kept = stored_tokens(site)  # killed after its result was written: nothing to recover

    again = subprocess.run(
        [sys.executable, "-m", "sellerauth", job, "--json", "--base-url", site.url],
        capture_output=True,
        text=True,
        env=site.env(),
        timeout=150,
    )
    assert again.returncode == 0, f"{note}: {again.stdout[-2000:]} {again.stderr[-3000:]}"
    result = json.loads(again.stdout.strip().splitlines()[-1])

    # At most one consent per run, and no second `Re-authorize` click after the first.
    consents = len(site.sim.events_of("spapi_consent"))
    assert consents_killed <= 1 and consents - consents_killed == (0 if kept else 1), note
    assert len(_reauthorize_clicks(site.sim)) <= 1, (note, _reauthorize_clicks(site.sim))
    if clicks_killed:
        assert len(_reauthorize_clicks(site.sim)) == clicks_killed, note

    # The run after a kill that had written its intent says it recovered.
    if left_open:
        assert result.get("recovery"), (note, left_open, result)
        assert "Recovery" in result["recovery"], note
    else:
        assert not result.get("recovery"), (note, result)

    # Exactly one refresh token kept, the one this run got, and it works at LWA.
    tokens = stored_tokens(site)
    assert len(tokens) == 1, (note, len(tokens))
    assert tokens[0] == (result.get("refresh_token") or kept[0]), note
    owner = site.sim.spapi_state.refresh_tokens.get(tokens[0])
    assert owner is not None and tokens[0] not in site.sim.spapi_state.revoked, note

    # One row of our app in Manage Your Apps, active a year ahead; nothing left open.
    ours = [a for a in site.sim.scenario.logins[0].sellers[0].apps if a.app_id == DEMO_APP_ID]
    assert len(ours) == 1 and not ours[0].disabled, note
    assert ours[0].expires_at.date() >= date.today() + timedelta(days=364), note
    assert site.open_intents() == [], note
    kept_note = ", its token already kept" if kept else ""
    return f"{note}{kept_note}: open after the kill {left_open}, consents {consents}"


def stored_tokens(site: Site) -> list[str]:
    """The refresh tokens the store holds for our app, newest first (older ones replaced)."""
    if not site.backend.is_postgresql and not (site.state_dir / "sellerauth.db").exists():
        return []
    with Store.open(site.backend.settings(state_dir=site.state_dir)) as store:
        history = store.secret_history("default", "refresh_token", app_id=DEMO_APP_ID)
    return [record.value for record in history]


@pytest.mark.parametrize(
    ("job", "point"),
    [
        ("authorize", "consent given"),
        ("app-renew", "re-authorize clicked"),
        ("app-renew", "code exchanged"),
    ],
)
def test_killed_spapi_run_recovers_once(site_of, job: str, point: str) -> None:
    print(check_kill_point(site_of, job, point))


@pytest.mark.fuzz
@pytest.mark.timeout(3600)
def test_killed_spapi_runs_at_every_point(site_of, request) -> None:
    """Every point of both jobs, right at it and at a random moment after it (seed 1)."""
    if "fuzz" not in (request.config.getoption("markexpr") or ""):
        pytest.skip("the long variant: run with `pytest -m fuzz`")
    rng = random.Random(1)
    lines = []
    for job, points in POINTS.items():
        for point in points:
            for delay in (0.0, rng.uniform(0.0, 0.5)):
                try:
                    lines.append(check_kill_point(site_of, job, point, delay))
                except AssertionError as failed:
                    if "finished before the kill" in str(failed):
                        lines.append(f"{job} {point} {delay:.2f}: finished first, not counted")
                        continue
                    raise
    print("\n".join(lines))
    print(f"kill points: {sum('SIGKILL' in line for line in lines)}")
    assert sum("SIGKILL" in line for line in lines) >= 20
