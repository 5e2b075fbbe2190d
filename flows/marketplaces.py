"""The Amazon marketplaces a seller account can be registered in."""

from __future__ import annotations

from dataclasses import dataclass

from automation.errors import InvalidInput


@dataclass(frozen=True)
class Marketplace:
    """One marketplace: its short code, Amazon's ID, its names on the account picker, its host."""

    code: str
    marketplace_id: str
    country_ja: str
    country_en: str
    base_url: str


_EUROPE = "https://sellercentral-europe.amazon.com"

MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace("JP", "A1VC38T7YXB528", "日本", "Japan", "https://sellercentral.amazon.co.jp"),
        Marketplace(
            "US",
            "ATVPDKIKX0DER",
            "アメリカ合衆国",
            "United States",
            "https://sellercentral.amazon.com",
        ),
        Marketplace("CA", "A2EUQ1WTGCTBG2", "カナダ", "Canada", "https://sellercentral.amazon.ca"),
        Marketplace(
            "MX", "A1AM78C64UM0Y8", "メキシコ", "Mexico", "https://sellercentral.amazon.com.mx"
        ),
        Marketplace("UK", "A1F83G8C2ARO7P", "イギリス", "United Kingdom", _EUROPE),
        Marketplace("DE", "A1PA6795UKMFR9", "ドイツ", "Germany", _EUROPE),
        Marketplace("FR", "A13V1IB3VIYZZH", "フランス", "France", _EUROPE),
        Marketplace("IT", "APJ6JRA9NG5V4", "イタリア", "Italy", _EUROPE),
        Marketplace("ES", "A1RKKUPIHCS9HS", "スペイン", "Spain", _EUROPE),
        Marketplace(
            "AU",
            "A39IBJ37TRP1C6",
            "オーストラリア",
            "Australia",
            "https://sellercentral.amazon.com.au",
        ),
    )
}


def get_marketplace(code: str) -> Marketplace:
    """The marketplace for a code such as `jp` or `US`; InvalidInput naming the valid codes."""
    found = MARKETPLACES.get(code.strip().upper())
    if found is None:
        valid = ", ".join(MARKETPLACES)
        raise InvalidInput(f"unknown marketplace {code!r}: use one of {valid}", field="marketplace")
    return found
