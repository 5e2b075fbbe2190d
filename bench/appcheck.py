"""`sellerauth batch app-check` throughput: accounts a minute against the simulator.

    .venv/bin/python -m bench.appcheck                      # 300 accounts, concurrency 8
    .venv/bin/python -m bench.appcheck --accounts 600 --concurrency 4

N sellers that each authorized the app on one simulator (in this process, on a loopback
port), an accounts file, a store holding one refresh token per account (as `batch
authorize` would leave it); then the real command line, `python -m sellerauth batch
app-check --json`, timed from start to exit (interpreter start and the store included). The
target (issue 24) is 300 accounts a minute or more.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from fixtures.simulator import Simulator, SimulatorServer
from fixtures.simulator.account import app_env
from fixtures.simulator.app_fleet import (
    app_fleet_scenario,
    app_sellers,
    issue_tokens,
    write_app_accounts,
)
from tests.batch.conftest import seed_store as seed

TARGET_PER_MINUTE = 300


def measure(accounts: int, concurrency: int) -> dict[str, float]:
    """Run `batch app-check` over `accounts` sellers; its wall time, accounts a minute, and
    how many came out `ok`."""
    scenario = app_fleet_scenario(accounts)
    simulator = Simulator(scenario)
    server = SimulatorServer(simulator).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-appcheck-") as tmp:
            root = Path(tmp)
            sellers = app_sellers(scenario)
            write_app_accounts(root, server.url, sellers)
            state = root / "state"
            seed(state, issue_tokens(simulator, sellers), {s.name: s.seller_id for s in sellers})
            env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
            env.update(app_env(server.url))
            env.update(
                SELLERAUTH_STATE_DIR=str(state),
                SELLERAUTH_ACCOUNTS_FILE=str(root / "accounts.toml"),
                SELLERAUTH_SECRETS_DIR=str(root / "secrets"),
                SELLERAUTH_LOG_LEVEL="warning",
            )
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "sellerauth", "batch", "app-check", "--json"]
                + ["--concurrency", str(concurrency)],
                capture_output=True,
                text=True,
                env=env,
                cwd=root,
                check=False,
            )
            seconds = time.perf_counter() - started
    finally:
        server.stop()
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    ok = sum(1 for line in lines if (line.get("result") or {}).get("check") == "ok")
    if done.returncode != 0 or ok != accounts:
        print(done.stderr[-2000:], file=sys.stderr)
    return {
        "accounts": accounts,
        "concurrency": concurrency,
        "ok": ok,
        "seconds": round(seconds, 2),
        "per_minute": round(accounts / seconds * 60, 1),
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figure; exit 1 when not every account came out `ok`."""
    parser = argparse.ArgumentParser(prog="python -m bench.appcheck", description=__doc__)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    figure = measure(args.accounts, args.concurrency)
    verdict = "meets" if figure["per_minute"] >= TARGET_PER_MINUTE else "misses"
    print(
        f"batch app-check: {figure['ok']}/{figure['accounts']} ok in {figure['seconds']} s at "
        f"concurrency {figure['concurrency']}: {figure['per_minute']} accounts/min "
        f"({verdict} the {TARGET_PER_MINUTE}/min target)"
    )
    print(json.dumps(figure))
    return 0 if figure["ok"] == figure["accounts"] else 1


if __name__ == "__main__":
    sys.exit(main())
