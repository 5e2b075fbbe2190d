"""Recorded fixtures: record a flow as a HAR with consistent placeholders, and replay it."""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from automation.accounts import AccountProfile
from automation.errors import SellerAuthError
from automation.log import registered_secrets
from automation.otp import FakeClock
from automation.runner import Recording, run_one
from automation.settings import Settings
from flows.site import SellerAccount, resolve_account

META = "sellerauth.json"
PASSWORD = "recorded-password"
OTP = "000000"
_OTP_SHAPE = re.compile(r"\d{6,8}")
_TOKEN_SHAPE = re.compile(r"amzn\.mws\.[0-9a-f-]{36}")


def placeholders_for(account: AccountProfile) -> Callable[[], dict[str, str]]:
    """What each secret of a recording becomes: the password and OTPs a fixed text the replay
    types again, every MWS token a well-formed fake of its own, anything else `***`."""

    def build() -> dict[str, str]:
        mapping = {account.password.get_secret_value(): PASSWORD}
        tokens = 0
        for secret in registered_secrets():
            if secret in mapping:
                continue
            if _OTP_SHAPE.fullmatch(secret):
                mapping[secret] = OTP
            elif _TOKEN_SHAPE.fullmatch(secret):
                tokens += 1
                mapping[secret] = f"amzn.mws.00000000-0000-4000-8000-{tokens:012d}"
        return mapping

    return build


class FixedCode:
    """The OTP a recording was made with, typed again on replay."""

    def next_code(self) -> str:
        return OTP


def record(
    flow: Callable[..., BaseModel],
    flow_name: str,
    settings: Settings,
    account: SellerAccount,
    out: Path,
    options: dict[str, Any] | None = None,
    **run_options: Any,
) -> BaseModel:
    """Run `flow` from a fresh sign-in and keep its traffic in `out` (a .har.zip), scrubbed."""
    recorded_at = datetime.now(UTC)
    result = run_one(
        flow,
        settings,
        account,
        recording=Recording(har=out, placeholders=placeholders_for(account), fresh_session=True),
        **run_options,
    )
    if not out.exists():
        raise SellerAuthError(
            f"The recording could not be written to {out} (see the log); nothing was kept."
        )
    meta = {
        "flow": flow_name,
        "options": options or {},
        "recorded_at": recorded_at.isoformat(),
        "account": {
            "email": account.email,
            "base_url": account.base_url,
            "marketplace": account.marketplace,
            "account_name": account.account_name,
            "developer_name": account.developer_name,
            "developer_id": account.developer_id,
            "two_step_verification": account.totp_secret is not None,
        },
        # What a replay must report again (secrets left out).
        "expected": {
            key: value
            for key, value in result.model_dump(mode="json").items()
            if "token" not in key
        },
    }
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(META, json.dumps(meta, ensure_ascii=False, indent=2))
    return result


def read_meta(path: Path) -> dict[str, Any]:
    """What a recording says about itself: the flow, its options, the account, when."""
    with zipfile.ZipFile(path) as archive:
        meta: dict[str, Any] = json.loads(archive.read(META))
    return meta


def replay(
    path: Path, flow: Callable[..., BaseModel], settings: Settings
) -> tuple[BaseModel, dict[str, Any]]:
    """Run `flow` against a recording alone: every request is served from it, nothing else.

    The clock is set to the recording's time, so dates on its pages mean what they meant.
    """
    meta = read_meta(path)
    facts = meta["account"]
    account = resolve_account(
        settings,
        None,
        email=facts["email"],
        password=PASSWORD,
        base_url=facts["base_url"],
        marketplace=facts["marketplace"],
        account_name=facts["account_name"],
        developer_name=facts["developer_name"],
        developer_id=facts["developer_id"],
    )
    clock = FakeClock(datetime.fromisoformat(meta["recorded_at"]).timestamp())
    result = run_one(
        flow,
        settings,
        account,
        clock=clock,
        otp=FixedCode() if facts["two_step_verification"] else None,
        recording=Recording(replay=path, fresh_session=True),
    )
    return result, meta
