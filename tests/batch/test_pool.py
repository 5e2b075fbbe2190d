"""The worker pool in-process: one browser per worker, every account isolated, results at once."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, SecretStr

from automation import browser as browser_module
from automation.accounts import AccountProfile
from automation.audit import AuditEvent
from automation.batch import Batch
from automation.commands import Command, CommandSpec, NoOptions
from automation.errors import InvalidInput, NeedsPerson
from automation.report import JsonLines
from automation.settings import Settings
from automation.store import Store
from tests.postgres import StoreBackend

SECRET = "amzn.mws.99999999-8888-4777-8666-555555555555"


class Echo(BaseModel):
    account: str
    token: SecretStr


def flow_for(page: Any, ctx: Any) -> Echo:
    """A stand-in flow: each account name says what happens to it."""
    name = ctx.account.name
    page.set_content(f"<p>{name}</p>")
    if name.startswith("crash"):
        raise RuntimeError("something broke in a flow")
    if name.startswith("kill"):
        page.context.browser.close()  # the browser goes away under the flow
        page.set_content("<p>gone</p>")
    if name.startswith("person"):
        raise NeedsPerson("a captcha")
    return Echo(account=name, token=SecretStr(SECRET))


def echo_job(audit: Any = None) -> Command:
    """A stand-in job running `flow_for`, audited by `audit(data)` (default: nothing)."""
    spec = CommandSpec(
        name="echo",
        help="A stand-in job.",
        options=NoOptions,
        flow=lambda page, ctx, options: flow_for(page, ctx),
        result=Echo,
        account_overrides=NoOptions,
        audit=(lambda data, options: audit(data)) if audit else (lambda data, options: []),
    )
    return spec.command()


def profile(name: str) -> AccountProfile:
    return AccountProfile(
        name=name,
        email=f"{name}@example.com",
        password=SecretStr("pw-12345678"),
    )


@pytest.fixture
def settings(tmp_path: Path, store_backend: StoreBackend) -> Settings:
    return store_backend.settings(
        state_dir=tmp_path / "state", timeout_ms=5000, log_format="json", retry_attempts=1
    )


@pytest.fixture
def launches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts browser launches."""
    started: list[int] = []
    original = browser_module.BrowserSession.start

    def counting(self: Any) -> Any:
        started.append(1)
        return original(self)

    monkeypatch.setattr(browser_module.BrowserSession, "start", counting)
    return started


class TestPool:
    def test_each_account_isolated_and_browsers_reused(
        self, settings, launches, store_backend: StoreBackend
    ) -> None:
        """A crash, a dead browser, a captcha or a bad profile fail only their own account."""
        store = Store.open(settings)
        names = ["ok-1", "crash-2", "ok-3", "kill-4", "ok-5", "person-6", "ok-7"]
        run = store.create_run("test", {}, names + ["broken-8"])
        out = io.StringIO()
        job = echo_job(lambda data: [AuditEvent("echo", None, {"account": data["account"]})])
        batch = Batch(
            job,
            settings,
            store,
            run.run_id,
            concurrency=1,
            on_finish=JsonLines(run.run_id, out),
        )
        accounts: list[Any] = [(n, profile(n)) for n in names]
        accounts.append(("broken-8", InvalidInput("password missing", field="password")))
        batch.run(accounts)

        lines = {
            json.loads(line)["account"]: json.loads(line) for line in out.getvalue().splitlines()
        }
        states = {name: line["state"] for name, line in lines.items()}
        assert states == {
            "ok-1": "done",
            "crash-2": "failed",
            "ok-3": "done",
            "kill-4": "failed",
            "ok-5": "done",
            "person-6": "needs_person",
            "ok-7": "done",
            "broken-8": "failed",
        }
        assert lines["crash-2"]["error"]["code"] == "internal"
        assert "RuntimeError" in lines["crash-2"]["error"]["message"]
        assert lines["broken-8"]["error"]["code"] == "invalid_input"
        assert SECRET not in out.getvalue()
        # One browser for the worker, and one more after the browser went away.
        assert len(launches) == 2
        # Every result and audit event is in the store, the secret encrypted.
        assert store.finished_accounts(run.run_id) == set(names) | {"broken-8"}
        assert [e.account for e in store.audit()] == ["ok-1", "ok-3", "ok-5", "ok-7"]
        raw = store_backend.raw(settings.state_dir)
        assert SECRET.encode() not in raw

    def test_one_browser_per_worker(self, settings, launches) -> None:
        """Concurrency N starts N browsers for many accounts, never one per account."""
        store = Store.open(settings)
        names = [f"ok-{n}" for n in range(6)]
        run = store.create_run("test", {}, names)
        job = echo_job()
        outcomes = Batch(job, settings, store, run.run_id, concurrency=2).run(
            [(n, profile(n)) for n in names]
        )
        assert sorted(o.account for o in outcomes) == names
        assert {o.state for o in outcomes} == {"done"}
        assert len(launches) == 2
