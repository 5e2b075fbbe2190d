"""sellerauth itself, driven in-process the way its command line drives it (`run_one`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.sim import Served

FLOWS = ("register", "renew", "status")


class RecordingClock:
    """The real clock, noting every wait (the OTP source waits out a time-step's last seconds)."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            self.sleeps.append(seconds)
            time.sleep(seconds)


def flow_of(name: str) -> Any:
    from flows.mws import register, renew, status
    from tests.jobs import job

    return {
        "register": job(register.SPEC),
        "renew": job(renew.SPEC),
        "status": job(status.SPEC),
    }[name]


def start_browser(browser_path: Path | None = None, *, block_resources: bool = False) -> Any:
    """A started `BrowserSession` (the one a batch worker keeps for all its accounts)."""
    from automation.browser import BrowserSession
    from automation.settings import load_settings

    settings = load_settings(browser_path=browser_path, block_resources=block_resources)
    return BrowserSession(settings).start()


def run(
    browser: Any,
    flow: str,
    served: Served,
    state_dir: Path,
    *,
    clock: RecordingClock | None = None,
) -> Any:
    """One flow for the first seller of `served`, as `sellerauth <flow>` runs it: settings,
    account, `run_one`."""
    from automation.runner import run_one
    from automation.settings import load_settings
    from fixtures.simulator.account import account_settings
    from flows.site import resolve_account

    settings = load_settings(state_dir=state_dir, block_resources=browser.block_resources)
    account = resolve_account(settings, None, **account_settings(served.simulator, served.url))
    return run_one(flow_of(flow), settings, account, browser=browser, clock=clock)
