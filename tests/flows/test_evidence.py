"""Evidence and traces: what an operator can hand a seller, and what a developer can debug with."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pyotp
from PIL import Image
from playwright.sync_api import Page

from automation.runner import Recording, RunContext
from flows.browse.masking import secret_fields
from flows.mws import access as permissions
from flows.mws import register, renew
from flows.seller_central import SellerCentral
from tests.jobs import job

MAGENTA = (255, 0, 255)


def archive_bytes(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return b"\n".join(archive.read(name) for name in archive.namelist())


class TestEvidence:
    def test_register_leaves_masked_proof_of_each_step(
        self, site_factory, account_for, run, tmp_path
    ) -> None:
        """Consent (both boxes ticked) and completion are photographed; the token is masked."""
        site = site_factory("demo")
        result = run(job(register.SPEC), account_for(site), evidence_dir=tmp_path / "evidence")
        (evidence,) = (tmp_path / "evidence").iterdir()  # one folder per run
        assert evidence.name.startswith("default-")
        steps = json.loads((evidence / "steps.json").read_text())
        actions = [s["action"] for s in steps]
        assert actions == ["consent_ticked", "completion"]
        assert all(s["page"].startswith(site.url) and s["time"] for s in steps)
        token = result.mws_auth_token.get_secret_value()
        for step in steps:
            assert (evidence / step["screenshot"]).stat().st_mode & 0o077 == 0
        assert token.encode() not in (evidence / "steps.json").read_bytes()

    def test_renew_photographs_the_table_before_and_after(
        self, site_factory, account_for, run, tmp_path
    ) -> None:
        """A renewal leaves the permissions table before and after, and the new expiry."""
        site = site_factory("expiring")
        run(
            job(renew.SPEC),
            account_for(site),
            evidence_dir=tmp_path / "evidence",
        )
        (evidence,) = (tmp_path / "evidence").iterdir()
        steps = json.loads((evidence / "steps.json").read_text())
        assert [s["action"] for s in steps] == ["before_renewed", "after_renewed"]
        assert steps[1]["expires_at"]


class TestMasking:
    def test_token_and_password_boxes_are_solid_mask_colour(
        self, site_factory, account_for, run, tmp_path
    ) -> None:
        """In a saved screenshot the token's and the password field's boxes are pure magenta."""
        site = site_factory("granted")
        boxes: dict[str, dict[str, float]] = {}

        def reveal_and_shoot(page: Page, ctx: RunContext) -> Path:
            sc = SellerCentral.for_run(page, ctx)
            perms = permissions.open_permissions(sc)
            row = perms.locate_row(ctx.account.developer_id, "current")
            assert row is not None
            perms.reveal_token(row)
            # A password field as the sign-in page has one, to check its mask too.
            page.evaluate(
                "() => { const i = document.createElement('input'); i.type = 'password';"
                " i.value = 'hunter2hunter2'; i.id = 'probe'; document.body.prepend(i); }"
            )
            # Boxes are measured in the viewport; the full-page screenshot starts at the top.
            scroll = page.evaluate("() => window.scrollY")
            for name, locator in (
                ("token", secret_fields(page)[-1].first),
                ("password", page.locator("#probe")),
            ):
                box = locator.bounding_box()
                assert box is not None
                boxes[name] = {**box, "y": box["y"] + scroll}
            from automation.browser import masked_screenshot

            return masked_screenshot(page, tmp_path / "shot.png", mask=secret_fields(page))

        shot = run(reveal_and_shoot, account_for(site))
        image = Image.open(shot).convert("RGB")
        for name, box in boxes.items():
            inner = (
                int(box["x"]) + 2,
                int(box["y"]) + 2,
                int(box["x"] + box["width"]) - 2,
                int(box["y"] + box["height"]) - 2,
            )
            colours = {
                image.getpixel((x, y))
                for x in range(inner[0], inner[2])
                for y in range(inner[1], inner[3])
            }
            assert colours == {MAGENTA}, (name, box, list(colours)[:5])


class TestTrace:
    def test_trace_holds_no_secret(
        self, site_factory, account_for, run, tmp_path, state_dir
    ) -> None:
        """A Playwright trace of register holds no password, TOTP secret, OTP or token."""
        site = site_factory("demo")
        trace = tmp_path / "trace.zip"
        result = run(job(register.SPEC), account_for(site), recording=Recording(trace=trace))
        data = archive_bytes(trace)
        assert b"consent" in data  # it is a real trace of the run
        session = json.loads((state_dir / "sessions" / "default.json").read_text())
        cookies = [c["value"] for c in session["cookies"] if len(c["value"]) >= 8]
        assert cookies, "the run kept a signed-in session"
        for value in cookies:
            assert value.encode() not in data, "a session cookie in the trace"
        totp = pyotp.TOTP(site.login.totp_secret)
        otps = [totp.at(e["step"] * 30) for e in site.sim.events_of("otp") if e["ok"]]
        assert otps
        for secret in [
            site.login.password,
            site.login.totp_secret,
            result.mws_auth_token.get_secret_value(),
            *otps,
        ]:
            assert secret.encode() not in data, secret[:4]
