"""The store's tables, brought to the newest schema by Alembic migrations
(`automation/store/migrations/versions/`), the same ones for SQLite and PostgreSQL.

A store already at the newest revision is checked with one query and Alembic is not even
loaded. Otherwise the migrations run one process at a time: SQLite under the opening lock the
caller holds, PostgreSQL under a session advisory lock. A SQLite store's `PRAGMA user_version`
follows the schema version, as before the migrations.

Adding a schema change: a new file in `versions/` whose `down_revision` is the current `HEAD`,
then `HEAD` and `SCHEMA_VERSION` (automation/store/schema.py) set to it;
tests/automation/test_store_upgrade.py checks they agree.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlalchemy as sa

from automation.store.backend import WRITES, Location
from automation.store.schema import SCHEMA_VERSION

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The newest revision (its number is SCHEMA_VERSION).
HEAD = "v4"
# The key of the advisory lock migrations hold on PostgreSQL (sellerauth's account locks are
# hashes of account names; this is a fixed number of its own).
MIGRATION_LOCK_KEY = 0x5E11E2A0_7000_0001


def prepare(conn: sa.Connection, where: Location) -> None:
    """Make the store's tables or upgrade them to `HEAD`; nothing when they are there."""
    if where.is_postgresql:
        conn.execute(sa.text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        conn.commit()
        try:
            if revision(conn) != HEAD:
                upgrade(conn)
        finally:
            conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            conn.commit()
        return
    # SQLite: the caller holds the opening lock. WAL first, outside any transaction (on the
    # driver's connection: SQLAlchemy would begin one).
    db = conn.connection.driver_connection
    assert isinstance(db, sqlite3.Connection)
    if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
        db.execute("PRAGMA journal_mode=WAL")
    if revision(conn) != HEAD:
        upgrade(conn)
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")


def revision(conn: sa.Connection) -> str | None:
    """The store's Alembic revision; None for a new store or one made before the migrations
    (its tables, if any, are those of schema v2 or older: the baseline makes what is missing)."""
    with conn.begin():
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        found = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    return str(found) if found is not None else None


def exists(conn: sa.Connection) -> bool:
    """Whether the database holds a store (any revision, or the tables of one made before the
    migrations)."""
    with conn.begin():
        inspector = sa.inspect(conn)
        return inspector.has_table("alembic_version") or inspector.has_table("runs")


def upgrade(conn: sa.Connection) -> None:
    """Run the migrations up to `HEAD` on `conn`, in one transaction."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    conn.execution_options(**{WRITES: True})
    try:
        command.upgrade(config, HEAD)
    finally:
        conn.execution_options(**{WRITES: False})
