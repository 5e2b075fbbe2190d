"""Scale on one machine: many simulated sellers through `sellerauth batch` at rising concurrency."""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psutil

from bench import sim
from bench.memory import CpuBusy, PeakMemory, tree
from bench.startup import SELLERAUTH, _clean_env
from bench.stats import slope

COMMANDS = ("status", "renew")
LABELS = {"status": "fresh sign-in", "renew": "saved session"}
TIMEOUT_S = 900


def _batch_available() -> bool:
    try:
        done = subprocess.run(
            [SELLERAUTH, "batch", "--help"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and "status" in done.stdout and "renew" in done.stdout


def _accounts_file(path: Path, served: sim.Served) -> dict[str, str]:
    """One [accounts.<name>] table per login; their secrets as environment variables."""
    lines, env = [], {}
    for n, login in enumerate(served.simulator.scenario.logins, start=1):
        name = f"seller{n:03d}"
        lines += [
            f"[accounts.{name}]",
            f'email = "{login.email}"',
            f'base_url = "{served.url}"',
            "",
        ]
        env[f"SELLERAUTH_ACCOUNTS__{name.upper()}__PASSWORD"] = login.password
        env[f"SELLERAUTH_ACCOUNTS__{name.upper()}__TOTP_SECRET"] = login.totp_secret
    path.write_text("\n".join(lines), encoding="utf-8")
    return env


def _run_batch(
    command: str, concurrency: int, accounts: Path, env: dict[str, str], cwd: Path
) -> dict[str, Any]:
    argv = [SELLERAUTH, "batch", command, "--accounts", str(accounts), "-c", str(concurrency)]
    argv.append("--json")
    stdout = open(cwd / f"{command}-{concurrency}.out", "w+", encoding="utf-8")  # noqa: SIM115
    stderr = open(cwd / f"{command}-{concurrency}.err", "w+", encoding="utf-8")  # noqa: SIM115
    with stdout, stderr:
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
        root = psutil.Process(process.pid)
        with PeakMemory(lambda: tree(root)) as memory, CpuBusy() as cpu:
            try:
                code = process.wait(timeout=TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
        seconds = time.perf_counter() - started
        me = resource.getrusage(resource.RUSAGE_SELF)
        stdout.seek(0)
        lines = [json.loads(line) for line in stdout if line.startswith("{")]
        stderr.seek(0)
        tail = stderr.read()[-400:]
    states = Counter(line.get("state") for line in lines)
    actions = Counter(str((line.get("result") or {}).get("action")) for line in lines)
    per_account = [line.get("seconds") for line in lines if line.get("seconds") is not None]
    return {
        "exit": code,
        "seconds": round(seconds, 2),
        "states": dict(states),
        "actions": dict(actions) if command == "renew" else None,
        "account_seconds_median": sorted(per_account)[len(per_account) // 2]
        if per_account
        else None,
        "cpu_busy_percent": cpu.percent,
        # sellerauth's whole tree (Python, Playwright's driver, Chromium), sampled
        "sellerauth_cpu_s": memory.result()["tree_cpu_s"],
        # this process: the simulator serving the pages (and the sampler itself)
        "simulator_cpu_s": round(
            me.ru_utime + me.ru_stime - self_before.ru_utime - self_before.ru_stime, 2
        ),
        "machine_cpu_s": cpu.busy_seconds,
        "stderr_tail": tail if code != 0 else None,
        **memory.result(),
    }


def measure(sellers: int, concurrencies: list[int], progress: Any) -> dict[str, Any]:
    """For each concurrency: a fresh simulator with `sellers` sellers whose access expires in
    10 days and a fresh state directory; `batch status` (every seller signs in), then
    `batch renew` on the sessions it saved (no sign-in page; every seller renewed)."""
    if not _batch_available():
        return {"error": "`sellerauth batch` is not available"}
    runs: list[dict[str, Any]] = []
    for concurrency in concurrencies:
        tmp = Path(tempfile.mkdtemp(prefix="sellerauth-bench-scale-"))
        try:
            with sim.serve(sim.many_sellers(sellers)) as served:
                accounts = tmp / "accounts.toml"
                secrets = _accounts_file(accounts, served)
                env = _clean_env(
                    SELLERAUTH_STATE_DIR=str(tmp / "state"),
                    SELLERAUTH_LOG_FORMAT="json",
                    **secrets,
                )
                for command in COMMANDS:
                    served.clear()
                    result = _run_batch(command, concurrency, accounts, env, tmp)
                    requests = served.requests()
                    # What else kept the cores busy meanwhile (other users' processes).
                    result["others_cpu_s"] = round(
                        (result["machine_cpu_s"] or 0)
                        - result["sellerauth_cpu_s"]
                        - result["simulator_cpu_s"],
                        1,
                    )
                    result |= {
                        "command": command,
                        "concurrency": concurrency,
                        "sellers": sellers,
                        "sellers_per_minute": round(sellers * 60 / result["seconds"], 1),
                        "cpu_s_per_seller": round(result["sellerauth_cpu_s"] / sellers, 3),
                        "page_requests": len(requests),
                        "signin_requests": sum(1 for r in requests if r["path"].startswith("/ap/")),
                    }
                    runs.append(result)
                    progress(
                        f"  batch {command} -c {concurrency}: {result['seconds']:.1f}s, "
                        f"{result['sellers_per_minute']:.1f} sellers/min, peak PSS "
                        f"{result['peak_pss_mib']:.0f} MiB, CPU {result['cpu_busy_percent']}%, "
                        f"states {result['states']}"
                    )
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return {"runs": runs, "per_worker": _per_worker(runs), "nproc": os.cpu_count()}


def _per_worker(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Memory each extra worker adds: the slope of peak memory over concurrency."""
    out: dict[str, Any] = {}
    for command in COMMANDS:
        mine = [r for r in runs if r["command"] == command]
        xs = [r["concurrency"] for r in mine]
        for key in ("peak_pss_mib", "peak_rss_mib"):
            value = slope(xs, [r[key] for r in mine])
            out[f"{command} {key.replace('peak_', '').replace('_mib', '')} MiB/worker"] = (
                round(value, 1) if value is not None else None
            )
    return out


def plot(result: dict[str, Any], path: Path, title: str) -> Path | None:
    """Throughput (and peak memory) against concurrency, as a PNG."""
    runs = result.get("runs")
    if not runs:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for command, marker in zip(COMMANDS, ("o", "s"), strict=True):
        mine = [r for r in runs if r["command"] == command]
        xs = [r["concurrency"] for r in mine]
        left.plot(
            xs,
            [r["sellers_per_minute"] for r in mine],
            marker=marker,
            label=f"{command} ({LABELS[command]})",
        )
        right.plot(xs, [r["peak_pss_mib"] for r in mine], marker=marker, label=f"{command} PSS")
    nproc = result.get("nproc")
    for axis in (left, right):
        axis.set_xscale("log", base=2)
        axis.set_xticks(sorted({r["concurrency"] for r in runs}))
        axis.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        axis.set_xlabel("concurrency (workers, one browser each)")
        axis.grid(True, alpha=0.3)
        if nproc:
            axis.axvline(nproc, color="grey", linestyle=":", label=f"{nproc} cores")
        axis.legend()
    left.set_ylabel("sellers per minute")
    left.set_ylim(bottom=0)
    right.set_ylabel("peak memory of the process tree (MiB)")
    right.set_ylim(bottom=0)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
