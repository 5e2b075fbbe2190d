"""Where one flow's wall time goes, call by call: `python -m bench.calls FLOW SESSION [RUNS]`.

Runs FLOW (register, renew, status) from SESSION (fresh, saved) with sellerauth and the
plain script on new simulators, timing every Playwright call (`protocol.trace`), and prints
per tool the calls by method (count, seconds answered) and the time spent outside calls
(Python, and waiting between them), medians over RUNS (default 3).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from statistics import median
from typing import Any

from bench import compare, protocol, sim

SHELL = "/usr/lib/chromium/chromium-headless-shell"


def _traced(tool: compare.Tool, flow: str, session: str) -> tuple[float, list[Any]]:
    with tempfile.TemporaryDirectory() as tmp, sim.serve(compare.SCENARIOS[flow]) as served:
        saved = tool.prepare(served, Path(tmp)) if session == "saved" else None

        def measure() -> tuple[float, list[Any]]:
            calls = protocol.trace()
            started = time.perf_counter()
            tool._run(flow, served, saved, Path(tmp))
            wall = time.perf_counter() - started
            return wall, [(n, s - started, d) for n, s, d in calls]

        return tool.lane.call(measure)


def main(argv: list[str]) -> int:
    """Print the call table of each tool (see the module's docstring)."""
    flow, session = argv[0], argv[1]
    runs = int(argv[2]) if len(argv) > 2 else 3
    protocol.install()
    tools = [compare.Sellerauth(SHELL), compare.Plain(SHELL)]
    for tool in tools:
        tool.start()
    try:
        for tool in tools:
            _traced(tool, flow, session)  # warm-up
        for tool in tools:
            walls, by_method = [], defaultdict(list)
            last: list[Any] = []
            for _ in range(runs):
                wall, calls = _traced(tool, flow, session)
                walls.append(wall)
                per: dict[str, list[float]] = defaultdict(list)
                for name, _, seconds in calls:
                    per[name].append(seconds)
                for name, seconds in per.items():
                    by_method[name].append((len(seconds), sum(seconds)))
                last = calls
            print(f"\n{tool.name} {flow}/{session}: wall median {median(walls):.3f} s")
            for name, got in sorted(by_method.items(), key=lambda kv: -median(s for _, s in kv[1])):
                count, seconds = median(c for c, _ in got), median(s for _, s in got)
                print(f"  {name:40} x{count:4.0f} {seconds:7.3f} s")
            print("  last run, in order (start, seconds):")
            for name, start, seconds in sorted(last, key=lambda c: c[1]):
                print(f"    {start:7.3f} {seconds:7.3f} {name}")
    finally:
        for tool in tools:
            tool.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
