"""The store keeps who each result was signed in as (`AccountProfile.identity_key`), so that a
seller ID or refresh token read for one seller never serves another seller's run under the
same account name (issue 22, item 1); a store made before the column gains it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from automation.settings import load_settings
from automation.store import Store
from automation.store.schema import SCHEMA_VERSION
from tests.postgres import StoreBackend

A = '{"email": "shop-a@example.com"}'
B = '{"email": "shop-b@example.com"}'


def token_of(store: Store, identity: str | None, value: str) -> None:
    run = store.create_run("authorize", {}, ["default"])
    store.start_result(run.run_id, "default")
    store.finish_result(
        run.run_id,
        "default",
        "done",
        data={"app_id": "x"},
        secrets={"refresh_token": value},
        identity=identity,
    )


def test_a_secret_serves_only_its_own_identity(tmp_path: Path, store_backend: StoreBackend) -> None:
    with Store.open(store_backend.settings(state_dir=tmp_path / "state")) as store:
        token_of(store, None, "Atzr|from-before-identities")
        token_of(store, A, "Atzr|seller-a")
        values = [r.value for r in store.secret_history("default", "refresh_token", B)]
        assert values == ["Atzr|from-before-identities"]
        values = [r.value for r in store.secret_history("default", "refresh_token", A)]
        assert values[0] == "Atzr|seller-a"
        assert store.account_results("default")[-1].identity == A


def test_a_store_made_before_identities_gains_the_column(tmp_path: Path) -> None:
    settings = load_settings(state_dir=tmp_path / "state")
    Store.open(settings).close()
    path = tmp_path / "state" / "sellerauth.db"
    with sqlite3.connect(path) as db:
        db.execute("ALTER TABLE results DROP COLUMN identity")
        db.execute("PRAGMA user_version=2")
        db.execute("DROP TABLE alembic_version")  # as a store made before the migrations
    with Store.open(settings) as store:
        token_of(store, A, "Atzr|seller-a")
        assert store.account_results("default")[-1].identity == A
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
