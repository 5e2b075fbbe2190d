"""`--resume` runs again an account that ended without `done` while an intent of it is still
open (issue 22, item 4.4: a consent whose refresh token was lost), as it runs accounts without
a result; accounts done, or failed with nothing open, are left alone. No browser."""

from __future__ import annotations

from pathlib import Path

from automation.store import Store
from tests.batch.test_accounts import run, write
from tests.postgres import StoreBackend


def test_resume_runs_again_an_account_failed_with_an_open_intent(
    tmp_path: Path, store_backend: StoreBackend
) -> None:
    names = ["done-one", "lost-token", "failed-clean", "never-started"]
    write(
        tmp_path,
        "".join(f'[accounts.{n}]\nemail = "{n}@example.com"\n' for n in names),
        {f"{n}.password": "pw-long-enough" for n in names},
    )
    with Store.open(store_backend.settings(state_dir=tmp_path / "state")) as store:
        batch = store.create_run("authorize", {}, names)
        store.finish_result(batch.run_id, "done-one", "done", data={"outcome": "authorized"})
        # Consent clicked, then the code exchange failed: its intent stays open.
        store.open_intent(batch.run_id, "lost-token", "app_consent", None)
        lost = {"code": "site_unavailable", "message": "LWA unreachable"}
        store.finish_result(batch.run_id, "lost-token", "failed", error=lost)
        refused = {"code": "wrong_developer", "message": "another app"}
        store.finish_result(batch.run_id, "failed-clean", "failed", error=refused)
        # An open intent of another run's command is not this run's to settle.
        other = store.create_run("register", {}, ["failed-clean"])
        store.open_intent(other.run_id, "failed-clean", "granted", None)

    listed = run(
        tmp_path, "batch", "authorize", "--resume", batch.run_id, "--list", **store_backend.env()
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["lost-token", "never-started"]
