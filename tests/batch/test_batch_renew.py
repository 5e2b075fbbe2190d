"""`batch renew` over 20 simulated sellers in mixed states: outcomes, clicks, store, history."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from tests.postgres import StoreBackend

from .conftest import OUR_ID, WRONG_PASSWORD, Done, Fleet, sellerauth, start_fleet

KINDS = ["fresh"] * 4 + ["granted"] * 5 + ["expiring"] * 5 + ["expired"] * 4
EXPECTED = {
    "fresh": ("failed", None),
    "granted": ("done", "none"),
    "expiring": ("done", "renewed"),
    "expired": ("done", "restored"),
}


@pytest.fixture(scope="module")
def renewed(
    tmp_path_factory, module_store_backend: StoreBackend
) -> Iterator[tuple[Fleet, Done, float]]:
    """One batch renew over 18 sellers, one behind a captcha and one with a wrong password
    (on each backend of the store)."""
    root = tmp_path_factory.mktemp("renew-fleet")
    fleet, servers = start_fleet(
        root, KINDS, captcha="expiring", wrong_password="expiring", backend=module_store_backend
    )
    started = time.monotonic()
    done = sellerauth(fleet, "batch", "renew", "--concurrency", "2")
    seconds = time.monotonic() - started
    yield fleet, done, seconds
    for server in servers:
        server.stop()


class TestBatchRenew:
    def test_right_outcome_for_each_seller(self, renewed) -> None:
        """Each seller gets the outcome its state calls for; captcha and password isolated."""
        fleet, done, seconds = renewed
        print(f"batch renew over {len(fleet.sellers)} sellers: {seconds:.1f}s")
        lines = done.by_account()
        assert sorted(lines) == sorted(s.name for s in fleet.sellers), done.stderr[-3000:]
        assert len(done.lines()) == len(fleet.sellers)
        for seller in fleet.sellers:
            line = lines[seller.name]
            if seller.captcha:
                assert (line["state"], line["error"]["code"]) == ("needs_person", "needs_person")
            elif seller.wrong_password:
                assert (line["state"], line["error"]["code"]) == ("failed", "login_failed")
            elif seller.kind == "fresh":
                assert (line["state"], line["error"]["code"]) == ("failed", "not_authorized")
            else:
                state, action = EXPECTED[seller.kind]
                assert (line["state"], line["result"]["action"]) == (state, action), seller.name
        assert done.returncode == 1  # some failed (beside one that needs a person)

    def test_exactly_the_needed_clicks(self, renewed) -> None:
        """One renew per expiring seller, one restore per expired one, nothing else, no grant."""
        fleet, _, _ = renewed
        expected = sorted(
            [
                (s.seller_id, "renew", True)
                for s in fleet.sellers
                if s.kind == "expiring" and not (s.captcha or s.wrong_password)
            ]
            + [(s.seller_id, "restore", True) for s in fleet.sellers if s.kind == "expired"]
        )
        assert sorted(fleet.row_actions()) == expected
        assert fleet.grants() == []
        assert not any(sim.events_of("confirmation_change") for sim in fleet.sims.values())

    def test_renewed_for_a_year(self, renewed) -> None:
        """Renewed and restored access now runs a year from today, as the lines say."""
        fleet, done, _ = renewed
        year = date.today() + timedelta(days=365)
        for line in done.lines():
            if line["state"] == "done" and line["result"]["action"] != "none":
                assert abs((date.fromisoformat(line["result"]["expires_at"]) - year).days) <= 1

    def test_summary_and_run_id_on_stderr(self, renewed) -> None:
        """stderr names the run (to resume it) and ends with the per-account summary table."""
        fleet, done, _ = renewed
        run_id = done.lines()[0]["run_id"]
        assert f"--resume {run_id}" in done.stderr
        assert "needs a person" in done.stderr and "login_failed" in done.stderr
        assert "14 done, 5 failed, 1 needs a person" in done.stderr

    def test_audit_trail(self, renewed) -> None:
        """history lists one renew or restore per click, with the run, developer and new expiry."""
        fleet, done, _ = renewed
        history = sellerauth(fleet, "history", "--json")
        assert history.returncode == 0, history.stderr
        events = json.loads(history.stdout)
        run_id = done.lines()[0]["run_id"]
        by_id = {s.seller_id: s.name for s in fleet.sellers}
        clicked = sorted(
            (by_id[sid], "renew" if a == "renew" else "restore")
            for sid, a, _ in fleet.row_actions()
        )
        assert sorted((e["account"], e["action"]) for e in events) == clicked
        assert {e["run_id"] for e in events} == {run_id}
        assert {e["developer_id"] for e in events} == {OUR_ID}
        assert all(e["after"]["state"] == "active" and e["after"]["expires_at"] for e in events)
        one = clicked[0][0]
        only = json.loads(sellerauth(fleet, "history", "--json", "--account", one).stdout)
        assert [e["account"] for e in only] == [one]
        table = sellerauth(fleet, "history")
        assert one in table.stdout and "restore" in table.stdout

    def test_store_holds_no_password_in_plaintext(self, renewed) -> None:
        """No password or TOTP secret of any seller appears in the store's files."""
        fleet, _, _ = renewed
        raw = fleet.backend.raw(fleet.state_dir)
        assert raw
        for seller in fleet.sellers:
            assert seller.login.password.encode() not in raw
            assert seller.login.totp_secret.encode() not in raw
        assert WRONG_PASSWORD.encode() not in raw

    def test_resuming_a_finished_run_does_nothing(self, renewed) -> None:
        """--resume on a finished run runs no account, touches no page, same summary and exit."""
        fleet, done, _ = renewed
        run_id = done.lines()[0]["run_id"]
        before = len(fleet.main.event_snapshot())
        again = sellerauth(fleet, "batch", "renew", "--resume", run_id)
        assert again.returncode == done.returncode
        assert again.stdout == ""
        assert len(fleet.main.event_snapshot()) == before
        assert "14 done, 5 failed, 1 needs a person" in again.stderr
