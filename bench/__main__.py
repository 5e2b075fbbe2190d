"""`python -m bench`: every benchmark in one run; prints the figures, writes bench/results/."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import machine, report

RESULTS = Path(__file__).resolve().parent / "results"
SHELL = "/usr/lib/chromium/chromium-headless-shell"
FULL = "/usr/bin/chromium"
PARTS = ("flows", "process", "browsers", "blocking", "startup", "scale")


def _args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per flow (5)")
    parser.add_argument(
        "--side-rounds", type=int, default=3, help="rounds of the browser and blocking runs (3)"
    )
    parser.add_argument("--sellers", type=int, default=50, help="sellers in the scale run (50)")
    parser.add_argument(
        "--concurrency", default="1,2,4,8", help="batch concurrencies, comma-separated"
    )
    parser.add_argument(
        "--only", default=",".join(PARTS), help=f"parts to run, comma-separated: {PARTS}"
    )
    parser.add_argument(
        "--quick", action="store_true", help="a short check: 1 round, 8 sellers at 1 and 2"
    )
    parser.add_argument("--shell", default=SHELL, help="Chromium's headless shell")
    parser.add_argument("--full", default=FULL, help="full Chromium (new headless mode)")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.side_rounds, args.sellers = 1, 1, 8
        args.concurrency = "1,2"
    args.parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = set(args.parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts {sorted(unknown)}; choose from {PARTS}")
    args.concurrencies = [int(c) for c in args.concurrency.split(",")]
    return args


def _progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _quiet_logs(path: Path) -> Any:
    """sellerauth's logs as JSON lines in a file, as a scheduler keeps them (not on screen)."""
    from automation.log import configure_logging

    handle = path.open("a", encoding="utf-8")
    configure_logging("json", "info", handle)
    return handle


def run_flows(args: argparse.Namespace, result: dict[str, Any]) -> None:
    from bench import compare, navigations, protocol

    protocol.install()
    # Imported up front: the launch times below are launches, not first imports.
    import playwright.sync_api  # noqa: F401
    import selenium.webdriver  # noqa: F401

    import automation.browser  # noqa: F401
    import flows.mws.access  # noqa: F401
    import flows.mws.register  # noqa: F401

    _progress("== flows: sellerauth vs plain Playwright vs Selenium (alternating rounds)")
    tools: list[compare.Tool] = [
        compare.Sellerauth(args.shell),
        compare.Plain(args.shell),
        compare.Selenium(args.shell),
    ]
    launches: dict[str, list[float]] = {t.name: [] for t in tools}
    try:
        for round_no in range(args.rounds):
            for tool in compare.rotate(tuple(tools), round_no):
                tool.start()
                launches[tool.name].append(tool.launch_seconds[-1])
                if round_no < args.rounds - 1:
                    tool.lane.call(tool._close)
        samples = compare.run_rounds(tools, compare.main_plan(), args.rounds, 1, _progress)
    finally:
        for tool in tools:
            tool.close()
    summary = compare.summarise(samples)
    counts = navigations.count_table(samples)
    from bench.stats import summary as spread

    result["flows"] = {
        "browser": args.shell,
        "rounds": args.rounds,
        "launch": {name: spread(values) for name, values in launches.items()},
        "summary": summary,
        "samples": [vars(s) for s in samples],
    }
    result["navigations"] = {
        "counts": counts,
        "extra_vs_plain": navigations.extra_loads(counts),
    }
    print("\nFlow medians (wall seconds; fresh = sign-in, saved = saved session)")
    print(report.flows_table(summary))
    print(
        "\nBrowser launch medians: "
        + ", ".join(f"{name} {v['median']}s" for name, v in result["flows"]["launch"].items())
    )
    print("\nPage loads per flow (simulator `request` events) against the minimum")
    print(report.navigations_table(counts))


def run_browsers(args: argparse.Namespace, result: dict[str, Any]) -> None:
    from bench import browsers

    _progress("== sellerauth on the headless shell vs full Chromium (new headless)")
    out = browsers.compare(
        {"headless-shell": args.shell, "chromium": args.full}, args.side_rounds, _progress
    )
    result["browsers"] = out
    rows = []
    for key in ["launch", *[f"{f}/{s}" for f, s in browsers.PLAN]]:
        rows.append(
            [
                key,
                out["headless-shell"][key]["median"],
                out["chromium"][key]["median"],
                report.fmt_x(out["ratios"][key]),
            ]
        )
    rows.append(
        [
            "peak PSS MiB",
            out["headless-shell"]["peak_pss_mib"],
            out["chromium"]["peak_pss_mib"],
            report.fmt_x(out["ratios"]["peak_pss"]),
        ]
    )
    rows.append(
        ["idle PSS MiB", out["headless-shell"]["idle_pss_mib"], out["chromium"]["idle_pss_mib"], ""]
    )
    print("\nsellerauth: headless shell vs full Chromium (seconds, medians)")
    print(report.table(["", "headless-shell", "chromium", "chromium/shell"], rows))


def run_blocking(args: argparse.Namespace, result: dict[str, Any]) -> None:
    from bench import navigations

    _progress("== block_resources off vs on (bare simulator pages, then heavier pages)")
    out = navigations.blocking(args.shell, args.side_rounds, _progress)
    result["blocking"] = out
    rows = []
    for key, entry in out.items():
        off, on = entry["block_off"], entry["block_on"]
        rows.append(
            [
                key,
                off["median"],
                on["median"],
                report.fmt_x(entry["ratio_on_off"]),
                off["page_requests"],
                on["page_requests"],
                off["asset_requests"],
                on["asset_requests"],
            ]
        )
    print("\nblock_resources (sellerauth; seconds, medians; assets = images, font, css, js)")
    print(
        report.table(
            [
                "pages flow/session",
                "off",
                "on",
                "on/off",
                "loads off",
                "loads on",
                "assets off",
                "assets on",
            ],
            rows,
        )
    )


def run_startup(args: argparse.Namespace, result: dict[str, Any]) -> None:
    from bench import startup

    _progress("== start-up")
    out = startup.measure(args.shell, max(args.side_rounds, 1), _progress)
    result["startup"] = out
    rows = [[k, v["median"], v["exit"]] for k, v in out["walls"].items()]
    print("\nStart-up wall times (seconds, medians)")
    print(report.table(["command", "median", "exit"], rows))
    rows = [
        [k, v["total_ms"], ", ".join(v["heavy_imported"]) or "none"]
        for k, v in out["imports"].items()
    ]
    print(report.table(["imports (python -X importtime)", "ms", "heavy packages imported"], rows))
    nav = out["first_navigation"]
    rows = [
        [name, nav[name]["first_navigation"]["median"], nav[name]["total"]["median"]]
        for name in ("sellerauth", "plain", "selenium")
    ]
    print("\n`renew` from process start (seconds, medians)")
    print(report.table(["", "to first page load", "to exit"], rows))


def run_process(args: argparse.Namespace, result: dict[str, Any]) -> None:
    from bench import startup

    _progress("== whole process: `sellerauth status --json` against the plain script process")
    out = startup.process_status(args.shell, max(args.rounds, 3), _progress)
    result["process"] = out
    rows = []
    for key, entry in out.items():
        sa, plain = entry["sellerauth"], entry["plain"]
        rows.append(
            [
                key,
                sa["total"]["median"],
                plain["total"]["median"],
                report.fmt_x(entry["ratio_plain"]),
                f"{sa['total']['min']}-{sa['total']['max']}",
                f"{plain['total']['min']}-{plain['total']['max']}",
                sa["first_load"]["median"],
                plain["first_load"]["median"],
                sa["after_last_load"]["median"],
                plain["after_last_load"]["median"],
            ]
        )
    print("\nWhole process (seconds, medians; sa = sellerauth status --json)")
    print(
        report.table(
            [
                "flow/session",
                "sa",
                "plain",
                "sa/plain",
                "sa range",
                "plain range",
                "sa to 1st load",
                "plain to 1st load",
                "sa last load to exit",
                "plain last load to exit",
            ],
            rows,
        )
    )


def run_scale(args: argparse.Namespace, result: dict[str, Any], stamp: str) -> None:
    from bench import scale

    _progress(f"== scale: {args.sellers} sellers through sellerauth batch, c={args.concurrencies}")
    out = scale.measure(args.sellers, args.concurrencies, _progress)
    result["scale"] = out
    if "error" in out:
        print(f"\nscale: {out['error']}")
        return
    title = f"sellerauth batch, {args.sellers} simulated sellers, {os.cpu_count()} cores"
    plots = [RESULTS / f"{stamp}-scale.png"]
    if result["latest"]:
        plots.append(RESULTS / "latest-scale.png")
    for path in plots:
        scale.plot(out, path, title)
    out["plots"] = [str(p.relative_to(RESULTS.parent.parent)) for p in plots]
    print(f"\nScale: {args.sellers} sellers (status: fresh sign-in; renew: saved sessions)")
    print(report.scale_table(out))
    print("memory per extra worker: " + ", ".join(f"{k} {v}" for k, v in out["per_worker"].items()))
    for run in out["runs"]:
        if run["concurrency"] == min(args.concurrencies):
            shares = ", ".join(
                f"{kind} {seconds / run['sellers']:.2f}"
                for kind, seconds in run["cpu_s_by_kind"].items()
            )
            print(f"CPU s per seller, batch {run['command']} c={run['concurrency']}: {shares}")


def main(argv: list[str] | None = None) -> int:
    args = _args(sys.argv[1:] if argv is None else argv)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + ("-quick" if args.quick else "")
    log_path = Path(tempfile.mkstemp(prefix="sellerauth-bench-", suffix=".log")[1])
    logs = _quiet_logs(log_path)
    started = time.perf_counter()
    result: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv),
        "quick": args.quick,
        "latest": not args.quick and set(args.parts) == set(PARTS),
        "machine": machine.describe({"headless-shell": args.shell, "chromium": args.full}),
        "load_average_start": os.getloadavg(),
    }
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    if load > cores:
        _progress(
            f"warning: the machine is busy (load {load:.1f} on {cores} cores): other processes "
            "compete with the benchmark and the figures will be noisy"
        )
    try:
        if "flows" in args.parts:
            run_flows(args, result)
        if "process" in args.parts:
            run_process(args, result)
        if "browsers" in args.parts:
            run_browsers(args, result)
        if "blocking" in args.parts:
            run_blocking(args, result)
        if "startup" in args.parts:
            run_startup(args, result)
        if "scale" in args.parts:
            run_scale(args, result, stamp)
    finally:
        logs.close()
        log_path.unlink(missing_ok=True)
    result["load_average_end"] = os.getloadavg()
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["targets"] = report.targets(result)
    if result["targets"]:
        print("\nTargets")
        print(report.targets_table(result["targets"]))
    paths = report.write(result, RESULTS, stamp, latest=result["latest"])
    print(f"\n{result['seconds']:.0f}s; written: " + ", ".join(str(p) for p in paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
