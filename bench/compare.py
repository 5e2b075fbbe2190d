"""sellerauth against the plain Playwright script and Selenium: the same flows, alternating."""

from __future__ import annotations

import shutil
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import peer, plain, product, protocol, sim
from bench.stats import paired_ratio, ratio, summary
from bench.workers import Lane

# (flow, scenario): register grants on a fresh `demo`; renew renews an `expiring` row.
SCENARIOS = {"register": "demo", "renew": "expiring", "status": "expiring"}
SESSIONS = ("fresh", "saved")
TOOLS = ("sellerauth", "plain", "selenium")
COMPARED_FLOWS = ("register", "renew")
# Flows only sellerauth runs here (for the navigation counts).
SELLERAUTH_ONLY = ("status",)


@dataclass
class Sample:
    """One timed run of one flow by one tool against a fresh simulator."""

    tool: str
    flow: str
    session: str
    round: int
    seconds: float | None
    requests: int
    signin_requests: int
    paths: list[str] = field(default_factory=list)
    round_trips: int | None = None
    top_calls: dict[str, int] = field(default_factory=dict)
    otp_wait_s: float = 0.0
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Tool:
    """A driver living in its own thread: launch, prepare a saved session, run a flow timed."""

    name = ""

    def __init__(self, browser_path: str) -> None:
        self.browser_path = browser_path
        self.lane = Lane(self.name)
        self.launch_seconds: list[float] = []

    def start(self) -> None:
        """Launch, and show a first blank page (full Chromium defers work until then)."""

        def launch() -> None:
            self._start()
            self._first_page()

        started = time.perf_counter()
        self.lane.call(launch)
        self.launch_seconds.append(time.perf_counter() - started)

    def close(self) -> None:
        try:
            self.lane.call(self._close)
        finally:
            self.lane.close()

    def prepare(self, served: sim.Served, tmp: Path) -> Any:
        """Sign in once, untimed; what `timed` needs to start from the saved session."""
        return self.lane.call(self._prepare, served, tmp)

    def timed(
        self, flow: str, served: sim.Served, saved: Any, tmp: Path
    ) -> tuple[float, Any, Counter[str]]:
        """Seconds, result and driver round trips (by method) of one flow."""

        def measure() -> tuple[float, Any, Counter[str]]:
            calls = protocol.snapshot()
            started = time.perf_counter()
            result = self._run(flow, served, saved, tmp)
            seconds = time.perf_counter() - started
            return seconds, result, protocol.snapshot() - calls

        return self.lane.call(measure)

    def check(self, flow: str, result: Any) -> None:
        """Raise if the flow did not do its job."""
        text = str(result)
        wanted = {
            "register": ("amzn.mws.", "outcome='granted'"),
            "renew": ("renewed",),
            "status": ("developers",),
        }[flow]
        if not any(w in text for w in wanted):
            raise RuntimeError(f"{self.name} {flow} returned {text[:80]!r}")

    # per tool
    def _start(self) -> None: ...
    def _first_page(self) -> None: ...
    def _close(self) -> None: ...
    def _prepare(self, served: sim.Served, tmp: Path) -> Any: ...
    def _run(self, flow: str, served: sim.Served, saved: Any, tmp: Path) -> Any: ...


class Sellerauth(Tool):
    name = "sellerauth"

    def __init__(self, browser_path: str, *, block_resources: bool = False) -> None:
        super().__init__(browser_path)
        self.block_resources = block_resources
        self.clock = product.RecordingClock()

    def _start(self) -> None:
        self.session = product.start_browser(
            Path(self.browser_path), block_resources=self.block_resources
        )

    def _first_page(self) -> None:
        context = self.session.new_context()
        context.new_page().goto("about:blank")
        context.close()

    def _close(self) -> None:
        self.session.close()

    def _prepare(self, served: sim.Served, tmp: Path) -> Any:
        product.run(self.session, "status", served, tmp)
        return tmp

    def _run(self, flow: str, served: sim.Served, saved: Any, tmp: Path) -> Any:
        return product.run(self.session, flow, served, tmp, clock=self.clock)


class Plain(Tool):
    name = "plain"

    def _start(self) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=self.browser_path)

    def _first_page(self) -> None:
        context = self.browser.new_context()
        context.new_page().goto("about:blank")
        context.close()

    def _close(self) -> None:
        self.browser.close()
        self.playwright.stop()

    def _prepare(self, served: sim.Served, tmp: Path) -> Any:
        context = self.browser.new_context(locale="ja-JP")
        try:
            plain.save_session(context.new_page(), served.url, served.who, tmp / "state.json")
        finally:
            context.close()
        return tmp / "state.json"

    def _run(self, flow: str, served: sim.Served, saved: Any, tmp: Path) -> Any:
        return plain.run(self.browser, flow, served.url, served.who, saved)


class Selenium(Tool):
    name = "selenium"

    def _start(self) -> None:
        self.driver = peer.start(
            self.browser_path, headless_shell="headless-shell" in self.browser_path
        )

    def _first_page(self) -> None:
        self.driver.get("about:blank")

    def _close(self) -> None:
        self.driver.quit()

    def _prepare(self, served: sim.Served, tmp: Path) -> Any:
        return peer.save_session(self.driver, served.url, served.who)

    def _run(self, flow: str, served: sim.Served, saved: Any, tmp: Path) -> Any:
        return peer.run(self.driver, flow, served.url, served.who, saved)


def one_sample(
    tool: Tool, flow: str, session: str, round_no: int, *, heavy: bool = False
) -> Sample:
    """A fresh simulator and state directory; sign in first (untimed) for a saved session."""
    tmp = Path(tempfile.mkdtemp(prefix="sellerauth-bench-"))
    try:
        with sim.serve(SCENARIOS[flow], heavy=heavy) as served:
            try:
                saved = tool.prepare(served, tmp) if session == "saved" else None
                served.clear()
                waits_before = _waits(tool)
                seconds, result, calls = tool.timed(flow, served, saved, tmp)
                tool.check(flow, result)
                error = None
            except Exception as problem:  # one bad sample must not end a ten-minute run
                seconds, error, calls = None, _describe(problem), Counter()
                waits_before = _waits(tool)
            requests = served.requests()
            extra: dict[str, Any] = {}
            if served.heavy is not None:
                extra["assets"] = dict(served.heavy.served)
                extra["asset_requests"] = served.heavy.total()
            return Sample(
                tool=tool.name,
                flow=flow,
                session=session,
                round=round_no,
                seconds=seconds,
                requests=len(requests),
                signin_requests=sum(1 for r in requests if r["path"].startswith("/ap/")),
                paths=[f"{r['method']} {r['path']} {r['status']}" for r in requests],
                round_trips=sum(calls.values()) if calls else None,
                top_calls=dict(calls.most_common()),
                otp_wait_s=round(_waits(tool) - waits_before, 3),
                error=error,
                extra=extra,
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _waits(tool: Tool) -> float:
    clock = getattr(tool, "clock", None)
    return sum(clock.sleeps) if clock is not None else 0.0


def _describe(problem: Exception) -> str:
    frames = traceback.extract_tb(problem.__traceback__)
    where = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    first = str(problem).strip().splitlines()
    return f"{type(problem).__name__}: {first[0][:200] if first else ''}{where}"


def rotate(items: tuple[Any, ...], n: int) -> tuple[Any, ...]:
    """The items starting at position n: each round, another tool goes first."""
    n %= len(items)
    return items[n:] + items[:n]


def run_rounds(
    tools: list[Tool],
    plan: list[tuple[str, str, tuple[str, ...]]],
    rounds: int,
    warmup: int,
    progress: Callable[[str], None],
    *,
    heavy: bool = False,
) -> list[Sample]:
    """`warmup` unrecorded rounds then `rounds` rounds; each round every (flow, session) once
    per tool in `plan`, the tools' order rotating from round to round."""
    by_name = {t.name: t for t in tools}
    samples: list[Sample] = []
    for round_no in range(-warmup, rounds):
        started = time.perf_counter()
        for flow, session, names in plan:
            for name in rotate(names, round_no):
                sample = one_sample(by_name[name], flow, session, round_no, heavy=heavy)
                if round_no >= 0:
                    samples.append(sample)
                if sample.error:
                    progress(f"  ! {name} {flow}/{session}: {sample.error}")
        label = "warm-up" if round_no < 0 else f"round {round_no + 1}/{rounds}"
        progress(f"  {label} done in {time.perf_counter() - started:.1f}s")
    return samples


def main_plan() -> list[tuple[str, str, tuple[str, ...]]]:
    plan = [(flow, session, TOOLS) for flow in COMPARED_FLOWS for session in SESSIONS]
    plan += [(flow, session, ("sellerauth",)) for flow in SELLERAUTH_ONLY for session in SESSIONS]
    return plan


def summarise(samples: list[Sample]) -> dict[str, Any]:
    """Per (flow, session): each tool's seconds, and the ratios sellerauth/plain, /selenium."""
    out: dict[str, Any] = {}
    keys = sorted({(s.flow, s.session) for s in samples})
    for flow, session in keys:
        group = [s for s in samples if (s.flow, s.session) == (flow, session)]
        entry: dict[str, Any] = {}
        by_round: dict[str, dict[int, float]] = {}
        for name in TOOLS:
            mine = [s for s in group if s.tool == name]
            if not mine:
                continue
            ok = [s.seconds for s in mine if s.seconds is not None]
            trips = sorted(s.round_trips for s in mine if s.round_trips is not None)
            entry[name] = summary(ok) | {
                "errors": sum(1 for s in mine if s.error),
                "round_trips": trips[len(trips) // 2] if trips else None,
            }
            by_round[name] = {s.round: s.seconds for s in mine if s.seconds is not None}
        base = entry.get("sellerauth", {}).get("median")
        for other in ("plain", "selenium"):
            if other in entry:
                entry[f"ratio_{other}"] = ratio(base, entry[other]["median"])
                pairs = [
                    (v, by_round[other][r])
                    for r, v in by_round.get("sellerauth", {}).items()
                    if r in by_round[other]
                ]
                entry[f"paired_ratio_{other}"] = paired_ratio(pairs)
        waits = [s.otp_wait_s for s in group if s.tool == "sellerauth" and s.otp_wait_s]
        entry["sellerauth_otp_waits"] = {"count": len(waits), "seconds": round(sum(waits), 3)}
        out[f"{flow}/{session}"] = entry
    return out
