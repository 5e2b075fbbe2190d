"""Start-up: import time, `--help` and input validation wall time, time to the first page load."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import sim
from bench.stats import ratio, summary

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SELLERAUTH = str(BIN / "sellerauth")
# Modules that have no business being imported to print help or refuse bad input.
HEAVY = (
    "playwright",
    "flows",
    "fixtures",
    "flask",
    "cryptography",
    "sqlite3",
    "pyotp",
    "tenacity",
    "pydantic",
    "pydantic_settings",
    "structlog",
    "rich",
)
PACKAGES = ("sellerauth", "automation", "flows", "fixtures", "bench")
_QUIET: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELLERAUTH_", "BENCH_"))}
    env.update(extra)
    return env


def status_env(served: Any, tmp: Path) -> dict[str, str]:
    """The environment of one whole-process `status` run, sellerauth's or the plain script's,
    against `served` (a `sim.serve` simulator), state under `tmp`."""
    who = served.who
    return _clean_env(
        SELLERAUTH_STATE_DIR=str(tmp / "state"),
        SELLERAUTH_LOG_FORMAT="json",
        SELLERAUTH_EMAIL=who.email,
        SELLERAUTH_PASSWORD=who.password,
        SELLERAUTH_TOTP_SECRET=who.totp_secret,
        SELLERAUTH_BASE_URL=served.url,
        BENCH_EMAIL=who.email,
        BENCH_PASSWORD=who.password,
        BENCH_TOTP_SECRET=who.totp_secret,
    )


def _wall(command: list[str], runs: int, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    seconds, codes = [], set()
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, check=False)
        seconds.append(time.perf_counter() - started)
        codes.add(done.returncode)
    return summary(seconds) | {"exit": sorted(codes)}


def importtime(code: str, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """`python -X importtime -c CODE`: total and per top-level package, in milliseconds."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    modules: dict[str, int] = {}
    packages: dict[str, int] = {}
    for line in done.stderr.splitlines():
        match = _IMPORTTIME.match(line)
        if not match:
            continue
        self_us, cumulative_us, indent, name = match.groups()
        modules[name] = int(cumulative_us)
        top = name.split(".")[0]
        packages[top] = packages.get(top, 0) + int(self_us)
    heaviest = sorted(packages.items(), key=lambda kv: -kv[1])[:12]
    return {
        "modules": len(modules),
        "total_ms": round(sum(packages.values()) / 1000, 1),
        "heaviest_packages_ms": {k: round(v / 1000, 1) for k, v in heaviest},
        "heavy_imported": [h for h in HEAVY if h in packages],
        "_cumulative": modules,
    }


def _importtimes(code: str, runs: int, env: dict[str, str], cwd: Path) -> dict[str, Any]:
    """The run with the median total of `runs` (importtime itself is noisy)."""
    results = sorted((importtime(code, env, cwd) for _ in range(runs)), key=lambda r: r["total_ms"])
    chosen = results[len(results) // 2]
    chosen["total_ms_runs"] = [r["total_ms"] for r in results]
    return chosen


def imports(runs: int) -> dict[str, Any]:
    env = _clean_env()
    cli = _importtimes("import automation.cli", runs, env, ROOT)
    cli["automation.cli_cumulative_ms"] = round(
        cli["_cumulative"].get("automation.cli", 0) / 1000, 1
    )
    helped, renew_helped = (
        _importtimes(
            f"import sys; sys.argv = {argv!r}\n"
            "from sellerauth.app import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass",
            runs,
            env,
            ROOT,
        )
        for argv in (["sellerauth", "--help"], ["sellerauth", "renew", "--help"])
    )
    runner = _importtimes(
        "import automation.runner, flows.mws.register, flows.mws.access", 1, env, ROOT
    )
    playwright = _importtimes("import playwright.sync_api", 1, env, ROOT)
    for result in (cli, helped, renew_helped, runner, playwright):
        result.pop("_cumulative")
    return {
        "import automation.cli": cli,
        "sellerauth --help (imports)": helped,
        "sellerauth renew --help (imports)": renew_helped,
        "import the flows (what a run adds)": runner,
        "import playwright.sync_api": playwright,
    }


def walls(runs: int) -> dict[str, Any]:
    """Wall time of commands that must stay quick: help and refusing bad input."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        env = _clean_env(SELLERAUTH_STATE_DIR=str(cwd / "state"))
        bad_input = _clean_env(
            SELLERAUTH_STATE_DIR=str(cwd / "state"),
            SELLERAUTH_EMAIL="seller@example.com",
            SELLERAUTH_PASSWORD="x",
        )
        return {
            "python -c pass": _wall([sys.executable, "-c", "pass"], runs, env, cwd),
            "sellerauth --help": _wall([SELLERAUTH, "--help"], runs, env, cwd),
            "sellerauth renew --help": _wall([SELLERAUTH, "renew", "--help"], runs, env, cwd),
            "sellerauth renew --developer-id 12 (refused)": _wall(
                [SELLERAUTH, "renew", "--developer-id", "12", "--json"], runs, bad_input, cwd
            ),
        }


def _first_navigation(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    with sim.serve("expiring") as served:
        who = served.who
        env = env | {
            "SELLERAUTH_EMAIL": who.email,
            "SELLERAUTH_PASSWORD": who.password,
            "SELLERAUTH_TOTP_SECRET": who.totp_secret,
            "SELLERAUTH_BASE_URL": served.url,
            "BENCH_EMAIL": who.email,
            "BENCH_PASSWORD": who.password,
            "BENCH_TOTP_SECRET": who.totp_secret,
        }
        argv = [served.url if part == "{url}" else part for part in command]
        started = time.time()
        done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, check=False)
        ended = time.time()
        requests = served.requests()
    first = requests[0]["time"] - started if requests else None
    error = None
    if done.returncode != 0 or "renewed" not in done.stdout:
        error = f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
    return {"first_navigation": first, "total": ended - started, "error": error}


def first_navigation(browser_path: str, runs: int, progress: Any) -> dict[str, Any]:
    """From process start to the first page load reaching the simulator, for `renew`."""
    commands = {
        "sellerauth": [SELLERAUTH, "renew", "--json"],
        "plain": [sys.executable, "-m", "bench.plain", "renew", "{url}", browser_path],
        "selenium": [sys.executable, "-m", "bench.peer", "renew", "{url}", browser_path],
    }
    runs_by_tool: dict[str, list[dict[str, Any]]] = {name: [] for name in commands}
    for n in range(runs):
        for name, command in commands.items():
            with tempfile.TemporaryDirectory() as tmp:
                cwd = Path(tmp) if name == "sellerauth" else ROOT
                env = _clean_env(
                    SELLERAUTH_STATE_DIR=str(Path(tmp) / "state"), SELLERAUTH_LOG_FORMAT="json"
                )
                result = _first_navigation(command, env, cwd)
            if result["error"]:
                progress(f"  ! {name}: {result['error']}")
            runs_by_tool[name].append(result)
        progress(f"  run {n + 1}/{runs} done")
    out: dict[str, Any] = {}
    for name, results in runs_by_tool.items():
        good = [r for r in results if not r["error"] and r["first_navigation"] is not None]
        out[name] = {
            "first_navigation": summary([r["first_navigation"] for r in good]),
            "total": summary([r["total"] for r in good]),
            "errors": len(results) - len(good),
        }
    base = out["sellerauth"]["first_navigation"]["median"]
    for other in ("plain", "selenium"):
        out[f"ratio_{other}"] = ratio(base, out[other]["first_navigation"]["median"])
    return out


def _process(command: list[str], env: dict[str, str], cwd: Path, served: Any) -> dict[str, Any]:
    """One process against `served`: to its first page load, from its last one to exit, total."""
    served.clear()
    started = time.time()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    ended = time.time()
    requests = served.requests()
    error = None
    if done.returncode != 0 or "A1SIM" not in done.stdout:
        error = f"exit {done.returncode}: {(done.stderr or done.stdout).strip()[-300:]}"
    return {
        "total": ended - started,
        "first_load": requests[0]["time"] - started if requests else None,
        "after_last_load": ended - requests[-1]["time"] if requests else None,
        "error": error,
    }


def process_status(browser_path: str, runs: int, progress: Any) -> dict[str, Any]:
    """Whole-process `sellerauth status --json` against the plain script as a process
    (`python -m bench.plain status URL BROWSER STATE`), fresh (signs in) then saved (from the
    session the fresh run kept), on one new simulator per run and tool; the tools alternate."""
    # Bytecode as an installed package has it (pip compiles at install time): a machine that
    # sets PYTHONDONTWRITEBYTECODE would otherwise compile every module of ours on every run.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", *PACKAGES], cwd=ROOT, check=False, **_QUIET
    )
    tools = ("sellerauth", "plain")
    samples: dict[str, dict[str, list[dict[str, Any]]]] = {
        t: {"fresh": [], "saved": []} for t in tools
    }
    for n in range(runs):
        for name in tools[n % 2 :] + tools[: n % 2]:
            with tempfile.TemporaryDirectory() as tmp, sim.serve("expiring") as served:
                env = status_env(served, Path(tmp))
                if name == "sellerauth":
                    command, cwd = [SELLERAUTH, "status", "--json"], Path(tmp)
                else:
                    state = str(Path(tmp) / "plain-state.json")
                    command = [sys.executable, "-m", "bench.plain", "status", served.url]
                    command += [browser_path, state]
                    cwd = ROOT
                for session in ("fresh", "saved"):
                    result = _process(command, env, cwd, served)
                    if result["error"]:
                        progress(f"  ! {name} status/{session}: {result['error']}")
                    samples[name][session].append(result)
        progress(f"  run {n + 1}/{runs} done")
    out: dict[str, Any] = {}
    for session in ("fresh", "saved"):
        entry: dict[str, Any] = {}
        for name in tools:
            good = [r for r in samples[name][session] if not r["error"]]
            entry[name] = {
                key: summary([r[key] for r in good if r[key] is not None])
                for key in ("total", "first_load", "after_last_load")
            } | {"errors": len(samples[name][session]) - len(good)}
        entry["ratio_plain"] = ratio(
            entry["sellerauth"]["total"]["median"], entry["plain"]["total"]["median"]
        )
        out[f"status/{session}"] = entry
    return out


def measure(browser_path: str, runs: int, progress: Any) -> dict[str, Any]:
    progress("  import time")
    result: dict[str, Any] = {"imports": imports(max(3, runs))}
    progress("  --help and input validation")
    result["walls"] = walls(max(3, runs))
    progress("  process start to first page load (renew)")
    result["first_navigation"] = first_navigation(browser_path, runs, progress)

    spread = result["walls"]["sellerauth --help"]
    result["help_minus_python"] = (
        round(spread["median"] - result["walls"]["python -c pass"]["median"], 3)
        if spread["median"] is not None
        else None
    )
    return result
