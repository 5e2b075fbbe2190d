"""`sellerauth doctor` says whether jobs can run here and what to fix; `sellerauth session
clear` forgets a saved sign-in."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from tests.cli import sellerauth

LOGIN = {"SELLERAUTH_EMAIL": "seller@example.com", "SELLERAUTH_PASSWORD": "pw-for-doctor"}


def checks_of(stdout: str) -> dict[str, dict[str, object]]:
    body = json.loads(stdout)
    return {c["check"]: c for c in body["checks"]}


def test_all_is_well_exits_0(tmp_path: Path) -> None:
    """Browser, state dir, store, secrets dir, the account, and the simulator answering."""
    with SimulatorServer(Simulator(build_scenario("demo"))) as server:
        url = server.url
        env = {**LOGIN, "SELLERAUTH_BASE_URL": url}
        done = sellerauth("doctor", "--json", state_dir=tmp_path / "state", env=env)
        people = sellerauth("doctor", state_dir=tmp_path / "state", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    checks = checks_of(done.stdout)
    assert json.loads(done.stdout)["ok"] is True
    assert {"browser", "state directory", "store", "secrets directory", "account default"} <= set(
        checks
    )
    assert checks[f"reach {url}"]["ok"] is True
    assert people.returncode == 0 and "All is well" in people.stdout


def test_each_problem_is_named_with_its_fix(tmp_path: Path) -> None:
    """An unreachable base URL, a store without its key, an open secrets dir, a broken
    account: exit 2, each said with what to do."""
    state = tmp_path / "state"
    state.mkdir(mode=0o700)
    (state / "sellerauth.db").write_bytes(b"")
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    secrets.chmod(0o755)
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.s5]\nemail = "s5@example.com"\n')
    env = {
        **LOGIN,
        "SELLERAUTH_BASE_URL": "http://127.0.0.1:1",
        "SELLERAUTH_SECRETS_DIR": str(secrets),
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
    }
    done = sellerauth("doctor", "--json", state_dir=state, env=env)
    assert done.returncode == 2, done.stderr
    checks = checks_of(done.stdout)
    assert checks["store"]["ok"] is False and "SELLERAUTH_STORE_KEY" in str(checks["store"]["fix"])
    assert checks["secrets directory"]["fix"] == f"chmod 700 {secrets}"
    assert checks["reach http://127.0.0.1:1"]["ok"] is False
    assert "SELLERAUTH_BASE_URL" in str(checks["reach http://127.0.0.1:1"]["fix"])
    assert checks["account s5"]["ok"] is False and "PASSWORD" in str(checks["account s5"]["fix"])
    people = sellerauth("doctor", state_dir=state, env=env)
    assert people.returncode == 2 and "fix: chmod 700" in people.stdout


def test_session_clear_forgets_a_saved_sign_in(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir(parents=True)
    for name in ("s5.json", "s5.identity.json", "other.json"):
        (sessions / name).write_text("{}")
    done = sellerauth("session", "clear", "--account", "s5", state_dir=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "s5: saved sign-in forgotten" in done.stdout
    assert sorted(p.name for p in sessions.iterdir()) == ["other.json"]
    again = sellerauth("session", "clear", "--account", "s5", state_dir=tmp_path)
    assert again.returncode == 0 and "no saved sign-in" in again.stdout
    default = sellerauth("session", "clear", state_dir=tmp_path)
    assert "default: no saved sign-in" in default.stdout
    bad = sellerauth("session", "clear", "--account", "../x", state_dir=tmp_path)
    assert bad.returncode == 2 and (sessions / "other.json").exists()
