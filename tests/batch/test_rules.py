"""The rules of a batch that need no browser: exit statuses, shards, audit events, alerts."""

from __future__ import annotations

import pytest

from automation.batch import Shard, exit_status, parse_shard, shard_from_env, shard_of
from automation.errors import InvalidInput
from automation.log import register_secret
from automation.notify import Problem, compose
from automation.plan import select, split_names
from flows.mws.register import SPEC as REGISTER
from flows.mws.renew import SPEC as RENEW
from flows.mws.status import SPEC as STATUS

OUR_ID = "5259-6479-4073"
NAMES = [f"seller-{n:03d}" for n in range(1, 101)]


class TestExitStatus:
    @pytest.mark.parametrize(
        "states,status",
        [
            ([], 0),
            (["done", "done"], 0),
            (["done", "needs_person"], 3),
            (["done", "failed"], 1),
            (["needs_person", "failed"], 1),
            (["done", "running"], 1),
        ],
    )
    def test_precedence(self, states, status) -> None:
        """0 all done; 1 when any failed (or has no result), even beside needs-a-person; else 3."""
        assert exit_status(states) == status


class TestShards:
    def test_every_account_in_exactly_one_shard(self) -> None:
        """N shards partition the accounts: each name in one shard, none lost, none twice."""
        for count in (1, 2, 3, 7):
            shards = [Shard(k, count).select(NAMES) for k in range(count)]
            assert sorted(n for shard in shards for n in shard) == sorted(NAMES)
            assert all(shard for shard in shards)

    def test_split_is_the_same_on_every_machine(self) -> None:
        """The split is a SHA-256 of the name (not Python's per-process `hash`): these accounts
        land in these shards on every machine and every run, so two pods of one Indexed Job
        never disagree about who runs which account."""
        names = ["acme", "seller-001", "seller-002", "seller-003", "shop", "テスト"]
        assert [shard_of(n, 4) for n in names] == [0, 0, 1, 2, 1, 1]
        assert [Shard(k, 3).select(names) for k in range(3)] == [
            ["acme"],
            ["seller-001", "seller-003", "shop", "テスト"],
            ["seller-002"],
        ]

    def test_shard_of_does_not_depend_on_the_others(self) -> None:
        """Adding an account moves no other account to another shard."""
        before = Shard(1, 3).select(NAMES)
        after = Shard(1, 3).select(NAMES + ["newcomer"])
        assert [n for n in after if n != "newcomer"] == before

    @pytest.mark.parametrize("text", ["3/3", "-1/3", "a/b", "1", "0/0"])
    def test_bad_shard_is_refused(self, text) -> None:
        """K/N needs 0 <= K < N."""
        with pytest.raises(InvalidInput):
            parse_shard(text)

    def test_indexed_job_environment(self) -> None:
        """JOB_COMPLETION_INDEX of JOB_COMPLETIONS is the shard; the index alone is refused."""
        assert shard_from_env({"JOB_COMPLETION_INDEX": "2", "JOB_COMPLETIONS": "5"}) == Shard(2, 5)
        assert shard_from_env({}) is None
        with pytest.raises(InvalidInput):
            shard_from_env({"JOB_COMPLETION_INDEX": "2"})


class TestSelect:
    def test_only_keeps_file_order(self) -> None:
        """--only picks names in the accounts file's order; commas and repeats both work."""
        only = split_names(["seller-003,seller-001", "seller-002"])
        assert select(NAMES, only, None) == ["seller-001", "seller-002", "seller-003"]

    def test_unknown_name_is_refused(self) -> None:
        """--only with a name not in the file is invalid input naming it."""
        with pytest.raises(InvalidInput, match="nobody"):
            select(NAMES, ["nobody"], None)


class TestAuditEvents:
    def test_register_outcomes(self) -> None:
        """granted and restored are audited; already_granted is not."""
        command = REGISTER.command()
        base = {"developer_id": OUR_ID, "seller_id": "A1X", "marketplace_id": "M"}
        [grant] = command.audit({**base, "outcome": "granted"})
        assert (grant.action, grant.developer_id) == ("grant", OUR_ID)
        assert grant.after == {"seller_id": "A1X", "marketplace_id": "M", "state": "active"}
        assert [e.action for e in command.audit({**base, "outcome": "restored"})] == ["restore"]
        assert command.audit({**base, "outcome": "already_granted"}) == []

    def test_renew_actions(self) -> None:
        """renewed and restored are audited with the expiry read back; none and dry runs not."""
        command = RENEW.command({"renew_within": 30})
        data = {
            "developer_id": OUR_ID,
            "state": "active",
            "expires_at": "2027-11-27",
            "access_confirmation": "enabled",
            "dry_run": False,
        }
        [renew] = command.audit({**data, "action": "renewed"})
        assert renew.action == "renew" and renew.after["expires_at"] == "2027-11-27"
        assert [e.action for e in command.audit({**data, "action": "restored"})] == ["restore"]
        assert command.audit({**data, "action": "none"}) == []
        assert command.audit({**data, "action": "renewed", "dry_run": True}) == []

    def test_confirmation_change(self) -> None:
        """Disabling confirmation is audited when the result says so (or asked and now off)."""
        data = {"developer_id": OUR_ID, "action": "none", "access_confirmation": "disabled"}
        asked = RENEW.command({"disable_confirmation": True})
        assert [e.action for e in asked.audit(data)] == ["disable_confirmation"]
        assert RENEW.command().audit(data) == []
        assert asked.audit({**data, "confirmation_changed": False}) == []

    def test_forced_renewal_is_not_forced_twice(self) -> None:
        """An account a killed run may have renewed is renewed again only when due."""
        command = RENEW.command({"force": True})
        assert command.flow().options.force is True  # type: ignore[attr-defined]
        assert command.flow(may_have_acted=True).options.force is False  # type: ignore[attr-defined]
        assert command.options.force is True, "the run's own options are left as they were"

    def test_describe_status(self) -> None:
        """The summary of a status result names our row's state and expiry."""
        data = {
            "developers": [
                {"developer_id": OUR_ID, "state": "active", "expires_at": "2027-01-01"},
                {"developer_id": "1", "state": "x"},
            ]
        }
        assert STATUS.command().describe(data, None) == ("2 developers; ours active", "2027-01-01")


class TestAlertText:
    def test_names_accounts_and_reasons_without_secrets(self) -> None:
        """An alert lists each account with its state and code; registered secrets are masked."""
        register_secret("hunter2-secret")
        title, body = compose(
            "batch renew",
            "RUN1",
            [
                Problem("acme", "failed", "login_failed", "refused hunter2-secret"),
                Problem("shop", "needs_person", "needs_person", "captcha"),
            ],
        )
        assert title == "sellerauth batch renew: 1 failed, 1 need a person"
        assert "acme: failed [login_failed]" in body and "shop: needs_person" in body
        assert "hunter2-secret" not in body and "RUN1" in body
