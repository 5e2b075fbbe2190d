"""`python -m tests.fuzz [--seeds 200] [--start 1] [--only CHECK]`: the core flows on many layout
seeds (`make fuzz`). Prints, for any failure, the seed, the check and the command reproducing it."""

from __future__ import annotations

import argparse
import faulthandler
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from automation.log import configure_logging
from tests.seeded import CHECKS, harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--seeds", type=int, default=200, help="how many seeds (default 200)")
    parser.add_argument("--start", type=int, default=1, help="the first seed (default 1)")
    parser.add_argument("--only", choices=sorted(CHECKS), action="append", help="one check")
    parser.add_argument("--timeout-ms", type=int, default=5000)
    args = parser.parse_args(argv)
    for key in list(os.environ):
        if key.startswith("SELLERAUTH_"):
            del os.environ[key]
    configure_logging("json", "error")  # the runs' own logs would drown the report
    checks = {k: v for k, v in CHECKS.items() if not args.only or k in args.only}
    failures: list[str] = []
    runs = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as work:
        os.chdir(work)
        with harness(Path(work), args.timeout_ms) as h:
            for seed in range(args.start, args.start + args.seeds):
                for name, check in checks.items():
                    runs += 1
                    # A check stuck for minutes prints where it is (to stderr), and goes on.
                    faulthandler.dump_traceback_later(180, repeat=True)
                    try:
                        check(h, seed)
                    except Exception as error:
                        where = traceback.extract_tb(error.__traceback__)[-1]
                        line = (
                            traceback.format_exception_only(error)[-1].strip()
                            + f" (at {Path(where.filename).name}:{where.lineno}: {where.line})"
                        )
                        failures.append(
                            f"seed {seed} {name}: {line[:300]}\n"
                            f"  reproduce: .venv/bin/python -m tests.fuzz --start {seed} "
                            f"--seeds 1 --only {name}\n"
                            f"  layout:    .venv/bin/python -m fixtures.simulator.layouts {seed}"
                        )
                        print(f"FAIL {failures[-1]}", flush=True)
                    finally:
                        faulthandler.cancel_dump_traceback_later()
                print(
                    f"seed {seed}: {runs} runs, {len(failures)} failures, "
                    f"{time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
    print(
        f"\n{args.seeds} seeds x {len(checks)} checks = {runs} runs in "
        f"{time.monotonic() - started:.0f} s: {len(failures)} failures"
    )
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
