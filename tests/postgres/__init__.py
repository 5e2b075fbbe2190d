"""The store's two backends for the tests: the SQLite file in the state directory, and a
throwaway PostgreSQL cluster (pytest-postgresql's executor around the installed `pg_ctl`, one
cluster per test session: per xdist worker), a fresh database per test.

Run as root (CI), the cluster runs as the `postgres` user (`tests/postgres/pg_ctl`): its data
directory is made for that user.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import port_for
import psycopg
from cryptography.fernet import Fernet
from pytest_postgresql.executors import PostgreSQLExecutor
from pytest_postgresql.janitor import DatabaseJanitor

from automation.settings import Settings, load_settings
from automation.store import STORE_FILE

PG_CTL = Path(__file__).resolve().parent / "pg_ctl"
SUPERUSER = "postgres"
# The store key every PostgreSQL test shares (a shared store needs SELLERAUTH_STORE_KEY).
STORE_KEY = Fernet.generate_key().decode()


@dataclass
class Cluster:
    """A running throwaway cluster on 127.0.0.1."""

    executor: PostgreSQLExecutor
    root: Path

    @property
    def port(self) -> int:
        return int(self.executor.port)

    def url(self, database: str, password: str | None = None) -> str:
        """The store URL of `database` (trust authentication: any password is accepted)."""
        secret = f":{password}" if password else ""
        return f"postgresql://{SUPERUSER}{secret}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> DatabaseJanitor:
        """A fresh, empty database (`.dbname`); `.drop()` it when done."""
        janitor = DatabaseJanitor(
            user=SUPERUSER,
            host="127.0.0.1",
            port=self.port,
            dbname=f"store_{uuid.uuid4().hex[:12]}",
        )
        janitor.init()
        return janitor

    def restart(self) -> None:
        """Stop the server (fast: every session is ended) and start it again on its port."""
        self.executor.stop()
        self.executor.start()

    def stop(self) -> None:
        self.executor.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb and start a cluster in a directory of its own (the `postgres` user's when run as
    root), on a free port."""
    root = Path(tempfile.mkdtemp(prefix="sellerauth-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam(SUPERUSER)
        os.chown(root, owner.pw_uid, owner.pw_gid)
    port = port_for.select_random()
    executor = PostgreSQLExecutor(
        executable=str(PG_CTL),
        host="127.0.0.1",
        port=port,
        datadir=str(root / "data"),
        unixsocketdir=str(root),
        logfile=str(root / "server.log"),
        startparams="-w",
        dbname="postgres",
        user=SUPERUSER,
        # Room for the 4-process tests (each with its workers' lock sessions).
        postgres_options="-c max_connections=200 -c fsync=off",
    )
    executor.start()
    return Cluster(executor, root)


@dataclass
class StoreBackend:
    """One backend of the store, as a test sees it: the settings and environment that select
    it, and raw reads of what it holds."""

    name: str  # "sqlite" or "postgresql"
    url: str | None = None
    cluster: Cluster | None = field(default=None, repr=False)

    @property
    def is_postgresql(self) -> bool:
        return self.name == "postgresql"

    def env(self) -> dict[str, str]:
        """The SELLERAUTH_* variables of a `sellerauth` process on this backend."""
        if self.url is None:
            return {}
        return {"SELLERAUTH_STORE_URL": self.url, "SELLERAUTH_STORE_KEY": STORE_KEY}

    def settings(self, **overrides: Any) -> Settings:
        """In-process settings on this backend."""
        if self.url is not None:
            overrides = {"store_url": self.url, "store_key": STORE_KEY, **overrides}
        return load_settings(**overrides)

    def rows(self, state_dir: Path, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a query on the store a process with `state_dir` used."""
        if self.url is None:
            with sqlite3.connect(state_dir / STORE_FILE) as db:
                return db.execute(sql).fetchall()
        with psycopg.connect(self.url) as db:
            return [tuple(row) for row in db.execute(sql).fetchall()]  # type: ignore[arg-type]

    def raw(self, state_dir: Path) -> bytes:
        """Every byte the store holds (the SQLite file and its WAL; every row of every table,
        as PostgreSQL prints it), to prove a token is never in it in plaintext."""
        if self.url is None:
            return b"".join(p.read_bytes() for p in state_dir.glob(STORE_FILE + "*"))
        tables = ("runs", "results", "audit", "intents", "fleet")
        return b"".join(
            str(row[0]).encode()
            for table in tables
            for row in self.rows(state_dir, f"SELECT t::text FROM {table} t")
        )


def backend(name: str, cluster: Cluster | None) -> Iterator[StoreBackend]:
    """The backend `name`, its database made for the test and dropped after it."""
    if name == "sqlite":
        yield StoreBackend("sqlite")
        return
    assert cluster is not None
    database = cluster.new_database()
    try:
        yield StoreBackend("postgresql", cluster.url(database.dbname), cluster)
    finally:
        _drop(cluster, database.dbname)


def _drop(cluster: Cluster, dbname: str) -> None:
    """Drop a test's database, ending the sessions a killed process may have left."""
    with psycopg.connect(cluster.url("postgres"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')  # type: ignore[arg-type]
