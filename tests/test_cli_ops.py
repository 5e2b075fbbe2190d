"""The command line as an operator, a QA person and a scheduler meet it (issue 17): commands
pasted as printed, the simulator's options, SIGTERM, reading commands without a store, ..."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from fixtures.simulator import SCENARIOS, Simulator, build_scenario
from fixtures.simulator.options import banner, scenario_from
from fixtures.simulator.testing import SimClient

ROOT = Path(__file__).resolve().parents[1]


def clean_env(state_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELLERAUTH_")}
    env.update({"SELLERAUTH_STATE_DIR": str(state_dir), "SELLERAUTH_LOG_FORMAT": "json"})
    env.update(extra)
    return env


def sellerauth(
    *args: str, state_dir: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sellerauth", *args],
        capture_output=True,
        text=True,
        env=clean_env(state_dir, **(env or {})),
        timeout=120,
        cwd=cwd,
    )


def pasted(line: str) -> tuple[dict[str, str], list[str]]:
    """What the shell would run for a pasted line: the environment assignments and argv."""
    words = shlex.split(line, comments=True)
    env: dict[str, str] = {}
    while words and "=" in words[0] and words[0].split("=", 1)[0].isidentifier():
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


@pytest.fixture
def sim_process(tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """`sellerauth sim --port 0 --scenario demo` in its own process, stopped afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sellerauth", "sim", "--port", "0", "--scenario", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=clean_env(tmp_path),
    )
    yield process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def read_until(process: subprocess.Popen[str], needle: str) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if needle in line:
            return lines
    raise AssertionError(f"{needle!r} never printed: {lines}")


# -- 2. suggested commands are quoted and never wrapped ----------------------------------------


class TestPastedCommands:
    @pytest.mark.parametrize("name", list(SCENARIOS))
    def test_every_scenario_suggests_a_command_that_pastes(self, name: str) -> None:
        """The suggested line, split as a shell would, gives the login's exact values."""
        scenario = build_scenario(name)
        line = banner(scenario, "http://127.0.0.1:8765")[-1]
        env, argv = pasted(line)
        login = scenario.logins[0]
        assert env["SELLERAUTH_EMAIL"] == login.email
        assert env["SELLERAUTH_PASSWORD"] == login.password
        assert env.get("SELLERAUTH_TOTP_SECRET") == login.totp_secret
        assert argv == ["sellerauth", "register", "--base-url", "http://127.0.0.1:8765"]

    def test_sellerauth_sim_prints_it(self, sim_process: subprocess.Popen[str]) -> None:
        """The line `sellerauth sim` prints (a pipe, not a terminal: nothing wraps) pastes."""
        lines = read_until(sim_process, "sellerauth register")
        url = lines[0].rsplit(" on ", 1)[1]
        env, argv = pasted(lines[-1])
        assert env["SELLERAUTH_PASSWORD"] == "correct horse battery staple"
        assert argv == ["sellerauth", "register", "--base-url", url]

    def test_make_sim_runs_sellerauth_sim(self) -> None:
        recipe = (ROOT / "Makefile").read_text().split("\nsim:", 1)[1].split("\n\n", 1)[0]
        assert "sellerauth sim" in recipe

    def test_demo_hint_is_never_wrapped_and_points_to_batch_renew(self) -> None:
        from sellerauth.demo import REAL_SITE_COMMANDS, closing_hint

        out = io.StringIO()
        closing_hint(Console(file=out, width=60, force_terminal=False))
        printed = out.getvalue().splitlines()
        for command in REAL_SITE_COMMANDS:
            assert any(line.strip() == command for line in printed), printed
            pasted(command)  # parses
        assert any(pasted(c)[1][:3] == ["sellerauth", "batch", "renew"] for c in REAL_SITE_COMMANDS)
        headed = next(c for c in REAL_SITE_COMMANDS if "--headed" in c)
        assert pasted(headed)[1] == ["sellerauth", "register", "--headed"]


# -- 6. the simulator for QA -----------------------------------------------------------------


class TestSimulatorOptions:
    @pytest.mark.parametrize(
        ("args", "named"),
        [
            (["--language", "fr"], "ja, en"),
            (["--variant", "bogus"], "two_step, one_page, unified"),
            (["--layout", "odd"], "standard"),
            (["--challenge", "dragons"], "captcha"),
            (["--scenario", "nope"], "picker"),
        ],
    )
    def test_bad_options_are_refused_naming_the_choices(
        self, args: list[str], named: str, tmp_path: Path
    ) -> None:
        done = sellerauth("sim", "--port", "0", *args, state_dir=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert named in done.stderr
        module = subprocess.run(
            [sys.executable, "-m", "fixtures.simulator", "--port", "0", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert module.returncode == 2
        assert named in module.stderr

    def test_list_shows_descriptions(self, tmp_path: Path) -> None:
        done = sellerauth("sim", "--list", state_dir=tmp_path)
        assert done.returncode == 0
        module = subprocess.run(
            [sys.executable, "-m", "fixtures.simulator", "--list"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        for name, factory in SCENARIOS.items():
            first = (factory.__doc__ or "").strip().splitlines()[0]
            assert f"{name}" in done.stdout and first in done.stdout
            assert first in module.stdout

    def test_same_options_in_both(self, tmp_path: Path) -> None:
        """Every option of `sellerauth sim --help` is in `python -m fixtures.simulator --help`."""
        from fixtures.simulator.options import OPTIONS

        ours = sellerauth("sim", "--help", state_dir=tmp_path).stdout
        module = subprocess.run(
            [sys.executable, "-m", "fixtures.simulator", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        for option in OPTIONS:
            assert option.flag in ours and option.flag in module

    def test_challenges_from_the_command_line(self) -> None:
        scenario = scenario_from(
            {"scenario": "demo", "challenge": ["captcha", "email_code,app_approval", "puzzle"]}
        )
        faults = scenario.faults
        assert faults.captcha and faults.email_code and faults.app_approval and faults.puzzle
        assert not faults.robot_check
        assert "switched on: captcha, email_code, app_approval, puzzle" in "\n".join(
            banner(scenario, "http://x")
        )

    def test_challenge_served_after_the_password(self) -> None:
        """--challenge captcha really puts the captcha after a correct password."""
        simulator = Simulator(scenario_from({"scenario": "demo", "challenge": ["captcha"]}))
        SimClient(simulator).sign_in()
        assert simulator.events_of("captcha_shown")

    def test_switch_from_the_control_page(self) -> None:
        simulator = Simulator(build_scenario("demo"))
        client = simulator.app.test_client()
        assert "Switch on captcha" in client.get("/__sim/").get_data(as_text=True)
        answer = client.post("/__sim/faults", json={"kind": "captcha", "on": True})
        assert answer.status_code == 200 and simulator.scenario.faults.captcha
        form = client.post("/__sim/faults", data={"kind": "email_code", "on": "1"})
        assert form.status_code in (302, 303) and simulator.scenario.faults.email_code
        assert "Switch off captcha" in client.get("/__sim/").get_data(as_text=True)
        client.post("/__sim/faults", json={"kind": "captcha", "on": False})
        assert not simulator.scenario.faults.captcha
        bad = client.post("/__sim/faults", json={"kind": "dragons"})
        assert bad.status_code == 400 and "puzzle" in bad.get_json()["error"]
        SimClient(simulator).sign_in()
        assert simulator.events_of("email_code_shown")


def _json_line(text: str) -> dict[str, object]:
    return json.loads(text.strip().splitlines()[-1])


# -- 3. --headed without a display ------------------------------------------------------------


def test_headed_without_display_says_so(tmp_path: Path) -> None:
    """No DISPLAY: `no_display`, exit 2, how to get one; not browser_not_found."""
    env = {
        "SELLERAUTH_EMAIL": "seller@example.com",
        "SELLERAUTH_PASSWORD": "correct horse battery staple",
    }
    full = clean_env(tmp_path, **env)
    full.pop("DISPLAY", None)
    full.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "sellerauth", "status", "--headed", "--json"]
        + ["--base-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        env=full,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    error = _json_line(done.stdout)["error"]
    assert isinstance(error, dict)
    assert error["code"] == "no_display"
    assert "xvfb-run" in error["message"] and "display" in error["message"]


# -- 8. reading commands never create a store ----------------------------------------------------


@pytest.mark.parametrize("args", [["history"], ["history", "--json"], ["export"]])
def test_reading_commands_never_create_a_store(args: list[str], tmp_path: Path) -> None:
    typo = tmp_path / "sellerauht"
    done = sellerauth(*args, state_dir=typo)
    assert done.returncode == 2, done.stdout + done.stderr
    said = done.stdout if "--json" in args else done.stderr
    assert f"no store at {typo / 'sellerauth.db'}" in said
    if "--json" in args:
        assert _json_line(done.stdout)["error"]["code"] == "invalid_input"  # type: ignore[index]
    assert not typo.exists(), "a reading command created the state directory"


def test_reading_a_store_without_its_key_creates_none(tmp_path: Path) -> None:
    from automation.settings import load_settings
    from automation.store import Store

    with Store.open(load_settings(state_dir=tmp_path)):
        pass
    (tmp_path / "sellerauth.key").unlink()
    done = sellerauth("history", state_dir=tmp_path)
    assert done.returncode == 2 and "SELLERAUTH_STORE_KEY" in done.stderr
    assert not (tmp_path / "sellerauth.key").exists()


# -- 9. accounts check: every problem, one JSON object ------------------------------------------


BROKEN_ACCOUNTS = """
stray = 1

[accounts.a]
email = "a@example.com"
password = "in-the-file-1"

[accounts.b]
email = "b@example.com"
colour = "blue"

[accounts."bad name!"]
email = "c@example.com"

[accounts.d]
email = 42
"""


def test_accounts_check_reports_every_structural_problem(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(BROKEN_ACCOUNTS)
    env = {"SELLERAUTH_ACCOUNTS_FILE": str(accounts)}
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert done.returncode == 2
    report = json.loads(done.stdout)  # one object, as the help promises
    assert report["ok"] is False and report["accounts"] == []
    messages = " | ".join(e["message"] for e in report["errors"])
    for wanted in ("stray", "secrets never go", "'colour'", "bad name!", "must be a string"):
        assert wanted in messages, messages
    assert len(report["errors"]) == 5
    assert "in-the-file-1" not in done.stdout + done.stderr
    people = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert people.returncode == 2 and "5 problems in the accounts file" in people.stderr
    assert "colour" in people.stderr and "stray" in people.stderr


def test_accounts_check_json_is_one_object_when_all_is_well(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.toml"
    accounts.write_text('[accounts.solo]\nemail = "s@example.com"\n')
    env = {
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SOLO__PASSWORD": "pw-solo-1",
    }
    done = sellerauth("accounts", "check", "--json", state_dir=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ok"] is True and report["errors"] == []
    assert [a["account"] for a in report["accounts"]] == ["solo"]
    table = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert "1 accounts" not in table.stdout and "can run" in table.stdout


# -- 4. renew --dry-run says what it would do, never as done --------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(
    ("scenario", "extra", "would", "state"),
    [
        ("expiring", [], ["renew"], "active"),
        ("expired", ["--disable-confirmation"], ["disable_confirmation", "restore"], "inactive"),
        ("granted", [], [], "active"),
    ],
)
def test_renew_dry_run_json(
    scenario: str, extra: list[str], would: list[str], state: str, tmp_path: Path
) -> None:
    from fixtures.simulator import SimulatorServer

    simulator = Simulator(build_scenario(scenario))
    login = simulator.scenario.logins[0]
    env = {
        "SELLERAUTH_EMAIL": login.email,
        "SELLERAUTH_PASSWORD": login.password,
        "SELLERAUTH_TOTP_SECRET": login.totp_secret or "",
        "SELLERAUTH_TIMEOUT_MS": "10000",
    }
    with SimulatorServer(simulator) as server:
        done = sellerauth(
            "renew", "--dry-run", "--json", "--base-url", server.url, *extra,
            state_dir=tmp_path, env=env,
        )  # fmt: skip
        people = sellerauth(
            "renew", "--dry-run", "--base-url", server.url, *extra, state_dir=tmp_path, env=env
        )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["action"] == "none" and result["dry_run"] is True
    assert result["would_do"] == would and result["state"] == state
    assert simulator.events_of("row_action") == []
    assert simulator.events_of("confirmation_change") == []
    assert "dry run" in people.stdout
    for step in would:
        assert step.replace("_", " ") in people.stdout


# -- 10. small things ------------------------------------------------------------------------


class TestShortSecretsInPaths:
    @pytest.fixture(autouse=True)
    def _secrets(self) -> Iterator[None]:
        from automation.log import clear_secrets, register_secret

        clear_secrets()
        register_secret("pass")
        register_secret("123456")
        yield
        clear_secrets()

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("/home/ops/passwords/evidence/x.png", "/home/ops/passwords/evidence/x.png"),
            ("C:\\\\Users\\\\compass\\\\a.png", "C:\\\\Users\\\\compass\\\\a.png"),
            ("/srv/run-1234567/", "/srv/run-1234567/"),
            ("typed pass, then 123456", "typed ***, then ***"),
            ("/tmp/pass/x.png", "/tmp/***/x.png"),  # a whole path component
            ("https://h/ap?p=pass&otp=123456", "https://h/ap?p=***&otp=***"),
            ("x123456x", "x***x"),
        ],
    )
    def test_whole_values_masked_not_words_of_paths(self, text: str, expected: str) -> None:
        from automation.log import redact

        assert redact(text) == expected

    def test_long_secrets_masked_anywhere(self) -> None:
        from automation.log import redact, register_secret

        register_secret("amzn.mws.0123456789abcdef")
        assert redact("/tmp/xamzn.mws.0123456789abcdefx/") == "/tmp/x***x/"


def test_register_table_does_not_claim_the_token_is_shown_once() -> None:
    from automation.settings import load_settings
    from flows.mws.register import render_register
    from flows.site import resolve_account

    account = resolve_account(
        load_settings(state_dir=Path("/nonexistent")),
        None,
        email="s@example.com",
        password="pw-123456",
        base_url="http://127.0.0.1:1",
    )
    out = io.StringIO()
    data = {
        "account": "default",
        "outcome": "granted",
        "seller_id": "A1",
        "marketplace_id": "A1VC38T7YXB528",
        "mws_auth_token": "amzn.mws.x",
        "developer_id": "5259-6479-4073",
    }
    render_register(data, account, Console(file=out, width=200))
    assert "shown once" not in out.getvalue()
    assert "export --reveal" in out.getvalue()


def test_piped_tables_are_not_cut(tmp_path: Path) -> None:
    """`accounts check | cat`: the warning and a long e-mail are printed whole."""
    email = "a-very-long-mailbox-name-for-the-operations-team@an-example-seller-domain.example.com"
    accounts = tmp_path / "accounts.toml"
    accounts.write_text(f'[accounts.solo]\nemail = "{email}"\n')
    env = {
        "SELLERAUTH_ACCOUNTS_FILE": str(accounts),
        "SELLERAUTH_ACCOUNTS__SOLO__PASSWORD": "pw-solo-1",
    }
    done = sellerauth("accounts", "check", state_dir=tmp_path, env=env)
    assert email in done.stdout
    assert "unattended sign-ins that ask for a code will need a person" in done.stdout


def test_every_error_code_is_documented_with_its_exit_status() -> None:
    """docs/errors.md has a row for each error the program can report, with the exit status it
    really ends with, and no row for a code that does not exist."""
    import importlib
    import pkgutil

    import automation
    import flows
    from automation.errors import SellerAuthError

    for package in (automation, flows):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)

    def subclasses(cls: type[SellerAuthError]) -> list[type[SellerAuthError]]:
        return [cls, *(sub for direct in cls.__subclasses__() for sub in subclasses(direct))]

    statuses: dict[str, set[int]] = {}
    for cls in subclasses(SellerAuthError):
        statuses.setdefault(cls.code, set()).add(cls.exit_status)
    doc = (ROOT / "docs" / "errors.md").read_text()
    table = doc.split("## Every code", 1)[1].split("\n## ", 1)[0]
    documented = {
        cells[1].strip("` "): {int(n) for n in cells[2].split(",")}
        for cells in (line.split("|") for line in table.splitlines() if line.startswith("| `"))
    }
    assert {"store_failed", "busy", "refused", "code_expired", "interrupted"} <= set(statuses)
    assert documented == statuses


def test_documented_marketplaces_match_the_code() -> None:
    from flows.marketplaces import MARKETPLACES

    codes = ", ".join(MARKETPLACES)
    configuration = (ROOT / "docs" / "configuration.md").read_text()
    example = (ROOT / "accounts.example.toml").read_text()
    assert f"country code: {codes} |" in configuration
    assert f"marketplace     JP (default, or SELLERAUTH_MARKETPLACE), {codes[4:]}" in example


def test_version(tmp_path: Path) -> None:
    from importlib.metadata import version

    done = sellerauth("--version", state_dir=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"sellerauth {version('sellerauth')}"


def test_gitignore_keeps_recordings_out_of_the_root() -> None:
    assert "/*.har.zip" in (ROOT / ".gitignore").read_text().splitlines()


@pytest.mark.browser
def test_renew_logs_row_action_with_account_and_record_defaults_to_state_dir(
    tmp_path: Path,
) -> None:
    """The `row_action` log event names the account; `record` without --out writes into
    the state directory, never the working directory."""
    from fixtures.simulator import SimulatorServer

    def login_env(simulator: Simulator) -> dict[str, str]:
        login = simulator.scenario.logins[0]
        return {
            "SELLERAUTH_EMAIL": login.email,
            "SELLERAUTH_PASSWORD": login.password,
            "SELLERAUTH_TOTP_SECRET": login.totp_secret or "",
            "SELLERAUTH_TIMEOUT_MS": "10000",
        }

    work = tmp_path / "checkout"
    work.mkdir()
    state = tmp_path / "state"
    # `record` signs in afresh: on the account and state directory `renew` just used, it would
    # wait out the rest of the TOTP step (up to 30 s, real clock). Its own simulator and state
    # directory spare that; what it proves (where the archive goes) is the same.
    renewed, recorded = Simulator(build_scenario("expiring")), Simulator(build_scenario("granted"))
    record_state = tmp_path / "record-state"
    with SimulatorServer(renewed) as server, SimulatorServer(recorded) as record_server:
        renew = sellerauth(
            "renew", "--json", "--base-url", server.url, state_dir=state, env=login_env(renewed)
        )
        record = sellerauth(
            "record",
            "status",
            "--base-url",
            record_server.url,
            state_dir=record_state,
            env=login_env(recorded),
            cwd=work,
        )
    assert renew.returncode == 0, renew.stderr
    events = [json.loads(line) for line in renew.stderr.splitlines() if line.startswith("{")]
    row_action = [e for e in events if e.get("event") == "row_action"]
    assert row_action and row_action[0]["account"] == "default"
    assert record.returncode == 0, record.stderr
    assert list(work.iterdir()) == []
    made = list((record_state / "recordings").glob("status-*.har.zip"))
    assert len(made) == 1 and str(made[0]) in record.stdout


def test_documented_sim_commands_work_as_pasted(tmp_path: Path) -> None:
    """Each `sellerauth sim` line of docs/simulator.md and of the README's quick start starts a
    simulator (on a free port instead of the documented one)."""
    command = re.compile(r"^(\.venv/bin/)?sellerauth sim ")
    lines = [
        line
        for doc in (ROOT / "docs" / "simulator.md", ROOT / "README.md")
        for line in doc.read_text().splitlines()
        if command.match(line)
    ]
    assert len(lines) >= 4
    for line in lines:
        _, argv = pasted(line)
        argv = [word for word in argv if word != "&"]  # the quick start runs it in background
        process = subprocess.Popen(
            [sys.executable, "-m", "sellerauth", *argv[1:], "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=clean_env(tmp_path),
        )
        try:
            printed = read_until(process, "sellerauth register")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=20)
        assert "simulator" in printed[0]


def test_one_account_is_singular(capsys: pytest.CaptureFixture[str]) -> None:
    from automation.cli.batch_run import _announce
    from automation.store import Run

    _announce(Run("R1", "renew", "batch", {}, ["solo"], "", None), 1, 0)
    said = capsys.readouterr().err
    assert "over 1 account (1 to run)" in said and "1 accounts" not in said
