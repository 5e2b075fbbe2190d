"""A batch killed with SIGKILL at a random point and resumed never acts twice."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from .conftest import Fleet, sellerauth

KINDS = ["expiring", "expired", "granted", "expiring", "expired"]


def kill_after(fleet: Fleet, lines: int, delay: float) -> tuple[list[dict], str]:
    """Start `batch renew`, SIGKILL it `delay` seconds after its `lines`-th JSON line (or
    after it announced its run when 0), wait until its browsers are gone too."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerauth", "batch", "renew"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fleet.env(),
        cwd=fleet.root,
        start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    announced = process.stderr.readline()
    run_id = re.search(r"run (\S+):", announced)
    assert run_id, announced
    seen = [json.loads(process.stdout.readline()) for _ in range(lines)]
    time.sleep(delay)
    process.kill()  # SIGKILL: no cleanup, no last write
    process.wait(timeout=10)
    _wait_group_gone(process.pid)
    process.stdout.close()
    process.stderr.close()
    return seen, run_id.group(1)


def _wait_group_gone(pgid: int, timeout: float = 10) -> None:
    """Playwright's driver and Chromium die with their parent; make sure before resuming."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_and_resumed_acts_once(fleet_factory, seed: int) -> None:
    """Kill at a random point, resume: every seller is renewed or restored exactly once."""
    rng = random.Random(seed)
    fleet = fleet_factory(KINDS)
    lines, delay = rng.randrange(0, len(KINDS) - 1), rng.uniform(0, 1.5)
    before_kill, run_id = kill_after(fleet, lines, delay)

    resumed = sellerauth(fleet, "batch", "renew", "--resume", run_id)
    note = f"seed {seed}: killed {delay:.2f}s after {lines} lines"
    assert resumed.returncode == 0, f"{note}\n{resumed.stderr[-3000:]}"
    first = {line["account"] for line in before_kill}
    second = {line["account"] for line in resumed.lines()}
    assert not first & second, note  # a finished account is never run again
    assert first | second <= {s.name for s in fleet.sellers}

    clicks = Counter((sid, action) for sid, action, ok in fleet.row_actions() if ok)
    expected = Counter(
        (s.seller_id, {"expiring": "renew", "expired": "restore"}[s.kind])
        for s in fleet.sellers
        if s.kind != "granted"
    )
    assert clicks == expected, note
    assert all(ok for _, _, ok in fleet.row_actions()), note  # no click on a done row

    # Every seller has its result in the run; the audit trail has no duplicate either.
    export = json.loads(sellerauth(fleet, "export", "--format", "json").stdout)
    assert {row["account"]: row["last_run"] for row in export} == {
        s.name: run_id for s in fleet.sellers
    }
    history = json.loads(sellerauth(fleet, "history", "--json").stdout)
    audited = Counter(e["account"] for e in history)
    assert all(count == 1 for count in audited.values()), (note, audited)

    again = sellerauth(fleet, "batch", "renew", "--resume", run_id)
    assert (again.returncode, again.stdout) == (0, ""), note
    assert Counter((sid, a) for sid, a, _ in fleet.row_actions()) == expected
