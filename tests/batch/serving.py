"""`sellerauth serve` as a separate process on a free port, as an operator starts it."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.batch.conftest import Fleet

SERVING = re.compile(r"Serving the fleet page at (http://\S+/)")


@contextmanager
def serving(fleet: Fleet, *args: str, **env: str) -> Iterator[str]:
    """`sellerauth serve --port 0 ARGS` on the fleet's store; its base URL while it runs."""
    log = fleet.root / f"serve-{time.monotonic_ns()}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sellerauth", "serve", "--port", "0", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=fleet.env(**env),
            cwd=fleet.root,
        )
    try:
        yield _wait_for_url(process, log)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for_url(process: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> str:
    """The URL the server prints once it listens (polling its log: it has not started yet)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = SERVING.search(log.read_text())
        if found:
            return found.group(1)
        if process.poll() is not None:
            raise AssertionError(f"serve exited {process.returncode}: {log.read_text()}")
        time.sleep(0.05)  # a test helper waiting for another process, not a flow
    raise AssertionError(f"serve never listened: {log.read_text()}")
