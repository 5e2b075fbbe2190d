"""Two runs on one account at once, and a state directory that fails under a run."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Fleet, sellerauth


def _together(fleet: Fleet, *args: str, **env: str) -> list[tuple[int, str, str]]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "sellerauth", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=fleet.env(**env),
            cwd=fleet.root,
        )
        for _ in range(2)
    ]
    done = []
    for process in processes:
        out, err = process.communicate(timeout=150)
        done.append((process.returncode, out, err))
    return done


def _reused_steps(fleet: Fleet) -> list[dict]:
    return [
        e for sim in fleet.sims.values() for e in sim.events_of("otp") if e["reason"] == "reused"
    ]


def test_two_renews_at_once_one_acts_the_other_is_busy(fleet_factory) -> None:
    fleet = fleet_factory(["expiring"])
    seller = fleet.sellers[0]
    done = _together(fleet, "renew", "--account", seller.name, "--json")
    statuses = sorted(code for code, _, _ in done)
    outputs = [json.loads(out) for _, out, _ in done]
    if statuses == [0, 6]:
        busy = next(o for (code, _, _), o in zip(done, outputs, strict=True) if code == 6)
        assert busy["error"]["code"] == "busy", busy
        assert "move it away" not in busy["error"]["message"]
        acted = next(o for (code, _, _), o in zip(done, outputs, strict=True) if code == 0)
        assert acted["action"] == "renewed"
    else:  # the second started after the first had finished: it found nothing to do
        assert statuses == [0, 0], done
        assert sorted(o["action"] for o in outputs) == ["none", "renewed"]
    assert Counter(a for _, a, _ in fleet.row_actions()) == {"renew": 1}
    assert _reused_steps(fleet) == []
    assert all("Traceback" not in err for _, _, err in done)


def test_a_second_run_that_waits_finds_the_work_done(fleet_factory) -> None:
    fleet = fleet_factory(["expiring"])
    seller = fleet.sellers[0]
    done = _together(
        fleet, "renew", "--account", seller.name, "--json", SELLERAUTH_LOCK_WAIT_SECONDS="120"
    )
    assert [code for code, _, _ in done] == [0, 0], done
    assert sorted(json.loads(out)["action"] for _, out, _ in done) == ["none", "renewed"]
    assert Counter(a for _, a, _ in fleet.row_actions()) == {"renew": 1}
    assert _reused_steps(fleet) == []


# ---- the state directory fails -------------------------------------------------------------


def _can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tiny_state(fleet_factory, tmp_path: Path) -> Iterator[tuple[Fleet, Path]]:
    """A fleet whose state directory is an 8 MiB tmpfs (root only: mount)."""
    if not _can_mount():
        pytest.skip("needs root to mount a tmpfs")
    fleet = fleet_factory(["granted", "expiring"])
    fleet.state_dir.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(fleet.state_dir)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mount failed: {mounted.stderr!r}")
    try:
        yield fleet, fleet.state_dir
    finally:
        subprocess.run(["umount", "-l", str(fleet.state_dir)], check=False)


def _fill(state_dir: Path) -> sqlite3.Connection:
    """Fill the tmpfs: every block taken, so the store's next page cannot be written.

    A reader keeps the store open meanwhile (as `history` would): its WAL and shared-memory
    files stay, so the next run opens the store and fails on its first write, not before.
    """
    reader = sqlite3.connect(state_dir / "sellerauth.db")
    reader.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no room left in the WAL either
    reader.execute("SELECT count(*) FROM runs").fetchone()
    fd = os.open(state_dir / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return reader


# A full disk and a read-only state directory are the SQLite file's own failures.
SQLITE_ONLY = pytest.mark.parametrize("store_backend", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_a_full_disk_still_prints_the_token_read_and_acts_on_nothing(tiny_state) -> None:
    fleet, state_dir = tiny_state
    granted, expiring = fleet.sellers
    first = sellerauth(fleet, "status", "--account", granted.name, "--json")
    assert first.returncode == 0, first.stderr  # the store, key and session exist now
    sellerauth(fleet, "status", "--account", expiring.name, "--json")
    reader = _fill(state_dir)

    read = sellerauth(fleet, "register", "--account", granted.name, "--json")
    assert read.returncode == 7, read.stdout + read.stderr
    shown = json.loads(read.stdout)
    assert shown["error"]["code"] == "store_failed", (shown, read.stderr[-2000:])
    assert "result" in shown, (shown, read.stderr[-2000:])
    assert str(state_dir) in shown["error"]["message"]
    # The token read is not lost: it is in the output.
    assert shown["result"]["mws_auth_token"] == fleet.token_of(granted)
    assert "Traceback" not in read.stderr

    refused = sellerauth(fleet, "renew", "--account", expiring.name, "--json")
    assert refused.returncode == 7, refused.stdout + refused.stderr
    assert json.loads(refused.stdout)["error"]["code"] == "store_failed"
    assert fleet.row_actions() == []  # no intent written: nothing clicked
    assert "Traceback" not in refused.stderr

    reader.close()
    (state_dir / "filler").unlink()
    again = sellerauth(fleet, "renew", "--account", expiring.name, "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["action"] == "renewed"


@SQLITE_ONLY
def test_a_read_only_state_dir_is_a_clear_error(tiny_state) -> None:
    fleet, state_dir = tiny_state
    granted, expiring = fleet.sellers
    assert sellerauth(fleet, "status", "--account", granted.name, "--json").returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(state_dir)], check=True)
    for args in (("renew", "--account", expiring.name), ("history",)):
        done = sellerauth(fleet, *args, "--json")
        assert done.returncode in (2, 7), done.stdout + done.stderr
        error = json.loads(done.stdout.splitlines()[-1])["error"]
        assert str(state_dir) in error["message"], error
        assert "move it away" not in error["message"]
        assert "Traceback" not in done.stderr
    assert fleet.row_actions() == []


def test_a_batch_runs_a_busy_account_again_later_in_the_run(fleet_factory) -> None:
    import threading

    from automation.locks import account_lock

    fleet = fleet_factory(["granted", "granted"])
    busy, other = fleet.sellers
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with account_lock(fleet.settings(), busy.name):
            held.set()
            release.wait(60)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    # Never retried (one attempt): the account ends `busy`, the other one runs.
    refused = sellerauth(fleet, "batch", "status", SELLERAUTH_RETRY_ATTEMPTS="1")
    lines = refused.by_account()
    assert lines[busy.name]["error"]["code"] == "busy", lines
    assert lines[other.name]["state"] == "done"
    assert refused.returncode == 1
    # Retried later in the same run: the lock is released meanwhile, the account is done.
    threading.Timer(2.0, release.set).start()
    retried = sellerauth(fleet, "batch", "status")
    holder.join()
    assert retried.returncode == 0, retried.stdout + retried.stderr[-2000:]
    assert {name: line["state"] for name, line in retried.by_account().items()} == {
        busy.name: "done",
        other.name: "done",
    }
