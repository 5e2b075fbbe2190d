"""`sellerauth register --json` on the page kinds of docs/pages.md §1–§2, §6, as a scheduler runs
it:
exit status, the one JSON object, Amazon's code, and the time it took."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.simulator import Faults, Simulator, SimulatorServer, build_scenario
from tests.test_cli import login_env, sellerauth

TIMEOUT_MS = "30000"
FAST = 20.0
"""Seconds for a whole process (start-up and sign-in included) on a page that says what it is:
well under the 30 s timeout it would otherwise wait out, even on a loaded machine."""


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a simulator on the real clock (the command runs in another process)."""
    servers: list[SimulatorServer] = []

    def start(name: str, **overrides: Any) -> tuple[Simulator, str]:
        simulator = Simulator(build_scenario(name, **overrides))
        server = SimulatorServer(simulator).start()
        servers.append(server)
        return simulator, server.url

    yield start
    for server in servers:
        server.stop()


def register(
    simulator: Simulator, url: str, state_dir: Path, **env: str
) -> tuple[Any, dict[str, Any], float]:
    start = time.monotonic()
    done = sellerauth(
        "register",
        "--json",
        state_dir=state_dir,
        env=login_env(simulator, SELLERAUTH_BASE_URL=url, SELLERAUTH_TIMEOUT_MS=TIMEOUT_MS, **env),
    )
    seconds = time.monotonic() - start
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, done.stdout + done.stderr[-2000:]
    return done, json.loads(lines[0]), seconds


class TestRegisterOnPageKinds:
    def test_captcha_with_503_needs_a_person(self, serve, tmp_path) -> None:
        simulator, url = serve("captcha-503")
        done, data, seconds = register(simulator, url, tmp_path / "state")
        assert done.returncode == 3
        assert data["error"]["code"] == "needs_person"
        assert seconds < FAST
        assert [
            e["status"] for e in simulator.events_of("request") if e["path"] == "/ap/captcha"
        ] == [503]

    def test_md9000_is_refused_with_amazons_code(self, serve, tmp_path) -> None:
        simulator, url = serve("md9000")
        done, data, seconds = register(simulator, url, tmp_path / "state")
        assert done.returncode == 5
        error = data["error"]
        assert error["code"] == "refused" and error["amazon_code"] == "MD9000"
        assert list(error)[:3] == ["code", "message", "amazon_code"]
        assert "MD9000" in error["message"]
        assert seconds < FAST
        assert simulator.events_of("consent_shown") == [] and simulator.events_of("grant") == []

    def test_no_permission(self, serve, tmp_path) -> None:
        simulator, url = serve("no-permission", faults=Faults(refusal="no_permission", shape=1))
        done, data, seconds = register(simulator, url, tmp_path / "state")
        assert done.returncode == 5
        assert data["error"]["code"] == "not_permitted"
        assert "amazon_code" not in data["error"]
        assert seconds < FAST

    def test_a_mis_shaped_saved_session_is_set_aside(self, serve, tmp_path) -> None:
        """Case c17: the broken session is set aside with a warning, the run grants."""
        simulator, url = serve("demo")
        state = tmp_path / "state"
        (state / "sessions").mkdir(parents=True)
        (state / "sessions" / "default.json").write_text('{"cookies": {"a": 1}}')
        done, data, _ = register(simulator, url, state)
        assert done.returncode == 0, done.stderr[-2000:]
        assert data["outcome"] == "granted"
        assert "session_set_aside" in done.stderr
        assert list((state / "sessions").glob("default.json.broken-*"))
        again, data, _ = register(simulator, url, state)  # the next run is fine too
        assert again.returncode == 0 and data["outcome"] == "already_granted"

    @pytest.mark.parametrize("scenario", ["picker", "account-switcher"])
    def test_the_second_account_of_a_chooser(self, serve, tmp_path, scenario) -> None:
        """Issue 17: `SELLERAUTH_ACCOUNT_NAME="Second Store" sellerauth register --json`
        against the picker scenario grants on Second Store's 日本."""
        simulator, url = serve(scenario)
        done, data, _ = register(
            simulator, url, tmp_path / "state", SELLERAUTH_ACCOUNT_NAME="Second Store"
        )
        second = simulator.scenario.logins[0].sellers[1].seller_id
        assert done.returncode == 0, done.stderr[-2000:]
        assert data["outcome"] == "granted" and data["seller_id"] == second
        picks = [(e["seller_id"], e["marketplace"]) for e in simulator.events_of("picker_select")]
        assert picks == [(second, "JP")]
