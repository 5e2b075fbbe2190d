"""Printing the figures as tables, judging them against the issue's targets, writing JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.stats import fmt_s, fmt_x

PLAIN_TARGET = 1.10  # issue 15: every flow, and the whole process, within 1.10x the plain script
RISE = 1.05  # throughput "rises" when it grows by 5 % or more
BUSY_PERCENT = 80  # the machine's cores count as busy from this average CPU use


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    cells = [[str(h) for h in headers]] + [["-" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def flows_table(summary: dict[str, Any]) -> str:
    rows = []
    for key, entry in summary.items():
        sa, pl, se = (entry.get(t, {}) for t in ("sellerauth", "plain", "selenium"))
        rows.append(
            [
                key,
                fmt_s(sa.get("median")),
                fmt_s(pl.get("median")),
                fmt_s(se.get("median")),
                fmt_x(entry.get("ratio_plain")),
                fmt_x(entry.get("paired_ratio_plain")),
                fmt_x(entry.get("ratio_selenium")),
                f"{sa.get('round_trips', '-')}/{pl.get('round_trips', '-')}/"
                f"{se.get('round_trips', '-')}",
                sum(e.get("errors", 0) for e in (sa, pl, se)),
            ]
        )
    return table(
        [
            "flow/session",
            "sellerauth",
            "plain",
            "selenium",
            "sa/plain",
            "(paired)",
            "sa/selenium",
            "round trips sa/pl/se",
            "errors",
        ],
        rows,
    )


def navigations_table(counts: dict[str, Any]) -> str:
    rows = [
        [key, e["requests"], e["minimum"], e["extra"], e["signin_requests"]]
        for key, e in counts.items()
    ]
    return table(["tool flow/session", "page loads", "minimum", "extra", "sign-in (/ap/)"], rows)


def targets(result: dict[str, Any]) -> dict[str, Any]:
    """Each target of the issue: met, missed, or not measured."""
    out: dict[str, Any] = {}
    for key, entry in result.get("flows", {}).get("summary", {}).items():
        if "ratio_plain" in entry:
            value = entry["ratio_plain"]
            out[f"{key} within {PLAIN_TARGET}x plain"] = {
                "value": value,
                "met": value is not None and value <= PLAIN_TARGET,
            }
        if "ratio_selenium" in entry:
            value = entry["ratio_selenium"]
            out[f"{key} faster than Selenium"] = {
                "value": value,
                "met": value is not None and value < 1.0,
            }
    for key, entry in result.get("process", {}).items():
        value = entry.get("ratio_plain")
        out[f"process {key} within {PLAIN_TARGET}x plain"] = {
            "value": value,
            "met": value is not None and value <= PLAIN_TARGET,
        }
    scale = result.get("scale", {})
    runs = scale.get("runs") or []
    cores = scale.get("nproc") or 1
    for command in ("status", "renew"):
        mine = sorted((r for r in runs if r["command"] == command), key=lambda r: r["concurrency"])
        if len(mine) < 2:
            continue
        steps, met = [], True
        for before, after in zip(mine, mine[1:], strict=False):
            gain = after["sellers_per_minute"] / before["sellers_per_minute"] - 1
            busy = before.get("cpu_busy_percent") or 0
            steps.append(
                f"c{before['concurrency']}->c{after['concurrency']}: {gain:+.0%} "
                f"(CPU {busy:.0f}%->{after.get('cpu_busy_percent') or 0:.0f}%)"
            )
            # Up to one worker per core throughput must rise; beyond, only if cores are idle.
            must_rise = after["concurrency"] <= cores or busy < BUSY_PERCENT
            if must_rise and gain < RISE - 1:
                met = False
        out[f"batch {command} throughput rises until the cores are busy"] = {
            "value": steps,
            "met": met,
        }
    return out


def targets_table(judged: dict[str, Any]) -> str:
    rows = []
    for name, entry in judged.items():
        value = entry["value"]
        shown = "; ".join(value) if isinstance(value, list) else f"{value:.3f}x"
        rows.append([name, "met" if entry["met"] else "MISSED", shown])
    return table(["target", "", "value"], rows)


def scale_table(scale: dict[str, Any]) -> str:
    rows = [
        [
            f"batch {r['command']}",
            r["concurrency"],
            f"{r['seconds']:.1f}s",
            r["sellers_per_minute"],
            r.get("cpu_busy_percent"),
            r.get("cpu_s_per_seller"),
            r.get("simulator_cpu_s"),
            r.get("others_cpu_s"),
            r["peak_pss_mib"],
            r["peak_rss_mib"],
            r["peak_processes"],
            r["signin_requests"],
            ",".join(f"{k}:{v}" for k, v in r["states"].items()),
        ]
        for r in scale.get("runs", [])
    ]
    return table(
        [
            "command",
            "c",
            "wall",
            "sellers/min",
            "CPU %",
            "CPU s/seller",
            "sim CPU s",
            "others CPU s",
            "peak PSS MiB",
            "peak RSS MiB",
            "procs",
            "/ap/ loads",
            "states",
        ],
        rows,
    )


def write(result: dict[str, Any], directory: Path, stamp: str, *, latest: bool) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result, indent=1, ensure_ascii=False, default=str)
    paths = [directory / f"{stamp}.json"]
    if latest:
        paths.append(directory / "latest.json")
    for path in paths:
        path.write_text(text + "\n", encoding="utf-8")
    return paths
