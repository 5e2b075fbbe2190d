"""A store deleted or emptied in a state directory that was in use is refused, not silently
started again empty (issue 22, 4.6), unless the user says `--new-store` /
`SELLERAUTH_NEW_STORE=1`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from automation.errors import InvalidInput
from automation.settings import load_settings
from automation.store import KEY_FILE, STORE_FILE, Store
from tests.cli import sellerauth

ACCOUNT_ENV = {"SELLERAUTH_EMAIL": "seller@example.com", "SELLERAUTH_PASSWORD": "pw-Lost-Store-1"}


def used_state_dir(state: Path) -> None:
    with Store.open(load_settings(state_dir=state)) as store:
        run = store.create_run("status", {}, ["a"])
        store.finish_result(run.run_id, "a", "done", data={"seller_id": "A1"})


def lose(store: Path, how: str) -> None:
    for leftover in store.parent.glob(STORE_FILE + "-*"):
        leftover.unlink()
    if how == "deleted":
        store.unlink()
    else:
        store.write_bytes(b"")


@pytest.mark.parametrize("how", ["deleted", "truncated"])
def test_a_lost_store_beside_its_key_is_refused(tmp_path: Path, how: str) -> None:
    used_state_dir(tmp_path)
    store = tmp_path / STORE_FILE
    lose(store, how)
    with pytest.raises(InvalidInput) as caught:
        Store.open(load_settings(state_dir=tmp_path))
    message = caught.value.message
    assert str(store) in message and str(tmp_path / KEY_FILE) in message
    assert "backup" in message and "--new-store" in message
    assert not store.exists() or store.stat().st_size == 0


def test_a_lost_store_beside_saved_sessions_is_refused(tmp_path: Path, monkeypatch) -> None:
    """With SELLERAUTH_STORE_KEY (no key file) the saved sessions show the directory in use."""
    monkeypatch.setenv("SELLERAUTH_STORE_KEY", "x" * 43 + "=")
    (tmp_path / "sessions").mkdir()
    (tmp_path / "sessions" / "acme.json").write_text("{}")
    with pytest.raises(InvalidInput, match="saved sessions"):
        Store.open(load_settings(state_dir=tmp_path))


def test_new_store_setting_starts_an_empty_one(tmp_path: Path, monkeypatch) -> None:
    used_state_dir(tmp_path)
    lose(tmp_path / STORE_FILE, "deleted")
    monkeypatch.setenv("SELLERAUTH_NEW_STORE", "1")
    with Store.open(load_settings(state_dir=tmp_path)) as store:
        assert store.runs() == []


def test_a_state_directory_never_used_gets_its_store(tmp_path: Path) -> None:
    with Store.open(load_settings(state_dir=tmp_path / "new")) as store:
        assert store.runs() == []


def test_the_command_line_refuses_then_takes_new_store(tmp_path: Path) -> None:
    """Exit 2 naming the store and --new-store; with the global option the run gets past the
    store (here to the accounts check: --dry-run is not needed, the store is what is tested)."""
    used_state_dir(tmp_path)
    lose(tmp_path / STORE_FILE, "deleted")
    done = sellerauth("status", "--json", state_dir=tmp_path, env=ACCOUNT_ENV)
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert str(tmp_path / STORE_FILE) in error["message"] and "--new-store" in error["message"]
    assert not (tmp_path / STORE_FILE).exists()
    done = sellerauth("--new-store", "history", state_dir=tmp_path)
    assert done.returncode == 2 and "no store at" in done.stderr  # reading makes none
    help_text = sellerauth("--help", state_dir=tmp_path).stdout
    assert "--new-store" in help_text


@pytest.mark.browser
def test_the_global_option_reaches_the_run(tmp_path: Path) -> None:
    """`sellerauth --new-store status` gets past the store (to a site that does not answer)."""
    used_state_dir(tmp_path)
    lose(tmp_path / STORE_FILE, "deleted")
    quick = {
        **ACCOUNT_ENV,
        "SELLERAUTH_BASE_URL": "http://127.0.0.1:9",
        "SELLERAUTH_RETRY_ATTEMPTS": "1",
        "SELLERAUTH_STEP_RETRIES": "0",
    }
    done = sellerauth("--new-store", "status", "--json", state_dir=tmp_path, env=quick)
    error = json.loads(done.stdout.strip().splitlines()[-1])["error"]
    assert error["code"] != "invalid_input", error
    assert (tmp_path / STORE_FILE).is_file()
