"""Recorded fixtures: a flow recorded from the simulator replays with no server, secrets gone."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from automation.errors import SiteUnavailable
from fixtures.simulator import Faults  # noqa: F401  (kept for new recordings' scenarios)
from flows.mws import register, renew, status
from flows.recording import OTP, PASSWORD, read_meta, record, replay
from tests.jobs import job

RECORDED = Path(__file__).resolve().parents[2] / "fixtures" / "recorded"
FLOWS = {
    "register": job(register.SPEC),
    "status": job(status.SPEC),
    "renew": job(renew.SPEC),
}


def archive_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


class TestRecord:
    def test_recording_holds_no_secret_and_replays_without_a_server(
        self, site_factory, account_for, settings, tmp_path
    ) -> None:
        """register is recorded, scrubbed, and then passes again from the recording alone."""
        site = site_factory("demo")
        account = account_for(site)
        out = tmp_path / "register.har.zip"
        live = record(job(register.SPEC), "register", settings, account, out)
        token = live.mws_auth_token.get_secret_value()
        site.server.stop()

        text = archive_text(out)
        assert site.login.password not in text
        assert site.login.totp_secret not in text
        assert token not in text
        assert PASSWORD in text and OTP in text
        assert read_meta(out)["flow"] == "register"

        replayed, _ = replay(out, job(register.SPEC), settings)
        assert replayed.outcome == "granted"
        assert replayed.seller_id == live.seller_id
        assert replayed.mws_auth_token.get_secret_value().startswith("amzn.mws.00000000-")

    def test_replay_aborts_requests_the_recording_does_not_hold(
        self, site_factory, account_for, settings, tmp_path
    ) -> None:
        """A flow that asks for something not recorded fails; nothing reaches the network."""
        site = site_factory("granted")
        out = tmp_path / "status.har.zip"
        record(job(status.SPEC), "status", settings, account_for(site), out)
        site.server.stop()
        with pytest.raises(SiteUnavailable):
            replay(out, job(register.SPEC), settings.model_copy(update={"retry_attempts": 1}))


@pytest.mark.parametrize(
    "path", sorted(RECORDED.glob("*.har.zip")), ids=lambda p: p.name.removesuffix(".har.zip")
)
def test_committed_recording_replays(path: Path, settings) -> None:
    """Every recording under fixtures/recorded/ passes its flow with no server running."""
    meta = read_meta(path)
    flow = FLOWS[meta["flow"]]
    if meta["options"]:
        flow = job(renew.SPEC, **meta["options"])
    result, _ = replay(path, flow, settings)
    expected = meta.get("expected", {})
    data = result.model_dump(mode="json")
    for key, value in expected.items():
        assert data[key] == value, key
