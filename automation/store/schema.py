"""The store's constants (its SQLite file's name, the schema version, how long a busy store is
waited for) and the SQLite file's guards: one process at a time prepares it, and a store lost
from a state directory that was in use is refused. The tables themselves are made by the
migrations (`automation.store.migrate`)."""

from __future__ import annotations

from pathlib import Path

from filelock import BaseFileLock, FileLock

from automation.errors import InvalidInput

STORE_FILE = "sellerauth.db"
# The schema's version: the number of the newest migration (`automation.store.migrate.HEAD`).
SCHEMA_VERSION = 4
BUSY_TIMEOUT_SECONDS = 10


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
