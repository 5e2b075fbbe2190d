"""`sellerauth sim` hands over every setting a job needs, SP-API too: in its banner and, alone,
with `--print-env` for `eval`; its port is checked and its list aligned."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.simulator import Simulator, SimulatorServer, build_scenario
from fixtures.simulator.options import banner
from fixtures.simulator.spapi_model import DEMO_APP_ID, DEMO_LWA_CLIENT_SECRET
from tests.cli import clean_env, sellerauth

APP_VARIABLES = {
    "SELLERAUTH_APP_ID",
    "SELLERAUTH_APP_NAME",
    "SELLERAUTH_REDIRECT_URI",
    "SELLERAUTH_LWA_CLIENT_ID",
    "SELLERAUTH_LWA_CLIENT_SECRET",
    "SELLERAUTH_LWA_TOKEN_URL",
    "SELLERAUTH_SPAPI_ENDPOINT",
}
LOGIN_VARIABLES = {
    "SELLERAUTH_EMAIL",
    "SELLERAUTH_PASSWORD",
    "SELLERAUTH_TOTP_SECRET",
    "SELLERAUTH_BASE_URL",
}


def exported(lines: list[str]) -> dict[str, str]:
    """What `export NAME=value` lines set, split as a POSIX shell does."""
    values: dict[str, str] = {}
    for line in lines:
        words = shlex.split(line)
        assert words[0] == "export" and len(words) == 2, line
        name, value = words[1].split("=", 1)
        values[name] = value
    return values


class TestPrintEnv:
    def test_prints_every_setting_alone_as_shell_exports(self, tmp_path: Path) -> None:
        done = sellerauth(
            "sim", "--print-env", "--port", "8765", "--scenario", "spapi", state_dir=tmp_path
        )
        assert done.returncode == 0, done.stderr
        values = exported(done.stdout.splitlines())
        assert set(values) == LOGIN_VARIABLES | APP_VARIABLES
        assert values["SELLERAUTH_PASSWORD"] == "correct horse battery staple"
        assert values["SELLERAUTH_BASE_URL"] == "http://127.0.0.1:8765"
        assert values["SELLERAUTH_LWA_TOKEN_URL"] == "http://127.0.0.1:8765/auth/o2/token"
        assert values["SELLERAUTH_APP_ID"] == DEMO_APP_ID

    def test_a_job_gets_what_it_needs(self, tmp_path: Path) -> None:
        """`--job register` needs no app; `--job app-renew` does."""
        mws = sellerauth(
            "sim", "--print-env", "--port", "8765", "--job", "register", state_dir=tmp_path
        )
        assert set(exported(mws.stdout.splitlines())) == LOGIN_VARIABLES
        spapi = sellerauth(
            "sim", "--print-env", "--port", "8765", "--job", "app-renew", state_dir=tmp_path
        )
        assert set(exported(spapi.stdout.splitlines())) == LOGIN_VARIABLES | APP_VARIABLES

    @pytest.mark.parametrize(
        ("args", "said"),
        [
            (["--port", "0"], "--port N (not 0)"),
            (["--port", "8765", "--job", "regster"], "--job 'regster': must be one of"),
        ],
    )
    def test_refused_with_the_reason(self, args: list[str], said: str, tmp_path: Path) -> None:
        done = sellerauth("sim", "--print-env", *args, state_dir=tmp_path)
        assert done.returncode == 2 and said in done.stderr and done.stdout == ""

    def test_the_banner_shows_every_setting_as_pastable_lines(self) -> None:
        lines = banner(build_scenario("spapi"), "http://127.0.0.1:8765")
        values = exported([line for line in lines if line.startswith("  export ")])
        assert set(values) == LOGIN_VARIABLES | APP_VARIABLES
        assert any(
            'eval "$(sellerauth sim --print-env --port 8765 --scenario spapi)"' in line
            for line in lines
        )

    @pytest.mark.browser
    def test_evaled_in_bash_a_job_runs_against_that_simulator(self, tmp_path: Path) -> None:
        """The printed lines, eval'ed by a real bash, are all `authorize` needs."""
        simulator = Simulator(build_scenario("spapi"))
        with SimulatorServer(simulator) as server:
            port = server.url.rsplit(":", 1)[1]
            me = shlex.quote(sys.executable)
            script = (
                f'eval "$({me} -m sellerauth sim --print-env --port {port} --scenario spapi '
                f'--job authorize)" && {me} -m sellerauth authorize --json'
            )
            env = clean_env(tmp_path, SELLERAUTH_INTERSTITIAL_WAIT_MS="5000")
            done = subprocess.run(
                ["bash", "-c", script], capture_output=True, text=True, env=env, timeout=180
            )
        assert done.returncode == 0, done.stderr
        result = json.loads(done.stdout)
        assert result["outcome"] == "authorized" and result["app_id"] == DEMO_APP_ID
        assert result["refresh_token"]
        assert DEMO_LWA_CLIENT_SECRET not in done.stderr


class TestSmallThings:
    def test_an_impossible_port_is_refused(self, tmp_path: Path) -> None:
        """Not served silently on another port: refused, naming the range."""
        done = sellerauth("sim", "--port", "99999", state_dir=tmp_path)
        assert done.returncode == 2
        assert "--port 99999: a port is 0 (any free port) to 65535" in done.stderr
        by_module = subprocess.run(
            [sys.executable, "-m", "fixtures.simulator", "--port", "99999"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert by_module.returncode == 2 and "65535" in by_module.stderr

    def test_a_refusal_names_no_account_as_dash(self, tmp_path: Path) -> None:
        """`error [invalid_input]: ...`, not `error [invalid_input] -: ...`."""
        done = sellerauth("sim", "--port", "99999", state_dir=tmp_path)
        assert done.stderr.startswith("error [invalid_input]: --port 99999")

    def test_list_columns_are_aligned(self, tmp_path: Path) -> None:
        done = sellerauth("sim", "--list", state_dir=tmp_path)
        lines = done.stdout.splitlines()
        starts = {len(line) - len(line.split(None, 1)[1]) for line in lines}
        assert len(starts) == 1, lines
