"""The bad-input matrix: refused before a browser starts, nothing written, exit 2, field named."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_ENV = {
    "SELLERAUTH_EMAIL": "seller@example.com",
    "SELLERAUTH_PASSWORD": "pw-Distinctive-123",
    "SELLERAUTH_BASE_URL": "http://127.0.0.1:9",
}

GOOD_TOML = """
[accounts.acme]
email = "acme@example.com"
base_url = "http://127.0.0.1:9"
"""


@pytest.fixture
def fake_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A 'browser' that leaves a mark if anything ever launches it."""
    mark = tmp_path / "browser-was-started"
    script = tmp_path / "chromium"
    script.write_text(f"#!/bin/sh\ntouch {mark}\nexit 1\n")
    script.chmod(0o755)
    return script, mark


def sellerauth(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=full,
        cwd=cwd,
        timeout=60,
    )


CASES = [
    # id, args, env changes, accounts.toml text, field named
    ("developer-id", [], {"SELLERAUTH_DEVELOPER_ID": "5259-6479-407"}, None, "developer_id"),
    (
        "developer-id-letters",
        [],
        {"SELLERAUTH_DEVELOPER_ID": "5259-6479-40AB"},
        None,
        "developer_id",
    ),
    ("email", [], {"SELLERAUTH_EMAIL": "seller.example.com"}, None, "email"),
    ("marketplace", [], {"SELLERAUTH_MARKETPLACE": "ZZ"}, None, "marketplace"),
    ("base-url-http", ["--base-url", "http://sellercentral.amazon.co.jp"], {}, None, "base_url"),
    ("missing-password", [], {"SELLERAUTH_PASSWORD": ""}, None, "password"),
    ("toml-syntax", ["--account", "acme"], {}, "[accounts.acme\nemail = 1", "accounts"),
    ("toml-unknown-key", ["--account", "acme"], {}, GOOD_TOML + 'colour = "red"\n', "colour"),
    ("toml-password", ["--account", "acme"], {}, GOOD_TOML + 'password = "x"\n', "password"),
    ("toml-duplicate", ["--account", "acme"], {}, GOOD_TOML + GOOD_TOML, "acme"),
    ("missing-named-password", ["--account", "acme"], {}, GOOD_TOML, "password"),
    ("unknown-account", ["--account", "nobody"], {}, GOOD_TOML, "nobody"),
]


@pytest.mark.parametrize("command", ["register", "status", "renew"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_refused_before_anything_happens(tmp_path, fake_browser, command, case) -> None:
    """Each bad input: exit 2, an invalid_input naming the field, no browser, no file written."""
    _, args, changes, toml, field = case
    browser, mark = fake_browser
    state = tmp_path / "state"
    env = {**GOOD_ENV, "SELLERAUTH_STATE_DIR": str(state), "SELLERAUTH_BROWSER_PATH": str(browser)}
    env.update(changes)
    if toml is not None:
        (tmp_path / "accounts.toml").write_text(toml)
    done = sellerauth([command, "--json", *args], env, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "invalid_input"
    assert field in error["message"] or error.get("field") == field, error
    assert not mark.exists(), "a browser was started"
    assert not state.exists(), "something was written"
    assert "pw-Distinctive-123" not in done.stdout + done.stderr


def test_unwritable_state_dir(tmp_path, fake_browser) -> None:
    """A state dir that cannot be written is refused, naming state_dir, before any browser."""
    if os.geteuid() == 0:
        target = Path("/proc/sellerauth-state")  # not writable even for root
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        target = locked / "state"
    browser, mark = fake_browser
    env = {**GOOD_ENV, "SELLERAUTH_STATE_DIR": str(target), "SELLERAUTH_BROWSER_PATH": str(browser)}
    done = sellerauth(["register", "--json"], env, cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["code"] == "invalid_input" and "state_dir" in (
        error["message"] + str(error.get("field"))
    )
    assert not mark.exists()


def test_malformed_developer_id_option(tmp_path, fake_browser) -> None:
    """register's --developer-id is checked like the setting."""
    browser, mark = fake_browser
    env = {
        **GOOD_ENV,
        "SELLERAUTH_STATE_DIR": str(tmp_path / "s"),
        "SELLERAUTH_BROWSER_PATH": str(browser),
    }
    done = sellerauth(["register", "--json", "--developer-id", "1234"], env, cwd=tmp_path)
    assert done.returncode == 2
    assert "developer_id" in done.stdout and not mark.exists()
