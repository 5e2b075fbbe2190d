"""Pure rules of the flows, without a browser: date parsing and what renew decides."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows.dates import parse_date, parse_datetime
from flows.mws.renew import decide
from flows.mws.results import DeveloperAccess

TODAY = date(2026, 11, 26)


class TestDates:
    @pytest.mark.parametrize(
        "text,expected",
        [
            ("2017年1月10日 17時02分59秒 JST", datetime(2017, 1, 10, 17, 2, 59)),
            ("2027年3月6日", datetime(2027, 3, 6)),
            ("Jan 10, 2017", datetime(2017, 1, 10)),
            ("Jan 10, 2017 5:02:59 PM JST", datetime(2017, 1, 10, 17, 2, 59)),
            ("Dec 1, 2026 12:05 AM", datetime(2026, 12, 1, 0, 5)),
            ("September 3, 2027", datetime(2027, 9, 3)),
        ],
    )
    def test_parses_japanese_and_english_forms(self, text, expected) -> None:
        """Both languages' forms, with or without a time, parse to the same datetime."""
        assert parse_datetime(text) == expected

    @pytest.mark.parametrize("text", ["", "-", "表示", "no date here"])
    def test_no_date_is_none(self, text) -> None:
        """A cell without a date gives None, not a guess."""
        assert parse_date(text) is None


def access(state="active", expires=None) -> DeveloperAccess:
    return DeveloperAccess(
        developer_id="5259-6479-4073", nickname="shippinno", state=state, expires_at=expires
    )


class TestRenewDecision:
    def test_inactive_is_restored(self) -> None:
        """A row in the history is restored."""
        assert decide(access("inactive"), "enabled", TODAY) == "restored"

    def test_expiring_within_the_window_is_renewed(self) -> None:
        """Expiry within --renew-within days (inclusive) is renewed."""
        assert decide(access(expires=date(2026, 12, 26)), "enabled", TODAY, 30) == "renewed"

    def test_expiry_beyond_the_window_is_left(self) -> None:
        """Expiry beyond the window needs nothing."""
        assert decide(access(expires=date(2026, 12, 27)), "enabled", TODAY, 30) == "none"

    def test_unknown_expiry_is_renewed(self) -> None:
        """When confirmation is on but the expiry cannot be read, renewing is the safe choice."""
        assert decide(access(expires=None), "mandatory", TODAY) == "renewed"

    def test_force_renews(self) -> None:
        """--force renews access that is not due."""
        assert decide(access(expires=date(2027, 6, 1)), "enabled", TODAY, force=True) == "renewed"

    def test_disabled_confirmation_never_expires(self) -> None:
        """With confirmation disabled access does not expire: nothing to do, even forced."""
        assert decide(access(expires=None), "disabled", TODAY, force=True) == "none"
