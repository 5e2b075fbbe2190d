"""The store's repository (`Store`): runs, per-account results, intents and the audit trail
written and read in the SQLite file or the PostgreSQL database, each write one transaction;
tokens encrypted."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from filelock import BaseFileLock

from automation.audit import AuditEvent
from automation.settings import Settings
from automation.store.backend import WRITES, Location, sqlite_location
from automation.store.failures import STORE_ERRORS, store_failure
from automation.store.fleet import FleetQueries, GrantNote, record_grant
from automation.store.intents import close_intents
from automation.store.keys import Encryption, load_key
from automation.store.opening import guarded, open_connection, reset
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

# Tests set this to a function raising what a full disk or a failing device raises
# (sqlite3.OperationalError, OSError); it is called before and inside every write transaction.
fault: Callable[[], None] | None = None


def _fault_point() -> None:
    if fault is not None:
        fault()


class Store(FleetQueries):
    """Runs, results, the audit trail and the fleet summary in one database (the SQLite file,
    or PostgreSQL); safe to share between threads (one connection, one thread at a time)."""

    def __init__(
        self, where: Location | Path, key: bytes, *, lock: BaseFileLock | None = None
    ) -> None:
        self.location = where if isinstance(where, Location) else sqlite_location(where)
        # The SQLite file (None for PostgreSQL) and the store's name for messages.
        self.path = self.location.path
        self.where = self.location.shown
        self._encryption = Encryption(key, self.path.parent if self.path else None)
        self._lock = threading.Lock()
        self._db = open_connection(self.location, lock)

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """The store the settings name (`SELLERAUTH_STORE_URL`, else the state directory's
        file), with its key, its tables made or upgraded. A SQLite store missing or empty in a
        state directory that was in use (its key file, saved sessions) is refused unless
        `settings.new_store`; first runs at once make one store and one key."""
        with guarded(settings) as (where, lock):
            return cls(where, load_key(settings), lock=lock)

    def close(self) -> None:
        """Close the store's connection."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sa.Connection]:
        """One write transaction: all of it or nothing; StoreFailed (naming the store and the
        cause) when the database cannot be written or reached (a lost connection too: the
        next transaction connects again)."""
        with self._lock:
            try:
                _fault_point()
                self._db.execution_options(**{WRITES: True})
                with self._db.begin():
                    yield self._db
                    _fault_point()
            except STORE_ERRORS as exc:
                reset(self._db)
                raise store_failure(self.path or self.where, exc) from None
            finally:
                self._db.execution_options(**{WRITES: False})

    def _query(
        self, sql: str, params: Mapping[str, Any] | None = None, *, raw: bool = False
    ) -> list[Any]:
        """The rows of a read, by column name (plain tuples with `raw`, faster)."""
        with self._lock:
            try:
                with self._db.begin():
                    found = self._db.execute(sa.text(sql), params or {})
                    return list(found) if raw else list(found.mappings())
            except STORE_ERRORS as exc:
                reset(self._db)
                raise store_failure(self.path or self.where, exc) from None

    # -- runs -----------------------------------------------------------------------------

    def create_run(
        self, command: str, options: dict[str, Any], accounts: list[str], *, kind: str = "batch"
    ) -> Run:
        """Record a new run before any of its accounts starts."""
        run = Run(new_run_id(), command, kind, options, list(accounts), now_iso(), None)
        with self._transaction() as db:
            db.execute(
                sa.text(
                    "INSERT INTO runs VALUES (:run_id, :command, :kind, :options, :accounts, "
                    ":started_at, NULL)"
                ),
                {
                    "run_id": run.run_id,
                    "command": command,
                    "kind": kind,
                    "options": json.dumps(options, sort_keys=True),
                    "accounts": json.dumps(run.accounts),
                    "started_at": run.started_at,
                },
            )
        return run

    def run(self, run_id: str) -> Run | None:
        """The run with this ID, if the store has it."""
        rows = self._query("SELECT * FROM runs WHERE run_id = :run_id", {"run_id": run_id})
        return from_row(Run, rows[0]) if rows else None

    def runs(self, limit: int = 20) -> list[Run]:
        """The most recent runs, newest first."""
        rows = self._query(
            "SELECT * FROM runs ORDER BY started_at DESC LIMIT :limit", {"limit": limit}
        )
        return [from_row(Run, row) for row in rows]

    def finish_run(self, run_id: str) -> None:
        """Mark a run finished (every account has a result)."""
        with self._transaction() as db:
            db.execute(
                sa.text("UPDATE runs SET finished_at = :at WHERE run_id = :run_id"),
                {"at": now_iso(), "run_id": run_id},
            )

    # -- results --------------------------------------------------------------------------

    def start_result(self, run_id: str, account: str) -> None:
        """Note that an account is being worked on, so a killed run knows it may have acted."""
        with self._transaction() as db:
            db.execute(
                sa.text(
                    "INSERT INTO results (run_id, account, state, started_at) "
                    "VALUES (:run_id, :account, 'running', :at) ON CONFLICT (run_id, account) DO "
                    "UPDATE SET attempts = results.attempts + 1, started_at = excluded.started_at"
                ),
                {"run_id": run_id, "account": account, "at": now_iso()},
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
                sa.text(
                    "INSERT INTO results (run_id, account, state, started_at, finished_at, "
                    "seconds, data, secrets, error, identity) VALUES (:run_id, :account, "
                    ":state, :finished, :finished, :seconds, :data, :secrets, :error, "
                    ":identity) ON CONFLICT (run_id, account) DO UPDATE SET "
                    "state = excluded.state, finished_at = excluded.finished_at, "
                    "seconds = excluded.seconds, data = excluded.data, "
                    "secrets = excluded.secrets, error = excluded.error, "
                    "identity = excluded.identity"
                ),
                {
                    "run_id": run_id,
                    "account": account,
                    "state": state,
                    "finished": finished,
                    "seconds": seconds,
                    "data": json.dumps(data, ensure_ascii=False) if data is not None else None,
                    "secrets": blob,
                    "error": json.dumps(error, ensure_ascii=False) if error is not None else None,
                    "identity": identity,
                },
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
                    sa.text(
                        "INSERT INTO audit (at, run_id, account, developer_id, action, after) "
                        "VALUES (:at, :run_id, :account, :developer_id, :action, :after)"
                    ),
                    {
                        "at": finished,
                        "run_id": run_id,
                        "account": account,
                        "developer_id": event.developer_id,
                        "action": event.action,
                        "after": json.dumps(event.after, ensure_ascii=False, sort_keys=True),
                    },
                )

    # -- intents --------------------------------------------------------------------------

    def open_intent(self, run_id: str, account: str, action: str, developer_id: str | None) -> int:
        """Record, before the click, that `action` is about to be taken on `account`; its ID.

        Raises StoreFailed when it cannot be written: the caller must then not click.
        """
        with self._transaction() as db:
            made = db.execute(
                sa.text(
                    "INSERT INTO intents (at, run_id, account, developer_id, action) "
                    "VALUES (:at, :run_id, :account, :developer_id, :action) RETURNING id"
                ),
                {
                    "at": now_iso(),
                    "run_id": run_id,
                    "account": account,
                    "developer_id": developer_id,
                    "action": action,
                },
            )
            return int(made.scalar_one())

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
        where = ["1 = 1"]
        params = {"command": command, "account": account, "developer_id": developer_id}
        if command is not None:
            where.append("run_id IN (SELECT run_id FROM runs WHERE command = :command)")
        if account:
            where.append("account = :account")
        if only_open:
            where.append("outcome IS NULL")
        if developer_id is not None:
            where.append("developer_id = :developer_id")
        rows = self._query(f"SELECT * FROM intents WHERE {' AND '.join(where)} ORDER BY id", params)
        return [from_row(Intent, row) for row in rows]

    def results(self, run_id: str) -> list[ResultRecord]:
        """Every result of a run (running ones included), by account name."""
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) "
            "WHERE run_id = :run_id ORDER BY account",
            {"run_id": run_id},
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
        where = "WHERE state != 'running'" + (" AND account = :account" if account else "")
        rows = self._query(
            "SELECT results.*, runs.command FROM results JOIN runs USING (run_id) "
            f"{where} ORDER BY finished_at, account",
            {"account": account},
        )
        return [self._result(row, reveal=reveal) for row in rows]

    def _result(self, row: Mapping[str, Any], *, reveal: bool) -> ResultRecord:
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
            "SELECT run_id, finished_at, data, secrets, identity FROM results "
            "WHERE account = :account AND state = 'done' AND secrets IS NOT NULL "
            "ORDER BY finished_at",
            {"account": account},
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
        where = "WHERE account = :account" if account else ""
        sql = f"SELECT * FROM audit {where} ORDER BY id DESC"
        if limit is not None:
            sql += " LIMIT :limit"
        rows = self._query(sql, {"account": account, "limit": limit})
        return [from_row(AuditRecord, row) for row in reversed(rows)]
