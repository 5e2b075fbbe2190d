"""One PostgreSQL store shared by many machines (issue 25): four `batch renew` processes, each its
own "machine" with its own state directory, on 24 simulated sellers. Split by `--shard K/4`
each account is acted on once; with shard counts that overlap (a mis-set Indexed Job), the
per-account advisory lock still lets only one act, the others find the work done. `export` on
any machine shows every account. The 200-account figure is `bench/shared_store.py`."""

from __future__ import annotations

import csv
import io
import json

import pytest

from .conftest import sellerauth
from .machines import clicks_per_seller, run_machines

pytestmark = [
    pytest.mark.parametrize("store_backend", ["postgresql"], indirect=True),
    pytest.mark.timeout(900),
]

SELLERS = 24  # the 200-account figure is bench/shared_store.py


def test_four_machines_share_one_store_each_account_acted_on_once(fleet_factory) -> None:
    fleet = fleet_factory(["expiring"] * SELLERS)
    names = [s.name for s in fleet.sellers]
    first, second = names[: SELLERS // 2], names[SELLERS // 2 :]

    # Four machines, the right shard count: every account in exactly one shard.
    split = run_machines(
        fleet,
        [f"{k}/4" for k in range(4)],
        "renew",
        "--concurrency",
        "1",
        "--only",
        ",".join(first),
    )
    assert [d.returncode for d in split] == [0] * 4, [d.stderr[-2000:] for d in split]
    lines = [line for d in split for line in d.lines()]
    assert sorted(line["account"] for line in lines) == sorted(first)
    assert {line["result"]["action"] for line in lines} == {"renewed"}

    # The shard counts mis-set (0/2, 1/2, 0/3, 1/3): accounts overlap, each still acted on once.
    overlap = run_machines(
        fleet,
        ["0/2", "1/2", "0/3", "1/3"],
        "renew",
        "--concurrency",
        "1",
        "--only",
        ",".join(second),
    )
    assert [d.returncode for d in overlap] == [0] * 4, [d.stderr[-2000:] for d in overlap]
    lines = [line for d in overlap for line in d.lines()]
    assert len(lines) > len(second), "some accounts were in two shards"
    actions = {}
    for line in lines:
        actions.setdefault(line["account"], []).append(line["result"]["action"])
    assert sorted(actions) == sorted(second)
    assert all(acts.count("renewed") == 1 for acts in actions.values()), actions

    # Each seller renewed exactly once, by whichever machine held its lock.
    clicks = clicks_per_seller(fleet)
    assert clicks == {s.seller_id: 1 for s in fleet.sellers}, clicks
    # One store: `export` on any machine shows all of them, `history` one renewal each.
    exported = sellerauth(
        fleet, "export", "--format", "csv", SELLERAUTH_STATE_DIR=str(fleet.root / "machine-0")
    )
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert sorted(row["account"] for row in rows) == sorted(names)
    assert all(row["action"] in ("renewed", "none") and row["expires_at"] for row in rows)
    history = sellerauth(fleet, "history", "--json", SELLERAUTH_STATE_DIR=str(fleet.root / "x"))
    assert history.returncode == 0, history.stderr
    events = json.loads(history.stdout)
    assert sorted(e["account"] for e in events) == sorted(names)
