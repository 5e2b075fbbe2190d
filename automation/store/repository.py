"""The store's repository (`Store`): runs, per-account results, intents and the audit trail
written and read in one SQLite file, each write one transaction; tokens encrypted."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from filelock import BaseFileLock
from filelock import Timeout as LockTimeout

from automation.audit import AuditEvent
from automation.errors import InvalidInput
from automation.files import private_dir
from automation.settings import Settings
from automation.store.failures import is_corrupt, store_failure
from automation.store.fleet import FleetQueries, GrantNote, record_grant
from automation.store.intents import close_intents
from automation.store.keys import KEY_FILE, Encryption, load_key
from automation.store.records import (
    FINISHED_STATES,
    AuditRecord,
    Intent,
    ResultRecord,
    Run,
    SecretRecord,
    State,
    from_row,
    new_run_id,
    now_iso,
)
from automation.store.schema import (
    BUSY_TIMEOUT_SECONDS,
    STORE_FILE,
    connect,
    opening_lock,
    refuse_lost_store,
)

# Tests set this to a function raising what a full disk or a failing device raises
# (sqlite3.OperationalError, OSError); it is called before and inside every write transaction.
fault: Callable[[], None] | None = None


def _fault_point() -> None:
    if fault is not None:
        fault()


class Store(FleetQueries):
    """Runs, results, the audit trail and the fleet summary in one SQLite file; safe to share
    between threads."""

    def __init__(self, path: Path, key: bytes, *, lock: BaseFileLock | None = None) -> None:
        self.path = path
        self._encryption = Encryption(key, path.parent)
        self._lock = threading.Lock()
        try:
            self._db = connect(path, lock)
        except LockTimeout:
            raise store_failure(path, sqlite3.OperationalError("database is locked")) from None
        except sqlite3.DatabaseError as exc:
            if is_corrupt(exc):
                raise InvalidInput(
                    f"the store {path} is not a readable database ({exc}): move it away to "
                    "start a new one (its audit trail and tokens stay in the moved file)",
                    field="state_dir",
                ) from None
            raise store_failure(path, exc) from None
        except OSError as exc:
            raise store_failure(path, exc) from None

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """The store in the settings' state directory, with its key. A store missing or empty
        in a state directory that was in use (its key file, saved sessions) is refused unless
        `settings.new_store`; first runs at once make one store and one key."""
        path = settings.state_dir / STORE_FILE
        lock = opening_lock(path)
        try:
            private_dir(path.parent)
            with lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
                if not settings.new_store:
                    configured = settings.store_key is not None
                    refuse_lost_store(path, path.parent / KEY_FILE, configured)
                return cls(path, load_key(settings), lock=lock)
        except LockTimeout:
            raise store_failure(path, sqlite3.OperationalError("database is locked")) from None
        except OSError as exc:
            raise store_failure(path, exc) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it or nothing; StoreFailed (naming the store and the
        cause) when the database cannot be written."""
        with self._lock:
            try:
                _fault_point()
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                    _fault_point()
                except BaseException:
                    if self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except (sqlite3.OperationalError, OSError) as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise store_failure(self.path, exc) from None

    def _query(self, sql: str, params: tuple[Any, ...] = (), *, raw: bool = False) -> list[Any]:
        """The rows of a read (`sqlite3.Row`s; plain tuples with `raw`, faster)."""
        with self._lock:
            try:
                cursor = self._db.execute(sql, params)
                if not raw:
                    cursor.row_factory = sqlite3.Row
                return cursor.fetchall()
            except sqlite3.OperationalError as exc:
                raise store_failure(self.path, exc) from None

    # -- runs -----------------------------------------------------------------------------

    def create_run(
        self, command: str, options: dict[str, Any], accounts: list[str], *, kind: str = "batch"
    ) -> Run:
        """Record a new run before any of its accounts starts."""
        run = Run(new_run_id(), command, kind, options, list(accounts), now_iso(), None)
        with self._transaction() as db:
            db.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, NULL)",
                (
                    run.run_id,
                    command,
                    kind,
                    json.dumps(options, sort_keys=True),
                    json.dumps(run.accounts),
                    run.started_at,
                ),
            )
        return run

    def run(self, run_id: str) -> Run | None:
        """The run with this ID, if the store has it."""
        rows = self._query("SELECT * FROM runs WHERE run_id = ?", (run_id,))
        return from_row(Run, rows[0]) if rows else None

    def runs(self, limit: int = 20) -> list[Run]:
        """The most recent runs, newest first."""
        rows = self._query("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", (limit,))
        return [from_row(Run, row) for row in rows]

    def finish_run(self, run_id: str) -> None:
        """Mark a run finished (every account has a result)."""
        with self._transaction() as db:
            db.execute("UPDATE runs SET finished_at = ? WHERE run_id = ?", (now_iso(), run_id))

    # -- results --------------------------------------------------------------------------

    def start_result(self, run_id: str, account: str) -> None:
        """Note that an account is being worked on, so a killed run knows it may have acted."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO results (run_id, account, state, started_at) "
                "VALUES (?, ?, 'running', ?) ON CONFLICT (run_id, account) DO UPDATE SET "
                "attempts = attempts + 1, started_at = excluded.started_at",
                (run_id, account, now_iso()),
            )

    def finish_result(
        self,
        run_id: str,
        account: str,
        state: State,
        *,
        data: dict[str, Any] | None = None,
        secrets: dict[str, str] | None = None,
        error: dict[str, Any] | None = None,
        seconds: float | None = None,
        audit: list[AuditEvent] | None = None,
        acted: list[str] | None = None,
        grant: GrantNote | None = None,
        identity: str | None = None,
    ) -> None:
        """Write an account's result (signed in as `identity`), its audit events and how its
        intents ended, in one transaction (all or nothing; StoreFailed when it cannot be written).

        `acted`: the actions the run's journal holds (clicked by this run, or found open from
        an earlier killed one and seen done by it). On `done` each such open intent of the
        account is closed done by this run (an older one clicked again later: `not_done`); on
        a `not_confirmed` error they are closed `not_confirmed`; otherwise they stay open.
        `grant`: the grant the result is about, folded into the fleet summary (store/fleet.py).
        """
        if state not in FINISHED_STATES:
            raise ValueError(f"not a finished state: {state}")
        blob = self._encryption.encrypt(secrets) if secrets else None
        finished = now_iso()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO results (run_id, account, state, started_at, finished_at, seconds, "
                "data, secrets, error, identity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, account) DO UPDATE SET state = excluded.state, "
                "finished_at = excluded.finished_at, seconds = excluded.seconds, "
                "data = excluded.data, secrets = excluded.secrets, error = excluded.error, "
                "identity = excluded.identity",
                (
                    run_id,
                    account,
                    state,
                    finished,
                    finished,
                    seconds,
                    json.dumps(data, ensure_ascii=False) if data is not None else None,
                    blob,
                    json.dumps(error, ensure_ascii=False) if error is not None else None,
                    identity,
                ),
            )
            close_intents(db, run_id, account, state, acted or [], error, finished)
            if grant is not None:
                record_grant(
                    db,
                    run_id=run_id,
                    account=account,
                    command=None,
                    state=state,
                    finished_at=finished,
                    note=grant,
                    error=error,
                )
            for event in audit or []:
                db.execute(
                    "INSERT INTO audit (at, run_id, account, developer_id, action, after) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        finished,
                        run_id,
                        account,
                        event.developer_id,
                        event.action,
                        json.dumps(event.after, ensure_ascii=False, sort_keys=True),
                    ),
                )

    # -- intents --------------------------------------------------------------------------

    def open_intent(self, run_id: str, account: str, action: str, developer_id: str | None) -> int:
        """Record, before the click, that `action` is about to be taken on `account`; its ID.

        Raises StoreFailed when it cannot be written: the caller must then not click.
        """
        with self._transaction() as db:
            cursor = db.execute(
                "INSERT INTO intents (at, run_id, account, developer_id, action) "
                "VALUES (?, ?, ?, ?, ?)",
                (now_iso(), run_id, account, developer_id, action),
            )
            return int(cursor.lastrowid or 0)

    def intents(
        self,
        account: str | None = None,
        *,
        only_open: bool = False,
        developer_id: str | None = None,
        command: str | None = None,
    ) -> list[Intent]:
        """Intents (of one account, or all; only those never closed; only those of runs of
        `command`), oldest first."""
        where, params = ["1 = 1"], []
        if command is not None:
            where.append("run_id IN (SELECT run_id FROM runs WHERE command = ?)")
            params.append(command)
        if account:
            where.append("account = ?")
            params.append(account)
        if only_open:
            where.append("outcome IS NULL")
        if developer_id is not None:
            where.append("developer_id = ?")
            params.append(developer_id)
        rows = self._query(
            f"SELECT * FROM intents WHERE {' AND '.join(where)} ORDER BY id", tuple(params)
        )
        return [from_row(Intent, row) for row in rows]

    def results(self, run_id: str) -> list[ResultRecord]:
        """Every result of a run (running ones included), by account name."""
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) "
            "WHERE run_id = ? ORDER BY account",
            (run_id,),
        )
        return [self._result(row, reveal=False) for row in rows]

    def finished_accounts(self, run_id: str) -> set[str]:
        """The accounts of a run that have a result."""
        return {r.account for r in self.results(run_id) if r.state != "running"}

    def started_accounts(self, run_id: str) -> set[str]:
        """The accounts of a run that were started but have no result (the run was killed)."""
        return {r.account for r in self.results(run_id) if r.state == "running"}

    def account_results(
        self, account: str | None = None, *, reveal: bool = False
    ) -> list[ResultRecord]:
        """Every finished result (of one account, or all), oldest first."""
        where = "WHERE state != 'running'" + (" AND account = ?" if account else "")
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) "
            f"{where} ORDER BY finished_at, account",
            (account,) if account else (),
        )
        return [self._result(row, reveal=reveal) for row in rows]

    def _result(self, row: sqlite3.Row, *, reveal: bool) -> ResultRecord:
        """A result row as its record; its secrets decrypted only when `reveal` (a row whose
        secrets another key encrypted is marked `undecryptable`, the others still read)."""
        if not (reveal and row["secrets"]):
            return from_row(ResultRecord, row, secrets={})
        secrets = self._encryption.try_decrypt(row["secrets"])
        return from_row(ResultRecord, row, secrets=secrets or {}, undecryptable=secrets is None)

    def secret_history(
        self, account: str, name: str, identity: str | None = None, **where: Any
    ) -> list[SecretRecord]:
        """Every value the secret `name` had in `account`'s done results whose public data
        matches `where` (e.g. `app_id=...`) signed in as `identity` (or as none recorded), newest
        first, each `replaced_by` the run that brought the next different value. Only those
        results are decrypted."""
        rows = self._query(
            "SELECT run_id, finished_at, data, secrets, identity FROM results WHERE account = ? "
            "AND state = 'done' AND secrets IS NOT NULL ORDER BY finished_at",
            (account,),
        )
        found: list[SecretRecord] = []
        for row in rows:
            data = json.loads(row["data"]) if row["data"] else {}
            other = identity and row["identity"] and row["identity"] != identity
            if other or any(data.get(key) != value for key, value in where.items()):
                continue
            value = self._encryption.decrypt(row["secrets"]).get(name)
            if value is None:
                continue
            if found and found[-1].value == value:
                continue
            if found:
                found[-1] = replace(found[-1], replaced_by=row["run_id"])
            found.append(from_row(SecretRecord, row, data=data, value=value))
        return found[::-1]

    # -- audit ----------------------------------------------------------------------------

    def audit(self, account: str | None = None, limit: int | None = None) -> list[AuditRecord]:
        """The audit trail (of one account, or all), oldest first; the last `limit` events."""
        where = "WHERE account = ?" if account else ""
        params: tuple[Any, ...] = (account,) if account else ()
        sql = f"SELECT * FROM audit {where} ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params += (limit,)
        rows = self._query(sql, params)
        return [from_row(AuditRecord, row) for row in reversed(rows)]
