"""SP-API evidence (issue 26, item 8): with `--evidence`, the consent page as it was submitted
(its box ticked), the `We are authorizing …` interstitial, and Manage Your Apps before and
after a renewal are kept, masked; no refresh token, access token or code is in any file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flows.spapi import app_renew, authorize
from tests.flows import test_authorize as spapi_tests
from tests.flows.test_authorize_leaks import files_under
from tests.jobs import job

app_for = spapi_tests.app_for  # the simulator's app settings (a fixture)


def evidence_of(root: Path) -> tuple[Path, list[dict[str, Any]]]:
    (folder,) = root.iterdir()  # one folder per run
    return folder, json.loads((folder / "steps.json").read_text())


def secrets_of(site: Any) -> dict[str, str]:
    """Every refresh token, access token and code the simulated LWA gave or took."""
    state = site.sim.spapi_state
    found = {f"refresh token {t[:9]}": t for t in state.refresh_tokens}
    found.update({f"access token {t[:9]}": t for t in state.access_tokens})
    found.update({f"code {c[:9]}": c for c in state.codes})
    return found


def assert_nothing_secret(root: Path, site: Any, result: Any) -> None:
    secrets = secrets_of(site)
    assert result.refresh_token.get_secret_value() in secrets.values()
    assert sum(name.startswith("refresh") for name in secrets) == 1
    for path, data in files_under(root):
        for what, secret in secrets.items():
            assert secret.encode() not in data, f"{what} in {path}"


@pytest.mark.parametrize("variant", ["checkbox", "login"])
def test_app_renew_keeps_consent_interstitial_and_apps_before_and_after(
    site_factory, account_for, run, app_for, tmp_path, variant
) -> None:
    site = site_factory("spapi-expiring", language="en", spapi={"variant": variant})
    root = tmp_path / "evidence"
    result = run(job(app_renew.SPEC, app=app_for(site)), account_for(site), evidence_dir=root)
    assert result.action == "reauthorized"
    folder, steps = evidence_of(root)
    shots = [s["action"] for s in steps if "screenshot" in s]
    assert shots == [
        "before_reauthorized",
        "app_consent_submitted",
        "app_interstitial",
        "after_reauthorized",
    ]
    for step in steps:
        if "screenshot" in step:
            picture = folder / step["screenshot"]
            assert picture.read_bytes().startswith(b"\x89PNG")
            assert picture.stat().st_mode & 0o077 == 0
    # The consent page is photographed as submitted: after its box was ticked (the simulator
    # saw the consent only after that picture), on the consent page itself.
    submitted = next(s for s in steps if s["action"] == "app_consent_submitted")
    assert "/apps/authorize/consent" in submitted["page"] or variant == "login"
    interstitial = next(s for s in steps if s["action"] == "app_interstitial")
    assert interstitial["page"] == site.url + "/apps/authorize/status"  # no query kept
    assert steps[-1]["expires_at"] == str(result.expires_at)
    assert_nothing_secret(root, site, result)


def test_authorize_keeps_the_ticked_consent_and_the_interstitial(
    site_factory, account_for, run, app_for, tmp_path
) -> None:
    site = site_factory("spapi")
    root = tmp_path / "evidence"
    result = run(job(authorize.SPEC, app=app_for(site)), account_for(site), evidence_dir=root)
    assert result.outcome == "authorized"
    folder, steps = evidence_of(root)
    shots = [s["action"] for s in steps if "screenshot" in s]
    assert shots == ["app_consent_submitted", "app_interstitial"]
    assert_nothing_secret(root, site, result)
