"""The store: runs, results written at once, an audit trail, tokens encrypted at rest."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from pydantic import BaseModel, SecretStr

from automation.audit import AuditEvent
from automation.errors import InvalidInput
from automation.settings import load_settings
from automation.store import (
    KEY_FILE,
    Store,
    latest_per_account,
    load_key,
    split_secrets,
)
from tests.postgres import StoreBackend

TOKEN = "amzn.mws.11111111-2222-4333-8444-555555555555"


class Result(BaseModel):
    account: str
    outcome: str
    seller_id: str
    mws_auth_token: SecretStr


@pytest.fixture
def store(tmp_path: Path, store_backend: StoreBackend) -> Iterator[Store]:
    with Store.open(store_backend.settings(state_dir=tmp_path / "state")) as opened:
        yield opened


class TestKey:
    def test_key_file_is_created_private_and_reused(self, tmp_path: Path) -> None:
        """Without SELLERAUTH_STORE_KEY a key file is made 0600 beside the store, then reused."""
        first = load_key(load_settings(state_dir=tmp_path))
        mode = stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode)
        assert mode == 0o600
        assert load_key(load_settings(state_dir=tmp_path)) == first

    def test_first_runs_at_once_agree_on_one_key(self, tmp_path: Path) -> None:
        """Runs that start together on an empty state dir all read the same, whole key."""
        settings = load_settings(state_dir=tmp_path)
        start = threading.Barrier(16)

        def first_run() -> bytes:
            start.wait()
            return load_key(settings)

        with ThreadPoolExecutor(16) as pool:
            keys = list(pool.map(lambda _: first_run(), range(16)))
        assert len(set(keys)) == 1
        assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]

    def test_key_made_where_files_cannot_be_linked(self, tmp_path: Path, monkeypatch) -> None:
        """On a filesystem without hard links (SMB, exFAT) the key file is made in place, 0600."""

        def no_links(*args: object) -> None:
            raise PermissionError(1, "Operation not permitted")

        monkeypatch.setattr("automation.files.os.link", no_links)
        first = load_key(load_settings(state_dir=tmp_path))
        assert stat.S_IMODE((tmp_path / KEY_FILE).stat().st_mode) == 0o600
        assert load_key(load_settings(state_dir=tmp_path)) == first
        assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE]

    def test_key_from_the_environment(self, tmp_path: Path, monkeypatch) -> None:
        """SELLERAUTH_STORE_KEY wins, and no key file is written."""
        key = Fernet.generate_key()
        monkeypatch.setenv("SELLERAUTH_STORE_KEY", key.decode())
        assert load_key(load_settings(state_dir=tmp_path)) == key
        assert not (tmp_path / KEY_FILE).exists()

    def test_malformed_key_is_refused(self, tmp_path: Path, monkeypatch) -> None:
        """A key that is not a Fernet key is invalid input naming store_key."""
        monkeypatch.setenv("SELLERAUTH_STORE_KEY", "not-a-key")
        with pytest.raises(InvalidInput) as caught:
            load_key(load_settings(state_dir=tmp_path))
        assert caught.value.field == "store_key"


class TestResults:
    def test_token_is_encrypted_and_revealed_only_when_asked(
        self, store: Store, store_backend: StoreBackend, tmp_path: Path
    ) -> None:
        """The token never lands in the file in plaintext; reveal decrypts it."""
        data, secrets = split_secrets(
            Result(account="a", outcome="granted", seller_id="A1X", mws_auth_token=SecretStr(TOKEN))
        )
        assert "mws_auth_token" not in data and secrets == {"mws_auth_token": TOKEN}
        run = store.create_run("register", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data=data, secrets=secrets)
        assert TOKEN.encode() not in store_backend.raw(tmp_path / "state")
        [hidden] = store.account_results("a")
        assert hidden.secrets == {} and hidden.data == data
        [shown] = store.account_results("a", reveal=True)
        assert shown.secrets == {"mws_auth_token": TOKEN}

    def test_another_key_cannot_reveal(self, store: Store, tmp_path: Path) -> None:
        """Revealing with a different key marks the row undecryptable, not a crash."""
        run = store.create_run("register", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data={}, secrets={"t": TOKEN})
        other = Store(store.location, Fernet.generate_key())
        [row] = other.account_results(reveal=True)
        assert row.undecryptable and row.secrets == {}

    def test_started_and_finished_accounts(self, store: Store) -> None:
        """A started account without a result is what a killed run leaves; resume skips results."""
        run = store.create_run("renew", {"force": False}, ["a", "b", "c"])
        store.start_result(run.run_id, "a")
        store.start_result(run.run_id, "b")
        store.finish_result(run.run_id, "a", "failed", error={"code": "timeout", "message": "x"})
        assert store.finished_accounts(run.run_id) == {"a"}
        assert store.started_accounts(run.run_id) == {"b"}
        again = store.run(run.run_id)
        assert again is not None and again.accounts == ["a", "b", "c"]
        assert again.options == {"force": False}

    def test_audit_is_written_with_its_result(self, store: Store) -> None:
        """Audit events land in the same transaction as the result, oldest first."""
        run = store.create_run("renew", {}, ["a", "b"])
        store.finish_result(
            run.run_id,
            "a",
            "done",
            data={"action": "renewed"},
            audit=[AuditEvent("renew", "5259-6479-4073", {"expires_at": "2027-01-01"})],
        )
        store.finish_result(
            run.run_id,
            "b",
            "done",
            data={"action": "restored"},
            audit=[AuditEvent("restore", "5259-6479-4073", {"expires_at": "2027-01-02"})],
        )
        trail = store.audit()
        assert [(e.account, e.action) for e in trail] == [("a", "renew"), ("b", "restore")]
        assert trail[0].run_id == run.run_id and trail[0].after == {"expires_at": "2027-01-01"}
        assert [e.account for e in store.audit("b")] == ["b"]

    @pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)
    def test_store_and_wal_files_are_private(self, store: Store) -> None:
        """The database is created 0600 in a 0700 directory."""
        run = store.create_run("status", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data={})
        assert store.path is not None
        assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
        assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700


class TestLatestPerAccount:
    def test_fields_fold_from_successful_results(self, store: Store) -> None:
        """The latest result sets last_*; fields keep the latest successful, non-dry-run value."""
        first = store.create_run("register", {}, ["a"])
        store.finish_result(
            first.run_id,
            "a",
            "done",
            data={"account": "a", "seller_id": "A1X", "outcome": "granted"},
            secrets={"mws_auth_token": TOKEN},
        )
        dry = store.create_run("renew", {"dry_run": True}, ["a"])
        store.finish_result(
            dry.run_id, "a", "done", data={"account": "a", "action": "renewed", "dry_run": True}
        )
        last = store.create_run("renew", {}, ["a"])
        store.finish_result(last.run_id, "a", "failed", error={"code": "timeout", "message": ""})
        [row] = latest_per_account(store.account_results(reveal=True))
        assert row["seller_id"] == "A1X" and row["mws_auth_token"] == TOKEN
        assert "action" not in row
        assert row["last_state"] == "failed" and row["last_error"] == "timeout"
        assert row["last_command"] == "renew" and row["last_run"] == last.run_id

    def test_a_row_per_grant_so_expiries_and_tokens_never_mix(self, store: Store) -> None:
        """With grant fields, our developer's access and each app get a row of their own: the
        access's expiry is not an app's, each app keeps its refresh token, and what no grant
        owns (the seller ID of `status`) and the account's last run are on every row."""
        grants = {"renew": "developer_id", "authorize": "app_id", "app-renew": "app_id"}

        def done(command: str, data: dict, secrets: dict | None = None) -> None:
            run = store.create_run(command, {}, ["a"])
            store.finish_result(run.run_id, "a", "done", data=data, secrets=secrets)

        done("status", {"seller_id": "A1X", "developers": []})
        done("renew", {"developer_id": "D1", "action": "renewed", "expires_at": "2027-12-01"})
        done("authorize", {"app_id": "APP-A", "outcome": "authorized"}, {"refresh_token": "RA"})
        done("authorize", {"app_id": "APP-B", "outcome": "authorized"}, {"refresh_token": "RB"})
        done("app-renew", {"app_id": "APP-A", "action": "reauthorized", "expires_at": "2027-06-01"})
        # Nothing to do this time: what it did not read (None) hides nothing read before.
        done("app-renew", {"app_id": "APP-B", "action": "none", "refresh_token": None})
        # The newest value wins between the account's own fields and a grant's.
        done("renew", {"developer_id": "D1", "action": "none", "access_confirmation": "enabled"})
        done("status", {"seller_id": "A1X", "access_confirmation": "disabled"})
        last = store.create_run("renew", {}, ["a"])
        store.finish_result(last.run_id, "a", "failed", error={"code": "timeout", "message": ""})

        rows = latest_per_account(store.account_results(reveal=True), grants)
        by_grant = {row.get("developer_id") or row.get("app_id"): row for row in rows}
        assert sorted(by_grant) == ["APP-A", "APP-B", "D1"]
        assert (
            by_grant["D1"]["expires_at"] == "2027-12-01" and "refresh_token" not in by_grant["D1"]
        )
        assert by_grant["APP-A"]["expires_at"] == "2027-06-01"
        assert "expires_at" not in by_grant["APP-B"]
        assert (by_grant["APP-A"]["refresh_token"], by_grant["APP-B"]["refresh_token"]) == (
            "RA",
            "RB",
        )
        assert all(row["seller_id"] == "A1X" for row in rows)
        assert by_grant["APP-B"]["action"] == "none"
        assert by_grant["D1"]["access_confirmation"] == "disabled"
        assert all(
            row["last_run"] == last.run_id and row["last_error"] == "timeout" for row in rows
        )
        # Without grant fields: one row per account, as before.
        [row] = latest_per_account(store.account_results(reveal=True))
        assert row["refresh_token"] == "RB"
