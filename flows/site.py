"""Seller Central as a site of the engine: its account overrides, top-level help and hooks."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

    from automation.settings import Settings

# The developer the jobs grant access to unless told otherwise, and the default site.
DEVELOPER_NAME = "shippinno"
DEVELOPER_ID = "5259-6479-4073"
BASE_URL = "https://sellercentral.amazon.co.jp"

HELP = """Give a developer access to Amazon Seller Central accounts, read back the seller ID,
marketplace ID and MWS auth token, and keep that access from expiring.

The default account comes from SELLERAUTH_EMAIL, SELLERAUTH_PASSWORD and SELLERAUTH_TOTP_SECRET
(environment or .env); named accounts from accounts.toml (--account NAME).

Try it offline first: `sellerauth sim` serves a Seller Central simulator and prints the
commands to run against it.
"""


class SiteOverrides(BaseModel):
    """The account settings every job lets the command line override (None: not given)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: Annotated[
        str | None,
        Field(
            description="Seller Central URL, e.g. https://sellercentral.amazon.co.jp.",
            json_schema_extra={"metavar": "URL"},
        ),
    ] = None


class DeveloperOverrides(SiteOverrides):
    """`register` may also name the developer to grant (default: the settings')."""

    developer_name: Annotated[
        str | None,
        Field(
            description="Developer name to grant (default shippinno).",
            json_schema_extra={"metavar": "NAME"},
        ),
    ] = None
    developer_id: Annotated[
        str | None,
        Field(
            description="Developer ID, 12 digits (default 5259-6479-4073).",
            json_schema_extra={"metavar": "ID"},
        ),
    ] = None


def watching_person(settings: Settings) -> Callable[[Page, str], None]:
    """What runs when Amazon asks for what only a person may give and one watches: tell them,
    and wait (up to SELLERAUTH_HUMAN_WAIT_SECONDS) until the page moves on."""
    from flows.signin import wait_for_person

    return functools.partial(wait_for_person, timeout_s=settings.human_wait_seconds)
