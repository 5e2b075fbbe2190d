"""Opening the store: its location guarded (a SQLite file is prepared by one process at a time,
and refused when lost from a state directory that was in use), then a connection whose tables
the migrations have brought to the newest schema; every failure in words."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from filelock import BaseFileLock
from filelock import Timeout as LockTimeout

from automation.errors import InvalidInput
from automation.files import private_dir
from automation.settings import Settings
from automation.store import migrate
from automation.store.backend import Location, connect, engine_for, location
from automation.store.failures import STORE_ERRORS, is_corrupt, store_failure
from automation.store.keys import KEY_FILE
from automation.store.schema import BUSY_TIMEOUT_SECONDS, opening_lock, refuse_lost_store


@contextmanager
def guarded(settings: Settings) -> Iterator[tuple[Location, BaseFileLock | None]]:
    """The store's location, and for SQLite its opening lock, held for the block (the key is
    read and the store opened in it). A SQLite store missing or empty in a state directory that
    was in use is refused unless `settings.new_store`. PostgreSQL needs no lock here: its
    migrations take their own."""
    where = location(settings)
    if where.path is None:
        yield where, None
        return
    path = where.path
    lock = opening_lock(path)
    try:
        private_dir(path.parent)
        with lock.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            if not settings.new_store:
                refuse_lost_store(path, path.parent / KEY_FILE, settings.store_key is not None)
            yield where, lock
    except LockTimeout:
        raise store_failure(path, sqlite3.OperationalError("database is locked")) from None
    except OSError as exc:
        raise store_failure(path, exc) from None


def open_connection(where: Location, lock: BaseFileLock | None = None) -> sa.Connection:
    """A connection to the store, its tables made or upgraded (`automation.store.migrate`).
    StoreFailed naming the store when it cannot be reached or written; InvalidInput when a
    SQLite file is not a database. `lock`: the SQLite opening lock, when the caller holds it."""
    named = where.path or where.shown
    try:
        db = connect(where)
        try:
            if where.path is not None:
                with (lock or opening_lock(where.path)).acquire(timeout=BUSY_TIMEOUT_SECONDS):
                    migrate.prepare(db, where)
            else:
                migrate.prepare(db, where)
        except BaseException:
            db.close()
            raise
    except LockTimeout:
        raise store_failure(named, sqlite3.OperationalError("database is locked")) from None
    except sa.exc.DatabaseError as exc:
        if where.path is not None and is_corrupt(exc):
            raise InvalidInput(
                f"the store {where.path} is not a readable database ({exc.orig}): move it "
                "away to start a new one (its audit trail and tokens stay in the moved file)",
                field="state_dir",
            ) from None
        raise store_failure(named, exc) from None
    except STORE_ERRORS as exc:
        raise store_failure(named, exc) from None
    return db


def reset(db: sa.Connection) -> None:
    """After a failure: no transaction left open; a connection the server dropped is replaced
    on its next use."""
    try:
        if db.in_transaction():
            db.rollback()
    except sa.exc.SQLAlchemyError:
        db.invalidate()


def store_exists(where: Location) -> bool:
    """Whether the PostgreSQL database holds a store (read only: nothing is made there);
    StoreFailed naming it when it cannot be reached."""
    try:
        with engine_for(where).connect() as conn:
            return migrate.exists(conn)
    except STORE_ERRORS as exc:
        raise store_failure(where.shown, exc) from None
