"""What the command line tells a person: a missing display, the register table, the version,
the batch announcement."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from tests.cli import clean_env, last_json_line, sellerauth


def test_headed_without_a_display_is_no_display_saying_how_to_get_one(tmp_path: Path) -> None:
    """No DISPLAY: `no_display`, exit 2, how to get one; not browser_not_found."""
    env = {
        "SELLERAUTH_EMAIL": "seller@example.com",
        "SELLERAUTH_PASSWORD": "correct horse battery staple",
    }
    full = clean_env(tmp_path, **env)
    full.pop("DISPLAY", None)
    full.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "sellerauth", "status", "--headed", "--json"]
        + ["--base-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    error = last_json_line(done.stdout)["error"]
    assert isinstance(error, dict)
    assert error["code"] == "no_display"
    assert "xvfb-run" in error["message"] and "display" in error["message"]


def test_register_table_says_how_to_see_the_token_again() -> None:
    """The register table points to `export --reveal`, never claims the token is shown once."""
    from automation.accounts import resolve_account
    from automation.settings import load_settings
    from sellerauth.app import SITE

    account = resolve_account(
        load_settings(state_dir=Path("/nonexistent")),
        None,
        model=SITE.account_model,
        email="s@example.com",
        password="pw-123456",
        base_url="http://127.0.0.1:1",
    )
    out = io.StringIO()
    data = {
        "account": "default",
        "outcome": "granted",
        "seller_id": "A1",
        "marketplace_id": "A1VC38T7YXB528",
        "mws_auth_token": "amzn.mws.x",
        "developer_id": "5259-6479-4073",
    }
    render = SITE.spec("register").render
    assert render is not None
    render(data, account, Console(file=out, width=200))
    assert "shown once" not in out.getvalue()
    assert "export --reveal" in out.getvalue()


def test_version_is_the_installed_packages(tmp_path: Path) -> None:
    from importlib.metadata import version

    done = sellerauth("--version", state_dir=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"sellerauth {version('sellerauth')}"


def test_batch_announcement_says_one_account_in_the_singular(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from automation.cli.batch_run import _announce
    from automation.store import Run

    _announce(Run("R1", "renew", "batch", {}, ["solo"], "", None), 1, 0)
    said = capsys.readouterr().err
    assert "over 1 account (1 to run)" in said and "1 accounts" not in said
