"""`sellerauth accounts check`: every problem of the accounts file at once, one JSON object."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli import sellerauth

BROKEN_ACCOUNTS = """
stray = 1

[accounts.a]
email = "a@example.com"
password = "in-the-file-1"

[accounts.b]
email = "b@example.com"
colour = "blue"

[accounts."bad name!"]
email = "c@example.com"

[accounts.d]
email = 42
"""


def test_every_structural_problem_is_reported_at_once(tmp_path: Path) -> None:
    """Five problems, five errors in one JSON object (and in the table); the password written
    in the file is never echoed."""
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(BROKEN_ACCOUNTS)
    env = {"SELLERAUTH_ACCOUNTS_FILE": str(accounts)}
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert done.returncode == 2
    report = json.loads(done.stdout)  # one object, as the help promises
    assert report["ok"] is False and report["accounts"] == []
    messages = " | ".join(e["message"] for e in report["errors"])
    for wanted in ("stray", "secrets never go", "'colour'", "bad name!", "must be a string"):
        assert wanted in messages, messages
    assert len(report["errors"]) == 5
    assert "in-the-file-1" not in done.stdout + done.stderr
    people = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert people.returncode == 2 and "5 problems in the accounts file" in people.stderr
    assert "colour" in people.stderr and "stray" in people.stderr


def test_json_is_one_object_when_all_is_well(tmp_path: Path) -> None:
    """A good file: exit 0, one object listing the account, no errors; the table says it can
    run (and never `1 accounts`)."""
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.solo]\nemail = "s@example.com"\n')
    env = {
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SOLO__PASSWORD": "pw-solo-1",
    }
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["errors"] == []
    assert [a["account"] for a in report["accounts"]] == ["solo"]
    table = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert "1 accounts" not in table.stdout and "can run" in table.stdout


def test_piped_table_is_printed_whole(tmp_path: Path) -> None:
    """`accounts check | cat`: the warning and a long e-mail are printed whole."""
    email = "a-very-long-mailbox-name-for-the-operations-team@an-example-seller-domain.example.com"
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(f'[accounts.solo]\nemail = "{email}"\n')
    env = {
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SOLO__PASSWORD": "pw-solo-1",
    }
    done = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert email in done.stdout
    assert "unattended sign-ins that ask for a code will need a person" in done.stdout


def test_warns_when_the_lwa_client_secret_expires_within_14_days(tmp_path: Path) -> None:
    """SELLERAUTH_LWA_CLIENT_SECRET_EXPIRES within 14 days: a warning naming the date and the
    next step, the secret itself never shown; 30 days away: no warning."""
    from datetime import date, timedelta

    from fixtures.simulator.account import app_env

    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.solo]\nemail = "s@example.com"\n')
    soon = (date.today() + timedelta(days=10)).isoformat()
    env = {
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SOLO__PASSWORD": "pw-solo-1",
        "SELLERAUTH_ACCOUNTS__SOLO__TOTP_SECRET": "JBSWY3DPEHPK3PXP",
        **app_env("http://127.0.0.1:9"),
        "SELLERAUTH_LWA_CLIENT_SECRET_EXPIRES": soon,
    }
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    [account] = json.loads(done.stdout)["accounts"]
    assert [w for w in account["warnings"] if soon in w and "_NEXT" in w]
    assert env["SELLERAUTH_LWA_CLIENT_SECRET"] not in done.stdout
    later = (date.today() + timedelta(days=30)).isoformat()
    env["SELLERAUTH_LWA_CLIENT_SECRET_EXPIRES"] = later
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert json.loads(done.stdout)["accounts"][0]["warnings"] == []
