"""`sellerauth record` keeps its archives in the state directory, never where it is run."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.account import account_env
from tests.cli import sellerauth


@pytest.mark.browser
def test_record_without_out_writes_into_the_state_directory(tmp_path: Path) -> None:
    """Run from a checkout without --out: one `status-*.har.zip` under `<state>/recordings`,
    its path printed, nothing in the working directory (so no archive lands in a checkout)."""
    work = tmp_path / "checkout"
    work.mkdir()
    state = tmp_path / "state"
    simulator = Simulator(build_scenario("granted"))
    with SimulatorServer(simulator) as server:
        record = sellerauth(
            "record", "status", "--base-url", server.url, state_dir=state,
            env=account_env(simulator) | {"SELLERAUTH_TIMEOUT_MS": "10000"}, cwd=work,
        )  # fmt: skip
    assert record.returncode == 0, record.stderr
    assert list(work.iterdir()) == []
    made = list((state / "recordings").glob("status-*.har.zip"))
    assert len(made) == 1 and str(made[0]) in record.stdout


def test_record_refuses_a_job_that_acts(tmp_path: Path) -> None:
    """`record register` is refused before any browser starts: a recording would act on the
    seller's account outside the lock, the intents and the audit trail."""
    done = sellerauth(
        "record", "register", "--base-url", "http://127.0.0.1:9", state_dir=tmp_path / "state"
    )
    assert done.returncode == 2
    assert "acts on the seller's account" in done.stdout + done.stderr
    assert not (tmp_path / "state" / "recordings").exists()
