"""The README agrees with the code: every error code in its table, every marketplace named."""

from __future__ import annotations

from tests.cli import ROOT


def test_readme_lists_every_error_code() -> None:
    """Each error class's code has a row in the README's "Errors and exit statuses" table."""
    from automation import errors

    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Errors and exit statuses", 1)[1].split("\n## ", 1)[0]
    codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.SellerAuthError)
    }
    for code in codes:
        assert f"| `{code}` |" in table, code


def test_readme_and_example_accounts_name_every_marketplace() -> None:
    """The README's settings table and accounts.example.toml list the marketplace codes the
    code knows, in its order."""
    from flows.marketplaces import MARKETPLACES

    codes = ", ".join(MARKETPLACES)
    readme = (ROOT / "README.md").read_text()
    example = (ROOT / "accounts.example.toml").read_text()
    assert f"country code: {codes} |" in readme
    assert f"marketplace     JP (default, or SELLERAUTH_MARKETPLACE), {codes[4:]}" in example
