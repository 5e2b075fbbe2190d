"""A lost store key is never silently replaced (issue 22, 4.1): a store holding encrypted tokens
and no readable key is refused (`key_missing`), naming the key and how to restore it; a new key
is made only for a store without encrypted values; export reveals what it can, row by row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from automation.errors import InvalidInput, KeyMissing
from automation.settings import load_settings
from automation.store import KEY_FILE, STORE_FILE, Store, latest_per_account, load_key
from tests.cli import sellerauth

TOKEN = "amzn.mws.11111111-2222-4333-8444-555555555555"
ACCOUNT_ENV = {"SELLERAUTH_EMAIL": "seller@example.com", "SELLERAUTH_PASSWORD": "pw-Lost-Key-1"}


def store_with_token(state: Path) -> None:
    with Store.open(load_settings(state_dir=state)) as store:
        run = store.create_run("register", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data={"seller_id": "A1"}, secrets={"t": TOKEN})


@pytest.mark.parametrize("damage", ["deleted", "emptied", "garbled"])
def test_a_store_with_tokens_and_no_readable_key_is_refused(tmp_path: Path, damage: str) -> None:
    """No new key is made; the refusal names the key's path and says to restore it."""
    store_with_token(tmp_path)
    key = tmp_path / KEY_FILE
    if damage == "deleted":
        key.unlink()
    else:
        key.write_bytes(b"" if damage == "emptied" else b"not a key\n")
    before = key.read_bytes() if key.exists() else None
    with pytest.raises(KeyMissing) as caught:
        load_key(load_settings(state_dir=tmp_path))
    message = caught.value.message
    assert str(key) in message and "backup" in message and "restore" in message
    assert "generate_key" not in message and "make one" not in message
    assert (key.read_bytes() if key.exists() else None) == before


def test_status_on_a_store_whose_key_was_deleted_makes_no_key(tmp_path: Path) -> None:
    """Even a read-only job (`status`) refuses before a browser starts: exit 2, key_missing."""
    store_with_token(tmp_path)
    (tmp_path / KEY_FILE).unlink()
    done = sellerauth("status", "--json", state_dir=tmp_path, env=ACCOUNT_ENV)
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] == "key_missing" and str(tmp_path / KEY_FILE) in error["message"]
    assert not (tmp_path / KEY_FILE).exists()


def test_history_on_a_store_whose_key_was_deleted_says_restore(tmp_path: Path) -> None:
    store_with_token(tmp_path)
    (tmp_path / KEY_FILE).unlink()
    done = sellerauth("history", state_dir=tmp_path)
    assert done.returncode == 2 and "[key_missing]" in done.stderr, done.stderr
    assert not (tmp_path / KEY_FILE).exists()


def test_a_store_without_tokens_gets_a_new_key(tmp_path: Path) -> None:
    """A key is made for a store that holds no encrypted value (nothing to lose)."""
    with Store.open(load_settings(state_dir=tmp_path)) as store:
        run = store.create_run("status", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data={"seller_id": "A1"})
    (tmp_path / KEY_FILE).unlink()
    assert Fernet(load_key(load_settings(state_dir=tmp_path)))
    assert (tmp_path / KEY_FILE).is_file() and (tmp_path / STORE_FILE).is_file()


def test_a_garbled_key_of_a_store_without_tokens_is_not_told_to_make_one(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_bytes(b"garbage\n")
    with pytest.raises(InvalidInput) as caught:
        load_key(load_settings(state_dir=tmp_path))
    assert "generate_key" not in caught.value.message
    assert "backup" in caught.value.message


def test_export_reveals_what_it_can_and_names_the_rows_it_cannot(tmp_path: Path) -> None:
    """A row written under another key is reported; the others are revealed."""
    store_with_token(tmp_path)
    settings = load_settings(state_dir=tmp_path)
    with Store(tmp_path / STORE_FILE, Fernet.generate_key()) as other:
        run = other.create_run("register", {}, ["b"])
        other.finish_result(run.run_id, "b", "done", data={"seller_id": "B1"}, secrets={"t": "x"})
    with Store.open(settings) as store:
        rows = {r["account"]: r for r in latest_per_account(store.account_results(reveal=True))}
    assert rows["a"]["t"] == TOKEN and not rows["a"]["unrevealed"]
    assert "t" not in rows["b"] and "another key" in rows["b"]["unrevealed"]
    assert rows["b"]["seller_id"] == "B1"
    done = sellerauth("export", "--reveal", "--format", "json", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    exported = {r["account"]: r for r in json.loads(done.stdout)}
    assert exported["a"]["t"] == TOKEN and exported["b"]["t"] is None
    assert "1 row (b)" in done.stderr


def test_a_newer_result_under_another_key_hides_the_older_token(tmp_path: Path) -> None:
    """The older token of the same row is not shown as if it were the current one."""
    store_with_token(tmp_path)
    with Store(tmp_path / STORE_FILE, Fernet.generate_key()) as other:
        run = other.create_run("register", {}, ["a"])
        other.finish_result(run.run_id, "a", "done", data={"seller_id": "A1"}, secrets={"t": "y"})
    with Store.open(load_settings(state_dir=tmp_path)) as store:
        [row] = latest_per_account(store.account_results(reveal=True))
    assert "t" not in row and row["unrevealed"]
