"""Every `sellerauth` command shown in a shell block of README.md or docs/*.md parses: its
subcommands, options and option values are the ones the command line really takes."""

from __future__ import annotations

import contextlib
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

ROOT = Path(__file__).resolve().parents[1]
_SELLERAUTH = re.compile(r"^(?:\S*/)?sellerauth$")  # sellerauth, .venv/bin/sellerauth, ...
_SHELL_END = {"&", "&&", "|", ";", ">", ">>", "2>", "2>>"}
# Typer carries its own copy of click: its errors are not `click`'s. Its usage error (a wrong
# command, option or value) is the base of its public `BadParameter`.
UsageError = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def documented_commands() -> list[tuple[str, list[str]]]:
    """(file:line, argv after `sellerauth`) for each command line of the docs' shell blocks."""
    found = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        shell = False
        for number, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                shell = line.strip("` ") in {"sh", "bash", "shell"} and not shell
                continue
            if not shell:
                continue
            words = shlex.split(line, comments=True)
            while words and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words.pop(0)  # VAR=value before the command
            if not words or not _SELLERAUTH.match(words[0]):
                continue
            argv = []
            for word in words[1:]:
                if word in _SHELL_END:
                    break
                argv.append(word)
            found.append((f"{doc.relative_to(ROOT)}:{number}", argv))
    return found


def parse(cli: Any, argv: list[str]) -> None:
    """Parse `argv` as `sellerauth` would, without running it; UsageError if it is wrong."""
    command, args, path = cli, list(argv), ["sellerauth"]
    while hasattr(command, "get_command") and args and not args[0].startswith("-"):
        sub = command.get_command(typer.Context(command), args[0])
        if sub is None:
            raise UsageError(f"no command {args[0]!r} in {' '.join(path)}")
        path.append(args.pop(0))
        command = sub
    with contextlib.suppress(typer.Exit):  # --help, --version
        command.make_context(" ".join(path), args)


COMMANDS = documented_commands()


def test_the_docs_show_commands() -> None:
    shown = {" ".join(argv[:2]) for _, argv in COMMANDS}
    assert {"register --base-url", "sim --scenario", "batch renew", "accounts check"} <= shown


@pytest.mark.parametrize(("where", "argv"), COMMANDS, ids=[where for where, _ in COMMANDS])
def test_documented_command_parses(where: str, argv: list[str]) -> None:
    from sellerauth.app import build

    parse(typer.main.get_command(build()), argv)


def test_a_wrong_command_does_not_parse() -> None:
    from sellerauth.app import build

    cli = typer.main.get_command(build())
    for argv in (
        ["renew", "--renew-whithin", "3"],
        ["renew", "--renew-within", "soon"],
        ["batch", "renw"],
        ["export", "--format"],
    ):
        with pytest.raises(UsageError):
            parse(cli, argv)
