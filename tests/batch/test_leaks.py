"""The leak test: run every flow, failures included, then look for secrets in all it left behind."""

from __future__ import annotations

import base64
import os
import re
import secrets
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest

from fixtures.simulator import Faults, Scenario, Simulator, SimulatorServer
from fixtures.simulator.spapi_model import DEMO_LWA_CLIENT_SECRET

from .conftest import Fleet, Seller, seller_login, sellerauth, write_accounts


def distinctive_secret() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


@pytest.fixture
def leaky_fleet(tmp_path: Path) -> Iterator[Fleet]:
    """Three sellers (fresh, expiring, expired) with distinctive passwords and TOTP secrets,
    and a fourth behind a consent page naming another developer (a failure with evidence)."""
    now = datetime.now(UTC)
    sellers = []
    for n, kind in enumerate(["fresh", "expiring", "expired", "fresh"], 1):
        login = seller_login(kind, n, now)
        login.password = f"Pw-{secrets.token_hex(8)}-Leak"
        login.totp_secret = distinctive_secret()
        sellers.append(Seller(f"seller-{n:02d}", kind, login, captcha=(n == 4)))
    fleet = Fleet(root=tmp_path / "fleet", sellers=sellers)
    servers = []
    for name, group, faults in (
        ("main", sellers[:3], Faults()),
        ("captcha", sellers[3:], Faults(consent_developer_name="someone-else")),
    ):
        scenario = Scenario(name=name, logins=[s.login for s in group], anchor=now, faults=faults)
        sim = Simulator(scenario)
        server = SimulatorServer(sim).start()
        servers.append(server)
        fleet.sims[name], fleet.urls[name] = sim, server.url
    write_accounts(fleet)
    yield fleet
    for server in servers:
        server.stop()


def files_under(root: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file under `root`, and every member of every zip archive among them."""
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


def typed_otps(fleet: Fleet) -> list[str]:
    """Every OTP the bot typed that the simulators accepted (their codes, from the steps)."""
    codes = []
    for sim in fleet.sims.values():
        for event in sim.events_of("otp"):
            if event.get("step") is None:
                continue
            login = sim.login(event["email"])
            codes.append(pyotp.TOTP(login.totp_secret).at(event["step"] * 30))
    return codes


def test_no_secret_left_behind(leaky_fleet: Fleet, tmp_path: Path) -> None:
    """Password, TOTP secret and OTPs appear nowhere; the token only where --json asked."""
    fleet = leaky_fleet
    evidence, traces = fleet.root / "evidence", fleet.root / "traces"
    runs = {
        "register": sellerauth(
            fleet,
            "register",
            "--account",
            "seller-01",
            "--json",
            "--evidence",
            str(evidence / "register"),
            "--trace",
            str(traces / "register.zip"),
        ),
        "status": sellerauth(fleet, "status", "--account", "seller-01", "--json"),
        "renew": sellerauth(
            fleet,
            "renew",
            "--account",
            "seller-02",
            "--json",
            "--force",
            "--evidence",
            str(evidence / "renew"),
            "--trace",
            str(traces / "renew.zip"),
        ),
        "wrong_developer": sellerauth(
            fleet,
            "register",
            "--account",
            "seller-04",
            "--json",
            "--evidence",
            str(evidence / "failed"),
            "--trace",
            str(traces / "failed.zip"),
        ),
        "batch": sellerauth(fleet, "batch", "renew", "--only", "seller-01,seller-02,seller-03"),
        "batch_register": sellerauth(fleet, "batch", "register", "--only", "seller-03"),
        "history": sellerauth(fleet, "history"),
        "export": sellerauth(fleet, "export", "--format", "json"),
    }
    assert runs["register"].returncode == 0, runs["register"].stderr
    assert runs["renew"].returncode == 0, runs["renew"].stderr
    assert runs["wrong_developer"].returncode == 5
    assert runs["batch"].returncode == 0, runs["batch"].stderr
    assert list((evidence / "failed").glob("*/steps.json")) and (traces / "failed.zip").exists()

    token = fleet.token_of(fleet.by_name("seller-01"))
    others = [fleet.token_of(fleet.by_name(n)) for n in ("seller-02", "seller-03")]
    forbidden = {f"password of {s.name}": s.login.password for s in fleet.sellers}
    forbidden |= {f"TOTP secret of {s.name}": s.login.totp_secret for s in fleet.sellers}
    otps = typed_otps(fleet)
    assert otps, "the runs typed one-time passwords"

    def check(where: str, data: bytes, allow_token: bool = False) -> None:
        for what, secret in forbidden.items():
            assert secret.encode() not in data, f"{what} in {where}"
        for code in otps:
            assert not re.search(rb"(?<!\d)" + code.encode() + rb"(?!\d)", data), (
                f"an OTP in {where}"
            )
        if not allow_token:
            for t in [token, *others]:
                assert t.encode() not in data, f"an MWS token in {where}"

    for name, done in runs.items():
        check(f"{name} stdout", done.stdout.encode(), allow_token=name == "register")
        check(f"{name} stderr", done.stderr.encode())
    assert token in runs["register"].stdout  # asked for with --json
    for path, data in files_under(fleet.root):
        if path.name in ("accounts.toml",) or "secrets" in path.parts:
            continue  # the operator's own inputs
        check(str(path.relative_to(fleet.root)), data)

    sessions = fleet.state_dir / "sessions"
    assert list(sessions.iterdir())
    for session in sessions.iterdir():
        assert stat.S_IMODE(session.stat().st_mode) == 0o600, session
    assert os.stat(fleet.state_dir).st_mode & 0o077 == 0


def test_app_check_leaves_no_token_or_secret(app_fleet: Any) -> None:
    """Refresh tokens, access tokens and the client secret appear nowhere: JSON lines, logs,
    the single run's JSON, the store file in clear, failures included."""
    fleet = app_fleet(2)
    runs = [
        fleet.run("batch", "app-check", "--json"),
        fleet.run("app-check", "--account", "app-0001", "--json"),
        fleet.run("app-check", "--account", "app-0002"),
    ]
    fleet.sim.scenario.spapi.refresh_revoked = True
    runs.append(fleet.run("app-check", "--account", "app-0001", "--json"))
    assert [r.returncode for r in runs] == [0, 0, 0, 5]
    assert fleet.sim.events_of("sellers_call")  # the calls were made
    secrets = [*fleet.tokens.values(), DEMO_LWA_CLIENT_SECRET]
    secrets += [t for t in fleet.sim.spapi_state.access_tokens]
    texts = [r.stdout + r.stderr for r in runs]
    texts += [
        p.read_bytes().decode("latin-1") for p in fleet.fleet.state_dir.rglob("*") if p.is_file()
    ]
    for text in texts:
        for secret in secrets:
            assert secret not in text
            assert secret.split("|")[-1] not in text
