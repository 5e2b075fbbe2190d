"""`sellerauth demo`'s closing hint: the fleet page over the demo's store and what to run
against the real site, ready to paste."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from sellerauth.demo import REAL_SITE_COMMANDS, closing_hint
from tests.cli import pasted


def test_closing_hint_prints_each_command_whole_on_a_narrow_terminal(tmp_path: Path) -> None:
    """On a 60-column console each command is one unwrapped line that a shell parses: the
    first sign-in with a window (`register --headed`) and the nightly `batch renew`."""
    out = io.StringIO()
    state = tmp_path / "a state dir with a space"
    closing_hint(Console(file=out, width=60, force_terminal=False), state)
    printed = out.getvalue().splitlines()
    serve = next(line.strip() for line in printed if line.strip().endswith("sellerauth serve"))
    env, argv = pasted(serve)
    assert env == {"SELLERAUTH_STATE_DIR": str(state)}
    assert argv == [".venv/bin/sellerauth", "serve"]
    for command in REAL_SITE_COMMANDS:
        assert any(line.strip() == command for line in printed), printed
        pasted(command)  # parses
    assert any(pasted(c)[1][:3] == ["sellerauth", "batch", "renew"] for c in REAL_SITE_COMMANDS)
    headed = next(c for c in REAL_SITE_COMMANDS if "--headed" in c)
    assert pasted(headed)[1] == ["sellerauth", "register", "--headed"]
