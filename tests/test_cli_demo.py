"""`sellerauth demo`'s closing hint: what to run against the real site, ready to paste."""

from __future__ import annotations

import io

from rich.console import Console

from sellerauth.demo import REAL_SITE_COMMANDS, closing_hint
from tests.cli import pasted


def test_closing_hint_prints_each_command_whole_on_a_narrow_terminal() -> None:
    """On a 60-column console each command is one unwrapped line that a shell parses: the
    first sign-in with a window (`register --headed`) and the nightly `batch renew`."""
    out = io.StringIO()
    closing_hint(Console(file=out, width=60, force_terminal=False))
    printed = out.getvalue().splitlines()
    for command in REAL_SITE_COMMANDS:
        assert any(line.strip() == command for line in printed), printed
        pasted(command)  # parses
    assert any(pasted(c)[1][:3] == ["sellerauth", "batch", "renew"] for c in REAL_SITE_COMMANDS)
    headed = next(c for c in REAL_SITE_COMMANDS if "--headed" in c)
    assert pasted(headed)[1] == ["sellerauth", "register", "--headed"]
