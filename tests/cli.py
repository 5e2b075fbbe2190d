"""Running `sellerauth` as a separate process, as an operator, a QA person or a scheduler does."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def clean_env(state_dir: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any SELLERAUTH_ setting, JSON logs, state in
    `state_dir`, and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env.update({"SELLERAUTH_STATE_DIR": str(state_dir), "SELLERAUTH_LOG_FORMAT": "json"})
    env.update(extra)
    return env


def sellerauth(
    *args: str, state_dir: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`sellerauth ARGS` run to its end in a clean environment (`clean_env`)."""
    return subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=clean_env(state_dir, **(env or {})),
        timeout=120,
        cwd=cwd,
    )


def pasted(line: str) -> tuple[dict[str, str], list[str]]:
    """What the shell would run for a pasted line: the environment assignments and argv."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


def read_until(process: subprocess.Popen[str], needle: str) -> list[str]:
    """The lines `process` prints up to the first one containing `needle`."""
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed: {lines}")


def last_json_line(text: str) -> dict[str, object]:
    """The JSON object on the last line of `text` (a command's --json output)."""
    return json.loads(text.strip().splitlines()[-1])


def login_env(simulator: Any, **changes: str) -> dict[str, str]:
    """The first login of `simulator` as `SELLERAUTH_*` variables, with `changes`."""
    login = simulator.scenario.logins[0]
    env = {
        "SELLERAUTH_EMAIL": login.email,
        "SELLERAUTH_PASSWORD": login.password,
        "SELLERAUTH_TOTP_SECRET": login.totp_secret or "",
    }
    env.update(changes)
    return env
