"""Made `sellerauth.db` here: a store as the release before the migrations (schema v2, commit
e57730e) leaves it, for tests/automation/test_store_upgrade.py. Made once with that release's
code: `git worktree add /tmp/v2 e57730e && cd /tmp/v2 && python
tests/data/store-v2-intents/make.py OUT_DIR`.
The key is `sellerauth.key` beside it (a test key, nothing else uses it)."""

from __future__ import annotations

import sys
from pathlib import Path

from automation.audit import AuditEvent
from automation.settings import load_settings
from automation.store import Store

TOKEN = "amzn.mws.0f0f0f0f-1111-4222-8333-444444444444"
REFRESH = "Atzr|v2-fixture-refresh-token"


def main(out: Path) -> None:
    with Store.open(load_settings(state_dir=out)) as store:
        run = store.create_run("register", {}, ["acme-jp", "tanaka", "killed"])
        for name in ("acme-jp", "tanaka", "killed"):
            store.start_result(run.run_id, name)
        store.open_intent(run.run_id, "acme-jp", "granted", "5259-6479-4073")
        store.finish_result(
            run.run_id,
            "acme-jp",
            "done",
            data={
                "account": "acme-jp",
                "seller_id": "A1V2FIXTURE",
                "outcome": "granted",
                "developer_id": "5259-6479-4073",
            },
            secrets={"mws_auth_token": TOKEN},
            seconds=3.2,
            audit=[AuditEvent("grant", "5259-6479-4073", {"listed": True})],
            acted=["granted"],
        )
        store.finish_result(
            run.run_id, "tanaka", "failed", error={"code": "timeout", "message": "slow"}
        )
        # "killed": started, an intent opened, never finished (the process died).
        store.open_intent(run.run_id, "killed", "granted", "5259-6479-4073")
        single = store.create_run("authorize", {"renew_within": 30}, ["acme-jp"], kind="single")
        store.start_result(single.run_id, "acme-jp")
        store.finish_result(
            single.run_id,
            "acme-jp",
            "done",
            data={"account": "acme-jp", "app_id": "amzn1.sp.solution.v2", "outcome": "authorized"},
            secrets={"refresh_token": REFRESH},
            audit=[AuditEvent("authorize", None, {"app_id": "amzn1.sp.solution.v2"})],
        )
        store.finish_run(single.run_id)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
