"""A timeline of one whole `sellerauth status --json` process against the plain script's.

`python -m bench.timeline [RUNS]`: on a new simulator per run, each tool runs fresh (signs in)
then saved; printed are the seconds from process start to: imports done, settings loaded,
store opened, browser launch begun and ended, the first page request (the simulator's clock),
the last page request, and exit. The child process is the real one, wrapped by `--child`,
which only wraps a few functions to write `(event, time)` lines to a file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

from bench import sim
from bench.startup import ROOT, status_env

SHELL = "/usr/lib/chromium/chromium-headless-shell"
EVENTS = (
    "imports",
    "settings",
    "store",
    "launch_begun",
    "launch_ended",
    "first_load",
    "last_load",
    "exit",
)


def _child(out: str, argv: list[str]) -> None:
    """Run the tool named by `argv` in this process, noting when its stages end."""
    lines: list[tuple[str, float]] = []

    def note(event: str) -> None:
        lines.append((event, time.time()))

    def wrap(owner: Any, name: str, before: str | None, after: str | None) -> None:
        original = getattr(owner, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if before:
                note(before)
            try:
                return original(*args, **kwargs)
            finally:
                if after:
                    note(after)

        setattr(owner, name, wrapped)

    import atexit

    def dump() -> None:
        note("exit")
        Path(out).write_text(json.dumps(lines))

    atexit.register(dump)
    if argv[0] == "sellerauth":
        from sellerauth import app

        note("imports")
        import automation.settings as settings
        import automation.store as store

        wrap(settings, "load_settings", None, "settings")
        wrap(store.Store, "open", None, "store")
        import automation.browser as browser

        wrap(browser.BrowserSession, "start", "launch_begun", "launch_ended")
        sys.argv = ["sellerauth", *argv[1:]]
        app.main()
    else:
        from bench import plain

        note("imports")
        note("launch_begun")
        from playwright.sync_api import BrowserType

        wrap(BrowserType, "launch", None, "launch_ended")
        plain.main(argv[1:])


def _one(command: list[str], env: dict[str, str], cwd: Path, served: Any) -> dict[str, float]:
    served.clear()
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        out = handle.name
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "bench.timeline", "--child", out, *command],
        env=env | {"PYTHONPATH": str(ROOT)},
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    ended = time.time()
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-500:])
    events = {name: t - started for name, t in json.loads(Path(out).read_text())}
    os.unlink(out)
    requests = served.requests()
    events["first_load"] = requests[0]["time"] - started
    events["last_load"] = requests[-1]["time"] - started
    events["total"] = ended - started
    return events


def main(argv: list[str]) -> int:
    """Run both tools `RUNS` times (default 3), alternating, and print median timelines."""
    if argv[:1] == ["--child"]:
        _child(argv[1], argv[2:])
        return 0
    runs = int(argv[0]) if argv else 3
    got: dict[str, list[dict[str, float]]] = {}
    for n in range(runs):
        for tool in ("sellerauth", "plain")[n % 2 :] + ("sellerauth", "plain")[: n % 2]:
            with tempfile.TemporaryDirectory() as tmp, sim.serve("expiring") as served:
                env = status_env(served, Path(tmp))
                if tool == "sellerauth":
                    command, cwd = ["sellerauth", "status", "--json"], Path(tmp)
                else:
                    state = str(Path(tmp) / "plain-state.json")
                    command, cwd = ["plain", "status", served.url, SHELL, state], ROOT
                for session in ("fresh", "saved"):
                    got.setdefault(f"{tool} {session}", []).append(_one(command, env, cwd, served))
    print(f"{'':18}" + "".join(f"{e:>13}" for e in (*EVENTS, "total")))
    for key, samples in got.items():
        cells = []
        for event in (*EVENTS, "total"):
            values = [s[event] for s in samples if event in s]
            cells.append(f"{median(values):13.3f}" if values else f"{'-':>13}")
        print(f"{key:18}" + "".join(cells))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
