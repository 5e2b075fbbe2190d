"""SIGTERM during a batch (systemd, Kubernetes stop jobs with it) is taken as Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_sigterm_finishes_the_account_in_progress_and_says_how_to_resume(
    fleet_factory: Any, hook: Any
) -> None:
    """The account in progress finishes, no new one starts; the run ID, the summary and an
    alert follow; exit 143. `--resume` then runs only the accounts left."""
    fleet = fleet_factory(["expiring", "expiring", "expiring"])
    fleet.main.scenario.faults.latency = 0.15  # slow pages: SIGTERM lands mid-account
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerauth", "batch", "renew", "--concurrency", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fleet.env(SELLERAUTH_NOTIFY_URLS=hook.url),
        cwd=fleet.root,
    )
    deadline = time.monotonic() + 90
    while not fleet.main.events_of("signin_email"):
        assert time.monotonic() < deadline and process.poll() is None, process.stderr
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=150)
    assert process.returncode == 143, stderr
    run_id = stderr.split("sellerauth: run ", 1)[1].split(":", 1)[0]
    assert f"stopped by SIGTERM; go on with `sellerauth batch renew --resume {run_id}`" in stderr
    finished = [line for line in stdout.splitlines() if line.strip()]
    assert len(finished) == 1, "the account in progress finished; no other started"
    renewed = [seller for seller, action, ok in fleet.row_actions() if action == "renew"]
    assert len(renewed) == 1
    assert "seller-02" in stderr and "seller-03" in stderr, "the summary lists every account"
    assert hook.bodies and "SIGTERM" in hook.bodies[0]["title"]
    assert f"--resume {run_id}" in hook.bodies[0]["message"]
    fleet.main.scenario.faults.latency = 0
    again = subprocess.run(
        [sys.executable, "-m", "sellerauth", "batch", "renew", "--resume", run_id],
        capture_output=True,
        text=True,
        env=fleet.env(),
        cwd=fleet.root,
        timeout=150,
    )
    assert again.returncode == 0, again.stderr
    assert len([a for _, a, _ in fleet.row_actions() if a == "renew"]) == 3
    assert len(fleet.rows("SELECT run_id FROM runs")) == 1  # resumed, not a new run


def test_a_second_signal_leaves_at_once_naming_the_run(fleet_factory: Any) -> None:
    """A second SIGTERM (as a second Ctrl-C) leaves at once, printing the real run ID."""
    fleet = fleet_factory(["expiring", "expiring"])
    fleet.main.scenario.faults.latency = 0.5
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerauth", "batch", "renew", "--concurrency", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fleet.env(SELLERAUTH_LOG_LEVEL="info"),
        cwd=fleet.root,
    )
    deadline = time.monotonic() + 90
    while not fleet.main.events_of("signin_email"):
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    assert process.stderr is not None
    for line in process.stderr:  # the first signal is taken: the pool is stopping
        if "batch_stopping" in line:
            break
    process.send_signal(signal.SIGTERM)
    _, rest = process.communicate(timeout=60)
    assert process.returncode == 143
    assert "stopped at once by SIGTERM" in rest
    run_id = _last_run_id(fleet)
    assert f"--resume {run_id}`" in rest and "RUN_ID" not in rest


def _last_run_id(fleet: Any) -> str:
    [row] = fleet.rows("SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1")
    return str(row[0])
