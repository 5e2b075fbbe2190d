"""A fleet of simulated sellers in mixed states, an accounts file for it, and the command to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from automation.store import Store
from fixtures.simulator import (
    Faults,
    Login,
    Scenario,
    Simulator,
    SimulatorServer,
    build_scenario,
    new_token,
)
from fixtures.simulator.account import app_env
from fixtures.simulator.app_fleet import (
    app_fleet_scenario,
    app_sellers,
    issue_tokens,
    write_app_accounts,
)
from fixtures.simulator.spapi_model import DEMO_APP_ID
from tests.postgres import StoreBackend, backend

OUR_ID = "5259-6479-4073"
# A fresh seller is the `demo` scenario: our developer not authorised yet.
KIND_SCENARIOS = {
    "fresh": "demo",
    "granted": "granted",
    "expiring": "expiring",
    "expired": "expired",
}
WRONG_PASSWORD = "Wr0ng-Passw0rd-Never-Logged"


@dataclass(frozen=True)
class Seller:
    """One simulated seller of the fleet and how the batch should find it."""

    name: str
    kind: str  # fresh, granted, expiring, expired
    login: Login
    captcha: bool = False
    wrong_password: bool = False

    @property
    def seller_id(self) -> str:
        return self.login.sellers[0].seller_id


@dataclass
class Fleet:
    """Simulators on the real clock (the batch runs in another process), their sellers, files."""

    root: Path
    sellers: list[Seller]
    backend: StoreBackend = field(default_factory=lambda: StoreBackend("sqlite"))
    sims: dict[str, Simulator] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)

    @property
    def main(self) -> Simulator:
        return self.sims["main"]

    def sim_of(self, seller: Seller) -> Simulator:
        return self.sims["captcha" if seller.captcha else "main"]

    def by_name(self, name: str) -> Seller:
        return next(s for s in self.sellers if s.name == name)

    def names(self, **where: Any) -> list[str]:
        return [s.name for s in self.sellers if all(getattr(s, k) == v for k, v in where.items())]

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a `sellerauth` process working on this fleet."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
        env.pop("JOB_COMPLETION_INDEX", None)
        env.pop("JOB_COMPLETIONS", None)
        env.update(
            {
                "SELLERAUTH_STATE_DIR": str(self.state_dir),
                "SELLERAUTH_ACCOUNTS_FILE": str(self.root / "accounts.toml"),
                "SELLERAUTH_SECRETS_DIR": str(self.root / "secrets"),
                "SELLERAUTH_TIMEOUT_MS": "15000",
                "SELLERAUTH_LOG_FORMAT": "json",
                "SELLERAUTH_LOG_LEVEL": "warning",
                "SELLERAUTH_OTP_MIN_REMAINING_SECONDS": "1",
                **self.backend.env(),
            }
        )
        env.update(extra)
        return env

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        """The rows of a query on the fleet's store, whichever backend it is on."""
        return self.backend.rows(self.state_dir, sql)

    def settings(self, **overrides: Any) -> Any:
        """In-process settings on the fleet's state directory and store."""
        return self.backend.settings(state_dir=self.state_dir, **overrides)

    def row_actions(self) -> list[tuple[str, str, bool]]:
        """(seller ID, action, ok) of every renew/restore click, in every simulator."""
        return [
            (e["seller_id"], e["action"], e["ok"])
            for sim in self.sims.values()
            for e in sim.events_of("row_action")
        ]

    def grants(self) -> list[str]:
        """The seller IDs of every grant, in every simulator."""
        return [e["seller_id"] for sim in self.sims.values() for e in sim.events_of("grant")]

    def token_of(self, seller: Seller) -> str:
        row = self.sim_of(seller).developer_row(seller.seller_id, OUR_ID)
        assert row is not None
        return row.token


def seller_login(kind: str, n: int, now: datetime) -> Login:
    """The login of a named scenario, made unique: its own e-mail, seller ID and tokens."""
    login = build_scenario(KIND_SCENARIOS[kind], now=now).logins[0]
    login.email = f"seller{n:02d}@example.com"
    seller = login.sellers[0]
    seller.seller_id = f"A1FLEET{n:06d}"
    seller.name = f"Shop {n:02d}"
    for row in seller.developers:
        row.token = new_token()
    return login


def start_fleet(
    root: Path,
    kinds: Sequence[str],
    *,
    captcha: str | None = None,
    wrong_password: str | None = None,
    backend: StoreBackend | None = None,
) -> tuple[Fleet, list[SimulatorServer]]:
    """Sellers `seller-01`... of the given kinds on one simulator, then one behind a captcha
    (its own simulator: the fault applies to a whole simulator) and one with a wrong password."""
    now = datetime.now(UTC)
    plan = [(kind, False, False) for kind in kinds]
    if captcha:
        plan.append((captcha, True, False))
    if wrong_password:
        plan.append((wrong_password, False, True))
    sellers = [
        Seller(f"seller-{n:02d}", kind, seller_login(kind, n, now), is_captcha, is_wrong)
        for n, (kind, is_captcha, is_wrong) in enumerate(plan, 1)
    ]
    fleet = Fleet(root=root, sellers=sellers, backend=backend or StoreBackend("sqlite"))
    groups = {
        "main": [s.login for s in sellers if not s.captcha],
        "captcha": [s.login for s in sellers if s.captcha],
    }
    servers = []
    for name, logins in groups.items():
        if not logins:
            continue
        faults = Faults(captcha=True) if name == "captcha" else Faults()
        scenario = Scenario(name=f"fleet-{name}", logins=logins, anchor=now, faults=faults)
        sim = Simulator(scenario)  # the real clock: the batch runs in another process
        server = SimulatorServer(sim).start()
        servers.append(server)
        fleet.sims[name], fleet.urls[name] = sim, server.url
    write_accounts(fleet)
    return fleet, servers


def write_accounts(fleet: Fleet) -> None:
    """accounts.toml (no secret in it) and one password and TOTP file per account."""
    secrets = fleet.root / "secrets"
    secrets.mkdir(parents=True, exist_ok=True)
    tables = []
    for seller in fleet.sellers:
        url = fleet.urls["captcha" if seller.captcha else "main"]
        tables.append(
            f'[accounts.{seller.name}]\nemail = "{seller.login.email}"\nbase_url = "{url}"\n'
        )
        password = WRONG_PASSWORD if seller.wrong_password else seller.login.password
        (secrets / f"{seller.name}.password").write_text(password)
        (secrets / f"{seller.name}.totp_secret").write_text(seller.login.totp_secret or "")
    (fleet.root / "accounts.toml").write_text("\n".join(tables))


@pytest.fixture
def fleet_factory(tmp_path: Path, store_backend: StoreBackend) -> Iterator[Callable[..., Fleet]]:
    """`fleet_factory(["fresh", "granted"], captcha="expiring")`: a fleet for one test, its
    store on each backend in turn (`store_backend`). Each fleet has a store of its own, as each
    has its own state directory: on PostgreSQL the second and later get a database each."""
    servers: list[SimulatorServer] = []
    fleets = 0
    with ExitStack() as stores:

        def make(kinds: Sequence[str], **extra: Any) -> Fleet:
            nonlocal fleets
            root = tmp_path / f"fleet-{fleets}"
            store = store_backend
            if fleets and store_backend.is_postgresql:
                made = backend(store_backend.name, store_backend.cluster)
                store = next(made)
                stores.callback(next, made, None)
            fleets += 1
            fleet, started = start_fleet(root, kinds, backend=store, **extra)
            servers.extend(started)
            return fleet

        yield make
        for server in servers:
            server.stop()


@dataclass
class Done:
    """A finished `sellerauth` process."""

    returncode: int
    stdout: str
    stderr: str

    def lines(self) -> list[dict[str, Any]]:
        """The JSON lines on stdout."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.strip()]

    def by_account(self) -> dict[str, dict[str, Any]]:
        return {line["account"]: line for line in self.lines()}


def sellerauth(fleet: Fleet, *args: str, timeout: float = 150, **env: str) -> Done:
    """Run `python -m sellerauth ARGS` on the fleet, stdout not a terminal."""
    done = subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=fleet.env(**env),
        cwd=fleet.root,
        timeout=timeout,
    )
    return Done(done.returncode, done.stdout, done.stderr)


@pytest.fixture(autouse=True)
def no_system_secrets(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """/run/secrets of the machine running the tests never leaks into in-process settings."""
    from automation import settings as settings_module

    monkeypatch.setattr(settings_module, "DEFAULT_SECRETS_DIR", tmp_path / "no-run-secrets")


@dataclass
class Hook:
    """A local HTTP endpoint that keeps every JSON body POSTed to it."""

    url: str
    bodies: list[dict[str, Any]]


@pytest.fixture
def hook() -> Iterator[Hook]:
    """An alert receiver on 127.0.0.1, as apprise's `json://` notifications reach it."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Hook(f"json://127.0.0.1:{server.server_port}/alerts", bodies)
    server.shutdown()
    server.server_close()


# ---- a fleet that authorized our SP-API app (app-check) -------------------------------------


def seed_store(
    state_dir: Path,
    tokens: dict[str, str],
    seller_ids: dict[str, str],
    backend: StoreBackend | None = None,
) -> None:
    """The store as `batch authorize` would have left it: one refresh token per account."""
    settings = (backend or StoreBackend("sqlite")).settings(state_dir=state_dir)
    with Store.open(settings) as store:
        run = store.create_run("authorize", {}, list(tokens))
        for name, token in tokens.items():
            store.start_result(run.run_id, name)
            store.finish_result(
                run.run_id,
                name,
                "done",
                data={
                    "account": name,
                    "app_id": DEMO_APP_ID,
                    "selling_partner_id": seller_ids[name],
                },
                secrets={"refresh_token": token},
            )
        store.finish_run(run.run_id)


class AppFleet:
    """A simulator of `count` authorized sellers, its accounts file and a seeded store."""

    def __init__(
        self, root: Path, count: int, backend: StoreBackend | None = None, **spapi: Any
    ) -> None:
        self.scenario = app_fleet_scenario(count, **spapi)
        self.sim = Simulator(self.scenario)
        self.server = SimulatorServer(self.sim).start()
        self.sellers = app_sellers(self.scenario)
        self.tokens = issue_tokens(self.sim, self.sellers)
        self.fleet = Fleet(root=root, sellers=[], backend=backend or StoreBackend("sqlite"))
        self.fleet.urls["main"] = self.server.url
        write_app_accounts(root, self.server.url, self.sellers)
        seed_store(
            self.fleet.state_dir,
            self.tokens,
            {s.name: s.seller_id for s in self.sellers},
            self.fleet.backend,
        )

    def run(self, *args: str, **env: str) -> Done:
        # No browser may be needed: a browser path that does not exist proves none is looked for.
        return sellerauth(
            self.fleet,
            *args,
            **app_env(self.server.url),
            SELLERAUTH_BROWSER_PATH=str(self.fleet.root / "no-browser-here"),
            **env,
        )


@pytest.fixture
def app_fleet(tmp_path: Path, store_backend: StoreBackend) -> Iterator[Callable[..., AppFleet]]:
    """`app_fleet(count)`: sellers that authorized the app, each fleet with a store of its own
    (on PostgreSQL, the second and later a database each)."""
    made: list[AppFleet] = []
    with ExitStack() as stores:

        def make(count: int, **spapi: Any) -> AppFleet:
            store = store_backend
            if made and store_backend.is_postgresql:
                more = backend(store_backend.name, store_backend.cluster)
                store = next(more)
                stores.callback(next, more, None)
            fleet = AppFleet(tmp_path / f"app-fleet-{len(made)}", count, store, **spapi)
            made.append(fleet)
            return fleet

        yield make
        for fleet in made:
            fleet.server.stop()
