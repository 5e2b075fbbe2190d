"""Write-ahead intents, the account lock, and a store that cannot be written (no browser)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from automation.audit import AuditEvent
from automation.errors import InvalidInput
from automation.journal import Journal
from automation.locks import Busy, account_lock
from automation.settings import load_settings
from automation.store import STORE_FILE, Store, StoreFailed, repository, schema
from tests.postgres import StoreBackend

SQLITE_ONLY = pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def store(state_dir: Path, store_backend: StoreBackend) -> Store:
    return Store.open(store_backend.settings(state_dir=state_dir))


def _run(store: Store) -> str:
    return store.create_run("renew", {}, ["acme"], kind="single").run_id


class TestIntents:
    def test_an_intent_is_open_until_its_outcome_is_written(self, store: Store) -> None:
        run_id = _run(store)
        store.open_intent(run_id, "acme", "renewed", "5259-6479-4073")
        (intent,) = store.intents("acme", only_open=True)
        assert (intent.action, intent.run_id, intent.shown_outcome) == (
            "renewed",
            run_id,
            "unknown",
        )
        event = AuditEvent("renew", "5259-6479-4073", {"state": "active"})
        store.finish_result(run_id, "acme", "done", data={}, audit=[event], acted=["renewed"])
        assert store.intents("acme", only_open=True) == []
        (closed,) = store.intents("acme")
        assert (closed.outcome, closed.closed_by) == ("done", run_id)
        assert [a.action for a in store.audit("acme")] == ["renew"]

    def test_a_resumed_run_closes_the_killed_runs_intent_as_done_by_itself(
        self, store: Store
    ) -> None:
        killed, resumed = _run(store), _run(store)
        store.open_intent(killed, "acme", "granted", None)
        store.finish_result(resumed, "acme", "done", data={}, acted=["granted"])
        (intent,) = store.intents("acme")
        assert (intent.run_id, intent.outcome, intent.closed_by) == (killed, "done", resumed)

    def test_a_click_made_again_closes_the_earlier_one_as_not_done(self, store: Store) -> None:
        killed, resumed = _run(store), _run(store)
        store.open_intent(killed, "acme", "granted", None)
        store.open_intent(resumed, "acme", "granted", None)
        store.finish_result(resumed, "acme", "done", data={}, acted=["granted"])
        assert [(i.run_id, i.outcome) for i in store.intents("acme")] == [
            (killed, "not_done"),
            (resumed, "done"),
        ]

    def test_only_runs_of_the_same_command_pick_an_open_intent_up(self, store: Store) -> None:
        register = store.create_run("register", {}, ["acme"]).run_id
        store.open_intent(register, "acme", "granted", None)
        assert store.intents("acme", only_open=True, command="status") == []
        assert [i.action for i in store.intents("acme", only_open=True, command="register")] == [
            "granted"
        ]

    def test_not_confirmed_closes_other_failures_leave_open(self, store: Store) -> None:
        run_id = _run(store)
        store.open_intent(run_id, "acme", "renewed", None)
        store.open_intent(run_id, "bravo", "renewed", None)
        store.finish_result(
            run_id, "acme", "failed", error={"code": "not_confirmed"}, acted=["renewed"]
        )
        store.finish_result(run_id, "bravo", "failed", error={"code": "timeout"}, acted=["renewed"])
        assert store.intents("acme")[0].outcome == "not_confirmed"
        assert [i.account for i in store.intents(only_open=True)] == ["bravo"]

    def test_the_journal_writes_ahead_and_does_not_note_a_refused_intent(self) -> None:
        written: list[str] = []

        def refuse(action: str) -> None:
            raise StoreFailed("the store x could not be written (disk full)")

        journal = Journal(["granted"], written.append)
        journal.append("renewed")
        assert (written, list(journal)) == (["renewed"], ["granted", "renewed"])
        refusing = Journal((), refuse)
        with pytest.raises(StoreFailed):
            refusing.append("renewed")
        assert list(refusing) == []


class TestStoreFailures:
    def test_a_failed_write_leaves_nothing_half_written(
        self, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        run_id = _run(store)
        store.start_result(run_id, "acme")
        store.open_intent(run_id, "acme", "renewed", None)
        calls = iter([None, sqlite3.OperationalError("database or disk is full")])

        def full_at_commit() -> None:
            problem = next(calls, None)
            if problem is not None:
                raise problem

        monkeypatch.setattr(repository, "fault", full_at_commit)
        event = AuditEvent("renew", None, {"state": "active"})
        with pytest.raises(StoreFailed) as caught:
            store.finish_result(
                run_id, "acme", "done", data={"a": 1}, audit=[event], acted=["renewed"]
            )
        message = str(caught.value)
        assert store.where in message and "disk is full" in message
        monkeypatch.setattr(repository, "fault", None)
        # The transaction rolled back: still running, intent still open, no audit row.
        assert store.started_accounts(run_id) == {"acme"}
        assert len(store.intents(only_open=True)) == 1
        assert store.audit() == []

    @SQLITE_ONLY
    def test_a_locked_database_is_waited_for(self, state_dir: Path, store: Store) -> None:
        other = sqlite3.connect(
            state_dir / STORE_FILE, isolation_level=None, check_same_thread=False
        )
        other.execute("BEGIN IMMEDIATE")
        threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
        started = time.monotonic()
        _run(store)  # waits for the other writer instead of failing
        assert time.monotonic() - started >= 0.4
        other.close()

    @SQLITE_ONLY
    def test_a_database_locked_too_long_is_store_failed_never_move_it_away(
        self, state_dir: Path, store: Store, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(schema, "BUSY_TIMEOUT_SECONDS", 1)
        other = sqlite3.connect(state_dir / STORE_FILE, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(StoreFailed) as caught:
                Store.open(load_settings(state_dir=state_dir)).create_run("renew", {}, ["a"])
        finally:
            other.execute("ROLLBACK")
            other.close()
        message = str(caught.value)
        assert "locked" in message and str(state_dir / STORE_FILE) in message
        assert "move it away" not in message
        assert caught.value.exit_status == 7

    def test_only_a_corrupt_file_is_bad_input(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True)
        (state_dir / STORE_FILE).write_bytes(b"not a database at all, " * 100)
        with pytest.raises(InvalidInput, match="move it away"):
            Store.open(load_settings(state_dir=state_dir))


class TestAccountLock:
    """On SQLite a lock file in the state directory; on PostgreSQL an advisory lock."""

    def test_a_second_holder_is_refused_at_once(self, state_dir: Path, store_backend) -> None:
        settings = store_backend.settings(state_dir=state_dir)
        with account_lock(settings, "acme"):
            started = time.monotonic()
            with pytest.raises(Busy) as caught, account_lock(settings, "acme"):
                pass
            assert time.monotonic() - started < 1
            assert (caught.value.code, caught.value.exit_status) == ("busy", 6)
            with account_lock(settings, "bravo"):  # other accounts are not held up
                pass
        with account_lock(settings, "acme"):  # released
            pass

    def test_a_second_holder_waits_when_asked(self, state_dir: Path, store_backend) -> None:
        settings = store_backend.settings(state_dir=state_dir)
        held = threading.Event()
        release = threading.Event()

        def first() -> None:
            with account_lock(settings, "acme"):
                held.set()
                release.wait(5)

        thread = threading.Thread(target=first)
        thread.start()
        held.wait(5)
        threading.Timer(0.5, release.set).start()
        with account_lock(settings, "acme", wait_seconds=10):
            pass
        thread.join()

    def test_a_wait_that_runs_out_is_busy(self, state_dir: Path, store_backend) -> None:
        """Waited for as long as asked (on PostgreSQL the server holds the request for the
        lock_timeout), then `busy`; the lock still works afterwards."""
        settings = store_backend.settings(state_dir=state_dir)
        with account_lock(settings, "acme"):
            started = time.monotonic()
            with pytest.raises(Busy) as caught, account_lock(settings, "acme", wait_seconds=0.5):
                pass
            assert 0.4 <= time.monotonic() - started < 5
            assert "after waiting 0.5 s" in caught.value.message
        with account_lock(settings, "acme", wait_seconds=0.5):
            pass


def test_history_lists_the_intents_never_closed(
    state_dir: Path, store: Store, store_backend: StoreBackend
) -> None:
    import json
    import os
    import subprocess
    import sys

    run_id = _run(store)
    store.open_intent(run_id, "acme", "renewed", "5259-6479-4073")
    store.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env["SELLERAUTH_STATE_DIR"] = str(state_dir)
    env.update(store_backend.env())
    done = subprocess.run(
        [sys.executable, "-m", "sellerauth", "history", "--open", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    (shown,) = json.loads(done.stdout)
    assert (shown["account"], shown["action"], shown["outcome"], shown["run_id"]) == (
        "acme",
        "renewed",
        "unknown",
        run_id,
    )
    table = subprocess.run(
        [sys.executable, "-m", "sellerauth", "history"],
        capture_output=True,
        text=True,
        env=env | {"COLUMNS": "200"},
        timeout=60,
    )
    assert table.returncode == 0, table.stderr
    assert "outcome unknown" in table.stdout and "renewed" in table.stdout
