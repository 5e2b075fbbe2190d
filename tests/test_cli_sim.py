"""`sellerauth sim` (and `python -m fixtures.simulator`) as a QA person meets it: the command it
suggests pastes as printed, its options are checked and listed, challenges can be switched on
from the command line or the control page."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.simulator import SCENARIOS, Simulator, build_scenario
from fixtures.simulator.options import banner, scenario_from
from fixtures.simulator.testing import SimClient
from tests.cli import ROOT, clean_env, pasted, read_until, sellerauth


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


def module(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m fixtures.simulator ARGS` run to its end."""
    return subprocess.run(
        [sys.executable, "-m", "fixtures.simulator", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


class TestSuggestedCommand:
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

    def test_sellerauth_sim_prints_a_command_that_pastes(
        self, sim_process: subprocess.Popen[str]
    ) -> None:
        """The line `sellerauth sim` prints (a pipe, not a terminal: nothing wraps) pastes."""
        lines = read_until(sim_process, "sellerauth register")
        url = lines[0].rsplit(" on ", 1)[1]
        env, argv = pasted(lines[-1])
        assert env["SELLERAUTH_PASSWORD"] == "correct horse battery staple"
        assert argv == ["sellerauth", "register", "--base-url", url]

    def test_each_documented_sim_command_starts_a_simulator(self, tmp_path: Path) -> None:
        """Each `sellerauth sim` line of docs/simulator.md and of the README's quick start
        starts a simulator (on a free port instead of the documented one)."""
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
        """Both `sellerauth sim` and the module exit 2 naming the allowed values."""
        done = sellerauth("sim", "--port", "0", *args, state_dir=tmp_path)
        assert done.returncode == 2, done.stdout + done.stderr
        assert named in done.stderr
        by_module = module("--port", "0", *args)
        assert by_module.returncode == 2
        assert named in by_module.stderr

    def test_list_shows_every_scenario_with_its_description(self, tmp_path: Path) -> None:
        """`--list` prints each scenario's name and the first line of its docstring."""
        done = sellerauth("sim", "--list", state_dir=tmp_path)
        assert done.returncode == 0
        by_module = module("--list")
        for name, factory in SCENARIOS.items():
            first = (factory.__doc__ or "").strip().splitlines()[0]
            assert f"{name}" in done.stdout and first in done.stdout
            assert first in by_module.stdout

    def test_command_and_module_take_the_same_options(self, tmp_path: Path) -> None:
        """Every option of `sellerauth sim --help` is in `python -m fixtures.simulator --help`."""
        from fixtures.simulator.options import OPTIONS

        ours = sellerauth("sim", "--help", state_dir=tmp_path).stdout
        theirs = module("--help").stdout
        for option in OPTIONS:
            assert option.flag in ours and option.flag in theirs

    def test_challenge_options_switch_on_each_challenge_named(self) -> None:
        """--challenge, repeated or comma-separated, switches on exactly those; the banner
        says which."""
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

    def test_control_page_switches_challenges_on_and_off(self) -> None:
        """The control page offers each switch; JSON and form posts turn challenges on and off,
        an unknown one is refused naming the known ones, and a switched-on one is served."""
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
