"""Whatever escapes a command, a bug included, ends as one `internal` error, never a traceback."""

from __future__ import annotations

import json
from typing import Annotated

import pytest
import typer

from automation.cli import run
from sellerauth.app import build


def app_with_a_bug() -> typer.Typer:
    """The real command line plus a command that fails the way a bug does."""
    app = build()

    @app.command()
    def broken(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Raises what no command expects."""
        raise KeyError("the-missing-key")

    return app


def test_json_gets_the_one_error_object(capsys: pytest.CaptureFixture[str]) -> None:
    """With --json, stdout holds exactly one JSON object with code `internal`; exit 1."""
    status = run(app_with_a_bug(), ["broken", "--json"])
    out, err = capsys.readouterr()
    assert status == 1
    error = json.loads(out)["error"]
    assert error["code"] == "internal" and "KeyError" in error["message"]
    assert "Traceback" not in out + err


def test_terminal_gets_a_short_message(capsys: pytest.CaptureFixture[str]) -> None:
    """Without --json: one line on stderr naming the problem, no traceback, nothing on stdout."""
    status = run(app_with_a_bug(), ["broken"])
    out, err = capsys.readouterr()
    assert status == 1 and out == ""
    assert "error [internal]" in err and "--debug" in err
    assert "Traceback" not in err


def test_debug_shows_the_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    """--debug (anywhere on the line) adds the traceback on stderr, secrets still masked."""
    from automation.log import register_secret

    register_secret("the-missing-key")
    status = run(app_with_a_bug(), ["--debug", "broken"])
    _, err = capsys.readouterr()
    assert status == 1
    assert "Traceback" in err and "raise KeyError" in err
    assert "the-missing-key" not in err


def test_exit_statuses_pass_through(capsys: pytest.CaptureFixture[str]) -> None:
    """Help exits 0 and a usage error 2, as click decides; they are not internal errors."""
    assert run(build(), ["--help"]) == 0
    assert run(build(), ["renew", "--renew-within", "-1"]) == 2
    assert "internal" not in capsys.readouterr().err
