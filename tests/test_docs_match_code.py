"""The docs agree with the code: every error code with its exit status, every marketplace."""

from __future__ import annotations

import importlib
import pkgutil

import automation
import flows
from automation.errors import SellerAuthError
from tests.cli import ROOT


def test_every_error_code_is_documented_with_its_exit_status() -> None:
    """docs/errors.md has a row for each error the program can report, with the exit status it
    really ends with, and no row for a code that does not exist."""
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
    """docs/configuration.md's settings table and accounts.example.toml list the marketplace
    codes the code knows, in its order."""
    from flows.marketplaces import MARKETPLACES

    codes = ", ".join(MARKETPLACES)
    configuration = (ROOT / "docs" / "configuration.md").read_text()
    example = (ROOT / "accounts.example.toml").read_text()
    assert f"country code: {codes} |" in configuration
    assert f"marketplace     JP (default, or SELLERAUTH_MARKETPLACE), {codes[4:]}" in example
