"""The store's migrations: a SQLite store made by the release before them (schema v2, the file
`tests/data/store-v2/sellerauth.db`) upgrades in place, keeping every run, token, audit event and
open intent; the migrations make the same store on PostgreSQL; the code's HEAD is the scripts'."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from automation.settings import load_settings
from automation.store import SCHEMA_VERSION, STORE_FILE, Store, migrate
from tests.postgres import StoreBackend

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "store-v2-intents"
TOKEN = "amzn.mws.0f0f0f0f-1111-4222-8333-444444444444"
REFRESH = "Atzr|v2-fixture-refresh-token"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A copy of the store (and its key) the release before the migrations made."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    for name in (STORE_FILE, "sellerauth.key"):
        shutil.copy(FIXTURE / name, state / name)
    return state


def _user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_the_fixture_is_a_v2_store_without_migrations(old_store: Path) -> None:
    with sqlite3.connect(old_store / STORE_FILE) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert {"runs", "results", "audit", "intents"} <= tables
    assert "alembic_version" not in tables
    assert _user_version(old_store / STORE_FILE) == 2


def test_an_old_sqlite_store_upgrades_in_place(old_store: Path) -> None:
    """Opened by this release, the v2 store is stamped at HEAD and keeps everything: its runs,
    its results and tokens (readable with its key), its audit trail and its open intent; new
    writes go on beside them."""
    with Store.open(load_settings(state_dir=old_store)) as store:
        results = store.account_results(reveal=True)
        assert [(r.account, r.state, r.command) for r in results] == [
            ("acme-jp", "done", "register"),
            ("tanaka", "failed", "register"),
            ("acme-jp", "done", "authorize"),
        ]
        assert results[0].secrets == {"mws_auth_token": TOKEN}
        assert results[2].secrets == {"refresh_token": REFRESH}
        assert [(e.account, e.action) for e in store.audit()] == [
            ("acme-jp", "grant"),
            ("acme-jp", "authorize"),
        ]
        [open_intent] = store.intents(only_open=True)
        assert (open_intent.account, open_intent.action) == ("killed", "granted")
        [killed_run] = [r for r in store.runs() if r.command == "register"]
        assert store.started_accounts(killed_run.run_id) == {"killed"}
        # New writes beside the old rows: an intent's ID follows the old ones.
        run = store.create_run("register", {}, ["killed"])
        assert store.open_intent(run.run_id, "killed", "granted", None) == 3
        store.finish_result(run.run_id, "killed", "done", data={}, acted=["granted"])
        assert store.intents(only_open=True) == []
    with sqlite3.connect(old_store / STORE_FILE) as db:
        assert db.execute("SELECT version_num FROM alembic_version").fetchall() == [(migrate.HEAD,)]
    assert _user_version(old_store / STORE_FILE) == SCHEMA_VERSION
    with sqlite3.connect(old_store / STORE_FILE) as db:  # v3: the grant columns, the fleet
        columns = {row[1] for row in db.execute("PRAGMA table_info(results)")}
        assert {"grant_field", "grant_id"} <= columns
        assert db.execute("SELECT count(*) FROM fleet").fetchone() == (0,)
    # Opened again: nothing left to do (one query, Alembic not run).
    with Store.open(load_settings(state_dir=old_store)) as store:
        assert len(store.runs()) == 3


def test_a_v1_store_gets_its_missing_intents_table(old_store: Path) -> None:
    """A store older still (v1: no intents table) gets what it lacks, and keeps the rest."""
    with sqlite3.connect(old_store / STORE_FILE) as db:
        db.execute("DROP TABLE intents")
        db.execute("PRAGMA user_version=1")
    with Store.open(load_settings(state_dir=old_store)) as store:
        assert store.intents() == []
        assert len(store.account_results()) == 3


def test_the_migrations_make_the_same_store_on_both_backends(
    tmp_path: Path, store_backend: StoreBackend
) -> None:
    """A new store, on SQLite or PostgreSQL, has the baseline's tables and HEAD's revision."""
    state = tmp_path / "state"
    with Store.open(store_backend.settings(state_dir=state)) as store:
        store.create_run("status", {}, ["a"])
    assert store_backend.rows(state, "SELECT version_num FROM alembic_version") == [(migrate.HEAD,)]
    for table in ("runs", "results", "audit", "intents", "fleet"):
        assert store_backend.rows(state, f"SELECT count(*) FROM {table}")


def test_head_is_the_newest_migration_and_its_number_the_schema_version() -> None:
    """`migrate.HEAD` is the scripts' one head, and SCHEMA_VERSION its number: adding a
    migration means setting both."""
    config = Config()
    config.set_main_option("script_location", str(migrate.MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [migrate.HEAD]
    assert f"v{SCHEMA_VERSION}" == migrate.HEAD
