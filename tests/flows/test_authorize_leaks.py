"""The SP-API leak test: refresh tokens, access tokens, codes and the LWA client secret appear
nowhere the runs leave behind (logs, errors, evidence, traces), failures included."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from automation.errors import PageChanged, SellerAuthError
from automation.runner import Recording
from fixtures.simulator.spapi_model import (
    DEMO_APP_ID,
    DEMO_APP_NAME,
    DEMO_LOGIN_URI,
    DEMO_LWA_CLIENT_ID,
    DEMO_LWA_CLIENT_SECRET,
    DEMO_REDIRECT_URI,
)
from flows.spapi import app_renew, authorize
from flows.spapi.errors import LwaInvalidClient
from flows.spapi.settings import AppSettings, load_app_settings
from tests.jobs import job


def app_settings(site: Any, **overrides: Any) -> AppSettings:
    values: dict[str, Any] = {
        "app_id": DEMO_APP_ID,
        "app_name": DEMO_APP_NAME,
        "redirect_uri": DEMO_REDIRECT_URI,
        "login_uri": DEMO_LOGIN_URI,
        "lwa_client_id": DEMO_LWA_CLIENT_ID,
        "lwa_client_secret": DEMO_LWA_CLIENT_SECRET,
        "lwa_token_url": site.url + "/auth/o2/token",
        "spapi_endpoint": site.url,
        "interstitial_wait_ms": 2000,
    }
    values.update(overrides)
    return load_app_settings(**values)


def files_under(root: Path) -> Iterator[tuple[Path, bytes]]:
    """Every file under `root`, and every member of every zip archive among them."""
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        yield path, data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    yield path / name, archive.read(name)


def test_no_spapi_secret_left_behind(
    site_factory, account_for, run, tmp_path: Path, state_dir: Path, capfd
) -> None:
    """authorize, app_renew and three failures after secrets exist, with evidence and
    traces: no refresh token, access token, code or client secret anywhere. (`state` is a
    one-time nonce, not a credential: it may show in the evidence's page addresses.)"""
    out = tmp_path / "out"
    good = site_factory("spapi-expiring", language="en", spapi={"variant": "login"})
    results: list[Any] = []
    errors: list[SellerAuthError] = []

    def go(site: Any, spec: Any, name: str, *, options: Any = None, **settings: Any) -> None:
        recording = Recording(trace=out / "traces" / f"{name}.zip")
        app = app_settings(site, **settings)
        try:
            results.append(
                run(
                    job(spec, app=app, **(options or {})),
                    account_for(site),
                    evidence_dir=out / "evidence" / name,
                    recording=recording,
                )
            )
        except SellerAuthError as error:
            errors.append(error)

    go(good, authorize.SPEC, "authorize")
    go(good, app_renew.SPEC, "renew", options={"force": True})
    wrong_state = site_factory("spapi", spapi={"wrong_state": True, "redirect_by": "302"})
    go(wrong_state, authorize.SPEC, "state")
    bad_client = site_factory("spapi")
    go(bad_client, authorize.SPEC, "client", lwa_client_secret="Wrong-Secret-0123456")
    refused = site_factory("spapi-authorized")
    go(refused, authorize.SPEC, "sellers", spapi_endpoint=refused.url + "/nowhere")
    assert [type(e) for e in errors][:2] == [PageChanged, LwaInvalidClient]
    assert len(results) == 2 and len(errors) == 3
    assert list((out / "evidence").rglob("steps.json"))
    assert (out / "traces" / "authorize.zip").exists()

    sims = [good.sim, wrong_state.sim, bad_client.sim, refused.sim]
    forbidden: dict[str, str] = {"the client secret": DEMO_LWA_CLIENT_SECRET}
    for n, sim in enumerate(sims):
        state = sim.spapi_state
        for i, token in enumerate(state.refresh_tokens):
            forbidden[f"refresh token {i} of sim {n}"] = token
        for i, token in enumerate(state.access_tokens):
            forbidden[f"access token {i} of sim {n}"] = token
        for i, code in enumerate(state.codes):
            forbidden[f"code {i} of sim {n}"] = code
    assert sum("refresh token" in k for k in forbidden) == 3
    assert sum("access token" in k for k in forbidden) >= 4

    def check(where: str, data: bytes) -> None:
        for what, secret in forbidden.items():
            assert secret.encode() not in data, f"{what} in {where}"

    captured = capfd.readouterr()
    check("stdout", captured.out.encode())
    check("stderr", captured.err.encode())
    assert "consent" in captured.err  # the runs did log
    for error in errors:
        check(f"{error.code} message", str(error).encode())
        check(f"{error.code} JSON", repr(error.to_dict()).encode())
        # These fail after the consent page was left for about:blank (the code is never left
        # in the address bar): no picture of a blank page is taken; any that is, is checked
        # below with every file.
    for result in results:
        check("result repr", repr(result).encode())
        check("result str", str(result.model_dump()).encode())
    for root in (out, state_dir):
        for path, data in files_under(root):
            check(str(path), data)
    # Only the JSON form asked for with --json reveals the refresh token.
    assert results[0].refresh_token.get_secret_value() in results[0].model_dump_json()


@pytest.mark.parametrize("value", ["amzn1.application-oa2-client.0123456789abcdef0123"])
def test_settings_errors_never_quote_the_secret(value: str) -> None:
    """A bad setting's message names the field, never the client secret's value."""
    from automation.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        load_app_settings(
            app_id=value,
            app_name="x",
            redirect_uri=DEMO_REDIRECT_URI,
            lwa_client_id=DEMO_LWA_CLIENT_ID,
            lwa_client_secret="S3cret-Value-That-Must-Not-Show",
        )
    assert "SELLERAUTH_APP_ID" in caught.value.message
    assert "S3cret-Value" not in str(caught.value)


def test_app_check_leaves_no_spapi_secret(
    site_factory, account_for, settings, clock, capfd
) -> None:
    """app-check, ok and refused (relink_needed, client_rejected after the next secret): no
    refresh token, access token or client secret in the logs, the errors or the results."""
    from pydantic import SecretStr

    from automation.runner import RunOptions, run_without_browser
    from fixtures.simulator.spapi import issue_refresh_token
    from flows.spapi import app_check
    from flows.spapi.options import KnownAuthorization

    next_secret = "amzn1.oa2-cs.v1.sim0leak0next0secret0c6e8b0d1234567890abcdef"
    said: list[str] = []
    tokens: list[str] = []
    for knobs in ({}, {"refresh_revoked": True}, {"lwa_secret_retired": True}):
        site = site_factory("spapi-authorized", spapi=knobs)
        seller_id = site.login.sellers[0].seller_id
        token = issue_refresh_token(site.sim, seller_id)
        tokens.append(token)
        app = app_settings(site, lwa_client_secret_next=next_secret)
        flow = job(app_check.SPEC, app=app, known=KnownAuthorization(SecretStr(token)))
        try:
            said.append(
                run_without_browser(
                    flow, settings, account_for(site), RunOptions(clock=clock)
                ).model_dump_json()
            )
        except SellerAuthError as error:
            said.append(str(error.to_dict()))
        tokens += list(site.sim.spapi_state.access_tokens)
    out, err = capfd.readouterr()
    said += [out, err]
    assert any('"check":"ok"' in text for text in said)
    for secret in [*tokens, DEMO_LWA_CLIENT_SECRET, next_secret]:
        assert not any(secret in text for text in said), secret[:8]
