"""The core flows on one layout seed: shared by the seeded tests and the 200-seed sweep.

Each check starts a simulator serving one layout seed (fixtures/simulator/layouts.py), runs one
flow through the product's runner in a shared headless browser, and asserts both what the bot
reported and what the simulator's event log saw (exactly the clicks the flow should make,
never a hidden decoy or a hidden copy's control).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from automation.browser import BrowserSession
from automation.errors import WrongDeveloper
from automation.otp import FakeClock
from automation.runner import run_one
from automation.settings import Settings, load_settings
from fixtures.simulator import Faults, Simulator, SimulatorServer, build_scenario
from fixtures.simulator.account import account_settings
from fixtures.simulator.dates import JST
from flows.mws import register, renew, status
from flows.site import resolve_account
from tests.jobs import job

OUR_ID = "5259-6479-4073"
MARKETPLACE_JP = "A1VC38T7YXB528"


def language_of(seed: int) -> str:
    """The page language a seed's checks use: Japanese on even seeds, English on odd ones."""
    return "en" if seed % 2 else "ja"


@dataclass
class Harness:
    """One headless browser shared by many checks, and a settings factory."""

    browser: BrowserSession
    workdir: Path
    timeout_ms: int = 5000

    def run(
        self,
        seed: int,
        scenario: str,
        flow: Callable[..., Any],
        *,
        faults: Faults | None = None,
        expect_error: bool = False,
    ) -> tuple[Simulator, Any]:
        """Run `flow` once on `scenario` served with layout seed `seed`: (simulator, result),
        or with `expect_error` (simulator, the error raised; AssertionError if none was)."""
        clock = FakeClock()
        overrides: dict[str, Any] = {"layout_seed": seed, "language": language_of(seed)}
        if faults is not None:
            overrides["faults"] = faults
        sim = Simulator(build_scenario(scenario, **overrides), clock=clock)
        server = SimulatorServer(sim)
        server.start()
        try:
            state = Path(tempfile.mkdtemp(dir=self.workdir))
            settings: Settings = load_settings(
                state_dir=state, timeout_ms=self.timeout_ms, log_format="json"
            )
            account = resolve_account(settings, None, **account_settings(sim, server.url))
            # A shared browser: its contexts get this harness's settings.
            self.browser.timeout_ms = settings.timeout_ms
            self.browser.block_resources = settings.block_resources
            try:
                result = run_one(flow, settings, account, clock=clock, browser=self.browser)
            except Exception as error:
                if expect_error:
                    return sim, error
                raise
            if expect_error:
                raise AssertionError(f"expected an error, got {result!r}")
            return sim, result
        finally:
            server.stop()


@contextmanager
def harness(workdir: Path, timeout_ms: int = 5000) -> Iterator[Harness]:
    """A started shared browser for the checks."""
    settings = load_settings(state_dir=workdir, timeout_ms=timeout_ms, log_format="json")
    with BrowserSession(settings, headed=False) as browser:
        yield Harness(browser=browser, workdir=workdir, timeout_ms=timeout_ms)


def _row_actions(sim: Simulator) -> list[tuple[str, str]]:
    return [(e["developer_id"], e["action"]) for e in sim.events_of("row_action")]


def _no_stray_clicks(sim: Simulator) -> None:
    assert sim.events_of("decoy_clicked") == [], "clicked a hidden decoy or hidden copy"
    assert sim.events_of("confirmation_change") == []
    assert sim.events_of("invite_user") == []


def _today(sim: Simulator) -> datetime:
    return sim.now()


# -- the core flows ------------------------------------------------------------------------


def check_register_granted(h: Harness, seed: int) -> None:
    """register grants once, and reads the completion page's three values right."""
    sim, result = h.run(seed, "demo", job(register.SPEC))
    assert result.outcome == "granted"
    (grant,) = sim.events_of("grant")
    assert [e["boxes"] for e in sim.events_of("grant_attempt")] == [[1, 2]]
    seller = sim.scenario.sellers()[0]
    assert result.mws_auth_token.get_secret_value() == grant["token"]
    assert result.seller_id == seller.seller_id
    assert result.marketplace_id == MARKETPLACE_JP
    assert _row_actions(sim) == []
    _no_stray_clicks(sim)


def check_register_already_granted(h: Harness, seed: int) -> None:
    """register on an account that has our developer reveals its token, clicks nothing else."""
    sim, result = h.run(seed, "granted", job(register.SPEC))
    assert result.outcome == "already_granted"
    seller = sim.scenario.sellers()[0]
    row = sim.developer_row(seller.seller_id, OUR_ID)
    assert row is not None and result.mws_auth_token.get_secret_value() == row.token
    assert sim.events_of("grant_attempt") == [] and _row_actions(sim) == []
    assert [e["developer_id"] for e in sim.events_of("token_view")] == [OUR_ID]
    _no_stray_clicks(sim)


def check_register_restored(h: Harness, seed: int) -> None:
    """register on an expired developer restores it once from the history, same token."""
    sim, result = h.run(seed, "expired", job(register.SPEC))
    assert result.outcome == "restored"
    seller = sim.scenario.sellers()[0]
    row = sim.developer_row(seller.seller_id, OUR_ID)
    assert row is not None and result.mws_auth_token.get_secret_value() == row.token
    assert _row_actions(sim) == [(OUR_ID, "restore")]
    assert sim.events_of("grant_attempt") == []
    _no_stray_clicks(sim)


def check_status_paged(h: Harness, seed: int) -> None:
    """status lists every developer of both paged tables once, the seller's own row left out."""
    sim, result = h.run(seed, "many-developers", job(status.SPEC))
    seller = sim.scenario.sellers()[0]
    assert result.seller_id == seller.seller_id
    assert result.access_confirmation == "enabled"
    listed = sorted((d.developer_id, d.state) for d in result.developers)
    expected = sorted(
        (r.developer_id, "active" if sim.is_current(seller, r) else "inactive")
        for r in seller.developers
    )
    assert listed == expected
    assert _row_actions(sim) == [] and sim.events_of("grant_attempt") == []
    _no_stray_clicks(sim)


def check_status_empty_history(h: Harness, seed: int) -> None:
    """status on an account with an empty history: the current rows, and no history."""
    sim, result = h.run(seed, "granted", job(status.SPEC))
    seller = sim.scenario.sellers()[0]
    assert sorted(d.developer_id for d in result.developers) == sorted(
        r.developer_id for r in seller.developers
    )
    assert all(d.state == "active" for d in result.developers)
    ours = next(d for d in result.developers if d.developer_id == OUR_ID)
    row = sim.developer_row(seller.seller_id, OUR_ID)
    assert row is not None and row.expires_at is not None
    # The page shows Japan time (fixtures/simulator/dates.py): a day ahead late in the UTC day.
    assert ours.expires_at == row.expires_at.astimezone(JST).date()
    assert _row_actions(sim) == []
    _no_stray_clicks(sim)


def check_renew_renewed(h: Harness, seed: int) -> None:
    """renew extends access running out soon once, and reads the new expiry back."""
    sim, result = h.run(seed, "expiring", job(renew.SPEC))
    assert result.action == "renewed"
    assert _row_actions(sim) == [(OUR_ID, "renew")]
    assert result.expires_at is not None
    assert result.expires_at >= (_today(sim) + timedelta(days=364)).date()
    _no_stray_clicks(sim)


def check_renew_restored(h: Harness, seed: int) -> None:
    """renew restores expired access once from the history."""
    sim, result = h.run(seed, "expired", job(renew.SPEC))
    assert result.action == "restored"
    assert _row_actions(sim) == [(OUR_ID, "restore")]
    _no_stray_clicks(sim)


def check_renew_none(h: Harness, seed: int) -> None:
    """renew clicks nothing when access is good for long."""
    sim, result = h.run(seed, "granted", job(renew.SPEC))
    assert result.action == "none"
    assert _row_actions(sim) == []
    _no_stray_clicks(sim)


def check_consent_wrong_developer(h: Harness, seed: int) -> None:
    """A consent page naming another developer stops: nothing ticked, nothing submitted."""
    faults = Faults(consent_developer_name="evil-corp")
    sim, error = h.run(seed, "demo", job(register.SPEC), faults=faults, expect_error=True)
    assert isinstance(error, WrongDeveloper), repr(error)
    assert "evil-corp" in str(error)
    assert len(sim.events_of("consent_shown")) == 1, "the consent page was loaded more than once"
    assert sim.events_of("grant_attempt") == [] and sim.events_of("grant") == []
    _no_stray_clicks(sim)


CHECKS: dict[str, Callable[[Harness, int], None]] = {
    "register_granted": check_register_granted,
    "register_already_granted": check_register_already_granted,
    "register_restored": check_register_restored,
    "status_paged": check_status_paged,
    "status_empty_history": check_status_empty_history,
    "renew_renewed": check_renew_renewed,
    "renew_restored": check_renew_restored,
    "renew_none": check_renew_none,
    "consent_wrong_developer": check_consent_wrong_developer,
}
"""The core flows, by name (completion reading is part of `register_granted`)."""
