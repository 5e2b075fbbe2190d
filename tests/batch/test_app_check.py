"""`sellerauth batch app-check` over a fleet that authorized our app: no browser, results in
the store and the export, one alert per incident, no token or secret left behind."""

from __future__ import annotations

import json

from .conftest import Hook


def test_batch_app_check_proves_every_token_without_a_browser(app_fleet) -> None:
    fleet = app_fleet(3)
    done = fleet.run("batch", "app-check", "--json")
    assert done.returncode == 0, done.stderr
    lines = done.by_account()
    assert sorted(lines) == [s.name for s in fleet.sellers]
    for line in lines.values():
        assert line["state"] == "done" and line["result"]["check"] == "ok"
        assert line["result"]["checked_at"] and line["result"]["secret"] == "current"
    exported = fleet.run("export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    rows = [r for r in json.loads(exported.stdout) if r.get("check") == "ok"]
    assert {r["account"] for r in rows} == set(lines)
    assert all(r["checked_at"] for r in rows)


def test_one_alert_names_the_incident_not_every_account(app_fleet, hook: Hook) -> None:
    """Every LWA call refused with invalid_client over six accounts: one message, naming the
    incident (code, count, triage, the first five accounts), not six lines."""
    fleet = app_fleet(6, lwa_secret_retired=True)
    done = fleet.run("batch", "app-check", "--json", SELLERAUTH_NOTIFY_URLS=hook.url)
    assert done.returncode == 1, done.stderr
    lines = done.by_account()
    assert {line["error"]["code"] for line in lines.values()} == {"client_rejected"}
    assert all(line["error"]["triage"]["owner"] for line in lines.values())
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["message"]
    assert "INCIDENT [client_rejected] on 6 of 6 accounts" in body
    assert "next step:" in body and "owner: the developer of the app" in body
    names = [s.name for s in fleet.sellers]
    assert all(name in body for name in names[:5]) and names[5] not in body
    assert "and 1 more" in body


def test_isolated_failures_keep_their_own_lines(app_fleet, hook: Hook) -> None:
    """One revoked token among six is below the incident share: listed as an account."""
    fleet = app_fleet(6)
    revoked = fleet.sellers[2]
    fleet.sim.spapi_state.revoked.add(fleet.tokens[revoked.name])
    done = fleet.run("batch", "app-check", "--json", SELLERAUTH_NOTIFY_URLS=hook.url)
    assert done.returncode == 1
    assert done.by_account()[revoked.name]["error"]["code"] == "relink_needed"
    assert len(hook.bodies) == 1
    body = hook.bodies[0]["message"]
    assert "INCIDENT" not in body and f"- {revoked.name}: failed [relink_needed]" in body
