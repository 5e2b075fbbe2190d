"""What the command prints: one JSON object for scripts, a short line or a table for people."""

from __future__ import annotations

import json
import sys
import traceback
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from automation.errors import InvalidInput, SellerAuthError

if TYPE_CHECKING:
    from rich.console import Console


PIPE_WIDTH = 1000
"""The width of output that goes to a file or a pipe: wide enough that no line is cut."""


def console(stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr). Not a terminal (a pipe, a file, a log
    collector): lines are never wrapped and tables are as wide as their cells need, so that
    nothing is cut mid-word at 80 columns."""
    from rich.console import Console

    made = Console(stderr=stderr)
    if not made.is_terminal:
        made = Console(stderr=stderr, width=PIPE_WIDTH, soft_wrap=True)
    return made


def report_error(
    error: SellerAuthError,
    account: str,
    as_json: bool,
    extra: dict[str, Any] | None = None,
    triage: dict[str, str] | None = None,
) -> None:
    """Print `error`: `{"account", "error": {code, message, ..., triage}, **extra}` on stdout
    with --json, else one line on stderr (and the triage's next step, when the site gave
    one); registered secrets are masked either way."""
    from automation.log import redact

    data = error.to_dict()
    data["message"] = redact(data["message"])
    if triage:
        data["triage"] = triage
    if as_json:
        body = {"account": account, "error": data, **(extra or {})}
        typer.echo(json.dumps(body, ensure_ascii=False))
    else:
        # `-` (or nothing): no account is concerned, as when an option is refused.
        who = f" {account}" if account and account != "-" else ""
        typer.echo(f"error [{error.code}]{who}: {redact(str(error))}", err=True)
        if triage and triage.get("next_step"):
            typer.echo(f"next step ({triage.get('owner', '-')}): {triage['next_step']}", err=True)


def exit_with(error: SellerAuthError, account: str, as_json: bool) -> NoReturn:
    """Report `error` and leave with its exit status."""
    report_error(error, account, as_json)
    raise typer.Exit(error.exit_status)


def fail_input(message: str, as_json: bool) -> NoReturn:
    """Refuse bad input (exit 2) before anything runs."""
    exit_with(InvalidInput(message), "-", as_json)


def internal_error(problem: BaseException, *, as_json: bool, debug: bool) -> int:
    """Report what escaped a command (a bug included) as an `internal` error; its exit status.

    With --json the one JSON error object is still printed on stdout; on a terminal a short
    message, and the traceback only with --debug.
    """
    from automation.log import redact

    first = str(problem).strip().splitlines()
    detail = redact(first[0])[:200] if first else ""
    error = SellerAuthError(
        f"Unexpected {type(problem).__name__}{': ' + detail if detail else ''}. This is a bug: "
        "please report it with the log (run again with --debug for the traceback)."
    )
    if debug:
        text = "".join(traceback.format_exception(problem))
        print(redact(text), file=sys.stderr)
    report_error(error, "-", as_json)
    return error.exit_status
