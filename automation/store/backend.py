"""Where the store lives, and connecting to it: the SQLite file in the state directory (the
default) or a PostgreSQL database shared by many machines (`SELLERAUTH_STORE_URL`), both through
SQLAlchemy Core. Messages name the store by `Location.shown`, which never holds a password."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.pool import NullPool

from automation.files import private_dir
from automation.log import register_secret
from automation.settings import Settings
from automation.store import schema
from automation.store.schema import BUSY_TIMEOUT_SECONDS, STORE_FILE

# An execution option of a connection: its next transaction writes (SQLite: BEGIN IMMEDIATE,
# so a writer in another process is waited for up front, not failed at its first write).
WRITES = "sellerauth_writes"
# How the store's PostgreSQL sessions are named (pg_stat_activity).
NAME = "sellerauth"


@dataclass(frozen=True)
class Location:
    """The store's database: its URL (the password in it, if any), its name for messages and,
    for SQLite, its file."""

    url: sa.URL
    shown: str
    path: Path | None = None

    @property
    def is_postgresql(self) -> bool:
        """Whether the store is a PostgreSQL database (else the SQLite file)."""
        return self.path is None


def sqlite_location(path: Path) -> Location:
    """The SQLite store at `path`."""
    return Location(sa.URL.create("sqlite", database=str(path)), str(path), path)


def postgresql_location(url: str) -> Location:
    """The PostgreSQL store at `url` (`postgresql://user:password@host:port/database`), driven by
    psycopg 3; its password is registered for redaction and left out of `shown`."""
    parsed = sa.make_url(url).set(drivername="postgresql+psycopg")
    if parsed.password:
        register_secret(str(parsed.password))
    shown = sa.URL.create(
        "postgresql", parsed.username, None, parsed.host, parsed.port, parsed.database
    )
    return Location(parsed, shown.render_as_string(hide_password=False))


def location(settings: Settings) -> Location:
    """The store the settings name: `SELLERAUTH_STORE_URL`, else `sellerauth.db` in the state
    directory."""
    if settings.store_url is not None:
        return postgresql_location(settings.store_url.get_secret_value())
    return sqlite_location(settings.state_dir / STORE_FILE)


@cache
def engine_for(where: Location) -> sa.Engine:
    """The process's engine for a store (one per location). No pool: the store keeps one
    connection for its life, each account lock its own (a PostgreSQL session lock ends with
    its connection)."""
    if where.is_postgresql:
        return sa.create_engine(
            where.url,
            poolclass=NullPool,
            connect_args={
                "connect_timeout": BUSY_TIMEOUT_SECONDS,
                "application_name": "sellerauth",
            },
        )
    engine = sa.create_engine(
        where.url,
        poolclass=NullPool,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _sqlite_connected)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def connect(where: Location) -> sa.Connection:
    """A new connection to the store; for SQLite the file is made first (0600, in a 0700
    directory). Raises what connecting raises: OSError, sqlalchemy's DBAPIError."""
    if where.path is not None:
        private_dir(where.path.parent)
        if not where.path.exists():
            os.close(os.open(where.path, os.O_WRONLY | os.O_CREAT, 0o600))
    return engine_for(where).connect()


def _sqlite_connected(db: sqlite3.Connection, _record: Any) -> None:
    """SQLite's own transaction handling off (ours are explicit), a busy timeout so a writer in
    another process is waited for, never taken for a broken file."""
    db.isolation_level = None
    db.execute(f"PRAGMA busy_timeout={schema.BUSY_TIMEOUT_SECONDS * 1000}")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")


def _sqlite_begin(conn: sa.Connection) -> None:
    writes = conn.get_execution_options().get(WRITES)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")
