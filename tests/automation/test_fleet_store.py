"""The fleet summary in the store: each job's latest result per account and grant, so a later
`status` never hides a failed `renew`; the states' order; and a store made by the release
before the fleet view (schema 2) read in place."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from automation.fleet.load import FleetCache, rules_of
from automation.fleet.model import build_fleet, counts, expiry_weeks
from automation.store import SCHEMA_VERSION, GrantFacts, GrantNote, Store
from automation.store.fleet import record_grant
from sellerauth.app import SITE
from tests.cli import sellerauth
from tests.postgres import StoreBackend

OLD_STORE = Path(__file__).resolve().parents[1] / "data" / "store-v2"
DEV = "5259-6479-4073"
TODAY = datetime.now(UTC).date()
RULES = rules_of(SITE)


def write(
    store: Store,
    job: str,
    state: str,
    *,
    facts: GrantFacts | None = None,
    code: str | None = None,
    account: str = "acme",
    field: str = "developer_id",
    grant: str = DEV,
) -> None:
    """One run of `job` on `account` about a grant (our developer), ending in `state`."""
    run = store.create_run(job, {}, [account])
    store.start_result(run.run_id, account)
    error = {"code": code, "message": "it failed"} if code else None
    store.finish_result(
        run.run_id,
        account,
        state,  # type: ignore[arg-type]
        data=None if error else {"account": account},
        error=error,
        grant=GrantNote(field, grant, code or "done", facts),
    )
    store.finish_run(run.run_id)


def state_of(store: Store, **extra: Any) -> str:
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES, **extra)
    assert len(rows) == 1
    return rows[0].state


@pytest.fixture
def store(tmp_path: Path, store_backend: StoreBackend) -> Any:
    """A new store on each backend (SQLite, PostgreSQL)."""
    with Store.open(store_backend.settings(state_dir=tmp_path / "state")) as made:
        yield made


def in_days(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


def test_a_later_status_never_hides_a_failed_renew(store: Store) -> None:
    write(store, "status", "done", facts=GrantFacts(in_days(200), "page", False))
    assert state_of(store) == "ok"
    write(store, "renew", "failed", code="page_changed")
    write(store, "status", "done", facts=GrantFacts(in_days(200), "page", False))
    assert state_of(store) == "failing"  # the renew's failure stands
    write(store, "renew", "done", facts=GrantFacts(in_days(365), "page", False))
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)
    assert rows[0].state == "ok" and rows[0].expires_at == in_days(365)
    # The last error stays visible after the success, for the record.
    assert rows[0].last_error is not None and rows[0].last_error["code"] == "page_changed"


def test_a_failure_stands_until_a_job_that_resolves_it_succeeds(store: Store) -> None:
    """A captcha on `status` is over once any job signs in, on any grant of the account; no
    authorization is over once `register` grants; a timeout of `renew` only when it renews."""
    write(store, "status", "done", facts=GrantFacts(in_days(200), "page", False))
    write(store, "status", "needs_person", code="needs_person")
    write(store, "app-status", "done", field="app_id", grant="amzn1.sp.solution.x")
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)
    assert [r.state for r in rows] == ["ok", "ok"]  # the app's sign-in went through since
    write(store, "renew", "failed", code="not_authorized")
    assert build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)[1].state == "failing"
    write(store, "register", "done")
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)
    assert rows[1].state == "ok" and rows[1].failing_jobs == []
    write(store, "renew", "failed", code="timeout")
    write(store, "register", "done")
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)
    assert rows[1].state == "failing" and rows[1].failing_jobs == ["renew"]
    assert rows[1].last_error is not None and rows[1].last_error["code"] == "timeout"


def test_the_most_urgent_state_wins(store: Store) -> None:
    write(store, "status", "done", facts=GrantFacts(in_days(10), "page", False))
    assert state_of(store) == "due"
    write(store, "status", "done", facts=GrantFacts(in_days(-1), "page", False))
    assert state_of(store) == "lapsed"
    write(store, "status", "done", facts=GrantFacts(None, None, True))
    assert state_of(store) == "lapsed"
    write(store, "renew", "failed", code="timeout")
    assert state_of(store) == "failing"
    write(store, "register", "needs_person", code="needs_person")
    assert state_of(store) == "needs_person"


def test_a_failure_says_nothing_of_the_expiry(store: Store) -> None:
    write(store, "renew", "done", facts=GrantFacts(in_days(100), "computed", False))
    write(store, "renew", "failed", code="timeout")
    rows = build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)
    assert rows[0].expires_at == in_days(100) and rows[0].expires_source == "computed"
    assert sum(n for _, n in expiry_weeks(rows, TODAY)) == 0  # 100 days: beyond 13 weeks
    write(store, "renew", "done", facts=GrantFacts(in_days(8), "page", False))
    weeks = expiry_weeks(build_fleet(store.fleet_entries(), today=TODAY, rules=RULES), TODAY)
    assert [n for _, n in weeks] == [0, 1] + [0] * 11


def test_accounts_never_run_are_never_checked(store: Store) -> None:
    write(store, "status", "done", facts=GrantFacts(in_days(50), "page", False))
    rows = build_fleet(
        store.fleet_entries(), today=TODAY, rules=RULES, configured=["acme", "new-shop"]
    )
    assert [(r.account, r.state) for r in rows] == [("acme", "ok"), ("new-shop", "never_checked")]
    assert counts(rows)["never_checked"] == 1


def test_a_store_of_the_release_before_is_read_in_place(tmp_path: Path) -> None:
    state = tmp_path / "state"
    shutil.copytree(OLD_STORE, state)
    old = sqlite3.connect(state / "sellerauth.db")
    assert old.execute("PRAGMA user_version").fetchone()[0] == 2
    old.close()
    done = sellerauth("fleet", "--json", state_dir=state)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert len(rows) == 1
    row = rows[0]
    # Its runs: status, renew --dry-run, renew (renewed), renew (nothing due), then a renew
    # that could not load the page: failing, the expiry the successful renewal read back.
    assert (row["account"], row["grant"], row["state"]) == ("default", DEV, "failing")
    assert row["expires_at"] == "2027-12-06" and row["expires_source"] == "page"
    assert {j["job"]: j["state"] for j in row["jobs"]} == {"status": "done", "renew": "failed"}
    assert row["last_error"]["code"] == "site_unavailable"
    assert row["triage"]["owner"] == "the operations team"
    upgraded = sqlite3.connect(state / "sellerauth.db")
    assert upgraded.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (
        upgraded.execute("SELECT COUNT(*) FROM results WHERE grant_field IS NULL").fetchone()[0]
        == 0
    )
    # What the older release wrote still reads: its audit trail.
    history = sellerauth("history", "--json", state_dir=state)
    assert [e["action"] for e in json.loads(history.stdout)] == ["renew"]


def test_the_servers_cache_follows_every_write(
    store: Store, tmp_path: Path, store_backend: StoreBackend
) -> None:
    """`serve` reads only what changed since its last page: after each write (one committed
    late, with an older time, too) it shows what a full read of the store shows."""
    settings = store_backend.settings(state_dir=tmp_path / "state")
    cache = FleetCache(store, settings, SITE)
    write(store, "status", "done", facts=GrantFacts(in_days(200), "page", False))
    write(store, "status", "done", facts=GrantFacts(in_days(5), "page", False), account="b")

    def full() -> list[Any]:
        return build_fleet(store.fleet_entries(), today=TODAY, rules=RULES)

    assert cache.fleet().rows == full()
    first = cache.fleet()
    assert cache.fleet() is first  # nothing written: the same fleet, not read again
    write(store, "renew", "failed", code="timeout")
    assert [r.state for r in cache.fleet().rows] == ["failing", "due"]
    assert cache.fleet().rows == full()
    # A row another process committed a moment after a newer one, with its older time.
    late = (datetime.now(UTC) - timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    run = store.create_run("status", {}, ["c"])
    with store._transaction() as db:
        db.execute(
            sa.text(
                "INSERT INTO results (run_id, account, state, started_at) "
                "VALUES (:run_id, 'c', 'done', :late)"
            ),
            {"run_id": run.run_id, "late": late},
        )
        record_grant(
            db,
            run_id=run.run_id,
            account="c",
            command="status",
            state="done",
            finished_at=late,
            note=GrantNote("developer_id", DEV, "done", GrantFacts(in_days(1), "page", False)),
            error=None,
        )
    assert [r.account for r in cache.fleet().rows] == ["acme", "b", "c"]
    assert cache.fleet().rows == full()


def test_a_dry_run_is_not_the_nights_batch(store: Store) -> None:
    """`--dry-run` changes nothing: the metric the missing-batch alert reads ignores it."""
    real = store.create_run("renew", {"dry_run": False}, ["acme"])
    store.finish_run(real.run_id)
    assert set(store.last_runs()) == {"renew"}
    first = store.last_runs()["renew"]
    dry = store.create_run("renew", {"dry_run": True}, ["acme"])
    store.finish_run(dry.run_id)
    assert store.last_runs() == {"renew": first}
