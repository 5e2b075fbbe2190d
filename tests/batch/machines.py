"""Many machines sharing one PostgreSQL store, simulated on one: a `sellerauth batch` process
per machine, each with its own state directory (sessions, OTP steps, evidence), all with the
fleet's store URL. Used by tests/batch/test_shared_store.py and bench/shared_store.py."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from collections.abc import Sequence

from .conftest import Done, Fleet


def run_machines(
    fleet: Fleet, shards: Sequence[str], *args: str, timeout: float = 1800, **env: str
) -> list[Done]:
    """`sellerauth batch ARGS --shard S` for each S in `shards`, all at once, machine K in
    `<fleet root>/machine-K`; each process's output once all have finished."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "sellerauth", "batch", *args, "--shard", shard],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=fleet.env(SELLERAUTH_STATE_DIR=str(fleet.root / f"machine-{k}"), **env),
            cwd=fleet.root,
        )
        for k, shard in enumerate(shards)
    ]
    done = []
    for process in processes:
        out, err = process.communicate(timeout=timeout)
        done.append(Done(process.returncode, out, err))
    return done


def clicks_per_seller(fleet: Fleet) -> Counter[str]:
    """How many renew or restore clicks the simulators saw per seller ID."""
    return Counter(seller_id for seller_id, _, _ in fleet.row_actions())
