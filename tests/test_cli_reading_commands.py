"""Commands that only read the store (`history`, `export`) never create one, nor its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import last_json_line, sellerauth


@pytest.mark.parametrize("args", [["history"], ["history", "--json"], ["export"]])
def test_a_mistyped_state_directory_is_refused_not_created(args: list[str], tmp_path: Path) -> None:
    """Exit 2 naming the store it looked for (invalid_input with --json); no directory made."""
    typo = tmp_path / "sellerauht"
    done = sellerauth(*args, state_dir=typo)
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout if "--json" in args else done.stderr
    assert f"no store at {typo / 'sellerauth.db'}" in said
    if "--json" in args:
        assert last_json_line(done.stdout)["error"]["code"] == "invalid_input"  # type: ignore[index]
    assert not typo.exists(), "a reading command created the state directory"


def test_a_store_without_its_key_is_refused_and_no_new_key_made(tmp_path: Path) -> None:
    """Exit 2 naming SELLERAUTH_STORE_KEY; a fresh key would make the store unreadable."""
    from automation.settings import load_settings
    from automation.store import Store

    with Store.open(load_settings(state_dir=tmp_path)):
        pass
    (tmp_path / "sellerauth.key").unlink()
    done = sellerauth("history", state_dir=tmp_path)
    assert done.returncode == 2 and "SELLERAUTH_STORE_KEY" in done.stderr
    assert not (tmp_path / "sellerauth.key").exists()
