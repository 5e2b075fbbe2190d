"""The `sellerauth` command as scripts and people use it: exit statuses, one JSON object, help."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fixtures.simulator import Faults, Simulator, SimulatorServer, build_scenario
from tests.cli import login_env

OUR_ID = "5259-6479-4073"


@pytest.fixture
def real_clock_site() -> Iterator[tuple[Simulator, str]]:
    """A simulator on the real clock, since the command runs in another process."""
    simulator = Simulator(build_scenario("demo"))
    with SimulatorServer(simulator) as server:
        yield simulator, server.url


def sellerauth(
    *args: str, state_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    full_env.update(
        {
            "SELLERAUTH_STATE_DIR": str(state_dir),
            "SELLERAUTH_TIMEOUT_MS": "5000",
            "SELLERAUTH_LOG_FORMAT": "json",
        }
    )
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.mark.browser
class TestRegisterCommand:
    def test_json_contract_and_idempotence(self, real_clock_site, tmp_path) -> None:
        """--json prints one object with the contract's keys; a second run grants nothing."""
        simulator, url = real_clock_site
        first = sellerauth(
            "register", "--json", "--base-url", url, state_dir=tmp_path, env=login_env(simulator)
        )
        assert first.returncode == 0, first.stderr
        result = json.loads(first.stdout)
        seller = simulator.scenario.logins[0].sellers[0]
        row = simulator.developer_row(seller.seller_id, OUR_ID)
        assert result == {
            "account": "default",
            "outcome": "granted",
            "seller_id": seller.seller_id,
            "marketplace_id": "A1VC38T7YXB528",
            "mws_auth_token": row.token,
            "developer_id": OUR_ID,
        }
        assert row.token not in first.stderr
        second = sellerauth(
            "register", "--json", "--base-url", url, state_dir=tmp_path, env=login_env(simulator)
        )
        assert json.loads(second.stdout)["outcome"] == "already_granted"
        assert len(simulator.events_of("grant")) == 1

    def test_table_for_people(self, real_clock_site, tmp_path) -> None:
        """Without --json a person gets a short table showing the token once."""
        simulator, url = real_clock_site
        done = sellerauth(
            "register", "--base-url", url, state_dir=tmp_path, env=login_env(simulator)
        )
        assert done.returncode == 0, done.stderr
        seller = simulator.scenario.logins[0].sellers[0]
        token = simulator.developer_row(seller.seller_id, OUR_ID).token
        assert done.stdout.count(token) == 1
        assert seller.seller_id in done.stdout

    def test_wrong_password_exit_status_and_error_object(self, real_clock_site, tmp_path) -> None:
        """A wrong password exits 4 with one JSON error object, and the password appears nowhere."""
        simulator, url = real_clock_site
        env = login_env(simulator, SELLERAUTH_PASSWORD="Sup3r-Secret-Wrong")
        done = sellerauth("register", "--json", "--base-url", url, state_dir=tmp_path, env=env)
        assert done.returncode == 4
        error = json.loads(done.stdout)
        assert error["account"] == "default" and error["error"]["code"] == "login_failed"
        assert "Sup3r-Secret-Wrong" not in done.stdout + done.stderr

    def test_needs_person_exit_status(self, tmp_path) -> None:
        """A captcha while unattended exits 3 with needs_person."""
        simulator = Simulator(build_scenario("demo", faults=Faults(captcha=True)))
        with SimulatorServer(simulator) as server:
            done = sellerauth(
                "register",
                "--json",
                "--base-url",
                server.url,
                state_dir=tmp_path,
                env=login_env(simulator),
            )
        assert done.returncode == 3
        assert json.loads(done.stdout)["error"]["code"] == "needs_person"


class TestInputValidation:
    @pytest.mark.parametrize(
        "args,env,field",
        [
            (["--developer-id", "5259-6479-407"], {}, "developer_id"),
            (["--base-url", "http://sellercentral.example.com"], {}, "base_url"),
            ([], {"SELLERAUTH_EMAIL": "not-an-email"}, "email"),
            ([], {"SELLERAUTH_MARKETPLACE": "XX"}, "marketplace"),
            ([], {"SELLERAUTH_PASSWORD": ""}, "password"),
        ],
    )
    def test_refused_before_a_browser_starts(self, tmp_path, args, env, field) -> None:
        """Bad input exits 2 naming the field; no browser starts and no session is written."""
        base = {
            "SELLERAUTH_EMAIL": "seller@example.com",
            "SELLERAUTH_PASSWORD": "pw-123456",
        }
        base.update(env)
        state = tmp_path / "state"
        done = sellerauth("register", "--json", *args, state_dir=state, env=base)
        assert done.returncode == 2, done.stdout + done.stderr
        error = json.loads(done.stdout)["error"]
        assert error["code"] == "invalid_input"
        assert field in error["message"] or error.get("field") == field
        assert not (state / "sessions").exists()

    def test_help_teaches(self, tmp_path) -> None:
        """--help lists the commands and says where credentials come from."""
        done = sellerauth("--help", state_dir=tmp_path)
        assert done.returncode == 0
        for word in ("register", "status", "renew", "sim", "SELLERAUTH_EMAIL"):
            assert word in done.stdout


@pytest.mark.browser
class TestStatusAndRenewCommands:
    def test_status_and_renew_json(self, tmp_path) -> None:
        """status and renew --json print their contract objects."""
        simulator = Simulator(build_scenario("expiring"))
        with SimulatorServer(simulator) as server:
            env = login_env(simulator)
            status = sellerauth(
                "status", "--json", "--base-url", server.url, state_dir=tmp_path, env=env
            )
            renew = sellerauth(
                "renew", "--json", "--base-url", server.url, state_dir=tmp_path, env=env
            )
        assert status.returncode == 0, status.stderr
        data = json.loads(status.stdout)
        assert set(data) == {"account", "seller_id", "access_confirmation", "developers"}
        assert {"developer_id", "nickname", "state", "granted_at", "expires_at"} == set(
            data["developers"][0]
        )
        assert renew.returncode == 0, renew.stderr
        result = json.loads(renew.stdout)
        assert result["action"] == "renewed" and result["state"] == "active"
        assert {"account", "developer_id", "action", "state", "expires_at"} <= set(result)


@pytest.mark.browser
class TestRecordCommand:
    def test_records_a_replayable_scrubbed_har(self, tmp_path) -> None:
        """`sellerauth record` writes a .har.zip without the password, and says what it read."""
        import zipfile

        simulator = Simulator(build_scenario("granted"))
        out = tmp_path / "rec" / "status.har.zip"
        with SimulatorServer(simulator) as server:
            done = sellerauth(
                "record",
                "status",
                "--out",
                str(out),
                "--base-url",
                server.url,
                state_dir=tmp_path / "state",
                env=login_env(simulator),
            )
        assert done.returncode == 0, done.stderr
        assert "recorded status" in done.stdout
        with zipfile.ZipFile(out) as archive:
            names = archive.namelist()
            text = b"".join(archive.read(n) for n in names)
        assert "har.har" in names and "sellerauth.json" in names
        assert simulator.scenario.logins[0].password.encode() not in text


@pytest.mark.browser
class TestEvidenceOption:
    def test_evidence_and_trace_from_the_command_line(self, tmp_path) -> None:
        """--evidence and --trace leave their files, holding neither password nor token."""
        import zipfile

        simulator = Simulator(build_scenario("demo"))
        with SimulatorServer(simulator) as server:
            done = sellerauth(
                "register",
                "--json",
                "--base-url",
                server.url,
                "--evidence",
                str(tmp_path / "ev"),
                "--trace",
                str(tmp_path / "trace.zip"),
                state_dir=tmp_path / "state",
                env=login_env(simulator),
            )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        token = result["mws_auth_token"]
        folders = list((tmp_path / "ev").glob("default-*/steps.json"))
        assert len(folders) == 1
        # Where the evidence went: in the JSON result and on stderr.
        assert result["evidence_dir"] == str(folders[0].parent.resolve())
        assert f"evidence: {folders[0].parent.resolve()}" in done.stderr
        with zipfile.ZipFile(tmp_path / "trace.zip") as archive:
            text = b"".join(archive.read(n) for n in archive.namelist())
        for secret in (token, simulator.scenario.logins[0].password):
            assert secret.encode() not in text


@pytest.mark.browser
class TestInterrupt:
    @staticmethod
    def _stopped_while_a_page_hangs(
        tmp_path: Path, stop: Callable[[int], None], *args: str
    ) -> tuple:
        """`register ARGS` signs in, then hangs on the developer form; `stop(pid)` is sent
        then. Returns (simulator, state dir, exit status, stdout, stderr)."""
        simulator = Simulator(
            build_scenario("demo", faults=Faults(hang=["/gp/mws/registration/authorize.html"]))
        )
        state = tmp_path / "state"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
        env.update(login_env(simulator))
        env.update({"SELLERAUTH_STATE_DIR": str(state), "SELLERAUTH_TIMEOUT_MS": "60000"})
        with SimulatorServer(simulator) as server:
            process = subprocess.Popen(
                [sys.executable, "-m", "sellerauth", "register", *args, "--base-url", server.url],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                start_new_session=True,
            )
            deadline = time.monotonic() + 60
            while not any(e.get("fault") == "hang" for e in simulator.events_of("request")):
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
            stop(process.pid)
            stdout, stderr = process.communicate(timeout=60)
        return simulator, state, process.returncode, stdout, stderr

    def test_ctrl_c_ends_cleanly_and_keeps_the_session(self, tmp_path) -> None:
        """Ctrl-C while a page hangs: exit 130, a clear word, and the signed-in session kept."""
        simulator, state, status, _, stderr = self._stopped_while_a_page_hangs(
            tmp_path,
            lambda pid: os.killpg(pid, signal.SIGINT),  # what Ctrl-C on a terminal sends
        )
        assert status == 130, stderr
        assert "Stopped by the operator" in stderr
        assert simulator.events_of("signin_success")
        saved = json.loads((state / "sessions" / "default.json").read_text())
        assert saved["cookies"], "the signed-in session was kept"

    def test_sigterm_is_recorded_and_keeps_the_session(self, tmp_path) -> None:
        """SIGTERM to the process alone (what `timeout` and systemd send) while a page hangs:
        exit 143, the error says SIGTERM, the store holds an `interrupted` result, and the
        signed-in session is kept."""
        from automation.settings import load_settings
        from automation.store import Store

        _, state, status, stdout, stderr = self._stopped_while_a_page_hangs(
            tmp_path, lambda pid: os.kill(pid, signal.SIGTERM), "--json"
        )
        assert status == 143, stderr
        error = json.loads(stdout)["error"]
        assert error["code"] == "interrupted" and "SIGTERM" in error["message"]
        assert "Traceback" not in stderr
        saved = json.loads((state / "sessions" / "default.json").read_text())
        assert saved["cookies"], "the signed-in session was kept"
        with Store.open(load_settings(state_dir=state)) as store:
            [run] = store.runs()
            [result] = store.results(run.run_id)
        assert result.state == "failed" and result.error and result.error["code"] == "interrupted"

    def test_sigterm_to_every_process_as_systemd_stops_a_unit(self, tmp_path) -> None:
        """systemd's default cgroup kill (KillMode=control-group): SIGTERM reaches the run,
        the Playwright driver and every Chromium process at the same time. The run still ends
        `interrupted`, exit 143, recorded; it is not left `running`."""
        from automation.settings import load_settings
        from automation.store import Store

        def cgroup_kill(pid: int) -> None:
            processes = [pid, *descendants(pid)]
            assert len(processes) > 2, "the driver and the browser run"
            os.killpg(pid, signal.SIGTERM)  # the process group (Chromium may have its own)
            for child in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGTERM)

        _, state, status, stdout, stderr = self._stopped_while_a_page_hangs(
            tmp_path, cgroup_kill, "--json"
        )
        assert status == 143, stdout + stderr
        error = json.loads(stdout)["error"]
        assert error["code"] == "interrupted" and "SIGTERM" in error["message"]
        assert "Traceback" not in stderr and "Aborted" not in stderr
        with Store.open(load_settings(state_dir=state)) as store:
            [run] = store.runs()
            [result] = store.results(run.run_id)
            assert run.finished_at is not None
        assert result.state == "failed" and result.error and result.error["code"] == "interrupted"


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children, theirs, ...), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents[int(stat.parent.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found += children
        todo += children
    return found


@pytest.mark.browser
def test_sigterm_while_waiting_for_the_lock_is_interrupted(tmp_path) -> None:
    """SIGTERM while the run waits for the account's lock (another run holds it): exit 143,
    `interrupted` in the store, no "Aborted!" (it was exit 1 and a run left `running`)."""
    from automation.locks import account_lock
    from automation.settings import load_settings
    from automation.store import Store

    state = tmp_path / "state"
    simulator = Simulator(build_scenario("granted"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env.update(login_env(simulator))
    env.update({"SELLERAUTH_STATE_DIR": str(state), "SELLERAUTH_LOCK_WAIT_SECONDS": "120"})
    with SimulatorServer(simulator) as server, account_lock(state, "default"):
        process = subprocess.Popen(
            [sys.executable, "-m", "sellerauth", "status", "--json", "--base-url", server.url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        settings = load_settings(state_dir=state)
        deadline = time.monotonic() + 60
        while True:  # the run is recorded as started before it waits for the lock
            assert time.monotonic() < deadline and process.poll() is None
            if (state / "sellerauth.db").exists():
                with Store.open(settings) as store:
                    if store.runs():
                        break
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr
    assert json.loads(stdout)["error"]["code"] == "interrupted"
    assert "Aborted" not in stderr and "Traceback" not in stderr
    with Store.open(settings) as store:
        [run] = store.runs()
        [result] = store.results(run.run_id)
    assert result.state == "failed" and result.error and result.error["code"] == "interrupted"
    assert simulator.events_of("request") == [], "nothing was loaded while waiting"
