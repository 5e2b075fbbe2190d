"""`sellerauth serve` over a store real runs filled (MWS and SP-API): no secret in any
response, the refusals (a public host without a token, a request without it), the metrics as
Prometheus parses them, the documented alert rules, and the terminal's `fleet` and `runs`."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML: installed with apprise
from prometheus_client.parser import text_string_to_metric_families

from fixtures.simulator.account import app_env
from fixtures.simulator.spapi_model import DEMO_APP_ID, DEMO_LWA_CLIENT_SECRET
from tests.batch.conftest import OUR_ID, AppFleet, Fleet, sellerauth, start_fleet
from tests.batch.serving import serving

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "a-long-random-token-for-tests-0123456789"


@dataclass
class Filled:
    """An SP-API fleet (seeded tokens, one revoked, a real `batch app-check`) and an MWS fleet
    (a real `batch register` then `batch status`; one seller behind a captcha, one with a
    wrong password) sharing the SP-API fleet's store."""

    app: AppFleet
    mws: Fleet

    @property
    def fleet(self) -> Fleet:
        return self.app.fleet

    def secrets(self) -> dict[str, str]:
        """Every secret the store, the secrets dirs or the settings hold: name -> value."""
        found = {f"refresh token {n}": t for n, t in self.app.tokens.items()}
        found["lwa client secret"] = DEMO_LWA_CLIENT_SECRET
        for fleet in (self.app.fleet, self.mws):
            for path in (fleet.root / "secrets").iterdir():
                if path.read_text().strip():
                    found[path.name] = path.read_text().strip()
        for seller in self.mws.sellers:
            found[f"mws token {seller.name}"] = self.mws.token_of(seller)
        found["store key"] = (self.fleet.state_dir / "sellerauth.key").read_text().strip()
        return found


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Filled]:
    root = tmp_path_factory.mktemp("fleet-serving")
    app = AppFleet(root / "app", 3)
    mws, servers = start_fleet(
        root / "mws", ["fresh", "expiring"], captcha="granted", wrong_password="granted"
    )
    try:
        app.sim.spapi_state.revoked.add(app.tokens["app-0002"])  # the seller revoked us
        done = app.run("batch", "app-check")
        assert done.returncode == 1, done.stderr
        store = {"SELLERAUTH_STATE_DIR": str(app.fleet.state_dir)}
        for job in ("register", "status"):
            done = sellerauth(mws, "batch", job, **store)
            assert done.returncode != 0, done.stderr  # the captcha and the wrong password
            assert len(done.lines()) >= 4, done.stdout
        assert len(mws.grants()) == 1  # the fresh seller granted, on the simulator's side
        yield Filled(app, mws)
    finally:
        app.server.stop()
        for server in servers:
            server.stop()


def get(url: str, token: str | None = None, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def every_url(base: str, accounts: list[str]) -> list[str]:
    """Every page, filter, metrics and static file the server has, and each account's
    evidence, as its pages link them."""
    urls = [base, base + "expiries", base + "metrics", base + "static/pico.min.css"]
    urls += [base + "static/fleet.css", base + "?state=failing", base + "?sort=expires&desc=1"]
    for name in accounts:
        status, body = get(base + f"accounts/{name}")
        assert status == 200, name
        urls.append(base + f"accounts/{name}")
        urls += [base + src.lstrip("/") for src in re.findall(r'src="([^"]+)"', body.decode())]
    return urls


def test_no_page_metric_or_file_holds_a_secret(filled: Filled) -> None:
    secrets = filled.secrets()
    assert len(secrets) >= 10
    accounts = [row["account"] for row in fleet_json(filled)]
    assert {"app-0001", "seller-01", "seller-02"} <= set(accounts)
    env = app_env(filled.app.server.url)  # the server's settings hold the LWA secret too
    with serving(filled.fleet, **env) as base:
        fetched = {url: get(url) for url in every_url(base, sorted(set(accounts)))}
    assert all(status == 200 for status, _ in fetched.values()), fetched.keys()
    assert len(fetched) >= 12
    assert any("/evidence/" in url for url in fetched)  # the captcha's screenshot
    for url, (_, body) in fetched.items():
        for name, value in secrets.items():
            for shown in {value, html.escape(value)}:
                assert shown.encode() not in body, f"{name} in {url}"
    # The terminal's views too.
    for args in (("fleet", "--json"), ("runs", "list", "--json"), ("fleet",)):
        done = sellerauth(filled.fleet, *args, **env)
        assert done.returncode == 0, done.stderr
        for name, value in secrets.items():
            assert value not in done.stdout + done.stderr, f"{name} in {args}"


def test_a_public_host_without_a_token_is_refused(filled: Filled) -> None:
    done = sellerauth(filled.fleet, "serve", "--host", "0.0.0.0", "--port", "0", timeout=30)
    assert done.returncode == 2
    assert "SELLERAUTH_SERVE_TOKEN" in done.stderr and "sellerauth_serve_token" in done.stderr
    short = sellerauth(
        filled.fleet, "serve", "--host", "0.0.0.0", SELLERAUTH_SERVE_TOKEN="short", timeout=30
    )
    assert short.returncode == 2 and "shorter than 16 characters" in short.stderr


def test_with_a_token_every_request_must_carry_it(filled: Filled) -> None:
    token_file = filled.fleet.root / "secrets" / "sellerauth_serve_token"
    token_file.write_text(TOKEN + "\n")
    try:
        with serving(filled.fleet, "--host", "0.0.0.0") as base:
            local = base.replace("0.0.0.0", "127.0.0.1")
            for path in ("", "metrics", "expiries", "static/pico.min.css", "accounts/app-0001"):
                assert get(local + path)[0] == 401, path
                assert get(local + path, "wrong-token-of-the-right-length")[0] == 401, path
                assert get(local + path, TOKEN)[0] == 200, path
            # A browser's sign-in prompt: any user name, the token as the password.
            basic = base64.b64encode(f"ops:{TOKEN}".encode()).decode()
            assert get(local, Authorization=f"Basic {basic}")[0] == 200
            wrong = base64.b64encode(b"ops:not-the-token-but-long-enough").decode()
            assert get(local, Authorization=f"Basic {wrong}")[0] == 401
    finally:
        token_file.unlink()


def test_without_a_token_only_this_machine_is_answered(filled: Filled) -> None:
    """On loopback with no token, a request naming another host (a web page elsewhere that
    rebound its name to 127.0.0.1) is refused."""
    with serving(filled.fleet) as base:
        assert get(base)[0] == 200
        assert get(base, Host="localhost")[0] == 200
        assert get(base, Host="attacker.example:8080")[0] == 403
        assert get(base + "metrics", Host="attacker.example")[0] == 403


def test_metrics_parse_and_match_the_store(filled: Filled) -> None:
    rows = {(r["account"], r["grant"]): r for r in fleet_json(filled)}
    with serving(filled.fleet) as base:
        status, body = get(base + "metrics")
    assert status == 200
    families = {f.name: f for f in text_string_to_metric_families(body.decode())}
    expiry = {
        (s.labels["account"], s.labels["grant"]): s
        for s in families["sellerauth_grant_expiry_timestamp_seconds"].samples
    }
    assert set(expiry) == {key for key, row in rows.items() if row["expires_at"]}
    for key, sample in expiry.items():
        day = datetime.fromtimestamp(sample.value, UTC).date()
        assert day.isoformat() == rows[key]["expires_at"]
        assert sample.labels["source"] == rows[key]["expires_source"]
    # The expiring seller's date is the one its simulator holds (JST, as its page shows).
    seller = filled.mws.by_name("seller-02")
    row = filled.mws.main.developer_row(seller.seller_id, OUR_ID)
    assert row is not None and row.expires_at is not None
    held = (row.expires_at.astimezone(UTC) + timedelta(hours=9)).date()
    assert rows[("seller-02", OUR_ID)]["expires_at"] == held.isoformat()
    # Seeded consents showed no date: 365 days from the day they were written.
    app_rows = [row for (account, _), row in rows.items() if account == "app-0001"]
    assert [row["expires_source"] for row in app_rows] == ["computed"]
    states = {s.labels["state"]: s.value for s in families["sellerauth_grants"].samples}
    assert sum(states.values()) == len(rows)
    assert states["due"] == 1  # seller-02
    assert states["needs_person"] == 1 and states["failing"] == 2  # 03; 04 and app-0002
    last = families["sellerauth_last_run_timestamp_seconds"].samples
    assert {(s.labels["account"], s.labels["job"]) for s in last} >= {
        ("seller-01", "register"),
        ("seller-01", "status"),
        ("app-0001", "app-check"),
    }
    finished = families["sellerauth_last_batch_finished_timestamp_seconds"].samples
    batches = {s.labels["job"] for s in finished}
    assert {"register", "status", "app-check"} <= batches
    assert families["sellerauth_accounts_needing_person"].samples[0].value == 1


def test_the_documented_alert_rules_name_served_series(filled: Filled, tmp_path: Path) -> None:
    text = (ROOT / "docs" / "monitoring.md").read_text()
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    rules = [r for b in blocks if "groups" in b for g in b["groups"] for r in g["rules"]]
    assert {r["alert"] for r in rules} >= {
        "SellerauthGrantLapsesSoon",
        "SellerauthPersonNeeded",
        "SellerauthNightlyRenewMissing",
    }
    with serving(filled.fleet) as base:
        exposition = get(base + "metrics")[1].decode()
    served = {f.name for f in text_string_to_metric_families(exposition)}
    for rule in rules:
        named = set(re.findall(r"sellerauth_[a-z_]+", rule["expr"]))
        assert named and named <= served, rule["alert"]
        assert rule["annotations"]["summary"]
    promtool = shutil.which("promtool")
    if promtool is None:
        return  # Debian's prometheus is not installed here: parsed above instead
    path = tmp_path / "rules.yml"
    path.write_text(yaml.safe_dump(next(b for b in blocks if "groups" in b)))
    checked = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_runs_list_and_show(filled: Filled) -> None:
    listed = sellerauth(filled.fleet, "runs", "list", "--json")
    runs = json.loads(listed.stdout)
    jobs = [run["command"] for run in runs]
    assert jobs[:3] == ["status", "register", "app-check"]
    status_run = runs[0]
    assert status_run["counts"] == {"done": 2, "failed": 1, "needs_person": 1}
    assert status_run["accounts"] == 4
    shown = sellerauth(filled.fleet, "runs", "show", status_run["run_id"], "--json")
    assert shown.returncode == 0, shown.stderr
    results = {r["account"]: r for r in json.loads(shown.stdout)["results"]}
    assert set(results) == {"seller-01", "seller-02", "seller-03", "seller-04"}
    assert results["seller-04"]["code"] == "login_failed"
    assert results["seller-04"]["triage"]["owner"] == "the operations team"
    missing = sellerauth(filled.fleet, "runs", "show", "20200101T000000Z-000000")
    assert missing.returncode == 2 and "runs list" in missing.stderr
    table = sellerauth(filled.fleet, "runs", "list")
    assert status_run["run_id"] in table.stdout


def fleet_json(filled: Filled, *args: str) -> list[dict[str, Any]]:
    done = sellerauth(filled.fleet, "fleet", "--json", *args)
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def test_fleet_filters(filled: Filled) -> None:
    due = fleet_json(filled, "--expiring-within", "30")
    assert [r["account"] for r in due] == ["seller-02"]
    assert [r["account"] for r in fleet_json(filled, "--needs-person")] == ["seller-03"]
    by_job = fleet_json(filled, "--job", "app-check")
    assert {r["account"] for r in by_job} == {"app-0001", "app-0002", "app-0003"}
    assert all(r["grant_kind"] == "app_id" for r in by_job)
    assert date.fromisoformat(by_job[0]["expires_at"]) > date.today()
    # A failure of a job whose app a shared setting names goes to that app's row: the seller
    # who revoked us is one failing row, never a second row of an unknown app.
    revoked = [r for r in fleet_json(filled) if r["account"] == "app-0002"]
    assert [(r["grant"], r["state"]) for r in revoked] == [(DEMO_APP_ID, "failing")]
    assert revoked[0]["last_error"]["code"] == "relink_needed"
    assert all(r["grant"] for r in fleet_json(filled) if r["grant_kind"])
    refused = sellerauth(filled.fleet, "fleet", "--state", "sleepy")
    assert refused.returncode == 2 and "needs_person" in refused.stderr


def test_a_port_in_use_is_named(filled: Filled) -> None:
    with serving(filled.fleet) as base:
        port = base.rstrip("/").rsplit(":", 1)[1]
        second = sellerauth(filled.fleet, "serve", "--port", port, timeout=30)
    assert second.returncode == 2
    assert f"127.0.0.1:{port}" in second.stderr and "--port" in second.stderr
