"""Fixtures for the simulator's own tests: a fake clock and a factory of simulators and clients."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from fixtures.simulator import Simulator, build_scenario
from fixtures.simulator.testing import FakeClock, SimClient


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_sim(clock: FakeClock) -> Callable[..., Simulator]:
    """`make_sim("granted", language="en")`: a simulator of a named scenario on the fake clock."""

    def make(name: str = "demo", **overrides: Any) -> Simulator:
        return Simulator(build_scenario(name, **overrides), clock=clock)

    return make


@pytest.fixture
def make_client(make_sim: Callable[..., Simulator]) -> Callable[..., SimClient]:
    """`make_client("demo")`: a test client of a fresh simulator."""

    def make(name: str = "demo", **overrides: Any) -> SimClient:
        return SimClient(make_sim(name, **overrides))

    return make
