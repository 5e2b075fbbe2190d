"""Small inputs refused with their fix, never taken as they are or echoed whole."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from automation.accounts import validate_account_name
from automation.errors import InvalidInput
from automation.files import private_dir
from automation.settings import load_settings
from flows.site import normalise_base_url


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765\n/evil", "https://seller central.test"])
def test_a_base_url_with_a_blank_or_line_break_inside_is_refused(url: str) -> None:
    """A newline or blank inside the URL is refused, naming what is wrong."""
    with pytest.raises(ValueError, match="line break"):
        normalise_base_url(url)


def test_the_timeout_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """`SELLERAUTH_TIMEOUT_MS` beyond ten minutes is refused, not taken as 'at once'."""
    monkeypatch.setenv("SELLERAUTH_TIMEOUT_MS", "99999999999999999999")
    with pytest.raises(InvalidInput) as refused:
        load_settings()
    assert "TIMEOUT_MS" in refused.value.message.upper()


def test_a_long_account_name_is_not_echoed_whole() -> None:
    """A 10 kB name is cut in the message."""
    with pytest.raises(InvalidInput) as refused:
        validate_account_name("x" * 10_000)
    assert len(refused.value.message) < 300 and "…" in refused.value.message


def test_private_directories_and_their_parents_are_the_owners_only(tmp_path: Path) -> None:
    """`evidence/<account>-<time>/` made at once leaves `evidence/` 0700 too."""
    made = private_dir(tmp_path / "state" / "evidence" / "acme-20261206")
    for directory in (made, made.parent, made.parent.parent):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700, directory
