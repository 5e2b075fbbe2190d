"""Hermetic settings: no SELLERAUTH_* variable, .env, accounts.toml or /run/secrets leaks in."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation import settings as settings_module
from automation.log import clear_secrets, configure_logging


@pytest.fixture(autouse=True)
def hermetic_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Each test starts in an empty directory with no SELLERAUTH_* variable and no secrets."""
    for key in list(os.environ):
        if key.startswith("SELLERAUTH_"):
            monkeypatch.delenv(key)
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setattr(settings_module, "DEFAULT_SECRETS_DIR", tmp_path / "no-run-secrets")
    yield
    clear_secrets()
    configure_logging()  # back to the default, in case a test logged to its own stream
