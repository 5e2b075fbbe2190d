"""The embedded store (SQLite, WAL): runs, per-account results, an audit trail; tokens encrypted."""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from cryptography.fernet import Fernet, InvalidToken
from filelock import FileLock
from filelock import Timeout as LockTimeout
from pydantic import BaseModel, SecretStr

from automation.audit import AuditEvent
from automation.errors import InvalidInput, SellerAuthError
from automation.files import private_dir
from automation.log import redact, register_secret
from automation.settings import ENV_PREFIX, Settings

STORE_FILE = "sellerauth.db"
KEY_FILE = "sellerauth.key"
KEY_VARIABLE = f"{ENV_PREFIX}STORE_KEY"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_SECONDS = 10

State = Literal["running", "done", "failed", "needs_person"]
FINISHED_STATES: tuple[State, ...] = ("done", "failed", "needs_person")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id      TEXT PRIMARY KEY,
    command     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    options     TEXT NOT NULL,
    accounts    TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS results (
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    account     TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    seconds     REAL,
    data        TEXT,
    secrets     BLOB,
    error       TEXT,
    PRIMARY KEY (run_id, account)
);
CREATE INDEX IF NOT EXISTS results_by_account ON results(account, finished_at);
CREATE TABLE IF NOT EXISTS audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    account      TEXT NOT NULL,
    developer_id TEXT,
    action       TEXT NOT NULL,
    after        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_account ON audit(account, id);
CREATE TABLE IF NOT EXISTS intents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    run_id       TEXT NOT NULL,
    account      TEXT NOT NULL,
    developer_id TEXT,
    action       TEXT NOT NULL,
    outcome      TEXT,
    closed_at    TEXT,
    closed_by    TEXT,
    error        TEXT
);
CREATE INDEX IF NOT EXISTS intents_open ON intents(account, outcome);
"""

# How an intent (an acting click noted before it was made) was closed: its effect read back
# (`done`), clicked but not shown (`not_confirmed`), or clicked again later because the effect
# was not there (`not_done`: that click did not take). Open (None): the run died or stopped
# between the click and reading its effect back; shown as `unknown`.
IntentOutcome = Literal["done", "not_confirmed", "not_done"]


class StoreFailed(SellerAuthError):
    """The store (or another file of the state directory) could not be written: the disk is
    full, the directory read-only, the database held by another process for too long. What the
    run obtained is still printed; the record of it is what is missing."""

    code = "store_failed"
    exit_status = 7


def store_failure(path: Path, problem: BaseException) -> StoreFailed:
    """A `StoreFailed` naming `path` and the cause, in words (never "move it away")."""
    text = str(problem).strip() or type(problem).__name__
    if isinstance(problem, OSError) and problem.strerror:
        text = problem.strerror
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        hint = (
            f"another sellerauth process held it for more than {BUSY_TIMEOUT_SECONDS} s; "
            "try again when it is done"
        )
    elif "readonly" in lowered or "read-only" in lowered or "permission" in lowered:
        hint = "the state directory cannot be written: make it writable"
    elif "full" in lowered or "no space" in lowered:
        hint = "the disk is full: free some space"
    elif "i/o" in lowered:
        hint = "the disk may be full or failing: check it"
    else:
        hint = "check the state directory"
    return StoreFailed(f"the store {path} could not be written ({text}): {hint}")


# Tests set this to a function raising what a full disk or a failing device raises
# (sqlite3.OperationalError, OSError); it is called before and inside every write transaction.
fault: Callable[[], None] | None = None


def _fault_point() -> None:
    if fault is not None:
        fault()


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file is not a database (not: busy, locked, read-only, full)."""
    text = str(exc).lower()
    return "not a database" in text or "malformed" in text or "encrypted" in text


def now_iso() -> str:
    """The current UTC time as an ISO-8601 string that sorts (microseconds, `Z`)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id() -> str:
    """A run ID that sorts by start time and is unique: `20261126T234400Z-3f2a9c`."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@dataclass(frozen=True)
class Run:
    """A batch or single-account run: its command, options and the accounts it covers."""

    run_id: str
    command: str
    kind: str
    options: dict[str, Any]
    accounts: list[str]
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class ResultRecord:
    """One account's result in one run; `data` never holds a secret."""

    run_id: str
    account: str
    state: State
    attempts: int
    started_at: str
    finished_at: str | None
    seconds: float | None
    data: dict[str, Any] | None
    error: dict[str, Any] | None
    command: str = ""
    secrets: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AuditRecord:
    """A row of the audit trail."""

    id: int
    at: str
    run_id: str
    account: str
    developer_id: str | None
    action: str
    after: dict[str, Any]


@dataclass(frozen=True)
class SecretRecord:
    """One value a secret had in an account's results (`Store.secret_history`): the run that
    brought it, that result's public data, and the run whose new value replaced it."""

    run_id: str
    finished_at: str
    data: dict[str, Any]
    value: str = field(repr=False)
    replaced_by: str | None = None


@dataclass(frozen=True)
class Intent:
    """An acting click, recorded before it was made, and how it ended (None: never closed)."""

    id: int
    at: str
    run_id: str
    account: str
    developer_id: str | None
    action: str
    outcome: IntentOutcome | None
    closed_at: str | None
    closed_by: str | None
    error: str | None

    @property
    def shown_outcome(self) -> str:
        """The outcome as `history` shows it: `unknown` for an intent never closed."""
        return self.outcome or "unknown"


def split_secrets(result: BaseModel) -> tuple[dict[str, Any], dict[str, str]]:
    """A result as JSON-ready data without its `SecretStr` fields, and those fields apart."""
    hidden = {name: value for name, value in result if isinstance(value, SecretStr)}
    public = result.model_dump(mode="json", exclude=set(hidden))
    return public, {name: value.get_secret_value() for name, value in hidden.items()}


def error_data(error: SellerAuthError) -> dict[str, Any]:
    """An error as stored and printed: its code and redacted message, page and screenshot."""
    data = error.to_dict()
    data["message"] = redact(str(data["message"]))
    return data


# ---- the key ---------------------------------------------------------------------------


def load_key(settings: Settings) -> bytes:
    """The Fernet key: `SELLERAUTH_STORE_KEY` (environment, `.env` or the secrets directory),
    else the key file beside the store (made 0600); InvalidInput (`store_key`) if malformed."""
    configured = settings.store_key
    state_dir = settings.state_dir
    if configured is not None:
        key = configured.get_secret_value().strip().encode("ascii", "replace")
        source = KEY_VARIABLE
    else:
        path = state_dir / KEY_FILE
        key = _read_or_create_key(path)
        source = str(path)
    register_secret(key.decode("ascii", "replace"))
    try:
        Fernet(key)
    except ValueError:
        raise InvalidInput(
            f"the store key from {source} is not a Fernet key (32 url-safe base64-encoded "
            "bytes): make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`",
            field="store_key",
        ) from None
    return key


def _read_or_create_key(path: Path) -> bytes:
    """The key in `path`, made first if there is none. A new key is written to a private
    temporary file and linked into place, so two first runs at once agree on one key and
    neither reads a key file that is still empty."""
    private_dir(path.parent)
    if not path.exists():
        key = Fernet.generate_key() + b"\n"
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".store-key-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(key)
            os.link(temporary, path)
        except FileExistsError:
            pass  # another run made it first: use theirs
        except OSError:  # a filesystem without hard links (SMB, exFAT): create it in place
            _create_key_in_place(path, key)
        finally:
            os.unlink(temporary)
    try:
        return path.read_bytes().strip()
    except OSError as exc:
        raise InvalidInput(
            f"cannot read the store key {path} ({exc.strerror})", field="store_key"
        ) from None


def _first(item: tuple[int, Any]) -> int:
    return item[0]


def _create_key_in_place(path: Path, key: bytes) -> None:
    """Create the key file with O_EXCL and write it (where it cannot be linked into place);
    another run that made it first wins."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)


# ---- the store -------------------------------------------------------------------------


class Store:
    """Runs, results and the audit trail in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path, key: bytes) -> None:
        self.path = path
        self._fernet = Fernet(key)
        self._lock = threading.Lock()
        try:
            private_dir(path.parent)
            if not path.exists():
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            # The busy timeout: a database another process is writing is waited for, never
            # taken for a broken one.
            self._db = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_SECONDS,
                check_same_thread=False,
                isolation_level=None,
            )
            self._db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._prepare_file()
        except LockTimeout:
            raise store_failure(path, sqlite3.OperationalError("database is locked")) from None
        except sqlite3.DatabaseError as exc:
            if _corrupt(exc):
                raise InvalidInput(
                    f"the store {path} is not a readable database ({exc}): move it away to "
                    "start a new one (its audit trail and tokens stay in the moved file)",
                    field="state_dir",
                ) from None
            raise store_failure(path, exc) from None
        except OSError as exc:
            raise store_failure(path, exc) from None

    def _prepare_file(self) -> None:
        """Switch a new store to WAL and write its tables, one process at a time: two first
        runs would otherwise both upgrade a shared lock to switch the journal, and SQLite
        refuses one of them at once (`database is locked`) without waiting."""
        with FileLock(self.path.parent / f".{self.path.name}.lock", mode=0o600).acquire(
            timeout=BUSY_TIMEOUT_SECONDS
        ):
            if self._db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                self._db.execute("PRAGMA journal_mode=WAL")
            if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executescript(_SCHEMA)  # commits the open transaction first
                self._db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @classmethod
    def open(cls, settings: Settings) -> Store:
        """The store in the settings' state directory, with its key."""
        key = load_key(settings)
        return cls(settings.state_dir / STORE_FILE, key)

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

    def _query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._db.execute(sql, params)
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
        return _run(rows[0]) if rows else None

    def runs(self, limit: int = 20) -> list[Run]:
        """The most recent runs, newest first."""
        rows = self._query("SELECT * FROM runs ORDER BY started_at DESC LIMIT ?", (limit,))
        return [_run(row) for row in rows]

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
    ) -> None:
        """Write an account's result, its audit events and how its intents ended, in one
        transaction (all or nothing; StoreFailed when it cannot be written).

        `acted`: the actions the run's journal holds (clicked by this run, or found open from
        an earlier killed one and seen done by it). On `done` each such open intent of the
        account is closed done by this run (an older one clicked again later: `not_done`); on
        a `not_confirmed` error they are closed `not_confirmed`; otherwise they stay open.
        """
        if state not in FINISHED_STATES:
            raise ValueError(f"not a finished state: {state}")
        blob = self._fernet.encrypt(json.dumps(secrets).encode()) if secrets else None
        finished = now_iso()
        with self._transaction() as db:
            db.execute(
                "INSERT INTO results (run_id, account, state, started_at, finished_at, seconds, "
                "data, secrets, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (run_id, account) DO UPDATE SET state = excluded.state, "
                "finished_at = excluded.finished_at, seconds = excluded.seconds, "
                "data = excluded.data, secrets = excluded.secrets, error = excluded.error",
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
                ),
            )
            self._close_intents(db, run_id, account, state, acted or [], error, finished)
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
        return [
            Intent(
                id=row["id"],
                at=row["at"],
                run_id=row["run_id"],
                account=row["account"],
                developer_id=row["developer_id"],
                action=row["action"],
                outcome=row["outcome"],
                closed_at=row["closed_at"],
                closed_by=row["closed_by"],
                error=row["error"],
            )
            for row in rows
        ]

    def _close_intents(
        self,
        db: sqlite3.Connection,
        run_id: str,
        account: str,
        state: State,
        acted: list[str],
        error: dict[str, Any] | None,
        at: str,
    ) -> None:
        if state == "done":
            outcome: IntentOutcome = "done"
        elif error is not None and error.get("code") == "not_confirmed":
            outcome = "not_confirmed"
        else:
            return  # the effect was not read back: the intents stay open (unknown)
        code = (error or {}).get("code")
        for action in dict.fromkeys(acted):
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM intents WHERE account = ? AND action = ? AND outcome IS NULL "
                    "ORDER BY id",
                    (account, action),
                ).fetchall()
            ]
            if not ids:
                continue
            *older, latest = ids
            for intent_id, how in [(i, "not_done") for i in older] + [(latest, outcome)]:
                db.execute(
                    "UPDATE intents SET outcome = ?, closed_at = ?, closed_by = ?, error = ? "
                    "WHERE id = ?",
                    (how, at, run_id, code if how == outcome else None, intent_id),
                )

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
        return ResultRecord(
            run_id=row["run_id"],
            account=row["account"],
            state=row["state"],
            attempts=row["attempts"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            seconds=row["seconds"],
            data=json.loads(row["data"]) if row["data"] else None,
            error=json.loads(row["error"]) if row["error"] else None,
            command=row["command"],
            secrets=self._decrypt(row["secrets"]) if reveal and row["secrets"] else {},
        )

    def _decrypt(self, blob: bytes) -> dict[str, str]:
        try:
            values: dict[str, str] = json.loads(self._fernet.decrypt(blob))
        except InvalidToken:
            raise InvalidInput(
                f"the store's tokens were encrypted with another key than {KEY_VARIABLE} or "
                f"{self.path.parent / KEY_FILE} holds now: use the key they were written with",
                field="store_key",
            ) from None
        for value in values.values():
            register_secret(value)
        return values

    def secret_history(self, account: str, name: str, **where: Any) -> list[SecretRecord]:
        """Every value the secret `name` had in `account`'s done results whose public data
        matches `where` (e.g. `app_id=...`), newest first. A value is marked `replaced_by` the
        run that brought the next different one; a repeat of the same value (a job that found
        it still working) replaces nothing. Only those results are decrypted."""
        rows = self._query(
            "SELECT run_id, finished_at, data, secrets FROM results WHERE account = ? AND "
            "state = 'done' AND secrets IS NOT NULL ORDER BY finished_at",
            (account,),
        )
        found: list[SecretRecord] = []
        for row in rows:
            data = json.loads(row["data"]) if row["data"] else {}
            if any(data.get(key) != value for key, value in where.items()):
                continue
            value = self._decrypt(row["secrets"]).get(name)
            if value is None:
                continue
            if found and found[-1].value == value:
                continue
            if found:
                last = found[-1]
                found[-1] = SecretRecord(
                    last.run_id, last.finished_at, last.data, last.value, row["run_id"]
                )
            found.append(SecretRecord(row["run_id"], row["finished_at"], data, value))
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
        return [
            AuditRecord(
                id=row["id"],
                at=row["at"],
                run_id=row["run_id"],
                account=row["account"],
                developer_id=row["developer_id"],
                action=row["action"],
                after=json.loads(row["after"]),
            )
            for row in reversed(rows)
        ]


def _run(row: sqlite3.Row) -> Run:
    return Run(
        run_id=row["run_id"],
        command=row["command"],
        kind=row["kind"],
        options=json.loads(row["options"]),
        accounts=json.loads(row["accounts"]),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def latest_per_account(
    records: list[ResultRecord], grant_fields: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """One row per account and grant: the account's last run, and the latest value of every
    field read.

    - `records` are oldest first. Fields (seller ID, expiry, token, ...) come from successful,
      non-dry-run results, later ones winning; lists and objects are left out, and a None
      (not read this time) never hides a value read before.
    - `grant_fields` maps a command to the result field naming the access it is about
      (`CommandSpec.grant_field`: a developer ID, an app ID). A result with that field gives
      its fields to that grant's row only, so an expiry of the developer's access and one of
      an app's authorization never mix, and each app keeps its own refresh token. Fields of
      other results (a seller ID read by a job about no one grant) go to every row of the
      account. An account with no grant has one row.
    - The `last_*` columns are the account's last run of any job, on each of its rows.
    """
    fields_of = grant_fields or {}
    last: dict[str, dict[str, Any]] = {}
    # Each value with its record's position, so the newest wins between an account's own
    # fields and a grant's; None (not read this time) never hides a value read before.
    common: dict[str, dict[str, tuple[int, Any]]] = {}
    grants: dict[str, dict[tuple[str, str], dict[str, tuple[int, Any]]]] = {}
    for position, record in enumerate(records):
        last[record.account] = {
            "last_run": record.run_id,
            "last_command": record.command,
            "last_state": record.state,
            "last_finished_at": record.finished_at,
            "last_error": (record.error or {}).get("code"),
        }
        data = record.data or {}
        if record.state != "done" or data.get("dry_run"):
            continue
        facts = {
            key: (position, value)
            for key, value in {**data, **record.secrets}.items()
            if key != "account" and isinstance(value, str | int | float | bool)
        }
        field = fields_of.get(record.command)
        grant = data.get(field) if field else None
        if field and isinstance(grant, str) and grant:
            grants.setdefault(record.account, {}).setdefault((field, grant), {}).update(facts)
        else:
            common.setdefault(record.account, {}).update(facts)
    rows: list[dict[str, Any]] = []
    for account in sorted(last):
        shared = common.get(account, {})
        own = grants.get(account, {})
        for facts in [own[key] for key in sorted(own)] or [{}]:
            newest = {
                key: max(shared.get(key, (-1, None)), facts.get(key, (-1, None)), key=_first)[1]
                for key in shared.keys() | facts.keys()
            }
            rows.append({"account": account, **last[account], **dict(sorted(newest.items()))})
    return rows
