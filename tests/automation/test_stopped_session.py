"""A stopped run says truthfully what became of its sign-in: never "the saved session is kept"
right after a `session_not_saved` warning."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from automation import runner
from automation.journal import Journal
from automation.outcome import _run_locked
from automation.runner import Recording


def closing(tmp_path: Path, storage_state: Any) -> Journal:
    """`_Run._close` over a fake context; the journal it marked."""
    journal = Journal()
    account = SimpleNamespace(name="acme", session_identity=lambda: {"email": "a@example.com"})
    ctx = SimpleNamespace(
        settings=SimpleNamespace(state_dir=tmp_path), account=account, journal=journal
    )
    (tmp_path / "sessions").mkdir(parents=True)
    run = runner._Run(ctx, Recording())  # type: ignore[arg-type]
    context = SimpleNamespace(storage_state=storage_state, close=lambda: None)
    browser = SimpleNamespace(save_storage_state=lambda *_: None)
    run._close(browser, context, None)  # type: ignore[arg-type]
    return journal


def test_the_journal_says_whether_the_session_was_saved(tmp_path: Path) -> None:
    def crashed() -> dict[str, Any]:
        raise RuntimeError("Target closed")

    assert closing(tmp_path / "a", lambda: {"cookies": []}).session_saved is True
    assert closing(tmp_path / "b", crashed).session_saved is False


@pytest.mark.parametrize(
    ("saved", "said"),
    [
        (False, "could not be saved (the session_not_saved warning)"),
        (True, "the signed-in session is saved for the next run"),
        (None, "a session saved by an earlier run is kept"),
    ],
)
def test_a_stopped_run_says_what_became_of_its_session(
    saved: bool | None, said: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stopped(_flow: Any, _settings: Any, _profile: Any, options: Any) -> None:
        options.journal.session_saved = saved
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_one", stopped)
    command = SimpleNamespace(name="status", flow=lambda **_: None, needs_browser=True)
    profile = SimpleNamespace(name="acme", identity_key=lambda: "{}")
    outcome = _run_locked(command, None, profile, runner.RunOptions(), False, None, None)  # type: ignore[arg-type]
    assert outcome.exception is not None and outcome.exception.code == "interrupted"
    assert outcome.exception.message.startswith("Stopped by the operator; ")
    assert said in outcome.exception.message
    if saved is False:
        assert "is kept" not in outcome.exception.message
