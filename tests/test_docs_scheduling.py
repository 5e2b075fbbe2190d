"""The scheduling examples of docs/scheduling.md hold (issue 26, item 6): every YAML block
parses and its pods get time to stop (`terminationGracePeriodSeconds`); every systemd unit is
checked by `systemd-analyze verify` where it exists (else parsed), and every service stops
only `sellerauth` first (`KillMode=mixed`) with a `TimeoutStopSec=`; `batch app-renew` is
scheduled as well as `batch renew`. No browser."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml  # PyYAML: installed with apprise

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "scheduling.md"
INSTALLED = "/opt/sellerauth/.venv/bin/sellerauth"


def blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def units() -> dict[str, str]:
    """Each unit block under the file name the text before it gives it."""
    text = DOC.read_text(encoding="utf-8")
    found = {}
    for match in re.finditer(r"```ini\n(.*?)```", text, re.S):
        names = re.findall(r"`/etc/systemd/system/([\w.-]+)`", text[: match.start()])
        assert names, "a unit block without its file name before it"
        found[names[-1]] = match.group(1)
    return found


def parsed(unit: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(unit)
    return parser


def test_every_yaml_block_parses_and_gives_pods_time_to_stop() -> None:
    found = blocks("yaml")
    assert found
    for block in found:
        for document in yaml.safe_load_all(block):
            pod = document["spec"]["jobTemplate"]["spec"]["template"]["spec"]
            assert pod["terminationGracePeriodSeconds"] >= 60
            args = pod["containers"][0]["args"]
            assert args[0] == "batch"


def test_every_service_is_stopped_gently_and_both_jobs_are_scheduled() -> None:
    found = units()
    services = {name: unit for name, unit in found.items() if name.endswith(".service")}
    jobs = set()
    for name, unit in services.items():
        service = parsed(unit)["Service"]
        assert service["KillMode"] == "mixed", name
        assert service["TimeoutStopSec"], name
        jobs.add(service["ExecStart"].split()[-1])
        assert f"{name.removesuffix('.service')}.timer" in found, name
    assert jobs >= {"renew", "app-renew"}
    cron = "\n".join(blocks("cron"))
    assert "batch renew" in cron and "batch app-renew" in cron


def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    verify = shutil.which("systemd-analyze")
    if verify is None:
        pytest.skip("no systemd-analyze here; the units are parsed by the test above")
    sellerauth = sys.executable  # an executable that exists here, for the installed path
    paths = []
    for name, unit in units().items():
        path = tmp_path / name
        path.write_text(unit.replace(INSTALLED, sellerauth))
        paths.append(str(path))
    done = subprocess.run(
        [verify, "verify", *paths], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr
