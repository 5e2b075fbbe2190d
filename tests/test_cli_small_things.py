"""Small things a fresh-clone trial tripped over: plurals, what `export` counts, completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import automation.store
from automation.cli import run
from automation.files import ensure_state_dir
from automation.settings import load_settings
from automation.store import Store
from flows.mws.status import summarise_status
from sellerauth.app import build
from tests.cli import ROOT, clean_env


def test_one_developer_is_not_plural() -> None:
    one = {"developers": [{"developer_id": "1111-2222-3333", "state": "active"}]}
    assert summarise_status(one, None)[0] == "1 developer; ours absent"
    two = {"developers": one["developers"] * 2}
    assert summarise_status(two, None)[0] == "2 developers; ours absent"


def test_export_counts_the_rows_it_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Three rows of two accounts (one account has two apps): "3 rows (2 accounts)"."""
    rows: list[dict[str, Any]] = [
        {"account": "acme", "app_id": "one"},
        {"account": "acme", "app_id": "two"},
        {"account": "zenith"},
    ]
    monkeypatch.setattr(automation.store, "latest_per_account", lambda *_: rows)
    state = tmp_path / "state"
    ensure_state_dir(state)
    Store.open(load_settings(state_dir=state)).close()  # a store where a run has been
    monkeypatch.setenv("SELLERAUTH_STATE_DIR", str(state))
    out = tmp_path / "export.csv"
    assert run(build(["export"]), ["export", "--out", str(out)]) == 0
    assert f"3 rows (2 accounts) written to {out}" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 4


def test_shell_completion_is_offered_and_documented(tmp_path: Path) -> None:
    """`--show-completion` prints a script; the completion it wires answers; usage.md says so."""
    script = subprocess.run(
        [sys.executable, "-m", "sellerauth", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=60,
    )
    assert script.returncode == 0 and "_SELLERAUTH_COMPLETE" in script.stdout
    sellerauth = Path(sys.executable).parent / "sellerauth"
    env = {
        **clean_env(tmp_path),
        "COMP_WORDS": "sellerauth batch re",
        "COMP_CWORD": "2",
        "_SELLERAUTH_COMPLETE": "complete_bash",
    }
    answered = subprocess.run(
        [str(sellerauth)], capture_output=True, text=True, env=env, timeout=60
    )
    assert answered.stdout.split() == ["register", "renew"]
    assert os.access(sellerauth, os.X_OK)
    assert "sellerauth --install-completion" in (ROOT / "docs" / "usage.md").read_text()
