"""Shared fixtures: a clean environment, a simulator per test, a way to run a flow against it."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from automation.browser import LAUNCH_ARGS, BrowserSession
from automation.chromium import find_chromium
from automation.errors import SellerAuthError
from automation.log import clear_secrets
from automation.otp import FakeClock
from automation.runner import run_one
from automation.settings import Settings, load_settings
from fixtures.simulator import Scenario, Simulator, SimulatorServer, build_scenario
from flows.site import SellerAccount, resolve_account
from tests.postgres import Cluster, StoreBackend, backend, start_cluster

# Fixtures that start a real Chromium, directly or through the product: a test using any of
# them is marked `browser`, so `pytest -m "not browser"` runs in seconds.
BROWSER_FIXTURES = frozenset(
    {
        "page",  # pytest-playwright
        "context",
        "browser",
        "run",  # a flow through the product's runner (below)
        "account_for",  # an account for a served simulator: only a browser signs in with it
        "site_factory",  # a simulator served over HTTP (the simulator's own tests use a client)
        "real_clock_site",  # tests/test_cli.py: the command in another process
        "fleet_factory",  # tests/batch: `sellerauth batch` over a fleet of simulated sellers
        "launches",  # tests/batch/test_pool.py: the pool's own browsers
        "browser_path",  # tests that start the product's browser themselves
        "shared_browser",  # the session's one headless Chromium (below)
        "browser_for",
    }
)
# Modules whose every test drives a browser without one of those fixtures.
BROWSER_MODULES = frozenset(
    {
        "test_base_page.py",
        "test_browser.py",
        "test_recorded.py",
        "test_pool.py",
        "test_resume.py",
        "test_leaks.py",
        "test_batch_register.py",
        "test_batch_renew.py",
    }
)


# The slow durability tests whose PostgreSQL half runs in `make fuzz` (`pytest -m fuzz`), not in
# `make test`, to keep it under 15 minutes: SIGKILL at random moments and resume. Their SQLite
# half, and every other store and batch test on both backends, stay in `make test`.
PG_HALF_IN_FUZZ = frozenset(
    {"test_durable_kill.py", "test_resume.py", "test_spapi_kill.py", "test_durable_runs.py"}
)
# Whole modules that run in `make fuzz` only: four processes sharing one PostgreSQL store over
# 24 sellers, twice (one to two minutes on 2 cores).
FUZZ_ONLY_MODULES = frozenset({"test_shared_store.py"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that drives a browser `browser` (see BROWSER_FIXTURES); move the
    PostgreSQL half of PG_HALF_IN_FUZZ to `-m fuzz`."""
    in_fuzz = "fuzz" in (config.getoption("markexpr") or "")
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES or item.path.name in BROWSER_MODULES:
            item.add_marker(pytest.mark.browser)
        callspec = getattr(item, "callspec", None)
        on_postgresql = callspec is not None and callspec.params.get("store_backend") == (
            "postgresql"
        )
        if on_postgresql and item.path.name in PG_HALF_IN_FUZZ:
            item.add_marker(pytest.mark.fuzz)
            if not in_fuzz:
                item.add_marker(pytest.mark.skip(reason="the PostgreSQL half: `make fuzz`"))
        if item.path.name in FUZZ_ONLY_MODULES:
            item.add_marker(pytest.mark.fuzz)
            if not in_fuzz:
                item.add_marker(pytest.mark.skip(reason="many machines on one store: `make fuzz`"))


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No SELLERAUTH_* variable, .env or accounts.toml of the developer's leaks into a test."""
    for key in list(os.environ):
        if key.startswith("SELLERAUTH_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    yield
    clear_secrets()


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    """pytest-playwright's own `page` fixture uses the Chromium the product finds."""
    choice = find_chromium(headed=False)
    args: dict[str, Any] = {"args": LAUNCH_ARGS}
    if choice.executable_path:
        args["executable_path"] = choice.executable_path
    return args


@pytest.fixture
def clock() -> FakeClock:
    """One clock for the simulator and the bot: waiting out a TOTP step costs no real time."""
    return FakeClock()


@dataclass
class Site:
    """A running simulator and its URL."""

    sim: Simulator
    url: str
    server: SimulatorServer

    @property
    def login(self) -> Any:
        return self.sim.scenario.logins[0]

    def kinds(self, *exclude: str) -> list[str]:
        """The simulator's event kinds in order, page requests left out."""
        return [e["kind"] for e in self.sim.events if e["kind"] not in ("request", *exclude)]


@pytest.fixture
def site_factory(clock: FakeClock) -> Iterator[Callable[..., Site]]:
    """Start a simulator for a named scenario (with overrides) on a free loopback port."""
    servers: list[SimulatorServer] = []

    def start(
        name: str = "demo", configure: Callable[[Scenario], None] | None = None, **overrides: Any
    ) -> Site:
        scenario = build_scenario(name, **overrides)
        if configure is not None:
            configure(scenario)
        simulator = Simulator(scenario, clock=clock)
        server = SimulatorServer(simulator)
        server.start()
        servers.append(server)
        return Site(sim=simulator, url=server.url, server=server)

    yield start
    for server in servers:
        server.stop()


# ---- the store's backends -------------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the session (per xdist worker), started on first use."""
    cluster = start_cluster()
    yield cluster
    cluster.stop()


BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store_backend(request: pytest.FixtureRequest) -> Iterator[StoreBackend]:
    """Each store, batch and durability test runs on both backends: the SQLite file in the
    state directory, and a fresh database of the session's PostgreSQL cluster. A test about
    the SQLite file alone says `@pytest.mark.parametrize("store_backend", ["sqlite"],
    indirect=True)`."""
    cluster = request.getfixturevalue("pg_cluster") if request.param == "postgresql" else None
    yield from backend(request.param, cluster)


@pytest.fixture(scope="module", params=BACKENDS)
def module_store_backend(request: pytest.FixtureRequest) -> Iterator[StoreBackend]:
    """`store_backend` for a module's shared fixture (one batch run whose results its tests
    read): a database per module and backend."""
    cluster = request.getfixturevalue("pg_cluster") if request.param == "postgresql" else None
    yield from backend(request.param, cluster)


@pytest.fixture
def pg_backend(pg_cluster: Cluster) -> Iterator[StoreBackend]:
    """The PostgreSQL backend alone, for what only it does (advisory locks, a restart)."""
    yield from backend("postgresql", pg_cluster)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    path = tmp_path / "state"
    path.mkdir()
    return path


@pytest.fixture
def settings(state_dir: Path) -> Settings:
    """Settings for tests: short timeouts so a failure shows in seconds, JSON logs."""
    return load_settings(state_dir=state_dir, timeout_ms=5000, log_format="json")


@pytest.fixture
def account_for(settings: Settings) -> Callable[..., SellerAccount]:
    """The default account signing in to `site` as its first (or given) login."""

    def make(site: Site, login: Any = None, **overrides: Any) -> SellerAccount:
        login = login or site.login
        values = {
            "email": login.email,
            "password": login.password,
            "totp_secret": login.totp_secret,
            "base_url": site.url,
        }
        values.update(overrides)
        return resolve_account(settings, None, **values)

    return make


class SharedBrowser:
    """The session's one headless Chromium, started when a test needs it.

    Playwright's sync API allows one running Playwright per thread: before a browser test that
    starts its own (`run_one` without a browser, a `BrowserSession` of its own, `record`), the
    shared one is closed (`pytest_runtest_setup` below), and started again for the next test
    that uses it.
    """

    def __init__(self) -> None:
        self.session: BrowserSession | None = None  # one object: fixtures may hold it
        self.running = False

    def get(self) -> BrowserSession:
        """The started shared browser (launched now if it is not running)."""
        if self.session is None:
            self.session = BrowserSession(headed=False)
        if not self.running:
            self.session.start()
            self.running = True
        return self.session

    def close(self) -> None:
        """Close it, if it runs; the next `get` launches it again."""
        if self.session is not None and self.running:
            self.running = False
            self.session.close()


SHARED_BROWSER = SharedBrowser()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before a test's fixtures: the shared browser runs for a test that uses it, and is closed
    before any other browser test (which may start a Playwright of its own)."""
    if "shared_browser" in getattr(item, "fixturenames", ()):
        SHARED_BROWSER.get()
    elif item.get_closest_marker("browser") is not None:
        SHARED_BROWSER.close()


@pytest.fixture(scope="session")
def shared_browser() -> Iterator[BrowserSession]:
    """One headless Chromium for the session's flow runs, as a batch worker keeps one for all
    its accounts: each run still gets a fresh context (no cookie or storage is shared), and the
    runner relaunches it if a test took it down. Launching one per test cost about a second
    each. The same object throughout: closed and started again around tests that need their
    own Playwright (see `SharedBrowser`)."""
    yield SHARED_BROWSER.get()
    SHARED_BROWSER.close()


@pytest.fixture
def browser_for(shared_browser: BrowserSession) -> Callable[[Settings], BrowserSession | None]:
    """`run_one(..., browser=browser_for(settings))`: the shared browser, giving its contexts
    the timeouts and resource blocking of `settings` as a browser of their own would; None
    (the run launches its own, the shared one closed first) for settings that need another
    browser (headed, a path)."""

    def configured(settings: Settings) -> BrowserSession | None:
        if settings.headed or settings.browser_path is not None:
            SHARED_BROWSER.close()
            return None
        browser = SHARED_BROWSER.get()
        browser.timeout_ms = settings.timeout_ms
        browser.block_resources = settings.block_resources
        return browser

    return configured


@pytest.fixture
def run(
    settings: Settings,
    clock: FakeClock,
    browser_for: Callable[[Settings], BrowserSession | None],
) -> Callable[..., Any]:
    """Run a flow through the product's runner (real headless Chromium) for an account, in a
    fresh context of the session's shared browser (unless the test asks for its own)."""

    def go(flow: Callable[..., Any], account: SellerAccount, **kwargs: Any) -> Any:
        if "browser" not in kwargs and not kwargs.get("headed"):
            kwargs["browser"] = browser_for(settings)
        return run_one(flow, settings, account, clock=clock, **kwargs)

    return go


# No Python repr in a person's message (issue "the right seller, every time", item 3): every
# error the suite makes in this process is checked as it is made.
_REPRS = re.compile(r"<Locator|<Frame|<Page|Traceback|object at 0x")


@pytest.fixture(autouse=True)
def _messages_hold_no_python_repr(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fails a test during which an error was made whose message holds a Python repr."""
    made: list[str] = []
    original = SellerAuthError.__init__

    def checked(self: SellerAuthError, message: str, **details: Any) -> None:
        if _REPRS.search(message):
            made.append(message)
        original(self, message, **details)

    monkeypatch.setattr(SellerAuthError, "__init__", checked)
    yield
    assert not made, f"an error message holds a Python repr: {made[0][:300]}"
