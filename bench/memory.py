"""Peak memory of a process tree, sampled from a thread with psutil."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import psutil

MIB = 2**20


def tree(root: psutil.Process) -> list[psutil.Process]:
    """A process and all its descendants (those still alive)."""
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def kind_of(proc: psutil.Process) -> str:
    """What a process of sellerauth's tree is: python, the Playwright driver, which Chromium."""
    try:
        name, cmdline = proc.name(), proc.cmdline()
    except psutil.Error:
        return "other"
    if name.startswith("python") or name == "sellerauth":
        return "python"
    if name == "node" or "node" in name or any(part.endswith("/node") for part in cmdline[:1]):
        return "playwright driver (node)"
    for part in cmdline:
        if part.startswith("--type="):
            kind = part.removeprefix("--type=")
            return f"chromium {'gpu' if kind == 'gpu-process' else kind}"
    if name == "exe":  # Chromium re-executed through /proc/self/exe (its zygote)
        return "chromium zygote"
    return "chromium browser" if "chrom" in name or "chrom" in " ".join(cmdline[:1]) else name


def _rss_pss(procs: list[psutil.Process]) -> tuple[int, int, int]:
    rss = pss = count = 0
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
        count += 1
    return rss, pss, count


class PeakMemory:
    """Sample the summed RSS and PSS of `processes()` (every `interval` seconds) and their CPU
    time (every `interval / 3`); keep the peaks and each process's last CPU time.

    RSS counts pages Chromium's processes share once per process; PSS splits them fairly, so
    PSS is the better total and RSS the figure most tools show. The CPU total is a lower bound
    (a process's last fraction of a tick before it exits is missed); rusage of reaped children
    would miss far more, since Chromium's renderers are not reaped up to this process.
    """

    def __init__(self, processes: Callable[[], list[psutil.Process]], interval: float = 0.3):
        self._processes = processes
        self.interval = interval
        self.peak_rss = self.peak_pss = self.peak_processes = self.samples = 0
        self.cpu_by_pid: dict[int, float] = {}
        self.kind_by_pid: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-memory", daemon=True)

    def _run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            procs = self._processes()
            self._cpu(procs)
            if tick % 3 == 0:
                self._memory(procs)
            tick += 1
            self._stop.wait(self.interval / 3)

    def _cpu(self, procs: list[psutil.Process]) -> None:
        for proc in procs:
            try:
                times = proc.cpu_times()
            except psutil.Error:
                continue
            self.cpu_by_pid[proc.pid] = times.user + times.system
            if proc.pid not in self.kind_by_pid:
                self.kind_by_pid[proc.pid] = kind_of(proc)

    def _memory(self, procs: list[psutil.Process]) -> None:
        rss, pss, count = _rss_pss(procs)
        self.samples += 1
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_processes = max(self.peak_processes, count)

    def sample(self) -> None:
        procs = self._processes()
        self._cpu(procs)
        self._memory(procs)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def cpu_by_kind(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for pid, seconds in self.cpu_by_pid.items():
            kind = self.kind_by_pid.get(pid, "other")
            totals[kind] = totals.get(kind, 0.0) + seconds
        return {k: round(v, 2) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])}

    def result(self) -> dict[str, Any]:
        return {
            "peak_rss_mib": round(self.peak_rss / MIB, 1),
            "peak_pss_mib": round(self.peak_pss / MIB, 1),
            "peak_processes": self.peak_processes,
            "processes_seen": len(self.cpu_by_pid),
            "tree_cpu_s": round(sum(self.cpu_by_pid.values()), 2),
            "cpu_s_by_kind": self.cpu_by_kind(),
            "samples": self.samples,
        }


class CpuBusy:
    """The machine's average CPU use (all cores, percent) between enter and exit."""

    def __enter__(self) -> CpuBusy:
        self._start = psutil.cpu_times()
        self._t = time.monotonic()
        self.percent: float | None = None
        self.busy_seconds: float | None = None
        return self

    def __exit__(self, *exc: object) -> None:
        end = psutil.cpu_times()
        busy = sum(
            getattr(end, f) - getattr(self._start, f)
            for f in ("user", "nice", "system", "irq", "softirq", "steal")
            if hasattr(end, f)
        )
        idle = sum(
            getattr(end, f) - getattr(self._start, f) for f in ("idle", "iowait") if hasattr(end, f)
        )
        total = busy + idle
        self.percent = round(100 * busy / total, 1) if total > 0 else None
        self.busy_seconds = round(busy, 2)
