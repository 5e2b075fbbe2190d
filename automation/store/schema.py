"""The store's file: its tables (runs, results, audit, intents, the fleet summary), the schema
version and its upgrades, and opening it (made 0600, WAL, a busy timeout so a writer in another
process is waited for)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from filelock import BaseFileLock, FileLock

from automation.errors import InvalidInput
from automation.files import private_dir

STORE_FILE = "sellerauth.db"
SCHEMA_VERSION = 4
BUSY_TIMEOUT_SECONDS = 10

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
    grant_field TEXT,
    grant_id    TEXT,
    identity    TEXT,
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
CREATE TABLE IF NOT EXISTS fleet (
    account         TEXT NOT NULL,
    grant_field     TEXT NOT NULL,
    grant_id        TEXT NOT NULL,
    command         TEXT NOT NULL,
    run_id          TEXT NOT NULL,
    state           TEXT NOT NULL,
    finished_at     TEXT NOT NULL,
    outcome         TEXT,
    error           TEXT,
    error_at        TEXT,
    checked_at      TEXT,
    expires_at      TEXT,
    expires_source  TEXT,
    expires_read_at TEXT,
    lapsed          INTEGER,
    seq             INTEGER NOT NULL,
    PRIMARY KEY (account, grant_field, grant_id, command)
);
CREATE INDEX IF NOT EXISTS fleet_by_seq ON fleet(seq);
"""

# Columns added to a table after its first version: (table, column, type). A store made before
# gains them in place when opened (`_prepare_file`); new tables come from `_SCHEMA` itself.
_ADDED_COLUMNS = (
    ("results", "grant_field", "TEXT"),  # version 3: the grant a result is about
    ("results", "grant_id", "TEXT"),
    ("results", "identity", "TEXT"),  # version 4: who each result was signed in as
)


def opening_lock(path: Path) -> BaseFileLock:
    """The lock a store is made and prepared under, one process at a time (re-entrant: the
    opener holds it while checking the state directory and reading the key, then connects)."""
    return FileLock(path.parent / f".{path.name}.lock", mode=0o600)


def refuse_lost_store(path: Path, key_file: Path, key_configured: bool) -> None:
    """InvalidInput when the store is missing or empty while the state directory shows it was
    in use: a new store would silently lose the audit trail and the tokens. The sign is the
    key file the store's first run made; with a configured key (no key file), saved sessions.
    A state directory never used, or a store in place, passes."""
    if path.is_file() and path.stat().st_size > 0:
        return
    sessions = path.parent / "sessions"
    signs = [str(key_file)] if key_file.is_file() else []
    if (signs or key_configured) and sessions.is_dir() and any(sessions.glob("*.json")):
        signs.append(f"the saved sessions in {sessions}")
    if signs:
        raise InvalidInput(
            f"the store {path} is missing or empty, but {' and '.join(signs)} show this state "
            "directory was in use: restore the store from your backup (its audit trail and "
            "tokens are in it). To start a new, empty store here on purpose, run again with "
            "--new-store (or SELLERAUTH_NEW_STORE=1)",
            field="state_dir",
        )


def connect(path: Path, lock: BaseFileLock | None = None) -> sqlite3.Connection:
    """The store at `path`, made (0600, in a 0700 directory) and prepared if new, in autocommit
    mode (transactions are explicit) and shareable between threads.

    Raises what opening raises: OSError, sqlite3.DatabaseError (busy, read-only, full, not a
    database), filelock.Timeout (another process prepared it for too long). `lock`: the
    `opening_lock` when the caller holds it already."""
    private_dir(path.parent)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    # The busy timeout: a database another process is writing is waited for, never
    # taken for a broken one.
    db = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_SECONDS,
        check_same_thread=False,
        isolation_level=None,
    )
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    _prepare_file(db, lock or opening_lock(path))
    return db


def _prepare_file(db: sqlite3.Connection, lock: BaseFileLock) -> None:
    """Switch a new store to WAL and write its tables, one process at a time: two first
    runs would otherwise both upgrade a shared lock to switch the journal, and SQLite
    refuses one of them at once (`database is locked`) without waiting."""
    with lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
        if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            db.execute("PRAGMA journal_mode=WAL")
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            db.execute("BEGIN IMMEDIATE")
            db.executescript(_SCHEMA)  # commits the open transaction first
            db.execute("BEGIN IMMEDIATE")
            for table, column, kind in _ADDED_COLUMNS:
                have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
                if column not in have:
                    db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            db.execute("COMMIT")
