"""sellerauth on full Chromium (new headless mode) against Chromium's headless shell."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psutil

from bench.compare import Sample, Sellerauth, one_sample, rotate
from bench.memory import MIB, PeakMemory, _rss_pss
from bench.stats import ratio, summary

PLAN = [("register", "fresh"), ("renew", "fresh"), ("renew", "saved")]


def _new_processes(baseline: set[int]) -> Callable[[], list[psutil.Process]]:
    me = psutil.Process()

    def processes() -> list[psutil.Process]:
        try:
            return [p for p in me.children(recursive=True) if p.pid not in baseline]
        except psutil.Error:
            return []

    return processes


def compare(browsers: dict[str, str], rounds: int, progress: Any) -> dict[str, Any]:
    """Each round, for each browser: launch (timed), idle memory, the flows, peak memory."""
    names = tuple(browsers)
    launches: dict[str, list[float]] = {n: [] for n in names}
    idle: dict[str, list[float]] = {n: [] for n in names}
    peaks: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    samples: list[Sample] = []
    for round_no in range(rounds):
        started = time.perf_counter()
        for name in rotate(names, round_no):
            baseline = {p.pid for p in psutil.Process().children(recursive=True)}
            tool = Sellerauth(browsers[name])
            tool.name = name
            tool.start()
            processes = _new_processes(baseline)
            try:
                idle_rss = _rss_pss(processes())[1] / MIB
                with PeakMemory(processes) as memory:
                    for flow, session in PLAN:
                        sample = one_sample(tool, flow, session, round_no)
                        if sample.error:
                            progress(f"  ! {name} {flow}/{session}: {sample.error}")
                        if round_no >= 0:
                            samples.append(sample)
            finally:
                tool.close()
            if round_no >= 0:
                launches[name].append(tool.launch_seconds[0])
                idle[name].append(idle_rss)
                peaks[name].append(memory.result())
        label = "warm-up" if round_no < 0 else f"round {round_no + 1}/{rounds}"
        progress(f"  {label} done in {time.perf_counter() - started:.1f}s")
    out: dict[str, Any] = {"browsers": browsers}
    for name in names:
        out[name] = {
            "launch": summary(launches[name]),
            "idle_pss_mib": summary(idle[name])["median"],
            "peak_pss_mib": summary([p["peak_pss_mib"] for p in peaks[name]])["median"],
            "peak_rss_mib": summary([p["peak_rss_mib"] for p in peaks[name]])["median"],
            "processes": max((p["peak_processes"] for p in peaks[name]), default=0),
        }
        for flow, session in PLAN:
            mine = [
                s.seconds
                for s in samples
                if (s.tool, s.flow, s.session) == (name, flow, session) and s.seconds is not None
            ]
            out[name][f"{flow}/{session}"] = summary(mine)
    if len(names) == 2:
        first, second = names
        out["ratios"] = {
            key: ratio(out[second][key]["median"], out[first][key]["median"])
            for key in ["launch"] + [f"{f}/{s}" for f, s in PLAN]
        }
        out["ratios"]["peak_pss"] = ratio(out[second]["peak_pss_mib"], out[first]["peak_pss_mib"])
        out["ratios_are"] = f"{second} / {first}"
    return out
