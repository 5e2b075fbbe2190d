"""Regenerate fixtures/recorded/ from the simulator: `python -m tests.make_recordings`."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from automation.log import configure_logging
from automation.settings import load_settings
from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.account import account_settings
from flows.mws import register, renew, status
from flows.recording import record
from flows.site import resolve_account
from tests.jobs import job

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "recorded"

RECORDINGS = [
    # (file, scenario, flow name, flow, options)
    ("register-granted-ja", "demo", "register", job(register.SPEC), {}),
    ("status-many-developers-ja", "many-developers", "status", job(status.SPEC), {}),
    ("renew-expiring-en", "expiring", "renew", job(renew.SPEC), {"renew_within": 30}),
]


def main() -> None:
    configure_logging("console", "warning")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, scenario_name, flow_name, flow, options in RECORDINGS:
        language = "en" if name.endswith("-en") else "ja"
        simulator = Simulator(build_scenario(scenario_name, language=language))
        with SimulatorServer(simulator) as server, tempfile.TemporaryDirectory() as state:
            settings = load_settings(state_dir=Path(state))
            account = resolve_account(settings, None, **account_settings(simulator, server.url))
            bound = functools.partial(flow, **options) if options else flow
            target = OUT / f"{name}.har.zip"
            target.unlink(missing_ok=True)
            record(bound, flow_name, settings, account, target, options)
            print(f"recorded {target.relative_to(OUT.parents[1])}")


if __name__ == "__main__":
    main()
