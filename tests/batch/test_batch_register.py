"""`batch register` over a small fleet: grants, tokens kept encrypted, export, alerts."""

from __future__ import annotations

import csv
import io
import json

from .conftest import OUR_ID, WRONG_PASSWORD, sellerauth


class TestBatchRegister:
    def test_grants_once_and_alerts(self, fleet_factory, hook) -> None:
        """Fresh sellers are granted, granted ones read, expired restored; alert lists problems."""
        fleet = fleet_factory(
            ["fresh", "fresh", "granted", "expired"], captcha="fresh", wrong_password="fresh"
        )
        done = sellerauth(fleet, "batch", "register", SELLERAUTH_NOTIFY_URLS=hook.url)
        lines = done.by_account()
        assert done.returncode == 1, done.stderr[-3000:]
        expected = {"fresh": "granted", "granted": "already_granted", "expired": "restored"}
        for seller in fleet.sellers:
            line = lines[seller.name]
            if seller.captcha:
                assert line["error"]["code"] == "needs_person"
            elif seller.wrong_password:
                assert line["error"]["code"] == "login_failed"
            else:
                assert line["result"]["outcome"] == expected[seller.kind]
                assert line["result"]["seller_id"] == seller.seller_id
                assert "mws_auth_token" not in line["result"]  # tokens only via export --reveal
        fresh = [
            s.seller_id
            for s in fleet.sellers
            if s.kind == "fresh" and not (s.captcha or s.wrong_password)
        ]
        assert sorted(fleet.grants()) == sorted(fresh)
        expired = [s.seller_id for s in fleet.sellers if s.kind == "expired"]
        assert fleet.row_actions() == [(expired[0], "restore", True)]

        [alert] = hook.bodies
        captcha = next(s.name for s in fleet.sellers if s.captcha)
        wrong = next(s.name for s in fleet.sellers if s.wrong_password)
        assert "1 failed, 1 need a person" in alert["title"]
        assert f"{captcha}: needs_person [needs_person]" in alert["message"]
        assert f"{wrong}: failed [login_failed]" in alert["message"]
        text = json.dumps(alert)
        assert WRONG_PASSWORD not in text and "amzn.mws." not in text
        assert all(s.login.password not in text for s in fleet.sellers)

        # The store holds the tokens, but never in plaintext.
        raw = fleet.backend.raw(fleet.state_dir)
        tokens = {
            s.name: fleet.token_of(s) for s in fleet.sellers if not (s.captcha or s.wrong_password)
        }
        assert all(token.encode() not in raw for token in tokens.values())
        assert all(s.login.password.encode() not in raw for s in fleet.sellers)

        # export: the latest state per account, tokens only when revealed.
        plain = sellerauth(fleet, "export", "--format", "json")
        assert plain.returncode == 0, plain.stderr
        assert "amzn.mws." not in plain.stdout
        rows = {row["account"]: row for row in json.loads(plain.stdout)}
        assert set(rows) == {s.name for s in fleet.sellers}
        assert rows[wrong]["last_state"] == "failed" and rows[wrong]["last_error"] == "login_failed"
        revealed = sellerauth(fleet, "export", "--format", "csv", "--reveal")
        table = list(csv.DictReader(io.StringIO(revealed.stdout)))
        got = {row["account"]: row["mws_auth_token"] for row in table if row["mws_auth_token"]}
        assert got == tokens
        assert all(row["developer_id"] == OUR_ID for row in table if row["mws_auth_token"])
        out = fleet.root / "export.json"
        written = sellerauth(fleet, "export", "--format", "json", "--reveal", "--out", str(out))
        assert written.returncode == 0 and written.stdout == ""
        assert oct(out.stat().st_mode & 0o777) == "0o600"
        assert {
            r["account"]: r.get("mws_auth_token")
            for r in json.loads(out.read_text())
            if r.get("mws_auth_token")
        } == tokens

    def test_needs_a_person_exits_3(self, fleet_factory, hook) -> None:
        """With no failure but a captcha, the batch exits 3 and alerts about that account."""
        fleet = fleet_factory(["granted"], captcha="granted")
        done = sellerauth(fleet, "batch", "status", SELLERAUTH_NOTIFY_URLS=hook.url)
        assert done.returncode == 3, done.stderr[-3000:]
        states = {name: line["state"] for name, line in done.by_account().items()}
        assert states == {"seller-01": "done", "seller-02": "needs_person"}
        assert "seller-02" in hook.bodies[0]["message"]

    def test_all_done_exits_0_without_alert(self, fleet_factory, hook) -> None:
        """Every account done: exit 0 and no alert."""
        fleet = fleet_factory(["granted", "expiring"])
        done = sellerauth(
            fleet, "batch", "status", "--concurrency", "2", SELLERAUTH_NOTIFY_URLS=hook.url
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert {line["state"] for line in done.lines()} == {"done"}
        assert hook.bodies == []
        assert fleet.row_actions() == [] and fleet.grants() == []


class TestSingleAccountCommands:
    def test_register_and_renew_are_recorded(self, fleet_factory) -> None:
        """`register --account` and `renew --account` write results and audit events too."""
        fleet = fleet_factory(["fresh", "expiring"])
        fresh, expiring = fleet.sellers
        done = sellerauth(fleet, "register", "--account", fresh.name, "--json")
        assert done.returncode == 0, done.stderr[-3000:]
        assert json.loads(done.stdout)["mws_auth_token"] == fleet.token_of(fresh)
        renewed = sellerauth(fleet, "renew", "--account", expiring.name, "--json")
        assert renewed.returncode == 0, renewed.stderr[-3000:]
        history = json.loads(sellerauth(fleet, "history", "--json").stdout)
        assert [(e["account"], e["action"]) for e in history] == [
            (fresh.name, "grant"),
            (expiring.name, "renew"),
        ]
        assert history[0]["after"]["seller_id"] == fresh.seller_id
        rows = json.loads(sellerauth(fleet, "export", "--format", "json", "--reveal").stdout)
        by_name = {row["account"]: row for row in rows}
        assert by_name[fresh.name]["mws_auth_token"] == fleet.token_of(fresh)
        assert by_name[fresh.name]["outcome"] == "granted"
        assert (by_name[expiring.name]["last_command"], by_name[expiring.name]["action"]) == (
            "renew",
            "renewed",
        )
        raw = fleet.backend.raw(fleet.state_dir)
        assert fleet.token_of(fresh).encode() not in raw
