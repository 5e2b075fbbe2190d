"""Many machines on one PostgreSQL store (issue 25): `batch renew` accounts a minute, four
processes sharing PostgreSQL against one process on SQLite.

    .venv/bin/python -m bench.shared_store                    # 200 accounts, concurrency 2
    .venv/bin/python -m bench.shared_store --accounts 40 --concurrency 1

N sellers whose access expires in 10 days, on one simulator (in this process, on a loopback
port), each run on a fresh fleet so that every account has one renewal to make:

- **sqlite, 1 process**: `sellerauth batch renew` over all N, the store in its state directory;
- **postgresql, 4 processes**: `--shard K/4` for K = 0..3, each its own "machine" (its own state
  directory: sessions, OTP steps, evidence), one store in a throwaway PostgreSQL cluster;
- **postgresql, 4 processes, overlapping shards**: `--shard 0/2, 1/2, 0/3, 1/3` (a mis-set
  shard count): accounts overlap, the per-account advisory lock lets one act.

Timed from the first process's start to the last one's exit. Each run is checked: every seller
renewed exactly once (the simulator's clicks) and `export` showing all N accounts.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.batch.conftest import Done, Fleet, sellerauth, start_fleet
from tests.batch.machines import clicks_per_seller, run_machines
from tests.postgres import Cluster, StoreBackend, backend, start_cluster

RESULTS = Path(__file__).resolve().parent / "results"


def measure(
    root: Path, name: str, store: StoreBackend, shards: Sequence[str], accounts: int, workers: int
) -> dict[str, Any]:
    """One run on a fresh fleet: wall time, accounts a minute, and the checks."""
    fleet, servers = start_fleet(root / name, ["expiring"] * accounts, backend=store)
    try:
        started = time.perf_counter()
        if shards:
            done = run_machines(fleet, shards, "renew", "--concurrency", str(workers))
        else:
            done = [
                sellerauth(fleet, "batch", "renew", "--concurrency", str(workers), timeout=7200)
            ]
        seconds = time.perf_counter() - started
        return {
            "run": name,
            "processes": len(done),
            "shards": list(shards),
            "concurrency": workers,
            "accounts": accounts,
            "seconds": round(seconds, 1),
            "per_minute": round(accounts / seconds * 60, 1),
            **_checks(fleet, done),
        }
    finally:
        for server in servers:
            server.stop()


def _checks(fleet: Fleet, done: list[Done]) -> dict[str, Any]:
    clicks = clicks_per_seller(fleet)
    exported = sellerauth(fleet, "export", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    failed = [d.stderr[-1500:] for d in done if d.returncode != 0]
    for problem in failed:
        print(problem, file=sys.stderr)
    return {
        "exit_statuses": [d.returncode for d in done],
        "json_lines": sum(len(d.lines()) for d in done),
        "acted_once": all(clicks[s.seller_id] == 1 for s in fleet.sellers)
        and sum(clicks.values()) == len(fleet.sellers),
        "exported_accounts": len({row["account"] for row in rows}),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.shared_store", description=__doc__)
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=2, help="accounts at a time per process")
    args = parser.parse_args(argv)
    results: list[dict[str, Any]] = []
    cluster: Cluster = start_cluster()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-shared-store-") as tmp:
            root = Path(tmp)
            runs = [
                ("sqlite-1-process", "sqlite", []),
                ("postgresql-4-processes", "postgresql", [f"{k}/4" for k in range(4)]),
                ("postgresql-4-overlapping", "postgresql", ["0/2", "1/2", "0/3", "1/3"]),
            ]
            for name, kind, shards in runs:
                print(f"== {name}", file=sys.stderr, flush=True)
                made = backend(kind, cluster)
                store = next(made)
                try:
                    result = measure(root, name, store, shards, args.accounts, args.concurrency)
                finally:
                    next(made, None)
                print(json.dumps(result), file=sys.stderr, flush=True)
                results.append(result)
    finally:
        cluster.stop()
    print(f"{'run':<28} {'processes':>9} {'seconds':>8} {'per min':>8} {'once':>5} {'export':>6}")
    for r in results:
        print(
            f"{r['run']:<28} {r['processes']:>9} {r['seconds']:>8} {r['per_minute']:>8} "
            f"{'yes' if r['acted_once'] else 'NO':>5} {r['exported_accounts']:>6}"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stamp}-shared-store.json").write_text(json.dumps(results, indent=2) + "\n")
    ok = all(r["acted_once"] and r["exported_accounts"] == r["accounts"] for r in results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
