"""What only the PostgreSQL store does: its URL's password kept out of every output (also when
it comes from the secrets directory), and a server restarted under a run: `store_failed`
(exit 7) with the result already obtained still printed, then a rerun that resumes, acting
once."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from automation.store import Store
from tests.postgres import STORE_KEY, StoreBackend

from .conftest import Fleet, sellerauth

PG_ONLY = pytest.mark.parametrize("store_backend", ["postgresql"], indirect=True)
PASSWORD = "Pg-Pass-Never-Shown-7781"


def _with_password(backend: StoreBackend, password: str) -> str:
    assert backend.url is not None
    return backend.url.replace("postgres@", f"postgres:{password}@", 1)


def test_the_password_comes_from_the_secrets_dir_and_is_never_shown(
    tmp_path, pg_backend: StoreBackend
) -> None:
    """`<secrets dir>/sellerauth_store_url` names the store; neither `history` nor a store that
    cannot be reached ever prints the URL's password (the error names the store without it)."""
    url = _with_password(pg_backend, PASSWORD)
    state = tmp_path / "state"
    with Store.open(pg_backend.settings(state_dir=state, store_url=url)) as store:
        run = store.create_run("register", {}, ["acme"])
        store.finish_result(run.run_id, "acme", "done", data={})
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700)
    (secrets / "sellerauth_store_url").write_text(url + "\n")
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "SELLERAUTH_STATE_DIR": str(state),
        "SELLERAUTH_SECRETS_DIR": str(secrets),
        "SELLERAUTH_STORE_KEY": STORE_KEY,
        "SELLERAUTH_LOG_LEVEL": "debug",
        "SELLERAUTH_LOG_FORMAT": "json",
    }

    def run(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sellerauth", *args],
            capture_output=True,
            text=True,
            env=env | extra,
            cwd=tmp_path,
            timeout=60,
        )

    shown = run("history", "--json")
    assert shown.returncode == 0, shown.stderr
    assert [e["account"] for e in json.loads(shown.stdout)] == []  # no audit event, a store
    exported = run("export", "--format", "json")
    assert exported.returncode == 0 and "acme" in exported.stdout, exported.stderr
    assert PASSWORD not in shown.stdout + shown.stderr + exported.stdout + exported.stderr

    # A server that is not there: store_failed (exit 7), naming the store without its password.
    assert pg_backend.cluster is not None
    away = url.replace(f":{pg_backend.cluster.port}/", ":1/")
    (secrets / "sellerauth_store_url").write_text(away)
    failed = run("history", "--json")
    assert failed.returncode == 7, failed.stdout + failed.stderr
    error = json.loads(failed.stdout)["error"]
    assert error["code"] == "store_failed"
    assert "postgresql://postgres@127.0.0.1:1/" in error["message"]
    assert PASSWORD not in failed.stdout + failed.stderr


def test_a_shared_store_needs_a_shared_key(tmp_path, pg_backend: StoreBackend) -> None:
    """No key file is made in one machine's state directory for a store many share."""
    from automation.errors import InvalidInput
    from automation.settings import load_settings

    settings = load_settings(state_dir=tmp_path / "state", store_url=pg_backend.url)
    with pytest.raises(InvalidInput, match="SELLERAUTH_STORE_KEY") as caught:
        Store.open(settings)
    assert caught.value.field == "store_key"
    assert not (tmp_path / "state" / "sellerauth.key").exists()


@PG_ONLY
def test_a_server_restart_mid_run_is_store_failed_and_a_rerun_resumes(fleet_factory) -> None:
    """The server restarts between the grant and its record: the run prints the token read with
    a `store_failed` error (exit 7); the grant's intent, written before the click, is open;
    the next run finds the grant done, closes it, audits it once, and grants nothing again."""
    fleet: Fleet = fleet_factory(["fresh"])
    [seller] = fleet.sellers
    fleet.main.scenario.faults.latency = 0.4  # reading the grant back takes a while
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerauth", "register", "--account", seller.name, "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=fleet.env(),
        cwd=fleet.root,
    )
    deadline = time.monotonic() + 120
    while not fleet.grants():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.01)
    assert fleet.backend.cluster is not None
    fleet.backend.cluster.restart()
    out, err = process.communicate(timeout=150)
    assert process.returncode == 7, out + err[-3000:]
    shown = json.loads(out)
    assert shown["error"]["code"] == "store_failed", shown
    assert "PostgreSQL server" in shown["error"]["message"]
    assert shown["result"]["mws_auth_token"] == fleet.token_of(seller)
    assert "Traceback" not in err
    opened = json.loads(sellerauth(fleet, "history", "--open", "--json").stdout)
    assert [(i["account"], i["action"]) for i in opened] == [(seller.name, "granted")]

    fleet.main.scenario.faults.latency = 0
    again = sellerauth(fleet, "register", "--account", seller.name, "--json")
    assert again.returncode == 0, again.stdout + again.stderr[-3000:]
    assert fleet.grants() == [seller.seller_id]  # granted once
    audit = json.loads(sellerauth(fleet, "history", "--json").stdout)
    assert [(e["account"], e["action"]) for e in audit] == [(seller.name, "grant")]
    assert json.loads(sellerauth(fleet, "history", "--open", "--json").stdout) == []
