"""A wait for the next TOTP step longer than a moment is said on stderr, never silent."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from automation import otp
from automation.otp import STEP_SECONDS, FakeClock, TotpSource

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def used_step_then_next(tmp_path: Path, seconds_into_step: float) -> None:
    """Take a code, then another: the second waits for the next step."""
    clock = FakeClock(start=1_000_000 * STEP_SECONDS + seconds_into_step)
    source = TotpSource(SECRET, "acme", tmp_path, clock=clock)
    source.next_code()
    source.next_code()
    assert clock.sleeps


def test_a_long_wait_is_said_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(otp, "_on_terminal", lambda: True)
    used_step_then_next(tmp_path, 5)
    assert "sellerauth: acme: waiting 25 s for a fresh code" in capsys.readouterr().err


def test_a_long_wait_is_a_log_event_for_machines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(otp, "_on_terminal", lambda: False)
    with capture_logs() as logs:
        used_step_then_next(tmp_path, 5)
    said = [e for e in logs if e.get("message") == "waiting 25 s for a fresh code"]
    assert said and said[0]["log_level"] == "info"
    assert "waiting" not in capsys.readouterr().err  # no plain line among JSON ones


def test_a_short_wait_is_not_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(otp, "_on_terminal", lambda: True)
    used_step_then_next(tmp_path, STEP_SECONDS - 1.5)
    assert "waiting" not in capsys.readouterr().err
