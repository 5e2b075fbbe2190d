"""SIGTERM on a single run (a scheduler's stop, `timeout`) ends it as Ctrl-C does, exit 143."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from automation.settings import load_settings
from automation.store import Store
from fixtures.simulator import Faults, Simulator, SimulatorServer, build_scenario

from .test_cli import login_env

pytestmark = pytest.mark.browser


def test_sigterm_on_a_single_run_is_recorded_and_keeps_the_session(tmp_path: Path) -> None:
    """SIGTERM to the process alone while a page hangs: exit 143, the words say SIGTERM, the
    store holds an `interrupted` result, and the signed-in session is kept."""
    simulator = Simulator(
        build_scenario("demo", faults=Faults(hang=["/gp/mws/registration/authorize.html"]))
    )
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env.update(login_env(simulator))
    env.update({"SELLERAUTH_STATE_DIR": str(state), "SELLERAUTH_TIMEOUT_MS": "60000"})
    with SimulatorServer(simulator) as server:
        process = subprocess.Popen(
            [sys.executable, "-m", "sellerauth", "register", "--json", "--base-url", server.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        deadline = time.monotonic() + 60
        while not any(e.get("fault") == "hang" for e in simulator.events_of("request")):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)  # what `timeout` and systemd send
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    error = json.loads(stdout)["error"]
    assert error["code"] == "interrupted" and "SIGTERM" in error["message"]
    assert "Traceback" not in stderr
    saved = json.loads((state / "sessions" / "default.json").read_text())
    assert saved["cookies"], "the signed-in session was kept"
    with Store.open(load_settings(state_dir=state)) as store:
        [run] = store.runs()
        [result] = store.results(run.run_id)
    assert result.state == "failed" and result.error and result.error["code"] == "interrupted"
