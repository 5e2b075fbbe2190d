"""Tests for automation.otp: fresh time-steps, waits, persisted state."""

from __future__ import annotations

import json
import stat
import threading
from pathlib import Path

import pyotp
import pytest
from pydantic import SecretStr

from automation.errors import InvalidInput
from automation.log import redact
from automation.otp import STEP_SECONDS, FakeClock, SystemClock, TotpSource

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
START = 1_700_000_020.0  # 10 s into a step (steps begin at multiples of 30 s)


def _source(state_dir: Path, clock: FakeClock, **kwargs: int) -> TotpSource:
    return TotpSource(SECRET, "acme", state_dir, clock=clock, **kwargs)


def _step(clock: FakeClock) -> int:
    return int(clock.time() // STEP_SECONDS)


class TestFakeClock:
    def test_sleep_advances_at_once(self) -> None:
        """Sleeping moves the fake time forward and is recorded."""
        clock = FakeClock(100.0)
        clock.sleep(2.5)
        assert (clock.time(), clock.sleeps) == (102.5, [2.5])

    def test_defaults_to_now(self) -> None:
        """Without a start, the fake clock starts at the real time."""
        assert abs(FakeClock().time() - SystemClock().time()) < 5


class TestTotpSource:
    def test_code_verifies_at_clock_time(self, tmp_path: Path) -> None:
        """A code is the valid TOTP for the clock's current time."""
        clock = FakeClock(START)
        code = _source(tmp_path, clock).next_code()
        assert pyotp.TOTP(SECRET).verify(code, for_time=clock.time())

    def test_same_step_never_twice(self, tmp_path: Path) -> None:
        """A second code in the same step waits for, and comes from, the next step."""
        clock = FakeClock(START)
        source = _source(tmp_path, clock)
        totp = pyotp.TOTP(SECRET)
        first, first_step = source.next_code(), _step(clock)
        second, second_step = source.next_code(), _step(clock)
        assert second_step == first_step + 1
        assert (first, second) == (totp.at(first_step * 30), totp.at(second_step * 30))
        assert clock.sleeps == [pytest.approx(20.0)]

    def test_state_survives_new_instances(self, tmp_path: Path) -> None:
        """A new TotpSource for the same account (another process) skips the used step."""
        clock = FakeClock(START)
        _source(tmp_path, clock).next_code()
        used = _step(clock)
        _source(tmp_path, clock).next_code()
        assert _step(clock) == used + 1

    def test_other_accounts_independent(self, tmp_path: Path) -> None:
        """Another account may use the same step at once."""
        clock = FakeClock(START)
        _source(tmp_path, clock).next_code()
        TotpSource(SECRET, "beta", tmp_path, clock=clock).next_code()
        assert clock.sleeps == []

    def test_state_file_private(self, tmp_path: Path) -> None:
        """The state file is state_dir/otp/<account>.json, mode 0600, holding the step."""
        clock = FakeClock(START)
        source = _source(tmp_path, clock)
        source.next_code()
        assert source.state_path == tmp_path / "otp" / "acme.json"
        assert stat.S_IMODE(source.state_path.stat().st_mode) == 0o600
        assert json.loads(source.state_path.read_text()) == {"last_step": _step(clock)}

    def test_waits_when_step_nearly_over(self, tmp_path: Path) -> None:
        """With fewer than min_remaining seconds left, the code comes from the next step."""
        clock = FakeClock(1_700_000_040.0 - 2.0)  # 2 s left in the step
        start_step = _step(clock)
        code = _source(tmp_path, clock, min_remaining=3).next_code()
        assert _step(clock) == start_step + 1
        assert clock.sleeps == [pytest.approx(2.0)]
        assert pyotp.TOTP(SECRET).verify(code, for_time=clock.time())

    def test_no_wait_with_enough_time(self, tmp_path: Path) -> None:
        """With enough time left in a fresh step, the code comes at once."""
        clock = FakeClock(1_700_000_040.0 - 5.0)
        _source(tmp_path, clock, min_remaining=3).next_code()
        assert clock.sleeps == []

    def test_default_waits_only_in_the_last_second(self, tmp_path: Path) -> None:
        """By default a fresh step with 2 s left gives its code at once; with 0.5 s left, the
        code comes from the next step."""
        clock = FakeClock(1_700_000_040.0 - 2.0)
        TotpSource(SECRET, "acme", tmp_path, clock=clock).next_code()
        assert clock.sleeps == []
        late = FakeClock(1_700_000_070.0 - 0.5)
        start_step = _step(late)
        TotpSource(SECRET, "acme", tmp_path / "late", clock=late).next_code()
        assert _step(late) == start_step + 1
        assert late.sleeps == [pytest.approx(0.5)]

    def test_unreadable_state_starts_over(self, tmp_path: Path) -> None:
        """A corrupt state file is ignored rather than fatal."""
        (tmp_path / "otp").mkdir()
        (tmp_path / "otp" / "acme.json").write_text("{not json")
        clock = FakeClock(START)
        assert pyotp.TOTP(SECRET).verify(_source(tmp_path, clock).next_code(), for_time=START)

    def test_codes_and_secret_registered(self, tmp_path: Path) -> None:
        """The secret and every code are registered for redaction."""
        code = TotpSource(SecretStr(SECRET), "acme", tmp_path, clock=FakeClock(START)).next_code()
        assert redact(f"{SECRET} {code}") == "*** ***"

    def test_concurrent_callers_get_distinct_steps(self, tmp_path: Path) -> None:
        """Threads sharing an account each get a code from a different step."""
        clock = FakeClock(START)
        codes: list[str] = []
        threads = [
            threading.Thread(target=lambda: codes.append(_source(tmp_path, clock).next_code()))
            for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        totp, first = pyotp.TOTP(SECRET), int(START // STEP_SECONDS)
        by_step = {totp.at(step * STEP_SECONDS): step for step in range(first, first + 4)}
        assert sorted(codes) == sorted(by_step)

    def test_bad_secret_refused(self, tmp_path: Path) -> None:
        """A secret that is not base32 is InvalidInput on totp_secret."""
        with pytest.raises(InvalidInput) as caught:
            TotpSource("not base32!", "acme", tmp_path, clock=FakeClock(START))
        assert caught.value.field == "totp_secret"

    def test_unsafe_account_name_refused(self, tmp_path: Path) -> None:
        """An account name that is not safe as a file name is refused."""
        with pytest.raises(InvalidInput):
            TotpSource(SECRET, "../evil", tmp_path, clock=FakeClock(START))
